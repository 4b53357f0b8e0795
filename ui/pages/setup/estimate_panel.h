// The Setup step's memory and time estimate: what a run with the current settings needs at its
// peak (weights, gradients, optimizer, activations, logits), how long a step and the whole run
// take, whether it fits the device (green / amber / red) and, when it does not, buttons that
// apply a change that would. Arithmetic only (memory_estimate.h), recomputed 150 ms after the
// last change; it never runs anything.
#pragma once

#include <QGroupBox>
#include <QList>
#include <optional>

#include "core/engine/device.h"
#include "core/model/model_config.h"
#include "core/train/memory_estimate.h"
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

  void setModelConfig(const tb::ModelConfig& config);
  void setDevice(const tb::DeviceInfo& info);
  // The training split's size; -1 = not known yet.
  void setTrainExamples(qint64 count);
  // The settings to estimate (valid ones).
  void setTrainConfig(const tb::train::TrainConfig& config);
  // Recomputes now instead of after the debounce.
  void refreshNow();

  // Optimizer steps of the run: max_steps when set, else ceil(examples / (micro_batch ×
  // grad_accum)) × epochs; -1 when the examples are not known.
  static qint64 totalSteps(const tb::train::TrainConfig& config, qint64 examples);
  // What the estimate sees for `config`: the device's kind and memory come from setDevice.
  tb::train::EstimateInput estimateInput(const tb::train::TrainConfig& config) const;

  // Everything the panel shows, as plain text, one line per part.
  QString text() const;
  // The peak in bytes; 0 when there is no estimate.
  quint64 totalBytes() const { return estimate_ ? estimate_->total_bytes : 0; }
  bool hasEstimate() const { return estimate_.has_value(); }
  QList<QPushButton*> suggestionButtons() const { return suggestionButtons_; }

 Q_SIGNALS:
  // A suggestion's button was clicked: `input` is the changed estimate input, `text` says what.
  void suggestionChosen(const tb::train::EstimateInput& input, const QString& text);
  void estimateUpdated();

 private:
  struct Target {
    bool cuda = false;
    quint64 memoryBytes = 0;  // 0 = unknown
    QString where;            // "GPU 0 (NVIDIA H100, 79 GB free)" / "this computer's free memory"
  };
  Target target(const tb::train::TrainConfig& config) const;
  void refresh();
  void clearSuggestions();

  std::optional<tb::ModelConfig> model_;
  std::optional<tb::DeviceInfo> device_;
  qint64 trainExamples_ = -1;
  tb::train::TrainConfig config_;
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

// "0.04 s", "12 s", "7 min", "2.5 h".
QString formatDuration(double seconds);

}  // namespace tbui
