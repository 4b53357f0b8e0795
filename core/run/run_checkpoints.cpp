// A run folder's checkpoint steps (see run_checkpoints.h).
#include "core/run/run_checkpoints.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "core/run/run_folder.h"

namespace tb::run {
namespace {

// The digits at the start of `text` as a number (at most 18 of them); nullopt when none.
std::optional<std::int64_t> checkpoint_leading_number(const std::string& text, std::size_t* length) {
  std::size_t n = 0;
  while (n < text.size() && n < 18 && std::isdigit(static_cast<unsigned char>(text[n]))) ++n;
  if (n == 0) return std::nullopt;
  *length = n;
  return std::stoll(text.substr(0, n));
}

}  // namespace

std::optional<std::int64_t> checkpoint_step_of(const std::string& name) {
  if (name.rfind("step-", 0) != 0 || name.size() == 5) return std::nullopt;
  std::int64_t step = 0;
  for (std::size_t i = 5; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9' || step > (INT64_MAX - 9) / 10) return std::nullopt;
    step = step * 10 + (name[i] - '0');
  }
  return step;
}

std::filesystem::path last_stage_checkpoints(const std::filesystem::path& run_dir) {
  const auto root = run_dir / kCheckpointsFolder;
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) return {};
  std::int64_t best = -1;
  std::filesystem::path found;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    if (!entry.is_directory(ec)) continue;
    const std::string name = entry.path().filename().string();
    std::size_t length = 0;
    const auto k = checkpoint_leading_number(name, &length);
    if (k && length < name.size() && name[length] == '-' && *k > best) {
      best = *k;
      found = entry.path();
    }
  }
  return best >= 0 ? found : root;
}

std::vector<std::int64_t> checkpoint_steps(const std::filesystem::path& run_dir) {
  std::vector<std::int64_t> steps;
  const auto folder = last_stage_checkpoints(run_dir);
  if (folder.empty()) return steps;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    if (!entry.is_directory(ec)) continue;
    if (const auto step = checkpoint_step_of(entry.path().filename().string())) steps.push_back(*step);
  }
  std::sort(steps.begin(), steps.end());
  return steps;
}

}  // namespace tb::run
