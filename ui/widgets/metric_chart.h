// MetricChart: a live line/scatter chart of named series (QCustomPlot) that stays smooth at
// hundreds of thousands of points. It keeps every raw point itself, shows a min/max-per-pixel
// decimation of them (spikes stay visible) and repaints on a ~25 Hz timer only when something
// changed (and only while shown), never per appended point. Optional best-checkpoint marker and
// log y axis.
#pragma once

#include <QColor>
#include <QHash>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCustomPlot;
class QTimer;

namespace tbui {

class MetricChart : public QWidget {
  Q_OBJECT

 public:
  enum class Style { Line, Scatter, LineWithPoints };

  explicit MetricChart(QWidget* parent = nullptr);

  // Declares a series (its legend name, look and colour); re-adding one changes its look. An
  // invalid colour takes the next one of the palette, as appendPoint() on an unknown name does
  // (it adds a Line series).
  void addSeries(const QString& name, Style style, const QColor& color = {}, double width = 1.5);
  void appendPoint(const QString& series, double x, double y);
  // A vertical dashed line at x with a label (the best checkpoint); replaces the previous one.
  void setMarker(double x, const QString& label);
  void clearMarker();
  bool hasMarker() const { return hasMarker_; }
  double markerX() const { return markerX_; }
  QString markerLabel() const { return markerLabel_; }

  void setAxisTitles(const QString& x, const QString& y);
  void setLogY(bool on);
  bool logY() const { return logY_; }
  // Shown in the middle of the chart while it has no point.
  void setEmptyText(const QString& text);

  // Removes every point and the marker; the series (names, looks) stay declared.
  void clear();
  // Decimates and repaints now (the timer does this by itself; for tests and screenshots).
  void replotNow();

  QStringList seriesNames() const;
  int pointCount(const QString& series) const;
  int displayedPointCount(const QString& series) const;
  int totalPointCount() const;
  int replotCount() const { return replots_; }
  QCustomPlot* plot() const { return plot_; }

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  struct Series {
    QString name;
    Style style = Style::Line;
    QColor color;
    double width = 1.5;
    QVector<double> xs, ys;
    double minX = 0, maxX = 0;
    QCPGraph* graph = nullptr;
    int displayed = 0;
  };

  Series& series(const QString& name);
  void applyStyle(Series& s);
  void schedule();
  void onTimer();  // replots when shown; a hidden chart (another tab) waits until it is shown
  // Fills each graph with at most two points per horizontal pixel of [lo, hi]; returns the
  // y range of what is shown (lo > hi when nothing is).
  void decimate(Series& s, double lo, double hi, int buckets, double* yLo, double* yHi);

  QCustomPlot* plot_;
  QTimer* timer_;
  QVector<Series> series_;
  QHash<QString, int> index_;
  QCPItemStraightLine* markerLine_ = nullptr;
  QCPItemText* markerText_ = nullptr;
  QCPItemText* emptyText_ = nullptr;
  bool hasMarker_ = false;
  double markerX_ = 0;
  QString markerLabel_;
  bool logY_ = false;
  bool follow_ = true;  // false once the user drags or zooms: the x range is theirs then
  bool settingRange_ = false;
  bool stale_ = false;  // changed while hidden  // the chart itself moves the x axis (not the user)
  int replots_ = 0;
};

}  // namespace tbui
