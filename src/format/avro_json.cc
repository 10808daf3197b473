#include "format/avro_json.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "format/avro_decoder.h"
#include "format/avro_encoder.h"
#include "format/confluent_framing.h"
#include "registry/json_text.h"

namespace oxbow::format {
namespace {

using registry::AvroNode;
using Json = nlohmann::json;

// JSON values nest at most this deep in conversions (the registry's JSON parsing limit; the
// value model's recursion follows it).
constexpr int kMaxDepth = registry::kMaxJsonDepth + 8;
// A decoded value shown as JSON nests as deep as the decoder let it (AvroDecodeLimits, which
// counts records, arrays, maps and unions alike), and each level may count twice here (a
// union, then its branch): a value the decoder accepted always converts.
constexpr int kMaxValueDepth = 2 * AvroDecodeLimits{}.max_depth + 8;

std::string Shorten(const Json& v) {
  std::string s = registry::JsonForMessage(v);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

// Decodes one UTF-8 sequence at s[*i]; returns the code point or -1 when invalid.
int32_t NextCodePoint(std::string_view s, size_t* i) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t b0 = byte(*i);
  int len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xe ? 3 : (b0 >> 3) == 0x1e ? 4 : 0;
  if (len == 0 || *i + len > s.size()) return -1;
  int32_t cp = len == 1 ? b0 : b0 & (0x7f >> len);
  for (int k = 1; k < len; ++k) {
    uint8_t b = byte(*i + k);
    if ((b & 0xc0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3f);
  }
  static constexpr int32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
  *i += len;
  return cp;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// Bytes as the JSON string of their ISO-8859-1 characters.
std::string Latin1ToUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) AppendUtf8(c, &out);
  return out;
}

// `s` with every byte that does not start a valid UTF-8 sequence replaced by U+FFFD.
std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    if (NextCodePoint(s, &i) < 0) {
      AppendUtf8(0xfffd, &out);
      i = start + 1;
    } else {
      out.append(s.substr(start, i - start));
    }
  }
  return out;
}

// The JSON name of a union branch: full name for named types, else the type's name.
std::string_view BranchName(const AvroNode& n) {
  return registry::IsNamedAvroType(n.type) ? std::string_view(n.full_name)
                                           : registry::AvroTypeName(n.type);
}

void Annotate(const AvroNode& n, AvroValue* v) {
  if (n.logical.type != AvroLogicalType::kNone) v->SetLogical(n.logical.type, n.logical.scale);
}

std::string Expected(const AvroNode& n) {
  switch (n.type) {
    case AvroType::kInt:
      return "int (a JSON integer in the int32 range)";
    case AvroType::kLong:
      return "long (a JSON integer in the int64 range)";
    case AvroType::kFloat:
    case AvroType::kDouble:
      return fmt::format("{} (a JSON number)", registry::AvroTypeName(n.type));
    case AvroType::kBytes:
      return "bytes (a JSON string of characters U+0000..U+00FF)";
    case AvroType::kFixed:
      return fmt::format("fixed {} (a JSON string of {} characters U+0000..U+00FF)", n.full_name,
                         n.size);
    case AvroType::kEnum:
      return fmt::format("enum {} (one of its symbols)", n.full_name);
    case AvroType::kRecord:
      return fmt::format("record {} (a JSON object)", n.full_name);
    case AvroType::kArray:
      return "array (a JSON array)";
    case AvroType::kMap:
      return "map (a JSON object)";
    default:
      return std::string(registry::AvroTypeName(n.type));
  }
}

// Walks a JSON value and a schema together. Keeps the path for messages.
class FromJson {
 public:
  explicit FromJson(bool default_mode) : default_mode_(default_mode) {}

  Status Convert(const Json& j, const AvroNode& n, AvroValue* out) {
    if (depth_ >= kMaxDepth) return Error(fmt::format("nested deeper than {} levels", kMaxDepth));
    ++depth_;
    Status s = ConvertInner(j, n, out);
    --depth_;
    if (s.ok()) Annotate(n, out);
    return s;
  }

 private:
  Status ConvertInner(const Json& j, const AvroNode& n, AvroValue* out) {
    switch (n.type) {
      case AvroType::kNull:
        if (!j.is_null()) return Mismatch(n, j);
        out->SetNull();
        return absl::OkStatus();
      case AvroType::kBoolean:
        if (!j.is_boolean()) return Mismatch(n, j);
        out->SetBoolean(j.get<bool>());
        return absl::OkStatus();
      case AvroType::kInt: {
        int64_t v;
        if (!Integer(j, &v) || v < std::numeric_limits<int32_t>::min() ||
            v > std::numeric_limits<int32_t>::max()) {
          return Mismatch(n, j);
        }
        out->SetInt(static_cast<int32_t>(v));
        return absl::OkStatus();
      }
      case AvroType::kLong: {
        int64_t v;
        if (!Integer(j, &v)) return Mismatch(n, j);
        out->SetLong(v);
        return absl::OkStatus();
      }
      case AvroType::kFloat:
      case AvroType::kDouble: {
        double d;
        if (!Number(j, &d)) return Mismatch(n, j);
        if (n.type == AvroType::kFloat) {
          out->SetFloat(static_cast<float>(d));
        } else {
          out->SetDouble(d);
        }
        return absl::OkStatus();
      }
      case AvroType::kString:
        if (!j.is_string()) return Mismatch(n, j);
        out->SetBytesOf(AvroType::kString, j.get_ref<const std::string&>());
        return absl::OkStatus();
      case AvroType::kBytes:
      case AvroType::kFixed:
        return Bytes(j, n, out);
      case AvroType::kEnum:
        return Enum(j, n, out);
      case AvroType::kRecord:
        return Record(j, n, out);
      case AvroType::kArray:
        return Array(j, n, out);
      case AvroType::kMap:
        return Map(j, n, out);
      case AvroType::kUnion:
        return Union(j, n, out);
    }
    return Mismatch(n, j);
  }

  static bool Integer(const Json& j, int64_t* v) {
    if (j.is_number_unsigned()) {
      uint64_t u = j.get<uint64_t>();
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
      *v = static_cast<int64_t>(u);
      return true;
    }
    if (!j.is_number_integer()) return false;
    *v = j.get<int64_t>();
    return true;
  }

  static bool Number(const Json& j, double* d) {
    if (j.is_number()) {
      *d = j.get<double>();
      return true;
    }
    if (!j.is_string()) return false;
    const std::string& s = j.get_ref<const std::string&>();
    if (s == "NaN") {
      *d = std::numeric_limits<double>::quiet_NaN();
    } else if (s == "Infinity") {
      *d = std::numeric_limits<double>::infinity();
    } else if (s == "-Infinity") {
      *d = -std::numeric_limits<double>::infinity();
    } else {
      return false;
    }
    return true;
  }

  Status Bytes(const Json& j, const AvroNode& n, AvroValue* out) {
    if (!j.is_string()) return Mismatch(n, j);
    const std::string& s = j.get_ref<const std::string&>();
    std::string bytes;
    bytes.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
      int32_t cp = NextCodePoint(s, &i);
      if (cp < 0 || cp > 0xff) {
        return Error(fmt::format(
            "expected {}, got a character beyond U+00FF (or invalid UTF-8) at character offset "
            "{}",
            Expected(n), bytes.size()));
      }
      bytes.push_back(static_cast<char>(cp));
    }
    if (n.type == AvroType::kFixed && static_cast<int64_t>(bytes.size()) != n.size) {
      return Error(fmt::format("expected {}, got {} characters", Expected(n), bytes.size()));
    }
    out->SetBytesOf(n.type, bytes);
    return absl::OkStatus();
  }

  Status Enum(const Json& j, const AvroNode& n, AvroValue* out) {
    if (j.is_string()) {
      const std::string& s = j.get_ref<const std::string&>();
      for (size_t i = 0; i < n.symbols.size(); ++i) {
        if (n.symbols[i] == s) {
          out->SetEnum(static_cast<int32_t>(i), s);
          return absl::OkStatus();
        }
      }
    }
    return Error(fmt::format("expected one of the symbols of enum {} [{}], got {}", n.full_name,
                             fmt::join(n.symbols, ", "), Shorten(j)));
  }

  Status Record(const Json& j, const AvroNode& n, AvroValue* out) {
    if (!j.is_object()) return Mismatch(n, j);
    std::span<AvroValue> fields = out->ResetRecord(n.fields.size());
    for (const registry::AvroField& f : n.fields) {
      auto it = j.find(f.name);
      if (it != j.end()) {
        path_.push_back(fmt::format(".{}", f.name));
        RETURN_IF_ERROR(Convert(*it, *f.type, &fields[f.position]));
        path_.pop_back();
      } else if (f.default_value) {
        Result<AvroValue> d = AvroValueFromDefault(*f.default_value, *f.type);
        if (!d.ok()) return d.status();
        fields[f.position] = std::move(*d);
      } else {
        return Error(
            fmt::format("record {} lacks field \"{}\", which has no default", n.full_name, f.name));
      }
    }
    return absl::OkStatus();
  }

  Status Array(const Json& j, const AvroNode& n, AvroValue* out) {
    if (!j.is_array()) return Mismatch(n, j);
    out->ResetArray();
    for (size_t i = 0; i < j.size(); ++i) {
      path_.push_back(fmt::format("[{}]", i));
      RETURN_IF_ERROR(Convert(j[i], *n.items, &out->AppendItem()));
      path_.pop_back();
    }
    return absl::OkStatus();
  }

  Status Map(const Json& j, const AvroNode& n, AvroValue* out) {
    if (!j.is_object()) return Mismatch(n, j);
    out->ResetMap();
    for (auto it = j.begin(); it != j.end(); ++it) {
      path_.push_back(fmt::format("[{}]", registry::JsonForMessage(it.key())));
      RETURN_IF_ERROR(Convert(it.value(), *n.values, &out->AppendEntry(it.key())));
      path_.pop_back();
    }
    return absl::OkStatus();
  }

  Status Union(const Json& j, const AvroNode& n, AvroValue* out) {
    if (default_mode_) {
      // A union default is a value of the first branch (the registry checked that).
      if (n.branches.empty()) return Error("a value for an empty union");
      return Convert(j, *n.branches[0], &out->ResetUnion(0));
    }
    if (j.is_null()) {
      for (size_t i = 0; i < n.branches.size(); ++i) {
        if (n.branches[i]->type == AvroType::kNull) {
          out->ResetUnion(static_cast<int32_t>(i)).SetNull();
          return absl::OkStatus();
        }
      }
      return Error(fmt::format("null, but the union [{}] has no null branch", BranchNames(n)));
    }
    if (j.is_object() && j.size() == 1) {
      const std::string& key = j.begin().key();
      int branch = FindBranch(n, key);
      if (branch >= 0) {
        path_.push_back(fmt::format("<{}>", key));
        RETURN_IF_ERROR(Convert(j.begin().value(), *n.branches[branch], &out->ResetUnion(branch)));
        path_.pop_back();
        return absl::OkStatus();
      }
    }
    return Error(fmt::format(
        "expected a union value: null or an object with one member named by a branch of [{}] "
        "(e.g. {{\"{}\": ...}}), got {}",
        BranchNames(n), n.branches.empty() ? "" : BranchName(*n.branches.back()), Shorten(j)));
  }

  static std::string BranchNames(const AvroNode& n) {
    std::vector<std::string_view> names;
    for (const AvroNode* b : n.branches) names.push_back(BranchName(*b));
    return fmt::format("{}", fmt::join(names, ", "));
  }

  static int FindBranch(const AvroNode& n, std::string_view key) {
    int by_short_name = -1;
    int short_matches = 0;
    for (size_t i = 0; i < n.branches.size(); ++i) {
      const AvroNode& b = *n.branches[i];
      if (BranchName(b) == key) return static_cast<int>(i);
      if (registry::IsNamedAvroType(b.type) && b.name() == key) {
        by_short_name = static_cast<int>(i);
        ++short_matches;
      }
    }
    return short_matches == 1 ? by_short_name : -1;
  }

  Status Mismatch(const AvroNode& n, const Json& j) {
    return Error(fmt::format("expected {}, got {}", Expected(n), Shorten(j)));
  }

  Status Error(std::string what) const {
    std::string path;
    for (const std::string& p : path_) path += p;
    return absl::InvalidArgumentError(
        fmt::format("at {}: {}", path.empty() ? "the top level" : path, what));
  }

  bool default_mode_;
  int depth_ = 0;
  std::vector<std::string> path_;
};

class ToJson {
 public:
  Result<Json> Convert(const AvroValue& v, const AvroNode& n) {
    if (depth_ >= kMaxValueDepth) {
      return Error(fmt::format("nested deeper than {} levels", kMaxValueDepth));
    }
    if (n.type != AvroType::kUnion && v.type() != n.type) {
      return Error(fmt::format("expected {}, got {}", registry::AvroTypeName(n.type),
                               registry::AvroTypeName(v.type())));
    }
    ++depth_;
    Result<Json> out = ConvertInner(v, n);
    --depth_;
    return out;
  }

 private:
  static Json Number(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    return d;
  }

  Result<Json> ConvertInner(const AvroValue& v, const AvroNode& n) {
    switch (n.type) {
      case AvroType::kNull:
        return Json(nullptr);
      case AvroType::kBoolean:
        return Json(v.boolean_value());
      case AvroType::kInt:
        return Json(v.int_value());
      case AvroType::kLong:
        return Json(v.long_value());
      case AvroType::kFloat:
        return Number(v.float_value());
      case AvroType::kDouble:
        return Number(v.double_value());
      case AvroType::kString:
        return Json(ValidUtf8(v.bytes()));
      case AvroType::kBytes:
        return Json(Latin1ToUtf8(v.bytes()));
      case AvroType::kFixed:
        if (static_cast<int64_t>(v.bytes().size()) != n.size) {
          return Error(fmt::format("fixed {} needs {} bytes, the value has {}", n.full_name, n.size,
                                   v.bytes().size()));
        }
        return Json(Latin1ToUtf8(v.bytes()));
      case AvroType::kEnum:
        if (v.enum_index() < 0 || static_cast<size_t>(v.enum_index()) >= n.symbols.size()) {
          return Error(fmt::format("enum index {} out of range for enum {} ({} symbols)",
                                   v.enum_index(), n.full_name, n.symbols.size()));
        }
        return Json(n.symbols[v.enum_index()]);
      case AvroType::kRecord:
        return Record(v, n);
      case AvroType::kArray: {
        Json out = Json::array();
        for (size_t i = 0; i < v.items().size(); ++i) {
          path_.push_back(fmt::format("[{}]", i));
          ASSIGN_OR_RETURN(Json item, Convert(v.items()[i], *n.items));
          path_.pop_back();
          out.push_back(std::move(item));
        }
        return out;
      }
      case AvroType::kMap: {
        Json out = Json::object();
        for (size_t i = 0; i < v.items().size(); ++i) {
          std::string key = ValidUtf8(v.keys()[i]);
          path_.push_back(fmt::format("[{}]", registry::JsonForMessage(key)));
          ASSIGN_OR_RETURN(Json item, Convert(v.items()[i], *n.values));
          path_.pop_back();
          out[key] = std::move(item);
        }
        return out;
      }
      case AvroType::kUnion:
        return Union(v, n);
    }
    return Error("unknown type");
  }

  Result<Json> Record(const AvroValue& v, const AvroNode& n) {
    if (v.fields().size() != n.fields.size()) {
      return Error(fmt::format("record {} has {} fields, the value has {}", n.full_name,
                               n.fields.size(), v.fields().size()));
    }
    Json out = Json::object();
    for (const registry::AvroField& f : n.fields) {
      path_.push_back(fmt::format(".{}", f.name));
      ASSIGN_OR_RETURN(Json field, Convert(v.fields()[f.position], *f.type));
      path_.pop_back();
      out[f.name] = std::move(field);
    }
    return out;
  }

  Result<Json> Union(const AvroValue& v, const AvroNode& n) {
    if (v.type() != AvroType::kUnion) {
      return Error(fmt::format("expected a union value, got {}", registry::AvroTypeName(v.type())));
    }
    if (v.branch() < 0 || static_cast<size_t>(v.branch()) >= n.branches.size()) {
      return Error(
          fmt::format("union branch {} out of range ({} branches)", v.branch(), n.branches.size()));
    }
    const AvroNode& b = *n.branches[v.branch()];
    ASSIGN_OR_RETURN(Json inner, Convert(v.branch_value(), b));
    if (b.type == AvroType::kNull) return inner;
    Json out = Json::object();
    out[std::string(BranchName(b))] = std::move(inner);
    return out;
  }

  Status Error(std::string what) const {
    std::string path;
    for (const std::string& p : path_) path += p;
    return absl::InvalidArgumentError(
        fmt::format("at {}: {}", path.empty() ? "the top level" : path, what));
  }

  int depth_ = 0;
  std::vector<std::string> path_;
};

}  // namespace

Result<AvroValue> AvroValueFromJson(const Json& json, const AvroNode& schema) {
  AvroValue out;
  RETURN_IF_ERROR(FromJson(false).Convert(json, schema, &out));
  return out;
}

Result<AvroValue> AvroValueFromJson(const Json& json, const registry::AvroSchema& schema) {
  return AvroValueFromJson(json, schema.root());
}

Result<AvroValue> AvroValueFromDefault(const Json& json, const AvroNode& schema) {
  AvroValue out;
  RETURN_IF_ERROR(FromJson(true).Convert(json, schema, &out));
  return out;
}

Result<Json> AvroValueToJson(const AvroValue& value, const AvroNode& schema) {
  return ToJson().Convert(value, schema);
}

Result<Json> AvroValueToJson(const AvroValue& value, const registry::AvroSchema& schema) {
  return AvroValueToJson(value, schema.root());
}

Status EncodeAvroJson(const Json& json, const registry::AvroSchema& schema, ByteBuffer* out) {
  ASSIGN_OR_RETURN(AvroValue value, AvroValueFromJson(json, schema));
  return EncodeAvro(value, schema, out);
}

Status EncodeConfluentAvroJson(const Json& json, const registry::AvroSchema& schema,
                               int32_t schema_id, ByteBuffer* out) {
  ASSIGN_OR_RETURN(AvroValue value, AvroValueFromJson(json, schema));
  size_t before = out->size();
  AppendConfluentHeader(schema_id, out);
  Status s = EncodeAvro(value, schema, out);
  if (!s.ok()) out->resize(before);
  return s;
}

}  // namespace oxbow::format
