// The run folder's readers (core/run/): a good folder's summary, report figures, curves and
// checkpoints; a half-written report.json and a cut metrics line are errors naming the file; a
// two-stage metrics file puts the second stage after the first (the stage-offset rule).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/run/run_checkpoints.h"
#include "core/run/run_curves.h"
#include "core/run/run_report_file.h"
#include "core/run/run_summary.h"
#include "tests/common/test_paths.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json report_json() {
  return {{"format", "tunebench-report"},
          {"version", 1},
          {"status", "finished"},
          {"model", "demo"},
          {"stages", {{{"name", "b"}, {"status", "finished"}, {"steps", 4}, {"total_steps", 4}, {"best_step", 4},
                       {"best_val_loss", 1.5}, {"seconds", 2.0}, {"trainable_params", 100}, {"warnings", json::array()}}}},
          {"test",
           {{"base", {{"loss", 2.5}, {"perplexity", 12.2}, {"examples", 8}, {"per_task", {{"qa", 2.5}, {"sum", nullptr}}}}},
            {"tuned", {{"loss", 1.9}, {"perplexity", 6.7}, {"examples", 8}, {"per_task", json::object()}}}}},
          {"generation",
           {{"base", {{"count", 2}, {"exact_match", 0.0}, {"rouge_l", 0.1}}},
            {"tuned", {{"count", 2}, {"exact_match", 0.5}, {"rouge_l", 0.4}}},
            {"answers", {{{"prompt", "p"}, {"reference", "r"}, {"base", "b"}, {"tuned", "t"}}}}}},
          {"probe", {{"name", "wiki"}, {"base", nullptr}, {"tuned", nullptr}}},
          {"forgetting", {{"stages", {"a", "b"}}, {"before", {3.0, 3.1}}, {"after_stage", {{1.0, nullptr}, {1.2, 1.1}}}}},
          {"curves", {"loss.png"}}};
}

// A two-stage run: stage "a" steps 1-3 (evaluated at 2), stage "b" steps 1-4 (evaluated at 4).
std::string two_stage_metrics() {
  std::string text;
  for (int step = 1; step <= 3; ++step) {
    text += json{{"type", "step"}, {"stage", "a"}, {"step", step}, {"loss", 3.0 - step * 0.1}, {"smoothed_loss", 2.9}}.dump() + "\n";
    if (step == 2) text += json{{"type", "eval"}, {"stage", "a"}, {"step", 2}, {"loss", 2.7}}.dump() + "\n";
  }
  for (int step = 1; step <= 4; ++step) {
    text += json{{"type", "step"}, {"stage", "b"}, {"step", step}, {"loss", 2.0}, {"smoothed_loss", 2.0}}.dump() + "\n";
  }
  text += json{{"type", "eval"}, {"stage", "b"}, {"step", 4}, {"loss", 1.5}}.dump() + "\n";
  return text;
}

fs::path write_run(const std::string& name, bool with_report = true) {
  const fs::path dir = fs::path(tb_test::test_tmp()) / "run_folder" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  const json run = {{"format", "tunebench-run"},
                    {"version", 1},
                    {"model", "demo"},
                    {"test_examples", 8},
                    {"stages",
                     {{{"name", "a"}, {"config", {{"method", "lora"}, {"learning_rate", 0.0002}, {"lora", {{"rank", 8}}}}}},
                      {{"name", "b"}, {"config", {{"method", "full"}, {"learning_rate", 0.0001}, {"epochs", 1}}}}}}};
  tb::write_file_atomic(dir / "run.json", run.dump(2));
  tb::write_file_atomic(dir / "metrics.jsonl", two_stage_metrics());
  if (with_report) {
    tb::write_file_atomic(dir / "report.json", report_json().dump(2));
    tb::write_file_atomic(dir / "eval-step-10.json", report_json().dump());
    tb::write_file_atomic(dir / "eval-step-2.json", report_json().dump());
    tb::write_file_atomic(dir / "eval.json", report_json().dump());
  }
  for (const char* folder : {"checkpoints/1-a/step-3", "checkpoints/2-b/step-4", "checkpoints/2-b/step-2",
                             "checkpoints/2-b/.step-6.tmp-1", "checkpoints/2-b/step-x"}) {
    fs::create_directories(dir / folder);
  }
  return dir;
}

TEST(RunFolder, GoodFolderReads) {
  const fs::path dir = write_run("good");
  const auto s = tb::run::read_run_summary(dir);
  EXPECT_EQ(s.name, "good");
  EXPECT_EQ(s.status, "finished");
  EXPECT_EQ(s.method, "lora → full");
  EXPECT_EQ(s.last_method, "full");
  EXPECT_FALSE(s.is_lora());
  EXPECT_EQ(s.stage_count, 2);
  EXPECT_DOUBLE_EQ(s.learning_rate, 0.0001);
  EXPECT_EQ(s.steps, 4);
  EXPECT_EQ(s.best_step, 4);
  EXPECT_DOUBLE_EQ(s.best_val_loss, 1.5);
  EXPECT_FALSE(s.started.empty());  // run.json's time when the name holds no time stamp
  ASSERT_TRUE(s.has_report);
  const auto& r = s.report;
  EXPECT_EQ(r.file, fs::absolute(dir / "report.json"));
  EXPECT_DOUBLE_EQ(r.test_base.loss, 2.5);
  EXPECT_DOUBLE_EQ(r.test_tuned.perplexity, 6.7);
  ASSERT_EQ(r.test_base.per_task.size(), 2u);
  EXPECT_TRUE(std::isnan(r.test_base.per_task[1].second));  // null = not measured
  EXPECT_DOUBLE_EQ(r.generation_tuned.rouge_l, 0.4);
  EXPECT_TRUE(std::isnan(r.generation_tuned.bleu));
  EXPECT_FALSE(r.probe_base.present);
  EXPECT_EQ(r.probe_name, "wiki");
  ASSERT_EQ(r.answers.size(), 1u);
  EXPECT_EQ(r.answers[0].tuned, "t");
  ASSERT_EQ(r.forgetting_after.size(), 2u);
  EXPECT_TRUE(std::isnan(r.forgetting_after[0][1]));
  EXPECT_EQ(r.curves, std::vector<std::string>{"loss.png"});
  // Report files: report.json, eval.json, then eval-step-N by N.
  const auto files = tb::run::report_files(dir);
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(files[0].filename(), "report.json");
  EXPECT_EQ(files[1].filename(), "eval.json");
  EXPECT_EQ(files[2].filename(), "eval-step-2.json");
  EXPECT_EQ(files[3].filename(), "eval-step-10.json");
}

TEST(RunFolder, CheckpointStepsOfTheLastStage) {
  const fs::path dir = write_run("checkpoints");
  EXPECT_EQ(tb::run::checkpoint_steps(dir), (std::vector<std::int64_t>{2, 4}));
  EXPECT_EQ(tb::run::checkpoint_step_of("step-12"), 12);
  EXPECT_FALSE(tb::run::checkpoint_step_of("step-").has_value());
  EXPECT_FALSE(tb::run::checkpoint_step_of("step-99999999999999999999").has_value());
  fs::remove_all(dir / "checkpoints");
  EXPECT_TRUE(tb::run::checkpoint_steps(dir).empty());
}

TEST(RunFolder, SecondStageContinuesAfterTheFirst) {
  const auto c = tb::run::read_run_curves(write_run("stages"));
  EXPECT_EQ(c.step, (std::vector<double>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(c.eval_step, (std::vector<double>{2, 7}));
  EXPECT_EQ(c.eval_loss, (std::vector<double>{2.7, 1.5}));
  ASSERT_EQ(c.stage_starts().size(), 2u);
  EXPECT_EQ(c.stage_starts()[0].stage, "a");
  EXPECT_DOUBLE_EQ(c.stage_starts()[0].x, 0);
  EXPECT_EQ(c.stage_starts()[1].stage, "b");
  EXPECT_DOUBLE_EQ(c.stage_starts()[1].x, 3);
  EXPECT_DOUBLE_EQ(c.axis.offset("b"), 3);
  // The live chart's axis: an evaluation does not move a later stage's start, a step does.
  tb::run::StageAxis axis;
  EXPECT_DOUBLE_EQ(axis.place_training_step("", 5), 5);
  EXPECT_DOUBLE_EQ(axis.place("", 6), 6);
  EXPECT_DOUBLE_EQ(axis.place_training_step("next", 1), 6);
}

TEST(RunFolder, UnfinishedRunSummarisesItsMetrics) {
  const auto s = tb::run::read_run_summary(write_run("unfinished", /*with_report=*/false));
  EXPECT_EQ(s.status, "unfinished");
  EXPECT_FALSE(s.has_report);
  EXPECT_EQ(s.steps, 7);
  EXPECT_EQ(s.best_step, 7);  // the x of stage b's step 4
  EXPECT_DOUBLE_EQ(s.best_val_loss, 1.5);
}

// The message of what `read` throws (tb::Error), or "" when it does not throw.
template <typename Read>
std::string error_of(Read read) {
  try {
    read();
  } catch (const tb::Error& e) {
    return e.what();
  }
  return {};
}

TEST(RunFolder, DamagedFilesAreErrorsNamingThem) {
  const fs::path dir = write_run("damaged");
  const std::string report = report_json().dump(2);
  tb::write_file_atomic(dir / "report.json", report.substr(0, report.size() / 2));  // half written
  std::string error = error_of([&] { tb::run::read_run_summary(dir); });
  EXPECT_NE(error.find("report.json"), std::string::npos) << error;
  EXPECT_NE(error.find("cut short"), std::string::npos) << error;
  error = error_of([&] { tb::run::parse_run_report(json{{"format", "other"}}, "job"); });
  EXPECT_NE(error.find("not a Tunebench report"), std::string::npos) << error;
  tb::write_file_atomic(dir / "metrics.jsonl", two_stage_metrics() + "{\"type\":\"step\",\"lo");
  error = error_of([&] { tb::run::read_run_curves(dir); });
  EXPECT_NE(error.find("metrics.jsonl:10"), std::string::npos) << error;
  fs::remove(dir / "run.json");
  error = error_of([&] { tb::run::read_run_summary(dir); });
  EXPECT_NE(error.find("run.json"), std::string::npos) << error;
  EXPECT_NE(error.find("missing"), std::string::npos) << error;
  // Odd values are "not there", never a crash: a huge step, a string where a number belongs.
  const auto odd = tb::run::parse_run_report(
      json{{"format", "tunebench-report"}, {"stages", {{{"steps", 1e300}, {"best_step", "x"}}}}, {"test", 3}}, "odd");
  ASSERT_EQ(odd.stages.size(), 1u);
  EXPECT_EQ(odd.stages[0].steps, 0);
  EXPECT_EQ(odd.stages[0].best_step, -1);
  EXPECT_FALSE(odd.test_base.present);
  // A number no double can hold (found by fuzz_run_report): an error naming the file, not a crash.
  tb::write_file_atomic(dir / "report.json", "{\"format\": \"tunebench-report\", \"stages\": [{\"steps\": 3e999}]}");
  error = error_of([&] { tb::run::read_run_report(dir / "report.json"); });
  EXPECT_NE(error.find("report.json: not valid JSON"), std::string::npos) << error;
}

}  // namespace
