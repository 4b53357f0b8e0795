// MetricChart (see metric_chart.h).
#include "ui/widgets/metric_chart.h"

#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <vector>

#include "ui/widgets/custom_plot.h"

namespace tbui {
namespace {

constexpr int kRepaintMs = 40;    // about 25 repaints a second at most
constexpr int kMinBuckets = 100;  // horizontal pixels assumed when the chart is tiny or unshown
constexpr int kMaxBuckets = 2000;

const QColor kPalette[] = {QColor(31, 119, 180),  QColor(255, 127, 14),  QColor(44, 160, 44),
                           QColor(214, 39, 40),   QColor(148, 103, 189), QColor(140, 86, 75),
                           QColor(227, 119, 194), QColor(127, 127, 127)};

}  // namespace

MetricChart::MetricChart(QWidget* parent)
    : QWidget(parent), plot_(new QCustomPlot(this)), timer_(new QTimer(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  plot_->setMinimumHeight(150);
  plot_->setPlottingHint(QCP::phFastPolylines, true);
  plot_->setNoAntialiasingOnDrag(true);
  plot_->legend->setVisible(false);
  plot_->legend->setBrush(QColor(255, 255, 255, 210));
  QFont legendFont = font();
  legendFont.setPointSizeF(legendFont.pointSizeF() * 0.9);
  plot_->legend->setFont(legendFont);
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  // The x axis can be dragged and zoomed (the y axis follows what is shown); a double-click
  // goes back to following the whole run.
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  plot_->axisRect()->setRangeDrag(Qt::Horizontal);
  plot_->axisRect()->setRangeZoom(Qt::Horizontal);
  plot_->setToolTip(
      tr("Drag or scroll to look at a part; double-click to see the whole run again"));
  connect(plot_->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
          [this](const QCPRange&) {
            if (settingRange_) return;
            follow_ = false;
            schedule();
          });
  connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) {
    follow_ = true;
    schedule();
  });

  markerLine_ = new QCPItemStraightLine(plot_);
  markerLine_->point1->setTypeY(QCPItemPosition::ptAxisRectRatio);
  markerLine_->point2->setTypeY(QCPItemPosition::ptAxisRectRatio);
  markerLine_->setPen(QPen(QColor(30, 140, 60), 1.5, Qt::DashLine));
  markerLine_->setVisible(false);
  markerText_ = new QCPItemText(plot_);
  markerText_->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
  markerText_->setColor(QColor(30, 120, 50));
  markerText_->setPadding(QMargins(4, 2, 4, 2));
  markerText_->setBrush(QColor(255, 255, 255, 210));
  markerText_->setVisible(false);
  emptyText_ = new QCPItemText(plot_);
  emptyText_->position->setType(QCPItemPosition::ptAxisRectRatio);
  emptyText_->position->setCoords(0.5, 0.5);
  emptyText_->setColor(QColor(120, 120, 120));
  emptyText_->setText(tr("No data yet"));

  timer_->setSingleShot(true);
  timer_->setInterval(kRepaintMs);
  connect(timer_, &QTimer::timeout, this, &MetricChart::onTimer);
  schedule();
}

MetricChart::Series& MetricChart::series(const QString& name) {
  const auto it = index_.constFind(name);
  if (it != index_.constEnd()) return series_[*it];
  Series s;
  s.name = name;
  s.color = kPalette[static_cast<std::size_t>(series_.size()) % std::size(kPalette)];
  s.graph = plot_->addGraph();
  index_.insert(name, static_cast<int>(series_.size()));
  series_.push_back(std::move(s));
  applyStyle(series_.back());
  return series_.back();
}

void MetricChart::applyStyle(Series& s) {
  s.graph->setName(s.name);
  s.graph->setPen(QPen(s.color, s.width));
  const bool points = s.style != Style::Line;
  s.graph->setLineStyle(s.style == Style::Scatter ? QCPGraph::lsNone : QCPGraph::lsLine);
  s.graph->setScatterStyle(points ? QCPScatterStyle(QCPScatterStyle::ssDisc, s.color, s.color, 6)
                                  : QCPScatterStyle(QCPScatterStyle::ssNone));
}

void MetricChart::addSeries(const QString& name, Style style, const QColor& color, double width) {
  Series& s = series(name);
  s.style = style;
  if (color.isValid()) s.color = color;
  s.width = width;
  applyStyle(s);
  schedule();
}

void MetricChart::appendPoint(const QString& name, double x, double y) {
  Series& s = series(name);
  if (s.xs.isEmpty()) {
    s.minX = s.maxX = x;
  } else {
    s.minX = std::min(s.minX, x);
    s.maxX = std::max(s.maxX, x);
  }
  s.xs.push_back(x);
  s.ys.push_back(y);
  schedule();
}

void MetricChart::setMarker(double x, const QString& label) {
  hasMarker_ = true;
  markerX_ = x;
  markerLabel_ = label;
  markerLine_->point1->setCoords(x, 0);
  markerLine_->point2->setCoords(x, 1);
  markerText_->position->setCoords(x, 0.45);  // mid-height: clear of the legend at the top
  markerText_->setText(label);
  markerLine_->setVisible(true);
  markerText_->setVisible(!label.isEmpty());
  schedule();
}

void MetricChart::clearMarker() {
  hasMarker_ = false;
  markerLabel_.clear();
  markerLine_->setVisible(false);
  markerText_->setVisible(false);
  schedule();
}

void MetricChart::setAxisTitles(const QString& x, const QString& y) {
  plot_->xAxis->setLabel(x);
  plot_->yAxis->setLabel(y);
  schedule();
}

void MetricChart::setLogY(bool on) {
  if (logY_ == on) return;
  logY_ = on;
  if (on) {
    plot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
    plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  } else {
    plot_->yAxis->setScaleType(QCPAxis::stLinear);
    plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  }
  schedule();
}

void MetricChart::setEmptyText(const QString& text) {
  emptyText_->setText(text);
  schedule();
}

void MetricChart::clear() {
  for (Series& s : series_) {
    s.xs.clear();
    s.ys.clear();
    s.displayed = 0;
    s.graph->data()->clear();
  }
  clearMarker();
  follow_ = true;
  schedule();
}

void MetricChart::schedule() {
  if (!timer_->isActive()) timer_->start();
}

void MetricChart::decimate(Series& s, double lo, double hi, int buckets, double* yLo, double* yHi) {
  QVector<QCPGraphData> out;
  const auto n = static_cast<int>(s.xs.size());
  auto usable = [this](double y) { return std::isfinite(y) && (!logY_ || y > 0); };
  auto take = [&](int i) {
    out.push_back(QCPGraphData(s.xs[i], s.ys[i]));
    if (s.xs[i] < lo || s.xs[i] > hi) return;  // the y axis fits what is in view
    *yLo = std::min(*yLo, s.ys[i]);
    *yHi = std::max(*yHi, s.ys[i]);
  };
  if (n <= 2 * buckets) {
    out.reserve(n);
    for (int i = 0; i < n; ++i) {
      if (usable(s.ys[i]) && std::isfinite(s.xs[i])) take(i);
    }
  } else {
    // 1. Per horizontal pixel of [lo, hi], the points with the lowest and the highest y; plus
    //    the nearest point on either side of the range, so lines run on to the edges.
    std::vector<int> minAt(static_cast<std::size_t>(buckets), -1);
    std::vector<int> maxAt(static_cast<std::size_t>(buckets), -1);
    int before = -1, after = -1;
    const double scale = buckets / (hi - lo);
    for (int i = 0; i < n; ++i) {
      const double x = s.xs[i], y = s.ys[i];
      if (!usable(y) || !std::isfinite(x)) continue;
      if (x < lo) {
        if (before < 0 || x > s.xs[before]) before = i;
        continue;
      }
      if (x > hi) {
        if (after < 0 || x < s.xs[after]) after = i;
        continue;
      }
      const auto b =
          static_cast<std::size_t>(std::min(static_cast<int>((x - lo) * scale), buckets - 1));
      if (minAt[b] < 0 || y < s.ys[minAt[b]]) minAt[b] = i;
      if (maxAt[b] < 0 || y > s.ys[maxAt[b]]) maxAt[b] = i;
    }
    // 2. In x order: each pixel's two points in the order they came.
    out.reserve(2 * buckets + 2);
    if (before >= 0) take(before);
    for (std::size_t b = 0; b < minAt.size(); ++b) {
      if (minAt[b] < 0) continue;
      const int first = std::min(minAt[b], maxAt[b]), second = std::max(minAt[b], maxAt[b]);
      take(first);
      if (second != first) take(second);
    }
    if (after >= 0) take(after);
  }
  s.displayed = static_cast<int>(out.size());
  s.graph->data()->set(out, false);
}

void MetricChart::onTimer() {
  if (isVisible()) {
    replotNow();
  } else {
    stale_ = true;
  }
}

void MetricChart::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (stale_) replotNow();
}

void MetricChart::replotNow() {
  timer_->stop();
  stale_ = false;
  // 1. The x range: every point while following the run, else the one the user chose.
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  int withPoints = 0;
  for (const Series& s : series_) {
    if (s.xs.isEmpty()) continue;
    ++withPoints;
    if (std::isfinite(s.minX)) lo = std::min(lo, s.minX);
    if (std::isfinite(s.maxX)) hi = std::max(hi, s.maxX);
  }
  if (hasMarker_ && withPoints > 0) {
    lo = std::min(lo, markerX_);
    hi = std::max(hi, markerX_);
  }
  if (follow_ && lo <= hi) {
    const double pad = hi > lo ? (hi - lo) * 0.02 : 1.0;
    settingRange_ = true;
    plot_->xAxis->setRange(lo - pad, hi + pad);
    settingRange_ = false;
  }
  const QCPRange shown = plot_->xAxis->range();
  // 2. Each series decimated to the chart's width in pixels.
  const int buckets = std::clamp(plot_->axisRect()->width(), kMinBuckets, kMaxBuckets);
  double yLo = std::numeric_limits<double>::infinity(), yHi = -yLo;
  for (Series& s : series_) decimate(s, shown.lower, shown.upper, buckets, &yLo, &yHi);
  // 3. The y range fits what is shown, with a margin.
  if (yLo <= yHi) {
    if (logY_) {
      plot_->yAxis->setRange(yLo / 1.25, yHi * 1.25);
    } else {
      const double pad = yHi > yLo ? (yHi - yLo) * 0.06 : std::max(std::abs(yHi) * 0.1, 1e-9);
      plot_->yAxis->setRange(yLo - pad, yHi + pad);
    }
  }
  if (hasMarker_) {
    const bool right = markerX_ > shown.center();
    markerText_->setPositionAlignment((right ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
  }
  emptyText_->setVisible(withPoints == 0);
  plot_->legend->setVisible(withPoints > 1);
  for (const Series& s : series_) {
    if (s.xs.isEmpty()) {
      s.graph->removeFromLegend();
    } else {
      s.graph->addToLegend();
    }
  }
  plot_->replot();
  ++replots_;
}

QStringList MetricChart::seriesNames() const {
  QStringList names;
  for (const Series& s : series_) names << s.name;
  return names;
}

int MetricChart::pointCount(const QString& name) const {
  const auto it = index_.constFind(name);
  return it == index_.constEnd() ? 0 : static_cast<int>(series_[*it].xs.size());
}

int MetricChart::displayedPointCount(const QString& name) const {
  const auto it = index_.constFind(name);
  return it == index_.constEnd() ? 0 : series_[*it].displayed;
}

int MetricChart::totalPointCount() const {
  int n = 0;
  for (const Series& s : series_) n += static_cast<int>(s.xs.size());
  return n;
}

}  // namespace tbui
