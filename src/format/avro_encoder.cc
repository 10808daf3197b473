#include "format/avro_encoder.h"

#include <bit>
#include <cstring>
#include <string>
#include <vector>

#include "fmt/format.h"

namespace oxbow::format {
namespace {

using registry::AvroNode;

static_assert(std::endian::native == std::endian::little,
              "Avro floats are little-endian; this encoder copies them as they are in memory");

// Values nest at most this deep (the decoder's and the JSON conversion's limits are lower).
constexpr int kMaxDepth = 1000;

class Encoder {
 public:
  explicit Encoder(ByteBuffer* out) : out_(out) {}

  Status Encode(const AvroValue& v, const AvroNode& n) {
    if (depth_ >= kMaxDepth) return Error(fmt::format("nested deeper than {} levels", kMaxDepth));
    if (n.type == AvroType::kUnion) return Union(v, n);
    if (v.type() != n.type) {
      return Error(
          fmt::format("expected {}, got {}", Describe(n), registry::AvroTypeName(v.type())));
    }
    ++depth_;
    Status s = EncodeSameType(v, n);
    --depth_;
    return s;
  }

 private:
  static std::string Describe(const AvroNode& n) {
    if (registry::IsNamedAvroType(n.type)) {
      return fmt::format("{} {}", registry::AvroTypeName(n.type), n.full_name);
    }
    return std::string(registry::AvroTypeName(n.type));
  }

  void Raw(const void* p, size_t n) { out_->Append(ByteView(static_cast<const uint8_t*>(p), n)); }

  void Length(size_t n) { out_->AppendVarlong(static_cast<int64_t>(n)); }

  Status EncodeSameType(const AvroValue& v, const AvroNode& n) {
    switch (n.type) {
      case AvroType::kNull:
        return absl::OkStatus();
      case AvroType::kBoolean:
        out_->AppendInt8(v.boolean_value() ? 1 : 0);
        return absl::OkStatus();
      case AvroType::kInt:
        out_->AppendVarlong(v.int_value());
        return absl::OkStatus();
      case AvroType::kLong:
        out_->AppendVarlong(v.long_value());
        return absl::OkStatus();
      case AvroType::kFloat: {
        float f = v.float_value();
        Raw(&f, 4);
        return absl::OkStatus();
      }
      case AvroType::kDouble: {
        double d = v.double_value();
        Raw(&d, 8);
        return absl::OkStatus();
      }
      case AvroType::kBytes:
      case AvroType::kString:
        Length(v.bytes().size());
        out_->Append(v.bytes());
        return absl::OkStatus();
      case AvroType::kFixed:
        if (static_cast<int64_t>(v.bytes().size()) != n.size) {
          return Error(fmt::format("fixed {} needs {} bytes, the value has {}", n.full_name, n.size,
                                   v.bytes().size()));
        }
        out_->Append(v.bytes());
        return absl::OkStatus();
      case AvroType::kEnum:
        return Enum(v, n);
      case AvroType::kRecord:
        return Record(v, n);
      case AvroType::kArray:
      case AvroType::kMap:
        return Sequence(v, n);
      case AvroType::kUnion:
        break;
    }
    return Error("unexpected type");
  }

  Status Enum(const AvroValue& v, const AvroNode& n) {
    int32_t i = v.enum_index();
    if (i < 0 || static_cast<size_t>(i) >= n.symbols.size()) {
      return Error(fmt::format("enum index {} out of range for enum {} ({} symbols)", i,
                               n.full_name, n.symbols.size()));
    }
    if (!v.enum_symbol().empty() && v.enum_symbol() != n.symbols[i]) {
      return Error(fmt::format("enum {} has symbol \"{}\" at index {}, the value says \"{}\"",
                               n.full_name, n.symbols[i], i, v.enum_symbol()));
    }
    out_->AppendVarlong(i);
    return absl::OkStatus();
  }

  Status Record(const AvroValue& v, const AvroNode& n) {
    if (v.fields().size() != n.fields.size()) {
      return Error(fmt::format("record {} has {} fields, the value has {}", n.full_name,
                               n.fields.size(), v.fields().size()));
    }
    for (const registry::AvroField& f : n.fields) {
      Status s = Encode(v.fields()[f.position], *f.type);
      if (!s.ok()) [[unlikely]]
        return At(fmt::format(".{}", f.name), s);
    }
    return absl::OkStatus();
  }

  // One block with every item, then the empty block that ends the sequence.
  Status Sequence(const AvroValue& v, const AvroNode& n) {
    std::span<const AvroValue> items = v.items();
    if (!items.empty()) out_->AppendVarlong(static_cast<int64_t>(items.size()));
    for (size_t i = 0; i < items.size(); ++i) {
      if (n.type == AvroType::kMap) {
        std::string_view key = v.keys()[i];
        Length(key.size());
        out_->Append(key);
        Status s = Encode(items[i], *n.values);
        if (!s.ok()) [[unlikely]]
          return At(fmt::format("[\"{}\"]", key), s);
      } else {
        Status s = Encode(items[i], *n.items);
        if (!s.ok()) [[unlikely]]
          return At(fmt::format("[{}]", i), s);
      }
    }
    out_->AppendInt8(0);
    return absl::OkStatus();
  }

  Status Union(const AvroValue& v, const AvroNode& n) {
    if (v.type() != AvroType::kUnion) {
      // Not a union value: the first branch of the value's kind.
      for (size_t i = 0; i < n.branches.size(); ++i) {
        if (n.branches[i]->type == v.type()) {
          out_->AppendVarlong(static_cast<int64_t>(i));
          return Encode(v, *n.branches[i]);
        }
      }
      return Error(fmt::format("the union has no {} branch", registry::AvroTypeName(v.type())));
    }
    int32_t b = v.branch();
    if (b < 0 || static_cast<size_t>(b) >= n.branches.size()) {
      return Error(fmt::format("union branch {} out of range ({} branches)", b, n.branches.size()));
    }
    out_->AppendVarlong(b);
    Status s = Encode(v.branch_value(), *n.branches[b]);
    if (!s.ok()) [[unlikely]]
      return At(fmt::format("<{}>", b), s);
    return absl::OkStatus();
  }

  // Errors carry the path inside the value, built while unwinding (nothing is formatted on
  // the success path): "at <path>: <what>", where the top level has the path "".
  static Status Error(std::string what) {
    return absl::InvalidArgumentError(fmt::format("at : {}", what));
  }
  static Status At(std::string_view segment, const Status& inner) {
    std::string_view m = ToStd(inner.message());
    return Status(inner.code(), fmt::format("at {}{}", segment, m.substr(3)));
  }

  ByteBuffer* out_;
  int depth_ = 0;
};

}  // namespace

Status EncodeAvro(const AvroValue& value, const AvroNode& schema, ByteBuffer* out) {
  size_t before = out->size();
  Status s = Encoder(out).Encode(value, schema);
  if (s.ok()) return s;
  out->resize(before);
  std::string_view m = ToStd(s.message());
  if (m.starts_with("at : "))
    return Status(s.code(), fmt::format("at the top level: {}", m.substr(5)));
  return s;
}

Status EncodeAvro(const AvroValue& value, const registry::AvroSchema& schema, ByteBuffer* out) {
  return EncodeAvro(value, schema.root(), out);
}

}  // namespace oxbow::format
