// Reading a run folder's file whole (see run_folder.h).
#include "core/run/run_folder.h"

#include <fstream>
#include <sstream>

#include "core/common/error.h"

namespace tb::run {

std::string read_run_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) throw IoError("is missing", {file.string()});
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError("cannot be read", {file.string()});
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError("cannot be read", {file.string()});
  return text.str();
}

}  // namespace tb::run
