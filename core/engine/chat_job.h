// The side-by-side chat behind the Compare step (and the Model step's test prompt): loads the
// base model, and a run's tuned model when the request names one, keeps both cached for the
// next request with the same model and run, and answers one conversation with both at once —
// each side on its own thread, streaming its pieces through `on_token`. Worker thread only.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "core/engine/chat_request.h"

namespace tb {

struct ChatAnswer {
  ChatSide side = ChatSide::Base;
  std::string text;
  std::string stop_reason;
  double tokens_per_s = 0;
};

class ChatModels {
 public:
  ChatModels();
  ~ChatModels();
  ChatModels(const ChatModels&) = delete;
  ChatModels& operator=(const ChatModels&) = delete;

  // Answers `request`: base always, tuned when request.run_dir is set. `on_token` and
  // `on_answer` are called from the answering threads (one per side), never at once for the
  // same side. Throws tb::Error for a model or run that cannot be loaded, or an empty request.
  void answer(const ChatRequest& request, const std::atomic<bool>& cancel,
              const std::function<void(ChatSide, const std::string&)>& on_token,
              const std::function<void(const ChatAnswer&)>& on_answer,
              const std::function<void(const std::string&)>& log);

 private:
  struct Loaded;
  void load(const ChatRequest& request, const std::function<void(const std::string&)>& log);
  std::unique_ptr<Loaded> loaded_;
};

}  // namespace tb
