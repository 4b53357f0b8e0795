// safetensors: reader (memory-mapped, validated exactly as the reference implementation does)
// and writer (header padded to 8 bytes, written atomically), on raw bytes: torch-free. Tensors
// to and from torch are in core/model/tensor_files.h. One file; sharded checkpoints are in
// safetensors_index.h. Format: u64 little-endian header length N, N bytes of UTF-8 JSON,
// then the data section, tensors back to back without gaps.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

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

// One tensor to write: its little-endian bytes (elements x dtype size, checked by the writer).
struct SafetensorsEntry {
  std::string name;
  DType dtype = DType::F32;
  std::vector<std::int64_t> shape;
  std::span<const std::byte> bytes;
};

class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::filesystem::path& path);  // maps and validates

  const SafetensorsHeader& header() const { return header_; }
  const std::filesystem::path& path() const { return file_.path(); }
  // nullptr when there is no such tensor.
  const SafetensorsTensor* find(const std::string& name) const;
  // Throws tb::FormatError naming the file when the tensor is not there.
  const SafetensorsTensor& at(const std::string& name) const;
  std::span<const std::byte> bytes(const SafetensorsTensor& tensor) const;

 private:
  MappedFile file_;
  SafetensorsHeader header_;
  std::map<std::string, std::size_t, std::less<>> index_;
};

// Writes the entries in the given order, atomically. Throws tb::Error naming the file and the
// tensor for a repeated or reserved name, or bytes that do not match dtype and shape.
void write_safetensors(const std::filesystem::path& path, const std::vector<SafetensorsEntry>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace tb
