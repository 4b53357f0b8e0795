// The wizard's nine steps (see wizard_steps.h).
#include "ui/pages/wizard_steps.h"

namespace tbui {

const QVector<WizardStep>& wizardSteps() {
  static const QVector<WizardStep> steps = {
      {QStringLiteral("model"), QStringLiteral("Model"),
       QStringLiteral("Pick the model to fine-tune: the demo model, a Hugging Face folder or a "
                      "GGUF file.")},
      {QStringLiteral("data"), QStringLiteral("Data"),
       QStringLiteral("Import your examples from JSONL, CSV, TSV or plain text, and curate them.")},
      {QStringLiteral("template"), QStringLiteral("Template"),
       QStringLiteral("Turn each row into a prompt and a completion, in the model's chat format, "
                      "with a live token preview.")},
      {QStringLiteral("setup"), QStringLiteral("Setup"),
       QStringLiteral("Choose full fine-tuning, LoRA or freezing, set the hyperparameters, and "
                      "see the memory and time it will take.")},
      {QStringLiteral("train"), QStringLiteral("Train"),
       QStringLiteral("Watch loss and validation curves live, with warnings for overfitting, "
                      "underfitting and divergence.")},
      {QStringLiteral("evaluate"), QStringLiteral("Evaluate"),
       QStringLiteral("Measure base and tuned models on the test split, and check what the "
                      "model forgot.")},
      {QStringLiteral("compare"), QStringLiteral("Compare"),
       QStringLiteral("Chat with base and tuned side by side, judge answers blind, and send "
                      "corrections back to the data.")},
      {QStringLiteral("runs"), QStringLiteral("Runs"),
       QStringLiteral("Look back over every run of the project, and overlay their curves.")},
      {QStringLiteral("export"), QStringLiteral("Export"),
       QStringLiteral("Save a PEFT adapter or a merged Hugging Face folder.")},
  };
  return steps;
}

}  // namespace tbui
