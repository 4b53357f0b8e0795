// ExportPage (see export_page.h).
#include "ui/pages/export/export_page.h"

#include <QButtonGroup>
#include <QClipboard>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QSignalBlocker>
#include <QDirIterator>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

#include "core/model/adapter_config.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/project/project_session.h"
#include "ui/widgets/page_header.h"
#include "ui/widgets/palette.h"

namespace tbui {
namespace {

const QStringList kDtypes{QStringLiteral("float32"), QStringLiteral("bfloat16"),
                          QStringLiteral("float16")};

// A Python string literal.
QString py(const QString& text) {
  QString out = text;
  out.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
      .replace(QLatin1Char('"'), QStringLiteral("\\\""));
  return QLatin1Char('"') + out + QLatin1Char('"');
}

// adapter_config.json's base model, or "" when the folder has none.
QString adapterBase(const QString& folder) {
  return QString::fromStdString(tb::adapter_base_model(folder.toStdString()));
}

// How to load an exported folder with transformers (and PEFT for an adapter).
QString pythonSnippet(const QString& folder, const QString& fallbackBase) {
  const bool adapter =
      QFileInfo::exists(QDir(folder).filePath(QStringLiteral("adapter_config.json")));
  if (!adapter) {
    return QStringLiteral(
               "from transformers import AutoModelForCausalLM, AutoTokenizer\n\n"
               "model = AutoModelForCausalLM.from_pretrained(%1, torch_dtype=\"auto\")\n"
               "tokenizer = AutoTokenizer.from_pretrained(%1)\n")
        .arg(py(folder));
  }
  QString base = adapterBase(folder);
  if (base.isEmpty()) base = fallbackBase;
  QString loadBase = QStringLiteral("AutoModelForCausalLM.from_pretrained(%1)").arg(py(base));
  QString loadTokenizer = QStringLiteral("AutoTokenizer.from_pretrained(%1)").arg(py(base));
  if (base.endsWith(QLatin1String(".gguf"),
                    Qt::CaseInsensitive)) {  // transformers reads GGUF by folder + file
    const QFileInfo gguf(base);
    const QString args =
        QStringLiteral("%1, gguf_file=%2").arg(py(gguf.absolutePath()), py(gguf.fileName()));
    loadBase = QStringLiteral("AutoModelForCausalLM.from_pretrained(%1)").arg(args);
    loadTokenizer = QStringLiteral("AutoTokenizer.from_pretrained(%1)").arg(args);
  }
  return QStringLiteral(
             "from peft import PeftModel\n"
             "from transformers import AutoModelForCausalLM, AutoTokenizer\n\n"
             "base = %1\n"
             "model = PeftModel.from_pretrained(base, %2)\n"
             "tokenizer = %3\n")
      .arg(loadBase, py(folder), loadTokenizer);
}

}  // namespace

ExportPage::ExportPage(EngineBridge* bridge, ProjectSession* session, QWidget* parent)
    : QWidget(parent), bridge_(bridge), session_(session) {
  setObjectName(QStringLiteral("exportPage"));
  auto* layout = pageLayout(
      this, tr("Export"),
      tr("Write a run's result as files other tools load: the small LoRA adapter (for PEFT, on "
         "top of the base model) or a complete merged model folder (for transformers and the "
         "tools that read Hugging Face folders)."));
  empty_ = new QLabel(tr("No run yet — train one on the Train step, then export it here."), this);
  empty_->setObjectName(QStringLiteral("exportEmpty"));
  layout->addWidget(empty_);

  // 1. What to export, and where.
  auto* form = new QFormLayout;
  runs_ = new QComboBox(this);
  runs_->setObjectName(QStringLiteral("exportRun"));
  runs_->setMinimumContentsLength(24);
  checkpoint_ = new QComboBox(this);
  checkpoint_->setObjectName(QStringLiteral("exportCheckpoint"));
  checkpoint_->setToolTip(tr("The final weights, or a checkpoint saved during training"));
  form->addRow(tr("Run"), runs_);
  form->addRow(tr("Weights"), checkpoint_);
  kind_ = new QButtonGroup(this);
  adapter_ = new QRadioButton(tr("LoRA adapter (PEFT)"), this);
  adapter_->setObjectName(QStringLiteral("exportAdapter"));
  adapter_->setToolTip(
      tr("A few megabytes: adapter_config.json and adapter_model.safetensors, loaded with PEFT on "
         "top of the same base model"));
  merged_ = new QRadioButton(tr("Merged Hugging Face folder"), this);
  merged_->setObjectName(QStringLiteral("exportMerged"));
  merged_->setToolTip(
      tr("The whole model with the training merged in: config.json, model.safetensors and the "
         "tokenizer, loaded with transformers alone"));
  kind_->addButton(adapter_);
  kind_->addButton(merged_);
  merged_->setChecked(true);
  adapterReason_ = new QLabel(this);
  adapterReason_->setObjectName(QStringLiteral("exportAdapterReason"));
  adapterReason_->setWordWrap(true);
  adapterReason_->setStyleSheet(QStringLiteral("color: palette(mid);"));
  dtype_ = new QComboBox(this);
  dtype_->setObjectName(QStringLiteral("exportDtype"));
  dtype_->addItems(kDtypes);
  dtype_->setToolTip(tr("float32 keeps every bit; bfloat16 and float16 halve the size"));
  auto* kindBox = new QVBoxLayout;
  kindBox->addWidget(adapter_);
  kindBox->addWidget(adapterReason_);
  auto* mergedRow = new QHBoxLayout;
  mergedRow->addWidget(merged_);
  mergedRow->addWidget(new QLabel(tr("in"), this));
  mergedRow->addWidget(dtype_);
  mergedRow->addStretch(1);
  kindBox->addLayout(mergedRow);
  form->addRow(tr("Write"), kindBox);
  auto* folderRow = new QHBoxLayout;
  folder_ = new QLineEdit(this);
  folder_->setObjectName(QStringLiteral("exportFolder"));
  folder_->setToolTip(tr("A new folder: an export never writes into one that exists"));
  browse_ = new QPushButton(tr("Choose…"), this);
  folderRow->addWidget(folder_, 1);
  folderRow->addWidget(browse_);
  form->addRow(tr("Folder"), folderRow);
  layout->addLayout(form);
  auto* actions = new QHBoxLayout;
  export_ = new QPushButton(tr("Export"), this);
  export_->setObjectName(QStringLiteral("exportButton"));
  actions->addWidget(export_);
  actions->addStretch(1);
  layout->addLayout(actions);

  // 2. Progress, then where the files went.
  log_ = new QPlainTextEdit(this);
  log_->setObjectName(QStringLiteral("exportLog"));
  log_->setReadOnly(true);
  log_->setMaximumHeight(90);
  log_->setVisible(false);
  layout->addWidget(log_);
  message_ = new QLabel(this);
  message_->setObjectName(QStringLiteral("exportMessage"));
  message_->setWordWrap(true);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  message_->setVisible(false);
  layout->addWidget(message_);
  result_ = new QWidget(this);
  result_->setVisible(false);
  auto* resultLayout = new QVBoxLayout(result_);
  resultLayout->setContentsMargins(0, 0, 0, 0);
  auto* whereRow = new QHBoxLayout;
  resultFolder_ = new QLabel(result_);
  resultFolder_->setObjectName(QStringLiteral("exportResultFolder"));
  resultFolder_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  open_ = new QPushButton(tr("Open folder"), result_);
  open_->setObjectName(QStringLiteral("exportOpen"));
  whereRow->addWidget(resultFolder_, 1);
  whereRow->addWidget(open_);
  resultLayout->addLayout(whereRow);
  files_ = new QTreeWidget(result_);
  files_->setObjectName(QStringLiteral("exportFiles"));
  files_->setHeaderLabels({tr("File"), tr("Size")});
  files_->setRootIsDecorated(false);
  files_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  files_->setMaximumHeight(160);
  resultLayout->addWidget(files_);
  auto* snippetRow = new QHBoxLayout;
  snippetRow->addWidget(new QLabel(tr("Load it in Python:"), result_), 1);
  copy_ = new QPushButton(tr("Copy"), result_);
  snippetRow->addWidget(copy_);
  resultLayout->addLayout(snippetRow);
  snippet_ = new QPlainTextEdit(result_);
  snippet_->setObjectName(QStringLiteral("exportSnippet"));
  snippet_->setReadOnly(true);
  snippet_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  snippet_->setMaximumHeight(150);
  resultLayout->addWidget(snippet_);
  layout->addWidget(result_);
  layout->addStretch(1);

  connect(runs_, &QComboBox::currentIndexChanged, this, &ExportPage::chooseRun);
  connect(kind_, &QButtonGroup::buttonToggled, this, [this](QAbstractButton*, bool on) {
    if (!on) return;
    dtype_->setEnabled(merged_->isChecked());
    updateFolder();
  });
  connect(folder_, &QLineEdit::textEdited, this, [this] { folderEdited_ = true; });
  connect(browse_, &QPushButton::clicked, this, [this] {
    const QString parent = QFileDialog::getExistingDirectory(
        this, tr("Folder to put the export in"), QFileInfo(folder_->text()).absolutePath());
    if (parent.isEmpty()) return;
    folder_->setText(QDir(parent).filePath(QFileInfo(folder_->text()).fileName()));
    folderEdited_ = true;
  });
  connect(export_, &QPushButton::clicked, this, &ExportPage::startFromForm);
  connect(open_, &QPushButton::clicked, this,
          [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(lastFolder_)); });
  connect(copy_, &QPushButton::clicked, this,
          [this] { QGuiApplication::clipboard()->setText(snippet_->toPlainText()); });
  if (session_ != nullptr)
    connect(session_, &ProjectSession::runsChanged, this, &ExportPage::refreshRuns);
  refreshRuns();
}

void ExportPage::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  refreshRuns();  // a run may have finished since
}

void ExportPage::refreshRuns() {
  fillRunChoices(runs_, session_ != nullptr ? session_->runs() : QStringList(), runDir_);
  empty_->setVisible(runs_->count() == 0);
  chooseRun(runs_->currentIndex());
}

void ExportPage::setRun(const QString& runDir) {
  runDir_ = QFileInfo(runDir).absoluteFilePath();
  refreshRuns();
}

void ExportPage::chooseRun(int index) {
  runDir_ = index >= 0 ? runs_->itemData(index).toString() : QString();
  const bool sameRun = runDir_ == formRun_;
  formRun_ = runDir_;
  if (!sameRun) folderEdited_ = false;
  QString error;
  summary_ = runDir_.isEmpty() ? std::nullopt : readRunSummary(runDir_, &error);
  const qint64 chosenStep = checkpoint_->count() > 0 ? checkpoint_->currentData().toLongLong() : -1;
  const bool usable = summary_.has_value();
  fillCheckpointChoices(checkpoint_, summary_, runDir_, sameRun ? std::optional<qint64>(chosenStep) : std::nullopt);
  // The adapter exists for LoRA runs only.
  const bool lora = usable && summary_->is_lora();
  adapter_->setEnabled(lora);
  if (!lora && adapter_->isChecked()) merged_->setChecked(true);
  QString reason;
  if (usable && !lora) {
    reason = tr("No adapter to write: this run%1 trained with %2, which changes the model's own "
                "weights. "
                "Export a merged folder instead.")
                 .arg(summary_->stage_count > 1 ? tr("'s last stage") : QString(),
                      methodText(qtext(summary_->last_method)));
  }
  adapterReason_->setText(reason);
  adapterReason_->setVisible(!reason.isEmpty());
  dtype_->setEnabled(merged_->isChecked());
  export_->setEnabled(usable && !job_ && checkpoint_->count() > 0);
  if (!runDir_.isEmpty() && !usable) {
    showMessage(error, true);
  } else if (usable && checkpoint_->count() == 0) {
    showMessage(tr("This run has neither finished nor saved a checkpoint, so there is nothing to "
                   "export yet."),
                true);
  } else if (!job_ && result_->isHidden()) {
    message_->setVisible(false);
  }
  updateFolder();
}

QString ExportPage::defaultFolder(bool adapter) const {
  if (runDir_.isEmpty()) return {};
  const QString root = session_ != nullptr && session_->isOpen()
                           ? session_->folder()
                           : QFileInfo(runDir_).absolutePath();
  const QString base =
      QDir(root).filePath(QStringLiteral("exports/") + QFileInfo(runDir_).fileName() +
                          (adapter ? QStringLiteral("-adapter") : QStringLiteral("-merged")));
  QString candidate = base;
  for (int n = 2; QFileInfo::exists(candidate); ++n)
    candidate = base + QStringLiteral("-%1").arg(n);
  return candidate;
}

void ExportPage::updateFolder() {
  if (!folderEdited_) folder_->setText(defaultFolder(adapter_->isChecked()));
}

void ExportPage::startFromForm() {
  exportTo(runDir_, folder_->text().trimmed(), adapter_->isChecked(), dtype_->currentText(),
           checkpoint_->count() > 0 ? checkpoint_->currentData().toLongLong() : -1);
}

quint64 ExportPage::exportTo(const QString& runDir, const QString& out, bool adapter,
                             const QString& dtype, qint64 step) {
  if (bridge_ == nullptr) return 0;
  if (job_) {
    showMessage(tr("An export is running; wait for it to finish."), true);
    return 0;
  }
  QString error;
  const auto summary = readRunSummary(runDir, &error);
  if (!summary) {
    showMessage(error, true);
    return 0;
  }
  if (adapter && !summary->is_lora()) {
    showMessage(
        tr("This run trained with %1, which has no adapter; export a merged folder instead.")
            .arg(methodText(qtext(summary->last_method))),
        true);
    return 0;
  }
  if (out.isEmpty()) {
    showMessage(tr("Choose the folder to write to."), true);
    return 0;
  }
  const QString target = QFileInfo(out).absoluteFilePath();
  if (QFileInfo::exists(target)) {
    showMessage(tr("%1 exists already; choose a new folder (an export never overwrites one).")
                    .arg(QDir::toNativeSeparators(target)),
                true);
    return 0;
  }
  if (!adapter && !kDtypes.contains(dtype)) {
    showMessage(tr("Unknown number format %1; choose float32, bfloat16 or float16.").arg(dtype),
                true);
    return 0;
  }
  if (!QDir().mkpath(QFileInfo(target).absolutePath())) {
    showMessage(tr("Cannot create the folder %1.")
                    .arg(QDir::toNativeSeparators(QFileInfo(target).absolutePath())),
                true);
    return 0;
  }
  // The form shows what is being written, also when called from code.
  {
    const QSignalBlocker blockKind(kind_);
    (adapter ? adapter_ : merged_)->setChecked(true);
    if (!adapter) dtype_->setCurrentText(dtype);
    const QSignalBlocker blockFolder(folder_);
    folder_->setText(QDir::toNativeSeparators(target));
    folderEdited_ = true;  // kept when the run list refreshes
  }
  tb::ExportRunOptions options;
  options.step = step;
  options.kind = adapter ? tb::ExportKind::Adapter : tb::ExportKind::Merged;
  options.dtype = dtype.toStdString();
  JobHandle* job = bridge_->exportRun(runDir, target, options);
  log_->clear();
  log_->appendPlainText(
      adapter ? tr("Writing the LoRA adapter of %1 to %2…").arg(qtext(summary->name), target)
              : tr("Writing the merged model (%1) of %2 to %3…").arg(dtype, qtext(summary->name), target));
  watchJob(job);
  return job->id();
}

void ExportPage::watchJob(JobHandle* job) {
  releaseJob(job_, this);
  job_ = job;
  connect(job, &JobHandle::logLine, this, [this](const QString& text) { log_->appendPlainText(text); });
  connect(job, &JobHandle::exportFinished, this, &ExportPage::onExportFinished);
  connect(job, &JobHandle::ended, this, &ExportPage::onEnded);
  log_->setVisible(true);
  export_->setEnabled(false);
  result_->setVisible(false);
  showMessage(tr("Exporting… this takes a moment for large models."), false);
}

void ExportPage::onExportFinished(const QString& folder, const QString& message) {
  releaseJob(job_, this);
  export_->setEnabled(summary_.has_value() && checkpoint_->count() > 0);
  showResult(folder, message);
  folderEdited_ = false;
  updateFolder();  // the next export gets a new default folder
  Q_EMIT exported(folder);
}

void ExportPage::onEnded(JobEnd how, const QString& message) {
  releaseJob(job_, this);
  export_->setEnabled(summary_.has_value() && checkpoint_->count() > 0);
  if (how == JobEnd::Finished) return;  // exportFinished() said where the files went
  const QString text = how == JobEnd::Failed
                           ? tr("The export failed: %1").arg(message)
                           : tr("The export was cancelled; nothing was written.");
  log_->appendPlainText(text);
  showMessage(text, true);
}

void ExportPage::showMessage(const QString& text, bool error) {
  message_->setStyleSheet(error ? errorStyle() : QString());
  message_->setText(text);
  message_->setVisible(!text.isEmpty());
}

void ExportPage::showResult(const QString& folder, const QString& message) {
  lastFolder_ = folder;
  QString sentence = message.isEmpty() ? tr("Exported to %1").arg(folder) : message;
  if (!sentence.isEmpty()) sentence[0] = sentence[0].toUpper();
  showMessage(sentence + QLatin1Char('.'), false);
  resultFolder_->setText(
      tr("Files in <b>%1</b>:").arg(QDir::toNativeSeparators(folder).toHtmlEscaped()));
  files_->clear();
  const QDir dir(folder);
  QStringList names;
  QDirIterator it(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
  while (it.hasNext()) names << dir.relativeFilePath(it.next());
  names.sort();
  const QLocale locale;
  for (const QString& name : names) {
    auto* item = new QTreeWidgetItem(
        files_, {name, locale.formattedDataSize(QFileInfo(dir.filePath(name)).size())});
    item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
  }
  snippet_->setPlainText(
      pythonSnippet(QDir::toNativeSeparators(folder), summary_ ? qtext(summary_->model) : QString()));
  snippet_->moveCursor(QTextCursor::Start);
  result_->setVisible(true);
}

QString ExportPage::messageText() const {
  return message_->isHidden() ? QString() : message_->text();
}

int ExportPage::fileListCount() const { return files_->topLevelItemCount(); }

QString ExportPage::snippetText() const { return snippet_->toPlainText(); }

QString ExportPage::logText() const { return log_->toPlainText(); }

QString ExportPage::adapterReason() const {
  return adapterReason_->isHidden() ? QString() : adapterReason_->text();
}

}  // namespace tbui
