// TrainPage, the run controls: start, pause, stop, the texts, warnings, samples and the end of a
// run (see train_page.h; the live charts are in train_charts.cpp).
#include "ui/pages/train/train_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>
#include <cmath>
#include <utility>

#include "core/common/overloaded.h"
#include "core/common/units.h"
#include "core/engine/run_setup_options.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/pages/runs/run_summary.h"
#include "ui/pages/train/warning_banner.h"
#include "ui/project/project_session.h"
#include "ui/widgets/metric_chart.h"
#include "ui/widgets/model_text.h"
#include "ui/widgets/page_header.h"
#include "ui/widgets/palette.h"

namespace tbui {
namespace {

constexpr int kMaxLogLines = 5000;
constexpr int kMaxBanners = 6;             // the oldest goes when more arrive
constexpr int kMaxAnswersPerPrompt = 500;  // the oldest go first

// "12 s", "3 min 05 s", "1 h 02 min"; "—" when unknown.
QString duration(double seconds) { return QString::fromStdString(tb::format_elapsed(seconds)); }

QString paragraph(const QString& text) {
  return QStringLiteral("<p style='white-space:pre-wrap; margin:2px 0 10px 0'>%1</p>")
      .arg(text.toHtmlEscaped());
}

}  // namespace

TrainPage::TrainPage(EngineBridge* bridge, ProjectSession* session, QWidget* parent)
    : QWidget(parent), bridge_(bridge), session_(session) {
  setObjectName(QStringLiteral("trainPage"));
  auto* layout = pageLayout(
      this, tr("Train"),
      tr("Trains the model with the settings of the Setup step and shows how it goes. Watch "
         "the validation loss: when it rises while the training loss keeps falling, the model "
         "is memorising its examples — stop and keep the best checkpoint."));

  // 1. Start, with an optional step limit, and the run controls.
  auto button = [this](const QString& text, const char* name, const QString& tip) {
    auto* b = new QPushButton(text, this);
    b->setObjectName(QString::fromLatin1(name));
    b->setToolTip(tip);
    return b;
  };
  start_ = button(tr("Start training"), "startTraining",
                  tr("Save the project and train it with the settings of the Setup step"));
  stepsLimit_ = new QSpinBox(this);
  stepsLimit_->setObjectName(QStringLiteral("stepsLimit"));
  stepsLimit_->setRange(0, 100'000'000);
  stepsLimit_->setSpecialValueText(tr("as set up"));
  stepsLimit_->setToolTip(
      tr("Stop after this many steps (a short trial run); \"as set up\" "
         "trains for the length chosen on the Setup step"));
  pause_ = button(tr("Pause"), "pauseTraining",
                  tr("Pause after the current step; press again to go on"));
  pause_->setCheckable(true);
  stop_ = button(tr("Stop"), "stopTraining",
                 tr("End the run now. Its checkpoints stay in the run folder, so it can be "
                    "resumed later from the last one"));
  stopKeepBest_ = button(tr("Stop and keep best"), "stopKeepBest",
                         tr("End the run now and go back to the checkpoint with the lowest "
                            "validation loss"));
  saveNow_ = button(tr("Save checkpoint now"), "saveCheckpointNow",
                    tr("Write a checkpoint after the current step, without stopping"));
  auto* controls = new QHBoxLayout;
  controls->addWidget(start_);
  controls->addWidget(new QLabel(tr("Steps limit"), this));
  controls->addWidget(stepsLimit_);
  controls->addSpacing(24);
  for (QPushButton* b : {pause_, stop_, stopKeepBest_, saveNow_}) controls->addWidget(b);
  controls->addStretch(1);
  layout->addLayout(controls);
  connect(start_, &QPushButton::clicked, this, [this] { start(stepsLimit_->value()); });
  connect(pause_, &QPushButton::toggled, this, &TrainPage::setPaused);
  connect(stop_, &QPushButton::clicked, this, &TrainPage::stop);
  connect(stopKeepBest_, &QPushButton::clicked, this, &TrainPage::stopKeepBest);
  connect(saveNow_, &QPushButton::clicked, this, &TrainPage::saveCheckpointNow);

  // 2. Errors in place, the run's state, progress and speed.
  auto label = [this](const char* name) {
    auto* l = new QLabel(this);
    l->setObjectName(QString::fromLatin1(name));
    l->setTextFormat(Qt::PlainText);
    l->setWordWrap(true);
    return l;
  };
  error_ = label("trainError");
  error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  error_->setStyleSheet(
      QStringLiteral("QLabel { color: %1; background: %2; border: 1px solid %1; border-radius: 4px; "
                     "padding: 6px; }")
          .arg(QLatin1String(kErrorRed), QLatin1String(kErrorBackground)));
  status_ = label("trainStatus");
  for (QLabel* l : {error_, status_}) {
    QFont bold = l->font();
    bold.setBold(true);
    l->setFont(bold);
    layout->addWidget(l);
  }
  progress_ = new QProgressBar(this);
  progress_->setObjectName(QStringLiteral("trainProgress"));
  stats_ = label("trainStats");
  auto* progressRow = new QHBoxLayout;
  progressRow->addWidget(progress_, 2);
  progressRow->addWidget(stats_, 3);
  layout->addLayout(progressRow);

  // 3. Warnings stack here, above the charts.
  bannerArea_ = new QVBoxLayout;
  bannerArea_->setSpacing(4);
  layout->addLayout(bannerArea_);

  // 4. Charts on the left (loss large, the rest in tabs); samples and the log on the right.
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(buildCharts(split));
  side_ = new QTabWidget(split);
  auto* samplesTab = new QWidget(side_);
  auto* samplesLayout = new QVBoxLayout(samplesTab);
  samplesLayout->setContentsMargins(4, 4, 4, 4);
  samplePrompt_ = new QComboBox(samplesTab);
  samplePrompt_->setObjectName(QStringLiteral("samplePrompt"));
  samplePrompt_->setToolTip(tr("The validation prompt whose answers are shown"));
  sampleView_ = new QTextBrowser(samplesTab);
  sampleView_->setObjectName(QStringLiteral("sampleView"));
  samplesLayout->addWidget(samplePrompt_);
  samplesLayout->addWidget(sampleView_, 1);
  side_->addTab(samplesTab, tr("Sample answers"));
  log_ = new QPlainTextEdit(side_);
  log_->setObjectName(QStringLiteral("trainLog"));
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(kMaxLogLines);
  log_->setLineWrapMode(QPlainTextEdit::WidgetWidth);
  side_->addTab(log_, tr("Log"));
  split->addWidget(side_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  layout->addWidget(split, 1);
  connect(samplePrompt_, &QComboBox::currentIndexChanged, this, &TrainPage::renderSamples);

  textTimer_ = new QTimer(this);
  textTimer_->setSingleShot(true);
  textTimer_->setInterval(40);
  connect(textTimer_, &QTimer::timeout, this, &TrainPage::showStep);

  resetRun();
  setRunning(false);
  status_->setText(
      tr("No run yet — set up the training on the Setup step, then press Start "
         "training."));
}

quint64 TrainPage::start(qint64 maxSteps) {
  if (running_) {
    showError(tr("A run is already going on: stop it before starting another."));
    return 0;
  }
  if (!session_->isOpen()) {
    showError(tr("No project is open — create or open one first, then set up the training."));
    return 0;
  }
  Q_EMIT aboutToStart();
  QString why;
  if (!session_->saveNow(&why)) {
    showError(tr("The project could not be saved, so the run was not started: %1").arg(why));
    return 0;
  }
  tb::RunSetupOptions options;
  options.max_steps = std::max<qint64>(0, maxSteps);
  JobHandle* job = bridge_->startTraining(session_->project(), options);
  watchJob(job);
  Q_EMIT runStarted(job->id());
  return job->id();
}

void TrainPage::watchJob(JobHandle* job) {
  resetRun();
  releaseJob(job_, this);  // a page shows one run
  job_ = job;
  jobId_ = job->id();
  connect(job, &JobHandle::logLine, this, &TrainPage::appendLog);
  connect(job, &JobHandle::trainEvent, this, &TrainPage::onTrainEvent);
  connect(job, &JobHandle::started, this, &TrainPage::onStarted);
  connect(job, &JobHandle::trainFinished, this, &TrainPage::onFinished);
  connect(job, &JobHandle::ended, this, &TrainPage::onEnded);
  startedFile_ = session_->isOpen() ? session_->file() : QString();
  setRunning(true);
  status_->setText(tr("Starting — the data is read and the model loaded first."));
  appendLog(tr("Training started (job %1).").arg(job->id()));
}

void TrainPage::resetRun() {
  textTimer_->stop();
  lastMetrics_.reset();
  finished_ = false;
  runDir_.clear();
  axis_.clear();
  bestStep_ = -1;
  lastStep_ = 0;
  lastCheckpointStep_ = -1;
  memoryScale_ = 0;
  for (MetricChart* c : {loss_, learningRate_, gradNorm_, speed_, memory_, perTask_}) c->clear();
  details_->setTabVisible(perTaskTab_, false);
  for (const QPointer<WarningBanner>& b : std::as_const(banners_)) {
    if (b) b->deleteLater();
  }
  banners_.clear();
  samples_.clear();
  {
    const QSignalBlocker block(samplePrompt_);
    samplePrompt_->clear();
  }
  renderSamples();
  log_->clear();
  error_->clear();
  error_->hide();
  progress_->setRange(0, 1);
  progress_->setValue(0);
  progress_->setFormat(QStringLiteral("%p%"));
  stats_->clear();
}

void TrainPage::setRunning(bool running) {
  running_ = running;
  start_->setEnabled(!running);
  stepsLimit_->setEnabled(!running);
  for (QPushButton* b : {pause_, stop_, stopKeepBest_, saveNow_}) b->setEnabled(running);
  if (!running) showPaused(false);
  for (const QPointer<WarningBanner>& b : std::as_const(banners_)) {
    if (b) b->setRunActive(running);
  }
}

void TrainPage::showPaused(bool paused) {
  const QSignalBlocker block(pause_);
  pause_->setChecked(paused);
  pause_->setText(paused ? tr("Resume") : tr("Pause"));
}

void TrainPage::setPaused(bool paused) {
  showPaused(running_ && paused);
  if (!running_) return;
  if (job_) job_->pause(paused);
  status_->setText(paused ? tr("Paused after step %1 — press Resume to go on.").arg(lastStep_)
                          : tr("Training — step %1.").arg(lastStep_));
  appendLog(paused ? tr("Pause asked.") : tr("Resume asked."));
}

bool TrainPage::paused() const { return pause_->isChecked(); }

void TrainPage::stop() {
  if (!running_) return;
  if (job_) job_->cancel();
  status_->setText(tr("Stopping… the run can be resumed later from its last checkpoint."));
  appendLog(tr("Stop asked."));
}

void TrainPage::stopKeepBest() {
  if (!running_) return;
  if (job_) job_->stopKeepBest();
  status_->setText(tr("Stopping and going back to the best checkpoint…"));
  appendLog(tr("Stop and keep best asked."));
}

void TrainPage::saveCheckpointNow() {
  if (!running_) return;
  if (job_) job_->saveNow();
  appendLog(tr("Checkpoint asked: it is written after the current step."));
}

void TrainPage::showError(const QString& text) {
  error_->setText(text);
  error_->show();
}

void TrainPage::appendLog(const QString& text) { log_->appendPlainText(text); }

QString TrainPage::stepLabel(const std::string& stage, qint64 step) const {
  if (stage.empty()) return tr("step %1").arg(step);
  return tr("stage \"%1\", step %2").arg(QString::fromStdString(stage)).arg(step);
}

void TrainPage::onTrainEvent(const tb::train::RunEvent& event) {
  std::visit(tb::Overloaded{
                 [this](const tb::train::StepMetrics& m) { onStep(m); },
                 [this](const tb::train::EvalMetrics& m) { onEval(m); },
                 [this](const tb::train::WarningRaised& w) { onWarning(w); },
                 [this](const tb::train::CheckpointSaved& c) { onCheckpoint(c); },
                 [this](const tb::train::SampleGenerated& s) { onSample(s); },
                 [this](const tb::train::RunNote& n) { appendLog(QString::fromStdString(n.text)); },
             },
             event);
}

void TrainPage::showStep() {
  textTimer_->stop();
  if (!lastMetrics_) return;
  const tb::train::StepMetrics& m = *lastMetrics_;
  if (m.total_steps > 0) {
    progress_->setRange(0, static_cast<int>(std::min<qint64>(m.total_steps, INT_MAX)));
    progress_->setValue(static_cast<int>(std::clamp<qint64>(m.step, 0, progress_->maximum())));
    progress_->setFormat(
        m.stage.empty() ? tr("step %v of %m")
                        : tr("stage \"%1\": step %v of %m").arg(QString::fromStdString(m.stage)));
  }
  const QLocale locale;
  QStringList parts;
  parts << tr("elapsed %1").arg(duration(m.elapsed_s)) << tr("about %1 left").arg(duration(m.eta_s))
        << tr("%1 tokens/s").arg(locale.toString(m.tokens_per_s, 'f', 0));
  if (std::isfinite(m.loss)) {
    parts << tr("loss %1").arg(m.loss, 0, 'f', 3);
  } else {
    parts << tr("loss not a number");
  }
  stats_->setText(parts.join(QStringLiteral("  ·  ")));
  if (running_ && !pause_->isChecked()) {
    status_->setText(tr("Training — %1 of %2.").arg(stepLabel(m.stage, m.step)).arg(m.total_steps));
  }
}

void TrainPage::onWarning(const tb::train::WarningRaised& w) {
  while (banners_.size() >= kMaxBanners) {
    const QPointer<WarningBanner> oldest = banners_.takeFirst();
    if (oldest) oldest->deleteLater();
  }
  auto* banner = new WarningBanner(w.warning, this);
  banner->setRunActive(running_);
  bannerArea_->addWidget(banner);
  banners_.push_back(banner);
  connect(banner, &WarningBanner::stopKeepBestRequested, this, &TrainPage::stopKeepBest);
  connect(banner, &WarningBanner::lowerLearningRateRequested, this,
          &TrainPage::lowerLearningRateRequested);
  connect(banner, &WarningBanner::openSetupRequested, this, &TrainPage::openSetupRequested);
  connect(banner, &WarningBanner::dismissed, this, [this, banner] {
    banners_.removeAll(banner);
    banner->deleteLater();
  });
  appendLog(tr("Warning (%1) at %2: %3 %4")
                .arg(banner->title(), stepLabel(w.stage, w.warning.step),
                     QString::fromStdString(w.warning.message),
                     QString::fromStdString(w.warning.action)));
}

void TrainPage::onSample(const tb::train::SampleGenerated& s) {
  const QString stage = QString::fromStdString(s.stage);
  auto it = std::find_if(samples_.begin(), samples_.end(), [&](const PromptSamples& p) {
    return p.stage == stage && p.index == s.index;
  });
  if (it == samples_.end()) {
    PromptSamples p;
    p.stage = stage;
    p.index = s.index;
    p.prompt = visibleModelText(QString::fromStdString(s.prompt));
    p.reference = visibleModelText(QString::fromStdString(s.reference));
    samples_.push_back(p);
    it = samples_.end() - 1;
    QString label = tr("Prompt %1: %2").arg(s.index + 1).arg(p.prompt.simplified().left(80));
    if (!stage.isEmpty()) label = tr("Stage \"%1\" — %2").arg(stage, label);
    samplePrompt_->addItem(label);  // the first one added becomes the current one
  }
  it->answers.push_back(Answer{s.step, visibleModelText(QString::fromStdString(s.output))});
  if (it->answers.size() > kMaxAnswersPerPrompt) it->answers.removeFirst();
  if (samplePrompt_->currentIndex() == static_cast<int>(it - samples_.begin())) renderSamples();
}

int TrainPage::sampleCount() const {
  int n = 0;
  for (const PromptSamples& p : samples_) n += static_cast<int>(p.answers.size());
  return n;
}

void TrainPage::showSamplePrompt(int index) { samplePrompt_->setCurrentIndex(index); }

QString TrainPage::sampleText() const { return sampleView_->toPlainText(); }

void TrainPage::renderSamples() {
  const int index = samplePrompt_->currentIndex();
  samplePrompt_->setEnabled(!samples_.isEmpty());
  if (index < 0 || index >= samples_.size()) {
    sampleView_->setHtml(
        tr("<p style='color:#666'>No sample answers yet. At each evaluation the "
           "model answers a few validation prompts; they appear here, newest "
           "first, so you can see the answers change as it learns.</p>"));
    return;
  }
  const PromptSamples& p = samples_[index];
  QString html = QStringLiteral("<b>%1</b>").arg(tr("Prompt")) + paragraph(p.prompt) +
                 QStringLiteral("<b>%1</b>").arg(tr("Reference answer")) + paragraph(p.reference) +
                 QStringLiteral("<h4>%1</h4>").arg(tr("The model's answers, newest first"));
  for (auto a = p.answers.crbegin(); a != p.answers.crend(); ++a) {
    html += QStringLiteral("<b>%1</b>").arg(tr("Step %1").arg(a->step)) + paragraph(a->output);
  }
  sampleView_->setHtml(html);
}

void TrainPage::onStarted() {
  showPaused(false);  // the engine starts each job unpaused
  status_->setText(tr("Preparing — reading the data and loading the model."));
}

void TrainPage::onEnded(JobEnd how, const QString& message) {
  showStep();  // the last step's numbers, then the end
  setRunning(false);
  switch (how) {
    case JobEnd::Failed:
      showError(tr("Training failed: %1").arg(message));
      status_->setText(
          tr("Failed. Change what the message above says on the Setup step and start "
             "again."));
      appendLog(tr("Failed: %1").arg(message));
      break;
    case JobEnd::Cancelled:
      if (!finished_) status_->setText(tr("Stopped before training began."));
      break;
    case JobEnd::Finished:
      break;
  }
}

void TrainPage::onFinished(const QString& runDir, const QString& status, const QString& report) {
  showStep();
  finished_ = true;
  runDir_ = runDir;
  setRunning(false);
  if (!runDir.isEmpty() && !startedFile_.isEmpty()) {
    QString why;
    if (!session_->addRunTo(startedFile_, runDir, &why)) {
      showError(tr("The run could not be recorded in %1: %2").arg(startedFile_, why));
    }
  }
  const QString text = finalStatus(status, report);
  status_->setText(text);
  appendLog(text);
  if (!runDir.isEmpty()) appendLog(tr("Run folder: %1").arg(runDir));
  Q_EMIT runFinished(runDir, status, report);
}

QString TrainPage::finalStatus(const QString& status, const QString& report) const {
  // The report knows the final stage's best step and length; the events are the fallback.
  qint64 best = bestStep_, steps = lastStep_;
  const auto figures = parseRunReport(report, tr("the finished job's report"));
  if (figures && !figures->stages.empty()) {
    best = figures->stages.back().best_step;
    steps = figures->stages.back().steps;
  }
  const qint64 saved = lastCheckpointStep_;
  if (status == u"finished" && best >= 0) {
    return tr("Finished — %1 steps; the best validation loss was at step %2.").arg(steps).arg(best);
  }
  if (status == u"finished") return tr("Finished — %1 steps.").arg(steps);
  if (status == u"early_stopped") {
    return tr("Stopped early at the best checkpoint (step %1): the validation loss had stopped "
              "improving.")
        .arg(best);
  }
  if (status == u"stopped_by_user" && best >= 0) {
    return tr("Stopped as you asked; kept the best checkpoint (step %1).").arg(best);
  }
  if (status == u"stopped_by_user") return tr("Stopped as you asked at step %1.").arg(steps);
  if (status == u"diverged" && saved >= 0) {
    return tr("Diverged — rolled back to step %1. Lower the learning rate and start again.")
        .arg(saved);
  }
  if (status == u"diverged") {
    return tr("Diverged at step %1, before any checkpoint; the bad update was not applied. Lower "
              "the learning rate and start again.")
        .arg(steps);
  }
  if (status == u"cancelled" && saved >= 0) {
    return tr("Stopped at step %1. The run can be resumed later from its last checkpoint (step "
              "%2).")
        .arg(lastStep_)
        .arg(saved);
  }
  if (status == u"cancelled") {
    return tr("Stopped at step %1, before any checkpoint was saved.").arg(lastStep_);
  }
  return tr("Ended: %1").arg(status);
}

QString TrainPage::statusText() const { return status_->text(); }

QString TrainPage::errorText() const { return error_->isHidden() ? QString() : error_->text(); }

QString TrainPage::progressText() const { return stats_->text(); }

QString TrainPage::logText() const { return log_->toPlainText(); }

bool TrainPage::perTaskShown() const { return details_->isTabVisible(perTaskTab_); }

QList<WarningBanner*> TrainPage::banners() const {
  QList<WarningBanner*> shown;
  for (const QPointer<WarningBanner>& b : banners_) {
    if (b && !b->isHidden()) shown.push_back(b);
  }
  return shown;
}

}  // namespace tbui
