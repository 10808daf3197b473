// Internal: conversion of libpg_query's parse tree (pg_query.proto) into the statement model
// (statement.h) and the query AST (ast.h). One Converter per statement; convert_*.cc
// implement its parts (statements, queries, expressions, types).
//
// Every construct the model does not represent is rejected here with 0A000
// feature_not_supported naming it and pointing at it, so nothing is silently dropped.
// Recursion follows the tree's depth, which parser.cc bounds before libpg_query runs.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "pg_query/pg_query.pb.h"
#include "sql/ast.h"
#include "sql/statement.h"

namespace oxbow::sql::internal {

class Converter {
 public:
  // `source` is the whole text the user sent; the statement was parsed from the part that
  // starts at byte `base_offset`, so libpg_query's locations are relative to it. `tokens` are
  // the statement's tokens (comments excluded) with byte offsets into `source`.
  Converter(std::string_view source, int base_offset,
            std::vector<const pg_query::ScanToken*> tokens)
      : source_(source), base_offset_(base_offset), tokens_(std::move(tokens)) {}

  // convert_statement.cc
  Result<StatementBody> ConvertStatement(const pg_query::RawStmt& raw);

  // convert_query.cc
  Result<std::unique_ptr<Query>> ConvertQuery(const pg_query::SelectStmt& select);
  Result<std::unique_ptr<Query>> ConvertQueryNode(const pg_query::Node& node, int location);

  // convert_expr.cc
  Result<ParsedExprPtr> ConvertExpr(const pg_query::Node& node);
  Result<std::vector<ParsedExprPtr>> ConvertExprList(
      const google::protobuf::RepeatedPtrField<pg_query::Node>& nodes);
  Result<std::vector<OrderItem>> ConvertOrderBy(
      const google::protobuf::RepeatedPtrField<pg_query::Node>& nodes);
  Result<std::unique_ptr<FunctionCall>> ConvertFunctionCall(const pg_query::FuncCall& call);
  Result<ParsedExprPtr> ConvertSubLink(const pg_query::SubLink& link);
  // `x[i]` (nested for `x[i][j]`) and `(x).field`; slices are 0A000.
  Result<ParsedExprPtr> ConvertIndirection(const pg_query::A_Indirection& ind);

  // convert_type.cc
  Result<TypeName> ConvertTypeName(const pg_query::TypeName& type);

  // A relation name: `name` or `public.name`. 3F000 for another schema, 0A000 for a
  // database qualifier.
  Result<NameRef> ConvertRelationName(const pg_query::RangeVar& range);

  // The absolute byte offset of a libpg_query location (-1 stays -1).
  int Loc(int pg_location) const { return pg_location < 0 ? -1 : pg_location + base_offset_; }

  // An SQL error positioned at a libpg_query location.
  Status Error(std::string_view sqlstate, std::string_view message, int pg_location) const;
  // 0A000 "<what> is not supported", positioned at a libpg_query location.
  Status Unsupported(std::string_view what, int pg_location) const;
  // 0A000 naming the kind of node (from its protobuf field name), for node kinds the model
  // does not list one by one.
  Status UnsupportedNode(const pg_query::Node& node, int pg_location) const;

  const std::vector<const pg_query::ScanToken*>& tokens() const { return tokens_; }
  std::string_view source() const { return source_; }

 private:
  std::string_view source_;
  int base_offset_;
  std::vector<const pg_query::ScanToken*> tokens_;
};

// The string of a String node (identifiers in names, keys and option lists).
std::string StringOf(const pg_query::Node& node);

// The libpg_query location of a node, or -1 when its kind has none.
int NodeLocation(const pg_query::Node& node);

// The identifier a token stands for, read as PostgreSQL reads it: an unquoted identifier or
// keyword folded to lower case, a quoted one with its doubled quotes undone, either cut to
// 63 bytes (NAMEDATALEN - 1). nullopt for other tokens.
std::optional<std::string> TokenIdentifier(std::string_view source, const pg_query::ScanToken& t);

}  // namespace oxbow::sql::internal
