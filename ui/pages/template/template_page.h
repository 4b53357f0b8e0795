// The Template step: choose a preset or write a system prompt, a prompt and a completion with
// {{column}} placeholders, and see the first examples exactly as the model will: rendered by
// its chat format, token by token, trained tokens apart from masked ones, with counts. The
// tokenizer is the project's model's (it follows the Model step and project changes) and loads
// on Qt's thread pool, never on the GUI thread nor behind the engine's job worker; the preview
// itself is a few microseconds of work.
#pragma once

#include <QStringList>
#include <QWidget>
#include <memory>
#include <optional>
#include <vector>

#include "core/data/prompt_template.h"
#include "core/data/record.h"
#include "core/text/chat_format.h"
#include "core/text/tokenizer.h"

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTextBrowser;
class QTimer;

namespace tbui {

class ProjectSession;

class TemplatePage : public QWidget {
  Q_OBJECT

 public:
  // The tokenizer and chat format are those of `session`'s model (the demo while no project is
  // open), reloaded whenever the project names another model.
  explicit TemplatePage(ProjectSession* session, QWidget* parent = nullptr);

  // The data's columns and first records (from the Data step).
  void setSample(const QStringList& columns, const std::vector<tb::data::Record>& sample);
  bool tokenizerReady() const { return tokenizer_ != nullptr; }
  // The model (file or folder) whose tokenizer the counts use; empty while none is loaded.
  QString tokenizerModel() const { return tokenizer_ ? modelPath_ : QString(); }
  // Why the project's model gives no tokenizer (naming the file and what to do); empty if it does.
  QString tokenizerError() const { return tokenizerError_; }
  QString countsText() const;

  tb::data::PromptTemplate currentTemplate() const;
  void choosePreset(const QString& name);
  void setTexts(const QString& system, const QString& prompt, const QString& completion);
  QTextBrowser* preview() const { return preview_; }
  QString errorText() const;
  QPushButton* applyButton() const { return apply_; }

 Q_SIGNALS:
  void templateApplied(const tb::data::PromptTemplate& t);
  void previewUpdated();
  // A load of the project's model's tokenizer ended: tokenizerReady() or tokenizerError().
  void tokenizerLoaded();

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  struct Loaded {
    std::shared_ptr<const tb::Tokenizer> tokenizer;
    tb::ChatFormat format;
    QString error;
    QString path;  // the model it is of
  };
  // Starts loading the project's model's tokenizer when the project names another model.
  void followProject();
  void loadTokenizer(const QString& path);
  void useLoaded(const Loaded& loaded);
  void refresh();

  ProjectSession* session_;
  QStringList columns_;
  std::vector<tb::data::Record> sample_;
  std::shared_ptr<const tb::Tokenizer> tokenizer_;
  tb::ChatFormat format_;
  QString modelKey_;        // the model followProject() last asked for (its path, or why none)
  QString modelPath_;       // the model whose tokenizer loads or is loaded
  QString tokenizerError_;
  quint64 loadGeneration_ = 0;  // a load's result is used only if no newer load began since
  QComboBox* presets_;
  QPlainTextEdit* system_;
  QPlainTextEdit* prompt_;
  QPlainTextEdit* completion_;
  QLabel* columnsLabel_;
  QLabel* error_;
  QLabel* counts_;
  QTextBrowser* preview_;
  QPushButton* apply_;
  QTimer* debounce_;
};

}  // namespace tbui
