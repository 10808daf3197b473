// The interpreter of compiled decoders (avro_program_internal.h) and AvroDecoder's API.
#include "format/avro_decoder.h"

#include <bit>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "base/varint.h"
#include "fmt/format.h"
#include "format/avro_program_internal.h"
#include "registry/avro_compatibility.h"

namespace oxbow::format {
namespace {

using internal::AvroProgram;
using internal::FieldAction;
using internal::Op;
using internal::RecordProgram;
using internal::Step;

static_assert(std::endian::native == std::endian::little,
              "Avro floats are little-endian; this decoder copies them as they are");

// Runs a program over one datum. Every Read* checks bounds and returns false after recording
// the error (offset, message); callers return false up the stack, each adding its place in the
// value to the path. Nothing on the success path formats or allocates beyond the values.
class Interpreter {
 public:
  Interpreter(const AvroProgram& p, ByteView data)
      : p_(p), begin_(data.data()), cur_(data.data()), end_(data.data() + data.size()) {}

  bool Run(const Step& s, AvroValue& out) {
    if (!RunOp(s, out)) return false;
    if (s.logical != AvroLogicalType::kNone) [[unlikely]]
      out.SetLogical(s.logical, s.scale);
    return true;
  }

  size_t consumed() const { return static_cast<size_t>(cur_ - begin_); }

  Status Error() const {
    std::string path;
    for (auto it = path_.rbegin(); it != path_.rend(); ++it) path += *it;
    std::string where = path.empty() ? fmt::format("at byte {}", error_offset_)
                                     : fmt::format("at byte {} ({})", error_offset_, path);
    return Status(error_code_, fmt::format("{}: {}", where, error_));
  }

 private:
  size_t remaining() const { return static_cast<size_t>(end_ - cur_); }

  bool Fail(const uint8_t* at, std::string message,
            absl::StatusCode code = absl::StatusCode::kDataLoss) {
    error_offset_ = static_cast<size_t>(at - begin_);
    error_ = std::move(message);
    error_code_ = code;
    return false;
  }

  // An unsigned varint of at most max_bytes whose value fits in max_bits.
  bool ReadVarint(uint64_t* v, int max_bytes, int max_bits, const char* what) {
    if (cur_ < end_ && *cur_ < 0x80) [[likely]] {
      *v = *cur_++;
      return true;
    }
    uint64_t result = 0;
    const uint8_t* p = cur_;
    for (int i = 0; i < max_bytes; ++i) {
      if (p == end_)
        return Fail(cur_, fmt::format("{} truncated: the varint runs past the end", what));
      uint8_t b = *p++;
      result |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if (b < 0x80) {
        if (max_bits < 64 && (result >> max_bits) != 0) {
          return Fail(cur_, fmt::format("{}: varint does not fit in {} bits", what, max_bits));
        }
        if (i == 9 && b > 1) return Fail(cur_, fmt::format("{}: varint overflows 64 bits", what));
        *v = result;
        cur_ = p;
        return true;
      }
    }
    return Fail(cur_, fmt::format("{}: varint longer than {} bytes", what, max_bytes));
  }

  bool ReadInt(int32_t* v, const char* what = "int") {
    uint64_t raw;
    if (!ReadVarint(&raw, kMaxVarint32Bytes, 32, what)) return false;
    *v = ZigZagDecode32(static_cast<uint32_t>(raw));
    return true;
  }

  bool ReadLong(int64_t* v, const char* what = "long") {
    uint64_t raw;
    if (!ReadVarint(&raw, kMaxVarint64Bytes, 64, what)) return false;
    *v = ZigZagDecode64(raw);
    return true;
  }

  bool ReadFixed(size_t n, const uint8_t** bytes, const char* what) {
    if (remaining() < n) [[unlikely]] {
      return Fail(cur_, fmt::format("{} needs {} bytes, {} left", what, n, remaining()));
    }
    *bytes = cur_;
    cur_ += n;
    return true;
  }

  // A length-prefixed byte sequence (bytes, string, map key).
  bool ReadSized(std::string_view* out, const char* what) {
    const uint8_t* at = cur_;
    int64_t len;
    if (!ReadLong(&len, what)) return false;
    if (len < 0) [[unlikely]]
      return Fail(at, fmt::format("{} has negative length {}", what, len));
    if (static_cast<uint64_t>(len) > remaining()) [[unlikely]] {
      return Fail(at,
                  fmt::format("{} length {} exceeds the {} bytes left", what, len, remaining()));
    }
    *out = std::string_view(reinterpret_cast<const char*>(cur_), static_cast<size_t>(len));
    cur_ += len;
    return true;
  }

  bool Enter(const uint8_t* at) {
    if (++depth_ > p_.limits.max_depth) [[unlikely]] {
      return Fail(at, fmt::format("the data nests deeper than {} levels", p_.limits.max_depth),
                  absl::StatusCode::kResourceExhausted);
    }
    return true;
  }

  bool RunOp(const Step& s, AvroValue& out) {
    switch (s.op) {
      case Op::kNull:
        out.SetNull();
        return true;
      case Op::kBoolean: {
        if (cur_ == end_) return Fail(cur_, "boolean needs 1 byte, 0 left");
        uint8_t b = *cur_;
        if (b > 1) [[unlikely]]
          return Fail(cur_, fmt::format("invalid boolean byte 0x{:02x}", b));
        ++cur_;
        out.SetBoolean(b == 1);
        return true;
      }
      case Op::kInt: {
        int32_t v;
        if (!ReadInt(&v)) return false;
        out.SetInt(v);
        return true;
      }
      case Op::kLong: {
        int64_t v;
        if (!ReadLong(&v)) return false;
        out.SetLong(v);
        return true;
      }
      case Op::kFloat: {
        float f;
        if (!ReadFloat(&f)) return false;
        out.SetFloat(f);
        return true;
      }
      case Op::kDouble: {
        const uint8_t* p;
        if (!ReadFixed(8, &p, "double")) return false;
        double d;
        std::memcpy(&d, p, 8);
        out.SetDouble(d);
        return true;
      }
      case Op::kBytes:
      case Op::kStringAsBytes:
        return ReadBytesAs(AvroType::kBytes, out, s.op == Op::kBytes ? "bytes" : "string");
      case Op::kString:
      case Op::kBytesAsString:
        return ReadBytesAs(AvroType::kString, out, s.op == Op::kString ? "string" : "bytes");
      case Op::kFixed: {
        const uint8_t* p;
        if (!ReadFixed(s.arg, &p, "fixed")) return false;
        out.SetBytesOf(AvroType::kFixed, std::string_view(reinterpret_cast<const char*>(p), s.arg));
        return true;
      }
      case Op::kIntAsLong:
      case Op::kIntAsFloat:
      case Op::kIntAsDouble: {
        int32_t v;
        if (!ReadInt(&v)) return false;
        if (s.op == Op::kIntAsLong) out.SetLong(v);
        if (s.op == Op::kIntAsFloat) out.SetFloat(static_cast<float>(v));
        if (s.op == Op::kIntAsDouble) out.SetDouble(v);
        return true;
      }
      case Op::kLongAsFloat:
      case Op::kLongAsDouble: {
        int64_t v;
        if (!ReadLong(&v)) return false;
        if (s.op == Op::kLongAsFloat) {
          out.SetFloat(static_cast<float>(v));
        } else {
          out.SetDouble(static_cast<double>(v));
        }
        return true;
      }
      case Op::kFloatAsDouble: {
        float f;
        if (!ReadFloat(&f)) return false;
        out.SetDouble(f);
        return true;
      }
      case Op::kEnum:
        return RunEnum(s, out);
      case Op::kRecord:
        return RunRecord(p_.records[s.arg], out);
      case Op::kArray:
      case Op::kMap:
        return RunBlocks(s, &out);
      case Op::kWriterUnion:
        return RunWriterUnion(s, &out);
      case Op::kReaderUnion: {
        if (!Enter(cur_)) return false;
        bool ok = Run(p_.steps[s.child], out.ResetUnion(static_cast<int32_t>(s.arg)));
        --depth_;
        return ok;
      }
      case Op::kFail:
        return Fail(cur_, p_.messages[s.arg]);
      case Op::kSkip:
      case Op::kDefault:
        break;
    }
    return Fail(cur_, "internal error: unexpected decoder step");
  }

  bool ReadFloat(float* f) {
    const uint8_t* p;
    if (!ReadFixed(4, &p, "float")) return false;
    std::memcpy(f, p, 4);
    return true;
  }

  bool ReadBytesAs(AvroType type, AvroValue& out, const char* what) {
    std::string_view v;
    if (!ReadSized(&v, what)) return false;
    out.SetBytesOf(type, v);
    return true;
  }

  bool RunEnum(const Step& s, AvroValue& out) {
    const internal::EnumProgram& e = p_.enums[s.arg];
    const uint8_t* at = cur_;
    int32_t i;
    if (!ReadInt(&i, "enum index")) return false;
    if (i < 0 || static_cast<size_t>(i) >= e.writer_symbols) [[unlikely]] {
      return Fail(at, fmt::format("enum index {} out of range (the writer's enum has {} symbols)",
                                  i, e.writer_symbols));
    }
    int32_t r = e.reader_index[i];
    out.SetEnum(r, e.reader_symbols[r]);
    return true;
  }

  bool RunRecord(const RecordProgram& rec, AvroValue& out) {
    if (!Enter(cur_)) return false;
    std::span<AvroValue> fields = out.ResetRecord(rec.num_fields);
    for (const FieldAction& a : rec.actions) {
      bool ok;
      if (a.step.op == Op::kSkip) {
        ok = Skip(p_.steps[a.step.child]);
      } else if (a.step.op == Op::kDefault) {
        fields[a.target] = p_.defaults[a.step.arg];
        ok = true;
      } else {
        ok = Run(a.step, fields[a.target]);
      }
      if (!ok) [[unlikely]] {
        path_.push_back(fmt::format(".{}", a.name));
        return false;
      }
    }
    --depth_;
    return true;
  }

  bool RunWriterUnion(const Step& s, AvroValue* out) {
    const auto& branches = p_.unions[s.arg];
    const uint8_t* at = cur_;
    if (!Enter(at)) return false;
    int32_t i;
    if (!ReadInt(&i, "union index")) return false;
    if (i < 0 || static_cast<size_t>(i) >= branches.size()) [[unlikely]] {
      return Fail(at, fmt::format("union index {} out of range (the writer's union has {} "
                                  "branches)",
                                  i, branches.size()));
    }
    const internal::UnionBranchProgram& b = branches[i];
    AvroValue& target = b.reader_branch >= 0 ? out->ResetUnion(b.reader_branch) : *out;
    if (!Run(p_.steps[b.step], target)) return false;
    --depth_;
    return true;
  }

  // The count of the next array or map block, checked against the bytes left (items take at
  // least min_size bytes each) or, for items that may take none, against the limit.
  bool BlockCount(uint32_t min_size, int64_t* count, int64_t* byte_size) {
    const uint8_t* at = cur_;
    *byte_size = -1;
    if (!ReadLong(count, "block count")) return false;
    if (*count < 0) {
      if (*count == std::numeric_limits<int64_t>::min()) {
        return Fail(at, "invalid block count");
      }
      *count = -*count;
      if (!ReadLong(byte_size, "block size")) return false;
      if (*byte_size < 0 || static_cast<uint64_t>(*byte_size) > remaining()) {
        return Fail(
            at, fmt::format("block size {} out of range ({} bytes left)", *byte_size, remaining()));
      }
    }
    if (min_size > 0) {
      if (static_cast<uint64_t>(*count) > remaining() / min_size) {
        return Fail(
            at, fmt::format("block of {} items exceeds the {} bytes left", *count, remaining()));
      }
    } else {
      empty_items_ += static_cast<uint64_t>(*count);
      if (static_cast<uint64_t>(*count) > p_.limits.max_empty_items ||
          empty_items_ > p_.limits.max_empty_items) {
        return Fail(at,
                    fmt::format("more than {} items that take no bytes", p_.limits.max_empty_items),
                    absl::StatusCode::kResourceExhausted);
      }
    }
    return true;
  }

  bool RunBlocks(const Step& s, AvroValue* out) {
    bool is_map = s.op == Op::kMap;
    if (!Enter(cur_)) return false;
    if (is_map) {
      out->ResetMap();
    } else {
      out->ResetArray();
    }
    const Step& item = p_.steps[s.child];
    uint32_t min_size = is_map ? 1 : s.arg;  // a map entry has at least its key's length
    size_t index = 0;
    for (;;) {
      int64_t count, byte_size;
      if (!BlockCount(min_size, &count, &byte_size)) return false;
      if (count == 0) break;
      const uint8_t* block_start = cur_;
      for (int64_t i = 0; i < count; ++i, ++index) {
        AvroValue* v;
        std::string_view key;
        if (is_map) {
          if (!ReadSized(&key, "map key")) {
            path_.push_back(fmt::format("[{}](key)", index));
            return false;
          }
          v = &out->AppendEntry(key);
        } else {
          v = &out->AppendItem();
        }
        if (!Run(item, *v)) {
          path_.push_back(is_map ? fmt::format("[\"{}\"]", key) : fmt::format("[{}]", index));
          return false;
        }
      }
      // A block that states its size must have that size: a reader skipping it (a field it
      // does not read) jumps by the size, and must land where this one did.
      if (byte_size >= 0 && cur_ - block_start != byte_size) [[unlikely]] {
        return Fail(block_start,
                    fmt::format("block size {} does not match the {} bytes its items take",
                                byte_size, cur_ - block_start));
      }
    }
    --depth_;
    return true;
  }

  // Skips one value of the writer type that step `s` reads.
  bool Skip(const Step& s) {
    switch (s.op) {
      case Op::kNull:
        return true;
      case Op::kBoolean: {
        const uint8_t* p;
        return ReadFixed(1, &p, "boolean");
      }
      case Op::kInt:
      case Op::kIntAsLong:
      case Op::kIntAsFloat:
      case Op::kIntAsDouble: {
        int32_t v;
        return ReadInt(&v);
      }
      case Op::kLong:
      case Op::kLongAsFloat:
      case Op::kLongAsDouble: {
        int64_t v;
        return ReadLong(&v);
      }
      case Op::kFloat:
      case Op::kFloatAsDouble: {
        const uint8_t* p;
        return ReadFixed(4, &p, "float");
      }
      case Op::kDouble: {
        const uint8_t* p;
        return ReadFixed(8, &p, "double");
      }
      case Op::kBytes:
      case Op::kString:
      case Op::kBytesAsString:
      case Op::kStringAsBytes: {
        std::string_view v;
        return ReadSized(&v, "bytes or string");
      }
      case Op::kFixed: {
        const uint8_t* p;
        return ReadFixed(s.arg, &p, "fixed");
      }
      case Op::kEnum: {
        AvroValue scratch;
        return RunEnum(s, scratch);
      }
      case Op::kRecord:
        return SkipRecord(p_.records[s.arg]);
      case Op::kArray:
      case Op::kMap:
        return SkipBlocks(s);
      case Op::kWriterUnion: {
        const auto& branches = p_.unions[s.arg];
        const uint8_t* at = cur_;
        int32_t i;
        if (!Enter(at) || !ReadInt(&i, "union index")) return false;
        if (i < 0 || static_cast<size_t>(i) >= branches.size()) {
          return Fail(at, fmt::format("union index {} out of range (the writer's union has {} "
                                      "branches)",
                                      i, branches.size()));
        }
        if (!Skip(p_.steps[branches[i].step])) return false;
        --depth_;
        return true;
      }
      case Op::kReaderUnion:
      case Op::kSkip:
        return Skip(p_.steps[s.child]);
      case Op::kDefault:
        return true;
      case Op::kFail:
        return Fail(cur_, p_.messages[s.arg]);
    }
    return Fail(cur_, "internal error: unexpected decoder step");
  }

  bool SkipRecord(const RecordProgram& rec) {
    if (!Enter(cur_)) return false;
    for (const FieldAction& a : rec.actions) {
      if (!Skip(a.step)) {
        path_.push_back(fmt::format(".{}", a.name));
        return false;
      }
    }
    --depth_;
    return true;
  }

  bool SkipBlocks(const Step& s) {
    bool is_map = s.op == Op::kMap;
    if (!Enter(cur_)) return false;
    const Step& item = p_.steps[s.child];
    size_t index = 0;
    for (;;) {
      int64_t count, byte_size;
      if (!BlockCount(is_map ? 1 : s.arg, &count, &byte_size)) return false;
      if (count == 0) break;
      if (byte_size >= 0) {  // the writer told us the block's size: jump over it
        cur_ += byte_size;
        index += static_cast<size_t>(count);
        continue;
      }
      for (int64_t i = 0; i < count; ++i, ++index) {
        std::string_view key;
        if ((is_map && !ReadSized(&key, "map key")) || !Skip(item)) {
          path_.push_back(fmt::format("[{}]", index));
          return false;
        }
      }
    }
    --depth_;
    return true;
  }

  const AvroProgram& p_;
  const uint8_t* begin_;
  const uint8_t* cur_;
  const uint8_t* end_;
  int depth_ = 0;
  uint64_t empty_items_ = 0;
  // The error, when a call returned false.
  size_t error_offset_ = 0;
  std::string error_;
  absl::StatusCode error_code_ = absl::StatusCode::kDataLoss;
  std::vector<std::string> path_;  // innermost first
};

}  // namespace

Result<AvroDecoder> AvroDecoder::Compile(const registry::AvroSchema& writer,
                                         const registry::AvroSchema& reader,
                                         AvroDecodeLimits limits) {
  std::vector<registry::Incompatibility> problems =
      registry::CheckAvroReadCompatibility(reader, writer);
  if (!problems.empty()) {
    std::vector<std::string> lines;
    for (const registry::Incompatibility& p : problems) lines.push_back(p.ToString());
    return absl::InvalidArgumentError(
        fmt::format("reader schema cannot read data written with the writer schema: {}",
                    fmt::join(lines, "; ")));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<AvroProgram> program,
                   internal::CompileAvroProgram(writer.root(), reader.root(), limits));
  return AvroDecoder(std::shared_ptr<const AvroProgram>(std::move(program)));
}

Result<AvroDecoder> AvroDecoder::Compile(const registry::AvroSchema& schema,
                                         AvroDecodeLimits limits) {
  return Compile(schema, schema, limits);
}

Result<size_t> AvroDecoder::DecodePrefix(ByteView data, AvroValue* out) const {
  Interpreter in(*program_, data);
  if (!in.Run(program_->root, *out)) return in.Error();
  return in.consumed();
}

Status AvroDecoder::Decode(ByteView data, AvroValue* out) const {
  ASSIGN_OR_RETURN(size_t used, DecodePrefix(data, out));
  if (used != data.size()) {
    return absl::DataLossError(
        fmt::format("at byte {}: {} bytes left after the datum", used, data.size() - used));
  }
  return absl::OkStatus();
}

}  // namespace oxbow::format
