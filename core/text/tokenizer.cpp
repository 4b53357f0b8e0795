// StreamingDecoder (see tokenizer.h).
#include "core/text/tokenizer.h"

namespace tb {

std::size_t complete_utf8_prefix(std::string_view bytes) {
  // Walk back from the end over at most 3 continuation bytes to the last lead byte; if its
  // sequence is not complete, cut before it.
  const std::size_t n = bytes.size();
  std::size_t i = n;
  int continuation = 0;
  while (i > 0 && continuation < 4) {
    const auto c = static_cast<unsigned char>(bytes[i - 1]);
    if ((c & 0xC0) != 0x80) {
      const int need = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
      return (n - (i - 1)) >= static_cast<std::size_t>(need) ? n : i - 1;
    }
    --i;
    ++continuation;
  }
  return n;  // only continuation bytes: invalid, let them through
}

bool needs_bos(const Tokenizer& t, std::string_view rendered) {
  const auto& sp = t.special();
  return sp.add_bos && sp.bos && !rendered.starts_with(t.token_text(*sp.bos));
}

std::string StreamingDecoder::push(TokenId id) {
  if (skip_special_ && tokenizer_.is_special(id)) return {};
  std::string bytes = tokenizer_.token_bytes(id);
  if (first_ && tokenizer_.strips_leading_space() && !bytes.empty() && bytes.front() == ' ') {
    bytes.erase(0, 1);
  }
  first_ = false;
  pending_ += bytes;
  const std::size_t ready = complete_utf8_prefix(pending_);
  std::string out = pending_.substr(0, ready);
  pending_.erase(0, ready);
  return out;
}

std::string StreamingDecoder::finish() {
  std::string out;
  if (!pending_.empty()) out = "\xEF\xBF\xBD";
  pending_.clear();
  return out;
}

}  // namespace tb
