// Quick / Balanced / Thorough: three starting points for the Setup step's training settings,
// made for a first-time user tuning a small model on a few hundred to a few thousand examples.
// A preset sets how hard and how long to train (method, LoRA, optimiser, schedule, length,
// evaluation cadence); it leaves what depends on the machine and the data (batch, sequence
// length, precision, device, seed) as they are.
#pragma once

#include <QString>
#include <vector>

#include "core/train/train_config.h"

namespace tbui {

struct TrainingPreset {
  QString name;         // "quick", "balanced", "thorough"
  QString title;        // "Quick"
  QString description;  // one sentence for the button's tooltip and the page
  void (*apply)(tb::train::TrainConfig& config);
};

void applyQuickPreset(tb::train::TrainConfig& config);
void applyBalancedPreset(tb::train::TrainConfig& config);
void applyThoroughPreset(tb::train::TrainConfig& config);

// The three presets, quick first.
const std::vector<TrainingPreset>& trainingPresets();
// nullptr when `name` (case-insensitive) is none of them.
const TrainingPreset* findTrainingPreset(const QString& name);

}  // namespace tbui
