// Unicode normalisation in front of a tokenizer, as tokenizer.json's "normalizer" asks: none,
// NFC, NFD, NFKC, NFKD, or a Sequence of them (Qwen2's tokenizer.json uses NFC). Through ICU;
// a build without ICU refuses such tokenizers with a clear error.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace tb {

class Normalizer {
 public:
  enum class Form { NFC, NFD, NFKC, NFKD };

  // null -> identity. Throws tb::FormatError naming `source` for anything else.
  static Normalizer from_tokenizer_json(const nlohmann::json& spec, const std::string& source);

  bool identity() const { return forms_.empty(); }
  std::string apply(std::string_view text) const;
  const std::vector<Form>& forms() const { return forms_; }

 private:
  std::vector<Form> forms_;
};

}  // namespace tb
