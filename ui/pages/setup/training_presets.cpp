// The training presets (see training_presets.h). Every value says why it was chosen.
#include "ui/pages/setup/training_presets.h"

namespace tbui {
namespace {

// What the three presets share: LoRA (small adapter, little memory, the base model is left
// intact, so forgetting stays low), early stopping on and an epoch count that decides the length.
void common(tb::train::TrainConfig& c) {
  c.method = tb::train::TrainMethod::Lora;
  // Targets every linear of each block: on small models the MLP carries much of what is learned.
  c.lora = tb::LoraConfig{};
  c.lora.use_rslora = false;
  c.max_steps = 0;  // the epochs decide, so the run covers the data
  c.beta1 = 0.9;    // AdamW's usual moments: nothing here calls for others
  c.beta2 = 0.999;
  c.adam_eps = 1e-8;
  c.max_grad_norm = 1.0;  // clipping at 1 keeps an odd batch from throwing the run off
  c.detectors.spike_factor = 3.0;
}

}  // namespace

void applyQuickPreset(tb::train::TrainConfig& c) {
  common(c);
  c.lora.rank = 8;         // the smallest common rank: fast and enough to learn a format
  c.lora.alpha = 16;       // alpha = 2 × rank, PEFT's usual scaling
  c.lora.dropout = 0.0;    // one epoch is too short to overfit; dropout would only slow it
  c.learning_rate = 2e-4;  // the usual LoRA rate: learns within one epoch without spikes
  c.weight_decay = 0.0;    // no regularising needed for one pass
  c.schedule.kind = tb::train::ScheduleKind::Constant;  // a short run gains little from decay
  c.schedule.warmup_steps = 0;
  c.schedule.min_lr_ratio = 0.0;
  c.epochs = 1;                    // one look at every example: a first result in minutes
  c.eval_every = 20;               // a few validation points even on a short run
  c.sample_prompts = 2;            // two sample answers per evaluation, to read along
  c.detectors.patience_evals = 3;  // stop after 3 evaluations without progress
}

void applyBalancedPreset(tb::train::TrainConfig& c) {
  common(c);
  c.lora.rank = 16;        // room for content as well as format, still a small adapter
  c.lora.alpha = 32;       // alpha = 2 × rank keeps the update size as with Quick
  c.lora.dropout = 0.05;   // a little regularising for the second epoch
  c.learning_rate = 2e-4;  // the usual LoRA rate; the cosine decay lowers it towards the end
  c.weight_decay = 0.01;   // light, keeps the adapter's weights small
  c.schedule.kind = tb::train::ScheduleKind::Cosine;  // settles the loss in the last steps
  c.schedule.warmup_steps = 10;   // a gentle start so the first batches do not jolt the adapter
  c.schedule.min_lr_ratio = 0.1;  // never quite zero: the last steps still learn
  c.epochs = 2;                   // a second pass usually lowers validation loss on small data
  c.eval_every = 25;
  c.sample_prompts = 2;
  c.detectors.patience_evals = 3;
}

void applyThoroughPreset(tb::train::TrainConfig& c) {
  common(c);
  c.lora.rank = 32;        // a larger adapter for harder tasks
  c.lora.alpha = 64;       // alpha = 2 × rank
  c.lora.dropout = 0.1;    // three epochs see each example three times: guard against memorising
  c.learning_rate = 1e-4;  // lower, because a larger adapter over more steps moves further
  c.weight_decay = 0.01;
  c.schedule.kind = tb::train::ScheduleKind::Cosine;
  c.schedule.warmup_steps = 20;  // a longer run affords a longer gentle start
  c.schedule.min_lr_ratio = 0.1;
  c.epochs = 3;       // early stopping ends it sooner if validation stops improving
  c.eval_every = 10;  // evaluate often, so overfitting shows early and the best step is precise
  c.sample_prompts = 3;
  c.detectors.patience_evals = 5;  // frequent evaluations are noisier: wait a little longer
}

const std::vector<TrainingPreset>& trainingPresets() {
  static const std::vector<TrainingPreset> presets = {
      {QStringLiteral("quick"), QStringLiteral("Quick"),
       QStringLiteral(
           "One pass over the data with a small LoRA adapter: a first result in minutes, "
           "to check that the data and template teach what you expect."),
       &applyQuickPreset},
      {QStringLiteral("balanced"), QStringLiteral("Balanced"),
       QStringLiteral("Two passes with a medium LoRA adapter, a short warmup and a gently falling "
                      "learning rate: a good default for a first real model."),
       &applyBalancedPreset},
      {QStringLiteral("thorough"), QStringLiteral("Thorough"),
       QStringLiteral(
           "Three passes with a larger adapter, a lower learning rate and frequent "
           "evaluation: slower, for harder tasks, with early stopping keeping the best step."),
       &applyThoroughPreset},
  };
  return presets;
}

const TrainingPreset* findTrainingPreset(const QString& name) {
  for (const auto& p : trainingPresets()) {
    if (p.name.compare(name, Qt::CaseInsensitive) == 0) return &p;
  }
  return nullptr;
}

}  // namespace tbui
