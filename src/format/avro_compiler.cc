// Compiles (writer schema, reader schema) into an AvroProgram: schema resolution done once.
#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "fmt/format.h"
#include "format/avro_json.h"
#include "format/avro_program_internal.h"
#include "registry/avro_compatibility.h"

namespace oxbow::format::internal {
namespace {

using registry::AvroField;
using registry::AvroNode;

// The compile walk follows schema pairs; recursion through records is memoized, so depth
// only grows with how deeply the schemas nest textually (bounded by the parser's JSON depth).
constexpr int kMaxCompileDepth = 1000;

// The least number of bytes a value of writer type `w` takes (0 for null and for records
// made only of such), capped so sums do not overflow.
uint32_t MinSize(const AvroNode& w, int depth = 0) {
  constexpr uint32_t kCap = 1u << 20;
  switch (w.type) {
    case AvroType::kNull:
      return 0;
    case AvroType::kFloat:
      return 4;
    case AvroType::kDouble:
      return 8;
    case AvroType::kFixed:
      return static_cast<uint32_t>(std::min<int64_t>(w.size, kCap));
    case AvroType::kRecord: {
      // A record cannot contain itself except through a union, array or map (each at least
      // one byte), so the depth cap only guards against absurd nesting.
      if (depth > 64) return 0;
      uint32_t sum = 0;
      for (const AvroField& f : w.fields) sum = std::min(kCap, sum + MinSize(*f.type, depth + 1));
      return sum;
    }
    default:
      return 1;
  }
}

bool SameName(const AvroNode& r, const AvroNode& w) {
  return r.name() == w.name() ||
         std::find(r.aliases.begin(), r.aliases.end(), w.full_name) != r.aliases.end();
}

class Compiler {
 public:
  explicit Compiler(AvroProgram* program) : p_(program) {}

  Result<Step> Compile(const AvroNode& r, const AvroNode& w) {
    if (depth_ >= kMaxCompileDepth) {
      return absl::InvalidArgumentError(
          fmt::format("schemas nest more than {} levels deep", kMaxCompileDepth));
    }
    ++depth_;
    Result<Step> step = CompileInner(r, w);
    --depth_;
    if (step.ok() && step->op != Op::kWriterUnion && step->op != Op::kReaderUnion) {
      step->logical = r.logical.type;
      step->scale = r.logical.scale;
    }
    return step;
  }

 private:
  Result<Step> CompileInner(const AvroNode& r, const AvroNode& w) {
    if (w.type == AvroType::kUnion) return WriterUnion(r, w);
    if (r.type == AvroType::kUnion) return ReaderUnion(r, w);
    if (r.type == w.type) return SameType(r, w);
    if (auto op = Promotion(r.type, w.type)) return Step{.op = *op};
    return Mismatch(r, w);
  }

  static std::optional<Op> Promotion(AvroType r, AvroType w) {
    using T = AvroType;
    if (w == T::kInt && r == T::kLong) return Op::kIntAsLong;
    if (w == T::kInt && r == T::kFloat) return Op::kIntAsFloat;
    if (w == T::kInt && r == T::kDouble) return Op::kIntAsDouble;
    if (w == T::kLong && r == T::kFloat) return Op::kLongAsFloat;
    if (w == T::kLong && r == T::kDouble) return Op::kLongAsDouble;
    if (w == T::kFloat && r == T::kDouble) return Op::kFloatAsDouble;
    if (w == T::kBytes && r == T::kString) return Op::kBytesAsString;
    if (w == T::kString && r == T::kBytes) return Op::kStringAsBytes;
    return std::nullopt;
  }

  static Status Mismatch(const AvroNode& r, const AvroNode& w) {
    return absl::InvalidArgumentError(fmt::format("reader type {} cannot read writer type {}",
                                                  registry::AvroTypeName(r.type),
                                                  registry::AvroTypeName(w.type)));
  }

  uint32_t AddStep(Step s) {
    p_->steps.push_back(s);
    return static_cast<uint32_t>(p_->steps.size() - 1);
  }

  Result<Step> SameType(const AvroNode& r, const AvroNode& w) {
    switch (r.type) {
      case AvroType::kNull:
        return Step{.op = Op::kNull};
      case AvroType::kBoolean:
        return Step{.op = Op::kBoolean};
      case AvroType::kInt:
        return Step{.op = Op::kInt};
      case AvroType::kLong:
        return Step{.op = Op::kLong};
      case AvroType::kFloat:
        return Step{.op = Op::kFloat};
      case AvroType::kDouble:
        return Step{.op = Op::kDouble};
      case AvroType::kBytes:
        return Step{.op = Op::kBytes};
      case AvroType::kString:
        return Step{.op = Op::kString};
      case AvroType::kFixed:
        if (!SameName(r, w) || r.size != w.size) return Mismatch(r, w);
        return Step{.op = Op::kFixed, .arg = static_cast<uint32_t>(r.size)};
      case AvroType::kEnum:
        return Enum(r, w);
      case AvroType::kRecord:
        return Record(r, w);
      case AvroType::kArray: {
        ASSIGN_OR_RETURN(Step item, Compile(*r.items, *w.items));
        return Step{.op = Op::kArray, .arg = MinSize(*w.items), .child = AddStep(item)};
      }
      case AvroType::kMap: {
        ASSIGN_OR_RETURN(Step value, Compile(*r.values, *w.values));
        return Step{.op = Op::kMap, .child = AddStep(value)};
      }
      case AvroType::kUnion:
        break;
    }
    return Mismatch(r, w);
  }

  Result<Step> Enum(const AvroNode& r, const AvroNode& w) {
    if (!SameName(r, w)) return Mismatch(r, w);
    EnumProgram e;
    e.writer_symbols = w.symbols.size();
    e.reader_symbols = r.symbols;
    int32_t fallback = -1;
    if (r.enum_default) {
      auto it = std::find(r.symbols.begin(), r.symbols.end(), *r.enum_default);
      if (it != r.symbols.end()) fallback = static_cast<int32_t>(it - r.symbols.begin());
    }
    for (const std::string& s : w.symbols) {
      auto it = std::find(r.symbols.begin(), r.symbols.end(), s);
      int32_t index =
          it == r.symbols.end() ? fallback : static_cast<int32_t>(it - r.symbols.begin());
      if (index < 0) {
        return absl::InvalidArgumentError(fmt::format(
            "reader enum {} lacks writer symbol {} and has no default", r.full_name, s));
      }
      e.reader_index.push_back(index);
    }
    p_->enums.push_back(std::move(e));
    return Step{.op = Op::kEnum, .arg = static_cast<uint32_t>(p_->enums.size() - 1)};
  }

  Result<Step> Record(const AvroNode& r, const AvroNode& w) {
    if (!SameName(r, w)) return Mismatch(r, w);
    auto key = std::make_pair(&r, &w);
    if (auto it = records_.find(key); it != records_.end()) {
      return Step{.op = Op::kRecord, .arg = it->second};
    }
    // Registered before the fields are compiled, so a recursive reference finds it.
    uint32_t index = static_cast<uint32_t>(p_->records.size());
    p_->records.emplace_back();
    records_[key] = index;

    RecordProgram rec;
    rec.num_fields = static_cast<uint32_t>(r.fields.size());
    std::vector<bool> filled(r.fields.size(), false);
    for (const AvroField& wf : w.fields) {
      const AvroField* rf = ReaderFieldFor(r, wf);
      FieldAction a;
      if (rf == nullptr) {
        ASSIGN_OR_RETURN(Step skip, Compile(*wf.type, *wf.type));
        a.step = Step{.op = Op::kSkip, .child = AddStep(skip)};
        a.name = fmt::format("{}(skipped)", wf.name);
      } else {
        ASSIGN_OR_RETURN(a.step, Compile(*rf->type, *wf.type));
        a.target = static_cast<uint32_t>(rf->position);
        a.name = rf->name;
        filled[rf->position] = true;
      }
      rec.actions.push_back(std::move(a));
    }
    for (const AvroField& rf : r.fields) {
      if (filled[rf.position]) continue;
      if (!rf.default_value) {
        return absl::InvalidArgumentError(
            fmt::format("reader field \"{}\" has no default value and the writer record {} has "
                        "no such field",
                        rf.name, w.full_name));
      }
      ASSIGN_OR_RETURN(AvroValue value, AvroValueFromDefault(*rf.default_value, *rf.type));
      p_->defaults.push_back(std::move(value));
      FieldAction a;
      a.step = Step{.op = Op::kDefault, .arg = static_cast<uint32_t>(p_->defaults.size() - 1)};
      a.target = static_cast<uint32_t>(rf.position);
      a.name = rf.name;
      rec.actions.push_back(std::move(a));
    }
    p_->records[index] = std::move(rec);
    return Step{.op = Op::kRecord, .arg = index};
  }

  // The reader field that takes writer field `wf`: the one of the same name, else one with
  // `wf`'s name as an alias.
  static const AvroField* ReaderFieldFor(const AvroNode& r, const AvroField& wf) {
    if (const AvroField* f = r.FindField(wf.name)) return f;
    for (const AvroField& f : r.fields) {
      if (std::find(f.aliases.begin(), f.aliases.end(), wf.name) != f.aliases.end()) return &f;
    }
    return nullptr;
  }

  // The reader union branch that reads writer type `w`: the first of the same type (with the
  // same full name, then the same name or alias, for named types), else the first that `w`
  // promotes to; -1 when none can read it.
  static int PickBranch(const AvroNode& r, const AvroNode& w) {
    auto readable = [&](const AvroNode& b) {
      return registry::CheckAvroNodeReadCompatibility(b, w).empty();
    };
    if (registry::IsNamedAvroType(w.type)) {
      for (size_t i = 0; i < r.branches.size(); ++i) {
        const AvroNode& b = *r.branches[i];
        if (b.type == w.type && b.full_name == w.full_name && readable(b))
          return static_cast<int>(i);
      }
    }
    for (size_t i = 0; i < r.branches.size(); ++i) {
      const AvroNode& b = *r.branches[i];
      if (b.type == w.type && readable(b)) return static_cast<int>(i);
    }
    for (size_t i = 0; i < r.branches.size(); ++i) {
      if (readable(*r.branches[i])) return static_cast<int>(i);
    }
    return -1;
  }

  Result<Step> ReaderUnion(const AvroNode& r, const AvroNode& w) {
    int b = PickBranch(r, w);
    if (b < 0) {
      return absl::InvalidArgumentError(fmt::format(
          "reader union lacks a branch that reads writer type {}", registry::AvroTypeName(w.type)));
    }
    ASSIGN_OR_RETURN(Step inner, Compile(*r.branches[b], w));
    return Step{.op = Op::kReaderUnion, .arg = static_cast<uint32_t>(b), .child = AddStep(inner)};
  }

  Result<Step> WriterUnion(const AvroNode& r, const AvroNode& w) {
    std::vector<UnionBranchProgram> branches;
    for (const AvroNode* wb : w.branches) {
      UnionBranchProgram bp;
      std::optional<Step> step;
      if (r.type == AvroType::kUnion) {
        bp.reader_branch = PickBranch(r, *wb);
        if (bp.reader_branch >= 0) {
          Result<Step> s = Compile(*r.branches[bp.reader_branch], *wb);
          if (s.ok()) step = *s;
        }
      } else if (registry::CheckAvroNodeReadCompatibility(r, *wb).empty()) {
        Result<Step> s = Compile(r, *wb);
        if (s.ok()) step = *s;
      }
      if (!step) {
        // Data written with this branch cannot be read: an error when (if) it is met.
        p_->messages.push_back(fmt::format(
            "the writer's union branch {} cannot be read by the reader schema",
            registry::IsNamedAvroType(wb->type) ? wb->full_name
                                                : std::string(registry::AvroTypeName(wb->type))));
        step = Step{.op = Op::kFail, .arg = static_cast<uint32_t>(p_->messages.size() - 1)};
      }
      bp.step = AddStep(*step);
      branches.push_back(bp);
    }
    p_->unions.push_back(std::move(branches));
    return Step{.op = Op::kWriterUnion, .arg = static_cast<uint32_t>(p_->unions.size() - 1)};
  }

  AvroProgram* p_;
  absl::flat_hash_map<std::pair<const AvroNode*, const AvroNode*>, uint32_t> records_;
  int depth_ = 0;
};

}  // namespace

Result<std::unique_ptr<AvroProgram>> CompileAvroProgram(const registry::AvroNode& writer,
                                                        const registry::AvroNode& reader,
                                                        AvroDecodeLimits limits) {
  auto program = std::make_unique<AvroProgram>();
  program->limits = limits;
  ASSIGN_OR_RETURN(program->root, Compiler(program.get()).Compile(reader, writer));
  return program;
}

}  // namespace oxbow::format::internal
