// The dataset audit (see audit.h).
#include "core/data/audit.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "core/common/error.h"
#include "core/data/pii_scan.h"
#include "core/data/text_normalize.h"
#include "core/data/tokenize_example.h"

namespace tb::data {
namespace {

Split split_at(const std::vector<Split>& splits, std::int64_t i) {
  return splits.empty() ? Split::Train : splits[static_cast<std::size_t>(i)];
}

// The text an example is compared by: its prompt and completion.
std::string comparable_text(const Example& e) { return e.prompt_text() + "\n" + e.completion_text(); }

// `normalized`: the example's comparable text, normalised (counted in words without a tokenizer).
std::int64_t length_of(const Example& e, const std::string& normalized, const Tokenizer* tokenizer,
                       const ChatFormat* format) {
  if (tokenizer == nullptr) return static_cast<std::int64_t>(words_of(normalized).size());
  static const ChatFormat kPlain;  // the editable default when no chat format is given
  return static_cast<std::int64_t>(tokenize_example(e, *tokenizer, format != nullptr ? *format : kPlain).ids.size());
}

// Bin edges 0, 16, 32, 64, ... doubling up past the longest example (and past max_tokens).
LengthHistogram histogram(const std::vector<std::int64_t>& lengths, std::int64_t max_tokens, std::string unit) {
  LengthHistogram h;
  h.unit = std::move(unit);
  h.max_length = lengths.empty() ? 0 : *std::max_element(lengths.begin(), lengths.end());
  h.edges = {0, 16};
  while (h.edges.back() <= std::max(h.max_length, max_tokens)) h.edges.push_back(h.edges.back() * 2);
  h.counts.assign(h.edges.size() - 1, 0);
  double sum = 0;
  for (const auto n : lengths) {
    const auto bin = std::upper_bound(h.edges.begin(), h.edges.end(), n) - h.edges.begin() - 1;
    ++h.counts[static_cast<std::size_t>(bin)];
    sum += static_cast<double>(n);
    if (n > max_tokens) ++h.over_max;
  }
  h.mean = lengths.empty() ? 0 : sum / static_cast<double>(lengths.size());
  return h;
}

}  // namespace

AuditReport audit_examples(const std::vector<Example>& examples, const std::vector<Split>& splits,
                           const AuditOptions& o, const Tokenizer* tokenizer, const ChatFormat* format,
                           const std::function<bool(double)>& progress) {
  if (!splits.empty() && splits.size() != examples.size()) throw Error("one split per example expected", {"", 0, "split"});
  const auto n = static_cast<std::int64_t>(examples.size());
  auto tick = [&](double fraction) {
    if (progress && !progress(fraction)) throw Error("the audit was cancelled");
  };
  AuditReport r;
  r.examples = n;
  r.per_split = count_splits(splits.empty() ? std::vector<Split>(examples.size(), Split::Train) : splits);
  // 1. Per example: normalised text and its hash, completion length, PII, token length.
  std::vector<std::string> norm(examples.size());
  std::vector<std::int64_t> lengths(examples.size());
  for (std::int64_t i = 0; i < n; ++i) {
    const Example& e = examples[static_cast<std::size_t>(i)];
    norm[static_cast<std::size_t>(i)] = normalize_for_dedup(comparable_text(e));
    if (e.is_chat()) {
      const auto words = words_of(normalize_for_dedup(e.completion_text())).size();
      if (words == 0) r.empty_completions.push_back(i);
      // A label as the whole answer (classification, ratings) is short on purpose.
      else if (static_cast<std::int64_t>(words) < o.min_completion_words && e.completion_text() != e.label) {
        r.short_completions.push_back(i);
      }
    }
    if (!e.label.empty()) ++r.label_counts[e.label];
    if (o.scan_pii) {
      std::map<std::string, bool> seen;
      for (const auto& text : {e.prompt_text(), e.completion_text()}) {
        for (const PiiMatch& m : scan_pii(text)) {
          const std::string kind = pii_kind_name(m.kind);
          ++r.pii_counts[kind];
          auto& rows = r.pii_examples[kind];
          if (!seen[kind] && rows.size() < 100) rows.push_back(i);
          seen[kind] = true;
        }
      }
    }
    lengths[static_cast<std::size_t>(i)] = length_of(e, norm[static_cast<std::size_t>(i)], tokenizer, format);
    if ((i & 1023) == 0) tick(0.6 * static_cast<double>(i) / static_cast<double>(std::max<std::int64_t>(n, 1)));
  }
  r.lengths = histogram(lengths, o.max_tokens, tokenizer != nullptr ? "tokens" : "words");
  // 2. Exact duplicates: equal normalised texts (hashed, then compared).
  std::unordered_map<std::uint64_t, std::vector<std::int64_t>> by_hash;
  for (std::int64_t i = 0; i < n; ++i) by_hash[hash64(norm[static_cast<std::size_t>(i)])].push_back(i);
  std::vector<std::int64_t> group_of(examples.size(), -1);
  for (auto& [h, members] : by_hash) {
    if (members.size() < 2) continue;
    std::map<std::string_view, std::vector<std::int64_t>> exact;  // splits hash collisions apart
    for (const auto i : members) exact[norm[static_cast<std::size_t>(i)]].push_back(i);
    for (auto& [text, group] : exact) {
      if (group.size() >= 2) r.exact_duplicate_groups.push_back(group);
    }
  }
  std::sort(r.exact_duplicate_groups.begin(), r.exact_duplicate_groups.end());
  for (std::size_t g = 0; g < r.exact_duplicate_groups.size(); ++g) {
    for (const auto i : r.exact_duplicate_groups[g]) group_of[static_cast<std::size_t>(i)] = static_cast<std::int64_t>(g);
    r.exact_duplicates += static_cast<std::int64_t>(r.exact_duplicate_groups[g].size()) - 1;
  }
  auto members = [&](std::int64_t i) {
    const auto g = group_of[static_cast<std::size_t>(i)];
    return g < 0 ? std::vector<std::int64_t>{i} : r.exact_duplicate_groups[static_cast<std::size_t>(g)];
  };
  tick(0.7);
  // 3. Near-duplicates among one representative per exact group (the first member) and the
  //    examples without a twin: LSH candidates verified by Jaccard.
  NearDuplicateIndex index(o.near);
  for (std::int64_t i = 0; i < n; ++i) {
    const auto g = group_of[static_cast<std::size_t>(i)];
    if (g >= 0 && r.exact_duplicate_groups[static_cast<std::size_t>(g)].front() != i) continue;
    index.add(i, static_cast<int>(split_at(splits, i)), shingle_hashes(norm[static_cast<std::size_t>(i)], o.near.shingle_words));
  }
  tick(0.9);
  // 4. Leakage. Content shared across splits stays only in the earliest split it is in (train,
  //    then validation, then test): an exact group is one piece of content, and so are two
  //    near-duplicate groups together.
  std::vector<bool> drop(examples.size(), false);
  auto keep_earliest = [&](const std::vector<std::int64_t>& all) {
    Split first = Split::Test;
    for (const auto i : all) first = std::min(first, split_at(splits, i));
    for (const auto i : all) {
      if (split_at(splits, i) != first) drop[static_cast<std::size_t>(i)] = true;
    }
    return first;
  };
  for (const auto& group : r.exact_duplicate_groups) {
    const Split first = keep_earliest(group);
    if (std::any_of(group.begin(), group.end(), [&](std::int64_t i) { return split_at(splits, i) != first; })) {
      ++r.leaking_exact_groups;
    }
  }
  for (const NearDuplicatePair& p : index.find_pairs()) {
    r.near_duplicates.push_back({p.a, p.b, p.jaccard});
    const auto ma = members(p.a), mb = members(p.b);
    std::vector<std::int64_t> all = ma;
    all.insert(all.end(), mb.begin(), mb.end());
    const Split first = keep_earliest(all);
    // A leaking pair: one side in the earliest split, the other side (the other group) not.
    const auto in = [&](const std::vector<std::int64_t>& m, bool earliest) -> std::int64_t {
      for (const auto i : m) {
        if ((split_at(splits, i) == first) == earliest) return i;
      }
      return -1;
    };
    for (const auto& [keep_side, other_side] : {std::pair{&ma, &mb}, std::pair{&mb, &ma}}) {
      const auto x = in(*keep_side, true), y = in(*other_side, false);
      if (x >= 0 && y >= 0) {
        r.leaking_near_pairs.push_back({std::min(x, y), std::max(x, y), p.jaccard});
        break;
      }
    }
  }
  for (std::int64_t i = 0; i < n; ++i) {
    if (drop[static_cast<std::size_t>(i)]) r.leak_drop.push_back(i);
  }
  tick(1.0);
  return r;
}

nlohmann::ordered_json audit_to_json(const AuditReport& r, const std::vector<Example>& examples,
                                     const std::vector<Split>& splits) {
  using Json = nlohmann::ordered_json;
  auto where = [&](std::int64_t i) {
    Json w = {{"example", i}};
    if (i >= 0 && i < static_cast<std::int64_t>(examples.size())) {
      w["file"] = examples[static_cast<std::size_t>(i)].source_file;
      w["line"] = examples[static_cast<std::size_t>(i)].source_line;
    }
    w["split"] = to_string(split_at(splits, i));
    return w;
  };
  auto rows = [&](const std::vector<std::int64_t>& list) {
    Json out = Json::array();
    for (const auto i : list) out.push_back(where(i));
    return out;
  };
  auto pairs = [&](const std::vector<NearDuplicate>& list) {
    Json out = Json::array();
    for (const auto& p : list) out.push_back({{"a", where(p.a)}, {"b", where(p.b)}, {"jaccard", p.jaccard}});
    return out;
  };
  Json groups = Json::array();
  for (const auto& g : r.exact_duplicate_groups) groups.push_back(rows(g));
  Json pii = Json::object();
  for (const auto& [kind, count] : r.pii_counts) pii[kind] = {{"count", count}, {"examples", rows(r.pii_examples.at(kind))}};
  return {
      {"examples", r.examples},
      {"splits", {{"train", r.per_split[0]}, {"validation", r.per_split[1]}, {"test", r.per_split[2]}}},
      {"duplicates", {{"count", r.exact_duplicates}, {"groups", groups}}},
      {"near_duplicates", {{"count", r.near_duplicates.size()}, {"pairs", pairs(r.near_duplicates)}}},
      {"leakage",
       {{"exact_groups", r.leaking_exact_groups},
        {"near_pairs", pairs(r.leaking_near_pairs)},
        {"drop_from_validation_and_test", rows(r.leak_drop)}}},
      {"empty_completions", rows(r.empty_completions)},
      {"short_completions", rows(r.short_completions)},
      {"length_histogram",
       {{"unit", r.lengths.unit},
        {"edges", r.lengths.edges},
        {"counts", r.lengths.counts},
        {"max", r.lengths.max_length},
        {"mean", r.lengths.mean},
        {"over_max", r.lengths.over_max}}},
      {"labels", r.label_counts},
      {"pii", pii},
  };
}

}  // namespace tb::data
