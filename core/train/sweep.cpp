// Sweeps (sweep.h).
#include "core/train/sweep.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>

#include "core/common/error.h"
#include "core/io/atomic_file.h"

namespace fs = std::filesystem;

namespace tb::train {
namespace {

nlohmann::json number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

}  // namespace

std::vector<SweepPoint> sweep_points(const SweepSpace& space, const TrainConfig& base, const SweepOptions& options) {
  const auto lrs = space.learning_rates.empty() ? std::vector<double>{base.learning_rate} : space.learning_rates;
  const auto epochs = space.epochs.empty() ? std::vector<std::int64_t>{base.epochs} : space.epochs;
  const auto ranks = space.ranks.empty() ? std::vector<std::int64_t>{base.lora.rank} : space.ranks;
  const auto batches = space.micro_batches.empty() ? std::vector<std::int64_t>{base.micro_batch} : space.micro_batches;
  for (const double lr : lrs) {
    if (!(lr > 0 && lr < 1)) throw Error("every learning rate must be in (0, 1)", {{}, 0, "lr"});
  }
  for (const auto* list : {&epochs, &ranks, &batches}) {
    for (const auto v : *list) {
      if (v < 1) throw Error("epochs, ranks and batch sizes must be at least 1", {{}, 0, "sweep"});
    }
  }
  // 1. The grid, in a fixed nesting order.
  std::vector<SweepPoint> grid;
  for (const double lr : lrs) {
    for (const auto e : epochs) {
      for (const auto r : ranks) {
        for (const auto b : batches) grid.push_back({lr, e, r, b});
      }
    }
  }
  if (options.random_trials <= 0 || options.random_trials >= static_cast<std::int64_t>(grid.size())) return grid;
  // 2. A random sample without replacement, kept in grid order.
  std::mt19937_64 rng(options.seed);
  std::vector<std::size_t> index(grid.size());
  for (std::size_t i = 0; i < index.size(); ++i) index[i] = i;
  for (std::size_t i = 0; i < static_cast<std::size_t>(options.random_trials); ++i) {
    std::swap(index[i], index[i + rng() % (index.size() - i)]);
  }
  index.resize(static_cast<std::size_t>(options.random_trials));
  std::sort(index.begin(), index.end());
  std::vector<SweepPoint> out;
  for (const auto i : index) out.push_back(grid[i]);
  return out;
}

TrainConfig apply_point(const TrainConfig& base, const SweepPoint& p, std::int64_t trial_max_steps) {
  TrainConfig c = base;
  c.learning_rate = p.learning_rate;
  c.epochs = p.epochs;
  c.lora.rank = p.rank;
  c.lora.alpha = base.lora.alpha * static_cast<double>(p.rank) / static_cast<double>(base.lora.rank);  // same alpha/r
  c.micro_batch = p.micro_batch;
  if (trial_max_steps > 0) c.max_steps = trial_max_steps;
  c.sample_prompts = 0;
  c.keep_last = 1;
  return c;
}

SweepResult run_sweep(const RunSpec& base, const SweepSpace& space, const SweepOptions& options, const fs::path& dir,
                      const RunControl& control, const RunEventSink& sink,
                      const std::function<void(const SweepTrial&, std::size_t, std::size_t)>& on_trial) {
  if (base.stages.size() != 1) throw Error("a sweep tunes a one-stage run; sweep each stage of a sequential project on its own");
  const auto points = sweep_points(space, base.stages.front().config, options);
  SweepResult result;
  result.dir = dir;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (control.cancel != nullptr && control.cancel->load()) {
      result.cancelled = true;
      break;
    }
    SweepTrial t;
    t.index = static_cast<std::int64_t>(i + 1);
    t.point = points[i];
    t.config = apply_point(base.stages.front().config, points[i], options.trial_max_steps);
    t.run_dir = dir / ("trial-" + std::to_string(i + 1));
    RunSpec spec = base;
    spec.stages.front().config = t.config;
    spec.run_dir = t.run_dir;
    spec.resume = false;
    spec.test = {};
    spec.test_examples.clear();
    spec.probe = {};
    spec.generation_examples = 0;
    const auto start = std::chrono::steady_clock::now();
    try {
      const auto r = run_training(spec, control, sink);
      t.status = r.status;
      t.best_val_loss = r.stages.front().best_step >= 0 ? r.stages.front().best_val_loss : std::nan("");
      t.best_step = r.stages.front().best_step;
      t.steps = r.stages.front().steps;
      if (r.status == RunStatus::Cancelled) result.cancelled = true;
    } catch (const Error& e) {
      t.error = e.what();
      t.best_val_loss = std::nan("");
    }
    t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.leaderboard.push_back(t);
    if (on_trial) on_trial(t, i + 1, points.size());
    if (result.cancelled) break;
  }
  // The leaderboard: lowest best validation loss first; failures (NaN) last, in trial order.
  std::stable_sort(result.leaderboard.begin(), result.leaderboard.end(), [](const SweepTrial& a, const SweepTrial& b) {
    const bool fa = std::isfinite(a.best_val_loss), fb = std::isfinite(b.best_val_loss);
    if (fa != fb) return fa;
    return fa && a.best_val_loss < b.best_val_loss;
  });
  if (!result.leaderboard.empty() && std::isfinite(result.leaderboard.front().best_val_loss)) {
    const auto& base_config = base.stages.front().config;
    auto best = apply_point(base_config, result.leaderboard.front().point, 0);
    best.max_steps = base_config.max_steps;
    best.sample_prompts = base_config.sample_prompts;
    best.keep_last = base_config.keep_last;
    result.best_config = best;
  }
  fs::create_directories(dir);
  write_file_atomic(dir / "sweep.json", sweep_json(result).dump(2) + "\n");
  std::string md = "# Sweep leaderboard\n\nRanked by best validation loss" +
                   (options.trial_max_steps > 0 ? " (each trial capped at " + std::to_string(options.trial_max_steps) + " steps)" : std::string()) +
                   ".\n\n| rank | trial | learning rate | epochs | rank (LoRA) | micro-batch | best val loss | at step | status | seconds |\n"
                   "|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n";
  for (std::size_t k = 0; k < result.leaderboard.size(); ++k) {
    const auto& t = result.leaderboard[k];
    char row[512];
    std::snprintf(row, sizeof row, "| %zu | %lld | %.3g | %lld | %lld | %lld | %s | %lld | %s | %.1f |\n", k + 1,
                  static_cast<long long>(t.index), t.point.learning_rate, static_cast<long long>(t.point.epochs),
                  static_cast<long long>(t.point.rank), static_cast<long long>(t.point.micro_batch),
                  std::isfinite(t.best_val_loss) ? std::to_string(t.best_val_loss).substr(0, 6).c_str() : "–",
                  static_cast<long long>(t.best_step), t.error.empty() ? to_string(t.status) : "failed", t.seconds);
    md += row;
  }
  write_file_atomic(dir / "leaderboard.md", md);
  return result;
}

nlohmann::json sweep_json(const SweepResult& r) {
  nlohmann::json trials = nlohmann::json::array();
  for (const auto& t : r.leaderboard) {
    trials.push_back({{"trial", t.index}, {"learning_rate", t.point.learning_rate}, {"epochs", t.point.epochs},
                      {"rank", t.point.rank}, {"micro_batch", t.point.micro_batch},
                      {"best_val_loss", number(t.best_val_loss)}, {"best_step", t.best_step}, {"steps", t.steps},
                      {"status", t.error.empty() ? to_string(t.status) : "failed"}, {"error", t.error},
                      {"seconds", t.seconds}, {"run_dir", t.run_dir.string()}, {"config", t.config}});
  }
  nlohmann::json best = nullptr;
  if (r.best_config) best = *r.best_config;
  return {{"format", "tunebench-sweep"}, {"version", 1}, {"cancelled", r.cancelled}, {"leaderboard", trials},
          {"best", best}};
}

std::string describe_trial(const SweepTrial& t, std::size_t done, std::size_t total) {
  std::ostringstream line;
  line << "trial " << done << "/" << total << ": lr " << t.point.learning_rate << ", epochs " << t.point.epochs
       << ", rank " << t.point.rank << ", micro-batch " << t.point.micro_batch << " -> ";
  if (!t.error.empty()) {
    line << "failed: " << t.error;
  } else if (std::isfinite(t.best_val_loss)) {
    line << "best validation loss " << t.best_val_loss;
  } else {
    line << to_string(t.status);
  }
  line << " (" << static_cast<int>(t.seconds) << " s)";
  return line.str();
}

std::filesystem::path default_sweep_dir(const std::filesystem::path& run_dir) {
  return run_dir.parent_path() / ("sweep-" + run_dir.filename().string());
}

}  // namespace tb::train
