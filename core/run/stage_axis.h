// The one x axis of a run's curves: a later stage continues after the earlier ones. A stage seen
// for the first time starts where the furthest training step so far ended (the first at 0);
// each point's x is its stage's start plus its step. Used by report.json's PNG curves, the
// saved runs' charts and the Train page's live chart alike.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace tb::run {

struct StageStart {
  double x = 0;
  std::string stage;
};

class StageAxis {
 public:
  // x of a point (an evaluation, a checkpoint) of `stage` at `step`.
  double place(const std::string& stage, double step);
  // x of a training step; a stage that begins later starts after it.
  double place_training_step(const std::string& stage, double step);
  // Where `stage` starts; 0 when it has not been seen.
  double offset(const std::string& stage) const;
  // The named stages in the order they began ("" — a one-stage run — is not listed).
  const std::vector<StageStart>& starts() const { return starts_; }
  void clear();

 private:
  std::map<std::string, double> offsets_;
  std::vector<StageStart> starts_;
  double next_start_ = 0;
};

}  // namespace tb::run
