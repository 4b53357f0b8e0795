// TrainConfig's checks, JSON form and hash (train_config.h).
#include "core/train/train_config.h"

#include <set>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/require_field.h"
#include "core/io/json_number.h"
#include "core/io/sha256.h"

namespace tb::train {
namespace {

// Reads `key` into `value` when present; a wrong type names the key.
template <typename T>
void read(const nlohmann::json& j, const char* key, T& value, const std::string& source, std::set<std::string>& seen) {
  seen.insert(key);
  const auto it = j.find(key);
  if (it == j.end()) return;
  switch (json_read(*it, value)) {
    case JsonRead::Ok: return;
    case JsonRead::NotWhole: throw Error("must be a whole number in range", {source, 0, key});
    case JsonRead::WrongType: break;
  }
  throw Error("wrong type for this setting (" + std::string(it->type_name()) + ")", {source, 0, key});
}

void reject_unknown(const nlohmann::json& j, const std::set<std::string>& seen, const std::string& source,
                    const std::string& prefix) {
  for (const auto& [key, value] : j.items()) {
    if (seen.count(key) == 0) {
      std::string known;
      for (const auto& k : seen) known += (known.empty() ? "" : ", ") + k;
      throw Error("unknown setting; known: " + known, {source, 0, prefix + key});
    }
  }
}

}  // namespace

void TrainConfig::validate() const {
  require_field(learning_rate > 0 && learning_rate < 1, "learning_rate", "the learning rate must be in (0, 1)");
  require_field(weight_decay >= 0, "weight_decay", "weight decay cannot be negative");
  require_field(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "betas", "AdamW betas must be in [0, 1)");
  require_field(adam_eps > 0, "adam_eps", "adam_eps must be positive");
  require_field(max_grad_norm >= 0, "max_grad_norm", "max_grad_norm cannot be negative (0 = no clipping)");
  require_field(epochs >= 1 || max_steps >= 1, "epochs", "give at least one epoch or a step count");
  require_field(max_steps >= 0, "max_steps", "max_steps cannot be negative");
  require_field(micro_batch >= 1, "micro_batch", "the micro-batch needs at least one row");
  require_field(grad_accum >= 1, "grad_accum", "gradient accumulation needs at least 1 micro-batch");
  require_field(max_seq_len >= 8, "max_seq_len", "the sequence length must be at least 8 tokens");
  require_field(eval_every >= 0 && save_every >= 0, "eval_every", "eval_every and save_every cannot be negative");
  require_field(keep_last >= 1, "keep_last", "keep at least the last checkpoint");
  require_field(schedule.warmup_steps >= 0, "warmup_steps", "warmup steps cannot be negative");
  require_field(schedule.min_lr_ratio >= 0 && schedule.min_lr_ratio <= 1, "min_lr_ratio", "min_lr_ratio must be in [0, 1]");
  if (method == TrainMethod::Lora) {
    require_field(lora.rank >= 1 && lora.rank <= 4096, "lora.rank", "the LoRA rank must be between 1 and 4096");
    require_field(lora.alpha > 0, "lora.alpha", "LoRA alpha must be positive");
    require_field(lora.dropout >= 0 && lora.dropout < 1, "lora.dropout", "LoRA dropout must be in [0, 1)");
    require_field(!lora.target_modules.empty(), "lora.target_modules", "name at least one module for LoRA");
  }
  if (method == TrainMethod::Freeze) require_field(freeze.top_blocks >= 0, "freeze.top_blocks", "cannot be negative");
  require_field(detectors.spike_factor > 1, "detectors.spike_factor", "the spike factor must be above 1");
}

void to_json(nlohmann::json& j, const TrainConfig& c) {
  j = nlohmann::json{
      {"method", to_string(c.method)},
      {"precision", to_string(c.precision)},
      {"lora", {{"rank", c.lora.rank}, {"alpha", c.lora.alpha}, {"dropout", c.lora.dropout},
                {"use_rslora", c.lora.use_rslora}, {"target_modules", c.lora.target_modules}}},
      {"freeze", {{"top_blocks", c.freeze.top_blocks}, {"norms", c.freeze.norms}, {"lm_head", c.freeze.lm_head},
                  {"embeddings", c.freeze.embeddings}}},
      {"learning_rate", c.learning_rate},
      {"weight_decay", c.weight_decay},
      {"beta1", c.beta1},
      {"beta2", c.beta2},
      {"adam_eps", c.adam_eps},
      {"schedule", to_string(c.schedule.kind)},
      {"warmup_steps", c.schedule.warmup_steps},
      {"min_lr_ratio", c.schedule.min_lr_ratio},
      {"max_grad_norm", c.max_grad_norm},
      {"epochs", c.epochs},
      {"max_steps", c.max_steps},
      {"seed", c.seed},
      {"micro_batch", c.micro_batch},
      {"grad_accum", c.grad_accum},
      {"max_seq_len", c.max_seq_len},
      {"packing", c.packing},
      {"train_on_all", c.train_on_all},
      {"gradient_checkpointing", c.gradient_checkpointing},
      {"eval_every", c.eval_every},
      {"eval_max_examples", c.eval_max_examples},
      {"sample_prompts", c.sample_prompts},
      {"sample_max_tokens", c.sample_max_tokens},
      {"save_every", c.save_every},
      {"keep_last", c.keep_last},
      {"on_checkpoint_error", c.stop_on_checkpoint_error ? "stop" : "continue"},
      {"detectors", {{"overfit_rising_evals", c.detectors.overfit_rising_evals},
                     {"overfit_gap", c.detectors.overfit_gap},
                     {"underfit_window", c.detectors.underfit_window},
                     {"underfit_flat_fraction", c.detectors.underfit_flat_fraction},
                     {"underfit_high_fraction", c.detectors.underfit_high_fraction},
                     {"spike_factor", c.detectors.spike_factor},
                     {"spike_window", c.detectors.spike_window},
                     {"spike_min_steps", c.detectors.spike_min_steps},
                     {"patience_evals", c.detectors.patience_evals},
                     {"min_delta", c.detectors.min_delta}}},
      {"device", c.device},
  };
}

TrainConfig train_config_from_json(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) throw Error("training settings must be a JSON object", {source, 0, "training"});
  TrainConfig c;
  std::set<std::string> seen;
  std::string method = to_string(c.method), precision = to_string(c.precision), schedule = to_string(c.schedule.kind);
  read(j, "method", method, source, seen);
  read(j, "precision", precision, source, seen);
  c.method = parse_train_method(method);
  c.precision = parse_precision(precision);
  seen.insert("lora");
  if (const auto it = j.find("lora"); it != j.end()) {
    if (!it->is_object()) throw Error("must be a JSON object", {source, 0, "lora"});
    std::set<std::string> s;
    read(*it, "rank", c.lora.rank, source, s);
    read(*it, "alpha", c.lora.alpha, source, s);
    read(*it, "dropout", c.lora.dropout, source, s);
    read(*it, "use_rslora", c.lora.use_rslora, source, s);
    read(*it, "target_modules", c.lora.target_modules, source, s);
    reject_unknown(*it, s, source, "lora.");
  }
  seen.insert("freeze");
  if (const auto it = j.find("freeze"); it != j.end()) {
    if (!it->is_object()) throw Error("must be a JSON object", {source, 0, "freeze"});
    std::set<std::string> s;
    read(*it, "top_blocks", c.freeze.top_blocks, source, s);
    read(*it, "norms", c.freeze.norms, source, s);
    read(*it, "lm_head", c.freeze.lm_head, source, s);
    read(*it, "embeddings", c.freeze.embeddings, source, s);
    reject_unknown(*it, s, source, "freeze.");
  }
  read(j, "learning_rate", c.learning_rate, source, seen);
  read(j, "weight_decay", c.weight_decay, source, seen);
  read(j, "beta1", c.beta1, source, seen);
  read(j, "beta2", c.beta2, source, seen);
  read(j, "adam_eps", c.adam_eps, source, seen);
  read(j, "schedule", schedule, source, seen);
  c.schedule.kind = parse_schedule_kind(schedule);
  read(j, "warmup_steps", c.schedule.warmup_steps, source, seen);
  read(j, "min_lr_ratio", c.schedule.min_lr_ratio, source, seen);
  read(j, "max_grad_norm", c.max_grad_norm, source, seen);
  read(j, "epochs", c.epochs, source, seen);
  read(j, "max_steps", c.max_steps, source, seen);
  read(j, "seed", c.seed, source, seen);
  read(j, "micro_batch", c.micro_batch, source, seen);
  read(j, "grad_accum", c.grad_accum, source, seen);
  read(j, "max_seq_len", c.max_seq_len, source, seen);
  read(j, "packing", c.packing, source, seen);
  read(j, "train_on_all", c.train_on_all, source, seen);
  read(j, "gradient_checkpointing", c.gradient_checkpointing, source, seen);
  read(j, "eval_every", c.eval_every, source, seen);
  read(j, "eval_max_examples", c.eval_max_examples, source, seen);
  read(j, "sample_prompts", c.sample_prompts, source, seen);
  read(j, "sample_max_tokens", c.sample_max_tokens, source, seen);
  read(j, "save_every", c.save_every, source, seen);
  read(j, "keep_last", c.keep_last, source, seen);
  std::string on_checkpoint_error = c.stop_on_checkpoint_error ? "stop" : "continue";
  read(j, "on_checkpoint_error", on_checkpoint_error, source, seen);
  if (on_checkpoint_error != "stop" && on_checkpoint_error != "continue") {
    throw Error("use stop or continue", {source, 0, "on_checkpoint_error"});
  }
  c.stop_on_checkpoint_error = on_checkpoint_error == "stop";
  seen.insert("detectors");
  if (const auto it = j.find("detectors"); it != j.end()) {
    if (!it->is_object()) throw Error("must be a JSON object", {source, 0, "detectors"});
    std::set<std::string> s;
    auto& d = c.detectors;
    read(*it, "overfit_rising_evals", d.overfit_rising_evals, source, s);
    read(*it, "overfit_gap", d.overfit_gap, source, s);
    read(*it, "underfit_window", d.underfit_window, source, s);
    read(*it, "underfit_flat_fraction", d.underfit_flat_fraction, source, s);
    read(*it, "underfit_high_fraction", d.underfit_high_fraction, source, s);
    read(*it, "spike_factor", d.spike_factor, source, s);
    read(*it, "spike_window", d.spike_window, source, s);
    read(*it, "spike_min_steps", d.spike_min_steps, source, s);
    read(*it, "patience_evals", d.patience_evals, source, s);
    read(*it, "min_delta", d.min_delta, source, s);
    reject_unknown(*it, s, source, "detectors.");
  }
  read(j, "device", c.device, source, seen);
  reject_unknown(j, seen, source, "");
  try {
    c.validate();
  } catch (const Error& e) {
    throw Error(e.message(), {source, 0, e.where().field});
  }
  return c;
}

std::string config_hash(const TrainConfig& c) {
  nlohmann::json j = c;
  // Cadence settings change what is reported, not the weights: a resume may change them.
  for (const char* key : {"eval_every", "eval_max_examples", "sample_prompts", "sample_max_tokens", "save_every",
                          "keep_last", "on_checkpoint_error", "detectors", "device"}) {
    j.erase(key);
  }
  return sha256_hex(j.dump());
}

}  // namespace tb::train
