// The installation self-test (`tunebench --self-test`, `tunebench-cli self-test`): checks that
// an installed Tunebench works on this machine without any model or data of the user's. Builds
// a tiny model in memory (byte-level tokenizer, random Llama weights), takes one training step
// and generates a few tokens, and checks the bundled resources; each check says what it saw.
#pragma once

#include <string>
#include <vector>

namespace tb {

struct SelfTestCheck {
  std::string name;    // "libtorch", "tokenizer", "training step", "generation", "resources", "demo model"
  bool ok = false;
  bool required = true;  // false: reported, but a miss does not fail the self-test (the demo model)
  std::string detail;    // what was measured, or why it failed and what to do
  double seconds = 0;
};

std::vector<SelfTestCheck> run_self_test();
// True when every required check passed.
bool self_test_passed(const std::vector<SelfTestCheck>& checks);
// "ok    libtorch      2.11.0, 2 threads, matmul 64x64 fine (0.01 s)"
std::string format_check(const SelfTestCheck& check);

}  // namespace tb
