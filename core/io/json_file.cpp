// read_json_file and its halves (see json_file.h).
#include "core/io/json_file.h"

#include <fstream>
#include <sstream>

#include "core/common/error.h"

namespace tb {

std::string read_text_file(const std::filesystem::path& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(std::string("cannot open ") + what, {path.string()});
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json parse_json_text(const std::string& text, const std::filesystem::path& path) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(std::string("not valid JSON: ") + e.what(), {path.string()});
  }
}

nlohmann::json read_json_file(const std::filesystem::path& path, const char* what) {
  return parse_json_text(read_text_file(path, what), path);
}

}  // namespace tb
