// Hyperparameter sweeps: a grid (every combination) or a seeded random sample of it over the
// learning rate, epochs, LoRA rank and micro-batch; each trial a short run capped at a step
// budget, scored by its best validation loss; a leaderboard, and the winning settings ready to
// train with (sweep.json's "best").
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/train/sweep_space.h"
#include "core/train/train_run.h"

namespace tb::train {

struct SweepPoint {
  double learning_rate = 0;
  std::int64_t epochs = 0, rank = 0, micro_batch = 0;
};

struct SweepTrial {
  std::int64_t index = 0;
  SweepPoint point;
  TrainConfig config;
  RunStatus status = RunStatus::Finished;
  double best_val_loss = 0;  // NaN when the trial failed or diverged before any evaluation
  std::int64_t best_step = -1, steps = 0;
  double seconds = 0;
  std::string error;  // why the trial failed, if it did
  std::filesystem::path run_dir;
};

struct SweepResult {
  std::vector<SweepTrial> leaderboard;  // best validation loss first; failed trials last
  std::filesystem::path dir;
  bool cancelled = false;
  // The winner's settings at the run's own length (no trial cap): what to train with.
  std::optional<TrainConfig> best_config;
};

// The points to try, in a fixed order (grid order; a random sample is drawn without
// replacement from the grid with `seed`). Throws tb::Error for an empty or invalid space.
std::vector<SweepPoint> sweep_points(const SweepSpace& space, const TrainConfig& base, const SweepOptions& options);
TrainConfig apply_point(const TrainConfig& base, const SweepPoint& point, std::int64_t trial_max_steps);

// Runs each trial as a one-stage run under dir/trial-N (no test answers, no probe: the
// leaderboard is by validation loss). `on_trial` after each; cancel between and inside trials.
// Writes dir/sweep.json and dir/leaderboard.md.
SweepResult run_sweep(const RunSpec& base, const SweepSpace& space, const SweepOptions& options,
                      const std::filesystem::path& dir, const RunControl& control, const RunEventSink& sink,
                      const std::function<void(const SweepTrial&, std::size_t done, std::size_t total)>& on_trial = {});

nlohmann::json sweep_json(const SweepResult& result);

// One line on a finished trial for progress logs: "trial 2/4: lr 0.0003, epochs 1, rank 8,
// micro-batch 4 -> best validation loss 2.61 (41 s)".
std::string describe_trial(const SweepTrial& trial, std::size_t done, std::size_t total);
// Where a sweep goes when no folder is given: beside the run folder a run would get, "sweep-<name>".
std::filesystem::path default_sweep_dir(const std::filesystem::path& run_dir);

}  // namespace tb::train
