// The run estimate (run_estimate.h).
#include "core/train/run_estimate.h"

#include <algorithm>

#include "core/train/batch_plan.h"

namespace tb::train {

MemoryEstimate estimate_run(const ModelConfig& model, const TrainConfig& config, const TrainSet& train,
                            const std::vector<double>& task_weights, const RunMemory& memory) {
  // 1. The settings.
  EstimateInput in = estimate_input(model, config);
  in.cuda = memory.cuda;
  in.device_memory_bytes = memory.available_bytes;
  // 2. The length a micro-batch reaches.
  if (!train.examples.empty() && !config.packing) {
    std::int64_t longest = 8;
    for (const auto& e : train.examples) longest = std::max<std::int64_t>(longest, static_cast<std::int64_t>(e.ids.size()));
    in.seq_len = std::min(config.max_seq_len, longest);
  }
  // 3. The steps.
  in.total_steps = !train.examples.empty() ? count_total_steps(config, train.lengths(), train.task_of, task_weights)
                                           : std::max<std::int64_t>(0, config.max_steps);
  // 4. The estimate, and the settings each suggestion stands for.
  MemoryEstimate estimate = estimate_training(in);
  for (auto& s : estimate.suggestions) s.config = apply_estimate_input(config, in, s.input);
  return estimate;
}

TrainConfig apply_estimate_input(TrainConfig c, const EstimateInput& from, const EstimateInput& to) {
  if (to.micro_batch != from.micro_batch) c.micro_batch = to.micro_batch;
  if (to.grad_accum != from.grad_accum) c.grad_accum = to.grad_accum;
  if (to.gradient_checkpointing != from.gradient_checkpointing) c.gradient_checkpointing = to.gradient_checkpointing;
  if (to.seq_len != from.seq_len) c.max_seq_len = to.seq_len;
  if (to.precision != from.precision) c.precision = to.precision;
  if (to.method != from.method) c.method = to.method;
  if (to.lora_rank != from.lora_rank) c.lora.rank = to.lora_rank;
  if (to.freeze_top_blocks != from.freeze_top_blocks) c.freeze.top_blocks = to.freeze_top_blocks;
  return c;
}

}  // namespace tb::train
