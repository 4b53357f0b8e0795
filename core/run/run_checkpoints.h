// The checkpoints a run folder holds, by name only (no hashing): checkpoints/step-N for a
// one-stage run, checkpoints/<k>-<stage>/step-N for a sequential one. What evaluation and
// export may offer to restore; train/checkpoint.h verifies a folder before it is used.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tb::run {

// The last stage's checkpoint folder: checkpoints/ itself, or its "<k>-<stage>" with the highest
// k; empty when the run has no checkpoints/ folder.
std::filesystem::path last_stage_checkpoints(const std::filesystem::path& run_dir);
// Steps of the last stage's checkpoints, ascending.
std::vector<std::int64_t> checkpoint_steps(const std::filesystem::path& run_dir);
// N of a folder named "step-N"; nullopt for any other name.
std::optional<std::int64_t> checkpoint_step_of(const std::string& folder_name);

}  // namespace tb::run
