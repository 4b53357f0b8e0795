// Loss and generation evaluations (evaluation.h).
#include "core/train/evaluation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/error.h"

namespace tb::train {

LossEval evaluate_loss(const Model& model, const LoraAdapter* adapter, const TrainSet& set, const LossOptions& options,
                       const std::atomic<bool>* cancel) {
  torch::NoGradGuard no_grad;
  LossEval out;
  const std::int64_t n = options.max_examples > 0 ? std::min(options.max_examples, set.size()) : set.size();
  const std::int64_t pad = model.config().padding_id();
  // 1. Shortest first, so each micro-batch pads little.
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    return set.examples[static_cast<std::size_t>(a)].ids.size() < set.examples[static_cast<std::size_t>(b)].ids.size();
  });
  std::vector<double> task_sum(std::max<std::size_t>(1, set.tasks.size()), 0.0);
  std::vector<std::int64_t> task_tokens(task_sum.size(), 0);
  double sum = 0;
  for (std::int64_t i = 0; i < n; i += options.micro_batch) {
    if (cancel != nullptr && cancel->load()) break;
    MicroBatchRows rows;
    for (std::int64_t j = i; j < std::min(n, i + options.micro_batch); ++j) rows.push_back({order[static_cast<std::size_t>(j)]});
    const Batch b = make_batch(set.examples, rows, pad, options.max_seq_len, false).to(model.device());
    ForwardOptions o;
    o.lora = adapter;
    if (b.tokens < b.ids.numel()) o.key_valid = b.key_valid;
    const auto logits = model.forward(b.ids, b.positions, o);  // [B, T, V]
    // 2. Per-row sums of token losses; each row is one example (and one task).
    const auto losses = token_losses(logits, b.labels).sum(1).to(torch::kCPU);  // [B]
    const auto counts = (b.labels != kIgnoreLabel).sum(1).to(torch::kCPU);      // [B]
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const double l = losses[static_cast<std::int64_t>(r)].item<double>();
      const auto c = counts[static_cast<std::int64_t>(r)].item<std::int64_t>();
      const auto example = static_cast<std::size_t>(rows[r][0]);
      const std::size_t task = set.task_of.empty() ? 0 : static_cast<std::size_t>(set.task_of[example]);
      sum += l;
      out.trained_tokens += c;
      task_sum[task] += l;
      task_tokens[task] += c;
      ++out.examples;
    }
  }
  out.loss = out.trained_tokens > 0 ? sum / static_cast<double>(out.trained_tokens) : std::nan("");
  out.perplexity = std::exp(out.loss);
  for (std::size_t t = 0; t < set.tasks.size(); ++t) {
    if (task_tokens[t] > 0) out.per_task.emplace_back(set.tasks[t], task_sum[t] / static_cast<double>(task_tokens[t]));
  }
  return out;
}

std::optional<std::pair<std::vector<ChatMessage>, std::string>> prompt_and_reference(const data::Example& e) {
  for (std::size_t i = e.messages.size(); i-- > 0;) {
    if (e.messages[i].role != "assistant") continue;
    std::vector<ChatMessage> prompt(e.messages.begin(), e.messages.begin() + static_cast<std::ptrdiff_t>(i));
    if (prompt.empty()) return std::nullopt;
    return std::make_pair(std::move(prompt), e.messages[i].content);
  }
  return std::nullopt;
}

GenerationEval evaluate_generations(const std::shared_ptr<const Model>& model, const LoraAdapter* adapter,
                                    const std::vector<data::Example>& examples, std::int64_t max_examples,
                                    const GenerationParams& params, const std::atomic<bool>* cancel,
                                    const std::function<void(std::int64_t, std::int64_t)>& progress) {
  const auto start = std::chrono::steady_clock::now();
  GenerationSession session(model, adapter);
  // 1. The examples that can be asked.
  std::vector<std::int64_t> chosen;
  for (std::size_t i = 0; i < examples.size(); ++i) {
    if (max_examples > 0 && static_cast<std::int64_t>(chosen.size()) >= max_examples) break;
    if (prompt_and_reference(examples[i])) chosen.push_back(static_cast<std::int64_t>(i));
  }
  // 2. One greedy answer each.
  GenerationEval out;
  std::vector<std::string> predictions, references;
  for (const auto i : chosen) {
    if (cancel != nullptr && cancel->load()) break;
    const auto [prompt, reference] = *prompt_and_reference(examples[static_cast<std::size_t>(i)]);
    const auto result = session.generate(session.chat_prompt(prompt), params, {}, cancel);
    out.answers.push_back({i, prompt.back().content, reference, result.text});
    predictions.push_back(result.text);
    references.push_back(reference);
    if (progress) progress(static_cast<std::int64_t>(out.answers.size()), static_cast<std::int64_t>(chosen.size()));
  }
  // 3. Scores over the answers given.
  out.scores = score_texts(predictions, references);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

std::vector<data::Example> load_probe_texts(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open the probe file", {path.string()});
  std::vector<data::Example> out;
  const bool jsonl = path.extension() == ".jsonl";
  std::string line, paragraph;
  std::int64_t number = 0;
  const auto flush = [&] {
    if (paragraph.find_first_not_of(" \t\r\n") == std::string::npos) return;
    data::Example e;
    e.text = paragraph;
    e.source_file = path.string();
    e.source_line = number;
    out.push_back(std::move(e));
  };
  while (std::getline(in, line)) {
    ++number;
    if (jsonl) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(line);
      } catch (const nlohmann::json::exception&) {
        throw FormatError("not valid JSON; each line must be {\"text\": \"...\"}", {path.string(), number});
      }
      if (!j.is_object() || !j.contains("text") || !j["text"].is_string()) {
        throw FormatError("each line needs a \"text\" string", {path.string(), number, "text"});
      }
      paragraph = j["text"].get<std::string>();
      flush();
      continue;
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      flush();
      paragraph.clear();
    } else {
      paragraph += (paragraph.empty() ? "" : "\n") + line;
    }
  }
  if (!jsonl) flush();
  if (out.empty()) throw FormatError("the probe file has no texts", {path.string()});
  return out;
}

}  // namespace tb::train
