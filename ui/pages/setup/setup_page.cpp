// SetupPage (see setup_page.h).
#include "ui/pages/setup/setup_page.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QTabWidget>
#include <QVBoxLayout>

#include "core/common/error.h"
#include "core/train/setting_fields.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/pages/setup/estimate_panel.h"
#include "ui/pages/setup/sweep_panel.h"
#include "ui/pages/setup/training_presets.h"
#include "ui/project/project_session.h"
#include "ui/widgets/page_header.h"
#include "ui/widgets/palette.h"

namespace tbui {
namespace {

using tb::train::TrainConfig;
using tb::train::TrainMethod;

QScrollArea* scrolled(QWidget* content, QWidget* parent) {
  auto* area = new QScrollArea(parent);
  area->setWidgetResizable(true);
  area->setFrameShape(QFrame::NoFrame);
  area->setWidget(content);
  return area;
}

}  // namespace

SetupPage::SetupPage(EngineBridge* bridge, ProjectSession* session, QWidget* parent)
    : QWidget(parent), bridge_(bridge), session_(session) {
  setObjectName(QStringLiteral("setupPage"));
  loading_ = true;  // building the widgets sets values: not the user's edits (showConfig ends it)
  auto* layout = pageLayout(
      this, tr("Setup"),
      tr("Choose how the model learns: which weights change, how fast and for how long. Start "
         "from a preset; every setting explains itself when you hover over it. The estimate on "
         "the right says whether the run fits this machine."));

  auto* presets = new QHBoxLayout;
  presets->addWidget(new QLabel(tr("Start from a preset:"), this));
  for (const TrainingPreset& p : trainingPresets()) {
    auto* b = new QPushButton(p.title, this);
    b->setObjectName(QStringLiteral("preset") + p.title);
    b->setToolTip(p.description);
    connect(b, &QPushButton::clicked, this, [this, name = p.name] { applyPreset(name); });
    presets->addWidget(b);
  }
  presetInfo_ = new QLabel(this);
  presetInfo_->setWordWrap(true);
  presets->addWidget(presetInfo_, 1);
  layout->addLayout(presets);

  note_ = new QLabel(this);
  note_->setObjectName(QStringLiteral("setupNote"));
  note_->setWordWrap(true);
  note_->setStyleSheet(QStringLiteral("background:#eef4fb;color:#1f4e79;padding:4px"));
  note_->hide();
  layout->addWidget(note_);
  error_ = new QLabel(this);
  error_->setObjectName(QStringLiteral("setupError"));
  error_->setWordWrap(true);
  error_->setStyleSheet(errorStyle(true));
  layout->addWidget(error_);

  auto* columns = new QHBoxLayout;
  tabs_ = new QTabWidget(this);
  tabs_->setObjectName(QStringLiteral("setupTabs"));
  tabs_->addTab(scrolled(buildBasics(), tabs_), tr("Basics"));
  tabs_->addTab(scrolled(buildAdvanced(), tabs_), tr("Advanced"));
  columns->addWidget(tabs_, 3);
  auto* right = new QWidget(this);
  auto* rightLayout = new QVBoxLayout(right);
  rightLayout->setContentsMargins(0, 0, 0, 0);
  estimate_ = new EstimatePanel(right);
  sweep_ = new SweepPanel(bridge_, session_, right);
  rightLayout->addWidget(estimate_);
  rightLayout->addWidget(sweep_);
  rightLayout->addStretch(1);
  columns->addWidget(scrolled(right, this), 2);
  layout->addLayout(columns, 1);

  connect(estimate_, &EstimatePanel::suggestionChosen, this, &SetupPage::applySuggestion);
  connect(sweep_, &SweepPanel::bestSettingsChosen, this, [this](const TrainConfig& c) {
    setConfig(c);
    setNote(tr("Using the sweep's best settings: learning rate %1, %2, micro-batch %3.")
                .arg(c.learning_rate, 0, 'g', 3)
                .arg(c.epochs == 1 ? tr("1 epoch") : tr("%1 epochs").arg(c.epochs))
                .arg(c.micro_batch));
  });
  connect(session_, &ProjectSession::opened, this, [this] { onProjectChanged(true); });
  connect(session_, &ProjectSession::changed, this, [this] { onProjectChanged(false); });
  connect(bridge_, &EngineBridge::deviceProbed, this, &SetupPage::setDevice);
  if (bridge_->device()) setDevice(*bridge_->device());
  showConfig(session_->project().training);
  estimate_->setProject(session_->project());
}

// ---- Settings in and out -----------------------------------------------------------------------

void SetupPage::showConfig(const TrainConfig& config) {
  loading_ = true;
  for (const Binding& b : bindings_) b.show(config);
  loading_ = false;
  updateMethodOptions();
}

QString SetupPage::problemWith(const TrainConfig& config) const {
  try {
    config.validate();  // every field's range from the settings table, as a run checks it
  } catch (const tb::Error& e) {
    // Named by the form's label ("Learning rate: must be above 0 and below 1 (it is 1.5)").
    for (const auto& f : tb::train::setting_fields()) {
      if (e.where().field == f.key) {
        return tr("%1: %2").arg(QString::fromUtf8(f.label), QString::fromStdString(e.message()));
      }
    }
    return QString::fromStdString(e.what());
  }
  return {};
}

void SetupPage::onEdited() {
  if (loading_) return;
  TrainConfig candidate = session_->project().training;
  QString problem;
  for (const Binding& b : bindings_) {
    const QString why = b.read(candidate);
    if (problem.isEmpty()) problem = why;
  }
  updateMethodOptions();
  if (problem.isEmpty()) problem = problemWith(candidate);
  error_->setText(problem);
  if (problem.isEmpty()) store(candidate);
}

void SetupPage::store(const TrainConfig& config) {
  if (tb::train::same_settings(config, session_->project().training)) return;
  storing_ = true;
  session_->update([config](tb::Project& p) { p.training = config; });
  storing_ = false;
  estimate_->setProject(session_->project());
  sweep_->refreshCount();
  Q_EMIT configChanged(config);
}

void SetupPage::setConfig(const TrainConfig& config) {
  showConfig(config);
  const QString problem = problemWith(config);
  error_->setText(problem);
  if (problem.isEmpty()) store(config);
}

void SetupPage::onProjectChanged(bool opened) {
  if (storing_) return;
  estimate_->setProject(session_->project());  // its data, model or stages may have changed
  const TrainConfig& stored = session_->project().training;
  if (!opened) {
    // Another page changed the project. Keep the form when it already shows the stored settings,
    // or while the user is typing a value that is not valid yet.
    TrainConfig shown = stored;
    for (const Binding& b : bindings_) {
      if (!b.read(shown).isEmpty()) return;
    }
    if (tb::train::same_settings(shown, stored)) return;
  }
  showConfig(stored);
  error_->clear();
  if (opened) setNote({});
  sweep_->refreshCount();
}

void SetupPage::updateMethodOptions() {
  const int id = method_->checkedId();
  loraBox_->setVisible(id == static_cast<int>(TrainMethod::Lora));
  freezeBox_->setVisible(id == static_cast<int>(TrainMethod::Freeze));
}

void SetupPage::setMethod(TrainMethod method) {
  method_->button(static_cast<int>(method))->setChecked(true);
}

bool SetupPage::applyPreset(const QString& name) {
  const TrainingPreset* preset = findTrainingPreset(name);
  if (preset == nullptr) return false;
  TrainConfig c = session_->project().training;
  preset->apply(c);
  setConfig(c);
  presetInfo_->setText(preset->description);
  setNote(tr("The %1 preset is applied; change any setting below.").arg(preset->title));
  return true;
}

void SetupPage::applyLowerLearningRate() {
  TrainConfig c = session_->project().training;
  const double before = c.learning_rate;
  c.learning_rate = before / 2;
  setConfig(c);
  setNote(tr("Learning rate halved to %1 (was %2) because the loss diverged. Start the run again "
             "on the "
             "Train step.")
              .arg(c.learning_rate, 0, 'g', 3)
              .arg(before, 0, 'g', 3));
}

void SetupPage::applySuggestion(const TrainConfig& config, const QString& text) {
  setConfig(config);
  setNote(tr("Applied: %1").arg(text));
}

void SetupPage::setNote(const QString& text) {
  note_->setText(text);
  note_->setVisible(!text.isEmpty());
}

// ---- Inputs from other steps -------------------------------------------------------------------

void SetupPage::setDevice(const tb::DeviceInfo& info) {
  // One entry per further GPU ("cuda" is the first).
  const bool wasLoading = loading_;
  loading_ = true;
  for (const tb::GpuInfo& gpu : info.gpus) {
    if (gpu.index < 1) continue;
    const QString value = QStringLiteral("cuda:%1").arg(gpu.index);
    if (deviceCombo_->findData(value) < 0) {
      deviceCombo_->addItem(tr("GPU %1 (%2)").arg(gpu.index).arg(QString::fromStdString(gpu.name)),
                            value);
    }
  }
  if (!info.gpus.empty()) {
    deviceCombo_->setItemText(deviceCombo_->findData(QStringLiteral("cuda")),
                              tr("GPU 0 (%1)").arg(QString::fromStdString(info.gpus.front().name)));
  }
  loading_ = wasLoading;
  estimate_->setDevice(info);
}

void SetupPage::refreshEstimateNow() {
  estimate_->setProject(session_->project());
  estimate_->refreshNow();
}

tb::train::TrainConfig SetupPage::currentConfig() const { return session_->project().training; }
QString SetupPage::estimateText() const { return estimate_->text(); }
quint64 SetupPage::estimatedBytes() const { return estimate_->totalBytes(); }
QString SetupPage::errorText() const { return error_->text(); }
QString SetupPage::noteText() const { return note_->text(); }
QList<QAbstractButton*> SetupPage::methodButtons() const {
  return {method_->button(static_cast<int>(TrainMethod::Full)),
          method_->button(static_cast<int>(TrainMethod::Lora)),
          method_->button(static_cast<int>(TrainMethod::Freeze))};
}

}  // namespace tbui
