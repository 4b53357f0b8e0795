// `tunebench-cli eval RUN_DIR [--checkpoint step-N] [--generation-examples N]`: measures a
// finished run again (or one checkpoint of it) — base vs tuned on the test split, generated
// answers and the forgetting probe — and writes eval.md / eval.json beside the run.
#include <CLI/CLI.hpp>

#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "app/cli/train_progress.h"
#include "core/common/error.h"
#include "core/engine/run_eval.h"

namespace tb::cli {
namespace {

struct EvalArgs {
  std::string run_dir, checkpoint;
  std::int64_t generation_examples = -1, generation_max_tokens = -1;
  bool json = false;
};

std::int64_t parse_checkpoint(const std::string& text) {
  if (text.empty() || text == "final") return -1;
  const std::string digits = text.rfind("step-", 0) == 0 ? text.substr(5) : text;
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 12) {
    throw Error("name a checkpoint as step-N (or N, or final)", {{}, 0, "--checkpoint"});
  }
  return std::stoll(digits);
}

}  // namespace

void add_eval_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("eval", "Evaluate a run again: base vs tuned on its test split, answers, forgetting probe");
  auto a = std::make_shared<EvalArgs>();
  cmd->add_option("run", a->run_dir, "The run folder (it holds run.json)")->required();
  cmd->add_option("--checkpoint", a->checkpoint, "step-N of the last stage (default: the final weights)");
  cmd->add_option("--generation-examples", a->generation_examples, "Test prompts answered by base and tuned")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--generation-max-tokens", a->generation_max_tokens, "Longest generated answer")->check(CLI::PositiveNumber);
  cmd->add_flag("--json", a->json, "Print the evaluation as JSON");
  cmd->callback([a, &exit_code] {
    EvalOptions options;
    options.step = parse_checkpoint(a->checkpoint);
    options.generation_examples = a->generation_examples;
    options.generation_max_tokens = a->generation_max_tokens;
    options.log = [&](const std::string& line) { (a->json ? std::cerr : std::cout) << line << "\n"; };
    const auto result = evaluate_run(a->run_dir, options);
    if (a->json) {
      std::cout << result.report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
      auto summary = report_summary(run::parse_run_report(result.report, "the evaluation's report"), a->run_dir);
      const auto at = summary.rfind("report: ");
      if (at != std::string::npos) summary = summary.substr(0, at) + "report: " + result.report_md.string() + "\n";
      std::cout << summary;
    }
    exit_code = kOk;
  });
}

}  // namespace tb::cli
