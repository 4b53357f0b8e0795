// Dataset shapes and column mapping (see dataset_format.h).
#include "core/data/dataset_format.h"

#include <algorithm>
#include <map>

#include "core/common/error.h"

namespace tb::data {
namespace {

using Json = nlohmann::ordered_json;

bool has(const std::vector<std::string>& columns, const std::string& name) {
  return std::find(columns.begin(), columns.end(), name) != columns.end();
}

// The first of `names` the data has, or "".
std::string first_of(const std::vector<std::string>& columns, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (has(columns, n)) return n;
  }
  return {};
}

std::string list(const std::vector<std::string>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + c;
  return out.empty() ? "(none)" : out;
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

RowIssue issue(const Record& r, const std::string& file, std::string kind, std::string reason) {
  return {file, r.line, std::move(kind), std::move(reason), {}};
}

// A text field: a string (or absent/null when `optional`); anything else is a wrong type.
std::variant<std::string, RowIssue> text_field(const Record& r, const std::string& name, bool optional,
                                               const std::string& file) {
  const auto it = r.fields.find(name);
  if (it == r.fields.end() || it->is_null()) {
    if (optional) return std::string();
    return issue(r, file, "missing_field", "the field \"" + name + "\" is missing or null");
  }
  if (!it->is_string()) {
    return issue(r, file, "wrong_type", "the field \"" + name + "\" is a " + std::string(it->type_name()) + "; text expected");
  }
  return it->get<std::string>();
}

// A label-like field: text, or a number / boolean written as JSON writes it.
std::string tag_field(const Record& r, const std::string& name) {
  if (name.empty()) return {};
  const auto it = r.fields.find(name);
  if (it == r.fields.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// OpenAI messages [{role, content}] or ShareGPT [{from, value}] -> chat messages.
std::variant<std::vector<ChatMessage>, RowIssue> conversation(const Record& r, const ColumnMapping& m,
                                                              const std::string& file) {
  const auto it = r.fields.find(m.conversation);
  if (it == r.fields.end() || !it->is_array() || it->empty()) {
    return issue(r, file, "bad_conversation", "the field \"" + m.conversation + "\" is not a non-empty list of turns");
  }
  const bool sharegpt = m.format == DatasetFormat::ShareGpt;
  const char* role_key = sharegpt ? "from" : "role";
  const char* text_key = sharegpt ? "value" : "content";
  static const std::map<std::string, std::string> kRoles = {
      {"system", "system"}, {"user", "user"}, {"assistant", "assistant"}, {"human", "user"},
      {"gpt", "assistant"}, {"bot", "assistant"}, {"model", "assistant"}};
  std::vector<ChatMessage> out;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const Json& turn = (*it)[i];
    const std::string where = "turn " + std::to_string(i + 1) + " of \"" + m.conversation + "\"";
    if (!turn.is_object() || !turn.contains(role_key) || !turn.contains(text_key) || !turn[role_key].is_string() ||
        !turn[text_key].is_string()) {
      return issue(r, file, "bad_conversation",
                   where + " needs text fields \"" + role_key + "\" and \"" + text_key + "\"");
    }
    const auto role = kRoles.find(turn[role_key].get<std::string>());
    if (role == kRoles.end()) {
      return issue(r, file, "bad_conversation",
                   where + " has the role \"" + turn[role_key].get<std::string>() +
                       "\"; use system, user or assistant (ShareGPT: human, gpt)");
    }
    out.push_back({role->second, turn[text_key].get<std::string>()});
  }
  if (std::none_of(out.begin(), out.end(), [](const ChatMessage& c) { return c.role == "assistant"; })) {
    return issue(r, file, "empty_completion", "the conversation has no assistant turn to learn from");
  }
  return out;
}

}  // namespace

const char* to_string(DatasetFormat format) {
  switch (format) {
    case DatasetFormat::PromptCompletion: return "prompt_completion";
    case DatasetFormat::Alpaca: return "alpaca";
    case DatasetFormat::Messages: return "messages";
    case DatasetFormat::ShareGpt: return "sharegpt";
    case DatasetFormat::Text: return "text";
    case DatasetFormat::Columns: return "columns";
  }
  return "columns";
}

DatasetFormat dataset_format_from_string(const std::string& name) {
  for (const auto f : {DatasetFormat::PromptCompletion, DatasetFormat::Alpaca, DatasetFormat::Messages,
                       DatasetFormat::ShareGpt, DatasetFormat::Text, DatasetFormat::Columns}) {
    if (name == to_string(f)) return f;
  }
  throw Error("unknown dataset shape \"" + name +
                  "\": use prompt_completion, alpaca, messages, sharegpt, text or columns",
              {"", 0, "format"});
}

ColumnMapping detect_mapping(const std::vector<std::string>& columns, const std::vector<Record>& records) {
  ColumnMapping m;
  m.task = first_of(columns, {"task", "category"});
  m.label = first_of(columns, {"label", "rating", "class"});
  m.group = first_of(columns, {"group", "source_id", "doc_id"});
  m.system = first_of(columns, {"system", "system_prompt"});
  // 1. Conversations: a list of turn objects.
  auto turns_with = [&](const std::string& col, const char* key) {
    for (std::size_t i = 0; i < std::min<std::size_t>(records.size(), 100); ++i) {
      const auto it = records[i].fields.find(col);
      if (it != records[i].fields.end() && it->is_array() && !it->empty() && (*it)[0].is_object() &&
          (*it)[0].contains(key)) {
        return true;
      }
    }
    return false;
  };
  for (const char* col : {"messages", "conversations", "conversation", "chat"}) {
    if (!has(columns, col)) continue;
    if (turns_with(col, "role")) {
      m.format = DatasetFormat::Messages;
      m.conversation = col;
      return m;
    }
    if (turns_with(col, "from")) {
      m.format = DatasetFormat::ShareGpt;
      m.conversation = col;
      return m;
    }
  }
  // 2. Alpaca (and Dolly): instruction, optional input/context, output/response.
  if (has(columns, "instruction")) {
    if (const auto out = first_of(columns, {"output", "response"}); !out.empty()) {
      m.format = DatasetFormat::Alpaca;
      m.prompt = "instruction";
      m.input = first_of(columns, {"input", "context"});
      m.completion = out;
      return m;
    }
  }
  // 3. Prompt / completion pairs under their common names.
  for (const auto& [p, c] : std::vector<std::pair<const char*, const char*>>{
           {"prompt", "completion"}, {"prompt", "response"}, {"question", "answer"},
           {"input", "output"}, {"query", "response"}, {"source", "target"}}) {
    if (has(columns, p) && has(columns, c)) {
      m.format = DatasetFormat::PromptCompletion;
      m.prompt = p;
      m.completion = c;
      return m;
    }
  }
  // 4. Raw text for continued pre-training; else columns through a template.
  if (has(columns, "text") && (columns.size() == 1 || m.label.empty())) {
    m.format = columns.size() == 1 ? DatasetFormat::Text : DatasetFormat::Columns;
    m.text = "text";
  }
  return m;
}

void check_mapping(const ColumnMapping& m, const std::vector<std::string>& columns) {
  auto need = [&](const std::string& name, const char* role) {
    if (!name.empty() && !has(columns, name)) {
      throw Error("the " + std::string(role) + " column \"" + name + "\" is not in the data; its columns are: " +
                      list(columns),
                  {"", 0, name});
    }
  };
  if (m.prompt_template) {
    check_template(*m.prompt_template, columns);
  } else {
    switch (m.format) {
      case DatasetFormat::PromptCompletion:
      case DatasetFormat::Alpaca:
        if (m.prompt.empty() || m.completion.empty()) throw Error("choose the prompt and completion columns", {"", 0, "mapping"});
        need(m.prompt, "prompt");
        need(m.completion, "completion");
        need(m.input, "input");
        break;
      case DatasetFormat::Messages:
      case DatasetFormat::ShareGpt: need(m.conversation, "conversation"); break;
      case DatasetFormat::Text:
        if (m.text.empty()) throw Error("choose the text column", {"", 0, "mapping"});
        need(m.text, "text");
        break;
      case DatasetFormat::Columns:
        throw Error("these columns need a prompt template: choose a preset or write one; the columns are: " +
                        list(columns),
                    {"", 0, "template"});
    }
  }
  need(m.system, "system");
  need(m.task, "task");
  need(m.label, "label");
  need(m.group, "group");
}

std::variant<Example, RowIssue> map_record(const Record& r, const ColumnMapping& m, const std::string& file) {
  Example e;
  if (m.prompt_template) {
    e = apply_template(*m.prompt_template, r, file);
  } else {
    e.source_file = file;
    e.source_line = r.line;
    switch (m.format) {
      case DatasetFormat::Text: {
        auto text = text_field(r, m.text, false, file);
        if (auto* bad = std::get_if<RowIssue>(&text)) return *bad;
        e.text = std::get<std::string>(text);
        if (blank(e.text)) return issue(r, file, "empty_completion", "the text is empty");
        break;
      }
      case DatasetFormat::Messages:
      case DatasetFormat::ShareGpt: {
        auto turns = conversation(r, m, file);
        if (auto* bad = std::get_if<RowIssue>(&turns)) return *bad;
        e.messages = std::get<std::vector<ChatMessage>>(std::move(turns));
        break;
      }
      case DatasetFormat::PromptCompletion:
      case DatasetFormat::Alpaca:
      case DatasetFormat::Columns: {
        auto prompt = text_field(r, m.prompt, false, file);
        if (auto* bad = std::get_if<RowIssue>(&prompt)) return *bad;
        auto completion = text_field(r, m.completion, false, file);
        if (auto* bad = std::get_if<RowIssue>(&completion)) return *bad;
        std::string user = std::get<std::string>(prompt);
        if (!m.input.empty()) {
          auto input = text_field(r, m.input, true, file);
          if (auto* bad = std::get_if<RowIssue>(&input)) return *bad;
          if (!blank(std::get<std::string>(input))) user += "\n\n" + std::get<std::string>(input);
        }
        if (!m.system.empty()) {
          auto system = text_field(r, m.system, true, file);
          if (auto* bad = std::get_if<RowIssue>(&system)) return *bad;
          if (!blank(std::get<std::string>(system))) e.messages.push_back({"system", std::get<std::string>(system)});
        }
        e.messages.push_back({"user", std::move(user)});
        e.messages.push_back({"assistant", std::get<std::string>(completion)});
        break;
      }
    }
  }
  if (e.is_chat() && blank(e.completion_text())) {
    return issue(r, file, "empty_completion", "the completion is empty: there is nothing to learn from this row");
  }
  if (const auto tags = r.fields.find("tags"); tags != r.fields.end() && tags->is_array()) {
    for (const auto& t : *tags) {
      if (t.is_string()) e.tags.push_back(t.get<std::string>());
    }
  }
  e.task = tag_field(r, m.task);
  e.label = tag_field(r, m.label);
  e.group = tag_field(r, m.group);
  return e;
}

}  // namespace tb::data
