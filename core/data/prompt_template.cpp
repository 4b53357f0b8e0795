// Prompt templates (see prompt_template.h). The template language is a small subset of
// Mustache: variables and (inverted) sections, no escaping, no partials.
#include "core/data/prompt_template.h"

#include <algorithm>
#include <memory>

#include "core/common/error.h"
#include "core/io/json_file.h"

namespace tb::data {
namespace {

using Json = nlohmann::ordered_json;

struct Node {
  enum class Kind { Text, Variable, Section, Inverted } kind = Kind::Text;
  std::string text;  // Text: the text; others: the column name
  std::vector<Node> children;
};

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

// Parses `text` from `pos` until the end or the closing tag of `open_section`.
// 1. copy text up to the next "{{"; 2. read the tag up to "}}"; 3. a variable becomes a node, a
// section opener recurses, a closer must match the open section.
constexpr int kMaxSectionDepth = 32;

std::vector<Node> parse(const std::string& text, std::size_t& pos, const std::string& open_section,
                        const std::string& part, int depth = 0) {
  if (depth > kMaxSectionDepth) {
    throw FormatError("sections nest deeper than " + std::to_string(kMaxSectionDepth) + " levels", {"", 0, part});
  }
  std::vector<Node> out;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string::npos) {
      out.push_back({Node::Kind::Text, text.substr(pos), {}});
      pos = text.size();
      break;
    }
    if (open > pos) out.push_back({Node::Kind::Text, text.substr(pos, open - pos), {}});
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) {
      throw FormatError("a placeholder opened with {{ at byte " + std::to_string(open) + " is never closed with }}",
                        {"", 0, part});
    }
    const std::string tag = trim(std::string_view(text).substr(open + 2, close - open - 2));
    pos = close + 2;
    const char sigil = tag.empty() ? '\0' : tag[0];
    const std::string name = sigil == '#' || sigil == '^' || sigil == '/' ? trim(tag.substr(1)) : tag;
    if (name.empty() || name.find_first_of("{}") != std::string::npos) {
      throw FormatError("an empty or malformed placeholder at byte " + std::to_string(open) +
                            ": write {{column}}, {{#column}}...{{/column}} or {{^column}}...{{/column}}",
                        {"", 0, part});
    }
    if (sigil == '/') {
      if (name != open_section) {
        throw FormatError("{{/" + name + "}} at byte " + std::to_string(open) +
                              (open_section.empty() ? " closes a section that was never opened"
                                                    : " does not close the open section {{#" + open_section + "}}"),
                          {"", 0, part});
      }
      return out;
    }
    if (sigil == '#' || sigil == '^') {
      Node section{sigil == '#' ? Node::Kind::Section : Node::Kind::Inverted, name, {}};
      section.children = parse(text, pos, name, part, depth + 1);
      out.push_back(std::move(section));
      continue;
    }
    out.push_back({Node::Kind::Variable, name, {}});
  }
  if (!open_section.empty()) {
    throw FormatError("the section {{#" + open_section + "}} is never closed with {{/" + open_section + "}}",
                      {"", 0, part});
  }
  return out;
}

std::vector<Node> parse_all(const std::string& text, const std::string& part) {
  std::size_t pos = 0;
  return parse(text, pos, "", part);
}

// Columns named by `nodes`. With `required_only`, a section's own column (and its uses inside
// that section) are optional: a missing column is an empty one there.
void collect_columns(const std::vector<Node>& nodes, std::vector<std::string>& out, bool required_only,
                     std::vector<std::string>& open_sections) {
  for (const auto& n : nodes) {
    const bool optional = n.kind != Node::Kind::Variable ||
                          std::find(open_sections.begin(), open_sections.end(), n.text) != open_sections.end();
    if (n.kind != Node::Kind::Text && !(required_only && optional) &&
        std::find(out.begin(), out.end(), n.text) == out.end()) {
      out.push_back(n.text);
    }
    if (n.kind == Node::Kind::Section || n.kind == Node::Kind::Inverted) {
      open_sections.push_back(n.text);
      collect_columns(n.children, out, required_only, open_sections);
      open_sections.pop_back();
    }
  }
}

std::vector<std::string> template_columns(const PromptTemplate& t, bool required_only) {
  std::vector<std::string> out, open;
  collect_columns(parse_all(t.system, "system"), out, required_only, open);
  collect_columns(parse_all(t.prompt, "prompt"), out, required_only, open);
  collect_columns(parse_all(t.completion, "completion"), out, required_only, open);
  return out;
}

std::string value_text(const Json& fields, const std::string& name) {
  const auto it = fields.find(name);
  if (it == fields.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  return it->dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool is_empty_value(const Json& fields, const std::string& name) {
  const auto it = fields.find(name);
  if (it == fields.end() || it->is_null()) return true;
  if (it->is_string()) return it->get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos;
  if (it->is_array() || it->is_object()) return it->empty();
  return false;
}

void render(const std::vector<Node>& nodes, const Json& fields, std::string& out) {
  for (const auto& n : nodes) {
    switch (n.kind) {
      case Node::Kind::Text: out += n.text; break;
      case Node::Kind::Variable: out += value_text(fields, n.text); break;
      case Node::Kind::Section:
        if (!is_empty_value(fields, n.text)) render(n.children, fields, out);
        break;
      case Node::Kind::Inverted:
        if (is_empty_value(fields, n.text)) render(n.children, fields, out);
        break;
    }
  }
}

}  // namespace

std::vector<std::string> PromptTemplate::columns() const { return template_columns(*this, false); }
std::vector<std::string> PromptTemplate::required_columns() const { return template_columns(*this, true); }

void check_template(const PromptTemplate& t, const std::vector<std::string>& available) {
  if (t.prompt.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error("the template's prompt is empty: it must say what the model is asked", {"", 0, "prompt"});
  }
  for (const auto& name : t.required_columns()) {
    if (std::find(available.begin(), available.end(), name) != available.end()) continue;
    std::string list;
    for (const auto& c : available) list += (list.empty() ? "" : ", ") + c;
    throw Error("the template names the column \"" + name + "\", which the data does not have; its columns are: " +
                    (list.empty() ? "(none)" : list),
                {"", 0, name});
  }
}

std::string render_template_text(const std::string& text, const Json& fields, const std::string& part) {
  std::string out;
  render(parse_all(text, part), fields, out);
  return out;
}

Example apply_template(const PromptTemplate& t, const Record& record, const std::string& source_file) {
  Example e;
  e.source_file = source_file;
  e.source_line = record.line;
  const std::string system = render_template_text(t.system, record.fields, "system");
  if (system.find_first_not_of(" \t\r\n") != std::string::npos) e.messages.push_back({"system", system});
  e.messages.push_back({"user", render_template_text(t.prompt, record.fields, "prompt")});
  e.messages.push_back({"assistant", render_template_text(t.completion, record.fields, "completion")});
  return e;
}

const std::vector<PromptTemplate>& template_presets() {
  static const std::vector<PromptTemplate> presets = {
      {"summarisation", "Condense a document into a short summary.",
       "You write short, faithful summaries.",
       "Summarise the following text{{#max_words}} in at most {{max_words}} words{{/max_words}}.\n\n{{document}}",
       "{{summary}}"},
      {"translation", "Translate text from one language into another.",
       "You are a careful translator.",
       "Translate from {{source_language}} into {{target_language}}:\n\n{{text}}", "{{translation}}"},
      {"review_rating", "Read a customer review and give its star rating (and a one-line reason, when the data has one).",
       "",
       "Rate this product review from 1 to 5 stars.{{#product}}\nProduct: {{product}}{{/product}}\n\nReview: "
       "{{review}}",
       "{{rating}}{{#reason}}\nReason: {{reason}}{{/reason}}"},
      {"product_description", "Write a product description from its attributes, in the brand's voice.",
       "You write product descriptions for {{brand}}.{{#voice}} Voice: {{voice}}.{{/voice}}",
       "Write a product description.\nName: {{name}}\nAttributes: {{attributes}}", "{{description}}"},
      {"domain_qa", "Answer questions of a field in detail, explaining the reasoning.",
       "You are an expert{{#domain}} in {{domain}}{{/domain}}. Answer in detail and explain your reasoning.",
       "{{question}}{{#context}}\n\nContext:\n{{context}}{{/context}}", "{{answer}}"},
      {"classification", "Put a text into one of a fixed set of labels.",
       "",
       "Classify the text into one of: {{labels}}.\n\nText: {{text}}", "{{label}}"},
      {"entity_extraction", "List the named entities a text mentions.",
       "You extract entities and answer with JSON only.",
       "List the {{#entity_types}}{{entity_types}} {{/entity_types}}entities in this text as JSON.\n\n{{text}}",
       "{{entities}}"},
  };
  return presets;
}

const PromptTemplate* find_template_preset(const std::string& name) {
  for (const auto& t : template_presets()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

PromptTemplate load_prompt_template(const std::string& name_or_path) {
  if (const auto* preset = find_template_preset(name_or_path)) return *preset;
  const auto j = read_json_file(name_or_path);
  PromptTemplate t;
  t.name = name_or_path;
  t.system = j.value("system", "");
  t.prompt = j.value("prompt", "");
  t.completion = j.value("completion", "");
  return t;
}

}  // namespace tb::data
