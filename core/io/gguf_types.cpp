// ggml types and dequantisation (see gguf_types.h). Each block layout and formula follows
// ggml's reference dequantize_row_* (ggml-quants.c); arithmetic is in fp32 in the same order.
#include "core/io/gguf_types.h"

#include <array>
#include <bit>
#include <cstring>

namespace tb {
namespace {

constexpr std::size_t kQK = 32;    // block size of the legacy quants
constexpr std::size_t kQKK = 256;  // block size of the K-quants

constexpr std::array<GgmlTypeInfo, 15> kTypes = {{
    {GgmlType::F32, "F32", 1, 4, true},
    {GgmlType::F16, "F16", 1, 2, true},
    {GgmlType::Q4_0, "Q4_0", kQK, 2 + 16, true},
    {GgmlType::Q4_1, "Q4_1", kQK, 2 + 2 + 16, true},
    {GgmlType::Q5_0, "Q5_0", kQK, 2 + 4 + 16, true},
    {GgmlType::Q5_1, "Q5_1", kQK, 2 + 2 + 4 + 16, true},
    {GgmlType::Q8_0, "Q8_0", kQK, 2 + 32, true},
    {GgmlType::Q8_1, "Q8_1", kQK, 4 + 32, false},
    {GgmlType::Q2_K, "Q2_K", kQKK, 16 + 64 + 2 + 2, true},
    {GgmlType::Q3_K, "Q3_K", kQKK, 32 + 64 + 12 + 2, true},
    {GgmlType::Q4_K, "Q4_K", kQKK, 2 + 2 + 12 + 128, true},
    {GgmlType::Q5_K, "Q5_K", kQKK, 2 + 2 + 12 + 32 + 128, true},
    {GgmlType::Q6_K, "Q6_K", kQKK, 128 + 64 + 16 + 2, true},
    {GgmlType::Q8_K, "Q8_K", kQKK, 4 + 256 + 32, false},
    {GgmlType::BF16, "BF16", 1, 2, true},
}};

std::uint16_t u16(const std::uint8_t* p) {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}
float half(const std::uint8_t* p) { return f16_to_f32(u16(p)); }

void q4_0(const std::uint8_t* b, float* y) {
  const float d = half(b);
  const std::uint8_t* qs = b + 2;
  for (std::size_t j = 0; j < kQK / 2; ++j) {
    y[j] = static_cast<float>((qs[j] & 0x0F) - 8) * d;
    y[j + kQK / 2] = static_cast<float>((qs[j] >> 4) - 8) * d;
  }
}

void q4_1(const std::uint8_t* b, float* y) {
  const float d = half(b), m = half(b + 2);
  const std::uint8_t* qs = b + 4;
  for (std::size_t j = 0; j < kQK / 2; ++j) {
    y[j] = static_cast<float>(qs[j] & 0x0F) * d + m;
    y[j + kQK / 2] = static_cast<float>(qs[j] >> 4) * d + m;
  }
}

void q5_0(const std::uint8_t* b, float* y) {
  const float d = half(b);
  std::uint32_t qh;
  std::memcpy(&qh, b + 2, 4);
  const std::uint8_t* qs = b + 6;
  for (std::size_t j = 0; j < kQK / 2; ++j) {
    const std::uint8_t xh0 = static_cast<std::uint8_t>(((qh >> j) << 4) & 0x10);
    const std::uint8_t xh1 = static_cast<std::uint8_t>((qh >> (j + 12)) & 0x10);
    y[j] = static_cast<float>(((qs[j] & 0x0F) | xh0) - 16) * d;
    y[j + kQK / 2] = static_cast<float>(((qs[j] >> 4) | xh1) - 16) * d;
  }
}

void q5_1(const std::uint8_t* b, float* y) {
  const float d = half(b), m = half(b + 2);
  std::uint32_t qh;
  std::memcpy(&qh, b + 4, 4);
  const std::uint8_t* qs = b + 8;
  for (std::size_t j = 0; j < kQK / 2; ++j) {
    const std::uint8_t xh0 = static_cast<std::uint8_t>(((qh >> j) << 4) & 0x10);
    const std::uint8_t xh1 = static_cast<std::uint8_t>((qh >> (j + 12)) & 0x10);
    y[j] = static_cast<float>((qs[j] & 0x0F) | xh0) * d + m;
    y[j + kQK / 2] = static_cast<float>((qs[j] >> 4) | xh1) * d + m;
  }
}

void q8_0(const std::uint8_t* b, float* y) {
  const float d = half(b);
  const auto* qs = reinterpret_cast<const std::int8_t*>(b + 2);
  for (std::size_t j = 0; j < kQK; ++j) y[j] = static_cast<float>(qs[j]) * d;
}

void q2_k(const std::uint8_t* b, float* y) {
  // scales[16] | qs[64] | d | dmin
  const std::uint8_t* scales = b;
  const std::uint8_t* q = b + 16;
  const float d = half(b + 80), min = half(b + 82);
  int is = 0;
  for (std::size_t n = 0; n < kQKK; n += 128) {
    int shift = 0;
    for (int j = 0; j < 4; ++j) {
      std::uint8_t sc = scales[is++];
      float dl = d * static_cast<float>(sc & 0xF), ml = min * static_cast<float>(sc >> 4);
      for (int l = 0; l < 16; ++l) *y++ = dl * static_cast<float>((q[l] >> shift) & 3) - ml;
      sc = scales[is++];
      dl = d * static_cast<float>(sc & 0xF);
      ml = min * static_cast<float>(sc >> 4);
      for (int l = 0; l < 16; ++l) *y++ = dl * static_cast<float>((q[l + 16] >> shift) & 3) - ml;
      shift += 2;
    }
    q += 32;
  }
}

void q3_k(const std::uint8_t* b, float* y) {
  // hmask[32] | qs[64] | scales[12] | d
  const std::uint8_t* hm = b;
  const std::uint8_t* q = b + 32;
  const float d_all = half(b + 108);
  // 1. Unpack 16 six-bit scales from 12 bytes.
  constexpr std::uint32_t kmask1 = 0x03030303, kmask2 = 0x0f0f0f0f;
  std::uint32_t aux[4];
  std::memcpy(aux, b + 96, 12);
  const std::uint32_t tmp = aux[2];
  aux[2] = ((aux[0] >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4);
  aux[3] = ((aux[1] >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4);
  aux[0] = (aux[0] & kmask2) | (((tmp >> 0) & kmask1) << 4);
  aux[1] = (aux[1] & kmask2) | (((tmp >> 2) & kmask1) << 4);
  std::int8_t scales[16];
  std::memcpy(scales, aux, 16);
  // 2. Two low bits from qs, the high bit from hmask (set = no offset, clear = minus 4).
  int is = 0;
  std::uint8_t m = 1;
  for (std::size_t n = 0; n < kQKK; n += 128) {
    int shift = 0;
    for (int j = 0; j < 4; ++j) {
      float dl = d_all * static_cast<float>(scales[is++] - 32);
      for (int l = 0; l < 16; ++l) {
        *y++ = dl * static_cast<float>(((q[l] >> shift) & 3) - ((hm[l] & m) ? 0 : 4));
      }
      dl = d_all * static_cast<float>(scales[is++] - 32);
      for (int l = 0; l < 16; ++l) {
        *y++ = dl * static_cast<float>(((q[l + 16] >> shift) & 3) - ((hm[l + 16] & m) ? 0 : 4));
      }
      shift += 2;
      m = static_cast<std::uint8_t>(m << 1);
    }
    q += 32;
  }
}

// The 6-bit scale and min of sub-block j from the 12 packed bytes of Q4_K / Q5_K.
void scale_min_k4(int j, const std::uint8_t* q, std::uint8_t& d, std::uint8_t& m) {
  if (j < 4) {
    d = q[j] & 63;
    m = q[j + 4] & 63;
  } else {
    d = static_cast<std::uint8_t>((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
    m = static_cast<std::uint8_t>((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
  }
}

void q4_k(const std::uint8_t* b, float* y) {
  // d | dmin | scales[12] | qs[128]
  const float d = half(b), min = half(b + 2);
  const std::uint8_t* scales = b + 4;
  const std::uint8_t* q = b + 16;
  int is = 0;
  for (std::size_t j = 0; j < kQKK; j += 64) {
    std::uint8_t sc, m;
    scale_min_k4(is + 0, scales, sc, m);
    const float d1 = d * sc, m1 = min * m;
    scale_min_k4(is + 1, scales, sc, m);
    const float d2 = d * sc, m2 = min * m;
    for (int l = 0; l < 32; ++l) *y++ = d1 * static_cast<float>(q[l] & 0xF) - m1;
    for (int l = 0; l < 32; ++l) *y++ = d2 * static_cast<float>(q[l] >> 4) - m2;
    q += 32;
    is += 2;
  }
}

void q5_k(const std::uint8_t* b, float* y) {
  // d | dmin | scales[12] | qh[32] | qs[128]
  const float d = half(b), min = half(b + 2);
  const std::uint8_t* scales = b + 4;
  const std::uint8_t* qh = b + 16;
  const std::uint8_t* ql = b + 48;
  int is = 0;
  std::uint8_t u1 = 1, u2 = 2;
  for (std::size_t j = 0; j < kQKK; j += 64) {
    std::uint8_t sc, m;
    scale_min_k4(is + 0, scales, sc, m);
    const float d1 = d * sc, m1 = min * m;
    scale_min_k4(is + 1, scales, sc, m);
    const float d2 = d * sc, m2 = min * m;
    for (int l = 0; l < 32; ++l) {
      *y++ = d1 * static_cast<float>((ql[l] & 0xF) + ((qh[l] & u1) ? 16 : 0)) - m1;
    }
    for (int l = 0; l < 32; ++l) {
      *y++ = d2 * static_cast<float>((ql[l] >> 4) + ((qh[l] & u2) ? 16 : 0)) - m2;
    }
    ql += 32;
    is += 2;
    u1 = static_cast<std::uint8_t>(u1 << 2);
    u2 = static_cast<std::uint8_t>(u2 << 2);
  }
}

void q6_k(const std::uint8_t* b, float* y) {
  // ql[128] | qh[64] | scales[16] (int8) | d
  const std::uint8_t* ql = b;
  const std::uint8_t* qh = b + 128;
  const auto* sc = reinterpret_cast<const std::int8_t*>(b + 192);
  const float d = half(b + 208);
  for (std::size_t n = 0; n < kQKK; n += 128) {
    for (int l = 0; l < 32; ++l) {
      const int is = l / 16;
      const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
      const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
      const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
      const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
      y[l] = d * static_cast<float>(sc[is + 0]) * static_cast<float>(q1);
      y[l + 32] = d * static_cast<float>(sc[is + 2]) * static_cast<float>(q2);
      y[l + 64] = d * static_cast<float>(sc[is + 4]) * static_cast<float>(q3);
      y[l + 96] = d * static_cast<float>(sc[is + 6]) * static_cast<float>(q4);
    }
    y += 128;
    ql += 64;
    qh += 32;
    sc += 8;
  }
}

}  // namespace

float f16_to_f32(std::uint16_t bits) {
  // 1. Split sign, exponent, mantissa; 2. rebias normals, renormalise subnormals.
  const std::uint32_t sign = static_cast<std::uint32_t>(bits & 0x8000) << 16;
  std::uint32_t exp = (bits >> 10) & 0x1F;
  std::uint32_t mant = bits & 0x3FF;
  std::uint32_t out;
  if (exp == 0x1F) {
    out = sign | 0x7F800000 | (mant << 13);  // inf / nan
  } else if (exp != 0) {
    out = sign | ((exp + 112) << 23) | (mant << 13);
  } else if (mant == 0) {
    out = sign;
  } else {
    exp = 113;
    while ((mant & 0x400) == 0) {
      mant <<= 1;
      --exp;
    }
    out = sign | (exp << 23) | ((mant & 0x3FF) << 13);
  }
  return std::bit_cast<float>(out);
}

float bf16_to_f32(std::uint16_t bits) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16);
}

std::optional<GgmlTypeInfo> ggml_type_info(std::uint32_t type_id) {
  for (const GgmlTypeInfo& t : kTypes) {
    if (static_cast<std::uint32_t>(t.type) == type_id) return t;
  }
  return std::nullopt;
}

void dequantize_to_f32(GgmlType type, std::span<const std::byte> bytes, std::size_t elements,
                       float* out) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(bytes.data());
  const GgmlTypeInfo info = *ggml_type_info(static_cast<std::uint32_t>(type));
  const std::size_t blocks = elements / info.block_elements;
  using BlockFn = void (*)(const std::uint8_t*, float*);
  BlockFn fn = nullptr;
  switch (type) {
    case GgmlType::F32:
      if (elements > 0) std::memcpy(out, p, elements * 4);  // an empty tensor may have no data pointer
      return;
    case GgmlType::F16:
      for (std::size_t i = 0; i < elements; ++i) out[i] = f16_to_f32(u16(p + 2 * i));
      return;
    case GgmlType::BF16:
      for (std::size_t i = 0; i < elements; ++i) out[i] = bf16_to_f32(u16(p + 2 * i));
      return;
    case GgmlType::Q4_0: fn = q4_0; break;
    case GgmlType::Q4_1: fn = q4_1; break;
    case GgmlType::Q5_0: fn = q5_0; break;
    case GgmlType::Q5_1: fn = q5_1; break;
    case GgmlType::Q8_0: fn = q8_0; break;
    case GgmlType::Q2_K: fn = q2_k; break;
    case GgmlType::Q3_K: fn = q3_k; break;
    case GgmlType::Q4_K: fn = q4_k; break;
    case GgmlType::Q5_K: fn = q5_k; break;
    case GgmlType::Q6_K: fn = q6_k; break;
    case GgmlType::Q8_1:
    case GgmlType::Q8_K:
      break;  // intermediate types of ggml's matmul; never stored as weights
  }
  if (fn == nullptr) return;
  for (std::size_t i = 0; i < blocks; ++i) fn(p + i * info.block_bytes, out + i * info.block_elements);
}

}  // namespace tb
