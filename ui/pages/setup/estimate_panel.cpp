// EstimatePanel (see estimate_panel.h).
#include "ui/pages/setup/estimate_panel.h"

#include <QCoreApplication>
#include <QLabel>
#include <QPushButton>
#include <QStringList>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/engine/run_data.h"
#include "core/model/model_inspect.h"
#include "core/train/run_estimate.h"
#include "ui/widgets/palette.h"

namespace tbui {
namespace {

QString bytes(std::uint64_t n) { return QString::fromStdString(tb::format_bytes(n)); }

QString count(std::int64_t n) {
  const double v = static_cast<double>(n);
  if (n >= 1'000'000'000) return QStringLiteral("%1 B").arg(v / 1e9, 0, 'g', 3);
  if (n >= 1'000'000) return QStringLiteral("%1 M").arg(v / 1e6, 0, 'g', 3);
  if (n >= 10'000) return QStringLiteral("%1 k").arg(v / 1e3, 0, 'g', 3);
  return QString::number(n);
}

QString duration(double seconds) { return QString::fromStdString(tb::format_duration(seconds)); }

constexpr const char* kGreen = "color:#1b7f1b;font-weight:bold";
constexpr const char* kAmber = "color:#b26b00;font-weight:bold";
constexpr const char* kGrey = "color:#666666";

}  // namespace


EstimatePanel::EstimatePanel(QWidget* parent)
    : QGroupBox(tr("Memory and time"), parent),
      measurer_(new QFutureWatcher<Measured>(this)),
      debounce_(new QTimer(this)) {
  setObjectName(QStringLiteral("estimatePanel"));
  auto* layout = new QVBoxLayout(this);
  auto label = [this, layout](const char* name) {
    auto* l = new QLabel(this);
    l->setObjectName(QLatin1String(name));
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(l);
    return l;
  };
  total_ = label("estimateTotal");
  breakdown_ = label("estimateBreakdown");
  params_ = label("estimateParams");
  time_ = label("estimateTime");
  verdict_ = label("estimateVerdict");
  suggestionsLayout_ = new QVBoxLayout;
  layout->addLayout(suggestionsLayout_);
  assumptions_ = label("estimateAssumptions");
  assumptions_->setStyleSheet(QLatin1String(kGrey));
  layout->addStretch(1);
  setToolTip(
      tr("An estimate from the model's shape and these settings, before anything runs. The "
         "real peak can differ by some percent."));

  debounce_->setSingleShot(true);
  debounce_->setInterval(150);
  connect(debounce_, &QTimer::timeout, this, &EstimatePanel::refresh);
  connect(measurer_, &QFutureWatcher<Measured>::finished, this, [this] {
    Measured m = measurer_->result();
    pendingKey_.clear();
    // A newer project arrived meanwhile: measure that one; this result is stale.
    if (m.key != measureKey(project_)) {
      startMeasuring();
      return;
    }
    measured_ = std::move(m);
    refresh();
  });
  refresh();
}

void EstimatePanel::setDevice(const tb::DeviceInfo& info) {
  device_ = info;
  debounce_->start();
}

void EstimatePanel::setProject(const tb::Project& project) {
  project_ = project;
  if (!measured_ || measured_->key != measureKey(project_)) startMeasuring();
  debounce_->start();
}

bool EstimatePanel::measuring() const { return !pendingKey_.empty(); }

void EstimatePanel::refreshNow() {
  // A measurement of an older project may be under way: its finished() starts the current one.
  for (int round = 0; round < 3 && (!measured_ || measured_->key != measureKey(project_)); ++round) {
    startMeasuring();
    measurer_->waitForFinished();
    QCoreApplication::sendPostedEvents(measurer_);  // delivers finished(), which stores it
  }
  refresh();
}

std::string EstimatePanel::measureKey(const tb::Project& p) {
  // What the measurement reads: the model, the data sources, the stages and the settings that
  // change how examples are tokenized and cut.
  nlohmann::json key = {{"file", p.file.string()}, {"model", p.model}};
  const nlohmann::json project = tb::project_to_json(p);
  for (const char* k : {"data", "stages"}) key[k] = project.value(k, nlohmann::json());
  key["max_seq_len"] = p.training.max_seq_len;
  key["train_on_all"] = p.training.train_on_all;
  return key.dump();
}

EstimatePanel::Measured EstimatePanel::measure(tb::Project project, std::string key) {
  // Off the GUI thread; torch-free (the tokenizer, the data readers, the model's config file).
  Measured m;
  m.key = std::move(key);
  std::unique_ptr<tb::Tokenizer> tokenizer;
  tb::ChatFormat format;
  try {
    const std::filesystem::path path = tb::project_model_path(project);
    m.model = tb::inspect_model(path, false).config;
    tokenizer = tb::load_model_tokenizer(path);
    format = tb::model_chat_format(path, *tokenizer);
  } catch (const std::exception& e) {  // tb::Error, or a JSON or file error of a broken model
    m.model.reset();
    m.modelError = QString::fromUtf8(e.what());
    return m;
  }
  try {
    m.stages = tb::measure_stages(project, *tokenizer, format);
  } catch (const std::exception& e) {
    m.dataError = QString::fromUtf8(e.what());
  }
  return m;
}

void EstimatePanel::startMeasuring() {
  if (!pendingKey_.empty()) return;  // the finished handler starts the next one
  pendingKey_ = measureKey(project_);
  measurer_->setFuture(QtConcurrent::run(&EstimatePanel::measure, project_, pendingKey_));
}

EstimatePanel::Target EstimatePanel::target(const tb::train::TrainConfig& c) const {
  Target t;
  const QString device = QString::fromStdString(c.device);
  int gpu = -1;  // the GPU index the run would use, -1 = the CPU
  if (device == QLatin1String("auto")) {
    if (device_ && device_->cuda_available && !device_->gpus.empty()) gpu = 0;
  } else if (device.startsWith(QLatin1String("cuda"))) {
    gpu = device.contains(QLatin1Char(':')) ? device.section(QLatin1Char(':'), 1).toInt() : 0;
  }
  if (gpu < 0) {
    t.memoryBytes = tb::run_memory_bytes(tb::memory_free_bytes(false));
    t.where = tr("this computer's free memory (RAM)");
    return t;
  }
  t.cuda = true;
  t.where = tr("GPU %1").arg(gpu);
  if (!device_) return t;  // not probed yet: no verdict
  for (const tb::GpuInfo& g : device_->gpus) {
    if (g.index != gpu) continue;
    t.memoryBytes = tb::run_memory_bytes(g.free_memory_bytes >= 0 ? g.free_memory_bytes : g.total_memory_bytes);
    t.where = tr("GPU %1 (%2, %3 %4)")
                  .arg(gpu)
                  .arg(QString::fromStdString(g.name), bytes(t.memoryBytes),
                       g.free_memory_bytes >= 0 ? tr("free") : tr("in all"));
  }
  return t;
}

void EstimatePanel::clearSuggestions() {
  for (QPushButton* b : suggestionButtons_) b->deleteLater();
  suggestionButtons_.clear();
}

void EstimatePanel::refresh() {
  debounce_->stop();
  clearSuggestions();
  estimate_.reset();
  for (QLabel* l : {total_, breakdown_, params_, time_, verdict_, assumptions_}) l->clear();
  total_->setStyleSheet(QString());
  if (!measured_) {
    total_->setText(measuring() ? tr("Reading the model and the data…")
                                : tr("Choose a model on the Model step to see the estimate"));
    total_->setStyleSheet(QLatin1String(kGrey));
    Q_EMIT estimateUpdated();
    return;
  }
  if (!measured_->model) {
    total_->setText(tr("Choose a model on the Model step to see the estimate (%1)").arg(measured_->modelError));
    total_->setStyleSheet(QLatin1String(kGrey));
    Q_EMIT estimateUpdated();
    return;
  }
  // One estimate per stage, exactly as run preparation makes it; the one that fits worst shows.
  QString stageName;
  tb::train::TrainConfig shownConfig;
  try {
    const auto configs = tb::stage_configs(project_, {});
    const bool measured = measured_->dataError.isEmpty() && measured_->stages.size() == configs.size();
    for (std::size_t k = 0; k < configs.size(); ++k) {
      static const tb::train::StageSpec kNoData;
      const tb::train::StageSpec& stage = measured ? measured_->stages[k] : kNoData;
      const Target t = target(configs[k]);
      auto e = tb::train::estimate_run(*measured_->model, configs[k], stage.train, stage.task_weights, {t.cuda, t.memoryBytes});
      const bool worse = !estimate_ || (estimate_->fits && !e.fits) ||
                         (estimate_->fits == e.fits && e.total_bytes > estimate_->total_bytes);
      if (worse) {
        estimate_ = std::move(e);
        shownConfig = configs[k];
        stageName = configs.size() > 1 ? QString::fromStdString(stage.name) : QString();
      }
    }
  } catch (const tb::Error& e) {
    estimate_.reset();
    total_->setText(tr("No estimate for these settings: %1").arg(QString::fromStdString(e.what())));
    total_->setStyleSheet(errorStyle(true));
    Q_EMIT estimateUpdated();
    return;
  }
  showEstimate(*estimate_, shownConfig, stageName, measured_->dataError.isEmpty());
  Q_EMIT estimateUpdated();
}

void EstimatePanel::showEstimate(const tb::train::MemoryEstimate& e, const tb::train::TrainConfig& config,
                                 const QString& stage, bool dataMeasured) {
  const Target where = target(config);
  // 1. The peak and its parts.
  total_->setText(tr("<b>About %1</b> at the peak of a training step on %2")
                      .arg(bytes(e.total_bytes), where.cuda ? tr("the GPU") : tr("the CPU")) +
                  (stage.isEmpty() ? QString() : tr(" (stage %1, the largest)").arg(stage)));
  const std::uint64_t other = e.temporary_bytes + e.workspace_bytes;
  breakdown_->setText(tr("Weights %1 · gradients %2 · optimizer %3 · activations %4 · logits %5 · "
                         "temporaries and workspace %6")
                          .arg(bytes(e.weights_bytes), bytes(e.gradient_bytes),
                               bytes(e.optimizer_bytes), bytes(e.activation_bytes),
                               bytes(e.logits_bytes), bytes(other)));
  breakdown_->setToolTip(
      tr("Weights: the model as loaded (and the adapter). Gradients: one number per "
         "trained weight. Optimizer: AdamW's two running averages per trained weight. "
         "Activations: what each layer keeps for the backward pass; grows with the "
         "micro-batch and the sequence length. Logits: the scores over the vocabulary "
         "for every token of the batch."));
  const double share = e.total_params > 0 ? 100.0 * static_cast<double>(e.trainable_params) /
                                                static_cast<double>(e.total_params)
                                          : 0.0;
  params_->setText(tr("Trains %1 of %2 parameters (%3 %)")
                       .arg(count(e.trainable_params), count(e.total_params))
                       .arg(share, 0, 'g', 2));
  // 2. Time.
  QString time = tr("About %1 per optimizer step").arg(duration(e.step_seconds));
  if (e.total_steps > 0) {
    time += e.total_steps == 1 ? tr("; 1 step") : tr("; %1 steps").arg(e.total_steps);
    time += tr(" ≈ %1 in all").arg(duration(e.total_seconds));
  } else {
    time += dataMeasured ? QString() : tr(". Import data on the Data step to see the time in all.");
  }
  if (dataMeasured) {
    time += tr(" (micro-batch rows of up to %1 tokens)").arg(e.seq_len);
  } else {
    time += tr(" (%1-token rows assumed until the data is read: %2)").arg(e.seq_len).arg(measured_->dataError);
  }
  time_->setText(time);
  // 3. The verdict and what would fit.
  if (where.memoryBytes == 0) {
    verdict_->setText(where.cuda && !device_
                          ? tr("The GPU has not been detected yet: no verdict on whether it fits.")
                          : tr("The free memory of %1 is unknown: no verdict on whether it fits.")
                                .arg(where.where));
    verdict_->setStyleSheet(QLatin1String(kGrey));
  } else {
    const double percent =
        100.0 * static_cast<double>(e.total_bytes) / static_cast<double>(where.memoryBytes);
    const QString pct = percent < 1 ? QStringLiteral("<1") : QString::number(std::lround(percent));
    if (!e.fits) {
      verdict_->setText(
          tr("Does not fit: needs about %1 % of %2 (at most 90 % is safe).").arg(pct, where.where) +
          (e.suggestions.empty() ? tr(" No single change found that fits: choose a smaller model.")
                                 : tr(" Any one of these changes fits:")));
      verdict_->setStyleSheet(errorStyle(true));
    } else if (e.tight) {
      verdict_->setText(
          tr("Tight: about %1 % of %2. Other programs using memory could make it fail; "
             "these changes leave more room:")
              .arg(pct, where.where));
      verdict_->setStyleSheet(QLatin1String(kAmber));
    } else {
      verdict_->setText(tr("Fits: about %1 % of %2.").arg(pct, where.where));
      verdict_->setStyleSheet(QLatin1String(kGreen));
    }
  }
  int i = 0;
  for (const tb::train::Suggestion& s : e.suggestions) {
    const QString text = QString::fromStdString(s.text);
    auto* b = new QPushButton(text, this);
    b->setObjectName(QStringLiteral("suggestion%1").arg(i++));
    b->setToolTip(tr("Change the settings this way"));
    b->setStyleSheet(QStringLiteral("text-align:left;padding:3px 8px"));
    connect(b, &QPushButton::clicked, this,
            [this, changed = s.config, text] { Q_EMIT suggestionChosen(changed, text); });
    suggestionsLayout_->addWidget(b);
    suggestionButtons_.append(b);
  }
  assumptions_->setText(
      tr("Assumes about %1 TFLOPS sustained on the %2; the real speed depends on the "
         "hardware and what else runs.")
          .arg(e.tflops, 0, 'g', 3)
          .arg(where.cuda ? tr("GPU") : tr("CPU")));
}

QString EstimatePanel::text() const {
  QStringList lines;
  for (const QLabel* l : {total_, breakdown_, params_, time_, verdict_}) {
    QString t = l->text();
    t.remove(QStringLiteral("<b>")).remove(QStringLiteral("</b>"));
    if (!t.isEmpty()) lines << t;
  }
  for (const QPushButton* b : suggestionButtons_) lines << QStringLiteral("• ") + b->text();
  return lines.join(QLatin1Char('\n'));
}

}  // namespace tbui
