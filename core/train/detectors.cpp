// Training-health detectors (detectors.h): divergence, underfitting, overfitting, best tracking
// and early stopping, with a flat numeric state for exact resumes.
#include "core/train/detectors.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/common/error.h"
#include "core/common/require_field.h"

namespace tb::train {
namespace {

constexpr double kStateVersion = 1.0;
constexpr std::size_t kStateHeader = 15;  // scalars before the buffers; see state()
constexpr std::int64_t kInitialLossSteps = 10;
constexpr std::size_t kEvalRecordDoubles = 3;

std::string fmt2(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.2f", value);
  return buffer;
}

std::string fmt_int(std::int64_t value) { return std::to_string(value); }

double mean_of(const std::deque<double>& values, std::size_t begin, std::size_t end) {
  double sum = 0.0;
  for (std::size_t i = begin; i < end; ++i) sum += values[i];
  return sum / static_cast<double>(end - begin);
}

// Median of a small window (copied; the window is at most spike_window long).
double median_of(const std::deque<double>& values) {
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

// Reads state numbers back, checking each is what it claims to be.
class StateReader {
 public:
  explicit StateReader(const std::vector<double>& state) : state_(state) {}

  double real(const char* what) {
    const double value = state_[pos_++];
    require_field(std::isfinite(value), "state",
                  std::string("detector state: ") + what + " is not finite");
    return value;
  }
  std::int64_t integer(const char* what, std::int64_t lo, std::int64_t hi) {
    const double value = real(what);
    require_field(value == std::floor(value) && value >= static_cast<double>(lo) &&
                      value <= static_cast<double>(hi),
                  "state", std::string("detector state: ") + what + " is out of range");
    return static_cast<std::int64_t>(value);
  }
  bool flag(const char* what) { return integer(what, 0, 1) == 1; }
  void skip(std::size_t count) { pos_ += count; }

 private:
  const std::vector<double>& state_;
  std::size_t pos_ = 0;
};

constexpr std::int64_t kMaxExactInteger = std::int64_t{1} << 53;

}  // namespace

const char* to_string(WarningKind kind) {
  switch (kind) {
    case WarningKind::Overfitting:
      return "overfitting";
    case WarningKind::Underfitting:
      return "underfitting";
    case WarningKind::Divergence:
      return "divergence";
    case WarningKind::Checkpoint:
      return "checkpoint";
  }
  return "?";
}

TrainingMonitor::TrainingMonitor(DetectorSettings settings) : settings_(settings) {
  const DetectorSettings& s = settings_;
  require_field(s.overfit_rising_evals >= 1 && s.overfit_rising_evals <= 1000,
                "overfit_rising_evals", "must be between 1 and 1000");
  require_field(std::isfinite(s.overfit_gap) && s.overfit_gap >= 0, "overfit_gap",
                "must be 0 (off) or a positive number of nats");
  require_field(s.warmup_steps >= 0, "warmup_steps", "must not be negative");
  require_field(s.underfit_window >= 0 && s.underfit_window <= kMaxDetectorWindow,
                "underfit_window",
                "must be between 0 (off) and " + fmt_int(kMaxDetectorWindow) + " steps");
  require_field(std::isfinite(s.underfit_flat_fraction) && s.underfit_flat_fraction >= 0,
                "underfit_flat_fraction", "must be a fraction >= 0");
  require_field(std::isfinite(s.underfit_high_fraction) && s.underfit_high_fraction >= 0,
                "underfit_high_fraction", "must be a fraction >= 0");
  require_field(std::isfinite(s.spike_factor) && s.spike_factor > 1, "spike_factor",
                "must be greater than 1");
  require_field(s.spike_window >= 1 && s.spike_window <= kMaxDetectorWindow, "spike_window",
                "must be between 1 and " + fmt_int(kMaxDetectorWindow) + " steps");
  require_field(s.spike_min_steps >= 1, "spike_min_steps", "must be at least 1");
  require_field(s.patience_evals >= 0, "patience_evals", "must be 0 (off) or a positive count");
  require_field(std::isfinite(s.min_delta) && s.min_delta >= 0, "min_delta",
                "must be 0 or a positive number of nats");
  require_field(s.train_loss_ema >= 0 && s.train_loss_ema < 1, "train_loss_ema",
                "must be in [0, 1)");
}

double TrainingMonitor::best_val_loss() const {
  return best_step_ >= 0 ? best_val_ : std::numeric_limits<double>::infinity();
}

bool TrainingMonitor::should_stop_early() const {
  return settings_.patience_evals > 0 && evals_since_best_ >= settings_.patience_evals;
}

double TrainingMonitor::smoothed_train_loss() const {
  if (accepted_ == 0) return std::numeric_limits<double>::quiet_NaN();
  return ema_raw_ / (1.0 - ema_decay_power_);
}

std::optional<TrainingWarning> TrainingMonitor::on_step(std::int64_t step, double loss) {
  const std::string divergence_action =
      "Roll back to the last checkpoint and lower the learning rate (for example halve it), keep "
      "gradient clipping on, and check the data around step " +
      fmt_int(step) + " for broken or very long examples.";
  // 1. A non-finite loss is divergence outright.
  if (!std::isfinite(loss)) {
    TrainingWarning w;
    w.kind = WarningKind::Divergence;
    w.step = step;
    w.message = std::string("Training loss became ") + (std::isnan(loss) ? "NaN" : "infinite") +
                " at step " + fmt_int(step) + ": the run has diverged.";
    w.action = divergence_action;
    if (accepted_ > 0) w.numbers.emplace_back("smoothed_train_loss", smoothed_train_loss());
    return w;
  }
  // 2. A spike against the running median of recent accepted losses.
  if (accepted_ >= settings_.spike_min_steps) {
    const double median = median_of(recent_);
    const double baseline = std::max(median, kMinSpikeBaseline);
    if (loss > settings_.spike_factor * baseline) {
      TrainingWarning w;
      w.kind = WarningKind::Divergence;
      w.step = step;
      w.message = "Training loss jumped to " + fmt2(loss) + " at step " + fmt_int(step) + ", " +
                  fmt2(loss / baseline) + "× the median of the last " +
                  fmt_int(std::ssize(recent_)) + " steps (" + fmt2(median) + ").";
      w.action = divergence_action;
      w.numbers = {{"loss", loss},
                   {"median_loss", median},
                   {"ratio", loss / baseline},
                   {"spike_factor", settings_.spike_factor}};
      return w;
    }
  }
  // 3. Accept the loss, then look for underfitting.
  accept_loss(step, loss);
  return check_underfitting(step);
}

void TrainingMonitor::accept_loss(std::int64_t step, double loss) {
  ++accepted_;
  recent_.push_back(loss);
  if (std::ssize(recent_) > settings_.spike_window) recent_.pop_front();
  const double decay = settings_.train_loss_ema;
  ema_raw_ = decay * ema_raw_ + (1.0 - decay) * loss;
  ema_decay_power_ *= decay;
  if (step < settings_.warmup_steps || settings_.underfit_window == 0) return;
  const std::int64_t initial_steps = std::min(settings_.underfit_window, kInitialLossSteps);
  if (post_warmup_ < initial_steps) initial_sum_ += loss;
  ++post_warmup_;
  underfit_losses_.push_back(loss);
  if (std::ssize(underfit_losses_) > 2 * settings_.underfit_window) underfit_losses_.pop_front();
}

std::optional<TrainingWarning> TrainingMonitor::check_underfitting(std::int64_t step) {
  const std::int64_t window = settings_.underfit_window;
  if (underfit_fired_ || window == 0 || std::ssize(underfit_losses_) < 2 * window) {
    return std::nullopt;
  }
  // 1. Mean of the window before the last (B) and of the last window (A).
  const auto w = static_cast<std::size_t>(window);
  const double before = mean_of(underfit_losses_, 0, w);
  const double last = mean_of(underfit_losses_, w, 2 * w);
  // 2. The initial level after warmup.
  const std::int64_t initial_steps = std::min(window, kInitialLossSteps);
  const double initial = initial_sum_ / static_cast<double>(initial_steps);
  // 3. Flat and still high.
  const bool flat = std::abs(last - before) <= settings_.underfit_flat_fraction * before;
  const bool high = last > settings_.underfit_high_fraction * initial;
  if (!flat || !high) return std::nullopt;
  underfit_fired_ = true;
  TrainingWarning warning;
  warning.kind = WarningKind::Underfitting;
  warning.step = step;
  const double percent = initial > 0 ? 100.0 * last / initial : 100.0;
  warning.message = "Training loss has stopped falling: it averaged " + fmt2(last) +
                    " over the last " + fmt_int(window) + " steps vs " + fmt2(before) +
                    " over the " + fmt_int(window) + " before, still " +
                    fmt_int(std::llround(percent)) + "% of its starting level (" + fmt2(initial) +
                    ").";
  warning.action =
      "Raise the learning rate, train more weights (a higher LoRA rank or full fine-tuning), or "
      "check that the data and the chat template are right.";
  warning.numbers = {{"mean_loss_last_window", last},
                     {"mean_loss_previous_window", before},
                     {"initial_loss", initial},
                     {"window_steps", static_cast<double>(window)}};
  return warning;
}

std::optional<TrainingWarning> TrainingMonitor::on_eval(std::int64_t step, double val_loss) {
  // 1. Best and patience.
  const bool finite = std::isfinite(val_loss);
  last_improved_ = finite && (best_step_ < 0 || val_loss < best_val_ - settings_.min_delta);
  if (last_improved_) {
    best_val_ = val_loss;
    best_step_ = step;
    evals_since_best_ = 0;
    overfit_armed_ = true;  // a new episode
  } else {
    ++evals_since_best_;
  }
  // 2. Record the evaluation; a non-finite loss or no training loss yet breaks the chain.
  if (!finite || accepted_ == 0) {
    evals_.clear();
    return std::nullopt;
  }
  evals_.push_back({step, val_loss, smoothed_train_loss()});
  if (evals_.size() > eval_history_capacity()) evals_.pop_front();
  // 3. Overfitting rules, once per episode, never on an improving evaluation.
  if (last_improved_ || !overfit_armed_) return std::nullopt;
  auto warning = check_overfitting(step);
  if (warning) overfit_armed_ = false;
  return warning;
}

std::optional<TrainingWarning> TrainingMonitor::check_overfitting(std::int64_t step) const {
  const auto k = static_cast<std::size_t>(settings_.overfit_rising_evals);
  const std::size_t n = evals_.size();
  TrainingWarning warning;
  warning.kind = WarningKind::Overfitting;
  warning.step = step;
  warning.action = best_checkpoint_action();
  // 1. Rising rule: k strict rises over the last k + 1 evaluations, training EMA lower at the end.
  if (n >= k + 1) {
    const EvalRecord& first = evals_[n - 1 - k];
    const EvalRecord& last = evals_[n - 1];
    bool rising = true;
    for (std::size_t i = n - k; i < n; ++i) {
      rising = rising && evals_[i].val_loss > evals_[i - 1].val_loss;
    }
    if (rising && last.train_loss < first.train_loss) {
      warning.message = "Validation loss rose for " + fmt_int(static_cast<std::int64_t>(k)) +
                        " evaluation" + (k == 1 ? "" : "s") + " in a row (" + fmt2(first.val_loss) +
                        " → " + fmt2(last.val_loss) + ") while training loss fell (" +
                        fmt2(first.train_loss) + " → " + fmt2(last.train_loss) + ").";
      warning.numbers = {{"rising_evals", static_cast<double>(k)},
                         {"val_loss_from", first.val_loss},
                         {"val_loss_to", last.val_loss},
                         {"train_loss_from", first.train_loss},
                         {"train_loss_to", last.train_loss},
                         {"best_step", static_cast<double>(best_step_)},
                         {"best_val_loss", best_val_}};
      return warning;
    }
  }
  // 2. Gap rule: val − train above the threshold and growing at each of the last 2 evaluations.
  if (settings_.overfit_gap > 0 && n >= 3) {
    const EvalRecord& last = evals_[n - 1];
    const double g1 = evals_[n - 3].val_loss - evals_[n - 3].train_loss;
    const double g2 = evals_[n - 2].val_loss - evals_[n - 2].train_loss;
    const double g3 = last.val_loss - last.train_loss;
    if (g3 > settings_.overfit_gap && g3 > g2 && g2 > g1) {
      warning.message = "Validation loss is " + fmt2(g3) + " above training loss (" +
                        fmt2(last.val_loss) + " vs " + fmt2(last.train_loss) +
                        "), and the gap grew at each of the last 2 evaluations (" + fmt2(g1) +
                        " → " + fmt2(g2) + " → " + fmt2(g3) + ").";
      warning.numbers = {{"gap", g3},
                         {"gap_previous", g2},
                         {"gap_before_previous", g1},
                         {"gap_threshold", settings_.overfit_gap},
                         {"val_loss", last.val_loss},
                         {"train_loss", last.train_loss},
                         {"best_step", static_cast<double>(best_step_)},
                         {"best_val_loss", best_val_}};
      return warning;
    }
  }
  return std::nullopt;
}

std::string TrainingMonitor::best_checkpoint_action() const {
  if (best_step_ < 0) return "Stop training, or add data / lower epochs.";
  return "Stop and keep the best checkpoint (step " + fmt_int(best_step_) + ", validation loss " +
         fmt2(best_val_) + "), or add data / lower epochs.";
}

std::size_t TrainingMonitor::eval_history_capacity() const {
  return std::max<std::size_t>(static_cast<std::size_t>(settings_.overfit_rising_evals) + 1, 3);
}

std::size_t TrainingMonitor::state_size() const {
  return kStateHeader + static_cast<std::size_t>(settings_.spike_window) +
         2 * static_cast<std::size_t>(settings_.underfit_window) +
         kEvalRecordDoubles * eval_history_capacity();
}

// Layout: [version, accepted, ema_raw, ema_decay_power, post_warmup, initial_sum, underfit_fired,
// best_val, best_step, last_improved, evals_since_best, overfit_armed, n_recent, n_underfit,
// n_evals], then recent losses (spike_window slots), underfit losses (2 × underfit_window slots),
// eval records (step, val_loss, train_loss per slot); used slots first, oldest first, rest 0.
std::vector<double> TrainingMonitor::state() const {
  std::vector<double> out;
  out.reserve(state_size());
  out = {kStateVersion,
         static_cast<double>(accepted_),
         ema_raw_,
         ema_decay_power_,
         static_cast<double>(post_warmup_),
         initial_sum_,
         underfit_fired_ ? 1.0 : 0.0,
         best_step_ >= 0 ? best_val_ : 0.0,
         static_cast<double>(best_step_),
         last_improved_ ? 1.0 : 0.0,
         static_cast<double>(evals_since_best_),
         overfit_armed_ ? 1.0 : 0.0,
         static_cast<double>(recent_.size()),
         static_cast<double>(underfit_losses_.size()),
         static_cast<double>(evals_.size())};
  auto append_padded = [&out](const std::deque<double>& values, std::size_t slots) {
    out.insert(out.end(), values.begin(), values.end());
    out.insert(out.end(), slots - values.size(), 0.0);
  };
  append_padded(recent_, static_cast<std::size_t>(settings_.spike_window));
  append_padded(underfit_losses_, 2 * static_cast<std::size_t>(settings_.underfit_window));
  for (const EvalRecord& e : evals_) {
    out.insert(out.end(), {static_cast<double>(e.step), e.val_loss, e.train_loss});
  }
  out.insert(out.end(), kEvalRecordDoubles * (eval_history_capacity() - evals_.size()), 0.0);
  return out;
}

void TrainingMonitor::restore(const std::vector<double>& state) {
  // 1. Size and version.
  if (state.size() != state_size()) {
    throw Error("detector state has " + std::to_string(state.size()) + " numbers, expected " +
                    std::to_string(state_size()) + " for these detector settings",
                {{}, 0, "state"});
  }
  require_field(state[0] == kStateVersion, "state", "detector state has an unknown version");
  // 2. Scalars into a copy, so a bad state leaves this monitor unchanged.
  TrainingMonitor next(settings_);
  StateReader in(state);
  in.skip(1);
  next.accepted_ = in.integer("accepted steps", 0, kMaxExactInteger);
  next.ema_raw_ = in.real("EMA");
  next.ema_decay_power_ = in.real("EMA decay power");
  require_field(next.ema_decay_power_ >= 0 && next.ema_decay_power_ <= 1, "state",
                "detector state: EMA decay power is out of range");
  next.post_warmup_ = in.integer("steps after warmup", 0, next.accepted_);
  next.initial_sum_ = in.real("initial loss sum");
  next.underfit_fired_ = in.flag("underfitting flag");
  next.best_val_ = in.real("best validation loss");
  next.best_step_ = in.integer("best step", -1, kMaxExactInteger);
  next.last_improved_ = in.flag("improved flag");
  next.evals_since_best_ = in.integer("evaluations since best", 0, kMaxExactInteger);
  next.overfit_armed_ = in.flag("overfitting flag");
  const std::int64_t n_recent = in.integer(
      "recent loss count", 0, std::min<std::int64_t>(settings_.spike_window, next.accepted_));
  const std::int64_t n_underfit = in.integer(
      "underfitting loss count", 0, std::min(2 * settings_.underfit_window, next.post_warmup_));
  const std::int64_t n_evals =
      in.integer("evaluation count", 0, static_cast<std::int64_t>(eval_history_capacity()));
  // 3. Buffers.
  for (std::int64_t i = 0; i < n_recent; ++i) next.recent_.push_back(in.real("recent loss"));
  in.skip(static_cast<std::size_t>(settings_.spike_window - n_recent));
  for (std::int64_t i = 0; i < n_underfit; ++i) next.underfit_losses_.push_back(in.real("loss"));
  in.skip(static_cast<std::size_t>(2 * settings_.underfit_window - n_underfit));
  for (std::int64_t i = 0; i < n_evals; ++i) {
    EvalRecord e;
    e.step = in.integer("evaluation step", -kMaxExactInteger, kMaxExactInteger);
    e.val_loss = in.real("validation loss");
    e.train_loss = in.real("training loss at evaluation");
    next.evals_.push_back(e);
  }
  *this = std::move(next);
}

}  // namespace tb::train
