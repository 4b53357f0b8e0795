// `tunebench-cli train [PROJECT] [--data F ...] [settings] [--max-steps N] [--run-dir D]
// [--resume D]`: trains on the engine's worker with a live progress line and the warnings, then
// prints base vs tuned and where report.md is. Ctrl-C stops after the current step; the run
// resumes with --resume. --json prints report.json instead of the summary. --check prepares the
// run (data, model, the memory and time estimate) and stops there: exit 1 when it will not fit.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "app/cli/project_options.h"
#include "app/cli/train_progress.h"
#include "core/common/error.h"
#include "core/common/overloaded.h"
#include "core/engine/engine.h"
#include "core/engine/run_setup.h"

namespace tb::cli {
namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_train_sigint(int) { g_interrupted.store(true); }

struct TrainArgs {
  ProjectArgs project;
  std::int64_t max_steps = 0;
  std::string run_dir, resume;
  bool json = false, ignore_estimate = false, check = false;
};

}  // namespace

void add_train_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("train", "Fine-tune a model on a project's data (or --data), with live progress");
  auto a = std::make_shared<TrainArgs>();
  add_project_options(*cmd, a->project);
  cmd->add_option("--max-steps", a->max_steps, "Stop after this many steps (a bounded run)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--run-dir", a->run_dir, "Folder for this run (default: the project's runs folder / date-time)");
  cmd->add_option("--resume", a->resume, "Continue the run in this folder from its last checkpoint");
  cmd->add_flag("--ignore-memory-estimate", a->ignore_estimate, "Start even when the estimate says it will not fit");
  cmd->add_flag("--json", a->json, "Print report.json at the end instead of the summary");
  cmd->add_flag("--check", a->check,
                "Read the data, load the model and print the memory and time estimate, then stop "
                "(exit status 1 when the run will not fit)");
  cmd->callback([a, &exit_code] {
    const Project project = build_project(a->project);
    RunSetupOptions options;
    options.max_steps = a->max_steps;
    options.run_dir = !a->resume.empty() ? a->resume : a->run_dir;
    options.resume = !a->resume.empty();
    options.ignore_memory_estimate = a->ignore_estimate;
    if (a->check) {
      // The same preparation a run starts with; it throws tb::Error (exit 1) when it will not fit.
      options.log = [](const std::string& line) { std::cout << line << "\n"; };
      prepare_run(project, options);
      std::cout << "the run fits: start it without --check\n";
      return;
    }
    // 1. The engine's events, handed to this thread through a small queue.
    std::mutex mutex;
    std::condition_variable wake;
    std::vector<Event> inbox;
    Engine engine([&](const Event& e) {
      std::lock_guard lock(mutex);
      inbox.push_back(e);
      wake.notify_one();
    });
    std::signal(SIGINT, on_train_sigint);
    const JobId job = engine.submit_train_job(project, options);
    TrainProgress progress(a->json ? std::cerr : std::cout, isatty(a->json ? 2 : 1) != 0);
    std::optional<TrainFinished> finished;
    std::string failure;
    bool done = false, cancelling = false;
    // 2. Print as events come, until the job ends; Ctrl-C asks for a stop after this step.
    while (!done) {
      std::vector<Event> batch;
      {
        std::unique_lock lock(mutex);
        wake.wait_for(lock, std::chrono::milliseconds(100), [&] { return !inbox.empty(); });
        batch.swap(inbox);
      }
      if (g_interrupted.load() && !cancelling) {
        cancelling = true;
        progress.on_log("stopping after this step (the run can be resumed with --resume)");
        engine.cancel(job);
      }
      for (const auto& e : batch) {
        std::visit(Overloaded{
                       [&](const TrainEvent& t) { progress.on_event(t.event); },
                       [&](const LogLine& l) { progress.on_log(l.text); },
                       [&](const TrainFinished& f) { finished = f; },
                       [&](const JobStateChanged& s) {
                         if (s.state == JobState::Failed) failure = s.message;
                         if (s.state != JobState::Running) done = true;
                       },
                       [](const auto&) {},
                   },
                   e);
      }
    }
    std::signal(SIGINT, SIG_DFL);
    progress.finish_line();
    if (!failure.empty()) {
      std::cerr << "tunebench-cli: error: " << failure << "\n";
      exit_code = failure.rfind("internal error", 0) == 0 ? kInternalError : kUserError;
      return;
    }
    if (!finished) {
      std::cerr << "tunebench-cli: the run was cancelled before it started\n";
      exit_code = kUserError;
      return;
    }
    if (a->json) {
      std::cout << finished->report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
      std::cout << report_summary(run::parse_run_report(finished->report, "the run's report"), finished->run_dir);
    }
    exit_code = finished->status == "cancelled" ? kUserError : kOk;
  });
}

}  // namespace tb::cli
