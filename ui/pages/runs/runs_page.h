// The history of the project's runs: one table row per run folder (name, status, method, key
// settings, best validation loss, test loss and ROUGE-L base → tuned), and the training and
// validation loss of the selected runs overlaid in one chart, one colour per run. Reads the run
// folders only (run_summary.h); starts nothing. Double-click opens a run elsewhere.
#pragma once

#include <QHash>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include "ui/pages/runs/run_summary.h"

class QCustomPlot;
class QLabel;
class QTableWidget;

namespace tbui {

class ProjectSession;

class RunsPage : public QWidget {
  Q_OBJECT

 public:
  explicit RunsPage(ProjectSession* session, QWidget* parent = nullptr);

  // Reads the session's run folders again.
  void refresh();
  int rowCount() const;
  // Selects the rows of these run folders (others are deselected); the chart follows.
  void selectRuns(const QStringList& runDirs);
  QStringList selectedRuns() const;
  // Runs whose curves the chart shows now.
  int overlaidRunCount() const { return overlaid_; }
  QTableWidget* table() const { return table_; }
  QCustomPlot* plot() const { return plot_; }
  QString chartMessage() const;

 Q_SIGNALS:
  void runActivated(const QString& runDir);

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  struct Row {
    QString path;
    std::optional<RunSummary> summary;
    QString error;
  };
  void fillTable();
  void replot();

  ProjectSession* session_;
  QVector<Row> rows_;                 // newest first, as the table shows them
  QHash<QString, RunCurves> curves_;  // per run folder, read when first selected
  int overlaid_ = 0;
  QLabel* empty_;
  QTableWidget* table_;
  QCustomPlot* plot_;
  QLabel* chartNote_;
};

}  // namespace tbui
