// The weights of a Hugging Face folder: model.safetensors, or a sharded checkpoint through
// model.safetensors.index.json (weight_map: tensor name -> shard file in the same folder).
// Shard names are checked to stay inside the folder. Pickle files are refused elsewhere.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/io/safetensors.h"

namespace tb {

class SafetensorsCheckpoint {
 public:
  // Opens `folder`: the index when present, else model.safetensors. Throws tb::Error naming
  // the file and what to do when neither is there or a shard is missing or inconsistent.
  static SafetensorsCheckpoint open_folder(const std::filesystem::path& folder);

  std::vector<std::string> names() const;  // sorted
  bool contains(const std::string& name) const { return where_.count(name) != 0; }
  const SafetensorsTensor& info(const std::string& name) const;  // throws tb::FormatError when missing
  std::span<const std::byte> bytes(const std::string& name) const;
  const std::vector<std::filesystem::path>& files() const { return files_; }

 private:
  std::vector<std::filesystem::path> files_;
  std::vector<std::shared_ptr<SafetensorsFile>> shards_;
  std::map<std::string, std::size_t> where_;  // tensor name -> shard
};

}  // namespace tb
