// The training settings' table and its readers and writers (setting_fields.h).
#include "core/train/setting_fields.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/json_number.h"

namespace tb::train {
namespace {

bool is_lora(const TrainConfig& c) { return c.method == TrainMethod::Lora; }
bool is_freeze(const TrainConfig& c) { return c.method == TrainMethod::Freeze; }

// A field's place in TrainConfig, as a function pointer the table can hold.
#define TB_AT(Type, member) (+[](TrainConfig& c) -> Type& { return c.member; })

std::vector<SettingField> make_fields() {
  using K = SettingKind;
  return {
      // 1. What changes, and in which precision.
      {"method", "Method",
       "Which weights learn: LoRA trains a small adapter beside the frozen model (least memory, "
       "forgets little); freeze trains only the top blocks; full trains every weight (most memory).",
       K::Choice,
       ChoiceAccess{[](const TrainConfig& c) { return std::string(to_string(c.method)); },
                    [](TrainConfig& c, const std::string& v) { c.method = parse_train_method(v); }},
       0, kNoLimit, false, false,
       {{"lora", "LoRA (recommended)"}, {"freeze", "Freeze most of the model"}, {"full", "Full fine-tuning"}}},
      {"precision", "Precision",
       "fp32: full precision, safest. bf16: half the memory for the frozen weights and activations "
       "and much faster on recent GPUs; slower on most CPUs.",
       K::Choice,
       ChoiceAccess{[](const TrainConfig& c) { return std::string(to_string(c.precision)); },
                    [](TrainConfig& c, const std::string& v) { c.precision = parse_precision(v); }},
       0, kNoLimit, false, false, {{"fp32", "fp32 (full precision)"}, {"bf16", "bf16 (half memory)"}}},

      // 2. LoRA's adapter.
      {"lora.rank", "Rank",
       "How big the adapter is. Larger ranks can learn more but need more memory and data; 8–32 "
       "suits most tasks.",
       K::Integer, TB_AT(std::int64_t, lora.rank), 1, 4096, false, false, {}, is_lora},
      {"lora.alpha", "Alpha", "How strongly the adapter's output counts; the usual choice is twice the rank.",
       K::Real, TB_AT(double, lora.alpha), 0, kNoLimit, true, false, {}, is_lora},
      {"lora.dropout", "Dropout",
       "The share of the adapter's inputs dropped at random while training; a little (0.05–0.1) "
       "helps against memorising small datasets.",
       K::Real, TB_AT(double, lora.dropout), 0, 1, false, true, {}, is_lora},
      {"lora.use_rslora", "Rank-stabilised scaling (rsLoRA)",
       "Scale by alpha/√rank instead of alpha/rank, which keeps large ranks learning steadily.", K::Flag,
       TB_AT(bool, lora.use_rslora), 0, kNoLimit, false, false, {}, is_lora},
      {"lora.target_modules", "Targets",
       "Which parts of each block get an adapter (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, "
       "down_proj, lm_head, embed_tokens). All seven block parts is the usual choice. Phi-3 fuses q, k, v "
       "into one qkv_proj and gate, up into one gate_up_proj: naming any part adapts the whole fused matrix.",
       K::List, TB_AT(std::vector<std::string>, lora.target_modules), 0, kNoLimit, false, false, {}, is_lora},

      // 3. Freeze's options.
      {"freeze.top_blocks", "Top blocks trained",
       "How many of the last blocks of the model learn; more blocks learn more and need more memory.",
       K::Integer, TB_AT(std::int64_t, freeze.top_blocks), 0, 4096, false, false, {}, is_freeze},
      {"freeze.lm_head", "Output head (lm_head)",
       "Also train the layer that turns the model's state into word scores.", K::Flag,
       TB_AT(bool, freeze.lm_head), 0, kNoLimit, false, false, {}, is_freeze},
      {"freeze.norms", "Normalisation weights", "Also train every normalisation weight (few numbers, cheap).",
       K::Flag, TB_AT(bool, freeze.norms), 0, kNoLimit, false, false, {}, is_freeze},
      {"freeze.embeddings", "Token embeddings",
       "Also train the token embeddings (large; the gradient then runs through every block).", K::Flag,
       TB_AT(bool, freeze.embeddings), 0, kNoLimit, false, false, {}, is_freeze},

      // 4. Learning rate, length and batches.
      {"learning_rate", "Learning rate",
       "How big a step the model takes after each batch. Too high and the loss jumps or explodes; too "
       "low and it barely learns. 2e-4 suits LoRA, 1e-5 to 5e-5 full fine-tuning.",
       K::Real, TB_AT(double, learning_rate), 0, 1, true, true},
      {"epochs", "Epochs",
       "How many times the training goes through all your examples. More epochs learn more but can "
       "memorise the data (overfitting).",
       K::Integer, TB_AT(std::int64_t, epochs), 0, 100'000},
      {"max_steps", "Max steps",
       "Stop after this many optimizer steps, whatever the epochs say (0 = the epochs decide).", K::Integer,
       TB_AT(std::int64_t, max_steps), 0, 1e9},
      {"micro_batch", "Micro-batch",
       "How many examples go through the model at once. Larger is faster per example but needs more "
       "memory.",
       K::Integer, TB_AT(std::int64_t, micro_batch), 1, 65536},
      {"grad_accum", "Gradient accumulation",
       "How many micro-batches are added up before the model changes. The effective batch is "
       "micro-batch × this: a large batch without the memory.",
       K::Integer, TB_AT(std::int64_t, grad_accum), 1, 65536},
      {"max_seq_len", "Max sequence length",
       "The longest example in tokens; longer ones are cut at the end. Memory grows with it, so keep "
       "it near your longest examples (see the Data step's lengths).",
       K::Integer, TB_AT(std::int64_t, max_seq_len), 8, 1'048'576},
      {"eval_every", "Evaluate every",
       "Measure the loss on the validation examples every this many steps, to see whether the model "
       "improves on data it does not train on (0 = only at the end).",
       K::Integer, TB_AT(std::int64_t, eval_every), 0, 1e9},
      {"device", "Device",
       "Where training runs: auto (the GPU when there is one, else the CPU), cpu, cuda, or cuda:N "
       "for a further GPU.",
       K::Text, TB_AT(std::string, device), 0, kNoLimit, false, false,
       {{"auto", "Automatic"}, {"cpu", "CPU"}, {"cuda", "GPU (CUDA)"}}, nullptr, "auto, cpu, cuda or cuda:N"},

      // 5. The optimizer (AdamW) and the schedule.
      {"weight_decay", "Weight decay",
       "Pulls the trained weights gently towards zero, which can reduce memorising (0 = off; 0.01 is a "
       "common small value).",
       K::Real, TB_AT(double, weight_decay), 0, kNoLimit},
      {"beta1", "Beta 1", "How much the optimizer's direction remembers earlier steps (0.9 is standard).",
       K::Real, TB_AT(double, beta1), 0, 1, false, true},
      {"beta2", "Beta 2", "How much the optimizer's step size remembers earlier steps (0.999 is standard).",
       K::Real, TB_AT(double, beta2), 0, 1, false, true},
      {"adam_eps", "Epsilon", "A tiny number that keeps the optimizer from dividing by zero; leave it at 1e-8.",
       K::Real, TB_AT(double, adam_eps), 0, kNoLimit, true, false},
      {"max_grad_norm", "Max gradient norm",
       "Caps how large one step's change can be, so an unusual batch cannot throw training off (0 = no "
       "cap; 1 is usual).",
       K::Real, TB_AT(double, max_grad_norm), 0, kNoLimit},
      {"schedule", "Schedule",
       "How the learning rate changes over the run: stays the same, falls in a straight line, or falls "
       "along a smooth curve (cosine) that slows at the end.",
       K::Choice,
       ChoiceAccess{[](const TrainConfig& c) { return std::string(to_string(c.schedule.kind)); },
                    [](TrainConfig& c, const std::string& v) { c.schedule.kind = parse_schedule_kind(v); }},
       0, kNoLimit, false, false, {{"constant", "Constant"}, {"linear", "Linear decay"}, {"cosine", "Cosine decay"}}},
      {"warmup_steps", "Warmup steps",
       "The learning rate rises from zero over this many first steps, so the first batches do not jolt "
       "the model (0 = start at full rate).",
       K::Integer, TB_AT(std::int64_t, schedule.warmup_steps), 0, 1e9},
      {"min_lr_ratio", "Final rate (fraction)",
       "The learning rate at the last step, as a fraction of the peak (0.1 keeps learning a little "
       "until the end).",
       K::Real, TB_AT(double, schedule.min_lr_ratio), 0, 1},

      // 6. Batches and memory.
      {"seed", "Random seed",
       "Fixes the random choices (order of examples, adapter start), so the same settings give the "
       "same run. Change it to see how much results vary by chance.",
       K::Integer, TB_AT(std::uint64_t, seed), 0, kNoLimit},
      {"packing", "Pack several examples per row",
       "Fills each row up to the sequence length with several short examples (they never see each "
       "other): fewer, fuller batches, so faster on data of short examples.",
       K::Flag, TB_AT(bool, packing)},
      {"train_on_all", "Train on all tokens (prompts too)",
       "Normally the model learns only the answers. On, it also learns to reproduce the prompts: useful "
       "for plain text, rarely for question–answer data.",
       K::Flag, TB_AT(bool, train_on_all)},
      {"gradient_checkpointing", "Gradient checkpointing",
       "Saves memory by recomputing parts of the model during the backward pass instead of keeping "
       "them: about a third slower, much less activation memory.",
       K::Flag, TB_AT(bool, gradient_checkpointing)},

      // 7. Evaluation and checkpoints.
      {"eval_max_examples", "Validation examples per evaluation",
       "Measure on at most this many validation examples each time, to keep evaluations quick (0 = "
       "all of them).",
       K::Integer, TB_AT(std::int64_t, eval_max_examples), 0, 1e9},
      {"sample_prompts", "Sample answers per evaluation",
       "At each evaluation the model answers this many validation prompts, so you can read how its "
       "answers change (0 = none).",
       K::Integer, TB_AT(std::int64_t, sample_prompts), 0, 1000},
      {"sample_max_tokens", "Sample answer length", "The longest sample answer, in tokens.", K::Integer,
       TB_AT(std::int64_t, sample_max_tokens), 1, 100'000},
      {"save_every", "Save every",
       "Save a checkpoint every this many steps (0 = at each evaluation), so a stopped run can resume.",
       K::Integer, TB_AT(std::int64_t, save_every), 0, 1e9},
      {"keep_last", "Checkpoints kept", "How many recent checkpoints stay on disk besides the best one.",
       K::Integer, TB_AT(std::int64_t, keep_last), 1, 1000},
      {"on_checkpoint_error", "When a checkpoint cannot be saved",
       "stop: stop the run so nothing goes unsaved (it resumes from the last good checkpoint once there "
       "is space). continue: warn and keep training, trying again at the next checkpoint.",
       K::Choice,
       ChoiceAccess{[](const TrainConfig& c) { return std::string(c.stop_on_checkpoint_error ? "stop" : "continue"); },
                    [](TrainConfig& c, const std::string& v) {
                      if (v != "stop" && v != "continue") throw Error("use stop or continue");
                      c.stop_on_checkpoint_error = v == "stop";
                    }},
       0, kNoLimit, false, false, {{"stop", "Stop the run"}, {"continue", "Warn and go on"}}},

      // 8. Warnings and early stopping (detectors.h).
      {"detectors.patience_evals", "Early-stopping patience",
       "End the run on its best checkpoint after this many evaluations in a row without a better "
       "validation loss (0 = never stop early).",
       K::Integer, TB_AT(int, detectors.patience_evals), 0, 10000},
      {"detectors.min_delta", "Smallest improvement",
       "How much lower the validation loss must be to count as better, in nats.", K::Real,
       TB_AT(double, detectors.min_delta), 0, kNoLimit},
      {"detectors.overfit_rising_evals", "Overfitting: rising evaluations",
       "Warn about overfitting when the validation loss rose this many evaluations in a row while the "
       "training loss fell.",
       K::Integer, TB_AT(int, detectors.overfit_rising_evals), 1, 1000},
      {"detectors.overfit_gap", "Overfitting: gap",
       "Also warn when validation loss exceeds training loss by more than this and the gap keeps "
       "growing (0 = off).",
       K::Real, TB_AT(double, detectors.overfit_gap), 0, kNoLimit},
      {"detectors.underfit_window", "Underfitting: window",
       "Warn about underfitting when the training loss stays flat and high over two windows of this "
       "many steps (0 = off).",
       K::Integer, TB_AT(std::int64_t, detectors.underfit_window), 0, static_cast<double>(kMaxDetectorWindow)},
      {"detectors.underfit_flat_fraction", "Underfitting: flat within",
       "The loss counts as flat when two windows differ by at most this fraction (0.02 = 2 %).", K::Real,
       TB_AT(double, detectors.underfit_flat_fraction), 0, kNoLimit},
      {"detectors.underfit_high_fraction", "Underfitting: still above",
       "…and still high when above this fraction of where it started (0.8 = 80 %).", K::Real,
       TB_AT(double, detectors.underfit_high_fraction), 0, kNoLimit},
      {"detectors.spike_factor", "Divergence: spike factor",
       "Warn about divergence when a step's loss exceeds this many times the recent typical loss (3 is "
       "usual).",
       K::Real, TB_AT(double, detectors.spike_factor), 1, kNoLimit, true, false},
      {"detectors.spike_window", "Divergence: window", "How many recent steps the typical loss is taken over.",
       K::Integer, TB_AT(int, detectors.spike_window), 1, static_cast<double>(kMaxDetectorWindow)},
      {"detectors.spike_min_steps", "Divergence: first check after",
       "No divergence check before this many steps, while the loss is still settling.", K::Integer,
       TB_AT(int, detectors.spike_min_steps), 1, static_cast<double>(kMaxDetectorWindow)},
  };
}

#undef TB_AT

template <class... F>
struct Overload : F... {
  using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;

// A number in its shortest form that reads back exactly, written plainly while that stays short:
// 0.0002 → "0.0002", 1000000000 → "1000000000", 1e-08 → "1e-08", 2.5e+31 → "2.5e+31".
std::string number_text(double v) {
  char buffer[400];
  auto end = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::fixed).ptr;
  if (end - buffer <= 12 && (v == 0 || std::fabs(v) >= 1e-4)) return std::string(buffer, end);
  end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
  return std::string(buffer, end);
}

Error field_error(const SettingField& f, const std::string& message) { return Error(message, {{}, 0, f.key}); }

std::string choices_text(const SettingField& f) {
  std::string out;
  for (std::size_t i = 0; i < f.choices.size(); ++i) {
    out += i == 0 ? "" : (i + 1 == f.choices.size() ? " or " : ", ");
    out += f.choices[i].value;
  }
  return out;
}

}  // namespace

const std::vector<SettingField>& setting_fields() {
  static const std::vector<SettingField> fields = make_fields();
  return fields;
}

const SettingField& setting_field(std::string_view key) {
  for (const auto& f : setting_fields()) {
    if (key == f.key) return f;
  }
  std::string known;
  for (const auto& f : setting_fields()) known += (known.empty() ? "" : ", ") + std::string(f.key);
  throw Error("unknown setting; known: " + known, {{}, 0, std::string(key)});
}

nlohmann::json setting_value(const SettingField& f, const TrainConfig& config) {
  auto& c = const_cast<TrainConfig&>(config);  // the accessors only read here
  return std::visit(Overload{[&](const ChoiceAccess& a) { return nlohmann::json(a.get(config)); },
                             [&](auto at) { return nlohmann::json(at(c)); }},
                    f.access);
}

std::string setting_text(const SettingField& f, const TrainConfig& config) {
  const nlohmann::json v = setting_value(f, config);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_float()) return number_text(v.get<double>());
  if (v.is_array()) {
    std::string out;
    for (const auto& item : v) out += (out.empty() ? "" : ",") + item.get<std::string>();
    return out;
  }
  return v.dump();  // whole numbers
}

double setting_number(const SettingField& f, const TrainConfig& config) {
  const nlohmann::json v = setting_value(f, config);
  return v.is_number() ? v.get<double>() : 0.0;
}

void set_setting(TrainConfig& config, const SettingField& f, const nlohmann::json& value) {
  std::visit(Overload{[&](const ChoiceAccess& a) {
                        if (!value.is_string()) throw field_error(f, "must be one of " + choices_text(f));
                        try {
                          a.set(config, value.get<std::string>());
                        } catch (const Error& e) {
                          throw field_error(f, e.message());
                        }
                      },
                      [&](auto at) {
                        switch (json_read(value, at(config))) {
                          case JsonRead::Ok: return;
                          case JsonRead::NotWhole: throw field_error(f, "must be a whole number in range");
                          case JsonRead::WrongType: break;
                        }
                        throw field_error(f, "wrong type for this setting (" + std::string(value.type_name()) + ")");
                      }},
             f.access);
}

void set_setting_text(TrainConfig& config, const SettingField& f, std::string_view text) {
  const std::string t(text);
  nlohmann::json value;
  switch (f.kind) {
    case SettingKind::Integer: {
      // 1. Whole numbers: digits only (a sign for negatives, which the range then refuses).
      std::int64_t whole = 0;
      std::uint64_t big = 0;
      const char* end = t.data() + t.size();
      if (auto r = std::from_chars(t.data(), end, whole); r.ec == std::errc() && r.ptr == end && !t.empty()) {
        value = whole;
      } else if (auto u = std::from_chars(t.data(), end, big); u.ec == std::errc() && u.ptr == end && !t.empty()) {
        value = big;
      } else {
        throw field_error(f, "\"" + t + "\" is not a whole number (write e.g. " + setting_text(f, TrainConfig{}) + ")");
      }
      break;
    }
    case SettingKind::Real: {
      // 2. Numbers: the whole text must be one finite number ("2e-4", "0.0002").
      char* end = nullptr;
      const double v = t.empty() ? 0.0 : std::strtod(t.c_str(), &end);
      if (t.empty() || end != t.c_str() + t.size() || !std::isfinite(v)) {
        throw field_error(f, "\"" + t + "\" is not a number (write e.g. 0.0002 or 2e-4)");
      }
      value = v;
      break;
    }
    case SettingKind::Flag:
      if (t == "true" || t == "on" || t == "yes" || t == "1") {
        value = true;
      } else if (t == "false" || t == "off" || t == "no" || t == "0") {
        value = false;
      } else {
        throw field_error(f, "\"" + t + "\" is not on or off (write true or false)");
      }
      break;
    case SettingKind::List: {
      // 3. Lists: comma-separated names, blanks dropped.
      value = nlohmann::json::array();
      std::size_t start = 0;
      while (start <= t.size()) {
        const std::size_t comma = std::min(t.find(',', start), t.size());
        std::string item = t.substr(start, comma - start);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) value.push_back(item);
        start = comma + 1;
      }
      break;
    }
    case SettingKind::Choice:
    case SettingKind::Text:
      value = t;
      break;
  }
  set_setting(config, f, value);
}

void set_setting_assignment(TrainConfig& config, std::string_view assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw Error("write a setting as key=value, e.g. lora.rank=16 (tunebench-cli settings lists them)",
                {{}, 0, std::string(assignment)});
  }
  set_setting_text(config, setting_field(assignment.substr(0, eq)), assignment.substr(eq + 1));
}

std::string setting_range_text(const SettingField& f) {
  switch (f.kind) {
    case SettingKind::Choice: return choices_text(f);
    case SettingKind::Flag: return "true or false";
    case SettingKind::Text: return f.range_words != nullptr ? f.range_words : "text";
    case SettingKind::List: return "names, comma-separated";
    case SettingKind::Integer:
    case SettingKind::Real: break;
  }
  const std::string lo = number_text(f.min), hi = number_text(f.max);
  if (f.max == kNoLimit) return f.min_open ? "above " + lo : lo + " or more";
  if (!f.min_open && !f.max_open) return lo + " to " + hi;
  return std::string(f.min_open ? "above " : "from ") + lo + (f.max_open ? " and below " : " to ") + hi;
}

std::string setting_problem(const SettingField& f, const TrainConfig& config) {
  if (f.applies != nullptr && !f.applies(config)) return {};
  if (f.kind == SettingKind::List && setting_value(f, config).empty()) return "name at least one";
  if (f.kind != SettingKind::Integer && f.kind != SettingKind::Real) return {};
  const double v = setting_number(f, config);
  // Written so that NaN fails every comparison and so is out of range.
  const bool above_min = f.min_open ? v > f.min : v >= f.min;
  const bool below_max = f.max_open ? v < f.max : v <= f.max;
  if (above_min && below_max) return {};
  return "must be " + setting_range_text(f) + " (it is " + setting_text(f, config) + ")";
}

bool same_settings(const TrainConfig& a, const TrainConfig& b) {
  for (const auto& f : setting_fields()) {
    if (setting_value(f, a) != setting_value(f, b)) return false;
  }
  return true;
}

}  // namespace tb::train
