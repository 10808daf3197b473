#include "sql/catalog.h"

#include <algorithm>

#include "fmt/format.h"
#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

std::string Describe(const CatalogObject& obj) {
  return fmt::format("{} {}", ObjectTypeName(obj.type), obj.name);
}

}  // namespace

Status WrongObjectType(std::string_view name, ObjectType wanted, ObjectType actual) {
  std::string_view hint;
  switch (actual) {
    case ObjectType::kTable:
      hint = "Use DROP TABLE to remove a table.";
      break;
    case ObjectType::kView:
      hint = "Use DROP VIEW to remove a view.";
      break;
    case ObjectType::kMaterializedView:
      hint = "Use DROP MATERIALIZED VIEW to remove a materialized view.";
      break;
  }
  return WithHint(SqlError(sqlstate::kWrongObjectType,
                           fmt::format("\"{}\" is not a {}", name, ObjectTypeName(wanted))),
                  hint);
}

Result<std::unique_ptr<Catalog>> Catalog::Open(std::unique_ptr<CatalogStore> store) {
  std::unique_ptr<Catalog> catalog(new Catalog(std::move(store)));
  RETURN_IF_ERROR(catalog->Replay());
  return catalog;
}

Status Catalog::Replay() {
  absl::MutexLock lock(&mu_);
  return store_->ReadAll([this](std::string_view key, std::optional<std::string_view> value) {
    mu_.AssertHeld();
    return ApplyRecord(key, value);
  });
}

Status Catalog::ApplyRecord(std::string_view key, std::optional<std::string_view> value) {
  ++version_;
  if (!value) {
    Erase(std::string(key));
    return absl::OkStatus();
  }
  Result<CatalogObject> obj = DecodeCatalogObject(*value);
  if (!obj.ok()) {
    return absl::DataLossError(
        fmt::format("catalog record \"{}\": {}", key, obj.status().message()));
  }
  if (obj->name != key) {
    return absl::DataLossError(
        fmt::format("catalog record \"{}\" holds the object \"{}\"", key, obj->name));
  }
  next_oid_ = std::max(next_oid_, obj->oid + 1);
  Erase(obj->name);
  Insert(std::make_shared<const CatalogObject>(std::move(*obj)));
  return absl::OkStatus();
}

void Catalog::Insert(CatalogObjectPtr object) {
  if (const ViewDefinition* v = object->view()) {
    for (const std::string& dep : v->dependencies) dependents_[dep].insert(object->name);
  }
  objects_[object->name] = std::move(object);
}

void Catalog::Erase(const std::string& name) {
  auto it = objects_.find(name);
  if (it == objects_.end()) return;
  if (const ViewDefinition* v = it->second->view()) {
    for (const std::string& dep : v->dependencies) {
      auto d = dependents_.find(dep);
      if (d == dependents_.end()) continue;
      d->second.erase(name);
      if (d->second.empty()) dependents_.erase(d);
    }
  }
  objects_.erase(it);
}

Result<CatalogObjectPtr> Catalog::Create(CatalogObject object) {
  absl::MutexLock lock(&mu_);
  if (objects_.contains(object.name)) {
    return SqlError(sqlstate::kDuplicateTable,
                    fmt::format("relation \"{}\" already exists", object.name));
  }
  if (const ViewDefinition* v = object.view()) {
    for (const std::string& dep : v->dependencies) {
      if (!objects_.contains(dep)) {
        return SqlError(sqlstate::kUndefinedTable,
                        fmt::format("relation \"{}\" does not exist", dep));
      }
    }
  }
  object.oid = next_oid_;
  CatalogRecord record{object.name, EncodeCatalogObject(object)};
  RETURN_IF_ERROR(store_->Append({&record, 1}));
  ++next_oid_;
  ++version_;
  auto stored = std::make_shared<const CatalogObject>(std::move(object));
  Insert(stored);
  return stored;
}

Status Catalog::CheckDropTarget(ObjectType type, const std::string& name, bool if_exists,
                                DropOutcome& outcome) const {
  auto it = objects_.find(name);
  if (it == objects_.end()) {
    std::string message = fmt::format("{} \"{}\" does not exist", ObjectTypeName(type), name);
    if (!if_exists) return SqlError(sqlstate::kUndefinedTable, message);
    outcome.notices.push_back({message + ", skipping", ""});
    return absl::OkStatus();
  }
  if (it->second->type != type) {
    return WrongObjectType(name, type, it->second->type);
  }
  return absl::OkStatus();
}

std::vector<std::string> Catalog::DependentClosure(const std::vector<std::string>& targets) const {
  std::vector<std::string> order;
  std::set<std::string> seen;
  // Depth-first, appending an object after everything that reads it: dependents first.
  auto visit = [&](auto& self, const std::string& name) -> void {
    if (!seen.insert(name).second) return;
    auto d = dependents_.find(name);
    if (d != dependents_.end()) {
      for (const std::string& dependent : d->second) self(self, dependent);
    }
    order.push_back(name);
  };
  for (const std::string& t : targets) visit(visit, t);
  return order;
}

Result<DropOutcome> Catalog::Drop(ObjectType type, const std::vector<std::string>& names,
                                  bool cascade, bool if_exists) {
  absl::MutexLock lock(&mu_);
  DropOutcome outcome;
  std::vector<std::string> targets;
  for (const std::string& name : names) {
    RETURN_IF_ERROR(CheckDropTarget(type, name, if_exists, outcome));
    if (objects_.contains(name) &&
        std::find(targets.begin(), targets.end(), name) == targets.end()) {
      targets.push_back(name);
    }
  }
  std::vector<std::string> order = DependentClosure(targets);
  std::vector<std::string> extra;  // dropped only because of CASCADE
  for (const std::string& name : order) {
    if (std::find(targets.begin(), targets.end(), name) == targets.end()) extra.push_back(name);
  }
  if (!extra.empty()) {
    // Listed nearest first, as PostgreSQL lists them (the reverse of the drop order).
    std::string detail;
    for (auto it = extra.rbegin(); it != extra.rend(); ++it) {
      const std::string& name = *it;
      const CatalogObject& obj = *objects_.at(name);
      if (!detail.empty()) detail += "\n";
      if (cascade) {
        detail += fmt::format("drop cascades to {}", Describe(obj));
        continue;
      }
      // Name one relation it reads that is being dropped, as PostgreSQL does.
      for (const std::string& dep : obj.view()->dependencies) {
        if (std::find(order.begin(), order.end(), dep) != order.end()) {
          detail += fmt::format("{} depends on {}", Describe(obj), Describe(*objects_.at(dep)));
          break;
        }
      }
    }
    if (!cascade) {
      std::string message =
          targets.size() == 1
              ? fmt::format("cannot drop {} because other objects depend on it",
                            Describe(*objects_.at(targets[0])))
              : "cannot drop desired object(s) because other objects depend on them";
      return WithHint(WithDetail(SqlError(sqlstate::kDependentObjectsStillExist, message), detail),
                      "Use DROP ... CASCADE to drop the dependent objects too.");
    }
    if (extra.size() == 1) {
      outcome.notices.push_back({detail, ""});
    } else {
      outcome.notices.push_back(
          {fmt::format("drop cascades to {} other objects", extra.size()), detail});
    }
  }
  if (order.empty()) return outcome;
  std::vector<CatalogRecord> records;
  for (const std::string& name : order) records.push_back(CatalogRecord{name, std::nullopt});
  RETURN_IF_ERROR(store_->Append(records));
  for (const std::string& name : order) {
    outcome.dropped.push_back(objects_.at(name));
    Erase(name);
    ++version_;
  }
  return outcome;
}

CatalogObjectPtr Catalog::Find(std::string_view name) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = objects_.find(name);
  return it == objects_.end() ? nullptr : it->second;
}

Result<CatalogObjectPtr> Catalog::Resolve(std::string_view name) const {
  CatalogObjectPtr obj = Find(name);
  if (obj == nullptr) {
    return SqlError(sqlstate::kUndefinedTable, fmt::format("relation \"{}\" does not exist", name));
  }
  return obj;
}

std::vector<CatalogObjectPtr> Catalog::List(ObjectType type) const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<CatalogObjectPtr> out;
  for (const auto& [name, obj] : objects_) {
    if (obj->type == type) out.push_back(obj);
  }
  return out;
}

std::vector<std::string> Catalog::Dependents(std::string_view name) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = dependents_.find(name);
  if (it == dependents_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

uint64_t Catalog::version() const {
  absl::ReaderMutexLock lock(&mu_);
  return version_;
}

}  // namespace oxbow::sql
