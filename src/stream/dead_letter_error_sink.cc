#include "stream/dead_letter_error_sink.h"

namespace oxbow::stream {

Status DeadLetterErrorSink::Report(RecordError error) {
  dlq::DeadLetter l;
  l.source_topic = std::move(error.topic);
  l.source_partition = error.partition.value();
  l.source_offset = error.offset.value();
  l.error_class = std::move(error.error_class);
  l.error_message = std::move(error.reason);
  l.view = view_;
  l.key = std::move(error.key);
  l.value = std::move(error.value);
  l.headers = std::move(error.headers);
  l.timestamp_ms = error.timestamp_ms;
  pending_.push_back(std::move(l));
  return Status();
}

Status DeadLetterErrorSink::Flush() {
  if (pending_.empty()) return Status();
  std::vector<dlq::DeadLetter> letters = std::exchange(pending_, {});
  RETURN_IF_ERROR(queue_.Append(letters));
  absl::MutexLock lock(&mu_);
  for (const dlq::DeadLetter& l : letters) ++counts_[l.source_topic];
  return Status();
}

uint64_t DeadLetterErrorSink::Count(std::string_view topic) const {
  absl::MutexLock lock(&mu_);
  auto it = counts_.find(absl::string_view(topic.data(), topic.size()));
  return it == counts_.end() ? 0 : it->second;
}

std::map<std::string, uint64_t> DeadLetterErrorSink::Counts() const {
  absl::MutexLock lock(&mu_);
  return std::map<std::string, uint64_t>(counts_.begin(), counts_.end());
}

}  // namespace oxbow::stream
