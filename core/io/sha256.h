// SHA-256 (FIPS 180-4) for file identities: model hashes in `doctor`, run inputs, checkpoint
// MANIFESTs. Streaming; no cryptographic uses beyond integrity checks.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace tb {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t size_bytes);
  void update(std::string_view text) { update(text.data(), text.size()); }
  // Finishes the hash; the object must not be updated afterwards.
  std::array<std::uint8_t, 32> digest();
  std::string hex_digest();

 private:
  void compress(const std::uint8_t* block);

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
};

std::string sha256_hex(std::string_view text);
// Hashes a whole file; throws tb::IoError naming the file when it cannot be read.
std::string sha256_file_hex(const std::filesystem::path& path);

}  // namespace tb
