// EvaluatePage, choosing what to evaluate: the run, its report files and weights, evaluating again
// and saving the report (see evaluate_page.h; showing the result is in evaluate_result.cpp).
#include "ui/pages/evaluate/evaluate_page.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "ui/bridge/engine_bridge.h"
#include "ui/pages/evaluate/report_document.h"
#include "ui/project/project_session.h"
#include "ui/widgets/page_header.h"
#include "ui/widgets/palette.h"

namespace tbui {
namespace {

QLabel* heading(const QString& text, QWidget* parent) {
  auto* label = new QLabel(QStringLiteral("<h3>%1</h3>").arg(text.toHtmlEscaped()), parent);
  return label;
}

QTableWidget* figuresTable(const QString& name, QWidget* parent) {
  auto* table = new QTableWidget(parent);
  table->setObjectName(name);
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->setSelectionMode(QAbstractItemView::NoSelection);
  table->setFocusPolicy(Qt::NoFocus);
  table->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
  table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  return table;
}

}  // namespace

EvaluatePage::EvaluatePage(EngineBridge* bridge, ProjectSession* session, QWidget* parent)
    : QWidget(parent), bridge_(bridge), session_(session) {
  setObjectName(QStringLiteral("evaluatePage"));
  auto* layout = pageLayout(
      this, tr("Evaluate"),
      tr("How the tuned model does against the base model on the test split it never trained "
         "on, and how much general knowledge it kept."));

  // 1. Which run, which report of it; saving.
  auto* choose = new QHBoxLayout;
  runs_ = new QComboBox(this);
  runs_->setObjectName(QStringLiteral("evalRun"));
  runs_->setMinimumContentsLength(24);
  reports_ = new QComboBox(this);
  reports_->setObjectName(QStringLiteral("evalReport"));
  reports_->setToolTip(tr("The figures of the end of training, or of a later evaluation"));
  saveMd_ = new QPushButton(tr("Save report as Markdown…"), this);
  savePdf_ = new QPushButton(tr("Save as PDF…"), this);
  choose->addWidget(new QLabel(tr("Run"), this));
  choose->addWidget(runs_, 1);
  choose->addWidget(new QLabel(tr("Figures"), this));
  choose->addWidget(reports_, 1);
  choose->addWidget(saveMd_);
  choose->addWidget(savePdf_);
  layout->addLayout(choose);

  // 2. Evaluate again, with its progress lines.
  auto* againRow = new QHBoxLayout;
  checkpoint_ = new QComboBox(this);
  checkpoint_->setObjectName(QStringLiteral("evalCheckpoint"));
  checkpoint_->setToolTip(tr("Measure the final weights, or a checkpoint saved during training"));
  again_ = new QPushButton(tr("Evaluate again"), this);
  again_->setObjectName(QStringLiteral("evaluateAgain"));
  again_->setToolTip(
      tr("Measure base and tuned on the test split again (the data must be unchanged)"));
  againRow->addWidget(new QLabel(tr("Weights"), this));
  againRow->addWidget(checkpoint_);
  cancel_ = new QPushButton(tr("Cancel"), this);
  cancel_->setObjectName(QStringLiteral("cancelEvaluation"));
  cancel_->setToolTip(tr("Stop the evaluation; the figures shown stay as they were"));
  cancel_->hide();
  againRow->addWidget(again_);
  againRow->addWidget(cancel_);
  againRow->addStretch(1);
  layout->addLayout(againRow);
  log_ = new QPlainTextEdit(this);
  log_->setObjectName(QStringLiteral("evalLog"));
  log_->setReadOnly(true);
  log_->setMaximumHeight(90);
  log_->setVisible(false);
  layout->addWidget(log_);

  empty_ = new QLabel(tr("No run yet — train one on the Train step, then its figures appear here."),
                      this);
  empty_->setObjectName(QStringLiteral("evalEmpty"));
  layout->addWidget(empty_);
  error_ = new QLabel(this);
  error_->setObjectName(QStringLiteral("evalError"));
  error_->setWordWrap(true);
  error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  error_->setVisible(false);
  layout->addWidget(error_);

  // 3. The figures, in a scroll area.
  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  content_ = new QWidget(scroll);
  auto* body = new QVBoxLayout(content_);
  body->setContentsMargins(0, 0, 0, 0);
  runInfo_ = new QLabel(content_);
  runInfo_->setObjectName(QStringLiteral("evalRunInfo"));
  runInfo_->setWordWrap(true);
  runInfo_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  body->addWidget(runInfo_);
  body->addWidget(heading(tr("Base vs tuned on the test split"), content_));
  test_ = figuresTable(QStringLiteral("testTable"), content_);
  test_->setColumnCount(3);
  test_->setHorizontalHeaderLabels({tr("base"), tr("tuned"), tr("change")});
  body->addWidget(test_, 0, Qt::AlignLeft);
  testNote_ = new QLabel(content_);
  testNote_->setWordWrap(true);
  body->addWidget(testNote_);
  body->addWidget(heading(tr("Forgetting probe"), content_));
  forgetting_ = new QLabel(content_);
  forgetting_->setObjectName(QStringLiteral("forgettingText"));
  forgetting_->setWordWrap(true);
  forgetting_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  body->addWidget(forgetting_);
  tasksTitle_ = heading(tr("Per task (test loss)"), content_);
  body->addWidget(tasksTitle_);
  tasks_ = figuresTable(QStringLiteral("taskTable"), content_);
  tasks_->setColumnCount(4);
  tasks_->setHorizontalHeaderLabels({tr("task"), tr("base loss"), tr("tuned loss"), tr("change")});
  tasks_->verticalHeader()->setVisible(false);
  body->addWidget(tasks_, 0, Qt::AlignLeft);
  matrixTitle_ = heading(tr("Forgetting matrix (validation loss of each stage's data)"), content_);
  matrixTitle_->setToolTip(
      tr("Rows: after which stage; columns: whose data. A loss that rises down a column means "
         "a later stage made the model forget that stage's data."));
  body->addWidget(matrixTitle_);
  matrix_ = figuresTable(QStringLiteral("forgettingMatrix"), content_);
  body->addWidget(matrix_, 0, Qt::AlignLeft);
  body->addWidget(heading(tr("Curves"), content_));
  curves_ = new QWidget(content_);
  curvesLayout_ = new QVBoxLayout(curves_);
  curvesLayout_->setContentsMargins(0, 0, 0, 0);
  body->addWidget(curves_);
  body->addStretch(1);
  scroll->setWidget(content_);
  layout->addWidget(scroll, 1);

  connect(runs_, &QComboBox::currentIndexChanged, this, &EvaluatePage::chooseRun);
  connect(reports_, &QComboBox::currentIndexChanged, this, [this](int index) {
    if (index >= 0) showReportFile(reports_->itemData(index).toString());
  });
  connect(cancel_, &QPushButton::clicked, this, [this] {
    if (job_) job_->cancel();
  });
  connect(again_, &QPushButton::clicked, this,
          [this] { evaluateAgain(checkpoint_->currentData().toLongLong()); });
  connect(saveMd_, &QPushButton::clicked, this, [this] { saveWithDialog(false); });
  connect(savePdf_, &QPushButton::clicked, this, [this] { saveWithDialog(true); });
  if (session_ != nullptr)
    connect(session_, &ProjectSession::runsChanged, this, &EvaluatePage::refreshRuns);
  refreshRuns();
}

void EvaluatePage::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  refreshRuns();  // a run may have finished (and written its report) since
}

void EvaluatePage::refreshRuns() {
  fillRunChoices(runs_, session_ != nullptr ? session_->runs() : QStringList(), runDir_);
  empty_->setVisible(runs_->count() == 0);
  runs_->setEnabled(runs_->count() > 0);
  chooseRun(runs_->currentIndex());
}

void EvaluatePage::setRun(const QString& runDir) {
  runDir_ = QFileInfo(runDir).absoluteFilePath();
  refreshRuns();
}

void EvaluatePage::chooseRun(int index) {
  QString shownReport = report_ ? runPathText(report_->file) : QString();
  runDir_ = index >= 0 ? runs_->itemData(index).toString() : QString();
  if (QFileInfo(shownReport).absolutePath() != runDir_) shownReport.clear();  // another run's
  summary_.reset();
  report_.reset();
  reportMd_.clear();
  error_->setVisible(false);
  content_->setVisible(false);
  checkpoint_->clear();
  saveMd_->setEnabled(false);
  savePdf_->setEnabled(false);
  again_->setEnabled(false);
  if (runDir_.isEmpty()) {
    fillReportChoice({});
    return;
  }
  QString error;
  summary_ = readRunSummary(runDir_, &error);
  if (!summary_) {
    fillReportChoice({});
    showError(error);
    return;
  }
  // The weights to evaluate: the final ones (a finished run), or a checkpoint.
  fillCheckpointChoices(checkpoint_, summary_, runDir_);
  again_->setEnabled(!job_ && checkpoint_->count() > 0);
  // The same report file as before when the run is the same one, else the end of training.
  fillReportChoice(shownReport);
}

void EvaluatePage::fillReportChoice(const QString& select, bool show) {
  QStringList files = runDir_.isEmpty() ? QStringList() : reportFiles(runDir_);
  if (!select.isEmpty() && !files.contains(select)) files << select;  // a job's, not yet read back
  {
    const QSignalBlocker block(reports_);
    reports_->clear();
    for (const QString& f : files) reports_->addItem(reportLabel(f), f);
    reports_->setCurrentIndex(select.isEmpty() ? 0 : std::max(0, reports_->findData(select)));
  }
  reports_->setEnabled(!files.isEmpty());
  if (!show) return;
  if (!files.isEmpty()) {
    showReportFile(reports_->currentData().toString());
  } else if (summary_) {
    content_->setVisible(true);
    runInfo_->setText(
        tr("<b>%1</b> has no report yet: it is still training, or it stopped before the end. "
           "Evaluate it at one of its checkpoints with “Evaluate again”.")
            .arg(qtext(summary_->name).toHtmlEscaped()));
    test_->setRowCount(0);
    testNote_->clear();
    forgetting_->clear();
    tasksTitle_->setVisible(false);
    tasks_->setVisible(false);
    matrixTitle_->setVisible(false);
    matrix_->setVisible(false);
    showCurves({});
  }
}

void EvaluatePage::showReportFile(const QString& file) {
  QString error;
  auto report = readRunReport(file, &error);
  if (!report) {
    report_.reset();
    content_->setVisible(false);
    saveMd_->setEnabled(false);
    savePdf_->setEnabled(false);
    showError(error);
    return;
  }
  reportMd_ = QFileInfo(file).absolutePath() + QLatin1Char('/') +
              QFileInfo(file).completeBaseName() + QStringLiteral(".md");
  error_->setVisible(false);
  showReport(*report);
}

void EvaluatePage::showError(const QString& text) {
  errorShown_ = true;
  error_->setStyleSheet(errorStyle());
  error_->setText(text);
  error_->setVisible(!text.isEmpty());
}

QString EvaluatePage::reportMarkdownFile() const { return report_ ? reportMd_ : QString(); }

quint64 EvaluatePage::evaluateAgain(qint64 step) {
  if (bridge_ == nullptr || job_) return 0;
  if (runDir_.isEmpty()) {
    showError(tr("Choose a run first."));
    return 0;
  }
  tb::EvalOptions options;
  options.step = step;
  JobHandle* job = bridge_->evaluateRun(runDir_, options);
  jobRun_ = runDir_;
  log_->clear();
  log_->appendPlainText(
      step >= 0 ? tr("Evaluating %1 at the checkpoint of step %2…")
                      .arg(QFileInfo(runDir_).fileName())
                      .arg(step)
                : tr("Evaluating %1 (final weights)…").arg(QFileInfo(runDir_).fileName()));
  watchJob(job);
  return job->id();
}

void EvaluatePage::watchJob(JobHandle* job) {
  releaseJob(job_, this);
  job_ = job;
  connect(job, &JobHandle::logLine, this, [this](const QString& text) { log_->appendPlainText(text); });
  connect(job, &JobHandle::evalFinished, this, &EvaluatePage::onEvalFinished);
  connect(job, &JobHandle::ended, this, &EvaluatePage::onEnded);
  log_->setVisible(true);
  again_->setEnabled(false);
  cancel_->setVisible(true);
  error_->setVisible(false);
}

void EvaluatePage::onEvalFinished(const QString& reportMd, const QString& reportJson) {
  releaseJob(job_, this);
  cancel_->hide();
  if (!jobRun_.isEmpty() && jobRun_ != runDir_) setRun(jobRun_);  // the figures are that run's
  jobRun_.clear();
  again_->setEnabled(checkpoint_->count() > 0);
  const QFileInfo md(reportMd);
  const QString jsonFile =
      md.absolutePath() + QLatin1Char('/') + md.completeBaseName() + QStringLiteral(".json");
  QString error;
  auto report = parseRunReport(reportJson, tr("the evaluation's report"), &error);
  if (!report) {
    showError(error);
    return;
  }
  report->file = runPath(jsonFile);
  log_->appendPlainText(tr("Done: %1").arg(QDir::toNativeSeparators(reportMd)));
  // The new report joins the choice; its figures are the ones the job handed over.
  fillReportChoice(jsonFile, false);
  reportMd_ = md.absoluteFilePath();
  error_->setVisible(false);
  showReport(*report);
  Q_EMIT evaluated(runDir_);
}

void EvaluatePage::onEnded(JobEnd how, const QString& message) {
  releaseJob(job_, this);
  cancel_->hide();
  jobRun_.clear();
  again_->setEnabled(checkpoint_->count() > 0);
  if (how == JobEnd::Finished) return;  // ended without figures (stopped): nothing changes
  const QString text = how == JobEnd::Failed ? tr("The evaluation failed: %1").arg(message)
                                             : tr("The evaluation was cancelled.");
  log_->appendPlainText(text);
  showError(text);
}

bool EvaluatePage::saveMarkdown(const QString& path, QString* error) {
  const QString md = reportMarkdownFile();
  if (md.isEmpty()) {
    if (error != nullptr) *error = tr("There is no report to save: choose a run that has one.");
    return false;
  }
  return writeReportMarkdown(md, path, error);
}

bool EvaluatePage::savePdf(const QString& path, QString* error) {
  const QString md = reportMarkdownFile();
  if (md.isEmpty()) {
    if (error != nullptr) *error = tr("There is no report to save: choose a run that has one.");
    return false;
  }
  return writeReportPdf(md, path, error);
}

void EvaluatePage::saveWithDialog(bool pdf) {
  const QString folder =
      session_ != nullptr && session_->isOpen() ? session_->folder() : QDir::homePath();
  const QString name =
      QFileInfo(runDir_).fileName() + QLatin1Char('-') + QFileInfo(reportMd_).completeBaseName();
  const QString path = QFileDialog::getSaveFileName(
      this, pdf ? tr("Save the report as PDF") : tr("Save the report as Markdown"),
      QDir(folder).filePath(name + (pdf ? QStringLiteral(".pdf") : QStringLiteral(".md"))),
      pdf ? tr("PDF (*.pdf)") : tr("Markdown (*.md)"));
  if (path.isEmpty()) return;
  QString error;
  if (!(pdf ? savePdf(path, &error) : saveMarkdown(path, &error))) {
    showError(error);
    return;
  }
  errorShown_ = false;
  error_->setStyleSheet(QString());
  error_->setText(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
  error_->setVisible(true);
}

QString EvaluatePage::errorText() const {
  return errorShown_ && !error_->isHidden() ? error_->text() : QString();
}

QString EvaluatePage::logText() const { return log_->toPlainText(); }

}  // namespace tbui
