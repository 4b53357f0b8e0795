// Chat rendering equals transformers' apply_chat_template (render_jinja_template) for the
// published template of every family we support and for the demo GGUF's own: each template is
// recognised word for word, and every case renders identically or fails where Jinja raised.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/gguf.h"
#include "core/text/chat_format.h"

namespace {

namespace fs = std::filesystem;

TEST(ChatParity, EveryFamilyRendersAsTransformers) {
  std::ifstream in(fs::path(TB_PARITY_OUT) / "chat" / "chat.json");
  const auto j = nlohmann::json::parse(in);
  int compared = 0, errors = 0;
  for (const auto& c : j["cases"]) {
    const std::string name = c["template_name"];
    const auto format = tb::recognise_chat_template(j["templates"][name], c["bos"], c["eos"]);
    EXPECT_TRUE(format.exact) << name;
    EXPECT_EQ(tb::to_string(format.family), c["family"].get<std::string>()) << name;
    std::vector<tb::ChatMessage> messages;
    for (const auto& m : c["messages"]) messages.push_back({m["role"], m["content"]});
    const bool gen = c["add_generation_prompt"];
    if (c.contains("error")) {
      EXPECT_THROW(format.render(messages, gen), tb::Error) << name << " " << c["messages"].dump();
      ++errors;
      continue;
    }
    EXPECT_EQ(format.render(messages, gen), c["rendered"].get<std::string>())
        << name << " gen=" << gen << " " << c["messages"].dump();
    ++compared;
  }
  EXPECT_GT(compared, 120);
  EXPECT_GT(errors, 4);
}

TEST(ChatParity, DemoGgufTemplateIsChatMLWithSmolLMSystemPrompt) {
  const tb::GgufFile gguf(TB_DEMO_MODEL_PATH);
  const auto format = tb::recognise_chat_template(
      gguf.find_metadata("tokenizer.chat_template")->as_string("tokenizer.chat_template"), "<|im_start|>",
      "<|im_end|>");
  EXPECT_TRUE(format.exact);
  EXPECT_EQ(format.family, tb::ChatFamily::ChatML);
  EXPECT_EQ(format.default_system, "You are a helpful AI assistant named SmolLM, trained by Hugging Face");
  EXPECT_TRUE(format.warning.empty());
}

}  // namespace
