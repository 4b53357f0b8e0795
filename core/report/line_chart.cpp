// Line chart layout (see line_chart.h): the data's extent, the axes and margins, the title and
// legend rows, marker lines and labels, and each series drawn with per-pixel-column decimation on
// a chart_canvas; png_writer encodes the result.
#include "core/report/line_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/report/bitmap_font.h"
#include "core/report/chart_axis.h"
#include "core/report/chart_canvas.h"

namespace tb {
namespace report {
namespace {

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

// The chart's layout and drawing: render_line_chart's body.
IndexedImage draw_line_chart(const LineChart& chart) {
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

}  // namespace
}  // namespace report

IndexedImage render_line_chart(const LineChart& chart) { return report::draw_line_chart(chart); }

std::string render_line_chart_png(const LineChart& chart) {
  return encode_png_indexed(render_line_chart(chart));
}

void write_line_chart_png(const std::filesystem::path& path, const LineChart& chart) {
  write_file_atomic(path, render_line_chart_png(chart));
}

}  // namespace tb
