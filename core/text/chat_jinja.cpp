// Chat templates through the Jinja engine (see chat_jinja.h).
#include "core/text/chat_jinja.h"

#include <nlohmann/json.hpp>

#include "core/common/error.h"

namespace tb {
namespace {

// End-of-turn markers trained with the answer, as the family rules train them.
std::vector<std::string> end_markers(const JinjaChatTokens& tokens) {
  std::vector<std::string> m = {"<|im_end|>", "<|eot_id|>", "<end_of_turn>", "<|end|>", "<|endoftext|>"};
  if (!tokens.eos.empty()) m.insert(m.begin(), tokens.eos);
  return m;
}

nlohmann::ordered_json context_for(const std::vector<ChatMessage>& messages, bool add_generation_prompt,
                                   const JinjaChatTokens& tokens) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& m : messages) list.push_back({{"role", m.role}, {"content", m.content}});
  return {{"messages", list}, {"tools", nullptr}, {"documents", nullptr},
          {"add_generation_prompt", add_generation_prompt}, {"bos_token", tokens.bos}, {"eos_token", tokens.eos}};
}

// Segments from the text and trainable byte ranges (sorted, not overlapping).
std::vector<ChatSegment> cut(const std::string& text, const std::vector<std::pair<std::size_t, std::size_t>>& trained) {
  std::vector<ChatSegment> out;
  std::size_t at = 0;
  for (const auto& [b, e] : trained) {
    if (b > at) out.push_back({text.substr(at, b - at), false});
    if (e > b) out.push_back({text.substr(b, e - b), true});
    at = e;
  }
  if (at < text.size()) out.push_back({text.substr(at), false});
  return out;
}

// Where message `content` was written, from `from` on: as it is, stripped, or (for a reasoning
// model's template that moves the thinking elsewhere) the part after the last "</think>".
std::pair<std::size_t, std::size_t> locate(const std::string& text, const std::string& content, std::size_t from) {
  std::vector<std::string> forms = {content, strip_unicode_whitespace(content)};
  if (const auto think = content.rfind("</think>"); think != std::string::npos) {
    forms.push_back(strip_unicode_whitespace(content.substr(think + 8)));
  }
  for (const auto& f : forms) {
    if (f.empty()) continue;
    if (const auto at = text.find(f, from); at != std::string::npos) return {at, at + f.size()};
  }
  return {std::string::npos, std::string::npos};
}

}  // namespace

std::vector<ChatSegment> jinja_chat_segments(const jinja::Template& t, const std::vector<ChatMessage>& messages,
                                             bool add_generation_prompt, const JinjaChatTokens& tokens) {
  const jinja::Rendered r = t.render(context_for(messages, add_generation_prompt, tokens));
  // 1. The template marks what is generated: use its spans.
  if (t.has_generation_blocks()) return cut(r.text, r.generation_spans);
  // 2. Else find each message in turn; an assistant's words and the end marker after them train.
  std::vector<std::pair<std::size_t, std::size_t>> trained;
  std::size_t cursor = 0;
  const auto markers = end_markers(tokens);
  for (const auto& m : messages) {
    const auto [b, e] = locate(r.text, m.content, cursor);
    if (b == std::string::npos) {
      if (m.role != "assistant" || m.content.empty()) continue;  // a template may drop a system turn
      throw Error("the chat template does not write the assistant's answer as given, so the tokens to train "
                  "on cannot be found", {t.origin(), 0, "chat_template"});
    }
    std::size_t end = e;
    if (m.role == "assistant") {
      for (const auto& marker : markers) {
        if (r.text.compare(e, marker.size(), marker) == 0) {
          end = e + marker.size();
          break;
        }
      }
      trained.emplace_back(b, end);
    }
    cursor = end;
  }
  return cut(r.text, trained);
}

std::shared_ptr<const jinja::Template> usable_chat_template(const std::string& source, const JinjaChatTokens& tokens,
                                                            std::string& why) {
  try {
    auto t = std::make_shared<const jinja::Template>(jinja::Template::parse(source, "chat_template"));
    const std::vector<ChatMessage> probe = {{"user", "Hello there."}, {"assistant", "Hi! How can I help?"},
                                            {"user", "Name a colour."}};
    (void)jinja_chat_segments(*t, probe, true, tokens);
    std::vector<ChatMessage> answered(probe.begin(), probe.begin() + 2);
    const auto segments = jinja_chat_segments(*t, answered, false, tokens);
    bool trains = false;
    for (const auto& s : segments) trains = trains || (s.trainable && s.text.find("Hi! How can I help?") != std::string::npos);
    if (!trains) {
      why = "the assistant's answer is not where the template writes it";
      return nullptr;
    }
    return t;
  } catch (const Error& e) {
    why = e.what();
    return nullptr;
  }
}

}  // namespace tb
