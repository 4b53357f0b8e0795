// A training run from start to report: one or more stages (sequential fine-tuning: each stage
// its own data and settings, continuing from the last), validation every N steps with the
// detectors watching, sample answers, sealed checkpoints (last K and the best), early stopping
// and "stop and keep best" on the best checkpoint, rollback on divergence, exact resume from
// the run folder; at the end base vs tuned on the test split, the forgetting probe and, across
// stages, the forgetting matrix. Runs on the caller's thread (the engine's worker); reports
// through a RunEventSink; the folder layout is DESIGN.md §5's.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/train/evaluation.h"
#include "core/train/run_events.h"
#include "core/train/stage_spec.h"
#include "core/train/training_session.h"

namespace tb::train {

struct RunSpec {
  std::shared_ptr<const Model> model;
  std::vector<StageSpec> stages;
  TrainSet test;
  std::vector<data::Example> test_examples;   // test.source indexes these (generations)
  TrainSet probe;                             // the forgetting probe; empty = none
  std::string probe_name;
  std::int64_t generation_examples = 20;      // test answers generated per model; 0 = none
  std::int64_t generation_max_tokens = 128;
  std::filesystem::path run_dir;
  nlohmann::json description = nlohmann::json::object();  // into run.json: inputs and hashes
  bool resume = false;                        // continue from run_dir's checkpoints
  // Evaluate, do not train: each stage is restored from its final checkpoint (the last stage
  // from `evaluate_step` when >= 0), then base vs tuned is measured and written as
  // <report_name>.json / .md.
  bool evaluate_only = false;
  std::int64_t evaluate_step = -1;
  std::string report_name = "report";         // "" = write no report (restoring for export)
  std::int64_t inject_nan_at_step = -1;       // drills and tests: this step's loss is NaN
  std::int64_t inject_oom_at_step = -1;       // drills and tests: this step runs out of device memory
  std::int64_t inject_disk_full_at_step = -1; // drills and tests: this step's checkpoint finds the disk full
};

struct RunControl {
  const std::atomic<bool>* cancel = nullptr;
  const std::atomic<bool>* pause = nullptr;
  const std::atomic<bool>* stop_keep_best = nullptr;
  std::atomic<bool>* save_now = nullptr;      // cleared once the checkpoint is written
};

enum class RunStatus { Finished, EarlyStopped, StoppedByUser, Diverged, Cancelled };
const char* to_string(RunStatus status);

struct StageOutcome {
  std::string name;
  RunStatus status = RunStatus::Finished;
  std::int64_t steps = 0, total_steps = 0;
  std::int64_t best_step = -1;
  double best_val_loss = 0;
  double seconds = 0;
  std::int64_t trainable_params = 0;
  std::vector<TrainingWarning> warnings;
};

struct RunResult {
  RunStatus status = RunStatus::Finished;
  std::vector<StageOutcome> stages;
  // forgetting[i][j]: validation loss of stage j's data after stage i (j <= i), and before any
  // training in forgetting_before[j].
  std::vector<std::vector<double>> forgetting;
  std::vector<double> forgetting_before;
  std::optional<LossEval> test_base, test_tuned, probe_base, probe_tuned;
  std::optional<GenerationEval> generations_base, generations_tuned;
  std::filesystem::path run_dir;
  std::shared_ptr<TrainingSession> final_session;  // for export (adapter or weights)
  std::shared_ptr<const Model> final_base;         // the base model of the last stage
};

// Throws tb::Error for what the user must fix (no stages, an empty split, a run folder that
// holds another run when not resuming); a CUDA out-of-memory error becomes a tb::Error naming
// what to change. Everything written is written atomically.
RunResult run_training(const RunSpec& spec, const RunControl& control, const RunEventSink& sink);

}  // namespace tb::train
