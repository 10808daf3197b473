// The virtual tables of pg_catalog and information_schema. Each table is a definition (its
// columns, written compactly as "name:code") and a function that produces its rows from a
// Snapshot: every relation pg_class lists (the system tables themselves, then the catalog's
// tables, views and materialized views) with its columns and primary key.
#include "sql/system_catalog.h"

#include <functional>
#include <map>

#include "fmt/format.h"
#include "sql/types/array.h"

namespace oxbow::sql {
namespace {

constexpr int64_t kIndexOffset = 0x40000000;       // a primary key's index oid: table + this
constexpr int64_t kConstraintOffset = 0x60000000;  // its constraint's oid
constexpr int64_t kHeapAmOid = 2;
constexpr int64_t kBtreeAmOid = 403;
constexpr int64_t kDefaultCollationOid = 100;

struct Rel;
struct Snapshot;
using RowsFn = std::function<std::vector<std::vector<Value>>(const Snapshot&)>;

// A system table's definition.
struct SysDef {
  std::string_view schema;
  std::string_view name;
  int64_t oid;
  char kind;  // 'r' (pg_catalog tables) or 'v' (views)
  std::vector<PlanColumn> columns;
  RowsFn rows;
};

// A relation as pg_class shows it.
struct Rel {
  int64_t oid = 0;
  int64_t ns = kPublicNamespaceOid;
  std::string name;
  char kind = 'r';
  std::vector<CatalogColumn> columns;
  std::vector<std::string> primary_key;  // column names
  std::string view_query;
};

struct Snapshot {
  std::vector<Rel> rels;
  std::string database;
};

Type TypeOfCode(std::string_view code) {
  if (code == "o" || code == "l") return Type::Int64();
  if (code == "t") return Type::Text();
  if (code == "b") return Type::Bool();
  if (code == "h") return Type::Int16();
  if (code == "i") return Type::Int32();
  if (code == "f") return Type::Float32();
  if (code == "O") return Type::ArrayOf(Type::Int64());  // oid[]
  if (code == "T") return Type::ArrayOf(Type::Text());   // name[], "char"[]
  if (code == "H") return Type::ArrayOf(Type::Int16());  // int2[]
  if (code == "V") return Type::Int2Vector();
  return Type::Text();
}

// "oid:o relname:t …" → columns (o oid as bigint, t text, b bool, h int2, i int4, f float4;
// O oid[], T text[], H int2[], V int2vector).
std::vector<PlanColumn> Cols(std::string_view spec) {
  std::vector<PlanColumn> out;
  size_t i = 0;
  while (i < spec.size()) {
    while (i < spec.size() && spec[i] == ' ') ++i;
    size_t end = spec.find(' ', i);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view item = spec.substr(i, end - i);
    i = end;
    if (item.empty()) continue;
    size_t colon = item.find(':');
    out.push_back(
        PlanColumn{std::string(item.substr(0, colon)), TypeOfCode(item.substr(colon + 1)), true});
  }
  return out;
}

Value O(int64_t v) { return Value::Int64(v); }
Value T(std::string_view v) { return Value::Text(std::string(v)); }
Value B(bool v) { return Value::Bool(v); }
Value H(int64_t v) { return Value::Int16(static_cast<int16_t>(v)); }
Value I(int64_t v) { return Value::Int32(static_cast<int32_t>(v)); }
Value Int2Vector(const std::vector<int>& v) {
  std::vector<Value> elements;
  for (int x : v) elements.push_back(Value::Int16(static_cast<int16_t>(x)));
  return Value::String(Type::Int2Vector(), MakeArrayValue(Type::Int16(), elements).string_value());
}
Value NullT() { return Value::Null(Type::Text()); }
Value NullI() { return Value::Null(Type::Int32()); }

std::string_view NamespaceName(int64_t oid) {
  if (oid == kPgCatalogNamespaceOid) return "pg_catalog";
  if (oid == kInformationSchemaNamespaceOid) return "information_schema";
  return "public";
}

// The types pg_type lists: Oxbow's, then those the catalog's own columns use.
struct TypeRow {
  int64_t oid;
  std::string_view name;  // typname
  std::string_view display;
  int len;
  bool byval;
  char category;
  bool preferred;
  char align;
  char storage;
  int64_t collation;
};

const std::vector<TypeRow>& Types() {
  static const std::vector<TypeRow> types = [] {
    std::vector<TypeRow> t;
    for (TypeId id : {TypeId::kBool, TypeId::kInt16, TypeId::kInt32, TypeId::kInt64,
                      TypeId::kFloat32, TypeId::kFloat64, TypeId::kNumeric, TypeId::kText,
                      TypeId::kVarchar, TypeId::kBytea, TypeId::kDate, TypeId::kTimestamp,
                      TypeId::kTimestampTz, TypeId::kInterval, TypeId::kJsonb}) {
      Type type(id);
      int len = type.wire_size();
      bool byval = len > 0 && len <= 8;
      char align = len == 1 ? 'c' : len == 2 ? 's' : len == 4 ? 'i' : len == 8 ? 'd' : 'i';
      if (id == TypeId::kInterval || id == TypeId::kNumeric)
        align = id == TypeId::kNumeric ? 'i' : 'd';
      if (id == TypeId::kInterval) byval = false;
      bool text = id == TypeId::kText || id == TypeId::kVarchar;
      t.push_back(TypeRow{type.oid(), type.internal_name(), "", len, byval,
                          static_cast<char>(type.category()), type.is_preferred(), align,
                          len > 0 ? 'p' : 'x', text ? kDefaultCollationOid : 0});
    }
    t.push_back(TypeRow{18, "char", "\"char\"", 1, true, 'Z', false, 'c', 'p', 0});
    t.push_back(TypeRow{19, "name", "name", 64, false, 'S', false, 'c', 'p', 950});
    t.push_back(TypeRow{22, "int2vector", "int2vector", -1, false, 'A', false, 'i', 'p', 0});
    t.push_back(TypeRow{24, "regproc", "regproc", 4, true, 'N', false, 'i', 'p', 0});
    t.push_back(TypeRow{26, "oid", "oid", 4, true, 'N', true, 'i', 'p', 0});
    t.push_back(TypeRow{2205, "regclass", "regclass", 4, true, 'N', false, 'i', 'p', 0});
    t.push_back(TypeRow{2206, "regtype", "regtype", 4, true, 'N', false, 'i', 'p', 0});
    return t;
  }();
  return types;
}

std::string TypeDisplayName(const TypeRow& t) {
  if (!t.display.empty()) return std::string(t.display);
  std::optional<Type> type = TypeFromOid(static_cast<uint32_t>(t.oid));
  return type ? type->ToString() : std::string(t.name);
}

const SysDef* FindDef(std::string_view schema, std::string_view name);
const std::vector<SysDef>& Defs();

Snapshot TakeSnapshot(const Catalog& catalog, std::string_view database) {
  Snapshot s;
  s.database = std::string(database);
  for (const SysDef& d : Defs()) {
    Rel r;
    r.oid = d.oid;
    r.ns = d.schema == "pg_catalog" ? kPgCatalogNamespaceOid : kInformationSchemaNamespaceOid;
    r.name = std::string(d.name);
    r.kind = d.kind;
    for (const PlanColumn& c : d.columns) r.columns.push_back(CatalogColumn{c.name, c.type});
    s.rels.push_back(std::move(r));
  }
  for (ObjectType type : {ObjectType::kTable, ObjectType::kView, ObjectType::kMaterializedView}) {
    for (const CatalogObjectPtr& o : catalog.List(type)) {
      Rel r;
      r.oid = o->oid;
      r.name = o->name;
      if (const TableDefinition* t = o->table()) {
        r.kind = 'r';
        r.columns = t->columns;
        r.primary_key = t->primary_key;
      } else {
        r.kind = type == ObjectType::kView ? 'v' : 'm';
        r.columns = o->view()->columns;
        r.view_query = o->view()->query;
      }
      s.rels.push_back(std::move(r));
    }
  }
  return s;
}

bool IsUserRel(const Rel& r) { return r.ns == kPublicNamespaceOid; }

std::string PkName(const Rel& r) { return fmt::format("{}_pkey", r.name); }

// 1-based attnums of the primary key's columns.
std::vector<int> PkAttnums(const Rel& r) {
  std::vector<int> out;
  for (const std::string& k : r.primary_key) {
    for (size_t i = 0; i < r.columns.size(); ++i) {
      if (r.columns[i].name == k) out.push_back(static_cast<int>(i + 1));
    }
  }
  return out;
}

std::string Joined(const std::vector<int>& v, std::string_view sep) {
  std::string out;
  for (int x : v) out = out.empty() ? fmt::format("{}", x) : fmt::format("{}{}{}", out, sep, x);
  return out;
}

std::string QuoteIdent(std::string_view name) {
  bool plain = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
  for (char c : name)
    plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (plain) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += c;
  }
  out += '"';
  return out;
}

std::string PkColumnList(const Rel& r) {
  std::string out;
  for (const std::string& k : r.primary_key) {
    out = out.empty() ? QuoteIdent(k) : fmt::format("{}, {}", out, QuoteIdent(k));
  }
  return out;
}

const TypeRow* FindType(int64_t oid) {
  for (const TypeRow& t : Types()) {
    if (t.oid == oid) return &t;
  }
  return nullptr;
}

using Rows = std::vector<std::vector<Value>>;

Rows PgNamespace(const Snapshot&) {
  Rows rows;
  for (int64_t oid :
       {kPgCatalogNamespaceOid, kPublicNamespaceOid, kInformationSchemaNamespaceOid}) {
    rows.push_back({O(oid), T(NamespaceName(oid)), O(kOwnerRoleOid), NullT()});
  }
  return rows;
}

Rows PgClass(const Snapshot& s) {
  Rows rows;
  for (const Rel& r : s.rels) {
    bool heap = r.kind == 'r' || r.kind == 'm';
    rows.push_back({O(r.oid),
                    T(r.name),
                    O(r.ns),
                    O(0),
                    O(0),
                    O(kOwnerRoleOid),
                    O(heap ? kHeapAmOid : 0),
                    O(0),
                    O(0),
                    I(0),
                    Value::Float32(-1),
                    I(0),
                    O(0),
                    B(!r.primary_key.empty()),
                    B(false),
                    T("p"),
                    T(std::string(1, r.kind)),
                    H(static_cast<int64_t>(r.columns.size())),
                    H(0),
                    B(false),
                    B(false),
                    B(false),
                    B(false),
                    B(false),
                    B(true),
                    T("d"),
                    B(false),
                    O(0),
                    NullT(),
                    NullT(),
                    NullT()});
    if (!r.primary_key.empty()) {
      rows.push_back({O(r.oid + kIndexOffset),
                      T(PkName(r)),
                      O(r.ns),
                      O(0),
                      O(0),
                      O(kOwnerRoleOid),
                      O(kBtreeAmOid),
                      O(0),
                      O(0),
                      I(1),  // an empty btree: its metapage, and no tuples counted yet
                      Value::Float32(0),
                      I(0),
                      O(0),
                      B(false),
                      B(false),
                      T("p"),
                      T("i"),
                      H(static_cast<int64_t>(r.primary_key.size())),
                      H(0),
                      B(false),
                      B(false),
                      B(false),
                      B(false),
                      B(false),
                      B(true),
                      T("n"),
                      B(false),
                      O(0),
                      NullT(),
                      NullT(),
                      NullT()});
    }
  }
  return rows;
}

Rows PgAttribute(const Snapshot& s) {
  Rows rows;
  for (const Rel& r : s.rels) {
    for (size_t i = 0; i < r.columns.size(); ++i) {
      const CatalogColumn& c = r.columns[i];
      int len = c.type.wire_size();
      const TypeRow* t = FindType(c.type.oid());
      rows.push_back({O(r.oid),
                      T(c.name),
                      O(c.type.oid()),
                      I(-1),
                      H(len),
                      H(static_cast<int64_t>(i + 1)),
                      I(0),
                      I(-1),
                      I(c.type.typmod()),
                      B(t ? t->byval : false),
                      T(std::string(1, t ? t->align : 'i')),
                      T(len > 0 ? "p" : "x"),
                      T(""),
                      B(c.not_null && r.kind == 'r'),  // views have no NOT NULL constraints
                      B(false),
                      B(false),
                      T(""),
                      T(""),
                      B(false),
                      B(true),
                      I(0),
                      O(t ? t->collation : 0),
                      NullT(),
                      NullT(),
                      NullT()});
    }
  }
  return rows;
}

Rows PgType(const Snapshot&) {
  Rows rows;
  for (const TypeRow& t : Types()) {
    rows.push_back({O(t.oid),
                    T(t.name),
                    O(kPgCatalogNamespaceOid),
                    O(kOwnerRoleOid),
                    H(t.len),
                    B(t.byval),
                    T("b"),
                    T(std::string(1, t.category)),
                    B(t.preferred),
                    B(true),
                    T(","),
                    O(0),
                    O(0),
                    O(0),
                    T(fmt::format("{}in", t.name)),
                    T(fmt::format("{}out", t.name)),
                    T(std::string(1, t.align)),
                    T(std::string(1, t.storage)),
                    B(false),
                    O(0),
                    I(-1),
                    I(0),
                    O(t.collation),
                    NullT(),
                    NullT(),
                    NullT()});
  }
  return rows;
}

Rows PgIndex(const Snapshot& s) {
  Rows rows;
  for (const Rel& r : s.rels) {
    if (r.primary_key.empty()) continue;
    std::vector<int> keys = PkAttnums(r);
    std::string zeros;
    for (size_t i = 0; i < keys.size(); ++i) zeros += i ? " 0" : "0";
    rows.push_back({O(r.oid + kIndexOffset),
                    O(r.oid),
                    H(static_cast<int64_t>(keys.size())),
                    H(static_cast<int64_t>(keys.size())),
                    B(true),
                    B(false),
                    B(true),
                    B(false),
                    B(true),
                    B(false),
                    B(true),
                    B(false),
                    B(true),
                    B(true),
                    B(false),
                    Int2Vector(keys),
                    T(zeros),
                    T(zeros),
                    Int2Vector(std::vector<int>(keys.size(), 0)),
                    NullT(),
                    NullT()});
  }
  return rows;
}

Rows PgConstraint(const Snapshot& s) {
  Rows rows;
  for (const Rel& r : s.rels) {
    if (r.primary_key.empty()) continue;
    rows.push_back({O(r.oid + kConstraintOffset),
                    T(PkName(r)),
                    O(r.ns),
                    T("p"),
                    B(false),
                    B(false),
                    B(true),
                    O(r.oid),
                    O(0),
                    O(r.oid + kIndexOffset),
                    O(0),
                    O(0),
                    T(" "),
                    T(" "),
                    T(" "),
                    B(true),
                    I(0),
                    B(true),
                    T(fmt::format("{{{}}}", Joined(PkAttnums(r), ","))),
                    NullT(),
                    NullT()});
  }
  return rows;
}

Rows PgAm(const Snapshot&) {
  return {{O(kHeapAmOid), T("heap"), T("heap_tableam_handler"), T("t")},
          {O(kBtreeAmOid), T("btree"), T("bthandler"), T("i")}};
}

Rows PgCollation(const Snapshot&) {
  return {{O(kDefaultCollationOid), T("default"), O(kPgCatalogNamespaceOid), O(kOwnerRoleOid),
           T("d"), B(true), I(-1), NullT(), NullT()},
          {O(950), T("C"), O(kPgCatalogNamespaceOid), O(kOwnerRoleOid), T("c"), B(true), I(-1),
           T("C"), T("C")}};
}

Rows PgRoles(const Snapshot&) {
  return {{T(kOwnerRoleName), B(true), B(true), B(true), B(true), B(true), B(false), I(-1),
           T("********"), NullT(), B(false), NullT(), O(kOwnerRoleOid)}};
}

Rows PgUser(const Snapshot&) {
  return {{T(kOwnerRoleName), O(kOwnerRoleOid), B(true), B(true), B(false), B(false), T("********"),
           NullT(), NullT()}};
}

Rows PgDatabase(const Snapshot& s) {
  return {{O(5), T(s.database), O(kOwnerRoleOid), I(6), T("c"), B(false), B(true), I(-1), O(0),
           T("C"), T("C"), NullT(), NullT()}};
}

Rows PgTables(const Snapshot& s) {
  Rows rows;
  for (const Rel& r : s.rels) {
    if (r.kind != 'r') continue;
    rows.push_back({T(NamespaceName(r.ns)), T(r.name), T(kOwnerRoleName), NullT(),
                    B(!r.primary_key.empty()), B(false), B(false), B(false)});
  }
  return rows;
}

Rows PgViews(const Snapshot& s) {
  Rows rows;
  for (const Rel& r : s.rels) {
    if (r.kind != 'v') continue;
    rows.push_back({T(NamespaceName(r.ns)), T(r.name), T(kOwnerRoleName),
                    r.view_query.empty() ? NullT() : T(r.view_query)});
  }
  return rows;
}

Rows PgMatviews(const Snapshot& s) {
  Rows rows;
  for (const Rel& r : s.rels) {
    if (r.kind != 'm') continue;
    rows.push_back({T(NamespaceName(r.ns)), T(r.name), T(kOwnerRoleName), NullT(), B(false),
                    B(true), T(r.view_query)});
  }
  return rows;
}

Rows Empty(const Snapshot&) { return {}; }

// information_schema.

std::string TableType(const Rel& r) {
  // Materialized views too (PostgreSQL leaves them out; they are what Oxbow is for).
  return r.kind == 'r' ? "BASE TABLE" : "VIEW";
}

Rows IsTables(const Snapshot& s) {
  Rows rows;
  for (const Rel& r : s.rels) {
    if (r.kind == 'i') continue;
    rows.push_back({T(s.database), T(NamespaceName(r.ns)), T(r.name), T(TableType(r)), NullT(),
                    NullT(), NullT(), NullT(), NullT(),
                    T(r.kind == 'r' && IsUserRel(r) ? "YES" : "NO"), T("NO"), NullT()});
  }
  return rows;
}

// information_schema.columns.data_type: the type's name without modifiers.
std::string DataType(const Type& t) { return t.WithoutTypmod().ToString(); }

Rows IsColumns(const Snapshot& s) {
  Rows rows;
  for (const Rel& r : s.rels) {
    for (size_t i = 0; i < r.columns.size(); ++i) {
      const CatalogColumn& c = r.columns[i];
      const Type& t = c.type;
      Value char_len = NullI(), octet_len = NullI(), precision = NullI(), radix = NullI(),
            scale = NullI(), dt_precision = NullI();
      switch (t.id()) {
        case TypeId::kVarchar:
          if (t.has_typmod()) {
            char_len = I(t.max_length());
            octet_len = I(t.max_length() * 4);
          } else {
            octet_len = I(1073741824);
          }
          break;
        case TypeId::kText:
          octet_len = I(1073741824);
          break;
        case TypeId::kInt16:
          precision = I(16), radix = I(2), scale = I(0);
          break;
        case TypeId::kInt32:
          precision = I(32), radix = I(2), scale = I(0);
          break;
        case TypeId::kInt64:
          precision = I(64), radix = I(2), scale = I(0);
          break;
        case TypeId::kFloat32:
          precision = I(24), radix = I(2);
          break;
        case TypeId::kFloat64:
          precision = I(53), radix = I(2);
          break;
        case TypeId::kNumeric:
          radix = I(10);
          if (t.has_typmod()) precision = I(t.precision()), scale = I(t.scale());
          break;
        case TypeId::kDate:
          dt_precision = I(0);
          break;
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz:
        case TypeId::kInterval:
          dt_precision = I(6);
          break;
        default:
          break;
      }
      bool updatable = r.kind == 'r' && IsUserRel(r);
      rows.push_back({T(s.database),
                      T(NamespaceName(r.ns)),
                      T(r.name),
                      T(c.name),
                      I(static_cast<int64_t>(i + 1)),
                      NullT(),
                      T(c.not_null ? "NO" : "YES"),
                      T(DataType(t)),
                      char_len,
                      octet_len,
                      precision,
                      radix,
                      scale,
                      dt_precision,
                      NullT(),
                      NullI(),
                      NullT(),
                      NullT(),
                      NullT(),
                      NullT(),
                      NullT(),
                      NullT(),
                      NullT(),
                      NullT(),
                      NullT(),
                      T(s.database),
                      T("pg_catalog"),
                      T(t.internal_name()),
                      NullT(),
                      NullT(),
                      NullT(),
                      NullI(),
                      T(std::to_string(i + 1)),
                      T("NO"),
                      T("NO"),
                      NullT(),
                      NullT(),
                      NullT(),
                      NullT(),
                      NullT(),
                      T("NO"),
                      T("NEVER"),
                      NullT(),
                      T(updatable ? "YES" : "NO")});
    }
  }
  return rows;
}

Rows IsSchemata(const Snapshot& s) {
  Rows rows;
  for (int64_t oid :
       {kPgCatalogNamespaceOid, kPublicNamespaceOid, kInformationSchemaNamespaceOid}) {
    rows.push_back({T(s.database), T(NamespaceName(oid)), T(kOwnerRoleName), NullT(), NullT(),
                    NullT(), NullT()});
  }
  return rows;
}

Rows IsViews(const Snapshot& s) {
  Rows rows;
  for (const Rel& r : s.rels) {
    if (r.kind != 'v' && r.kind != 'm') continue;
    rows.push_back({T(s.database), T(NamespaceName(r.ns)), T(r.name),
                    r.view_query.empty() ? NullT() : T(r.view_query), T("NONE"), T("NO"), T("NO"),
                    T("NO"), T("NO"), T("NO")});
  }
  return rows;
}

Rows IsTableConstraints(const Snapshot& s) {
  Rows rows;
  for (const Rel& r : s.rels) {
    if (r.primary_key.empty()) continue;
    rows.push_back({T(s.database), T(NamespaceName(r.ns)), T(PkName(r)), T(s.database),
                    T(NamespaceName(r.ns)), T(r.name), T("PRIMARY KEY"), T("NO"), T("NO"), T("YES"),
                    NullT()});
  }
  return rows;
}

Rows IsKeyColumnUsage(const Snapshot& s) {
  Rows rows;
  for (const Rel& r : s.rels) {
    for (size_t i = 0; i < r.primary_key.size(); ++i) {
      rows.push_back({T(s.database), T(NamespaceName(r.ns)), T(PkName(r)), T(s.database),
                      T(NamespaceName(r.ns)), T(r.name), T(r.primary_key[i]),
                      I(static_cast<int64_t>(i + 1)), NullI()});
    }
  }
  return rows;
}

const std::vector<SysDef>& Defs() {
  static const std::vector<SysDef> defs = [] {
    std::vector<SysDef> d;
    auto add = [&](std::string_view schema, std::string_view name, int64_t oid, char kind,
                   std::string_view cols, RowsFn rows) {
      d.push_back(SysDef{schema, name, oid, kind, Cols(cols), std::move(rows)});
    };
    const std::string_view pg = "pg_catalog";
    add(pg, "pg_namespace", 2615, 'r', "oid:o nspname:t nspowner:o nspacl:T", PgNamespace);
    add(pg, "pg_class", 1259, 'r',
        "oid:o relname:t relnamespace:o reltype:o reloftype:o relowner:o relam:o "
        "relfilenode:o reltablespace:o relpages:i reltuples:f relallvisible:i reltoastrelid:o "
        "relhasindex:b relisshared:b relpersistence:t relkind:t relnatts:h relchecks:h "
        "relhasrules:b relhastriggers:b relhassubclass:b relrowsecurity:b "
        "relforcerowsecurity:b relispopulated:b relreplident:t relispartition:b relrewrite:o "
        "relacl:T reloptions:T relpartbound:t",
        PgClass);
    add(pg, "pg_attribute", 1249, 'r',
        "attrelid:o attname:t atttypid:o attstattarget:i attlen:h attnum:h attndims:i "
        "attcacheoff:i atttypmod:i attbyval:b attalign:t attstorage:t attcompression:t "
        "attnotnull:b atthasdef:b atthasmissing:b attidentity:t attgenerated:t "
        "attisdropped:b attislocal:b attinhcount:i attcollation:o attacl:t attoptions:t "
        "attfdwoptions:t",
        PgAttribute);
    add(pg, "pg_type", 1247, 'r',
        "oid:o typname:t typnamespace:o typowner:o typlen:h typbyval:b typtype:t "
        "typcategory:t typispreferred:b typisdefined:b typdelim:t typrelid:o typelem:o "
        "typarray:o typinput:t typoutput:t typalign:t typstorage:t typnotnull:b "
        "typbasetype:o typtypmod:i typndims:i typcollation:o typdefaultbin:t typdefault:t "
        "typacl:t",
        PgType);
    add(pg, "pg_index", 2610, 'r',
        "indexrelid:o indrelid:o indnatts:h indnkeyatts:h indisunique:b "
        "indnullsnotdistinct:b indisprimary:b indisexclusion:b indimmediate:b "
        "indisclustered:b indisvalid:b indcheckxmin:b indisready:b indislive:b "
        "indisreplident:b indkey:V indcollation:t indclass:t indoption:V indexprs:t indpred:t",
        PgIndex);
    add(pg, "pg_constraint", 2606, 'r',
        "oid:o conname:t connamespace:o contype:t condeferrable:b condeferred:b "
        "convalidated:b conrelid:o contypid:o conindid:o conparentid:o confrelid:o "
        "confupdtype:t confdeltype:t confmatchtype:t conislocal:b coninhcount:i "
        "connoinherit:b conkey:t confkey:t conbin:t",
        PgConstraint);
    add(pg, "pg_am", 2601, 'r', "oid:o amname:t amhandler:t amtype:t", PgAm);
    add(pg, "pg_attrdef", 2604, 'r', "oid:o adrelid:o adnum:h adbin:t", Empty);
    add(pg, "pg_description", 2609, 'r', "objoid:o classoid:o objsubid:i description:t", Empty);
    add(pg, "pg_collation", 3456, 'r',
        "oid:o collname:t collnamespace:o collowner:o collprovider:t collisdeterministic:b "
        "collencoding:i collcollate:t collctype:t",
        PgCollation);
    add(pg, "pg_inherits", 2611, 'r', "inhrelid:o inhparent:o inhseqno:i inhdetachpending:b",
        Empty);
    // Row security, extended statistics and publications do not exist in Oxbow; psql's \d
    // name reads these for every table.
    add(pg, "pg_policy", 3256, 'r',
        "oid:o polname:t polrelid:o polcmd:t polpermissive:b polroles:O polqual:t "
        "polwithcheck:t",
        Empty);
    add(pg, "pg_statistic_ext", 3381, 'r',
        "oid:o stxrelid:o stxname:t stxnamespace:o stxowner:o stxstattarget:i stxkeys:H "
        "stxkind:T stxexprs:t",
        Empty);
    add(pg, "pg_publication", 6104, 'r',
        "oid:o pubname:t pubowner:o puballtables:b pubinsert:b pubupdate:b pubdelete:b "
        "pubtruncate:b pubviaroot:b",
        Empty);
    add(pg, "pg_publication_namespace", 6237, 'r', "oid:o pnpubid:o pnnspid:o", Empty);
    add(pg, "pg_publication_rel", 6106, 'r', "oid:o prpubid:o prrelid:o prqual:t prattrs:H", Empty);
    add(pg, "pg_database", 1262, 'r',
        "oid:o datname:t datdba:o encoding:i datlocprovider:t datistemplate:b datallowconn:b "
        "datconnlimit:i dattablespace:o datcollate:t datctype:t daticulocale:t datacl:T",
        PgDatabase);
    add(pg, "pg_roles", 12001, 'v',
        "rolname:t rolsuper:b rolinherit:b rolcreaterole:b rolcreatedb:b rolcanlogin:b "
        "rolreplication:b rolconnlimit:i rolpassword:t rolvaliduntil:t rolbypassrls:b "
        "rolconfig:t oid:o",
        PgRoles);
    add(pg, "pg_user", 12002, 'v',
        "usename:t usesysid:o usecreatedb:b usesuper:b userepl:b usebypassrls:b passwd:t "
        "valuntil:t useconfig:t",
        PgUser);
    add(pg, "pg_tables", 12003, 'v',
        "schemaname:t tablename:t tableowner:t tablespace:t hasindexes:b hasrules:b "
        "hastriggers:b rowsecurity:b",
        PgTables);
    add(pg, "pg_views", 12004, 'v', "schemaname:t viewname:t viewowner:t definition:t", PgViews);
    add(pg, "pg_matviews", 12005, 'v',
        "schemaname:t matviewname:t matviewowner:t tablespace:t hasindexes:b ispopulated:b "
        "definition:t",
        PgMatviews);
    const std::string_view is = "information_schema";
    add(is, "schemata", 13001, 'v',
        "catalog_name:t schema_name:t schema_owner:t default_character_set_catalog:t "
        "default_character_set_schema:t default_character_set_name:t sql_path:t",
        IsSchemata);
    add(is, "tables", 13002, 'v',
        "table_catalog:t table_schema:t table_name:t table_type:t "
        "self_referencing_column_name:t reference_generation:t user_defined_type_catalog:t "
        "user_defined_type_schema:t user_defined_type_name:t is_insertable_into:t is_typed:t "
        "commit_action:t",
        IsTables);
    add(is, "columns", 13003, 'v',
        "table_catalog:t table_schema:t table_name:t column_name:t ordinal_position:i "
        "column_default:t is_nullable:t data_type:t character_maximum_length:i "
        "character_octet_length:i numeric_precision:i numeric_precision_radix:i "
        "numeric_scale:i datetime_precision:i interval_type:t interval_precision:i "
        "character_set_catalog:t character_set_schema:t character_set_name:t "
        "collation_catalog:t collation_schema:t collation_name:t domain_catalog:t "
        "domain_schema:t domain_name:t udt_catalog:t udt_schema:t udt_name:t scope_catalog:t "
        "scope_schema:t scope_name:t maximum_cardinality:i dtd_identifier:t "
        "is_self_referencing:t is_identity:t identity_generation:t identity_start:t "
        "identity_increment:t identity_maximum:t identity_minimum:t identity_cycle:t "
        "is_generated:t generation_expression:t is_updatable:t",
        IsColumns);
    add(is, "views", 13004, 'v',
        "table_catalog:t table_schema:t table_name:t view_definition:t check_option:t "
        "is_updatable:t is_insertable_into:t is_trigger_updatable:t "
        "is_trigger_deletable:t is_trigger_insertable_into:t",
        IsViews);
    add(is, "table_constraints", 13005, 'v',
        "constraint_catalog:t constraint_schema:t constraint_name:t table_catalog:t "
        "table_schema:t table_name:t constraint_type:t is_deferrable:t initially_deferred:t "
        "enforced:t nulls_distinct:t",
        IsTableConstraints);
    add(is, "key_column_usage", 13006, 'v',
        "constraint_catalog:t constraint_schema:t constraint_name:t table_catalog:t "
        "table_schema:t table_name:t column_name:t ordinal_position:i "
        "position_in_unique_constraint:i",
        IsKeyColumnUsage);
    return d;
  }();
  return defs;
}

const SysDef* FindDef(std::string_view schema, std::string_view name) {
  for (const SysDef& d : Defs()) {
    if (d.schema == schema && d.name == name) return &d;
  }
  return nullptr;
}

}  // namespace

std::optional<SystemTable> BuildSystemTable(std::string_view schema, std::string_view name,
                                            const Catalog& catalog, std::string_view database) {
  const SysDef* def = FindDef(schema, name);
  if (def == nullptr) return std::nullopt;
  SystemTable out;
  out.columns = def->columns;
  out.rows = def->rows(TakeSnapshot(catalog, database));
  return out;
}

bool IsPgCatalogTable(std::string_view name) { return FindDef("pg_catalog", name) != nullptr; }

std::vector<std::pair<int64_t, std::string>> RelationOids(const Catalog& catalog) {
  std::vector<std::pair<int64_t, std::string>> out;
  Snapshot s = TakeSnapshot(catalog, "");
  for (const Rel& r : s.rels) {
    std::string name = QuoteIdent(r.name);
    if (r.ns == kInformationSchemaNamespaceOid) name = fmt::format("information_schema.{}", name);
    out.emplace_back(r.oid, name);
    if (!r.primary_key.empty()) out.emplace_back(r.oid + kIndexOffset, QuoteIdent(PkName(r)));
  }
  return out;
}

std::optional<int64_t> RelationOid(const Catalog& catalog, std::string_view written) {
  // Split at an unquoted dot; unquoted parts fold to lower case.
  std::vector<std::string> parts(1);
  bool quoted = false;
  for (size_t i = 0; i < written.size(); ++i) {
    char c = written[i];
    if (c == '"') {
      if (quoted && i + 1 < written.size() && written[i + 1] == '"') {
        parts.back() += '"';
        ++i;
      } else {
        quoted = !quoted;
      }
    } else if (c == '.' && !quoted) {
      parts.emplace_back();
    } else {
      parts.back() += quoted || c < 'A' || c > 'Z' ? c : static_cast<char>(c - 'A' + 'a');
    }
  }
  if (parts.size() > 2) return std::nullopt;
  std::string_view schema = parts.size() == 2 ? std::string_view(parts[0]) : "";
  const std::string& name = parts.back();
  Snapshot s = TakeSnapshot(catalog, "");
  // Unqualified: pg_catalog first, then public (the search path).
  for (int64_t ns : {kPgCatalogNamespaceOid, kPublicNamespaceOid, kInformationSchemaNamespaceOid}) {
    if (schema.empty() ? ns == kInformationSchemaNamespaceOid : schema != NamespaceName(ns)) {
      continue;
    }
    for (const Rel& r : s.rels) {
      if (r.ns == ns && r.name == name) return r.oid;
      if (r.ns == ns && !r.primary_key.empty() && PkName(r) == name) return r.oid + kIndexOffset;
    }
  }
  return std::nullopt;
}

std::vector<std::pair<int64_t, std::string>> NamespaceOids() {
  std::vector<std::pair<int64_t, std::string>> out;
  for (int64_t oid :
       {kPgCatalogNamespaceOid, kPublicNamespaceOid, kInformationSchemaNamespaceOid}) {
    out.emplace_back(oid, std::string(NamespaceName(oid)));
  }
  return out;
}

std::vector<std::pair<int64_t, std::string>> TypeOids() {
  std::vector<std::pair<int64_t, std::string>> out;
  for (const TypeRow& t : Types()) out.emplace_back(t.oid, TypeDisplayName(t));
  return out;
}

std::vector<std::pair<int64_t, std::string>> ConstraintDefinitions(const Catalog& catalog) {
  std::vector<std::pair<int64_t, std::string>> out;
  for (const Rel& r : TakeSnapshot(catalog, "").rels) {
    if (r.primary_key.empty()) continue;
    out.emplace_back(r.oid + kConstraintOffset, fmt::format("PRIMARY KEY ({})", PkColumnList(r)));
  }
  return out;
}

std::vector<std::pair<int64_t, std::string>> IndexDefinitions(const Catalog& catalog) {
  std::vector<std::pair<int64_t, std::string>> out;
  for (const Rel& r : TakeSnapshot(catalog, "").rels) {
    if (r.primary_key.empty()) continue;
    out.emplace_back(r.oid + kIndexOffset,
                     fmt::format("CREATE UNIQUE INDEX {} ON {} USING btree ({})",
                                 QuoteIdent(PkName(r)), QuoteIdent(r.name), PkColumnList(r)));
  }
  return out;
}

std::vector<std::pair<int64_t, std::vector<std::string>>> IndexColumns(const Catalog& catalog) {
  std::vector<std::pair<int64_t, std::vector<std::string>>> out;
  for (const Rel& r : TakeSnapshot(catalog, "").rels) {
    if (r.primary_key.empty()) continue;
    std::vector<std::string> columns;
    for (const std::string& k : r.primary_key) columns.push_back(QuoteIdent(k));
    out.emplace_back(r.oid + kIndexOffset, std::move(columns));
  }
  return out;
}

std::vector<std::pair<int64_t, std::string>> ViewDefinitions(const Catalog& catalog) {
  std::vector<std::pair<int64_t, std::string>> out;
  for (const Rel& r : TakeSnapshot(catalog, "").rels) {
    if (!r.view_query.empty()) out.emplace_back(r.oid, r.view_query);
  }
  return out;
}

}  // namespace oxbow::sql
