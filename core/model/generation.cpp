// Generation (see generation.h). Sampling follows transformers' logits processors in their
// default order: repetition penalty, then temperature, top-k, top-p, min-p.
#include "core/model/generation.h"

#include <chrono>

#include "core/common/error.h"
#include "core/model/kv_cache.h"

namespace tb {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

double GenerationResult::prefill_tokens_per_s() const {
  return prefill_seconds > 0 ? static_cast<double>(prompt_tokens) / prefill_seconds : 0.0;
}
double GenerationResult::decode_tokens_per_s() const {
  return decode_seconds > 0 ? static_cast<double>(tokens.size()) / decode_seconds : 0.0;
}

torch::Tensor sample_next(const torch::Tensor& logits_in, const torch::Tensor& seen, const GenerationParams& p,
                          torch::Generator& generator) {
  auto logits = logits_in.to(torch::kFloat32).clone();  // [B, V]
  // 1. Repetition penalty on every token already in the sequence.
  if (p.repetition_penalty != 1.0 && seen.defined() && seen.numel() > 0) {
    auto picked = logits.gather(1, seen);
    picked = torch::where(picked < 0, picked * p.repetition_penalty, picked / p.repetition_penalty);
    logits.scatter_(1, seen, picked);
  }
  if (p.temperature <= 0) return logits.argmax(-1);  // greedy
  // 2. Temperature, then the warpers, each setting the removed logits to -inf.
  logits = logits / p.temperature;
  const float neg_inf = -std::numeric_limits<float>::infinity();
  if (p.top_k > 0 && p.top_k < logits.size(-1)) {
    const auto kth = std::get<0>(logits.topk(p.top_k, -1)).narrow(-1, p.top_k - 1, 1);  // [B, 1]
    logits = logits.masked_fill(logits < kth, neg_inf);
  }
  if (p.top_p < 1.0) {
    // Keep the smallest set whose probability reaches top_p (transformers: remove the ascending
    // cumulative mass <= 1 - top_p, always keeping the most likely token).
    const auto [sorted, index] = logits.sort(-1, /*descending=*/false);
    const auto cumulative = sorted.softmax(-1).cumsum(-1);
    auto remove_sorted = cumulative <= (1.0 - p.top_p);
    remove_sorted.narrow(-1, remove_sorted.size(-1) - 1, 1).fill_(false);
    const auto remove = remove_sorted.scatter(1, index, remove_sorted);
    logits = logits.masked_fill(remove, neg_inf);
  }
  if (p.min_p > 0) {
    const auto probs = logits.softmax(-1);
    const auto threshold = probs.amax(-1, true) * p.min_p;  // [B, 1]
    logits = logits.masked_fill(probs < threshold, neg_inf);
  }
  // 3. Draw from the remaining distribution.
  return torch::multinomial(logits.softmax(-1), 1, false, generator).squeeze(-1);
}

GenerationSession::GenerationSession(std::shared_ptr<const Model> model, const LoraAdapter* adapter, bool use_cache)
    : model_(std::move(model)), adapter_(adapter), use_cache_(use_cache) {}

std::vector<TokenId> GenerationSession::stop_ids() const {
  std::vector<TokenId> ids;
  for (auto id : model_->config().eos_token_ids) ids.push_back(static_cast<TokenId>(id));
  const Tokenizer& t = model_->tokenizer();
  if (t.special().eos) ids.push_back(*t.special().eos);
  for (const char* end : {"<|im_end|>", "<|eot_id|>", "<|end_of_text|>"}) {
    if (const auto id = t.token_id(end); id && t.is_special(*id)) ids.push_back(*id);
  }
  return ids;
}

std::vector<TokenId> GenerationSession::chat_prompt(const std::vector<ChatMessage>& messages) const {
  const Tokenizer& t = model_->tokenizer();
  const std::string text = model_->chat_format().render(messages, /*add_generation_prompt=*/true);
  std::vector<TokenId> ids;
  if (needs_bos(t, text)) ids.push_back(*t.special().bos);
  const auto body = t.encode(text);
  ids.insert(ids.end(), body.begin(), body.end());
  return ids;
}

GenerationResult GenerationSession::generate(const std::vector<TokenId>& prompt, const GenerationParams& params,
                                             const TokenCallback& on_token, const std::atomic<bool>* cancel) {
  return generate_batch({prompt}, params, on_token, cancel).front();
}

std::vector<GenerationResult> GenerationSession::generate_batch(const std::vector<std::vector<TokenId>>& prompts,
                                                                const GenerationParams& params,
                                                                const TokenCallback& on_token,
                                                                const std::atomic<bool>* cancel) {
  torch::NoGradGuard no_grad;
  const ModelConfig& c = model_->config();
  const auto device = model_->device();
  const auto B = static_cast<std::int64_t>(prompts.size());
  if (B == 0) return {};
  std::int64_t longest = 0;
  for (const auto& p : prompts) {
    if (p.empty()) throw Error("a prompt is empty; give at least one token", {"", 0, "prompt"});
    longest = std::max<std::int64_t>(longest, static_cast<std::int64_t>(p.size()));
  }
  if (params.max_new_tokens < 0) throw Error("max new tokens must not be negative", {"", 0, "max_new_tokens"});
  const std::int64_t total = longest + params.max_new_tokens;

  // 1. Left-pad the prompts: ids [B, L], valid [B, L]; positions count real tokens only.
  const TokenId pad = model_->tokenizer().special().pad.value_or(0);
  auto ids = torch::full({B, longest}, pad, torch::kInt64);
  auto valid = torch::zeros({B, longest}, torch::kBool);
  for (std::int64_t b = 0; b < B; ++b) {
    const auto& p = prompts[static_cast<std::size_t>(b)];
    const std::int64_t offset = longest - static_cast<std::int64_t>(p.size());
    for (std::size_t i = 0; i < p.size(); ++i) ids[b][offset + static_cast<std::int64_t>(i)] = p[i];
    valid.narrow(0, b, 1).narrow(1, offset, static_cast<std::int64_t>(p.size())).fill_(true);
  }
  ids = ids.to(device);
  valid = valid.to(device);
  auto positions = (valid.to(torch::kInt64).cumsum(1) - 1).clamp_min(0);  // [B, L]
  const bool padded = !valid.all().item<bool>();

  std::vector<GenerationResult> results(static_cast<std::size_t>(B));
  for (std::int64_t b = 0; b < B; ++b) results[static_cast<std::size_t>(b)].prompt_tokens = static_cast<std::int64_t>(prompts[static_cast<std::size_t>(b)].size());
  const auto stops = stop_ids();
  auto generator = torch::make_generator<at::CPUGeneratorImpl>(params.seed);
  std::vector<bool> done(static_cast<std::size_t>(B), false);
  std::vector<StreamingDecoder> streams;
  for (std::int64_t b = 0; b < B; ++b) streams.emplace_back(model_->tokenizer(), /*skip_special=*/true);

  std::unique_ptr<KvCache> cache;
  ForwardOptions fo;
  fo.lora = adapter_;
  fo.last_position_only = true;
  if (use_cache_) {
    cache = std::make_unique<KvCache>(c, B, total, model_->dtype(), device);
    cache->key_valid().narrow(1, 0, longest).copy_(valid);
    cache->set_has_padding(padded);
    fo.cache = cache.get();
  } else if (padded) {
    fo.key_valid = valid;
  }

  // 2. Prefill, then one token at a time. The whole sequence so far is kept only where it is
  //    read: by the repetition penalty, and by the path without a cache.
  const bool keep_ids = params.repetition_penalty != 1.0 || !use_cache_;
  auto all_ids = ids;          // [B, L + generated]
  auto all_valid = valid;
  auto next_positions = positions.amax(1, true) + 1;  // [B, 1]
  auto t0 = Clock::now();
  auto logits = model_->forward(ids, positions, fo).select(1, 0);  // [B, V]
  const double prefill = seconds_since(t0);
  t0 = Clock::now();
  for (std::int64_t step = 0; step < params.max_new_tokens; ++step) {
    const auto seen = params.repetition_penalty != 1.0 ? all_ids : torch::Tensor();  // [B, S]
    const auto next = sample_next(logits, seen, params, generator).to(torch::kCPU);  // [B]
    bool all_done = true;
    for (std::int64_t b = 0; b < B; ++b) {
      auto& r = results[static_cast<std::size_t>(b)];
      if (done[static_cast<std::size_t>(b)]) continue;
      const auto token = static_cast<TokenId>(next[b].item<std::int64_t>());
      if (params.stop_at_eos && std::find(stops.begin(), stops.end(), token) != stops.end()) {
        done[static_cast<std::size_t>(b)] = true;
        r.stop_reason = "eos";
        continue;
      }
      r.tokens.push_back(token);
      const std::string piece = streams[static_cast<std::size_t>(b)].push(token);
      r.text += piece;
      for (const auto& s : params.stop_strings) {
        if (const auto at = r.text.find(s); !s.empty() && at != std::string::npos) {
          r.text.erase(at);
          done[static_cast<std::size_t>(b)] = true;
          r.stop_reason = "stop_string";
        }
      }
      if (b == 0 && on_token && !on_token(token, piece)) {
        done[0] = true;
        r.stop_reason = "cancelled";
      }
      all_done = all_done && done[static_cast<std::size_t>(b)];
    }
    if (cancel != nullptr && cancel->load()) {
      for (std::int64_t b = 0; b < B; ++b) {
        if (!done[static_cast<std::size_t>(b)]) results[static_cast<std::size_t>(b)].stop_reason = "cancelled";
        done[static_cast<std::size_t>(b)] = true;
      }
      all_done = true;
    }
    if (all_done || step + 1 == params.max_new_tokens) break;
    // 3. Feed the sampled tokens (finished rows keep feeding, their output is ignored).
    const auto step_ids = next.view({B, 1}).to(device);
    if (keep_ids) all_ids = torch::cat({all_ids, step_ids}, 1);
    if (use_cache_) {
      logits = model_->forward(step_ids, next_positions, fo).select(1, 0);
    } else {
      all_valid = torch::cat({all_valid, torch::ones({B, 1}, all_valid.options())}, 1);
      ForwardOptions full = fo;
      if (padded) full.key_valid = all_valid;
      const auto all_positions = (all_valid.to(torch::kInt64).cumsum(1) - 1).clamp_min(0);
      logits = model_->forward(all_ids, all_positions, full).select(1, 0);
    }
    next_positions = next_positions + 1;
  }
  const double decode = seconds_since(t0);
  for (std::int64_t b = 0; b < B; ++b) {
    auto& r = results[static_cast<std::size_t>(b)];
    if (r.stop_reason.empty()) r.stop_reason = "max_new_tokens";
    r.text += streams[static_cast<std::size_t>(b)].finish();
    r.prefill_seconds = prefill;
    r.decode_seconds = decode;
  }
  return results;
}

}  // namespace tb
