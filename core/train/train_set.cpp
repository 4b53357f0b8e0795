// Tokenizing a split (train_set.h).
#include "core/train/train_set.h"

#include <map>

namespace tb::train {

std::vector<std::int64_t> TrainSet::lengths() const {
  std::vector<std::int64_t> out;
  out.reserve(examples.size());
  for (const auto& e : examples) out.push_back(static_cast<std::int64_t>(e.ids.size()));
  return out;
}

TrainSet tokenize_set(const std::vector<data::Example>& examples, const Tokenizer& tokenizer, const ChatFormat& format,
                      const TrainConfig& config, std::vector<std::string> tasks, TokenizeReport* report) {
  TrainSet set;
  TokenizeReport r;
  std::map<std::string, std::int32_t> index;
  for (std::size_t i = 0; i < tasks.size(); ++i) index[tasks[i]] = static_cast<std::int32_t>(i);
  data::TokenizeOptions options;
  options.train_on_all = config.train_on_all;
  options.max_tokens = config.max_seq_len;
  for (std::size_t i = 0; i < examples.size(); ++i) {
    auto t = data::tokenize_example(examples[i], tokenizer, format, options);
    if (t.truncated > 0) {
      ++r.truncated_examples;
      r.truncated_tokens += t.truncated;
    }
    // The first token is never predicted, so a trained token must have one before it.
    std::int64_t learnable = 0;
    for (std::size_t k = 1; k < t.trained.size(); ++k) learnable += t.trained[k];
    if (learnable == 0) {
      ++r.dropped_untrained;
      continue;
    }
    const auto [it, added] = index.emplace(examples[i].task, static_cast<std::int32_t>(tasks.size()));
    if (added) tasks.push_back(examples[i].task);
    set.task_of.push_back(it->second);
    set.source.push_back(static_cast<std::int64_t>(i));
    set.examples.push_back(std::move(t));
  }
  set.tasks = std::move(tasks);
  r.examples = set.size();
  if (report != nullptr) *report = r;
  return set;
}

}  // namespace tb::train
