// TrainingSession (training_session.h).
#include "core/train/training_session.h"

#include <chrono>
#include <limits>
#include <cmath>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/io/json_file.h"
#include "core/io/safetensors.h"
#include "core/io/sha256.h"
#include "core/model/trainable.h"
#include "core/train/evaluation.h"
#include "core/model/tensor_files.h"

namespace fs = std::filesystem;

namespace tb::train {
namespace {

constexpr const char* kSessionFile = "session.json";
constexpr const char* kWeightsFile = "weights.safetensors";
constexpr const char* kOptimizerFile = "optimizer.safetensors";

// The CUDA generator of the model's device, when it is a CUDA device.
std::optional<at::Generator> cuda_generator(torch::Device device) {
  if (!device.is_cuda()) return std::nullopt;
  return at::globalContext().defaultGenerator(device);
}

}  // namespace

TrainingSession::TrainingSession(std::shared_ptr<const Model> model, TrainConfig config, TrainSet train,
                                 std::vector<double> task_weights)
    : model_(std::move(model)), config_(std::move(config)), train_(std::move(train)),
      task_weights_(std::move(task_weights)) {
  config_.validate();
  if (train_.examples.empty()) throw Error("the training split has no examples to learn from", {{}, 0, "data"});
  const ModelConfig& mc = model_->config();
  const torch::Device device = model_->device();
  pad_id_ = mc.padding_id();
  // 1. What trains. LoRA: a new fp32 adapter, base weights shared. Full / freeze: the chosen
  //    tensors as fp32 copies with gradients; frozen ones shared with the model.
  std::vector<NamedParameter> params;
  if (config_.method == TrainMethod::Lora) {
    adapter_ = LoraAdapter::create(mc, config_.lora, device, config_.seed);
    for (auto& [name, t] : adapter_->named_tensors()) {
      t.set_requires_grad(true);
      params.push_back({name, t, decays(name, t)});
    }
  } else {
    const auto names = config_.method == TrainMethod::Full ? full_trainable_names(mc)
                                                           : freeze_trainable_names(mc, config_.freeze);
    auto named = model_->weights().to_map(mc);
    for (const auto& name : names) named[name] = named.at(name).detach().to(torch::kFloat32).clone();
    weights_ = TransformerWeights::from_map(named, mc, model_->source());
    for (auto& t : set_trainable(weights_, mc, names)) (void)t;
    const auto trained = weights_.to_map(mc);
    for (const auto& name : names) params.push_back({name, trained.at(name), decays(name, trained.at(name))});
  }
  optimizer_ = std::make_unique<AdamW>(std::move(params), AdamWSettings{config_.beta1, config_.beta2, config_.adam_eps,
                                                                        config_.weight_decay});
  torch::manual_seed(config_.seed);  // LoRA dropout draws from here
  // 2. The length of the run, counted as run preparation and the Setup step count it.
  lengths_ = train_.lengths();
  total_steps_ = count_total_steps(config_, lengths_, train_.task_of, task_weights_);
}

void TrainingSession::plan_until(std::int64_t epoch) {
  while (static_cast<std::int64_t>(plans_.size()) <= epoch) {
    plans_.push_back(train::plan_epoch(config_, lengths_, train_.task_of, task_weights_, static_cast<std::int64_t>(plans_.size())));
  }
}

const MicroBatchRows& TrainingSession::micro_batch(std::int64_t g) {
  for (std::int64_t e = 0;; ++e) {
    plan_until(e);
    const auto n = static_cast<std::int64_t>(plans_[static_cast<std::size_t>(e)].size());
    if (g < n) return plans_[static_cast<std::size_t>(e)][static_cast<std::size_t>(g)];
    g -= n;
  }
}

double TrainingSession::epoch_reached() const {
  std::int64_t g = step_ * config_.grad_accum;
  double epoch = 0;
  for (const auto& plan : plans_) {
    const auto n = static_cast<std::int64_t>(plan.size());
    if (g < n) return epoch + static_cast<double>(g) / static_cast<double>(n);
    g -= n;
    epoch += 1;
  }
  return epoch;
}

TransformerWeights TrainingSession::compute_weights() const {
  // fp32 masters cast to the model's dtype inside the graph (a no-op in fp32), so bf16 runs
  // compute in bf16 while the gradients land on the fp32 tensors.
  const auto dtype = model_->dtype();
  return weights_.map([dtype](const torch::Tensor& t) { return t.scalar_type() == dtype ? t : t.to(dtype); });
}

torch::Tensor TrainingSession::logits(const Batch& b, bool tuned, bool training) const {
  ForwardOptions o;
  o.training = training;
  o.checkpoint_blocks = training && config_.gradient_checkpointing;
  if (b.tokens < b.ids.numel()) o.key_valid = b.key_valid;  // no padding: plain causal
  o.segment_ids = b.segment_ids;
  if (tuned && adapter_) o.lora = &*adapter_;
  if (tuned && !adapter_) {
    return transformer_forward(model_->config(), compute_weights(), model_->inv_freq(), b.ids, b.positions, o);
  }
  return transformer_forward(model_->config(), model_->weights(), model_->inv_freq(), b.ids, b.positions, o);
}

StepResult TrainingSession::step(const std::function<bool(double, double)>& accept) {
  const auto start = std::chrono::steady_clock::now();
  const torch::Device device = model_->device();
  StepResult r;
  r.learning_rate = learning_rate_at(config_.schedule, config_.learning_rate, step_, total_steps_);
  // 1. This step's micro-batches, and the trained tokens over all of them: each micro-batch's
  //    summed loss is divided by that total, so the accumulated gradient is the gradient of the
  //    mean over the whole accumulated batch (not a mean of per-micro-batch means).
  std::vector<Batch> batches;
  for (std::int64_t a = 0; a < config_.grad_accum; ++a) {
    batches.push_back(make_batch(train_.examples, micro_batch(step_ * config_.grad_accum + a), pad_id_,
                                 config_.max_seq_len, config_.packing));
    r.trained_tokens += batches.back().trained_tokens;
    r.tokens += batches.back().tokens;
  }
  const double denominator = static_cast<double>(std::max<std::int64_t>(1, r.trained_tokens));
  // 2. Forward and backward, one micro-batch at a time.
  optimizer_->zero_grad();
  double loss_sum = 0;
  for (const auto& cpu_batch : batches) {
    const Batch b = cpu_batch.to(device);
    auto summed = token_losses(logits(b, /*tuned=*/true, /*training=*/true), b.labels).sum();
    if (inject_nan_) summed = summed * std::numeric_limits<double>::quiet_NaN();
    loss_sum += summed.item<double>();
    (summed / denominator).backward();
  }
  r.loss = loss_sum / denominator;
  // 3. Clip, then update unless refused.
  r.grad_norm = clip_grad_norm(optimizer_->parameters(), config_.max_grad_norm);
  const bool finite = std::isfinite(r.loss) && std::isfinite(r.grad_norm);
  inject_nan_ = false;
  const bool accepted = !accept || accept(r.loss, r.grad_norm);  // the caller sees NaN too
  r.applied = finite && accepted;
  if (r.applied) optimizer_->step(r.learning_rate);
  optimizer_->zero_grad();
  ++step_;
  r.step = step_;
  r.epoch = epoch_reached();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

LossEval TrainingSession::evaluate(const TrainSet& set, bool tuned, std::int64_t max_examples,
                                   const std::atomic<bool>* cancel) const {
  const LossOptions options{config_.micro_batch, config_.max_seq_len, max_examples};
  if (!tuned) return evaluate_loss(*model_, nullptr, set, options, cancel);
  return evaluate_loss(*tuned_model(), adapter(), set, options, cancel);
}

std::shared_ptr<const Model> TrainingSession::tuned_model() const {
  if (adapter_) return model_;
  const auto dtype = model_->dtype();
  auto weights = weights_.map([dtype](const torch::Tensor& t) { return t.detach().to(dtype); });
  // The base's source stays: export copies tokenizer files from it.
  return Model::from_parts(model_->config(), std::move(weights), model_->shared_tokenizer(), model_->chat_format(),
                           model_->source());
}

void TrainingSession::start_from(const TrainingSession& previous) {
  const auto& mine = optimizer_->parameters();
  const auto& theirs = previous.trainable();
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < mine.size(); ++i) {
    if (i >= theirs.size() || theirs[i].name != mine[i].name || !theirs[i].tensor.sizes().equals(mine[i].tensor.sizes())) {
      throw Error("the previous stage trained other tensors (" + (i < theirs.size() ? theirs[i].name : std::string("none")) +
                  "); consecutive LoRA stages need the same rank and target modules", {{}, 0, mine[i].name});
    }
    mine[i].tensor.detach().copy_(theirs[i].tensor.detach());
  }
}

std::int64_t TrainingSession::trainable_parameter_count() const {
  std::int64_t n = 0;
  for (const auto& p : optimizer_->parameters()) n += p.tensor.numel();
  return n;
}

std::string TrainingSession::data_hash() const {
  Sha256 h;
  for (const auto& e : train_.examples) {
    const auto n = static_cast<std::uint64_t>(e.ids.size());
    h.update(&n, sizeof n);
    h.update(e.ids.data(), e.ids.size() * sizeof(TokenId));
    h.update(e.trained.data(), e.trained.size());
  }
  return h.hex_digest();
}

void TrainingSession::save(const fs::path& folder) const {
  // 1. Trainable weights (fp32) and, for LoRA, the adapter in PEFT's layout too.
  std::vector<std::pair<std::string, torch::Tensor>> weights;
  for (const auto& p : optimizer_->parameters()) weights.emplace_back(p.name, p.tensor.detach());
  write_safetensors(folder / kWeightsFile, weights);
  if (adapter_) adapter_->save_peft(folder / "adapter", model_->source());
  // 2. Optimizer moments and the RNG states.
  auto state = optimizer_->state_tensors();
  state.emplace_back("rng.cpu", at::detail::getDefaultCPUGenerator().get_state());
  if (const auto gen = cuda_generator(model_->device())) state.emplace_back("rng.cuda", gen->get_state());
  write_safetensors(folder / kOptimizerFile, state);
  // 3. Where the run stands, and what it must be resumed with.
  const nlohmann::json session = {
      {"format", "tunebench-session"},   {"version", 1},
      {"step", step_},                   {"total_steps", total_steps_},
      {"optimizer_steps", optimizer_->step_count()},
      {"config_hash", config_hash(config_)},
      {"data_hash", data_hash()},        {"train_examples", train_.size()},
      {"method", to_string(config_.method)}, {"config", config_},
      {"model", model_->source()},
  };
  write_file_atomic(folder / kSessionFile, session.dump(2) + "\n");
}

void TrainingSession::load(const fs::path& folder) {
  const fs::path session_path = folder / kSessionFile;
  const nlohmann::json s = read_json_file(session_path, "the checkpoint's session file");
  // 1. The same arithmetic and the same data, or no resume.
  if (s.value("config_hash", std::string()) != config_hash(config_)) {
    throw Error("this checkpoint was written with other training settings; resume with the run's own settings "
                "or start a new run", {session_path.string(), 0, "config_hash"});
  }
  if (s.value("data_hash", std::string()) != data_hash()) {
    throw Error("this checkpoint was trained on other data (the tokenized training split differs); resume with "
                "the same data and template, or start a new run", {session_path.string(), 0, "data_hash"});
  }
  // 2. Weights, moments, RNG.
  const SafetensorsFile weights(folder / kWeightsFile);
  const SafetensorsFile state(folder / kOptimizerFile);
  torch::NoGradGuard no_grad;
  for (const auto& p : optimizer_->parameters()) {
    const auto t = load_tensor(weights, p.name);
    if (t.sizes() != p.tensor.sizes()) throw FormatError("tensor of the wrong shape", {weights.path().string(), 0, p.name});
    p.tensor.detach().copy_(t);
  }
  std::vector<std::pair<std::string, torch::Tensor>> moments;
  for (const auto& p : optimizer_->parameters()) {
    for (const char* prefix : {"m.", "v."}) moments.emplace_back(prefix + p.name, load_tensor(state, prefix + p.name));
  }
  optimizer_->load_state(moments, s.at("optimizer_steps").get<std::int64_t>());
  at::Generator cpu = at::detail::getDefaultCPUGenerator();
  cpu.set_state(load_tensor(state, "rng.cpu"));
  if (auto gen = cuda_generator(model_->device())) {
    if (state.find("rng.cuda") != nullptr) gen->set_state(load_tensor(state, "rng.cuda"));
  }
  step_ = s.at("step").get<std::int64_t>();
}

}  // namespace tb::train
