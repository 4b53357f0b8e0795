// TrainPage, the live charts: the loss chart and the tabs of the others, fed by each step,
// evaluation and checkpoint on one x axis across stages (core/run/stage_axis.h). The run
// controls, texts, warnings and samples are in train_page.cpp.
#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

#include "ui/pages/train/train_page.h"
#include "ui/widgets/metric_chart.h"

namespace tbui {
namespace {

constexpr double kChartMiB = 1024.0 * 1024.0;
constexpr double kChartGiB = 1024.0 * kChartMiB;

QString trainSeries() { return QObject::tr("Training loss"); }
QString smoothedSeries() { return QObject::tr("Training loss (smoothed)"); }
QString validationSeries() { return QObject::tr("Validation loss"); }
QString refusedSeries() { return QObject::tr("Refused update"); }

}  // namespace

QWidget* TrainPage::buildCharts(QWidget* parent) {
  auto* charts = new QSplitter(Qt::Vertical, parent);
  auto* lossBox = new QWidget(charts);
  auto* lossLayout = new QVBoxLayout(lossBox);
  lossLayout->setContentsMargins(0, 0, 0, 0);
  auto* lossHeader = new QHBoxLayout;
  lossHeader->addWidget(new QLabel(tr("<b>Loss</b> — lower is better; the green line marks the "
                                      "best checkpoint"),
                                   lossBox));
  lossHeader->addStretch(1);
  logScale_ = new QCheckBox(tr("Log scale"), lossBox);
  logScale_->setToolTip(tr("A logarithmic loss axis shows late, small improvements better"));
  lossHeader->addWidget(logScale_);
  lossLayout->addLayout(lossHeader);
  loss_ = new MetricChart(lossBox);
  loss_->setObjectName(QStringLiteral("lossChart"));
  loss_->setMinimumHeight(260);
  loss_->addSeries(trainSeries(), MetricChart::Style::Line, QColor(150, 185, 225), 1.0);
  loss_->addSeries(smoothedSeries(), MetricChart::Style::Line, QColor(25, 80, 160), 2.2);
  loss_->addSeries(validationSeries(), MetricChart::Style::LineWithPoints, QColor(225, 110, 20),
                   2.0);
  loss_->addSeries(refusedSeries(), MetricChart::Style::Scatter, QColor(200, 30, 30));
  loss_->setAxisTitles(tr("step"), tr("loss (nats per token)"));
  loss_->setEmptyText(tr("No run yet — press Start training"));
  lossLayout->addWidget(loss_, 1);
  charts->addWidget(lossBox);
  connect(logScale_, &QCheckBox::toggled, loss_, &MetricChart::setLogY);

  details_ = new QTabWidget(charts);
  details_->setObjectName(QStringLiteral("trainDetails"));
  details_->setMinimumHeight(200);
  auto chart = [this](const QString& name, const QString& tab, const QString& y,
                      const QString& tip) {
    auto* c = new MetricChart(details_);
    c->setObjectName(name);
    c->setAxisTitles(tr("step"), y);
    c->setEmptyText(tr("Appears once training starts"));
    const int index = details_->addTab(c, tab);
    details_->setTabToolTip(index, tip);
    return c;
  };
  learningRate_ =
      chart(QStringLiteral("learningRateChart"), tr("Learning rate"), tr("learning rate"),
            tr("How big each update is: warmup, then the schedule's decay"));
  gradNorm_ = chart(QStringLiteral("gradNormChart"), tr("Gradient norm"), tr("gradient norm"),
                    tr("How strongly the model is pushed at each step; spikes often come before "
                       "a divergence"));
  speed_ = chart(QStringLiteral("speedChart"), tr("Speed"), tr("tokens per second"),
                 tr("Tokens through the model per second (prompts and answers)"));
  memory_ = chart(QStringLiteral("memoryChart"), tr("Memory"), tr("MB"),
                  tr("Memory in use on the device (GPU memory, or the process's RAM on a CPU)"));
  perTask_ = chart(QStringLiteral("perTaskChart"), tr("Loss per task"), tr("validation loss"),
                   tr("Validation loss of each task, when the data names several"));
  perTaskTab_ = details_->indexOf(perTask_);
  details_->setTabVisible(perTaskTab_, false);
  charts->addWidget(details_);
  charts->setStretchFactor(0, 3);
  charts->setStretchFactor(1, 2);
  return charts;
}

void TrainPage::onStep(const tb::train::StepMetrics& m) {
  const double x = axis_.place_training_step(m.stage, static_cast<double>(m.step));
  lastStep_ = m.step;
  if (std::isfinite(m.loss)) loss_->appendPoint(trainSeries(), x, m.loss);
  if (std::isfinite(m.smoothed_loss)) loss_->appendPoint(smoothedSeries(), x, m.smoothed_loss);
  if (!m.applied) {
    const double y = std::isfinite(m.loss) ? m.loss : m.smoothed_loss;
    if (std::isfinite(y)) loss_->appendPoint(refusedSeries(), x, y);
  }
  learningRate_->appendPoint(tr("Learning rate"), x, m.learning_rate);
  if (std::isfinite(m.grad_norm)) gradNorm_->appendPoint(tr("Gradient norm"), x, m.grad_norm);
  speed_->appendPoint(tr("Tokens per second"), x, m.tokens_per_s);
  if (memoryScale_ == 0 && m.device_memory_bytes > 0) {
    memoryScale_ = m.device_memory_bytes >= kChartGiB ? kChartGiB : kChartMiB;
    memory_->setAxisTitles(tr("step"), memoryScale_ == kChartGiB ? tr("GB") : tr("MB"));
  }
  if (memoryScale_ > 0)
    memory_->appendPoint(tr("Memory in use"), x, m.device_memory_bytes / memoryScale_);
  // The texts follow at most 25 times a second, like the charts (a progress bar repaints at once).
  lastMetrics_ = m;
  if (!textTimer_->isActive()) textTimer_->start();
}

void TrainPage::onEval(const tb::train::EvalMetrics& m) {
  const double x = axis_.place(m.stage, static_cast<double>(m.step));
  if (std::isfinite(m.loss)) loss_->appendPoint(validationSeries(), x, m.loss);
  if (m.best) {
    bestStep_ = m.step;
    loss_->setMarker(x, tr("best %1 (step %2)").arg(m.loss, 0, 'f', 3).arg(m.step));
  }
  if (m.per_task.size() > 1) {
    details_->setTabVisible(perTaskTab_, true);
    for (const auto& [task, loss] : m.per_task) {
      const QString name = task.empty() ? tr("(no task)") : QString::fromStdString(task);
      if (perTask_->pointCount(name) == 0)
        perTask_->addSeries(name, MetricChart::Style::LineWithPoints);
      if (std::isfinite(loss)) perTask_->appendPoint(name, x, loss);
    }
  }
  appendLog(tr("%1: validation loss %2 (perplexity %3) on %4 examples%5")
                .arg(stepLabel(m.stage, m.step))
                .arg(m.loss, 0, 'f', 4)
                .arg(m.perplexity, 0, 'f', 2)
                .arg(m.examples)
                .arg(m.best ? tr(" — the best so far") : QString()));
}

void TrainPage::onCheckpoint(const tb::train::CheckpointSaved& c) {
  lastCheckpointStep_ = c.step;
  if (c.best) {
    const double x = axis_.place(c.stage, static_cast<double>(c.step));
    bestStep_ = c.step;
    if (!loss_->hasMarker() || loss_->markerX() != x) {
      loss_->setMarker(x, tr("best checkpoint (step %1)").arg(c.step));
    }
  }
  appendLog(tr("Checkpoint saved at %1%2: %3")
                .arg(stepLabel(c.stage, c.step), c.best ? tr(" (the best so far)") : QString(),
                     QString::fromStdString(c.folder)));
}

}  // namespace tbui
