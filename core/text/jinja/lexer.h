// The first pass over a chat template: text and tag tokens, with whitespace control applied
// as Jinja2 does with trim_blocks and lstrip_blocks on ("-" and "+" markers included), comments
// dropped and {% raw %} kept as text. The parser (parser.cpp) reads the tokens.
#pragma once

#include <string>
#include <vector>

namespace tb::jinja {

struct Token {
  enum class Kind { Text, VarBegin, VarEnd, BlockBegin, BlockEnd, Name, String, Int, Float, Op, End } kind;
  std::string text;
  int line = 0;
};

// `text` with newlines already "\n"; throws tb::FormatError naming `origin` and the line.
std::vector<Token> lex_template(const std::string& text, const std::string& origin);

}  // namespace tb::jinja
