// Inside the memory estimate: its arithmetic without the verdict and the words (what each
// suggestion re-runs), and the changes that would bring a plan within a target. Used by
// memory_estimate.cpp and memory_suggestions.cpp only; callers use memory_estimate.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/train/memory_estimate.h"

namespace tb::train {

// The parts of the peak in bytes (doubles until the end), the counts and the times.
struct MemoryParts {
  double total_params = 0, trainable_params = 0;
  double weights = 0, gradients = 0, optimizer = 0, activations = 0, logits = 0, temporaries = 0,
         workspace = 0, total = 0;
  double flops_per_token = 0, tflops = 0, step_seconds = 0, total_seconds = 0;
};

// memory_estimate.cpp: the parts for `in` (validated already).
MemoryParts memory_parts(const EstimateInput& in);
// Bytes as an integer; tb::Error past 2^64 (a micro-batch or length far too large).
std::uint64_t bytes_of(double bytes);
// "~1.9 GB".
std::string approx_bytes(double bytes);

// memory_suggestions.cpp: single changes that bring `in` to at most `target_bytes`, smallest
// first (or all of them together when no single one does).
std::vector<Suggestion> suggest_changes(const EstimateInput& in, double target_bytes);

}  // namespace tb::train
