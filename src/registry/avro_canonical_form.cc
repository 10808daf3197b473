#include "registry/avro_canonical_form.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "fmt/format.h"
#include "registry/json_text.h"

namespace oxbow::registry {
namespace {

std::string Quote(std::string_view s) { return JsonForMessage(nlohmann::json(s)); }

// Both forms write a named type in full once, then by name: the graph may be cyclic.
class Writer {
 public:
  explicit Writer(bool canonical) : canonical_(canonical) {}

  std::string Write(const AvroNode& root) {
    Node(root);
    return std::move(out_);
  }

 private:
  void Node(const AvroNode& n) {
    if (IsNamedAvroType(n.type) && !written_.insert(&n).second) {
      out_ += Quote(n.full_name);
      return;
    }
    switch (n.type) {
      case AvroType::kRecord:
        return Record(n);
      case AvroType::kEnum:
        return Enum(n);
      case AvroType::kFixed:
        return Fixed(n);
      case AvroType::kArray:
      case AvroType::kMap:
        return Container(n);
      case AvroType::kUnion:
        return Union(n);
      default:
        return Primitive(n);
    }
  }

  bool Full() const { return !canonical_; }

  void Primitive(const AvroNode& n) {
    if (canonical_ || n.properties.empty()) {
      out_ += Quote(AvroTypeName(n.type));
      return;
    }
    out_ += fmt::format("{{\"type\":{}", Quote(AvroTypeName(n.type)));
    Properties(n.properties);
    out_ += '}';
  }

  // "name" first, as the canonical form orders it; the normalized form puts "type" first.
  void NamedStart(const AvroNode& n) {
    std::string type =
        Quote(n.type == AvroType::kRecord && n.is_error && Full() ? "error" : AvroTypeName(n.type));
    if (canonical_) {
      out_ += fmt::format("{{\"name\":{},\"type\":{}", Quote(n.full_name), type);
      return;
    }
    out_ += fmt::format("{{\"type\":{},\"name\":{}", type, Quote(n.full_name));
    // A name without dots inside a namespaced type would be read back in that namespace.
    if (n.name_space().empty() && !space_.empty()) out_ += ",\"namespace\":\"\"";
    if (n.doc) out_ += fmt::format(",\"doc\":{}", Quote(*n.doc));
    if (!n.aliases.empty()) out_ += fmt::format(",\"aliases\":{}", Sorted(n.aliases));
  }

  void Record(const AvroNode& n) {
    NamedStart(n);
    out_ += ",\"fields\":[";
    std::string_view outer = std::exchange(space_, n.name_space());
    for (size_t i = 0; i < n.fields.size(); ++i) {
      if (i > 0) out_ += ',';
      Field(n.fields[i]);
    }
    space_ = outer;
    out_ += ']';
    End(n);
  }

  void Field(const AvroField& f) {
    out_ += fmt::format("{{\"name\":{},\"type\":", Quote(f.name));
    Node(*f.type);
    if (Full()) {
      if (f.doc) out_ += fmt::format(",\"doc\":{}", Quote(*f.doc));
      if (f.default_value) out_ += fmt::format(",\"default\":{}", JsonForMessage(*f.default_value));
      if (f.order != AvroFieldOrder::kAscending) {
        out_ += fmt::format(",\"order\":{}", Quote(AvroFieldOrderName(f.order)));
      }
      if (!f.aliases.empty()) out_ += fmt::format(",\"aliases\":{}", Sorted(f.aliases));
      Properties(f.properties);
    }
    out_ += '}';
  }

  void Enum(const AvroNode& n) {
    NamedStart(n);
    out_ += fmt::format(",\"symbols\":{}", JsonForMessage(nlohmann::json(n.symbols)));
    if (Full() && n.enum_default) out_ += fmt::format(",\"default\":{}", Quote(*n.enum_default));
    End(n);
  }

  void Fixed(const AvroNode& n) {
    NamedStart(n);
    out_ += fmt::format(",\"size\":{}", n.size);
    End(n);
  }

  void Container(const AvroNode& n) {
    bool array = n.type == AvroType::kArray;
    out_ += fmt::format("{{\"type\":\"{}\",\"{}\":", array ? "array" : "map",
                        array ? "items" : "values");
    Node(array ? *n.items : *n.values);
    End(n);
  }

  void Union(const AvroNode& n) {
    out_ += '[';
    for (size_t i = 0; i < n.branches.size(); ++i) {
      if (i > 0) out_ += ',';
      Node(*n.branches[i]);
    }
    out_ += ']';
  }

  void End(const AvroNode& n) {
    if (Full()) Properties(n.properties);
    out_ += '}';
  }

  // Custom properties, sorted by key (nlohmann's object keeps its keys sorted).
  void Properties(const nlohmann::json& props) {
    for (const auto& [key, value] : props.items()) {
      out_ += fmt::format(",{}:{}", Quote(key), JsonForMessage(value));
    }
  }

  static std::string Sorted(std::vector<std::string> names) {
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return JsonForMessage(nlohmann::json(names));
  }

  const bool canonical_;
  std::string_view space_;  // the namespace of the innermost enclosing named type
  std::string out_;
  absl::flat_hash_set<const AvroNode*> written_;
};

}  // namespace

std::string AvroParsingCanonicalForm(const AvroSchema& schema) {
  return Writer(/*canonical=*/true).Write(schema.root());
}

std::string AvroNormalizedForm(const AvroSchema& schema) {
  return Writer(/*canonical=*/false).Write(schema.root());
}

}  // namespace oxbow::registry
