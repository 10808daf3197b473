#include "registry/json_schema_compatibility.h"

#include <cmath>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "fmt/format.h"
#include "registry/json_text.h"

namespace oxbow::registry {
namespace {

using Node = JsonSchemaNode;
using Incompatibilities = std::vector<Incompatibility>;

// Bounds the walk over (writer, reader) pairs, as for Avro: recursive schemas with cycles of
// different lengths chain many distinct pairs.
constexpr int kMaxDepth = 1000;

enum class Criterion { kAll, kAny, kOne };
std::string_view CriterionName(Criterion c) {
  return c == Criterion::kAll ? "allOf" : c == Criterion::kAny ? "anyOf" : "oneOf";
}

bool HasObjectKeywords(const Node& n) {
  return !n.properties.empty() || !n.required.empty() || !n.additional_properties_allowed ||
         n.additional_properties != nullptr || !n.pattern_properties.empty() || n.min_properties ||
         n.max_properties;
}
bool HasArrayKeywords(const Node& n) {
  return n.items != nullptr || n.min_items || n.max_items || n.unique_items;
}
bool HasStringKeywords(const Node& n) { return n.min_length || n.max_length || n.pattern; }
bool HasNumberKeywords(const Node& n) {
  return n.minimum || n.maximum || n.exclusive_minimum || n.exclusive_maximum || n.multiple_of;
}

// The types a node admits: its "type", else what its keywords imply (as the Java library
// behind Confluent classifies a schema by its keywords); nullopt when unconstrained.
std::optional<JsonTypeSet> EffectiveTypes(const Node& n) {
  if (n.types) return n.types;
  JsonTypeSet s = 0;
  if (HasObjectKeywords(n)) s |= Bit(JsonType::kObject);
  if (HasArrayKeywords(n)) s |= Bit(JsonType::kArray);
  if (HasStringKeywords(n)) s |= Bit(JsonType::kString);
  if (HasNumberKeywords(n)) s |= Bit(JsonType::kNumber);
  if (s == 0) return std::nullopt;
  return s;
}

bool Admits(const std::optional<JsonTypeSet>& types, JsonType t) {
  return !types || (*types & Bit(t)) != 0 ||
         (t == JsonType::kInteger && (*types & Bit(JsonType::kNumber)) != 0);
}

std::string TypeList(JsonTypeSet s) {
  std::vector<std::string_view> names;
  for (int i = 0; i < 7; ++i) {
    if (s & (1u << i)) names.push_back(JsonTypeName(static_cast<JsonType>(i)));
  }
  return fmt::format("{}", fmt::join(names, ", "));
}

// A node that is only one combinator (plus annotations).
bool PureCombined(const Node& n) {
  int lists = !n.all_of.empty() + !n.any_of.empty() + !n.one_of.empty();
  return lists == 1 && !EffectiveTypes(n) && !n.enum_values && n.other.empty();
}
Criterion CriterionOf(const Node& n) {
  return !n.all_of.empty()   ? Criterion::kAll
         : !n.any_of.empty() ? Criterion::kAny
                             : Criterion::kOne;
}
const std::vector<const Node*>& ListOf(const Node& n, Criterion c) {
  return c == Criterion::kAll ? n.all_of : c == Criterion::kAny ? n.any_of : n.one_of;
}

std::string Join(const std::string& pointer, std::string_view keyword) {
  return fmt::format("{}/{}", pointer, keyword);
}

class JsonDiffer {
 public:
  // Incompatibilities of reader `r` reading what writer `w` admits. A null writer admits
  // anything; a null reader constrains nothing.
  Incompatibilities Check(const Node* w, const Node* r) {
    if (r == nullptr) return {};
    r = Resolve(r);
    if (w == nullptr) {
      if (r->AcceptsEverything()) return {};
      return {Make("SCHEMA_ADDED", r->pointer,
                   "the reader constrains values the writer left unconstrained")};
    }
    w = Resolve(w);
    auto key = std::make_pair(w, r);
    if (auto it = memo_.find(key); it != memo_.end()) {
      return it->second.in_progress ? Incompatibilities() : it->second.result;
    }
    if (depth_ >= kMaxDepth) {
      return {Make("SCHEMAS_TOO_DEEP", r->pointer,
                   fmt::format("the schemas nest more than {} levels deep to compare", kMaxDepth))};
    }
    memo_[key] = Memo{true, {}};
    ++depth_;
    Incompatibilities result = Calculate(*w, *r);
    --depth_;
    memo_[key] = Memo{false, result};
    return result;
  }

 private:
  struct Memo {
    bool in_progress;
    Incompatibilities result;
  };

  static const Node* Resolve(const Node* n) {
    while (n->ref != nullptr) n = n->ref;  // the parser rejects loops of pure references
    return n;
  }

  static Incompatibility Make(std::string kind, std::string path, std::string message) {
    return Incompatibility{std::move(kind), std::move(path), std::move(message)};
  }

  Incompatibilities Calculate(const Node& w, const Node& r) {
    if (w.is_false || r.AcceptsEverything()) return {};
    if (r.is_false) return {Make("TYPE_CHANGED", r.pointer, "the reader accepts nothing (false)")};
    bool wc = PureCombined(w);
    bool rc = PureCombined(r);
    if (wc && rc) {
      Incompatibilities out;
      CompareLists(CriterionOf(w), CriterionOf(r), ListOf(w, CriterionOf(w)),
                   ListOf(r, CriterionOf(r)), r.pointer, &out);
      return out;
    }
    if (rc) return PlainWriterCombinedReader(w, r);
    if (wc) return CombinedWriterPlainReader(w, r);
    Incompatibilities out;
    if (!CompareTypes(w, r, &out)) return out;
    std::optional<JsonTypeSet> tw = EffectiveTypes(w);
    std::optional<JsonTypeSet> tr = EffectiveTypes(r);
    auto both = [&](JsonType t) { return Admits(tw, t) && Admits(tr, t); };
    if (both(JsonType::kObject)) CompareObject(w, r, &out);
    if (both(JsonType::kArray)) CompareArray(w, r, &out);
    if (both(JsonType::kString)) CompareString(w, r, &out);
    if (both(JsonType::kNumber) || both(JsonType::kInteger)) CompareNumber(w, r, &out);
    CompareEnum(w, r, &out);
    CompareOther(w, r, &out);
    for (Criterion c : {Criterion::kAll, Criterion::kAny, Criterion::kOne}) {
      const auto& wl = ListOf(w, c);
      const auto& rl = ListOf(r, c);
      if (rl.empty()) continue;  // dropping a combinator only admits more
      if (wl.empty()) {
        out.push_back(Make("COMBINED_TYPE_CHANGED", Join(r.pointer, CriterionName(c)),
                           fmt::format("the reader adds {}", CriterionName(c))));
        continue;
      }
      CompareLists(c, c, wl, rl, r.pointer, &out);
    }
    return out;
  }

  // A reader anyOf/oneOf reads a plain writer through one compatible branch (a single
  // branch of any combinator counts as the branch itself).
  Incompatibilities PlainWriterCombinedReader(const Node& w, const Node& r) {
    Criterion c = CriterionOf(r);
    const auto& subs = ListOf(r, c);
    if (c != Criterion::kAll || subs.size() == 1) {
      for (const Node* sub : subs) {
        if (Check(&w, sub).empty()) return {};
      }
    }
    return {Make("TYPE_CHANGED", r.pointer,
                 fmt::format("no subschema of the reader's {} reads the writer's schema",
                             CriterionName(c)))};
  }

  // Everything an anyOf/oneOf writer admits must be readable: each branch must be. An allOf
  // writer admits only what all its branches do: one readable branch suffices.
  Incompatibilities CombinedWriterPlainReader(const Node& w, const Node& r) {
    Criterion c = CriterionOf(w);
    const auto& subs = ListOf(w, c);
    if (c == Criterion::kAll) {
      for (const Node* sub : subs) {
        if (Check(sub, &r).empty()) return {};
      }
      return {Make("TYPE_CHANGED", r.pointer,
                   "the reader reads none of the subschemas of the writer's allOf")};
    }
    Incompatibilities out;
    for (const Node* sub : subs) {
      for (Incompatibility& i : Check(sub, &r)) out.push_back(std::move(i));
    }
    return out;
  }

  bool CompareTypes(const Node& w, const Node& r, Incompatibilities* out) {
    std::optional<JsonTypeSet> tw = EffectiveTypes(w);
    std::optional<JsonTypeSet> tr = EffectiveTypes(r);
    if (!tr) return true;
    if (!tw) {
      out->push_back(Make("TYPE_CHANGED", Join(r.pointer, "type"),
                          fmt::format("the reader admits only {} where the writer admits any type",
                                      TypeList(*tr))));
      return false;
    }
    JsonTypeSet missing = 0;
    for (int i = 0; i < 7; ++i) {
      auto t = static_cast<JsonType>(i);
      if ((*tw & Bit(t)) && !Admits(tr, t)) missing |= Bit(t);
    }
    if (missing == 0) return true;
    bool narrowed = missing == Bit(JsonType::kNumber) && (*tr & Bit(JsonType::kInteger));
    out->push_back(Make(narrowed ? "TYPE_NARROWED" : "TYPE_CHANGED", Join(r.pointer, "type"),
                        fmt::format("the reader does not admit writer type {} (reader: {})",
                                    TypeList(missing), TypeList(*tr))));
    return false;
  }

  static bool Open(const Node& n) {
    return n.pattern_properties.empty() && n.additional_properties == nullptr &&
           n.additional_properties_allowed;
  }

  void CompareObject(const Node& w, const Node& r, Incompatibilities* out) {
    for (const auto& [name, rp] : r.properties) {
      auto wp = w.properties.find(name);
      std::string at = Join(Join(r.pointer, "properties"), JsonPointerEscape(name));
      if (wp != w.properties.end()) {
        if (!w.required.contains(name) && r.required.contains(name) &&
            !Resolve(rp)->default_value) {
          out->push_back(Make("REQUIRED_ATTRIBUTE_ADDED",
                              Join(Join(r.pointer, "required"), JsonPointerEscape(name)),
                              fmt::format("the reader requires property \"{}\", which the writer "
                                          "made optional, and gives it no default",
                                          name)));
        }
        Append(out, Check(wp->second, rp));
      } else {
        PropertyAdded(w, r, name, rp, at, out);
      }
    }
    for (const auto& [name, wp] : w.properties) {
      if (!r.properties.contains(name)) {
        PropertyRemoved(r, name, wp, Join(Join(r.pointer, "properties"), JsonPointerEscape(name)),
                        out);
      }
    }
    AdditionalProperties(w, r, out);
    Bound(w.min_properties, r.min_properties, true, "minProperties", "MIN_PROPERTIES", r, out);
    Bound(w.max_properties, r.max_properties, false, "maxProperties", "MAX_PROPERTIES", r, out);
  }

  void PropertyAdded(const Node& w, const Node& r, const std::string& name, const Node* rp,
                     const std::string& at, Incompatibilities* out) {
    if (Open(w)) {
      if (!Resolve(rp)->AcceptsEverything()) {
        out->push_back(Make("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", at,
                            fmt::format("property \"{}\" is new, but the writer's open content "
                                        "model admits any value under that name",
                                        name)));
      }
      return;
    }
    if (!w.pattern_properties.empty() && w.additional_properties == nullptr) {
      out->push_back(Make("PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", at,
                          fmt::format("property \"{}\" is new next to the writer's "
                                      "patternProperties, which Oxbow does not evaluate",
                                      name)));
    } else if (w.additional_properties != nullptr && !Check(w.additional_properties, rp).empty()) {
      out->push_back(Make("PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", at,
                          fmt::format("property \"{}\" is new and does not read what the "
                                      "writer's additionalProperties admit",
                                      name)));
    }
    if (r.required.contains(name) && !Resolve(rp)->default_value) {
      out->push_back(
          Make("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", at,
               fmt::format("property \"{}\" is new and required, with no default", name)));
    }
  }

  void PropertyRemoved(const Node& r, const std::string& name, const Node* wp,
                       const std::string& at, Incompatibilities* out) {
    if (Open(r)) return;
    if (r.additional_properties != nullptr) {
      if (!Check(wp, r.additional_properties).empty()) {
        out->push_back(Make("PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", at,
                            fmt::format("property \"{}\" was removed and the reader's "
                                        "additionalProperties do not read its values",
                                        name)));
      }
      return;
    }
    if (!r.pattern_properties.empty()) {
      out->push_back(Make("PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", at,
                          fmt::format("property \"{}\" was removed next to the reader's "
                                      "patternProperties, which Oxbow does not evaluate",
                                      name)));
      return;
    }
    if (!Resolve(wp)->is_false) {
      out->push_back(Make("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", at,
                          fmt::format("property \"{}\" was removed, and the reader's closed "
                                      "content model rejects documents that still have it",
                                      name)));
    }
  }

  void AdditionalProperties(const Node& w, const Node& r, Incompatibilities* out) {
    std::string at = Join(r.pointer, "additionalProperties");
    if (w.additional_properties_allowed != r.additional_properties_allowed) {
      if (!r.additional_properties_allowed) {
        out->push_back(Make("ADDITIONAL_PROPERTIES_REMOVED", at,
                            "the reader forbids additional properties the writer allowed"));
      }
      return;
    }
    if (w.additional_properties == nullptr && r.additional_properties != nullptr) {
      if (!Resolve(r.additional_properties)->AcceptsEverything() &&
          w.additional_properties_allowed) {
        out->push_back(Make("ADDITIONAL_PROPERTIES_NARROWED", at,
                            "the reader constrains additional properties the writer allowed"));
      }
      return;
    }
    if (w.additional_properties != nullptr && r.additional_properties != nullptr) {
      Append(out, Check(w.additional_properties, r.additional_properties));
    }
  }

  void CompareArray(const Node& w, const Node& r, Incompatibilities* out) {
    Append(out, Check(w.items, r.items));
    Bound(w.min_items, r.min_items, true, "minItems", "MIN_ITEMS", r, out);
    Bound(w.max_items, r.max_items, false, "maxItems", "MAX_ITEMS", r, out);
    if (r.unique_items && !w.unique_items) {
      out->push_back(Make("UNIQUE_ITEMS_ADDED", Join(r.pointer, "uniqueItems"),
                          "the reader requires unique items"));
    }
  }

  void CompareString(const Node& w, const Node& r, Incompatibilities* out) {
    Bound(w.min_length, r.min_length, true, "minLength", "MIN_LENGTH", r, out);
    Bound(w.max_length, r.max_length, false, "maxLength", "MAX_LENGTH", r, out);
    if (r.pattern && r.pattern != w.pattern) {
      out->push_back(Make(w.pattern ? "PATTERN_CHANGED" : "PATTERN_ADDED",
                          Join(r.pointer, "pattern"),
                          fmt::format("the reader requires pattern {}",
                                      JsonForMessage(nlohmann::json(*r.pattern)))));
    }
  }

  void CompareNumber(const Node& w, const Node& r, Incompatibilities* out) {
    Bound(w.minimum, r.minimum, true, "minimum", "MINIMUM", r, out);
    Bound(w.maximum, r.maximum, false, "maximum", "MAXIMUM", r, out);
    Bound(w.exclusive_minimum, r.exclusive_minimum, true, "exclusiveMinimum", "EXCLUSIVE_MINIMUM",
          r, out);
    Bound(w.exclusive_maximum, r.exclusive_maximum, false, "exclusiveMaximum", "EXCLUSIVE_MAXIMUM",
          r, out);
    if (!r.multiple_of || r.multiple_of == w.multiple_of) return;
    // Every multiple of the writer's step is a multiple of the reader's when the reader's
    // step divides it.
    bool divides = w.multiple_of && std::fmod(*w.multiple_of, *r.multiple_of) == 0;
    if (!divides) {
      out->push_back(Make(w.multiple_of ? "MULTIPLE_OF_CHANGED" : "MULTIPLE_OF_ADDED",
                          Join(r.pointer, "multipleOf"),
                          fmt::format("the reader requires multiples of {}", *r.multiple_of)));
    }
  }

  // A lower bound may only drop or go away; an upper bound may only grow or go away.
  // `kind` is the Confluent prefix ("MIN_LENGTH"), completed with _ADDED, _INCREASED or
  // _DECREASED.
  template <typename T>
  void Bound(const std::optional<T>& w, const std::optional<T>& r, bool lower,
             std::string_view keyword, std::string_view kind, const Node& reader,
             Incompatibilities* out) {
    if (!r || w == r) return;
    if (w && (lower ? *r < *w : *r > *w)) return;
    std::string_view change = !w ? "ADDED" : lower ? "INCREASED" : "DECREASED";
    out->push_back(Make(fmt::format("{}_{}", kind, change), Join(reader.pointer, keyword),
                        w ? fmt::format("the reader narrows {} from {} to {}", keyword, *w, *r)
                          : fmt::format("the reader adds {} {}", keyword, *r)));
  }

  void CompareEnum(const Node& w, const Node& r, Incompatibilities* out) {
    if (!r.enum_values) return;
    std::string at = Join(r.pointer, "enum");
    if (!w.enum_values) {
      out->push_back(Make("ENUM_ARRAY_NARROWED", at, "the reader restricts values to an enum"));
      return;
    }
    std::vector<std::string> missing;
    for (const nlohmann::json& v : *w.enum_values) {
      if (std::find(r.enum_values->begin(), r.enum_values->end(), v) == r.enum_values->end()) {
        missing.push_back(JsonForMessage(v));
      }
    }
    if (!missing.empty()) {
      out->push_back(
          Make("ENUM_ARRAY_NARROWED", at,
               fmt::format("the reader's enum lacks writer values {}", fmt::join(missing, ", "))));
    }
  }

  void CompareOther(const Node& w, const Node& r, Incompatibilities* out) {
    for (const auto& [key, value] : r.other.items()) {
      auto it = w.other.find(key);
      if (it == w.other.end() || *it != value) {
        out->push_back(Make("UNSUPPORTED_KEYWORD_CHANGED", Join(r.pointer, key),
                            fmt::format("the reader adds or changes \"{}\", which Oxbow does not "
                                        "compare",
                                        key)));
      }
    }
  }

  // Combinator against combinator: Confluent's rules for the criteria and sizes, then every
  // subschema of the smaller side must pair with a compatible one of the other.
  void CompareLists(Criterion wc, Criterion rc, const std::vector<const Node*>& wl_in,
                    const std::vector<const Node*>& rl_in, const std::string& pointer,
                    Incompatibilities* out) {
    std::string at = Join(pointer, CriterionName(rc));
    bool criterion_ok = wc == rc || rc == Criterion::kAny ||
                        (rc == Criterion::kOne && wl_in.size() == 1) ||
                        (rc == Criterion::kAll && wl_in.size() == 1 && rl_in.size() == 1);
    if (!criterion_ok) {
      out->push_back(
          Make("COMBINED_TYPE_CHANGED", at,
               fmt::format("the writer's {} became {}", CriterionName(wc), CriterionName(rc))));
      return;
    }
    std::vector<const Node*> wl = Distinct(wl_in);
    std::vector<const Node*> rl = Distinct(rl_in);
    if (wl.size() < rl.size() && rc == Criterion::kAll) {
      out->push_back(Make("PRODUCT_TYPE_EXTENDED", at, "the reader's allOf adds subschemas"));
    } else if (wl.size() > rl.size() && rc != Criterion::kAll) {
      out->push_back(Make("SUM_TYPE_NARROWED", at,
                          fmt::format("the reader's {} drops subschemas", CriterionName(rc))));
    }
    std::vector<std::vector<bool>> ok(wl.size(), std::vector<bool>(rl.size()));
    for (size_t i = 0; i < wl.size(); ++i) {
      for (size_t j = 0; j < rl.size(); ++j) ok[i][j] = Check(wl[i], rl[j]).empty();
    }
    if (MaxMatching(ok, rl.size()) < std::min(wl.size(), rl.size())) {
      out->push_back(Make("COMBINED_TYPE_SUBSCHEMAS_CHANGED", at,
                          "the subschemas cannot be paired with compatible ones"));
    }
  }

  static std::vector<const Node*> Distinct(const std::vector<const Node*>& in) {
    std::vector<const Node*> out;
    for (const Node* n : in) {
      bool seen = false;
      for (const Node* o : out) seen = seen || *o->source == *n->source;
      if (!seen) out.push_back(n);
    }
    return out;
  }

  // Size of a maximum matching in the bipartite graph `ok` (Kuhn's augmenting paths).
  static size_t MaxMatching(const std::vector<std::vector<bool>>& ok, size_t right) {
    std::vector<int> match(right, -1);
    size_t size = 0;
    for (size_t i = 0; i < ok.size(); ++i) {
      std::vector<bool> visited(right, false);
      if (Augment(ok, static_cast<int>(i), &visited, &match)) ++size;
    }
    return size;
  }
  static bool Augment(const std::vector<std::vector<bool>>& ok, int i, std::vector<bool>* visited,
                      std::vector<int>* match) {
    for (size_t j = 0; j < visited->size(); ++j) {
      if (!ok[i][j] || (*visited)[j]) continue;
      (*visited)[j] = true;
      if ((*match)[j] < 0 || Augment(ok, (*match)[j], visited, match)) {
        (*match)[j] = i;
        return true;
      }
    }
    return false;
  }

  static void Append(Incompatibilities* out, Incompatibilities more) {
    for (Incompatibility& i : more) out->push_back(std::move(i));
  }

  absl::flat_hash_map<std::pair<const Node*, const Node*>, Memo> memo_;
  int depth_ = 0;
};

}  // namespace

std::vector<Incompatibility> CheckJsonSchemaReadCompatibility(const JsonSchema& reader,
                                                              const JsonSchema& writer) {
  return JsonDiffer().Check(&writer.root(), &reader.root());
}

CompatibilityReport CheckJsonSchemaCompatibility(CompatibilityLevel level,
                                                 const JsonSchema& candidate,
                                                 std::span<const JsonSchema* const> previous) {
  return CheckCompatibilityLevel(
      level, previous.size(), [&](size_t i, CheckDirection d) -> std::vector<Incompatibility> {
        return d == CheckDirection::kNewReadsOld
                   ? CheckJsonSchemaReadCompatibility(candidate, *previous[i])
                   : CheckJsonSchemaReadCompatibility(*previous[i], candidate);
      });
}

}  // namespace oxbow::registry
