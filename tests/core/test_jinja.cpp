// The Jinja engine's own rules, where parity with Jinja2 is not the point or is checked by hand:
// the limits (steps, output, macro depth) that keep a template from running forever, refused
// statements (include, import), errors that name the template line, Jinja2's scoping (a `set`
// in a loop stays there; a namespace carries it out), Python's printing of values, whitespace
// control, and {% generation %} spans.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/text/jinja/jinja.h"

namespace {

std::string render(const std::string& source, const nlohmann::ordered_json& context = nlohmann::ordered_json::object(),
                   const tb::jinja::RenderLimits& limits = {}) {
  return tb::jinja::Template::parse(source, "t.jinja").render(context, limits).text;
}

std::string error_of(const std::string& source, const tb::jinja::RenderLimits& limits = {}) {
  try {
    render(source, nlohmann::ordered_json::object(), limits);
  } catch (const tb::Error& e) {
    return e.what();
  }
  return "";
}

TEST(Jinja, PrintsValuesAsPython) {
  EXPECT_EQ(render("{{ none }} {{ true }} {{ 1.0 }} {{ 0.1 }} {{ 1e-05 }} {{ 1e16 }} {{ 7 // 2 }} {{ 1 / 4 }}"),
            "None True 1.0 0.1 1e-05 1e+16 3 0.25");
  EXPECT_EQ(render("{{ ['a', 1, none] }} {{ {'k': \"it's\"} }} {{ (1,) }} {{ undefined_name }}|"),
            "['a', 1, None] {'k': \"it's\"} (1,) |");
  EXPECT_EQ(render("{{ 2 + 3 }} {{ 2 * 3 }} {{ 2 - 3 }} {{ 2 ** 10 }} {{ -7 % 3 }} {{ -(-4) }}"), "5 6 -1 1024 2 4");
  // Python would carry on into big integers; we stop with an error, never overflow.
  EXPECT_NE(error_of("{{ 9223372036854775807 + 1 }}").find("too large"), std::string::npos);
  EXPECT_NE(error_of("{{ 2 ** 63 }}").find("too large"), std::string::npos);
  EXPECT_EQ(render("{{ {'a': [1, 'é']} | tojson }} {{ {'a': 1} | tojson(indent=2) }}"),
            "{\"a\": [1, \"é\"]} {\n  \"a\": 1\n}");
}

TEST(Jinja, ScopingLikeJinja2) {
  // A set inside a loop does not leak out; a namespace carries values out.
  EXPECT_EQ(render("{% set x = 1 %}{% for i in [1, 2] %}{% set x = i %}{% endfor %}{{ x }}"), "1");
  EXPECT_EQ(render("{% set ns = namespace(x=1) %}{% for i in [1, 2] %}{% set ns.x = i %}{% endfor %}{{ ns.x }}"), "2");
  EXPECT_EQ(render("{% if true %}{% set y = 'in if' %}{% endif %}{{ y }}"), "in if");
  EXPECT_NE(error_of("{% set d = {} %}{% set d.x = 1 %}").find("only a namespace's attributes can be set"), std::string::npos);
}

TEST(Jinja, WhitespaceControlAsTransformersSetsIt) {
  // trim_blocks drops the newline after a block tag; lstrip_blocks the indentation before it.
  EXPECT_EQ(render("{% if true %}\n  a\n  {% endif %}\nb"), "  a\nb");
  EXPECT_EQ(render("x  {{- ' y ' -}}  z"), "x y z");
  EXPECT_EQ(render("  {%+ if true %}k{% endif +%}\nz"), "  k\nz");
  EXPECT_EQ(render("a\n"), "a");  // one final newline is dropped, as Jinja2 does
  EXPECT_EQ(render("{# note #}\nb{% raw %}{{ x }}{% endraw %}"), "b{{ x }}");
}

TEST(Jinja, GenerationSpansAreBytes) {
  const auto t = tb::jinja::Template::parse("é{% generation %}ab{% endgeneration %}c{% generation %}{% endgeneration %}", "t");
  EXPECT_TRUE(t.has_generation_blocks());
  const auto r = t.render(nlohmann::ordered_json::object());
  EXPECT_EQ(r.text, "éabc");
  ASSERT_EQ(r.generation_spans.size(), 2u);
  EXPECT_EQ(r.generation_spans[0], (std::pair<std::size_t, std::size_t>{2, 4}));
  EXPECT_EQ(r.generation_spans[1], (std::pair<std::size_t, std::size_t>{5, 5}));
}

TEST(Jinja, TemplatesAreDataAndStopAtTheirLimits) {
  tb::jinja::RenderLimits small;
  small.max_steps = 10000;
  EXPECT_NE(error_of("{% for i in range(1000000) %}{{ i }}{% endfor %}", small).find("ran past 10000 steps"),
            std::string::npos);
  small.max_output_bytes = 100;
  EXPECT_NE(error_of("{% for i in range(1000) %}xxxxxxxxxx{% endfor %}", small).find("more than 100 bytes"),
            std::string::npos);
  EXPECT_NE(error_of("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}").find("too deeply"), std::string::npos);
  EXPECT_NE(error_of("{{ 'x' * 100000000 }}", small).find("more than 100 bytes"), std::string::npos);
  for (const char* refused : {"{% include 'x.jinja' %}", "{% import 'x' as y %}", "{% extends 'base' %}"}) {
    try {
      tb::jinja::Template::parse(refused, "t.jinja");
      FAIL() << refused;
    } catch (const tb::FormatError& e) {
      EXPECT_NE(std::string(e.what()).find("may not read other files"), std::string::npos) << e.what();
    }
  }
  EXPECT_NE(error_of("{{ [1].append(2) }}").find("cannot be changed"), std::string::npos);
}

TEST(Jinja, ErrorsNameTheLine) {
  EXPECT_NE(error_of("a\n{{ message.content }}").find("'message' is undefined"), std::string::npos);
  EXPECT_NE(error_of("a\n{{ message.content }}").find("template line 2"), std::string::npos);
  EXPECT_NE(error_of("{{ 'a' | no_such_filter }}").find("unknown filter 'no_such_filter' (template line 1)"),
            std::string::npos);
  try {
    tb::jinja::Template::parse("{% if x %}\nno end", "t.jinja");
    FAIL();
  } catch (const tb::FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("missing {% endif %}"), std::string::npos) << e.what();
  }
  try {
    render("{{ raise_exception('Roles must alternate') }}");
    FAIL();
  } catch (const tb::jinja::RaisedError& e) {
    EXPECT_NE(std::string(e.what()).find("Roles must alternate"), std::string::npos);
  }
  EXPECT_EQ(render("{{ strftime_now is defined }} {{ strftime_now('%Y') | length }}"), "True 4");
}

}  // namespace
