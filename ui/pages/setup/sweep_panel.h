// The Setup step's sweep: the user lists learning rates, epochs, LoRA ranks and micro-batches to
// try, sees how many short trial runs that makes, runs them on the engine (EngineBridge::
// startSweep) with their progress lines, and reads the leaderboard from sweep.json; one button
// hands the winner's settings back to the page. Running happens on the worker, never here.
#pragma once

#include <QGroupBox>
#include <optional>

#include "core/train/sweep_space.h"
#include "core/train/train_config.h"
#include "core/train/sweep_summary.h"
#include "ui/bridge/job_handle.h"

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace tbui {

class EngineBridge;
class ProjectSession;

class SweepPanel : public QGroupBox {
  Q_OBJECT

 public:
  SweepPanel(EngineBridge* bridge, ProjectSession* session, QWidget* parent = nullptr);

  // Comma (or space) separated lists; empty = the project's own setting only.
  void setLists(const QString& learningRates, const QString& epochs, const QString& ranks,
                const QString& microBatches);
  void setRandomTrials(int trials);  // 0 = the whole grid
  void setStepsPerTrial(int steps);  // 0 = each trial's full length
  // Reads the lists; false with `error` set (naming the list and the value) when one is wrong.
  bool readSpace(tb::train::SweepSpace* space, tb::train::SweepOptions* options,
                 QString* error) const;
  // How many trials the lists make; -1 when they do not read.
  int trialCount() const;
  QString trialCountText() const;
  // Reads the lists again (also after the project's method changed).
  void refreshCount();

  // Starts the sweep over the project's saved settings; 0 when it cannot start (said in place).
  quint64 runSweep();
  void stopSweep();
  bool busy() const { return !job_.isNull(); }
  // Shows sweep.json's text: the leaderboard, and the best settings ready to use.
  void showResult(const QString& folder, const tb::train::SweepSummary& summary);
  // Hands the best settings to the page (bestSettingsChosen); false when there are none.
  bool useBest();

  QString errorText() const;
  QString logText() const;
  QTableWidget* leaderboard() const { return table_; }
  QPushButton* runButton() const { return run_; }
  QPushButton* useBestButton() const { return useBest_; }

 Q_SIGNALS:
  void bestSettingsChosen(const tb::train::TrainConfig& config);

 private:
  void onEnded(JobEnd how, const QString& message);

  EngineBridge* bridge_;
  ProjectSession* session_;
  QPointer<JobHandle> job_;
  std::optional<tb::train::TrainConfig> best_;
  QLineEdit* learningRates_;
  QLineEdit* epochs_;
  QLineEdit* ranks_;
  QLineEdit* microBatches_;
  QSpinBox* randomTrials_;
  QSpinBox* stepsPerTrial_;
  QLabel* count_;
  QLabel* error_;
  QPushButton* run_;
  QPushButton* stop_;
  QPlainTextEdit* log_;
  QLabel* result_;
  QTableWidget* table_;
  QPushButton* useBest_;
};

}  // namespace tbui
