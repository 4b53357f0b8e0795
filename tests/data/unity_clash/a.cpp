// Fixture for tests/cmake/check_unity_batches.py (never compiled).
#include <string>

namespace fixture {
namespace {

using Text = std::string;

std::size_t parse_size(const std::string& s) { return s.size(); }

}  // namespace
}  // namespace fixture
