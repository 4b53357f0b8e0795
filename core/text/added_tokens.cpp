// AddedTokens (see added_tokens.h).
#include "core/text/added_tokens.h"

#include <algorithm>

namespace tb {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_word_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || std::isalnum(u) || c == '_';
}

}  // namespace

void AddedTokens::add(AddedToken token) {
  if (token.content.empty()) return;
  by_id_[token.id] = tokens_.size();
  tokens_.push_back(std::move(token));
  auto& list = by_first_byte_[static_cast<unsigned char>(tokens_.back().content[0])];
  list.push_back(tokens_.size() - 1);
  std::stable_sort(list.begin(), list.end(), [this](std::size_t a, std::size_t b) {
    return tokens_[a].content.size() > tokens_[b].content.size();
  });
}

const AddedToken* AddedTokens::find(TokenId id) const {
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &tokens_[it->second];
}

std::vector<TextPiece> AddedTokens::split(std::string_view text, bool parse_special) const {
  // 1. Leftmost-longest matches of the added tokens, with their strip extents.
  struct Match {
    std::size_t begin, end;  // extent in text, including stripped whitespace
    std::size_t token;
  };
  std::vector<Match> matches;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto it = by_first_byte_.find(static_cast<unsigned char>(text[i]));
    bool matched = false;
    if (it != by_first_byte_.end()) {
      for (std::size_t idx : it->second) {
        const AddedToken& t = tokens_[idx];
        if (!parse_special && t.special) continue;
        if (text.compare(i, t.content.size(), t.content) != 0) continue;
        const std::size_t end = i + t.content.size();
        if (t.single_word && ((i > 0 && is_word_byte(text[i - 1])) ||
                              (end < text.size() && is_word_byte(text[end])))) {
          continue;
        }
        Match m{i, end, idx};
        if (t.lstrip) {
          const std::size_t floor = matches.empty() ? 0 : matches.back().end;
          while (m.begin > floor && is_space(text[m.begin - 1])) --m.begin;
        }
        if (t.rstrip) {
          while (m.end < text.size() && is_space(text[m.end])) ++m.end;
        }
        matches.push_back(m);
        i = m.end;
        matched = true;
        break;
      }
    }
    if (!matched) ++i;
  }
  // 2. Pieces: text between matches, and the matches themselves.
  std::vector<TextPiece> pieces;
  std::size_t at = 0;
  for (const Match& m : matches) {
    if (m.begin > at) pieces.push_back({text.substr(at, m.begin - at), std::nullopt, at});
    const AddedToken& t = tokens_[m.token];
    pieces.push_back({text.substr(m.begin, m.end - m.begin), t.id, m.begin});
    at = m.end;
  }
  if (at < text.size()) pieces.push_back({text.substr(at), std::nullopt, at});
  return pieces;
}

}  // namespace tb
