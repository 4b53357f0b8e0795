// Benchmark (never run by ctest): how the audit's two scans grow with their input — the PII
// scan over an adversarial text (long runs of the characters its rules read) at 1x, 2x and 4x,
// and MinHash near-duplicate pairs over N copies of one text (N^2/2 pairs) at 500, 1,000 and
// 2,000. Linear (PII) and quadratic-in-pairs (MinHash) growth show as flat per-unit columns.
// Usage: bench_data_scans [--out FILE.md]   (prints the table; with --out also writes it)
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "core/data/minhash.h"
#include "core/data/pii_scan.h"
#include "core/data/text_normalize.h"
#include "core/io/atomic_file.h"

namespace {

double seconds_of(auto&& fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The PII test's adversarial text, `scale` times: about 2.4 MB per unit.
std::string adversarial_text(int scale) {
  std::string big;
  for (int s = 0; s < scale; ++s) {
    for (const char* unit : {"1", "1.", "1-", "+1 ", "a@", "@a.", "AB12", "1:", "::", "(1) ", "4111 ", "a.b@c.de "}) {
      std::string block;
      while (block.size() < 200000) block += unit;
      big += block + "\n";
    }
  }
  return big;
}

}  // namespace

int main(int argc, char** argv) {
  std::string table = "| scan | input | matches or pairs | seconds | per unit |\n| --- | --- | --- | --- | --- |\n";
  char row[256];
  // 1. PII: seconds per MB should stay flat.
  for (const int scale : {1, 2, 4}) {
    const std::string text = adversarial_text(scale);
    std::size_t found = 0;
    const double s = seconds_of([&] { found = tb::data::scan_pii(text).size(); });
    std::snprintf(row, sizeof row, "| PII scan | %.1f MB | %zu | %.3f | %.3f s/MB |\n", text.size() / 1e6, found, s,
                  s / (text.size() / 1e6));
    table += row;
  }
  // 2. MinHash: N copies of one 60-word text give N(N-1)/2 pairs; seconds per million pairs flat.
  std::string text;
  for (int w = 0; w < 60; ++w) text += "word" + std::to_string(w * 7919 % 1000) + " ";
  const auto shingles = tb::data::shingle_hashes(tb::data::normalize_for_dedup(text), 3);
  for (const int n : {500, 1000, 2000}) {
    std::size_t pairs = 0;
    const double s = seconds_of([&] {
      tb::data::NearDuplicateIndex index;
      for (int d = 0; d < n; ++d) index.add(d, d % 2, shingles);
      pairs = index.find_pairs().size();
    });
    std::snprintf(row, sizeof row, "| MinHash pairs | %d copies | %zu | %.3f | %.3f s per million pairs |\n", n, pairs,
                  s, s / (pairs / 1e6));
    table += row;
  }
  std::fputs(table.c_str(), stdout);
  if (argc == 3 && std::string(argv[1]) == "--out") tb::write_file_atomic(argv[2], table);
  return 0;
}
