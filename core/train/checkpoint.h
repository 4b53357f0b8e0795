// Checkpoint folders that are whole or absent: files are written into a temporary folder, a
// MANIFEST (each file's size and SHA-256) is written last, everything is synced, and the folder
// is renamed into place. A folder whose MANIFEST is missing or does not match is never used.
// What goes inside (weights, optimizer, state) is the training session's business.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tb::train {

inline constexpr const char* kManifestName = "MANIFEST";

// Calls `write_files(temporary_folder)`, then seals and renames it to `folder` (replacing an
// older one of that name). Throws tb::IoError; on any error the temporary folder is removed
// and an existing `folder` is untouched.
void write_checkpoint(const std::filesystem::path& folder,
                      const std::function<void(const std::filesystem::path&)>& write_files);

// Empty when every file listed matches and no file is unlisted; else the first problem, in a
// sentence naming the file.
std::optional<std::string> verify_checkpoint(const std::filesystem::path& folder);

struct CheckpointEntry {
  std::int64_t step = 0;
  std::filesystem::path folder;
};

// "step-N" folders under `root`, by step; only those that verify (bad ones are named in
// `rejected` when given, and left on disk for the user to inspect). verify = false only checks
// that a MANIFEST is there (no hashing: for pruning).
std::vector<CheckpointEntry> list_checkpoints(const std::filesystem::path& root,
                                              std::vector<std::string>* rejected = nullptr, bool verify = true);
std::filesystem::path checkpoint_folder(const std::filesystem::path& root, std::int64_t step);

// Removes sealed checkpoints (those with a MANIFEST; not hashed again) other than the newest
// `keep_last` and `keep_step` (the best; -1 = none). Folders without a MANIFEST and
// temporaries are left alone for inspection.
void prune_checkpoints(const std::filesystem::path& root, std::int64_t keep_last, std::int64_t keep_step);

// Removes one sealed checkpoint so that a kill at any moment leaves either the whole sealed
// folder or an unsealed temporary (".step-N.tmp-discard-PID"), never a MANIFEST naming files
// that are gone. A folder that cannot be renamed is left as it is.
void discard_checkpoint(const std::filesystem::path& folder);

// Removes the temporary folders (".step-N.tmp-PID") that a killed process never sealed, and
// returns how many. Only for a run no other process is writing: called when resuming it.
std::int64_t remove_unsealed_temporaries(const std::filesystem::path& root);

}  // namespace tb::train
