// libFuzzer target: config.json -> ModelConfig.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/model/model_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto json = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  try {
    (void)tb::config_from_hf_json(json, "fuzz/config.json").parameter_count();
  } catch (const tb::Error&) {
  } catch (const nlohmann::json::exception&) {
    // A wrong JSON type deep inside (e.g. rope_scaling.rope_type a number) is reported by the
    // loader as a FormatError at its call sites; the fuzzer accepts nlohmann's own exception too.
  }
  return 0;
}
