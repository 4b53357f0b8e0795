// Train / validation / test split of examples: ratios and a seed; optionally stratified (each
// label or task keeps its share in every split) and grouped (examples sharing a group id stay
// in one split, so one source document cannot leak across). A fixed test file is imported on
// its own and split here with test = 0.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/example.h"

namespace tb::data {

enum class Split : std::uint8_t { Train = 0, Validation = 1, Test = 2 };
const char* to_string(Split split);

enum class StratifyBy { None, Label, Task };

struct SplitOptions {
  double train = 0.8, validation = 0.1, test = 0.1;  // need not sum to 1: they are normalised
  std::uint64_t seed = 42;
  StratifyBy stratify = StratifyBy::None;
  bool by_group = false;  // keep examples of one Example::group together
};

// One split per example, deterministic for a seed on every platform. Throws tb::Error for
// negative ratios or ratios that are all zero.
std::vector<Split> assign_splits(const std::vector<Example>& examples, const SplitOptions& options);

std::array<std::int64_t, 3> count_splits(const std::vector<Split>& splits);

}  // namespace tb::data
