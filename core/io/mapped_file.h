// A read-only memory map of a whole file (safetensors, GGUF): the bytes stay in the page cache
// and are copied only when a tensor is loaded. Empty files map to an empty span.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

namespace tb {

class MappedFile {
 public:
  // Throws tb::IoError naming the file when it cannot be opened or mapped.
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;

  std::span<const std::byte> bytes() const { return {data_, size_}; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace tb
