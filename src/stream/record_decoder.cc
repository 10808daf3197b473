#include "stream/record_decoder.h"

#include "base/logging.h"
#include "stream/avro_record_decoder.h"
#include "stream/debezium_record_decoder.h"
#include "stream/json_record_decoder.h"

namespace oxbow::stream {

std::unique_ptr<RecordDecoder> MakeRecordDecoder(RecordDecoderOptions o) {
  switch (o.format) {
    case SourceFormat::kAvro:
      OXBOW_CHECK(o.schemas != nullptr, "an Avro source needs a schema lookup");
      return std::make_unique<AvroRecordDecoder>(std::move(o.columns), std::move(o.key_columns),
                                                 *o.schemas, std::move(o.avro_reader_schema));
    case SourceFormat::kDebeziumJson:
      return std::make_unique<DebeziumRecordDecoder>(std::move(o.columns),
                                                     std::move(o.key_columns));
    case SourceFormat::kJson:
      break;
  }
  return std::make_unique<JsonRecordDecoder>(std::move(o.columns), std::move(o.key_columns));
}

}  // namespace oxbow::stream
