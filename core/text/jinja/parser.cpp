// Template::parse (see jinja.h): a recursive-descent parser over the lexer's tokens, with
// Jinja2's operator precedence (or < and < not < comparisons < + - < ~ < * / // % < ** <
// unary < postfix and filters).
#include <algorithm>
#include <string_view>

#include "core/common/error.h"
#include "core/text/jinja/ast.h"
#include "core/text/jinja/jinja.h"
#include "core/text/jinja/lexer.h"

namespace tb::jinja {
namespace {

class Parser {
 public:
  Parser(std::vector<Token> tokens, const std::string& origin) : t_(std::move(tokens)), origin_(origin) {}

  Body parse_all(bool& has_generation) {
    Body body = parse_body({});
    if (peek().kind != Token::Kind::End) fail("unexpected {% " + block_name_ahead() + " %}");
    has_generation = has_generation_;
    return body;
  }

 private:
  static constexpr int kMaxDepth = 200;

  [[noreturn]] void fail(const std::string& what) const {
    throw FormatError(what + " (template line " + std::to_string(peek().line) + ")", {origin_, 0, "chat_template"});
  }
  const Token& peek(std::size_t ahead = 0) const { return t_[std::min(i_ + ahead, t_.size() - 1)]; }
  Token next() { return t_[std::min(i_++, t_.size() - 1)]; }
  bool is_op(const char* op, std::size_t ahead = 0) const {
    return peek(ahead).kind == Token::Kind::Op && peek(ahead).text == op;
  }
  bool is_name(const char* name, std::size_t ahead = 0) const {
    return peek(ahead).kind == Token::Kind::Name && peek(ahead).text == name;
  }
  void expect_op(const char* op) {
    if (!is_op(op)) fail(std::string("expected '") + op + "'");
    ++i_;
  }
  std::string expect_name() {
    if (peek().kind != Token::Kind::Name) fail("expected a name");
    return next().text;
  }
  void expect_block_end() {
    if (peek().kind != Token::Kind::BlockEnd) fail("expected %} after {% " + block_name_ahead() + " ...");
    ++i_;
  }
  std::string block_name_ahead() const { return peek(1).kind == Token::Kind::Name ? peek(1).text : peek().text; }

  // Statements up to one of `ends` (the block name after "{%"), which is left unread.
  Body parse_body(const std::vector<std::string>& ends) {
    if (++depth_ > kMaxDepth) fail("blocks nest too deeply");
    Body body;
    while (peek().kind != Token::Kind::End) {
      const Token& tok = peek();
      if (tok.kind == Token::Kind::Text) {
        auto s = std::make_unique<Stmt>();
        s->kind = Stmt::Kind::Text;
        s->line = tok.line;
        s->text = next().text;
        body.push_back(std::move(s));
      } else if (tok.kind == Token::Kind::VarBegin) {
        auto s = std::make_unique<Stmt>();
        s->kind = Stmt::Kind::Output;
        s->line = next().line;
        s->expr = parse_expr();
        if (peek().kind != Token::Kind::VarEnd) fail("expected }}");
        ++i_;
        body.push_back(std::move(s));
      } else {  // BlockBegin
        if (peek(1).kind != Token::Kind::Name) fail("expected a statement name after {%");
        const std::string name = peek(1).text;
        for (const auto& e : ends) {
          if (name == e) {
            --depth_;
            return body;
          }
        }
        body.push_back(parse_statement());
      }
    }
    if (!ends.empty()) fail("missing {% " + ends.back() + " %}");
    --depth_;
    return body;
  }

  void read_end(const char* name) {
    ++i_;  // {%
    if (!is_name(name)) fail(std::string("expected {% ") + name + " %}");
    ++i_;
    expect_block_end();
  }

  StmtPtr parse_statement() {
    ++i_;  // {%
    const int line = peek().line;
    const std::string name = next().text;
    auto s = std::make_unique<Stmt>();
    s->line = line;
    if (name == "if") {
      s->kind = Stmt::Kind::If;
      ExprPtr cond = parse_expr();
      expect_block_end();
      while (true) {
        Body b = parse_body({"elif", "else", "endif"});
        s->branches.emplace_back(std::move(cond), std::move(b));
        const std::string which = peek(1).text;
        i_ += 2;
        if (which == "elif") {
          cond = parse_expr();
          expect_block_end();
          continue;
        }
        expect_block_end();
        if (which == "else") {
          s->else_body = parse_body({"endif"});
          read_end("endif");
        }
        break;
      }
    } else if (name == "for") {
      s->kind = Stmt::Kind::For;
      s->targets.push_back(expect_name());
      while (is_op(",")) {
        ++i_;
        s->targets.push_back(expect_name());
      }
      if (!is_name("in")) fail("expected 'in' in a for loop");
      ++i_;
      s->expr = parse_or_conditional(/*allow_if=*/false);
      if (is_name("if")) {
        ++i_;
        s->filter = parse_expr();
      }
      if (is_name("recursive")) fail("recursive loops are not supported");
      expect_block_end();
      s->body = parse_body({"else", "endfor"});
      if (peek(1).text == "else") {
        i_ += 2;
        expect_block_end();
        s->else_body = parse_body({"endfor"});
      }
      read_end("endfor");
    } else if (name == "set") {
      s->kind = Stmt::Kind::Set;
      s->targets.push_back(expect_name());
      if (is_op(".")) {
        ++i_;
        s->attr = expect_name();
      }
      while (is_op(",")) {
        ++i_;
        s->targets.push_back(expect_name());
      }
      if (is_op("=")) {
        ++i_;
        s->expr = parse_expr();
        expect_block_end();
      } else {
        expect_block_end();
        s->body = parse_body({"endset"});
        read_end("endset");
      }
    } else if (name == "macro") {
      s->kind = Stmt::Kind::Macro;
      s->name = expect_name();
      expect_op("(");
      while (!is_op(")")) {
        s->targets.push_back(expect_name());
        if (is_op("=")) {
          ++i_;
          s->defaults.push_back(parse_expr());
        } else {
          s->defaults.push_back(nullptr);
        }
        if (!is_op(")")) expect_op(",");
      }
      ++i_;
      expect_block_end();
      s->body = parse_body({"endmacro"});
      read_end("endmacro");
    } else if (name == "generation") {
      s->kind = Stmt::Kind::Generation;
      has_generation_ = true;
      expect_block_end();
      s->body = parse_body({"endgeneration"});
      read_end("endgeneration");
    } else if (name == "break" || name == "continue") {
      s->kind = name == "break" ? Stmt::Kind::Break : Stmt::Kind::Continue;
      expect_block_end();
    } else if (name == "include" || name == "import" || name == "from" || name == "extends") {
      fail("{% " + name + " %} is refused: a chat template may not read other files");
    } else {
      fail("{% " + name + " %} is not supported in chat templates");
    }
    return s;
  }

  ExprPtr make(Expr::Kind kind, int line) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->line = line;
    return e;
  }

  ExprPtr parse_expr() { return parse_or_conditional(true); }

  ExprPtr parse_or_conditional(bool allow_if) {
    if (++depth_ > kMaxDepth) fail("the expression nests too deeply");
    ExprPtr e = parse_or();
    while (allow_if && is_name("if")) {
      const int line = next().line;
      auto c = make(Expr::Kind::Conditional, line);
      c->items.push_back(std::move(e));
      c->items.push_back(parse_or());
      if (is_name("else")) {
        ++i_;
        c->items.push_back(parse_or_conditional(true));
      } else {
        c->items.push_back(nullptr);
      }
      e = std::move(c);
    }
    --depth_;
    return e;
  }

  ExprPtr binary(const std::string& op, ExprPtr a, ExprPtr b, int line) {
    auto e = make(Expr::Kind::Binary, line);
    e->name = op;
    e->items.push_back(std::move(a));
    e->items.push_back(std::move(b));
    return e;
  }

  ExprPtr parse_or() {
    ExprPtr e = parse_and();
    while (is_name("or")) e = binary("or", std::move(e), (++i_, parse_and()), peek().line);
    return e;
  }
  ExprPtr parse_and() {
    ExprPtr e = parse_not();
    while (is_name("and")) e = binary("and", std::move(e), (++i_, parse_not()), peek().line);
    return e;
  }
  ExprPtr parse_not() {
    if (is_name("not")) {
      auto e = make(Expr::Kind::Unary, next().line);
      e->name = "not";
      e->items.push_back(parse_not());
      return e;
    }
    return parse_compare();
  }
  ExprPtr parse_compare() {
    ExprPtr e = parse_math1();
    while (true) {
      const int line = peek().line;
      std::string op;
      if (peek().kind == Token::Kind::Op && (peek().text == "==" || peek().text == "!=" || peek().text == "<" ||
                                            peek().text == ">" || peek().text == "<=" || peek().text == ">=")) {
        op = next().text;
      } else if (is_name("in")) {
        ++i_;
        op = "in";
      } else if (is_name("not") && is_name("in", 1)) {
        i_ += 2;
        op = "notin";
      } else {
        return e;
      }
      e = binary(op, std::move(e), parse_math1(), line);
    }
  }
  ExprPtr parse_math1() {
    ExprPtr e = parse_concat();
    while (is_op("+") || is_op("-")) {
      const Token op = next();
      e = binary(op.text, std::move(e), parse_concat(), op.line);
    }
    return e;
  }
  ExprPtr parse_concat() {
    ExprPtr e = parse_math2();
    while (is_op("~")) {
      const Token op = next();
      e = binary("~", std::move(e), parse_math2(), op.line);
    }
    return e;
  }
  ExprPtr parse_math2() {
    ExprPtr e = parse_pow();
    while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
      const Token op = next();
      e = binary(op.text, std::move(e), parse_pow(), op.line);
    }
    return e;
  }
  ExprPtr parse_pow() {
    ExprPtr e = parse_unary(true);
    while (is_op("**")) {
      const Token op = next();
      e = binary("**", std::move(e), parse_unary(true), op.line);
    }
    return e;
  }
  ExprPtr parse_unary(bool with_filter) {
    ExprPtr e;
    if (is_op("-") || is_op("+")) {
      const Token op = next();
      e = make(Expr::Kind::Unary, op.line);
      e->name = op.text;
      e->items.push_back(parse_unary(false));
    } else {
      e = parse_postfix(parse_primary());
    }
    return with_filter ? parse_filters(std::move(e)) : std::move(e);
  }

  ExprPtr parse_primary() {
    if (++depth_ > kMaxDepth) fail("the expression nests too deeply");
    const Token tok = next();
    ExprPtr e;
    switch (tok.kind) {
      case Token::Kind::Name:
        if (tok.text == "true" || tok.text == "True" || tok.text == "false" || tok.text == "False") {
          e = make(Expr::Kind::Literal, tok.line);
          e->value = Value(tok.text == "true" || tok.text == "True");
        } else if (tok.text == "none" || tok.text == "None") {
          e = make(Expr::Kind::Literal, tok.line);
          e->value = Value(None{});
        } else {
          e = make(Expr::Kind::Name, tok.line);
          e->name = tok.text;
        }
        break;
      case Token::Kind::String: {
        e = make(Expr::Kind::Literal, tok.line);
        std::string s = tok.text;
        while (peek().kind == Token::Kind::String) s += next().text;  // adjacent literals join
        e->value = Value(s);
        break;
      }
      case Token::Kind::Int:
        e = make(Expr::Kind::Literal, tok.line);
        try {
          e->value = Value(static_cast<std::int64_t>(std::stoll(tok.text)));
        } catch (const std::exception&) {
          fail("the integer " + tok.text + " is too large");
        }
        break;
      case Token::Kind::Float:
        e = make(Expr::Kind::Literal, tok.line);
        e->value = Value(std::strtod(tok.text.c_str(), nullptr));  // 1e999 is inf, as in Python
        break;
      case Token::Kind::Op:
        if (tok.text == "(") {
          ExprPtr first = parse_expr();
          if (is_op(",")) {  // a tuple: a list for our purposes
            e = make(Expr::Kind::ListLit, tok.line);
            e->negated = true;  // a tuple
            e->items.push_back(std::move(first));
            while (is_op(",")) {
              ++i_;
              if (is_op(")")) break;
              e->items.push_back(parse_expr());
            }
          } else {
            e = std::move(first);
          }
          expect_op(")");
        } else if (tok.text == "[") {
          e = make(Expr::Kind::ListLit, tok.line);
          while (!is_op("]")) {
            e->items.push_back(parse_expr());
            if (!is_op("]")) expect_op(",");
          }
          ++i_;
        } else if (tok.text == "{") {
          e = make(Expr::Kind::DictLit, tok.line);
          while (!is_op("}")) {
            e->items.push_back(parse_expr());
            expect_op(":");
            e->items.push_back(parse_expr());
            if (!is_op("}")) expect_op(",");
          }
          ++i_;
        } else {
          --i_;
          fail("unexpected '" + tok.text + "'");
        }
        break;
      default:
        --i_;
        fail("expected a value");
    }
    --depth_;
    return e;
  }

  void parse_call_args(Expr& e) {
    // After "(": positional and keyword arguments up to ")".
    while (!is_op(")")) {
      if (peek().kind == Token::Kind::Name && is_op("=", 1)) {
        std::string key = next().text;
        ++i_;
        e.kwargs.emplace_back(std::move(key), parse_expr());
      } else {
        if (!e.kwargs.empty()) fail("a positional argument follows a keyword argument");
        e.args.push_back(parse_expr());
      }
      if (!is_op(")")) expect_op(",");
    }
    ++i_;
  }

  ExprPtr parse_postfix(ExprPtr e) {
    while (true) {
      if (is_op(".")) {
        const int line = next().line;
        auto a = make(Expr::Kind::Attr, line);
        if (peek().kind == Token::Kind::Int) {  // x.0 is x[0]
          a->kind = Expr::Kind::Index;
          a->items.push_back(std::move(e));
          auto idx = make(Expr::Kind::Literal, line);
          idx->value = Value(static_cast<std::int64_t>(std::strtoll(next().text.c_str(), nullptr, 10)));
          a->items.push_back(std::move(idx));
        } else {
          a->name = expect_name();
          a->items.push_back(std::move(e));
        }
        e = std::move(a);
      } else if (is_op("[")) {
        const int line = next().line;
        ExprPtr parts[3];
        int colons = 0;
        while (!is_op("]")) {
          if (is_op(":")) {
            ++i_;
            if (++colons > 2) fail("a slice has at most two colons");
            continue;
          }
          parts[colons] = parse_expr();
        }
        ++i_;
        if (colons == 0) {
          if (!parts[0]) fail("an empty subscript");
          auto x = make(Expr::Kind::Index, line);
          x->items.push_back(std::move(e));
          x->items.push_back(std::move(parts[0]));
          e = std::move(x);
        } else {
          auto x = make(Expr::Kind::Slice, line);
          x->items.push_back(std::move(e));
          for (auto& p : parts) x->items.push_back(std::move(p));
          e = std::move(x);
        }
      } else if (is_op("(")) {
        const int line = next().line;
        auto c = make(Expr::Kind::Call, line);
        c->items.push_back(std::move(e));
        parse_call_args(*c);
        e = std::move(c);
      } else {
        return e;
      }
    }
  }

  ExprPtr parse_filters(ExprPtr e) {
    while (true) {
      if (is_op("|")) {
        const int line = next().line;
        auto f = make(Expr::Kind::Filter, line);
        f->name = expect_name();
        f->items.push_back(std::move(e));
        if (is_op("(")) {
          ++i_;
          parse_call_args(*f);
        }
        e = parse_postfix(std::move(f));
      } else if (is_name("is")) {
        const int line = next().line;
        auto t = make(Expr::Kind::Test, line);
        if (is_name("not")) {
          ++i_;
          t->negated = true;
        }
        t->name = expect_name();
        t->items.push_back(std::move(e));
        if (is_op("(")) {
          ++i_;
          parse_call_args(*t);
        } else if (peek().kind == Token::Kind::String || peek().kind == Token::Kind::Int ||
                   peek().kind == Token::Kind::Float || (peek().kind == Token::Kind::Name && !is_name("and") &&
                                                         !is_name("or") && !is_name("if") && !is_name("else") &&
                                                         !is_name("is") && !is_name("in") && !is_name("not"))) {
          t->args.push_back(parse_primary());  // "is equalto 3", "is sameas none"
        }
        e = std::move(t);
      } else {
        return e;
      }
    }
  }

  std::vector<Token> t_;
  std::size_t i_ = 0;
  const std::string& origin_;
  int depth_ = 0;
  bool has_generation_ = false;
};

}  // namespace

Template Template::parse(const std::string& source, const std::string& origin) {
  Template t;
  t.origin_ = origin;
  // As Jinja2 reads a template: every newline becomes "\n", and one final newline is dropped
  // (keep_trailing_newline is off in transformers).
  std::string text;
  text.reserve(source.size());
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\r') {
      text += '\n';
      if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
    } else {
      text += source[i];
    }
  }
  if (!text.empty() && text.back() == '\n') text.pop_back();
  Parser parser(lex_template(text, origin), origin);
  t.body_ = std::make_shared<const Body>(parser.parse_all(t.has_generation_));
  return t;
}

}  // namespace tb::jinja
