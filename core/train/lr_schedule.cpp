// Learning-rate schedules (lr_schedule.h), after transformers' get_*_schedule_with_warmup.
#include "core/train/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "core/common/error.h"

namespace tb::train {

const char* to_string(ScheduleKind kind) {
  switch (kind) {
    case ScheduleKind::Constant: return "constant";
    case ScheduleKind::Linear: return "linear";
    case ScheduleKind::Cosine: return "cosine";
  }
  return "?";
}

ScheduleKind parse_schedule_kind(std::string_view text) {
  if (text == "constant") return ScheduleKind::Constant;
  if (text == "linear") return ScheduleKind::Linear;
  if (text == "cosine") return ScheduleKind::Cosine;
  throw Error("unknown schedule '" + std::string(text) + "'; use constant, linear or cosine", {{}, 0, "schedule"});
}

double learning_rate_at(const ScheduleConfig& s, double peak_lr, std::int64_t step, std::int64_t total_steps) {
  // 1. Warmup: step 0 already gets 1/warmup of the peak (transformers' rule gives 0 at step 0,
  //    which wastes the first step).
  if (s.warmup_steps > 0 && step < s.warmup_steps) {
    return peak_lr * static_cast<double>(step + 1) / static_cast<double>(s.warmup_steps);
  }
  if (s.kind == ScheduleKind::Constant) return peak_lr;
  // 2. Decay over the steps after warmup: progress 0 at the first; it would reach 1 one step
  //    after the last, so the last step still learns (transformers' convention).
  const std::int64_t decay_steps = std::max<std::int64_t>(1, total_steps - s.warmup_steps);
  const double progress = std::clamp(static_cast<double>(step - s.warmup_steps) / static_cast<double>(decay_steps), 0.0, 1.0);
  const double floor = std::clamp(s.min_lr_ratio, 0.0, 1.0);
  const double shape = s.kind == ScheduleKind::Linear ? 1.0 - progress
                                                      : 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
  return peak_lr * (floor + (1.0 - floor) * shape);
}

}  // namespace tb::train
