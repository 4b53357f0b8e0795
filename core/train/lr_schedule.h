// Learning-rate schedules: constant, linear decay or cosine decay, each after a linear warmup
// from zero; a floor as a fraction of the peak. A pure function of the step, so a resumed run
// needs only the step to continue the same curve.
#pragma once

#include <cstdint>
#include <string_view>

namespace tb::train {

enum class ScheduleKind { Constant, Linear, Cosine };

struct ScheduleConfig {
  ScheduleKind kind = ScheduleKind::Cosine;
  std::int64_t warmup_steps = 0;
  double min_lr_ratio = 0.0;  // the rate decays to peak * min_lr_ratio at the last step
};

const char* to_string(ScheduleKind kind);
ScheduleKind parse_schedule_kind(std::string_view text);  // throws tb::Error naming the choices

// The rate for optimiser step `step` (0-based) of `total_steps`, peak `peak_lr`.
double learning_rate_at(const ScheduleConfig& schedule, double peak_lr, std::int64_t step, std::int64_t total_steps);

}  // namespace tb::train
