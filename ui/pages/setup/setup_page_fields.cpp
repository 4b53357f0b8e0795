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
#include <limits>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/train/setting_fields.h"
#include "ui/pages/setup/setup_page.h"

namespace tbui {
namespace {

using tb::train::SettingField;
using tb::train::SettingKind;
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
// Each field's widget comes from the settings table (setting_fields.h): its label, tooltip (the
// help and the range), range and choices are core's; the form only places it. Reading a widget
// goes through set_setting_text/set_setting, so the form parses and checks as the CLI does.

QWidget* SetupPage::addField(QFormLayout* form, const char* key, const QString& name) {
  const SettingField& f = tb::train::setting_field(key);
  const QString label = QString::fromUtf8(f.label);
  const QString tip = QStringLiteral("%1 (%2)").arg(QString::fromUtf8(f.help),
                                                    QString::fromStdString(tb::train::setting_range_text(f)));
  // Stores typed text into a config; a problem with it comes back as "Label: why".
  auto readText = [label, &f](TrainConfig& c, const QString& text) {
    try {
      tb::train::set_setting_text(c, f, text.trimmed().toStdString());
    } catch (const tb::Error& e) {
      return tr("%1: %2").arg(label, QString::fromStdString(e.message()));
    }
    return QString();
  };
  QWidget* widget = nullptr;
  if (f.kind == SettingKind::Flag) {
    auto* b = new QCheckBox(label, this);
    bindings_.push_back(
        {[b, &f](const TrainConfig& c) { b->setChecked(tb::train::setting_value(f, c).get<bool>()); },
         [b, &f](TrainConfig& c) {
           tb::train::set_setting(c, f, b->isChecked());
           return QString();
         }});
    connect(b, &QCheckBox::toggled, this, &SetupPage::onEdited);
    form->addRow(QString(), b);
    widget = b;
  } else if (f.kind == SettingKind::Integer && f.max <= std::numeric_limits<int>::max()) {
    auto* s = new QSpinBox(this);
    s->setRange(static_cast<int>(f.min), static_cast<int>(f.max));
    s->setMaximumWidth(160);
    bindings_.push_back(
        {[s, &f](const TrainConfig& c) {
           s->setValue(static_cast<int>(std::clamp<double>(tb::train::setting_number(f, c), s->minimum(), s->maximum())));
         },
         [s, &f](TrainConfig& c) {
           tb::train::set_setting(c, f, static_cast<std::int64_t>(s->value()));
           return QString();
         }});
    connect(s, &QSpinBox::valueChanged, this, &SetupPage::onEdited);
    form->addRow(label, s);
    widget = s;
  } else if (!f.choices.empty()) {
    auto* box = new QComboBox(this);
    for (const auto& choice : f.choices) {
      box->addItem(QString::fromUtf8(choice.label), QString::fromUtf8(choice.value));
    }
    box->setMaximumWidth(260);
    bindings_.push_back({[box, &f](const TrainConfig& c) {
                           const QString value = QString::fromStdString(tb::train::setting_text(f, c));
                           if (box->findData(value) < 0) box->addItem(value, value);
                           box->setCurrentIndex(box->findData(value));
                         },
                         [box, readText](TrainConfig& c) { return readText(c, box->currentData().toString()); }});
    connect(box, &QComboBox::currentIndexChanged, this, &SetupPage::onEdited);
    form->addRow(label, box);
    widget = box;
  } else {
    // Numbers as typed ("2e-4"), whole numbers past a spin box's reach (the seed), and text.
    auto* e = new QLineEdit(this);
    e->setMaximumWidth(160);
    bindings_.push_back({[e, &f](const TrainConfig& c) {
                           // Keep the user's way of writing the same value ("2e-4" stays "2e-4").
                           TrainConfig typed = c;
                           try {
                             tb::train::set_setting_text(typed, f, e->text().trimmed().toStdString());
                             if (tb::train::setting_value(f, typed) == tb::train::setting_value(f, c)) return;
                           } catch (const tb::Error&) {
                           }
                           e->setText(QString::fromStdString(tb::train::setting_text(f, c)));
                         },
                         [e, readText](TrainConfig& c) { return readText(c, e->text()); }});
    connect(e, &QLineEdit::textChanged, this, &SetupPage::onEdited);
    form->addRow(label, e);
    widget = e;
  }
  widget->setObjectName(name);
  widget->setToolTip(tip);
  return widget;
}

QSpinBox* SetupPage::addSpin(QFormLayout* form, const char* key, const QString& name) {
  auto* spin = qobject_cast<QSpinBox*>(addField(form, key, name));
  Q_ASSERT(spin != nullptr);
  return spin;
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
  addField(lora, "lora.rank", QStringLiteral("loraRank"));
  addField(lora, "lora.alpha", QStringLiteral("loraAlpha"));
  addField(lora, "lora.dropout", QStringLiteral("loraDropout"));
  addField(lora, "lora.use_rslora", QStringLiteral("loraRslora"));
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
  const SettingField& targetField = tb::train::setting_field("lora.target_modules");
  targets->setToolTip(QString::fromUtf8(targetField.help));
  lora->addRow(QString::fromUtf8(targetField.label), targets);
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
  addField(freeze, "freeze.top_blocks", QStringLiteral("freezeTopBlocks"));
  addField(freeze, "freeze.lm_head", QStringLiteral("freezeLmHead"));
  addField(freeze, "freeze.norms", QStringLiteral("freezeNorms"));
  addField(freeze, "freeze.embeddings", QStringLiteral("freezeEmbeddings"));
  layout->addWidget(freezeBox_);
  return group;
}

QWidget* SetupPage::buildBasics() {
  auto* page = new QWidget(this);
  auto* layout = new QVBoxLayout(page);
  layout->addWidget(buildMethod());
  auto* group = new QGroupBox(tr("Learning rate, length and batches"), page);
  auto* form = new QFormLayout(group);
  addField(form, "learning_rate", QStringLiteral("learningRate"));
  addField(form, "epochs", QStringLiteral("epochs"));
  addSpin(form, "max_steps", QStringLiteral("maxSteps"))->setSpecialValueText(tr("off — epochs decide"));
  addField(form, "micro_batch", QStringLiteral("microBatch"));
  addField(form, "grad_accum", QStringLiteral("gradAccum"));
  addField(form, "max_seq_len", QStringLiteral("maxSeqLen"));
  addField(form, "precision", QStringLiteral("precision"));
  auto* every = addSpin(form, "eval_every", QStringLiteral("evalEvery"));
  every->setSpecialValueText(tr("only at the end"));
  every->setSuffix(tr(" steps"));
  deviceCombo_ = qobject_cast<QComboBox*>(addField(form, "device", QStringLiteral("device")));
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
  addField(form, "weight_decay", QStringLiteral("weightDecay"));
  addField(form, "beta1", QStringLiteral("beta1"));
  addField(form, "beta2", QStringLiteral("beta2"));
  addField(form, "adam_eps", QStringLiteral("adamEps"));
  addField(form, "max_grad_norm", QStringLiteral("maxGradNorm"));

  form = group(tr("Learning-rate schedule"));
  addField(form, "schedule", QStringLiteral("scheduleKind"));
  addField(form, "warmup_steps", QStringLiteral("warmupSteps"));
  addField(form, "min_lr_ratio", QStringLiteral("minLrRatio"));

  form = group(tr("Batches and memory"));
  addField(form, "seed", QStringLiteral("seed"));
  addField(form, "packing", QStringLiteral("packing"));
  addField(form, "train_on_all", QStringLiteral("trainOnAll"));
  addField(form, "gradient_checkpointing", QStringLiteral("gradientCheckpointing"));

  form = group(tr("Evaluation and checkpoints"));
  addSpin(form, "eval_max_examples", QStringLiteral("evalMaxExamples"))->setSpecialValueText(tr("all"));
  addField(form, "sample_prompts", QStringLiteral("samplePrompts"));
  addField(form, "sample_max_tokens", QStringLiteral("sampleMaxTokens"));
  addSpin(form, "save_every", QStringLiteral("saveEvery"))->setSpecialValueText(tr("at each evaluation"));
  addField(form, "keep_last", QStringLiteral("keepLast"));
  addField(form, "on_checkpoint_error", QStringLiteral("onCheckpointError"));

  form = group(tr("Warnings and early stopping"));
  addSpin(form, "detectors.patience_evals", QStringLiteral("patienceEvals"))->setSpecialValueText(tr("off"));
  addField(form, "detectors.min_delta", QStringLiteral("minDelta"));
  addField(form, "detectors.overfit_rising_evals", QStringLiteral("overfitRisingEvals"));
  addField(form, "detectors.overfit_gap", QStringLiteral("overfitGap"));
  addSpin(form, "detectors.underfit_window", QStringLiteral("underfitWindow"))->setSpecialValueText(tr("off"));
  addField(form, "detectors.underfit_flat_fraction", QStringLiteral("underfitFlatFraction"));
  addField(form, "detectors.underfit_high_fraction", QStringLiteral("underfitHighFraction"));
  addField(form, "detectors.spike_factor", QStringLiteral("spikeFactor"));
  addField(form, "detectors.spike_window", QStringLiteral("spikeWindow"));
  addField(form, "detectors.spike_min_steps", QStringLiteral("spikeMinSteps"));
  layout->addStretch(1);
  return page;
}

}  // namespace tbui
