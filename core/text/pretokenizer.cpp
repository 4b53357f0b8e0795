// Pre-tokenization (see pretokenizer.h). The regexes are tokenizers' and llama.cpp's, compiled
// with PCRE2 in UTF mode with Unicode properties (\p{L}, \p{N}) and lookahead.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "core/text/pretokenizer.h"

#include <pcre2.h>

#include <nlohmann/json.hpp>

#include "core/common/error.h"

namespace tb {

const char* const kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
const char* const kLlama3Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char* const kQwen2Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

class Regex {
 public:
  Regex(const std::string& pattern, std::uint32_t extra_options, const std::string& source) {
    int error = 0;
    PCRE2_SIZE offset = 0;
    code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.c_str()), pattern.size(),
                          PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK | extra_options, &error, &offset, nullptr);
    if (code_ == nullptr) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(error, message, sizeof(message));
      throw FormatError("regex does not compile at offset " + std::to_string(offset) + ": " +
                            reinterpret_cast<const char*>(message), {source, 0, "pre_tokenizer"});
    }
    pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE);  // best effort; the interpreter is the fallback
  }
  ~Regex() { pcre2_code_free(code_); }
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  pcre2_code* code() const { return code_; }

 private:
  pcre2_code* code_ = nullptr;
};

std::shared_ptr<const Regex> compile_regex(const std::string& pattern, const std::string& source) {
  return std::make_shared<const Regex>(pattern, 0, source);
}

std::vector<std::pair<std::size_t, std::size_t>> regex_matches(const Regex& regex, std::string_view text) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(regex.code(), nullptr);
  std::size_t at = 0;
  while (at <= text.size()) {
    // Invalid UTF-8 in the input is the caller's to reject; PCRE2_NO_UTF_CHECK is not passed
    // here so that PCRE2 refuses it instead of reading past a sequence.
    const int rc = pcre2_match(regex.code(), reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), at, 0, md, nullptr);
    if (rc < 0) break;
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    const std::size_t begin = ov[0], end = ov[1];
    if (end == begin) {
      // Empty match: step one character forward.
      at = begin + 1;
      while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
      continue;
    }
    out.emplace_back(begin, end);
    at = end;
  }
  pcre2_match_data_free(md);
  return out;
}

namespace {

// Splits one piece by a regex with a tokenizers behaviour.
void split_piece(std::string_view piece, const Regex& regex, SplitBehavior behavior, bool invert,
                 std::vector<std::string>& out) {
  // 1. Segments covering the piece, each marked as match or not.
  struct Segment {
    std::size_t begin, end;
    bool match;
  };
  std::vector<Segment> segs;
  std::size_t at = 0;
  for (const auto& [b, e] : regex_matches(regex, piece)) {
    if (b > at) segs.push_back({at, b, invert});
    segs.push_back({b, e, !invert});
    at = e;
  }
  if (at < piece.size()) segs.push_back({at, piece.size(), invert});
  // 2. Combine by behaviour.
  std::vector<std::string> words;
  bool prev_match = false;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const Segment& s = segs[i];
    const std::string_view text = piece.substr(s.begin, s.end - s.begin);
    switch (behavior) {
      case SplitBehavior::Isolated:
        words.emplace_back(text);
        break;
      case SplitBehavior::Removed:
        if (!s.match) words.emplace_back(text);
        break;
      case SplitBehavior::MergedWithPrevious:
        if (s.match && !words.empty()) words.back() += text;
        else words.emplace_back(text);
        break;
      case SplitBehavior::MergedWithNext:
        if (!words.empty() && prev_match) words.back() += text;
        else words.emplace_back(text);
        break;
      case SplitBehavior::Contiguous:
        if (s.match && prev_match && !words.empty()) words.back() += text;
        else words.emplace_back(text);
        break;
    }
    prev_match = s.match;
  }
  for (auto& w : words) {
    if (!w.empty()) out.push_back(std::move(w));
  }
}

SplitBehavior parse_behavior(const std::string& name, const std::string& source) {
  if (name == "Isolated") return SplitBehavior::Isolated;
  if (name == "Removed") return SplitBehavior::Removed;
  if (name == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
  if (name == "MergedWithNext") return SplitBehavior::MergedWithNext;
  if (name == "Contiguous") return SplitBehavior::Contiguous;
  throw FormatError("split behaviour \"" + name + "\" is not supported", {source, 0, "pre_tokenizer"});
}

void add_steps(const nlohmann::json& spec, const std::string& source, std::vector<PreTokenizerStep>& steps) {
  if (spec.is_null()) return;
  const std::string type = spec.value("type", std::string());
  PreTokenizerStep step;
  if (type == "Sequence") {
    for (const auto& sub : spec.at("pretokenizers")) add_steps(sub, source, steps);
    return;
  }
  if (type == "ByteLevel") {
    step.kind = PreTokenizerStep::Kind::ByteLevel;
    step.add_prefix_space = spec.value("add_prefix_space", false);
    if (spec.value("use_regex", true)) step.regex = compile_regex(kGpt2Pattern, source);
  } else if (type == "Split") {
    step.kind = PreTokenizerStep::Kind::Split;
    const auto& pattern = spec.at("pattern");
    if (pattern.contains("Regex")) {
      step.regex = compile_regex(pattern.at("Regex").get<std::string>(), source);
    } else if (pattern.contains("String")) {
      step.regex = std::make_shared<const Regex>(pattern.at("String").get<std::string>(), PCRE2_LITERAL, source);
    } else {
      throw FormatError("a Split pattern must be Regex or String", {source, 0, "pre_tokenizer"});
    }
    step.behavior = parse_behavior(spec.value("behavior", std::string("Isolated")), source);
    step.invert = spec.value("invert", false);
  } else if (type == "Digits") {
    step.kind = PreTokenizerStep::Kind::Digits;
    step.individual_digits = spec.value("individual_digits", false);
    step.regex = compile_regex(step.individual_digits ? R"(\p{N})" : R"(\p{N}+)", source);
  } else {
    throw FormatError("pre-tokenizer \"" + type + "\" is not supported for byte-level BPE "
                      "(supported: ByteLevel, Split, Digits, Sequence)", {source, 0, "pre_tokenizer"});
  }
  steps.push_back(step);
}

}  // namespace

PreTokenizer PreTokenizer::from_tokenizer_json(const nlohmann::json& spec, const std::string& source) {
  PreTokenizer p;
  try {
    add_steps(spec, source, p.steps_);
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(std::string("malformed pre_tokenizer: ") + e.what(), {source, 0, "pre_tokenizer"});
  }
  return p;
}

nlohmann::json PreTokenizer::gguf_pre_as_tokenizer_json(const std::string& pre, const std::string& source) {
  // After llama.cpp's llama-vocab.cpp pre-type table, for the families we support, spelled as
  // the tokenizer.json that splits the same way.
  const nlohmann::json byte_level = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true},
                                     {"use_regex", true}};
  auto split_then_bytes = [](const char* pattern) {
    return nlohmann::json{{"type", "Sequence"},
                          {"pretokenizers",
                           {{{"type", "Split"}, {"pattern", {{"Regex", pattern}}}, {"behavior", "Isolated"}, {"invert", false}},
                            {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", false}}}}};
  };
  if (pre.empty() || pre == "default" || pre == "gpt2" || pre == "gpt-2") return byte_level;
  if (pre == "llama3" || pre == "llama-bpe" || pre == "llama-v3" || pre == "smaug-bpe") return split_then_bytes(kLlama3Pattern);
  if (pre == "qwen2" || pre == "deepseek-r1-qwen") return split_then_bytes(kQwen2Pattern);
  if (pre == "smollm" || pre == "starcoder" || pre == "refact") {
    return {{"type", "Sequence"}, {"pretokenizers", {{{"type", "Digits"}, {"individual_digits", true}}, byte_level}}};
  }
  throw FormatError("GGUF pre-tokenizer \"" + pre + "\" is not supported (gpt2, llama3, qwen2, smollm are)",
                    {source, 0, "tokenizer.ggml.pre"});
}

PreTokenizer PreTokenizer::from_gguf_pre(const std::string& pre, const std::string& source) {
  return from_tokenizer_json(gguf_pre_as_tokenizer_json(pre, source), source);
}

std::vector<std::string> PreTokenizer::split(std::string_view text) const {
  std::vector<std::string> pieces{std::string(text)};
  for (const PreTokenizerStep& step : steps_) {
    std::vector<std::string> next;
    for (const std::string& piece : pieces) {
      if (step.kind == PreTokenizerStep::Kind::ByteLevel) {
        const std::string with_prefix = (step.add_prefix_space && (piece.empty() || piece[0] != ' ')) ? " " + piece : piece;
        if (step.regex) split_piece(with_prefix, *step.regex, SplitBehavior::Isolated, false, next);
        else next.push_back(with_prefix);
      } else {
        split_piece(piece, *step.regex, step.behavior, step.invert, next);
      }
    }
    pieces = std::move(next);
  }
  return pieces;
}

}  // namespace tb
