// The Export step: write a run's trained result for use elsewhere — its LoRA adapter in PEFT's
// layout (LoRA runs only) or a merged Hugging Face folder in float32, bfloat16 or float16 — from
// the final weights or a checkpoint. The export runs on the engine's worker (EngineBridge); the
// page then shows where the files went, their sizes, and how to load them in Python.
#pragma once

#include <QWidget>
#include <optional>

#include "ui/bridge/job_handle.h"
#include "ui/pages/runs/run_summary.h"

class QButtonGroup;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;
class QTreeWidget;

namespace tbui {

class EngineBridge;
class ProjectSession;

class ExportPage : public QWidget {
  Q_OBJECT

 public:
  ExportPage(EngineBridge* bridge, ProjectSession* session, QWidget* parent = nullptr);

  // Chooses this run folder (added to the choice when the project does not list it).
  void setRun(const QString& runDir);
  QString runDir() const { return runDir_; }
  // Starts the export; `out` must not exist. step: a checkpoint of the last stage, -1 = final.
  // 0 (with the reason in messageText()) when it cannot start.
  quint64 exportTo(const QString& runDir, const QString& out, bool adapter, const QString& dtype,
                   qint64 step = -1);
  // Takes the bridge's events of this job (log lines, the result, failure).
  void watchJob(JobHandle* job);
  bool busy() const { return !job_.isNull(); }

  // The default output folder: <project folder>/exports/<run name>-adapter or -merged.
  QString defaultFolder(bool adapter) const;
  QString lastExportFolder() const { return lastFolder_; }
  QString messageText() const;
  int fileListCount() const;
  QString snippetText() const;
  QString logText() const;
  QRadioButton* adapterChoice() const { return adapter_; }
  QRadioButton* mergedChoice() const { return merged_; }
  QString adapterReason() const;

 Q_SIGNALS:
  void exported(const QString& folder);

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  void refreshRuns();
  void chooseRun(int index);
  void updateFolder();
  void startFromForm();
  void showMessage(const QString& text, bool error);
  void showResult(const QString& folder, const QString& message);
  void onExportFinished(const QString& folder, const QString& message);
  void onEnded(JobEnd how, const QString& message);

  EngineBridge* bridge_;
  ProjectSession* session_;
  QString runDir_;
  QString formRun_;  // the run the form was filled for
  std::optional<RunSummary> summary_;
  QPointer<JobHandle> job_;
  QString lastFolder_;
  bool folderEdited_ = false;  // the person typed a folder: keep it
  QComboBox* runs_;
  QComboBox* checkpoint_;
  QRadioButton* adapter_;
  QRadioButton* merged_;
  QButtonGroup* kind_;
  QLabel* adapterReason_;
  QComboBox* dtype_;
  QLineEdit* folder_;
  QPushButton* browse_;
  QPushButton* export_;
  QLabel* empty_;
  QPlainTextEdit* log_;
  QLabel* message_;
  QWidget* result_;
  QLabel* resultFolder_;
  QTreeWidget* files_;
  QPushButton* open_;
  QPlainTextEdit* snippet_;
  QPushButton* copy_;
};

}  // namespace tbui
