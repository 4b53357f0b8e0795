// Axis ticks and tick labels (see chart_axis.h).
#include "core/report/chart_axis.h"

#include <algorithm>
#include <cstdio>

#include "core/report/bitmap_font.h"

namespace tb::report {
namespace {

// Widens a range too narrow to tick (a flat curve, a single point) around its middle.
void widen_flat_range(double& lo, double& hi) {
  const double scale = std::max(std::abs(lo), std::abs(hi));
  if (hi - lo > scale * 1e-9 && hi > lo) return;
  const double mid = lo / 2 + hi / 2;
  const double half = mid == 0 ? 1.0 : std::abs(mid) * 0.1;
  lo = mid - half;
  hi = mid + half;
}

// The 1, 2 or 5 times a power of ten nearest to raw (on a log scale, roughly).
double nice_step(double raw) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  if (fraction < 1.5) return magnitude;
  if (fraction < 3.0) return 2 * magnitude;
  if (fraction < 7.0) return 5 * magnitude;
  return 10 * magnitude;
}

// "1e6" rather than "1e+06".
std::string tidy_exponent(std::string text) {
  const std::size_t e = text.find('e');
  if (e == std::string::npos) return text;
  std::string mantissa = text.substr(0, e);
  std::string exponent = text.substr(e + 1);
  std::string sign;
  if (!exponent.empty() && (exponent[0] == '+' || exponent[0] == '-')) {
    if (exponent[0] == '-') sign = "-";
    exponent.erase(0, 1);
  }
  const std::size_t digits = exponent.find_first_not_of('0');
  exponent = digits == std::string::npos ? "0" : exponent.substr(digits);
  return mantissa + "e" + sign + exponent;
}

// Labels a tick of a linear axis with as many decimals as the step needs; very large or very
// fine steps switch to scientific notation.
std::string format_linear_tick(double v, double step, double max_abs) {
  if (std::abs(v) < step * 1e-6) return "0";
  const int step_exponent = static_cast<int>(std::floor(std::log10(step) + 1e-9));
  const int max_exponent = static_cast<int>(std::floor(std::log10(max_abs) + 1e-9));
  char buffer[64];
  if (max_exponent >= 6 || step_exponent <= -5) {
    const int digits = std::clamp(max_exponent - step_exponent, 0, 12);
    std::snprintf(buffer, sizeof buffer, "%.*e", digits, v);
    return tidy_exponent(buffer);
  }
  std::snprintf(buffer, sizeof buffer, "%.*f", std::max(0, -step_exponent), v);
  return buffer;
}

// Labels the ticks of a log axis (1..9 times a power of ten): plain decimals when every tick
// reads well that way, else all as "2e-5".
std::vector<std::string> format_log_ticks(const std::vector<double>& ticks) {
  const bool plain = std::all_of(ticks.begin(), ticks.end(),
                                 [](double v) { return v >= 1e-3 * (1 - 1e-9) && v < 1e5; });
  std::vector<std::string> labels;
  char buffer[64];
  for (const double v : ticks) {
    if (plain) {
      std::snprintf(buffer, sizeof buffer, "%g", v);
    } else {
      const int exponent = static_cast<int>(std::floor(std::log10(v) + 1e-9));
      const double mantissa = std::round(v / std::pow(10.0, exponent));
      std::snprintf(buffer, sizeof buffer, "%ge%d", mantissa, exponent);
    }
    labels.emplace_back(buffer);
  }
  return labels;
}

}  // namespace

// About target_ticks ticks at multiples of a 1-2-5 step; the ends snap out to ticks.
Axis linear_axis(double lo, double hi, int target_ticks) {
  Axis axis;
  widen_flat_range(lo, hi);
  const double step = nice_step((hi - lo) / std::max(1, target_ticks));
  if (!(step > 0) || !std::isfinite(step)) return linear_axis(0, 1, target_ticks);
  const double first = std::floor(lo / step + 1e-9);
  const double last = std::ceil(hi / step - 1e-9);
  const int count = static_cast<int>(std::min(100.0, last - first));
  axis.lo = first * step;
  axis.hi = (first + count) * step;
  const double max_abs = std::max(std::abs(axis.lo), std::abs(axis.hi));
  for (int i = 0; i <= count; ++i) {
    const double v = (first + i) * step;
    axis.ticks.push_back(v);
    axis.labels.push_back(format_linear_tick(v, step, max_abs));
  }
  return axis;
}

// Log axis: see chart_axis.h.
Axis log_axis(double lo, double hi) {
  double lo_exponent = std::log10(lo);
  double hi_exponent = std::log10(hi);
  if (hi_exponent - lo_exponent < 1e-9) {
    lo_exponent -= 0.5;
    hi_exponent += 0.5;
    lo = std::pow(10.0, lo_exponent);
    hi = std::pow(10.0, hi_exponent);
  }
  const int e_lo = static_cast<int>(std::floor(lo_exponent + 1e-9));
  const int e_hi = static_cast<int>(std::ceil(hi_exponent - 1e-9));
  Axis axis;
  axis.log = true;

  // 1. Many decades: every k-th power of ten, about 8 ticks.
  if (e_hi - e_lo > 10) {
    const int k = (e_hi - e_lo + 7) / 8;
    const int first = static_cast<int>(std::floor(static_cast<double>(e_lo) / k)) * k;
    const int last = static_cast<int>(std::ceil(static_cast<double>(e_hi) / k)) * k;
    for (int e = first; e <= last; e += k) axis.ticks.push_back(std::pow(10.0, e));
    axis.labels = format_log_ticks(axis.ticks);
    axis.lo = axis.ticks.front();
    axis.hi = axis.ticks.back();
    return axis;
  }

  // 2. The coarsest mantissa set that gives at least 4 ticks once the ends snap out.
  const std::vector<std::vector<int>> mantissa_sets = {{1}, {1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}};
  for (const auto& mantissas : mantissa_sets) {
    std::vector<double> candidates;
    for (int e = e_lo - 1; e <= e_hi + 1; ++e) {
      for (const int m : mantissas) candidates.push_back(m * std::pow(10.0, e));
    }
    std::vector<double> ticks;
    double lower = 0;
    for (const double c : candidates) {
      if (c <= lo * (1 + 1e-9)) lower = c;
    }
    for (const double c : candidates) {
      if (c >= lower && (ticks.empty() || ticks.back() < hi * (1 - 1e-9))) ticks.push_back(c);
    }
    if (lower > 0 && ticks.size() >= 4 && ticks.back() >= hi * (1 - 1e-9)) {
      axis.ticks = ticks;
      axis.labels = format_log_ticks(ticks);
      axis.lo = ticks.front();
      axis.hi = ticks.back();
      return axis;
    }
  }

  // 3. A short range: linear 1-2-5 ticks, kept positive.
  Axis linear = linear_axis(lo, hi, 5);
  axis.lo = linear.lo > 0 ? linear.lo : lo;
  axis.hi = linear.hi;
  for (std::size_t i = 0; i < linear.ticks.size(); ++i) {
    if (linear.ticks[i] >= axis.lo * (1 - 1e-12)) {
      axis.ticks.push_back(linear.ticks[i]);
      axis.labels.push_back(linear.labels[i]);
    }
  }
  return axis;
}

int widest_label(const Axis& axis, int scale) {
  int widest = 0;
  for (const auto& label : axis.labels) widest = std::max(widest, text_width(label, scale));
  return widest;
}

}  // namespace tb::report
