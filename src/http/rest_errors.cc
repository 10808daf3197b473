#include "http/rest_errors.h"

namespace oxbow::http {

int RestError::http_status() const {
  int status = error_code;
  while (status >= 1000) status /= 10;
  return status;
}

net::Response RestError::ToResponse() const {
  return net::JsonError(http_status(), error_code, message);
}

int ErrorCodeForAppend(const Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
      return kPartitionNotFound;
    case absl::StatusCode::kUnavailable:
      return kKafkaRetriableError;
    default:
      return kKafkaError;
  }
}

}  // namespace oxbow::http
