// Near-duplicate texts for the dataset audit: word shingles of normalize_for_dedup'ed texts,
// MinHash signatures, LSH banding for candidate pairs and the exact Jaccard similarity to
// verify them, with each document's group (split) reported so leakage across splits shows.
// Not for exact duplicates (compare normalised texts for that) nor for semantic similarity.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace tb::data {

struct MinHashParams {
  int shingle_words = 3;   // words per shingle, 1-16
  int num_hashes = 128;    // signature length; a multiple of bands
  int bands = 32;          // LSH bands of num_hashes / bands rows each
  double threshold = 0.8;  // pairs are kept when their exact Jaccard is at least this, (0, 1]
  std::uint64_t seed = 0x5eed;
};

// LSH bands for a threshold: the most rows per band (so the fewest chance candidates among
// texts that are merely alike, e.g. rows filled from one template) that still find a pair at
// the threshold with probability at least 0.99 (1 - (1 - t^rows)^bands), using at most
// `max_hashes` hashes. 0.8 -> 21 bands of 6 (126 hashes); 0.7 -> 32 of 4; 0.9 -> 12 of 10.
MinHashParams lsh_params_for(double threshold, int max_hashes = 128);

// Throws std::invalid_argument with a sentence naming the field when `params` is unusable.
void validate_minhash_params(const MinHashParams& params);

// The sorted, unique hashes of the consecutive `shingle_words`-word shingles of a
// normalize_for_dedup'ed text (each is hash64 of its words joined by single spaces). A text
// with fewer words gives one shingle of all of them; an empty text gives none.
std::vector<std::uint64_t> shingle_hashes(std::string_view normalized_text, int shingle_words);

// num_hashes minima, one per member of a seeded hash family; all 0xFFFFFFFF for no shingles.
// Two sets agree at each position with probability equal to their Jaccard similarity.
std::vector<std::uint32_t> minhash_signature(const std::vector<std::uint64_t>& shingles,
                                             const MinHashParams& params);

// |a ∩ b| / |a ∪ b| of two sorted, unique sets; 0 when both are empty.
double jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b);

struct NearDuplicatePair {
  std::int64_t a = 0;  // a < b
  std::int64_t b = 0;
  int group_a = 0;  // the groups the two documents were added with
  int group_b = 0;
  double jaccard = 0.0;  // exact, of the two shingle sets
  bool operator==(const NearDuplicatePair&) const = default;
};

class NearDuplicateIndex {
 public:
  // Throws std::invalid_argument for unusable params (see validate_minhash_params).
  explicit NearDuplicateIndex(MinHashParams params = {});

  // Adds a document: a unique id, its group (e.g. 0 train, 1 validation, 2 test) and its
  // shingle set (shingle_hashes; sorted and de-duplicated here if it is not). Throws
  // std::invalid_argument for an id added before. Documents without shingles are never paired.
  void add(std::int64_t id, int group, std::vector<std::uint64_t> shingles);

  std::size_t size() const { return docs_.size(); }
  // Distinct non-empty shingle sets among the documents (identical sets share one entry).
  std::size_t distinct_sets() const { return sets_.size(); }
  const MinHashParams& params() const { return params_; }

  // Every pair whose shingle sets were LSH candidates and have Jaccard >= threshold, each
  // once, a < b, sorted by (a, b). Identical sets (Jaccard 1) are always reported.
  std::vector<NearDuplicatePair> find_pairs() const;

 private:
  static constexpr std::uint32_t kNoSet = 0xFFFFFFFF;

  struct Doc {
    std::int64_t id;
    int group;
    std::uint32_t set;  // index into sets_, or kNoSet for an empty shingle set
  };

  MinHashParams params_;
  int rows_ = 0;
  // The hash family (see minhash.cpp), derived once from params_.seed.
  std::uint64_t premix_ = 0;
  std::vector<std::uint64_t> multipliers_;
  std::vector<std::uint64_t> offsets_;
  std::vector<Doc> docs_;
  std::unordered_set<std::int64_t> ids_;
  // Distinct shingle sets, their band keys (bands per set, flat) and a lookup from a set's
  // hash to the sets with that hash.
  std::vector<std::vector<std::uint64_t>> sets_;
  std::vector<std::uint64_t> band_keys_;
  std::unordered_multimap<std::uint64_t, std::uint32_t> set_by_hash_;
};

}  // namespace tb::data
