// Reading one field of a run folder's JSON (run.json, report.json, metrics.jsonl) forgivingly:
// a missing, null or mistyped value is "not there" (NaN, a fallback, ""), never an exception.
// The readers of core/run/ share these so every file treats an odd value the same way.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

namespace tb::run {

// Not measured: report figures and curve points use NaN for it.
inline double not_measured() { return std::numeric_limits<double>::quiet_NaN(); }

// j[key], or null when j is not an object or has no such key.
inline const nlohmann::json& field_at(const nlohmann::json& j, const char* key) {
  static const nlohmann::json null_value;
  if (!j.is_object()) return null_value;
  const auto it = j.find(key);
  return it != j.end() ? *it : null_value;
}

// A number as a double; NaN when it is not a number.
inline double number_or_nan(const nlohmann::json& value) {
  return value.is_number() ? value.get<double>() : not_measured();
}

inline double field_number(const nlohmann::json& j, const char* key) { return number_or_nan(field_at(j, key)); }

// x as a whole number; `fallback` when it is NaN or out of range (never undefined).
inline std::int64_t whole_or(double x, std::int64_t fallback) {
  constexpr double kLimit = 9.0e18;
  return std::isfinite(x) && std::abs(x) < kLimit ? static_cast<std::int64_t>(x) : fallback;
}

// A whole number; `fallback` when missing, not a number or out of range (never undefined).
inline std::int64_t field_int(const nlohmann::json& j, const char* key, std::int64_t fallback = 0) {
  const auto& value = field_at(j, key);
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (!value.is_number()) return fallback;
  return whole_or(value.get<double>(), fallback);
}

inline std::string field_text(const nlohmann::json& j, const char* key) {
  const auto& value = field_at(j, key);
  return value.is_string() ? value.get<std::string>() : std::string();
}

}  // namespace tb::run
