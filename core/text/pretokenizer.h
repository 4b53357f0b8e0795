// Pre-tokenization for byte-level BPE: split text into words before merges, as the
// tokenizers library does. Steps: Split by a regex (PCRE2 with Unicode properties; behaviours
// Isolated / Removed / MergedWithPrevious / MergedWithNext / Contiguous), Digits, and ByteLevel
// (the GPT-2 regex, optional prefix space). Built from tokenizer.json's "pre_tokenizer" or from
// a GGUF file's tokenizer.ggml.pre name (as llama.cpp maps them).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tb {

// The pre-tokenizer regexes we know (tokenizers / llama.cpp spellings).
extern const char* const kGpt2Pattern;
extern const char* const kLlama3Pattern;
extern const char* const kQwen2Pattern;

enum class SplitBehavior { Isolated, Removed, MergedWithPrevious, MergedWithNext, Contiguous };

class Regex;  // PCRE2, compiled once

struct PreTokenizerStep {
  enum class Kind { Split, Digits, ByteLevel } kind = Kind::Split;
  std::shared_ptr<const Regex> regex;  // Split; ByteLevel with use_regex
  SplitBehavior behavior = SplitBehavior::Isolated;
  bool invert = false;
  bool individual_digits = false;  // Digits
  bool add_prefix_space = false;   // ByteLevel
};

class PreTokenizer {
 public:
  // Throws tb::FormatError naming `source` for a pre-tokenizer type we do not support.
  static PreTokenizer from_tokenizer_json(const nlohmann::json& spec, const std::string& source);
  static PreTokenizer from_gguf_pre(const std::string& pre, const std::string& source);
  // The tokenizer.json "pre_tokenizer" for a GGUF pre name (what from_gguf_pre builds from);
  // throws tb::FormatError naming `source` for a name we do not know.
  static nlohmann::json gguf_pre_as_tokenizer_json(const std::string& pre, const std::string& source);

  // Words, in order; their concatenation is the text (except where a step removes).
  std::vector<std::string> split(std::string_view text) const;

 private:
  std::vector<PreTokenizerStep> steps_;
};

// Compiles a pattern with PCRE2 (UTF + UCP); throws tb::FormatError with PCRE2's message.
std::shared_ptr<const Regex> compile_regex(const std::string& pattern, const std::string& source);
// Match ranges [begin, end) of `regex` in `text`, left to right, non-overlapping.
std::vector<std::pair<std::size_t, std::size_t>> regex_matches(const Regex& regex, std::string_view text);

}  // namespace tb
