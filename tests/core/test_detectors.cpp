// Training-health detectors: a synthetic overfitting curve warns exactly once at the expected
// evaluation (and again only after a new best); the gap rule; a noisy healthy run warns about
// nothing in 2,000 steps; NaN, Inf and a 4x spike are divergence, a 2x bump and an early spike are
// not; underfitting on a flat high curve after warmup only; early stopping; best tracking;
// state()/restore() resumes exactly; settings and state are checked.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/train/detectors.h"

namespace {

using tb::train::DetectorSettings;
using tb::train::TrainingMonitor;
using tb::train::TrainingWarning;
using tb::train::WarningKind;

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Uniform noise in [-amplitude, amplitude] from raw mt19937 output (portable across libraries).
double noise(std::mt19937& rng, double amplitude) {
  return amplitude * (2.0 * (static_cast<double>(rng()) / 4294967295.0) - 1.0);
}

double number(const TrainingWarning& w, const std::string& name) {
  for (const auto& [key, value] : w.numbers) {
    if (key == name) return value;
  }
  ADD_FAILURE() << "no number " << name;
  return kNan;
}

TEST(Detectors, WarningKindNames) {
  EXPECT_STREQ(to_string(WarningKind::Overfitting), "overfitting");
  EXPECT_STREQ(to_string(WarningKind::Underfitting), "underfitting");
  EXPECT_STREQ(to_string(WarningKind::Divergence), "divergence");
}

// Training loss 0.3 + 2 exp(-t / 400) falls throughout; evaluation e (every 100 steps, e = 1..20)
// has validation loss 1 + 0.01 (e - 8)^2: best at step 800, then 1.01, 1.04, 1.09, ... so with
// k = 3 the third rise (step 1100) is the one that warns, and only once.
TEST(Detectors, OverfittingFiresOnceAtTheExpectedEvaluation) {
  TrainingMonitor monitor;
  std::vector<TrainingWarning> warnings;
  for (std::int64_t step = 1; step <= 2000; ++step) {
    auto w = monitor.on_step(step, 0.3 + 2.0 * std::exp(-static_cast<double>(step) / 400.0));
    ASSERT_FALSE(w) << w->message;
    if (step % 100 == 0) {
      const double e = static_cast<double>(step) / 100.0;  // 1, 2, ..., 20
      if (auto v = monitor.on_eval(step, 1.0 + 0.01 * (e - 8) * (e - 8))) warnings.push_back(*v);
    }
  }
  ASSERT_EQ(warnings.size(), 1u);
  const TrainingWarning& w = warnings[0];
  EXPECT_EQ(w.kind, WarningKind::Overfitting);
  EXPECT_EQ(w.step, 1100);
  EXPECT_DOUBLE_EQ(number(w, "val_loss_from"), 1.0);
  EXPECT_DOUBLE_EQ(number(w, "val_loss_to"), 1.09);
  EXPECT_DOUBLE_EQ(number(w, "best_step"), 800);
  EXPECT_GT(number(w, "train_loss_from"), number(w, "train_loss_to"));
  EXPECT_NE(w.message.find("Validation loss rose for 3 evaluations in a row (1.00 → 1.09)"),
            std::string::npos)
      << w.message;
  EXPECT_NE(w.action.find("best checkpoint (step 800"), std::string::npos) << w.action;
  EXPECT_EQ(monitor.best_step(), 800);
}

TEST(Detectors, OverfittingRearmsAfterANewBest) {
  DetectorSettings settings;
  settings.train_loss_ema = 0.0;  // smoothed loss = the last loss
  TrainingMonitor monitor(settings);
  // Training loss falls by 0.01 per evaluation throughout.
  double train = 2.0;
  std::int64_t step = 0;
  auto eval = [&](double val) {
    step += 10;
    train -= 0.01;
    EXPECT_FALSE(monitor.on_step(step, train));
    return monitor.on_eval(step, val);
  };
  EXPECT_FALSE(eval(1.5));  // best (step 10)
  EXPECT_FALSE(eval(1.6));  // rise 1
  EXPECT_FALSE(eval(1.7));  // rise 2
  auto first = eval(1.8);   // rise 3 -> warns (step 40)
  ASSERT_TRUE(first);
  EXPECT_EQ(first->step, 40);
  EXPECT_FALSE(eval(1.9));  // same episode: silent
  EXPECT_FALSE(eval(1.4));  // new best (step 60): re-armed
  EXPECT_FALSE(eval(1.45));
  EXPECT_FALSE(eval(1.5));
  auto second = eval(1.55);  // three rises again -> warns (step 90)
  ASSERT_TRUE(second);
  EXPECT_EQ(second->step, 90);
  EXPECT_NE(second->action.find("step 60"), std::string::npos);
}

TEST(Detectors, RisingValidationWithoutFallingTrainingIsNotOverfitting) {
  DetectorSettings settings;
  settings.train_loss_ema = 0.0;
  TrainingMonitor monitor(settings);
  const double vals[] = {1.0, 1.1, 1.2, 1.3, 1.4};
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(monitor.on_step(i, 1.0 + 0.01 * i));  // training loss rising too
    EXPECT_FALSE(monitor.on_eval(i, vals[i]));
  }
}

TEST(Detectors, GapRule) {
  DetectorSettings settings;
  settings.train_loss_ema = 0.0;
  settings.overfit_gap = 0.5;
  TrainingMonitor monitor(settings);
  // val 2.0, 1.9, 1.9, 1.9 (ties are not improvements); train 1.8, 1.5, 1.3, 1.1:
  // gaps 0.2, 0.4, 0.6: at the third evaluation 0.6 > 0.5 and 0.6 > 0.4 > 0.2 -> warns once.
  const double vals[] = {2.0, 1.9, 1.9, 1.9};
  const double trains[] = {1.8, 1.5, 1.3, 1.1};
  std::vector<TrainingWarning> warnings;
  for (std::int64_t i = 0; i < 4; ++i) {
    monitor.on_step(100 * (i + 1), trains[i]);
    if (auto w = monitor.on_eval(100 * (i + 1), vals[i])) warnings.push_back(*w);
  }
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].step, 300);
  EXPECT_NEAR(number(warnings[0], "gap"), 0.6, 1e-12);
  EXPECT_NE(
      warnings[0].message.find("gap grew at each of the last 2 evaluations (0.20 → 0.40 → 0.60)"),
      std::string::npos)
      << warnings[0].message;
  EXPECT_NE(warnings[0].action.find("step 200"), std::string::npos) << warnings[0].action;
}

TEST(Detectors, HealthyNoisyRunWarnsAboutNothing) {
  DetectorSettings settings;
  settings.overfit_gap = 0.3;
  settings.patience_evals = 3;
  TrainingMonitor monitor(settings);
  std::mt19937 rng(1234);
  int warnings = 0;
  for (std::int64_t step = 0; step < 2000; ++step) {
    const double t = static_cast<double>(step);
    const double loss = 0.4 + 2.2 * std::exp(-t / 300.0) + noise(rng, 0.15);
    if (auto w = monitor.on_step(step, loss)) {
      ++warnings;
      ADD_FAILURE() << "step " << step << ": " << w->message;
    }
    if (step % 100 == 99) {
      // Validation follows the same curve plus 0.05, with noise smaller than its fall per eval.
      const double val = 0.45 + 2.2 * std::exp(-t / 300.0) + noise(rng, 0.0003);
      if (auto w = monitor.on_eval(step, val)) {
        ++warnings;
        ADD_FAILURE() << "eval " << step << ": " << w->message;
      }
      EXPECT_TRUE(monitor.last_eval_improved());
    }
  }
  EXPECT_EQ(warnings, 0);
  EXPECT_FALSE(monitor.should_stop_early());
  EXPECT_EQ(monitor.best_step(), 1999);
  EXPECT_NEAR(monitor.smoothed_train_loss(), 0.4, 0.1);
}

// 20 steps around 2.0 (median 2.0), then the case under test.
TrainingMonitor warmed_up_monitor() {
  DetectorSettings settings;
  settings.spike_window = 20;
  settings.underfit_window = 0;
  TrainingMonitor monitor(settings);
  for (int step = 0; step < 20; ++step) {
    EXPECT_FALSE(monitor.on_step(step, step % 2 == 0 ? 1.99 : 2.01));
  }
  return monitor;
}

TEST(Detectors, NanAndInfAreDivergence) {
  for (double bad : {kNan, kInf, -kInf}) {
    TrainingMonitor monitor = warmed_up_monitor();
    const double before = monitor.smoothed_train_loss();
    auto w = monitor.on_step(20, bad);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->kind, WarningKind::Divergence);
    EXPECT_EQ(w->step, 20);
    EXPECT_NE(w->message.find(std::isnan(bad) ? "NaN" : "infinite"), std::string::npos);
    for (const auto& [name, value] : w->numbers) EXPECT_TRUE(std::isfinite(value)) << name;
    // Not added to the history: the smoothed loss is unchanged and training can go on.
    EXPECT_DOUBLE_EQ(monitor.smoothed_train_loss(), before);
    EXPECT_FALSE(monitor.on_step(21, 2.0));
  }
  // Every NaN step warns (no rate limit): the trainer decides what to do each time.
  TrainingMonitor monitor = warmed_up_monitor();
  EXPECT_TRUE(monitor.on_step(20, kNan));
  EXPECT_TRUE(monitor.on_step(21, kNan));
}

TEST(Detectors, FourTimesSpikeIsDivergenceTwiceIsNot) {
  TrainingMonitor monitor = warmed_up_monitor();
  const std::vector<double> before = monitor.state();
  // Median of the 20 losses (ten 1.99, ten 2.01) is (1.99 + 2.01) / 2 = 2.0; 8.0 = 4x > 3x.
  auto w = monitor.on_step(20, 8.0);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->kind, WarningKind::Divergence);
  EXPECT_DOUBLE_EQ(number(*w, "median_loss"), 2.0);
  EXPECT_DOUBLE_EQ(number(*w, "ratio"), 4.0);
  EXPECT_NE(
      w->message.find("jumped to 8.00 at step 20, 4.00× the median of the last 20 steps (2.00)"),
      std::string::npos)
      << w->message;
  EXPECT_EQ(monitor.state(), before);  // the spike left no trace
  // A 2x bump (4.0) is below 3 x 2.0 = 6.0: accepted, no warning.
  EXPECT_FALSE(monitor.on_step(21, 4.0));
  EXPECT_NE(monitor.state(), before);
}

TEST(Detectors, NoSpikeCheckBeforeMinSteps) {
  DetectorSettings settings;  // spike_min_steps = 10
  TrainingMonitor monitor(settings);
  for (int step = 0; step < 9; ++step) EXPECT_FALSE(monitor.on_step(step, 2.0));
  // Only 9 accepted losses: a 5x jump is accepted, not flagged.
  EXPECT_FALSE(monitor.on_step(9, 10.0));
  // Now 10 accepted (median of 2.0 x 9 and 10.0 = 2.0): 10.0 again is a spike.
  auto w = monitor.on_step(10, 10.0);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->kind, WarningKind::Divergence);
}

TEST(Detectors, SpikeBaselineFloorForTinyLosses) {
  TrainingMonitor monitor;
  for (int step = 0; step < 20; ++step) EXPECT_FALSE(monitor.on_step(step, 0.001));
  // 0.004 is 4x the median but below 3 x kMinSpikeBaseline (0.03): not divergence.
  EXPECT_FALSE(monitor.on_step(20, 0.004));
  EXPECT_TRUE(monitor.on_step(21, 0.05));
}

// Flat around 2.5 (noise +-0.005): with warmup 300 and window 50, the windows fill 100 steps after
// warmup, so the warning comes at step 399 (steps 300..399), and never again.
TEST(Detectors, UnderfittingOnFlatHighCurveAfterWarmupOnly) {
  DetectorSettings settings;
  settings.warmup_steps = 300;
  TrainingMonitor monitor(settings);
  std::mt19937 rng(7);
  std::vector<TrainingWarning> warnings;
  for (std::int64_t step = 0; step < 2000; ++step) {
    if (auto w = monitor.on_step(step, 2.5 + noise(rng, 0.005))) warnings.push_back(*w);
  }
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].kind, WarningKind::Underfitting);
  EXPECT_EQ(warnings[0].step, 399);
  EXPECT_NEAR(number(warnings[0], "initial_loss"), 2.5, 0.01);
  EXPECT_NEAR(number(warnings[0], "mean_loss_last_window"), 2.5, 0.01);
  EXPECT_NE(warnings[0].message.find("still 100% of its starting level (2.50)"), std::string::npos)
      << warnings[0].message;
}

TEST(Detectors, NoUnderfittingDuringWarmupOrWhileLearning) {
  DetectorSettings settings;
  settings.warmup_steps = 500;
  TrainingMonitor monitor(settings);
  std::mt19937 rng(11);
  // Flat and high for the whole warmup (steps 0..499), then a learning curve.
  for (std::int64_t step = 0; step < 2000; ++step) {
    const double t = static_cast<double>(step - 500);
    const double loss =
        step < 500 ? 3.0 + noise(rng, 0.01) : 0.5 + 2.5 * std::exp(-t / 250.0) + noise(rng, 0.05);
    auto w = monitor.on_step(step, loss);
    EXPECT_FALSE(w) << step << ": " << w->message;
  }
}

TEST(Detectors, UnderfittingNeedsTheLossToStayHigh) {
  // Learns quickly to 40% of the initial loss, then plateaus: flat but not high -> nothing.
  TrainingMonitor monitor;
  for (std::int64_t step = 0; step < 1000; ++step) {
    const double loss = step < 100 ? 3.0 - 0.018 * static_cast<double>(step) : 1.2;
    EXPECT_FALSE(monitor.on_step(step, loss)) << step;
  }
}

TEST(Detectors, EarlyStoppingWithPatienceTwo) {
  DetectorSettings settings;
  settings.patience_evals = 2;
  TrainingMonitor monitor(settings);
  monitor.on_step(1, 2.0);
  monitor.on_eval(10, 3.0);  // best
  EXPECT_FALSE(monitor.should_stop_early());
  monitor.on_eval(20, 2.5);  // best
  monitor.on_eval(30, 2.6);  // 1 without improvement
  EXPECT_FALSE(monitor.should_stop_early());
  monitor.on_eval(40, 2.4);  // best again: counter resets
  monitor.on_eval(50, 2.4);  // a tie is not an improvement: 1
  EXPECT_FALSE(monitor.should_stop_early());
  monitor.on_eval(60, kNan);  // a NaN is not an improvement: 2
  EXPECT_TRUE(monitor.should_stop_early());
  EXPECT_EQ(monitor.best_step(), 40);

  // Off when patience is 0, however long it stalls.
  TrainingMonitor off;
  off.on_eval(10, 1.0);
  for (int i = 0; i < 50; ++i) off.on_eval(20 + i, 2.0);
  EXPECT_FALSE(off.should_stop_early());
}

TEST(Detectors, BestTrackingWithMinDelta) {
  DetectorSettings settings;
  settings.min_delta = 0.05;
  TrainingMonitor monitor(settings);
  EXPECT_EQ(monitor.best_step(), -1);
  EXPECT_EQ(monitor.best_val_loss(), kInf);
  EXPECT_FALSE(monitor.last_eval_improved());
  EXPECT_TRUE(std::isnan(monitor.smoothed_train_loss()));

  monitor.on_eval(100, kNan);  // not a best
  EXPECT_EQ(monitor.best_step(), -1);
  EXPECT_FALSE(monitor.last_eval_improved());
  monitor.on_eval(200, 2.0);
  EXPECT_TRUE(monitor.last_eval_improved());
  EXPECT_EQ(monitor.best_step(), 200);
  EXPECT_DOUBLE_EQ(monitor.best_val_loss(), 2.0);
  monitor.on_eval(300, 1.97);  // 0.03 better: less than min_delta
  EXPECT_FALSE(monitor.last_eval_improved());
  EXPECT_EQ(monitor.best_step(), 200);
  monitor.on_eval(400, 1.90);  // 0.10 better than the best (2.0)
  EXPECT_TRUE(monitor.last_eval_improved());
  EXPECT_EQ(monitor.best_step(), 400);
  EXPECT_DOUBLE_EQ(monitor.best_val_loss(), 1.90);
  monitor.on_eval(500, 2.5);
  EXPECT_FALSE(monitor.last_eval_improved());
  EXPECT_DOUBLE_EQ(monitor.best_val_loss(), 1.90);
}

TEST(Detectors, SmoothedTrainLossIsBiasCorrected) {
  DetectorSettings settings;
  settings.train_loss_ema = 0.5;
  TrainingMonitor monitor(settings);
  monitor.on_step(0, 4.0);
  EXPECT_DOUBLE_EQ(monitor.smoothed_train_loss(), 4.0);  // 2 / (1 - 0.5)
  monitor.on_step(1, 2.0);
  // raw = 0.5 * 2 + 0.5 * 2 = 2; / (1 - 0.25) = 8/3.
  EXPECT_DOUBLE_EQ(monitor.smoothed_train_loss(), 8.0 / 3.0);
}

std::string describe(const std::optional<TrainingWarning>& w) {
  if (!w) return "-";
  std::string out = std::string(to_string(w->kind)) + "@" + std::to_string(w->step) + ": " +
                    w->message + " | " + w->action;
  for (const auto& [name, value] : w->numbers) out += " " + name + "=" + std::to_string(value);
  return out;
}

// A run with a bit of everything: noise, a NaN, a spike, a plateau, rising validation loss.
std::vector<std::string> drive(TrainingMonitor& monitor, std::int64_t from, std::int64_t to,
                               std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> log;
  for (std::int64_t step = from; step < to; ++step) {
    const double t = static_cast<double>(step);
    double loss = step < 600 ? 0.8 + 2.0 * std::exp(-t / 150.0) : 0.8;
    loss += noise(rng, 0.05);
    if (step % 97 == 0) loss = kNan;
    if (step % 131 == 0) loss *= 5;
    log.push_back(describe(monitor.on_step(step, loss)));
    if (step % 50 == 49) {
      const double e = t / 50.0;
      log.push_back(describe(monitor.on_eval(step, 1.0 + 0.002 * (e - 10) * (e - 10))));
      log.push_back(std::to_string(monitor.best_step()) + " " +
                    std::to_string(monitor.should_stop_early()) + " " +
                    std::to_string(monitor.last_eval_improved()));
    }
  }
  return log;
}

TEST(Detectors, StateRoundTripResumesExactly) {
  DetectorSettings settings;
  settings.warmup_steps = 20;
  settings.overfit_gap = 0.1;
  settings.patience_evals = 4;
  settings.min_delta = 0.001;
  TrainingMonitor original(settings);
  drive(original, 0, 700, 5);
  const std::vector<double> saved = original.state();
  for (double x : saved) EXPECT_TRUE(std::isfinite(x));

  TrainingMonitor resumed(settings);
  resumed.restore(saved);
  EXPECT_EQ(resumed.state(), saved);
  EXPECT_EQ(resumed.best_step(), original.best_step());
  EXPECT_EQ(resumed.smoothed_train_loss(), original.smoothed_train_loss());

  const auto a = drive(original, 700, 1500, 6);
  const auto b = drive(resumed, 700, 1500, 6);
  EXPECT_EQ(a, b);
  EXPECT_EQ(original.state(), resumed.state());
  // The continuation did exercise the detectors.
  int warned = 0;
  for (const auto& line : a) warned += line.find('@') != std::string::npos;
  EXPECT_GT(warned, 5);

  // A fresh monitor's state restores too (empty buffers, best = +inf).
  TrainingMonitor fresh(settings);
  TrainingMonitor fresh_copy(settings);
  fresh_copy.restore(fresh.state());
  EXPECT_EQ(fresh_copy.best_val_loss(), kInf);
  EXPECT_EQ(fresh_copy.state(), fresh.state());
}

TEST(Detectors, RestoreRejectsBadState) {
  TrainingMonitor monitor;
  drive(monitor, 0, 300, 1);
  std::vector<double> saved = monitor.state();
  const std::vector<double> before = saved;

  std::vector<double> shorter(saved.begin(), saved.end() - 1);
  EXPECT_THROW(monitor.restore(shorter), tb::Error);
  EXPECT_THROW(monitor.restore({}), tb::Error);
  std::vector<double> longer = saved;
  longer.push_back(0.0);
  EXPECT_THROW(monitor.restore(longer), tb::Error);
  try {
    monitor.restore(shorter);
  } catch (const tb::Error& e) {
    EXPECT_EQ(e.where().field, "state");
    EXPECT_NE(e.message().find("expected " + std::to_string(saved.size())), std::string::npos);
  }
  // A state from a monitor with other settings has another layout and size: rejected.
  DetectorSettings other;
  other.spike_window = 10;
  EXPECT_THROW(TrainingMonitor(other).restore(saved), tb::Error);
  // Bad contents: unknown version, NaN, a count beyond its buffer.
  std::vector<double> bad = saved;
  bad[0] = 99;
  EXPECT_THROW(monitor.restore(bad), tb::Error);
  bad = saved;
  bad[2] = kNan;
  EXPECT_THROW(monitor.restore(bad), tb::Error);
  bad = saved;
  bad[12] = 1e6;
  EXPECT_THROW(monitor.restore(bad), tb::Error);
  // Failed restores left the monitor unchanged.
  EXPECT_EQ(monitor.state(), before);
}

TEST(Detectors, SettingsAreChecked) {
  auto rejects = [](auto change, const char* field) {
    DetectorSettings s;
    change(s);
    try {
      TrainingMonitor monitor(s);
      ADD_FAILURE() << field << " accepted";
    } catch (const tb::Error& e) {
      EXPECT_EQ(e.where().field, field);
    }
  };
  rejects([](DetectorSettings& s) { s.overfit_rising_evals = 0; }, "overfit_rising_evals");
  rejects([](DetectorSettings& s) { s.overfit_gap = -1; }, "overfit_gap");
  rejects([](DetectorSettings& s) { s.spike_factor = 1.0; }, "spike_factor");
  rejects([](DetectorSettings& s) { s.spike_window = 0; }, "spike_window");
  rejects([](DetectorSettings& s) { s.spike_min_steps = 0; }, "spike_min_steps");
  rejects([](DetectorSettings& s) { s.underfit_window = -5; }, "underfit_window");
  rejects([](DetectorSettings& s) { s.train_loss_ema = 1.0; }, "train_loss_ema");
  rejects([](DetectorSettings& s) { s.min_delta = kNan; }, "min_delta");
  rejects([](DetectorSettings& s) { s.patience_evals = -1; }, "patience_evals");
  EXPECT_NO_THROW(TrainingMonitor(DetectorSettings{}));
}

}  // namespace
