// Evaluation on demand (run_eval.h).
#include "core/engine/run_eval.h"

#include "core/common/error.h"
#include "core/engine/project.h"
#include "core/engine/run_setup.h"
#include "core/io/json_file.h"
#include "core/io/sha256.h"
#include "core/model/export.h"
#include "core/train/run_report.h"

namespace fs = std::filesystem;

namespace tb {

namespace {

// The run's project and prepared spec, with its data checked against the hashes it trained on.
train::RunSpec prepare_existing_run(const fs::path& run_dir, std::int64_t generation_examples,
                                    std::int64_t generation_max_tokens, const std::function<void(const std::string&)>& log) {
  // 1. The run's own project, as it was when the run started.
  const auto run = read_json_file(run_dir / "run.json", "a Tunebench run folder's run.json");
  if (!run.contains("project_json") || !run.contains("project")) {
    throw Error("run.json does not say which project made this run", {(run_dir / "run.json").string(), 0, "project_json"});
  }
  Project project = project_from_json(run["project_json"], run["project"].get<std::string>());
  if (generation_examples >= 0) project.generation_examples = generation_examples;
  if (generation_max_tokens >= 0) project.generation_max_tokens = generation_max_tokens;
  // 2. The same data, or the comparison would mislead.
  for (const auto& input : run.value("data_files", nlohmann::json::array())) {
    const fs::path path = input.value("path", std::string());
    if (!fs::exists(path)) throw Error("the run's data file is gone", {path.string()});
    if (sha256_file_hex(path) != input.value("sha256", std::string())) {
      throw Error("this data file changed since the run trained (SHA-256 differs), so its splits would not be "
                  "the run's; restore the file or train a new run", {path.string()});
    }
  }
  // 3. Model, data and stages as the run had them (its own settings, from run.json).
  RunSetupOptions setup;
  setup.run_dir = run_dir;
  setup.resume = true;
  setup.ignore_memory_estimate = true;
  setup.log = log;
  return prepare_run(project, setup).spec;
}

}  // namespace

RunEvaluation evaluate_run(const fs::path& run_dir, const EvalOptions& options, const std::atomic<bool>* cancel) {
  auto spec = prepare_existing_run(run_dir, options.generation_examples, options.generation_max_tokens, options.log);
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

RestoredRun restore_run(const fs::path& run_dir, std::int64_t step, const std::function<void(const std::string&)>& log) {
  auto spec = prepare_existing_run(run_dir, 0, -1, log);
  // The trained state only: no test, probe or report.
  spec.evaluate_only = true;
  spec.evaluate_step = step;
  spec.report_name.clear();
  spec.test = {};
  spec.test_examples.clear();
  spec.probe = {};
  spec.generation_examples = 0;
  auto result = train::run_training(spec, {}, {});
  return {std::move(result.final_base), std::move(result.final_session)};
}

std::string export_run(const fs::path& run_dir, const fs::path& out, const ExportRunOptions& options) {
  if (fs::exists(out)) throw Error("exists already; choose a new folder", {out.string()});
  // 1. Restore the trained state.
  const auto restored = restore_run(run_dir, options.step, options.log);
  const auto& session = *restored.session;
  // 2. The adapter (PEFT layout), built beside the target and renamed into place.
  if (options.kind == ExportKind::Adapter) {
    if (session.adapter() == nullptr) {
      throw Error("this run trained with " + std::string(train::to_string(session.config().method)) +
                  " fine-tuning, which has no adapter; export a merged model folder instead", {run_dir.string()});
    }
    const fs::path temp = out.parent_path() / ("." + out.filename().string() + ".tmp");
    fs::remove_all(temp);
    fs::create_directories(temp);
    try {
      session.adapter()->save_peft(temp, restored.base->source());
      fs::rename(temp, out);
    } catch (...) {
      std::error_code ec;
      fs::remove_all(temp, ec);
      throw;
    }
    return "wrote the LoRA adapter (PEFT layout) to " + out.string();
  }
  // 3. A merged Hugging Face folder: the adapter merged into its base, or the trained weights.
  ExportOptions export_options;
  export_options.dtype = options.dtype == "bfloat16" ? torch::kBFloat16 : options.dtype == "float16" ? torch::kFloat16 : torch::kFloat32;
  if (session.adapter() != nullptr) {
    export_merged(*restored.base, session.adapter(), out, export_options);
  } else {
    export_merged(*session.tuned_model(), nullptr, out, export_options);
  }
  return "wrote the merged model (" + options.dtype + ") to " + out.string();
}

}  // namespace tb
