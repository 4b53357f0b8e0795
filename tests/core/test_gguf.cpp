// GGUF reader on hand-built files: a valid one reads back; malformed ones (truncated, absurd
// counts and lengths, unknown types, misaligned or overlapping data, overflowing shapes) each
// give a specific tb::FormatError and never a crash (also under the asan preset).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstring>

#include "core/common/error.h"
#include "core/io/gguf.h"
#include "core/io/gguf_types.h"

namespace {

// Builds GGUF images byte by byte.
class Builder {
 public:
  template <class T>
  Builder& put(T v) {
    const auto* p = reinterpret_cast<const std::byte*>(&v);
    bytes.insert(bytes.end(), p, p + sizeof(T));
    return *this;
  }
  Builder& str(const std::string& s) {
    put<std::uint64_t>(s.size());
    const auto* p = reinterpret_cast<const std::byte*>(s.data());
    bytes.insert(bytes.end(), p, p + s.size());
    return *this;
  }
  Builder& header(std::uint32_t version, std::uint64_t tensors, std::uint64_t kvs) {
    bytes.clear();
    const char magic[4] = {'G', 'G', 'U', 'F'};
    for (char c : magic) put(c);
    return put(version).put(tensors).put(kvs);
  }
  Builder& kv_u32(const std::string& key, std::uint32_t v) { return str(key).put<std::uint32_t>(4).put(v); }
  Builder& tensor(const std::string& name, std::vector<std::uint64_t> dims, std::uint32_t type,
                  std::uint64_t offset) {
    str(name).put<std::uint32_t>(static_cast<std::uint32_t>(dims.size()));
    for (auto d : dims) put(d);
    return put(type).put(offset);
  }
  Builder& pad_to(std::size_t alignment) {
    while (bytes.size() % alignment != 0) bytes.push_back(std::byte{0});
    return *this;
  }
  Builder& zeros(std::size_t n) {
    bytes.insert(bytes.end(), n, std::byte{0});
    return *this;
  }
  std::vector<std::byte> bytes;
};

std::string error_of(const std::vector<std::byte>& file) {
  try {
    tb::parse_gguf(file, "fixture.gguf");
  } catch (const tb::FormatError& e) {
    EXPECT_EQ(e.where().path, "fixture.gguf");
    return e.what();
  }
  return "";
}

void expect_error(const std::vector<std::byte>& file, const std::string& part) {
  const std::string message = error_of(file);
  EXPECT_NE(message.find(part), std::string::npos) << "message: " << message;
}

TEST(Gguf, ValidFileReadsBack) {
  Builder b;
  b.header(3, 2, 2).kv_u32("general.alignment", 32);
  b.str("name").put<std::uint32_t>(8).str("tiny");
  b.tensor("a", {4, 2}, 0, 0).tensor("b", {32}, 8, 32);  // F32 [2,4] then Q8_0 one block
  b.pad_to(32).zeros(32).zeros(34);
  const auto h = tb::parse_gguf(b.bytes, "x");
  EXPECT_EQ(h.version, 3u);
  EXPECT_EQ(h.alignment, 32u);
  EXPECT_EQ(h.metadata.at("name").as_string("name"), "tiny");
  ASSERT_EQ(h.tensors.size(), 2u);
  EXPECT_EQ(h.tensors[0].torch_shape(), (std::vector<std::int64_t>{2, 4}));
  EXPECT_EQ(h.tensors[1].size_bytes, 34u);
  EXPECT_EQ(error_of(b.bytes), "");
}

TEST(Gguf, MalformedFilesGiveSpecificErrors) {
  Builder b;
  expect_error({std::byte{'G'}, std::byte{'G'}}, "not a GGUF file");
  expect_error(b.header(4, 0, 0).bytes, "GGUF version 4 is not supported");
  expect_error(b.header(3, 0, 1u << 30).bytes, "metadata count 1073741824 cannot fit");
  expect_error(b.header(3, 1ull << 40, 0).bytes, "tensor count 1099511627776 cannot fit");
  b.header(3, 0, 1).put<std::uint64_t>(1ull << 62).zeros(16);
  expect_error(b.bytes, "is too long");
  b.header(3, 0, 1).put<std::uint64_t>(100).zeros(16);
  expect_error(b.bytes, "runs past the end of the file");
  b.header(3, 0, 1).str("k").put<std::uint32_t>(99);
  expect_error(b.bytes, "unknown metadata value type 99");
  b.header(3, 0, 1).str("k").put<std::uint32_t>(9).put<std::uint32_t>(4).put<std::uint64_t>(1ull << 40);
  expect_error(b.bytes, "cannot fit in the file");
  b.header(3, 0, 1).str("k").put<std::uint32_t>(7).put<std::uint8_t>(2);
  expect_error(b.bytes, "a bool must be 0 or 1");
  b.header(3, 0, 2).kv_u32("k", 1).kv_u32("k", 2);
  expect_error(b.bytes, "appears twice");
  b.header(3, 0, 1).str("k").put<std::uint32_t>(9);
  for (int i = 0; i < 6; ++i) b.put<std::uint32_t>(9).put<std::uint64_t>(1);
  expect_error(b.bytes, "nested too deeply");
  b.header(3, 0, 1).kv_u32("general.alignment", 24);
  expect_error(b.bytes, "power of two");
  b.header(3, 1, 0).tensor("t", {4}, 77, 0);
  expect_error(b.bytes, "unknown ggml tensor type 77");
  b.header(3, 1, 0).tensor("t", {}, 0, 0);
  expect_error(b.bytes, "1 to 4 dimensions");
  b.header(3, 1, 0).tensor("t", {1, 1, 1, 1, 1}, 0, 0);
  expect_error(b.bytes, "1 to 4 dimensions");
  b.header(3, 1, 0).tensor("t", {1ull << 32, 1ull << 32}, 0, 0);
  expect_error(b.bytes, "element count overflows");
  b.header(3, 1, 0).tensor("t", {1ull << 61, 2}, 0, 0);
  expect_error(b.bytes, "byte size overflows");
  b.header(3, 1, 0).tensor("t", {33}, 8, 0);
  expect_error(b.bytes, "not a multiple of the Q8_0 block size 32");
  b.header(3, 1, 0).tensor("t", {4}, 0, 8);
  expect_error(b.bytes, "offset is not aligned");
  b.header(3, 1, 0).tensor("t", {4}, 0, 0).pad_to(32).zeros(8);
  expect_error(b.bytes, "runs past the end of the file");
  b.header(3, 2, 0).tensor("a", {16}, 0, 0).tensor("b", {4}, 0, 32).pad_to(32).zeros(64);
  expect_error(b.bytes, "overlaps a");
  b.header(3, 2, 0).tensor("a", {4}, 0, 0).tensor("a", {4}, 0, 32).pad_to(32).zeros(64);
  expect_error(b.bytes, "appears twice");
  b.header(3, 0, 1).str("k").put<std::uint32_t>(10).zeros(4);
  expect_error(b.bytes, "ends inside a value");
}

TEST(GgufTypes, HalfAndBfloat16Conversions) {
  EXPECT_EQ(tb::f16_to_f32(0x3C00), 1.0f);
  EXPECT_EQ(tb::f16_to_f32(0xC000), -2.0f);
  EXPECT_EQ(tb::f16_to_f32(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
  EXPECT_EQ(tb::f16_to_f32(0x7BFF), 65504.0f);
  EXPECT_TRUE(std::isinf(tb::f16_to_f32(0x7C00)));
  EXPECT_TRUE(std::isnan(tb::f16_to_f32(0x7E00)));
  EXPECT_EQ(tb::bf16_to_f32(0x3F80), 1.0f);
  // Every half converts as torch converts it.
  for (std::uint32_t bits = 0; bits < 65536; ++bits) {
    const auto h = torch::tensor({static_cast<std::int16_t>(bits)}, torch::kInt16).view(torch::kFloat16);
    const float want = h.to(torch::kFloat32).item<float>();
    const float got = tb::f16_to_f32(static_cast<std::uint16_t>(bits));
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(got)) << bits;
    } else {
      ASSERT_EQ(got, want) << bits;
    }
  }
}

TEST(GgufTypes, Q8_0BlockByHand) {
  // d = 0.5 (0x3800), qs = -16..15 -> y = qs * 0.5
  std::vector<std::uint8_t> block(34);
  block[0] = 0x00;
  block[1] = 0x38;
  for (int i = 0; i < 32; ++i) block[2 + i] = static_cast<std::uint8_t>(static_cast<std::int8_t>(i - 16));
  float out[32];
  tb::dequantize_to_f32(tb::GgmlType::Q8_0, std::as_bytes(std::span(block)), 32, out);
  for (int i = 0; i < 32; ++i) EXPECT_EQ(out[i], 0.5f * static_cast<float>(i - 16));
}

}  // namespace
