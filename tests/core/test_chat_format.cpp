// Chat format recognition beyond the known templates: any other template renders through the
// Jinja engine (its {% generation %} blocks, or the assistant's words found in the text, are
// what trains); one the engine cannot use falls back to its family's rules or the editable
// format, with a warning giving the reason.
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/text/chat_format.h"

namespace {

TEST(ChatFormat, OtherTemplatesRenderThroughJinjaElseWarn) {
  // A template we do not know word for word runs through the Jinja engine: the model's own.
  const auto chatml_like = tb::recognise_chat_template(
      "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}", "", "");
  EXPECT_EQ(chatml_like.family, tb::ChatFamily::Jinja);
  EXPECT_TRUE(chatml_like.exact);
  EXPECT_TRUE(chatml_like.warning.empty());
  std::string trained, all;
  for (const auto& s : chatml_like.render_segments({{"user", "Hi"}, {"assistant", "Hello!"}}, false)) {
    all += s.text;
    if (s.trainable) trained += s.text;
  }
  EXPECT_EQ(all, "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n");
  EXPECT_EQ(trained, "Hello!<|im_end|>");
  // One that renders but never writes the assistant's answer cannot be trained on: the editable
  // format, with the reason.
  const auto unknown = tb::recognise_chat_template("{{ messages[0].content }} => ", "", "");
  EXPECT_EQ(unknown.family, tb::ChatFamily::Custom);
  EXPECT_NE(unknown.warning.find("editable"), std::string::npos);
  EXPECT_NE(unknown.warning.find("assistant's answer"), std::string::npos) << unknown.warning;
  // One the engine refuses, with ChatML markers: ChatML rules, with the reason.
  const auto refused = tb::recognise_chat_template("{% include 'x' %}<|im_start|>", "", "");
  EXPECT_EQ(refused.family, tb::ChatFamily::ChatML);
  EXPECT_FALSE(refused.exact);
  EXPECT_NE(refused.warning.find("may not read other files"), std::string::npos) << refused.warning;
  const auto none = tb::recognise_chat_template("", "", "");
  EXPECT_EQ(none.family, tb::ChatFamily::Custom);
  EXPECT_NE(none.warning.find("no chat template"), std::string::npos);
}

// A template that marks the answer with {% generation %}: its spans are what trains.
TEST(ChatFormat, GenerationBlocksMarkTheTrainedText) {
  const auto f = tb::recognise_chat_template(
      "{% for m in messages %}[{{ m.role }}] {% if m.role == 'assistant' %}{% generation %}{{ m.content }} END"
      "{% endgeneration %}{% else %}{{ m.content }}{% endif %}\n{% endfor %}", "", "");
  ASSERT_EQ(f.family, tb::ChatFamily::Jinja);
  std::string trained;
  for (const auto& s : f.render_segments({{"user", "Q"}, {"assistant", "A"}}, false)) {
    if (s.trainable) trained += s.text;
  }
  EXPECT_EQ(trained, "A END");
}

TEST(ChatFormat, TrainableSegmentsAreAssistantTurns) {
  tb::ChatFormat f;
  f.family = tb::ChatFamily::ChatML;
  const auto segs = f.render_segments({{"user", "Hi"}, {"assistant", "Hello!"}}, false);
  std::string trained, all;
  for (const auto& s : segs) {
    all += s.text;
    if (s.trainable) trained += s.text;
  }
  EXPECT_EQ(all, "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n");
  EXPECT_EQ(trained, "Hello!<|im_end|>");
  EXPECT_THROW(f.render({{"tool", "x"}}, false), tb::Error);
}

TEST(ChatFormat, StripsUnicodeWhitespaceLikePython) {
  EXPECT_EQ(tb::strip_unicode_whitespace("\xe3\x80\x80 \t text \xc2\xa0\n"), "text");
  EXPECT_EQ(tb::strip_unicode_whitespace("   "), "");
  EXPECT_EQ(tb::strip_unicode_whitespace("a b"), "a b");
}

}  // namespace
