// PNG encoder for 8-bit palette images: the charts that training runs put in report.md. Writes
// signature, IHDR, PLTE, IDAT, IEND with its own zlib stream (DEFLATE with fixed Huffman codes
// and LZ77 matches), so core needs no zlib/libpng. Not a general image library: no reading, no
// true colour, no alpha.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tb {

// An indexed-colour image: one palette index per pixel, row-major, top row first.
struct IndexedImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;                  // [height * width] palette indices
  std::vector<std::array<std::uint8_t, 3>> palette;  // 1..256 RGB entries
};

inline constexpr int kPngMaxSide = 16384;

// Returns the PNG file bytes. Throws tb::Error when a side is 0 or over kPngMaxSide, when
// pixels.size() != width * height, when the palette is empty or has over 256 entries, or when a
// pixel indexes past the palette.
std::string encode_png_indexed(int width, int height, const std::vector<std::uint8_t>& pixels,
                               const std::vector<std::array<std::uint8_t, 3>>& palette);
std::string encode_png_indexed(const IndexedImage& image);

// encode_png_indexed, then tb::write_file_atomic (throws tb::IoError when it cannot write).
void write_png_indexed(const std::filesystem::path& path, int width, int height,
                       const std::vector<std::uint8_t>& pixels,
                       const std::vector<std::array<std::uint8_t, 3>>& palette);

}  // namespace tb
