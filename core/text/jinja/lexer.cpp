// The chat-template lexer (see lexer.h).
#include "core/text/jinja/lexer.h"

#include <algorithm>
#include <cctype>

#include "core/common/error.h"
#include "core/text/byte_level.h"

namespace tb::jinja {
namespace {

class Lexer {
 public:
  Lexer(const std::string& src, const std::string& origin) : s_(src), origin_(origin) {}

  std::vector<Token> run() {
    std::size_t at = 0;
    bool strip_next = false;  // a "-" closed the previous tag: drop leading whitespace
    while (at < s_.size()) {
      const std::size_t open = find_tag(at);
      std::string text = s_.substr(at, (open == std::string::npos ? s_.size() : open) - at);
      if (strip_next) text.erase(0, text.find_first_not_of(" \t\r\n\f\v") == std::string::npos ? text.size()
                                                                                                : text.find_first_not_of(" \t\r\n\f\v"));
      strip_next = false;
      if (open == std::string::npos) {
        push_text(text, at);
        break;
      }
      const char kind = s_[open + 1];  // '{', '%' or '#'
      std::size_t p = open + 2;
      const char mod = p < s_.size() ? s_[p] : '\0';
      if (mod == '-') {
        text.erase(text.find_last_not_of(" \t\r\n\f\v") == std::string::npos ? 0 : text.find_last_not_of(" \t\r\n\f\v") + 1);
        ++p;
      } else if (mod == '+') {
        ++p;
      } else if (kind != '{') {
        // lstrip_blocks: spaces and tabs from the line's start up to a block or comment tag.
        const std::size_t nl = text.find_last_of('\n');
        const std::size_t from = nl == std::string::npos ? 0 : nl + 1;
        const bool line_start = nl != std::string::npos || at_line_start(at);
        if (line_start && text.find_first_not_of(" \t", from) == std::string::npos) text.erase(from);
      }
      push_text(text, at);
      line_ = line_at(p);
      if (kind == '#') {
        const std::size_t close = s_.find("#}", p);
        if (close == std::string::npos) fail("a comment is not closed with #}");
        const bool minus = close > p && s_[close - 1] == '-';
        at = after_close(close + 2, kind, minus, close > p && s_[close - 1] == '+');
        strip_next = minus;
        continue;
      }
      out_.push_back({kind == '{' ? Token::Kind::VarBegin : Token::Kind::BlockBegin, "", line_});
      bool minus = false, plus = false;
      p = lex_inside(p, kind, minus, plus);
      out_.push_back({kind == '{' ? Token::Kind::VarEnd : Token::Kind::BlockEnd, "", line_});
      at = after_close(p, kind, minus, plus);
      strip_next = minus;
      // {% raw %}: everything up to {% endraw %} is text.
      if (kind == '%' && out_.size() >= 3 && out_[out_.size() - 2].kind == Token::Kind::Name &&
          out_[out_.size() - 2].text == "raw" && out_[out_.size() - 3].kind == Token::Kind::BlockBegin) {
        out_.resize(out_.size() - 3);
        at = lex_raw(at);
      }
    }
    out_.push_back({Token::Kind::End, "", line_});
    return std::move(out_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw FormatError(what + " (template line " + std::to_string(line_) + ")", {origin_, 0, "chat_template"});
  }

  std::size_t find_tag(std::size_t from) const {
    for (std::size_t i = s_.find('{', from); i != std::string::npos; i = s_.find('{', i + 1)) {
      if (i + 1 < s_.size() && (s_[i + 1] == '{' || s_[i + 1] == '%' || s_[i + 1] == '#')) return i;
    }
    return std::string::npos;
  }

  bool at_line_start(std::size_t text_begin) const { return text_begin == 0 || s_[text_begin - 1] == '\n'; }

  // The line of byte `pos`, counted on from the last position asked (asked in increasing order
  // while lexing, so the whole template is scanned about once, not once a tag).
  int line_at(std::size_t pos) const {
    pos = std::min(pos, s_.size());
    if (pos < counted_to_) {
      counted_to_ = 0;
      counted_line_ = 1;
    }
    for (; counted_to_ < pos; ++counted_to_) counted_line_ += s_[counted_to_] == '\n' ? 1 : 0;
    return counted_line_;
  }

  void push_text(const std::string& text, std::size_t at) {
    if (!text.empty()) out_.push_back({Token::Kind::Text, text, line_at(at)});
  }

  // After a closing delimiter: trim_blocks drops one newline after a block or comment tag.
  std::size_t after_close(std::size_t at, char kind, bool minus, bool plus) const {
    if (kind != '{' && !minus && !plus) {
      if (s_.compare(at, 2, "\r\n") == 0) return at + 2;
      if (at < s_.size() && s_[at] == '\n') return at + 1;
    }
    return at;
  }

  std::size_t lex_raw(std::size_t at) {
    static const std::string kEnd = "endraw";
    for (std::size_t i = find_tag(at); i != std::string::npos; i = find_tag(i + 1)) {
      if (s_[i + 1] != '%') continue;
      std::size_t p = i + 2;
      if (p < s_.size() && (s_[p] == '-' || s_[p] == '+')) ++p;
      while (p < s_.size() && std::isspace(static_cast<unsigned char>(s_[p]))) ++p;
      if (s_.compare(p, kEnd.size(), kEnd) != 0) continue;
      std::string text = s_.substr(at, i - at);
      if (s_[i + 2] == '-') text.erase(text.find_last_not_of(" \t\r\n") + 1);
      push_text(text, at);
      const std::size_t close = s_.find("%}", p);
      if (close == std::string::npos) fail("{% endraw %} is not closed");
      return after_close(close + 2, '%', s_[close - 1] == '-', s_[close - 1] == '+');
    }
    fail("{% raw %} has no {% endraw %}");
  }

  // Tokens inside a tag, up to its closing delimiter; returns the position after it.
  std::size_t lex_inside(std::size_t p, char kind, bool& minus, bool& plus) {
    const char close = kind == '{' ? '}' : '%';
    int depth = 0;  // open brackets: "}}" inside a dict literal does not close the tag
    while (true) {
      while (p < s_.size() && std::isspace(static_cast<unsigned char>(s_[p]))) {
        if (s_[p] == '\n') ++line_;
        ++p;
      }
      if (p >= s_.size()) fail(std::string("a tag is not closed with ") + close + "}");
      const char c = s_[p];
      if (depth == 0 && (c == '-' || c == '+') && p + 2 < s_.size() + 1 && s_.compare(p + 1, 2, std::string(1, close) + "}") == 0) {
        minus = c == '-';
        plus = c == '+';
        return p + 3;
      }
      if (depth == 0 && c == close && p + 1 < s_.size() && s_[p + 1] == '}') return p + 2;
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        std::size_t e = p;
        while (e < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[e])) || s_[e] == '_')) ++e;
        out_.push_back({Token::Kind::Name, s_.substr(p, e - p), line_});
        p = e;
      } else if (std::isdigit(static_cast<unsigned char>(c))) {
        std::size_t e = p;
        while (e < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[e])) || s_[e] == '_')) ++e;
        bool is_float = false;
        if (e + 1 < s_.size() && s_[e] == '.' && std::isdigit(static_cast<unsigned char>(s_[e + 1]))) {
          is_float = true;
          ++e;
          while (e < s_.size() && std::isdigit(static_cast<unsigned char>(s_[e]))) ++e;
        }
        if (e < s_.size() && (s_[e] == 'e' || s_[e] == 'E')) {
          std::size_t f = e + 1;
          if (f < s_.size() && (s_[f] == '+' || s_[f] == '-')) ++f;
          if (f < s_.size() && std::isdigit(static_cast<unsigned char>(s_[f]))) {
            is_float = true;
            e = f;
            while (e < s_.size() && std::isdigit(static_cast<unsigned char>(s_[e]))) ++e;
          }
        }
        std::string num = s_.substr(p, e - p);
        num.erase(std::remove(num.begin(), num.end(), '_'), num.end());
        out_.push_back({is_float ? Token::Kind::Float : Token::Kind::Int, num, line_});
        p = e;
      } else if (c == '\'' || c == '"') {
        p = lex_string(p);
      } else {
        static const char* const kOps[] = {"==", "!=", "<=", ">=", "//", "**", "<", ">", "+", "-", "*", "/", "%",
                                           "~", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", "="};
        bool matched = false;
        for (const char* op : kOps) {
          const std::size_t n = std::char_traits<char>::length(op);
          if (s_.compare(p, n, op) == 0) {
            const std::string o(op);
            if (o == "(" || o == "[" || o == "{") ++depth;
            if ((o == ")" || o == "]" || o == "}") && depth > 0) --depth;
            out_.push_back({Token::Kind::Op, o, line_});
            p += n;
            matched = true;
            break;
          }
        }
        if (!matched) fail(std::string("unexpected character '") + c + "'");
      }
    }
  }

  std::size_t lex_string(std::size_t p) {
    const char quote = s_[p++];
    std::string value;
    while (true) {
      if (p >= s_.size()) fail("a string is not closed");
      const char c = s_[p++];
      if (c == quote) break;
      if (c == '\n') ++line_;
      if (c != '\\') {
        value += c;
        continue;
      }
      if (p >= s_.size()) fail("a string is not closed");
      const char e = s_[p++];
      switch (e) {
        case 'n': value += '\n'; break;
        case 't': value += '\t'; break;
        case 'r': value += '\r'; break;
        case '\\': value += '\\'; break;
        case '\'': value += '\''; break;
        case '"': value += '"'; break;
        case '\n': break;  // a backslash-newline continues the string
        case 'u':
        case 'x': {
          const int n = e == 'u' ? 4 : 2;
          if (p + static_cast<std::size_t>(n) > s_.size()) fail("a short \\" + std::string(1, e) + " escape");
          std::uint32_t cp = 0;
          for (int k = 0; k < n; ++k) {
            const char h = s_[p + static_cast<std::size_t>(k)];
            if (!std::isxdigit(static_cast<unsigned char>(h))) fail(std::string("a bad \\") + e + " escape in a string");
            cp = cp * 16 + static_cast<std::uint32_t>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
          }
          p += static_cast<std::size_t>(n);
          value += utf8_encode(cp);
          break;
        }
        default: value += '\\'; value += e;  // Python keeps unknown escapes as they are
      }
    }
    out_.push_back({Token::Kind::String, value, line_});
    return p;
  }

  const std::string& s_;
  const std::string& origin_;
  std::vector<Token> out_;
  int line_ = 1;
  mutable std::size_t counted_to_ = 0;  // line_at: bytes counted so far, and their line
  mutable int counted_line_ = 1;
};

}  // namespace

std::vector<Token> lex_template(const std::string& text, const std::string& origin) {
  return Lexer(text, origin).run();
}

}  // namespace tb::jinja
