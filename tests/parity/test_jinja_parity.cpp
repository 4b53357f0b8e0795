// Our Jinja engine against Jinja2 as transformers runs chat templates: for every template in
// tests/data/chat_templates and the demo GGUF's own, over every conversation and variable set
// of make_jinja_fixtures.py, the rendered text is byte-identical, the {% generation %} spans are
// the same bytes, and where the template refuses the conversation with raise_exception we
// raise with the same message.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/text/jinja/jinja.h"
#include "tests/common/test_paths.h"

namespace {

namespace fs = std::filesystem;
const fs::path kOut = fs::path(tb_test::parity_out()) / "jinja";

TEST(JinjaParity, EveryTemplateRendersAsTransformers) {
  std::ifstream templates_in(kOut / "templates.json");
  const auto sources = nlohmann::json::parse(templates_in);
  std::map<std::string, tb::jinja::Template> templates;
  for (const auto& [name, source] : sources.items()) {
    templates.emplace(name, tb::jinja::Template::parse(source.get<std::string>(), name + ".jinja"));
  }
  ASSERT_GE(templates.size(), 7u);
  std::ifstream in(kOut / "cases.jsonl");
  std::string line;
  int cases = 0, rendered = 0, refused = 0, with_spans = 0;
  while (std::getline(in, line)) {
    const auto c = nlohmann::ordered_json::parse(line);
    const std::string label = c["template"].get<std::string>() + " / " + c["conversation"].get<std::string>() +
                              " / " + c["context"].dump().substr(0, 160);
    ++cases;
    const auto& t = templates.at(c["template"].get<std::string>());
    if (c.contains("error")) {
      // raise_exception gives the template's message; anything else Jinja2 stops on (a type
      // error, tojson of an undefined value) stops us too, with our own sentence.
      const bool raised = c["error_type"] == "TemplateError";
      try {
        t.render(c["context"]);
        ADD_FAILURE() << label << ": rendered, but Jinja2 raised: " << c["error"];
      } catch (const tb::jinja::RaisedError& e) {
        EXPECT_TRUE(raised) << label << ": " << e.what();
        EXPECT_NE(std::string(e.what()).find(c["error"].get<std::string>()), std::string::npos) << label << ": " << e.what();
        ++refused;
      } catch (const tb::Error& e) {
        EXPECT_FALSE(raised) << label << ": " << e.what() << " (Jinja2: " << c["error"] << ")";
        ++refused;
      }
      continue;
    }
    try {
      const auto r = t.render(c["context"]);
      EXPECT_EQ(r.text, c["text"].get<std::string>()) << label;
      std::vector<std::pair<std::size_t, std::size_t>> want;
      for (const auto& s : c["spans"]) want.emplace_back(s[0].get<std::size_t>(), s[1].get<std::size_t>());
      if (t.has_generation_blocks()) {
        EXPECT_EQ(r.generation_spans, want) << label;
        with_spans += want.empty() ? 0 : 1;
      }
      ++rendered;
    } catch (const tb::Error& e) {
      ADD_FAILURE() << label << ": " << e.what();
    }
  }
  std::cout << cases << " cases: " << rendered << " rendered, " << refused << " refused as Jinja2 refuses, "
            << with_spans << " with generation spans\n";
  EXPECT_GE(cases, 200);
  EXPECT_GE(refused, 5);
  EXPECT_GE(with_spans, 5);
}

}  // namespace
