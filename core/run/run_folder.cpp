// Reading a run folder's file whole (see run_folder.h).
#include "core/run/run_folder.h"

#include "core/common/error.h"
#include "core/io/json_file.h"

namespace tb::run {

std::string read_run_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) throw IoError("is missing", {file.string()});
  return read_text_file(file, "the run folder's file");
}

}  // namespace tb::run
