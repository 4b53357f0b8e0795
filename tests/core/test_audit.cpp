// The dataset audit on planted data: exact duplicates (with case, whitespace and punctuation
// edits) and near-duplicates (one word changed) within and across splits are found with exact
// counts, leakage lists exactly the planted validation/test copies to drop, a clean set reports
// nothing; PII, empty and short completions, the length histogram and the JSON report.
#include <gtest/gtest.h>

#include <random>

#include "core/data/audit.h"

namespace {

using namespace tb::data;

struct Planted {
  std::vector<Example> examples;
  std::vector<Split> splits;
};

std::vector<std::string> vocabulary(std::mt19937& rng) {
  std::vector<std::string> words;
  std::uniform_int_distribution<int> letter(0, 25), length(3, 9);
  for (int i = 0; i < 3000; ++i) {
    std::string w;
    for (int k = length(rng); k > 0; --k) w += static_cast<char>('a' + letter(rng));
    words.push_back(w);
  }
  return words;
}

Example example_of(const std::vector<std::string>& words, int line) {
  Example e;
  std::string prompt, completion;
  for (std::size_t i = 0; i < words.size(); ++i) (i < 30 ? prompt : completion) += (i % 30 ? " " : "") + words[i];
  e.messages = {{"user", prompt}, {"assistant", completion}};
  e.source_file = "planted.jsonl";
  e.source_line = line;
  return e;
}

// 300 distinct 40-word examples: 200 train, 50 validation, 50 test.
Planted clean_set() {
  std::mt19937 rng(11);
  const auto vocab = vocabulary(rng);
  std::uniform_int_distribution<std::size_t> pick(0, vocab.size() - 1);
  Planted p;
  for (int i = 0; i < 300; ++i) {
    std::vector<std::string> words;
    for (int k = 0; k < 40; ++k) words.push_back(vocab[pick(rng)]);
    p.examples.push_back(example_of(words, i + 1));
    p.splits.push_back(i < 200 ? Split::Train : i < 250 ? Split::Validation : Split::Test);
  }
  return p;
}

// The same text with its case, spacing and punctuation changed (an exact duplicate once normalised).
Example restyled(const Example& e, int line) {
  Example c = e;
  c.source_line = line;
  for (auto& m : c.messages) {
    std::string s;
    for (std::size_t i = 0; i < m.content.size(); ++i) {
      const char ch = m.content[i];
      s += ch == ' ' ? (i % 3 ? std::string("  ") : std::string(", ")) : std::string(1, i % 5 ? ch : static_cast<char>(std::toupper(ch)));
    }
    m.content = "  " + s + "!";
  }
  return c;
}

// One word of the prompt replaced: Jaccard 35/41 on 3-word shingles.
Example one_word_changed(const Example& e, int line) {
  Example c = e;
  c.source_line = line;
  auto& p = c.messages[0].content;
  const auto space = p.find(' ', p.size() / 2);
  p = p.substr(0, space) + " zzzzchanged" + p.substr(p.find(' ', space + 1));
  return c;
}

TEST(Audit, ACleanSetReportsNothing) {
  const auto p = clean_set();
  const auto r = audit_examples(p.examples, p.splits, {});
  EXPECT_EQ(r.examples, 300);
  EXPECT_EQ(r.per_split, (std::array<std::int64_t, 3>{200, 50, 50}));
  EXPECT_EQ(r.exact_duplicates, 0);
  EXPECT_TRUE(r.exact_duplicate_groups.empty());
  EXPECT_TRUE(r.near_duplicates.empty());
  EXPECT_EQ(r.leaking_exact_groups, 0);
  EXPECT_TRUE(r.leaking_near_pairs.empty());
  EXPECT_TRUE(r.leak_drop.empty());
  EXPECT_TRUE(r.pii_counts.empty());
  EXPECT_TRUE(r.empty_completions.empty());
  EXPECT_TRUE(r.short_completions.empty());
}

TEST(Audit, PlantedDuplicatesWithinAndAcrossSplits) {
  auto p = clean_set();
  std::vector<std::int64_t> want_drop;
  auto plant = [&](Example e, Split s, bool leaks) {
    if (leaks) want_drop.push_back(static_cast<std::int64_t>(p.examples.size()));
    e.source_line = static_cast<int>(p.examples.size()) + 1;
    p.examples.push_back(std::move(e));
    p.splits.push_back(s);
  };
  for (int i = 0; i < 5; ++i) plant(restyled(p.examples[static_cast<std::size_t>(i)], 0), Split::Validation, true);
  for (int i = 5; i < 7; ++i) plant(restyled(p.examples[static_cast<std::size_t>(i)], 0), Split::Train, false);
  for (int i = 10; i < 14; ++i) plant(one_word_changed(p.examples[static_cast<std::size_t>(i)], 0), Split::Test, true);
  for (int i = 20; i < 23; ++i) plant(one_word_changed(p.examples[static_cast<std::size_t>(i)], 0), Split::Train, false);
  const auto r = audit_examples(p.examples, p.splits, {});
  EXPECT_EQ(r.exact_duplicate_groups.size(), 7u);
  EXPECT_EQ(r.exact_duplicates, 7);
  EXPECT_EQ(r.exact_duplicate_groups[0], (std::vector<std::int64_t>{0, 300}));
  EXPECT_EQ(r.leaking_exact_groups, 5);
  ASSERT_EQ(r.near_duplicates.size(), 7u);
  EXPECT_EQ(r.near_duplicates[0].a, 10);
  EXPECT_EQ(r.near_duplicates[0].b, 307);
  EXPECT_NEAR(r.near_duplicates[0].jaccard, 35.0 / 41.0, 1e-12);
  ASSERT_EQ(r.leaking_near_pairs.size(), 4u);
  for (const auto& pair : r.leaking_near_pairs) EXPECT_EQ(p.splits[static_cast<std::size_t>(pair.b)], Split::Test);
  EXPECT_EQ(r.leak_drop, want_drop);
  // Dropping them leaves no leakage.
  std::vector<Example> kept_examples;
  std::vector<Split> kept_splits;
  for (std::size_t i = 0; i < p.examples.size(); ++i) {
    if (std::find(want_drop.begin(), want_drop.end(), static_cast<std::int64_t>(i)) != want_drop.end()) continue;
    kept_examples.push_back(p.examples[i]);
    kept_splits.push_back(p.splits[i]);
  }
  const auto after = audit_examples(kept_examples, kept_splits, {});
  EXPECT_EQ(after.leaking_exact_groups, 0);
  EXPECT_TRUE(after.leaking_near_pairs.empty());
  EXPECT_EQ(after.exact_duplicates, 2);        // the two within train remain (not leakage)
  EXPECT_EQ(after.near_duplicates.size(), 3u);  // and the three near pairs within train
  // The JSON report points at files and lines.
  const auto j = audit_to_json(r, p.examples, p.splits);
  EXPECT_EQ(j["duplicates"]["count"], 7);
  EXPECT_EQ(j["leakage"]["drop_from_validation_and_test"].size(), 9u);
  EXPECT_EQ(j["leakage"]["drop_from_validation_and_test"][0]["line"], 301);
  EXPECT_EQ(j["leakage"]["drop_from_validation_and_test"][0]["split"], "validation");
}

TEST(Audit, PiiShortCompletionsAndLengths) {
  std::vector<Example> ex(4);
  ex[0].messages = {{"user", "Mail me at jane.doe@example.com please"}, {"assistant", "Sure, I will write soon."}};
  ex[1].messages = {{"user", "Card 4111 1111 1111 1111 and IP 192.168.1.20"}, {"assistant", "Noted that down for you."}};
  ex[2].messages = {{"user", "Say yes"}, {"assistant", "Yes."}};
  ex[3].messages = {{"user", "Say nothing"}, {"assistant", " ... "}};
  const auto r = audit_examples(ex, {}, {});
  EXPECT_EQ(r.pii_counts, (std::map<std::string, std::int64_t>{{"card_number", 1}, {"email", 1}, {"ip_address", 1}}));
  EXPECT_EQ(r.pii_examples.at("card_number"), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(r.short_completions, (std::vector<std::int64_t>{2}));
  EXPECT_EQ(r.empty_completions, (std::vector<std::int64_t>{3}));
  EXPECT_EQ(r.lengths.unit, "words");
  std::int64_t total = 0;
  for (const auto c : r.lengths.counts) total += c;
  EXPECT_EQ(total, 4);
  // "card 4111 1111 1111 1111 and ip 192 168 1 20" and "noted that down for you": 11 + 5 words.
  EXPECT_EQ(r.lengths.max_length, 16);
}

}  // namespace
