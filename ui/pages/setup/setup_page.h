// The Setup step: how to train. The method (full, LoRA, freeze) with its trade-offs in plain
// words, the Quick / Balanced / Thorough presets, every training setting with a tooltip, checked
// by TrainConfig::validate() as it is typed (the fields, labels, tooltips and ranges are the settings
// table's, core/train/setting_fields.h) (only valid settings reach the project, which saves
// itself), a live memory and time estimate with fixes that apply in one click, and a sweep.
// It reads and writes ProjectSession's training settings; it never trains.
#pragma once

#include <QList>
#include <QPair>
#include <QWidget>
#include <functional>
#include <optional>
#include <vector>

#include "core/engine/device.h"
#include "core/model/model_config.h"
#include "core/train/memory_estimate.h"
#include "core/train/train_config.h"

class QAbstractButton;
class QButtonGroup;
class QCheckBox;
class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTabWidget;

namespace tbui {

class EngineBridge;
class EstimatePanel;
class ProjectSession;
class SweepPanel;

class SetupPage : public QWidget {
  Q_OBJECT

 public:
  SetupPage(EngineBridge* bridge, ProjectSession* session, QWidget* parent = nullptr);

  // The machine (EngineBridge::deviceProbed is connected already).
  void setDevice(const tb::DeviceInfo& info);

  // The last valid settings: what the project holds (the form edits them in place).
  tb::train::TrainConfig currentConfig() const;
  // Shows `config` and stores it in the project when valid (else shows why, in place).
  void setConfig(const tb::train::TrainConfig& config);
  void setMethod(tb::train::TrainMethod method);
  // "quick", "balanced" or "thorough"; false for another name.
  bool applyPreset(const QString& name);
  // Halves the learning rate (the Train step's divergence banner offers this) and says so.
  void applyLowerLearningRate();
  // Recomputes the estimate now instead of after the 150 ms pause.
  void refreshEstimateNow();

  QString estimateText() const;
  quint64 estimatedBytes() const;  // the estimate's peak; 0 when there is none
  QString errorText() const;       // why the typed settings are not valid; empty when they are
  QString noteText() const;        // the last preset, suggestion or change applied for the user
  QList<QAbstractButton*> methodButtons() const;  // full, LoRA, freeze
  EstimatePanel* estimatePanel() const { return estimate_; }
  SweepPanel* sweepPanel() const { return sweep_; }

 Q_SIGNALS:
  // After each valid change reached the project.
  void configChanged(const tb::train::TrainConfig& config);

 private:
  // One setting's widget: shows a config's value, and reads the typed value into a config
  // (returning why it cannot, or an empty string).
  struct Binding {
    std::function<void(const tb::train::TrainConfig&)> show;
    std::function<QString(tb::train::TrainConfig&)> read;
  };

  QWidget* buildBasics();
  QWidget* buildAdvanced();
  QGroupBox* buildMethod();
  // The widget of the settings table's field `key` (setting_fields.h), bound to it and added to
  // `form`: a spin box, line edit, check box or choice by the field's kind.
  QWidget* addField(QFormLayout* form, const char* key, const QString& name);
  QSpinBox* addSpin(QFormLayout* form, const char* key, const QString& name);  // a whole-number field

  void showConfig(const tb::train::TrainConfig& config);
  // Why `config` cannot train (validate() and the detectors' own checks); empty when it can.
  QString problemWith(const tb::train::TrainConfig& config) const;
  void onEdited();
  void store(const tb::train::TrainConfig& config);
  void onProjectChanged(bool opened);
  void applySuggestion(const tb::train::TrainConfig& config, const QString& text);
  void updateMethodOptions();
  void fillDevices();
  void setNote(const QString& text);

  EngineBridge* bridge_;
  ProjectSession* session_;
  std::vector<Binding> bindings_;
  bool loading_ = false;  // filling the widgets: edits are not the user's
  bool storing_ = false;  // our own session update: its changed() is not news
  QLabel* presetInfo_;
  QLabel* note_;
  QLabel* error_;
  QTabWidget* tabs_;
  QButtonGroup* method_;
  QGroupBox* loraBox_;
  QGroupBox* freezeBox_;
  QComboBox* deviceCombo_ = nullptr;
  EstimatePanel* estimate_;
  SweepPanel* sweep_;
};

}  // namespace tbui
