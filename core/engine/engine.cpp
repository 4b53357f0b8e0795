// The engine's worker thread and job queue (see engine.h).
#include "core/engine/engine.h"

#include "core/common/error.h"
#include "core/engine/device.h"
#include "core/engine/locations.h"
#include "core/engine/run_setup.h"
#include "core/engine/self_test.h"
#include "core/model/model_inspect.h"
#include "core/train/run_report.h"
#include "core/train/sweep.h"

namespace tb {

const char* to_string(JobState state) {
  switch (state) {
    case JobState::Running: return "running";
    case JobState::Finished: return "finished";
    case JobState::Failed: return "failed";
    case JobState::Cancelled: return "cancelled";
  }
  return "unknown";
}

Engine::Engine(EventSink sink)
    : sink_(std::move(sink)), chat_models_(std::make_shared<ChatModels>()), worker_([this] { run(); }) {}

Engine::~Engine() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (Job& job : queue_) job.cancelled = true;
  }
  running_cancel_.store(true);
  wake_.notify_all();
  worker_.join();
}

JobId Engine::submit(std::string name, JobFn fn) {
  std::lock_guard lock(mutex_);
  const JobId id = next_id_++;
  queue_.push_back(Job{id, std::move(name), std::move(fn), stopping_});
  wake_.notify_one();
  return id;
}

JobId Engine::submit_device_probe() {
  return submit("probe device", [](JobContext& ctx) {
    ctx.emit(DeviceProbed{ctx.id(), probe_device()});
  });
}

JobId Engine::submit_self_test() {
  return submit("self-test", [](JobContext& ctx) {
    const std::vector<SelfTestCheck> checks = run_self_test();
    std::string failed;
    for (const auto& check : checks) {
      ctx.log(format_check(check));
      if (check.required && !check.ok) failed += (failed.empty() ? "" : ", ") + check.name;
    }
    if (!self_test_passed(checks)) throw Error("required checks failed: " + failed);
  });
}

JobId Engine::submit_data_job(data::DataJobSettings settings) {
  const std::string name = "import " + settings.path.filename().string();
  return submit(name, [settings = std::move(settings)](JobContext& ctx) {
    double last = -1;
    auto snapshot = data::run_data_job(
        settings,
        [&](double f, const std::string& what) {
          if (f - last < 0.01 && f < 1.0) return;  // about a hundred progress events in all
          last = f;
          ctx.emit(JobProgress{ctx.id(), f, what});
        },
        ctx.cancel_flag());
    ctx.emit(DataAudited{ctx.id(), std::move(snapshot)});
  });
}

JobId Engine::submit_train_job(Project project, RunSetupOptions options) {
  const std::string name = "train " + (project.name.empty() ? project.file.stem().string() : project.name);
  return submit(name, [project = std::move(project), options = std::move(options)](JobContext& ctx) mutable {
    auto user_log = options.log;
    options.log = [&](const std::string& line) {
      ctx.log(line);
      if (user_log) user_log(line);
    };
    const auto prepared = prepare_run(project, options);
    train::RunControl control;
    control.cancel = &ctx.cancel_flag();
    control.pause = &ctx.controls().pause;
    control.stop_keep_best = &ctx.controls().stop_keep_best;
    control.save_now = &ctx.controls().save_now;
    const auto result = train::run_training(prepared.spec, control, [&](const train::RunEvent& e) {
      ctx.emit(TrainEvent{ctx.id(), e});
    });
    ctx.emit(TrainFinished{ctx.id(), result.run_dir.string(), train::to_string(result.status),
                           train::run_report_json(prepared.spec, result)});
  });
}

JobId Engine::submit_eval_job(std::filesystem::path run_dir, EvalOptions options) {
  const std::string name = "evaluate " + run_dir.filename().string();
  return submit(name, [run_dir = std::move(run_dir), options = std::move(options)](JobContext& ctx) mutable {
    options.log = [&ctx](const std::string& line) { ctx.log(line); };
    const auto result = evaluate_run(run_dir, options, &ctx.cancel_flag());
    ctx.emit(EvalFinished{ctx.id(), result.report_md.string(), result.report});
  });
}

JobId Engine::submit_export_job(std::filesystem::path run_dir, std::filesystem::path out, ExportRunOptions options) {
  const std::string name = "export " + run_dir.filename().string();
  return submit(name, [run_dir = std::move(run_dir), out = std::move(out), options = std::move(options)](JobContext& ctx) mutable {
    options.log = [&ctx](const std::string& line) { ctx.log(line); };
    const std::string message = export_run(run_dir, out, options);
    ctx.log(message);
    ctx.emit(ExportFinished{ctx.id(), out.string(), message});
  });
}

JobId Engine::submit_model_inspect_job(std::string model) {
  return submit("inspect " + model, [model](JobContext& ctx) {
    const bool demo = model.empty() || model == "demo";
    const std::filesystem::path path =
        demo ? Locations::from_environment().existing_demo_model() : std::filesystem::path(model);
    ModelInspected done{ctx.id(), model, inspect_model(path, /*hash_files=*/false), {}, 0};
    // The device a run would use ("auto": CUDA when present) and its free memory now.
    done.device = resolve_device("auto");
    const bool cuda = done.device.rfind("cuda", 0) == 0;
    done.free_memory_bytes =
        memory_free_bytes(cuda, cuda && done.device.size() > 5 ? std::stoi(done.device.substr(5)) : 0);
    ctx.emit(std::move(done));
  });
}

JobId Engine::submit_chat_job(ChatRequest request) {
  return submit("chat", [request = std::move(request), models = chat_models_](JobContext& ctx) {
    models->answer(
        request, ctx.cancel_flag(), [&ctx](ChatSide side, const std::string& text) { ctx.emit(ChatToken{ctx.id(), side, text}); },
        [&ctx](const ChatAnswer& a) { ctx.emit(ChatFinished{ctx.id(), a.side, a.text, a.stop_reason, a.tokens_per_s}); },
        [&ctx](const std::string& line) { ctx.log(line); });
  });
}

JobId Engine::submit_sweep_job(Project project, train::SweepSpace space, train::SweepOptions options) {
  const std::string name = "sweep " + (project.name.empty() ? project.file.stem().string() : project.name);
  return submit(name, [project = std::move(project), space, options](JobContext& ctx) {
    RunSetupOptions setup;
    setup.log = [&ctx](const std::string& line) { ctx.log(line); };
    const auto prepared = prepare_run(project, setup);
    const std::filesystem::path dir = train::default_sweep_dir(prepared.spec.run_dir);
    train::RunControl control;
    control.cancel = &ctx.cancel_flag();
    const auto result = train::run_sweep(
        prepared.spec, space, options, dir, control, {},
        [&ctx](const train::SweepTrial& t, std::size_t done, std::size_t total) {
          ctx.log(train::describe_trial(t, done, total));
        });
    ctx.emit(SweepFinished{ctx.id(), dir.string(),
                           train::sweep_summary_from_json(train::sweep_json(result), (dir / "sweep.json").string())});
  });
}

void Engine::pause(JobId job, bool paused) {
  std::lock_guard lock(mutex_);
  if (job == running_id_) running_controls_.pause.store(paused);
}

void Engine::stop_keep_best(JobId job) {
  std::lock_guard lock(mutex_);
  if (job == running_id_) running_controls_.stop_keep_best.store(true);
}

void Engine::save_now(JobId job) {
  std::lock_guard lock(mutex_);
  if (job == running_id_) running_controls_.save_now.store(true);
}

void Engine::cancel(JobId job) {
  std::lock_guard lock(mutex_);
  if (job == running_id_) running_cancel_.store(true);
  for (Job& queued : queue_) {
    if (queued.id == job) queued.cancelled = true;
  }
}

void Engine::cancel_all() {
  std::lock_guard lock(mutex_);
  if (running_id_ != 0) running_cancel_.store(true);
  for (Job& queued : queue_) queued.cancelled = true;
}

std::size_t Engine::pending() const {
  std::lock_guard lock(mutex_);
  return queue_.size() + (running_id_ != 0 ? 1 : 0);
}

void Engine::run() {
  for (;;) {
    Job job;
    {
      // 1. Wait for a job or for shutdown.
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left to report
      job = std::move(queue_.front());
      queue_.pop_front();
      // 2. Mark it running; its cancel flag starts from what was asked while it was queued.
      running_id_ = job.id;
      running_cancel_.store(job.cancelled);
      running_controls_.pause.store(false);
      running_controls_.stop_keep_best.store(false);
      running_controls_.save_now.store(false);
    }
    run_job(job);
    std::lock_guard lock(mutex_);
    running_id_ = 0;
  }
}

void Engine::run_job(Job& job) {
  if (running_cancel_.load()) {
    sink_(JobStateChanged{job.id, job.name, JobState::Cancelled, {}});
    return;
  }
  sink_(JobStateChanged{job.id, job.name, JobState::Running, {}});
  JobContext ctx(job.id, running_cancel_, running_controls_, sink_);
  try {
    job.fn(ctx);
    const JobState end = ctx.cancelled() ? JobState::Cancelled : JobState::Finished;
    sink_(JobStateChanged{job.id, job.name, end, {}});
  } catch (const Error& e) {
    sink_(JobStateChanged{job.id, job.name, JobState::Failed, e.what()});
  } catch (const std::exception& e) {
    sink_(JobStateChanged{job.id, job.name, JobState::Failed,
                          std::string("internal error: ") + e.what()});
  }
}

}  // namespace tb
