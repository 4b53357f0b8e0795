// Byte-level BPE (see bpe_tokenizer.h). The merge loop follows tokenizers' BPE model: the
// pair with the lowest merge rank is merged first, leftmost on ties, until no pair has a rank.
#include "core/text/bpe_tokenizer.h"

#include <limits>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/gguf.h"
#include "core/io/json_number.h"
#include "core/text/byte_level.h"

namespace tb {
namespace {

constexpr std::size_t kCacheLimit = 1 << 16;

std::uint64_t pair_key(TokenId a, TokenId b) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) << 32) | static_cast<std::uint32_t>(b);
}

}  // namespace

void BpeTokenizer::set_vocab(std::vector<std::string> tokens, const std::string& source) {
  id_to_token_ = std::move(tokens);
  token_to_id_.reserve(id_to_token_.size());
  for (std::size_t i = 0; i < id_to_token_.size(); ++i) {
    token_to_id_.emplace(id_to_token_[i], static_cast<TokenId>(i));
  }
  if (id_to_token_.empty()) throw FormatError("the vocabulary is empty", {source, 0, "vocab"});
}

void BpeTokenizer::add_merge(const std::string& left, const std::string& right, std::int32_t rank,
                             const std::string& source) {
  const auto l = token_to_id_.find(left), r = token_to_id_.find(right);
  const auto m = token_to_id_.find(left + right);
  if (l == token_to_id_.end() || r == token_to_id_.end() || m == token_to_id_.end()) {
    throw FormatError("merge " + std::to_string(rank) + " (\"" + left + "\" + \"" + right +
                          "\") uses a token that is not in the vocabulary", {source, 0, "merges"});
  }
  merges_.emplace(pair_key(l->second, r->second), Merge{rank, m->second});  // first rank wins
  merge_list_.emplace_back(left, right);
}

std::unique_ptr<BpeTokenizer> BpeTokenizer::from_tokenizer_json(const nlohmann::json& json, const std::string& source) {
  auto t = std::unique_ptr<BpeTokenizer>(new BpeTokenizer());
  try {
    const auto& model = json.at("model");
    if (model.value("type", std::string()) != "BPE") {
      throw FormatError("model type \"" + model.value("type", std::string()) +
                            "\" is not byte-level BPE", {source, 0, "model.type"});
    }
    if (model.value("byte_fallback", false)) {
      throw FormatError("byte_fallback BPE (SentencePiece-style) is not supported in tokenizer.json; "
                        "use the model's tokenizer.model", {source, 0, "model.byte_fallback"});
    }
    t->normalizer_ = Normalizer::from_tokenizer_json(json.at("normalizer"), source);
    t->normalizer_spec_ = json.at("normalizer").dump();
    // 1. Vocabulary: token -> id, ids dense from 0 (added tokens may extend it).
    std::vector<std::string> tokens;
    for (const auto& [text, id] : model.at("vocab").items()) {
      const auto i = json_integer<std::int64_t>(id).value_or(-1);
      if (i < 0 || i > (1 << 24)) throw FormatError("token id out of range", {source, 0, "model.vocab." + text});
      if (static_cast<std::size_t>(i) >= tokens.size()) tokens.resize(i + 1);
      tokens[i] = text;
    }
    for (const auto& a : json.value("added_tokens", nlohmann::json::array())) {
      const auto i = json_integer<std::int64_t>(a.at("id")).value_or(-1);
      if (i < 0 || i > (1 << 24)) throw FormatError("added token id out of range", {source, 0, "added_tokens"});
      if (static_cast<std::size_t>(i) >= tokens.size()) tokens.resize(i + 1);
      tokens[i] = a.at("content").get<std::string>();
    }
    t->set_vocab(std::move(tokens), source);
    // 2. Merges: "a b" strings (older files) or ["a", "b"] pairs (newer ones).
    std::int32_t rank = 0;
    for (const auto& m : model.at("merges")) {
      if (m.is_string()) {
        const std::string s = m.get<std::string>();
        const auto space = s.find(' ', 1);
        if (space == std::string::npos) throw FormatError("merge \"" + s + "\" has no space", {source, 0, "merges"});
        t->add_merge(s.substr(0, space), s.substr(space + 1), rank++, source);
      } else {
        t->add_merge(m.at(0).get<std::string>(), m.at(1).get<std::string>(), rank++, source);
      }
    }
    t->ignore_merges_ = model.value("ignore_merges", false);
    if (model.contains("unk_token") && model["unk_token"].is_string()) t->unk_ = t->token_id(model["unk_token"].get<std::string>());
    // 3. Pre-tokenizer and added tokens.
    t->pre_ = PreTokenizer::from_tokenizer_json(json.at("pre_tokenizer"), source);
    t->pre_spec_ = json.at("pre_tokenizer").dump();
    for (const auto& a : json.value("added_tokens", nlohmann::json::array())) {
      t->added_.add({a.at("content").get<std::string>(), *json_integer<TokenId>(a.at("id")), a.value("special", false),
                     a.value("lstrip", false), a.value("rstrip", false), a.value("single_word", false)});
    }
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(std::string("malformed tokenizer.json: ") + e.what(), {source});
  }
  return t;
}

std::unique_ptr<BpeTokenizer> BpeTokenizer::from_gguf(const GgufFile& gguf) {
  return from_gguf_header(gguf.header(), gguf.path().string());
}

std::unique_ptr<BpeTokenizer> BpeTokenizer::from_gguf_header(const GgufHeader& header, const std::string& source) {
  auto t = std::unique_ptr<BpeTokenizer>(new BpeTokenizer());
  const auto find = [&](const char* key) { return find_metadata(header, key); };
  const GgufValue* tokens = find("tokenizer.ggml.tokens");
  const GgufValue* merges = find("tokenizer.ggml.merges");
  if (tokens == nullptr || merges == nullptr) {
    throw FormatError("a gpt2 tokenizer needs tokenizer.ggml.tokens and tokenizer.ggml.merges", {source});
  }
  // 1. Vocabulary and merges ("a b" strings in rank order).
  std::vector<std::string> vocab;
  for (const auto& v : tokens->as_array("tokenizer.ggml.tokens")) vocab.push_back(v.as_string("tokenizer.ggml.tokens"));
  t->set_vocab(std::move(vocab), source);
  std::int32_t rank = 0;
  for (const auto& v : merges->as_array("tokenizer.ggml.merges")) {
    const std::string& s = v.as_string("tokenizer.ggml.merges");
    const auto space = s.find(' ', 1);
    if (space == std::string::npos) throw FormatError("merge \"" + s + "\" has no space", {source, 0, "tokenizer.ggml.merges"});
    t->add_merge(s.substr(0, space), s.substr(space + 1), rank++, source);
  }
  // 2. Control (3) and user-defined (4) tokens are matched whole in text, as added tokens.
  if (const GgufValue* types = find("tokenizer.ggml.token_type")) {
    const auto& list = types->as_array("tokenizer.ggml.token_type");
    for (std::size_t i = 0; i < list.size() && i < t->id_to_token_.size(); ++i) {
      const auto type = list[i].as_int("tokenizer.ggml.token_type");
      if (type == 3 || type == 4) {
        t->added_.add({t->id_to_token_[i], static_cast<TokenId>(i), type == 3, false, false, false});
      }
    }
  }
  const GgufValue* pre = find("tokenizer.ggml.pre");
  const std::string pre_name = pre ? pre->as_string("tokenizer.ggml.pre") : "default";
  const nlohmann::json pre_spec = PreTokenizer::gguf_pre_as_tokenizer_json(pre_name, source);
  t->pre_ = PreTokenizer::from_tokenizer_json(pre_spec, source);
  t->pre_spec_ = pre_spec.dump();
  // 3. Special ids.
  auto id_of = [&](const char* key) -> std::optional<TokenId> {
    const GgufValue* v = find(key);
    if (v == nullptr) return std::nullopt;
    const auto id = v->as_int(key);
    if (id < 0 || id >= t->vocab_size()) throw FormatError("token id out of range", {source, 0, key});
    return static_cast<TokenId>(id);
  };
  t->special_.bos = id_of("tokenizer.ggml.bos_token_id");
  t->special_.eos = id_of("tokenizer.ggml.eos_token_id");
  t->special_.pad = id_of("tokenizer.ggml.padding_token_id");
  t->special_.unk = id_of("tokenizer.ggml.unknown_token_id");
  if (const GgufValue* v = find("tokenizer.ggml.add_bos_token")) {
    t->special_.add_bos = v->as_bool("tokenizer.ggml.add_bos_token");
  }
  return t;
}

void BpeTokenizer::encode_word(const std::string& word, std::vector<TokenId>& out) const {
  {
    std::lock_guard lock(cache_mutex_);
    if (const auto it = cache_.find(word); it != cache_.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  // 1. The word in the byte-level alphabet, one symbol per byte.
  const std::string mapped = bytes_to_byte_level(word);
  std::vector<TokenId> symbols;
  if (const auto whole = token_to_id_.find(mapped); ignore_merges_ && whole != token_to_id_.end()) {
    symbols.push_back(whole->second);
  } else {
    for (unsigned char c : word) {
      const auto it = token_to_id_.find(byte_to_unicode(c));
      if (it != token_to_id_.end()) symbols.push_back(it->second);
      else if (unk_) symbols.push_back(*unk_);
    }
    // 2. Merge the lowest-ranked adjacent pair (leftmost on ties) until none has a rank.
    while (symbols.size() > 1) {
      std::int32_t best_rank = std::numeric_limits<std::int32_t>::max();
      std::size_t best_at = 0;
      TokenId best_merged = 0;
      for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
        const auto it = merges_.find(pair_key(symbols[i], symbols[i + 1]));
        if (it != merges_.end() && it->second.rank < best_rank) {
          best_rank = it->second.rank;
          best_at = i;
          best_merged = it->second.merged;
        }
      }
      if (best_rank == std::numeric_limits<std::int32_t>::max()) break;
      symbols[best_at] = best_merged;
      symbols.erase(symbols.begin() + static_cast<std::ptrdiff_t>(best_at) + 1);
    }
  }
  out.insert(out.end(), symbols.begin(), symbols.end());
  std::lock_guard lock(cache_mutex_);
  if (cache_.size() >= kCacheLimit) cache_.clear();
  cache_.emplace(word, std::move(symbols));
}

std::vector<TokenId> BpeTokenizer::encode(std::string_view text, bool parse_special) const {
  std::vector<TokenId> out;
  for (const TextPiece& piece : added_.split(text, parse_special)) {
    if (piece.added) {
      out.push_back(*piece.added);
      continue;
    }
    const std::string text = normalizer_.identity() ? std::string(piece.text) : normalizer_.apply(piece.text);
    for (const std::string& word : pre_.split(text)) encode_word(word, out);
  }
  return out;
}

std::string BpeTokenizer::token_bytes(TokenId id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= id_to_token_.size()) return {};
  if (const AddedToken* a = added_.find(id)) return a->content;
  const std::string& text = id_to_token_[id];
  const auto bytes = byte_level_to_bytes(text);
  return bytes ? *bytes : text;
}

std::string BpeTokenizer::decode(std::span<const TokenId> ids, bool skip_special) const {
  std::string out;
  for (TokenId id : ids) {
    if (skip_special && is_special(id)) continue;
    out += token_bytes(id);
  }
  return out;
}

std::string BpeTokenizer::token_text(TokenId id) const {
  return id >= 0 && static_cast<std::size_t>(id) < id_to_token_.size() ? id_to_token_[id] : std::string();
}

std::optional<TokenId> BpeTokenizer::token_id(std::string_view text) const {
  const auto it = token_to_id_.find(std::string(text));
  return it == token_to_id_.end() ? std::nullopt : std::optional<TokenId>(it->second);
}

bool BpeTokenizer::is_special(TokenId id) const {
  const AddedToken* a = added_.find(id);
  return a != nullptr && a->special;
}

}  // namespace tb

namespace tb {

nlohmann::json BpeTokenizer::to_tokenizer_json() const {
  nlohmann::ordered_json vocab = nlohmann::ordered_json::object();
  // Added tokens stay in the model's vocabulary too (as tokenizers writes them); otherwise
  // tokenizers gives them new ids past the end.
  for (std::size_t i = 0; i < id_to_token_.size(); ++i) vocab[id_to_token_[i]] = i;
  nlohmann::json merges = nlohmann::json::array();
  for (const auto& [a, b] : merge_list_) merges.push_back({a, b});
  nlohmann::json added = nlohmann::json::array();
  for (const AddedToken& a : added_.all()) {
    added.push_back({{"id", a.id}, {"content", a.content}, {"single_word", a.single_word}, {"lstrip", a.lstrip},
                     {"rstrip", a.rstrip}, {"normalized", false}, {"special", a.special}});
  }
  return {{"version", "1.0"},
          {"truncation", nullptr},
          {"padding", nullptr},
          {"added_tokens", added},
          {"normalizer", nlohmann::json::parse(normalizer_spec_)},
          {"pre_tokenizer", nlohmann::json::parse(pre_spec_)},
          {"post_processor", nullptr},
          {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}}},
          {"model", {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr},
                     {"continuing_subword_prefix", nullptr}, {"end_of_word_suffix", nullptr}, {"fuse_unk", false},
                     {"byte_fallback", false}, {"ignore_merges", ignore_merges_}, {"vocab", vocab},
                     {"merges", merges}}}};
}

}  // namespace tb
