// Bytes and durations for people (units.h).
#include "core/common/units.h"

#include <cmath>
#include <cstdio>

namespace tb {
namespace {

// "7.3 MB" / "540 MB": one decimal only below 10 and when it is not .0.
std::string with_unit(double v, const char* unit) {
  char buf[64];
  const bool decimal = v < 9.95 && std::fabs(v - std::round(v)) >= 0.05;
  std::snprintf(buf, sizeof buf, decimal ? "%.1f %s" : "%.0f %s", v, unit);
  return buf;
}

}  // namespace

std::string format_bytes(std::uint64_t bytes) {
  static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  if (bytes < 1000) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes);
  int unit = 0;
  // The unit that keeps the rounded value below 1000 ("999.7 MB" reads "1 GB").
  while (unit < 6 && v >= 999.5) {
    v /= 1000;
    ++unit;
  }
  return with_unit(v, kUnits[unit]);
}

std::string format_duration(double s) {
  if (!(s > 0)) return "0 s";
  if (s < 1) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2g s", s);
    return buf;
  }
  if (s < 60) return with_unit(s, "s");
  if (s < 3600) return with_unit(s / 60, "min");
  if (s < 86400) return with_unit(s / 3600, "h");
  return with_unit(s / 86400, "days");
}

std::string format_elapsed(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "—";
  const auto s = static_cast<long long>(std::llround(seconds));
  char buf[48];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%lld s", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%lld min %02lld s", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld h %02lld min", s / 3600, (s % 3600) / 60);
  }
  return buf;
}

}  // namespace tb
