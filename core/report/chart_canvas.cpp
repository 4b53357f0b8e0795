// The chart raster's drawing (see chart_canvas.h).
#include "core/report/chart_canvas.h"

#include <cstdlib>
#include <limits>
#include <utility>

#include "core/report/bitmap_font.h"

namespace tb::report {

std::uint8_t Canvas::color(const Rgb& rgb) {
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

void Canvas::line(int x0, int y0, int x1, int y1, std::uint8_t color, int thickness) {
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

void Canvas::dot(int x, int y, int radius, std::uint8_t color) {
  for (int dy = -radius; dy <= radius + 1; ++dy) {
    for (int dx = -radius; dx <= radius + 1; ++dx) {
      const double cx = dx - 0.5;
      const double cy = dy - 0.5;
      if (cx * cx + cy * cy <= (radius + 0.6) * (radius + 0.6)) put(x + dx, y + dy, color);
    }
  }
}

void Canvas::text(int x, int y, std::string_view text, std::uint8_t color, int scale) {
  for (std::size_t k = 0; k < text.size(); ++k) {
    const std::uint8_t* glyph = glyph_rows(text[k]);
    for (int row = 0; row < kGlyphRows; ++row) {
      for (int col = 0; col < kGlyphWidth; ++col) {
        if (((glyph[row] >> (kGlyphWidth - 1 - col)) & 1u) == 0) continue;
        const int px = x + (static_cast<int>(k) * kAdvance + col) * scale;
        fill_rect(px, y + row * scale, px + scale - 1, y + (row + 1) * scale - 1, color);
      }
    }
  }
}

void Canvas::text_up(int x, int y, std::string_view text, std::uint8_t color, int scale) {
  for (std::size_t k = 0; k < text.size(); ++k) {
    const std::uint8_t* glyph = glyph_rows(text[k]);
    for (int row = 0; row < kGlyphRows; ++row) {
      for (int col = 0; col < kGlyphWidth; ++col) {
        if (((glyph[row] >> (kGlyphWidth - 1 - col)) & 1u) == 0) continue;
        const int py = y - (static_cast<int>(k) * kAdvance + col + 1) * scale + 1;
        fill_rect(x + row * scale, py, x + (row + 1) * scale - 1, py + scale - 1, color);
      }
    }
  }
}

IndexedImage Canvas::take() {
  IndexedImage image;
  image.width = width_;
  image.height = height_;
  image.pixels = std::move(pixels_);
  image.palette = std::move(palette_);
  return image;
}

}  // namespace tb::report
