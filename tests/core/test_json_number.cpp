// json_integer: whole numbers from JSON accepted only when they fit, floats included; what the
// fuzzer found (a token id of 9.7e103) is refused instead of being cast with undefined behaviour.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "core/io/json_number.h"

namespace {

using nlohmann::json;

TEST(JsonInteger, WholeNumbersThatFit) {
  EXPECT_EQ(tb::json_integer<std::int64_t>(json(42)), 42);
  EXPECT_EQ(tb::json_integer<std::int64_t>(json(-7)), -7);
  EXPECT_EQ(tb::json_integer<std::int64_t>(json(4.0)), 4);
  EXPECT_EQ(tb::json_integer<std::uint64_t>(json(std::numeric_limits<std::uint64_t>::max())),
            std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(tb::json_integer<std::int32_t>(json(std::int64_t{-2147483648})), std::numeric_limits<std::int32_t>::min());
  EXPECT_EQ(tb::json_integer<std::int64_t>(json(-9223372036854775808.0)), std::numeric_limits<std::int64_t>::min());
}

TEST(JsonInteger, EverythingElseIsRefused) {
  EXPECT_FALSE(tb::json_integer<std::int64_t>(json(9.67778e103)));  // the fuzzer's input
  EXPECT_FALSE(tb::json_integer<std::int64_t>(json(9223372036854775808.0)));  // 2^63
  EXPECT_FALSE(tb::json_integer<std::int64_t>(json(std::numeric_limits<std::uint64_t>::max())));
  EXPECT_FALSE(tb::json_integer<std::int32_t>(json(std::int64_t{1} << 40)));
  EXPECT_FALSE(tb::json_integer<std::uint32_t>(json(-1)));
  EXPECT_FALSE(tb::json_integer<std::uint64_t>(json(-1.0)));
  EXPECT_FALSE(tb::json_integer<std::int64_t>(json(2.5)));
  EXPECT_FALSE(tb::json_integer<std::int64_t>(json(std::numeric_limits<double>::infinity())));
  EXPECT_FALSE(tb::json_integer<std::int64_t>(json(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_FALSE(tb::json_integer<std::int64_t>(json("3")));
  EXPECT_FALSE(tb::json_integer<std::int64_t>(json(true)));
  EXPECT_FALSE(tb::json_integer<std::int64_t>(json(nullptr)));
}

}  // namespace
