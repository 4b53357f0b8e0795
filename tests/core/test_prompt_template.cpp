// Prompt templates: placeholders, optional and inverted sections, values of every JSON type,
// required vs optional columns, the error for an unknown column (listing the available ones),
// errors for broken placeholders with their part and byte, every preset's shape; and that
// templates and values are only ever text.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/common/error.h"
#include "core/data/prompt_template.h"

namespace {

using namespace tb::data;
using Json = nlohmann::ordered_json;

TEST(PromptTemplate, FillsPlaceholdersAndSections) {
  const Json f = {{"name", "Kettle"}, {"rating", 5}, {"ok", true}, {"tags", {"a", "b"}}, {"empty", "  "}, {"none", nullptr}};
  EXPECT_EQ(render_template_text("{{name}} got {{ rating }} stars", f), "Kettle got 5 stars");
  EXPECT_EQ(render_template_text("{{ok}} {{tags}} [{{none}}] [{{missing}}]", f), "true [\"a\",\"b\"] [] []");
  EXPECT_EQ(render_template_text("A{{#name}} for {{name}}{{/name}}.", f), "A for Kettle.");
  EXPECT_EQ(render_template_text("A{{#empty}} never{{/empty}}{{#none}} never{{/none}}.", f), "A.");
  EXPECT_EQ(render_template_text("{{^empty}}no text{{/empty}}|{{^name}}x{{/name}}", f), "no text|");
  EXPECT_EQ(render_template_text("{{#name}}{{#rating}}{{name}}:{{rating}}{{/rating}}{{/name}}", f), "Kettle:5");
  EXPECT_EQ(render_template_text("no placeholders { } }}", f), "no placeholders { } }}");
}

TEST(PromptTemplate, TemplatesAndValuesAreOnlyText) {
  // Nothing in a template or a value is run or looked up again: Jinja statements, shell syntax
  // and placeholders inside values come out as the text they are.
  const Json f = {{"q", "{{secret}} $(touch /tmp/tb-template-ran) `id` {% import os %}"}, {"secret", "hidden"}};
  EXPECT_EQ(render_template_text("{{q}}", f), "{{secret}} $(touch /tmp/tb-template-ran) `id` {% import os %}");
  EXPECT_EQ(render_template_text("{% for x in range(3) %}{{secret}}{% endfor %}", f),
            "{% for x in range(3) %}hidden{% endfor %}");
  EXPECT_EQ(render_template_text("$(touch /tmp/tb-template-ran){{#q}}`id`{{/q}}", f), "$(touch /tmp/tb-template-ran)`id`");
  EXPECT_FALSE(std::filesystem::exists("/tmp/tb-template-ran"));
}

TEST(PromptTemplate, RequiredAndOptionalColumns) {
  const PromptTemplate t{"t", "", "Be {{tone}}.", "{{question}}{{#context}}\n{{context}}{{/context}}{{^hint}}!{{/hint}}",
                         "{{answer}}"};
  EXPECT_EQ(t.columns(), (std::vector<std::string>{"tone", "question", "context", "hint", "answer"}));
  EXPECT_EQ(t.required_columns(), (std::vector<std::string>{"tone", "question", "answer"}));
  EXPECT_NO_THROW(check_template(t, {"tone", "question", "answer"}));
  try {
    check_template(t, {"question", "answer", "label"});
    FAIL();
  } catch (const tb::Error& e) {
    EXPECT_EQ(e.message(),
              "the template names the column \"tone\", which the data does not have; its columns are: question, answer, "
              "label");
    EXPECT_EQ(e.where().field, "tone");
  }
}

TEST(PromptTemplate, BrokenPlaceholdersNameThePartAndByte) {
  const Json f = Json::object();
  auto message = [&](const std::string& text) {
    try {
      render_template_text(text, f, "completion");
    } catch (const tb::FormatError& e) {
      EXPECT_EQ(e.where().field, "completion");
      return e.message();
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("abc {{name"), "a placeholder opened with {{ at byte 4 is never closed with }}");
  EXPECT_EQ(message("{{ }}"), "an empty or malformed placeholder at byte 0: write {{column}}, {{#column}}...{{/column}} or "
                              "{{^column}}...{{/column}}");
  EXPECT_EQ(message("{{#a}}x"), "the section {{#a}} is never closed with {{/a}}");
  EXPECT_EQ(message("{{#a}}x{{/b}}"), "{{/b}} at byte 7 does not close the open section {{#a}}");
  EXPECT_EQ(message("x{{/b}}"), "{{/b}} at byte 1 closes a section that was never opened");
  EXPECT_THROW(check_template({"t", "", "", " ", "{{a}}"}, {"a"}), tb::Error);  // an empty prompt
}

TEST(PromptTemplate, ApplyBuildsTheConversation) {
  const PromptTemplate t{"t", "", "{{#brand}}Voice of {{brand}}{{/brand}}", "Describe {{name}}", "{{description}}"};
  const Record r{7, {{"name", "Lamp"}, {"description", "A warm light."}}};
  const Example e = apply_template(t, r, "products.csv");
  ASSERT_EQ(e.messages.size(), 2u);  // the system prompt is blank for this row: left out
  EXPECT_EQ(e.messages[0].role, "user");
  EXPECT_EQ(e.messages[0].content, "Describe Lamp");
  EXPECT_EQ(e.messages[1].content, "A warm light.");
  EXPECT_EQ(e.source_line, 7);
  EXPECT_EQ(e.source_file, "products.csv");
}

TEST(PromptTemplate, EveryPresetIsWellFormed) {
  const std::vector<std::string> names = {"summarisation", "translation", "review_rating", "product_description",
                                          "domain_qa", "classification", "entity_extraction"};
  ASSERT_EQ(template_presets().size(), names.size());
  for (const auto& name : names) {
    const PromptTemplate* t = find_template_preset(name);
    ASSERT_NE(t, nullptr) << name;
    EXPECT_FALSE(t->description.empty()) << name;
    EXPECT_NO_THROW(check_template(*t, t->required_columns())) << name;
    EXPECT_FALSE(t->required_columns().empty()) << name;
  }
  EXPECT_EQ(find_template_preset("nope"), nullptr);
}

}  // namespace
