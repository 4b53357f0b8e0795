// The training settings' table (setting_fields.h): every TrainConfig field is in it once, the
// JSON form it drives is the one checkpoints were hashed with before it existed, each range is
// enforced by validate() under the field's key, and `--set key=value` text parses by kind.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "core/common/error.h"
#include "core/train/setting_fields.h"

namespace {

using namespace tb::train;

// The config a field counts for (LoRA's fields need method lora, freeze's method freeze).
TrainConfig config_for(const SettingField& f) {
  TrainConfig c;
  if (f.applies != nullptr && !f.applies(c)) c.method = TrainMethod::Freeze;
  EXPECT_TRUE(f.applies == nullptr || f.applies(c)) << f.key;
  return c;
}

// "lora.rank" → "/lora/rank".
std::string pointer(const char* key) {
  std::string out = "/" + std::string(key);
  std::replace(out.begin(), out.end(), '.', '/');
  return out;
}

std::string field_of_error(const TrainConfig& c) {
  try {
    c.validate();
  } catch (const tb::Error& e) {
    return e.where().field;
  }
  return {};
}

TEST(SettingFields, TheJsonFormIsTheOneCheckpointsWereHashedWith) {
  // Hashes of TrainConfig's JSON written by hand before the table (git 5eb8ec7): a checkpoint
  // written then must still resume.
  TrainConfig c;
  EXPECT_EQ(config_hash(c), "590d4546a76dc3905a47ad46f5f026bfd564174a9908ed386539a29d7b213932");
  c.method = TrainMethod::Freeze;
  c.learning_rate = 3e-5;
  c.lora.target_modules = {"q_proj"};
  c.seed = 7;
  c.detectors.patience_evals = 2;
  c.stop_on_checkpoint_error = false;
  EXPECT_EQ(config_hash(c), "2313164024fe90f7ecb1040a07e549ddb68edc8992647410261638b003a066f9");
}

TEST(SettingFields, EveryKeyIsOnePlaceInTheJsonAndRoundTrips) {
  const nlohmann::json j = TrainConfig{};
  std::set<std::string> keys;
  std::size_t leaves = 0;
  for (const auto& [key, value] : j.items()) leaves += value.is_object() ? value.size() : 1;
  for (const auto& f : setting_fields()) {
    EXPECT_TRUE(keys.insert(f.key).second) << "twice: " << f.key;
    const nlohmann::json::json_pointer at(pointer(f.key));
    ASSERT_TRUE(j.contains(at)) << f.key;
    EXPECT_EQ(j.at(at), setting_value(f, TrainConfig{})) << f.key;
    // Text out, text in: the same value.
    TrainConfig c = config_for(f);
    const std::string text = setting_text(f, c);
    TrainConfig back = c;
    set_setting_text(back, f, text);
    EXPECT_EQ(setting_value(f, back), setting_value(f, c)) << f.key << " = " << text;
    EXPECT_FALSE(std::string(f.label).empty()) << f.key;
    EXPECT_GT(std::string(f.help).size(), 20u) << f.key;
  }
  EXPECT_EQ(keys.size(), leaves) << "a TrainConfig JSON key without a field, or the reverse";
  EXPECT_EQ(nlohmann::json(train_config_from_json(j, "x.json")), j);
}

TEST(SettingFields, EveryRangeIsEnforcedUnderItsKey) {
  int numbers = 0;
  for (const auto& f : setting_fields()) {
    if (f.kind != SettingKind::Integer && f.kind != SettingKind::Real) continue;
    ++numbers;
    TrainConfig c = config_for(f);
    EXPECT_EQ(field_of_error(c), "") << "the defaults are valid: " << f.key;
    // Just below the lower bound (at it, when the bound is open).
    const double below = f.min_open ? f.min : f.min - 1;
    if (below >= 0 || f.kind == SettingKind::Real) {
      set_setting(c, f, f.kind == SettingKind::Integer ? nlohmann::json(static_cast<std::int64_t>(below)) : nlohmann::json(below));
      EXPECT_EQ(field_of_error(c), f.key) << f.key << " = " << below;
      EXPECT_NE(setting_problem(f, c).find(setting_range_text(f)), std::string::npos) << f.key;
    }
    if (f.max != kNoLimit) {
      TrainConfig high = config_for(f);
      const double above = f.max_open ? f.max : f.max + 1;
      set_setting(high, f, f.kind == SettingKind::Integer ? nlohmann::json(static_cast<std::int64_t>(above)) : nlohmann::json(above));
      EXPECT_EQ(field_of_error(high), f.key) << f.key << " = " << above;
    }
  }
  EXPECT_GE(numbers, 30);
  // A field that does not count for the method is not checked: LoRA's rank under full training.
  TrainConfig full;
  full.method = TrainMethod::Full;
  full.lora.rank = 0;
  EXPECT_EQ(field_of_error(full), "");
  // What no single field says: no epoch and no step count.
  TrainConfig none;
  none.epochs = 0;
  EXPECT_EQ(field_of_error(none), "epochs");
  none.max_steps = 5;
  EXPECT_EQ(field_of_error(none), "");
  TrainConfig no_targets;
  no_targets.lora.target_modules.clear();
  EXPECT_EQ(field_of_error(no_targets), "lora.target_modules");
}

TEST(SettingFields, CommandLineAssignments) {
  TrainConfig c;
  set_setting_assignment(c, "lora.rank=16");
  set_setting_assignment(c, "learning_rate=3e-5");
  set_setting_assignment(c, "packing=on");
  set_setting_assignment(c, "lora.target_modules=q_proj, v_proj,");
  set_setting_assignment(c, "method=freeze");
  set_setting_assignment(c, "on_checkpoint_error=continue");
  set_setting_assignment(c, "detectors.patience_evals=0");
  set_setting_assignment(c, "seed=18446744073709551615");
  EXPECT_EQ(c.lora.rank, 16);
  EXPECT_DOUBLE_EQ(c.learning_rate, 3e-5);
  EXPECT_TRUE(c.packing);
  EXPECT_EQ(c.lora.target_modules, (std::vector<std::string>{"q_proj", "v_proj"}));
  EXPECT_EQ(c.method, TrainMethod::Freeze);
  EXPECT_FALSE(c.stop_on_checkpoint_error);
  EXPECT_EQ(c.detectors.patience_evals, 0);
  EXPECT_EQ(c.seed, 18446744073709551615ull);

  auto error = [](const std::string& text) {
    TrainConfig d;
    try {
      set_setting_assignment(d, text);
    } catch (const tb::Error& e) {
      return e.where().field + ": " + e.message();
    }
    return std::string("no error");
  };
  EXPECT_NE(error("lora.rnak=3").find("lora.rnak: unknown setting; known: method,"), std::string::npos);
  EXPECT_NE(error("learning_rate=fast").find("learning_rate: \"fast\" is not a number"), std::string::npos);
  EXPECT_NE(error("lora.rank=1.5").find("lora.rank: \"1.5\" is not a whole number"), std::string::npos);
  EXPECT_NE(error("packing=maybe").find("packing: \"maybe\" is not on or off"), std::string::npos);
  EXPECT_NE(error("method=qlora").find("method:"), std::string::npos);
  EXPECT_NE(error("learning_rate=nan").find("not a number"), std::string::npos);
  EXPECT_NE(error("detectors.spike_window=99999999999").find("whole number in range"), std::string::npos);
  EXPECT_NE(error("no-equals-sign").find("key=value"), std::string::npos);
}

TEST(SettingFields, RangesInWordsAndEquality) {
  EXPECT_EQ(setting_range_text(setting_field("lora.rank")), "1 to 4096");
  EXPECT_EQ(setting_range_text(setting_field("learning_rate")), "above 0 and below 1");
  EXPECT_EQ(setting_range_text(setting_field("lora.dropout")), "from 0 and below 1");
  EXPECT_EQ(setting_range_text(setting_field("weight_decay")), "0 or more");
  EXPECT_EQ(setting_range_text(setting_field("detectors.spike_factor")), "above 1");
  EXPECT_EQ(setting_range_text(setting_field("precision")), "fp32 or bf16");
  EXPECT_EQ(setting_range_text(setting_field("method")), "lora, freeze or full");
  TrainConfig a, b;
  EXPECT_TRUE(same_settings(a, b));
  b.detectors.min_delta = 0.01;
  EXPECT_FALSE(same_settings(a, b));
  EXPECT_THROW(setting_field("nope"), tb::Error);
}

}  // namespace
