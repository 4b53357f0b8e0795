// The figures of a report file (report.json at the end of training, eval.json or eval-step-N.json
// from an evaluation on demand): test split and forgetting probe base vs tuned, generation scores,
// per task, the forgetting matrix, the curves' PNG names and the side-by-side answers. Typed with
// std types (NaN = not measured). core/train/run_report.cpp writes the shared parts through the
// *_json functions here, so the writer and the reader use the same keys.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/run/run_fields.h"

namespace tb::run {

// Loss on a set of examples ("test"/"probe" → "base"/"tuned").
struct LossFigures {
  bool present = false;
  double loss = not_measured(), perplexity = not_measured();
  std::int64_t examples = 0, trained_tokens = 0;
  std::vector<std::pair<std::string, double>> per_task;  // task -> loss, in the report's order
};

// Scores of generated answers ("generation" → "base"/"tuned").
struct ScoreFigures {
  bool present = false;
  std::int64_t count = 0;
  double exact_match = not_measured(), token_f1 = not_measured(), rouge_l = not_measured(), bleu = not_measured();
  double mean_answer_words = not_measured(), mean_reference_words = not_measured();
  double seconds = not_measured();
};

struct StageFigures {
  std::string name, status;
  std::int64_t steps = 0, total_steps = 0, best_step = -1, trainable_params = 0, warnings = 0;
  double best_val_loss = not_measured(), seconds = not_measured();
};

// One test prompt answered by both models ("generation" → "answers").
struct SideBySideAnswer {
  std::string prompt, reference, base, tuned;
};

struct RunReport {
  std::filesystem::path file;  // where it was read from (empty: from a job's JSON)
  std::string status;          // finished, early_stopped, stopped_by_user, diverged, cancelled
  std::string model;
  std::vector<StageFigures> stages;
  LossFigures test_base, test_tuned, probe_base, probe_tuned;
  std::string probe_name;
  ScoreFigures generation_base, generation_tuned;
  std::vector<SideBySideAnswer> answers;
  std::vector<std::string> forgetting_stages;
  std::vector<double> forgetting_before;               // each stage's validation loss before training
  std::vector<std::vector<double>> forgetting_after;   // row i: after stage i; NaN = not yet trained
  std::vector<std::string> curves;                     // PNG file names in the run folder
};

// A report's JSON (a file's, or a finished job's). Throws tb::FormatError naming `source` when
// it is not a Tunebench report.
RunReport parse_run_report(const nlohmann::json& json, const std::string& source);
// The same from text; a half-written file is a FormatError ("cut short or damaged").
RunReport parse_run_report_text(const std::string& text, const std::string& source);
// Reads a report file (tb::IoError when missing or unreadable).
RunReport read_run_report(const std::filesystem::path& file);
// Report files in the run folder: report.json first, then eval.json, then eval-step-N.json by N.
std::vector<std::filesystem::path> report_files(const std::filesystem::path& run_dir);

// The writer's halves (null for a figure that was not measured).
nlohmann::json figure_json(double x);
nlohmann::json loss_figures_json(const LossFigures& figures);
nlohmann::json score_figures_json(const ScoreFigures& figures);
nlohmann::json answer_json(const SideBySideAnswer& answer);

}  // namespace tb::run
