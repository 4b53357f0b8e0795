// The one memory and time estimate of a training run, from the same inputs wherever it is asked:
// the Setup step (before anything runs) and run preparation (before the trainer starts, which
// refuses a run that will not fit) both call estimate_run() with the model's shape, the stage's
// settings, its training split as the model sees it (tokenized and cut, so the real longest
// example and the real number of micro-batches count) and the memory the run may use.
#pragma once

#include <cstdint>
#include <vector>

#include "core/model/model_config.h"
#include "core/train/memory_estimate.h"
#include "core/train/train_config.h"
#include "core/train/train_set.h"

namespace tb::train {

// Where the run goes and how much memory it may use there: the device's free memory before the
// run's model is loaded (device.h's run_memory_bytes); 0 = unknown, no verdict.
struct RunMemory {
  bool cuda = false;
  std::uint64_t available_bytes = 0;
};

// 1. The estimate input of `config` on `model` (estimate_input).
// 2. The sequence length a micro-batch reaches: max_seq_len when packing, else the longest
//    training example (at least 8 tokens), never more than max_seq_len.
// 3. The optimizer steps: count_total_steps over the examples' lengths, tasks and weights.
// 4. estimate_training, and each suggestion's change applied to `config` (Suggestion::config).
// An empty `train` (the data not measured yet) estimates max_seq_len and no step count.
MemoryEstimate estimate_run(const ModelConfig& model, const TrainConfig& config, const TrainSet& train,
                            const std::vector<double>& task_weights, const RunMemory& memory);

// `config` with what a suggestion changed between the estimate's input `from` and its `to`:
// micro-batch, accumulation, checkpointing, sequence length, precision, method, LoRA rank,
// trained blocks. Fields the suggestion left alone keep the settings' values.
TrainConfig apply_estimate_input(TrainConfig config, const EstimateInput& from, const EstimateInput& to);

}  // namespace tb::train
