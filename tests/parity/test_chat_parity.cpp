// Chat rendering equals transformers' apply_chat_template (render_jinja_template) for the
// published template of every family we support and for the demo GGUF's own: each template is
// recognised word for word, and every case renders identically or fails where Jinja raised.
// Prompt templates (every preset, with and without its optional columns) filled by us equal a
// plain Python filling, and rendered through each chat format equal transformers' rendering.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/gguf.h"
#include "core/data/prompt_template.h"
#include "core/data/tokenize_example.h"
#include "core/model/model_inspect.h"
#include "core/text/chat_format.h"
#include "tests/common/test_paths.h"

namespace {

namespace fs = std::filesystem;

TEST(ChatParity, EveryFamilyRendersAsTransformers) {
  std::ifstream in(fs::path(tb_test::parity_out()) / "chat" / "chat.json");
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
  const tb::GgufFile gguf(tb_test::demo_model_path());
  const auto format = tb::recognise_chat_template(
      gguf.find_metadata("tokenizer.chat_template")->as_string("tokenizer.chat_template"), "<|im_start|>",
      "<|im_end|>");
  EXPECT_TRUE(format.exact);
  EXPECT_EQ(format.family, tb::ChatFamily::ChatML);
  EXPECT_EQ(format.default_system, "You are a helpful AI assistant named SmolLM, trained by Hugging Face");
  EXPECT_TRUE(format.warning.empty());
}

// Records for a preset: every column it names, optional ones filled (or left out).
nlohmann::ordered_json record_for(const tb::data::PromptTemplate& t, bool with_optional) {
  nlohmann::ordered_json fields = nlohmann::ordered_json::object();
  const auto required = t.required_columns();
  int i = 0;
  for (const auto& c : t.columns()) {
    const bool optional = std::find(required.begin(), required.end(), c) == required.end();
    if (optional && !with_optional) continue;
    if (c == "rating") {
      fields[c] = 4;  // a number, written as JSON writes it
    } else {
      ++i;
      fields[c] = "value " + std::to_string(i) + " of " + c + (i % 2 ? " — über 学习 🤗" : "  \n");
    }
  }
  return fields;
}

TEST(ChatParity, PromptTemplatesRenderAsTransformers) {
  namespace data = tb::data;
  const fs::path tmp = fs::path(tb_test::test_tmp()) / "templates";
  fs::create_directories(tmp);
  nlohmann::ordered_json cases = nlohmann::ordered_json::array();
  std::vector<std::pair<data::PromptTemplate, data::Record>> ours;
  for (const auto& t : data::template_presets()) {
    for (const bool with_optional : {true, false}) {
      data::Record r{1, record_for(t, with_optional)};
      cases.push_back({{"template", {{"system", t.system}, {"prompt", t.prompt}, {"completion", t.completion}}},
                       {"fields", r.fields}});
      ours.emplace_back(t, r);
    }
  }
  std::ofstream(tmp / "cases.json") << cases.dump(1);
  const std::string cmd = std::string("\"") + tb_test::venv_python() + "\" \"" + tb_test::parity_scripts() + "/check_templates.py\" \"" +
                          (fs::path(tb_test::parity_out()) / "chat" / "chat.json").string() + "\" \"" +
                          (tmp / "cases.json").string() + "\" \"" + (tmp / "rendered.json").string() + "\"";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream chat_in(fs::path(tb_test::parity_out()) / "chat" / "chat.json");
  const auto chat = nlohmann::json::parse(chat_in);
  std::ifstream in(tmp / "rendered.json");
  const auto want = nlohmann::json::parse(in);
  ASSERT_EQ(want.size(), ours.size());
  int compared = 0;
  for (std::size_t i = 0; i < ours.size(); ++i) {
    const auto example = data::apply_template(ours[i].first, ours[i].second, "cases.json");
    const auto& ref_messages = want[i]["messages"];
    ASSERT_EQ(example.messages.size(), ref_messages.size()) << ours[i].first.name;
    for (std::size_t m = 0; m < example.messages.size(); ++m) {
      EXPECT_EQ(example.messages[m].role, ref_messages[m]["role"].get<std::string>());
      EXPECT_EQ(example.messages[m].content, ref_messages[m]["content"].get<std::string>()) << ours[i].first.name;
    }
    for (const auto& [name, rendered] : want[i]["rendered"].items()) {
      std::string bos, eos;
      for (const auto& c : chat["cases"]) {
        if (c["template_name"] == name) {
          bos = c["bos"];
          eos = c["eos"];
          break;
        }
      }
      const auto format = tb::recognise_chat_template(chat["templates"][name], bos, eos);
      if (rendered.is_object()) {
        EXPECT_THROW(format.render(example.messages, false), tb::Error) << name << " " << ours[i].first.name;
        continue;
      }
      EXPECT_EQ(format.render(example.messages, false), rendered.get<std::string>()) << name << " " << ours[i].first.name;
      ++compared;
    }
  }
  std::cout << compared << " template renderings compared\n";
  EXPECT_GT(compared, 80);
}

// What the trainer sees: segment by segment tokenisation of the demo model's chat rendering
// gives the ids of the whole rendering, and the trained ids are exactly the assistant turns
// with their end-of-turn marker.
TEST(ChatParity, TokenizedExamplesEqualTheWholeRendering) {
  const auto tokenizer = tb::load_model_tokenizer(tb_test::demo_model_path());
  const auto format = tb::recognise_chat_template(tb::read_chat_template(tb_test::demo_model_path()), "<|im_start|>", "<|im_end|>");
  std::ifstream in(fs::path(tb_test::parity_out()) / "chat" / "chat.json");
  const auto j = nlohmann::json::parse(in);
  int checked = 0;
  for (const auto& c : j["cases"]) {
    if (c["template_name"] != "smollm2" || c["add_generation_prompt"] || c.contains("error")) continue;
    tb::data::Example e;
    for (const auto& m : c["messages"]) e.messages.push_back({m["role"], m["content"]});
    const auto t = tb::data::tokenize_example(e, *tokenizer, format);
    const auto whole = tokenizer->encode(format.render(e.messages, false));
    if (t.ids != whole) {
      std::size_t k = 0;
      while (k < t.ids.size() && k < whole.size() && t.ids[k] == whole[k]) ++k;
      ADD_FAILURE() << "first difference at token " << k << ": ours "
                    << (k < t.ids.size() ? tokenizer->token_text(t.ids[k]) : "(end)") << ", whole rendering "
                    << (k < whole.size() ? tokenizer->token_text(whole[k]) : "(end)") << " in " << c["messages"].dump();
    }
    std::vector<tb::TokenId> trained;
    for (std::size_t i = 0; i < t.ids.size(); ++i) {
      if (t.trained[i]) trained.push_back(t.ids[i]);
    }
    std::string want;
    for (const auto& s : format.render_segments(e.messages, false)) {
      if (s.trainable) want += s.text;
    }
    EXPECT_EQ(tokenizer->decode(trained), want) << c["messages"].dump();
    ++checked;
  }
  EXPECT_GE(checked, 8);
  // Truncation is counted; a raw text trains on every token and ends with EOS.
  tb::data::Example raw;
  raw.text = "Plain text for continued pre-training.";
  tb::data::TokenizeOptions o;
  o.max_tokens = 4;
  const auto t = tb::data::tokenize_example(raw, *tokenizer, format, o);
  EXPECT_EQ(t.ids.size(), 4u);
  EXPECT_EQ(t.trained_count(), 4);
  EXPECT_EQ(t.truncated, static_cast<std::int64_t>(tokenizer->encode(raw.text, false).size()) + 1 - 4);
}

}  // namespace
