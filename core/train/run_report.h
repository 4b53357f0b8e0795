// The report of a training run: report.json (every figure, machine-readable), report.md (base
// vs tuned on the test split, the forgetting probe and matrix, warnings, side-by-side answers,
// the curves) and the curves as PNG files beside them. Written atomically into the run folder.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "core/train/train_run.h"

namespace tb::train {

// `metrics`: the run's metrics.jsonl lines (steps and evaluations).
void write_run_report(const RunSpec& spec, const RunResult& result, const std::vector<nlohmann::json>& metrics);

// The JSON of report.json (also used by `tunebench-cli train --json`).
nlohmann::json run_report_json(const RunSpec& spec, const RunResult& result);

}  // namespace tb::train
