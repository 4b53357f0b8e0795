// Chat formats: a model's chat template (tokenizer_config.json "chat_template" or GGUF
// tokenizer.chat_template) rendered for system / user / assistant turns exactly as transformers'
// apply_chat_template renders it. Templates we know word for word (ChatML, Llama-2 [INST],
// Llama-3 header tokens, Mistral, Zephyr, Alpaca) use their family's rules; any other runs
// through our Jinja engine (chat_jinja.h). A template the engine cannot render falls back to
// the family its markers suggest, with a visible warning, and an unknown one to an editable
// format, also with a warning — never silently.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace tb {

namespace jinja {
class Template;
}

// Jinja: the model's own template, rendered by our Jinja engine.
enum class ChatFamily { ChatML, Llama2, Llama3, Mistral, Zephyr, Alpaca, Custom, Jinja };

const char* to_string(ChatFamily family);

struct ChatMessage {
  std::string role;  // "system", "user" or "assistant"
  std::string content;
};

// A piece of rendered text; `trainable` marks assistant content and its end-of-turn marker
// (what "train on assistant turns" puts in the loss).
struct ChatSegment {
  std::string text;
  bool trainable = false;
};

// The editable format for templates we do not recognise (prefixes and suffixes per role).
struct CustomChatFormat {
  std::string system_prefix = "<|im_start|>system\n";
  std::string system_suffix = "<|im_end|>\n";
  std::string user_prefix = "<|im_start|>user\n";
  std::string user_suffix = "<|im_end|>\n";
  std::string assistant_prefix = "<|im_start|>assistant\n";
  std::string assistant_suffix = "<|im_end|>\n";
  bool bos_first = false;
};

class ChatFormat {
 public:
  ChatFamily family = ChatFamily::Custom;
  bool exact = false;        // the template is one we know word for word
  std::string warning;       // shown to the user when not exact (empty when exact)
  std::string bos_token;     // texts of the model's special tokens, as the template uses them
  std::string eos_token;
  std::optional<std::string> default_system;  // ChatML templates that add one
  CustomChatFormat custom;
  std::shared_ptr<const jinja::Template> jinja;  // set when family is Jinja

  // Throws tb::Error when the conversation breaks the format's rules (roles that must
  // alternate, a system turn a format has no place for, an unknown role).
  std::vector<ChatSegment> render_segments(const std::vector<ChatMessage>& messages,
                                           bool add_generation_prompt) const;
  std::string render(const std::vector<ChatMessage>& messages, bool add_generation_prompt) const;
};

// `jinja` empty = the model has no template.
ChatFormat recognise_chat_template(const std::string& jinja, const std::string& bos_token,
                                   const std::string& eos_token);

// What a short two-turn chat (a user question, the assistant's answer, the next question with
// the generation prompt) looks like in this format, for the Model step and `inspect`; the
// template's own error message when it refuses it.
std::string chat_preview(const ChatFormat& format);
// How the format is rendered, in words: the model's own template through Jinja, a known
// template by its family's rules, or a fallback.
std::string chat_source(const ChatFormat& format);

// Python's str.strip() / Jinja's trim on UTF-8 text (Unicode whitespace).
std::string strip_unicode_whitespace(const std::string& text);

void to_json(nlohmann::json& out, const ChatFormat& format);

}  // namespace tb
