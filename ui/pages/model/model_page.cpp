// ModelPage (see model_page.h).
#include "ui/pages/model/model_page.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "core/common/units.h"
#include "core/engine/device.h"
#include "core/model/model_family.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/project/project_session.h"
#include "ui/widgets/page_header.h"

namespace tbui {

namespace {

QString bytesText(double bytes) {
  if (bytes < 0) return QObject::tr("unknown");
  return QString::fromStdString(tb::format_bytes(static_cast<std::uint64_t>(bytes)));
}

QString countText(qint64 n) {
  if (n >= 1000000000) return QStringLiteral("%1 B").arg(n / 1e9, 0, 'f', 2);
  if (n >= 1000000) return QStringLiteral("%1 M").arg(n / 1e6, 0, 'f', 1);
  if (n >= 1000) return QStringLiteral("%1 k").arg(n / 1e3, 0, 'f', 1);
  return QString::number(n);
}

}  // namespace

ModelPage::ModelPage(EngineBridge* bridge, ProjectSession* session, QWidget* parent)
    : QWidget(parent), bridge_(bridge), session_(session) {
  setObjectName(QStringLiteral("modelPage"));
  setAcceptDrops(true);
  auto* layout = pageLayout(
      this, tr("Model"),
      tr("Pick the model to fine-tune. The demo model is small enough to train on this "
         "computer's processor in minutes; a Hugging Face folder or a GGUF file works the same "
         "way. Drop a folder or file here."));
  layout->setContentsMargins(24, 18, 24, 18);

  // 1. The choice: demo, folder or GGUF, with a path and Browse.
  auto* choice = new QGroupBox(tr("Which model"), this);
  auto* choiceLayout = new QVBoxLayout(choice);
  demo_ = new QRadioButton(tr("Demo model: SmolLM2-135M-Instruct (Apache-2.0, 135 million parameters)"), choice);
  demo_->setObjectName(QStringLiteral("demoModel"));
  folder_ = new QRadioButton(tr("A Hugging Face folder (config.json, model.safetensors, tokenizer)"), choice);
  gguf_ = new QRadioButton(tr("A GGUF file"), choice);
  auto* pathRow = new QHBoxLayout();
  path_ = new QLineEdit(choice);
  path_->setObjectName(QStringLiteral("modelPath"));
  path_->setPlaceholderText(tr("Folder or .gguf file"));
  browse_ = new QPushButton(tr("Browse…"), choice);
  auto* use = new QPushButton(tr("Use this model"), choice);
  use->setObjectName(QStringLiteral("useModel"));
  pathRow->addWidget(path_, 1);
  pathRow->addWidget(browse_);
  pathRow->addWidget(use);
  choiceLayout->addWidget(demo_);
  choiceLayout->addWidget(folder_);
  choiceLayout->addWidget(gguf_);
  choiceLayout->addLayout(pathRow);
  layout->addWidget(choice);
  auto syncPath = [this] {
    path_->setEnabled(!demo_->isChecked());
    browse_->setEnabled(!demo_->isChecked());
  };
  connect(demo_, &QRadioButton::toggled, this, syncPath);
  connect(demo_, &QRadioButton::clicked, this, [this] { chooseModel(QStringLiteral("demo")); });
  connect(browse_, &QPushButton::clicked, this, [this] {
    const QString path = gguf_->isChecked()
                             ? QFileDialog::getOpenFileName(this, tr("Choose a GGUF file"), QString(), tr("GGUF (*.gguf)"))
                             : QFileDialog::getExistingDirectory(this, tr("Choose a Hugging Face model folder"));
    if (!path.isEmpty()) chooseModel(path);
  });
  connect(use, &QPushButton::clicked, this, [this] {
    chooseModel(demo_->isChecked() ? QStringLiteral("demo") : path_->text().trimmed());
  });
  connect(path_, &QLineEdit::returnPressed, this, [this] { chooseModel(path_->text().trimmed()); });

  // 2. What the model is.
  title_ = new QLabel(this);
  title_->setObjectName(QStringLiteral("modelTitle"));
  title_->setWordWrap(true);
  error_ = new QLabel(this);
  error_->setObjectName(QStringLiteral("modelError"));
  error_->setWordWrap(true);
  error_->setStyleSheet(QStringLiteral("color: #b3261e;"));
  error_->hide();
  details_ = new QTreeWidget(this);
  details_->setObjectName(QStringLiteral("modelDetails"));
  details_->setColumnCount(2);
  details_->setHeaderLabels({tr("Property"), tr("Value")});
  details_->setRootIsDecorated(false);
  details_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  layout->addWidget(title_);
  layout->addWidget(error_);
  layout->addWidget(details_, 2);

  // 3. A quick test prompt.
  auto* tryBox = new QGroupBox(tr("Try it"), this);
  auto* tryLayout = new QVBoxLayout(tryBox);
  auto* promptRow = new QHBoxLayout();
  prompt_ = new QLineEdit(tryBox);
  prompt_->setObjectName(QStringLiteral("testPrompt"));
  prompt_->setText(tr("What is photosynthesis? Answer in one sentence."));
  send_ = new QPushButton(tr("Ask"), tryBox);
  send_->setObjectName(QStringLiteral("askModel"));
  promptRow->addWidget(prompt_, 1);
  promptRow->addWidget(send_);
  answer_ = new QPlainTextEdit(tryBox);
  answer_->setObjectName(QStringLiteral("testAnswer"));
  answer_->setReadOnly(true);
  answer_->setPlaceholderText(tr("The model's answer streams here, greedy, up to 120 tokens."));
  answerStatus_ = new QLabel(tryBox);
  tryLayout->addLayout(promptRow);
  tryLayout->addWidget(answer_, 1);
  tryLayout->addWidget(answerStatus_);
  layout->addWidget(tryBox, 1);
  connect(send_, &QPushButton::clicked, this, [this] { tryPrompt(prompt_->text()); });
  connect(prompt_, &QLineEdit::returnPressed, this, [this] { tryPrompt(prompt_->text()); });

  connect(session_, &ProjectSession::opened, this, &ModelPage::showProject);
  syncPath();
  showProject();
}

void ModelPage::showProject() {
  if (!session_->isOpen()) {
    title_->setText(tr("Open or create a project first (File menu)."));
    return;
  }
  const QString model = QString::fromStdString(session_->project().model);
  const bool demo = model.isEmpty() || model == QLatin1String("demo");
  demo_->setChecked(demo);
  if (!demo) {
    (model.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive) ? gguf_ : folder_)->setChecked(true);
    path_->setText(model);
  }
  chooseModel(demo ? QStringLiteral("demo") : model);
}

QString ModelPage::resolvedModel() const {
  const QString model = QString::fromStdString(session_->project().model);
  if (model.isEmpty() || model == QLatin1String("demo")) return QStringLiteral("demo");
  return session_->resolve(model);
}

void ModelPage::chooseModel(const QString& model) {
  if (model.isEmpty()) {
    showError(tr("Type or browse to a model folder or a .gguf file."));
    return;
  }
  if (session_->isOpen() && QString::fromStdString(session_->project().model) != model) {
    session_->update([&](tb::Project& p) { p.model = model.toStdString(); });
  }
  const bool demo = model == QLatin1String("demo");
  if (!demo) {
    (model.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive) ? gguf_ : folder_)->setChecked(true);
    path_->setText(model);
  }
  ready_ = false;
  error_->hide();
  details_->clear();
  title_->setText(tr("Reading %1…").arg(demo ? tr("the demo model") : model));
  // 4. The engine's reply: this job's only (an earlier model's reading is let go).
  releaseJob(inspectJob_, this);
  inspectJob_ = bridge_->inspectModel(session_->isOpen() ? resolvedModel() : model);
  connect(inspectJob_, &JobHandle::modelInspected, this, [this](const tb::ModelInspected& result) {
    ready_ = true;
    showInfo(result);
    Q_EMIT modelInspected(result.info.config);
  });
  connect(inspectJob_, &JobHandle::ended, this, [this](JobEnd how, const QString& message) {
    releaseJob(inspectJob_, this);
    if (how != JobEnd::Failed) return;
    ready_ = false;
    showError(message);
  });
}

quint64 ModelPage::tryPrompt(const QString& prompt) {
  if (prompt.trimmed().isEmpty() || chatJob_) return 0;
  tb::ChatRequest request;
  request.model = (session_->isOpen() ? resolvedModel() : QStringLiteral("demo")).toStdString();
  request.messages = {{"user", prompt.toStdString()}};
  request.sampling.max_new_tokens = 120;
  answer_->clear();
  answerStatus_->setText(tr("Loading the model and answering…"));
  send_->setEnabled(false);
  chatJob_ = bridge_->startChat(request);
  connect(chatJob_, &JobHandle::chatToken, this, [this](int, const QString& text) {
    answer_->moveCursor(QTextCursor::End);
    answer_->insertPlainText(text);
  });
  connect(chatJob_, &JobHandle::chatFinished, this,
          [this](int, const QString&, const QString& stop, double tokensPerS) {
            answerStatus_->setText(tr("%1 tokens/s · stopped: %2").arg(tokensPerS, 0, 'f', 1).arg(stop));
          });
  connect(chatJob_, &JobHandle::ended, this, [this](JobEnd how, const QString& message) {
    releaseJob(chatJob_, this);
    if (how == JobEnd::Failed) showError(message);
    send_->setEnabled(true);
    Q_EMIT answerFinished();
  });
  return chatJob_->id();
}

void ModelPage::showInfo(const tb::ModelInspected& result) {
  const tb::ModelInfo& info = result.info;
  const tb::ModelConfig& config = info.config;
  const QString path = QString::fromStdString(info.path);
  title_->setText(tr("<b>%1</b> — %2 parameters, ready to fine-tune")
                      .arg(QFileInfo(path).fileName().toHtmlEscaped(), countText(info.parameter_count)));
  auto add = [this](const QString& key, const QString& value) {
    auto* item = new QTreeWidgetItem(details_, {key, value});
    item->setToolTip(1, value);
  };
  details_->clear();
  add(tr("File"), path);
  add(tr("Format"), info.format == "gguf" ? tr("GGUF (dequantised to full precision for training)")
                                          : tr("Hugging Face folder"));
  add(tr("Architecture"), QString::fromStdString(config.architecture));
  add(tr("Family"), QString::fromStdString(tb::describe_family(config)));
  add(tr("Parameters"), QLocale().toString(static_cast<qlonglong>(info.parameter_count)));
  add(tr("Layers × hidden size"), QStringLiteral("%1 × %2").arg(config.num_layers).arg(config.hidden_size));
  add(tr("Attention heads (key/value)"), QStringLiteral("%1 (%2)").arg(config.num_heads).arg(config.num_kv_heads));
  add(tr("Context length"), tr("%1 tokens").arg(config.max_position_embeddings));
  add(tr("Tokenizer"), tr("%1, %2 tokens").arg(QString::fromStdString(info.tokenizer_kind)).arg(info.vocab_size));
  QString format = QString::fromLatin1(tb::to_string(info.chat.family));
  if (!info.chat.warning.empty()) format += QStringLiteral(" — ") + QString::fromStdString(info.chat.warning);
  add(tr("Chat format"), format);
  add(tr("Chat template"), QString::fromStdString(tb::chat_source(info.chat)));
  add(tr("Chat preview"), QString::fromStdString(tb::chat_preview(info.chat)).replace(QLatin1Char('\n'), QStringLiteral(" ⏎ ")));
  QStringList dtypes;
  for (const auto& [dtype, count] : info.dtype_params) {
    dtypes << QStringLiteral("%1 (%2)").arg(QString::fromStdString(dtype), countText(count));
  }
  add(tr("Stored as"), dtypes.join(QStringLiteral(", ")));
  const QString device = QString::fromStdString(result.device);
  add(tr("Training device"), device == QLatin1String("cpu") ? tr("CPU (no CUDA GPU found)") : device);
  add(tr("Free memory there"), bytesText(static_cast<double>(result.free_memory_bytes)));
}

void ModelPage::showError(const QString& message) {
  error_->setText(message);
  error_->show();
  title_->setText(tr("This model cannot be used."));
}

QString ModelPage::detailsText() const {
  QStringList lines;
  for (int i = 0; i < details_->topLevelItemCount(); ++i) {
    lines << details_->topLevelItem(i)->text(0) + QStringLiteral(": ") + details_->topLevelItem(i)->text(1);
  }
  return lines.join(QLatin1Char('\n'));
}

QString ModelPage::answerText() const { return answer_->toPlainText(); }

QString ModelPage::errorText() const { return error_->isHidden() ? QString() : error_->text(); }

void ModelPage::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void ModelPage::dropEvent(QDropEvent* event) {
  const auto urls = event->mimeData()->urls();
  if (!urls.isEmpty() && urls.front().isLocalFile()) chooseModel(urls.front().toLocalFile());
}

}  // namespace tbui
