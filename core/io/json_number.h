// Whole numbers read from JSON without undefined behaviour: nlohmann's get<int>() on a float
// such as 1e300 is a float-to-integer cast out of range (found by fuzz_tokenizer_json). These
// accept an integer, or a float holding a whole number, when it fits the target type.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace tb {

template <typename T>
std::optional<T> json_integer(const nlohmann::json& v) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  using Limits = std::numeric_limits<T>;
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(Limits::max())) return std::nullopt;
    return static_cast<T>(u);
  }
  if (v.is_number_integer()) {
    const auto i = v.get<std::int64_t>();
    if (i < 0 && !Limits::is_signed) return std::nullopt;
    if (Limits::is_signed && i < static_cast<std::int64_t>(Limits::min())) return std::nullopt;
    if (i > 0 && static_cast<std::uint64_t>(i) > static_cast<std::uint64_t>(Limits::max())) return std::nullopt;
    return static_cast<T>(i);
  }
  if (v.is_number_float()) {
    // 2^digits is exact as a double; every whole double in [-2^digits, 2^digits) converts safely.
    const double d = v.get<double>();
    const double bound = std::ldexp(1.0, Limits::digits);
    if (!std::isfinite(d) || d != std::floor(d) || d >= bound || d < (Limits::is_signed ? -bound : 0.0)) {
      return std::nullopt;
    }
    return static_cast<T>(d);
  }
  return std::nullopt;
}

// Reading a setting of type T from JSON: `out` takes the value, or the reason it cannot. Integral
// settings go through json_integer (a float or out-of-range number is NotWhole); everything else
// through nlohmann's get<T>() (a mismatch is WrongType). Callers name the file and key.
enum class JsonRead { Ok, NotWhole, WrongType };

template <typename T>
JsonRead json_read(const nlohmann::json& v, T& out) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if (const auto whole = json_integer<T>(v)) {
      out = *whole;
      return JsonRead::Ok;
    }
    if (v.is_number()) return JsonRead::NotWhole;
  }
  try {
    out = v.template get<T>();
    return JsonRead::Ok;
  } catch (const nlohmann::json::exception&) {
    return JsonRead::WrongType;
  }
}

}  // namespace tb
