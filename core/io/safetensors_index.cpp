// SafetensorsCheckpoint (see safetensors_index.h).
#include "core/io/safetensors_index.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/json_file.h"

namespace tb {
namespace {

// A shard named in the index must be a plain file name in the same folder.
bool is_plain_file_name(const std::string& name) {
  return !name.empty() && name.find('/') == std::string::npos &&
         name.find('\\') == std::string::npos && name != "." && name != "..";
}

}  // namespace

SafetensorsCheckpoint SafetensorsCheckpoint::open_folder(const std::filesystem::path& folder) {
  SafetensorsCheckpoint out;
  const auto index_path = folder / "model.safetensors.index.json";
  const auto single_path = folder / "model.safetensors";
  std::error_code ec;
  if (std::filesystem::is_regular_file(index_path, ec)) {
    // 1. Sharded: read the weight map, open each shard once, check every named tensor is there.
    const nlohmann::json index = read_json_file(index_path);
    const auto map = index.find("weight_map");
    if (!index.is_object() || map == index.end() || !map->is_object()) {
      throw FormatError("missing \"weight_map\" object", {index_path.string(), 0, "weight_map"});
    }
    std::map<std::string, std::size_t> shard_of_file;
    for (const auto& [name, file] : map->items()) {
      if (!file.is_string() || !is_plain_file_name(file.get<std::string>())) {
        throw FormatError("the shard must be a file name in the same folder",
                          {index_path.string(), 0, "weight_map." + name});
      }
      const std::string shard = file.get<std::string>();
      auto [it, inserted] = shard_of_file.try_emplace(shard, out.shards_.size());
      if (inserted) {
        const auto shard_path = folder / shard;
        if (!std::filesystem::is_regular_file(shard_path, ec)) {
          throw Error("shard " + shard + " named in the index is missing", {index_path.string(), 0,
                                                                             "weight_map." + name});
        }
        out.shards_.push_back(std::make_shared<SafetensorsFile>(shard_path));
        out.files_.push_back(shard_path);
      }
      if (out.shards_[it->second]->find(name) == nullptr) {
        throw FormatError("the index names tensor " + name + " in " + shard + ", which lacks it",
                          {index_path.string(), 0, "weight_map." + name});
      }
      out.where_[name] = it->second;
    }
  } else if (std::filesystem::is_regular_file(single_path, ec)) {
    // 2. One file: every tensor in it.
    out.shards_.push_back(std::make_shared<SafetensorsFile>(single_path));
    out.files_.push_back(single_path);
    for (const auto& t : out.shards_[0]->header().tensors) out.where_[t.name] = 0;
  } else {
    throw Error("no model.safetensors or model.safetensors.index.json in this folder "
                "(pickle .bin/.pt checkpoints are not loaded: convert them to safetensors)",
                {folder.string()});
  }
  return out;
}

std::vector<std::string> SafetensorsCheckpoint::names() const {
  std::vector<std::string> out;
  for (const auto& [name, shard] : where_) out.push_back(name);
  return out;
}

const SafetensorsTensor& SafetensorsCheckpoint::info(const std::string& name) const {
  const auto it = where_.find(name);
  if (it == where_.end()) throw FormatError("no tensor of this name in the checkpoint", {"", 0, name});
  return *shards_[it->second]->find(name);
}

std::span<const std::byte> SafetensorsCheckpoint::bytes(const std::string& name) const {
  const auto it = where_.find(name);
  if (it == where_.end()) throw FormatError("no tensor of this name in the checkpoint", {"", 0, name});
  const SafetensorsFile& shard = *shards_[it->second];
  return shard.bytes(shard.at(name));
}

}  // namespace tb
