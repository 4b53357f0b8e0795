// SweepPanel (see sweep_panel.h).
#include "ui/pages/setup/sweep_panel.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "core/common/error.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/project/project_session.h"
#include "ui/widgets/palette.h"

namespace tbui {
namespace {

QStringList items(const QString& text) {
  return text.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts);
}

}  // namespace

SweepPanel::SweepPanel(EngineBridge* bridge, ProjectSession* session, QWidget* parent)
    : QGroupBox(tr("Try several settings (sweep)"), parent), bridge_(bridge), session_(session) {
  setObjectName(QStringLiteral("sweepPanel"));
  auto* layout = new QVBoxLayout(this);
  auto* intro =
      new QLabel(tr("Not sure which values work best? List a few to try; each combination "
                    "trains as a short trial run and the one with the lowest validation loss "
                    "wins. Leave a list empty to keep your setting."),
                 this);
  intro->setWordWrap(true);
  layout->addWidget(intro);
  auto* form = new QFormLayout;
  auto line = [this, form](const char* name, const QString& label, const QString& placeholder,
                           const QString& tip) {
    auto* e = new QLineEdit(this);
    e->setObjectName(QLatin1String(name));
    e->setPlaceholderText(placeholder);
    e->setToolTip(tip);
    form->addRow(label, e);
    connect(e, &QLineEdit::textChanged, this, &SweepPanel::refreshCount);
    return e;
  };
  learningRates_ = line("sweepLearningRates", tr("Learning rates"), tr("e.g. 1e-4, 2e-4, 5e-4"),
                        tr("Learning rates to try, separated by commas; each between 0 and 1"));
  epochs_ = line("sweepEpochs", tr("Epochs"), tr("e.g. 1, 2"),
                 tr("Numbers of passes over the data to try"));
  ranks_ =
      line("sweepRanks", tr("LoRA ranks"), tr("e.g. 8, 16, 32"),
           tr("Adapter sizes to try (LoRA only); alpha follows so that alpha/rank stays the same"));
  microBatches_ = line("sweepMicroBatches", tr("Micro-batches"), tr("e.g. 2, 4"),
                       tr("Rows per micro-batch to try; larger ones need more memory"));
  randomTrials_ = new QSpinBox(this);
  randomTrials_->setObjectName(QStringLiteral("sweepRandomTrials"));
  randomTrials_->setRange(0, 10000);
  randomTrials_->setSpecialValueText(tr("all combinations"));
  randomTrials_->setToolTip(
      tr("Try only this many combinations, drawn at random (0 = every combination)"));
  form->addRow(tr("Random trials"), randomTrials_);
  stepsPerTrial_ = new QSpinBox(this);
  stepsPerTrial_->setObjectName(QStringLiteral("sweepStepsPerTrial"));
  stepsPerTrial_->setRange(0, 10'000'000);
  stepsPerTrial_->setValue(50);
  stepsPerTrial_->setSpecialValueText(tr("each trial's full length"));
  stepsPerTrial_->setToolTip(
      tr("Stop each trial after this many optimizer steps, so the sweep stays short "
         "(0 = train each trial as long as its settings say)"));
  form->addRow(tr("Steps per trial"), stepsPerTrial_);
  layout->addLayout(form);
  connect(randomTrials_, &QSpinBox::valueChanged, this, &SweepPanel::refreshCount);
  connect(stepsPerTrial_, &QSpinBox::valueChanged, this, &SweepPanel::refreshCount);

  auto* buttons = new QHBoxLayout;
  count_ = new QLabel(this);
  count_->setObjectName(QStringLiteral("sweepCount"));
  run_ = new QPushButton(tr("Run sweep"), this);
  run_->setObjectName(QStringLiteral("runSweep"));
  stop_ = new QPushButton(tr("Stop"), this);
  stop_->setEnabled(false);
  buttons->addWidget(count_, 1);
  buttons->addWidget(run_);
  buttons->addWidget(stop_);
  layout->addLayout(buttons);
  error_ = new QLabel(this);
  error_->setObjectName(QStringLiteral("sweepError"));
  error_->setStyleSheet(errorStyle());
  error_->setWordWrap(true);
  layout->addWidget(error_);
  log_ = new QPlainTextEdit(this);
  log_->setObjectName(QStringLiteral("sweepLog"));
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(500);
  log_->setPlaceholderText(tr("No sweep yet: list some values and press Run sweep."));
  log_->setFixedHeight(5 * fontMetrics().lineSpacing() + 12);
  layout->addWidget(log_);
  result_ = new QLabel(this);
  result_->setObjectName(QStringLiteral("sweepResult"));
  result_->setWordWrap(true);
  result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(result_);
  table_ = new QTableWidget(0, 9, this);
  table_->setObjectName(QStringLiteral("sweepLeaderboard"));
  table_->setHorizontalHeaderLabels({tr("Place"), tr("Trial"), tr("Learning rate"), tr("Epochs"),
                                     tr("LoRA rank"), tr("Micro-batch"), tr("Best val loss"),
                                     tr("At step"), tr("Status")});
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->hide();
  layout->addWidget(table_);
  useBest_ = new QPushButton(tr("Use the best settings"), this);
  useBest_->setObjectName(QStringLiteral("useBestSettings"));
  useBest_->setToolTip(
      tr("Copy the winning trial's settings into this project, at its full length"));
  useBest_->setEnabled(false);
  layout->addWidget(useBest_);

  connect(run_, &QPushButton::clicked, this, [this] { runSweep(); });
  connect(stop_, &QPushButton::clicked, this, &SweepPanel::stopSweep);
  connect(useBest_, &QPushButton::clicked, this, [this] { useBest(); });
  refreshCount();
}

void SweepPanel::setLists(const QString& learningRates, const QString& epochs, const QString& ranks,
                          const QString& microBatches) {
  learningRates_->setText(learningRates);
  epochs_->setText(epochs);
  ranks_->setText(ranks);
  microBatches_->setText(microBatches);
}

void SweepPanel::setRandomTrials(int trials) { randomTrials_->setValue(trials); }
void SweepPanel::setStepsPerTrial(int steps) { stepsPerTrial_->setValue(steps); }

bool SweepPanel::readSpace(tb::train::SweepSpace* space, tb::train::SweepOptions* options,
                           QString* error) const {
  tb::train::SweepSpace s;
  for (const QString& item : items(learningRates_->text())) {
    bool ok = false;
    const double v = item.toDouble(&ok);
    if (!ok || !(v > 0 && v < 1)) {
      *error = tr("Learning rates: \"%1\" is not a number between 0 and 1.").arg(item);
      return false;
    }
    s.learning_rates.push_back(v);
  }
  const std::pair<QLineEdit*, std::vector<std::int64_t>*> lists[] = {
      {epochs_, &s.epochs}, {ranks_, &s.ranks}, {microBatches_, &s.micro_batches}};
  const QString names[] = {tr("Epochs"), tr("LoRA ranks"), tr("Micro-batches")};
  for (int i = 0; i < 3; ++i) {
    for (const QString& item : items(lists[i].first->text())) {
      bool ok = false;
      const qint64 v = item.toLongLong(&ok);
      if (!ok || v < 1) {
        *error = tr("%1: \"%2\" is not a whole number of at least 1.").arg(names[i], item);
        return false;
      }
      lists[i].second->push_back(v);
    }
  }
  if (!s.ranks.empty() && session_->project().training.method != tb::train::TrainMethod::Lora) {
    *error =
        tr("LoRA ranks only change LoRA runs, and this project trains with the %1 method: leave "
           "the ranks empty or choose LoRA.")
            .arg(QString::fromLatin1(tb::train::to_string(session_->project().training.method)));
    return false;
  }
  if (space != nullptr) *space = s;
  if (options != nullptr) {
    options->random_trials = randomTrials_->value();
    options->trial_max_steps = stepsPerTrial_->value();
    options->seed = session_->project().training.seed;
  }
  return true;
}

int SweepPanel::trialCount() const {
  tb::train::SweepSpace s;
  QString error;
  if (!readSpace(&s, nullptr, &error)) return -1;
  qint64 grid = 1;
  for (const std::size_t n :
       {s.learning_rates.size(), s.epochs.size(), s.ranks.size(), s.micro_batches.size()}) {
    grid *= std::max<qint64>(1, static_cast<qint64>(n));
  }
  const int random = randomTrials_->value();
  if (random > 0 && random < grid) return random;
  return static_cast<int>(std::min<qint64>(grid, INT32_MAX));
}

QString SweepPanel::trialCountText() const { return count_->text(); }

void SweepPanel::refreshCount() {
  QString error;
  if (!readSpace(nullptr, nullptr, &error)) {
    count_->clear();
    if (!busy()) error_->setText(error);
    run_->setEnabled(false);
    return;
  }
  if (!busy()) error_->clear();
  const int n = trialCount();
  const int steps = stepsPerTrial_->value();
  const QString trials = n == 1 ? tr("1 trial run") : tr("%1 trial runs").arg(n);
  count_->setText(steps > 0 ? tr("%1 of at most %2 steps each").arg(trials).arg(steps) : trials);
  run_->setEnabled(!busy());
}

quint64 SweepPanel::runSweep() {
  if (busy()) return 0;
  tb::train::SweepSpace space;
  tb::train::SweepOptions options;
  QString error;
  if (!readSpace(&space, &options, &error)) {
    error_->setText(error);
    return 0;
  }
  if (session_->project().data.empty()) {
    error_->setText(
        tr("Import data on the Data step first: every trial trains and evaluates on it."));
    return 0;
  }
  error_->clear();
  result_->clear();
  table_->setRowCount(0);
  table_->hide();
  best_.reset();
  useBest_->setEnabled(false);
  log_->clear();
  log_->appendPlainText(tr("Starting %1.").arg(count_->text()));
  job_ = bridge_->startSweep(session_->project(), space, options);
  connect(job_, &JobHandle::logLine, this, [this](const QString& text) { log_->appendPlainText(text); });
  connect(job_, &JobHandle::sweepFinished, this, &SweepPanel::showResult);
  connect(job_, &JobHandle::ended, this, &SweepPanel::onEnded);
  run_->setEnabled(false);
  stop_->setEnabled(true);
  return job_->id();
}

void SweepPanel::stopSweep() {
  if (busy()) job_->cancel();
}

void SweepPanel::onEnded(JobEnd how, const QString& message) {
  releaseJob(job_, this);
  stop_->setEnabled(false);
  if (how == JobEnd::Failed) {
    error_->setText(tr("The sweep failed: %1").arg(message));
  } else if (how == JobEnd::Cancelled) {
    log_->appendPlainText(tr("Stopped."));
  }
  refreshCount();
}

void SweepPanel::showResult(const QString& folder, const tb::train::SweepSummary& summary) {
  table_->setRowCount(0);
  // A figure, or "–" where there is none (no evaluation, no step).
  auto number = [](double v) { return std::isfinite(v) ? QString::number(v, 'g', 4) : QStringLiteral("–"); };
  auto whole = [](qint64 v) { return v >= 0 ? QString::number(v) : QStringLiteral("–"); };
  int row = 0;
  for (const auto& t : summary.leaderboard) {
    table_->insertRow(row);
    const QString cells[] = {QString::number(row + 1),   whole(t.trial),      number(t.learning_rate),
                             whole(t.epochs),            whole(t.rank),       whole(t.micro_batch),
                             number(t.best_val_loss),    whole(t.best_step),  QString::fromStdString(t.status)};
    for (int c = 0; c < 9; ++c) table_->setItem(row, c, new QTableWidgetItem(cells[c]));
    if (!t.error.empty()) table_->item(row, 8)->setToolTip(QString::fromStdString(t.error));
    ++row;
  }
  table_->setVisible(row > 0);
  best_ = summary.best;
  useBest_->setEnabled(best_.has_value());
  QString text = row == 0 ? tr("The sweep ran no trial.")
                          : (row == 1 ? tr("1 trial") : tr("%1 trials").arg(row)) +
                                tr(" ranked by validation loss.");
  if (summary.cancelled) text += tr(" The sweep was stopped before the end.");
  if (row > 0 && !best_)
    text += tr(" No trial reached an evaluation, so there is no best setting to use.");
  text += tr(" Saved in %1.").arg(folder);
  result_->setText(text);
}

bool SweepPanel::useBest() {
  if (!best_) return false;
  Q_EMIT bestSettingsChosen(*best_);
  return true;
}

QString SweepPanel::errorText() const { return error_->text(); }
QString SweepPanel::logText() const { return log_->toPlainText(); }

}  // namespace tbui
