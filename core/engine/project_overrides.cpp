// Project overrides (project_overrides.h).
#include "core/engine/project_overrides.h"

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/json_file.h"
#include "core/train/setting_fields.h"
#include "core/train/sweep_summary.h"

namespace fs = std::filesystem;

namespace tb {

Project project_with_overrides(const fs::path& project_file, const ProjectOverrides& a) {
  Project p;
  if (!project_file.empty()) {
    p = load_project(project_file);
  } else {
    p.file = fs::current_path() / "tunebench-cli.tbproj";
    p.name = "cli";
    p.training.eval_every = 20;
  }
  // Paths from the command line are relative to the current folder, not to the project's.
  auto from_here = [](const std::string& path) { return fs::absolute(path).lexically_normal().string(); };
  if (!a.model.empty()) p.model = a.model == "demo" ? a.model : from_here(a.model);
  for (const auto& d : a.data) {
    DataSource s;
    s.path = fs::absolute(d);
    s.task = a.data.size() > 1 ? s.path.stem().string() : "";
    p.data.push_back(s);
  }
  for (auto& s : p.data) {
    if (!a.shape.empty()) s.shape = a.shape;
    if (!a.prompt_template.empty()) {
      s.prompt_template = fs::exists(a.prompt_template) ? from_here(a.prompt_template) : a.prompt_template;
    }
    if (a.split.size() == 3) {
      s.split.train = a.split[0];
      s.split.validation = a.split[1];
      s.split.test = a.split[2];
    }
  }
  if (p.data.empty()) throw Error("no data: give a project file or --data FILE");
  if (!a.probe.empty()) p.probe = a.probe == "default" || a.probe == "none" ? a.probe : from_here(a.probe);
  // A sweep's winner replaces the project's settings; flags still override it.
  if (!a.best_of.empty()) {
    const std::string file = (fs::path(a.best_of) / "sweep.json").string();
    const auto sweep = train::sweep_summary_from_json(read_json_file(file, "a sweep folder's sweep.json"), file);
    if (!sweep.best) throw Error("this sweep has no winner (no trial reached an evaluation)", {file, 0, "best"});
    p.training = *sweep.best;
  }
  // Training settings from the command line override the project's; checked like a project file's.
  train::TrainConfig t = p.training;
  for (const auto& assignment : a.settings) {
    try {
      train::set_setting_assignment(t, assignment);
    } catch (const Error& e) {
      throw Error(e.message(), {"the command line", 0, e.where().field});
    }
  }
  try {
    t.validate();
  } catch (const Error& e) {
    throw Error(e.message(), {"the command line", 0, e.where().field});
  }
  p.training = t;
  if (a.generation_examples) p.generation_examples = *a.generation_examples;
  if (a.generation_max_tokens) p.generation_max_tokens = *a.generation_max_tokens;
  return p;
}

}  // namespace tb
