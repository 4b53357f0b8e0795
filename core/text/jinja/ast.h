// The parsed form of a chat template: expressions and statements, as the parser builds them
// and the renderer walks them. Each node keeps the template line it came from, for errors.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/text/jinja/value.h"

namespace tb::jinja {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  enum class Kind {
    Literal,    // value
    Name,       // name
    ListLit,    // items
    DictLit,    // pairs (keys in items[2i], values in items[2i + 1])
    Attr,       // items[0].name
    Index,      // items[0][items[1]]
    Slice,      // items[0][items[1]:items[2]:items[3]] (null = absent)
    Call,       // items[0](args..., kwargs...)
    Filter,     // items[0] | name(args..., kwargs...)
    Test,       // items[0] is [not] name(args...)
    Unary,      // op items[0]: "not", "-", "+"
    Binary,     // items[0] op items[1]: or and == != < > <= >= in notin + - * / // % ** ~
    Conditional // items[0] if items[1] else items[2] (items[2] may be null)
  };
  Kind kind = Kind::Literal;
  int line = 0;
  Value value;                // Literal
  std::string name;           // Name, Attr, Filter, Test; the operator for Unary and Binary
  bool negated = false;       // Test: "is not"; ListLit: a tuple
  std::vector<ExprPtr> items; // operands, in the order above (null entries allowed for Slice)
  std::vector<ExprPtr> args;  // Call, Filter, Test positional arguments
  std::vector<std::pair<std::string, ExprPtr>> kwargs;  // Call, Filter keyword arguments
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

struct Stmt {
  enum class Kind {
    Text,        // text
    Output,      // {{ expr }}
    If,          // branches: (condition, body)...; else_body
    For,         // targets in expr [if filter]: body; else_body
    Set,         // targets (or ns.attr) = expr; or a block set (body)
    Macro,       // name(params with defaults): body
    Generation,  // {% generation %} body {% endgeneration %}
    Break,
    Continue,
  };
  Kind kind = Kind::Text;
  int line = 0;
  std::string text;                                  // Text
  ExprPtr expr;                                      // Output, For (iterable), Set (value)
  ExprPtr filter;                                    // For ... if filter
  std::vector<std::pair<ExprPtr, Body>> branches;   // If
  Body body, else_body;                              // For, Macro, Generation, block Set; else
  std::vector<std::string> targets;                  // For, Set; Macro parameter names
  std::string attr;                                  // Set ns.attr: targets[0] is the namespace
  std::string name;                                  // Macro
  std::vector<ExprPtr> defaults;                     // Macro: one per parameter (null = none)
};

}  // namespace tb::jinja
