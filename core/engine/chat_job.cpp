// ChatModels (see chat_job.h).
#include "core/engine/chat_job.h"

#include <exception>
#include <thread>

#include "core/common/error.h"
#include "core/engine/locations.h"
#include "core/engine/run_eval.h"
#include "core/engine/run_setup.h"
#include "core/model/generation.h"
#include "core/train/training_session.h"

namespace tb {

struct ChatModels::Loaded {
  std::string model;   // the request's model and run this was loaded for
  std::string run_dir;
  std::int64_t step = -1;
  std::shared_ptr<const Model> base;
  std::shared_ptr<train::TrainingSession> session;  // holds the adapter or the trained weights
  std::shared_ptr<const Model> tuned;               // full / freeze runs: the trained model
};

ChatModels::ChatModels() = default;
ChatModels::~ChatModels() = default;

void ChatModels::load(const ChatRequest& request, const std::function<void(const std::string&)>& log) {
  if (loaded_ && loaded_->model == request.model && loaded_->run_dir == request.run_dir && loaded_->step == request.step) {
    return;
  }
  loaded_.reset();  // free the previous models before loading others
  auto loaded = std::make_unique<Loaded>();
  loaded->model = request.model;
  loaded->run_dir = request.run_dir;
  loaded->step = request.step;
  if (!request.run_dir.empty()) {
    // 1. A run: its base and its trained result, as the run left them.
    if (log) log("loading the run " + request.run_dir);
    auto restored = restore_run(request.run_dir, request.step, log);
    loaded->base = std::move(restored.base);
    loaded->session = std::move(restored.session);
    if (loaded->session->adapter() == nullptr) loaded->tuned = loaded->session->tuned_model();
  } else {
    // 2. The base model alone.
    const std::filesystem::path path = request.model.empty() || request.model == "demo"
                                           ? Locations::from_environment().existing_demo_model()
                                           : std::filesystem::path(request.model);
    LoadOptions options;
    options.device = torch::Device(resolve_device("auto"));  // the GPU when there is one
    if (log) log("loading " + path.string() + " on " + options.device.str());
    loaded->base = Model::load(path, options);
  }
  loaded_ = std::move(loaded);
}

void ChatModels::answer(const ChatRequest& request, const std::atomic<bool>& cancel,
                        const std::function<void(ChatSide, const std::string&)>& on_token,
                        const std::function<void(const ChatAnswer&)>& on_answer,
                        const std::function<void(const std::string&)>& log) {
  if (request.messages.empty() || request.messages.back().role != "user") {
    throw Error("a chat request ends with the user's message");
  }
  load(request, log);
  GenerationParams params;
  params.max_new_tokens = request.sampling.max_new_tokens;
  params.temperature = request.sampling.temperature;
  params.top_k = request.sampling.top_k;
  params.top_p = request.sampling.top_p;
  params.repetition_penalty = request.sampling.repetition_penalty;
  params.seed = request.sampling.seed;

  // 1. One generation session per side: base without adapter; tuned with the run's adapter (same
  //    base weights, in memory once) or the run's trained model.
  struct Side {
    ChatSide side;
    std::unique_ptr<GenerationSession> session;
    std::exception_ptr error;
  };
  std::vector<Side> sides;
  sides.push_back({ChatSide::Base, std::make_unique<GenerationSession>(loaded_->base), nullptr});
  if (loaded_->session) {
    auto session = loaded_->tuned ? std::make_unique<GenerationSession>(loaded_->tuned)
                                  : std::make_unique<GenerationSession>(loaded_->base, loaded_->session->adapter());
    sides.push_back({ChatSide::Tuned, std::move(session), nullptr});
  }
  // 2. Both answer at once, each on its own thread (grad mode is per thread; generate() turns it off).
  auto run_side = [&](Side& s) {
    try {
      const auto prompt = s.session->chat_prompt(request.messages);
      const auto result = s.session->generate(
          prompt, params,
          [&](TokenId, const std::string& text) {
            if (on_token) on_token(s.side, text);
            return !cancel.load();
          },
          &cancel);
      if (on_answer) on_answer({s.side, result.text, result.stop_reason, result.decode_tokens_per_s()});
    } catch (...) {
      s.error = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < sides.size(); ++i) threads.emplace_back(run_side, std::ref(sides[i]));
  run_side(sides[0]);
  for (auto& t : threads) t.join();
  // 3. The first failure, if any, fails the job.
  for (const auto& s : sides) {
    if (s.error) std::rethrow_exception(s.error);
  }
}

}  // namespace tb
