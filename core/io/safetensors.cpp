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

torch::ScalarType to_torch(DType dtype) {
  switch (dtype) {
    case DType::Bool: return torch::kBool;
    case DType::U8: return torch::kUInt8;
    case DType::I8: return torch::kInt8;
    case DType::I16: return torch::kInt16;
    case DType::I32: return torch::kInt32;
    case DType::I64: return torch::kInt64;
    case DType::F16: return torch::kFloat16;
    case DType::BF16: return torch::kBFloat16;
    case DType::F32: return torch::kFloat32;
    case DType::F64: return torch::kFloat64;
  }
  return torch::kFloat32;
}

DType from_torch(torch::ScalarType type) {
  for (DType d : {DType::Bool, DType::U8, DType::I8, DType::I16, DType::I32, DType::I64, DType::F16,
                  DType::BF16, DType::F32, DType::F64}) {
    if (to_torch(d) == type) return d;
  }
  throw Error(std::string("tensor type ") + c10::toString(type) + " cannot be stored in safetensors");
}

torch::Tensor tensor_from_bytes(std::span<const std::byte> bytes, DType dtype,
                                const std::vector<std::int64_t>& shape) {
  auto out = torch::empty(shape, torch::TensorOptions().dtype(to_torch(dtype)));
  TORCH_CHECK(static_cast<std::size_t>(out.nbytes()) == bytes.size(),
              "tensor_from_bytes: size mismatch");
  if (!bytes.empty()) std::memcpy(out.data_ptr(), bytes.data(), bytes.size());
  return out;
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

torch::Tensor SafetensorsFile::load(const std::string& name) const {
  const SafetensorsTensor* t = find(name);
  if (t == nullptr) throw FormatError("no tensor of this name in the file", {path().string(), 0, name});
  return tensor_from_bytes(bytes(*t), t->dtype, t->shape);
}

void write_safetensors(const std::filesystem::path& path,
                       const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  // 1. The header: offsets in the given order; metadata first when present.
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<torch::Tensor> data;
  std::uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    if (name == "__metadata__") throw Error("a tensor cannot be named __metadata__", {path.string()});
    if (header.contains(name)) throw Error("the tensor name appears twice", {path.string(), 0, name});
    const auto cpu = tensor.detach().to(torch::kCPU).contiguous();
    const DType dtype = from_torch(cpu.scalar_type());
    const auto nbytes = static_cast<std::uint64_t>(cpu.nbytes());
    header[name] = {{"dtype", dtype_name(dtype)},
                    {"shape", cpu.sizes().vec()},
                    {"data_offsets", {offset, offset + nbytes}}};
    offset += nbytes;
    data.push_back(cpu);
  }
  // 2. Pad the JSON with spaces so the data section starts 8-aligned.
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  const std::uint64_t n = text.size();
  // 3. Write length, header and data through a temporary file.
  AtomicFileWriter out(path);
  out.write(&n, 8);
  out.write(text);
  for (const auto& t : data) out.write(t.data_ptr(), static_cast<std::size_t>(t.nbytes()));
  out.commit();
}

}  // namespace tb
