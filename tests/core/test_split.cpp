// Splits: exact counts for the ratios, the same split for a seed (and another for another seed),
// label shares kept under stratification, groups never cut across splits, bad ratios refused.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/common/error.h"
#include "core/data/split.h"

namespace {

using namespace tb::data;

std::vector<Example> examples(int n) {
  std::vector<Example> out(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    out[static_cast<std::size_t>(i)].label = i % 10 < 7 ? "positive" : i % 10 < 9 ? "negative" : "neutral";
    out[static_cast<std::size_t>(i)].group = "doc" + std::to_string(i / 4);
  }
  return out;
}

TEST(Split, RatiosGiveExactCountsAndTheSeedDecides) {
  const auto ex = examples(1000);
  const auto a = assign_splits(ex, {});
  EXPECT_EQ(count_splits(a), (std::array<std::int64_t, 3>{800, 100, 100}));
  EXPECT_EQ(assign_splits(ex, {}), a);
  SplitOptions other;
  other.seed = 7;
  EXPECT_NE(assign_splits(ex, other), a);
  SplitOptions uneven{3, 1, 0, 42, StratifyBy::None, false};
  EXPECT_EQ(count_splits(assign_splits(ex, uneven)), (std::array<std::int64_t, 3>{750, 250, 0}));
}

TEST(Split, StratifiedKeepsEachLabelsShare) {
  const auto ex = examples(1000);
  SplitOptions o;
  o.stratify = StratifyBy::Label;
  const auto s = assign_splits(ex, o);
  std::map<std::string, std::array<std::int64_t, 3>> per_label;
  for (std::size_t i = 0; i < ex.size(); ++i) ++per_label[ex[i].label][static_cast<std::size_t>(s[i])];
  EXPECT_EQ(per_label["positive"], (std::array<std::int64_t, 3>{560, 70, 70}));
  EXPECT_EQ(per_label["negative"], (std::array<std::int64_t, 3>{160, 20, 20}));
  EXPECT_EQ(per_label["neutral"], (std::array<std::int64_t, 3>{80, 10, 10}));
}

TEST(Split, GroupsStayTogether) {
  const auto ex = examples(1000);
  SplitOptions o;
  o.by_group = true;
  const auto s = assign_splits(ex, o);
  std::map<std::string, std::set<Split>> splits_of_group;
  for (std::size_t i = 0; i < ex.size(); ++i) splits_of_group[ex[i].group].insert(s[i]);
  for (const auto& [group, splits] : splits_of_group) EXPECT_EQ(splits.size(), 1u) << group;
  EXPECT_EQ(count_splits(s), (std::array<std::int64_t, 3>{800, 100, 100}));  // 4 per group: exact here
}

TEST(Split, BadRatiosAreRefused) {
  const auto ex = examples(10);
  EXPECT_THROW(assign_splits(ex, {0, 0, 0, 1, StratifyBy::None, false}), tb::Error);
  EXPECT_THROW(assign_splits(ex, {0.8, -0.1, 0.3, 1, StratifyBy::None, false}), tb::Error);
}

}  // namespace
