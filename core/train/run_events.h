// What a training run reports while it runs: step metrics, evaluations, warnings, checkpoints,
// sample generations, state lines. Plain copyable values (the engine forwards them as events;
// the GUI plots them; metrics.jsonl and events.jsonl are written from them).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/train/detectors.h"

namespace tb::train {

struct StepMetrics {
  std::string stage;                 // "" for a one-stage run
  std::int64_t step = 0, total_steps = 0;
  double loss = 0, smoothed_loss = 0;
  double learning_rate = 0, grad_norm = 0;
  double epoch = 0;
  std::int64_t trained_tokens = 0, tokens = 0;
  double tokens_per_s = 0;           // all tokens (prompt and completion) through forward+backward
  double elapsed_s = 0, eta_s = 0;
  double device_memory_bytes = 0;    // CUDA: allocated now; CPU: resident set size
  bool applied = true;               // false: the update was refused (divergence)
};

struct EvalMetrics {
  std::string stage;
  std::int64_t step = 0;
  double loss = 0, perplexity = 0;
  std::vector<std::pair<std::string, double>> per_task;  // task -> loss
  bool best = false;                 // a new best validation loss
  std::int64_t examples = 0;
};

struct WarningRaised {
  std::string stage;
  TrainingWarning warning;
};

struct CheckpointSaved {
  std::string stage;
  std::int64_t step = 0;
  std::string folder;
  bool best = false;
};

struct SampleGenerated {
  std::string stage;
  std::int64_t step = 0;
  std::int64_t index = 0;            // which fixed prompt
  std::string prompt, reference, output;
};

struct RunNote {
  std::string text;                  // "resumed from step 40", "rolled back to step 30", ...
};

using RunEvent = std::variant<StepMetrics, EvalMetrics, WarningRaised, CheckpointSaved, SampleGenerated, RunNote>;
using RunEventSink = std::function<void(const RunEvent&)>;

}  // namespace tb::train

namespace tb::train {

// One JSON object per event, with "type" ("step", "eval", "warning", "checkpoint", "sample",
// "note"): the lines of metrics.jsonl and events.jsonl.
nlohmann::json to_json_line(const RunEvent& event);
nlohmann::json warning_json(const TrainingWarning& warning);

}  // namespace tb::train
