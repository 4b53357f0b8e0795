// safetensors: a round trip through our writer and reader, and malformed files — each gives
// its specific error and never a crash (these also run under the asan preset).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/io/safetensors_index.h"
#include "core/model/tensor_files.h"
#include "tests/common/test_paths.h"

namespace {

namespace fs = std::filesystem;

// A file image: 8-byte length, then the header text, then `data_bytes` zero bytes.
std::vector<std::byte> image(const std::string& header, std::size_t data_bytes,
                             std::uint64_t declared_length = UINT64_MAX) {
  const std::uint64_t n = declared_length == UINT64_MAX ? header.size() : declared_length;
  std::vector<std::byte> out(8 + header.size() + data_bytes);
  std::memcpy(out.data(), &n, 8);
  std::memcpy(out.data() + 8, header.data(), header.size());
  return out;
}

// Parses and returns the error message ("" when it parsed).
std::string error_of(const std::vector<std::byte>& file) {
  try {
    tb::parse_safetensors(file, "fixture.safetensors");
  } catch (const tb::FormatError& e) {
    EXPECT_EQ(e.where().path, "fixture.safetensors");
    return e.what();
  }
  return "";
}

void expect_error(const std::vector<std::byte>& file, const std::string& part) {
  const std::string message = error_of(file);
  EXPECT_NE(message.find(part), std::string::npos) << "message: " << message;
}

TEST(Safetensors, ValidMinimalFile) {
  const auto h = tb::parse_safetensors(
      image(R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"__metadata__":{"k":"v"}})",
            16),
      "x");
  ASSERT_EQ(h.tensors.size(), 1u);
  EXPECT_EQ(h.tensors[0].name, "w");
  EXPECT_EQ(h.tensors[0].shape, (std::vector<std::int64_t>{2, 2}));
  EXPECT_EQ(h.metadata.at("k"), "v");
}

TEST(Safetensors, MalformedFilesGiveSpecificErrors) {
  const std::string ok = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  expect_error({std::byte{1}, std::byte{2}, std::byte{3}}, "the file is 3 bytes");
  expect_error(image(ok, 8, 200'000'000), "exceeds the 100 MB limit");
  expect_error(image(ok, 8, ok.size() + 100), "runs past the end of the file");
  expect_error(image(" " + ok, 8), "does not start with '{'");
  expect_error(image("{\"w\":", 0), "not valid UTF-8 JSON");
  expect_error(image("{\"w\xff\xfe\":1}", 0), "not valid UTF-8 JSON");
  expect_error(image(R"({"w":{"dtype":"F8","shape":[2],"data_offsets":[0,2]}})", 2),
               "unsupported dtype \"F8\"");
  expect_error(image(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8),
               "non-negative integer");
  expect_error(image(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                     R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12),
               "overlap, gap or reversed");
  expect_error(image(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                     R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})", 12),
               "overlap, gap or reversed");
  expect_error(image(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})", 8),
               "element count overflows");
  expect_error(image(R"({"w":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,8]}})", 8),
               "byte size overflows");
  expect_error(image(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8),
               "shape and dtype need 12");
  expect_error(image(ok, 9), "the data section has 9");
  expect_error(image(R"({"__metadata__":{"k":1}})", 0), "metadata values must be strings");
  expect_error(image(R"({"w":{"shape":[2],"data_offsets":[0,8]}})", 8), "missing \"dtype\"");
  expect_error(image(R"([1,2])", 0), "does not start with '{'");
}

TEST(Safetensors, WriteThenReadEveryDtype) {
  const fs::path dir = fs::path(tb_test::test_tmp()) / "safetensors_roundtrip";
  fs::create_directories(dir);
  torch::manual_seed(3);
  std::vector<std::pair<std::string, torch::Tensor>> tensors = {
      {"f32", torch::randn({3, 4})},
      {"bf16", torch::randn({5}).to(torch::kBFloat16)},
      {"f16", torch::randn({2, 2}).to(torch::kFloat16)},
      {"f64", torch::randn({3}, torch::kFloat64)},
      {"i64", torch::arange(10)},
      {"i32", torch::arange(3).to(torch::kInt32)},
      {"i16", torch::arange(3).to(torch::kInt16)},
      {"i8", torch::arange(-3, 3).to(torch::kInt8)},
      {"u8", torch::arange(7).to(torch::kUInt8)},
      {"bool", torch::tensor({true, false})},
      {"scalar", torch::tensor(1.5)},
      {"empty", torch::zeros({0, 2})},
      {"strided", torch::randn({4, 6}).t()},  // not contiguous: written as its values
  };
  tb::write_safetensors(dir / "model.safetensors", tensors, {{"format", "pt"}});
  const tb::SafetensorsFile file(dir / "model.safetensors");
  EXPECT_EQ(file.header().data_offset % 8, 0u);
  EXPECT_EQ(file.header().metadata.at("format"), "pt");
  for (const auto& [name, t] : tensors) {
    const auto got = load_tensor(file, name);
    EXPECT_EQ(got.scalar_type(), t.scalar_type()) << name;
    EXPECT_TRUE(torch::equal(got, t)) << name;
  }
  EXPECT_THROW(load_tensor(file, "nope"), tb::FormatError);
  const auto checkpoint = tb::SafetensorsCheckpoint::open_folder(dir);
  EXPECT_EQ(checkpoint.names().size(), tensors.size());
  EXPECT_TRUE(torch::equal(load_tensor(checkpoint, "f32"), tensors[0].second));
  EXPECT_THROW(tb::write_safetensors(dir / "dup.safetensors", {{"a", torch::ones(1)}, {"a", torch::ones(1)}}),
               tb::Error);
  EXPECT_FALSE(fs::exists(dir / "dup.safetensors"));
}

TEST(Safetensors, ShardIndexIsChecked) {
  const fs::path dir = fs::path(tb_test::test_tmp()) / "safetensors_index";
  fs::remove_all(dir);
  fs::create_directories(dir);
  tb::write_safetensors(dir / "a.safetensors", {{"x", torch::ones(2)}});
  tb::write_safetensors(dir / "b.safetensors", {{"y", torch::zeros(3)}});
  auto write_index = [&](const std::string& text) {
    std::ofstream(dir / "model.safetensors.index.json") << text;
  };
  write_index(R"({"metadata":{},"weight_map":{"x":"a.safetensors","y":"b.safetensors"}})");
  const auto ck = tb::SafetensorsCheckpoint::open_folder(dir);
  EXPECT_EQ(ck.names(), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(ck.files().size(), 2u);
  EXPECT_TRUE(torch::equal(load_tensor(ck, "y"), torch::zeros(3)));

  auto error_of_index = [&](const std::string& text) -> std::string {
    write_index(text);
    try {
      tb::SafetensorsCheckpoint::open_folder(dir);
    } catch (const tb::Error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error_of_index(R"({"weight_map":{"x":"../a.safetensors"}})").find("same folder"),
            std::string::npos);
  EXPECT_NE(error_of_index(R"({"weight_map":{"x":"c.safetensors"}})").find("is missing"),
            std::string::npos);
  EXPECT_NE(error_of_index(R"({"weight_map":{"y":"a.safetensors"}})").find("which lacks it"),
            std::string::npos);
  EXPECT_NE(error_of_index(R"({"weight_map":)").find("not valid JSON"), std::string::npos);
  fs::remove_all(dir);
  fs::create_directories(dir);
  EXPECT_NE(error_of_index("").find("not valid JSON"), std::string::npos);
  fs::remove(dir / "model.safetensors.index.json");
  try {
    tb::SafetensorsCheckpoint::open_folder(dir);
    FAIL();
  } catch (const tb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("pickle"), std::string::npos);
  }
}

}  // namespace
