// One stage of a training run as the trainer takes it: its settings, its training and validation
// splits tokenized, the task mixing weights and the validation examples' texts. Plain values, no
// torch: run preparation builds it (core/engine/run_data.h), the Setup step's estimate reads it.
#pragma once

#include <string>
#include <vector>

#include "core/data/example.h"
#include "core/train/train_config.h"
#include "core/train/train_set.h"

namespace tb::train {

struct StageSpec {
  std::string name;                 // "" for a one-stage run
  TrainConfig config;
  TrainSet train, validation;
  std::vector<double> task_weights; // multi-task mixing, one per train.tasks; empty = natural
  std::vector<data::Example> validation_examples;  // validation.source indexes these (samples)
};

}  // namespace tb::train
