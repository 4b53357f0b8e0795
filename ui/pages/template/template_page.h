// The Template step: choose a preset or write a system prompt, a prompt and a completion with
// {{column}} placeholders, and see the first examples exactly as the model will: rendered by
// its chat format, token by token, trained tokens apart from masked ones, with counts. The
// tokenizer loads off the GUI thread; the preview itself is a few microseconds of work.
#pragma once

#include <QFutureWatcher>
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

class TemplatePage : public QWidget {
  Q_OBJECT

 public:
  explicit TemplatePage(QWidget* parent = nullptr);

  // The data's columns and first records (from the Data step).
  void setSample(const QStringList& columns, const std::vector<tb::data::Record>& sample);
  // The model whose tokenizer and chat format the preview uses; loads in the background.
  void setTokenizerModel(const QString& path);
  bool tokenizerReady() const { return tokenizer_ != nullptr; }

  tb::data::PromptTemplate currentTemplate() const;
  void choosePreset(const QString& name);
  void setTexts(const QString& system, const QString& prompt, const QString& completion);
  QTextBrowser* preview() const { return preview_; }
  QString errorText() const;
  QPushButton* applyButton() const { return apply_; }

 Q_SIGNALS:
  void templateApplied(const tb::data::PromptTemplate& t);
  void previewUpdated();
  void tokenizerLoaded();

 private:
  struct Loaded {
    std::shared_ptr<const tb::Tokenizer> tokenizer;
    tb::ChatFormat format;
    QString error;
  };
  void refresh();

  QStringList columns_;
  std::vector<tb::data::Record> sample_;
  std::shared_ptr<const tb::Tokenizer> tokenizer_;
  tb::ChatFormat format_;
  QString modelName_;
  QFutureWatcher<Loaded>* loader_;
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
