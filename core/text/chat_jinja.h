// A model's own chat template, rendered by our Jinja engine (core/text/jinja) as transformers'
// apply_chat_template renders it, cut into the segments training needs: the assistant's words
// and their end-of-turn marker are trainable, everything else is not. The cut comes from the
// template's {% generation %} blocks where it has them, else from finding each assistant
// message in the rendered text.
#pragma once

#include <string>
#include <vector>

#include "core/text/chat_format.h"
#include "core/text/jinja/jinja.h"

namespace tb {

struct JinjaChatTokens {
  std::string bos, eos;
};

// Throws tb::jinja::RaisedError when the template refuses the conversation (its own message),
// tb::Error when it fails to render or the assistant's words cannot be found in what it wrote.
std::vector<ChatSegment> jinja_chat_segments(const jinja::Template& t, const std::vector<ChatMessage>& messages,
                                             bool add_generation_prompt, const JinjaChatTokens& tokens);

// Parses `source` and renders a short probe conversation (user, assistant, user, with and
// without a system turn where the template allows one); returns the template when both work,
// else nullptr with `why` saying what failed.
std::shared_ptr<const jinja::Template> usable_chat_template(const std::string& source, const JinjaChatTokens& tokens,
                                                            std::string& why);

}  // namespace tb
