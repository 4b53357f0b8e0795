// TemplatePage (see template_page.h).
#include "ui/pages/template/template_page.h"

#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <exception>

#include "core/common/error.h"
#include "core/data/tokenize_example.h"
#include "core/engine/project_model.h"
#include "core/model/model_inspect.h"
#include "ui/project/project_session.h"
#include "ui/widgets/page_header.h"
#include "ui/widgets/palette.h"

namespace tbui {
namespace {

constexpr int kPreviewExamples = 3;

// One token as HTML: its text with spaces and newlines made visible, on a colour that says
// whether it is trained.
QString tokenHtml(const tb::Tokenizer& t, tb::TokenId id, bool trained, bool odd) {
  QString text = QString::fromUtf8(t.token_bytes(id)).toHtmlEscaped();
  const bool special = t.is_special(id);
  text.replace(QLatin1Char(' '), QChar(0x00B7)).replace(QLatin1Char('\n'), QStringLiteral("\u21B5<br>"));
  // Neighbouring tokens alternate between two shades, so that token boundaries show.
  const QString style = trained ? (odd ? QStringLiteral("background:#b3dfb3;color:#0b3d0b")
                                       : QStringLiteral("background:#cdeccd;color:#0b3d0b"))
                                : (odd ? QStringLiteral("background:#d6d6d6;color:#444444")
                                       : QStringLiteral("background:#ececec;color:#444444"));
  return QStringLiteral("<span style='%1;%2' title='%3'>%4</span>")
      .arg(style, special ? QStringLiteral("font-weight:bold") : QString())
      .arg(id)
      .arg(text);
}

}  // namespace

TemplatePage::TemplatePage(ProjectSession* session, QWidget* parent)
    : QWidget(parent), session_(session), debounce_(new QTimer(this)) {
  setObjectName(QStringLiteral("templatePage"));
  auto* layout = pageLayout(
      this, tr("Template"),
      tr("Say how each row becomes a conversation: what the model is told (system), what it is "
         "asked (prompt) and what it should answer (completion). Write <code>{{column}}</code> "
         "for a value and <code>{{#column}}…{{/column}}</code> for text that appears only when "
         "the column is not empty."));

  auto* top = new QHBoxLayout;
  presets_ = new QComboBox(this);
  presets_->setObjectName(QStringLiteral("presets"));
  presets_->addItem(tr("Choose a preset…"), QString());
  for (const auto& t : tb::data::template_presets()) {
    presets_->addItem(QString::fromStdString(t.name), QString::fromStdString(t.name));
    presets_->setItemData(presets_->count() - 1, QString::fromStdString(t.description), Qt::ToolTipRole);
  }
  columnsLabel_ = new QLabel(tr("No data yet: import a file on the Data step."), this);
  columnsLabel_->setWordWrap(true);
  top->addWidget(presets_);
  top->addWidget(columnsLabel_, 1);
  layout->addLayout(top);

  auto* editors = new QFormLayout;
  auto editor = [this](int lines, const QString& tip) {
    auto* e = new QPlainTextEdit(this);
    e->setFixedHeight(lines * fontMetrics().lineSpacing() + 12);
    e->setToolTip(tip);
    return e;
  };
  system_ = editor(2, tr("Optional: who the model is and how it answers"));
  prompt_ = editor(4, tr("The user's turn, with {{column}} placeholders"));
  completion_ = editor(2, tr("The answer the model learns, usually one column"));
  editors->addRow(tr("System"), system_);
  editors->addRow(tr("Prompt"), prompt_);
  editors->addRow(tr("Completion"), completion_);
  layout->addLayout(editors);

  auto* status = new QHBoxLayout;
  error_ = new QLabel(this);
  error_->setObjectName(QStringLiteral("templateError"));
  error_->setStyleSheet(errorStyle());
  error_->setWordWrap(true);
  counts_ = new QLabel(this);
  counts_->setObjectName(QStringLiteral("templateCounts"));
  counts_->setWordWrap(true);
  apply_ = new QPushButton(tr("Use this template for the data"), this);
  apply_->setEnabled(false);
  status->addWidget(error_, 1);
  status->addWidget(apply_);
  layout->addLayout(status);
  layout->addWidget(counts_);

  preview_ = new QTextBrowser(this);
  preview_->setObjectName(QStringLiteral("templatePreview"));
  layout->addWidget(preview_, 1);

  debounce_->setSingleShot(true);
  debounce_->setInterval(150);
  connect(debounce_, &QTimer::timeout, this, &TemplatePage::refresh);
  for (auto* e : {system_, prompt_, completion_}) {
    connect(e, &QPlainTextEdit::textChanged, debounce_, qOverload<>(&QTimer::start));
  }
  connect(presets_, &QComboBox::currentIndexChanged, this, [this] {
    const QString name = presets_->currentData().toString();
    if (!name.isEmpty()) choosePreset(name);
  });
  connect(apply_, &QPushButton::clicked, this, [this] { Q_EMIT templateApplied(currentTemplate()); });
  // The project is the one source of the model: a choice on the Model step and another
  // project opened both arrive as changes of it.
  connect(session_, &ProjectSession::opened, this, &TemplatePage::followProject);
  connect(session_, &ProjectSession::changed, this, &TemplatePage::followProject);
  followProject();
  refresh();
}

void TemplatePage::setSample(const QStringList& columns, const std::vector<tb::data::Record>& sample) {
  columns_ = columns;
  sample_ = sample;
  columnsLabel_->setText(tr("Columns: %1").arg(columns.join(QStringLiteral(", "))));
  refresh();
}

void TemplatePage::followProject() {
  // 1. Which model: a path, or why there is none (the demo is not fetched, a path is refused).
  QString path, problem;
  try {
    path = QString::fromStdString(tb::project_model_path(session_->project()).string());
  } catch (const tb::Error& e) {
    problem = QString::fromStdString(e.what());
  }
  // `changed` comes with every edit of the project; only another model starts a load.
  const QString key = problem.isEmpty() ? path : problem;
  if (key == modelKey_) return;
  modelKey_ = key;
  // 2. What the page showed is of the model before: gone until the new tokenizer is there.
  ++loadGeneration_;
  tokenizer_.reset();
  format_ = tb::ChatFormat{};
  tokenizerError_.clear();
  modelPath_ = path;
  if (!problem.isEmpty()) {
    useLoaded(Loaded{nullptr, {}, problem, {}});
    return;
  }
  loadTokenizer(path);
}

void TemplatePage::loadTokenizer(const QString& path) {
  // On Qt's thread pool, not the engine's single worker, which a training run may hold for hours.
  const quint64 generation = loadGeneration_;
  auto* watcher = new QFutureWatcher<Loaded>(this);
  connect(watcher, &QFutureWatcher<Loaded>::finished, this, [this, watcher, generation] {
    watcher->deleteLater();
    if (generation == loadGeneration_) useLoaded(watcher->result());  // else a newer model was chosen
  });
  const std::filesystem::path p = path.toStdString();
  watcher->setFuture(QtConcurrent::run([p, path] {
    Loaded out;
    out.path = path;
    try {
      std::shared_ptr<const tb::Tokenizer> t = tb::load_model_tokenizer(p);
      out.format = tb::model_chat_format(p, *t);
      out.tokenizer = std::move(t);
    } catch (const std::exception& e) {  // tb::Error names the file; anything else is still no crash
      out.error = QString::fromUtf8(e.what());
    }
    return out;
  }));
  refresh();
}

void TemplatePage::useLoaded(const Loaded& loaded) {
  modelPath_ = loaded.path;  // the label names the model these tokens are of
  if (loaded.error.isEmpty()) {
    tokenizer_ = loaded.tokenizer;
    format_ = loaded.format;
  } else {
    const QString model = loaded.path.isEmpty() ? tr("the project's model") : loaded.path;
    tokenizerError_ = tr("No token counts: the tokenizer of %1 cannot be loaded (%2). Choose a model with a "
                         "tokenizer (tokenizer.json or tokenizer.model in its folder, or a GGUF file) on the "
                         "Model step, or fix the file.")
                          .arg(model, loaded.error);
  }
  refresh();
  Q_EMIT tokenizerLoaded();
}

void TemplatePage::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  // A model that failed may have been fixed on disk since (or the demo fetched): try again.
  if (!tokenizerError_.isEmpty()) {
    modelKey_.clear();
    followProject();
  }
}

tb::data::PromptTemplate TemplatePage::currentTemplate() const {
  tb::data::PromptTemplate t;
  t.name = presets_->currentData().toString().isEmpty() ? "custom" : presets_->currentData().toString().toStdString();
  t.system = system_->toPlainText().toStdString();
  t.prompt = prompt_->toPlainText().toStdString();
  t.completion = completion_->toPlainText().toStdString();
  return t;
}

void TemplatePage::choosePreset(const QString& name) {
  const auto* t = tb::data::find_template_preset(name.toStdString());
  if (t == nullptr) return;
  presets_->setCurrentIndex(presets_->findData(name));
  setTexts(QString::fromStdString(t->system), QString::fromStdString(t->prompt), QString::fromStdString(t->completion));
}

void TemplatePage::setTexts(const QString& system, const QString& prompt, const QString& completion) {
  system_->setPlainText(system);
  prompt_->setPlainText(prompt);
  completion_->setPlainText(completion);
  refresh();
}

QString TemplatePage::errorText() const { return error_->text(); }

QString TemplatePage::countsText() const { return counts_->text(); }

void TemplatePage::refresh() {
  debounce_->stop();
  error_->clear();
  const tb::data::PromptTemplate t = currentTemplate();
  // 1. The template against the data's columns.
  std::vector<std::string> columns;
  for (const QString& c : columns_) columns.push_back(c.toStdString());
  try {
    if (!columns_.isEmpty()) tb::data::check_template(t, columns);
    else (void)t.columns();  // the placeholders parse
  } catch (const tb::Error& e) {
    error_->setText(QString::fromStdString(e.what()));
  }
  apply_->setEnabled(error_->text().isEmpty() && !sample_.empty());
  // 2. The first examples as the model sees them.
  QString html;
  qint64 total = 0, trained = 0;
  const int n = std::min<int>(kPreviewExamples, static_cast<int>(sample_.size()));
  for (int i = 0; i < n && error_->text().isEmpty(); ++i) {
    const auto example = tb::data::apply_template(t, sample_[static_cast<std::size_t>(i)], "");
    html += tr("<p><b>Row at line %1</b>").arg(sample_[static_cast<std::size_t>(i)].line);
    try {
      if (tokenizer_) {
        const auto tok = tb::data::tokenize_example(example, *tokenizer_, format_);
        html += tr(" — %1 tokens, %2 trained</p><p style='line-height:150%'>").arg(tok.ids.size()).arg(tok.trained_count());
        for (std::size_t k = 0; k < tok.ids.size(); ++k) {
          html += tokenHtml(*tokenizer_, tok.ids[k], tok.trained[k] != 0, k % 2 == 1);
        }
        total += static_cast<qint64>(tok.ids.size());
        trained += tok.trained_count();
      } else {
        html += QStringLiteral("</p><p>");
        for (const auto& seg : format_.render_segments(example.messages, false)) {
          html += QStringLiteral("<span style='%1'>%2</span>")
                      .arg(seg.trainable ? QStringLiteral("background:#cdeccd") : QStringLiteral("background:#e6e6e6"),
                           QString::fromStdString(seg.text).toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
        }
      }
    } catch (const tb::Error& e) {
      html += QStringLiteral("<span style='color:%1'>%2</span>").arg(QLatin1String(kErrorRed), QString::fromStdString(e.what()).toHtmlEscaped());
    }
    html += QStringLiteral("</p>");
  }
  if (n == 0) html = tr("<p>The preview shows the first rows of the data once a file is imported.</p>");
  preview_->setHtml(html);
  // 3. The counts, naming the model whose tokenizer made them (or why there are none).
  const QString model = QFileInfo(modelPath_).fileName();
  counts_->setStyleSheet(tokenizerError_.isEmpty() ? QString() : errorStyle());
  if (tokenizer_) {
    counts_->setText(tr("%1 tokens in the preview, %2 trained (green) · tokenizer of %3").arg(total).arg(trained).arg(model));
  } else if (!tokenizerError_.isEmpty()) {
    counts_->setText(tokenizerError_);
  } else {
    counts_->setText(tr("loading the tokenizer of %1…").arg(model));
  }
  Q_EMIT previewUpdated();
}

}  // namespace tbui
