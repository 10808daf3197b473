// The catalog: every table, view and materialized view, by name (one namespace, as
// PostgreSQL's relations), with the dependencies between them, durable in a CatalogStore
// (the `__oxbow_catalog` topic in a server) and rebuilt from it on start.
//
// Rules:
// - Names are unique across kinds: creating a taken name is 42P07 `relation "x" already
//   exists`.
// - A view may only read relations that exist (42P01 `relation "x" does not exist`).
// - Dropping an object others depend on is 2BP01 `cannot drop table t because other objects
//   depend on it` (detail: the dependents, hint: CASCADE) unless CASCADE, which drops the
//   dependents too, transitively. Objects dropped by one statement are removed together.
// - Changes are applied in memory only after the store has made them durable; a failed
//   append changes nothing.
//
// Versions: every applied change increments version(), so components (planners, pgwire's
// pg_catalog) can tell that what they derived may be stale. The counter restarts at the
// number of replayed records when the catalog is opened; compare versions only within one
// process.
//
// Thread safety: all methods may be called from any thread. Writes are serialized (and hold
// the lock while the store appends); readers get immutable snapshots of objects
// (shared_ptr<const CatalogObject>) and never see a half-applied change.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/status.h"
#include "sql/catalog_object.h"
#include "sql/catalog_store.h"

namespace oxbow::sql {

using CatalogObjectPtr = std::shared_ptr<const CatalogObject>;

// What a DROP did, in the order objects were removed (dependents first), and the notices
// PostgreSQL would send (IF EXISTS skips, CASCADE summaries).
struct DropOutcome {
  std::vector<CatalogObjectPtr> dropped;
  struct Notice {
    std::string message;
    std::string detail;
  };
  std::vector<Notice> notices;
};

// 42809 `"x" is not a table` for a statement that wanted `wanted` but found `actual`, with
// PostgreSQL's hint naming the DROP for what it is ("Use DROP VIEW to remove a view.").
Status WrongObjectType(std::string_view name, ObjectType wanted, ObjectType actual);

class Catalog {
 public:
  // Rebuilds the catalog by replaying `store`. DataLoss when a record is not a catalog
  // object (the message names its key); the store's errors as they are.
  static Result<std::unique_ptr<Catalog>> Open(std::unique_ptr<CatalogStore> store);

  // Adds a table or view. The object's oid is assigned here (the one passed is ignored);
  // returns the stored object. 42P07 if the name is taken; for views 42P01 if a dependency
  // does not exist. Store errors as they are (nothing changed).
  Result<CatalogObjectPtr> Create(CatalogObject object);

  // Drops `names` (all of `type`) and, with `cascade`, everything depending on them.
  // Errors: 42P01 `table "x" does not exist` (a notice instead with `if_exists`), 42809
  // `"x" is not a table` (with a hint naming the right DROP), 2BP01 when dependents exist
  // and `cascade` is false. All-or-nothing: one store append for every object dropped.
  Result<DropOutcome> Drop(ObjectType type, const std::vector<std::string>& names, bool cascade,
                           bool if_exists);

  // The object named `name`, or null.
  CatalogObjectPtr Find(std::string_view name) const;
  // Like Find, but 42P01 `relation "x" does not exist` when missing.
  Result<CatalogObjectPtr> Resolve(std::string_view name) const;
  // Objects of `type`, sorted by name.
  std::vector<CatalogObjectPtr> List(ObjectType type) const;
  // Names of the objects that read `name` directly, sorted.
  std::vector<std::string> Dependents(std::string_view name) const;

  uint64_t version() const;

 private:
  explicit Catalog(std::unique_ptr<CatalogStore> store) : store_(std::move(store)) {}

  Status Replay();
  Status ApplyRecord(std::string_view key, std::optional<std::string_view> value)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Insert(CatalogObjectPtr object) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Erase(const std::string& name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Status CheckDropTarget(ObjectType type, const std::string& name, bool if_exists,
                         DropOutcome& outcome) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The dependents of `targets` not among them, transitively, dependents before what they
  // depend on.
  std::vector<std::string> DependentClosure(const std::vector<std::string>& targets) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  const std::unique_ptr<CatalogStore> store_;
  mutable absl::Mutex mu_;
  std::map<std::string, CatalogObjectPtr, std::less<>> objects_ ABSL_GUARDED_BY(mu_);
  // name → names of views reading it.
  std::map<std::string, std::set<std::string>, std::less<>> dependents_ ABSL_GUARDED_BY(mu_);
  uint32_t next_oid_ ABSL_GUARDED_BY(mu_) = kFirstOid;
  uint64_t version_ ABSL_GUARDED_BY(mu_) = 0;

  static constexpr uint32_t kFirstOid = 16384;
};

}  // namespace oxbow::sql
