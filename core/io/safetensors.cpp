// safetensors reader and writer (see safetensors.h). Validation follows the reference
// implementation (huggingface/safetensors, `validate`): length checks, UTF-8 JSON starting
// with '{', offsets sorted and contiguous, byte sizes = elements x dtype size with checked
// arithmetic, and the data section ending exactly at the end of the file.
#include "core/io/safetensors.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/atomic_file.h"

namespace tb {

static_assert(std::endian::native == std::endian::little, "safetensors I/O assumes little-endian");

namespace {

[[noreturn]] void bad(const std::string& path, const std::string& field, const std::string& what) {
  throw FormatError(what, {path, 0, field});
}

bool checked_mul(std::uint64_t a, std::uint64_t b, std::uint64_t& out) {
  return !__builtin_mul_overflow(a, b, &out);
}

std::uint64_t as_u64(const nlohmann::json& v, const std::string& path, const std::string& name,
                     const char* what) {
  if (!v.is_number_unsigned()) bad(path, name, std::string(what) + " must be a non-negative integer");
  return v.get<std::uint64_t>();
}

SafetensorsTensor parse_entry(const std::string& name, const nlohmann::json& v,
                              const std::string& path) {
  if (!v.is_object()) bad(path, name, "a tensor entry must be a JSON object");
  SafetensorsTensor t;
  t.name = name;
  const auto dtype = v.find("dtype");
  if (dtype == v.end() || !dtype->is_string()) bad(path, name, "missing \"dtype\"");
  const auto parsed = dtype_from_name(dtype->get<std::string>());
  if (!parsed) {
    bad(path, name,
        "unsupported dtype \"" + dtype->get<std::string>() +
            "\" (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
  }
  t.dtype = *parsed;
  const auto shape = v.find("shape");
  if (shape == v.end() || !shape->is_array()) bad(path, name, "missing \"shape\" array");
  for (const auto& d : *shape) {
    const std::uint64_t dim = as_u64(d, path, name, "each shape entry");
    if (dim > static_cast<std::uint64_t>(INT64_MAX)) bad(path, name, "a dimension is too large");
    t.shape.push_back(static_cast<std::int64_t>(dim));
  }
  const auto offsets = v.find("data_offsets");
  if (offsets == v.end() || !offsets->is_array() || offsets->size() != 2) {
    bad(path, name, "\"data_offsets\" must be [begin, end]");
  }
  t.begin = as_u64((*offsets)[0], path, name, "data_offsets");
  t.end = as_u64((*offsets)[1], path, name, "data_offsets");
  return t;
}

}  // namespace

SafetensorsHeader parse_safetensors(std::span<const std::byte> file, const std::string& path) {
  // 1. The header length: 8 bytes, little-endian, within the limit and the file.
  const std::uint64_t file_size = file.size();
  if (file_size < 8) {
    bad(path, "", "the file is " + std::to_string(file_size) +
                      " bytes; a safetensors file starts with an 8-byte header length");
  }
  std::uint64_t n = 0;
  std::memcpy(&n, file.data(), 8);
  if (n > kSafetensorsMaxHeaderBytes) {
    bad(path, "", "header length " + std::to_string(n) + " exceeds the 100 MB limit");
  }
  if (n > file_size - 8) {
    bad(path, "", "header length " + std::to_string(n) + " runs past the end of the file (" +
                      std::to_string(file_size) + " bytes)");
  }
  // 2. The header: UTF-8 JSON object.
  const std::string_view text(reinterpret_cast<const char*>(file.data()) + 8, n);
  if (text.empty() || text.front() != '{') bad(path, "", "the header does not start with '{'");
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    bad(path, "", std::string("the header is not valid UTF-8 JSON: ") + e.what());
  }
  if (!json.is_object()) bad(path, "", "the header is not a JSON object");

  SafetensorsHeader header;
  header.data_offset = 8 + n;
  for (const auto& [key, value] : json.items()) {
    if (key == "__metadata__") {
      if (!value.is_object()) bad(path, key, "must map strings to strings");
      for (const auto& [mk, mv] : value.items()) {
        if (!mv.is_string()) bad(path, "__metadata__." + mk, "metadata values must be strings");
        header.metadata[mk] = mv.get<std::string>();
      }
      continue;
    }
    header.tensors.push_back(parse_entry(key, value, path));
  }
  // 3. Offsets: sorted, contiguous from 0, each range the tensor's exact byte size.
  std::sort(header.tensors.begin(), header.tensors.end(), [](const auto& a, const auto& b) {
    return std::tie(a.begin, a.end) < std::tie(b.begin, b.end);
  });
  std::uint64_t expected = 0;
  for (const SafetensorsTensor& t : header.tensors) {
    if (t.begin != expected || t.end < t.begin) {
      bad(path, t.name, "data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                            "] do not continue from " + std::to_string(expected) +
                            " (overlap, gap or reversed range)");
    }
    std::uint64_t elements = 1;
    for (std::int64_t d : t.shape) {
      if (!checked_mul(elements, static_cast<std::uint64_t>(d), elements)) {
        bad(path, t.name, "the shape's element count overflows");
      }
    }
    std::uint64_t size = 0;
    if (!checked_mul(elements, dtype_size(t.dtype), size)) {
      bad(path, t.name, "the tensor's byte size overflows");
    }
    if (t.end - t.begin != size) {
      bad(path, t.name, "data_offsets span " + std::to_string(t.end - t.begin) +
                            " bytes but shape and dtype need " + std::to_string(size));
    }
    expected = t.end;
  }
  // 4. The data section ends exactly at the end of the file.
  if (expected != file_size - header.data_offset) {
    bad(path, "", "the tensors cover " + std::to_string(expected) + " bytes but the data section has " +
                      std::to_string(file_size - header.data_offset));
  }
  return header;
}

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path)
    : file_(path), header_(parse_safetensors(file_.bytes(), path.string())) {
  for (std::size_t i = 0; i < header_.tensors.size(); ++i) index_[header_.tensors[i].name] = i;
}

const SafetensorsTensor* SafetensorsFile::find(const std::string& name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? nullptr : &header_.tensors[it->second];
}

std::span<const std::byte> SafetensorsFile::bytes(const SafetensorsTensor& tensor) const {
  return file_.bytes().subspan(header_.data_offset + tensor.begin, tensor.end - tensor.begin);
}

const SafetensorsTensor& SafetensorsFile::at(const std::string& name) const {
  const SafetensorsTensor* t = find(name);
  if (t == nullptr) throw FormatError("no tensor of this name in the file", {path().string(), 0, name});
  return *t;
}

void write_safetensors(const std::filesystem::path& path, const std::vector<SafetensorsEntry>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  // 1. The header: offsets in the given order; metadata first when present.
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::uint64_t offset = 0;
  for (const auto& t : tensors) {
    if (t.name == "__metadata__") throw Error("a tensor cannot be named __metadata__", {path.string()});
    if (header.contains(t.name)) throw Error("the tensor name appears twice", {path.string(), 0, t.name});
    std::uint64_t elements = 1;
    for (const std::int64_t d : t.shape) {
      if (d < 0 || !checked_mul(elements, static_cast<std::uint64_t>(d), elements)) {
        throw Error("the tensor's shape is negative or too large", {path.string(), 0, t.name});
      }
    }
    std::uint64_t nbytes = 0;
    if (!checked_mul(elements, dtype_size(t.dtype), nbytes) || nbytes != t.bytes.size()) {
      throw Error("the tensor's bytes do not match its type and shape", {path.string(), 0, t.name});
    }
    header[t.name] = {{"dtype", dtype_name(t.dtype)},
                      {"shape", t.shape},
                      {"data_offsets", {offset, offset + nbytes}}};
    offset += nbytes;
  }
  // 2. Pad the JSON with spaces so the data section starts 8-aligned.
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  const std::uint64_t n = text.size();
  // 3. Write length, header and data through a temporary file.
  AtomicFileWriter out(path);
  out.write(&n, 8);
  out.write(text);
  for (const auto& t : tensors) {
    if (!t.bytes.empty()) out.write(t.bytes.data(), t.bytes.size());
  }
  out.commit();
}

}  // namespace tb
