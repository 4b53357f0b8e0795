// safetensors: reader (memory-mapped, validated exactly as the reference implementation does)
// and writer (header padded to 8 bytes, written atomically). One file; sharded checkpoints are
// in safetensors_index.h. Format: u64 little-endian header length N, N bytes of UTF-8 JSON,
// then the data section, tensors back to back without gaps.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "core/io/dtype.h"
#include "core/io/mapped_file.h"

namespace tb {

inline constexpr std::uint64_t kSafetensorsMaxHeaderBytes = 100'000'000;  // reference's limit

struct SafetensorsTensor {
  std::string name;
  DType dtype = DType::F32;
  std::vector<std::int64_t> shape;
  std::uint64_t begin = 0;  // byte offsets into the data section
  std::uint64_t end = 0;
};

struct SafetensorsHeader {
  std::vector<SafetensorsTensor> tensors;  // sorted by offset
  std::map<std::string, std::string> metadata;
  std::uint64_t data_offset = 0;  // 8 + header length
};

// Validates a whole file image and returns its header; `path` only labels errors.
// Throws tb::FormatError saying what is wrong (with the tensor's name where there is one).
SafetensorsHeader parse_safetensors(std::span<const std::byte> file, const std::string& path);

// Copies `bytes` (little-endian, `dtype`) into a new CPU tensor of `shape`.
torch::Tensor tensor_from_bytes(std::span<const std::byte> bytes, DType dtype,
                                const std::vector<std::int64_t>& shape);
torch::ScalarType to_torch(DType dtype);
DType from_torch(torch::ScalarType type);  // throws tb::Error for types safetensors lacks

class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::filesystem::path& path);  // maps and validates

  const SafetensorsHeader& header() const { return header_; }
  const std::filesystem::path& path() const { return file_.path(); }
  // nullptr when there is no such tensor.
  const SafetensorsTensor* find(const std::string& name) const;
  std::span<const std::byte> bytes(const SafetensorsTensor& tensor) const;
  // Throws tb::FormatError naming the file when the tensor is not there.
  torch::Tensor load(const std::string& name) const;

 private:
  MappedFile file_;
  SafetensorsHeader header_;
  std::map<std::string, std::size_t, std::less<>> index_;
};

// Writes tensors (any device; copied to CPU, contiguous) in the given order, atomically.
void write_safetensors(const std::filesystem::path& path,
                       const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace tb
