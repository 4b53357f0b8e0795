// GGUF reader (see gguf.h). A cursor reads the file image front to back; every read checks the
// bytes left first, so a truncated or lying file ends in a tb::FormatError, never a bad read.
#include "core/io/gguf.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <set>

#include "core/common/error.h"

namespace tb {

static_assert(std::endian::native == std::endian::little, "GGUF I/O assumes little-endian");

namespace {

class Cursor {
 public:
  Cursor(std::span<const std::byte> data, const std::string& path) : data_(data), path_(path) {}

  [[noreturn]] void fail(const std::string& what, const std::string& field = "") const {
    throw FormatError(what + " (at byte " + std::to_string(pos_) + ")", {path_, 0, field});
  }
  std::uint64_t left() const { return data_.size() - pos_; }
  std::uint64_t pos() const { return pos_; }

  template <class T>
  T read(const std::string& field) {
    if (left() < sizeof(T)) fail("the file ends inside a value", field);
    T v;
    std::memcpy(&v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }

  std::string read_string(const std::string& field) {
    const auto n = read<std::uint64_t>(field);
    if (n > kGgufMaxStringBytes) fail("a string of " + std::to_string(n) + " bytes is too long", field);
    if (n > left()) fail("a string of " + std::to_string(n) + " bytes runs past the end of the file", field);
    std::string s(reinterpret_cast<const char*>(data_.data()) + pos_, n);
    pos_ += n;
    return s;
  }

 private:
  std::span<const std::byte> data_;
  const std::string& path_;
  std::uint64_t pos_ = 0;
};

// The smallest encoding of one value of `type` (for bounding counts before reserving).
std::uint64_t min_value_bytes(GgufValueType type) {
  switch (type) {
    case GgufValueType::U8: case GgufValueType::I8: case GgufValueType::Bool: return 1;
    case GgufValueType::U16: case GgufValueType::I16: return 2;
    case GgufValueType::U32: case GgufValueType::I32: case GgufValueType::F32: return 4;
    case GgufValueType::U64: case GgufValueType::I64: case GgufValueType::F64: return 8;
    case GgufValueType::String: return 8;
    case GgufValueType::Array: return 12;
  }
  return 1;
}

bool known_value_type(std::uint32_t t) { return t <= 12; }

GgufValue read_value(Cursor& c, GgufValueType type, const std::string& key, int depth) {
  GgufValue v;
  v.type = type;
  switch (type) {
    case GgufValueType::U8: v.value = std::uint64_t{c.read<std::uint8_t>(key)}; break;
    case GgufValueType::I8: v.value = std::int64_t{c.read<std::int8_t>(key)}; break;
    case GgufValueType::U16: v.value = std::uint64_t{c.read<std::uint16_t>(key)}; break;
    case GgufValueType::I16: v.value = std::int64_t{c.read<std::int16_t>(key)}; break;
    case GgufValueType::U32: v.value = std::uint64_t{c.read<std::uint32_t>(key)}; break;
    case GgufValueType::I32: v.value = std::int64_t{c.read<std::int32_t>(key)}; break;
    case GgufValueType::U64: v.value = c.read<std::uint64_t>(key); break;
    case GgufValueType::I64: v.value = c.read<std::int64_t>(key); break;
    case GgufValueType::F32: v.value = double{c.read<float>(key)}; break;
    case GgufValueType::F64: v.value = c.read<double>(key); break;
    case GgufValueType::Bool: {
      const auto b = c.read<std::uint8_t>(key);
      if (b > 1) c.fail("a bool must be 0 or 1, found " + std::to_string(b), key);
      v.value = b == 1;
      break;
    }
    case GgufValueType::String: v.value = c.read_string(key); break;
    case GgufValueType::Array: {
      if (depth >= kGgufMaxArrayDepth) c.fail("arrays nested too deeply", key);
      const auto elem = c.read<std::uint32_t>(key);
      if (!known_value_type(elem)) c.fail("unknown array element type " + std::to_string(elem), key);
      v.element_type = static_cast<GgufValueType>(elem);
      const auto count = c.read<std::uint64_t>(key);
      if (count > c.left() / min_value_bytes(v.element_type)) {
        c.fail("an array of " + std::to_string(count) + " elements cannot fit in the file", key);
      }
      GgufArray items;
      items.reserve(count);
      for (std::uint64_t i = 0; i < count; ++i) items.push_back(read_value(c, v.element_type, key, depth + 1));
      v.value = std::move(items);
      break;
    }
  }
  return v;
}

bool checked_mul(std::uint64_t a, std::uint64_t b, std::uint64_t& out) {
  return !__builtin_mul_overflow(a, b, &out);
}

[[noreturn]] void wrong_kind(const std::string& key, const char* want) {
  throw FormatError(std::string("metadata value is not ") + want, {"", 0, key});
}

}  // namespace

std::int64_t GgufValue::as_int(const std::string& key) const {
  if (const auto* u = std::get_if<std::uint64_t>(&value)) {
    if (*u > static_cast<std::uint64_t>(INT64_MAX)) wrong_kind(key, "an integer in range");
    return static_cast<std::int64_t>(*u);
  }
  if (const auto* i = std::get_if<std::int64_t>(&value)) return *i;
  wrong_kind(key, "an integer");
}

double GgufValue::as_float(const std::string& key) const {
  if (const auto* d = std::get_if<double>(&value)) return *d;
  if (std::holds_alternative<std::uint64_t>(value) || std::holds_alternative<std::int64_t>(value)) {
    return static_cast<double>(as_int(key));
  }
  wrong_kind(key, "a number");
}

bool GgufValue::as_bool(const std::string& key) const {
  if (const auto* b = std::get_if<bool>(&value)) return *b;
  wrong_kind(key, "a bool");
}

const std::string& GgufValue::as_string(const std::string& key) const {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  wrong_kind(key, "a string");
}

const GgufArray& GgufValue::as_array(const std::string& key) const {
  if (const auto* a = std::get_if<GgufArray>(&value)) return *a;
  wrong_kind(key, "an array");
}

std::vector<std::int64_t> GgufTensorInfo::torch_shape() const {
  return {dims.rbegin(), dims.rend()};
}

GgufHeader parse_gguf(std::span<const std::byte> file, const std::string& path) {
  Cursor c(file, path);
  GgufHeader h;
  // 1. Magic, version, counts (each bounded by what the rest of the file could hold).
  if (file.size() < 4 || std::memcmp(file.data(), "GGUF", 4) != 0) {
    throw FormatError("not a GGUF file (it does not start with \"GGUF\")", {path});
  }
  c.read<std::uint32_t>("magic");
  h.version = c.read<std::uint32_t>("version");
  if (h.version != 2 && h.version != 3) {
    c.fail("GGUF version " + std::to_string(h.version) + " is not supported (2 and 3 are)", "version");
  }
  const auto n_tensors = c.read<std::uint64_t>("tensor_count");
  const auto n_kv = c.read<std::uint64_t>("metadata_kv_count");
  if (n_kv > c.left() / 13) c.fail("metadata count " + std::to_string(n_kv) + " cannot fit in the file");
  // 2. Metadata.
  for (std::uint64_t i = 0; i < n_kv; ++i) {
    std::string key = c.read_string("metadata key");
    const auto type = c.read<std::uint32_t>(key);
    if (!known_value_type(type)) c.fail("unknown metadata value type " + std::to_string(type), key);
    GgufValue value = read_value(c, static_cast<GgufValueType>(type), key, 0);
    if (h.metadata.count(key) != 0) c.fail("metadata key appears twice", key);
    h.metadata.emplace(std::move(key), std::move(value));
  }
  if (const auto it = h.metadata.find("general.alignment"); it != h.metadata.end()) {
    const std::int64_t a = it->second.as_int("general.alignment");
    if (a <= 0 || (a & (a - 1)) != 0 || a > (1 << 20)) {
      throw FormatError("alignment must be a power of two (found " + std::to_string(a) + ")",
                        {path, 0, "general.alignment"});
    }
    h.alignment = static_cast<std::uint64_t>(a);
  }
  // 3. Tensor infos.
  if (n_tensors > c.left() / 24) c.fail("tensor count " + std::to_string(n_tensors) + " cannot fit in the file");
  h.tensors.reserve(n_tensors);
  std::set<std::string> names;
  for (std::uint64_t i = 0; i < n_tensors; ++i) {
    GgufTensorInfo t;
    t.name = c.read_string("tensor name");
    if (!names.insert(t.name).second) c.fail("tensor name appears twice", t.name);
    const auto n_dims = c.read<std::uint32_t>(t.name);
    if (n_dims == 0 || n_dims > kGgufMaxDims) c.fail("a tensor must have 1 to 4 dimensions", t.name);
    std::uint64_t elements = 1;
    for (std::uint32_t d = 0; d < n_dims; ++d) {
      const auto dim = c.read<std::uint64_t>(t.name);
      if (!checked_mul(elements, dim, elements) || elements > static_cast<std::uint64_t>(INT64_MAX)) {
        c.fail("the tensor's element count overflows", t.name);
      }
      t.dims.push_back(static_cast<std::int64_t>(dim));
    }
    t.elements = static_cast<std::int64_t>(elements);
    const auto type_id = c.read<std::uint32_t>(t.name);
    const auto info = ggml_type_info(type_id);
    if (!info) c.fail("unknown ggml tensor type " + std::to_string(type_id), t.name);
    t.type = info->type;
    if (t.dims[0] % static_cast<std::int64_t>(info->block_elements) != 0) {
      c.fail("the first dimension is not a multiple of the " + std::string(info->name) +
                 " block size " + std::to_string(info->block_elements), t.name);
    }
    if (!checked_mul(elements / info->block_elements, info->block_bytes, t.size_bytes)) {
      c.fail("the tensor's byte size overflows", t.name);
    }
    t.offset = c.read<std::uint64_t>(t.name);
    if (t.offset % h.alignment != 0) c.fail("the tensor's offset is not aligned", t.name);
    h.tensors.push_back(std::move(t));
  }
  // 4. The data section starts at the next alignment boundary; every tensor lies inside it,
  //    and no two overlap.
  const std::uint64_t pad = (h.alignment - c.pos() % h.alignment) % h.alignment;
  h.data_offset = c.pos() + pad;
  if (h.data_offset > file.size() && !h.tensors.empty()) c.fail("the data section starts past the end of the file");
  const std::uint64_t data_size = file.size() >= h.data_offset ? file.size() - h.data_offset : 0;
  std::vector<const GgufTensorInfo*> by_offset;
  for (const auto& t : h.tensors) {
    if (t.offset > data_size || t.size_bytes > data_size - t.offset) {
      throw FormatError("tensor data [" + std::to_string(t.offset) + ", +" + std::to_string(t.size_bytes) +
                            ") runs past the end of the file", {path, 0, t.name});
    }
    by_offset.push_back(&t);
  }
  std::sort(by_offset.begin(), by_offset.end(), [](auto* a, auto* b) { return a->offset < b->offset; });
  for (std::size_t i = 1; i < by_offset.size(); ++i) {
    if (by_offset[i - 1]->offset + by_offset[i - 1]->size_bytes > by_offset[i]->offset) {
      throw FormatError("tensor data overlaps " + by_offset[i - 1]->name, {path, 0, by_offset[i]->name});
    }
  }
  return h;
}

GgufFile::GgufFile(const std::filesystem::path& path)
    : file_(path), header_(parse_gguf(file_.bytes(), path.string())) {
  for (std::size_t i = 0; i < header_.tensors.size(); ++i) {
    if (!index_.emplace(header_.tensors[i].name, i).second) {
      throw FormatError("tensor name appears twice", {path.string(), 0, header_.tensors[i].name});
    }
  }
}

const GgufValue* find_metadata(const GgufHeader& header, const std::string& key) {
  const auto it = header.metadata.find(key);
  return it == header.metadata.end() ? nullptr : &it->second;
}

const GgufValue* GgufFile::find_metadata(const std::string& key) const { return tb::find_metadata(header_, key); }

const GgufTensorInfo* GgufFile::find_tensor(const std::string& name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? nullptr : &header_.tensors[it->second];
}

std::span<const std::byte> GgufFile::bytes(const GgufTensorInfo& tensor) const {
  return file_.bytes().subspan(header_.data_offset + tensor.offset, tensor.size_bytes);
}

const GgufTensorInfo& GgufFile::dequantizable(const std::string& name) const {
  const GgufTensorInfo* t = find_tensor(name);
  if (t == nullptr) throw FormatError("no tensor of this name in the file", {path().string(), 0, name});
  const auto info = *ggml_type_info(static_cast<std::uint32_t>(t->type));
  if (!info.can_dequantize) {
    throw FormatError("tensor type " + std::string(info.name) + " cannot be loaded (it is not a weight format)",
                      {path().string(), 0, name});
  }
  return *t;
}

void GgufFile::dequantize_f32(const GgufTensorInfo& tensor, float* out) const {
  dequantize_to_f32(tensor.type, bytes(tensor), static_cast<std::size_t>(tensor.elements), out);
}

}  // namespace tb
