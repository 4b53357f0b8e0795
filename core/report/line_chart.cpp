// Line chart rasteriser (see line_chart.h): layout, 1-2-5 and log ticks, 2-px Bresenham lines
// with per-pixel-column decimation, and Tunebench's own 5x7 bitmap font; png_writer encodes the
// result.
#include "core/report/line_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <string_view>

#include "core/common/error.h"
#include "core/io/atomic_file.h"

namespace tb {
namespace {

using Rgb = std::array<std::uint8_t, 3>;

// ---- Font ------------------------------------------------------------------------------------

constexpr int kGlyphWidth = 5;
constexpr int kGlyphRows = 9;  // rows 0..6: capitals, digits and x-height letters; 7..8: descenders
constexpr int kBodyRows = 7;   // height of capitals and digits
constexpr int kAdvance = 6;    // glyph plus one blank column
constexpr int kLineHeight = 11;
constexpr char kFirstGlyph = ' ';
constexpr char kLastGlyph = '~';

// Printable ASCII 32..126, one row per byte, bit 4 is the leftmost column.
constexpr std::uint8_t kFont[kLastGlyph - kFirstGlyph + 1][kGlyphRows] = {
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},  // space
    {0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x04, 0x00, 0x00},  // !
    {0x0a, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},  // "
    {0x0a, 0x0a, 0x1f, 0x0a, 0x1f, 0x0a, 0x0a, 0x00, 0x00},  // #
    {0x04, 0x0f, 0x14, 0x0e, 0x05, 0x1e, 0x04, 0x00, 0x00},  // $
    {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03, 0x00, 0x00},  // %
    {0x0c, 0x12, 0x14, 0x08, 0x15, 0x12, 0x0d, 0x00, 0x00},  // &
    {0x04, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},  // '
    {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02, 0x00, 0x00},  // (
    {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08, 0x00, 0x00},  // )
    {0x00, 0x04, 0x15, 0x0e, 0x15, 0x04, 0x00, 0x00, 0x00},  // *
    {0x00, 0x04, 0x04, 0x1f, 0x04, 0x04, 0x00, 0x00, 0x00},  // +
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x06, 0x02, 0x04},  // ,
    {0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00, 0x00, 0x00},  // -
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c, 0x00, 0x00},  // .
    {0x01, 0x01, 0x02, 0x04, 0x08, 0x10, 0x10, 0x00, 0x00},  // /
    {0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e, 0x00, 0x00},  // 0
    {0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e, 0x00, 0x00},  // 1
    {0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f, 0x00, 0x00},  // 2
    {0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e, 0x00, 0x00},  // 3
    {0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02, 0x00, 0x00},  // 4
    {0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e, 0x00, 0x00},  // 5
    {0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e, 0x00, 0x00},  // 6
    {0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08, 0x00, 0x00},  // 7
    {0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e, 0x00, 0x00},  // 8
    {0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c, 0x00, 0x00},  // 9
    {0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00, 0x00, 0x00},  // :
    {0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x04, 0x08, 0x00},  // ;
    {0x02, 0x04, 0x08, 0x10, 0x08, 0x04, 0x02, 0x00, 0x00},  // <
    {0x00, 0x00, 0x1f, 0x00, 0x1f, 0x00, 0x00, 0x00, 0x00},  // =
    {0x08, 0x04, 0x02, 0x01, 0x02, 0x04, 0x08, 0x00, 0x00},  // >
    {0x0e, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04, 0x00, 0x00},  // ?
    {0x0e, 0x11, 0x01, 0x0d, 0x15, 0x15, 0x0e, 0x00, 0x00},  // @
    {0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11, 0x00, 0x00},  // A
    {0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e, 0x00, 0x00},  // B
    {0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e, 0x00, 0x00},  // C
    {0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c, 0x00, 0x00},  // D
    {0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f, 0x00, 0x00},  // E
    {0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10, 0x00, 0x00},  // F
    {0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f, 0x00, 0x00},  // G
    {0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11, 0x00, 0x00},  // H
    {0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e, 0x00, 0x00},  // I
    {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c, 0x00, 0x00},  // J
    {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11, 0x00, 0x00},  // K
    {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f, 0x00, 0x00},  // L
    {0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11, 0x00, 0x00},  // M
    {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11, 0x00, 0x00},  // N
    {0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e, 0x00, 0x00},  // O
    {0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10, 0x00, 0x00},  // P
    {0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d, 0x00, 0x00},  // Q
    {0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11, 0x00, 0x00},  // R
    {0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e, 0x00, 0x00},  // S
    {0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x00},  // T
    {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e, 0x00, 0x00},  // U
    {0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04, 0x00, 0x00},  // V
    {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a, 0x00, 0x00},  // W
    {0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11, 0x00, 0x00},  // X
    {0x11, 0x11, 0x0a, 0x04, 0x04, 0x04, 0x04, 0x00, 0x00},  // Y
    {0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f, 0x00, 0x00},  // Z
    {0x0e, 0x08, 0x08, 0x08, 0x08, 0x08, 0x0e, 0x00, 0x00},  // [
    {0x10, 0x10, 0x08, 0x04, 0x02, 0x01, 0x01, 0x00, 0x00},  // backslash
    {0x0e, 0x02, 0x02, 0x02, 0x02, 0x02, 0x0e, 0x00, 0x00},  // ]
    {0x04, 0x0a, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},  // ^
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f, 0x00},  // _
    {0x08, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},  // `
    {0x00, 0x00, 0x0e, 0x01, 0x0f, 0x11, 0x0f, 0x00, 0x00},  // a
    {0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x1e, 0x00, 0x00},  // b
    {0x00, 0x00, 0x0e, 0x10, 0x10, 0x11, 0x0e, 0x00, 0x00},  // c
    {0x01, 0x01, 0x0d, 0x13, 0x11, 0x11, 0x0f, 0x00, 0x00},  // d
    {0x00, 0x00, 0x0e, 0x11, 0x1f, 0x10, 0x0e, 0x00, 0x00},  // e
    {0x06, 0x09, 0x08, 0x1c, 0x08, 0x08, 0x08, 0x00, 0x00},  // f
    {0x00, 0x00, 0x0f, 0x11, 0x11, 0x11, 0x0f, 0x01, 0x0e},  // g
    {0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x11, 0x00, 0x00},  // h
    {0x04, 0x00, 0x0c, 0x04, 0x04, 0x04, 0x0e, 0x00, 0x00},  // i
    {0x02, 0x00, 0x06, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c},  // j
    {0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12, 0x00, 0x00},  // k
    {0x0c, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e, 0x00, 0x00},  // l
    {0x00, 0x00, 0x1a, 0x15, 0x15, 0x11, 0x11, 0x00, 0x00},  // m
    {0x00, 0x00, 0x16, 0x19, 0x11, 0x11, 0x11, 0x00, 0x00},  // n
    {0x00, 0x00, 0x0e, 0x11, 0x11, 0x11, 0x0e, 0x00, 0x00},  // o
    {0x00, 0x00, 0x1e, 0x11, 0x11, 0x11, 0x1e, 0x10, 0x10},  // p
    {0x00, 0x00, 0x0f, 0x11, 0x11, 0x11, 0x0f, 0x01, 0x01},  // q
    {0x00, 0x00, 0x16, 0x19, 0x10, 0x10, 0x10, 0x00, 0x00},  // r
    {0x00, 0x00, 0x0e, 0x10, 0x0e, 0x01, 0x1e, 0x00, 0x00},  // s
    {0x08, 0x08, 0x1c, 0x08, 0x08, 0x09, 0x06, 0x00, 0x00},  // t
    {0x00, 0x00, 0x11, 0x11, 0x11, 0x13, 0x0d, 0x00, 0x00},  // u
    {0x00, 0x00, 0x11, 0x11, 0x11, 0x0a, 0x04, 0x00, 0x00},  // v
    {0x00, 0x00, 0x11, 0x11, 0x15, 0x15, 0x0a, 0x00, 0x00},  // w
    {0x00, 0x00, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x00, 0x00},  // x
    {0x00, 0x00, 0x11, 0x11, 0x11, 0x11, 0x0f, 0x01, 0x0e},  // y
    {0x00, 0x00, 0x1f, 0x02, 0x04, 0x08, 0x1f, 0x00, 0x00},  // z
    {0x02, 0x04, 0x04, 0x08, 0x04, 0x04, 0x02, 0x00, 0x00},  // {
    {0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x00},  // |
    {0x08, 0x04, 0x04, 0x02, 0x04, 0x04, 0x08, 0x00, 0x00},  // }
    {0x00, 0x00, 0x08, 0x15, 0x02, 0x00, 0x00, 0x00, 0x00},  // ~
};

// Printable ASCII stays; tabs become spaces; any other character (a UTF-8 code point, a control
// character) becomes one '?'.
std::string to_font_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte >= 32 && byte <= 126) {
      out.push_back(ch);
    } else if (ch == '\t') {
      out.push_back(' ');
    } else if ((byte & 0xC0u) != 0x80u) {  // UTF-8 continuation bytes add nothing
      out.push_back('?');
    }
  }
  return out;
}

int text_width(std::string_view text, int scale) {
  return text.empty() ? 0 : (static_cast<int>(text.size()) * kAdvance - 1) * scale;
}

// Cuts text to max_width pixels, ending in "..." when something was cut.
std::string fit_text(std::string text, int max_width, int scale) {
  if (text_width(text, scale) <= max_width) return text;
  const int max_chars = std::max(0, (max_width / scale + 1) / kAdvance);
  if (max_chars <= 3) return text.substr(0, static_cast<std::size_t>(max_chars));
  return text.substr(0, static_cast<std::size_t>(max_chars - 3)) + "...";
}

// ---- Canvas ----------------------------------------------------------------------------------

struct Rect {
  int left, top, right, bottom;  // inclusive
};

class Canvas {
 public:
  Canvas(int width, int height)
      : width_(width),
        height_(height),
        pixels_(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 0),
        palette_{{255, 255, 255}},
        clip_{0, 0, width - 1, height - 1} {}

  // The palette index of a colour: added while there is room, else the nearest one.
  std::uint8_t color(const Rgb& rgb) {
    for (std::size_t i = 0; i < palette_.size(); ++i) {
      if (palette_[i] == rgb) return static_cast<std::uint8_t>(i);
    }
    if (palette_.size() < 256) {
      palette_.push_back(rgb);
      return static_cast<std::uint8_t>(palette_.size() - 1);
    }
    std::size_t best = 0;
    int best_distance = std::numeric_limits<int>::max();
    for (std::size_t i = 0; i < palette_.size(); ++i) {
      int distance = 0;
      for (int c = 0; c < 3; ++c) {
        const int d = int{palette_[i][c]} - int{rgb[c]};
        distance += d * d;
      }
      if (distance < best_distance) {
        best_distance = distance;
        best = i;
      }
    }
    return static_cast<std::uint8_t>(best);
  }

  void set_clip(const Rect& rect) { clip_ = rect; }
  void clear_clip() { clip_ = {0, 0, width_ - 1, height_ - 1}; }

  void put(int x, int y, std::uint8_t color) {
    if (x < clip_.left || x > clip_.right || y < clip_.top || y > clip_.bottom) return;
    pixels_[static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) +
            static_cast<std::size_t>(x)] = color;
  }

  void fill_rect(int left, int top, int right, int bottom, std::uint8_t color) {
    left = std::max(left, clip_.left);
    top = std::max(top, clip_.top);
    right = std::min(right, clip_.right);
    bottom = std::min(bottom, clip_.bottom);
    for (int y = top; y <= bottom; ++y) {
      for (int x = left; x <= right; ++x) put(x, y, color);
    }
  }

  // Bresenham; each step paints a thickness x thickness square with (x, y) its top-left corner.
  void line(int x0, int y0, int x1, int y1, std::uint8_t color, int thickness) {
    const int dx = std::abs(x1 - x0);
    const int dy = -std::abs(y1 - y0);
    const int sx = x0 < x1 ? 1 : -1;
    const int sy = y0 < y1 ? 1 : -1;
    int error = dx + dy;
    while (true) {
      for (int ty = 0; ty < thickness; ++ty) {
        for (int tx = 0; tx < thickness; ++tx) put(x0 + tx, y0 + ty, color);
      }
      if (x0 == x1 && y0 == y1) break;
      const int doubled = 2 * error;
      if (doubled >= dy) {
        error += dy;
        x0 += sx;
      }
      if (doubled <= dx) {
        error += dx;
        y0 += sy;
      }
    }
  }

  // A filled disc centred on the 2x2 block whose top-left is (x, y), matching 2-px lines.
  void dot(int x, int y, int radius, std::uint8_t color) {
    for (int dy = -radius; dy <= radius + 1; ++dy) {
      for (int dx = -radius; dx <= radius + 1; ++dx) {
        const double cx = dx - 0.5;
        const double cy = dy - 0.5;
        if (cx * cx + cy * cy <= (radius + 0.6) * (radius + 0.6)) put(x + dx, y + dy, color);
      }
    }
  }

  // Text (already font text) with the top-left of its first cell at (x, y).
  void text(int x, int y, std::string_view text, std::uint8_t color, int scale) {
    for (std::size_t k = 0; k < text.size(); ++k) {
      const auto& glyph = kFont[text[k] - kFirstGlyph];
      for (int row = 0; row < kGlyphRows; ++row) {
        for (int col = 0; col < kGlyphWidth; ++col) {
          if (((glyph[row] >> (kGlyphWidth - 1 - col)) & 1u) == 0) continue;
          const int px = x + (static_cast<int>(k) * kAdvance + col) * scale;
          fill_rect(px, y + row * scale, px + scale - 1, y + (row + 1) * scale - 1, color);
        }
      }
    }
  }

  // Text turned 90 degrees counter-clockwise, read bottom to top: (x, y) is the bottom-left
  // corner, the glyph tops face left.
  void text_up(int x, int y, std::string_view text, std::uint8_t color, int scale) {
    for (std::size_t k = 0; k < text.size(); ++k) {
      const auto& glyph = kFont[text[k] - kFirstGlyph];
      for (int row = 0; row < kGlyphRows; ++row) {
        for (int col = 0; col < kGlyphWidth; ++col) {
          if (((glyph[row] >> (kGlyphWidth - 1 - col)) & 1u) == 0) continue;
          const int py = y - (static_cast<int>(k) * kAdvance + col + 1) * scale + 1;
          fill_rect(x + row * scale, py, x + (row + 1) * scale - 1, py + scale - 1, color);
        }
      }
    }
  }

  IndexedImage take() {
    IndexedImage image;
    image.width = width_;
    image.height = height_;
    image.pixels = std::move(pixels_);
    image.palette = std::move(palette_);
    return image;
  }

 private:
  int width_;
  int height_;
  std::vector<std::uint8_t> pixels_;  // [height, width] palette indices
  std::vector<Rgb> palette_;
  Rect clip_;
};

// ---- Axes --------------------------------------------------------------------------------------

constexpr double kMaxMagnitude = 1e300;  // beyond this, spans overflow: treated like Inf

bool plottable(double v, bool log) {
  return std::isfinite(v) && std::abs(v) <= kMaxMagnitude && (!log || v > 0);
}

struct Axis {
  double lo = 0;
  double hi = 1;
  bool log = false;
  std::vector<double> ticks;
  std::vector<std::string> labels;

  // 0 at lo, 1 at hi.
  double unit(double v) const {
    if (log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return (v - lo) / (hi - lo);
  }
};

// Widens a range too narrow to tick (a flat curve, a single point) around its middle.
void widen_flat_range(double& lo, double& hi) {
  const double scale = std::max(std::abs(lo), std::abs(hi));
  if (hi - lo > scale * 1e-9 && hi > lo) return;
  const double mid = lo / 2 + hi / 2;
  const double half = mid == 0 ? 1.0 : std::abs(mid) * 0.1;
  lo = mid - half;
  hi = mid + half;
}

// The 1, 2 or 5 times a power of ten nearest to raw (on a log scale, roughly).
double nice_step(double raw) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  if (fraction < 1.5) return magnitude;
  if (fraction < 3.0) return 2 * magnitude;
  if (fraction < 7.0) return 5 * magnitude;
  return 10 * magnitude;
}

// "1e6" rather than "1e+06".
std::string tidy_exponent(std::string text) {
  const std::size_t e = text.find('e');
  if (e == std::string::npos) return text;
  std::string mantissa = text.substr(0, e);
  std::string exponent = text.substr(e + 1);
  std::string sign;
  if (!exponent.empty() && (exponent[0] == '+' || exponent[0] == '-')) {
    if (exponent[0] == '-') sign = "-";
    exponent.erase(0, 1);
  }
  const std::size_t digits = exponent.find_first_not_of('0');
  exponent = digits == std::string::npos ? "0" : exponent.substr(digits);
  return mantissa + "e" + sign + exponent;
}

// Labels a tick of a linear axis with as many decimals as the step needs; very large or very
// fine steps switch to scientific notation.
std::string format_linear_tick(double v, double step, double max_abs) {
  if (std::abs(v) < step * 1e-6) return "0";
  const int step_exponent = static_cast<int>(std::floor(std::log10(step) + 1e-9));
  const int max_exponent = static_cast<int>(std::floor(std::log10(max_abs) + 1e-9));
  char buffer[64];
  if (max_exponent >= 6 || step_exponent <= -5) {
    const int digits = std::clamp(max_exponent - step_exponent, 0, 12);
    std::snprintf(buffer, sizeof buffer, "%.*e", digits, v);
    return tidy_exponent(buffer);
  }
  std::snprintf(buffer, sizeof buffer, "%.*f", std::max(0, -step_exponent), v);
  return buffer;
}

// Labels the ticks of a log axis (1..9 times a power of ten): plain decimals when every tick
// reads well that way, else all as "2e-5".
std::vector<std::string> format_log_ticks(const std::vector<double>& ticks) {
  const bool plain = std::all_of(ticks.begin(), ticks.end(),
                                 [](double v) { return v >= 1e-3 * (1 - 1e-9) && v < 1e5; });
  std::vector<std::string> labels;
  char buffer[64];
  for (const double v : ticks) {
    if (plain) {
      std::snprintf(buffer, sizeof buffer, "%g", v);
    } else {
      const int exponent = static_cast<int>(std::floor(std::log10(v) + 1e-9));
      const double mantissa = std::round(v / std::pow(10.0, exponent));
      std::snprintf(buffer, sizeof buffer, "%ge%d", mantissa, exponent);
    }
    labels.emplace_back(buffer);
  }
  return labels;
}

// About target_ticks ticks at multiples of a 1-2-5 step; the ends snap out to ticks.
Axis linear_axis(double lo, double hi, int target_ticks) {
  Axis axis;
  widen_flat_range(lo, hi);
  const double step = nice_step((hi - lo) / std::max(1, target_ticks));
  if (!(step > 0) || !std::isfinite(step)) return linear_axis(0, 1, target_ticks);
  const double first = std::floor(lo / step + 1e-9);
  const double last = std::ceil(hi / step - 1e-9);
  const int count = static_cast<int>(std::min(100.0, last - first));
  axis.lo = first * step;
  axis.hi = (first + count) * step;
  const double max_abs = std::max(std::abs(axis.lo), std::abs(axis.hi));
  for (int i = 0; i <= count; ++i) {
    const double v = (first + i) * step;
    axis.ticks.push_back(v);
    axis.labels.push_back(format_linear_tick(v, step, max_abs));
  }
  return axis;
}

// Log axis (lo, hi > 0): ticks at powers of ten, or 1-2-5 / 1..9 times them when the range is
// short, snapped out to ticks; under about a third of a decade, linear ticks on the log scale.
Axis log_axis(double lo, double hi) {
  double lo_exponent = std::log10(lo);
  double hi_exponent = std::log10(hi);
  if (hi_exponent - lo_exponent < 1e-9) {
    lo_exponent -= 0.5;
    hi_exponent += 0.5;
    lo = std::pow(10.0, lo_exponent);
    hi = std::pow(10.0, hi_exponent);
  }
  const int e_lo = static_cast<int>(std::floor(lo_exponent + 1e-9));
  const int e_hi = static_cast<int>(std::ceil(hi_exponent - 1e-9));
  Axis axis;
  axis.log = true;

  // 1. Many decades: every k-th power of ten, about 8 ticks.
  if (e_hi - e_lo > 10) {
    const int k = (e_hi - e_lo + 7) / 8;
    const int first = static_cast<int>(std::floor(static_cast<double>(e_lo) / k)) * k;
    const int last = static_cast<int>(std::ceil(static_cast<double>(e_hi) / k)) * k;
    for (int e = first; e <= last; e += k) axis.ticks.push_back(std::pow(10.0, e));
    axis.labels = format_log_ticks(axis.ticks);
    axis.lo = axis.ticks.front();
    axis.hi = axis.ticks.back();
    return axis;
  }

  // 2. The coarsest mantissa set that gives at least 4 ticks once the ends snap out.
  const std::vector<std::vector<int>> mantissa_sets = {{1}, {1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}};
  for (const auto& mantissas : mantissa_sets) {
    std::vector<double> candidates;
    for (int e = e_lo - 1; e <= e_hi + 1; ++e) {
      for (const int m : mantissas) candidates.push_back(m * std::pow(10.0, e));
    }
    std::vector<double> ticks;
    double lower = 0;
    for (const double c : candidates) {
      if (c <= lo * (1 + 1e-9)) lower = c;
    }
    for (const double c : candidates) {
      if (c >= lower && (ticks.empty() || ticks.back() < hi * (1 - 1e-9))) ticks.push_back(c);
    }
    if (lower > 0 && ticks.size() >= 4 && ticks.back() >= hi * (1 - 1e-9)) {
      axis.ticks = ticks;
      axis.labels = format_log_ticks(ticks);
      axis.lo = ticks.front();
      axis.hi = ticks.back();
      return axis;
    }
  }

  // 3. A short range: linear 1-2-5 ticks, kept positive.
  Axis linear = linear_axis(lo, hi, 5);
  axis.lo = linear.lo > 0 ? linear.lo : lo;
  axis.hi = linear.hi;
  for (std::size_t i = 0; i < linear.ticks.size(); ++i) {
    if (linear.ticks[i] >= axis.lo * (1 - 1e-12)) {
      axis.ticks.push_back(linear.ticks[i]);
      axis.labels.push_back(linear.labels[i]);
    }
  }
  return axis;
}

int widest_label(const Axis& axis, int scale) {
  int widest = 0;
  for (const auto& label : axis.labels) widest = std::max(widest, text_width(label, scale));
  return widest;
}

// ---- Chart -------------------------------------------------------------------------------------

constexpr Rgb kInk = {34, 34, 34};
constexpr Rgb kGrid = {228, 228, 228};
constexpr Rgb kMarkerInk = {110, 110, 110};
constexpr Rgb kFaintInk = {140, 140, 140};
constexpr int kMinWidth = 160;
constexpr int kMinHeight = 120;
constexpr int kLineThickness = 2;
constexpr int kDotRadius = 3;

struct LegendEntry {
  std::string name;  // font text, fitted
  std::uint8_t color;
  bool points;
  int width;
};

struct DataRange {
  double x_lo = std::numeric_limits<double>::infinity();
  double x_hi = -std::numeric_limits<double>::infinity();
  double y_lo = std::numeric_limits<double>::infinity();
  double y_hi = -std::numeric_limits<double>::infinity();
  bool has_points = false;
};

double series_x(const ChartSeries& series, std::size_t i) {
  return series.x.empty() ? static_cast<double>(i) : series.x[i];
}

// Maps data to pixels inside the plot; the last column/row is left for the 2-px pen.
struct PlotMapping {
  Rect plot;
  const Axis* x_axis;
  const Axis* y_axis;

  int px(double x) const { return to_pixel(plot.left, plot.right - 1, x_axis->unit(x)); }
  int py(double y) const { return to_pixel(plot.bottom - 1, plot.top, y_axis->unit(y)); }

  static int to_pixel(int at_zero, int at_one, double unit) {
    const double v = at_zero + unit * (at_one - at_zero);
    return static_cast<int>(std::lround(std::clamp(v, -1e6, 1e6)));
  }
};

// Draws one series. Consecutive points in the same pixel column collapse into a vertical
// min..max span joined to its neighbours, so 100,000 points cost about as much as the plot is
// wide; a point with no plottable neighbour gets a dot.
void draw_series(Canvas& canvas, const ChartSeries& series, const PlotMapping& map, bool log_y,
                 std::uint8_t color) {
  struct Column {
    int x, last_y, min_y, max_y;
  };
  std::optional<Column> column;
  std::size_t run_points = 0;  // points in the current unbroken run
  int run_x = 0;
  int run_y = 0;
  int last_dot_x = std::numeric_limits<int>::min();
  int last_dot_y = 0;

  const auto flush_column = [&] {
    if (column) {
      canvas.line(column->x, column->min_y, column->x, column->max_y, color, kLineThickness);
    }
  };
  const auto end_run = [&] {
    flush_column();
    if (run_points == 1) canvas.dot(run_x, run_y, kDotRadius, color);
    column.reset();
    run_points = 0;
  };

  for (std::size_t i = 0; i < series.y.size(); ++i) {
    // 1. A point that cannot be plotted breaks the line.
    const double x = series_x(series, i);
    const double y = series.y[i];
    if (!plottable(x, false) || !plottable(y, log_y)) {
      end_run();
      continue;
    }
    const int px = map.px(x);
    const int py = map.py(y);
    if (++run_points == 1) {
      run_x = px;
      run_y = py;
    }
    // 2. Same column: widen its span. New column: draw the old span, join it to this point.
    if (column && column->x == px) {
      column->last_y = py;
      column->min_y = std::min(column->min_y, py);
      column->max_y = std::max(column->max_y, py);
    } else {
      if (column) {
        flush_column();
        canvas.line(column->x, column->last_y, px, py, color, kLineThickness);
      }
      column = Column{px, py, py, py};
    }
    // 3. Markers, once per pixel.
    if (series.points && (px != last_dot_x || py != last_dot_y)) {
      canvas.dot(px, py, kDotRadius, color);
      last_dot_x = px;
      last_dot_y = py;
    }
  }
  end_run();
}

void check_chart(const LineChart& chart) {
  if (chart.width < kMinWidth || chart.width > kPngMaxSide || chart.height < kMinHeight ||
      chart.height > kPngMaxSide) {
    throw Error("chart size must be " + std::to_string(kMinWidth) + ".." +
                std::to_string(kPngMaxSide) + " x " + std::to_string(kMinHeight) + ".." +
                std::to_string(kPngMaxSide) + " pixels, got " + std::to_string(chart.width) + "x" +
                std::to_string(chart.height));
  }
  for (const auto& series : chart.series) {
    if (!series.x.empty() && series.x.size() != series.y.size()) {
      throw Error("chart series \"" + series.name + "\" has " + std::to_string(series.x.size()) +
                  " x values but " + std::to_string(series.y.size()) + " y values");
    }
  }
}

DataRange data_range(const LineChart& chart) {
  DataRange range;
  for (const auto& series : chart.series) {
    for (std::size_t i = 0; i < series.y.size(); ++i) {
      const double x = series_x(series, i);
      const double y = series.y[i];
      if (!plottable(x, false) || !plottable(y, chart.log_y)) continue;
      range.x_lo = std::min(range.x_lo, x);
      range.x_hi = std::max(range.x_hi, x);
      range.y_lo = std::min(range.y_lo, y);
      range.y_hi = std::max(range.y_hi, y);
      range.has_points = true;
    }
  }
  return range;
}

}  // namespace

IndexedImage render_line_chart(const LineChart& chart) {
  // 1. Check the request and find the data's extent (markers widen x, too).
  check_chart(chart);
  const DataRange range = data_range(chart);
  double x_lo = range.x_lo;
  double x_hi = range.x_hi;
  for (const auto& marker : chart.markers) {
    if (!plottable(marker.x, false)) continue;
    x_lo = std::min(x_lo, marker.x);
    x_hi = std::max(x_hi, marker.x);
  }
  if (x_lo > x_hi) {
    x_lo = 0;
    x_hi = 1;
  }
  const double y_lo = range.has_points ? range.y_lo : (chart.log_y ? 1.0 : 0.0);
  const double y_hi = range.has_points ? range.y_hi : (chart.log_y ? 10.0 : 1.0);

  const int width = chart.width;
  const int height = chart.height;
  const int s = (width >= 1600 && height >= 800) ? 2 : 1;  // text and spacing scale
  const int pad = 8 * s;
  Canvas canvas(width, height);
  const std::uint8_t ink = canvas.color(kInk);
  const std::uint8_t grid = canvas.color(kGrid);
  const std::uint8_t marker_ink = canvas.color(kMarkerInk);
  const std::uint8_t faint_ink = canvas.color(kFaintInk);

  // 2. Title and legend rows across the top.
  const std::string title = fit_text(to_font_text(chart.title), width - 2 * pad, 2 * s);
  std::vector<LegendEntry> legend;
  for (const auto& series : chart.series) {
    const std::uint8_t color = canvas.color(series.color);
    if (series.name.empty()) continue;
    LegendEntry entry{fit_text(to_font_text(series.name), width - 2 * pad - 22 * s, s), color,
                      series.points, 0};
    entry.width = 22 * s + text_width(entry.name, s);
    legend.push_back(std::move(entry));
  }
  const int legend_gap = 16 * s;
  std::vector<std::vector<const LegendEntry*>> legend_rows;
  std::vector<int> legend_row_widths;
  for (const auto& entry : legend) {
    if (legend_rows.empty() ||
        legend_row_widths.back() + legend_gap + entry.width > width - 2 * pad) {
      legend_rows.emplace_back();
      legend_row_widths.push_back(-legend_gap);
    }
    legend_rows.back().push_back(&entry);
    legend_row_widths.back() += legend_gap + entry.width;
  }

  // 3. Vertical layout: title, legend, plot, x tick labels, x label. Legend rows that would
  //    squeeze the plot under a third of the image are dropped.
  const int title_height = title.empty() ? 0 : kGlyphRows * 2 * s + 6 * s;
  const std::string x_label = to_font_text(chart.x_label);
  const std::string y_label = to_font_text(chart.y_label);
  const int below_plot =
      1 + 4 * s + 3 * s + kBodyRows * s + (x_label.empty() ? 0 : 8 * s + kGlyphRows * s) + pad;
  const int max_legend_rows =
      std::max(0, (height - height / 3 - pad - title_height - below_plot) / (kLineHeight * s));
  if (static_cast<int>(legend_rows.size()) > max_legend_rows) {
    legend_rows.resize(static_cast<std::size_t>(max_legend_rows));
  }
  const int legend_top = pad + title_height;
  const int legend_height =
      legend_rows.empty() ? 0 : static_cast<int>(legend_rows.size()) * kLineHeight * s + 4 * s;
  Rect plot{0, legend_top + legend_height + 1, 0, height - 1 - below_plot};
  if (plot.bottom - plot.top < 20) plot.top = plot.bottom - 20;

  // 4. Axes: y ticks from the plot height, then the left margin from their labels, then x
  //    ticks thinned until their labels fit side by side.
  const Axis y_axis =
      chart.log_y ? log_axis(y_lo, y_hi)
                  : linear_axis(y_lo, y_hi, std::clamp((plot.bottom - plot.top) / (45 * s), 2, 10));
  plot.left = pad + (y_label.empty() ? 0 : kGlyphRows * s + 8 * s) + widest_label(y_axis, s) +
              3 * s + 4 * s + 1;
  const int rough_width = width - 16 * s - plot.left;
  Axis x_axis;
  for (int target = std::clamp(rough_width / (90 * s), 2, 10);; --target) {
    x_axis = linear_axis(x_lo, x_hi, target);
    const int needed = static_cast<int>(x_axis.ticks.size()) * (widest_label(x_axis, s) + 12 * s);
    if (needed <= rough_width || target <= 2) break;
  }
  const int last_label_half = text_width(x_axis.labels.back(), s) / 2;
  plot.right = width - 2 - std::max(pad, last_label_half + 3 * s);
  const PlotMapping map{plot, &x_axis, &y_axis};

  // 5. Grid, marker lines, series (clipped to the plot), then the frame over their ends.
  for (const double t : y_axis.ticks) {
    const int y = map.py(t);
    canvas.line(plot.left, y, plot.right, y, grid, 1);
  }
  for (const double t : x_axis.ticks) {
    const int x = map.px(t);
    canvas.line(x, plot.top, x, plot.bottom, grid, 1);
  }
  canvas.set_clip(plot);
  for (const auto& marker : chart.markers) {
    if (!plottable(marker.x, false)) continue;
    const int x = map.px(marker.x);
    for (int y = plot.top; y <= plot.bottom; y += 8 * s) {
      canvas.line(x, y, x, std::min(plot.bottom, y + 4 * s), marker_ink, 1);
    }
  }
  for (const auto& series : chart.series) {
    draw_series(canvas, series, map, chart.log_y, canvas.color(series.color));
  }
  canvas.clear_clip();
  canvas.line(plot.left - 1, plot.top - 1, plot.right + 1, plot.top - 1, ink, 1);
  canvas.line(plot.left - 1, plot.bottom + 1, plot.right + 1, plot.bottom + 1, ink, 1);
  canvas.line(plot.left - 1, plot.top - 1, plot.left - 1, plot.bottom + 1, ink, 1);
  canvas.line(plot.right + 1, plot.top - 1, plot.right + 1, plot.bottom + 1, ink, 1);

  // 6. Ticks and tick labels; a label that would touch the previous one is left out.
  int last_label_top = std::numeric_limits<int>::max();
  for (std::size_t i = 0; i < y_axis.ticks.size(); ++i) {
    const int y = map.py(y_axis.ticks[i]);
    canvas.line(plot.left - 1 - 4 * s, y, plot.left - 2, y, ink, 1);
    const int top = y - (kBodyRows * s) / 2;
    if (top + kBodyRows * s + 3 * s > last_label_top) continue;
    const std::string& label = y_axis.labels[i];
    canvas.text(plot.left - 1 - 4 * s - 3 * s - text_width(label, s), top, label, ink, s);
    last_label_top = top;
  }
  int last_label_right = std::numeric_limits<int>::min();
  for (std::size_t i = 0; i < x_axis.ticks.size(); ++i) {
    const int x = map.px(x_axis.ticks[i]);
    canvas.line(x, plot.bottom + 2, x, plot.bottom + 1 + 4 * s, ink, 1);
    const std::string& label = x_axis.labels[i];
    const int left = x - text_width(label, s) / 2;
    if (left < last_label_right + 8 * s) continue;
    canvas.text(left, plot.bottom + 2 + 4 * s + 3 * s, label, ink, s);
    last_label_right = left + text_width(label, s);
  }

  // 7. Marker labels at the top of the plot on a white patch, stacked when they would collide.
  std::vector<std::vector<std::pair<int, int>>> label_rows;  // taken [left, right] per row
  for (const auto& marker : chart.markers) {
    if (!plottable(marker.x, false) || marker.label.empty()) continue;
    const int x = map.px(marker.x);
    const std::string label = fit_text(to_font_text(marker.label), (plot.right - plot.left) / 2, s);
    const int w = text_width(label, s);
    int left = x + 4 * s;
    if (left + w > plot.right - 2) left = x - 3 * s - w;
    left = std::max(left, plot.left + 2);
    std::size_t row = 0;
    for (; row < label_rows.size(); ++row) {
      bool free = true;
      for (const auto& [taken_left, taken_right] : label_rows[row]) {
        free = free && (left + w + 4 * s < taken_left || left > taken_right + 4 * s);
      }
      if (free) break;
    }
    if (row == label_rows.size()) label_rows.emplace_back();
    label_rows[row].emplace_back(left, left + w);
    const int top = plot.top + 3 * s + static_cast<int>(row) * kLineHeight * s;
    if (top + kGlyphRows * s > plot.bottom) continue;
    canvas.fill_rect(left - s, top - s, left + w + s - 1, top + kGlyphRows * s, 0);
    canvas.text(left, top, label, marker_ink, s);
  }

  // 8. "no data" for a chart with nothing to plot.
  if (!range.has_points) {
    const std::string text = "no data";
    canvas.text((plot.left + plot.right - text_width(text, 2 * s)) / 2,
                (plot.top + plot.bottom - kBodyRows * 2 * s) / 2, text, faint_ink, 2 * s);
  }

  // 9. Title, legend and axis labels.
  if (!title.empty()) canvas.text((width - text_width(title, 2 * s)) / 2, pad, title, ink, 2 * s);
  for (std::size_t r = 0; r < legend_rows.size(); ++r) {
    int x = (width - legend_row_widths[r]) / 2;
    const int top = legend_top + static_cast<int>(r) * kLineHeight * s;
    const int mid = top + (kBodyRows * s) / 2;
    for (const LegendEntry* entry : legend_rows[r]) {
      canvas.line(x, mid - 1, x + 16 * s, mid - 1, entry->color, kLineThickness);
      if (entry->points) canvas.dot(x + 8 * s, mid - 1, kDotRadius, entry->color);
      canvas.text(x + 22 * s, top, entry->name, ink, s);
      x += entry->width + legend_gap;
    }
  }
  if (!x_label.empty()) {
    const std::string text = fit_text(x_label, width - 2 * pad, s);
    canvas.text((plot.left + plot.right - text_width(text, s)) / 2, height - pad - kGlyphRows * s,
                text, ink, s);
  }
  if (!y_label.empty()) {
    const std::string text = fit_text(y_label, plot.bottom - plot.top, s);
    canvas.text_up(pad, (plot.top + plot.bottom + text_width(text, s)) / 2, text, ink, s);
  }
  return canvas.take();
}

std::string render_line_chart_png(const LineChart& chart) {
  return encode_png_indexed(render_line_chart(chart));
}

void write_line_chart_png(const std::filesystem::path& path, const LineChart& chart) {
  write_file_atomic(path, render_line_chart_png(chart));
}

}  // namespace tb
