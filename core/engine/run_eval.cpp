// Evaluation on demand (run_eval.h).
#include "core/engine/run_eval.h"

#include "core/common/error.h"
#include "core/engine/project.h"
#include "core/engine/run_setup.h"
#include "core/io/json_file.h"
#include "core/io/sha256.h"
#include "core/train/run_report.h"

namespace fs = std::filesystem;

namespace tb {

RunEvaluation evaluate_run(const fs::path& run_dir, const EvalOptions& options, const std::atomic<bool>* cancel) {
  // 1. The run's own project, as it was when the run started.
  const auto run = read_json_file(run_dir / "run.json", "a Tunebench run folder's run.json");
  if (!run.contains("project_json") || !run.contains("project")) {
    throw Error("run.json does not say which project made this run", {(run_dir / "run.json").string(), 0, "project_json"});
  }
  Project project = project_from_json(run["project_json"], run["project"].get<std::string>());
  if (options.generation_examples >= 0) project.generation_examples = options.generation_examples;
  if (options.generation_max_tokens >= 0) project.generation_max_tokens = options.generation_max_tokens;
  // 2. The same data, or the comparison would mislead.
  for (const auto& input : run.value("data_files", nlohmann::json::array())) {
    const fs::path path = input.value("path", std::string());
    if (!fs::exists(path)) throw Error("the run's data file is gone", {path.string()});
    if (sha256_file_hex(path) != input.value("sha256", std::string())) {
      throw Error("this data file changed since the run trained (SHA-256 differs), so its test split would not be "
                  "the run's; restore the file or train a new run", {path.string()});
    }
  }
  // 3. Model, data and stages as the run had them; weights from its checkpoints.
  RunSetupOptions setup;
  setup.run_dir = run_dir;
  setup.resume = true;
  setup.ignore_memory_estimate = true;
  setup.log = options.log;
  auto prepared = prepare_run(project, setup);
  auto& spec = prepared.spec;
  spec.evaluate_only = true;
  spec.evaluate_step = options.step;
  spec.report_name = options.step >= 0 ? "eval-step-" + std::to_string(options.step) : "eval";
  train::RunControl control;
  control.cancel = cancel;
  const auto result = train::run_training(spec, control, [&](const train::RunEvent& e) {
    if (const auto* note = std::get_if<train::RunNote>(&e); note && options.log) options.log(note->text);
  });
  return {train::run_report_json(spec, result), run_dir / (spec.report_name + ".md")};
}

}  // namespace tb
