// `tunebench-cli sweep [PROJECT] --lr 1e-4,3e-4 --rank 4,8 [--epochs ...] [--micro-batch ...]
// [--random N] --trial-steps N`: a short run per point of the grid (or a random sample of it),
// a leaderboard by validation loss, and sweep.json whose best settings `train --best-of DIR`
// takes.
#include <CLI/CLI.hpp>

#include <cmath>
#include <csignal>
#include <iostream>

#include "app/cli/commands.h"
#include "app/cli/project_options.h"
#include "core/common/error.h"
#include "core/engine/run_setup.h"
#include "core/train/sweep.h"

namespace tb::cli {
namespace {

std::atomic<bool> g_sweep_interrupted{false};
extern "C" void on_sweep_sigint(int) { g_sweep_interrupted.store(true); }

struct SweepArgs {
  ProjectArgs project;
  train::SweepSpace space;
  train::SweepOptions options;
  std::string out;
};

// What to give `train` for the same data: the project file, or the --data flags.
std::string train_source(const ProjectArgs& p) {
  if (!p.project.empty()) return p.project;
  std::string out;
  for (const auto& d : p.overrides.data) out += (out.empty() ? "--data " : " --data ") + d;
  return out;
}

}  // namespace

void add_sweep_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("sweep", "Try several settings in short runs and rank them by validation loss");
  auto a = std::make_shared<SweepArgs>();
  add_project_options(*cmd, a->project);
  cmd->add_option("--lrs", a->space.learning_rates, "Learning rates to try (comma-separated)")->delimiter(',');
  cmd->add_option("--epochs-grid", a->space.epochs, "Epoch counts to try")->delimiter(',');
  cmd->add_option("--ranks", a->space.ranks, "LoRA ranks to try (alpha keeps its ratio to the rank)")->delimiter(',');
  cmd->add_option("--micro-batches", a->space.micro_batches, "Micro-batch sizes to try")->delimiter(',');
  cmd->add_option("--random", a->options.random_trials, "Try this many random points of the grid (0 = all)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--sweep-seed", a->options.seed, "Seed of the random sample");
  cmd->add_option("--trial-steps", a->options.trial_max_steps, "Step budget of each trial (0 = its full length)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--out", a->out, "Sweep folder (default: the project's runs folder / sweep-date-time)");
  cmd->callback([a, &exit_code] {
    const Project project = build_project(a->project);
    RunSetupOptions setup;
    setup.log = [](const std::string& line) { std::cout << line << "\n"; };
    auto prepared = prepare_run(project, setup);
    const std::filesystem::path dir =
        !a->out.empty() ? std::filesystem::path(a->out)
                        : train::default_sweep_dir(prepared.spec.run_dir);
    std::atomic<bool> cancel{false};
    train::RunControl control;
    control.cancel = &cancel;
    std::signal(SIGINT, on_sweep_sigint);
    const auto result = train::run_sweep(
        prepared.spec, a->space, a->options, dir, control,
        [&](const train::RunEvent&) {
          if (g_sweep_interrupted.load()) cancel = true;
        },
        [](const train::SweepTrial& t, std::size_t done, std::size_t total) {
          std::cout << train::describe_trial(t, done, total) << "\n";
        });
    std::signal(SIGINT, SIG_DFL);
    std::cout << "\nleaderboard: " << (dir / "leaderboard.md").string() << "\n";
    if (!result.best_config) {
      std::cerr << "tunebench-cli: no trial reached an evaluation; see " << (dir / "sweep.json").string() << "\n";
      exit_code = kUserError;
      return;
    }
    const auto& best = result.leaderboard.front();
    std::cout << "best: trial " << best.index << " (lr " << best.point.learning_rate << ", epochs " << best.point.epochs
              << ", rank " << best.point.rank << ", micro-batch " << best.point.micro_batch << "), validation loss "
              << best.best_val_loss << "\ntrain with it: tunebench-cli train "
              << train_source(a->project) << " --best-of " << dir.string()
              << "\n";
    exit_code = result.cancelled ? kUserError : kOk;
  });
}

}  // namespace tb::cli
