// The Model step: choose the model to fine-tune (the demo model, a Hugging Face folder or a GGUF
// file — by button or drag and drop), see what it is (architecture, parameters, context,
// tokenizer, chat format, the device a run would use and its free memory), and try it with a
// quick prompt that streams its answer. Reading and answering run on the engine's worker.
#pragma once

#include <QWidget>

#include "core/engine/event.h"
#include "core/model/model_config.h"
#include "ui/bridge/job_handle.h"

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;
class QTreeWidget;

namespace tbui {

class EngineBridge;
class ProjectSession;

class ModelPage : public QWidget {
  Q_OBJECT

 public:
  ModelPage(EngineBridge* bridge, ProjectSession* session, QWidget* parent = nullptr);

  // Makes `model` ("demo", a folder or a .gguf file) the project's model and reads its facts.
  void chooseModel(const QString& model);
  // Asks the model for an answer to `prompt` (streams into the answer box).
  quint64 tryPrompt(const QString& prompt);

  bool modelReady() const { return ready_; }
  QString detailsText() const;
  QString answerText() const;
  QString errorText() const;

 Q_SIGNALS:
  // The model's facts arrived (the Setup step's estimate needs its shape).
  void modelInspected(const tb::ModelConfig& config);
  void answerFinished();

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void showProject();
  void showInfo(const tb::ModelInspected& result);
  void showError(const QString& message);
  QString resolvedModel() const;

  EngineBridge* bridge_;
  ProjectSession* session_;
  QRadioButton* demo_ = nullptr;
  QRadioButton* folder_ = nullptr;
  QRadioButton* gguf_ = nullptr;
  QLineEdit* path_ = nullptr;
  QPushButton* browse_ = nullptr;
  QLabel* title_ = nullptr;
  QLabel* error_ = nullptr;
  QTreeWidget* details_ = nullptr;
  QLineEdit* prompt_ = nullptr;
  QPushButton* send_ = nullptr;
  QPlainTextEdit* answer_ = nullptr;
  QLabel* answerStatus_ = nullptr;
  QPointer<JobHandle> inspectJob_;  // the model being read
  QPointer<JobHandle> chatJob_;     // the answer being written
  bool ready_ = false;
};

}  // namespace tbui
