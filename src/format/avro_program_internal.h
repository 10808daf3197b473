// The compiled form of an AvroDecoder (internal to format): steps that read the writer's
// binary encoding and write values of the reader's schema, with every name, field position,
// enum symbol and union branch resolved by the compiler (avro_compiler.cc). The interpreter
// (avro_decoder.cc) only follows indexes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "format/avro_decoder.h"
#include "format/avro_value.h"
#include "registry/avro_schema.h"

namespace oxbow::format::internal {

// What a step does. Each reads the writer's encoding; the name says what it writes.
enum class Op : uint8_t {
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kBytes,
  kString,
  kFixed,  // arg: the size
  // Promotions: writer type → reader type.
  kIntAsLong,
  kIntAsFloat,
  kIntAsDouble,
  kLongAsFloat,
  kLongAsDouble,
  kFloatAsDouble,
  kBytesAsString,
  kStringAsBytes,
  kEnum,         // arg: index into AvroProgram::enums
  kRecord,       // arg: index into AvroProgram::records
  kArray,        // child: the item step; arg: the least bytes a writer item takes
  kMap,          // child: the value step
  kWriterUnion,  // arg: index into AvroProgram::unions
  kReaderUnion,  // arg: the reader branch; child: the step reading the writer's type into it
  kFail,         // arg: index into AvroProgram::messages (a writer branch the reader cannot read)
  // Only as record field actions:
  kSkip,     // child: the step whose writer encoding is skipped (a writer field the reader lacks)
  kDefault,  // arg: index into AvroProgram::defaults (a reader field the writer lacks)
};

struct Step {
  Op op = Op::kNull;
  AvroLogicalType logical = AvroLogicalType::kNone;  // annotates the value written
  int32_t scale = 0;                                 // decimal scale
  uint32_t arg = 0;
  uint32_t child = 0;  // index into AvroProgram::steps
};

// One writer field read into reader field `target`, skipped, or one reader field defaulted.
struct FieldAction {
  Step step;
  uint32_t target = 0;  // reader field position (unused for kSkip)
  std::string name;     // for error paths: the reader field, or the skipped writer field
};

struct RecordProgram {
  // Writer fields in writer order, then defaults for the reader fields the writer lacks.
  std::vector<FieldAction> actions;
  uint32_t num_fields = 0;  // of the reader record
};

struct EnumProgram {
  size_t writer_symbols = 0;
  std::vector<int32_t> reader_index;  // per writer symbol
  std::vector<std::string> reader_symbols;
};

struct UnionBranchProgram {
  int32_t reader_branch = -1;  // -1: the reader is not a union; decode into the value itself
  uint32_t step = 0;
};

struct AvroProgram {
  Step root;
  std::vector<Step> steps;
  std::vector<RecordProgram> records;
  std::vector<EnumProgram> enums;
  std::vector<std::vector<UnionBranchProgram>> unions;  // per writer branch
  std::vector<AvroValue> defaults;
  std::vector<std::string> messages;
  AvroDecodeLimits limits;
};

// Builds the program reading `writer` data as `reader` (avro_compiler.cc). The caller has
// checked that the reader can read the writer; InvalidArgument if something cannot be
// resolved anyway.
Result<std::unique_ptr<AvroProgram>> CompileAvroProgram(const registry::AvroNode& writer,
                                                        const registry::AvroNode& reader,
                                                        AvroDecodeLimits limits);

}  // namespace oxbow::format::internal
