// SetupPage's form (see setup_page.h): the method choice with its trade-offs, LoRA's and
// freeze's options, and every training setting as a widget bound to one TrainConfig field, with
// a tooltip in plain words. Kept apart from setup_page.cpp, which holds the page's logic.
#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>

#include "core/common/error.h"
#include "ui/pages/setup/setup_page.h"

namespace tbui {
namespace {

using tb::train::TrainConfig;
using tb::train::TrainMethod;

// LoRA's targets as lora.h names them, with what each is.
const QPair<const char*, const char*> kLoraTargets[] = {
    {"q_proj", "attention: queries"},     {"k_proj", "attention: keys"},
    {"v_proj", "attention: values"},      {"o_proj", "attention: output"},
    {"gate_proj", "MLP: gate"},           {"up_proj", "MLP: up"},
    {"down_proj", "MLP: down"},           {"lm_head", "output head"},
    {"embed_tokens", "token embeddings"},
};

}  // namespace

// ---- Building the form -------------------------------------------------------------------------
// Each add* binds a widget to one field through an accessor returning a reference; show() only
// reads through it, which is why it may cast the shown config's constness away.

QLineEdit* SetupPage::addReal(QFormLayout* form, const QString& label, const QString& name,
                              const QString& tip, std::function<double&(TrainConfig&)> field) {
  auto* e = new QLineEdit(this);
  e->setObjectName(name);
  e->setToolTip(tip);
  e->setMaximumWidth(160);
  form->addRow(label, e);
  bindings_.push_back({[e, field](const TrainConfig& c) {
                         const double v = field(const_cast<TrainConfig&>(c));
                         bool ok = false;
                         // Keep the user's way of writing the same number ("2e-4" stays "2e-4").
                         if (e->text().trimmed().toDouble(&ok) != v || !ok)
                           e->setText(QString::number(v, 'g', 6));
                       },
                       [e, field, label](TrainConfig& c) {
                         bool ok = false;
                         const double v = e->text().trimmed().toDouble(&ok);
                         if (!ok)
                           return tr("%1: \"%2\" is not a number (write e.g. 0.0002 or 2e-4).")
                               .arg(label, e->text());
                         field(c) = v;
                         return QString();
                       }});
  connect(e, &QLineEdit::textChanged, this, &SetupPage::onEdited);
  return e;
}

template <typename Int>
QSpinBox* SetupPage::addInt(QFormLayout* form, const QString& label, const QString& name,
                            const QString& tip, int min, int max,
                            std::function<Int&(TrainConfig&)> field) {
  auto* s = new QSpinBox(this);
  s->setObjectName(name);
  s->setToolTip(tip);
  s->setRange(min, max);
  s->setMaximumWidth(160);
  form->addRow(label, s);
  bindings_.push_back({[s, field](const TrainConfig& c) {
                         const Int v = field(const_cast<TrainConfig&>(c));
                         s->setValue(static_cast<int>(std::clamp<Int>(
                             v, static_cast<Int>(s->minimum()), static_cast<Int>(s->maximum()))));
                       },
                       [s, field](TrainConfig& c) {
                         field(c) = static_cast<Int>(s->value());
                         return QString();
                       }});
  connect(s, &QSpinBox::valueChanged, this, &SetupPage::onEdited);
  return s;
}

QCheckBox* SetupPage::addBool(QFormLayout* form, const QString& label, const QString& name,
                              const QString& tip, std::function<bool&(TrainConfig&)> field) {
  auto* b = new QCheckBox(label, this);
  b->setObjectName(name);
  b->setToolTip(tip);
  form->addRow(QString(), b);
  bindings_.push_back(
      {[b, field](const TrainConfig& c) { b->setChecked(field(const_cast<TrainConfig&>(c))); },
       [b, field](TrainConfig& c) {
         field(c) = b->isChecked();
         return QString();
       }});
  connect(b, &QCheckBox::toggled, this, &SetupPage::onEdited);
  return b;
}

QComboBox* SetupPage::addChoice(QFormLayout* form, const QString& label, const QString& name,
                                const QString& tip, const QList<QPair<QString, QString>>& items,
                                std::function<QString(const TrainConfig&)> get,
                                std::function<void(TrainConfig&, const QString&)> set) {
  auto* box = new QComboBox(this);
  box->setObjectName(name);
  box->setToolTip(tip);
  for (const auto& [value, text] : items) box->addItem(text, value);
  box->setMaximumWidth(260);
  form->addRow(label, box);
  bindings_.push_back({[box, get](const TrainConfig& c) {
                         const QString value = get(c);
                         if (box->findData(value) < 0) box->addItem(value, value);
                         box->setCurrentIndex(box->findData(value));
                       },
                       [box, set, label](TrainConfig& c) {
                         try {
                           set(c, box->currentData().toString());
                         } catch (const tb::Error& e) {
                           return tr("%1: %2").arg(label, QString::fromStdString(e.what()));
                         }
                         return QString();
                       }});
  connect(box, &QComboBox::currentIndexChanged, this, &SetupPage::onEdited);
  return box;
}

QGroupBox* SetupPage::buildMethod() {
  auto* group = new QGroupBox(tr("What the training changes"), this);
  auto* layout = new QVBoxLayout(group);
  method_ = new QButtonGroup(this);
  const struct {
    TrainMethod method;
    QString name, title, text;
  } methods[] = {
      {TrainMethod::Lora, QStringLiteral("methodLora"), tr("LoRA (recommended)"),
       tr("The model stays as it is; a small add-on (an adapter) learns beside it. Needs the least "
          "memory and "
          "trains fast; the original model is untouched, so it forgets little of what it knew. On "
          "hard tasks "
          "it can learn a little less than full fine-tuning.")},
      {TrainMethod::Freeze, QStringLiteral("methodFreeze"), tr("Freeze most of the model"),
       tr("Only the top few blocks of the model learn; the rest stays frozen. Memory and speed "
          "between LoRA "
          "and full fine-tuning; forgets less than full fine-tuning, but can only change what the "
          "top blocks "
          "do.")},
      {TrainMethod::Full, QStringLiteral("methodFull"), tr("Full fine-tuning"),
       tr("Every weight of the model learns. Needs the most memory (the weights, their gradients "
          "and the "
          "optimizer's state: about four times the model) and is the slowest; it can change the "
          "model the "
          "most, and is the most likely to forget what the model knew before.")},
  };
  for (const auto& m : methods) {
    auto* radio = new QRadioButton(m.title, group);
    radio->setObjectName(m.name);
    radio->setToolTip(m.text);
    method_->addButton(radio, static_cast<int>(m.method));
    auto* text = new QLabel(m.text, group);
    text->setWordWrap(true);
    text->setContentsMargins(24, 0, 0, 6);
    text->setStyleSheet(QStringLiteral("color:#555555"));
    layout->addWidget(radio);
    layout->addWidget(text);
  }
  bindings_.push_back({[this](const TrainConfig& c) {
                         method_->button(static_cast<int>(c.method))->setChecked(true);
                       },
                       [this](TrainConfig& c) {
                         if (method_->checkedId() >= 0)
                           c.method = static_cast<TrainMethod>(method_->checkedId());
                         return QString();
                       }});
  connect(method_, &QButtonGroup::idToggled, this, [this](int, bool checked) {
    if (checked) onEdited();
  });

  // LoRA's options.
  loraBox_ = new QGroupBox(tr("LoRA adapter"), group);
  loraBox_->setObjectName(QStringLiteral("loraOptions"));
  auto* lora = new QFormLayout(loraBox_);
  addInt<std::int64_t>(
      lora, tr("Rank"), QStringLiteral("loraRank"),
      tr("How big the adapter is. Larger ranks can learn more but need more memory and data; "
         "8–32 suits most tasks."),
      1, 4096, [](TrainConfig& c) -> std::int64_t& { return c.lora.rank; });
  addReal(lora, tr("Alpha"), QStringLiteral("loraAlpha"),
          tr("How strongly the adapter's output counts; the usual choice is twice the rank."),
          [](TrainConfig& c) -> double& { return c.lora.alpha; });
  addReal(lora, tr("Dropout"), QStringLiteral("loraDropout"),
          tr("The share of the adapter's inputs dropped at random while training (0 to below 1); a "
             "little "
             "(0.05–0.1) helps against memorising small datasets."),
          [](TrainConfig& c) -> double& { return c.lora.dropout; });
  addBool(
      lora, tr("Rank-stabilised scaling (rsLoRA)"), QStringLiteral("loraRslora"),
      tr("Scale by alpha/√rank instead of alpha/rank, which keeps large ranks learning steadily."),
      [](TrainConfig& c) -> bool& { return c.lora.use_rslora; });
  auto* targets = new QWidget(loraBox_);
  auto* grid = new QGridLayout(targets);
  grid->setContentsMargins(0, 0, 0, 0);
  QList<QCheckBox*> checks;
  int i = 0;
  for (const auto& [name, what] : kLoraTargets) {
    auto* check = new QCheckBox(QString::fromLatin1(name), targets);
    check->setObjectName(QStringLiteral("loraTarget_") + QString::fromLatin1(name));
    check->setToolTip(tr("Put an adapter on %1 (%2)").arg(QString::fromLatin1(name), tr(what)));
    grid->addWidget(check, i / 3, i % 3);
    checks.append(check);
    connect(check, &QCheckBox::toggled, this, &SetupPage::onEdited);
    ++i;
  }
  targets->setToolTip(
      tr("Which parts of each block get an adapter. All seven block parts is the usual "
         "choice; the head and embeddings rarely need one."));
  lora->addRow(tr("Targets"), targets);
  bindings_.push_back(
      {[checks](const TrainConfig& c) {
         for (QCheckBox* check : checks) {
           const auto& t = c.lora.target_modules;
           check->setChecked(std::find(t.begin(), t.end(), check->text().toStdString()) != t.end());
         }
       },
       [checks](TrainConfig& c) {
         c.lora.target_modules.clear();
         for (QCheckBox* check : checks) {
           if (check->isChecked()) c.lora.target_modules.push_back(check->text().toStdString());
         }
         return QString();
       }});
  layout->addWidget(loraBox_);

  // Freeze's options.
  freezeBox_ = new QGroupBox(tr("What still learns"), group);
  freezeBox_->setObjectName(QStringLiteral("freezeOptions"));
  auto* freeze = new QFormLayout(freezeBox_);
  addInt<std::int64_t>(
      freeze, tr("Top blocks trained"), QStringLiteral("freezeTopBlocks"),
      tr("How many of the last blocks of the model learn; more blocks learn more and need "
         "more memory."),
      0, 4096, [](TrainConfig& c) -> std::int64_t& { return c.freeze.top_blocks; });
  addBool(freeze, tr("Output head (lm_head)"), QStringLiteral("freezeLmHead"),
          tr("Also train the layer that turns the model's state into word scores."),
          [](TrainConfig& c) -> bool& { return c.freeze.lm_head; });
  addBool(freeze, tr("Normalisation weights"), QStringLiteral("freezeNorms"),
          tr("Also train every normalisation weight (few numbers, cheap)."),
          [](TrainConfig& c) -> bool& { return c.freeze.norms; });
  addBool(
      freeze, tr("Token embeddings"), QStringLiteral("freezeEmbeddings"),
      tr("Also train the token embeddings (large; the gradient then runs through every block)."),
      [](TrainConfig& c) -> bool& { return c.freeze.embeddings; });
  layout->addWidget(freezeBox_);
  return group;
}

QWidget* SetupPage::buildBasics() {
  auto* page = new QWidget(this);
  auto* layout = new QVBoxLayout(page);
  layout->addWidget(buildMethod());
  auto* group = new QGroupBox(tr("Learning rate, length and batches"), page);
  auto* form = new QFormLayout(group);
  addReal(form, tr("Learning rate"), QStringLiteral("learningRate"),
          tr("How big a step the model takes after each batch. Too high and the loss jumps or "
             "explodes; too "
             "low and it barely learns. 2e-4 suits LoRA, 1e-5 to 5e-5 full fine-tuning."),
          [](TrainConfig& c) -> double& { return c.learning_rate; });
  addInt<std::int64_t>(
      form, tr("Epochs"), QStringLiteral("epochs"),
      tr("How many times the training goes through all your examples. More epochs learn "
         "more but can memorise the data (overfitting)."),
      0, 1000, [](TrainConfig& c) -> std::int64_t& { return c.epochs; });
  auto* steps = addInt<std::int64_t>(
      form, tr("Max steps"), QStringLiteral("maxSteps"),
      tr("Stop after this many optimizer steps, whatever the epochs say (0 = the "
         "epochs decide)."),
      0, 100'000'000, [](TrainConfig& c) -> std::int64_t& { return c.max_steps; });
  steps->setSpecialValueText(tr("off — epochs decide"));
  addInt<std::int64_t>(
      form, tr("Micro-batch"), QStringLiteral("microBatch"),
      tr("How many examples go through the model at once. Larger is faster per example but "
         "needs more memory."),
      1, 65536, [](TrainConfig& c) -> std::int64_t& { return c.micro_batch; });
  addInt<std::int64_t>(
      form, tr("Gradient accumulation"), QStringLiteral("gradAccum"),
      tr("How many micro-batches are added up before the model changes. The effective batch "
         "is micro-batch × this: a large batch without the memory."),
      1, 65536, [](TrainConfig& c) -> std::int64_t& { return c.grad_accum; });
  addInt<std::int64_t>(
      form, tr("Max sequence length"), QStringLiteral("maxSeqLen"),
      tr("The longest example in tokens; longer ones are cut at the end. Memory grows with "
         "it, so keep it near your longest examples (see the Data step's lengths)."),
      8, 1'048'576, [](TrainConfig& c) -> std::int64_t& { return c.max_seq_len; });
  addChoice(
      form, tr("Precision"), QStringLiteral("precision"),
      tr("fp32: full precision, safest. bf16: half the memory for the frozen weights and "
         "activations and much "
         "faster on recent GPUs; slower on most CPUs."),
      {{QStringLiteral("fp32"), tr("fp32 (full precision)")},
       {QStringLiteral("bf16"), tr("bf16 (half memory)")}},
      [](const TrainConfig& c) { return QString::fromLatin1(tb::train::to_string(c.precision)); },
      [](TrainConfig& c, const QString& v) {
        c.precision = tb::train::parse_precision(v.toStdString());
      });
  auto* every = addInt<std::int64_t>(
      form, tr("Evaluate every"), QStringLiteral("evalEvery"),
      tr("Measure the loss on the validation examples every this many steps, to "
         "see whether the model improves on data it does not train on (0 = only "
         "at the end)."),
      0, 10'000'000, [](TrainConfig& c) -> std::int64_t& { return c.eval_every; });
  every->setSpecialValueText(tr("only at the end"));
  every->setSuffix(tr(" steps"));
  deviceCombo_ = addChoice(
      form, tr("Device"), QStringLiteral("device"),
      tr("Where training runs. Automatic uses the GPU when there is one, else the CPU."),
      {{QStringLiteral("auto"), tr("Automatic")},
       {QStringLiteral("cpu"), tr("CPU")},
       {QStringLiteral("cuda"), tr("GPU (CUDA)")}},
      [](const TrainConfig& c) { return QString::fromStdString(c.device); },
      [](TrainConfig& c, const QString& v) { c.device = v.toStdString(); });
  layout->addWidget(group);
  layout->addStretch(1);
  return page;
}

QWidget* SetupPage::buildAdvanced() {
  auto* page = new QWidget(this);
  auto* layout = new QVBoxLayout(page);
  auto group = [page, layout](const QString& title) {
    auto* g = new QGroupBox(title, page);
    layout->addWidget(g);
    return new QFormLayout(g);
  };
  QFormLayout* form = group(tr("Optimizer (AdamW)"));
  addReal(form, tr("Weight decay"), QStringLiteral("weightDecay"),
          tr("Pulls the trained weights gently towards zero, which can reduce memorising (0 = off; "
             "0.01 is a "
             "common small value)."),
          [](TrainConfig& c) -> double& { return c.weight_decay; });
  addReal(form, tr("Beta 1"), QStringLiteral("beta1"),
          tr("How much the optimizer's direction remembers earlier steps (0 to below 1; 0.9 is "
             "standard)."),
          [](TrainConfig& c) -> double& { return c.beta1; });
  addReal(form, tr("Beta 2"), QStringLiteral("beta2"),
          tr("How much the optimizer's step size remembers earlier steps (0 to below 1; 0.999 is "
             "standard)."),
          [](TrainConfig& c) -> double& { return c.beta2; });
  addReal(form, tr("Epsilon"), QStringLiteral("adamEps"),
          tr("A tiny number that keeps the optimizer from dividing by zero; leave it at 1e-8."),
          [](TrainConfig& c) -> double& { return c.adam_eps; });
  addReal(
      form, tr("Max gradient norm"), QStringLiteral("maxGradNorm"),
      tr("Caps how large one step's change can be, so an unusual batch cannot throw training off "
         "(0 = no cap; 1 is usual)."),
      [](TrainConfig& c) -> double& { return c.max_grad_norm; });

  form = group(tr("Learning-rate schedule"));
  addChoice(
      form, tr("Schedule"), QStringLiteral("scheduleKind"),
      tr("How the learning rate changes over the run: stays the same, falls in a straight line, or "
         "falls "
         "along a smooth curve (cosine) that slows at the end."),
      {{QStringLiteral("constant"), tr("Constant")},
       {QStringLiteral("linear"), tr("Linear decay")},
       {QStringLiteral("cosine"), tr("Cosine decay")}},
      [](const TrainConfig& c) {
        return QString::fromLatin1(tb::train::to_string(c.schedule.kind));
      },
      [](TrainConfig& c, const QString& v) {
        c.schedule.kind = tb::train::parse_schedule_kind(v.toStdString());
      });
  addInt<std::int64_t>(
      form, tr("Warmup steps"), QStringLiteral("warmupSteps"),
      tr("The learning rate rises from zero over this many first steps, so the first batches "
         "do not jolt the model (0 = start at full rate)."),
      0, 10'000'000, [](TrainConfig& c) -> std::int64_t& { return c.schedule.warmup_steps; });
  addReal(form, tr("Final rate (fraction)"), QStringLiteral("minLrRatio"),
          tr("The learning rate at the last step, as a fraction of the peak (0 to 1; 0.1 keeps "
             "learning a "
             "little until the end)."),
          [](TrainConfig& c) -> double& { return c.schedule.min_lr_ratio; });

  form = group(tr("Batches and memory"));
  auto* seed = new QLineEdit(page);
  seed->setObjectName(QStringLiteral("seed"));
  seed->setToolTip(
      tr("Fixes the random choices (order of examples, adapter start), so the same settings give "
         "the same run. Change it to see how much results vary by chance."));
  seed->setMaximumWidth(160);
  form->addRow(tr("Random seed"), seed);
  bindings_.push_back(
      {[seed](const TrainConfig& c) { seed->setText(QString::number(c.seed)); },
       [seed](TrainConfig& c) {
         bool ok = false;
         const quint64 v = seed->text().trimmed().toULongLong(&ok);
         if (!ok)
           return tr("Random seed: \"%1\" is not a whole number of 0 or more.").arg(seed->text());
         c.seed = v;
         return QString();
       }});
  connect(seed, &QLineEdit::textChanged, this, &SetupPage::onEdited);
  addBool(form, tr("Pack several examples per row"), QStringLiteral("packing"),
          tr("Fills each row up to the sequence length with several short examples (they never see "
             "each "
             "other): fewer, fuller batches, so faster on data of short examples."),
          [](TrainConfig& c) -> bool& { return c.packing; });
  addBool(form, tr("Train on all tokens (prompts too)"), QStringLiteral("trainOnAll"),
          tr("Normally the model learns only the answers. On, it also learns to reproduce the "
             "prompts: useful "
             "for plain text, rarely for question–answer data."),
          [](TrainConfig& c) -> bool& { return c.train_on_all; });
  addBool(form, tr("Gradient checkpointing"), QStringLiteral("gradientCheckpointing"),
          tr("Saves memory by recomputing parts of the model during the backward pass instead of "
             "keeping them: "
             "about a third slower, much less activation memory."),
          [](TrainConfig& c) -> bool& { return c.gradient_checkpointing; });

  form = group(tr("Evaluation and checkpoints"));
  auto* max = addInt<std::int64_t>(
      form, tr("Validation examples per evaluation"), QStringLiteral("evalMaxExamples"),
      tr("Measure on at most this many validation examples each time, to keep "
         "evaluations quick (0 = all of them)."),
      0, 10'000'000, [](TrainConfig& c) -> std::int64_t& { return c.eval_max_examples; });
  max->setSpecialValueText(tr("all"));
  addInt<std::int64_t>(
      form, tr("Sample answers per evaluation"), QStringLiteral("samplePrompts"),
      tr("At each evaluation the model answers this many validation prompts, so you can read "
         "how its answers change (0 = none)."),
      0, 1000, [](TrainConfig& c) -> std::int64_t& { return c.sample_prompts; });
  addInt<std::int64_t>(form, tr("Sample answer length"), QStringLiteral("sampleMaxTokens"),
                       tr("The longest sample answer, in tokens."), 1, 100'000,
                       [](TrainConfig& c) -> std::int64_t& { return c.sample_max_tokens; });
  auto* save = addInt<std::int64_t>(
      form, tr("Save every"), QStringLiteral("saveEvery"),
      tr("Save a checkpoint every this many steps (0 = at each evaluation), so a "
         "stopped run can resume."),
      0, 10'000'000, [](TrainConfig& c) -> std::int64_t& { return c.save_every; });
  save->setSpecialValueText(tr("at each evaluation"));
  addInt<std::int64_t>(form, tr("Checkpoints kept"), QStringLiteral("keepLast"),
                       tr("How many recent checkpoints stay on disk besides the best one."), 1,
                       1000, [](TrainConfig& c) -> std::int64_t& { return c.keep_last; });
  addBool(form, tr("Stop when a checkpoint cannot be saved"), QStringLiteral("stopOnCheckpointError"),
          tr("When the disk is full, stop the run so nothing goes unsaved (it resumes from the last good "
             "checkpoint once there is space). Off: warn and keep training, trying again at the next "
             "checkpoint."),
          [](TrainConfig& c) -> bool& { return c.stop_on_checkpoint_error; });

  form = group(tr("Warnings and early stopping"));
  auto* patience =
      addInt<int>(form, tr("Early-stopping patience"), QStringLiteral("patienceEvals"),
                  tr("End the run on its best checkpoint after this many evaluations in a row "
                     "without a better validation loss (0 = never stop early)."),
                  0, 10000, [](TrainConfig& c) -> int& { return c.detectors.patience_evals; });
  patience->setSpecialValueText(tr("off"));
  addReal(form, tr("Smallest improvement"), QStringLiteral("minDelta"),
          tr("How much lower the validation loss must be to count as better (0 or more)."),
          [](TrainConfig& c) -> double& { return c.detectors.min_delta; });
  addInt<int>(form, tr("Overfitting: rising evaluations"), QStringLiteral("overfitRisingEvals"),
              tr("Warn about overfitting when the validation loss rose this many evaluations in a "
                 "row while the "
                 "training loss fell."),
              1, 1000, [](TrainConfig& c) -> int& { return c.detectors.overfit_rising_evals; });
  addReal(
      form, tr("Overfitting: gap"), QStringLiteral("overfitGap"),
      tr("Also warn when validation loss exceeds training loss by more than this and the gap keeps "
         "growing (0 = off)."),
      [](TrainConfig& c) -> double& { return c.detectors.overfit_gap; });
  auto* window = addInt<std::int64_t>(
      form, tr("Underfitting: window"), QStringLiteral("underfitWindow"),
      tr("Warn about underfitting when the training loss stays flat and high over "
         "two windows of this many steps (0 = off)."),
      0, 1'000'000, [](TrainConfig& c) -> std::int64_t& { return c.detectors.underfit_window; });
  window->setSpecialValueText(tr("off"));
  addReal(
      form, tr("Underfitting: flat within"), QStringLiteral("underfitFlatFraction"),
      tr("The loss counts as flat when two windows differ by at most this fraction (0.02 = 2 %)."),
      [](TrainConfig& c) -> double& { return c.detectors.underfit_flat_fraction; });
  addReal(form, tr("Underfitting: still above"), QStringLiteral("underfitHighFraction"),
          tr("…and still high when above this fraction of where it started (0.8 = 80 %)."),
          [](TrainConfig& c) -> double& { return c.detectors.underfit_high_fraction; });
  addReal(
      form, tr("Divergence: spike factor"), QStringLiteral("spikeFactor"),
      tr("Warn about divergence when a step's loss exceeds this many times the recent typical loss "
         "(above 1; 3 is usual)."),
      [](TrainConfig& c) -> double& { return c.detectors.spike_factor; });
  addInt<int>(form, tr("Divergence: window"), QStringLiteral("spikeWindow"),
              tr("How many recent steps the typical loss is taken over."), 1, 1'000'000,
              [](TrainConfig& c) -> int& { return c.detectors.spike_window; });
  addInt<int>(form, tr("Divergence: first check after"), QStringLiteral("spikeMinSteps"),
              tr("No divergence check before this many steps, while the loss is still settling."),
              1, 1'000'000, [](TrainConfig& c) -> int& { return c.detectors.spike_min_steps; });
  layout->addStretch(1);
  return page;
}

}  // namespace tbui
