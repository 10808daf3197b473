// The topic commands on the data directory itself, with no server running: the log opened
// by this process (recovery included), closed again by Close().
#pragma once

#include <memory>

#include "log/log_manager.h"
#include "server/config.h"
#include "server/topic_backend.h"

namespace oxbow::server {

// Takes the open log; `config` says which topic defaults the configuration set (the
// [server] marks of describe) and must outlive the backend.
std::unique_ptr<TopicBackend> MakeLocalTopicBackend(std::unique_ptr<log::LogManager> log,
                                                    const ServerConfig& config);

}  // namespace oxbow::server
