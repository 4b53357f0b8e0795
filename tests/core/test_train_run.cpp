// Whole runs on a tiny model: a run built to overfit warns and early-stops on its best
// checkpoint while a healthy one stays quiet; an injected NaN rolls back without corrupting
// anything; two sequential stages give the forgetting matrix; multi-task reports each task's
// validation loss; a cancelled run resumed from its folder ends bitwise where an uninterrupted
// one does; "stop and keep best" keeps the best; the folder holds what DESIGN.md §5 lists.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/model/tensor_files.h"
#include "core/train/checkpoint.h"
#include "core/train/train_run.h"
#include "tests/core/train_fixtures.h"
#include "tests/common/test_paths.h"

namespace {

namespace fs = std::filesystem;
using namespace tb::train;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(tb_test::test_tmp()) / ("train_run_" + name);
  fs::remove_all(dir);
  return dir;
}

TrainConfig base_config() { return tb::test::tiny_run_config(); }

// Random token sequences: nothing to generalise, everything to memorise.
TrainSet random_set(std::int64_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  TrainSet s;
  for (std::int64_t i = 0; i < n; ++i) {
    tb::data::TokenizedExample e;
    for (int k = 0; k < 16; ++k) {
      e.ids.push_back(static_cast<tb::TokenId>(1 + rng() % 47));
      e.trained.push_back(k >= 2 ? 1 : 0);
    }
    s.examples.push_back(e);
    s.task_of.push_back(0);
    s.source.push_back(i);
  }
  s.tasks = {""};
  return s;
}

struct Recorder {
  std::vector<RunEvent> events;
  RunEventSink sink() {
    return [this](const RunEvent& e) { events.push_back(e); };
  }
  template <typename T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& e : events) {
      if (const auto* x = std::get_if<T>(&e)) out.push_back(*x);
    }
    return out;
  }
};

RunSpec one_stage(const fs::path& dir, TrainConfig config, TrainSet train, TrainSet validation) {
  RunSpec spec;
  spec.model = tb::test::tiny_model();
  spec.stages.push_back({"", config, std::move(train), std::move(validation), {}, {}});
  spec.run_dir = dir;
  spec.generation_examples = 0;
  return spec;
}

TEST(TrainRun, OverfittingWarnsAndStopsOnTheBest) {
  auto c = base_config();
  c.epochs = 200;
  c.learning_rate = 1e-2;
  c.detectors.patience_evals = 3;
  const auto dir = fresh_dir("overfit");
  Recorder rec;
  const auto result = run_training(one_stage(dir, c, random_set(4, 1), random_set(8, 2)), {}, rec.sink());
  const auto warnings = rec.all<WarningRaised>();
  ASSERT_FALSE(warnings.empty());
  EXPECT_EQ(warnings.front().warning.kind, WarningKind::Overfitting);
  EXPECT_EQ(result.status, RunStatus::EarlyStopped);
  const auto& stage = result.stages.front();
  EXPECT_LT(stage.steps, stage.total_steps);
  // The weights in hand are the best checkpoint's.
  const tb::SafetensorsFile best(checkpoint_folder(dir / "checkpoints", stage.best_step) / "weights.safetensors");
  for (const auto& p : result.final_session->trainable()) {
    EXPECT_TRUE(torch::equal(p.tensor.detach(), tb::load_tensor(best, p.name))) << p.name;
  }
  const auto evals = rec.all<EvalMetrics>();
  double lowest = 1e9;
  for (const auto& e : evals) lowest = std::min(lowest, e.step > 0 ? e.loss : 1e9);
  EXPECT_DOUBLE_EQ(stage.best_val_loss, lowest);
  EXPECT_TRUE(fs::exists(dir / "report.md"));
  std::ifstream best_file(dir / "checkpoints" / "best");
  std::string best_name;
  best_file >> best_name;
  EXPECT_EQ(best_name, "step-" + std::to_string(stage.best_step));
}

TEST(TrainRun, AHealthyRunRaisesNoWarning) {
  auto c = base_config();
  c.max_steps = 60;
  c.detectors.patience_evals = 3;
  Recorder rec;
  const auto result = run_training(one_stage(fresh_dir("healthy"), c, tb::test::pattern_set(64), tb::test::pattern_set(16, 9, 1000)),
                                   {}, rec.sink());
  EXPECT_TRUE(rec.all<WarningRaised>().empty());
  EXPECT_EQ(result.status, RunStatus::Finished);
  const auto evals = rec.all<EvalMetrics>();
  ASSERT_GE(evals.size(), 2u);
  EXPECT_LT(evals.back().loss, evals.front().loss * 0.2);
}

TEST(TrainRun, InjectedNanRollsBackAndCorruptsNothing) {
  auto c = base_config();
  c.max_steps = 30;
  auto spec = one_stage(fresh_dir("nan"), c, tb::test::pattern_set(32), tb::test::pattern_set(8, 9, 500));
  spec.inject_nan_at_step = 13;
  Recorder rec;
  const auto result = run_training(spec, {}, rec.sink());
  EXPECT_EQ(result.status, RunStatus::Diverged);
  const auto warnings = rec.all<WarningRaised>();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].warning.kind, WarningKind::Divergence);
  EXPECT_EQ(warnings[0].warning.step, 13);
  EXPECT_NE(warnings[0].warning.action.find("Lower the learning rate"), std::string::npos);
  // Rolled back to the checkpoint of step 10; every checkpoint verifies; no NaN anywhere.
  EXPECT_EQ(result.final_session->step_count(), 10);
  std::vector<std::string> rejected;
  const auto all = list_checkpoints(spec.run_dir / "checkpoints", &rejected);
  EXPECT_TRUE(rejected.empty());
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.back().step, 10);
  const tb::SafetensorsFile saved(all.back().folder / "weights.safetensors");
  for (const auto& p : result.final_session->trainable()) {
    EXPECT_TRUE(torch::isfinite(p.tensor).all().item<bool>()) << p.name;
    EXPECT_TRUE(torch::equal(p.tensor.detach(), tb::load_tensor(saved, p.name))) << p.name;
  }
  const auto steps = rec.all<StepMetrics>();
  EXPECT_FALSE(steps.back().applied);
}

TEST(TrainRun, SequentialStagesGiveTheForgettingMatrix) {
  auto c = base_config();
  c.max_steps = 25;
  RunSpec spec;
  spec.model = tb::test::tiny_model();
  spec.stages.push_back({"general", c, tb::test::pattern_set(32, 9, 0, 3), tb::test::pattern_set(8, 9, 700, 3), {}, {}});
  spec.stages.push_back({"domain", c, tb::test::pattern_set(32, 9, 0, 7), tb::test::pattern_set(8, 9, 700, 7), {}, {}});
  spec.run_dir = fresh_dir("sequential");
  spec.generation_examples = 0;
  const auto result = run_training(spec, {}, {});
  ASSERT_EQ(result.forgetting.size(), 2u);
  ASSERT_EQ(result.forgetting_before.size(), 2u);
  EXPECT_TRUE(std::isnan(result.forgetting[0][1]));  // stage 2's data is not yet trained after stage 1
  EXPECT_LT(result.forgetting[0][0], result.forgetting_before[0]);  // stage 1 learned its data
  EXPECT_LT(result.forgetting[1][1], result.forgetting_before[1]);  // stage 2 learned its data
  EXPECT_GT(result.forgetting[1][0], result.forgetting[0][0]);      // and forgot some of stage 1's
  EXPECT_TRUE(fs::exists(spec.run_dir / "checkpoints" / "1-general" / "STAGE_DONE.json"));
  EXPECT_TRUE(fs::exists(spec.run_dir / "checkpoints" / "2-domain" / "STAGE_DONE.json"));
  std::ifstream md(spec.run_dir / "report.md");
  const std::string text((std::istreambuf_iterator<char>(md)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("## Forgetting matrix"), std::string::npos);
  // LoRA then LoRA continues one adapter.
  auto lora = c;
  lora.method = TrainMethod::Lora;
  lora.learning_rate = 2e-2;
  spec.stages[0].config = lora;
  spec.stages[1].config = lora;
  spec.run_dir = fresh_dir("sequential_lora");
  const auto again = run_training(spec, {}, {});
  ASSERT_EQ(again.forgetting.size(), 2u);
  EXPECT_NE(again.final_session->adapter(), nullptr);
  EXPECT_LT(again.forgetting[1][1], again.forgetting_before[1]);
}

TEST(TrainRun, MultiTaskReportsValidationLossPerTask) {
  auto c = base_config();
  c.max_steps = 10;
  auto train = tb::test::pattern_set(24, 9, 0, 3);
  auto other = tb::test::pattern_set(24, 9, 0, 7);
  train.tasks = {"count-by-3", "count-by-7"};
  for (std::size_t i = 0; i < other.examples.size(); ++i) {
    train.examples.push_back(other.examples[i]);
    train.task_of.push_back(1);
    train.source.push_back(static_cast<std::int64_t>(24 + i));
  }
  auto validation = train;
  RunSpec spec = one_stage(fresh_dir("multitask"), c, train, validation);
  spec.stages[0].task_weights = {1.0, 3.0};
  spec.test = validation;
  Recorder rec;
  const auto result = run_training(spec, {}, rec.sink());
  const auto evals = rec.all<EvalMetrics>();
  ASSERT_FALSE(evals.empty());
  ASSERT_EQ(evals.back().per_task.size(), 2u);
  EXPECT_EQ(evals.back().per_task[0].first, "count-by-3");
  EXPECT_EQ(evals.back().per_task[1].first, "count-by-7");
  ASSERT_TRUE(result.test_tuned.has_value());
  EXPECT_EQ(result.test_tuned->per_task.size(), 2u);
  EXPECT_TRUE(fs::exists(spec.run_dir / "tasks.png"));
}

TEST(TrainRun, CancelledRunResumesToTheSameEnd) {
  auto c = base_config();
  c.method = TrainMethod::Lora;
  c.learning_rate = 2e-2;
  c.lora.dropout = 0.1;
  c.max_steps = 20;
  c.eval_every = 10;
  c.save_every = 5;
  const auto train = tb::test::pattern_set(24), validation = tb::test::pattern_set(8, 9, 300);
  const auto straight = run_training(one_stage(fresh_dir("straight"), c, train, validation), {}, {});

  const auto dir = fresh_dir("interrupted");
  std::atomic<bool> cancel{false};
  RunControl control;
  control.cancel = &cancel;
  const auto first = run_training(one_stage(dir, c, train, validation), control, [&](const RunEvent& e) {
    if (const auto* m = std::get_if<StepMetrics>(&e); m && m->step == 13) cancel = true;  // after step 13
  });
  EXPECT_EQ(first.status, RunStatus::Cancelled);
  EXPECT_THROW(run_training(one_stage(dir, c, train, validation), {}, {}), tb::Error);  // not without resume
  torch::manual_seed(12345);
  auto spec = one_stage(dir, c, train, validation);
  spec.resume = true;
  Recorder rec;
  const auto resumed = run_training(spec, {}, rec.sink());
  EXPECT_EQ(resumed.status, RunStatus::Finished);
  EXPECT_EQ(rec.all<StepMetrics>().front().step, 11);  // from the checkpoint of step 10
  for (std::size_t i = 0; i < straight.final_session->trainable().size(); ++i) {
    EXPECT_TRUE(torch::equal(straight.final_session->trainable()[i].tensor, resumed.final_session->trainable()[i].tensor));
  }
  // metrics.jsonl holds each step once.
  std::ifstream in(dir / "metrics.jsonl");
  std::string line;
  int steps = 0;
  while (std::getline(in, line)) steps += line.find("\"type\":\"step\"") != std::string::npos;
  EXPECT_EQ(steps, 20);
}

TEST(TrainRun, AFullDiskAtACheckpointStopsOrGoesOnByPolicy) {
  auto c = base_config();
  c.max_steps = 15;
  c.eval_every = 5;
  c.detectors.patience_evals = 0;
  const auto train = tb::test::pattern_set(24), validation = tb::test::pattern_set(8, 9, 300);
  // 1. "stop" (the default): the error names the step, the last good checkpoint and what to do;
  //    that checkpoint is whole and nothing half-written is left.
  const auto dir = fresh_dir("disk_full_stop");
  auto spec = one_stage(dir, c, train, validation);
  spec.inject_disk_full_at_step = 10;
  try {
    run_training(spec, {}, {});
    FAIL() << "a failed checkpoint went unreported";
  } catch (const tb::IoError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("checkpoint of step 10 could not be written"), std::string::npos) << m;
    EXPECT_NE(m.find("No space left on device"), std::string::npos) << m;
    EXPECT_NE(m.find("the last good checkpoint is step 5"), std::string::npos) << m;
    EXPECT_NE(m.find("--resume " + dir.string()), std::string::npos) << m;
  }
  const auto kept = list_checkpoints(dir / "checkpoints");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept.back().step, 5);
  EXPECT_FALSE(verify_checkpoint(kept.back().folder).has_value());
  for (const auto& entry : fs::directory_iterator(dir / "checkpoints")) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
  // ...and it resumes from there once there is space, to the end.
  spec.inject_disk_full_at_step = -1;
  spec.resume = true;
  EXPECT_EQ(run_training(spec, {}, {}).status, RunStatus::Finished);
  // 2. "continue": a warning, training goes on, the next checkpoint is written.
  c.stop_on_checkpoint_error = false;
  auto going_on = one_stage(fresh_dir("disk_full_continue"), c, train, validation);
  going_on.inject_disk_full_at_step = 10;
  Recorder rec;
  const auto result = run_training(going_on, {}, rec.sink());
  EXPECT_EQ(result.status, RunStatus::Finished);
  const auto warnings = rec.all<WarningRaised>();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].warning.kind, WarningKind::Checkpoint);
  EXPECT_NE(warnings[0].warning.action.find("the last good checkpoint is step 5"), std::string::npos);
  std::vector<std::int64_t> saved;
  for (const auto& s : rec.all<CheckpointSaved>()) saved.push_back(s.step);
  EXPECT_EQ(saved, (std::vector<std::int64_t>{5, 15}));
}

TEST(TrainRun, StopAndKeepBestAndSaveNow) {
  auto c = base_config();
  c.max_steps = 40;
  std::atomic<bool> stop{false}, save_now{false};
  RunControl control;
  control.stop_keep_best = &stop;
  control.save_now = &save_now;
  const auto dir = fresh_dir("stop");
  std::vector<std::int64_t> saved;
  const auto result = run_training(one_stage(dir, c, tb::test::pattern_set(32), tb::test::pattern_set(8, 9, 400)), control,
                                   [&](const RunEvent& e) {
                                     if (const auto* k = std::get_if<CheckpointSaved>(&e)) saved.push_back(k->step);
                                     if (const auto* m = std::get_if<StepMetrics>(&e)) {
                                       if (m->step == 7) save_now = true;
                                       if (m->step == 17) stop = true;
                                     }
                                   });
  EXPECT_EQ(result.status, RunStatus::StoppedByUser);
  // "Save now", pressed as step 7 was reported, wrote step 7's checkpoint (off the cadence of 5).
  EXPECT_NE(std::find(saved.begin(), saved.end(), 7), saved.end());
  EXPECT_EQ(result.final_session->step_count(), result.stages[0].best_step);
  EXPECT_TRUE(fs::exists(dir / "run.json"));
  EXPECT_TRUE(fs::exists(dir / "events.jsonl"));
  EXPECT_TRUE(fs::exists(dir / "loss.png"));
  EXPECT_TRUE(fs::exists(dir / "report.json"));
}

TEST(TrainRun, EmptySplitsAreRefusedWithAReason) {
  auto c = base_config();
  try {
    run_training(one_stage(fresh_dir("empty"), c, tb::test::pattern_set(8), TrainSet{}), {}, {});
    FAIL() << "an empty validation split was accepted";
  } catch (const tb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("validation"), std::string::npos);
  }
}

}  // namespace

namespace {

TEST(TrainRun, OutOfMemoryStopsWithWhatToChange) {
  auto c = base_config();
  c.max_steps = 10;
  auto spec = one_stage(fresh_dir("oom"), c, tb::test::pattern_set(16), tb::test::pattern_set(8, 9, 200));
  spec.inject_oom_at_step = 4;
  try {
    run_training(spec, {}, {});
    FAIL() << "the out-of-memory error was swallowed";
  } catch (const tb::Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("ran out of memory"), std::string::npos) << m;
    EXPECT_NE(m.find("micro-batch (now 4)"), std::string::npos) << m;
    EXPECT_NE(m.find("gradient checkpointing"), std::string::npos) << m;
  }
  // The run folder still holds what was logged, and a new run works in this process.
  EXPECT_TRUE(fs::exists(spec.run_dir / "metrics.jsonl"));
  const auto again = run_training(one_stage(fresh_dir("after_oom"), c, tb::test::pattern_set(16), tb::test::pattern_set(8, 9, 200)), {}, {});
  EXPECT_EQ(again.status, RunStatus::Finished);
}

}  // namespace
