// DataPage (see data_page.h).
#include "ui/pages/data/data_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QTreeWidget>
#include <QUndoStack>
#include <QVBoxLayout>

#include <numeric>

#include "core/common/error.h"
#include "core/data/dataset_store.h"
#include "core/data/prompt_template.h"
#include "core/engine/locations.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/pages/data/example_commands.h"
#include "ui/pages/data/examples_model.h"
#include "ui/widgets/histogram_view.h"

namespace tbui {
namespace {

constexpr int kLineRole = Qt::UserRole + 1;  // a problem item's source line (0 = none)
constexpr int kMaxItemsPerFinding = 1000;    // the tree lists this many; the count says the rest

QString lineText(const tb::data::Example& e) { return QObject::tr("line %1").arg(e.source_line); }

QTreeWidgetItem* category(QTreeWidget* tree, const QString& title, qint64 count) {
  auto* item = new QTreeWidgetItem(tree, {QStringLiteral("%1 (%2)").arg(title).arg(count)});
  QFont bold = item->font(0);
  bold.setBold(true);
  item->setFont(0, bold);
  return item;
}

void child(QTreeWidgetItem* parent, const QString& where, const QString& what, qint64 line, const QString& tip = {}) {
  if (parent->childCount() == kMaxItemsPerFinding) {
    new QTreeWidgetItem(parent, {QObject::tr("… and more"), QObject::tr("see tunebench-cli audit --json")});
  }
  if (parent->childCount() > kMaxItemsPerFinding) return;
  auto* item = new QTreeWidgetItem(parent, {where, what});
  item->setData(0, kLineRole, line);
  if (!tip.isEmpty()) item->setToolTip(1, tip);
}

}  // namespace

DataPage::DataPage(EngineBridge* bridge, QWidget* parent)
    : QWidget(parent), bridge_(bridge), undo_(new QUndoStack(this)), model_(new ExamplesModel(undo_, this)) {
  setObjectName(QStringLiteral("dataPage"));
  setAcceptDrops(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(24, 18, 24, 12);
  auto* title = new QLabel(tr("<h2>Data</h2>Bring a JSONL, JSON, CSV, TSV or text file — drop it here or open it. "
                              "Rows that cannot be used are listed with their line and why; the file itself is never "
                              "changed."),
                           this);
  title->setWordWrap(true);
  layout->addWidget(title);

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

  auto* settingsRow = new QHBoxLayout;
  auto* form = new QFormLayout;
  shape_ = new QComboBox(this);
  shape_->setObjectName(QStringLiteral("shape"));
  shape_->addItem(tr("Detect from the columns"), QString());
  for (const char* s : {"prompt_completion", "alpaca", "messages", "sharegpt", "text", "columns"}) {
    shape_->addItem(QString::fromLatin1(s), QString::fromLatin1(s));
  }
  shape_->setToolTip(tr("How rows become conversations: prompt/completion pairs, Alpaca, chat messages, ShareGPT, "
                        "raw text for continued pre-training, or any columns through a template"));
  template_ = new QComboBox(this);
  template_->setObjectName(QStringLiteral("template"));
  template_->addItem(tr("None (use the columns as they are)"), QString());
  for (const auto& t : tb::data::template_presets()) {
    template_->addItem(QString::fromStdString(t.name), QString::fromStdString(t.name));
    template_->setItemData(template_->count() - 1, QString::fromStdString(t.description), Qt::ToolTipRole);
  }
  form->addRow(tr("Shape"), shape_);
  form->addRow(tr("Template"), template_);
  auto columnCombo = [this](const QString& tip) {
    auto* box = new QComboBox(this);
    box->addItem(tr("Detect"), QVariant());
    box->setToolTip(tip);
    box->setMinimumContentsLength(10);
    return box;
  };
  labelColumn_ = columnCombo(tr("The column with each example's label: for stratified splits and label balance"));
  taskColumn_ = columnCombo(tr("The column naming each example's task: for stratified splits by task"));
  groupColumn_ = columnCombo(tr("The column grouping examples (e.g. a source document id): groups stay in one split"));
  auto* columnsRow = new QHBoxLayout;
  columnsRow->addWidget(labelColumn_);
  columnsRow->addWidget(new QLabel(tr("Task"), this));
  columnsRow->addWidget(taskColumn_);
  columnsRow->addWidget(new QLabel(tr("Group"), this));
  columnsRow->addWidget(groupColumn_);
  form->addRow(tr("Label"), columnsRow);
  settingsRow->addLayout(form);
  auto* splitForm = new QFormLayout;
  auto* ratios = new QHBoxLayout;
  auto ratio = [this, ratios](double value, const QString& tip) {
    auto* box = new QDoubleSpinBox(this);
    box->setRange(0, 1);
    box->setSingleStep(0.05);
    box->setDecimals(2);
    box->setValue(value);
    box->setToolTip(tip);
    box->setMaximumWidth(90);
    ratios->addWidget(box);
    return box;
  };
  train_ = ratio(0.8, tr("Share of examples the model learns from"));
  validation_ = ratio(0.1, tr("Share held out to watch for overfitting during training"));
  test_ = ratio(0.1, tr("Share held out for the final, honest score"));
  seed_ = new QSpinBox(this);
  seed_->setRange(0, 1 << 30);
  seed_->setValue(42);
  seed_->setToolTip(tr("The same seed gives the same split"));
  stratify_ = new QComboBox(this);
  stratify_->addItem(tr("No"), int(tb::data::StratifyBy::None));
  stratify_->addItem(tr("By label"), int(tb::data::StratifyBy::Label));
  stratify_->addItem(tr("By task"), int(tb::data::StratifyBy::Task));
  stratify_->setToolTip(tr("Keep each label's (or task's) share the same in every split"));
  byGroup_ = new QCheckBox(tr("Keep groups together"), this);
  byGroup_->setToolTip(tr("Examples with the same group id (e.g. one source document) all go to one split, so "
                          "nothing of a document leaks from training into the test"));
  auto* seedRow = new QHBoxLayout;
  seedRow->addWidget(seed_);
  seedRow->addWidget(new QLabel(tr("Stratify"), this));
  seedRow->addWidget(stratify_);
  seedRow->addWidget(byGroup_);
  testFile_ = new QPushButton(tr("Fixed test file…"), this);
  testFile_->setToolTip(tr("Use your own test set: every example of that file goes to test. Set the test share "
                           "above to 0 then."));
  seedRow->addWidget(testFile_);
  ratios->addStretch(1);
  seedRow->addStretch(1);
  seed_->setMaximumWidth(110);
  splitForm->addRow(tr("Train / validation / test"), ratios);
  splitForm->addRow(tr("Seed"), seedRow);
  settingsRow->addLayout(splitForm);
  settingsRow->addStretch(1);
  layout->addLayout(settingsRow);

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

  auto* problemsTab = new QWidget(tabs_);
  auto* problemsLayout = new QVBoxLayout(problemsTab);
  problemsLayout->setContentsMargins(0, 4, 0, 0);
  dropLeaks_ = new QPushButton(tr("Drop the leaking validation and test examples"), problemsTab);
  dropLeaks_->setEnabled(false);
  dropLeaks_->setToolTip(tr("Each text shared across splits stays only in the earliest split (train, then "
                            "validation, then test). Undoable."));
  problemsLayout->addWidget(dropLeaks_, 0, Qt::AlignLeft);
  problems_ = new QTreeWidget(problemsTab);
  problems_->setObjectName(QStringLiteral("problems"));
  problems_->setHeaderLabels({tr("Where"), tr("What")});
  problems_->setColumnWidth(0, 320);
  problemsLayout->addWidget(problems_);
  tabs_->addTab(problemsTab, tr("Problems"));

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
  connect(testFile_, &QPushButton::clicked, this, [this] {
    setTestFile(QFileDialog::getOpenFileName(this, tr("Open a fixed test set"), {},
                                             tr("Datasets (*.jsonl *.json *.csv *.tsv *.txt);;All files (*)")));
  });
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
  connect(dropLeaks_, &QPushButton::clicked, this, &DataPage::dropLeakingExamples);
  connect(problems_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) { activateProblem(item); });
  connect(problems_, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) { activateProblem(item); });
  connect(bridge_, &EngineBridge::jobProgress, this, &DataPage::onProgress);
  connect(bridge_, &EngineBridge::dataAudited, this, &DataPage::onAudited);
  connect(bridge_, &EngineBridge::jobStateChanged, this, &DataPage::onJobState);
}

tb::data::DataJobSettings DataPage::settings(const QString& path) const {
  tb::data::DataJobSettings s;
  s.path = path.toStdString();
  s.split.train = train_->value();
  s.split.validation = validation_->value();
  s.split.test = test_->value();
  s.split.seed = static_cast<std::uint64_t>(seed_->value());
  s.split.stratify = static_cast<tb::data::StratifyBy>(stratify_->currentData().toInt());
  s.split.by_group = byGroup_->isChecked();
  s.test_path = testPath_.toStdString();
  auto column = [](const QComboBox* box) -> std::optional<std::string> {
    const QVariant v = box->currentData();
    if (!v.isValid()) return std::nullopt;  // detect
    return v.toString().toStdString();      // a column, or "" for none
  };
  s.mapping.label_column = column(labelColumn_);
  s.mapping.task_column = column(taskColumn_);
  s.mapping.group_column = column(groupColumn_);
  // Lengths in the demo model's tokens while no other model is chosen (the Model step).
  const auto demo = tb::Locations::from_environment().demo_model();
  std::error_code ec;
  if (std::filesystem::is_regular_file(demo, ec)) s.tokenizer_model = demo;
  const QString shape = shape_->currentData().toString();
  const QString preset = template_->currentData().toString();
  if (!shape.isEmpty()) s.mapping.shape = tb::data::dataset_format_from_string(shape.toStdString());
  if (preset == QLatin1String("custom") && customTemplate_) {
    s.mapping.prompt_template = *customTemplate_;
  } else if (!preset.isEmpty()) {
    s.mapping.prompt_template = *tb::data::find_template_preset(preset.toStdString());
  }
  s.mapping.keep_going_on_mapping_error = true;  // the columns still reach the Template step
  return s;
}

void DataPage::openFile(const QString& path) {
  if (path.isEmpty()) return;
  if (job_ != 0) bridge_->cancelJob(job_);
  path_ = path;
  file_->setText(QFileInfo(path).fileName());
  file_->setToolTip(path);
  progress_->setValue(0);
  progress_->setFormat(tr("reading… %p%"));
  progress_->setVisible(true);
  cancel_->setVisible(true);
  reimport_->setEnabled(false);
  try {
    job_ = bridge_->importDataset(settings(path));
  } catch (const tb::Error& e) {
    job_ = 0;
    summary_->setText(QString::fromStdString(e.what()).toHtmlEscaped());
    progress_->setVisible(false);
    cancel_->setVisible(false);
    Q_EMIT importFinished(false);
  }
}

tb::DataSource DataPage::currentSource(bool* customTemplate) const {
  tb::DataSource source;
  source.path = path_.toStdString();
  source.shape = shape_->currentData().toString().toStdString();
  const QString preset = template_->currentData().toString();
  if (customTemplate != nullptr) *customTemplate = preset == QLatin1String("custom");
  if (preset != QLatin1String("custom")) source.prompt_template = preset.toStdString();
  const auto s = settings(path_);
  source.split = s.split;
  source.test_path = s.test_path;
  return source;
}

void DataPage::openSource(const tb::DataSource& source, const QString& path, const QString& testPath) {
  const int shape = shape_->findData(QString::fromStdString(source.shape));
  shape_->setCurrentIndex(shape >= 0 ? shape : 0);
  const int preset = template_->findData(QString::fromStdString(source.prompt_template));
  template_->setCurrentIndex(preset >= 0 ? preset : 0);
  train_->setValue(source.split.train);
  validation_->setValue(source.split.validation);
  test_->setValue(source.split.test);
  seed_->setValue(static_cast<int>(source.split.seed));
  const int stratify = stratify_->findData(static_cast<int>(source.split.stratify));
  if (stratify >= 0) stratify_->setCurrentIndex(stratify);
  byGroup_->setChecked(source.split.by_group);
  setTestFile(testPath);
  openFile(path);
}

void DataPage::useTemplate(const tb::data::PromptTemplate& t) {
  customTemplate_ = t;
  int index = template_->findData(QStringLiteral("custom"));
  if (index < 0) {
    template_->addItem(tr("Custom (from the Template step)"), QStringLiteral("custom"));
    index = template_->count() - 1;
  }
  template_->setCurrentIndex(index);
  if (!path_.isEmpty()) openFile(path_);
}

void DataPage::addExample(const tb::data::Example& example) {
  undo_->push(new InsertExampleCommand(model_, model_->rowCount(), example, tb::data::Split::Train));
  tabs_->setCurrentIndex(0);
  table_->selectRow(model_->rowCount() - 1);
  table_->scrollToBottom();
}

QString DataPage::lengthsText() const { return lengths_->text(); }

void DataPage::setTestFile(const QString& path) {
  testPath_ = path;
  testFile_->setText(path.isEmpty() ? tr("Fixed test file…") : tr("Test: %1").arg(QFileInfo(path).fileName()));
  if (!path.isEmpty()) test_->setValue(0);
}

void DataPage::cancelImport() {
  if (job_ != 0) bridge_->cancelJob(job_);
}

void DataPage::onProgress(quint64 job, double fraction, const QString& what) {
  if (job != job_) return;
  progress_->setValue(static_cast<int>(fraction * 1000));
  progress_->setFormat(what + QStringLiteral("… %p%"));
}

void DataPage::onJobState(quint64 job, const QString&, const QString& state, const QString& message) {
  // A job cancelled before it started reports no data, only this state.
  const bool failed = state == QLatin1String("failed"), cancelled = state == QLatin1String("cancelled");
  if (job != job_ || !(failed || cancelled)) return;
  job_ = 0;
  progress_->setVisible(false);
  cancel_->setVisible(false);
  reimport_->setEnabled(true);
  summary_->setText(failed ? QStringLiteral("<b style='color:#b22'>%1</b>").arg(message.toHtmlEscaped())
                           : tr("<b>Import cancelled</b> before any row was read."));
  Q_EMIT importFinished(false);
}

void DataPage::onAudited(quint64 job, std::shared_ptr<tb::data::DataSnapshot> snapshot) {
  if (job != job_ || !snapshot) return;
  job_ = 0;
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
  for (QComboBox* box : {labelColumn_, taskColumn_, groupColumn_}) {
    const QVariant chosen = box->currentData();
    box->blockSignals(true);
    box->clear();
    box->addItem(tr("Detect"), QVariant());
    box->addItem(tr("None"), QString());
    for (const QString& c : columns) box->addItem(c, c);
    const int keep = chosen.isValid() ? box->findData(chosen) : 0;
    box->setCurrentIndex(keep < 0 ? 0 : keep);
    box->blockSignals(false);
  }
  if (!s.dataset.mapping_error.empty()) {
    problems_->clear();
    undo_->clear();
    model_->reset({}, {});
    summary_->setText(QStringLiteral("<b style='color:#b22'>%1</b><br>%2")
                          .arg(QString::fromStdString(s.dataset.mapping_error).toHtmlEscaped(),
                               tr("Choose a template above, or write one on the Template step.")));
    Q_EMIT importFinished(false);
    return;
  }
  fillProblems(s);
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
  // Lengths.
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
  // The examples: moved in, not copied.
  undo_->clear();
  model_->reset(std::move(s.dataset.examples), std::move(s.splits));
  Q_EMIT importFinished(true);
}

void DataPage::fillProblems(const tb::data::DataSnapshot& s) {
  problems_->clear();
  leakLines_.clear();
  const auto& ex = s.dataset.examples;
  const auto& r = s.dataset.report;
  const auto& a = s.audit;
  auto at = [&](std::int64_t i) -> const tb::data::Example& { return ex[static_cast<std::size_t>(i)]; };
  auto splitOf = [&](std::int64_t i) { return QString::fromLatin1(tb::data::to_string(s.splits[static_cast<std::size_t>(i)])); };
  std::vector<tb::data::RowIssue> rejected = r.rejected;
  if (s.test_report) rejected.insert(rejected.end(), s.test_report->rejected.begin(), s.test_report->rejected.end());
  if (!rejected.empty()) {
    auto* c = category(problems_, tr("Rows not imported"), static_cast<qint64>(rejected.size()));
    for (const auto& i : rejected) {
      child(c, QStringLiteral("%1:%2").arg(QFileInfo(QString::fromStdString(i.file)).fileName()).arg(i.line),
            QString::fromStdString(i.reason), 0, QString::fromStdString(i.raw));
    }
  }
  if (!a.leak_drop.empty()) {
    auto* c = category(problems_, tr("Leaking across splits: to drop from validation and test"),
                       static_cast<qint64>(a.leak_drop.size()));
    for (const auto i : a.leak_drop) {
      leakLines_.push_back(at(i).source_line);
      child(c, lineText(at(i)) + QStringLiteral(" (%1)").arg(splitOf(i)), QString::fromStdString(at(i).prompt_text()).left(200),
            at(i).source_line);
    }
  }
  if (!a.exact_duplicate_groups.empty()) {
    auto* c = category(problems_, tr("Exact duplicates (groups)"), static_cast<qint64>(a.exact_duplicate_groups.size()));
    for (const auto& g : a.exact_duplicate_groups) {
      QStringList lines;
      for (const auto i : g) lines << QStringLiteral("%1 (%2)").arg(at(i).source_line).arg(splitOf(i));
      child(c, tr("lines ") + lines.join(QStringLiteral(", ")), QString::fromStdString(at(g.front()).prompt_text()).left(200),
            at(g.front()).source_line);
    }
  }
  if (!a.near_duplicates.empty()) {
    auto* c = category(problems_, tr("Near-duplicates (pairs)"), static_cast<qint64>(a.near_duplicates.size()));
    for (const auto& p : a.near_duplicates) {
      child(c, tr("lines %1 (%2) ~ %3 (%4)").arg(at(p.a).source_line).arg(splitOf(p.a)).arg(at(p.b).source_line).arg(splitOf(p.b)),
            tr("Jaccard %1").arg(p.jaccard, 0, 'f', 2), at(p.a).source_line);
    }
  }
  auto rows = [&](const QString& title, const std::vector<std::int64_t>& list) {
    if (list.empty()) return;
    auto* c = category(problems_, title, static_cast<qint64>(list.size()));
    for (const auto i : list) {
      child(c, lineText(at(i)), QString::fromStdString(at(i).completion_text()).left(200), at(i).source_line);
    }
  };
  rows(tr("Empty completions"), a.empty_completions);
  rows(tr("Very short completions"), a.short_completions);
  for (const auto& [kind, list] : a.pii_examples) {
    rows(tr("Personal data: %1").arg(QString::fromStdString(kind).replace(QLatin1Char('_'), QLatin1Char(' '))), list);
  }
  if (problems_->topLevelItemCount() == 0) {
    new QTreeWidgetItem(problems_, {tr("No problems found"), tr("every row was imported and the audit is clean")});
  }
  dropLeaks_->setEnabled(!leakLines_.empty());
  problems_->expandAll();
}

void DataPage::activateProblem(QTreeWidgetItem* item) {
  const qint64 line = item != nullptr ? item->data(0, kLineRole).toLongLong() : 0;
  if (line > 0) showSourceLine(line);
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
  QList<int> rows;
  for (std::size_t row = 0; row < ex.size(); ++row) {
    if (std::find(leakLines_.begin(), leakLines_.end(), ex[row].source_line) != leakLines_.end()) {
      rows << static_cast<int>(row);
    }
  }
  if (rows.isEmpty()) return 0;
  undo_->beginMacro(tr("drop %n leaking example(s)", nullptr, static_cast<int>(rows.size())));
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) undo_->push(new RemoveExampleCommand(model_, *it));
  undo_->endMacro();
  dropLeaks_->setEnabled(false);
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
