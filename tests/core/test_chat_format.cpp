// Chat format recognition beyond the known templates: a changed template is rendered by its
// family with a warning, an unknown one falls back to the editable format with a warning, and
// assistant content is what the trainable segments hold.
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/text/chat_format.h"

namespace {

TEST(ChatFormat, InexactAndUnknownTemplatesWarn) {
  const auto chatml_like = tb::recognise_chat_template(
      "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}", "", "");
  EXPECT_EQ(chatml_like.family, tb::ChatFamily::ChatML);
  EXPECT_FALSE(chatml_like.exact);
  EXPECT_NE(chatml_like.warning.find("not one Tunebench knows word for word"), std::string::npos);
  const auto unknown = tb::recognise_chat_template("{{ messages[0].content }} => ", "", "");
  EXPECT_EQ(unknown.family, tb::ChatFamily::Custom);
  EXPECT_NE(unknown.warning.find("editable"), std::string::npos);
  const auto none = tb::recognise_chat_template("", "", "");
  EXPECT_EQ(none.family, tb::ChatFamily::Custom);
  EXPECT_NE(none.warning.find("no chat template"), std::string::npos);
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
