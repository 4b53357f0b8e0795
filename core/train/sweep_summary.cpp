// Reading sweep.json (sweep_summary.h).
#include "core/train/sweep_summary.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/json_number.h"

namespace tb::train {
namespace {

// `row[key]` into `out`; absent keeps the default, a wrong type names the row and key.
template <typename T>
void read(const nlohmann::json& row, const char* key, T& out, const std::string& source, std::size_t index) {
  const auto it = row.find(key);
  if (it == row.end() || it->is_null()) return;
  if (json_read(*it, out) != JsonRead::Ok) {
    throw Error("wrong value for this field", {source, 0, "leaderboard[" + std::to_string(index) + "]." + key});
  }
}

}  // namespace

SweepSummary sweep_summary_from_json(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) throw Error("a sweep's result must be a JSON object", {source, 0, ""});
  SweepSummary s;
  // 1. The leaderboard, row by row.
  const auto board = j.find("leaderboard");
  if (board == j.end() || !board->is_array()) throw Error("missing or not a list", {source, 0, "leaderboard"});
  for (std::size_t i = 0; i < board->size(); ++i) {
    const nlohmann::json& t = (*board)[i];
    if (!t.is_object()) throw Error("must be a JSON object", {source, 0, "leaderboard[" + std::to_string(i) + "]"});
    SweepRow r;
    read(t, "trial", r.trial, source, i);
    read(t, "learning_rate", r.learning_rate, source, i);
    read(t, "epochs", r.epochs, source, i);
    read(t, "rank", r.rank, source, i);
    read(t, "micro_batch", r.micro_batch, source, i);
    r.best_val_loss = std::nan("");  // null: no evaluation
    read(t, "best_val_loss", r.best_val_loss, source, i);
    read(t, "best_step", r.best_step, source, i);
    read(t, "status", r.status, source, i);
    read(t, "error", r.error, source, i);
    s.leaderboard.push_back(std::move(r));
  }
  // 2. Whether it was stopped, and the winner ("best"; "best_config" in older files).
  if (const auto c = j.find("cancelled"); c != j.end() && c->is_boolean()) s.cancelled = c->get<bool>();
  const char* key = j.contains("best") ? "best" : "best_config";
  if (const auto b = j.find(key); b != j.end() && !b->is_null()) s.best = train_config_from_json(*b, source);
  return s;
}

}  // namespace tb::train
