// The output format of `oxbow topic consume`: a template with %-fields, as kcat's -f.
//
//   %t topic   %p partition   %o offset   %T timestamp (ms)   %k key   %v value
//   %h headers (k=v,k=v)   %K key length   %S value length (-1 when null)   %% a '%'
//   \n newline   \t tab   \\ backslash
// A null key or value prints as "null", as Kafka's console consumer does. A format without
// a newline gets one appended, so each record ends a line.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/ids.h"
#include "base/status.h"
#include "log/record_batch.h"

namespace oxbow::server {

// One record as a consumer sees it, however it was read (from the data directory or through
// the Kafka API), so both print alike. Views are valid during the call they are passed to.
struct ConsumedRecord {
  std::string_view topic;
  PartitionId partition;
  Offset offset;
  TimestampMs timestamp;
  std::optional<ByteView> key;    // nullopt: a null key
  std::optional<ByteView> value;  // nullopt: a null value (a tombstone)
  std::span<const log::RecordHeader> headers;
};

// The ConsumedRecord view of a record of a decoded batch.
ConsumedRecord ToConsumed(std::string_view topic, PartitionId partition,
                          const log::DecodedBatch& batch, const log::Record& record);

class RecordFormat {
 public:
  // InvalidArgument naming the unknown field or escape, and listing the known ones.
  static Result<RecordFormat> Parse(std::string_view format);

  // Appends the formatted record to `out`.
  void Format(const ConsumedRecord& record, std::string& out) const;

 private:
  enum class Field : char {
    kLiteral,
    kTopic,
    kPartition,
    kOffset,
    kTimestamp,
    kKey,
    kValue,
    kHeaders,
    kKeyLength,
    kValueLength
  };
  struct Part {
    Field field;
    std::string literal;  // for kLiteral
  };
  std::vector<Part> parts_;
};

}  // namespace oxbow::server
