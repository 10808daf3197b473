#include "registry/json_schema.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "fmt/format.h"
#include "registry/json_text.h"

namespace oxbow::registry {
namespace {

using Json = nlohmann::json;

constexpr std::array<std::string_view, 7> kTypeNames = {"null",   "boolean", "object", "array",
                                                        "number", "integer", "string"};

// Validation keywords Oxbow does not model; kept so that changes to them are noticed.
constexpr std::string_view kUnmodelled[] = {"not",
                                            "if",
                                            "then",
                                            "else",
                                            "dependencies",
                                            "dependentRequired",
                                            "dependentSchemas",
                                            "propertyNames",
                                            "contains",
                                            "additionalItems",
                                            "prefixItems",
                                            "unevaluatedProperties",
                                            "unevaluatedItems",
                                            "minContains",
                                            "maxContains"};

// "%2F"-style escapes of a URI fragment, decoded.
std::string PercentDecode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::string JsonPointerEscape(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view JsonTypeName(JsonType type) { return kTypeNames[static_cast<size_t>(type)]; }

bool JsonSchemaNode::AcceptsEverything() const {
  return !is_false && ref == nullptr && !types && properties.empty() && required.empty() &&
         additional_properties_allowed && additional_properties == nullptr &&
         pattern_properties.empty() && !min_properties && !max_properties && items == nullptr &&
         !min_items && !max_items && !unique_items && !min_length && !max_length && !pattern &&
         !minimum && !maximum && !exclusive_minimum && !exclusive_maximum && !multiple_of &&
         !enum_values && all_of.empty() && any_of.empty() && one_of.empty() && other.empty();
}

// One parse of one document.
class JsonSchemaParser {
 public:
  Result<JsonSchema> Parse(std::string_view text) {
    ASSIGN_OR_RETURN(Json doc, ParseJsonText(text));
    schema_.document_ = std::make_unique<Json>(std::move(doc));
    ASSIGN_OR_RETURN(schema_.root_, ParseNode(*schema_.document_, "#"));
    RETURN_IF_ERROR(ResolveRefs());
    return std::move(schema_);
  }

 private:
  struct PendingRef {
    JsonSchemaNode* node;
    std::string target;
  };

  template <typename... Args>
  static Status Error(const std::string& at, fmt::format_string<Args...> format, Args&&... args) {
    return absl::InvalidArgumentError(
        fmt::format("at {}: {}", at, fmt::format(format, std::forward<Args>(args)...)));
  }

  Result<JsonSchemaNode*> ParseNode(const Json& j, const std::string& pointer) {
    schema_.nodes_.push_back(std::make_unique<JsonSchemaNode>());
    JsonSchemaNode* node = schema_.nodes_.back().get();
    node->pointer = pointer;
    node->source = &j;
    by_pointer_.emplace(pointer, node);
    if (j.is_boolean()) {
      node->is_false = !j.get<bool>();
      return node;
    }
    if (!j.is_object()) {
      return Error(pointer, "a schema is a JSON object or a boolean, got {}", JsonForMessage(j));
    }
    for (const auto& [key, value] : j.items()) {
      RETURN_IF_ERROR(Keyword(node, key, value));
    }
    return node;
  }

  Status Keyword(JsonSchemaNode* node, const std::string& key, const Json& v) {
    const std::string at = fmt::format("{}/{}", node->pointer, JsonPointerEscape(key));
    if (key == "$ref") {
      if (!v.is_string()) return Error(at, "\"$ref\" must be a string, got {}", JsonForMessage(v));
      refs_.push_back({node, v.get<std::string>()});
    } else if (key == "type") {
      ASSIGN_OR_RETURN(node->types, Types(v, at));
    } else if (key == "properties" || key == "patternProperties") {
      auto& map = key == "properties" ? node->properties : node->pattern_properties;
      return SchemaMap(v, at, &map);
    } else if (key == "definitions" || key == "$defs") {
      std::map<std::string, const JsonSchemaNode*> ignored;
      return SchemaMap(v, at, &ignored);
    } else if (key == "required") {
      if (v.is_boolean()) {  // draft 3: a property's own "required": true
        node->other[key] = v;
        return absl::OkStatus();
      }
      if (!v.is_array()) return Error(at, "\"required\" must be an array of property names");
      for (const Json& name : v) {
        if (!name.is_string()) return Error(at, "\"required\" must be an array of property names");
        node->required.insert(name.get<std::string>());
      }
    } else if (key == "additionalProperties") {
      if (v.is_boolean()) {
        node->additional_properties_allowed = v.get<bool>();
      } else {
        ASSIGN_OR_RETURN(node->additional_properties, ParseNode(v, at));
      }
    } else if (key == "items") {
      if (v.is_array()) {  // tuple validation (draft 4-7)
        node->other[key] = v;
        return absl::OkStatus();
      }
      ASSIGN_OR_RETURN(node->items, ParseNode(v, at));
    } else if (key == "allOf" || key == "anyOf" || key == "oneOf") {
      auto& list = key == "allOf" ? node->all_of : key == "anyOf" ? node->any_of : node->one_of;
      if (!v.is_array() || v.empty()) {
        return Error(at, "\"{}\" must be a non-empty array of schemas", key);
      }
      for (size_t i = 0; i < v.size(); ++i) {
        ASSIGN_OR_RETURN(const JsonSchemaNode* sub, ParseNode(v[i], fmt::format("{}/{}", at, i)));
        list.push_back(sub);
      }
    } else if (key == "enum") {
      if (!v.is_array()) return Error(at, "\"enum\" must be an array, got {}", JsonForMessage(v));
      node->enum_values = v;
    } else if (key == "const") {
      node->enum_values = Json::array({v});
    } else if (key == "uniqueItems") {
      if (!v.is_boolean()) return Error(at, "\"uniqueItems\" must be a boolean");
      node->unique_items = v.get<bool>();
    } else if (key == "pattern") {
      if (!v.is_string()) return Error(at, "\"pattern\" must be a string");
      node->pattern = v.get<std::string>();
    } else if (key == "default") {
      node->default_value = v;
    } else if (std::optional<uint64_t>* count = CountKeyword(node, key)) {
      if (!v.is_number_unsigned()) {
        return Error(at, "\"{}\" must be a non-negative integer, got {}", key, JsonForMessage(v));
      }
      *count = v.get<uint64_t>();
    } else if (std::optional<double>* number = NumberKeyword(node, key)) {
      if (v.is_boolean() && (key == "exclusiveMinimum" || key == "exclusiveMaximum")) {
        node->other[key] = v;  // draft 4's boolean form
        return absl::OkStatus();
      }
      if (!v.is_number()) {
        return Error(at, "\"{}\" must be a number, got {}", key, JsonForMessage(v));
      }
      *number = v.get<double>();
      if (key == "multipleOf" && !(*number > 0)) {
        return Error(at, "\"multipleOf\" must be greater than 0");
      }
    } else if (std::find(std::begin(kUnmodelled), std::end(kUnmodelled), key) !=
               std::end(kUnmodelled)) {
      node->other[key] = v;
    }
    // Anything else is an annotation (title, description, $id, $schema, format, examples,
    // custom keywords): it does not constrain documents the way Oxbow compares them.
    return absl::OkStatus();
  }

  static std::optional<uint64_t>* CountKeyword(JsonSchemaNode* n, std::string_view key) {
    if (key == "minProperties") return &n->min_properties;
    if (key == "maxProperties") return &n->max_properties;
    if (key == "minItems") return &n->min_items;
    if (key == "maxItems") return &n->max_items;
    if (key == "minLength") return &n->min_length;
    if (key == "maxLength") return &n->max_length;
    return nullptr;
  }

  static std::optional<double>* NumberKeyword(JsonSchemaNode* n, std::string_view key) {
    if (key == "minimum") return &n->minimum;
    if (key == "maximum") return &n->maximum;
    if (key == "exclusiveMinimum") return &n->exclusive_minimum;
    if (key == "exclusiveMaximum") return &n->exclusive_maximum;
    if (key == "multipleOf") return &n->multiple_of;
    return nullptr;
  }

  static Result<JsonTypeSet> Types(const Json& v, const std::string& at) {
    auto one = [&](const Json& name) -> Result<JsonTypeSet> {
      if (name.is_string()) {
        for (size_t i = 0; i < kTypeNames.size(); ++i) {
          if (kTypeNames[i] == name.get_ref<const std::string&>()) {
            return Bit(static_cast<JsonType>(i));
          }
        }
      }
      return Error(at,
                   "unknown type {}: expected one of null, boolean, object, array, number, "
                   "integer, string",
                   JsonForMessage(name));
    };
    if (!v.is_array()) return one(v);
    if (v.empty()) return Error(at, "\"type\" must not be an empty array");
    JsonTypeSet set = 0;
    for (const Json& name : v) {
      ASSIGN_OR_RETURN(JsonTypeSet t, one(name));
      set |= t;
    }
    return set;
  }

  Status SchemaMap(const Json& v, const std::string& at,
                   std::map<std::string, const JsonSchemaNode*>* out) {
    if (!v.is_object()) return Error(at, "must be an object of schemas, got {}", JsonForMessage(v));
    for (const auto& [name, sub] : v.items()) {
      ASSIGN_OR_RETURN(const JsonSchemaNode* node,
                       ParseNode(sub, fmt::format("{}/{}", at, JsonPointerEscape(name))));
      out->emplace(name, node);
    }
    return absl::OkStatus();
  }

  // Points every "$ref" at its node. A target that was not parsed as a schema (e.g. under an
  // unknown keyword) is parsed on demand; that may add more refs, hence the loop.
  Status ResolveRefs() {
    for (size_t i = 0; i < refs_.size(); ++i) {
      PendingRef r = refs_[i];
      std::string target = PercentDecode(r.target);
      if (!target.starts_with('#')) {
        return Error(r.node->pointer,
                     "\"$ref\" {} is not supported: only references into the same document "
                     "(\"#...\") are",
                     JsonForMessage(Json(r.target)));
      }
      if (target.size() > 1 && target[1] != '/') {
        return Error(r.node->pointer, "\"$ref\" {} is not a JSON pointer",
                     JsonForMessage(Json(r.target)));
      }
      auto it = by_pointer_.find(target);
      if (it != by_pointer_.end()) {
        r.node->ref = it->second;
        continue;
      }
      ASSIGN_OR_RETURN(const Json* value, Lookup(target, r));
      ASSIGN_OR_RETURN(r.node->ref, ParseNode(*value, target));
    }
    return CheckRefCycles();
  }

  Result<const Json*> Lookup(const std::string& target, const PendingRef& r) {
    try {
      Json::json_pointer ptr(target.substr(1));
      if (schema_.document_->contains(ptr)) return &schema_.document_->at(ptr);
    } catch (const Json::exception&) {
      // An invalid pointer: reported below like a missing one.
    }
    return Error(r.node->pointer, "\"$ref\" {} points at nothing in this document",
                 JsonForMessage(Json(r.target)));
  }

  // A chain of nodes that are only references, ending where it started, means nothing.
  // Each node is walked once: a chain stops at a node already known to reach a schema.
  Status CheckRefCycles() {
    absl::flat_hash_map<const JsonSchemaNode*, bool> done;  // false while being walked
    for (const auto& n : schema_.nodes_) {
      std::vector<const JsonSchemaNode*> chain;
      for (const JsonSchemaNode* p = n.get(); p->ref != nullptr; p = p->ref) {
        auto [it, inserted] = done.emplace(p, false);
        if (!inserted) {
          if (!it->second) {
            return Error(n->pointer, "\"$ref\" chain loops without reaching a schema");
          }
          break;
        }
        chain.push_back(p);
      }
      for (const JsonSchemaNode* p : chain) done[p] = true;
    }
    return absl::OkStatus();
  }

  JsonSchema schema_;
  absl::flat_hash_map<std::string, JsonSchemaNode*> by_pointer_;
  std::vector<PendingRef> refs_;
};

Result<JsonSchema> JsonSchema::Parse(std::string_view text) {
  return JsonSchemaParser().Parse(text);
}

std::string JsonSchemaNormalizedForm(const JsonSchema& schema) {
  return JsonForMessage(schema.document());
}

}  // namespace oxbow::registry
