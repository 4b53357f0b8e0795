// The import-and-audit job the GUI runs on the engine's worker: read and map a file, split it,
// audit it, with progress and cancellation; the result is one immutable snapshot handed to the
// caller whole: the worker never touches it again, so the receiver may take its contents.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/data/audit.h"
#include "core/data/dataset.h"
#include "core/data/split.h"

namespace tb::data {

struct DataJobSettings {
  std::filesystem::path path;
  ReadOptions read;
  MappingChoice mapping;  // nothing chosen = detected
  SplitOptions split;
  AuditOptions audit;
  // A fixed test set: read and mapped like `path`, every example in Test (then `split.test`
  // is usually 0). Empty = none.
  std::filesystem::path test_path;
  // Lengths in this model's tokens, rendered by its chat format. Empty = in words.
  std::filesystem::path tokenizer_model;
};

struct DataSnapshot {
  DataJobSettings settings;
  LoadedDataset dataset;  // the fixed test file's examples last, its rejects in its own report
  std::optional<ReadReport> test_report;
  std::vector<Split> splits;  // one per example
  AuditReport audit;
  bool cancelled = false;     // the import stopped early: what was read is here
};

// progress(fraction, what) is called now and then; `cancel` is checked between rows. Throws
// tb::Error for what the user must fix (an empty file, a template naming a missing column).
std::shared_ptr<DataSnapshot> run_data_job(const DataJobSettings& settings,
                                                 const std::function<void(double, const std::string&)>& progress,
                                                 const std::atomic<bool>& cancel);

}  // namespace tb::data
