// MinHash near-duplicates: parameter checks name the field; shingle sets and Jaccard exactly;
// signatures estimate Jaccard; among 1,000 synthetic documents exactly the 20 planted
// near-duplicate pairs are found at threshold 0.7 (and 25 at 0.6, with 5 planted farther
// pairs), as a brute-force pass confirms; a clean set gives none; groups are reported; 2,000
// copies of one text collapse to one entry and still give every pair with Jaccard 1.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <limits>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/data/minhash.h"
#include "core/data/text_normalize.h"

namespace {

using tb::data::jaccard;
using tb::data::minhash_signature;
using tb::data::MinHashParams;
using tb::data::NearDuplicateIndex;
using tb::data::NearDuplicatePair;
using tb::data::normalize_for_dedup;
using tb::data::shingle_hashes;

std::vector<std::uint64_t> shingles_of(const std::string& text, int k = 3) {
  return shingle_hashes(normalize_for_dedup(text), k);
}

void expect_invalid(const MinHashParams& params, const std::string& field) {
  try {
    NearDuplicateIndex index(params);
    FAIL() << "expected std::invalid_argument naming " << field;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
  }
}

TEST(MinHash, ParamsAreChecked) {
  EXPECT_NO_THROW(tb::data::validate_minhash_params(MinHashParams{}));
  MinHashParams p;
  p.shingle_words = 0;
  expect_invalid(p, "shingle_words");
  p.shingle_words = 17;
  expect_invalid(p, "shingle_words");
  p = {};
  p.num_hashes = 0;
  expect_invalid(p, "num_hashes");
  p = {};
  p.bands = 30;  // 128 % 30 != 0
  expect_invalid(p, "bands");
  p.bands = 0;
  expect_invalid(p, "bands");
  p = {};
  p.threshold = 0.0;
  expect_invalid(p, "threshold");
  p.threshold = 1.01;
  expect_invalid(p, "threshold");
  p.threshold = std::numeric_limits<double>::quiet_NaN();
  expect_invalid(p, "threshold");
  p.threshold = 1.0;
  EXPECT_NO_THROW(tb::data::validate_minhash_params(p));
  EXPECT_THROW(shingle_hashes("a b", 0), std::invalid_argument);
}

TEST(MinHash, ShingleSets) {
  using tb::data::hash64;
  auto sorted = [](std::vector<std::uint64_t> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(shingle_hashes("a b c d", 3), sorted({hash64("a b c"), hash64("b c d")}));
  EXPECT_EQ(shingle_hashes("a b c", 3), (std::vector<std::uint64_t>{hash64("a b c")}));
  EXPECT_EQ(shingle_hashes("a b", 3), (std::vector<std::uint64_t>{hash64("a b")}));
  EXPECT_EQ(shingle_hashes("a b c d", 1),
            sorted({hash64("a"), hash64("b"), hash64("c"), hash64("d")}));
  EXPECT_TRUE(shingle_hashes("", 3).empty());
  // Repeats count once.
  EXPECT_EQ(shingle_hashes("a b a b a b", 2), sorted({hash64("a b"), hash64("b a")}));
  // Text that is not single-spaced gives the shingles of its words all the same.
  EXPECT_EQ(shingle_hashes("  a  b   c ", 2), sorted({hash64("a b"), hash64("b c")}));
}

TEST(MinHash, JaccardIsExact) {
  const std::vector<std::uint64_t> a = {1, 2, 3, 4};
  const std::vector<std::uint64_t> b = {3, 4, 5, 6, 7, 8};
  EXPECT_DOUBLE_EQ(jaccard(a, b), 2.0 / 8.0);
  EXPECT_DOUBLE_EQ(jaccard(a, a), 1.0);
  EXPECT_DOUBLE_EQ(jaccard(a, {}), 0.0);
  EXPECT_DOUBLE_EQ(jaccard({}, {}), 0.0);
}

TEST(MinHash, SignaturesEstimateJaccard) {
  MinHashParams params;
  std::vector<std::uint64_t> a, b;
  for (std::uint64_t x = 1; x <= 300; ++x) {
    if (x <= 200) a.push_back(x * 0x9e3779b97f4a7c15ull);
    if (x > 100) b.push_back(x * 0x9e3779b97f4a7c15ull);
  }
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const auto sa = minhash_signature(a, params);
  const auto sb = minhash_signature(b, params);
  ASSERT_EQ(sa.size(), 128u);
  int agree = 0;
  for (std::size_t i = 0; i < sa.size(); ++i) agree += sa[i] == sb[i];
  EXPECT_NEAR(agree / 128.0, 1.0 / 3.0, 0.15);  // true Jaccard 100 / 300
  EXPECT_EQ(minhash_signature(a, params), sa);  // deterministic
  // Another seed, another family.
  MinHashParams other = params;
  other.seed = 1;
  EXPECT_NE(minhash_signature(a, other), sa);
  // Members do not depend on how many there are (130 = 32 blocks of 4 plus 2; 1 alone).
  MinHashParams longer = params;
  longer.num_hashes = 130;
  longer.bands = 13;
  const auto s130 = minhash_signature(a, longer);
  ASSERT_EQ(s130.size(), 130u);
  EXPECT_TRUE(std::equal(sa.begin(), sa.end(), s130.begin()));
  MinHashParams single = params;
  single.num_hashes = 1;
  single.bands = 1;
  EXPECT_EQ(minhash_signature(a, single), std::vector<std::uint32_t>{sa[0]});
  // No shingles: every minimum is the empty value.
  EXPECT_EQ(minhash_signature({}, params), std::vector<std::uint32_t>(128, 0xFFFFFFFFu));
}

// ---- Planted near-duplicates among synthetic documents ----------------------------------

// A fixed synthetic corpus: random lower-case "words" from std::mt19937_64, whose output
// sequence the standard fixes (no distributions, whose results are implementation-defined).
class Corpus {
 public:
  explicit Corpus(std::uint64_t seed) : rng_(seed) {
    for (int i = 0; i < 5000; ++i) {
      std::string word;
      const int length = 4 + static_cast<int>(rng_() % 5);
      for (int k = 0; k < length; ++k) word.push_back(static_cast<char>('a' + rng_() % 26));
      vocabulary_.push_back(word);
    }
  }
  std::vector<std::string> words(int count) {
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i) out.push_back(random_word());
    return out;
  }
  std::string random_word() { return vocabulary_[rng_() % vocabulary_.size()]; }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> vocabulary_;
};

std::string join(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& w : words) text += (text.empty() ? "" : " ") + w;
  return text;
}

struct Planted {
  std::vector<std::string> texts;
  std::vector<NearDuplicatePair> near;  // expected at threshold 0.7
  std::vector<NearDuplicatePair> far;   // Jaccard 46/70: reported at 0.6, not at 0.7
};

std::int64_t id_of(std::size_t index) { return 10000 + 7 * static_cast<std::int64_t>(index); }
int group_of(std::size_t index) { return static_cast<int>(index % 3); }

// 1,000 documents of 60 words. Pair p (0-19) copies document 40p + 3 into document 40p + 20
// with: p % 4 == 0 case and punctuation only (Jaccard 1); 1 one word replaced (55/61); 2 two
// words replaced far apart (52/64); 3 one word inserted (56/61). Five more pairs copy
// 40p + 10 into 40p + 30 (p = 0-4) with four words replaced ten apart (46/70).
Planted make_planted(bool plant) {
  Corpus corpus(20240611);
  std::vector<std::vector<std::string>> docs;
  for (int d = 0; d < 1000; ++d) docs.push_back(corpus.words(60));
  Planted out;
  auto pair_of = [](std::size_t x, std::size_t y, double similarity) {
    return NearDuplicatePair{id_of(x), id_of(y), group_of(x), group_of(y), similarity};
  };
  std::vector<std::string> texts(docs.size());
  for (std::size_t d = 0; d < docs.size(); ++d) texts[d] = join(docs[d]);
  if (plant) {
    for (std::size_t p = 0; p < 20; ++p) {
      const std::size_t from = 40 * p + 3, to = 40 * p + 20;
      std::vector<std::string> copy = docs[from];
      double similarity = 0.0;
      switch (p % 4) {
        case 0: {
          std::string text;
          for (std::size_t w = 0; w < copy.size(); ++w) {
            std::string word = copy[w];
            if (w % 5 == 0) word[0] = static_cast<char>(word[0] - 'a' + 'A');
            text += (w == 0 ? "" : (w % 7 == 0 ? ", " : (w % 11 == 0 ? " -- " : "  "))) + word;
          }
          texts[to] = "\"" + text + "!\"";
          similarity = 1.0;
          break;
        }
        case 1:
          copy[30] = "replaced";
          similarity = 55.0 / 61.0;
          break;
        case 2:
          copy[15] = "replaced";
          copy[45] = "changed";
          similarity = 52.0 / 64.0;
          break;
        case 3:
          copy.insert(copy.begin() + 30, "inserted");
          similarity = 56.0 / 61.0;
          break;
      }
      if (p % 4 != 0) texts[to] = join(copy) + ".";
      out.near.push_back(pair_of(from, to, similarity));
    }
    for (std::size_t p = 0; p < 5; ++p) {
      const std::size_t from = 40 * p + 10, to = 40 * p + 30;
      std::vector<std::string> copy = docs[from];
      for (std::size_t w : {10u, 20u, 30u, 40u}) copy[w] = "edit" + std::to_string(w);
      texts[to] = join(copy);
      out.far.push_back(pair_of(from, to, 46.0 / 70.0));
    }
  }
  out.texts = texts;
  return out;
}

std::vector<NearDuplicatePair> find_all(const std::vector<std::string>& texts, double threshold) {
  MinHashParams params;
  params.threshold = threshold;
  NearDuplicateIndex index(params);
  for (std::size_t d = 0; d < texts.size(); ++d)
    index.add(id_of(d), group_of(d), shingles_of(texts[d]));
  return index.find_pairs();
}

std::vector<NearDuplicatePair> brute_force(const std::vector<std::string>& texts,
                                           double threshold) {
  std::vector<std::vector<std::uint64_t>> sets;
  for (const std::string& t : texts) sets.push_back(shingles_of(t));
  std::vector<NearDuplicatePair> out;
  for (std::size_t x = 0; x < sets.size(); ++x) {
    for (std::size_t y = x + 1; y < sets.size(); ++y) {
      std::vector<std::uint64_t> common;
      std::set_intersection(sets[x].begin(), sets[x].end(), sets[y].begin(), sets[y].end(),
                            std::back_inserter(common));
      const double similarity =
          static_cast<double>(common.size()) /
          static_cast<double>(sets[x].size() + sets[y].size() - common.size());
      if (similarity >= threshold) {
        out.push_back({id_of(x), id_of(y), group_of(x), group_of(y), similarity});
      }
    }
  }
  return out;
}

TEST(NearDuplicateIndex, FindsExactlyThePlantedPairs) {
  const Planted planted = make_planted(true);
  const std::vector<NearDuplicatePair> found = find_all(planted.texts, 0.7);
  ASSERT_EQ(found.size(), 20u);
  for (std::size_t p = 0; p < found.size(); ++p) {
    EXPECT_EQ(found[p].a, planted.near[p].a) << p;
    EXPECT_EQ(found[p].b, planted.near[p].b) << p;
    EXPECT_EQ(found[p].group_a, planted.near[p].group_a) << p;
    EXPECT_EQ(found[p].group_b, planted.near[p].group_b) << p;
    EXPECT_DOUBLE_EQ(found[p].jaccard, planted.near[p].jaccard) << p;
  }
  EXPECT_EQ(found, brute_force(planted.texts, 0.7));
}

TEST(NearDuplicateIndex, ThresholdDecidesWhatIsReported) {
  const Planted planted = make_planted(true);
  std::vector<NearDuplicatePair> expected = planted.near;
  expected.insert(expected.end(), planted.far.begin(), planted.far.end());
  std::sort(expected.begin(), expected.end(),
            [](const auto& x, const auto& y) { return std::pair(x.a, x.b) < std::pair(y.a, y.b); });
  const std::vector<NearDuplicatePair> found = find_all(planted.texts, 0.6);
  ASSERT_EQ(found.size(), 25u);
  for (std::size_t p = 0; p < found.size(); ++p) {
    EXPECT_EQ(std::pair(found[p].a, found[p].b), std::pair(expected[p].a, expected[p].b)) << p;
    EXPECT_DOUBLE_EQ(found[p].jaccard, expected[p].jaccard) << p;
  }
  // At 0.85 only the case/punctuation copies (1), one replacement (0.90) and one insertion
  // (0.92) remain: 15 pairs.
  const std::vector<NearDuplicatePair> strict = find_all(planted.texts, 0.85);
  EXPECT_EQ(strict.size(), 15u);
  for (const NearDuplicatePair& pair : strict) EXPECT_GE(pair.jaccard, 0.85);
  // At 1.0 only the identical sets.
  EXPECT_EQ(find_all(planted.texts, 1.0).size(), 5u);
}

TEST(NearDuplicateIndex, CleanSetReportsNothing) {
  const Planted clean = make_planted(false);
  EXPECT_TRUE(find_all(clean.texts, 0.7).empty());
  EXPECT_TRUE(find_all(clean.texts, 0.3).empty());
}

TEST(NearDuplicateIndex, ReportsGroupsWithTheirIds) {
  NearDuplicateIndex index;  // threshold 0.8
  const std::string text = "one two three four five six seven eight nine ten eleven twelve";
  index.add(10, 2, shingles_of(text));               // test
  index.add(5, 0, shingles_of(text + " thirteen"));  // train: 10 of 11 shingles shared
  index.add(7, 0, shingles_of("something else entirely with other words in it"));
  index.add(3, 1, shingles_of("ONE two, three four five six seven eight nine ten eleven twelve"));
  const std::vector<NearDuplicatePair> found = index.find_pairs();
  const std::vector<NearDuplicatePair> expected = {
      {3, 5, 1, 0, 10.0 / 11.0},
      {3, 10, 1, 2, 1.0},
      {5, 10, 0, 2, 10.0 / 11.0},
  };
  EXPECT_EQ(found, expected);
}

TEST(NearDuplicateIndex, EmptyDocumentsAndRepeatedIds) {
  NearDuplicateIndex index;
  index.add(1, 0, {});
  index.add(2, 0, shingles_of("  ...  "));
  index.add(3, 0, shingles_of("a b c d"));
  EXPECT_EQ(index.size(), 3u);
  EXPECT_EQ(index.distinct_sets(), 1u);
  EXPECT_TRUE(index.find_pairs().empty());
  EXPECT_THROW(index.add(3, 1, shingles_of("x y z")), std::invalid_argument);
  // Unsorted input with repeats is made a set.
  const auto sorted = shingles_of("a b c d");
  index.add(4, 0, {sorted[1], sorted[0], sorted[1]});
  EXPECT_EQ(index.find_pairs(), (std::vector<NearDuplicatePair>{{3, 4, 0, 0, 1.0}}));
}

TEST(NearDuplicateIndex, ThousandsOfIdenticalTextsStayExact) {
  // Every one of the two million pairs, exactly (the time this takes is measured by
  // tests/bench/bench_data_scans.cpp, not asserted here).
  Corpus corpus(7);
  const std::string text = join(corpus.words(60));
  NearDuplicateIndex index;  // threshold 0.8
  for (int d = 0; d < 2000; ++d) index.add(d, d % 2, shingles_of(d % 3 == 0 ? text : text + "!"));
  index.add(5000, 2, shingles_of(text + " appended"));  // 58 of 59 shingles shared
  for (int d = 0; d < 100; ++d) index.add(6000 + d, 0, shingles_of(join(corpus.words(60))));
  EXPECT_EQ(index.distinct_sets(), 102u);
  const std::vector<NearDuplicatePair> found = index.find_pairs();
  ASSERT_EQ(found.size(), 2000u * 1999u / 2u + 2000u);
  std::size_t k = 0;
  for (std::int64_t a = 0; a < 2000; ++a) {
    for (std::int64_t b = a + 1; b < 2000; ++b, ++k) {
      ASSERT_EQ(found[k],
                (NearDuplicatePair{a, b, static_cast<int>(a % 2), static_cast<int>(b % 2), 1.0}));
    }
    ASSERT_EQ(found[k], (NearDuplicatePair{a, 5000, static_cast<int>(a % 2), 2, 58.0 / 59.0}));
    ++k;
  }
}

TEST(LshParams, MostRowsPerBandThatKeepNinetyNinePercentRecall) {
  const auto p8 = tb::data::lsh_params_for(0.8);
  EXPECT_EQ(p8.bands, 21);
  EXPECT_EQ(p8.num_hashes, 126);
  EXPECT_DOUBLE_EQ(p8.threshold, 0.8);
  const auto p7 = tb::data::lsh_params_for(0.7);
  EXPECT_EQ(p7.bands, 32);
  EXPECT_EQ(p7.num_hashes, 128);
  const auto p9 = tb::data::lsh_params_for(0.9);
  EXPECT_EQ(p9.bands, 12);
  EXPECT_EQ(p9.num_hashes, 120);
  EXPECT_NO_THROW(tb::data::validate_minhash_params(p8));
  EXPECT_NO_THROW(tb::data::validate_minhash_params(tb::data::lsh_params_for(0.05)));
}

}  // namespace
