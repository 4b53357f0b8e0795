// Saving curated examples: JSON Lines in the messages shape ({"messages": [...]} or {"text"}
// for raw texts, plus task, label, group and tags when set), written atomically, so that
// reading the file back gives the same examples. Not for reading (dataset.h reads it).
#pragma once

#include <filesystem>
#include <vector>

#include "core/data/example.h"

namespace tb::data {

void save_examples_jsonl(const std::filesystem::path& path, const std::vector<Example>& examples);

}  // namespace tb::data
