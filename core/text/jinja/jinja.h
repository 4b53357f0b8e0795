// A Jinja engine for chat templates, written here: what real chat templates use (if/elif/else,
// for with loop variables, else and a filter, set (also on a namespace and as a block), macros,
// break/continue, {% generation %}, whitespace control with transformers' trim_blocks and
// lstrip_blocks, Python's operators, filters, tests and string/dict/list methods,
// raise_exception, strftime_now, namespace, range) so that a model's own template renders as
// transformers' apply_chat_template does. Templates are data: nothing in them reads files or
// runs code (include/import/extends are refused), and rendering stops at a step, depth and
// output limit. Not for general HTML templating: no autoescape, no inheritance.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/common/error.h"

namespace tb::jinja {

struct Stmt;

// raise_exception("...") in a template: the template's own message (e.g. "Conversation roles
// must alternate user/assistant/user/assistant/..."), for the user as it is.
class RaisedError : public Error {
 public:
  using Error::Error;
};

struct RenderLimits {
  std::uint64_t max_steps = 2'000'000;        // expressions and statements evaluated
  std::size_t max_output_bytes = 4u << 20;    // rendered text
  int max_depth = 64;                         // macro calls and nested expressions
  std::optional<std::time_t> now;             // for strftime_now; unset = the current time
};

struct Rendered {
  std::string text;
  // Byte ranges [begin, end) of `text` produced inside {% generation %} blocks.
  std::vector<std::pair<std::size_t, std::size_t>> generation_spans;
};

class Template {
 public:
  // Throws tb::FormatError naming `origin`, the template line and what is wrong.
  static Template parse(const std::string& source, const std::string& origin);

  // `context`: a JSON object of the template's variables (messages, add_generation_prompt,
  // bos_token, ...). Throws RaisedError for raise_exception, tb::Error for anything else that
  // goes wrong (naming the origin and line), including a limit reached.
  Rendered render(const nlohmann::ordered_json& context, const RenderLimits& limits = {}) const;

  bool has_generation_blocks() const { return has_generation_; }
  const std::string& origin() const { return origin_; }

 private:
  std::shared_ptr<const std::vector<std::unique_ptr<Stmt>>> body_;
  std::string origin_;
  bool has_generation_ = false;
};

}  // namespace tb::jinja
