// A bar chart of a histogram (QCustomPlot): bins with their edges on the x axis, counts on the
// y axis, and an optional red marker at a limit (e.g. the training length). Data only comes in
// through setHistogram(); the widget does no work of its own.
#pragma once

#include <QVector>
#include <QWidget>

class QCustomPlot;

namespace tbui {

class HistogramView : public QWidget {
  Q_OBJECT

 public:
  explicit HistogramView(QWidget* parent = nullptr);

  // edges: n+1 bin edges; counts: n; limit < 0 = no marker.
  void setHistogram(const QVector<double>& edges, const QVector<double>& counts, const QString& xLabel,
                    double limit = -1);
  int binCount() const { return bins_; }

 private:
  QCustomPlot* plot_;
  int bins_ = 0;
};

}  // namespace tbui
