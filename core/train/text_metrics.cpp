// Text scores for generated vs reference text (text_metrics.h).
#include "core/train/text_metrics.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>

#include "core/common/error.h"

namespace tb::train {
namespace {

constexpr int kBleuMaxOrder = 4;

bool is_ascii_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// Python's string.punctuation: every printable ASCII byte that is not a letter, digit or space.
bool is_ascii_punct(unsigned char c) {
  return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
         (c >= 0x7B && c <= 0x7E);
}

unsigned char ascii_lower(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c - 'A' + 'a') : c;
}

bool is_metric_token_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

void check_same_size(std::size_t predictions, std::size_t references) {
  if (predictions != references) {
    throw Error("got " + std::to_string(predictions) + " predictions but " +
                    std::to_string(references) + " references; they must pair up one to one",
                {{}, 0, "references"});
  }
}

std::int64_t count_raw_words(std::string_view text) {
  std::int64_t words = 0;
  bool in_word = false;
  for (char ch : text) {
    const bool space = is_ascii_space(static_cast<unsigned char>(ch));
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

// Counts of every n-gram (n tokens joined by single spaces; tokens never contain spaces).
std::unordered_map<std::string, std::int64_t> ngram_counts(const std::vector<std::string>& tokens,
                                                           int n) {
  std::unordered_map<std::string, std::int64_t> counts;
  const std::size_t order = static_cast<std::size_t>(n);
  if (tokens.size() < order) return counts;
  for (std::size_t i = 0; i + order <= tokens.size(); ++i) {
    std::string key = tokens[i];
    for (std::size_t j = 1; j < order; ++j) {
      key += ' ';
      key += tokens[i + j];
    }
    ++counts[key];
  }
  return counts;
}

}  // namespace

std::vector<std::string> normalized_words(std::string_view text) {
  // 1. Lowercase ASCII, delete ASCII punctuation, split on ASCII whitespace.
  std::vector<std::string> words;
  std::string current;
  auto flush = [&] {
    // 2. Drop the articles (after punctuation removal, as SQuAD does: "the." is an article).
    if (!current.empty() && current != "a" && current != "an" && current != "the") {
      words.push_back(current);
    }
    current.clear();
  };
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_ascii_space(c)) {
      flush();
    } else if (!is_ascii_punct(c)) {
      current += static_cast<char>(ascii_lower(c));
    }
  }
  flush();
  return words;
}

bool exact_match(std::string_view prediction, std::string_view reference) {
  return normalized_words(prediction) == normalized_words(reference);
}

double token_f1(std::string_view prediction, std::string_view reference) {
  const std::vector<std::string> pred = normalized_words(prediction);
  const std::vector<std::string> ref = normalized_words(reference);
  if (pred.empty() && ref.empty()) return 1.0;
  if (pred.empty() || ref.empty()) return 0.0;
  // 1. Multiset intersection size: each prediction word uses up one unmatched reference copy.
  std::unordered_map<std::string, std::int64_t> ref_counts;
  for (const auto& w : ref) ++ref_counts[w];
  std::int64_t overlap = 0;
  for (const auto& w : pred) {
    auto it = ref_counts.find(w);
    if (it != ref_counts.end() && it->second > 0) {
      --it->second;
      ++overlap;
    }
  }
  if (overlap == 0) return 0.0;
  // 2. F1 from precision and recall.
  const double precision = static_cast<double>(overlap) / static_cast<double>(pred.size());
  const double recall = static_cast<double>(overlap) / static_cast<double>(ref.size());
  return 2.0 * precision * recall / (precision + recall);
}

std::vector<std::string> metric_tokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::string current;
  for (char ch : text) {
    const unsigned char c = ascii_lower(static_cast<unsigned char>(ch));
    if (is_metric_token_byte(c)) {
      current += static_cast<char>(c);
    } else if (!current.empty()) {
      tokens.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  return tokens;
}

std::size_t lcs_length(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const std::size_t n_a = std::min(a.size(), kMaxLcsTokens);
  const std::size_t n_b = std::min(b.size(), kMaxLcsTokens);
  // 1. Keep one DP row over the shorter list; walk the longer one.
  const bool a_shorter = n_a <= n_b;
  const std::vector<std::string>& row_tokens = a_shorter ? a : b;
  const std::vector<std::string>& col_tokens = a_shorter ? b : a;
  const std::size_t n_row = a_shorter ? n_a : n_b;
  const std::size_t n_col = a_shorter ? n_b : n_a;
  if (n_row == 0) return 0;
  // row[j] = LCS of col_tokens[0..i) and row_tokens[0..j); row[0] stays 0.
  std::vector<std::size_t> row(n_row + 1, 0);
  for (std::size_t i = 0; i < n_col; ++i) {
    // 2. diag holds the previous row's value at j-1 (dp[i-1][j-1]) before it is overwritten.
    std::size_t diag = 0;
    for (std::size_t j = 1; j <= n_row; ++j) {
      const std::size_t up = row[j];
      row[j] = (col_tokens[i] == row_tokens[j - 1]) ? diag + 1 : std::max(up, row[j - 1]);
      diag = up;
    }
  }
  return row[n_row];
}

double rouge_l(std::string_view prediction, std::string_view reference) {
  const std::vector<std::string> pred = metric_tokens(prediction);
  const std::vector<std::string> ref = metric_tokens(reference);
  const std::size_t n_pred = std::min(pred.size(), kMaxLcsTokens);
  const std::size_t n_ref = std::min(ref.size(), kMaxLcsTokens);
  if (n_pred == 0 || n_ref == 0) return 0.0;
  const std::size_t lcs = lcs_length(pred, ref);
  if (lcs == 0) return 0.0;
  const double precision = static_cast<double>(lcs) / static_cast<double>(n_pred);
  const double recall = static_cast<double>(lcs) / static_cast<double>(n_ref);
  return 2.0 * precision * recall / (precision + recall);
}

double corpus_bleu(const std::vector<std::string>& predictions,
                   const std::vector<std::string>& references) {
  check_same_size(predictions.size(), references.size());
  // 1. Clipped matches and totals per order, and the two lengths, summed over the corpus.
  std::int64_t matched[kBleuMaxOrder] = {};
  std::int64_t total[kBleuMaxOrder] = {};
  std::int64_t prediction_length = 0;
  std::int64_t reference_length = 0;
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    const std::vector<std::string> pred = metric_tokens(predictions[i]);
    const std::vector<std::string> ref = metric_tokens(references[i]);
    prediction_length += static_cast<std::int64_t>(pred.size());
    reference_length += static_cast<std::int64_t>(ref.size());
    for (int n = 1; n <= kBleuMaxOrder; ++n) {
      const auto pred_counts = ngram_counts(pred, n);
      const auto ref_counts = ngram_counts(ref, n);
      for (const auto& [gram, count] : pred_counts) {
        total[n - 1] += count;
        auto it = ref_counts.find(gram);
        if (it != ref_counts.end()) matched[n - 1] += std::min(count, it->second);
      }
    }
  }
  if (prediction_length == 0) return 0.0;
  // 2. Precisions with "exp" smoothing for orders with no match; an order with no n-grams at all
  //    makes the geometric mean 0 (sacrebleu without effective_order).
  double log_sum = 0.0;
  double smooth = 1.0;
  for (int n = 0; n < kBleuMaxOrder; ++n) {
    if (total[n] == 0) return 0.0;
    double precision = 0.0;
    if (matched[n] == 0) {
      smooth *= 2.0;
      precision = 1.0 / (smooth * static_cast<double>(total[n]));
    } else {
      precision = static_cast<double>(matched[n]) / static_cast<double>(total[n]);
    }
    log_sum += std::log(precision);
  }
  // 3. Brevity penalty from the total lengths.
  double brevity = 1.0;
  if (prediction_length < reference_length) {
    brevity = std::exp(1.0 - static_cast<double>(reference_length) /
                                 static_cast<double>(prediction_length));
  }
  // 4. Geometric mean of the four precisions, uniform weights.
  return brevity * std::exp(log_sum / kBleuMaxOrder);
}

TextScores score_texts(const std::vector<std::string>& predictions,
                       const std::vector<std::string>& references) {
  check_same_size(predictions.size(), references.size());
  TextScores scores;
  scores.count = static_cast<std::int64_t>(predictions.size());
  if (predictions.empty()) return scores;
  std::int64_t matches = 0;
  std::int64_t prediction_words = 0;
  std::int64_t reference_words = 0;
  double f1_sum = 0.0;
  double rouge_sum = 0.0;
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    if (exact_match(predictions[i], references[i])) ++matches;
    f1_sum += token_f1(predictions[i], references[i]);
    rouge_sum += rouge_l(predictions[i], references[i]);
    prediction_words += count_raw_words(predictions[i]);
    reference_words += count_raw_words(references[i]);
  }
  const double n = static_cast<double>(predictions.size());
  scores.exact_match = static_cast<double>(matches) / n;
  scores.token_f1 = f1_sum / n;
  scores.rouge_l = rouge_sum / n;
  scores.bleu = corpus_bleu(predictions, references);
  scores.mean_prediction_words = static_cast<double>(prediction_words) / n;
  scores.mean_reference_words = static_cast<double>(reference_words) / n;
  return scores;
}

}  // namespace tb::train
