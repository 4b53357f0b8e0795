// The import-and-audit result as people and programs read it: a plain-text summary and the JSON
// report of `tunebench-cli audit` (the GUI's Data step shows the same facts its own way).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/data/data_job.h"

namespace tb::data {

// rows read, kept and rejected (the first 20 with file:line), the fixed test set, splits,
// duplicates, leakage, completions, lengths, PII and labels, one fact a line.
std::string data_report_text(const DataSnapshot& s);

// {file, format, shape, rows_read, rows_kept, rejected_by_kind, warnings, rejected, examples,
// splits, duplicates, near_duplicates, leakage, empty_completions, short_completions,
// length_histogram, labels, pii}.
nlohmann::ordered_json data_report_json(const DataSnapshot& s);

}  // namespace tb::data
