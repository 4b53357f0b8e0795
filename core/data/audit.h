// The dataset audit: exact duplicates (normalised text) and near-duplicates (MinHash + LSH over
// word shingles) within and ACROSS splits (leakage), empty or too-short completions, lengths in
// tokens with the share cut at the maximum length, label balance, and a PII scan. Every finding
// names its examples (and so their file and line). Not for reading or splitting.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/data/example.h"
#include "core/data/minhash.h"
#include "core/data/split.h"
#include "core/text/tokenizer.h"

namespace tb::data {

struct AuditOptions {
  MinHashParams near = lsh_params_for(0.8);  // 3-word shingles, 21 bands of 6
  std::int64_t min_completion_words = 2;  // shorter is reported, unless it is the example's label
  std::int64_t max_tokens = 2048;      // the training cut-off: longer examples are truncated
  bool scan_pii = true;
};

struct NearDuplicate {
  std::int64_t a = 0, b = 0;  // example indices, a < b
  double jaccard = 0;
};

struct LengthHistogram {
  std::string unit;                    // "tokens" (with a tokenizer) or "words"
  std::vector<std::int64_t> edges;     // bin i holds lengths in [edges[i], edges[i+1])
  std::vector<std::int64_t> counts;
  std::int64_t max_length = 0;
  double mean = 0;
  std::int64_t over_max = 0;           // examples longer than AuditOptions::max_tokens
};

struct AuditReport {
  std::int64_t examples = 0;
  std::array<std::int64_t, 3> per_split{};
  // Groups of two or more examples with the same normalised prompt and completion.
  std::vector<std::vector<std::int64_t>> exact_duplicate_groups;
  std::int64_t exact_duplicates = 0;   // copies beyond the first of each group
  std::vector<NearDuplicate> near_duplicates;  // not exact duplicates of each other
  // Leakage: exact groups spanning splits and near pairs across splits.
  std::int64_t leaking_exact_groups = 0;
  std::vector<NearDuplicate> leaking_near_pairs;
  std::vector<std::int64_t> leak_drop;  // validation / test examples whose removal ends all leakage
  std::vector<std::int64_t> empty_completions, short_completions;
  LengthHistogram lengths;
  std::map<std::string, std::int64_t> label_counts;
  std::map<std::string, std::int64_t> pii_counts;              // by kind
  std::map<std::string, std::vector<std::int64_t>> pii_examples;  // first 100 examples per kind
};

// `splits`: one per example (empty = all train). `tokenizer` and `format` may be null: lengths
// are then counted in words. `progress(fraction)` may return false to cancel (throws
// tb::Error "cancelled").
AuditReport audit_examples(const std::vector<Example>& examples, const std::vector<Split>& splits,
                           const AuditOptions& options, const Tokenizer* tokenizer = nullptr,
                           const ChatFormat* format = nullptr, const std::function<bool(double)>& progress = {});

// The report as JSON; example indices become {"file", "line", "split"} where examples are given.
nlohmann::ordered_json audit_to_json(const AuditReport& report, const std::vector<Example>& examples,
                                     const std::vector<Split>& splits);

}  // namespace tb::data
