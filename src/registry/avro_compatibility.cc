#include "registry/avro_compatibility.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "fmt/format.h"

namespace oxbow::registry {
namespace {

using Incompatibilities = std::vector<Incompatibility>;

// How deep the (reader, writer) walk may go. Each pair is visited once, but two recursive
// schemas with cycles of different lengths can chain many distinct pairs; the limit keeps
// hostile input from exhausting the stack.
constexpr int kMaxDepth = 1000;

bool IsPromotable(AvroType reader, AvroType writer) {
  switch (reader) {
    case AvroType::kLong:
      return writer == AvroType::kInt;
    case AvroType::kFloat:
      return writer == AvroType::kInt || writer == AvroType::kLong;
    case AvroType::kDouble:
      return writer == AvroType::kInt || writer == AvroType::kLong || writer == AvroType::kFloat;
    case AvroType::kBytes:
      return writer == AvroType::kString;
    case AvroType::kString:
      return writer == AvroType::kBytes;
    default:
      return false;
  }
}

std::string Describe(const AvroNode& n) {
  if (IsNamedAvroType(n.type)) return fmt::format("{} {}", AvroTypeName(n.type), n.full_name);
  return std::string(AvroTypeName(n.type));
}

void Append(Incompatibilities* out, Incompatibilities more) {
  out->insert(out->end(), std::make_move_iterator(more.begin()),
              std::make_move_iterator(more.end()));
}

class ReadChecker {
 public:
  Incompatibilities Check(const AvroNode& reader, const AvroNode& writer) {
    auto key = std::make_pair(&reader, &writer);
    if (auto it = memo_.find(key); it != memo_.end()) {
      // In progress: we are inside this very pair (a recursive schema). Assume compatible;
      // any real difference is found on the way down and reported there.
      return it->second.in_progress ? Incompatibilities() : it->second.result;
    }
    if (depth_ >= kMaxDepth) {
      return {Make("SCHEMAS_TOO_DEEP",
                   fmt::format("the schemas nest more than {} levels deep to compare", kMaxDepth))};
    }
    memo_[key] = Memo{true, {}};
    ++depth_;
    Incompatibilities result = Calculate(reader, writer);
    --depth_;
    memo_[key] = Memo{false, result};
    return result;
  }

 private:
  struct Memo {
    bool in_progress;
    Incompatibilities result;
  };

  // Pushes a path segment for the lifetime of the guard.
  class At {
   public:
    At(ReadChecker* c, std::string segment) : c_(c) { c_->path_.push_back(std::move(segment)); }
    ~At() { c_->path_.pop_back(); }
    At(const At&) = delete;
    At& operator=(const At&) = delete;

   private:
    ReadChecker* c_;
  };

  Incompatibility Make(std::string kind, std::string message) const {
    std::string path = "/";
    for (size_t i = 0; i < path_.size(); ++i) {
      if (i > 0) path += '/';
      path += path_[i];
    }
    return Incompatibility{std::move(kind), std::move(path), std::move(message)};
  }

  Incompatibilities Calculate(const AvroNode& r, const AvroNode& w) {
    if (r.type == w.type) return SameType(r, w);
    Incompatibilities out;
    if (w.type == AvroType::kUnion) {
      // Every branch the writer may have written must be readable.
      for (size_t i = 0; i < w.branches.size(); ++i) {
        At at(this, std::to_string(i));
        Append(&out, Check(r, *w.branches[i]));
      }
      return out;
    }
    if (r.type == AvroType::kUnion) {
      for (const AvroNode* branch : r.branches) {
        if (Check(*branch, w).empty()) return out;
      }
      out.push_back(
          Make("MISSING_UNION_BRANCH",
               fmt::format("reader union lacks a branch that reads writer type {}", Describe(w))));
      return out;
    }
    if (!IsPromotable(r.type, w.type)) {
      out.push_back(Make("TYPE_MISMATCH", fmt::format("reader type {} cannot read writer type {}",
                                                      Describe(r), Describe(w))));
    }
    return out;
  }

  Incompatibilities SameType(const AvroNode& r, const AvroNode& w) {
    Incompatibilities out;
    switch (r.type) {
      case AvroType::kArray: {
        At at(this, "items");
        return Check(*r.items, *w.items);
      }
      case AvroType::kMap: {
        At at(this, "values");
        return Check(*r.values, *w.values);
      }
      case AvroType::kFixed:
        Names(r, w, &out);
        Size(r, w, &out);
        return out;
      case AvroType::kEnum:
        Names(r, w, &out);
        Symbols(r, w, &out);
        return out;
      case AvroType::kRecord:
        Names(r, w, &out);
        Fields(r, w, &out);
        return out;
      case AvroType::kUnion:
        WriterUnion(r, w, &out);
        return out;
      default:  // the same primitive type
        return out;
    }
  }

  void WriterUnion(const AvroNode& r, const AvroNode& w, Incompatibilities* out) {
    for (size_t i = 0; i < w.branches.size(); ++i) {
      At at(this, std::to_string(i));
      if (!Check(r, *w.branches[i]).empty()) {
        out->push_back(Make("MISSING_UNION_BRANCH",
                            fmt::format("reader union lacks a branch that reads writer type {}",
                                        Describe(*w.branches[i]))));
      }
    }
  }

  // Named types match by unqualified name, or when a reader alias is the writer's full name.
  void Names(const AvroNode& r, const AvroNode& w, Incompatibilities* out) {
    if (r.name() == w.name()) return;
    if (std::find(r.aliases.begin(), r.aliases.end(), w.full_name) != r.aliases.end()) return;
    At at(this, "name");
    out->push_back(Make("NAME_MISMATCH",
                        fmt::format("reader {} \"{}\" does not match writer name \"{}\" (neither "
                                    "by name nor by alias)",
                                    AvroTypeName(r.type), r.full_name, w.full_name)));
  }

  void Size(const AvroNode& r, const AvroNode& w, Incompatibilities* out) {
    if (r.size == w.size) return;
    At at(this, "size");
    out->push_back(Make("FIXED_SIZE_MISMATCH",
                        fmt::format("reader fixed {} has size {}, writer fixed {} has size {}",
                                    r.full_name, r.size, w.full_name, w.size)));
  }

  void Symbols(const AvroNode& r, const AvroNode& w, Incompatibilities* out) {
    if (r.enum_default) return;  // unknown symbols read as the default
    std::vector<std::string> missing;
    for (const std::string& s : w.symbols) {
      if (std::find(r.symbols.begin(), r.symbols.end(), s) == r.symbols.end()) {
        missing.push_back(s);
      }
    }
    if (missing.empty()) return;
    std::sort(missing.begin(), missing.end());
    At at(this, "symbols");
    out->push_back(Make("MISSING_ENUM_SYMBOLS",
                        fmt::format("reader enum {} lacks writer symbols [{}] and has no default",
                                    r.full_name, fmt::join(missing, ", "))));
  }

  void Fields(const AvroNode& r, const AvroNode& w, Incompatibilities* out) {
    absl::flat_hash_map<std::string_view, const AvroField*> writer_fields;
    for (const AvroField& f : w.fields) writer_fields.emplace(f.name, &f);
    At at(this, "fields");
    for (const AvroField& rf : r.fields) {
      At at_field(this, std::to_string(rf.position));
      std::vector<const AvroField*> matches;
      auto add = [&](std::string_view name) {
        auto it = writer_fields.find(name);
        if (it != writer_fields.end() &&
            std::find(matches.begin(), matches.end(), it->second) == matches.end()) {
          matches.push_back(it->second);
        }
      };
      add(rf.name);
      for (const std::string& alias : rf.aliases) add(alias);
      if (matches.size() > 1) {
        std::vector<std::string_view> names;
        for (const AvroField* m : matches) names.push_back(m->name);
        out->push_back(Make("READER_FIELD_MATCHES_SEVERAL_WRITER_FIELDS",
                            fmt::format("reader field \"{}\" matches writer fields {} through its "
                                        "name and aliases",
                                        rf.name, fmt::join(names, ", "))));
      } else if (matches.empty()) {
        if (!rf.default_value) {
          out->push_back(Make("READER_FIELD_MISSING_DEFAULT_VALUE",
                              fmt::format("reader field \"{}\" has no default value and the "
                                          "writer record {} has no such field",
                                          rf.name, w.full_name)));
        }
      } else {
        At at_type(this, "type");
        Append(out, Check(*rf.type, *matches[0]->type));
      }
    }
  }

  absl::flat_hash_map<std::pair<const AvroNode*, const AvroNode*>, Memo> memo_;
  std::vector<std::string> path_;
  int depth_ = 0;
};

}  // namespace

std::vector<Incompatibility> CheckAvroReadCompatibility(const AvroSchema& reader,
                                                        const AvroSchema& writer) {
  return ReadChecker().Check(reader.root(), writer.root());
}

std::vector<Incompatibility> CheckAvroNodeReadCompatibility(const AvroNode& reader,
                                                            const AvroNode& writer) {
  return ReadChecker().Check(reader, writer);
}

CompatibilityReport CheckAvroCompatibility(CompatibilityLevel level, const AvroSchema& candidate,
                                           std::span<const AvroSchema* const> previous) {
  return CheckCompatibilityLevel(level, previous.size(),
                                 [&](size_t i, CheckDirection d) -> std::vector<Incompatibility> {
                                   return d == CheckDirection::kNewReadsOld
                                              ? CheckAvroReadCompatibility(candidate, *previous[i])
                                              : CheckAvroReadCompatibility(*previous[i], candidate);
                                 });
}

}  // namespace oxbow::registry
