// Reading a run folder's file whole (see run_folder.h).
#include "core/run/run_folder.h"

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/json_file.h"

namespace tb::run {

std::string read_run_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) throw IoError("is missing", {file.string()});
  return read_text_file(file, "the run folder's file");
}

nlohmann::json parse_run_json(const std::string& text, const std::string& source) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw FormatError("not complete JSON: it is cut short or damaged (at byte " + std::to_string(e.byte) + ")", {source});
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(std::string("not valid JSON: ") + e.what(), {source});
  }
}

}  // namespace tb::run
