// safetensors parity with the reference: files written by the Python safetensors library and by
// transformers' save_pretrained (single and sharded) read back tensor by tensor identical; a file
// we write reads back in the reference reader with the right values and metadata. The
// reference files come from ctest fixtures (tests/parity/CMakeLists.txt): run through ctest.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/io/safetensors.h"
#include "core/io/safetensors_index.h"
#include "core/io/sha256.h"
#include "core/model/tensor_files.h"
#include "tests/common/test_paths.h"

namespace {

namespace fs = std::filesystem;

const fs::path kOut = fs::path(tb_test::parity_out()) / "safetensors";
const fs::path kHf = fs::path(tb_test::parity_out()) / "hf";

int run_python(const std::string& script, const std::string& arg) {
  const std::string cmd = std::string("\"") + tb_test::venv_python() + "\" \"" + tb_test::parity_scripts() + "/" +
                          script + "\" \"" + arg + "\"";
  return std::system(cmd.c_str());
}

std::string bytes_sha256(const torch::Tensor& t) {
  const auto c = t.contiguous();
  tb::Sha256 h;
  h.update(c.data_ptr(), static_cast<std::size_t>(c.nbytes()));
  return h.hex_digest();
}

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

TEST(SafetensorsParity, ReferenceFileReadsIdentically) {
  const tb::SafetensorsFile file(kOut / "mixed.safetensors");
  const auto manifest = read_json(kOut / "mixed.manifest.json");
  EXPECT_EQ(file.header().tensors.size(), manifest["tensors"].size());
  for (const auto& [name, want] : manifest["tensors"].items()) {
    const tb::SafetensorsTensor* info = file.find(name);
    ASSERT_NE(info, nullptr) << name;
    EXPECT_EQ(tb::dtype_name(info->dtype), want["dtype"].get<std::string>()) << name;
    EXPECT_EQ(nlohmann::json(info->shape), want["shape"]) << name;
    EXPECT_EQ(bytes_sha256(load_tensor(file, name)), want["sha256"].get<std::string>()) << name;
  }
  for (const auto& [key, value] : manifest["metadata"].items()) {
    EXPECT_EQ(file.header().metadata.at(key), value.get<std::string>());
  }
}

TEST(SafetensorsParity, TransformersFoldersReadTensorByTensor) {
  for (const char* model : {"llama", "mistral", "qwen2", "llama-sharded"}) {
    SCOPED_TRACE(model);
    const fs::path folder = kHf / model;
    const auto checkpoint = tb::SafetensorsCheckpoint::open_folder(folder);
    const auto manifest = read_json(folder / "manifest.json");
    EXPECT_EQ(checkpoint.names().size(), manifest.size());
    for (const auto& [name, want] : manifest.items()) {
      ASSERT_TRUE(checkpoint.contains(name)) << name;
      const auto& info = checkpoint.info(name);
      EXPECT_EQ(tb::dtype_name(info.dtype), want["dtype"].get<std::string>()) << name;
      EXPECT_EQ(nlohmann::json(info.shape), want["shape"]) << name;
      EXPECT_EQ(bytes_sha256(load_tensor(checkpoint, name)), want["sha256"].get<std::string>()) << name;
    }
    if (std::string(model) == "llama-sharded") {
      EXPECT_GT(checkpoint.files().size(), 2u);
    }
  }
}

TEST(SafetensorsParity, OurFileReadsInTheReferenceReader) {
  // Deterministic values; check_written_safetensors.py rebuilds the same and compares.
  const auto base = torch::arange(24, torch::kFloat64).reshape({2, 3, 4}) / 8 - 1;
  fs::create_directories(tb_test::test_tmp());
  const fs::path path = fs::path(tb_test::test_tmp()) / "ours.safetensors";
  tb::write_safetensors(path,
                        {{"a.f32", base.to(torch::kFloat32)},
                         {"b.bf16", base.to(torch::kBFloat16)},
                         {"c.f16", base.to(torch::kFloat16)},
                         {"d.i64", torch::arange(-3, 3)},
                         {"e.bool", torch::tensor({true, false, true})},
                         {"f.u8", torch::arange(5).to(torch::kUInt8)},
                         {"g.scalar", torch::tensor(2.5f)},
                         {"h.empty", torch::zeros({0, 4})}},
                        {{"written_by", "tunebench"}, {"text", "ünïcode"}});
  EXPECT_EQ(run_python("check_written_safetensors.py", path.string()), 0);
}

}  // namespace
