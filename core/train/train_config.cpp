// TrainConfig's checks, JSON form and hash (train_config.h), all through the settings table
// (setting_fields.h).
#include "core/train/train_config.h"

#include <algorithm>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/require_field.h"
#include "core/io/sha256.h"
#include "core/train/setting_fields.h"

namespace tb::train {
namespace {

// "lora.rank" → ("lora", "rank"); "epochs" → ("", "epochs").
std::pair<std::string, std::string> split_key(const std::string& key) {
  const auto dot = key.find('.');
  if (dot == std::string::npos) return {"", key};
  return {key.substr(0, dot), key.substr(dot + 1)};
}

// Keys of `j` (at `group`, "" for the top) that no field of the table names: an error that
// lists the known keys of that level.
void reject_unknown(const nlohmann::json& j, const std::string& group, const std::string& source) {
  std::set<std::string> known;
  for (const auto& f : setting_fields()) {
    const auto [g, name] = split_key(f.key);
    if (g == group) known.insert(name);
    if (group.empty() && !g.empty()) known.insert(g);
  }
  for (const auto& [key, value] : j.items()) {
    if (known.count(key) != 0) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    throw Error("unknown setting; known: " + list, {source, 0, group.empty() ? key : group + "." + key});
  }
}

}  // namespace

void TrainConfig::validate() const {
  // 1. Each field within its range (setting_fields.cpp).
  for (const auto& f : setting_fields()) {
    if (const std::string problem = setting_problem(f, *this); !problem.empty()) require_field(false, f.key, problem);
  }
  // 2. What no single field can say.
  require_field(epochs >= 1 || max_steps >= 1, "epochs", "give at least one epoch or a step count");
}

void to_json(nlohmann::json& j, const TrainConfig& c) {
  j = nlohmann::json::object();
  for (const auto& f : setting_fields()) {
    const auto [group, name] = split_key(f.key);
    (group.empty() ? j : j[group])[name] = setting_value(f, c);
  }
}

TrainConfig train_config_from_json(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) throw Error("training settings must be a JSON object", {source, 0, "training"});
  // 1. Every key must be a known setting; groups ("lora", "freeze", "detectors") are objects.
  reject_unknown(j, "", source);
  for (const auto& [key, value] : j.items()) {
    const bool group = std::any_of(setting_fields().begin(), setting_fields().end(),
                                   [&key = key](const SettingField& f) { return split_key(f.key).first == key; });
    if (!group) continue;
    if (!value.is_object()) throw Error("must be a JSON object", {source, 0, key});
    reject_unknown(value, key, source);
  }
  // 2. Present keys replace the defaults, each read by its field's type.
  TrainConfig c;
  for (const auto& f : setting_fields()) {
    const auto [group, name] = split_key(f.key);
    const nlohmann::json* level = &j;
    if (!group.empty()) {
      const auto g = j.find(group);
      if (g == j.end()) continue;
      level = &*g;
    }
    const auto it = level->find(name);
    if (it == level->end()) continue;
    try {
      set_setting(c, f, *it);
    } catch (const Error& e) {
      throw Error(e.message(), {source, 0, f.key});
    }
  }
  // 3. Ranges and what no single field can say.
  try {
    c.validate();
  } catch (const Error& e) {
    throw Error(e.message(), {source, 0, e.where().field});
  }
  return c;
}

std::string config_hash(const TrainConfig& c) {
  nlohmann::json j = c;
  // Cadence settings change what is reported, not the weights: a resume may change them.
  for (const char* key : {"eval_every", "eval_max_examples", "sample_prompts", "sample_max_tokens", "save_every",
                          "keep_last", "on_checkpoint_error", "detectors", "device"}) {
    j.erase(key);
  }
  return sha256_hex(j.dump());
}

}  // namespace tb::train
