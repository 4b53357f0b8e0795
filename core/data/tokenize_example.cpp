// Tokenising examples (see tokenize_example.h).
#include "core/data/tokenize_example.h"

#include <algorithm>

namespace tb::data {

std::int64_t TokenizedExample::trained_count() const {
  return std::count(trained.begin(), trained.end(), std::uint8_t{1});
}

TokenizedExample tokenize_example(const Example& e, const Tokenizer& tokenizer, const ChatFormat& format,
                                  const TokenizeOptions& o) {
  TokenizedExample out;
  auto append = [&](const std::vector<TokenId>& ids, bool trained) {
    out.ids.insert(out.ids.end(), ids.begin(), ids.end());
    out.trained.insert(out.trained.end(), ids.size(), trained || o.train_on_all ? 1 : 0);
  };
  const auto& sp = tokenizer.special();
  if (e.is_chat()) {
    // 1. The chat rendering, with where each trainable segment lies in it.
    const auto segments = format.render_segments(e.messages, /*add_generation_prompt=*/false);
    std::string rendered;
    std::vector<std::pair<std::size_t, std::size_t>> trainable;  // byte ranges
    for (const auto& s : segments) {
      if (s.trainable) trainable.emplace_back(rendered.size(), rendered.size() + s.text.size());
      rendered += s.text;
    }
    // 2. BOS first when the model wants it and the format did not write it.
    if (needs_bos(tokenizer, rendered)) append({*sp.bos}, false);
    // 3. The whole rendering encoded at once (segment by segment would tokenise differently
    //    where a turn starts with spaces); a token is trained when its first byte lies in a
    //    trainable segment. Its bytes locate it; should they not spell the text (a tokenizer
    //    that normalises), each segment is encoded on its own instead.
    const auto ids = tokenizer.encode(rendered, /*parse_special=*/true);
    std::vector<std::size_t> starts;
    std::string spelled;
    for (const auto id : ids) {
      starts.push_back(spelled.size());
      spelled += tokenizer.token_bytes(id);
    }
    if (spelled == rendered) {
      std::size_t r = 0;
      for (std::size_t i = 0; i < ids.size(); ++i) {
        while (r < trainable.size() && trainable[r].second <= starts[i]) ++r;
        append({ids[i]}, r < trainable.size() && trainable[r].first <= starts[i]);
      }
    } else {
      for (const auto& s : segments) append(tokenizer.encode(s.text, /*parse_special=*/true), s.trainable);
    }
  } else {
    if (sp.add_bos && sp.bos) append({*sp.bos}, false);
    append(tokenizer.encode(e.text, /*parse_special=*/false), true);
    if (sp.eos) append({*sp.eos}, true);
  }
  if (o.max_tokens > 0 && static_cast<std::int64_t>(out.ids.size()) > o.max_tokens) {
    out.truncated = static_cast<std::int64_t>(out.ids.size()) - o.max_tokens;
    out.ids.resize(static_cast<std::size_t>(o.max_tokens));
    out.trained.resize(static_cast<std::size_t>(o.max_tokens));
  }
  return out;
}

}  // namespace tb::data
