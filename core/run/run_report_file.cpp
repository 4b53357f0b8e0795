// Reading (and the shared writing halves of) a report file (see run_report_file.h).
#include "core/run/run_report_file.h"

#include <algorithm>
#include <regex>

#include "core/common/error.h"
#include "core/run/run_folder.h"

namespace tb::run {
namespace {

LossFigures loss_figures_from(const nlohmann::json& j) {
  LossFigures f;
  if (!j.is_object()) return f;
  f.present = true;
  f.loss = field_number(j, "loss");
  f.perplexity = field_number(j, "perplexity");
  f.examples = field_int(j, "examples");
  f.trained_tokens = field_int(j, "trained_tokens");
  const auto& tasks = field_at(j, "per_task");
  if (tasks.is_object()) {
    for (const auto& [task, loss] : tasks.items()) f.per_task.emplace_back(task, number_or_nan(loss));
  }
  return f;
}

ScoreFigures score_figures_from(const nlohmann::json& j) {
  ScoreFigures s;
  if (!j.is_object()) return s;
  s.present = true;
  s.count = field_int(j, "count");
  s.exact_match = field_number(j, "exact_match");
  s.token_f1 = field_number(j, "token_f1");
  s.rouge_l = field_number(j, "rouge_l");
  s.bleu = field_number(j, "bleu");
  s.mean_answer_words = field_number(j, "mean_answer_words");
  s.mean_reference_words = field_number(j, "mean_reference_words");
  s.seconds = field_number(j, "seconds");
  return s;
}

std::vector<double> report_numbers_from(const nlohmann::json& j) {
  std::vector<double> out;
  if (!j.is_array()) return out;
  for (const auto& x : j) out.push_back(number_or_nan(x));
  return out;
}

// The elements of an array (nothing for anything else).
const nlohmann::json& report_array_at(const nlohmann::json& j, const char* key) {
  static const nlohmann::json empty_array = nlohmann::json::array();
  const auto& value = field_at(j, key);
  return value.is_array() ? value : empty_array;
}

}  // namespace

RunReport parse_run_report(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object() || field_text(j, "format") != kReportFormat) {
    throw FormatError(std::string("not a Tunebench report (\"format\": \"") + kReportFormat + "\" is missing)", {source});
  }
  RunReport r;
  r.status = field_text(j, "status");
  r.model = field_text(j, "model");
  for (const auto& s : report_array_at(j, "stages")) {
    if (!s.is_object()) continue;
    StageFigures f;
    f.name = field_text(s, "name");
    f.status = field_text(s, "status");
    f.steps = field_int(s, "steps");
    f.total_steps = field_int(s, "total_steps");
    f.best_step = field_int(s, "best_step", -1);
    f.best_val_loss = field_number(s, "best_val_loss");
    f.seconds = field_number(s, "seconds");
    f.trainable_params = field_int(s, "trainable_params");
    f.warnings = static_cast<std::int64_t>(report_array_at(s, "warnings").size());
    r.stages.push_back(f);
  }
  const auto& test = field_at(j, "test");
  r.test_base = loss_figures_from(field_at(test, "base"));
  r.test_tuned = loss_figures_from(field_at(test, "tuned"));
  const auto& probe = field_at(j, "probe");
  r.probe_name = field_text(probe, "name");
  r.probe_base = loss_figures_from(field_at(probe, "base"));
  r.probe_tuned = loss_figures_from(field_at(probe, "tuned"));
  const auto& generation = field_at(j, "generation");
  r.generation_base = score_figures_from(field_at(generation, "base"));
  r.generation_tuned = score_figures_from(field_at(generation, "tuned"));
  for (const auto& a : report_array_at(generation, "answers")) {
    r.answers.push_back({field_text(a, "prompt"), field_text(a, "reference"), field_text(a, "base"), field_text(a, "tuned")});
  }
  const auto& forgetting = field_at(j, "forgetting");
  for (const auto& s : report_array_at(forgetting, "stages")) r.forgetting_stages.push_back(s.is_string() ? s.get<std::string>() : "");
  r.forgetting_before = report_numbers_from(field_at(forgetting, "before"));
  for (const auto& row : report_array_at(forgetting, "after_stage")) r.forgetting_after.push_back(report_numbers_from(row));
  for (const auto& c : report_array_at(j, "curves")) {
    if (c.is_string()) r.curves.push_back(c.get<std::string>());
  }
  return r;
}

RunReport parse_run_report_text(const std::string& text, const std::string& source) {
  return parse_run_report(parse_run_json(text, source), source);
}

RunReport read_run_report(const std::filesystem::path& file) {
  auto report = parse_run_report_text(read_run_file(file), file.string());
  report.file = std::filesystem::absolute(file);
  return report;
}

std::vector<std::filesystem::path> report_files(const std::filesystem::path& run_dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const char* name : {kReportFile, "eval.json"}) {
    if (std::filesystem::is_regular_file(run_dir / name, ec)) out.push_back(run_dir / name);
  }
  static const std::regex step_report(R"(^eval-step-(\d{1,18})\.json$)");
  std::vector<std::pair<std::int64_t, std::filesystem::path>> steps;
  for (const auto& entry : std::filesystem::directory_iterator(run_dir, ec)) {
    std::smatch m;
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file(ec) && std::regex_match(name, m, step_report)) {
      steps.emplace_back(std::stoll(m[1].str()), entry.path());
    }
  }
  std::sort(steps.begin(), steps.end());
  for (const auto& [step, file] : steps) out.push_back(file);
  return out;
}

nlohmann::json figure_json(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

nlohmann::json loss_figures_json(const LossFigures& f) {
  if (!f.present) return nullptr;
  nlohmann::json tasks = nlohmann::json::object();
  for (const auto& [task, loss] : f.per_task) tasks[task] = figure_json(loss);
  return {{"loss", figure_json(f.loss)}, {"perplexity", figure_json(f.perplexity)}, {"examples", f.examples},
          {"trained_tokens", f.trained_tokens}, {"per_task", tasks}};
}

nlohmann::json score_figures_json(const ScoreFigures& s) {
  if (!s.present) return nullptr;
  return {{"count", s.count}, {"exact_match", s.exact_match}, {"token_f1", s.token_f1}, {"rouge_l", s.rouge_l},
          {"bleu", s.bleu}, {"mean_answer_words", s.mean_answer_words},
          {"mean_reference_words", s.mean_reference_words}, {"seconds", s.seconds}};
}

nlohmann::json answer_json(const SideBySideAnswer& a) {
  return {{"prompt", a.prompt}, {"reference", a.reference}, {"base", a.base}, {"tuned", a.tuned}};
}

}  // namespace tb::run
