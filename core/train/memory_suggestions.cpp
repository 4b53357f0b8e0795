// The changes that would make a plan fit (memory_suggestions.h): checkpointing, a smaller
// micro-batch with more accumulation, bf16, LoRA, fewer trained blocks, shorter sequences —
// each re-estimated, the smallest change first.
#include "core/train/memory_suggestions.h"

#include <string>

namespace tb::train {
namespace {

// Whether `changed` needs at most `target` bytes (its total lands in `total`).
bool reaches(const EstimateInput& changed, double target, double& total) {
  total = memory_parts(changed).total;
  return total <= target;
}

// The largest value in [1, limit) whose `set` reaches the target (the total grows with it); 0 if
// none.
template <typename Set>
std::int64_t largest_that_reaches(std::int64_t limit, double target, const EstimateInput& in,
                                  Set set) {
  std::int64_t lo = 0, hi = limit;  // lo reaches (or is 0), hi does not
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    EstimateInput c = in;
    set(c, mid);
    double total = 0;
    (reaches(c, target, total) ? lo : hi) = mid;
  }
  return lo;
}

}  // namespace

std::vector<Suggestion> suggest_changes(const EstimateInput& in, double target) {
  std::vector<Suggestion> out;
  auto add = [&](const std::string& text, const EstimateInput& changed) {
    const double total = memory_parts(changed).total;
    out.push_back({text + " → " + approx_bytes(total), changed, bytes_of(total), {}});
  };
  double total = 0;
  // 1. Same result, more time: checkpointing; a smaller micro-batch with more accumulation.
  if (!in.gradient_checkpointing) {
    EstimateInput c = in;
    c.gradient_checkpointing = true;
    if (reaches(c, target, total)) add("turn on gradient checkpointing (about a third slower)", c);
  }
  for (std::int64_t b = in.micro_batch - 1; b >= 1; --b) {
    if (in.micro_batch % b != 0) continue;
    EstimateInput c = in;
    c.micro_batch = b;
    c.grad_accum = in.grad_accum * (in.micro_batch / b);
    if (!reaches(c, target, total)) continue;
    add("micro-batch " + std::to_string(b) + " instead of " + std::to_string(in.micro_batch) +
            ", gradient accumulation " + std::to_string(c.grad_accum) + " instead of " +
            std::to_string(in.grad_accum) + " (same effective batch)",
        c);
    break;
  }
  // 2. Precision.
  if (in.precision == Precision::Fp32) {
    EstimateInput c = in;
    c.precision = Precision::Bf16;
    if (reaches(c, target, total)) {
      add(std::string("bf16 instead of fp32") + (in.cuda ? "" : " (slower on most CPUs)"), c);
    }
  }
  // 3. What trains.
  if (in.method == TrainMethod::Full) {
    EstimateInput c = in;
    c.method = TrainMethod::Lora;
    if (c.lora_rank < 1) c.lora_rank = 8;
    if (reaches(c, target, total)) {
      add("LoRA (rank " + std::to_string(c.lora_rank) + ") instead of full fine-tuning", c);
    }
  }
  if (in.method == TrainMethod::Freeze && in.freeze_top_blocks > 1) {
    const std::int64_t top =
        largest_that_reaches(in.freeze_top_blocks, target, in,
                             [](EstimateInput& c, std::int64_t v) { c.freeze_top_blocks = v; });
    if (top >= 1) {
      EstimateInput c = in;
      c.freeze_top_blocks = top;
      add("train the top " + std::to_string(top) + (top == 1 ? " block" : " blocks") +
              " instead of " + std::to_string(in.freeze_top_blocks),
          c);
    }
  }
  // 4. What the model sees: shorter sequences (a multiple of 64 where that large).
  if (in.seq_len > 1) {
    std::int64_t t = largest_that_reaches(in.seq_len, target, in,
                                          [](EstimateInput& c, std::int64_t v) { c.seq_len = v; });
    if (t >= 64) t -= t % 64;
    if (t >= 1) {
      EstimateInput c = in;
      c.seq_len = t;
      add("sequence length " + std::to_string(t) + " instead of " + std::to_string(in.seq_len) +
              " (longer examples get cut)",
          c);
    }
  }
  // 5. No single change is enough: all of them together, in the same order.
  if (out.empty()) {
    EstimateInput c = in;
    std::vector<std::string> steps;
    if (!c.gradient_checkpointing) {
      c.gradient_checkpointing = true;
      steps.emplace_back("gradient checkpointing");
    }
    if (c.micro_batch > 1) {
      c.grad_accum *= c.micro_batch;
      c.micro_batch = 1;
      steps.emplace_back("micro-batch 1 with gradient accumulation " +
                         std::to_string(c.grad_accum));
    }
    if (c.precision == Precision::Fp32) {
      c.precision = Precision::Bf16;
      steps.emplace_back("bf16");
    }
    if (c.method == TrainMethod::Full) {
      c.method = TrainMethod::Lora;
      if (c.lora_rank < 1) c.lora_rank = 8;
      steps.emplace_back("LoRA (rank " + std::to_string(c.lora_rank) + ")");
    }
    if (c.method == TrainMethod::Freeze && c.freeze_top_blocks > 1) {
      c.freeze_top_blocks = 1;
      steps.emplace_back("train the top block only");
    }
    if (!reaches(c, target, total) && c.seq_len > 1) {
      std::int64_t t = largest_that_reaches(
          c.seq_len, target, c, [](EstimateInput& e, std::int64_t v) { e.seq_len = v; });
      if (t >= 64) t -= t % 64;
      if (t >= 1) {
        c.seq_len = t;
        steps.emplace_back("sequence length " + std::to_string(t));
      }
    }
    if (!steps.empty() && reaches(c, target, total)) {
      std::string text = "together: ";
      for (std::size_t i = 0; i < steps.size(); ++i) text += (i ? ", " : "") + steps[i];
      add(text, c);
    }
  }
  return out;
}

}  // namespace tb::train
