// The Avro binary decoder: a program compiled once per (writer schema, reader schema) pair that
// reads data written with the writer schema as values of the reader schema, applying the
// spec's schema resolution ("Schema Resolution"):
//   - promotions: int → long, float, double; long → float, double; float → double;
//     string ↔ bytes;
//   - record fields matched by name (or a reader field's alias), in any order; writer fields
//     the reader lacks are skipped; reader fields the writer lacks take their default;
//   - enum symbols mapped by name; a writer symbol the reader lacks reads as the reader's
//     enum default;
//   - unions on either side: a writer union reads each branch as the reader type (or as the
//     reader union branch chosen for it); a non-union writer reads into the reader union
//     branch chosen for it. The branch chosen is the first of the same type (and name, for
//     named types), else the first the writer type promotes to.
// Compilation resolves every name, field position, symbol and branch, so decoding a record
// does no lookups or string comparisons.
//
// Untrusted input: every read is bounds-checked; lengths and block counts are checked
// against the bytes left before anything is allocated; nesting and the number of items that
// take no bytes (e.g. nulls in an array) are limited. Memory used is at most proportional to
// the input's size.
//
// Thread safety: an AvroDecoder is immutable after Compile; copies share the program, and any
// number of threads may call Decode on it concurrently (each with its own output value).
#pragma once

#include <cstddef>
#include <memory>

#include "base/bytes.h"
#include "base/status.h"
#include "format/avro_value.h"
#include "registry/avro_schema.h"

namespace oxbow::format {

namespace internal {
struct AvroProgram;
}

struct AvroDecodeLimits {
  // How deeply records, arrays, maps and unions may nest in one datum.
  int max_depth = 256;
  // How many array or map items whose encoding may be empty (null, a record of nulls) one
  // datum may hold, in total. Items that take bytes are bounded by the input's size.
  size_t max_empty_items = 1 << 16;
};

class AvroDecoder {
 public:
  // Compiles the decoder for data written with `writer`, read as `reader`. Neither schema
  // needs to outlive the decoder. InvalidArgument when the reader cannot read the writer's
  // data, with the registry's compatibility messages, e.g.
  //   reader schema cannot read data written with the writer schema:
  //   READER_FIELD_MISSING_DEFAULT_VALUE at /fields/2: reader field "email" has no default ...
  static Result<AvroDecoder> Compile(const registry::AvroSchema& writer,
                                     const registry::AvroSchema& reader,
                                     AvroDecodeLimits limits = {});
  // Reader and writer schema the same.
  static Result<AvroDecoder> Compile(const registry::AvroSchema& schema,
                                     AvroDecodeLimits limits = {});

  // Decodes the datum that spans all of `data` into `*out`, reusing its storage (see
  // avro_value.h). For a Confluent-framed message pass the payload (confluent_framing.h).
  // Errors say what, where in the data (byte offset from the start of `data`) and where in
  // the value (the reader's field path; writer fields being skipped are named "(skipped)"):
  //   DataLoss           malformed or truncated data, or bytes left after the datum:
  //                      "at byte 12 (.lines[3].sku): string length 40 exceeds the 6 bytes left"
  //   ResourceExhausted  nesting or empty items beyond the limits
  // On error `*out` holds a partial value.
  Status Decode(ByteView data, AvroValue* out) const;

  // Decodes one datum at the start of `data`, returning how many bytes it took (for several
  // datums back to back, as in Avro container blocks).
  Result<size_t> DecodePrefix(ByteView data, AvroValue* out) const;

 private:
  explicit AvroDecoder(std::shared_ptr<const internal::AvroProgram> program)
      : program_(std::move(program)) {}

  std::shared_ptr<const internal::AvroProgram> program_;
};

}  // namespace oxbow::format
