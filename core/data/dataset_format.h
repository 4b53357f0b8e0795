// Which shape a dataset's records have, and how its columns map to an Example: prompt /
// completion pairs, Alpaca (instruction / input / output), OpenAI messages, ShareGPT
// conversations, raw text, or any columns through a prompt template. Detected from the column
// names and the first records, and editable by the user. Not for reading files (dataset_reader.h).
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/data/example.h"
#include "core/data/prompt_template.h"
#include "core/data/record.h"

namespace tb::data {

enum class DatasetFormat { PromptCompletion, Alpaca, Messages, ShareGpt, Text, Columns };
const char* to_string(DatasetFormat format);
DatasetFormat dataset_format_from_string(const std::string& name);  // throws tb::Error listing them

struct ColumnMapping {
  DatasetFormat format = DatasetFormat::Columns;
  std::string prompt, completion;       // PromptCompletion; Alpaca: instruction, output
  std::string input;                    // Alpaca's optional input (or context)
  std::string system;                   // optional system prompt column
  std::string conversation;             // Messages / ShareGpt
  std::string text;                     // Text
  std::string task, label, group;       // optional, for splits and audits
  std::optional<PromptTemplate> prompt_template;  // Columns (and overrides for the others)
};

// A guess from the column names and up to the first 100 records.
ColumnMapping detect_mapping(const std::vector<std::string>& columns, const std::vector<Record>& records);

// Throws tb::Error listing the available columns when the mapping names a missing one (or a
// Columns mapping has no template).
void check_mapping(const ColumnMapping& mapping, const std::vector<std::string>& columns);

// One record as an example, or why it cannot be one (kind "wrong_type", "missing_field",
// "empty_completion", "bad_conversation"). Multi-turn conversations keep every turn; the
// assistant turns are the trained ones.
std::variant<Example, RowIssue> map_record(const Record& record, const ColumnMapping& mapping,
                                           const std::string& source_file);

}  // namespace tb::data
