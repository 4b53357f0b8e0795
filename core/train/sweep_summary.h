// A sweep's result as the Setup step and `train --best-of` read it: the leaderboard's rows and
// the winner's settings, from sweep.json (written by sweep.cpp). Torch-free, so the finished
// sweep's event can carry it typed to the GUI; the one reader of sweep.json.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/train/train_config.h"

namespace tb::train {

struct SweepRow {
  std::int64_t trial = 0;
  double learning_rate = 0;
  std::int64_t epochs = 0, rank = 0, micro_batch = 0;
  double best_val_loss = 0;  // NaN when the trial reached no evaluation
  std::int64_t best_step = -1;
  std::string status;  // "finished", "early_stopped", ..., or "failed"
  std::string error;   // why it failed, if it did
};

struct SweepSummary {
  std::vector<SweepRow> leaderboard;  // best validation loss first
  bool cancelled = false;
  std::optional<TrainConfig> best;  // the winner's settings; none when no trial reached an evaluation
};

// Reads sweep.json's content; `source` names it in errors. Throws tb::Error naming the field for
// a missing or wrong one. Older files named the winner "best_config"; they read too.
SweepSummary sweep_summary_from_json(const nlohmann::json& json, const std::string& source);

}  // namespace tb::train
