// The engine's jobs behind the Model, Setup and Compare steps, on the tiny random Llama the
// transformer fixture writes: inspecting a model reports its facts and the device's free
// memory; a chat answer streams pieces that add up to the answer, the same answer a plain
// GenerationSession gives; with a trained run, base and tuned both answer, the tuned side with
// the run's adapter; a sweep ranks its trials.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "core/engine/chat_job.h"
#include "core/engine/engine.h"
#include "core/engine/run_eval.h"
#include "core/model/generation.h"
#include "core/train/training_session.h"
#include "tests/core/engine_recorder.h"
#include "tests/common/test_paths.h"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
const fs::path kTiny = fs::path(tb_test::parity_out()) / "transformer" / "llama_gqa";

using Recorder = tb::test::EventRecorder;

// A project on the tiny model: 40 prompt/completion pairs, LoRA, a few steps.
tb::Project tiny_project(const fs::path& dir) {
  fs::create_directories(dir);
  {
    std::ofstream out(dir / "pairs.jsonl");
    for (int i = 0; i < 40; ++i) {
      out << "{\"prompt\": \"count to " << i << "\", \"completion\": \"" << i << " " << i + 1 << " " << i + 2 << "\"}\n";
    }
  }
  tb::Project p;
  p.file = dir / "tiny.tbproj";
  p.model = kTiny.string();
  tb::DataSource source;
  source.path = dir / "pairs.jsonl";
  source.split.train = 0.8;
  source.split.validation = 0.2;
  source.split.test = 0.0;
  p.data.push_back(source);
  p.training.max_steps = 6;
  p.training.eval_every = 3;
  p.training.learning_rate = 1e-2;
  p.training.lora.rank = 4;
  p.probe = "none";
  p.generation_examples = 0;
  p.runs_dir = dir / "runs";
  return p;
}

std::string greedy(const std::shared_ptr<const tb::Model>& model, const tb::LoraAdapter* adapter, const std::string& prompt) {
  tb::GenerationSession session(model, adapter);
  tb::GenerationParams params;
  params.max_new_tokens = 24;
  return session.generate(session.chat_prompt({{"user", prompt}}), params).text;
}

TEST(EngineJobs, InspectReportsTheModelAndTheDevice) {
  Recorder rec;
  tb::Engine engine(rec.sink());
  const auto job = engine.submit_model_inspect_job(kTiny.string());
  ASSERT_EQ(rec.wait_end(job).state, tb::JobState::Finished);
  const auto inspected = rec.of<tb::ModelInspected>(job);
  ASSERT_EQ(inspected.size(), 1u);
  EXPECT_EQ(inspected[0].info.config.hidden_size, 64);
  EXPECT_EQ(inspected[0].info.config.architecture, "llama");
  EXPECT_GT(inspected[0].info.parameter_count, 0);
  EXPECT_FALSE(inspected[0].device.empty());
  EXPECT_GT(inspected[0].free_memory_bytes, 0);
  // A folder that is not there fails the job with its name.
  const auto bad = engine.submit_model_inspect_job("/no/such/model");
  const auto end = rec.wait_end(bad);
  EXPECT_EQ(end.state, tb::JobState::Failed);
  EXPECT_NE(end.message.find("/no/such/model"), std::string::npos) << end.message;
}

TEST(EngineJobs, BaseAndTunedAnswerTogetherAsTheirModelsWould) {
  const fs::path dir = fs::path(tb_test::test_tmp()) / "engine_jobs_chat";
  fs::remove_all(dir);
  Recorder rec;
  tb::Engine engine(rec.sink());
  // 1. Base only: the streamed pieces add up to the answer, which is plain greedy generation's.
  tb::ChatRequest request;
  request.model = kTiny.string();
  request.messages = {{"user", "count to 3"}};
  request.sampling.max_new_tokens = 24;
  const auto base_job = engine.submit_chat_job(request);
  ASSERT_EQ(rec.wait_end(base_job).state, tb::JobState::Finished);
  auto finished = rec.of<tb::ChatFinished>(base_job);
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_EQ(finished[0].side, tb::ChatSide::Base);
  std::string streamed;
  for (const auto& t : rec.of<tb::ChatToken>(base_job)) streamed += t.text;
  EXPECT_TRUE(finished[0].text == streamed || finished[0].text == streamed + "\xEF\xBF\xBD") << finished[0].text;
  const auto base_model = tb::Model::load(kTiny);
  EXPECT_EQ(finished[0].text, greedy(base_model, nullptr, "count to 3"));
  EXPECT_FALSE(finished[0].text.empty());

  // 2. A short LoRA run, then base and tuned at once.
  const auto train_job = engine.submit_train_job(tiny_project(dir), {});
  ASSERT_EQ(rec.wait_end(train_job).state, tb::JobState::Finished);
  const auto trained = rec.of<tb::TrainFinished>(train_job);
  ASSERT_EQ(trained.size(), 1u);
  request.run_dir = trained[0].run_dir;
  const auto both_job = engine.submit_chat_job(request);
  ASSERT_EQ(rec.wait_end(both_job).state, tb::JobState::Finished);
  finished = rec.of<tb::ChatFinished>(both_job);
  ASSERT_EQ(finished.size(), 2u);
  std::string base_text, tuned_text, base_streamed, tuned_streamed;
  for (const auto& f : finished) (f.side == tb::ChatSide::Base ? base_text : tuned_text) = f.text;
  for (const auto& t : rec.of<tb::ChatToken>(both_job)) (t.side == tb::ChatSide::Base ? base_streamed : tuned_streamed) += t.text;
  // Streaming holds back a last, incomplete UTF-8 character; the final text shows it as U+FFFD.
  EXPECT_TRUE(base_text == base_streamed || base_text == base_streamed + "\xEF\xBF\xBD") << base_text;
  EXPECT_TRUE(tuned_text == tuned_streamed || tuned_text == tuned_streamed + "\xEF\xBF\xBD") << tuned_text;
  EXPECT_EQ(base_text, greedy(base_model, nullptr, "count to 3"));
  const auto restored = tb::restore_run(trained[0].run_dir, -1, {});
  ASSERT_NE(restored.session->adapter(), nullptr);
  EXPECT_EQ(tuned_text, greedy(restored.base, restored.session->adapter(), "count to 3"));
  EXPECT_NE(tuned_text, base_text);  // 6 steps at lr 1e-2 change a random model's answer
  // 3. An empty conversation is refused, and the engine carries on.
  tb::ChatRequest empty;
  empty.model = kTiny.string();
  EXPECT_EQ(rec.wait_end(engine.submit_chat_job(empty)).state, tb::JobState::Failed);
}

TEST(EngineJobs, SweepRanksItsTrials) {
  const fs::path dir = fs::path(tb_test::test_tmp()) / "engine_jobs_sweep";
  fs::remove_all(dir);
  Recorder rec;
  tb::Engine engine(rec.sink());
  tb::train::SweepSpace space;
  space.learning_rates = {1e-3, 1e-2};
  tb::train::SweepOptions options;
  options.trial_max_steps = 3;
  const auto job = engine.submit_sweep_job(tiny_project(dir), space, options);
  ASSERT_EQ(rec.wait_end(job).state, tb::JobState::Finished);
  const auto done = rec.of<tb::SweepFinished>(job);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].summary.leaderboard.size(), 2u);
  EXPECT_TRUE(fs::exists(fs::path(done[0].folder) / "sweep.json"));
  EXPECT_EQ(rec.of<tb::LogLine>(job).empty(), false);
}

}  // namespace
