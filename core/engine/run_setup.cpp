// Project -> RunSpec (run_setup.h).
#include "core/engine/run_setup.h"

#include <chrono>
#include <ctime>
#include <map>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/data/dataset.h"
#include "core/data/prompt_template.h"
#include "core/engine/device.h"
#include "core/engine/locations.h"
#include "core/engine/project_model.h"
#include "core/io/json_file.h"
#include "core/io/sha256.h"

namespace fs = std::filesystem;

namespace tb {
namespace {

struct SourceData {
  const DataSource* source = nullptr;
  std::vector<data::Example> examples;
  std::vector<data::Split> splits;
};

SourceData read_source(const Project& project, const DataSource& s, const RunSetupOptions& options) {
  SourceData out;
  out.source = &s;
  const fs::path path = project.resolve(s.path);
  data::MappingChoice choice;
  if (!s.shape.empty()) choice.shape = data::dataset_format_from_string(s.shape);
  if (!s.prompt_template.empty()) {
    const fs::path as_file = project.resolve(s.prompt_template);
    choice.prompt_template = data::load_prompt_template(fs::exists(as_file) ? as_file.string() : s.prompt_template);
  }
  auto loaded = data::load_dataset(path, {}, choice);
  out.splits = data::assign_splits(loaded.examples, s.split);
  out.examples = std::move(loaded.examples);
  if (!s.test_path.empty()) {
    data::MappingChoice same;
    same.mapping = loaded.mapping;
    auto test = data::load_dataset(project.resolve(s.test_path), {}, same);
    out.splits.insert(out.splits.end(), test.examples.size(), data::Split::Test);
    for (auto& e : test.examples) out.examples.push_back(std::move(e));
  }
  if (!s.task.empty()) {
    for (auto& e : out.examples) e.task = s.task;
  }
  const auto counts = data::count_splits(out.splits);
  if (options.log) {
    options.log("read " + path.string() + ": " + std::to_string(out.examples.size()) + " examples (train " +
                std::to_string(counts[0]) + ", validation " + std::to_string(counts[1]) + ", test " +
                std::to_string(counts[2]) + "), " + std::to_string(loaded.report.rejected.size()) + " rows rejected");
  }
  if (out.examples.empty()) throw Error("no usable examples in this file", {path.string()});
  return out;
}

std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%d-%H%M%S", &tm);
  return buffer;
}

void log_tokenize(const RunSetupOptions& o, const std::string& what, const train::TokenizeReport& r) {
  if (!o.log) return;
  std::string line = what + ": " + std::to_string(r.examples) + " examples";
  if (r.truncated_examples > 0) {
    line += ", " + std::to_string(r.truncated_examples) + " cut at max_seq_len (" + std::to_string(r.truncated_tokens) + " tokens lost)";
  }
  if (r.dropped_untrained > 0) line += ", " + std::to_string(r.dropped_untrained) + " left out (nothing to learn after the cut)";
  o.log(line);
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
  if (project.data.empty()) throw Error("the project has no data sources", {project.file.string(), 0, "data"});
  PreparedRun out;
  auto& spec = out.spec;
  // 1. Device and model, in the precision of the (first stage's) settings.
  std::vector<StageDef> stages = project.stages;
  if (stages.empty()) {
    StageDef all;
    for (const auto& d : project.data) all.tasks.push_back(d.task);
    stages.push_back(all);
  }
  std::vector<train::TrainConfig> configs;
  for (const auto& s : stages) {
    auto c = project.stages.empty() ? project.training : project.stage_config(s);
    if (options.max_steps > 0) c.max_steps = options.max_steps;
    configs.push_back(c);
  }
  // A run that exists already (resume, evaluation) keeps the settings it was started with.
  const fs::path existing = options.run_dir / "run.json";
  if (options.resume && !options.run_dir.empty() && fs::exists(existing)) {
    const auto run = read_json_file(existing, "the run's run.json");
    const auto& saved = run.at("stages");
    if (!saved.is_array() || saved.size() != configs.size()) {
      throw Error("the run has " + std::to_string(saved.size()) + " stages, the project " + std::to_string(configs.size()) +
                  "; resume it with the project that started it", {existing.string(), 0, "stages"});
    }
    for (std::size_t k = 0; k < configs.size(); ++k) {
      configs[k] = train::train_config_from_json(saved[k].at("config"), existing.string());
    }
  }
  // 2. Data first: a bad file is reported before the model takes seconds to load.
  std::vector<SourceData> sources;
  for (const auto& d : project.data) sources.push_back(read_source(project, d, options));
  out.device = resolve_device(configs.front().device);
  const fs::path model_path = project_model_path(project);
  LoadOptions load;
  load.device = torch::Device(out.device);
  load.dtype = configs.front().precision == train::Precision::Bf16 ? torch::kBFloat16 : torch::kFloat32;
  if (options.log) options.log("loading " + model_path.string() + " on " + out.device);
  spec.model = Model::load(model_path, load);
  // 3. Stages: their sources' train and validation splits, tokenized with their settings.
  std::vector<std::string> tasks;  // one task index space for every split
  for (std::size_t k = 0; k < stages.size(); ++k) {
    train::StageSpec stage;
    stage.name = project.stages.empty() ? "" : stages[k].name;
    stage.config = configs[k];
    std::vector<data::Example> train_examples, validation_examples;
    std::map<std::string, double> weights;
    for (const auto& src : sources) {
      const bool used = std::find(stages[k].tasks.begin(), stages[k].tasks.end(), src.source->task) != stages[k].tasks.end();
      if (!used) continue;
      for (std::size_t i = 0; i < src.examples.size(); ++i) {
        if (src.splits[i] == data::Split::Train) train_examples.push_back(src.examples[i]);
        if (src.splits[i] == data::Split::Validation) validation_examples.push_back(src.examples[i]);
      }
      if (src.source->weight > 0) weights[src.source->task] = src.source->weight;
    }
    train::TokenizeReport report;
    stage.train = train::tokenize_set(train_examples, *spec.model, stage.config, tasks, &report);
    tasks = stage.train.tasks;
    log_tokenize(options, "training split" + (stage.name.empty() ? std::string() : " of " + stage.name), report);
    stage.validation = train::tokenize_set(validation_examples, *spec.model, stage.config, tasks, &report);
    tasks = stage.validation.tasks;
    stage.train.tasks = tasks;
    stage.validation_examples = std::move(validation_examples);
    if (!weights.empty()) {
      // Explicit weights where given; a source without one weighs its share of the examples.
      std::vector<std::int64_t> count(tasks.size(), 0);
      for (const auto t : stage.train.task_of) ++count[static_cast<std::size_t>(t)];
      for (std::size_t t = 0; t < tasks.size(); ++t) {
        const auto it = weights.find(tasks[t]);
        stage.task_weights.push_back(it != weights.end() ? it->second
                                                         : static_cast<double>(count[t]) / static_cast<double>(stage.train.size()));
      }
    }
    spec.stages.push_back(std::move(stage));
  }
  // 4. The test split of every source, and the probe.
  std::vector<data::Example> test_examples;
  for (const auto& src : sources) {
    for (std::size_t i = 0; i < src.examples.size(); ++i) {
      if (src.splits[i] == data::Split::Test) test_examples.push_back(src.examples[i]);
    }
  }
  train::TokenizeReport test_report;
  spec.test = train::tokenize_set(test_examples, *spec.model, configs.back(), tasks, &test_report);
  spec.test_examples = std::move(test_examples);
  log_tokenize(options, "test split", test_report);
  if (project.probe != "none" && !project.probe.empty()) {
    const fs::path probe = project.probe == "default" ? Locations::resources() / "probes" / "general_knowledge.jsonl"
                                                      : project.resolve(project.probe);
    auto probe_config = configs.back();
    probe_config.train_on_all = true;
    spec.probe = train::tokenize_set(train::load_probe_texts(probe), *spec.model, probe_config, {"probe"});
    spec.probe_name = probe.filename().string();
  }
  spec.generation_examples = project.generation_examples;
  spec.generation_max_tokens = project.generation_max_tokens;
  // 5. Where the run goes.
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
  // 6. Will it fit? One estimate per stage, before anything heavy starts.
  const bool cuda = spec.model->device().is_cuda();
  // The model is already loaded: what it holds counts as available to the estimate, which
  // includes the weights.
  std::int64_t held = 0;
  for (const auto& [name, t] : spec.model->weights().to_map(spec.model->config())) held += t.numel() * static_cast<std::int64_t>(t.element_size());
  const std::int64_t free_now = memory_free_bytes(cuda, cuda ? spec.model->device().index() : 0);
  const std::int64_t free = free_now > 0 ? free_now + held : -1;
  for (std::size_t k = 0; k < spec.stages.size(); ++k) {
    const auto& c = spec.stages[k].config;
    train::EstimateInput in = train::estimate_input(spec.model->config(), c);
    std::int64_t longest = 8;
    for (const auto& e : spec.stages[k].train.examples) longest = std::max<std::int64_t>(longest, static_cast<std::int64_t>(e.ids.size()));
    in.seq_len = c.packing ? c.max_seq_len : std::min(c.max_seq_len, longest);
    in.cuda = cuda;
    in.device_memory_bytes = free > 0 ? static_cast<std::uint64_t>(free) : 0;
    in.total_steps = train::count_total_steps(c, spec.stages[k].train, spec.stages[k].task_weights);
    auto estimate = train::estimate_training(in);
    if (options.log) options.log("estimate" + (spec.stages[k].name.empty() ? std::string() : " (" + spec.stages[k].name + ")") + ": " + estimate.summary);
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
