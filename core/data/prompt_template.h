// Prompt templates: turn a record's columns into a conversation. `{{column}}` inserts a value;
// `{{#column}}...{{/column}}` keeps its text only when the column is not empty, and
// `{{^column}}...{{/column}}` only when it is. A template has a system prompt, a prompt (the
// user turn) and a completion (the assistant turn). Presets for common jobs. Rendering through
// the model's chat format happens later (ChatFormat); this file only fills in text.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/data/example.h"
#include "core/data/record.h"

namespace tb::data {

struct PromptTemplate {
  std::string name;
  std::string description;  // one plain sentence for the template picker
  std::string system;       // may be empty
  std::string prompt;
  std::string completion;
  std::vector<std::string> columns() const;  // every column the three texts name, in order
  // Those a record must have: a column named only by its own section ({{#c}}...{{c}}...{{/c}})
  // is optional.
  std::vector<std::string> required_columns() const;
};

// Throws tb::FormatError naming the template part ("system", "prompt", "completion") and the
// byte offset for a broken placeholder, and tb::Error listing the available columns when the
// template names a column the data does not have.
void check_template(const PromptTemplate& t, const std::vector<std::string>& available_columns);

// One text with the record's fields filled in. Values: strings as they are, numbers and
// booleans as JSON writes them, null or missing as empty; arrays and objects as compact JSON.
std::string render_template_text(const std::string& text, const nlohmann::ordered_json& fields,
                                 const std::string& part = "prompt");

// The record as an example: system (when the template has one), user, assistant.
Example apply_template(const PromptTemplate& t, const Record& record, const std::string& source_file);

// Summarisation, translation, review -> rating, product description in a brand voice, domain
// Q&A with explanations, classification, entity extraction.
const std::vector<PromptTemplate>& template_presets();
const PromptTemplate* find_template_preset(const std::string& name);
// A preset's name, or a JSON file {"system", "prompt", "completion"} (tb::Error naming the file
// when it cannot be read).
PromptTemplate load_prompt_template(const std::string& name_or_path);

}  // namespace tb::data
