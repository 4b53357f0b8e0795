// DataPage (see data_page.h).
#include "ui/pages/data/data_page.h"

#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QTreeWidget>
#include <QUndoStack>
#include <QVBoxLayout>

#include <numeric>

#include "core/common/error.h"
#include "core/data/dataset_store.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/pages/data/data_problems_panel.h"
#include "ui/pages/data/data_settings_panel.h"
#include "ui/pages/data/example_commands.h"
#include "ui/pages/data/examples_model.h"
#include "ui/widgets/histogram_view.h"
#include "ui/widgets/page_header.h"
#include "ui/widgets/palette.h"

namespace tbui {

DataPage::DataPage(EngineBridge* bridge, QWidget* parent)
    : QWidget(parent), bridge_(bridge), undo_(new QUndoStack(this)), model_(new ExamplesModel(undo_, this)) {
  setObjectName(QStringLiteral("dataPage"));
  setAcceptDrops(true);
  auto* layout = pageLayout(
      this, tr("Data"),
      tr("Bring a JSONL, JSON, CSV, TSV or text file — drop it here or open it. Rows that "
         "cannot be used are listed with their line and why; the file itself is never changed."));

  // 1. The file, the shape, the template, the split.
  auto* fileRow = new QHBoxLayout;
  open_ = new QPushButton(tr("Open data file…"), this);
  open_->setObjectName(QStringLiteral("openData"));
  file_ = new QLabel(tr("No file yet."), this);
  file_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  reimport_ = new QPushButton(tr("Apply settings"), this);
  reimport_->setToolTip(tr("Import the file again with this shape, template and split"));
  reimport_->setEnabled(false);
  fileRow->addWidget(open_);
  fileRow->addWidget(file_, 1);
  fileRow->addWidget(reimport_);
  layout->addLayout(fileRow);

  settings_ = new DataSettingsPanel(this);
  layout->addWidget(settings_);

  // 2. Progress with Cancel, and the summary.
  auto* progressRow = new QHBoxLayout;
  progress_ = new QProgressBar(this);
  progress_->setRange(0, 1000);
  progress_->setVisible(false);
  cancel_ = new QPushButton(tr("Cancel"), this);
  cancel_->setVisible(false);
  progressRow->addWidget(progress_, 1);
  progressRow->addWidget(cancel_);
  layout->addLayout(progressRow);
  summary_ = new QLabel(this);
  summary_->setObjectName(QStringLiteral("dataSummary"));
  summary_->setWordWrap(true);
  summary_->setTextFormat(Qt::RichText);
  layout->addWidget(summary_);

  // 3. Tabs: the examples (curation), the problems (rejected rows and audit findings), lengths.
  tabs_ = new QTabWidget(this);
  auto* examplesTab = new QWidget(tabs_);
  auto* examplesLayout = new QVBoxLayout(examplesTab);
  examplesLayout->setContentsMargins(0, 4, 0, 0);
  auto* tools = new QToolBar(examplesTab);
  QAction* add = tools->addAction(tr("Add example"));
  QAction* remove = tools->addAction(tr("Delete selected"));
  tools->addSeparator();
  QAction* undoAction = undo_->createUndoAction(tools, tr("Undo"));
  undoAction->setShortcut(QKeySequence::Undo);
  QAction* redoAction = undo_->createRedoAction(tools, tr("Redo"));
  redoAction->setShortcut(QKeySequence::Redo);
  tools->addAction(undoAction);
  tools->addAction(redoAction);
  tools->addSeparator();
  QAction* save = tools->addAction(tr("Save as JSONL…"));
  examplesLayout->addWidget(tools);
  table_ = new QTableView(examplesTab);
  table_->setObjectName(QStringLiteral("examplesTable"));
  table_->setModel(model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setAlternatingRowColors(true);
  table_->setWordWrap(false);
  table_->verticalHeader()->setDefaultSectionSize(24);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setColumnWidth(ExamplesModel::Line, 60);
  table_->setColumnWidth(ExamplesModel::SplitColumn, 90);
  table_->setColumnWidth(ExamplesModel::Prompt, 420);
  table_->setColumnWidth(ExamplesModel::Completion, 300);
  table_->setColumnWidth(ExamplesModel::Label, 90);
  examplesLayout->addWidget(table_);
  tabs_->addTab(examplesTab, tr("Examples"));

  problems_ = new DataProblemsPanel(tabs_);
  tabs_->addTab(problems_, tr("Problems"));

  auto* lengthsTab = new QWidget(tabs_);
  auto* lengthsLayout = new QVBoxLayout(lengthsTab);
  lengths_ = new QLabel(lengthsTab);
  lengths_->setTextFormat(Qt::RichText);
  lengths_->setWordWrap(true);
  histogram_ = new HistogramView(lengthsTab);
  lengthsLayout->addWidget(lengths_);
  lengthsLayout->addWidget(histogram_, 1);
  tabs_->addTab(lengthsTab, tr("Lengths and labels"));
  layout->addWidget(tabs_, 1);

  // 4. Wiring.
  connect(open_, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a dataset"), {},
                                                      tr("Datasets (*.jsonl *.json *.csv *.tsv *.txt);;All files (*)"));
    if (!path.isEmpty()) openFile(path);
  });
  connect(reimport_, &QPushButton::clicked, this, [this] { openFile(path_); });
  connect(cancel_, &QPushButton::clicked, this, &DataPage::cancelImport);
  connect(add, &QAction::triggered, this, [this] {
    tb::data::Example e;
    e.messages = {{"user", ""}, {"assistant", ""}};
    e.source_file = path_.toStdString();
    undo_->push(new InsertExampleCommand(model_, model_->rowCount(), std::move(e), tb::data::Split::Train));
    table_->scrollToBottom();
    table_->edit(model_->index(model_->rowCount() - 1, ExamplesModel::Prompt));
  });
  connect(remove, &QAction::triggered, this, [this] {
    QList<int> rows;
    for (const QModelIndex& i : table_->selectionModel()->selectedRows()) rows << i.row();
    std::sort(rows.begin(), rows.end(), std::greater<>());
    if (rows.isEmpty()) return;
    undo_->beginMacro(tr("delete %n example(s)", nullptr, static_cast<int>(rows.size())));
    for (const int r : rows) undo_->push(new RemoveExampleCommand(model_, r));
    undo_->endMacro();
  });
  connect(save, &QAction::triggered, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the examples"), {}, tr("JSON Lines (*.jsonl)"));
    QString error;
    if (!path.isEmpty() && !saveExamples(path, &error)) summary_->setText(error.toHtmlEscaped());
  });
  connect(problems_, &DataProblemsPanel::dropLeaksRequested, this, &DataPage::dropLeakingExamples);
  connect(problems_, &DataProblemsPanel::sourceLineActivated, this, &DataPage::showSourceLine);
}

void DataPage::openFile(const QString& path) {
  if (path.isEmpty()) return;
  if (job_) job_->cancel();
  releaseJob(job_, this);  // its last rows are not this file's
  path_ = path;
  file_->setText(QFileInfo(path).fileName());
  file_->setToolTip(path);
  progress_->setValue(0);
  progress_->setFormat(tr("reading… %p%"));
  progress_->setVisible(true);
  cancel_->setVisible(true);
  reimport_->setEnabled(false);
  try {
    job_ = bridge_->importDataset(settings_->jobSettings(path));
    connect(job_, &JobHandle::progress, this, &DataPage::onProgress);
    connect(job_, &JobHandle::dataAudited, this, &DataPage::onAudited);
    connect(job_, &JobHandle::ended, this, &DataPage::onEnded);
  } catch (const tb::Error& e) {
    summary_->setText(QString::fromStdString(e.what()).toHtmlEscaped());
    progress_->setVisible(false);
    cancel_->setVisible(false);
    Q_EMIT importFinished(false);
  }
}

tb::DataSource DataPage::currentSource(bool* customTemplate) const { return settings_->source(path_, customTemplate); }

void DataPage::openSource(const tb::DataSource& source, const QString& path, const QString& testPath) {
  settings_->applySource(source);
  setTestFile(testPath);
  openFile(path);
}

void DataPage::useTemplate(const tb::data::PromptTemplate& t) {
  settings_->useTemplate(t);
  if (!path_.isEmpty()) openFile(path_);
}

void DataPage::addExample(const tb::data::Example& example) {
  undo_->push(new InsertExampleCommand(model_, model_->rowCount(), example, tb::data::Split::Train));
  tabs_->setCurrentIndex(0);
  table_->selectRow(model_->rowCount() - 1);
  table_->scrollToBottom();
}

QString DataPage::lengthsText() const { return lengths_->text(); }

void DataPage::setTestFile(const QString& path) { settings_->setTestFile(path); }

QComboBox* DataPage::shapeCombo() const { return settings_->shapeCombo(); }
QComboBox* DataPage::templateCombo() const { return settings_->templateCombo(); }
QComboBox* DataPage::labelColumnCombo() const { return settings_->labelColumnCombo(); }
QComboBox* DataPage::groupColumnCombo() const { return settings_->groupColumnCombo(); }
QTreeWidget* DataPage::problems() const { return problems_->tree(); }

void DataPage::cancelImport() {
  if (job_) job_->cancel();
}

void DataPage::onProgress(double fraction, const QString& what) {
  progress_->setValue(static_cast<int>(fraction * 1000));
  progress_->setFormat(what + QStringLiteral("… %p%"));
}

void DataPage::onEnded(JobEnd how, const QString& message) {
  // Reached only without data (dataAudited lets go of the job): a failure, or a job cancelled
  // before it started.
  releaseJob(job_, this);
  progress_->setVisible(false);
  cancel_->setVisible(false);
  reimport_->setEnabled(true);
  summary_->setText(how == JobEnd::Failed
                        ? QStringLiteral("<b style='color:%1'>%2</b>").arg(QLatin1String(kErrorRed), message.toHtmlEscaped())
                        : tr("<b>Import cancelled</b> before any row was read."));
  Q_EMIT importFinished(false);
}

void DataPage::onAudited(std::shared_ptr<tb::data::DataSnapshot> snapshot) {
  if (!snapshot) return;
  releaseJob(job_, this);
  progress_->setVisible(false);
  cancel_->setVisible(false);
  reimport_->setEnabled(true);
  tb::data::DataSnapshot& s = *snapshot;
  const auto& r = s.dataset.report;
  const auto& a = s.audit;
  QStringList columns;
  for (const auto& c : r.columns) columns << QString::fromStdString(c);
  Q_EMIT sampleReady(columns, s.dataset.sample);
  // The column choices offer this file's columns; a choice made before stays.
  settings_->offerColumns(columns);
  if (!s.dataset.mapping_error.empty()) {
    problems_->tree()->clear();
    undo_->clear();
    model_->reset({}, {});
    summary_->setText(QStringLiteral("<b style='color:#b22'>%1</b><br>%2")
                          .arg(QString::fromStdString(s.dataset.mapping_error).toHtmlEscaped(),
                               tr("Choose a template above, or write one on the Template step.")));
    Q_EMIT importFinished(false);
    return;
  }
  problems_->showFindings(s);
  // The summary in plain words.
  QString text = tr("<b>%1</b>: %2, shape <i>%3</i> — %4 rows read, <b>%5 kept</b>, %6 rejected.")
                     .arg(QFileInfo(path_).fileName().toHtmlEscaped(), QString::fromLatin1(tb::data::to_string(r.format)),
                          QString::fromLatin1(tb::data::to_string(s.dataset.mapping.format)))
                     .arg(r.rows_read)
                     .arg(r.rows_kept)
                     .arg(r.rejected.size());
  const auto n = tb::data::count_splits(s.splits);
  text += tr(" Split %1 / %2 / %3.").arg(n[0]).arg(n[1]).arg(n[2]);
  if (s.cancelled) {
    text += tr(" <b>Import cancelled</b>: only the rows read so far are here, and they were not audited.");
  } else {
    text += tr(" Exact duplicates: %1. Near-duplicates: %2. Leaking across splits: <b>%3</b>. PII findings: %4.")
                .arg(a.exact_duplicates)
                .arg(a.near_duplicates.size())
                .arg(a.leak_drop.size())
                .arg(std::accumulate(a.pii_counts.begin(), a.pii_counts.end(), qint64{0},
                                     [](qint64 sum, const auto& kv) { return sum + kv.second; }));
  }
  for (const auto& w : r.warnings) text += QStringLiteral("<br><i>%1</i>").arg(QString::fromStdString(w).toHtmlEscaped());
  if (s.test_report) {
    text += tr("<br>Fixed test set %1: %2 rows read, %3 kept, %4 rejected.")
                .arg(QFileInfo(QString::fromStdString(s.test_report->path)).fileName().toHtmlEscaped())
                .arg(s.test_report->rows_read)
                .arg(s.test_report->rows_kept)
                .arg(s.test_report->rejected.size());
  }
  summary_->setText(text);
  showLengths(s);
  // The examples: moved in, not copied.
  undo_->clear();
  model_->reset(std::move(s.dataset.examples), std::move(s.splits));
  Q_EMIT importFinished(true);
}

void DataPage::showLengths(const tb::data::DataSnapshot& s) {
  const auto& a = s.audit;
  QVector<double> edges, counts;
  for (const auto e : a.lengths.edges) edges << static_cast<double>(e);
  for (const auto c : a.lengths.counts) counts << static_cast<double>(c);
  histogram_->setHistogram(edges, counts, tr("length in %1").arg(QString::fromStdString(a.lengths.unit)),
                           static_cast<double>(s.settings.audit.max_tokens));
  const QString unit = s.settings.tokenizer_model.empty()
                           ? tr("words")
                           : tr("tokens of %1").arg(QString::fromStdString(s.settings.tokenizer_model.filename().string()));
  QString labels;
  if (!a.label_counts.empty()) {
    qint64 total = 0;
    for (const auto& [label, count] : a.label_counts) total += count;
    QStringList parts;
    for (const auto& [label, count] : a.label_counts) {
      parts << tr("%1: %2 (%3 %)").arg(QString::fromStdString(label).toHtmlEscaped()).arg(count).arg(100.0 * count / total, 0, 'f', 1);
    }
    labels = tr("<br>Labels (column %1): %2").arg(QString::fromStdString(s.dataset.mapping.label).toHtmlEscaped(),
                                                parts.join(QStringLiteral(", ")));
  }
  lengths_->setText(tr("Mean %1 %2, longest %3; %4 over the training length of %5 would be cut.")
                        .arg(a.lengths.mean, 0, 'f', 1)
                        .arg(unit)
                        .arg(a.lengths.max_length)
                        .arg(a.lengths.over_max)
                        .arg(s.settings.audit.max_tokens) +
                    labels);
}

bool DataPage::showSourceLine(qint64 line) {
  const auto& ex = model_->examples();
  for (std::size_t row = 0; row < ex.size(); ++row) {
    if (ex[row].source_line != line) continue;
    tabs_->setCurrentIndex(0);
    const QModelIndex index = model_->index(static_cast<int>(row), ExamplesModel::Prompt);
    table_->scrollTo(index, QAbstractItemView::PositionAtCenter);
    table_->selectRow(static_cast<int>(row));
    return true;
  }
  return false;
}

int DataPage::dropLeakingExamples() {
  const auto& ex = model_->examples();
  const std::vector<qint64>& leaks = problems_->leakLines();
  QList<int> rows;
  for (std::size_t row = 0; row < ex.size(); ++row) {
    if (std::find(leaks.begin(), leaks.end(), ex[row].source_line) != leaks.end()) {
      rows << static_cast<int>(row);
    }
  }
  if (rows.isEmpty()) return 0;
  undo_->beginMacro(tr("drop %n leaking example(s)", nullptr, static_cast<int>(rows.size())));
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) undo_->push(new RemoveExampleCommand(model_, *it));
  undo_->endMacro();
  problems_->setDropEnabled(false);
  return static_cast<int>(rows.size());
}

bool DataPage::saveExamples(const QString& path, QString* error) {
  try {
    tb::data::save_examples_jsonl(path.toStdString(), model_->examples());
    undo_->setClean();
    return true;
  } catch (const tb::Error& e) {
    if (error != nullptr) *error = QString::fromStdString(e.what());
    return false;
  }
}

QString DataPage::summaryText() const { return summary_->text(); }

void DataPage::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls() && !event->mimeData()->urls().isEmpty() &&
      event->mimeData()->urls().front().isLocalFile()) {
    event->acceptProposedAction();
  }
}

void DataPage::dropEvent(QDropEvent* event) {
  const auto urls = event->mimeData()->urls();
  if (!urls.isEmpty() && urls.front().isLocalFile()) openFile(urls.front().toLocalFile());
}

}  // namespace tbui
