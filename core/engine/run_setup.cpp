// Project -> RunSpec (run_setup.h).
#include "core/engine/run_setup.h"

#include <chrono>
#include <ctime>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/engine/device.h"
#include "core/engine/locations.h"
#include "core/engine/run_data.h"
#include "core/io/sha256.h"

namespace fs = std::filesystem;

namespace tb {
namespace {

std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%d-%H%M%S", &tm);
  return buffer;
}

}  // namespace

std::string resolve_device(const std::string& setting) {
  if (setting == "cpu") return "cpu";
  const bool cuda = torch::cuda::is_available();
  if (setting == "auto" || setting.empty()) return cuda ? "cuda:0" : "cpu";
  if (setting.rfind("cuda", 0) == 0) {
    if (!cuda) throw Error("no CUDA device on this machine; use \"device\": \"cpu\" or \"auto\"", {{}, 0, "device"});
    const int index = setting.size() > 5 ? std::stoi(setting.substr(5)) : 0;
    if (index < 0 || index >= static_cast<int>(torch::cuda::device_count())) {
      throw Error("there is no CUDA device " + std::to_string(index), {{}, 0, "device"});
    }
    return "cuda:" + std::to_string(index);
  }
  throw Error("unknown device \"" + setting + "\"; use auto, cpu, cuda or cuda:N", {{}, 0, "device"});
}

PreparedRun prepare_run(const Project& project, const RunSetupOptions& options) {
  PreparedRun out;
  auto& spec = out.spec;
  // 1. The settings of each stage (an existing run's own when resuming).
  const std::vector<StageDef> stages = run_stages(project);
  const std::vector<train::TrainConfig> configs = stage_configs(project, options);
  // 2. Data first: a bad file is reported before the model takes seconds to load.
  const std::vector<SourceData> sources = read_sources(project, options);
  // 3. Device and model, in the precision of the (first stage's) settings.
  out.device = resolve_device(configs.front().device);
  const fs::path model_path = project_model_path(project);
  LoadOptions load;
  load.device = torch::Device(out.device);
  load.dtype = configs.front().precision == train::Precision::Bf16 ? torch::kBFloat16 : torch::kFloat32;
  if (options.log) options.log("loading " + model_path.string() + " on " + out.device);
  spec.model = Model::load(model_path, load);
  // 4. Stages: their sources' train and validation splits, tokenized with their settings.
  std::vector<std::string> tasks;  // one task index space for every split
  spec.stages = build_stages(stages, configs, sources, spec.model->tokenizer(), spec.model->chat_format(), options, tasks);
  // 5. The test split of every source, and the probe.
  std::vector<data::Example> test_examples;
  for (const auto& src : sources) {
    for (std::size_t i = 0; i < src.examples.size(); ++i) {
      if (src.splits[i] == data::Split::Test) test_examples.push_back(src.examples[i]);
    }
  }
  train::TokenizeReport test_report;
  spec.test = train::tokenize_set(test_examples, spec.model->tokenizer(), spec.model->chat_format(), configs.back(), tasks, &test_report);
  spec.test_examples = std::move(test_examples);
  log_tokenize(options, "test split", test_report);
  if (project.probe != "none" && !project.probe.empty()) {
    const fs::path probe = project.probe == "default" ? Locations::resources() / "probes" / "general_knowledge.jsonl"
                                                      : project.resolve(project.probe);
    auto probe_config = configs.back();
    probe_config.train_on_all = true;
    spec.probe = train::tokenize_set(train::load_probe_texts(probe), spec.model->tokenizer(), spec.model->chat_format(), probe_config, {"probe"});
    spec.probe_name = probe.filename().string();
  }
  spec.generation_examples = project.generation_examples;
  spec.generation_max_tokens = project.generation_max_tokens;
  // 6. Where the run goes.
  spec.run_dir = !options.run_dir.empty() ? options.run_dir : project.resolve(project.runs_dir) / timestamp();
  spec.resume = options.resume;
  spec.description = {{"project", project.file.string()}, {"project_json", project_to_json(project)},
                      {"model_path", model_path.string()}, {"device", out.device}};
  // The data files' hashes go into a new run's run.json (an existing run keeps its own, and
  // evaluation checks the files against those).
  if (!options.resume || !fs::exists(spec.run_dir / "run.json")) {
    nlohmann::json inputs = nlohmann::json::array();
    for (const auto& d : project.data) {
      const fs::path path = project.resolve(d.path);
      inputs.push_back({{"path", path.string()}, {"sha256", sha256_file_hex(path)}});
    }
    spec.description["data_files"] = inputs;
  }
  // 7. Will it fit? One estimate per stage (run_estimate.h, as the Setup step makes it), before
  //    anything heavy starts. The model is already loaded: what it holds counts as available.
  const bool cuda = spec.model->device().is_cuda();
  std::int64_t held = 0;
  for (const auto& [name, t] : spec.model->weights().to_map(spec.model->config())) held += t.numel() * static_cast<std::int64_t>(t.element_size());
  const train::RunMemory memory{cuda, run_memory_bytes(memory_free_bytes(cuda, cuda ? spec.model->device().index() : 0), held)};
  for (const auto& stage : spec.stages) {
    auto estimate = train::estimate_run(spec.model->config(), stage.config, stage.train, stage.task_weights, memory);
    if (options.log) options.log("estimate" + (stage.name.empty() ? std::string() : " (" + stage.name + ")") + ": " + estimate.summary);
    if (!estimate.fits && !options.ignore_memory_estimate) {
      std::string message = "this run will not fit in the device's memory: " + estimate.summary;
      for (const auto& s : estimate.suggestions) message += "\n  - " + s.text;
      message += "\n(start anyway with --ignore-memory-estimate)";
      throw Error(message, {project.file.string(), 0, "training"});
    }
    out.estimates.push_back(std::move(estimate));
  }
  return out;
}

}  // namespace tb
