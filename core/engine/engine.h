// Engine: one worker thread and a FIFO job queue. Jobs (probe device now; train, evaluate,
// generate, import/audit, export as they arrive) run one at a time on the worker and report
// only through the EventSink. submit() and cancel() never block on a job. The destructor
// cancels, wakes and joins (after Qt's Mandelbrot RenderThread).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/engine/chat_job.h"
#include "core/engine/event.h"
#include "core/engine/project.h"
#include "core/engine/run_eval.h"
#include "core/engine/run_setup_options.h"
#include "core/train/sweep_space.h"

namespace tb {

// The flags a long job (training) checks between steps, besides cancel.
struct JobControls {
  std::atomic<bool> pause{false};
  std::atomic<bool> stop_keep_best{false};
  std::atomic<bool> save_now{false};
};

// What a running job sees: its id, its cancel flag and other controls, and the sink.
class JobContext {
 public:
  JobContext(JobId id, const std::atomic<bool>& cancel_flag, JobControls& controls, const EventSink& sink)
      : id_(id), cancel_flag_(cancel_flag), controls_(controls), sink_(sink) {}

  JobId id() const { return id_; }
  // Jobs check this between steps and return early when it is set.
  bool cancelled() const { return cancel_flag_.load(std::memory_order_relaxed); }
  const std::atomic<bool>& cancel_flag() const { return cancel_flag_; }
  JobControls& controls() const { return controls_; }
  void emit(const Event& event) const { sink_(event); }
  void log(std::string text) const { sink_(LogLine{id_, std::move(text)}); }

 private:
  JobId id_;
  const std::atomic<bool>& cancel_flag_;
  JobControls& controls_;
  const EventSink& sink_;
};

using JobFn = std::function<void(JobContext&)>;

class Engine {
 public:
  explicit Engine(EventSink sink);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Queues a job; returns at once. A job that throws tb::Error ends Failed with that message;
  // any other exception ends Failed as an internal error. The engine stays alive either way.
  JobId submit(std::string name, JobFn fn);

  // Queues a device probe; its result arrives as a DeviceProbed event.
  JobId submit_device_probe();
  // The installation self-test (self_test.h): one LogLine per check; ends Failed, naming the
  // checks that failed, when a required one did.
  JobId submit_self_test();
  // Import, split and audit a dataset (data_job.h): JobProgress now and then, then one
  // DataAudited (also after a cancel, with what was read and cancelled set).
  JobId submit_data_job(data::DataJobSettings settings);

  // Train a project (run_setup.h, train_run.h): LogLines while it prepares, TrainEvents while it
  // runs, then one TrainFinished. A CUDA out-of-memory error fails the job with what to change;
  // the engine carries on.
  JobId submit_train_job(Project project, RunSetupOptions options);

  // Evaluate a run again (run_eval.h): LogLines, then one EvalFinished.
  JobId submit_eval_job(std::filesystem::path run_dir, EvalOptions options);
  // Export a run's adapter or a merged model folder: LogLines, then one ExportFinished.
  JobId submit_export_job(std::filesystem::path run_dir, std::filesystem::path out, ExportRunOptions options);

  // Read a model's facts (model_inspect.h) and the free memory of the device a run would use:
  // one ModelInspected. "demo" = the demo model.
  JobId submit_model_inspect_job(std::string model);
  // Answer a conversation with the base model and a run's tuned model at once (chat_job.h):
  // ChatTokens as they stream, one ChatFinished per side. Loaded models stay cached.
  JobId submit_chat_job(ChatRequest request);
  // Try the project's settings over `space` in short runs (sweep.h): a LogLine per trial, then
  // one SweepFinished.
  JobId submit_sweep_job(Project project, train::SweepSpace space, train::SweepOptions options);

  // For the running job (ignored for any other id): pause / resume between steps, stop and go
  // back to the best checkpoint, write a checkpoint now.
  void pause(JobId job, bool paused);
  void stop_keep_best(JobId job);
  void save_now(JobId job);

  // A queued job is dropped (reported Cancelled when its turn comes); a running one has its
  // cancel flag set. Unknown or finished ids are ignored.
  void cancel(JobId job);
  void cancel_all();

  // Jobs queued or running.
  std::size_t pending() const;

 private:
  struct Job {
    JobId id = 0;
    std::string name;
    JobFn fn;
    bool cancelled = false;
  };

  void run();
  void run_job(Job& job);

  EventSink sink_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  JobId next_id_ = 1;
  JobId running_id_ = 0;
  std::atomic<bool> running_cancel_{false};
  JobControls running_controls_;
  bool stopping_ = false;
  std::shared_ptr<ChatModels> chat_models_;  // used on the worker only
  std::thread worker_;  // last: started after every member it uses exists
};

}  // namespace tb
