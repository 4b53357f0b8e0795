// Training-health detectors: the trainer feeds every step's loss and every validation loss to a
// TrainingMonitor, which warns about overfitting, underfitting and divergence in plain language,
// tracks the best validation loss and decides early stopping. Pure, deterministic logic with a
// flat numeric state for exact resumes; it does not stop or roll back anything itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tb::train {

// Checkpoint: a checkpoint could not be written (a full disk) and the run went on (by policy).
enum class WarningKind { Overfitting, Underfitting, Divergence, Checkpoint };

// "overfitting", "underfitting", "divergence", "checkpoint".
const char* to_string(WarningKind kind);

struct TrainingWarning {
  WarningKind kind = WarningKind::Divergence;
  std::int64_t step = 0;  // the step passed to on_step / on_eval that raised it
  // Plain language with the numbers (two decimals), e.g. "Validation loss rose for 3 evaluations
  // in a row (2.10 → 2.31) while training loss fell (1.20 → 0.85)."
  std::string message;
  // What to do, naming the best step where there is one.
  std::string action;
  // The figures behind the message, named (for JSON and the GUI); always finite.
  std::vector<std::pair<std::string, double>> numbers;
};

// The rules, precisely. "Accepted loss" = a finite training loss that was not rejected as a
// spike; only accepted losses enter any history, the EMA or the underfitting windows.
//
// Divergence (on_step, every time it happens, no rate limit):
//   - the loss is NaN or ±Inf; or
//   - at least spike_min_steps losses have been accepted and
//     loss > spike_factor × max(median, kMinSpikeBaseline), where median is the median of the last
//     min(spike_window, accepted) accepted losses (even count: mean of the two middle values).
//   The loss is then not accepted, so after a rollback the trainer can continue as before.
//
// Underfitting (on_step, at most once per run): a step counts as "after warmup" when
// step >= warmup_steps. Over the accepted losses after warmup:
//   initial = mean of the first min(underfit_window, 10) of them;
//   once 2 × underfit_window exist, at every step: B = mean of the window before the last one,
//   A = mean of the last underfit_window; warn when |A − B| <= underfit_flat_fraction × B and
//   A > underfit_high_fraction × initial. underfit_window = 0 turns the rule off.
//
// Overfitting (on_eval, at most once per episode; an episode starts at each new best validation
// loss, and the first evaluation starts the first one). Only evaluations that do not set a new
// best are checked. Each evaluation records (val_loss, smoothed_train_loss()).
//   - Rising rule: with k = overfit_rising_evals, over the last k + 1 evaluations the validation
//     loss rose at each of the k steps between them (strictly), and the smoothed training loss at
//     the last of them is below the one at the first (it fell over them, as a whole).
//   - Gap rule (only when overfit_gap > 0): with gap = val_loss − smoothed training loss at the
//     last 3 evaluations g1, g2, g3 (oldest first): g3 > overfit_gap and g3 > g2 > g1.
//   An evaluation with a non-finite loss, or made before any training loss was accepted, breaks
//   the chain: the rules only look at evaluations after it.
//
// Best and early stopping (on_eval): an evaluation improves when its loss is finite and
// val_loss < best_val_loss() − min_delta (the first finite one always does). should_stop_early()
// turns true once patience_evals > 0 evaluations in a row did not improve; a later improvement
// turns it false again.
struct DetectorSettings {
  int overfit_rising_evals = 3;          // k in the rising rule, >= 1
  double overfit_gap = 0.0;              // nats; 0 = gap rule off
  std::int64_t warmup_steps = 0;         // steps before this are ignored by the underfitting rule
  std::int64_t underfit_window = 50;     // steps; 0 = underfitting rule off
  double underfit_flat_fraction = 0.02;  // |A − B| <= this × B counts as flat
  double underfit_high_fraction = 0.8;   // A > this × initial counts as still high
  double spike_factor = 3.0;             // > 1
  int spike_window = 50;                 // accepted losses the median is taken over, >= 1
  int spike_min_steps = 10;              // no spike check before this many accepted losses, >= 1
  int patience_evals = 0;                // early stopping; 0 = off
  double min_delta = 0.0;                // nats an improvement must exceed, >= 0
  double train_loss_ema = 0.9;           // EMA decay of the training loss, in [0, 1)
};

// A spike is never declared against a median below this (nats), so a run that has memorised its
// data (losses ~0.001) does not warn at a harmless 0.004.
inline constexpr double kMinSpikeBaseline = 0.01;
// Windows above this are rejected (they would make state() huge).
inline constexpr std::int64_t kMaxDetectorWindow = 1'000'000;

class TrainingMonitor {
 public:
  // Throws tb::Error (field = the setting's name) for a setting outside the ranges above.
  explicit TrainingMonitor(DetectorSettings settings = {});

  // Each optimizer step's training loss (mean over trained tokens). Returns a Divergence warning
  // for NaN/Inf or a spike (the loss is then not accepted), the Underfitting warning once, or
  // nothing.
  std::optional<TrainingWarning> on_step(std::int64_t step, double loss);
  // Each validation. Updates best-so-far and patience, then returns an Overfitting warning when a
  // rule fires in the current episode for the first time.
  std::optional<TrainingWarning> on_eval(std::int64_t step, double val_loss);

  bool last_eval_improved() const { return last_improved_; }  // false before any eval
  std::int64_t best_step() const { return best_step_; }       // -1 before any improvement
  double best_val_loss() const;                               // +inf before any improvement
  bool should_stop_early() const;
  // Bias-corrected EMA of accepted losses: ema_n = d·ema_{n−1} + (1 − d)·loss, reported as
  // ema_n / (1 − d^n). NaN before the first accepted loss.
  double smoothed_train_loss() const;
  const DetectorSettings& settings() const { return settings_; }

  // Everything needed for an exact resume, as finite numbers (a fixed layout whose size depends
  // on spike_window, underfit_window and overfit_rising_evals). restore() takes the output of
  // state() of a monitor with the same settings and throws tb::Error on a wrong size or
  // inconsistent contents (leaving this monitor unchanged).
  std::vector<double> state() const;
  void restore(const std::vector<double>& state);

 private:
  struct EvalRecord {
    std::int64_t step = 0;
    double val_loss = 0;
    double train_loss = 0;  // smoothed, at the time of the evaluation
  };

  std::size_t eval_history_capacity() const;
  std::size_t state_size() const;
  void accept_loss(std::int64_t step, double loss);
  std::optional<TrainingWarning> check_underfitting(std::int64_t step);
  std::optional<TrainingWarning> check_overfitting(std::int64_t step) const;
  std::string best_checkpoint_action() const;

  DetectorSettings settings_;
  // Divergence: accepted losses so far and the last spike_window of them.
  std::int64_t accepted_ = 0;
  std::deque<double> recent_;
  // EMA: raw accumulator and d^n.
  double ema_raw_ = 0;
  double ema_decay_power_ = 1;
  // Underfitting: accepted losses after warmup, the sum of the first min(window, 10), and the
  // last 2 × underfit_window of them.
  std::int64_t post_warmup_ = 0;
  double initial_sum_ = 0;
  std::deque<double> underfit_losses_;
  bool underfit_fired_ = false;
  // Evaluations: best, patience, the episode flag and the unbroken tail of the history.
  double best_val_ = 0;  // meaningful when best_step_ >= 0
  std::int64_t best_step_ = -1;
  bool last_improved_ = false;
  std::int64_t evals_since_best_ = 0;
  bool overfit_armed_ = true;
  std::deque<EvalRecord> evals_;
};

}  // namespace tb::train
