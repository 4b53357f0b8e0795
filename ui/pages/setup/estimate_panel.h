// The Setup step's memory and time estimate: what a run of the project needs at its peak
// (weights, gradients, optimizer, activations, logits), how long a step and the whole run take,
// whether it fits the device (green / amber / red) and, when it does not, buttons that apply a
// change that would. The numbers are run_estimate.h's estimate_run() with the inputs run
// preparation gives it: the project's model, each stage's settings, its training split tokenized
// with the model's tokenizer (measured off the GUI thread, again only when the data, the model or
// the length settings change) and the memory a run may use. It never runs anything.
#pragma once

#include <QFutureWatcher>
#include <QGroupBox>
#include <QList>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/device.h"
#include "core/engine/project.h"
#include "core/model/model_config.h"
#include "core/train/memory_estimate.h"
#include "core/train/stage_spec.h"
#include "core/train/train_config.h"

class QLabel;
class QPushButton;
class QTimer;
class QVBoxLayout;

namespace tbui {

class EstimatePanel : public QGroupBox {
  Q_OBJECT

 public:
  explicit EstimatePanel(QWidget* parent = nullptr);

  void setDevice(const tb::DeviceInfo& info);
  // The project to estimate (its model, data, stages and valid training settings).
  void setProject(const tb::Project& project);
  // Recomputes now instead of after the debounce, measuring the data first when it must (this
  // waits for the measurement).
  void refreshNow();
  // A measurement of the data is under way.
  bool measuring() const;

  // Everything the panel shows, as plain text, one line per part.
  QString text() const;
  // The estimate shown (the stage that fits worst); nullopt when there is none.
  const std::optional<tb::train::MemoryEstimate>& estimate() const { return estimate_; }
  // The peak in bytes; 0 when there is no estimate.
  quint64 totalBytes() const { return estimate_ ? estimate_->total_bytes : 0; }
  bool hasEstimate() const { return estimate_.has_value(); }
  QList<QPushButton*> suggestionButtons() const { return suggestionButtons_; }

 Q_SIGNALS:
  // A suggestion's button was clicked: `config` is the project's settings with that change,
  // `text` says what.
  void suggestionChosen(const tb::train::TrainConfig& config, const QString& text);
  void estimateUpdated();

 private:
  struct Target {
    bool cuda = false;
    quint64 memoryBytes = 0;  // what the run may use (run_memory_bytes); 0 = unknown
    QString where;            // "GPU 0 (NVIDIA H100, 79 GB free)" / "this computer's free memory"
  };
  // What the data measurement found for one key (model, data, stages, lengths).
  struct Measured {
    std::string key;
    std::optional<tb::ModelConfig> model;
    QString modelError, dataError;
    std::vector<tb::train::StageSpec> stages;
  };
  static std::string measureKey(const tb::Project& project);
  static Measured measure(tb::Project project, std::string key);
  void startMeasuring();
  Target target(const tb::train::TrainConfig& config) const;
  void refresh();
  void showEstimate(const tb::train::MemoryEstimate& e, const tb::train::TrainConfig& config,
                    const QString& stage, bool dataMeasured);
  void clearSuggestions();

  std::optional<tb::DeviceInfo> device_;
  tb::Project project_;
  std::optional<Measured> measured_;
  std::string pendingKey_;  // the key being measured; empty = none
  QFutureWatcher<Measured>* measurer_;
  std::optional<tb::train::MemoryEstimate> estimate_;
  QTimer* debounce_;
  QLabel* total_;
  QLabel* breakdown_;
  QLabel* params_;
  QLabel* time_;
  QLabel* verdict_;
  QLabel* assumptions_;
  QVBoxLayout* suggestionsLayout_;
  QList<QPushButton*> suggestionButtons_;
};

}  // namespace tbui
