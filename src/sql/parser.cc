// The parser's driver: validate the text, tokenize it once, split it into statements at
// top-level semicolons, bound each statement's nesting, then hand each one either to the
// extension grammar (DESCRIBE, SHOW MATERIALIZED VIEWS, SHOW CREATE, SHOW PROGRESS) or to
// libpg_query and the converter.
//
// Why split ourselves: libpg_query's pg_query_split_with_scanner silently drops statements
// that do not start with a keyword (`DESCRIBE t; SELECT 1` comes back as one statement),
// and parsing the whole string at once would fail on our extension statements. Each piece is
// parsed with its terminating semicolon (and the last one up to the end of the text), so the
// messages and positions are the ones PostgreSQL gives for the whole string.
#include "sql/parser.h"

#include <algorithm>
#include <optional>

#include "fmt/format.h"
#include "sql/convert_internal.h"
#include "sql/pg_query_adapter.h"
#include "sql/sql_error.h"
#include "sql/sql_text.h"

namespace oxbow::sql {
namespace {

using internal::TokenIdentifier;
using Tokens = std::vector<const pg_query::ScanToken*>;

// One statement's tokens (comments and the semicolon excluded).
struct Piece {
  Tokens tokens;
  const pg_query::ScanToken* semicolon = nullptr;  // the terminating ';', if any
};

std::vector<Piece> Split(const pg_query::ScanResult& scan) {
  std::vector<Piece> pieces;
  Piece current;
  for (const pg_query::ScanToken& t : scan.tokens()) {
    if (t.token() == pg_query::SQL_COMMENT || t.token() == pg_query::C_COMMENT) continue;
    if (t.token() == ';') {
      current.semicolon = &t;
      if (!current.tokens.empty()) pieces.push_back(std::move(current));
      current = Piece();
      continue;
    }
    current.tokens.push_back(&t);
  }
  if (!current.tokens.empty()) pieces.push_back(std::move(current));
  return pieces;
}

// An upper bound on the depth of the parse tree of `tokens`. Within a parenthesized group
// (or CASE … END) every node on a root-to-leaf path owns at least one token of the same
// comma-separated element, except AND/OR chains and CASE arms, which PostgreSQL keeps flat
// (so they separate elements too); each group adds a little for the nodes that own only
// its delimiters.
int NestingBound(const Tokens& tokens) {
  struct Frame {
    int element = 0;
    int widest = 0;
    bool is_case = false;
  };
  constexpr int kGroupSlack = 3;
  std::vector<Frame> stack(1);
  auto close = [&stack]() {
    Frame f = stack.back();
    stack.pop_back();
    stack.back().element += std::max(f.element, f.widest) + kGroupSlack;
  };
  for (const pg_query::ScanToken* t : tokens) {
    int kind = t->token();
    Frame& top = stack.back();
    if (kind == '(' || kind == '[' || kind == pg_query::CASE) {
      ++top.element;
      stack.push_back(Frame{0, 0, kind == pg_query::CASE});
    } else if (((kind == ')' || kind == ']') && !top.is_case && stack.size() > 1) ||
               (kind == pg_query::END_P && top.is_case)) {
      close();
    } else if (kind == ',' || kind == pg_query::AND || kind == pg_query::OR ||
               (top.is_case &&
                (kind == pg_query::WHEN || kind == pg_query::THEN || kind == pg_query::ELSE))) {
      top.widest = std::max(top.widest, top.element);
      top.element = 0;
    } else {
      ++top.element;
    }
  }
  while (stack.size() > 1) close();
  return std::max(stack[0].element, stack[0].widest);
}

// The extension grammar over one statement's tokens.
class ExtensionParser {
 public:
  ExtensionParser(std::string_view source, const Piece& piece) : source_(source), piece_(piece) {}

  // nullopt when the statement is not one of ours.
  std::optional<Result<StatementBody>> Parse() {
    if (IsWord(0, "describe") || Is(0, pg_query::DESC)) {
      pos_ = 1;
      return Describe();
    }
    if (Is(0, pg_query::SHOW) && Is(1, pg_query::MATERIALIZED)) {
      pos_ = 2;
      RETURN_IF_ERROR(Expect(pg_query::VIEWS));
      RETURN_IF_ERROR(ExpectEnd());
      return StatementBody(ShowObjectsStatement{ObjectType::kMaterializedView});
    }
    if (Is(0, pg_query::SHOW) && Is(1, pg_query::CREATE)) {
      pos_ = 2;
      return ShowCreate();
    }
    if (Is(0, pg_query::SHOW) && IsWord(1, "progress")) {
      pos_ = 2;
      RETURN_IF_ERROR(ExpectEnd());
      return StatementBody(ShowProgressStatement{});
    }
    return std::nullopt;
  }

 private:
  bool Is(size_t i, int token) const {
    return i < piece_.tokens.size() && piece_.tokens[i]->token() == token;
  }
  bool IsWord(size_t i, std::string_view word) const {
    return i < piece_.tokens.size() && piece_.tokens[i]->token() == pg_query::IDENT &&
           source_[piece_.tokens[i]->start()] != '"' &&
           TokenIdentifier(source_, *piece_.tokens[i]) == word;
  }

  // PostgreSQL's message for an unexpected token at pos_ (or the end of the statement).
  Status SyntaxError() const {
    if (pos_ < piece_.tokens.size()) {
      const pg_query::ScanToken& t = *piece_.tokens[pos_];
      return AtByteOffset(SqlError(sqlstate::kSyntaxError,
                                   fmt::format("syntax error at or near \"{}\"",
                                               source_.substr(t.start(), t.end() - t.start()))),
                          source_, t.start());
    }
    if (piece_.semicolon != nullptr) {
      return AtByteOffset(SqlError(sqlstate::kSyntaxError, "syntax error at or near \";\""),
                          source_, piece_.semicolon->start());
    }
    return AtByteOffset(SqlError(sqlstate::kSyntaxError, "syntax error at end of input"), source_,
                        static_cast<int>(source_.size()));
  }

  Status Expect(int token) {
    if (!Is(pos_, token)) return SyntaxError();
    ++pos_;
    return absl::OkStatus();
  }
  Status ExpectEnd() const {
    return pos_ == piece_.tokens.size() ? absl::OkStatus() : SyntaxError();
  }

  // name | public.name
  Result<NameRef> Name() {
    std::vector<std::pair<std::string, int>> parts;
    while (true) {
      std::optional<std::string> id;
      if (pos_ < piece_.tokens.size()) id = TokenIdentifier(source_, *piece_.tokens[pos_]);
      if (!id) return SyntaxError();
      parts.emplace_back(*id, piece_.tokens[pos_]->start());
      ++pos_;
      if (!Is(pos_, '.')) break;
      ++pos_;
    }
    if (parts.size() > 2) {
      return AtByteOffset(
          SqlError(sqlstate::kFeatureNotSupported, "cross-database references are not implemented"),
          source_, parts[0].second);
    }
    if (parts.size() == 2 && parts[0].first != "public") {
      return AtByteOffset(SqlError(sqlstate::kInvalidSchemaName,
                                   fmt::format("schema \"{}\" does not exist", parts[0].first)),
                          source_, parts[0].second);
    }
    return NameRef{parts.back().first, parts.front().second};
  }

  Result<StatementBody> Describe() {
    ASSIGN_OR_RETURN(NameRef name, Name());
    RETURN_IF_ERROR(ExpectEnd());
    return StatementBody(DescribeStatement{std::move(name)});
  }

  Result<StatementBody> ShowCreate() {
    ShowCreateStatement out;
    if (Is(pos_, pg_query::TABLE)) {
      out.object_type = ObjectType::kTable;
      ++pos_;
    } else if (Is(pos_, pg_query::VIEW)) {
      out.object_type = ObjectType::kView;
      ++pos_;
    } else if (Is(pos_, pg_query::MATERIALIZED)) {
      out.object_type = ObjectType::kMaterializedView;
      ++pos_;
      RETURN_IF_ERROR(Expect(pg_query::VIEW));
    } else {
      return SyntaxError();
    }
    ASSIGN_OR_RETURN(out.name, Name());
    RETURN_IF_ERROR(ExpectEnd());
    return StatementBody(std::move(out));
  }

  std::string_view source_;
  const Piece& piece_;
  size_t pos_ = 0;
};

Result<StatementBody> ParsePiece(std::string_view source, const Piece& piece) {
  int begin = piece.tokens.front()->start();
  int bound = NestingBound(piece.tokens);
  if (bound > kMaxNestingDepth) {
    return AtByteOffset(
        SqlError(sqlstate::kStatementTooComplex,
                 fmt::format("statement is too complex: nesting deeper than {} levels",
                             kMaxNestingDepth)),
        source, begin);
  }
  if (std::optional<Result<StatementBody>> ext = ExtensionParser(source, piece).Parse()) {
    return std::move(*ext);
  }
  int end = piece.semicolon ? piece.semicolon->end() : static_cast<int>(source.size());
  // The protobuf tree nests a few messages per AST level (Node → A_Expr → Node …).
  ASSIGN_OR_RETURN(pg_query::ParseResult tree,
                   internal::ParseTree(source.substr(begin, end - begin),
                                       CharPosition(source, begin) - 1, 4 * bound + 64));
  if (tree.stmts_size() != 1) {
    return AtByteOffset(SqlError(sqlstate::kSyntaxError, "expected exactly one statement"), source,
                        begin);
  }
  internal::Converter converter(source, begin, piece.tokens);
  return converter.ConvertStatement(tree.stmts(0));
}

Statement MakeStatement(StatementBody body, const std::shared_ptr<const std::string>& source,
                        const Piece& piece) {
  Statement s;
  s.body = std::move(body);
  s.source = source;
  s.begin = piece.tokens.front()->start();
  s.end = piece.tokens.back()->end();
  if (auto* explain = std::get_if<ExplainStatement>(&s.body)) {
    explain->statement->source = source;
    explain->statement->begin = piece.tokens.size() > 1 ? piece.tokens[1]->start() : s.begin;
    explain->statement->end = s.end;
  }
  return s;
}

}  // namespace

Result<std::vector<Statement>> ParseStatements(std::string_view sql) {
  RETURN_IF_ERROR(ValidateSqlText(sql));
  auto source = std::make_shared<const std::string>(sql);
  ASSIGN_OR_RETURN(pg_query::ScanResult scan, internal::ScanTokens(*source));
  std::vector<Statement> out;
  for (const Piece& piece : Split(scan)) {
    ASSIGN_OR_RETURN(StatementBody body, ParsePiece(*source, piece));
    out.push_back(MakeStatement(std::move(body), source, piece));
  }
  return out;
}

Result<Statement> ParseStatement(std::string_view sql) {
  ASSIGN_OR_RETURN(std::vector<Statement> statements, ParseStatements(sql));
  if (statements.size() > 1) {
    return SqlError(sqlstate::kSyntaxError,
                    "cannot insert multiple commands into a prepared statement");
  }
  if (statements.empty()) return SqlError(sqlstate::kSyntaxError, "empty query");
  return std::move(statements[0]);
}

}  // namespace oxbow::sql
