// The axes of a line chart: which values can be plotted, and tick positions with their labels —
// linear axes at 1-2-5 steps, log axes at powers of ten (or 1-2-5 / 1..9 times them), ends
// snapped out to ticks. Pure arithmetic and formatting; the layout is line_chart.cpp's.
#pragma once

#include <cmath>
#include <string>
#include <vector>

namespace tb::report {

inline constexpr double kMaxMagnitude = 1e300;  // beyond this, spans overflow: treated like Inf

// Finite, not huge, and positive on a log axis.
inline bool plottable(double v, bool log) {
  return std::isfinite(v) && std::abs(v) <= kMaxMagnitude && (!log || v > 0);
}

struct Axis {
  double lo = 0;
  double hi = 1;
  bool log = false;
  std::vector<double> ticks;
  std::vector<std::string> labels;

  // 0 at lo, 1 at hi.
  double unit(double v) const {
    if (log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return (v - lo) / (hi - lo);
  }
};

// About target_ticks ticks at multiples of a 1-2-5 step; the ends snap out to ticks.
Axis linear_axis(double lo, double hi, int target_ticks);

// Log axis (lo, hi > 0): ticks at powers of ten, or 1-2-5 / 1..9 times them when the range is
// short, snapped out to ticks; under about a third of a decade, linear ticks on the log scale.
Axis log_axis(double lo, double hi);

// The width in pixels of the axis's widest tick label at `scale`.
int widest_label(const Axis& axis, int scale);

}  // namespace tb::report
