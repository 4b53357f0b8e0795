// Evaluation on demand of a finished run (or one checkpoint of it): the run's own project and
// data are read again from run.json, its weights restored from the checkpoint, and base vs
// tuned measured on the test split (loss, perplexity, generated answers and their scores) with
// the forgetting probe — written beside the run as eval.json / eval.md (or eval-step-N.*).
// Also exporting a run's result (its adapter, or a merged model folder).
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace tb {

class Model;
namespace train {
class TrainingSession;
}

struct EvalOptions {
  std::int64_t step = -1;                   // a checkpoint of the last stage; -1 = the final weights
  std::int64_t generation_examples = -1;    // -1 = the project's setting
  std::int64_t generation_max_tokens = -1;
  std::function<void(const std::string&)> log;
};

struct RunEvaluation {
  nlohmann::json report;
  std::filesystem::path report_md;
};

// Throws tb::Error when the folder holds no run, the run has not finished (and no step is
// named), or its data files changed since it trained (their SHA-256 differs).
RunEvaluation evaluate_run(const std::filesystem::path& run_dir, const EvalOptions& options,
                           const std::atomic<bool>* cancel = nullptr);

// A run's trained result in memory: its base model and the session holding the adapter (LoRA)
// or the trained weights (full, freeze) — restored from the run's checkpoints.
struct RestoredRun {
  std::shared_ptr<const Model> base;
  std::shared_ptr<train::TrainingSession> session;
};

// Throws tb::Error as evaluate_run does. `step`: a checkpoint of the last stage; -1 = the final weights.
RestoredRun restore_run(const std::filesystem::path& run_dir, std::int64_t step,
                        const std::function<void(const std::string&)>& log);

enum class ExportKind { Adapter, Merged };

struct ExportRunOptions {
  std::int64_t step = -1;                      // a checkpoint of the last stage; -1 = the final weights
  ExportKind kind = ExportKind::Merged;
  std::string dtype = "float32";               // merged folders: float32, bfloat16 or float16
  std::function<void(const std::string&)> log;
};

// Writes the run's trained result to `out` (which must not exist): a PEFT adapter folder (LoRA
// runs; PEFT loads it) or a merged Hugging Face folder (any method; transformers loads it).
// Returns a sentence saying what was written. Throws tb::Error for an adapter asked of a full or
// freeze run, or an `out` that exists.
std::string export_run(const std::filesystem::path& run_dir, const std::filesystem::path& out,
                       const ExportRunOptions& options);

}  // namespace tb
