// Reading a JSON file (config.json, tokenizer_config.json, adapter_config.json, shard indexes):
// one place that opens it, parses it, and names the file in the error when either fails.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace tb {

// Throws tb::IoError when the file cannot be read, tb::FormatError (with the parser's message
// and position) when it is not valid JSON.
nlohmann::json read_json_file(const std::filesystem::path& path, const char* what = "the file");
// The two halves: the file's bytes (IoError), and those bytes parsed (FormatError naming `path`).
std::string read_text_file(const std::filesystem::path& path, const char* what = "the file");
nlohmann::json parse_json_text(const std::string& text, const std::filesystem::path& path);

}  // namespace tb
