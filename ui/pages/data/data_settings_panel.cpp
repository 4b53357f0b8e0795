// DataSettingsPanel (see data_settings_panel.h).
#include "ui/pages/data/data_settings_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

#include "core/data/prompt_template.h"
#include "core/engine/locations.h"

namespace tbui {

DataSettingsPanel::DataSettingsPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("dataSettings"));
  auto* settingsRow = new QHBoxLayout(this);
  settingsRow->setContentsMargins(0, 0, 0, 0);
  auto* form = new QFormLayout;
  shape_ = new QComboBox(this);
  shape_->setObjectName(QStringLiteral("shape"));
  shape_->addItem(tr("Detect from the columns"), QString());
  for (const char* s : {"prompt_completion", "alpaca", "messages", "sharegpt", "text", "columns"}) {
    shape_->addItem(QString::fromLatin1(s), QString::fromLatin1(s));
  }
  shape_->setToolTip(
      tr("How rows become conversations: prompt/completion pairs, Alpaca, chat messages, ShareGPT, "
         "raw text for continued pre-training, or any columns through a template"));
  template_ = new QComboBox(this);
  template_->setObjectName(QStringLiteral("template"));
  template_->addItem(tr("None (use the columns as they are)"), QString());
  for (const auto& t : tb::data::template_presets()) {
    template_->addItem(QString::fromStdString(t.name), QString::fromStdString(t.name));
    template_->setItemData(template_->count() - 1, QString::fromStdString(t.description),
                           Qt::ToolTipRole);
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
  labelColumn_ = columnCombo(
      tr("The column with each example's label: for stratified splits and label balance"));
  taskColumn_ =
      columnCombo(tr("The column naming each example's task: for stratified splits by task"));
  groupColumn_ = columnCombo(
      tr("The column grouping examples (e.g. a source document id): groups stay in one split"));
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
  byGroup_->setToolTip(
      tr("Examples with the same group id (e.g. one source document) all go to one split, so "
         "nothing of a document leaks from training into the test"));
  auto* seedRow = new QHBoxLayout;
  seedRow->addWidget(seed_);
  seedRow->addWidget(new QLabel(tr("Stratify"), this));
  seedRow->addWidget(stratify_);
  seedRow->addWidget(byGroup_);
  testFile_ = new QPushButton(tr("Fixed test file…"), this);
  testFile_->setToolTip(
      tr("Use your own test set: every example of that file goes to test. Set the test share "
         "above to 0 then."));
  seedRow->addWidget(testFile_);
  ratios->addStretch(1);
  seedRow->addStretch(1);
  seed_->setMaximumWidth(110);
  splitForm->addRow(tr("Train / validation / test"), ratios);
  splitForm->addRow(tr("Seed"), seedRow);
  settingsRow->addLayout(splitForm);
  settingsRow->addStretch(1);
  connect(testFile_, &QPushButton::clicked, this, [this] {
    setTestFile(QFileDialog::getOpenFileName(
        this, tr("Open a fixed test set"), {},
        tr("Datasets (*.jsonl *.json *.csv *.tsv *.txt);;All files (*)")));
  });
}

tb::data::DataJobSettings DataSettingsPanel::jobSettings(const QString& path) const {
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

tb::DataSource DataSettingsPanel::source(const QString& path, bool* customTemplate) const {
  tb::DataSource source;
  source.path = path.toStdString();
  source.shape = shape_->currentData().toString().toStdString();
  const QString preset = template_->currentData().toString();
  if (customTemplate != nullptr) *customTemplate = preset == QLatin1String("custom");
  if (preset != QLatin1String("custom")) source.prompt_template = preset.toStdString();
  const auto s = jobSettings(path);
  source.split = s.split;
  source.test_path = s.test_path;
  return source;
}

void DataSettingsPanel::applySource(const tb::DataSource& source) {
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
}

void DataSettingsPanel::useTemplate(const tb::data::PromptTemplate& t) {
  customTemplate_ = t;
  int index = template_->findData(QStringLiteral("custom"));
  if (index < 0) {
    template_->addItem(tr("Custom (from the Template step)"), QStringLiteral("custom"));
    index = template_->count() - 1;
  }
  template_->setCurrentIndex(index);
}

void DataSettingsPanel::setTestFile(const QString& path) {
  testPath_ = path;
  testFile_->setText(path.isEmpty() ? tr("Fixed test file…")
                                    : tr("Test: %1").arg(QFileInfo(path).fileName()));
  if (!path.isEmpty()) test_->setValue(0);
}

void DataSettingsPanel::offerColumns(const QStringList& columns) {
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
}

}  // namespace tbui
