// The raster the charts are drawn on: palette pixels with a clip rectangle, 1-2 px Bresenham
// lines, filled rectangles and discs, and bitmap-font text (upright or turned up), without Qt.
// take() hands the pixels over as an IndexedImage for png_writer.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/report/png_writer.h"

namespace tb::report {

using Rgb = std::array<std::uint8_t, 3>;

struct Rect {
  int left, top, right, bottom;  // inclusive
};

class Canvas {
 public:
  // A white canvas (palette index 0), clipped to its own bounds.
  Canvas(int width, int height)
      : width_(width),
        height_(height),
        pixels_(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 0),
        palette_{{255, 255, 255}},
        clip_{0, 0, width - 1, height - 1} {}

  // The palette index of a colour: added while there is room, else the nearest one.
  std::uint8_t color(const Rgb& rgb);

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
  void line(int x0, int y0, int x1, int y1, std::uint8_t color, int thickness);

  // A filled disc centred on the 2x2 block whose top-left is (x, y), matching 2-px lines.
  void dot(int x, int y, int radius, std::uint8_t color);

  // Text (already font text) with the top-left of its first cell at (x, y).
  void text(int x, int y, std::string_view text, std::uint8_t color, int scale);

  // Text turned 90 degrees counter-clockwise, read bottom to top: (x, y) is the bottom-left
  // corner, the glyph tops face left.
  void text_up(int x, int y, std::string_view text, std::uint8_t color, int scale);

  // The pixels and palette, moved out: the canvas is empty afterwards.
  IndexedImage take();

 private:
  int width_;
  int height_;
  std::vector<std::uint8_t> pixels_;  // [height, width] palette indices
  std::vector<Rgb> palette_;
  Rect clip_;
};

}  // namespace tb::report
