// Saving examples (see dataset_store.h).
#include "core/data/dataset_store.h"

#include <nlohmann/json.hpp>

#include "core/io/atomic_file.h"

namespace tb::data {

void save_examples_jsonl(const std::filesystem::path& path, const std::vector<Example>& examples) {
  using Json = nlohmann::ordered_json;
  std::string out;
  for (const Example& e : examples) {
    Json row = Json::object();
    if (e.is_chat()) {
      Json messages = Json::array();
      for (const auto& m : e.messages) messages.push_back({{"role", m.role}, {"content", m.content}});
      row["messages"] = std::move(messages);
    } else {
      row["text"] = e.text;
    }
    if (!e.task.empty()) row["task"] = e.task;
    if (!e.label.empty()) row["label"] = e.label;
    if (!e.group.empty()) row["group"] = e.group;
    if (!e.tags.empty()) row["tags"] = e.tags;
    out += row.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  }
  write_file_atomic(path, out);
}

}  // namespace tb::data
