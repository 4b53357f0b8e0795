// A training run, stage by stage (train_run.h).
#include "core/train/train_run.h"

#include <chrono>
#include <cmath>
#include <fstream>
#include <thread>

#include <c10/util/Exception.h>

#include "core/common/error.h"
#include "core/engine/device.h"
#include "core/io/atomic_file.h"
#include "core/io/json_file.h"
#include "core/model/export.h"
#include "core/run/run_folder.h"
#include "core/train/checkpoint.h"
#include "core/train/run_report.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace tb::train {
namespace {

constexpr const char* kRunStateFile = "run_state.json";
constexpr const char* kStageDoneFile = "STAGE_DONE.json";

std::string dump_line(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// metrics.jsonl and events.jsonl: kept in memory, rewritten whole and atomically at each
// evaluation, checkpoint and at the end (so a reader never sees a torn line).
class RunLog {
 public:
  explicit RunLog(fs::path dir) : dir_(std::move(dir)) {}

  void add(const RunEvent& event) {
    auto line = to_json_line(event);
    const bool metric = std::holds_alternative<StepMetrics>(event) || std::holds_alternative<EvalMetrics>(event);
    (metric ? metrics_ : events_).push_back(std::move(line));
  }
  // After a resume: what was logged past the checkpoint is dropped (it will happen again).
  void load_and_truncate(std::size_t stage_index, const std::vector<std::string>& stage_names, std::int64_t step) {
    for (auto* lines : {&metrics_, &events_}) {
      const fs::path path = dir_ / (lines == &metrics_ ? run::kMetricsFile : run::kEventsFile);
      std::ifstream in(path);
      std::string text;
      while (std::getline(in, text)) {
        if (text.empty()) continue;
        nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
        if (j.is_discarded()) continue;  // a line we cannot read is not worth failing a resume for
        const std::string stage = j.value("stage", std::string());
        std::size_t index = 0;
        while (index < stage_names.size() && stage_names[index] != stage) ++index;
        const std::int64_t at = j.value("step", std::int64_t{0});
        if (index < stage_index || (index == stage_index && at <= step)) lines->push_back(std::move(j));
      }
    }
  }
  void flush() const {
    for (const auto* lines : {&metrics_, &events_}) {
      std::string text;
      for (const auto& j : *lines) text += dump_line(j) + "\n";
      write_file_atomic(dir_ / (lines == &metrics_ ? run::kMetricsFile : run::kEventsFile), text);
    }
  }
  const std::vector<nlohmann::json>& metrics() const { return metrics_; }

 private:
  fs::path dir_;
  std::vector<nlohmann::json> metrics_, events_;
};

fs::path stage_root(const RunSpec& spec, std::size_t index) {
  if (spec.stages.size() == 1) return spec.run_dir / run::kCheckpointsFolder;
  const auto& name = spec.stages[index].name;
  return spec.run_dir / run::kCheckpointsFolder / (std::to_string(index + 1) + "-" + (name.empty() ? "stage" : name));
}

std::string oom_advice(const TrainConfig& c) {
  std::string advice = "The device ran out of memory during training. Lower the micro-batch (now " +
                       std::to_string(c.micro_batch) + ") and raise grad_accum to keep the batch, or shorten max_seq_len (now " +
                       std::to_string(c.max_seq_len) + ")";
  if (!c.gradient_checkpointing) advice += ", or turn on gradient checkpointing";
  if (c.method == TrainMethod::Full) advice += ", or use LoRA instead of full fine-tuning";
  if (c.precision == Precision::Fp32) advice += ", or train in bf16";
  return advice + ".";
}

// Everything a stage does; one object per stage.
class StageRunner {
 public:
  StageRunner(const RunSpec& spec, std::size_t index, const RunControl& control, const RunEventSink& sink, RunLog& log,
              std::shared_ptr<const Model> base, const TrainingSession* previous)
      : spec_(spec), stage_(spec.stages[index]), index_(index), control_(control), sink_(sink), log_(log),
        root_(stage_root(spec, index)), base_(std::move(base)),
        session_(std::make_shared<TrainingSession>(base_, stage_.config, stage_.train, stage_.task_weights)),
        monitor_(detector_settings(stage_.config)) {
    if (previous != nullptr) session_->start_from(*previous);
    outcome_.name = stage_.name;
    outcome_.total_steps = session_->total_steps();
    outcome_.trainable_params = session_->trainable_parameter_count();
  }

  std::shared_ptr<TrainingSession> session() const { return session_; }
  const StageOutcome& outcome() const { return outcome_; }

  // A stage finished in an earlier process: its final checkpoint is loaded. False if not done.
  bool restore_finished() {
    std::ifstream in(root_ / kStageDoneFile);
    if (!in) return false;
    const auto done = nlohmann::json::parse(in, nullptr, false);
    if (done.is_discarded() || !done.contains("final_step")) return false;
    const fs::path folder = checkpoint_folder(root_, done["final_step"].get<std::int64_t>());
    if (const auto problem = verify_checkpoint(folder)) throw Error("cannot resume: " + *problem);
    session_->load(folder);
    outcome_.status = RunStatus::Finished;
    outcome_.steps = session_->step_count();
    outcome_.best_step = done.value("best_step", std::int64_t{-1});
    outcome_.best_val_loss = done.value("best_val_loss", 0.0);
    emit(RunNote{"stage " + label() + " was finished in an earlier session (step " + std::to_string(outcome_.steps) + ")"});
    return true;
  }

  // A chosen checkpoint of this stage (evaluation of an earlier step).
  void restore_step(std::int64_t step) {
    const fs::path folder = checkpoint_folder(root_, step);
    if (const auto problem = verify_checkpoint(folder)) throw Error("cannot use this checkpoint: " + *problem);
    session_->load(folder);
    outcome_.steps = step;
    emit(RunNote{"evaluating the checkpoint of step " + std::to_string(step)});
  }

  // The newest verified checkpoint of an unfinished stage; false when there is none.
  bool resume_from_checkpoint() {
    if (const auto removed = remove_unsealed_temporaries(root_); removed > 0) {
      emit(RunNote{"removed " + std::to_string(removed) + " unfinished checkpoint folder(s) left by an interrupted run"});
    }
    std::vector<std::string> rejected;
    const auto all = list_checkpoints(root_, &rejected);
    for (const auto& why : rejected) emit(RunNote{"ignored a checkpoint that does not verify: " + why});
    if (all.empty()) return false;
    load_checkpoint(all.back().folder);
    steps_run_ = session_->step_count();
    std::vector<std::string> names;
    for (const auto& s : spec_.stages) names.push_back(s.name);
    log_.load_and_truncate(index_, names, session_->step_count());
    emit(RunNote{"resumed " + label() + " from step " + std::to_string(session_->step_count())});
    return true;
  }

  void run() {
    const auto start = Clock::now();
    const auto& c = stage_.config;
    const std::int64_t total = session_->total_steps();
    const auto eval_every = c.eval_every > 0 ? c.eval_every : total;
    const auto save_every = c.save_every > 0 ? c.save_every : eval_every;
    if (session_->step_count() == 0) evaluate(/*feed_monitor=*/false);  // where the stage starts
    std::int64_t steps_timed = 0;
    while (session_->step_count() < total) {
      // 1. The user's flags, between steps.
      if (cancelled()) {
        outcome_.status = RunStatus::Cancelled;
        break;
      }
      wait_while_paused();
      if (flag(control_.stop_keep_best)) {
        outcome_.status = RunStatus::StoppedByUser;
        emit(RunNote{"stopped by the user"});
        restore_best();
        break;
      }
      // 2. One step, with the divergence check before the update.
      if (spec_.inject_nan_at_step == session_->step_count() + 1) session_->inject_nan_next_step();
      TORCH_CHECK_WITH(OutOfMemoryError, spec_.inject_oom_at_step != session_->step_count() + 1,
                       "CUDA out of memory (injected by the drill)");
      std::optional<TrainingWarning> divergence;
      const auto r = session_->step([&](double loss, double) {
        auto w = monitor_.on_step(session_->step_count() + 1, loss);
        if (!w) return true;
        if (w->kind != WarningKind::Divergence) {
          warn(*w);
          return true;
        }
        divergence = std::move(w);
        return false;
      });
      ++steps_timed;
      steps_run_ = r.step;
      StepMetrics m;
      m.stage = stage_.name;
      m.step = r.step;
      m.total_steps = total;
      m.loss = r.loss;
      m.smoothed_loss = monitor_.smoothed_train_loss();
      m.learning_rate = r.learning_rate;
      m.grad_norm = r.grad_norm;
      m.epoch = r.epoch;
      m.trained_tokens = r.trained_tokens;
      m.tokens = r.tokens;
      m.tokens_per_s = r.seconds > 0 ? static_cast<double>(r.tokens) / r.seconds : 0;
      m.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
      const double per_step = std::chrono::duration<double>(Clock::now() - start).count() / static_cast<double>(steps_timed);
      m.eta_s = per_step * static_cast<double>(total - r.step);
      m.device_memory_bytes = static_cast<double>(memory_in_use_bytes(session_->base_model()->device().is_cuda(),
                                                                      session_->base_model()->device().index() < 0 ? 0 : session_->base_model()->device().index()));
      m.applied = r.applied;
      emit(m);
      // 3. Divergence: stop, back to the last good checkpoint, say what to change.
      if (divergence) {
        divergence->action = "Training stopped and the weights went back to the last good checkpoint. Lower the "
                             "learning rate (now " + format_lr(c.learning_rate) + ", try " + format_lr(c.learning_rate / 3) +
                             "), or add warmup steps.";
        warn(*divergence);
        outcome_.status = RunStatus::Diverged;
        rollback();
        break;
      }
      // 4. Evaluation, checkpoints, early stopping.
      const bool last = r.step == total;
      bool saved = false;
      if (r.step % eval_every == 0 || last) {
        evaluate(/*feed_monitor=*/true);
        save(monitor_.last_eval_improved());
        saved = true;
        if (monitor_.should_stop_early()) {
          outcome_.status = RunStatus::EarlyStopped;
          emit(RunNote{"early stop: validation loss has not improved for " +
                       std::to_string(c.detectors.patience_evals) + " evaluations; keeping the best checkpoint (step " +
                       std::to_string(monitor_.best_step()) + ")"});
          restore_best();
          break;
        }
      }
      if (!saved && (r.step % save_every == 0 || take(control_.save_now))) save(false);
      if (saved && control_.save_now != nullptr) control_.save_now->store(false);
    }
    outcome_.steps = steps_run_;
    outcome_.best_step = monitor_.best_step();
    outcome_.best_val_loss = monitor_.best_val_loss();
    outcome_.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (outcome_.status == RunStatus::Cancelled) {
      emit(RunNote{"cancelled at step " + std::to_string(session_->step_count())});
      log_.flush();
      return;
    }
    // 5. The stage's final state, sealed, and marked done (resume skips it then).
    if (outcome_.status == RunStatus::Finished && last_saved_step_ != session_->step_count()) {
      save(false);
    }
    const std::int64_t final_step = outcome_.status == RunStatus::Finished ? session_->step_count() : last_saved_step();
    if (final_step >= 0) {
      const nlohmann::json done = {{"status", to_string(outcome_.status)}, {"final_step", final_step},
                                   {"best_step", outcome_.best_step},
                                   {"best_val_loss", std::isfinite(outcome_.best_val_loss) ? outcome_.best_val_loss : 0.0}};
      write_file_atomic(root_ / kStageDoneFile, done.dump(2) + "\n");
    }
    log_.flush();
  }

  std::string label() const { return stage_.name.empty() ? "the run" : "stage \"" + stage_.name + "\""; }

 private:
  static DetectorSettings detector_settings(const TrainConfig& c) {
    auto d = c.detectors;
    d.warmup_steps = std::max(d.warmup_steps, c.schedule.warmup_steps);
    return d;
  }
  static std::string format_lr(double lr) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2g", lr);
    return buffer;
  }
  static bool flag(const std::atomic<bool>* f) { return f != nullptr && f->load(); }
  static bool take(std::atomic<bool>* f) { return f != nullptr && f->exchange(false); }
  bool cancelled() const { return flag(control_.cancel); }

  void emit(const RunEvent& event) {
    RunEvent e = event;
    log_.add(e);
    if (sink_) sink_(e);
  }
  void warn(const TrainingWarning& w) {
    outcome_.warnings.push_back(w);
    emit(WarningRaised{stage_.name, w});
  }

  void wait_while_paused() {
    if (!flag(control_.pause)) return;
    emit(RunNote{"paused at step " + std::to_string(session_->step_count())});
    while (flag(control_.pause) && !cancelled() && !flag(control_.stop_keep_best)) {
      if (take(control_.save_now)) save(false);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    emit(RunNote{"resumed at step " + std::to_string(session_->step_count())});
  }

  void evaluate(bool feed_monitor) {
    const auto& c = stage_.config;
    const auto v = session_->evaluate(stage_.validation, /*tuned=*/true, c.eval_max_examples, control_.cancel);
    EvalMetrics m;
    m.stage = stage_.name;
    m.step = session_->step_count();
    m.loss = v.loss;
    m.perplexity = v.perplexity;
    m.per_task = v.per_task;
    m.examples = v.examples;
    if (feed_monitor) {
      if (auto w = monitor_.on_eval(m.step, v.loss)) {
        w->action += " Early stopping keeps the best checkpoint automatically when patience runs out.";
        warn(*w);
      }
      m.best = monitor_.last_eval_improved();
    }
    emit(m);
    samples();
  }

  void samples() {
    const auto& c = stage_.config;
    if (c.sample_prompts <= 0 || stage_.validation_examples.empty()) return;
    std::vector<data::Example> chosen;
    for (const auto i : stage_.validation.source) {
      if (static_cast<std::int64_t>(chosen.size()) >= c.sample_prompts) break;
      const auto& e = stage_.validation_examples.at(static_cast<std::size_t>(i));
      if (prompt_and_reference(e)) chosen.push_back(e);
    }
    GenerationParams params;
    params.max_new_tokens = c.sample_max_tokens;
    const auto answers = evaluate_generations(session_->tuned_model(), session_->adapter(), chosen,
                                              static_cast<std::int64_t>(chosen.size()), params, control_.cancel);
    for (std::size_t k = 0; k < answers.answers.size(); ++k) {
      const auto& a = answers.answers[k];
      emit(SampleGenerated{stage_.name, session_->step_count(), static_cast<std::int64_t>(k), a.prompt, a.reference, a.output});
    }
  }

  void save(bool best) {
    const std::int64_t step = session_->step_count();
    const fs::path folder = checkpoint_folder(root_, step);
    const nlohmann::json state = {{"stage", stage_.name}, {"stage_index", index_}, {"monitor", monitor_.state()},
                                  {"status", to_string(outcome_.status)}};
    try {
      write_checkpoint(folder, [&](const fs::path& temp) {
        session_->save(temp);
        if (spec_.inject_disk_full_at_step == step) {
          throw IoError("write failed: No space left on device (injected by the drill)", {(temp / kRunStateFile).string()});
        }
        write_file_atomic(temp / kRunStateFile, state.dump(2) + "\n");
      });
      if (best) write_file_atomic(root_ / run::kBestFile, "step-" + std::to_string(step) + "\n");
    } catch (const IoError& e) {
      checkpoint_failed(step, e);
      return;
    }
    prune_checkpoints(root_, stage_.config.keep_last, monitor_.best_step());
    last_saved_step_ = step;
    emit(CheckpointSaved{stage_.name, step, folder.string(), best});
    log_.flush();
  }

  // A checkpoint could not be written (write_checkpoint removed its partial folder; older ones
  // are untouched): stop with what to do, or warn and go on, as the settings say.
  void checkpoint_failed(std::int64_t step, const IoError& e) {
    const std::int64_t kept = last_saved_step();
    const std::string what = "The checkpoint of step " + std::to_string(step) +
                             " could not be written: " + format_error(e.message(), e.where()) + ".";
    const std::string last = kept >= 0 ? "the last good checkpoint is step " + std::to_string(kept)
                                       : "no checkpoint has been written yet";
    const std::string disk = "the disk that holds " + root_.string();
    if (stage_.config.stop_on_checkpoint_error) {
      throw IoError(what + " The run stopped; " + last + ". To go on, free space on " + disk +
                    ", then resume the run (tunebench-cli train --resume " + spec_.run_dir.string() + ").");
    }
    warn(TrainingWarning{WarningKind::Checkpoint, step, what,
                         "Training goes on and the next checkpoint tries again; " + last + ". Free space on " +
                             disk + ".",
                         {}});
  }

  std::int64_t last_saved_step() const {
    const auto all = list_checkpoints(root_, nullptr, false);
    return all.empty() ? -1 : all.back().step;
  }

  void load_checkpoint(const fs::path& folder) {
    session_->load(folder);
    const auto state = read_json_file(folder / kRunStateFile, "the checkpoint's run state");
    monitor_.restore(state.at("monitor").get<std::vector<double>>());
  }

  void restore_best() {
    const std::int64_t best = monitor_.best_step();
    if (best < 0) return;
    const fs::path folder = checkpoint_folder(root_, best);
    if (const auto problem = verify_checkpoint(folder)) {
      emit(RunNote{"the best checkpoint cannot be used (" + *problem + "); keeping the current weights"});
      return;
    }
    session_->load(folder);
    emit(RunNote{"restored the best checkpoint (step " + std::to_string(best) + ")"});
  }

  void rollback() {
    std::vector<std::string> rejected;
    const auto all = list_checkpoints(root_, &rejected);
    if (all.empty()) {
      emit(RunNote{"no checkpoint to roll back to: the refused update was never applied, so the weights are those "
                   "of step " + std::to_string(session_->step_count() - 1)});
      return;
    }
    load_checkpoint(all.back().folder);
    emit(RunNote{"rolled back to the checkpoint of step " + std::to_string(all.back().step)});
  }

  const RunSpec& spec_;
  const StageSpec& stage_;
  std::size_t index_;
  const RunControl& control_;
  const RunEventSink& sink_;
  RunLog& log_;
  fs::path root_;
  std::shared_ptr<const Model> base_;
  std::shared_ptr<TrainingSession> session_;
  TrainingMonitor monitor_;
  StageOutcome outcome_;
  std::int64_t last_saved_step_ = -1;
  std::int64_t steps_run_ = 0;  // the furthest step reached (a rollback may go back from it)
};

// The base model the next stage trains on: LoRA after LoRA continues the adapter on the same
// base; anything else starts from the previous stage's weights (a LoRA merged into them).
std::shared_ptr<const Model> next_base(const std::shared_ptr<const Model>& base, const TrainingSession& previous,
                                       const TrainConfig& next) {
  const bool lora_before = previous.adapter() != nullptr;
  if (lora_before && next.method == TrainMethod::Lora) return base;
  if (!lora_before) return previous.tuned_model();
  return Model::from_parts(base->config(), merged_weights(*base, *previous.adapter()), base->shared_tokenizer(),
                           base->chat_format(), base->source());
}

}  // namespace

const char* to_string(RunStatus status) {
  switch (status) {
    case RunStatus::Finished: return "finished";
    case RunStatus::EarlyStopped: return "early_stopped";
    case RunStatus::StoppedByUser: return "stopped_by_user";
    case RunStatus::Diverged: return "diverged";
    case RunStatus::Cancelled: return "cancelled";
  }
  return "?";
}

RunResult run_training(const RunSpec& spec, const RunControl& control, const RunEventSink& sink) {
  if (spec.stages.empty()) throw Error("nothing to train: the run has no stages");
  for (const auto& s : spec.stages) {
    if (s.train.examples.empty()) throw Error("the training split of " + (s.name.empty() ? std::string("the data") : s.name) + " is empty");
    if (s.validation.examples.empty()) {
      throw Error("the validation split of " + (s.name.empty() ? std::string("the data") : s.name) +
                  " is empty; give the split a validation share (e.g. 0.1) so the run can be watched");
    }
  }
  // 1. The run folder: new, or this run's own when resuming.
  std::error_code ec;
  if (spec.evaluate_only && !fs::exists(spec.run_dir / run::kRunFile)) {
    throw Error("no run here (run.json is missing)", {spec.run_dir.string()});
  }
  if (!spec.resume && !spec.evaluate_only && fs::exists(spec.run_dir / run::kRunFile)) {
    throw Error("this folder already holds a run; resume it or choose a new folder", {spec.run_dir.string()});
  }
  fs::create_directories(spec.run_dir, ec);
  if (ec) throw IoError("cannot create the run folder: " + ec.message(), {spec.run_dir.string()});
  nlohmann::json run_json = spec.description;
  run_json["format"] = run::kRunFormat;
  run_json["version"] = 1;
  run_json["stages"] = nlohmann::json::array();
  for (const auto& s : spec.stages) {
    run_json["stages"].push_back({{"name", s.name}, {"config", s.config}, {"config_hash", config_hash(s.config)},
                                  {"train_examples", s.train.size()}, {"validation_examples", s.validation.size()},
                                  {"tasks", s.train.tasks}, {"task_weights", s.task_weights}});
  }
  run_json["test_examples"] = spec.test.size();
  run_json["model"] = spec.model->source();
  if (!fs::exists(spec.run_dir / run::kRunFile)) write_file_atomic(spec.run_dir / run::kRunFile, run_json.dump(2) + "\n");

  RunLog log(spec.run_dir);
  if (spec.evaluate_only) {
    std::vector<std::string> names;
    for (const auto& st : spec.stages) names.push_back(st.name);
    log.load_and_truncate(names.size(), names, 0);  // every line: the curves of the report
  }
  RunResult result;
  result.run_dir = spec.run_dir;
  const auto emit = [&](const RunEvent& e) {
    log.add(e);
    if (sink) sink(e);
  };
  // 2. Before training: each stage's validation loss on the base model (forgetting's baseline).
  const LossOptions loss_options{spec.stages.front().config.micro_batch, spec.stages.front().config.max_seq_len, 0};
  if (spec.stages.size() > 1) {
    for (const auto& s : spec.stages) result.forgetting_before.push_back(evaluate_loss(*spec.model, nullptr, s.validation, loss_options, control.cancel).loss);
  }
  // 3. The stages, each from where the last one ended.
  std::shared_ptr<const Model> base = spec.model;
  std::shared_ptr<TrainingSession> previous;
  try {
    for (std::size_t i = 0; i < spec.stages.size(); ++i) {
      if (previous) base = next_base(base, *previous, spec.stages[i].config);
      const bool continue_adapter = previous && previous->adapter() != nullptr && spec.stages[i].config.method == TrainMethod::Lora;
      StageRunner runner(spec, i, control, sink, log, base, continue_adapter ? previous.get() : nullptr);
      if (spec.evaluate_only) {
        const bool last = i + 1 == spec.stages.size();
        if (last && spec.evaluate_step >= 0) {
          runner.restore_step(spec.evaluate_step);
        } else if (!runner.restore_finished()) {
          throw Error(runner.label() + " has not finished; resume the run with train --resume, or name a checkpoint "
                      "(--checkpoint step-N) of its last stage", {spec.run_dir.string()});
        }
        result.stages.push_back(runner.outcome());
        previous = runner.session();
        continue;
      }
      bool done = spec.resume && runner.restore_finished();
      if (!done) {
        if (spec.resume) runner.resume_from_checkpoint();
        runner.run();
      }
      result.stages.push_back(runner.outcome());
      previous = runner.session();
      result.status = runner.outcome().status;
      // Forgetting: every stage's validation data so far, after this stage.
      if (spec.stages.size() > 1 && result.status != RunStatus::Cancelled) {
        std::vector<double> row;
        for (std::size_t j = 0; j < spec.stages.size(); ++j) {
          row.push_back(j <= i ? previous->evaluate(spec.stages[j].validation, true, 0, control.cancel).loss : std::nan(""));
        }
        result.forgetting.push_back(row);
      }
      if (result.status == RunStatus::Cancelled || result.status == RunStatus::Diverged ||
          result.status == RunStatus::StoppedByUser) {
        break;
      }
    }
  } catch (const c10::OutOfMemoryError&) {
    log.flush();
    throw Error(oom_advice(spec.stages[result.stages.size() < spec.stages.size() ? result.stages.size() : 0].config));
  }
  result.final_session = previous;
  result.final_base = base;
  // 4. Base vs tuned on the test split, answers and the forgetting probe.
  if (result.status != RunStatus::Cancelled && previous) {
    const auto tuned = previous->tuned_model();
    const LoraAdapter* adapter = previous->adapter();
    if (!spec.test.examples.empty()) {
      emit(RunNote{"evaluating base and tuned on the test split (" + std::to_string(spec.test.size()) + " examples)"});
      result.test_base = evaluate_loss(*spec.model, nullptr, spec.test, loss_options, control.cancel);
      result.test_tuned = evaluate_loss(*tuned, adapter, spec.test, loss_options, control.cancel);
    }
    if (spec.generation_examples > 0 && !spec.test_examples.empty()) {
      std::vector<data::Example> asked;
      for (const auto i : spec.test.source) asked.push_back(spec.test_examples.at(static_cast<std::size_t>(i)));
      GenerationParams params;
      params.max_new_tokens = spec.generation_max_tokens;
      emit(RunNote{"generating answers for up to " + std::to_string(spec.generation_examples) + " test prompts, base and tuned"});
      result.generations_base = evaluate_generations(spec.model, nullptr, asked, spec.generation_examples, params, control.cancel);
      // The tuned model: a LoRA sits on the last stage's base (which may hold merged stages).
      result.generations_tuned = evaluate_generations(tuned, adapter, asked, spec.generation_examples, params, control.cancel);
    }
    if (!spec.probe.examples.empty()) {
      emit(RunNote{"forgetting probe: " + std::to_string(spec.probe.size()) + " general texts, base and tuned"});
      result.probe_base = evaluate_loss(*spec.model, nullptr, spec.probe, loss_options, control.cancel);
      result.probe_tuned = evaluate_loss(*tuned, adapter, spec.probe, loss_options, control.cancel);
    }
  }
  if (!spec.evaluate_only) log.flush();
  // 5. The report: report.json, report.md and the curves (none when only restoring).
  if (!spec.report_name.empty()) write_run_report(spec, result, log.metrics());
  return result;
}

}  // namespace tb::train
