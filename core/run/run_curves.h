// A run's curves from metrics.jsonl's step and evaluation lines, on one x axis across stages
// (stage_axis.h). Read from the run folder for the saved runs' charts, and built from the lines
// in memory by core's report writer for the PNG curves; the two never disagree.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/run/stage_axis.h"

namespace tb::run {

struct TaskCurve {
  std::vector<double> step, loss;
};

struct RunCurves {
  // Training steps (NaN = not measured).
  std::vector<double> step, loss, smoothed_loss, learning_rate, grad_norm;
  // Evaluations on the validation split.
  std::vector<double> eval_step, eval_loss;
  // Validation loss per task, only from evaluations that measured more than one task.
  std::map<std::string, TaskCurve> task_eval;
  StageAxis axis;  // where each stage starts

  const std::vector<StageStart>& stage_starts() const { return axis.starts(); }
  // Adds one line of metrics.jsonl ("type": "step" or "eval"; other lines are ignored).
  void add_line(const nlohmann::json& line);
};

RunCurves curves_from_metrics(const std::vector<nlohmann::json>& lines);

// run_dir/metrics.jsonl. Throws tb::IoError when it is missing or unreadable, tb::FormatError
// naming the file and line when a line is not complete JSON (cut short or damaged).
RunCurves read_run_curves(const std::filesystem::path& run_dir);
// The same from the file's text; `file` names it in errors.
RunCurves parse_run_curves(const std::string& text, const std::filesystem::path& file);

}  // namespace tb::run
