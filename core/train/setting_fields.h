// The training settings' one table: for every TrainConfig field its key (its path in a project's
// "training" object and in `tunebench-cli --set key=value`), the label and help the Setup step
// shows, the range it must lie in and its default. The JSON form, TrainConfig::validate(), the
// Setup form's widgets and checks, and the CLI's flags all read this table, so a setting is
// described once.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/train/train_config.h"

namespace tb::train {

enum class SettingKind {
  Integer,  // a whole number (the seed too)
  Real,     // a number
  Flag,     // on or off
  Choice,   // one of `choices`
  Text,     // free text (the device: auto, cpu, cuda, cuda:1)
  List,     // names (LoRA's target modules), written "a,b,c" on the command line
};

struct SettingChoice {
  const char* value;  // as stored and typed: "cosine"
  const char* label;  // as shown: "Cosine decay"
};

// Where a field lives inside a TrainConfig. Enumerations and the stop/continue switch are read
// and written as their words (ChoiceAccess); everything else by reference.
struct ChoiceAccess {
  std::string (*get)(const TrainConfig&);
  void (*set)(TrainConfig&, const std::string&);  // throws tb::Error for an unknown word
};
using SettingAccess =
    std::variant<std::int64_t& (*)(TrainConfig&), int& (*)(TrainConfig&), std::uint64_t& (*)(TrainConfig&),
                 double& (*)(TrainConfig&), bool& (*)(TrainConfig&), std::string& (*)(TrainConfig&),
                 std::vector<std::string>& (*)(TrainConfig&), ChoiceAccess>;

inline constexpr double kNoLimit = std::numeric_limits<double>::infinity();

struct SettingField {
  const char* key;    // "learning_rate", "lora.rank", "detectors.patience_evals"
  const char* label;  // "Learning rate"
  const char* help;   // what it does, in plain words (tooltips, `tunebench-cli settings`)
  SettingKind kind;
  SettingAccess access;
  // Numbers: the allowed range; an open end excludes the bound itself. kNoLimit: no upper bound.
  double min = 0, max = kNoLimit;
  bool min_open = false, max_open = false;
  std::vector<SettingChoice> choices = {};  // Choice only
  // When set, the field counts only for configs it returns true for (LoRA's fields for LoRA).
  bool (*applies)(const TrainConfig&) = nullptr;
  // Text fields: the values in words ("auto, cpu, cuda or cuda:N"); `choices` lists the usual ones.
  const char* range_words = nullptr;
};

// Every field, in the order the Setup step and `tunebench-cli settings` list them.
const std::vector<SettingField>& setting_fields();
// The field of `key`; throws tb::Error (field = key) listing the known keys for an unknown one.
const SettingField& setting_field(std::string_view key);

// The field's value in `config` as JSON (its project-file form), and as text ("2e-4", "true",
// "q_proj,v_proj").
nlohmann::json setting_value(const SettingField& field, const TrainConfig& config);
std::string setting_text(const SettingField& field, const TrainConfig& config);
// A number field's value as a double (the Setup form's spin boxes); 0 for other kinds.
double setting_number(const SettingField& field, const TrainConfig& config);

// Stores a JSON value into `config`. Throws tb::Error (field = key) for a wrong type, a fraction
// where a whole number belongs or an unknown word; the range is validate()'s to check.
void set_setting(TrainConfig& config, const SettingField& field, const nlohmann::json& value);
// Stores typed text ("--set lora.rank=16", a form's line edit): parsed by the field's kind;
// errors as set_setting's, saying what to write instead.
void set_setting_text(TrainConfig& config, const SettingField& field, std::string_view text);
// "key=value" from the command line; throws tb::Error naming the key (or the text, without "=").
void set_setting_assignment(TrainConfig& config, std::string_view assignment);

// Why the field's value in `config` is out of its range ("must be between 1 and 4096"), or empty.
std::string setting_problem(const SettingField& field, const TrainConfig& config);
// The range in words: "1 to 4096", "above 0 and below 1", "0 or more", "fp32 or bf16".
std::string setting_range_text(const SettingField& field);
// Whether two configs hold the same value in every field.
bool same_settings(const TrainConfig& a, const TrainConfig& b);

}  // namespace tb::train
