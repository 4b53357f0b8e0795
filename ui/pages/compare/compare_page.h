// The Compare step: the base model and a run's tuned model side by side. The page holds the run
// chooser and composes two tabs: "Chat" (ChatComparePanel: both answers to one prompt streamed
// at once, blind votes, corrections sent to the Data step) and "Batch compare"
// (BatchComparePanel: the run's answers to its test prompts against the reference). The models
// run on the engine's worker (EngineBridge); this page only shows.
#pragma once

#include <QString>
#include <QWidget>

#include "core/data/example.h"

class QComboBox;
class QTabWidget;

namespace tbui {

class BatchComparePanel;
class ChatComparePanel;
class EngineBridge;
class ProjectSession;

class ComparePage : public QWidget {
  Q_OBJECT

 public:
  ComparePage(EngineBridge* bridge, ProjectSession* session, QWidget* parent = nullptr);

  // The run whose tuned model answers ("" = the base model only). Starts a new conversation and
  // loads the run's batch answers.
  void setRun(const QString& runDir);
  QString run() const { return run_; }
  // Lists the project's runs that have a report.json, newest first (also on runsChanged()).
  void refreshRuns();
  QComboBox* runChooser() const { return runs_; }

  ChatComparePanel* chat() const { return chat_; }
  BatchComparePanel* batch() const { return batch_; }
  QTabWidget* tabs() const { return tabs_; }

 Q_SIGNALS:
  // A corrected answer from the chat tab: {user: prompt, assistant: the corrected answer},
  // tagged "from-compare".
  void exampleCorrected(const tb::data::Example& example);

 private:
  // The chooser holds either runs or the one "no run yet" line; locked while a turn runs.
  void updateRunChooser(bool busy);
  // Fills the chooser (run_summary.h's fillRunChoices, finished runs only); returns the run chosen.
  QString fillRuns(const QString& current);

  ProjectSession* session_;
  QString run_;
  QComboBox* runs_;
  QTabWidget* tabs_;
  ChatComparePanel* chat_;
  BatchComparePanel* batch_;
};

}  // namespace tbui
