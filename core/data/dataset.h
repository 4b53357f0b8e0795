// A dataset file turned into examples: read (dataset_reader.h), its shape detected or given,
// each record mapped (dataset_format.h). Rows that fail either step are in one report, with
// file, line and reason. Not for splitting or auditing (split.h, audit.h).
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "core/data/dataset_format.h"
#include "core/data/dataset_reader.h"

namespace tb::data {

struct LoadedDataset {
  std::vector<Example> examples;
  ReadReport report;      // rows_kept counts the examples; mapping rejects are in `rejected`
  ColumnMapping mapping;  // the one used
  std::vector<Record> sample;  // the first records as read (for template previews)
  std::string mapping_error;   // see MappingChoice::keep_going_on_mapping_error
};

// What the user chose over detection: a shape, a template, or a whole mapping (which wins).
struct MappingChoice {
  std::optional<DatasetFormat> shape;
  std::optional<PromptTemplate> prompt_template;
  // The columns for the split and the audit ("" = none); unset = detected by name.
  std::optional<std::string> label_column, task_column, group_column;
  std::optional<ColumnMapping> mapping;
  // A mapping that does not fit the columns: false = throw; true = return the records' sample
  // and columns with no examples and the sentence in LoadedDataset::mapping_error (so that a
  // template can be written for them).
  bool keep_going_on_mapping_error = false;
};

// The mapping is detected from the file, then `choice` applied. Throws what read_dataset and
// check_mapping throw.
LoadedDataset load_dataset(const std::filesystem::path& path, const ReadOptions& options = {},
                           const MappingChoice& choice = {}, const std::function<bool(double)>& progress = {});

}  // namespace tb::data
