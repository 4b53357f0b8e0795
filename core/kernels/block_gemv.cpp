// Products from ggml blocks on the CPU (see block_gemv.h). Three builds of one algorithm:
//   0. per output row n, convert its fp16 scales (and minimums) to fp32, 256 blocks at a time;
//   1. per block b of 32 weights: widen the quants to 32 fp32 lanes and dequantise them in
//      registers (w = d*q + m);
//   2. multiply-add them into per-row accumulators of each of the M input rows (several
//      accumulators per row when M is small, so the adds do not wait on each other);
//   3. sum each accumulator's lanes into y[m, n].
// Rows n are shared out over libtorch's intra-op threads.
#include "core/kernels/block_gemv.h"

// GCC 12 reports the deliberately undefined registers inside its own AVX-512 intrinsic
// headers (_mm512_undefined_*) as maybe-uninitialised; a known false positive of that header.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <cpuid.h>
#include <immintrin.h>

#include <array>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <utility>

#include <ATen/Parallel.h>

namespace tb::kernels {
namespace {

constexpr std::int64_t kQK = BlockMatrix::kBlock;
constexpr std::int64_t kChunk = 256;  // blocks whose scales are converted at once
// How far ahead of the block being multiplied the SIMD kernels ask for the matrix's bytes: the
// arithmetic per byte is too high for the out-of-order window to cover memory latency alone.
constexpr std::int64_t kPrefetchBytes = 4096;

struct Args {
  const float* x;  // [M, K]
  float* y;        // [M, N]
  std::int64_t K, N;
  const std::uint8_t* data;  // packed rows (block_gemv.h)
  std::int64_t row_bytes, nb, nbp, qbytes;
  std::int64_t n0, n1;       // output rows of this call

  const std::uint8_t* quants(std::int64_t n) const { return data + n * row_bytes; }
  const std::uint16_t* scales(std::int64_t n) const {
    return reinterpret_cast<const std::uint16_t*>(data + n * row_bytes + nb * qbytes);
  }
  const std::uint16_t* mins(std::int64_t n) const { return scales(n) + nbp; }
};

// ---- Portable -----------------------------------------------------------------------------

// Weights of one block into w[32].
void dequant_block(bool q4, float d, float m, const std::uint8_t* q, float* w) {
  if (q4) {
    for (std::int64_t j = 0; j < kQK / 2; ++j) {
      w[j] = std::fma(static_cast<float>(q[j] & 0x0F), d, m);
      w[j + kQK / 2] = std::fma(static_cast<float>(q[j] >> 4), d, m);
    }
  } else {
    for (std::int64_t j = 0; j < kQK; ++j) w[j] = static_cast<float>(static_cast<std::int8_t>(q[j])) * d;
  }
}

template <int M, bool Q4>
void rows_portable(const Args& a) {
  std::array<float, kQK> w{};
  for (std::int64_t n = a.n0; n < a.n1; ++n) {
    std::array<float, M> acc{};
    for (std::int64_t b = 0; b < a.nb; ++b) {
      dequant_block(Q4, f16_to_f32(a.scales(n)[b]), Q4 ? f16_to_f32(a.mins(n)[b]) : 0.f, a.quants(n) + b * a.qbytes,
                    w.data());
      for (int m = 0; m < M; ++m) {
        const float* x = a.x + m * a.K + b * kQK;
        float s = 0.f;
        for (std::int64_t j = 0; j < kQK; ++j) s += w[static_cast<std::size_t>(j)] * x[j];
        acc[static_cast<std::size_t>(m)] += s;
      }
    }
    for (int m = 0; m < M; ++m) a.y[m * a.N + n] = acc[static_cast<std::size_t>(m)];
  }
}

// ---- AVX-512 ------------------------------------------------------------------------------

__attribute__((target("avx512f"))) inline float hsum512(__m512 v) {
  const __m256 lo = _mm512_castps512_ps256(v);
  const __m256 hi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
  const __m256 s8 = _mm256_add_ps(lo, hi);
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// fp16 scales [c0, c0 + count) of a row into fp32 out[0, count rounded up to 16).
__attribute__((target("avx512f"))) inline void scales512(const std::uint16_t* h, std::int64_t count, float* out) {
  for (std::int64_t j = 0; j < count; j += 16) {
    _mm512_store_ps(out + j, _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + j))));
  }
}

// The 32 weights of a block into two registers: lanes 0..15 and 16..31.
template <bool Q4>
__attribute__((target("avx512f"))) inline void dequant512(const std::uint8_t* q, float d_, float m_, __m512& w0,
                                                          __m512& w1) {
  const __m512 d = _mm512_set1_ps(d_);
  if constexpr (Q4) {
    const __m512i v = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q)));
    const __m512 m = _mm512_set1_ps(m_);
    w0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_and_si512(v, _mm512_set1_epi32(0x0F))), d, m);
    w1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_srli_epi32(v, 4)), d, m);
  } else {
    w0 = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q)))), d);
    w1 = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 16)))), d);
  }
}

template <int M, bool Q4>
__attribute__((target("avx512f"))) void rows_avx512(const Args& a) {
  constexpr int U = M <= 2 ? 2 : 1;  // blocks in flight per accumulator set
  alignas(64) float d[kChunk], mn[kChunk];
  for (std::int64_t n = a.n0; n < a.n1; ++n) {
    const std::uint8_t* q = a.quants(n);
    __m512 acc[M][U][2];
#pragma GCC unroll 8
    for (int m = 0; m < M; ++m)
#pragma GCC unroll 8
      for (int u = 0; u < U; ++u) acc[m][u][0] = acc[m][u][1] = _mm512_setzero_ps();
    for (std::int64_t c0 = 0; c0 < a.nb; c0 += kChunk) {
      const std::int64_t c1 = std::min(a.nb, c0 + kChunk);
      scales512(a.scales(n) + c0, c1 - c0, d);
      if constexpr (Q4) scales512(a.mins(n) + c0, c1 - c0, mn);
      std::int64_t b = c0;
      for (; b + U <= c1; b += U) {
#pragma GCC unroll 8
        for (int u = 0; u < U; ++u) {
          _mm_prefetch(reinterpret_cast<const char*>(q + (b + u) * a.qbytes + kPrefetchBytes), _MM_HINT_T0);
          __m512 w0, w1;
          dequant512<Q4>(q + (b + u) * a.qbytes, d[b + u - c0], Q4 ? mn[b + u - c0] : 0.f, w0, w1);
#pragma GCC unroll 8
          for (int m = 0; m < M; ++m) {
            const float* x = a.x + m * a.K + (b + u) * kQK;
            acc[m][u][0] = _mm512_fmadd_ps(w0, _mm512_loadu_ps(x), acc[m][u][0]);
            acc[m][u][1] = _mm512_fmadd_ps(w1, _mm512_loadu_ps(x + 16), acc[m][u][1]);
          }
        }
      }
      for (; b < c1; ++b) {
        __m512 w0, w1;
        dequant512<Q4>(q + b * a.qbytes, d[b - c0], Q4 ? mn[b - c0] : 0.f, w0, w1);
#pragma GCC unroll 8
        for (int m = 0; m < M; ++m) {
          const float* x = a.x + m * a.K + b * kQK;
          acc[m][0][0] = _mm512_fmadd_ps(w0, _mm512_loadu_ps(x), acc[m][0][0]);
          acc[m][0][1] = _mm512_fmadd_ps(w1, _mm512_loadu_ps(x + 16), acc[m][0][1]);
        }
      }
    }
#pragma GCC unroll 8
    for (int m = 0; m < M; ++m) {
      __m512 s = _mm512_add_ps(acc[m][0][0], acc[m][0][1]);
#pragma GCC unroll 8
      for (int u = 1; u < U; ++u) s = _mm512_add_ps(s, _mm512_add_ps(acc[m][u][0], acc[m][u][1]));
      a.y[m * a.N + n] = hsum512(s);
    }
  }
}

// ---- AVX2 ---------------------------------------------------------------------------------

__attribute__((target("avx2,fma,f16c"))) inline float hsum256(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma,f16c"))) inline void scales256(const std::uint16_t* h, std::int64_t count, float* out) {
  for (std::int64_t j = 0; j < count; j += 8) {
    _mm256_store_ps(out + j, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h + j))));
  }
}

// The 32 weights of a block into four registers: lanes 0..7, 8..15, 16..23, 24..31.
template <bool Q4>
__attribute__((target("avx2,fma,f16c"))) inline void dequant256(const std::uint8_t* q, float d_, float m_, __m256 (&w)[4]) {
  const __m256 d = _mm256_set1_ps(d_);
  if constexpr (Q4) {
    const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    const __m256i v0 = _mm256_cvtepu8_epi32(raw), v1 = _mm256_cvtepu8_epi32(_mm_srli_si128(raw, 8));
    const __m256i low = _mm256_set1_epi32(0x0F);
    const __m256 m = _mm256_set1_ps(m_);
    w[0] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_and_si256(v0, low)), d, m);
    w[1] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_and_si256(v1, low)), d, m);
    w[2] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(v0, 4)), d, m);
    w[3] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(v1, 4)), d, m);
  } else {
#pragma GCC unroll 4
    for (int g = 0; g < 4; ++g) {
      const __m128i raw = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(q + 8 * g));
      w[g] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(raw)), d);
    }
  }
}

template <int M, bool Q4>
__attribute__((target("avx2,fma,f16c"))) void rows_avx2(const Args& a) {
  alignas(32) float d[kChunk], mn[kChunk];
  for (std::int64_t n = a.n0; n < a.n1; ++n) {
    const std::uint8_t* q = a.quants(n);
    __m256 acc[M][2];
#pragma GCC unroll 8
    for (int m = 0; m < M; ++m) acc[m][0] = acc[m][1] = _mm256_setzero_ps();
    for (std::int64_t c0 = 0; c0 < a.nb; c0 += kChunk) {
      const std::int64_t c1 = std::min(a.nb, c0 + kChunk);
      scales256(a.scales(n) + c0, c1 - c0, d);
      if constexpr (Q4) scales256(a.mins(n) + c0, c1 - c0, mn);
      for (std::int64_t b = c0; b < c1; ++b) {
        _mm_prefetch(reinterpret_cast<const char*>(q + b * a.qbytes + kPrefetchBytes), _MM_HINT_T0);
        __m256 w[4];
        dequant256<Q4>(q + b * a.qbytes, d[b - c0], Q4 ? mn[b - c0] : 0.f, w);
#pragma GCC unroll 8
        for (int m = 0; m < M; ++m) {
          const float* x = a.x + m * a.K + b * kQK;
          acc[m][0] = _mm256_fmadd_ps(w[0], _mm256_loadu_ps(x), acc[m][0]);
          acc[m][1] = _mm256_fmadd_ps(w[1], _mm256_loadu_ps(x + 8), acc[m][1]);
          acc[m][0] = _mm256_fmadd_ps(w[2], _mm256_loadu_ps(x + 16), acc[m][0]);
          acc[m][1] = _mm256_fmadd_ps(w[3], _mm256_loadu_ps(x + 24), acc[m][1]);
        }
      }
    }
#pragma GCC unroll 8
    for (int m = 0; m < M; ++m) a.y[m * a.N + n] = hsum256(_mm256_add_ps(acc[m][0], acc[m][1]));
  }
}

// ---- Dispatch -----------------------------------------------------------------------------

using RowsFn = void (*)(const Args&);

template <bool Q4, std::size_t... I>
std::array<RowsFn, sizeof...(I)> table(SimdLevel level, std::index_sequence<I...>) {
  switch (level) {
    case SimdLevel::Avx512: return {&rows_avx512<static_cast<int>(I) + 1, Q4>...};
    case SimdLevel::Avx2: return {&rows_avx2<static_cast<int>(I) + 1, Q4>...};
    case SimdLevel::Portable: break;
  }
  return {&rows_portable<static_cast<int>(I) + 1, Q4>...};
}

RowsFn rows_fn(SimdLevel level, BlockMatrix::Kind kind, std::int64_t m) {
  constexpr auto seq = std::make_index_sequence<static_cast<std::size_t>(kBlockLinearMaxRows)>();
  const auto fns = kind == BlockMatrix::Kind::Q4 ? table<true>(level, seq) : table<false>(level, seq);
  return fns[static_cast<std::size_t>(m - 1)];
}

std::uint16_t u16_at(const std::byte* p) {
  std::uint16_t bits;
  std::memcpy(&bits, p, 2);
  return bits;
}

Args args_for(const BlockMatrix& w) {
  Args a{};
  a.K = w.cols();
  a.N = w.rows();
  a.data = w.data();
  a.row_bytes = w.row_bytes();
  a.nb = w.blocks_per_row();
  a.nbp = w.padded_blocks();
  a.qbytes = w.quant_bytes();
  return a;
}

}  // namespace

bool BlockMatrix::supports(GgmlType type) {
  return type == GgmlType::Q4_0 || type == GgmlType::Q4_1 || type == GgmlType::Q8_0;
}

BlockMatrix BlockMatrix::from_ggml(GgmlType type, std::span<const std::byte> bytes, std::int64_t rows,
                                   std::int64_t cols) {
  if (!supports(type)) throw std::invalid_argument("BlockMatrix: only Q4_0, Q4_1 and Q8_0 blocks");
  if (rows < 0 || cols <= 0 || cols % kQK != 0) throw std::invalid_argument("BlockMatrix: columns must be a multiple of 32");
  const std::int64_t block_bytes = type == GgmlType::Q4_0 ? 18 : type == GgmlType::Q4_1 ? 20 : 34;
  if (static_cast<std::int64_t>(bytes.size()) != rows * (cols / kQK) * block_bytes) {
    throw std::invalid_argument("BlockMatrix: " + std::to_string(bytes.size()) + " bytes for " +
                                std::to_string(rows * (cols / kQK)) + " blocks");
  }
  BlockMatrix w;
  w.kind_ = type == GgmlType::Q8_0 ? Kind::Q8 : Kind::Q4;
  w.rows_ = rows;
  w.cols_ = cols;
  const Args layout = [&] {
    Args a{};
    a.nb = cols / kQK;
    a.nbp = (a.nb + 15) / 16 * 16;
    a.qbytes = w.kind_ == Kind::Q4 ? 16 : 32;
    a.row_bytes = a.nb * a.qbytes + a.nbp * 2 * (w.kind_ == Kind::Q4 ? 2 : 1);
    return a;
  }();
  w.packed_ = torch::zeros({rows, layout.row_bytes}, torch::kUInt8);
  Args a = layout;
  a.data = w.packed_.data_ptr<std::uint8_t>();
  // ggml layouts (ggml-common.h): Q4_0 {f16 d; u8 qs[16]} w = d*(q-8); Q4_1 {f16 d, m; u8 qs[16]}
  // w = d*q + m; Q8_0 {f16 d; i8 qs[32]} w = d*q. Nibbles: low = weight j, high = weight j+16.
  // Q4_0 becomes Q4 with m = -8d, exact in fp16 (a power-of-two multiple).
  for (std::int64_t n = 0; n < rows; ++n) {
    auto* quants = const_cast<std::uint8_t*>(a.quants(n));
    auto* scales = const_cast<std::uint16_t*>(a.scales(n));
    auto* mins = const_cast<std::uint16_t*>(a.mins(n));
    for (std::int64_t b = 0; b < a.nb; ++b) {
      const std::byte* blk = bytes.data() + (n * a.nb + b) * block_bytes;
      scales[b] = u16_at(blk);
      if (type == GgmlType::Q4_0) mins[b] = c10::Half(-8.0f * f16_to_f32(scales[b])).x;
      if (type == GgmlType::Q4_1) mins[b] = u16_at(blk + 2);
      const std::int64_t head = type == GgmlType::Q4_1 ? 4 : 2;
      std::memcpy(quants + b * a.qbytes, blk + head, static_cast<std::size_t>(a.qbytes));
    }
  }
  return w;
}

BlockMatrix BlockMatrix::index_rows(const torch::Tensor& index) const {
  BlockMatrix w = *this;
  w.packed_ = packed_.index_select(0, index).contiguous();
  w.rows_ = index.size(0);
  return w;
}

torch::Tensor BlockMatrix::dequantize() const {
  auto out = torch::empty({rows_, cols_}, torch::kFloat32);  // [N, K]
  const Args a = args_for(*this);
  const bool q4 = kind_ == Kind::Q4;
  for (std::int64_t n = 0; n < rows_; ++n) {
    for (std::int64_t b = 0; b < a.nb; ++b) {
      dequant_block(q4, f16_to_f32(a.scales(n)[b]), q4 ? f16_to_f32(a.mins(n)[b]) : 0.f, a.quants(n) + b * a.qbytes,
                    out.data_ptr<float>() + n * cols_ + b * kQK);
    }
  }
  return out;
}

std::int64_t BlockMatrix::bytes() const { return packed_.nbytes(); }

SimdLevel best_simd_level() {
  static const SimdLevel level = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return SimdLevel::Avx512;
    // F16C from CPUID leaf 1 (ECX bit 29): not every compiler's __builtin_cpu_supports knows it.
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    const bool f16c = __get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0 && (ecx & (1u << 29)) != 0;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && f16c) return SimdLevel::Avx2;
    return SimdLevel::Portable;
  }();
  return level;
}

const char* simd_level_name(SimdLevel level) {
  switch (level) {
    case SimdLevel::Avx512: return "avx512";
    case SimdLevel::Avx2: return "avx2";
    case SimdLevel::Portable: break;
  }
  return "portable";
}

torch::Tensor block_linear(const torch::Tensor& x, const BlockMatrix& w) { return block_linear(x, w, best_simd_level()); }

torch::Tensor block_linear(const torch::Tensor& x_in, const BlockMatrix& w, SimdLevel level) {
  TORCH_CHECK(x_in.is_cpu() && x_in.scalar_type() == torch::kFloat32, "block_linear: x must be fp32 on the CPU");
  TORCH_CHECK(x_in.dim() >= 1 && x_in.size(-1) == w.cols(), "block_linear: x ", x_in.sizes(), " against a [", w.rows(),
              ", ", w.cols(), "] matrix");
  const auto x = x_in.contiguous();
  const std::int64_t M = x.numel() / w.cols();
  TORCH_CHECK(M >= 1 && M <= kBlockLinearMaxRows, "block_linear: ", M, " rows, at most ", kBlockLinearMaxRows);
  TORCH_CHECK(level <= best_simd_level(), "block_linear: this CPU lacks ", simd_level_name(level));
  auto shape = x.sizes().vec();
  shape.back() = w.rows();
  auto y = torch::empty(shape, torch::kFloat32);  // [..., N]
  Args a = args_for(w);
  a.x = x.data_ptr<float>();
  a.y = y.data_ptr<float>();
  const RowsFn fn = rows_fn(level, w.kind(), M);
  at::parallel_for(0, w.rows(), 16, [&](std::int64_t n0, std::int64_t n1) {
    Args part = a;
    part.n0 = n0;
    part.n1 = n1;
    fn(part);
  });
  return y;
}

}  // namespace tb::kernels
