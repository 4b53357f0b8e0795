// One training example as the model will see it before tokenising: a conversation (system,
// user and assistant turns; the assistant turns are what is trained) or a raw text for
// continued pre-training, with its task, label, group and the row it came from.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/text/chat_format.h"

namespace tb::data {

struct Example {
  std::vector<ChatMessage> messages;  // empty for a raw text
  std::string text;                   // the raw text (continued pre-training); empty for chats
  std::string task, label, group;     // optional: for stratified / grouped splits and audits
  std::vector<std::string> tags;      // the curator's tags
  std::string source_file;
  std::int64_t source_line = 0;

  bool is_chat() const { return !messages.empty(); }
  // System and user turns (or the raw text), joined by newlines: what the model is given.
  std::string prompt_text() const;
  // The assistant turns joined by newlines (empty for a raw text): what the model learns.
  std::string completion_text() const;
};

}  // namespace tb::data
