// The order and grouping of a run's training examples, before any tensor exists: an epoch's
// example order (shuffled by seed and epoch, or drawn by task mixing weights), its micro-batches
// (length bucketing, or packing several examples into one row) and the number of optimizer steps
// a run takes. Pure arithmetic over example lengths (no torch): the trainer, run preparation and
// the Setup step's estimate all count steps here.
#pragma once

#include <cstdint>
#include <vector>

#include "core/train/train_config.h"

namespace tb::train {

// Rows of example indices; a row holds one example, or several when packed.
using MicroBatchRows = std::vector<std::vector<std::int64_t>>;

struct BatchOptions {
  std::int64_t micro_batch = 4;
  std::int64_t max_seq_len = 512;
  bool packing = false;
  std::int64_t bucket_window = 32;  // micro-batches sorted by length together
};

// The example order of one epoch: a permutation of 0..n-1 from (seed, epoch) — the same on
// every platform. With task weights (one per task, `task_of` naming each example's task), the
// epoch still has n draws, each picking a task by weight and then its next example in a
// shuffled cycle over that task's examples.
std::vector<std::int64_t> epoch_order(std::int64_t n, std::uint64_t seed, std::int64_t epoch,
                                      const std::vector<std::int32_t>& task_of = {},
                                      const std::vector<double>& task_weights = {});

// Micro-batches of one epoch from its order and each example's length (in tokens, at most
// max_seq_len). Deterministic for (order, lengths, options, seed).
std::vector<MicroBatchRows> plan_micro_batches(const std::vector<std::int64_t>& order,
                                               const std::vector<std::int64_t>& lengths, const BatchOptions& options,
                                               std::uint64_t seed);

// In-order micro-batches (no shuffle; evaluation).
std::vector<MicroBatchRows> sequential_micro_batches(std::int64_t n, std::int64_t micro_batch);

// The micro-batches of one epoch of a run of `config` over examples of these `lengths` (tokens,
// after the cut at max_seq_len): a pure function of the settings, the data and the epoch.
std::vector<MicroBatchRows> plan_epoch(const TrainConfig& config, const std::vector<std::int64_t>& lengths,
                                       const std::vector<std::int32_t>& task_of, const std::vector<double>& task_weights,
                                       std::int64_t epoch);

// Optimizer steps a run of `config` takes over examples of these lengths: max_steps when set,
// else its epochs' micro-batches over grad_accum (at least 1).
std::int64_t count_total_steps(const TrainConfig& config, const std::vector<std::int64_t>& lengths,
                               const std::vector<std::int32_t>& task_of = {},
                               const std::vector<double>& task_weights = {});

}  // namespace tb::train
