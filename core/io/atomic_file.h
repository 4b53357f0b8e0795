// Atomic file writes: data goes to a temporary file beside the target, is flushed to disk,
// then renamed over the target (and the folder synced), so a reader sees the old file or the
// whole new one — never a torn one. Every file Tunebench writes goes through here.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace tb {

class AtomicFileWriter {
 public:
  // Creates the temporary file; throws tb::IoError naming the target when it cannot.
  explicit AtomicFileWriter(std::filesystem::path target);
  ~AtomicFileWriter();  // without commit(): the temporary file is removed, the target untouched
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(const void* data, std::size_t size_bytes);
  void write(std::string_view text) { write(text.data(), text.size()); }
  // fsync, rename into place, fsync the folder. Throws tb::IoError (disk full, ...).
  void commit();

  const std::filesystem::path& target() const { return target_; }

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  int fd_ = -1;
  bool committed_ = false;
};

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

}  // namespace tb
