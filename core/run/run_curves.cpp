// metrics.jsonl as curves (see run_curves.h).
#include "core/run/run_curves.h"

#include <cstdint>

#include "core/common/error.h"
#include "core/run/run_fields.h"
#include "core/run/run_folder.h"

namespace tb::run {

void RunCurves::add_line(const nlohmann::json& line) {
  const std::string type = field_text(line, "type");
  if (type == "step") {
    const double x = axis.place_training_step(field_text(line, "stage"), field_number(line, "step"));
    step.push_back(x);
    loss.push_back(field_number(line, "loss"));
    smoothed_loss.push_back(field_number(line, "smoothed_loss"));
    learning_rate.push_back(field_number(line, "lr"));
    grad_norm.push_back(field_number(line, "grad_norm"));
  } else if (type == "eval") {
    const double x = axis.place(field_text(line, "stage"), field_number(line, "step"));
    eval_step.push_back(x);
    eval_loss.push_back(field_number(line, "loss"));
    const auto& tasks = field_at(line, "per_task");
    if (tasks.is_object() && tasks.size() > 1) {
      for (const auto& [task, task_loss] : tasks.items()) {
        task_eval[task].step.push_back(x);
        task_eval[task].loss.push_back(number_or_nan(task_loss));
      }
    }
  }
}

RunCurves curves_from_metrics(const std::vector<nlohmann::json>& lines) {
  RunCurves c;
  for (const auto& line : lines) c.add_line(line);
  return c;
}

RunCurves parse_run_curves(const std::string& text, const std::filesystem::path& file) {
  RunCurves c;
  std::int64_t line_number = 0;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    ++line_number;
    const auto first = text.find_first_not_of(" \t\r", begin);
    if (first != std::string::npos && first < end) {
      const auto j = nlohmann::json::parse(text.begin() + static_cast<std::ptrdiff_t>(first),
                                           text.begin() + static_cast<std::ptrdiff_t>(end), nullptr,
                                           /*allow_exceptions=*/false);
      if (j.is_discarded() || !j.is_object()) {
        throw FormatError("not complete JSON: the file is cut short or damaged", {file.string(), line_number});
      }
      c.add_line(j);
    }
    begin = end + 1;
  }
  return c;
}

RunCurves read_run_curves(const std::filesystem::path& run_dir) {
  const auto file = run_dir / kMetricsFile;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) throw IoError("is missing: the run has logged no steps yet", {file.string()});
  return parse_run_curves(read_run_file(file), file);
}

}  // namespace tb::run
