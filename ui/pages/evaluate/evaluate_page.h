// The Evaluate step: a finished run's base vs tuned figures on the test split (loss, perplexity,
// exact match, token F1, ROUGE-L, BLEU, each change coloured better or worse), the forgetting
// probe in a plain sentence, per-task results, the forgetting matrix of sequential runs and the
// run's curve images. "Evaluate again" (final weights or a checkpoint) runs on the engine's
// worker through EngineBridge; the report saves as Markdown or PDF.
#pragma once

#include <QStringList>
#include <QWidget>
#include <optional>

#include "ui/bridge/job_handle.h"
#include "ui/pages/runs/run_summary.h"

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;
class QVBoxLayout;

namespace tbui {

class EngineBridge;
class ProjectSession;

class EvaluatePage : public QWidget {
  Q_OBJECT

 public:
  EvaluatePage(EngineBridge* bridge, ProjectSession* session, QWidget* parent = nullptr);

  // Shows this run folder (added to the choice when the project does not list it).
  void setRun(const QString& runDir);
  QString runDir() const { return runDir_; }
  // Shows one of the run's report files (report.json, eval.json, eval-step-N.json).
  void showReportFile(const QString& file);
  // Measures the run again at a checkpoint (-1 = the final weights); 0 when it cannot start.
  quint64 evaluateAgain(qint64 step = -1);
  // Takes the bridge's events of this job (log lines, the result, failure).
  void watchJob(JobHandle* job);
  bool busy() const { return !job_.isNull(); }

  // The shown report (report.md / eval.md) with its chart images copied beside it.
  bool saveMarkdown(const QString& path, QString* error = nullptr);
  // The shown report as PDF, its charts embedded.
  bool savePdf(const QString& path, QString* error = nullptr);

  // What the test table shows for a metric ("loss", "ROUGE-L", ...): column 0 base, 1 tuned,
  // 2 change; "" when the row is not there.
  QString metricText(const QString& metric, int column) const;
  QString forgettingText() const;
  QString errorText() const;
  QString logText() const;
  int curveCount() const { return curveCount_; }
  QTableWidget* testTable() const { return test_; }
  QTableWidget* taskTable() const { return tasks_; }
  QTableWidget* forgettingMatrix() const { return matrix_; }

 Q_SIGNALS:
  void evaluated(const QString& runDir);

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  void refreshRuns();
  void chooseRun(int index);
  // Lists the run's report files, `select` chosen; show: its figures too.
  void fillReportChoice(const QString& select, bool show = true);
  void showReport(const RunReport& report);
  void showCurves(const QStringList& files);
  void showError(const QString& text);
  QString reportMarkdownFile() const;
  void onEvalFinished(const QString& reportMd, const QString& reportJson);
  void onEnded(JobEnd how, const QString& message);
  void saveWithDialog(bool pdf);

  EngineBridge* bridge_;
  ProjectSession* session_;
  QString runDir_;
  std::optional<RunSummary> summary_;
  std::optional<RunReport> report_;  // the figures shown
  QString reportMd_;                 // the Markdown of the figures shown
  QPointer<JobHandle> job_;
  QString jobRun_;  // the run job_ evaluates
  int curveCount_ = 0;
  bool errorShown_ = false;  // error_ holds an error (not a note)
  QComboBox* runs_;
  QComboBox* reports_;
  QLabel* empty_;
  QLabel* error_;
  QWidget* content_;
  QLabel* runInfo_;
  QTableWidget* test_;
  QLabel* testNote_;
  QLabel* forgetting_;
  QLabel* tasksTitle_;
  QTableWidget* tasks_;
  QLabel* matrixTitle_;
  QTableWidget* matrix_;
  QWidget* curves_;
  QVBoxLayout* curvesLayout_;
  QComboBox* checkpoint_;
  QPushButton* again_;
  QPushButton* cancel_;
  QPlainTextEdit* log_;
  QPushButton* saveMd_;
  QPushButton* savePdf_;
};

}  // namespace tbui
