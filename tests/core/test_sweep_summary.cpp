// sweep.json read back (sweep_summary.h): rows with their missing figures, the winner under its
// current and its older key, and errors that name the field.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/train/sweep_summary.h"

namespace {

using tb::train::sweep_summary_from_json;

nlohmann::json row(int trial, nlohmann::json loss) {
  return {{"trial", trial}, {"learning_rate", 3e-4}, {"epochs", 1},   {"rank", 8},  {"micro_batch", 4},
          {"best_val_loss", loss}, {"best_step", 20}, {"steps", 20}, {"status", "finished"}, {"error", ""}};
}

std::string field_of(const nlohmann::json& j) {
  try {
    sweep_summary_from_json(j, "sweep.json");
  } catch (const tb::Error& e) {
    return e.where().field;
  }
  return "(no error)";
}

TEST(SweepSummary, RowsBestAndCancelled) {
  nlohmann::json failed = row(2, nullptr);
  failed["status"] = "failed";
  failed["error"] = "out of memory";
  tb::train::TrainConfig best;
  best.learning_rate = 3e-4;
  const nlohmann::json j = {{"format", "tunebench-sweep"}, {"version", 1},   {"cancelled", true},
                            {"leaderboard", {row(1, 1.25), failed}},        {"best", best}};
  const auto s = sweep_summary_from_json(j, "sweep.json");
  ASSERT_EQ(s.leaderboard.size(), 2u);
  EXPECT_DOUBLE_EQ(s.leaderboard[0].best_val_loss, 1.25);
  EXPECT_TRUE(std::isnan(s.leaderboard[1].best_val_loss));
  EXPECT_EQ(s.leaderboard[1].error, "out of memory");
  EXPECT_TRUE(s.cancelled);
  ASSERT_TRUE(s.best.has_value());
  EXPECT_DOUBLE_EQ(s.best->learning_rate, 3e-4);
  // Older files: "best_config"; no winner: null.
  nlohmann::json older = j;
  older.erase("best");
  older["best_config"] = best;
  EXPECT_TRUE(sweep_summary_from_json(older, "sweep.json").best.has_value());
  older["best_config"] = nullptr;
  EXPECT_FALSE(sweep_summary_from_json(older, "sweep.json").best.has_value());
}

TEST(SweepSummary, ErrorsNameTheField) {
  EXPECT_EQ(field_of(nlohmann::json::array()), "");
  EXPECT_EQ(field_of({{"best", nullptr}}), "leaderboard");
  nlohmann::json j = {{"leaderboard", {row(1, 1.0)}}};
  j["leaderboard"][0]["rank"] = "eight";
  EXPECT_EQ(field_of(j), "leaderboard[0].rank");
  j["leaderboard"][0] = 7;
  EXPECT_EQ(field_of(j), "leaderboard[0]");
  j = {{"leaderboard", nlohmann::json::array()}, {"best", {{"learning_rate", 5}}}};
  EXPECT_EQ(field_of(j), "learning_rate");
}

}  // namespace
