// Splits (see split.h).
#include "core/data/split.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "core/common/error.h"

namespace tb::data {

const char* to_string(Split split) {
  switch (split) {
    case Split::Train: return "train";
    case Split::Validation: return "validation";
    case Split::Test: return "test";
  }
  return "train";
}

std::array<std::int64_t, 3> count_splits(const std::vector<Split>& splits) {
  std::array<std::int64_t, 3> n{};
  for (const Split s : splits) ++n[static_cast<std::size_t>(s)];
  return n;
}

std::vector<Split> assign_splits(const std::vector<Example>& examples, const SplitOptions& o) {
  if (o.train < 0 || o.validation < 0 || o.test < 0 || o.train + o.validation + o.test <= 0) {
    throw Error("split ratios must be zero or more, and not all zero", {"", 0, "split"});
  }
  const double total = o.train + o.validation + o.test;
  // 1. Units: one example each, or every example of one group together (no group = alone).
  std::vector<std::vector<std::size_t>> units;
  std::map<std::string, std::size_t> unit_of_group;
  for (std::size_t i = 0; i < examples.size(); ++i) {
    const std::string& g = examples[i].group;
    if (o.by_group && !g.empty()) {
      const auto [it, fresh] = unit_of_group.emplace(g, units.size());
      if (fresh) units.emplace_back();
      units[it->second].push_back(i);
    } else {
      units.push_back({i});
    }
  }
  // 2. Strata by the first example's label or task (one stratum when not stratifying).
  std::map<std::string, std::vector<std::size_t>> strata;  // ordered: deterministic
  for (std::size_t u = 0; u < units.size(); ++u) {
    const Example& e = examples[units[u].front()];
    const std::string key = o.stratify == StratifyBy::Label ? e.label : o.stratify == StratifyBy::Task ? e.task : "";
    strata[key].push_back(u);
  }
  // 3. In each stratum: shuffle the units (our own Fisher-Yates on mt19937_64, whose output the
  //    standard fixes, so a seed splits alike everywhere), then fill test, then validation, up
  //    to their share of the stratum's examples; the rest is train.
  std::vector<Split> out(examples.size(), Split::Train);
  std::mt19937_64 rng(o.seed);
  for (auto& [key, members] : strata) {
    for (std::size_t i = members.size(); i > 1; --i) std::swap(members[i - 1], members[rng() % i]);
    std::int64_t n = 0;
    for (const auto u : members) n += static_cast<std::int64_t>(units[u].size());
    const auto want_test = static_cast<std::int64_t>(std::llround(static_cast<double>(n) * o.test / total));
    const auto want_val = static_cast<std::int64_t>(std::llround(static_cast<double>(n) * o.validation / total));
    std::int64_t in_test = 0, in_val = 0;
    for (const auto u : members) {
      const auto size = static_cast<std::int64_t>(units[u].size());
      Split s = Split::Train;
      if (in_test < want_test) {
        s = Split::Test;
        in_test += size;
      } else if (in_val < want_val) {
        s = Split::Validation;
        in_val += size;
      }
      for (const auto i : units[u]) out[i] = s;
    }
  }
  return out;
}

}  // namespace tb::data
