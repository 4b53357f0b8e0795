// Chat formats (see chat_format.h). The known templates are the ones these model families
// publish (Qwen2/SmolLM2 ChatML, Llama-2-chat, Llama-3-Instruct, Mistral-7B-Instruct-v0.1,
// Zephyr, Alpaca); tests/parity/make_chat_fixtures.py renders the same strings through
// transformers and test_chat_parity.cpp compares.
#include "core/text/chat_format.h"

#include "core/text/chat_jinja.h"

#include <algorithm>
#include <array>
#include <regex>

#include <nlohmann/json.hpp>

#include "core/common/error.h"

namespace tb {
namespace {

// Known templates, word for word; "{SYSTEM}" stands for a ChatML default system prompt.
const char* const kChatMLDefaultSystem =
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ "
    "'<|im_start|>system\n{SYSTEM}<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + "
    "'\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ "
    "'<|im_start|>assistant\n' }}{% endif %}";
const char* const kChatML =
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + "
    "'<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}"
    "{% endif %}";
const char* const kLlama2 =
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set "
    "system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set "
    "system_message = false %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == "
    "'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate "
    "user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != "
    "false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + "
    "message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if "
    "message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif "
    "message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% "
    "endfor %}";
const char* const kLlama3 =
    "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = "
    "'<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + "
    "'<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ "
    "content }}{% endfor %}{% if add_generation_prompt %}{{ "
    "'<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";
const char* const kMistral =
    "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % "
    "2 == 0) %}{{ raise_exception('Conversation roles must alternate "
    "user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' "
    "+ message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ "
    "message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are "
    "supported!') }}{% endif %}{% endfor %}";
const char* const kZephyr =
    "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + "
    "message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + "
    "message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n{{ "
    "'<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n{% if loop.last and "
    "add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}";
const char* const kAlpaca =
    "{% for message in messages %}{% if message['role'] == 'system' %}{{ message['content'] + "
    "'\n\n' }}{% elif message['role'] == 'user' %}{{ '### Instruction:\n' + message['content'] + "
    "'\n\n' }}{% elif message['role'] == 'assistant' %}{{ '### Response:\n' + message['content'] + "
    "eos_token + '\n\n' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '### "
    "Response:\n' }}{% endif %}";

bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// Compares templates ignoring the difference between a real newline and the escape "\n"
// inside string literals, and trailing whitespace.
std::string canonical(std::string t) {
  std::string out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '\\' && i + 1 < t.size() && t[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      out += t[i];
    }
  }
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out;
}

[[noreturn]] void conversation_error(const std::string& what) { throw Error(what, {"", 0, "messages"}); }

void check_roles(const std::vector<ChatMessage>& messages) {
  for (const auto& m : messages) {
    if (m.role != "system" && m.role != "user" && m.role != "assistant") {
      conversation_error("unknown role \"" + m.role + "\" (system, user and assistant are supported)");
    }
  }
}

// Roles after an optional leading system turn must go user, assistant, user, ...
void check_alternation(const std::vector<ChatMessage>& messages, std::size_t from) {
  for (std::size_t i = from; i < messages.size(); ++i) {
    if ((messages[i].role == "user") != ((i - from) % 2 == 0)) {
      conversation_error("Conversation roles must alternate user/assistant/user/assistant/...");
    }
  }
}

}  // namespace

const char* to_string(ChatFamily family) {
  switch (family) {
    case ChatFamily::ChatML: return "chatml";
    case ChatFamily::Llama2: return "llama2";
    case ChatFamily::Llama3: return "llama3";
    case ChatFamily::Mistral: return "mistral";
    case ChatFamily::Zephyr: return "zephyr";
    case ChatFamily::Alpaca: return "alpaca";
    case ChatFamily::Custom: return "custom";
    case ChatFamily::Jinja: return "jinja";
  }
  return "custom";
}

std::string strip_unicode_whitespace(const std::string& text) {
  // Python's str.isspace() set, as UTF-8 sequences.
  static const std::array<std::string_view, 29> kSpaces = {
      " ", "\t", "\n", "\v", "\f", "\r", "\x1c", "\x1d", "\x1e", "\x1f", "\xc2\x85", "\xc2\xa0",
      "\xe1\x9a\x80", "\xe2\x80\x80", "\xe2\x80\x81", "\xe2\x80\x82", "\xe2\x80\x83", "\xe2\x80\x84",
      "\xe2\x80\x85", "\xe2\x80\x86", "\xe2\x80\x87", "\xe2\x80\x88", "\xe2\x80\x89", "\xe2\x80\x8a",
      "\xe3\x80\x80", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xaf", "\xe2\x81\x9f"};
  auto space_at_front = [](std::string_view s) -> std::size_t {
    for (std::string_view sp : kSpaces) {
      if (s.starts_with(sp)) return sp.size();
    }
    return 0;
  };
  auto space_at_back = [](std::string_view s) -> std::size_t {
    for (std::string_view sp : kSpaces) {
      if (s.ends_with(sp)) return sp.size();
    }
    return 0;
  };
  std::string_view s(text);
  while (const std::size_t n = space_at_front(s)) s.remove_prefix(n);
  while (const std::size_t n = space_at_back(s)) s.remove_suffix(n);
  return std::string(s);
}

ChatFormat recognise_chat_template(const std::string& jinja, const std::string& bos_token,
                                   const std::string& eos_token) {
  ChatFormat f;
  f.bos_token = bos_token;
  f.eos_token = eos_token;
  const std::string t = canonical(jinja);
  if (t.empty()) {
    f.family = ChatFamily::Custom;
    f.warning = "The model has no chat template; using an editable ChatML-style format. Check it "
                "matches how the model was trained.";
    return f;
  }
  // 1. Word-for-word known templates.
  static const std::regex kSystemInChatML(R"(\{\{ '<\|im_start\|>system\n([^']*)<\|im_end\|>\n' \}\})");
  std::smatch m;
  if (std::regex_search(t, m, kSystemInChatML)) {
    std::string with_system = canonical(kChatMLDefaultSystem);
    with_system.replace(with_system.find("{SYSTEM}"), 8, m[1].str());
    if (t == with_system) {
      f.family = ChatFamily::ChatML;
      f.exact = true;
      f.default_system = m[1].str();
      return f;
    }
  }
  const std::pair<const char*, ChatFamily> known[] = {
      {kChatML, ChatFamily::ChatML}, {kLlama2, ChatFamily::Llama2}, {kLlama3, ChatFamily::Llama3},
      {kMistral, ChatFamily::Mistral}, {kZephyr, ChatFamily::Zephyr}, {kAlpaca, ChatFamily::Alpaca}};
  for (const auto& [text, family] : known) {
    if (t == canonical(text)) {
      f.family = family;
      f.exact = true;
      return f;
    }
  }
  // 2. Any other template: the model's own, through our Jinja engine, when it renders a probe
  //    conversation and the assistant's words can be found in it.
  std::string why;
  if (auto tpl = usable_chat_template(jinja, {bos_token, eos_token}, why)) {
    f.family = ChatFamily::Jinja;
    f.exact = true;
    f.jinja = std::move(tpl);
    return f;
  }
  // 3. Recognised by its markers, rendered by the family's rules — with a warning.
  if (contains(t, "<|im_start|>")) {
    f.family = ChatFamily::ChatML;
    if (std::regex_search(t, m, kSystemInChatML)) f.default_system = m[1].str();
  } else if (contains(t, "<|start_header_id|>")) {
    f.family = ChatFamily::Llama3;
  } else if (contains(t, "[INST]") && contains(t, "<<SYS>>")) {
    f.family = ChatFamily::Llama2;
  } else if (contains(t, "[INST]")) {
    f.family = ChatFamily::Mistral;
  } else if (contains(t, "<|user|>") && contains(t, "<|assistant|>")) {
    f.family = ChatFamily::Zephyr;
  } else if (contains(t, "### Instruction") && contains(t, "### Response")) {
    f.family = ChatFamily::Alpaca;
  }
  const std::string reason = " (Tunebench could not render it: " + why + ")";
  if (f.family != ChatFamily::Custom) {
    f.warning = std::string("The model's chat template looks like ") + to_string(f.family) +
                " but is not one Tunebench knows word for word" + reason + "; it is rendered by " +
                to_string(f.family) + " rules. Check the preview against the model card.";
  } else {
    f.warning = "The model's chat template is not one Tunebench recognises" + reason +
                "; using an editable ChatML-style format. Edit it to match how the model was trained.";
  }
  return f;
}

std::vector<ChatSegment> ChatFormat::render_segments(const std::vector<ChatMessage>& messages,
                                                     bool add_generation_prompt) const {
  check_roles(messages);
  if (family == ChatFamily::Jinja && jinja) return jinja_chat_segments(*jinja, messages, add_generation_prompt, {bos_token, eos_token});
  std::vector<ChatSegment> out;
  auto text = [&](std::string s) { out.push_back({std::move(s), false}); };
  auto train = [&](std::string s) { out.push_back({std::move(s), true}); };
  const bool has_system = !messages.empty() && messages[0].role == "system";

  switch (family) {
    case ChatFamily::ChatML:
      for (std::size_t i = 0; i < messages.size(); ++i) {
        if (i == 0 && default_system && !has_system) {
          text("<|im_start|>system\n" + *default_system + "<|im_end|>\n");
        }
        const auto& msg = messages[i];
        text("<|im_start|>" + msg.role + "\n");
        if (msg.role == "assistant") {
          train(msg.content + "<|im_end|>");
          text("\n");
        } else {
          text(msg.content + "<|im_end|>\n");
        }
      }
      if (add_generation_prompt) text("<|im_start|>assistant\n");
      break;

    case ChatFamily::Llama2: {
      const std::size_t from = has_system ? 1 : 0;
      check_alternation(messages, from);
      for (std::size_t i = from; i < messages.size(); ++i) {
        std::string content = messages[i].content;
        if (i == from && has_system) {
          content = "<<SYS>>\n" + messages[0].content + "\n<</SYS>>\n\n" + content;
        }
        if (messages[i].role == "user") {
          text(bos_token + "[INST] " + strip_unicode_whitespace(content) + " [/INST]");
        } else {
          text(" ");
          train(strip_unicode_whitespace(content) + " " + eos_token);
        }
      }
      break;  // this template ignores add_generation_prompt
    }

    case ChatFamily::Llama3:
      for (std::size_t i = 0; i < messages.size(); ++i) {
        const auto& msg = messages[i];
        std::string header = (i == 0 ? bos_token : "") + "<|start_header_id|>" + msg.role + "<|end_header_id|>\n\n";
        if (msg.role == "assistant") {
          text(header);
          train(strip_unicode_whitespace(msg.content) + "<|eot_id|>");
        } else {
          text(header + strip_unicode_whitespace(msg.content) + "<|eot_id|>");
        }
      }
      if (add_generation_prompt) text("<|start_header_id|>assistant<|end_header_id|>\n\n");
      break;

    case ChatFamily::Mistral:
      if (has_system) conversation_error("Only user and assistant roles are supported! (this Mistral format has no system turn)");
      check_alternation(messages, 0);
      text(bos_token);
      for (const auto& msg : messages) {
        if (msg.role == "user") text("[INST] " + msg.content + " [/INST]");
        else train(msg.content + eos_token);
      }
      break;  // this template ignores add_generation_prompt

    case ChatFamily::Zephyr:
      for (std::size_t i = 0; i < messages.size(); ++i) {
        const auto& msg = messages[i];
        if (msg.role == "assistant") {
          text("<|assistant|>\n");
          train(msg.content + eos_token);
          text("\n");
        } else {
          text("<|" + msg.role + "|>\n" + msg.content + eos_token + "\n");
        }
        if (i + 1 == messages.size() && add_generation_prompt) text("<|assistant|>\n");
      }
      break;

    case ChatFamily::Alpaca:
      for (const auto& msg : messages) {
        if (msg.role == "system") {
          text(msg.content + "\n\n");
        } else if (msg.role == "user") {
          text("### Instruction:\n" + msg.content + "\n\n");
        } else {
          text("### Response:\n");
          train(msg.content + eos_token);
          text("\n\n");
        }
      }
      if (add_generation_prompt) text("### Response:\n");
      break;

    case ChatFamily::Jinja:  // without its template (a copy made from JSON): the editable format
    case ChatFamily::Custom:
      if (custom.bos_first) text(bos_token);
      for (const auto& msg : messages) {
        if (msg.role == "system") {
          text(custom.system_prefix + msg.content + custom.system_suffix);
        } else if (msg.role == "user") {
          text(custom.user_prefix + msg.content + custom.user_suffix);
        } else {
          text(custom.assistant_prefix);
          train(msg.content + custom.assistant_suffix);
        }
      }
      if (add_generation_prompt) text(custom.assistant_prefix);
      break;
  }
  return out;
}

std::string ChatFormat::render(const std::vector<ChatMessage>& messages, bool add_generation_prompt) const {
  std::string out;
  for (const auto& s : render_segments(messages, add_generation_prompt)) out += s.text;
  return out;
}

std::string chat_source(const ChatFormat& f) {
  if (f.family == ChatFamily::Jinja) return "the model's own template, rendered by Tunebench's Jinja engine";
  if (f.exact) return "the model's own template, a known one rendered by its family's rules";
  return "a fallback: " + f.warning;
}

std::string chat_preview(const ChatFormat& f) {
  try {
    return f.render({{"user", "What is the capital of France?"}, {"assistant", "Paris."}, {"user", "And of Italy?"}},
                    true);
  } catch (const Error& e) {
    return std::string("(the template refuses this chat: ") + e.what() + ")";
  }
}

void to_json(nlohmann::json& out, const ChatFormat& f) {
  out = {{"family", to_string(f.family)}, {"exact", f.exact}, {"warning", f.warning}, {"source", chat_source(f)},
         {"preview", chat_preview(f)}};
  if (f.default_system) out["default_system"] = *f.default_system;
}

}  // namespace tb
