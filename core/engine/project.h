// The project file (.tbproj, JSON, versioned): the model, the data sources with their mapping
// and split, the training settings, sequential stages, the forgetting probe, where runs go and
// the runs made so far. `tunebench-cli train` takes one, and the GUI saves one. Loading is
// strict (unknown keys are errors naming them); saving is atomic and keeps the previous
// version as <file>.bak; a file that is no longer JSON (cut short, overwritten) opens from that
// backup with a notice. Relative paths resolve against the project file's folder and may not
// leave it; "tunebench:datasets/x.jsonl" names a file in Tunebench's resources; a path written
// out in full is taken as the user wrote it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/data/split.h"
#include "core/train/train_config.h"

namespace tb {

inline constexpr int kProjectVersion = 1;
inline constexpr const char* kResourcePrefix = "tunebench:";  // a path among Tunebench's resources

// Why a path from a project file is refused (a relative one that leaves its folder), or nothing.
std::optional<std::string> path_problem(const std::string& path);

struct DataSource {
  std::string task;                    // the task of every example ("" = the file's task column)
  std::filesystem::path path;
  std::string shape;                   // "" = detected; else a DatasetFormat name
  std::string prompt_template;         // "" = none; a preset name or a template file
  data::SplitOptions split;
  std::filesystem::path test_path;     // a fixed test file, or empty
  double weight = 0;                   // multi-task mixing weight; 0 = in proportion to its size
};

struct StageDef {
  std::string name;
  std::vector<std::string> tasks;      // which sources (by task) this stage trains on
  nlohmann::json training = nlohmann::json::object();  // overrides of the project's training settings
};

// One judgement from the Compare step's blind mode: which answer to a prompt was better.
struct Vote {
  std::string run;                     // the run folder whose tuned model answered
  std::string prompt;
  std::string base, tuned;             // the two answers as shown
  std::string choice;                  // "base", "tuned" or "tie"
  std::string time;                    // ISO 8601, UTC
};

struct Project {
  std::filesystem::path file;          // where it was loaded from / will be saved to
  std::string name;
  std::string model = "demo";          // "demo", a Hugging Face folder or a .gguf file
  std::vector<DataSource> data;
  train::TrainConfig training;
  std::vector<StageDef> stages;        // empty = one stage over every source
  std::string probe = "default";       // "default", "none" or a file of general texts
  std::filesystem::path runs_dir = "runs";
  std::int64_t generation_examples = 20;  // test answers generated per model at the end
  std::int64_t generation_max_tokens = 128;
  std::vector<std::string> runs;       // run folders made so far, oldest first
  std::vector<Vote> votes;             // blind comparisons judged so far
  std::string load_notice;             // not saved: set when a damaged file was opened from its backup

  // A path from the file, resolved against the project's folder (or the resources for
  // "tunebench:"); throws tb::Error for one that leaves the folder.
  std::filesystem::path resolve(const std::filesystem::path& p) const;
  // The training settings of a stage: the project's, with the stage's overrides applied.
  train::TrainConfig stage_config(const StageDef& stage) const;
};

// Throws tb::Error naming the file and the key for anything malformed or unknown.
Project load_project(const std::filesystem::path& file);
Project project_from_json(const nlohmann::json& json, const std::filesystem::path& file);
nlohmann::json project_to_json(const Project& project);
// Atomic; the file it replaces is kept as <file>.bak.
void save_project(const Project& project);

}  // namespace tb
