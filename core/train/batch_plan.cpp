// Epoch orders, micro-batch plans and step counts (batch_plan.h).
#include "core/train/batch_plan.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <random>

#include "core/common/error.h"

namespace tb::train {
namespace {

// splitmix64: a seed for each (seed, epoch, purpose), so streams never overlap.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Uniform in [0, n) without modulo bias; mt19937_64 output is the same everywhere.
std::uint64_t below(std::mt19937_64& rng, std::uint64_t n) {
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
  std::uint64_t r;
  do r = rng();
  while (r >= limit);
  return r % n;
}

// Fisher–Yates with our own draws (std::shuffle's algorithm differs between libraries).
template <typename T>
void shuffle(std::vector<T>& v, std::mt19937_64& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(rng, i)]);
}

}  // namespace

std::vector<std::int64_t> epoch_order(std::int64_t n, std::uint64_t seed, std::int64_t epoch,
                                      const std::vector<std::int32_t>& task_of, const std::vector<double>& weights) {
  std::mt19937_64 rng(mix(seed ^ mix(static_cast<std::uint64_t>(epoch) + 1)));
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  if (weights.empty()) {
    shuffle(order, rng);
    return order;
  }
  if (task_of.size() != static_cast<std::size_t>(n)) throw Error("one task per example is needed for mixing weights");
  // 1. Each task's examples, and a cursor into a shuffled cycle over them.
  std::vector<std::vector<std::int64_t>> members(weights.size());
  for (std::int64_t i = 0; i < n; ++i) {
    const auto t = task_of[static_cast<std::size_t>(i)];
    if (t < 0 || static_cast<std::size_t>(t) >= weights.size()) throw Error("an example's task has no mixing weight");
    members[static_cast<std::size_t>(t)].push_back(i);
  }
  std::vector<std::size_t> cursor(weights.size(), 0);
  for (auto& m : members) shuffle(m, rng);
  // 2. Cumulative weights of the tasks that have examples.
  std::vector<double> cumulative(weights.size(), 0.0);
  double total = 0;
  for (std::size_t t = 0; t < weights.size(); ++t) {
    if (weights[t] < 0) throw Error("a mixing weight cannot be negative", {"", 0, "weight"});
    total += members[t].empty() ? 0.0 : weights[t];
    cumulative[t] = total;
  }
  if (total <= 0) throw Error("every mixing weight is zero", {"", 0, "weight"});
  // 3. n draws: a task by weight, then its next example (reshuffled when its cycle ends).
  for (std::int64_t i = 0; i < n; ++i) {
    const double u = std::uniform_real_distribution<double>(0.0, total)(rng);
    std::size_t t = static_cast<std::size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin());
    t = std::min(t, weights.size() - 1);
    while (members[t].empty()) t = (t + 1) % weights.size();
    if (cursor[t] == members[t].size()) {
      shuffle(members[t], rng);
      cursor[t] = 0;
    }
    order[static_cast<std::size_t>(i)] = members[t][cursor[t]++];
  }
  return order;
}

std::vector<MicroBatchRows> plan_micro_batches(const std::vector<std::int64_t>& order,
                                               const std::vector<std::int64_t>& lengths, const BatchOptions& o,
                                               std::uint64_t seed) {
  if (o.micro_batch < 1 || o.max_seq_len < 1) throw Error("micro-batch and sequence length must be positive");
  std::vector<MicroBatchRows> batches;
  const auto length = [&](std::int64_t i) { return std::min(lengths[static_cast<std::size_t>(i)], o.max_seq_len); };
  const std::size_t window = static_cast<std::size_t>(o.micro_batch * std::max<std::int64_t>(1, o.bucket_window));
  for (std::size_t begin = 0; begin < order.size(); begin += window) {
    // 1. A window of the order, longest first (stable: ties keep the shuffled order).
    std::vector<std::int64_t> w(order.begin() + static_cast<std::ptrdiff_t>(begin),
                                order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), begin + window)));
    std::stable_sort(w.begin(), w.end(), [&](std::int64_t a, std::int64_t b) { return length(a) > length(b); });
    // 2. Rows: one example each, or packed first-fit decreasing into max_seq_len.
    MicroBatchRows rows;
    if (!o.packing) {
      for (const auto i : w) rows.push_back({i});
    } else {
      std::vector<std::int64_t> room;
      for (const auto i : w) {
        std::size_t r = 0;
        while (r < rows.size() && room[r] < length(i)) ++r;
        if (r == rows.size()) {
          rows.emplace_back();
          room.push_back(o.max_seq_len);
        }
        rows[r].push_back(i);
        room[r] -= length(i);
      }
    }
    // 3. Micro-batches of consecutive rows (similar lengths together).
    for (std::size_t r = 0; r < rows.size(); r += static_cast<std::size_t>(o.micro_batch)) {
      batches.emplace_back(rows.begin() + static_cast<std::ptrdiff_t>(r),
                           rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), r + static_cast<std::size_t>(o.micro_batch))));
    }
  }
  // 4. The micro-batches in a shuffled order, so long and short ones alternate.
  std::mt19937_64 rng(mix(seed ^ 0xB5AD4ECEDA1CE2A9ull ^ mix(order.size())));
  shuffle(batches, rng);
  return batches;
}

std::vector<MicroBatchRows> sequential_micro_batches(std::int64_t n, std::int64_t micro_batch) {
  std::vector<MicroBatchRows> out;
  for (std::int64_t i = 0; i < n; i += micro_batch) {
    MicroBatchRows rows;
    for (std::int64_t j = i; j < std::min(n, i + micro_batch); ++j) rows.push_back({j});
    out.push_back(std::move(rows));
  }
  return out;
}

std::vector<MicroBatchRows> plan_epoch(const TrainConfig& c, const std::vector<std::int64_t>& lengths,
                                       const std::vector<std::int32_t>& task_of, const std::vector<double>& weights,
                                       std::int64_t epoch) {
  const auto order = epoch_order(static_cast<std::int64_t>(lengths.size()), c.seed, epoch,
                                 weights.empty() ? std::vector<std::int32_t>{} : task_of, weights);
  BatchOptions o;
  o.micro_batch = c.micro_batch;
  o.max_seq_len = c.max_seq_len;
  o.packing = c.packing;
  return plan_micro_batches(order, lengths, o, c.seed + static_cast<std::uint64_t>(epoch));
}

std::int64_t count_total_steps(const TrainConfig& c, const std::vector<std::int64_t>& lengths,
                               const std::vector<std::int32_t>& task_of, const std::vector<double>& weights) {
  if (c.max_steps > 0) return c.max_steps;
  std::int64_t micro = 0;
  for (std::int64_t e = 0; e < c.epochs; ++e) micro += static_cast<std::int64_t>(plan_epoch(c, lengths, task_of, weights, e).size());
  return std::max<std::int64_t>(1, (micro + c.grad_accum - 1) / c.grad_accum);
}

}  // namespace tb::train
