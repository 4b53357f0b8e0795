// Example helpers (see example.h).
#include "core/data/example.h"

namespace tb::data {
namespace {

std::string join_roles(const std::vector<ChatMessage>& messages, bool assistant) {
  std::string out;
  for (const auto& m : messages) {
    if ((m.role == "assistant") != assistant) continue;
    if (!out.empty()) out += '\n';
    out += m.content;
  }
  return out;
}

}  // namespace

std::string Example::prompt_text() const { return is_chat() ? join_roles(messages, false) : text; }
std::string Example::completion_text() const { return join_roles(messages, true); }

}  // namespace tb::data
