// Sweeps: the grid and its random sample; trials on a tiny model ranked by validation loss,
// the winner's settings kept at the run's own length, a diverging trial ranked last.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/common/error.h"
#include "core/train/sweep.h"
#include "core/train/sweep_summary.h"
#include "tests/core/train_fixtures.h"
#include "tests/common/test_paths.h"

namespace {

namespace fs = std::filesystem;
using namespace tb::train;

TEST(Sweep, GridAndRandomSample) {
  TrainConfig base;
  SweepSpace space;
  space.learning_rates = {1e-4, 3e-4};
  space.ranks = {4, 8, 16};
  const auto grid = sweep_points(space, base, {});
  ASSERT_EQ(grid.size(), 6u);
  EXPECT_DOUBLE_EQ(grid[0].learning_rate, 1e-4);
  EXPECT_EQ(grid[0].rank, 4);
  EXPECT_EQ(grid[5].rank, 16);
  EXPECT_EQ(grid[5].epochs, base.epochs);  // dimensions not swept keep the base
  SweepOptions random;
  random.random_trials = 4;
  random.seed = 3;
  const auto sample = sweep_points(space, base, random);
  ASSERT_EQ(sample.size(), 4u);
  const auto again = sweep_points(space, base, random);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(sample[i].rank, again[i].rank);  // seeded
  space.learning_rates = {2.0};
  EXPECT_THROW(sweep_points(space, base, {}), tb::Error);
}

TEST(Sweep, TrialsRankedByValidationLoss) {
  TrainConfig c = tb::test::tiny_run_config();  // its learning rate is the swept one
  c.max_steps = 40;
  RunSpec base;
  base.model = tb::test::tiny_model();
  base.stages.push_back({"", c, tb::test::pattern_set(32), tb::test::pattern_set(8, 9, 600), {}, {}});
  SweepSpace space;
  space.learning_rates = {1e-5, 5e-3, 0.9};  // too small, right, far too large
  SweepOptions options;
  options.trial_max_steps = 15;
  const fs::path dir = fs::path(tb_test::test_tmp()) / "sweep_trials";
  fs::remove_all(dir);
  const auto result = run_sweep(base, space, options, dir, {}, {});
  ASSERT_EQ(result.leaderboard.size(), 3u);
  EXPECT_DOUBLE_EQ(result.leaderboard[0].point.learning_rate, 5e-3);
  EXPECT_EQ(result.leaderboard[0].steps, 15);  // the budget
  EXPECT_LT(result.leaderboard[0].best_val_loss, result.leaderboard[1].best_val_loss);
  ASSERT_TRUE(result.best_config.has_value());
  EXPECT_DOUBLE_EQ(result.best_config->learning_rate, 5e-3);
  EXPECT_EQ(result.best_config->max_steps, 40);  // the run's own length, not the trial cap
  EXPECT_TRUE(fs::exists(dir / "leaderboard.md"));
  std::ifstream in(dir / "sweep.json");
  const auto json = nlohmann::json::parse(in);
  EXPECT_DOUBLE_EQ(json["best"]["learning_rate"].get<double>(), 5e-3);
  EXPECT_EQ(json["leaderboard"].size(), 3u);
  EXPECT_TRUE(fs::exists(dir / "trial-1" / "report.json"));
  // The one reader of sweep.json gives back what the sweep wrote.
  const auto summary = tb::train::sweep_summary_from_json(json, "sweep.json");
  ASSERT_EQ(summary.leaderboard.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& t = result.leaderboard[i];
    const auto& r = summary.leaderboard[i];
    EXPECT_EQ(r.trial, t.index);
    EXPECT_DOUBLE_EQ(r.learning_rate, t.point.learning_rate);
    EXPECT_EQ(r.rank, t.point.rank);
    EXPECT_EQ(r.best_step, t.best_step);
    EXPECT_EQ(std::isfinite(r.best_val_loss), std::isfinite(t.best_val_loss));
    if (std::isfinite(t.best_val_loss)) {
      EXPECT_DOUBLE_EQ(r.best_val_loss, t.best_val_loss);
    }
  }
  ASSERT_TRUE(summary.best.has_value());
  EXPECT_EQ(tb::train::config_hash(*summary.best), tb::train::config_hash(*result.best_config));
}

}  // namespace
