// libFuzzer target: the Jinja engine for chat templates, parsing and rendering any template text
// against a fixed two-turn conversation, with small limits so that a loop ends quickly. Only
// tb::Error (and its RaisedError) may escape.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/text/jinja/jinja.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  static const nlohmann::ordered_json context = {
      {"messages", {{{"role", "system"}, {"content", "Be brief."}},
                    {{"role", "user"}, {"content", "Hi \xC3\xA9"}},
                    {{"role", "assistant"}, {"content", "Hello"}, {"tool_calls", nlohmann::ordered_json::array()}}}},
      {"add_generation_prompt", true}, {"bos_token", "<s>"}, {"eos_token", "</s>"},
      {"tools", nullptr}, {"documents", nullptr}, {"n", 3}, {"x", 1.5}};
  tb::jinja::RenderLimits limits;
  limits.max_steps = 20000;
  limits.max_output_bytes = 1 << 16;
  limits.max_depth = 16;
  limits.now = 0;
  try {
    (void)tb::jinja::Template::parse(text, "fuzz.jinja").render(context, limits);
  } catch (const tb::Error&) {
  }
  return 0;
}
