// libFuzzer target: a .tbproj's JSON -> Project (and its training settings, stages, overrides).
// Only tb::Error may leave the parser: every malformed value must be named, never crash.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/engine/project.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto json = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  try {
    const auto project = tb::project_from_json(json, "/fuzz/project.tbproj");
    (void)tb::project_to_json(project).dump();
    for (const auto& stage : project.stages) (void)project.stage_config(stage);
  } catch (const tb::Error&) {
  }
  return 0;
}
