// What a sweep tries: the values of each setting to vary and how many trials of how many steps.
// Plain values (no libtorch), so the GUI's Setup step can fill them in; sweep.h runs them.
#pragma once

#include <cstdint>
#include <vector>

namespace tb::train {

struct SweepSpace {
  std::vector<double> learning_rates;
  std::vector<std::int64_t> epochs, ranks, micro_batches;  // empty = the base setting only
};

struct SweepOptions {
  std::int64_t random_trials = 0;  // 0 = the whole grid; else this many distinct points
  std::uint64_t seed = 0;
  std::int64_t trial_max_steps = 0;  // 0 = each trial's own length
};

}  // namespace tb::train
