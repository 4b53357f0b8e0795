// Scores for generated text against a reference (exact match, token F1, ROUGE-L, corpus BLEU),
// used to compare a base and a tuned model on a test split. Plain C++ on bytes: ASCII is
// case-folded and split as described below; non-ASCII UTF-8 bytes are kept inside words as-is.
// Not a tokenizer for models and not a text normaliser for deduplication (core/data has that).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tb::train {

// ROUGE-L looks at no more than this many metric tokens of each text (the rest is ignored), so
// one runaway generation costs at most kMaxLcsTokens^2 = 16.8M table cells.
inline constexpr std::size_t kMaxLcsTokens = 4096;

// SQuAD-style normalisation: ASCII letters lowercased; ASCII punctuation deleted (so "don't"
// becomes "dont"); split on ASCII whitespace; the words "a", "an", "the" dropped. Bytes >= 0x80
// are kept as part of words (no Unicode case folding or Unicode punctuation removal).
std::vector<std::string> normalized_words(std::string_view text);

// True when normalized_words() of both texts are equal (so two empty/punctuation-only texts match).
bool exact_match(std::string_view prediction, std::string_view reference);

// SQuAD token F1 over normalized_words(): overlap = size of the multiset intersection,
// P = overlap / |prediction|, R = overlap / |reference|, F1 = 2PR / (P + R) (0 when overlap is 0).
// Both empty -> 1; exactly one empty -> 0.
double token_f1(std::string_view prediction, std::string_view reference);

// Tokens for ROUGE and BLEU: ASCII lowercased; a token is a maximal run of bytes that are ASCII
// [a-z0-9] or non-ASCII (>= 0x80); every other byte separates. For ASCII text this is
// rouge-score's default tokenizer without stemming; rouge-score drops non-ASCII, we keep it
// ("café" is one token here, "caf" there).
std::vector<std::string> metric_tokens(std::string_view text);

// Length of the longest common subsequence of two token lists, each cut to its first
// kMaxLcsTokens tokens. O(n*m) time, O(min(n, m)) memory.
std::size_t lcs_length(const std::vector<std::string>& a, const std::vector<std::string>& b);

// ROUGE-L F1 (beta = 1) on metric_tokens(): P = LCS / |prediction|, R = LCS / |reference|,
// F = 2PR / (P + R). Both texts are cut to kMaxLcsTokens tokens first (lengths too). 0 when either
// has no tokens or the LCS is 0.
double rouge_l(std::string_view prediction, std::string_view reference);

// Corpus BLEU-4 (Papineni et al. 2002) on metric_tokens(), one reference per prediction:
//   1. For n = 1..4 sum over the corpus: matched_n = clipped n-gram matches (each prediction
//      n-gram counts at most as often as it occurs in its reference), total_n = prediction n-grams.
//   2. p_n = matched_n / total_n; when matched_n is 0, sacrebleu's "exp" smoothing: the k-th such
//      order (k = 1, 2, ...) gets p_n = 1 / (2^k * total_n).
//   3. BP = 1 if c >= r else exp(1 - r / c), with c, r the total prediction / reference lengths.
//   4. BLEU = BP * exp(mean_n log p_n), in 0..1 (sacrebleu's score / 100).
// 0 for an empty corpus, no prediction tokens, or when some order has total_n = 0 (all predictions
// shorter than n tokens), as sacrebleu. Throws tb::Error when the two lists differ in size.
double corpus_bleu(const std::vector<std::string>& predictions,
                   const std::vector<std::string>& references);

struct TextScores {
  std::int64_t count = 0;  // pairs scored
  double exact_match = 0;  // fraction of pairs that match exactly, 0..1
  double token_f1 = 0;     // mean over pairs, 0..1
  double rouge_l = 0;      // mean over pairs, 0..1
  double bleu = 0;         // corpus BLEU-4, 0..1
  // Mean count of whitespace-separated words in the raw texts (no normalisation).
  double mean_prediction_words = 0, mean_reference_words = 0;
};

// All of the above over predictions[i] vs references[i]. An empty corpus gives all zeros.
// Throws tb::Error when the two lists differ in size.
TextScores score_texts(const std::vector<std::string>& predictions,
                       const std::vector<std::string>& references);

}  // namespace tb::train
