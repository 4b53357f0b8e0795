// The Train step: starts a training run of the open project on the engine's worker and watches
// it live — progress, speed and time left, loss / learning-rate / gradient / speed / memory
// charts, warnings as banners with their actions, sample answers changing from evaluation to
// evaluation, and the run's log. Pause, stop, stop-and-keep-best and save-now go through the
// run's JobHandle, which brings this run's events and no other job's.
#pragma once

#include <QList>
#include <QPointer>
#include <QString>
#include <QVector>
#include <QWidget>
#include <optional>

#include "core/run/stage_axis.h"
#include "core/train/run_events.h"
#include "ui/bridge/job_handle.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTextBrowser;
class QTimer;
class QVBoxLayout;

namespace tbui {

class EngineBridge;
class MetricChart;
class ProjectSession;
class WarningBanner;

class TrainPage : public QWidget {
  Q_OBJECT

 public:
  TrainPage(EngineBridge* bridge, ProjectSession* session, QWidget* parent = nullptr);

  // Saves the project, then trains it (maxSteps > 0 bounds the run; 0 = the settings' length).
  // Returns the job id, or 0 with the reason shown on the page.
  quint64 start(qint64 maxSteps = 0);
  // Shows the events of `job` from now on, starting from an empty page (start() calls it).
  void watchJob(JobHandle* job);
  // The run controls (each also a button; they do nothing while no run goes on).
  void setPaused(bool paused);
  void stop();          // ends the run; it can be resumed later from its last checkpoint
  void stopKeepBest();  // ends the run and keeps the best checkpoint
  void saveCheckpointNow();

  quint64 job() const { return jobId_; }  // the last run's job id; 0 before any
  bool running() const { return running_; }
  bool paused() const;
  QString statusText() const;
  QString errorText() const;  // empty when there is no error
  QString progressText() const;
  QString logText() const;
  QString runDir() const { return runDir_; }
  qint64 bestStep() const { return bestStep_; }

  MetricChart* lossChart() const { return loss_; }
  MetricChart* learningRateChart() const { return learningRate_; }
  MetricChart* gradNormChart() const { return gradNorm_; }
  MetricChart* speedChart() const { return speed_; }
  MetricChart* memoryChart() const { return memory_; }
  MetricChart* perTaskChart() const { return perTask_; }
  bool perTaskShown() const;
  QList<WarningBanner*> banners() const;  // the ones not dismissed

  // The sample answers received (all prompts) and the text shown for the chosen prompt.
  int sampleCount() const;
  int samplePromptCount() const { return static_cast<int>(samples_.size()); }
  void showSamplePrompt(int index);
  QString sampleText() const;

  QPushButton* startButton() const { return start_; }
  QSpinBox* stepsLimit() const { return stepsLimit_; }
  QPushButton* pauseButton() const { return pause_; }
  QPushButton* stopButton() const { return stop_; }
  QPushButton* stopKeepBestButton() const { return stopKeepBest_; }
  QPushButton* saveNowButton() const { return saveNow_; }

 Q_SIGNALS:
  // Just before the project is saved and the run submitted: pending data edits are written now
  // (direct connection), so the run trains on what the Data step shows.
  void aboutToStart();
  void runStarted(quint64 job);
  void runFinished(const QString& runDir, const QString& status, const QString& report);
  void lowerLearningRateRequested();
  void openSetupRequested();

 private:
  struct Answer {
    qint64 step = 0;
    QString output;
  };
  struct PromptSamples {
    QString stage;
    qint64 index = 0;
    QString prompt, reference;
    QVector<Answer> answers;  // oldest first
  };

  QWidget* buildCharts(QWidget* parent);  // the loss chart over the tabs of the others
  void resetRun();
  void setRunning(bool running);
  void showPaused(bool paused);  // the Pause/Resume button only
  void showError(const QString& text);
  void appendLog(const QString& text);
  QString stepLabel(const std::string& stage, qint64 step) const;

  void onTrainEvent(const tb::train::RunEvent& event);
  void onStep(const tb::train::StepMetrics& m);
  void showStep();  // progress, speed and status of the last step
  void onEval(const tb::train::EvalMetrics& m);
  void onWarning(const tb::train::WarningRaised& w);
  void onCheckpoint(const tb::train::CheckpointSaved& c);
  void onSample(const tb::train::SampleGenerated& s);
  void onStarted();
  void onEnded(JobEnd how, const QString& message);
  void onFinished(const QString& runDir, const QString& status, const QString& report);
  QString finalStatus(const QString& status, const QString& report) const;
  void renderSamples();

  EngineBridge* bridge_;
  ProjectSession* session_;
  QPointer<JobHandle> job_;  // the run being shown, until its handle goes
  quint64 jobId_ = 0;
  QString startedFile_;  // the project the running job was started from
  bool running_ = false;
  bool finished_ = false;  // trainFinished arrived for job_
  QString runDir_;
  // Steps of every stage on one axis: each stage starts where the ones before it ended.
  tb::run::StageAxis axis_;  // later stages continue after earlier ones on the charts' x axis
  qint64 bestStep_ = -1;
  qint64 lastStep_ = 0;
  qint64 lastCheckpointStep_ = -1;
  double memoryScale_ = 0;  // bytes per plotted unit (MB or GB), chosen at the first point
  QVector<PromptSamples> samples_;
  std::optional<tb::train::StepMetrics> lastMetrics_;
  QTimer* textTimer_;

  QPushButton* start_;
  QSpinBox* stepsLimit_;
  QPushButton* pause_;
  QPushButton* stop_;
  QPushButton* stopKeepBest_;
  QPushButton* saveNow_;
  QLabel* error_;
  QLabel* status_;
  QProgressBar* progress_;
  QLabel* stats_;
  QVBoxLayout* bannerArea_;
  QList<QPointer<WarningBanner>> banners_;
  MetricChart* loss_ = nullptr;
  QCheckBox* logScale_ = nullptr;
  QTabWidget* details_ = nullptr;
  MetricChart* learningRate_ = nullptr;
  MetricChart* gradNorm_ = nullptr;
  MetricChart* speed_ = nullptr;
  MetricChart* memory_ = nullptr;
  MetricChart* perTask_ = nullptr;
  int perTaskTab_ = -1;
  QTabWidget* side_;
  QComboBox* samplePrompt_;
  QTextBrowser* sampleView_;
  QPlainTextEdit* log_;
};

}  // namespace tbui
