// Epoch orders, micro-batch plans and batch tensors (batcher.h).
#include "core/train/batcher.h"

#include <algorithm>

#include "core/common/error.h"

namespace tb::train {

Batch Batch::to(torch::Device device) const {
  Batch b = *this;
  b.ids = ids.to(device);
  b.labels = labels.to(device);
  b.positions = positions.to(device);
  b.key_valid = key_valid.to(device);
  if (segment_ids.defined()) b.segment_ids = segment_ids.to(device);
  return b;
}

Batch make_batch(const std::vector<data::TokenizedExample>& examples, const MicroBatchRows& rows, std::int64_t pad_id,
                 std::int64_t max_seq_len, bool packed) {
  // 1. Row lengths decide T.
  std::int64_t T = 1;
  for (const auto& row : rows) {
    std::int64_t len = 0;
    for (const auto i : row) {
      if (i < 0 || static_cast<std::size_t>(i) >= examples.size()) throw Error("batch names a missing example");
      len += std::min<std::int64_t>(static_cast<std::int64_t>(examples[static_cast<std::size_t>(i)].ids.size()), max_seq_len);
    }
    T = std::max(T, len);
  }
  const auto B = static_cast<std::int64_t>(rows.size());
  Batch b;
  b.rows = rows;
  b.ids = torch::full({B, T}, pad_id, torch::kInt64);
  b.labels = torch::full({B, T}, kIgnoreLabel, torch::kInt64);
  b.positions = torch::zeros({B, T}, torch::kInt64);
  b.key_valid = torch::zeros({B, T}, torch::kBool);
  if (packed) b.segment_ids = torch::full({B, T}, -1, torch::kInt64);
  auto ids = b.ids.accessor<std::int64_t, 2>();
  auto labels = b.labels.accessor<std::int64_t, 2>();
  auto pos = b.positions.accessor<std::int64_t, 2>();
  auto valid = b.key_valid.accessor<bool, 2>();
  // 2. Each example at its offset in its row; its labels are its own next tokens only, so the
  //    last token of one packed example never predicts the first of the next.
  for (std::int64_t r = 0; r < B; ++r) {
    std::int64_t at = 0, segment = 0;
    for (const auto i : rows[static_cast<std::size_t>(r)]) {
      const auto& e = examples[static_cast<std::size_t>(i)];
      const std::int64_t n = std::min<std::int64_t>(static_cast<std::int64_t>(e.ids.size()), max_seq_len);
      for (std::int64_t t = 0; t < n; ++t) {
        ids[r][at + t] = e.ids[static_cast<std::size_t>(t)];
        pos[r][at + t] = t;
        valid[r][at + t] = true;
        if (t + 1 < n && e.trained[static_cast<std::size_t>(t + 1)] != 0) {
          labels[r][at + t] = e.ids[static_cast<std::size_t>(t + 1)];
          ++b.trained_tokens;
        }
      }
      if (packed) b.segment_ids.select(0, r).narrow(0, at, n).fill_(segment);
      at += n;
      b.tokens += n;
      ++segment;
    }
  }
  return b;
}

torch::Tensor token_losses(const torch::Tensor& logits, const torch::Tensor& labels) {
  // logits: [B, T, V] (any float type; the loss is taken in fp32), labels: [B, T].
  const auto V = logits.size(-1);
  const auto flat = torch::nn::functional::cross_entropy(
      logits.reshape({-1, V}).to(torch::kFloat32), labels.reshape({-1}),
      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreLabel).reduction(torch::kNone));
  return flat.view(labels.sizes());  // [B, T]
}

}  // namespace tb::train
