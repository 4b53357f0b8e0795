// The names inside a run folder, written and read by core alone (train_run, run_report and the
// readers of core/run/), and reading one of its files whole with an error that names it.
// See DESIGN.md §5: run.json, metrics.jsonl, events.jsonl, checkpoints/, best, report.json.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace tb::run {

inline constexpr const char* kRunFile = "run.json";
inline constexpr const char* kRunFormat = "tunebench-run";
inline constexpr const char* kMetricsFile = "metrics.jsonl";
inline constexpr const char* kEventsFile = "events.jsonl";
inline constexpr const char* kCheckpointsFolder = "checkpoints";
inline constexpr const char* kBestFile = "best";
inline constexpr const char* kReportFile = "report.json";
inline constexpr const char* kReportFormat = "tunebench-report";

// A file of a run folder, whole. Throws tb::IoError naming it when it is missing ("is missing")
// or cannot be read.
std::string read_run_file(const std::filesystem::path& file);
// A run file's text as JSON. Throws tb::FormatError naming `source` for text that is cut short,
// damaged or holds a number no double can (any of the JSON parser's errors).
nlohmann::json parse_run_json(const std::string& text, const std::string& source);

}  // namespace tb::run
