// Text metrics: SQuAD normalisation, exact match and token F1 by hand; metric tokens (ASCII,
// punctuation, UTF-8); ROUGE-L and corpus BLEU by hand and against rouge-score 0.1.2 and
// sacrebleu 2.6.0 reference values; the LCS token cap on very long texts; score_texts means and
// its size check.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/train/text_metrics.h"

namespace {

using tb::train::corpus_bleu;
using tb::train::exact_match;
using tb::train::kMaxLcsTokens;
using tb::train::lcs_length;
using tb::train::metric_tokens;
using tb::train::normalized_words;
using tb::train::rouge_l;
using tb::train::score_texts;
using tb::train::TextScores;
using tb::train::token_f1;

using Words = std::vector<std::string>;

constexpr double kTol = 1e-9;

TEST(TextMetrics, NormalizedWordsFollowSquad) {
  EXPECT_EQ(normalized_words("The  Cat, sat on A mat!"), (Words{"cat", "sat", "on", "mat"}));
  // Punctuation is deleted, not replaced by a space: "don't" -> "dont", "U.S.A." -> "usa".
  EXPECT_EQ(normalized_words("Don't go to the U.S.A."), (Words{"dont", "go", "to", "usa"}));
  // "the." becomes "the" and is then dropped as an article; "An" too; "anthem" stays.
  EXPECT_EQ(normalized_words("An anthem, the."), (Words{"anthem"}));
  EXPECT_EQ(normalized_words("\t a\n\r\v\f "), Words{});
  EXPECT_EQ(normalized_words(""), Words{});
  EXPECT_EQ(normalized_words("?!... ---"), Words{});
  // Non-ASCII bytes stay inside words and are not case-folded (only the ASCII "T" is).
  EXPECT_EQ(normalized_words("Café ÉTÉ naïve—fine"), (Words{"café", "ÉtÉ", "naïve—fine"}));
}

TEST(TextMetrics, ExactMatch) {
  EXPECT_TRUE(exact_match("The answer is 42.", "answer is 42"));
  EXPECT_TRUE(exact_match("  PARIS ", "paris"));
  EXPECT_FALSE(exact_match("Paris, France", "Paris"));
  EXPECT_TRUE(exact_match("", "..."));  // both normalise to no words
  EXPECT_FALSE(exact_match("", "x"));
  EXPECT_FALSE(exact_match("café", "cafe"));
}

TEST(TextMetrics, TokenF1ByHand) {
  // pred {cat, sat, on, mat}, ref {cat, was, sitting, on, mat}: overlap 3 (cat, on, mat).
  // P = 3/4, R = 3/5, F1 = 2 * 0.75 * 0.6 / 1.35 = 0.9 / 1.35 = 2/3.
  EXPECT_NEAR(token_f1("The cat sat on the mat.", "A cat was sitting on the mat."), 2.0 / 3.0,
              kTol);
  // Multiset overlap: pred {to, be, to, be} vs ref {to, be, or, not, to, be}: overlap 4.
  // P = 4/4 = 1, R = 4/6, F1 = 2 * (2/3) / (5/3) = 0.8.
  EXPECT_NEAR(token_f1("to be to be", "to be or not to be"), 0.8, kTol);
  // Clipping: pred {x, x, x} vs ref {x}: overlap 1, P = 1/3, R = 1, F1 = (2/3) / (4/3) = 0.5.
  EXPECT_NEAR(token_f1("x x x", "x"), 0.5, kTol);
  EXPECT_DOUBLE_EQ(token_f1("Paris", "paris!"), 1.0);
  EXPECT_DOUBLE_EQ(token_f1("London", "Paris"), 0.0);
}

TEST(TextMetrics, TokenF1Empty) {
  EXPECT_DOUBLE_EQ(token_f1("", ""), 1.0);
  EXPECT_DOUBLE_EQ(token_f1("the.", "?!"), 1.0);  // both normalise to nothing
  EXPECT_DOUBLE_EQ(token_f1("", "answer"), 0.0);
  EXPECT_DOUBLE_EQ(token_f1("answer", "..."), 0.0);
}

TEST(TextMetrics, MetricTokens) {
  EXPECT_EQ(metric_tokens("It's 0.5% of THE weights!"),
            (Words{"it", "s", "0", "5", "of", "the", "weights"}));
  EXPECT_EQ(metric_tokens("snake_case-and/slash"), (Words{"snake", "case", "and", "slash"}));
  EXPECT_EQ(metric_tokens(""), Words{});
  EXPECT_EQ(metric_tokens(" .,;:!?()[]{}'\"-_ \t\n"), Words{});
  // Non-ASCII byte runs join the ASCII letters around them: "café" is one token, and "日本語"
  // (9 bytes) is one token; the em dash (3 bytes) glues "naïve" and "fine" together.
  EXPECT_EQ(metric_tokens("Café 日本語, naïve—fine"), (Words{"café", "日本語", "naïve—fine"}));
}

TEST(TextMetrics, LcsByHand) {
  // a b c d e vs a c e x: LCS = a c e = 3, either argument order.
  const Words a{"a", "b", "c", "d", "e"};
  const Words b{"a", "c", "e", "x"};
  EXPECT_EQ(lcs_length(a, b), 3u);
  EXPECT_EQ(lcs_length(b, a), 3u);
  EXPECT_EQ(lcs_length(a, Words{}), 0u);
  // Repeated tokens: x y x y vs y x y x: LCS = 3 (e.g. y x y).
  EXPECT_EQ(lcs_length(Words{"x", "y", "x", "y"}, Words{"y", "x", "y", "x"}), 3u);
}

TEST(TextMetrics, RougeLByHand) {
  // pred [the cat sat on the mat] (6), ref [a cat was sitting on the mat] (7);
  // LCS = cat on the mat = 4; P = 4/6, R = 4/7, F = 2PR/(P+R) = 2*16/(4*7+4*6) = 32/52 = 8/13.
  EXPECT_NEAR(rouge_l("The cat sat on the mat.", "A cat was sitting on the mat."), 8.0 / 13.0,
              kTol);
  EXPECT_DOUBLE_EQ(rouge_l("Same words here", "same, words; here!"), 1.0);
  EXPECT_DOUBLE_EQ(rouge_l("alpha beta", "gamma delta"), 0.0);
}

TEST(TextMetrics, RougeLEmpty) {
  EXPECT_DOUBLE_EQ(rouge_l("", ""), 0.0);
  EXPECT_DOUBLE_EQ(rouge_l("...", "!!!"), 0.0);
  EXPECT_DOUBLE_EQ(rouge_l("", "reference words"), 0.0);
  EXPECT_DOUBLE_EQ(rouge_l("prediction words", ""), 0.0);
}

TEST(TextMetrics, RougeLUnicode) {
  // Tokens [café, au, lait] vs [café, noir]: LCS = 1, P = 1/3, R = 1/2, F = (1/3) / (5/6) = 0.4.
  EXPECT_NEAR(rouge_l("Café au lait", "café noir"), 0.4, kTol);
  EXPECT_DOUBLE_EQ(rouge_l("日本語 テキスト", "日本語 テキスト"), 1.0);
}

// Pairs scored against the Python reference implementations. All are ASCII, and for every text
// rouge-score's tokenizer gives exactly our metric_tokens() (the script asserts it).
struct ReferencePair {
  const char* prediction;
  const char* reference;
  double rouge_l;
};

const ReferencePair kReferencePairs[] = {
    {"The cat sat on the mat.", "A cat was sitting on the mat.", 0.6153846153846153},
    {"Paris is the capital of France.", "The capital of France is Paris.", 0.6666666666666666},
    {"LoRA adapters train 0.5% of the weights in 3 hours!",
     "LoRA trains about 0.5% of weights; it took 3 hours.", 0.6363636363636364},
    {"It's raining cats and dogs, isn't it?", "It is raining heavily today.", 0.2857142857142857},
    {"The quick brown fox jumps over the lazy dog", "The quick brown fox jumped over the lazy dog",
     0.8888888888888888},
    {"Answer: 42", "The answer is 42.", 0.6666666666666666},
};

std::vector<std::string> reference_predictions(std::initializer_list<int> which) {
  std::vector<std::string> out;
  for (int i : which) out.emplace_back(kReferencePairs[i].prediction);
  return out;
}

std::vector<std::string> reference_references(std::initializer_list<int> which) {
  std::vector<std::string> out;
  for (int i : which) out.emplace_back(kReferencePairs[i].reference);
  return out;
}

// rouge_l values above: Python 3, rouge-score 0.1.2,
//   rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False).score(reference, prediction)
//   ["rougeL"].fmeasure
TEST(TextMetrics, RougeLMatchesRougeScore) {
  for (const auto& pair : kReferencePairs) {
    EXPECT_NEAR(rouge_l(pair.prediction, pair.reference), pair.rouge_l, kTol) << pair.prediction;
  }
}

// BLEU values: Python 3, sacrebleu 2.6.0,
//   sacrebleu.corpus_bleu([" ".join(toks(p)) ...], [[" ".join(toks(r)) ...]],
//                         tokenize="none", smooth_method="exp").score / 100
// with toks(t) = re.findall(r"[a-z0-9]+", t.lower()) (our metric_tokens for ASCII text).
TEST(TextMetrics, CorpusBleuMatchesSacrebleu) {
  // All six: counts [29, 14, 8, 3], totals [43, 37, 31, 26], hyp_len 43, ref_len 42 (BP = 1).
  EXPECT_NEAR(corpus_bleu(reference_predictions({0, 1, 2, 3, 4, 5}),
                          reference_references({0, 1, 2, 3, 4, 5})),
              0.29524531403024595, kTol);
  // Pairs 0 and 1: counts [10, 5, 3, 1], totals [12, 10, 8, 6], hyp_len 12, ref_len 13.
  EXPECT_NEAR(corpus_bleu(reference_predictions({0, 1}), reference_references({0, 1})),
              0.3695949147022473, kTol);
  // Pair 3 alone: counts [2, 0, 0, 0], totals [9, 8, 7, 6] -> exp smoothing on orders 2..4.
  EXPECT_NEAR(corpus_bleu(reference_predictions({3}), reference_references({3})),
              0.05669791110976001, kTol);
  // Pair 5 alone: 2 prediction tokens, so no 3-grams: sacrebleu gives 0.
  EXPECT_DOUBLE_EQ(corpus_bleu(reference_predictions({5}), reference_references({5})), 0.0);
}

TEST(TextMetrics, CorpusBleuByHand) {
  // Pairs 0 and 1 by hand: p = 10/12, 5/10, 3/8, 1/6; product = (10*5*3*1)/(12*10*8*6) = 150/5760
  // = 5/192; BP = exp(1 - 13/12) = exp(-1/12); BLEU = exp(-1/12) * (5/192)^(1/4).
  const double pairs01 = std::exp(-1.0 / 12.0) * std::pow(5.0 / 192.0, 0.25);
  EXPECT_NEAR(corpus_bleu(reference_predictions({0, 1}), reference_references({0, 1})), pairs01,
              kTol);
  // Pair 3: [it s raining cats and dogs isn t it] vs [it is raining heavily today]; matches
  // 1-grams: it (clipped to 1 of 2), raining -> 2/9; no higher matches, so exp smoothing gives
  // 1/(2*8), 1/(4*7), 1/(8*6). c = 9 >= r = 5 so BP = 1.
  // BLEU = (2/9 * 1/16 * 1/28 * 1/48)^(1/4) = (1/96768)^(1/4).
  EXPECT_NEAR(corpus_bleu(reference_predictions({3}), reference_references({3})),
              std::pow(1.0 / 96768.0, 0.25), kTol);
  // Identical texts with at least 4 tokens: every precision 1, BP 1.
  EXPECT_NEAR(corpus_bleu({"one two three four five"}, {"one two three four five"}), 1.0, kTol);
}

TEST(TextMetrics, CorpusBleuEdgeCases) {
  EXPECT_DOUBLE_EQ(corpus_bleu({}, {}), 0.0);
  EXPECT_DOUBLE_EQ(corpus_bleu({"", "..."}, {"some words", "more words here"}), 0.0);
  // Short predictions only count towards the corpus total: this 3-token pair adds no 4-gram, but
  // the 4-token pair does, so the corpus still has every order.
  // Orders: 1-grams 7/7, 2-grams 5/5, 3-grams 3/3, 4-grams 1/1 -> 1.0.
  EXPECT_NEAR(corpus_bleu({"a b c", "d e f g"}, {"a b c", "d e f g"}), 1.0, kTol);
  EXPECT_THROW(corpus_bleu({"a"}, {}), tb::Error);
}

TEST(TextMetrics, VeryLongTextsAreCapped) {
  // 10,000 tokens each: t0 .. t9999 in the prediction, the same in the reference.
  std::string long_text;
  for (int i = 0; i < 10000; ++i) long_text += "t" + std::to_string(i) + " ";
  EXPECT_EQ(metric_tokens(long_text).size(), 10000u);
  EXPECT_DOUBLE_EQ(rouge_l(long_text, long_text), 1.0);
  // Prediction = the same tokens reversed after the first 4096: only the first 4096 of each are
  // compared, and those are identical, so ROUGE-L is 1 although the full texts differ.
  std::string tail_changed;
  for (int i = 0; i < 10000; ++i) {
    const int k = i < 4096 ? i : 10000 - 1 - (i - 4096);
    tail_changed += "t" + std::to_string(k) + " ";
  }
  EXPECT_DOUBLE_EQ(rouge_l(tail_changed, long_text), 1.0);
  // Prediction of 4096 tokens "x" vs reference of 8000 "x": both cut to 4096, LCS 4096 -> 1.
  const Words many_x(8000, "x");
  EXPECT_EQ(lcs_length(many_x, Words(4096, "x")), kMaxLcsTokens);
  EXPECT_EQ(lcs_length(many_x, many_x), kMaxLcsTokens);
  // A 4097th token that would match is ignored: a = 4096 "y" + "z", b = "z".
  Words y_then_z(4096, "y");
  y_then_z.push_back("z");
  EXPECT_EQ(lcs_length(y_then_z, Words{"z"}), 0u);
  // BLEU has no cap: one long corpus of identical pairs still scores 1.
  EXPECT_NEAR(corpus_bleu({long_text}, {long_text}), 1.0, kTol);
}

TEST(TextMetrics, ScoreTextsMeans) {
  const std::vector<std::string> predictions{"The answer is 42.", "London", ""};
  const std::vector<std::string> references{"answer is 42", "Paris", "nothing here"};
  const TextScores s = score_texts(predictions, references);
  EXPECT_EQ(s.count, 3);
  // Exact match: 1 of 3.
  EXPECT_NEAR(s.exact_match, 1.0 / 3.0, kTol);
  // F1: 1, 0, 0 -> 1/3.
  EXPECT_NEAR(s.token_f1, 1.0 / 3.0, kTol);
  // ROUGE-L: [the answer is 42] vs [answer is 42]: LCS 3, P = 3/4, R = 1, F = 1.5/1.75 = 6/7;
  // then 0 and 0 -> mean 2/7.
  EXPECT_NEAR(s.rouge_l, 2.0 / 7.0, kTol);
  // BLEU: hyp tokens 4 + 1 + 0 = 5, 1-grams matched 3/5; 2-grams 2/3 (answer is, is 42);
  // 3-grams 1/2; 4-grams 0/1 -> exp smoothing 1/(2*1). r = 3 + 1 + 2 = 6 > c = 5:
  // BP = exp(1 - 6/5). BLEU = exp(-0.2) * (3/5 * 2/3 * 1/2 * 1/2)^(1/4) = exp(-0.2) * 0.1^(1/4).
  EXPECT_NEAR(s.bleu, std::exp(-0.2) * std::pow(0.1, 0.25), kTol);
  // Raw whitespace words: (4 + 1 + 0) / 3 and (3 + 1 + 2) / 3.
  EXPECT_NEAR(s.mean_prediction_words, 5.0 / 3.0, kTol);
  EXPECT_NEAR(s.mean_reference_words, 2.0, kTol);
}

TEST(TextMetrics, ScoreTextsEmptyAndMismatch) {
  const TextScores empty = score_texts({}, {});
  EXPECT_EQ(empty.count, 0);
  EXPECT_DOUBLE_EQ(empty.exact_match, 0.0);
  EXPECT_DOUBLE_EQ(empty.bleu, 0.0);
  EXPECT_THROW(score_texts({"a", "b"}, {"a"}), tb::Error);
  try {
    score_texts({"a"}, {});
    FAIL() << "no throw";
  } catch (const tb::Error& e) {
    EXPECT_NE(e.message().find("1 predictions but 0 references"), std::string::npos);
  }
}

}  // namespace
