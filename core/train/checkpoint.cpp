// Sealed checkpoint folders (checkpoint.h).
#include "core/train/checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/io/sha256.h"
#include "core/run/run_checkpoints.h"

namespace fs = std::filesystem;

namespace tb::train {
namespace {

void sync_folder(const fs::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) throw IoError("cannot open the folder to sync it", {folder.string()});
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw IoError("cannot sync the folder to disk", {folder.string()});
}

std::optional<std::int64_t> step_of(const fs::path& folder) {
  return run::checkpoint_step_of(folder.filename().string());
}

}  // namespace

void discard_checkpoint(const fs::path& folder) {
  std::error_code ec;
  const fs::path doomed =
      folder.parent_path() / ("." + folder.filename().string() + ".tmp-discard-" + std::to_string(::getpid()));
  fs::remove_all(doomed, ec);
  fs::rename(folder, doomed, ec);
  // 1. Unsealed by the rename; a folder that cannot be renamed stays whole (the next prune
  //    tries again). 2. Then its files go.
  if (ec) return;
  sync_folder(folder.parent_path());
  fs::remove_all(doomed, ec);
}

fs::path checkpoint_folder(const fs::path& root, std::int64_t step) { return root / ("step-" + std::to_string(step)); }

void write_checkpoint(const fs::path& folder, const std::function<void(const fs::path&)>& write_files) {
  const fs::path parent = folder.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) throw IoError("cannot create the checkpoint folder: " + ec.message(), {parent.string()});
  const fs::path temp = parent / ("." + folder.filename().string() + ".tmp-" + std::to_string(::getpid()));
  fs::remove_all(temp, ec);
  fs::create_directory(temp, ec);
  if (ec) throw IoError("cannot create a temporary checkpoint folder: " + ec.message(), {temp.string()});
  try {
    // 1. The payload (each file written atomically, so each is synced).
    write_files(temp);
    // 2. The MANIFEST, last: every regular file with its size and SHA-256.
    nlohmann::json files = nlohmann::json::object();
    for (const auto& entry : fs::recursive_directory_iterator(temp)) {
      if (!entry.is_regular_file()) continue;
      const std::string rel = fs::relative(entry.path(), temp).generic_string();
      files[rel] = {{"bytes", entry.file_size()}, {"sha256", sha256_file_hex(entry.path())}};
    }
    const nlohmann::json manifest = {{"format", "tunebench-checkpoint"}, {"version", 1}, {"files", files}};
    write_file_atomic(temp / kManifestName, manifest.dump(2) + "\n");
    for (const auto& entry : fs::recursive_directory_iterator(temp)) {
      if (entry.is_directory()) sync_folder(entry.path());
    }
    sync_folder(temp);
    // 3. Into place: an older folder of that name goes first (rename cannot replace a folder
    //    that has files), then the parent is synced so the rename is durable.
    if (fs::exists(folder)) discard_checkpoint(folder);
    fs::rename(temp, folder);
    sync_folder(parent);
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(temp, ec);
    throw IoError(std::string("cannot put the checkpoint in place: ") + e.code().message(), {folder.string()});
  } catch (...) {
    fs::remove_all(temp, ec);
    throw;
  }
}

std::optional<std::string> verify_checkpoint(const fs::path& folder) {
  const fs::path manifest_path = folder / kManifestName;
  std::ifstream in(manifest_path);
  if (!in) return folder.string() + ": no MANIFEST (the checkpoint was not finished)";
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    return manifest_path.string() + ": the MANIFEST is not valid JSON";
  }
  if (!manifest.is_object() || !manifest.contains("files") || !manifest["files"].is_object()) {
    return manifest_path.string() + ": the MANIFEST lists no files";
  }
  std::set<std::string> listed;
  for (const auto& [rel, info] : manifest["files"].items()) {
    listed.insert(rel);
    const fs::path file = folder / rel;
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec) return file.string() + ": listed in the MANIFEST but missing";
    if (!info.is_object() || !info.contains("bytes") || !info.contains("sha256") || !info["bytes"].is_number_unsigned() ||
        !info["sha256"].is_string()) {
      return manifest_path.string() + ": malformed entry for " + rel;
    }
    if (size != info["bytes"].get<std::uint64_t>()) {
      return file.string() + ": " + std::to_string(size) + " bytes, the MANIFEST says " +
             std::to_string(info["bytes"].get<std::uint64_t>());
    }
    if (sha256_file_hex(file) != info["sha256"].get<std::string>()) return file.string() + ": SHA-256 does not match the MANIFEST";
  }
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (!entry.is_regular_file()) continue;
    const std::string rel = fs::relative(entry.path(), folder).generic_string();
    if (rel != kManifestName && listed.count(rel) == 0) return entry.path().string() + ": not listed in the MANIFEST";
  }
  return std::nullopt;
}

std::vector<CheckpointEntry> list_checkpoints(const fs::path& root, std::vector<std::string>* rejected, bool verify) {
  std::vector<CheckpointEntry> out;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;
  for (const auto& entry : fs::directory_iterator(root)) {
    const auto step = step_of(entry.path());
    if (!entry.is_directory() || !step) continue;
    if (!verify) {
      if (fs::exists(entry.path() / kManifestName)) out.push_back({*step, entry.path()});
      continue;
    }
    if (const auto problem = verify_checkpoint(entry.path())) {
      if (rejected != nullptr) rejected->push_back(*problem);
      continue;
    }
    out.push_back({*step, entry.path()});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.step < b.step; });
  return out;
}

std::int64_t remove_unsealed_temporaries(const fs::path& root) {
  std::error_code ec;
  std::int64_t removed = 0;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(".step-", 0) == 0 && name.find(".tmp-") != std::string::npos && entry.is_directory(ec)) {
      fs::remove_all(entry.path(), ec);
      if (!ec) ++removed;
    }
  }
  return removed;
}

void prune_checkpoints(const fs::path& root, std::int64_t keep_last, std::int64_t keep_step) {
  const auto all = list_checkpoints(root, nullptr, /*verify=*/false);
  const std::size_t keep_from = all.size() > static_cast<std::size_t>(std::max<std::int64_t>(keep_last, 0))
                                    ? all.size() - static_cast<std::size_t>(keep_last)
                                    : 0;
  for (std::size_t i = 0; i < keep_from; ++i) {
    if (all[i].step == keep_step) continue;
    discard_checkpoint(all[i].folder);
  }
}

}  // namespace tb::train
