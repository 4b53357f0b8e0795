// The data side of run preparation, without the model's weights: each stage's settings, every
// data source read and split, and each stage's training and validation splits tokenized with the
// model's tokenizer and chat format. No torch: run preparation (run_setup.h) builds its stages
// here after loading the model, and the Setup step measures the same stages here (with the
// tokenizer alone) so its estimate sees exactly what the run will.
#pragma once

#include <string>
#include <vector>

#include "core/data/example.h"
#include "core/data/split.h"
#include "core/engine/project.h"
#include "core/engine/project_model.h"
#include "core/engine/run_setup_options.h"
#include "core/text/chat_format.h"
#include "core/text/tokenizer.h"
#include "core/train/stage_spec.h"

namespace tb {

// One data source, read, mapped and split (its test file's examples appended as Test).
struct SourceData {
  const DataSource* source = nullptr;
  std::vector<data::Example> examples;
  std::vector<data::Split> splits;
};

// The project's stages: its sequential stages, or one over every source.
std::vector<StageDef> run_stages(const Project& project);

// Each stage's settings (project.training, or the stage's), max_steps from `options` when set.
// A run that exists already (options.resume with a run.json in options.run_dir) keeps the
// settings it was started with; tb::Error when its stages do not match the project's.
std::vector<train::TrainConfig> stage_configs(const Project& project, const RunSetupOptions& options);

// Every data source of the project, read and split; tb::Error naming the file for a source
// with no usable example (and whatever the reader refuses). Progress goes to options.log.
std::vector<SourceData> read_sources(const Project& project, const RunSetupOptions& options);

// The stages: their sources' train and validation splits tokenized with their settings. `tasks`
// is the run's one task index space (extended here; the test split and probe continue it).
std::vector<train::StageSpec> build_stages(const std::vector<StageDef>& stages,
                                           const std::vector<train::TrainConfig>& configs,
                                           const std::vector<SourceData>& sources, const Tokenizer& tokenizer,
                                           const ChatFormat& format, const RunSetupOptions& options,
                                           std::vector<std::string>& tasks);

// A progress line on a tokenized split (kept, cut at max_seq_len, left out) to options.log.
void log_tokenize(const RunSetupOptions& options, const std::string& what, const train::TokenizeReport& report);

// What the Setup step's estimate needs of the project's data: stage_configs, read_sources and
// build_stages with the tokenizer and chat format of the project's model (no weights loaded).
std::vector<train::StageSpec> measure_stages(const Project& project, const Tokenizer& tokenizer,
                                             const ChatFormat& format);

}  // namespace tb
