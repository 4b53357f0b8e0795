// The data side of run preparation (run_data.h).
#include "core/engine/run_data.h"

#include <algorithm>
#include <map>

#include "core/common/error.h"
#include "core/data/dataset.h"
#include "core/data/prompt_template.h"
#include "core/io/json_file.h"

namespace fs = std::filesystem;

namespace tb {
namespace {

SourceData read_one(const Project& project, const DataSource& s, const RunSetupOptions& options) {
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

}  // namespace

void log_tokenize(const RunSetupOptions& o, const std::string& what, const train::TokenizeReport& r) {
  if (!o.log) return;
  std::string line = what + ": " + std::to_string(r.examples) + " examples";
  if (r.truncated_examples > 0) {
    line += ", " + std::to_string(r.truncated_examples) + " cut at max_seq_len (" + std::to_string(r.truncated_tokens) + " tokens lost)";
  }
  if (r.dropped_untrained > 0) line += ", " + std::to_string(r.dropped_untrained) + " left out (nothing to learn after the cut)";
  o.log(line);
}

std::vector<StageDef> run_stages(const Project& project) {
  if (!project.stages.empty()) return project.stages;
  StageDef all;
  for (const auto& d : project.data) all.tasks.push_back(d.task);
  return {all};
}

std::vector<train::TrainConfig> stage_configs(const Project& project, const RunSetupOptions& options) {
  std::vector<train::TrainConfig> configs;
  for (const auto& s : run_stages(project)) {
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
  return configs;
}

std::vector<SourceData> read_sources(const Project& project, const RunSetupOptions& options) {
  if (project.data.empty()) throw Error("the project has no data sources", {project.file.string(), 0, "data"});
  std::vector<SourceData> sources;
  for (const auto& d : project.data) sources.push_back(read_one(project, d, options));
  return sources;
}

std::vector<train::StageSpec> build_stages(const std::vector<StageDef>& stages,
                                           const std::vector<train::TrainConfig>& configs,
                                           const std::vector<SourceData>& sources, const Tokenizer& tokenizer,
                                           const ChatFormat& format, const RunSetupOptions& options,
                                           std::vector<std::string>& tasks) {
  std::vector<train::StageSpec> out;
  for (std::size_t k = 0; k < stages.size(); ++k) {
    train::StageSpec stage;
    stage.name = stages[k].name;  // "" for the one stage of a project without stages
    stage.config = configs[k];
    // 1. The train and validation examples of the sources this stage uses.
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
    // 2. Tokenized with the stage's settings, in the run's one task index space.
    train::TokenizeReport report;
    stage.train = train::tokenize_set(train_examples, tokenizer, format, stage.config, tasks, &report);
    tasks = stage.train.tasks;
    log_tokenize(options, "training split" + (stage.name.empty() ? std::string() : " of " + stage.name), report);
    stage.validation = train::tokenize_set(validation_examples, tokenizer, format, stage.config, tasks, &report);
    tasks = stage.validation.tasks;
    stage.train.tasks = tasks;
    stage.validation_examples = std::move(validation_examples);
    // 3. Mixing weights: explicit where given; a source without one weighs its share.
    if (!weights.empty()) {
      std::vector<std::int64_t> count(tasks.size(), 0);
      for (const auto t : stage.train.task_of) ++count[static_cast<std::size_t>(t)];
      for (std::size_t t = 0; t < tasks.size(); ++t) {
        const auto it = weights.find(tasks[t]);
        stage.task_weights.push_back(it != weights.end() ? it->second
                                                         : static_cast<double>(count[t]) / static_cast<double>(stage.train.size()));
      }
    }
    out.push_back(std::move(stage));
  }
  return out;
}

std::vector<train::StageSpec> measure_stages(const Project& project, const Tokenizer& tokenizer, const ChatFormat& format) {
  const RunSetupOptions none;
  std::vector<std::string> tasks;
  return build_stages(run_stages(project), stage_configs(project, none), read_sources(project, none), tokenizer, format,
                      none, tasks);
}

}  // namespace tb
