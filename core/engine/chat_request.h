// A side-by-side chat request: one conversation answered by the base model and, when a run is
// named, by that run's tuned model, with the same sampling settings — both streamed at once.
// Plain values (no libtorch), so the GUI can fill them in; chat_job.h runs them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/text/chat_format.h"

namespace tb {

struct ChatSampling {
  std::int64_t max_new_tokens = 200;
  double temperature = 0.0;      // 0 = greedy
  std::int64_t top_k = 0;        // 0 = off
  double top_p = 1.0;            // 1 = off
  double repetition_penalty = 1.0;
  std::uint64_t seed = 0;
};

struct ChatRequest {
  std::string model = "demo";        // the project's model: "demo", a Hugging Face folder or a .gguf
  std::string run_dir;               // a finished run: its tuned model answers too; "" = base only
  std::int64_t step = -1;            // a checkpoint of the run's last stage; -1 = its final weights
  std::vector<ChatMessage> messages; // the conversation so far, ending with the user's turn
  ChatSampling sampling;
};

// Which model an answer comes from.
enum class ChatSide { Base = 0, Tuned = 1 };

}  // namespace tb
