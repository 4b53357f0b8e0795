// read_json_file (see json_file.h).
#include "core/io/json_file.h"

#include <fstream>
#include <sstream>

#include "core/common/error.h"

namespace tb {

nlohmann::json read_json_file(const std::filesystem::path& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(std::string("cannot open ") + what, {path.string()});
  std::stringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(std::string("not valid JSON: ") + e.what(), {path.string()});
  }
}

}  // namespace tb
