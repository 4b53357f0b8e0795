// libFuzzer target: a .tbproj's JSON -> Project (and its training settings, stages, overrides);
// and the same bytes, line by line, as `--set key=value` text (setting_fields.h): an accepted
// value must read back the same from its own text.
// Only tb::Error may leave the parser: every malformed value must be named, never crash; and
// no accepted relative path may resolve outside the project's folder.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/engine/project.h"
#include "core/train/setting_fields.h"

namespace {

void fuzz_assignments(const std::string& text) {
  tb::train::TrainConfig config;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    try {
      tb::train::set_setting_assignment(config, line);
      const auto& field = tb::train::setting_field(line.substr(0, line.find('=')));
      tb::train::TrainConfig again = config;
      tb::train::set_setting_text(again, field, tb::train::setting_text(field, config));
      if (tb::train::setting_value(field, again) != tb::train::setting_value(field, config)) __builtin_trap();
      (void)tb::train::setting_problem(field, config);
    } catch (const tb::Error&) {
    }
  }
  try {
    config.validate();
  } catch (const tb::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz_assignments(std::string(reinterpret_cast<const char*>(data), size));
  const auto json = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  try {
    const auto project = tb::project_from_json(json, "/fuzz/project.tbproj");
    (void)tb::project_to_json(project).dump();
    for (const auto& stage : project.stages) (void)project.stage_config(stage);
    // Every path the loader accepted resolves, and a relative one stays in the project's folder.
    auto inside = [&](const std::filesystem::path& p) {
      std::filesystem::path resolved;
      try {
        resolved = project.resolve(p);
      } catch (const tb::Error&) {
        __builtin_trap();
      }
      const std::string text = p.string();
      if (text.empty() || p.is_absolute() || text.rfind(tb::kResourcePrefix, 0) == 0) return;
      if (resolved.lexically_relative("/fuzz").string().rfind("..", 0) == 0) __builtin_trap();
    };
    for (const auto& d : project.data) {
      inside(d.path);
      inside(d.test_path);
    }
    inside(project.runs_dir);
    for (const auto& run : project.runs) inside(run);
  } catch (const tb::Error&) {
  }
  return 0;
}
