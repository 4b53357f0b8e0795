// Line charts as PNG for report.md (training loss, validation loss, learning rate, ...), drawn
// without Qt: white background, axes with 1-2-5 ticks, title, axis labels, legend, series as
// 2-px lines and markers, vertical dashed markers ("best"), a built-in 5x7 bitmap font.
// Not a plotting library: one y axis, no anti-aliasing, no styling beyond colours.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/report/png_writer.h"

namespace tb {

struct ChartSeries {
  std::string name;          // legend text; empty = not in the legend
  std::vector<double> x, y;  // same length; x empty = 0, 1, 2, ... NaN/Inf (or y <= 0 on a
                             // log axis) leave a gap
  std::array<std::uint8_t, 3> color{31, 119, 180};
  bool points = false;  // also draw a marker at every point (the line is drawn either way)
};

// A vertical dashed line across the plot with a label at its top, e.g. the best checkpoint.
struct ChartMarker {
  double x = 0;
  std::string label;
};

struct LineChart {
  std::string title, x_label, y_label;
  std::vector<ChartSeries> series;
  std::vector<ChartMarker> markers;
  bool log_y = false;
  int width = 800, height = 400;  // pixels; 160..16384 x 120..16384
};

// The chart as palette pixels (index 0 is the white background). Throws tb::Error on a size out
// of range or a series whose x and y lengths differ. Series of any length are fine: points
// that fall in one pixel column are drawn as that column's min..max span.
IndexedImage render_line_chart(const LineChart& chart);

std::string render_line_chart_png(const LineChart& chart);  // PNG bytes
void write_line_chart_png(const std::filesystem::path& path, const LineChart& chart);

}  // namespace tb
