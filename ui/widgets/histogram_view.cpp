// HistogramView (see histogram_view.h).
#include "ui/widgets/histogram_view.h"

#include <QVBoxLayout>

#include <cmath>

#include "ui/widgets/custom_plot.h"

namespace tbui {

HistogramView::HistogramView(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  plot_->setMinimumHeight(220);
  plot_->yAxis->setLabel(tr("examples"));
}

void HistogramView::setHistogram(const QVector<double>& edges, const QVector<double>& counts, const QString& xLabel,
                                 double limit) {
  plot_->clearPlottables();
  plot_->clearItems();
  bins_ = static_cast<int>(counts.size());
  // Bars at bin indices (the bins double in width); ticks name each bin's range.
  auto* bars = new QCPBars(plot_->xAxis, plot_->yAxis);
  QVector<double> x;
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  double top = 0;
  for (int i = 0; i < bins_; ++i) {
    x.push_back(i);
    ticker->addTick(i, QStringLiteral("%1–%2").arg(edges.value(i)).arg(edges.value(i + 1)));
    top = std::max(top, counts[i]);
  }
  bars->setData(x, counts);
  bars->setWidth(0.8);
  bars->setPen(Qt::NoPen);
  bars->setBrush(QColor(70, 130, 180));
  plot_->xAxis->setTicker(ticker);
  plot_->xAxis->setTickLabelRotation(40);
  plot_->xAxis->setLabel(xLabel);
  plot_->xAxis->setRange(-0.6, std::max(0, bins_ - 1) + 0.6);
  plot_->yAxis->setRange(0, top > 0 ? top * 1.1 : 1);
  // Whole numbers of examples on the y axis.
  QSharedPointer<QCPAxisTickerFixed> counts_ticker(new QCPAxisTickerFixed);
  counts_ticker->setTickStep(std::max(1.0, std::ceil(top / 8)));
  counts_ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
  plot_->yAxis->setTicker(counts_ticker);
  if (limit >= 0) {
    // The limit falls in the bin whose edges hold it; drawn at its place within that bin.
    int bin = 0;
    while (bin + 1 < edges.size() - 1 && edges[bin + 1] <= limit) ++bin;
    const double span = edges.value(bin + 1) - edges.value(bin);
    const double at = bin - 0.5 + (span > 0 ? (limit - edges[bin]) / span : 0);
    auto* line = new QCPItemStraightLine(plot_);
    line->point1->setCoords(at, 0);
    line->point2->setCoords(at, 1);
    line->setPen(QPen(QColor(200, 40, 40), 2, Qt::DashLine));
  }
  plot_->replot();
}

}  // namespace tbui
