// GGUF (v2, v3) reader: metadata of every value type (arrays and strings included), tensor
// infos, general.alignment; every count, length and offset is checked against the file before
// it is used. Tensors are memory-mapped and dequantised to fp32 into a caller's buffer
// (gguf_types.h); as torch tensors through core/model/tensor_files.h. Torch-free.
// Format: "GGUF", u32 version, u64 tensor count, u64 metadata count, metadata, tensor infos,
// padding to the alignment, data. All little-endian.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/io/gguf_types.h"
#include "core/io/mapped_file.h"

namespace tb {

enum class GgufValueType : std::uint32_t {
  U8 = 0, I8 = 1, U16 = 2, I16 = 3, U32 = 4, I32 = 5, F32 = 6, Bool = 7, String = 8,
  Array = 9, U64 = 10, I64 = 11, F64 = 12,
};

struct GgufValue;
using GgufArray = std::vector<GgufValue>;

struct GgufValue {
  GgufValueType type = GgufValueType::U8;
  GgufValueType element_type = GgufValueType::U8;  // for arrays
  std::variant<std::uint64_t, std::int64_t, double, bool, std::string, GgufArray> value;

  // Typed access; each throws tb::FormatError naming `key` when the value is of another kind.
  std::int64_t as_int(const std::string& key) const;  // any integer type
  double as_float(const std::string& key) const;      // float or integer types
  bool as_bool(const std::string& key) const;
  const std::string& as_string(const std::string& key) const;
  const GgufArray& as_array(const std::string& key) const;
};

struct GgufTensorInfo {
  std::string name;
  std::vector<std::int64_t> dims;  // GGUF order: dims[0] varies fastest
  GgmlType type = GgmlType::F32;
  std::uint64_t offset = 0;        // from the start of the data section
  std::uint64_t size_bytes = 0;
  std::int64_t elements = 0;

  // Torch order: the dims reversed ([rows, cols] for a matrix).
  std::vector<std::int64_t> torch_shape() const;
};

struct GgufHeader {
  std::uint32_t version = 0;
  std::map<std::string, GgufValue> metadata;
  std::vector<GgufTensorInfo> tensors;  // in file order
  std::uint64_t alignment = 32;
  std::uint64_t data_offset = 0;
};

// Limits that keep a hostile file from making us allocate without bound.
inline constexpr std::uint64_t kGgufMaxStringBytes = 256ull << 20;
inline constexpr int kGgufMaxArrayDepth = 4;
inline constexpr std::uint32_t kGgufMaxDims = 4;

// The metadata value under `key`, or nullptr.
const GgufValue* find_metadata(const GgufHeader& header, const std::string& key);

// Parses and validates a whole file image; `path` only labels errors (tb::FormatError).
GgufHeader parse_gguf(std::span<const std::byte> file, const std::string& path);

class GgufFile {
 public:
  explicit GgufFile(const std::filesystem::path& path);  // maps and validates

  const GgufHeader& header() const { return header_; }
  const std::filesystem::path& path() const { return file_.path(); }
  const GgufValue* find_metadata(const std::string& key) const;
  const GgufTensorInfo* find_tensor(const std::string& name) const;
  std::span<const std::byte> bytes(const GgufTensorInfo& tensor) const;
  // The tensor of that name, checked to be one we can dequantise. Throws tb::FormatError naming
  // the tensor when missing or of a type we cannot dequantise.
  const GgufTensorInfo& dequantizable(const std::string& name) const;
  // Dequantises `tensor` (from dequantizable) to fp32 into `out` (tensor.elements floats; the
  // elements in torch order, dims reversed).
  void dequantize_f32(const GgufTensorInfo& tensor, float* out) const;

 private:
  MappedFile file_;
  GgufHeader header_;
  std::map<std::string, std::size_t, std::less<>> index_;
};

}  // namespace tb
