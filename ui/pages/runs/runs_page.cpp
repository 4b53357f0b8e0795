// RunsPage (see runs_page.h).
#include "ui/pages/runs/runs_page.h"

#include <QDateTime>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSet>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "ui/project/project_session.h"

#include "ui/widgets/custom_plot.h"
#include "ui/widgets/page_header.h"

namespace tbui {
namespace {

enum Column { kName, kStarted, kStatus, kMethod, kSettings, kBestVal, kTestLoss, kRouge, kColumns };

// One colour per run (Tableau 10).
QColor runColour(int i) {
  static const QColor palette[] = {
      {31, 119, 180}, {230, 120, 20},  {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
      {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
  return palette[i % 10];
}

QString statusText(const QString& status) {
  if (status == QLatin1String("finished")) return QObject::tr("finished");
  if (status == QLatin1String("early_stopped"))
    return QObject::tr("stopped early (no more progress)");
  if (status == QLatin1String("stopped_by_user")) return QObject::tr("stopped by you");
  if (status == QLatin1String("diverged")) return QObject::tr("diverged");
  if (status == QLatin1String("cancelled")) return QObject::tr("cancelled");
  if (status == QLatin1String("unfinished")) return QObject::tr("unfinished (no report yet)");
  return status;
}

QString baseToTuned(double base, double tuned) {
  if (!std::isfinite(base) && !std::isfinite(tuned)) return QStringLiteral("–");
  return QStringLiteral("%1 → %2").arg(figureText(base), figureText(tuned));
}

}  // namespace

RunsPage::RunsPage(ProjectSession* session, QWidget* parent) : QWidget(parent), session_(session) {
  setObjectName(QStringLiteral("runsPage"));
  auto* layout = pageLayout(
      this, tr("Runs"),
      tr("Every training run of this project. Select several rows to lay their loss curves "
         "over each other; double-click a run to open its evaluation."));
  auto* refreshRow = new QHBoxLayout;
  empty_ = new QLabel(tr("No run yet — start one on the Train step."), this);
  empty_->setObjectName(QStringLiteral("runsEmpty"));
  auto* refreshButton = new QPushButton(tr("Refresh"), this);
  refreshButton->setToolTip(tr("Read the run folders again"));
  refreshRow->addWidget(empty_);
  refreshRow->addStretch(1);
  refreshRow->addWidget(refreshButton);
  layout->addLayout(refreshRow);

  auto* splitter = new QSplitter(Qt::Vertical, this);
  table_ = new QTableWidget(0, kColumns, splitter);
  table_->setObjectName(QStringLiteral("runsTable"));
  table_->setHorizontalHeaderLabels({tr("Run"), tr("Started"), tr("Status"), tr("Method"),
                                     tr("Settings"), tr("Best validation loss"),
                                     tr("Test loss base → tuned"), tr("ROUGE-L base → tuned")});
  table_->horizontalHeaderItem(kBestVal)->setToolTip(
      tr("Lowest loss on the validation split during training"));
  table_->horizontalHeaderItem(kTestLoss)->setToolTip(tr(
      "Loss on the held-out test split before (base) and after (tuned) training: lower is better"));
  table_->horizontalHeaderItem(kRouge)->setToolTip(
      tr("Overlap of generated answers with the reference answers (0–1): higher is better"));
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setAlternatingRowColors(true);

  auto* chartBox = new QWidget(splitter);
  auto* chartLayout = new QVBoxLayout(chartBox);
  chartLayout->setContentsMargins(0, 4, 0, 0);
  plot_ = new QCustomPlot(chartBox);
  plot_->setObjectName(QStringLiteral("runsPlot"));
  plot_->setMinimumHeight(240);
  plot_->xAxis->setLabel(tr("step"));
  plot_->yAxis->setLabel(tr("loss (nats per token)"));
  plot_->legend->setVisible(true);
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  chartNote_ = new QLabel(chartBox);
  chartNote_->setObjectName(QStringLiteral("runsChartNote"));
  chartNote_->setWordWrap(true);
  chartLayout->addWidget(plot_, 1);
  chartLayout->addWidget(chartNote_);
  splitter->addWidget(table_);
  splitter->addWidget(chartBox);
  splitter->setStretchFactor(0, 1);
  splitter->setStretchFactor(1, 2);
  layout->addWidget(splitter, 1);

  connect(refreshButton, &QPushButton::clicked, this, &RunsPage::refresh);
  connect(table_, &QTableWidget::itemSelectionChanged, this, &RunsPage::replot);
  connect(table_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
    if (row >= 0 && row < rows_.size()) Q_EMIT runActivated(rows_[row].path);
  });
  if (session_ != nullptr)
    connect(session_, &ProjectSession::runsChanged, this, &RunsPage::refresh);
  refresh();
}

void RunsPage::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  refresh();  // runs finish while the page is hidden
}

int RunsPage::rowCount() const { return table_->rowCount(); }

QString RunsPage::chartMessage() const { return chartNote_->text(); }

void RunsPage::refresh() {
  const QStringList keep = selectedRuns();
  const bool first = rows_.isEmpty();
  rows_.clear();
  curves_.clear();
  const QStringList runs = session_ != nullptr ? session_->runs() : QStringList();
  for (auto it = runs.crbegin(); it != runs.crend(); ++it) {  // newest first
    Row row;
    row.path = *it;
    row.summary = readRunSummary(*it, &row.error);
    rows_.push_back(row);
  }
  fillTable();
  if (!keep.isEmpty()) {
    selectRuns(keep);
  } else if (first && !rows_.isEmpty()) {
    selectRuns({rows_.front().path});  // the newest run, to start with
  } else {
    replot();
  }
}

void RunsPage::fillTable() {
  const QSignalBlocker block(table_);
  table_->clearContents();
  table_->setRowCount(static_cast<int>(rows_.size()));
  empty_->setVisible(rows_.isEmpty());
  const QLocale locale;
  for (int r = 0; r < rows_.size(); ++r) {
    const Row& row = rows_[r];
    auto set = [&](int column, const QString& text, const QString& tip = {}) {
      auto* item = new QTableWidgetItem(text);
      if (!tip.isEmpty()) item->setToolTip(tip);
      if (column >= kBestVal) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      table_->setItem(r, column, item);
      return item;
    };
    set(kName, QFileInfo(row.path).fileName(), row.path);
    if (!row.summary) {
      set(kStatus, tr("cannot read"), row.error)->setForeground(QColor(190, 30, 30));
      set(kSettings, row.error, row.error);
      continue;
    }
    const RunSummary& s = *row.summary;
    const QDateTime started = startedTime(s);
    set(kStarted, started.isValid() ? locale.toString(started, QLocale::ShortFormat)
                                    : QStringLiteral("–"));
    auto* status = set(kStatus, statusText(qtext(s.status)));
    if (s.status == "diverged" || s.status == "cancelled") {
      status->setForeground(QColor(190, 30, 30));
    }
    set(kMethod, methodText(qtext(s.method)));
    const QString settings = settingsText(s);
    set(kSettings, settings,
        settings +
            (s.model.empty() ? QString() : QStringLiteral("\n") + tr("Model: %1").arg(qtext(s.model))));
    set(kBestVal, std::isfinite(s.best_val_loss) && s.best_step >= 0
                      ? tr("%1 (step %2)").arg(figureText(s.best_val_loss)).arg(s.best_step)
                      : figureText(s.best_val_loss));
    const RunReport& rep = s.report;
    set(kTestLoss, s.has_report && rep.test_base.present
                       ? baseToTuned(rep.test_base.loss, rep.test_tuned.loss)
                       : QStringLiteral("–"));
    set(kRouge, s.has_report && rep.generation_base.present
                    ? baseToTuned(rep.generation_base.rouge_l, rep.generation_tuned.rouge_l)
                    : QStringLiteral("–"));
  }
  table_->resizeColumnsToContents();
  for (const int column : {kSettings, kName}) {  // long texts are cut; the tooltip has them whole
    table_->setColumnWidth(column, std::min(table_->columnWidth(column), 320));
  }
}

void RunsPage::selectRuns(const QStringList& runDirs) {
  QSet<QString> wanted;
  for (const QString& d : runDirs) wanted.insert(QFileInfo(d).absoluteFilePath());
  {
    const QSignalBlocker block(table_);
    table_->clearSelection();
    for (int r = 0; r < rows_.size(); ++r) {
      if (!wanted.contains(QFileInfo(rows_[r].path).absoluteFilePath())) continue;
      table_->selectionModel()->select(table_->model()->index(r, 0),
                                       QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }
  }
  replot();
}

QStringList RunsPage::selectedRuns() const {
  QStringList out;
  if (table_->selectionModel() == nullptr) return out;
  for (const QModelIndex& index : table_->selectionModel()->selectedRows()) {
    if (index.row() < rows_.size()) out << rows_[index.row()].path;
  }
  return out;
}

void RunsPage::replot() {
  plot_->clearGraphs();
  plot_->clearItems();
  overlaid_ = 0;
  QStringList problems;
  QList<int> selected;
  for (const QModelIndex& index : table_->selectionModel()->selectedRows()) selected << index.row();
  std::sort(selected.begin(), selected.end());
  for (const int r : selected) {
    if (r >= rows_.size()) continue;
    const Row& row = rows_[r];
    const QString name = QFileInfo(row.path).fileName();
    if (!curves_.contains(row.path)) {
      QString error;
      auto curves = readRunCurves(row.path, &error);
      if (!curves) {
        problems << error;
        continue;
      }
      curves_.insert(row.path, *curves);
    }
    const RunCurves& c = curves_[row.path];
    if (c.step.empty() && c.eval_step.empty()) {
      problems << tr("%1 has logged no steps yet.").arg(name);
      continue;
    }
    const QColor colour = runColour(overlaid_);
    auto* training = plot_->addGraph();
    training->setName(name);
    training->setPen(QPen(colour, 1.6));
    training->setData(chartData(c.step), chartData(c.smoothed_loss), true);
    auto* validation = plot_->addGraph();
    validation->setName(tr("%1 (validation)").arg(name));
    validation->setPen(QPen(colour, 1.6, Qt::DashLine));
    validation->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, Qt::white, 6));
    validation->setData(chartData(c.eval_step), chartData(c.eval_loss), true);
    validation->removeFromLegend();  // the legend names runs; the line style tells the split
    ++overlaid_;
  }
  if (overlaid_ > 0) {
    plot_->rescaleAxes();
    plot_->yAxis->scaleRange(1.08, plot_->yAxis->range().center());  // the markers stay inside
  }
  plot_->replot();
  QString note;
  if (rows_.isEmpty()) {
    note = tr("The loss curves of the runs you select appear here.");
  } else if (overlaid_ == 0 && problems.isEmpty()) {
    note = tr("Select one or more runs above to see their loss curves.");
  } else if (overlaid_ > 0) {
    note =
        tr("Solid: training loss (smoothed). Dashed with dots: validation loss. Lower is better; a "
           "validation "
           "line that turns up while training keeps falling means overfitting.");
  }
  if (!problems.isEmpty())
    note += (note.isEmpty() ? QString() : QStringLiteral("\n")) + problems.join(QLatin1Char('\n'));
  chartNote_->setText(note);
}

}  // namespace tbui
