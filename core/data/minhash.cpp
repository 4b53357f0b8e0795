// MinHash with LSH banding (see minhash.h), after Broder, "On the resemblance and containment
// of documents" (1997), and Leskovec, Rajaraman & Ullman, "Mining of Massive Datasets",
// §3.4: with b bands of r rows, two sets of Jaccard s share at least one band with
// probability 1 - (1 - s^r)^b. The defaults (b = 32, r = 4) miss a pair at s = 0.8 with
// probability (1 - 0.8^4)^32 ≈ 5e-8 and at s = 0.7 with ≈ 1.5e-4; every candidate is then
// verified exactly, so nothing below the threshold is ever reported. The audit uses
// lsh_params_for() instead (21 bands of 6 at 0.8: a pair at 0.8 is missed with probability
// 0.0017, and texts that are merely alike become candidates far less often).
#include "core/data/minhash.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/data/text_normalize.h"

namespace tb::data {
namespace {

constexpr int kMaxShingleWords = 16;
constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ull;

void check_shingle_words(int shingle_words) {
  if (shingle_words < 1 || shingle_words > kMaxShingleWords) {
    throw std::invalid_argument("MinHashParams.shingle_words must be between 1 and 16 (got " +
                                std::to_string(shingle_words) + ").");
  }
}

// The hash family: member i maps a shingle hash x to the high 32 bits of a_i * y + b_i, where
// y = mix64(x ^ premix) and premix, a_i (odd) and b_i come from a splitmix64 sequence seeded
// with params.seed. Multiply-add-shift is Dietzfelbinger's universal family ("Universal
// hashing and k-wise independent random variables via integer arithmetic without primes",
// STACS 1996); y is already well mixed, so the members act as independent random hash
// functions, which is what MinHash needs (ties between two shingles at 32 bits: ~2^-32).
void make_family(const MinHashParams& params, std::uint64_t& premix,
                 std::vector<std::uint64_t>& multipliers, std::vector<std::uint64_t>& offsets) {
  std::uint64_t state = params.seed;
  auto next = [&state] {
    state += kGolden;
    return mix64(state);
  };
  premix = next();
  multipliers.clear();
  offsets.clear();
  for (int i = 0; i < params.num_hashes; ++i) {
    multipliers.push_back(next() | 1);
    offsets.push_back(next());
  }
}

std::vector<std::uint32_t> signature_with(const std::vector<std::uint64_t>& shingles,
                                          std::uint64_t premix,
                                          const std::vector<std::uint64_t>& multipliers,
                                          const std::vector<std::uint64_t>& offsets) {
  constexpr std::uint32_t kEmpty = std::numeric_limits<std::uint32_t>::max();
  auto member = [](std::uint64_t a, std::uint64_t b, std::uint64_t y) {
    return static_cast<std::uint32_t>((a * y + b) >> 32);
  };
  // 1. Pre-mix every shingle once with the seed.
  std::vector<std::uint64_t> mixed(shingles.size());
  for (std::size_t k = 0; k < shingles.size(); ++k) mixed[k] = mix64(shingles[k] ^ premix);
  // 2. Per member, the minimum over the shingles, four members at a time so that the four
  //    running minima are independent chains (the loop is bound by multiplies, not latency).
  const std::size_t n = multipliers.size();
  const std::uint64_t* a = multipliers.data();
  const std::uint64_t* b = offsets.data();
  std::vector<std::uint32_t> signature(n, kEmpty);
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    std::uint32_t m0 = kEmpty, m1 = kEmpty, m2 = kEmpty, m3 = kEmpty;
    for (const std::uint64_t y : mixed) {
      m0 = std::min(m0, member(a[i], b[i], y));
      m1 = std::min(m1, member(a[i + 1], b[i + 1], y));
      m2 = std::min(m2, member(a[i + 2], b[i + 2], y));
      m3 = std::min(m3, member(a[i + 3], b[i + 3], y));
    }
    signature[i] = m0;
    signature[i + 1] = m1;
    signature[i + 2] = m2;
    signature[i + 3] = m3;
  }
  // 3. The last num_hashes % 4 members one by one.
  for (; i < n; ++i) {
    for (const std::uint64_t y : mixed)
      signature[i] = std::min(signature[i], member(a[i], b[i], y));
  }
  return signature;
}

// Sorts (key, set) entries by key, stably: a least-significant-digit radix sort, eight bits a
// pass. Only equal keys need to end up together, but a full sort is as cheap as any grouping.
void radix_sort_by_key(std::vector<std::pair<std::uint64_t, std::uint32_t>>& entries,
                       std::vector<std::pair<std::uint64_t, std::uint32_t>>& scratch) {
  scratch.resize(entries.size());
  for (int shift = 0; shift < 64; shift += 8) {
    std::size_t count[257] = {};
    for (const auto& e : entries) ++count[((e.first >> shift) & 0xFF) + 1];
    for (int d = 0; d < 256; ++d) count[d + 1] += count[d];
    for (const auto& e : entries) scratch[count[(e.first >> shift) & 0xFF]++] = e;
    entries.swap(scratch);
  }
}

// The identity of a whole (sorted, unique) set, for spotting identical sets.
std::uint64_t set_hash(const std::vector<std::uint64_t>& set) {
  std::uint64_t h = mix64(kGolden ^ set.size());
  for (const std::uint64_t x : set) h = mix64(h ^ x);
  return h;
}

struct SetPair {
  std::uint32_t first;
  std::uint32_t second;
  double jaccard;
};

}  // namespace

void validate_minhash_params(const MinHashParams& params) {
  check_shingle_words(params.shingle_words);
  if (params.num_hashes < 1) {
    throw std::invalid_argument("MinHashParams.num_hashes must be at least 1 (got " +
                                std::to_string(params.num_hashes) + ").");
  }
  if (params.bands < 1 || params.num_hashes % params.bands != 0) {
    throw std::invalid_argument("MinHashParams.bands must be at least 1 and divide num_hashes (" +
                                std::to_string(params.num_hashes) + "); got " +
                                std::to_string(params.bands) + ".");
  }
  // Written so that NaN fails too.
  if (!(params.threshold > 0.0 && params.threshold <= 1.0)) {
    throw std::invalid_argument("MinHashParams.threshold must be in (0, 1] (got " +
                                std::to_string(params.threshold) + ").");
  }
}

std::vector<std::uint64_t> shingle_hashes(std::string_view normalized_text, int shingle_words) {
  check_shingle_words(shingle_words);
  // 1. Words; with none there is nothing to shingle.
  const std::vector<std::string_view> words = words_of(normalized_text);
  if (words.empty()) return {};
  const std::size_t k = std::min(words.size(), static_cast<std::size_t>(shingle_words));
  // 2. In a normalised text the words are single-spaced, so a shingle is the stretch of text
  //    from its first word to its last; otherwise the words are joined into a buffer.
  std::size_t letters = 0;
  for (const std::string_view word : words) letters += word.size();
  const bool single_spaced = letters + words.size() - 1 == normalized_text.size();
  std::vector<std::uint64_t> hashes;
  hashes.reserve(words.size() - k + 1);
  std::string joined;
  for (std::size_t i = 0; i + k <= words.size(); ++i) {
    const char* begin = words[i].data();
    const char* end = words[i + k - 1].data() + words[i + k - 1].size();
    if (single_spaced) {
      hashes.push_back(hash64(std::string_view(begin, static_cast<std::size_t>(end - begin))));
    } else {
      joined.clear();
      for (std::size_t j = i; j < i + k; ++j) {
        if (j > i) joined.push_back(' ');
        joined.append(words[j]);
      }
      hashes.push_back(hash64(joined));
    }
  }
  // 3. A set: sorted, repeats dropped.
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  return hashes;
}

std::vector<std::uint32_t> minhash_signature(const std::vector<std::uint64_t>& shingles,
                                             const MinHashParams& params) {
  validate_minhash_params(params);
  std::uint64_t premix = 0;
  std::vector<std::uint64_t> multipliers, offsets;
  make_family(params, premix, multipliers, offsets);
  return signature_with(shingles, premix, multipliers, offsets);
}

double jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  if (a.empty() && b.empty()) return 0.0;
  std::size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

NearDuplicateIndex::NearDuplicateIndex(MinHashParams params) : params_(params) {
  validate_minhash_params(params_);
  rows_ = params_.num_hashes / params_.bands;
  make_family(params_, premix_, multipliers_, offsets_);
}

void NearDuplicateIndex::add(std::int64_t id, int group, std::vector<std::uint64_t> shingles) {
  // 1. Ids are unique: a pair (a, b) must name two documents.
  if (!ids_.insert(id).second) {
    throw std::invalid_argument("NearDuplicateIndex: document id " + std::to_string(id) +
                                " was added twice.");
  }
  // 2. A set: sorted, repeats dropped (already so when it comes from shingle_hashes).
  if (std::adjacent_find(shingles.begin(), shingles.end(), [](std::uint64_t x, std::uint64_t y) {
        return x >= y;
      }) != shingles.end()) {
    std::sort(shingles.begin(), shingles.end());
    shingles.erase(std::unique(shingles.begin(), shingles.end()), shingles.end());
  }
  if (shingles.empty()) {
    docs_.push_back({id, group, kNoSet});
    return;
  }
  // 3. Identical sets share one entry: LSH and verification then run once per distinct set,
  //    and find_pairs expands the entry to all pairs of its documents (Jaccard 1). So 10,000
  //    copies of one text cost one signature and no bucket work, only their output.
  const std::uint64_t identity = set_hash(shingles);
  const auto [first, last] = set_by_hash_.equal_range(identity);
  for (auto it = first; it != last; ++it) {
    if (sets_[it->second] == shingles) {
      docs_.push_back({id, group, it->second});
      return;
    }
  }
  if (sets_.size() >= kNoSet) {
    throw std::length_error("NearDuplicateIndex: too many distinct documents.");
  }
  // 4. A new set: its signature, folded into one 64-bit key per band of rows_ values.
  const auto set_index = static_cast<std::uint32_t>(sets_.size());
  const std::vector<std::uint32_t> signature =
      signature_with(shingles, premix_, multipliers_, offsets_);
  for (int band = 0; band < params_.bands; ++band) {
    std::uint64_t key = mix64(kGolden * static_cast<std::uint64_t>(band + 1));
    for (int row = 0; row < rows_; ++row) {
      key = mix64(key ^ signature[static_cast<std::size_t>(band * rows_ + row)]);
    }
    band_keys_.push_back(key);
  }
  set_by_hash_.emplace(identity, set_index);
  sets_.push_back(std::move(shingles));
  docs_.push_back({id, group, set_index});
}

std::vector<NearDuplicatePair> NearDuplicateIndex::find_pairs() const {
  const std::size_t num_sets = sets_.size();
  const auto bands = static_cast<std::size_t>(params_.bands);
  // 1. Candidates: per band, sort the sets by their key; each run of equal keys is a bucket
  //    and every pair in it a candidate. A pair that shares several bands is handled in the
  //    first of them only (the earlier keys are compared), so nothing is verified twice and no
  //    set of seen pairs is needed.
  // 2. Verification: the size bound |a ∩ b| / |a ∪ b| <= min / max skips hopeless pairs, the
  //    rest get their exact Jaccard. Buckets are not capped: a big bucket of distinct but
  //    similar texts costs its pairs squared, which is also the size of the answer; identical
  //    texts never get here (step 3 of add).
  std::vector<SetPair> set_pairs;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> bucket_order(num_sets), scratch;
  for (std::size_t band = 0; band < bands; ++band) {
    for (std::uint32_t s = 0; s < num_sets; ++s)
      bucket_order[s] = {band_keys_[s * bands + band], s};
    radix_sort_by_key(bucket_order, scratch);
    for (std::size_t lo = 0; lo < num_sets;) {
      std::size_t hi = lo + 1;
      while (hi < num_sets && bucket_order[hi].first == bucket_order[lo].first) ++hi;
      for (std::size_t p = lo; p < hi; ++p) {
        for (std::size_t q = p + 1; q < hi; ++q) {
          const std::uint32_t s = bucket_order[p].second;
          const std::uint32_t t = bucket_order[q].second;
          bool seen = false;
          for (std::size_t earlier = 0; earlier < band && !seen; ++earlier) {
            seen = band_keys_[s * bands + earlier] == band_keys_[t * bands + earlier];
          }
          if (seen) continue;
          const std::size_t size_s = sets_[s].size();
          const std::size_t size_t_ = sets_[t].size();
          const double size_bound = static_cast<double>(std::min(size_s, size_t_)) /
                                    static_cast<double>(std::max(size_s, size_t_));
          if (size_bound < params_.threshold) continue;
          const double similarity = jaccard(sets_[s], sets_[t]);
          if (similarity >= params_.threshold) set_pairs.push_back({s, t, similarity});
        }
      }
      lo = hi;
    }
  }
  // 3. The documents of each set, in the order they were added (a counting sort).
  std::vector<std::size_t> start(num_sets + 1, 0);
  for (const Doc& doc : docs_) {
    if (doc.set != kNoSet) ++start[doc.set + 1];
  }
  for (std::size_t s = 0; s < num_sets; ++s) start[s + 1] += start[s];
  std::vector<std::uint32_t> members(start[num_sets]);
  {
    std::vector<std::size_t> fill(start.begin(), start.end() - 1);
    for (std::size_t d = 0; d < docs_.size(); ++d) {
      if (docs_[d].set != kNoSet) members[fill[docs_[d].set]++] = static_cast<std::uint32_t>(d);
    }
  }
  // 4. Expansion to documents: all pairs within a set (identical, Jaccard 1), and all pairs
  //    across two verified sets; each pair is oriented so that a < b.
  std::vector<NearDuplicatePair> pairs;
  auto emit = [&](std::uint32_t d, std::uint32_t e, double similarity) {
    const Doc& x = docs_[d];
    const Doc& y = docs_[e];
    if (x.id < y.id) {
      pairs.push_back({x.id, y.id, x.group, y.group, similarity});
    } else {
      pairs.push_back({y.id, x.id, y.group, x.group, similarity});
    }
  };
  for (std::size_t s = 0; s < num_sets; ++s) {
    for (std::size_t i = start[s]; i < start[s + 1]; ++i) {
      for (std::size_t j = i + 1; j < start[s + 1]; ++j) emit(members[i], members[j], 1.0);
    }
  }
  for (const SetPair& sp : set_pairs) {
    for (std::size_t i = start[sp.first]; i < start[sp.first + 1]; ++i) {
      for (std::size_t j = start[sp.second]; j < start[sp.second + 1]; ++j) {
        emit(members[i], members[j], sp.jaccard);
      }
    }
  }
  // 5. Sorted by (a, b); ids are unique, so no two pairs compare equal.
  std::sort(pairs.begin(), pairs.end(), [](const NearDuplicatePair& x, const NearDuplicatePair& y) {
    return x.a != y.a ? x.a < y.a : x.b < y.b;
  });
  return pairs;
}

MinHashParams lsh_params_for(double threshold, int max_hashes) {
  MinHashParams p;
  p.threshold = threshold;
  // 1. From the most rows per band down, the first whose recall at the threshold is 99 %.
  for (int rows = 16; rows >= 1; --rows) {
    const int bands = max_hashes / rows;
    if (bands < 1) continue;
    const double recall = 1.0 - std::pow(1.0 - std::pow(threshold, rows), bands);
    if (recall >= 0.99 || rows == 1) {
      p.bands = bands;
      p.num_hashes = bands * rows;
      return p;
    }
  }
  return p;
}

}  // namespace tb::data
