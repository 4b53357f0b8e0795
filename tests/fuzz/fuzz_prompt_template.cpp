// libFuzzer target: the prompt template parser and renderer (and the column checks), on any
// template text with a fixed record of every JSON type. Only tb::Error may escape.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/error.h"
#include "core/data/prompt_template.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  static const nlohmann::ordered_json fields = {
      {"a", "text"}, {"b", 3}, {"c", nullptr}, {"d", {1, 2}}, {"e", ""}, {"f", true}, {"g", {{"k", "v"}}}};
  try {
    (void)tb::data::render_template_text(text, fields, "prompt");
    const tb::data::PromptTemplate t{"fuzz", "", text, text, text};
    (void)t.required_columns();
    tb::data::check_template(t, {"a", "b", "c", "d", "e", "f", "g"});
    (void)tb::data::apply_template(t, {1, fields}, "fuzz.jsonl");
  } catch (const tb::Error&) {
  }
  return 0;
}
