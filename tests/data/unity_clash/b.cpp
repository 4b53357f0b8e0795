// Fixture for tests/cmake/check_unity_batches.py (never compiled).
#include <string>

namespace fixture {

using Text = std::string;  // the same alias twice is allowed

static std::size_t parse_size(const std::string& text) {
  return text.size() + 1;
}

static int parse_size(int n) { return n; }  // an overload, allowed

}  // namespace fixture
