// The stage-offset rule of a run's curves (see stage_axis.h).
#include "core/run/stage_axis.h"

#include <algorithm>
#include <cmath>

namespace tb::run {

double StageAxis::place(const std::string& stage, double step) {
  auto it = offsets_.find(stage);
  if (it == offsets_.end()) {
    it = offsets_.emplace(stage, next_start_).first;
    if (!stage.empty()) starts_.push_back({next_start_, stage});
  }
  return it->second + step;
}

double StageAxis::place_training_step(const std::string& stage, double step) {
  const double x = place(stage, step);
  if (std::isfinite(x)) next_start_ = std::max(next_start_, x);
  return x;
}

double StageAxis::offset(const std::string& stage) const {
  const auto it = offsets_.find(stage);
  return it != offsets_.end() ? it->second : 0.0;
}

void StageAxis::clear() {
  offsets_.clear();
  starts_.clear();
  next_start_ = 0;
}

}  // namespace tb::run
