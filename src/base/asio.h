// Boost.Asio, included the one way Oxbow does it. Boost 1.74's awaitable.hpp uses
// std::exchange without including <utility>, so it must come first.
#pragma once

// clang-format off
#include <utility>
#include <boost/asio.hpp>
// clang-format on
