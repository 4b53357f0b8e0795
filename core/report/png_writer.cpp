// PNG encoding (see png_writer.h): chunks after the PNG spec (ISO/IEC 15948), the zlib wrapper
// after RFC 1950, DEFLATE after RFC 1951 — one block with the fixed Huffman codes and LZ77
// matches from hash chains, or stored blocks when those come out smaller (noise-like images).
#include "core/report/png_writer.h"

#include <algorithm>
#include <string_view>

#include "core/common/error.h"
#include "core/io/atomic_file.h"

namespace tb {
namespace {

// ---- Checksums ---------------------------------------------------------------------------

constexpr std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

constexpr std::array<std::uint32_t, 256> kCrcTable = make_crc_table();

// CRC-32 as PNG chunks use it (reflected, polynomial 0xEDB88320, pre/post inverted).
std::uint32_t crc32(std::string_view bytes) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (const char ch : bytes) {
    crc = kCrcTable[(crc ^ static_cast<std::uint8_t>(ch)) & 0xFFu] ^ (crc >> 8);
  }
  return crc ^ 0xFFFFFFFFu;
}

std::uint32_t adler32(const std::vector<std::uint8_t>& data) {
  constexpr std::uint32_t kModulus = 65521;
  constexpr std::size_t kBlock = 5552;  // largest run whose sums cannot overflow 32 bits
  std::uint32_t a = 1;
  std::uint32_t b = 0;
  for (std::size_t at = 0; at < data.size(); at += kBlock) {
    const std::size_t end = std::min(data.size(), at + kBlock);
    for (std::size_t i = at; i < end; ++i) {
      a += data[i];
      b += a;
    }
    a %= kModulus;
    b %= kModulus;
  }
  return (b << 16) | a;
}

// ---- DEFLATE -------------------------------------------------------------------------------

// Packs bits into bytes least significant bit first, as RFC 1951 §3.1.1 orders them.
class BitWriter {
 public:
  explicit BitWriter(std::string& out) : out_(out) {}

  void put_bits(std::uint32_t bits, int count) {
    pending_ |= static_cast<std::uint64_t>(bits) << pending_count_;
    pending_count_ += count;
    while (pending_count_ >= 8) {
      out_.push_back(static_cast<char>(pending_ & 0xFFu));
      pending_ >>= 8;
      pending_count_ -= 8;
    }
  }

  // Huffman codes are sent most significant bit first, so they go in bit-reversed.
  void put_code(std::uint32_t code, int length) {
    std::uint32_t reversed = 0;
    for (int i = 0; i < length; ++i) reversed |= ((code >> i) & 1u) << (length - 1 - i);
    put_bits(reversed, length);
  }

  void align_to_byte() {
    if (pending_count_ > 0) put_bits(0, 8 - pending_count_);
  }

 private:
  std::string& out_;
  std::uint64_t pending_ = 0;
  int pending_count_ = 0;
};

constexpr std::array<std::uint16_t, 29> kLengthBase = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                                       15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                                       67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::array<std::uint8_t, 29> kLengthExtraBits = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr std::array<std::uint16_t, 30> kDistanceBase = {
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr std::array<std::uint8_t, 30> kDistanceExtraBits = {0, 0, 0,  0,  1,  1,  2,  2,  3,  3,
                                                             4, 4, 5,  5,  6,  6,  7,  7,  8,  8,
                                                             9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

constexpr std::size_t kWindowSize = 32768;
constexpr std::size_t kWindowMask = kWindowSize - 1;
constexpr std::size_t kMinMatch = 3;
constexpr std::size_t kMaxMatch = 258;
constexpr int kHashBits = 15;
constexpr int kMaxChainSteps = 96;
constexpr std::size_t kStoredBlockMax = 65535;

// One symbol of the literal/length alphabet with the fixed code of RFC 1951 §3.2.6.
void put_fixed_literal_length(BitWriter& bits, int symbol) {
  if (symbol <= 143) {
    bits.put_code(0x30u + static_cast<std::uint32_t>(symbol), 8);
  } else if (symbol <= 255) {
    bits.put_code(0x190u + static_cast<std::uint32_t>(symbol - 144), 9);
  } else if (symbol <= 279) {
    bits.put_code(static_cast<std::uint32_t>(symbol - 256), 7);
  } else {
    bits.put_code(0xC0u + static_cast<std::uint32_t>(symbol - 280), 8);
  }
}

// Index of the last table entry whose base is <= value.
template <std::size_t N>
std::size_t bucket_of(const std::array<std::uint16_t, N>& bases, std::size_t value) {
  std::size_t index = N - 1;
  while (bases[index] > value) --index;
  return index;
}

void put_match(BitWriter& bits, std::size_t length, std::size_t distance) {
  const std::size_t length_code = bucket_of(kLengthBase, length);
  put_fixed_literal_length(bits, 257 + static_cast<int>(length_code));
  bits.put_bits(static_cast<std::uint32_t>(length - kLengthBase[length_code]),
                kLengthExtraBits[length_code]);
  const std::size_t distance_code = bucket_of(kDistanceBase, distance);
  bits.put_code(static_cast<std::uint32_t>(distance_code), 5);  // fixed distance codes: 5 bits
  bits.put_bits(static_cast<std::uint32_t>(distance - kDistanceBase[distance_code]),
                kDistanceExtraBits[distance_code]);
}

// The whole input as one final fixed-Huffman block, greedy LZ77 over a 32 KiB window.
std::string deflate_fixed(const std::vector<std::uint8_t>& data) {
  std::string out;
  BitWriter bits(out);
  bits.put_bits(1, 1);  // BFINAL
  bits.put_bits(1, 2);  // BTYPE = 01, fixed Huffman codes

  const std::size_t n = data.size();
  std::vector<std::int64_t> head(std::size_t{1} << kHashBits, -1);  // newest position per hash
  std::vector<std::int64_t> prev(kWindowSize, -1);  // previous position with the same hash
  const auto hash_at = [&](std::size_t i) {
    const std::uint32_t v = std::uint32_t{data[i]} | (std::uint32_t{data[i + 1]} << 8) |
                            (std::uint32_t{data[i + 2]} << 16);
    return (v * 2654435761u) >> (32 - kHashBits);
  };
  const auto insert = [&](std::size_t i) {
    if (i + kMinMatch > n) return;
    const std::uint32_t h = hash_at(i);
    prev[i & kWindowMask] = head[h];
    head[h] = static_cast<std::int64_t>(i);
  };

  std::size_t i = 0;
  while (i < n) {
    // 1. Walk the hash chain for the longest earlier match within the window; the nearest of
    //    equal length wins (short distances cost fewer extra bits).
    std::size_t best_length = 0;
    std::size_t best_distance = 0;
    if (i + kMinMatch <= n) {
      const std::size_t max_length = std::min(kMaxMatch, n - i);
      std::int64_t candidate = head[hash_at(i)];
      for (int step = 0; candidate >= 0 && step < kMaxChainSteps; ++step) {
        const auto from = static_cast<std::size_t>(candidate);
        const std::size_t distance = i - from;
        if (distance > kWindowSize) break;
        if (data[from + best_length] == data[i + best_length]) {
          std::size_t length = 0;
          while (length < max_length && data[from + length] == data[i + length]) ++length;
          if (length > best_length) {
            best_length = length;
            best_distance = distance;
            if (length == max_length) break;
          }
        }
        const std::int64_t next = prev[from & kWindowMask];
        if (next >= candidate) break;  // slot reused by a newer position: the chain ends here
        candidate = next;
      }
    }
    // 2. Emit the match and index every position it covers, or emit one literal.
    if (best_length >= kMinMatch) {
      put_match(bits, best_length, best_distance);
      for (std::size_t k = 0; k < best_length; ++k) insert(i + k);
      i += best_length;
    } else {
      put_fixed_literal_length(bits, data[i]);
      insert(i);
      ++i;
    }
  }
  put_fixed_literal_length(bits, 256);  // end of block
  bits.align_to_byte();
  return out;
}

// Uncompressed DEFLATE: stored blocks of up to 65535 bytes.
std::string deflate_stored(const std::vector<std::uint8_t>& data) {
  std::string out;
  std::size_t at = 0;
  do {
    const std::size_t size = std::min(kStoredBlockMax, data.size() - at);
    const bool final = at + size == data.size();
    out.push_back(static_cast<char>(final ? 1 : 0));  // BFINAL, BTYPE = 00, padding to a byte
    out.push_back(static_cast<char>(size & 0xFFu));
    out.push_back(static_cast<char>(size >> 8));
    out.push_back(static_cast<char>(~size & 0xFFu));
    out.push_back(static_cast<char>((~size >> 8) & 0xFFu));
    out.append(reinterpret_cast<const char*>(data.data()) + at, size);
    at += size;
  } while (at < data.size());
  return out;
}

// A zlib stream (RFC 1950): header, DEFLATE data, Adler-32 of the uncompressed bytes.
std::string zlib_compress(const std::vector<std::uint8_t>& data) {
  std::string body = deflate_fixed(data);
  const std::size_t blocks =
      std::max<std::size_t>(1, (data.size() + kStoredBlockMax - 1) / kStoredBlockMax);
  if (body.size() > data.size() + 5 * blocks) body = deflate_stored(data);

  std::string out;
  out.reserve(body.size() + 6);
  out.push_back(static_cast<char>(0x78));  // CM = 8 (deflate), CINFO = 7 (32 KiB window)
  out.push_back(static_cast<char>(0x5E));  // FLEVEL = 1, FCHECK makes the header % 31 == 0
  out += body;
  const std::uint32_t check = adler32(data);
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((check >> shift) & 0xFFu));
  }
  return out;
}

// ---- PNG -----------------------------------------------------------------------------------

void append_u32_be(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xFFu));
  }
}

// length, type, data, CRC-32 over type and data.
void append_chunk(std::string& png, std::string_view type, std::string_view data) {
  append_u32_be(png, static_cast<std::uint32_t>(data.size()));
  const std::size_t start = png.size();
  png.append(type);
  png.append(data);
  append_u32_be(png, crc32(std::string_view(png).substr(start)));
}

}  // namespace

std::string encode_png_indexed(int width, int height, const std::vector<std::uint8_t>& pixels,
                               const std::vector<std::array<std::uint8_t, 3>>& palette) {
  // 1. Check sizes: the PNG spec allows larger, but a chart never needs them.
  if (width < 1 || width > kPngMaxSide || height < 1 || height > kPngMaxSide) {
    throw Error("PNG size must be 1.." + std::to_string(kPngMaxSide) + " pixels a side, got " +
                std::to_string(width) + "x" + std::to_string(height));
  }
  const auto w = static_cast<std::size_t>(width);
  const auto h = static_cast<std::size_t>(height);
  if (pixels.size() != w * h) {
    throw Error("PNG pixel count " + std::to_string(pixels.size()) + " does not match " +
                std::to_string(width) + "x" + std::to_string(height));
  }
  if (palette.empty() || palette.size() > 256) {
    throw Error("PNG palette must have 1..256 entries, got " + std::to_string(palette.size()));
  }
  if (palette.size() < 256) {
    const std::uint8_t top = *std::max_element(pixels.begin(), pixels.end());
    if (top >= palette.size()) {
      throw Error("PNG pixel uses palette index " + std::to_string(top) + " but the palette has " +
                  std::to_string(palette.size()) + " entries");
    }
  }

  // 2. Scanlines: each row is filter byte 0 (None) then its indices. LZ77 finds the runs
  //    (distance 1) and the repeats of the row above (distance width + 1) by itself.
  std::vector<std::uint8_t> scanlines(h * (w + 1));
  for (std::size_t row = 0; row < h; ++row) {
    std::uint8_t* line = scanlines.data() + row * (w + 1);
    line[0] = 0;
    std::copy_n(pixels.data() + row * w, w, line + 1);
  }

  // 3. Chunks.
  std::string ihdr;
  append_u32_be(ihdr, static_cast<std::uint32_t>(width));
  append_u32_be(ihdr, static_cast<std::uint32_t>(height));
  // Bit depth 8, colour type 3 (indexed), deflate, adaptive filtering, no interlace.
  ihdr += std::string{'\x08', '\x03', '\x00', '\x00', '\x00'};
  std::string plte;
  for (const auto& rgb : palette) {
    for (const std::uint8_t channel : rgb) plte.push_back(static_cast<char>(channel));
  }
  const std::string idat = zlib_compress(scanlines);

  std::string png("\x89PNG\r\n\x1a\n", 8);
  append_chunk(png, "IHDR", ihdr);
  append_chunk(png, "PLTE", plte);
  append_chunk(png, "IDAT", idat);
  append_chunk(png, "IEND", {});
  return png;
}

std::string encode_png_indexed(const IndexedImage& image) {
  return encode_png_indexed(image.width, image.height, image.pixels, image.palette);
}

void write_png_indexed(const std::filesystem::path& path, int width, int height,
                       const std::vector<std::uint8_t>& pixels,
                       const std::vector<std::array<std::uint8_t, 3>>& palette) {
  write_file_atomic(path, encode_png_indexed(width, height, pixels, palette));
}

}  // namespace tb
