// A run folder in brief: run.json's settings (per stage; the last stage decides what an export
// gets) and its status — the report's when there is one, else "unfinished" with what
// metrics.jsonl says so far. For the Runs, Evaluate and Export pages and the run choosers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/run/run_fields.h"
#include "core/run/run_report_file.h"

namespace tb::run {

struct RunSummary {
  std::filesystem::path path;  // the run folder, absolute
  std::string name;            // the folder's name
  std::string status;          // the report's, or "unfinished" when there is no report yet
  std::string started;         // ISO 8601 (UTC "…Z" unless run.json says otherwise); "" = unknown
  std::string model;
  std::string method;          // "lora", "full", "freeze"; a sequential run's stages joined by " → "
  std::string last_method;     // the last stage's method (what an export gets)
  std::string precision;
  double learning_rate = not_measured();
  std::int64_t epochs = 0, max_steps = 0, micro_batch = 0, grad_accum = 0, lora_rank = 0;
  std::int64_t stage_count = 0, test_examples = 0;
  // From the report (or metrics.jsonl when there is none yet).
  std::int64_t steps = 0, total_steps = 0, best_step = -1;
  double best_val_loss = not_measured();
  bool has_report = false;
  RunReport report;  // report.json's figures when has_report

  bool is_lora() const { return last_method == "lora"; }
};

// Reads run.json and, when present, report.json (else metrics.jsonl). Throws tb::Error naming
// the file when the folder holds no run or a file is damaged (a half-written report.json too).
RunSummary read_run_summary(const std::filesystem::path& run_dir);

}  // namespace tb::run
