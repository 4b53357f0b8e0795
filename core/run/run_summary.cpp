// Reading a run folder's summary (see run_summary.h).
#include "core/run/run_summary.h"

#include <chrono>
#include <ctime>

#include "core/common/error.h"
#include "core/run/run_curves.h"
#include "core/run/run_folder.h"

namespace tb::run {
namespace {

// A run folder's name "20250101-120000…" (UTC, run_setup's time stamp) as ISO 8601; "" if not.
std::string summary_time_from_name(const std::string& name) {
  if (name.size() < 15 || name[8] != '-') return {};
  for (std::size_t i = 0; i < 15; ++i) {
    if (i != 8 && (name[i] < '0' || name[i] > '9')) return {};
  }
  const int month = std::stoi(name.substr(4, 2)), day = std::stoi(name.substr(6, 2));
  const int hour = std::stoi(name.substr(9, 2)), minute = std::stoi(name.substr(11, 2)), second = std::stoi(name.substr(13, 2));
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return {};
  return name.substr(0, 4) + "-" + name.substr(4, 2) + "-" + name.substr(6, 2) + "T" + name.substr(9, 2) + ":" +
         name.substr(11, 2) + ":" + name.substr(13, 2) + "Z";
}

// When a file was last written, as ISO 8601 UTC; "" when unknown.
std::string summary_file_time(const std::filesystem::path& file) {
  std::error_code ec;
  const auto written = std::filesystem::last_write_time(file, ec);
  if (ec) return {};
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::file_clock::to_sys(written));
  std::tm utc{};
  if (gmtime_r(&t, &utc) == nullptr) return {};
  char buffer[32];
  return std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc) > 0 ? buffer : "";
}

nlohmann::json summary_run_json(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) throw IoError("is missing: is this a Tunebench run folder?", {file.string()});
  const nlohmann::json run = parse_run_json(read_run_file(file), file.string());
  if (!run.is_object() || field_text(run, "format") != kRunFormat) {
    throw FormatError(std::string("not a Tunebench run (\"format\": \"") + kRunFormat + "\" is missing)", {file.string()});
  }
  return run;
}

}  // namespace

RunSummary read_run_summary(const std::filesystem::path& run_dir) {
  const auto run_file = run_dir / kRunFile;
  const auto run = summary_run_json(run_file);
  RunSummary s;
  s.path = std::filesystem::absolute(run_dir).lexically_normal();
  if (!s.path.has_filename()) s.path = s.path.parent_path();  // "runs/x/" → "runs/x"
  s.name = s.path.filename().string();
  s.model = field_text(run, "model");
  s.test_examples = field_int(run, "test_examples");
  // 1. When it started: run.json's own note, else the folder's time stamp, else run.json's date.
  s.started = field_text(run, "started");
  if (s.started.empty()) s.started = summary_time_from_name(s.name);
  if (s.started.empty()) s.started = summary_file_time(run_file);
  // 2. The settings, per stage (the last stage's decide what an export gets).
  for (const auto& stage : field_at(run, "stages")) {
    const auto& c = field_at(stage, "config");
    if (!c.is_object()) continue;
    ++s.stage_count;
    const std::string previous = s.last_method;
    s.last_method = field_text(c, "method");
    if (s.stage_count == 1) s.method = s.last_method;
    else if (previous != s.last_method) s.method += " → " + s.last_method;
    s.precision = field_text(c, "precision");
    s.learning_rate = field_number(c, "learning_rate");
    s.epochs = field_int(c, "epochs");
    s.max_steps = field_int(c, "max_steps");
    s.micro_batch = field_int(c, "micro_batch");
    s.grad_accum = field_int(c, "grad_accum");
    s.lora_rank = field_int(field_at(c, "lora"), "rank");
  }
  // 3. The report, when the run got that far.
  std::error_code ec;
  if (std::filesystem::exists(run_dir / kReportFile, ec)) {
    s.report = read_run_report(run_dir / kReportFile);
    s.has_report = true;
    s.status = s.report.status;
    if (!s.report.model.empty()) s.model = s.report.model;
    for (const auto& st : s.report.stages) {
      s.steps += st.steps;
      s.total_steps += st.total_steps;
    }
    if (!s.report.stages.empty()) {
      s.best_step = s.report.stages.back().best_step;
      s.best_val_loss = s.report.stages.back().best_val_loss;
    }
    return s;
  }
  // 4. No report yet (still training, or stopped hard): what metrics.jsonl says so far.
  s.status = "unfinished";
  if (std::filesystem::exists(run_dir / kMetricsFile, ec)) {
    const auto curves = read_run_curves(run_dir);
    s.steps = static_cast<std::int64_t>(curves.step.size());
    for (std::size_t i = 0; i < curves.eval_loss.size(); ++i) {
      if (std::isfinite(curves.eval_loss[i]) && !(curves.eval_loss[i] >= s.best_val_loss)) {
        s.best_val_loss = curves.eval_loss[i];
        s.best_step = whole_or(curves.eval_step[i], -1);
      }
    }
  }
  return s;
}

}  // namespace tb::run
