#include "registry/avro_parser.h"

#include <algorithm>
#include <initializer_list>
#include <limits>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "fmt/format.h"
#include "registry/avro_default.h"
#include "registry/avro_logical_type.h"
#include "registry/avro_names.h"
#include "registry/json_text.h"

namespace oxbow::registry {
namespace internal {

using Json = nlohmann::json;

// One parse: owns the schema being built and the path used in error messages.
class AvroParser {
 public:
  explicit AvroParser(const AvroParseOptions& options) { schema_.references_ = options.references; }

  Result<AvroSchema> Parse(std::string_view text) {
    ASSIGN_OR_RETURN(Json doc, ParseJsonText(text));
    RETURN_IF_ERROR(AddReferencedNames());
    ASSIGN_OR_RETURN(const AvroNode* root, ParseType(doc, ""));
    RETURN_IF_ERROR(CheckDefaults());
    schema_.root_ = root;
    return std::move(schema_);
  }

 private:
  // A field default, checked once the whole schema is parsed (its type may be the record
  // that is still being parsed when the default is read).
  struct PendingDefault {
    const AvroNode* record;
    size_t field;
    std::string path;
  };

  // Pushes a path segment for the lifetime of the guard.
  class PathSegment {
   public:
    PathSegment(AvroParser* p, std::string segment) : p_(p) {
      p_->path_.push_back(std::move(segment));
    }
    ~PathSegment() { p_->path_.pop_back(); }
    PathSegment(const PathSegment&) = delete;
    PathSegment& operator=(const PathSegment&) = delete;

   private:
    AvroParser* p_;
  };

  std::string PathString() const {
    std::string out;
    for (const std::string& s : path_) {
      if (!out.empty() && !s.starts_with('[')) out += '.';
      out += s;
    }
    return out;
  }

  template <typename... Args>
  Status Error(fmt::format_string<Args...> format, Args&&... args) const {
    std::string what = fmt::format(format, std::forward<Args>(args)...);
    if (path_.empty()) return absl::InvalidArgumentError(what);
    return absl::InvalidArgumentError(fmt::format("at {}: {}", PathString(), what));
  }
  // Prefixes a Status from a helper with the current path.
  Status Located(const Status& s) const {
    if (s.ok() || path_.empty()) return s;
    return absl::InvalidArgumentError(fmt::format("at {}: {}", PathString(), s.message()));
  }

  AvroNode* NewNode(AvroType type) {
    schema_.nodes_.push_back(std::make_unique<AvroNode>());
    schema_.nodes_.back()->type = type;
    return schema_.nodes_.back().get();
  }

  Status AddReferencedNames() {
    for (const auto& ref : schema_.references_) {
      if (ref == nullptr) return absl::InvalidArgumentError("a schema reference is null");
      for (const auto& [name, node] : ref->names_) {
        auto [it, inserted] = schema_.names_.emplace(name, node);
        if (!inserted && it->second != node) {
          return absl::InvalidArgumentError(
              fmt::format("two schema references define \"{}\" differently", name));
        }
      }
    }
    return absl::OkStatus();
  }

  Result<const AvroNode*> ParseType(const Json& j, const std::string& space) {
    if (j.is_string()) return ResolveName(j.get_ref<const std::string&>(), space);
    if (j.is_array()) return ParseUnion(j, space);
    if (j.is_object()) return ParseObject(j, space);
    return Error("a schema is a JSON string, object or array, got {}", JsonForMessage(j));
  }

  // A type name in a type position: a primitive, or a named type defined before.
  Result<const AvroNode*> ResolveName(const std::string& name, const std::string& space) {
    if (std::optional<AvroType> primitive = PrimitiveAvroType(name)) return NewNode(*primitive);
    if (const AvroNode* n = schema_.FindNamed(AvroFullName(name, space))) return n;
    if (const AvroNode* n = schema_.FindNamed(name)) return n;
    return Error("unknown type \"{}\"", name);
  }

  Result<const AvroNode*> ParseObject(const Json& j, const std::string& space) {
    auto type_it = j.find("type");
    if (type_it == j.end()) return Error("missing \"type\"");
    if (!type_it->is_string()) {
      return Error("\"type\" must be a string naming the type, got {}", JsonForMessage(*type_it));
    }
    const std::string& type = type_it->get_ref<const std::string&>();
    if (std::optional<AvroType> primitive = PrimitiveAvroType(type)) {
      AvroNode* node = NewNode(*primitive);
      CopyProperties(j, {"type"}, &node->properties);
      node->logical = ResolveAvroLogicalType(*node);
      return node;
    }
    if (type == "record" || type == "error") return ParseRecord(j, space, type == "error");
    if (type == "enum") return ParseEnum(j, space);
    if (type == "fixed") return ParseFixed(j, space);
    if (type == "array") return ParseContainer(j, space, AvroType::kArray, "items");
    if (type == "map") return ParseContainer(j, space, AvroType::kMap, "values");
    // {"type": "SomeName"} refers to a defined name, as the Java library allows.
    return ResolveName(type, space);
  }

  static void CopyProperties(const Json& j, std::initializer_list<std::string_view> reserved,
                             Json* out) {
    for (const auto& [key, value] : j.items()) {
      if (std::find(reserved.begin(), reserved.end(), key) == reserved.end()) {
        (*out)[key] = value;
      }
    }
  }

  Result<std::optional<std::string>> OptionalString(const Json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::optional<std::string>();
    if (!it->is_string()) {
      return Error("\"{}\" must be a string, got {}", key, JsonForMessage(*it));
    }
    return std::optional<std::string>(it->get<std::string>());
  }

  Result<std::vector<std::string>> StringArray(const Json& j, const char* key) {
    std::vector<std::string> out;
    auto it = j.find(key);
    if (it == j.end()) return out;
    if (!it->is_array()) {
      return Error("\"{}\" must be an array of strings, got {}", key, JsonForMessage(*it));
    }
    for (const Json& s : *it) {
      if (!s.is_string()) {
        return Error("\"{}\" must be an array of strings, got {}", key, JsonForMessage(s));
      }
      out.push_back(s.get<std::string>());
    }
    return out;
  }

  // The attributes every named type has: name, namespace, doc, aliases. Registers the name,
  // so that fields parsed afterwards may refer to it.
  Status ParseNamed(const Json& j, const std::string& space, AvroNode* node) {
    auto name_it = j.find("name");
    if (name_it == j.end()) return Error("a {} needs a \"name\"", AvroTypeName(node->type));
    if (!name_it->is_string()) {
      return Error("\"name\" must be a string, got {}", JsonForMessage(*name_it));
    }
    const std::string& name = name_it->get_ref<const std::string&>();
    ASSIGN_OR_RETURN(std::optional<std::string> ns, OptionalString(j, "namespace"));
    if (ns && name.find('.') == std::string::npos)
      RETURN_IF_ERROR(Located(ValidateAvroNamespace(*ns)));
    node->full_name = AvroFullName(name, ns ? *ns : space);
    RETURN_IF_ERROR(Located(ValidateAvroFullName(node->full_name, "name")));
    if (PrimitiveAvroType(node->name())) {
      return Error("\"{}\" is a primitive type name and cannot name a {}", node->name(),
                   AvroTypeName(node->type));
    }
    if (schema_.FindNamed(node->full_name) != nullptr) {
      return Error("\"{}\" is defined twice (a name may be defined only once)", node->full_name);
    }
    schema_.names_.emplace(node->full_name, node);
    schema_.defined_.push_back(node);
    ASSIGN_OR_RETURN(node->doc, OptionalString(j, "doc"));
    ASSIGN_OR_RETURN(std::vector<std::string> aliases, StringArray(j, "aliases"));
    std::string own_space(node->name_space());
    for (const std::string& alias : aliases) {
      std::string full = AvroFullName(alias, own_space);
      RETURN_IF_ERROR(Located(ValidateAvroFullName(full, "alias")));
      node->aliases.push_back(std::move(full));
    }
    return absl::OkStatus();
  }

  Result<const AvroNode*> ParseRecord(const Json& j, const std::string& space, bool is_error) {
    AvroNode* node = NewNode(AvroType::kRecord);
    node->is_error = is_error;
    RETURN_IF_ERROR(ParseNamed(j, space, node));
    CopyProperties(j, {"type", "name", "namespace", "doc", "aliases", "fields"}, &node->properties);
    auto fields = j.find("fields");
    if (fields == j.end()) return Error("record \"{}\" needs \"fields\"", node->full_name);
    if (!fields->is_array()) {
      return Error("\"fields\" of record \"{}\" must be an array, got {}", node->full_name,
                   JsonForMessage(*fields));
    }
    std::string inner_space(node->name_space());
    absl::flat_hash_set<std::string> names;
    for (size_t i = 0; i < fields->size(); ++i) {
      node->fields.emplace_back();
      RETURN_IF_ERROR(ParseField((*fields)[i], i, inner_space, node, &names));
    }
    return node;
  }

  Status ParseField(const Json& j, size_t i, const std::string& space, AvroNode* record,
                    absl::flat_hash_set<std::string>* names) {
    AvroField& f = record->fields.back();
    f.position = i;
    if (!j.is_object()) {
      PathSegment seg(this, fmt::format("fields[{}]", i));
      return Error("a field must be a JSON object, got {}", JsonForMessage(j));
    }
    auto name_it = j.find("name");
    if (name_it == j.end() || !name_it->is_string()) {
      PathSegment seg(this, fmt::format("fields[{}]", i));
      return Error("a field needs a \"name\" string");
    }
    f.name = name_it->get<std::string>();
    PathSegment seg(this, fmt::format("fields[{}] ({})", i, JsonForMessage(*name_it)));
    if (!IsValidAvroName(f.name)) {
      return Error("invalid field name \"{}\": a name is [A-Za-z_][A-Za-z0-9_]*", f.name);
    }
    if (!names->insert(f.name).second) {
      return Error("duplicate field \"{}\" in record \"{}\"", f.name, record->full_name);
    }
    auto type_it = j.find("type");
    if (type_it == j.end()) return Error("field \"{}\" needs a \"type\"", f.name);
    {
      PathSegment type_seg(this, "type");
      ASSIGN_OR_RETURN(f.type, ParseType(*type_it, space));
    }
    if (auto d = j.find("default"); d != j.end()) {
      f.default_value = *d;
      pending_.push_back({record, i, PathString() + ".default"});
    }
    ASSIGN_OR_RETURN(f.doc, OptionalString(j, "doc"));
    ASSIGN_OR_RETURN(std::optional<std::string> order, OptionalString(j, "order"));
    if (order) RETURN_IF_ERROR(ParseOrder(*order, &f.order));
    ASSIGN_OR_RETURN(f.aliases, StringArray(j, "aliases"));
    for (const std::string& alias : f.aliases) {
      if (!IsValidAvroName(alias)) {
        return Error("invalid field alias \"{}\": a name is [A-Za-z_][A-Za-z0-9_]*", alias);
      }
    }
    CopyProperties(j, {"name", "type", "default", "doc", "order", "aliases"}, &f.properties);
    return absl::OkStatus();
  }

  Status ParseOrder(const std::string& order, AvroFieldOrder* out) {
    for (AvroFieldOrder o :
         {AvroFieldOrder::kAscending, AvroFieldOrder::kDescending, AvroFieldOrder::kIgnore}) {
      if (AvroFieldOrderName(o) == order) {
        *out = o;
        return absl::OkStatus();
      }
    }
    return Error("invalid order \"{}\": expected \"ascending\", \"descending\" or \"ignore\"",
                 order);
  }

  Result<const AvroNode*> ParseEnum(const Json& j, const std::string& space) {
    AvroNode* node = NewNode(AvroType::kEnum);
    RETURN_IF_ERROR(ParseNamed(j, space, node));
    CopyProperties(j, {"type", "name", "namespace", "doc", "aliases", "symbols", "default"},
                   &node->properties);
    if (!j.contains("symbols")) return Error("enum \"{}\" needs \"symbols\"", node->full_name);
    ASSIGN_OR_RETURN(node->symbols, StringArray(j, "symbols"));
    absl::flat_hash_set<std::string> seen;
    for (const std::string& s : node->symbols) {
      if (!IsValidAvroName(s)) {
        return Error("invalid symbol \"{}\" in enum \"{}\": a symbol is [A-Za-z_][A-Za-z0-9_]*", s,
                     node->full_name);
      }
      if (!seen.insert(s).second) {
        return Error("duplicate symbol \"{}\" in enum \"{}\"", s, node->full_name);
      }
    }
    ASSIGN_OR_RETURN(node->enum_default, OptionalString(j, "default"));
    if (node->enum_default && !seen.contains(*node->enum_default)) {
      return Error("the default \"{}\" of enum \"{}\" is not one of its symbols",
                   *node->enum_default, node->full_name);
    }
    return node;
  }

  Result<const AvroNode*> ParseFixed(const Json& j, const std::string& space) {
    AvroNode* node = NewNode(AvroType::kFixed);
    RETURN_IF_ERROR(ParseNamed(j, space, node));
    CopyProperties(j, {"type", "name", "namespace", "doc", "aliases", "size"}, &node->properties);
    auto size = j.find("size");
    if (size == j.end()) return Error("fixed \"{}\" needs a \"size\"", node->full_name);
    bool ok =
        size->is_number_unsigned() || (size->is_number_integer() && size->get<int64_t>() >= 0);
    if (!ok || size->get<uint64_t>() > std::numeric_limits<int32_t>::max()) {
      return Error("the \"size\" of fixed \"{}\" must be an integer in [0, 2^31-1], got {}",
                   node->full_name, JsonForMessage(*size));
    }
    node->size = size->get<int64_t>();
    node->logical = ResolveAvroLogicalType(*node);
    return node;
  }

  Result<const AvroNode*> ParseContainer(const Json& j, const std::string& space, AvroType type,
                                         const char* key) {
    AvroNode* node = NewNode(type);
    CopyProperties(j, {"type", key}, &node->properties);
    auto it = j.find(key);
    if (it == j.end()) return Error("{} needs \"{}\"", AvroTypeName(type), key);
    PathSegment seg(this, key);
    ASSIGN_OR_RETURN(const AvroNode* element, ParseType(*it, space));
    (type == AvroType::kArray ? node->items : node->values) = element;
    return node;
  }

  Result<const AvroNode*> ParseUnion(const Json& j, const std::string& space) {
    AvroNode* node = NewNode(AvroType::kUnion);
    absl::flat_hash_set<std::string> seen;
    for (size_t i = 0; i < j.size(); ++i) {
      PathSegment seg(this, fmt::format("[{}]", i));
      if (j[i].is_array()) return Error("a union cannot directly contain another union");
      ASSIGN_OR_RETURN(const AvroNode* branch, ParseType(j[i], space));
      std::string key = IsNamedAvroType(branch->type) ? branch->full_name
                                                      : std::string(AvroTypeName(branch->type));
      if (!seen.insert(key).second) {
        return Error(
            "the union already has a branch \"{}\" (at most one branch per unnamed type, and "
            "per name)",
            key);
      }
      node->branches.push_back(branch);
    }
    return node;
  }

  Status CheckDefaults() {
    for (const PendingDefault& p : pending_) {
      const AvroField& f = p.record->fields[p.field];
      std::optional<AvroDefaultError> e = CheckAvroDefault(*f.type, *f.default_value);
      if (e) {
        return absl::InvalidArgumentError(
            fmt::format("at {}{}: invalid default value: {}", p.path, e->path, e->reason));
      }
    }
    return absl::OkStatus();
  }

  AvroSchema schema_;
  std::vector<std::string> path_;
  std::vector<PendingDefault> pending_;
};

}  // namespace internal

Result<AvroSchema> ParseAvroSchema(std::string_view text, const AvroParseOptions& options) {
  return internal::AvroParser(options).Parse(text);
}

}  // namespace oxbow::registry
