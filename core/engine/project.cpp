// Project files (project.h).
#include "core/engine/project.h"

#include <set>
#include <string_view>

#include "core/common/error.h"
#include "core/engine/locations.h"
#include "core/io/atomic_file.h"
#include "core/io/json_file.h"
#include "core/io/json_number.h"

namespace fs = std::filesystem;

namespace tb {
namespace {

const nlohmann::json& object_at(const nlohmann::json& j, const std::string& key, const std::string& file) {
  if (!j.is_object()) throw Error("expected a JSON object", {file, 0, key});
  return j;
}

void check_keys(const nlohmann::json& j, const std::set<std::string>& known, const std::string& file,
                const std::string& where) {
  for (const auto& [key, value] : j.items()) {
    if (known.count(key) == 0) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw Error("unknown key; known here: " + list, {file, 0, where + key});
    }
  }
}

template <typename T>
T get(const nlohmann::json& j, const char* key, T fallback, const std::string& file, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  T value = fallback;
  switch (json_read(*it, value)) {
    case JsonRead::Ok: return value;
    case JsonRead::NotWhole: throw Error("must be a whole number in range", {file, 0, where + key});
    case JsonRead::WrongType: break;
  }
  throw Error("wrong type (" + std::string(it->type_name()) + ")", {file, 0, where + key});
}

// Paths inside a project may not silently leave it (see path_problem).
void check_path(const std::string& path, const std::string& file, const std::string& field) {
  if (const auto problem = path_problem(path)) throw Error(*problem, {file, 0, field});
}

data::StratifyBy stratify_from(const std::string& s, const std::string& file, const std::string& where) {
  if (s == "none" || s.empty()) return data::StratifyBy::None;
  if (s == "label") return data::StratifyBy::Label;
  if (s == "task") return data::StratifyBy::Task;
  throw Error("use none, label or task", {file, 0, where + "stratify"});
}

const char* stratify_name(data::StratifyBy s) {
  return s == data::StratifyBy::Label ? "label" : s == data::StratifyBy::Task ? "task" : "none";
}

}  // namespace

std::optional<std::string> path_problem(const std::string& path) {
  // 1. "tunebench:..." names a file among Tunebench's own resources (sample data, probes).
  fs::path relative(path);
  const bool resource = path.rfind(kResourcePrefix, 0) == 0;
  if (resource) relative = path.substr(std::string_view(kResourcePrefix).size());
  else if (relative.is_absolute()) return std::nullopt;  // written out in full: the user chose it
  // 2. A relative path must stay below its folder once "." and ".." are folded.
  const fs::path folded = relative.lexically_normal();
  if (relative.is_absolute() || (!folded.empty() && *folded.begin() == "..")) {
    return resource ? path + " leaves Tunebench's resources folder; a tunebench: path names a file inside it"
                    : path + " leaves the project's folder; write the file's full path if it really lives "
                             "elsewhere, or move it into the project's folder";
  }
  return std::nullopt;
}

fs::path Project::resolve(const fs::path& p) const {
  const std::string text = p.string();
  if (text.empty()) return p;
  if (const auto problem = path_problem(text)) throw Error(*problem, {file.string()});
  if (text.rfind(kResourcePrefix, 0) == 0) {
    return (Locations::resources() / text.substr(std::string_view(kResourcePrefix).size())).lexically_normal();
  }
  if (p.is_absolute()) return p;
  return (file.parent_path() / p).lexically_normal();
}

train::TrainConfig Project::stage_config(const StageDef& stage) const {
  nlohmann::json merged = training;
  for (const auto& [key, value] : stage.training.items()) {
    if (value.is_object() && merged.contains(key) && merged[key].is_object()) {
      merged[key].update(value);
    } else {
      merged[key] = value;
    }
  }
  return train::train_config_from_json(merged, file.string() + " (stage " + stage.name + ")");
}

Project project_from_json(const nlohmann::json& j, const fs::path& file) {
  const std::string f = file.string();
  object_at(j, "", f);
  check_keys(j, {"tunebench_project", "name", "model", "data", "training", "stages", "probe", "runs_dir",
                 "generation_examples", "generation_max_tokens", "runs", "votes"}, f, "");
  const int version = get<int>(j, "tunebench_project", 0, f, "");
  if (version < 1) throw Error("not a Tunebench project: \"tunebench_project\": 1 is missing", {f, 0, "tunebench_project"});
  if (version > kProjectVersion) {
    throw Error("written by a newer Tunebench (project version " + std::to_string(version) + "); update Tunebench",
                {f, 0, "tunebench_project"});
  }
  Project p;
  p.file = file;
  p.name = get<std::string>(j, "name", file.stem().string(), f, "");
  p.model = get<std::string>(j, "model", "demo", f, "");
  if (j.contains("data")) {
    if (!j["data"].is_array()) throw Error("\"data\" must be a list of sources", {f, 0, "data"});
    for (std::size_t i = 0; i < j["data"].size(); ++i) {
      const auto& d = j["data"][i];
      const std::string w = "data[" + std::to_string(i) + "].";
      object_at(d, w, f);
      check_keys(d, {"task", "path", "shape", "template", "split", "test_path", "weight"}, f, w);
      DataSource s;
      s.task = get<std::string>(d, "task", "", f, w);
      s.path = get<std::string>(d, "path", "", f, w);
      if (s.path.empty()) throw Error("each data source needs a \"path\"", {f, 0, w + "path"});
      s.shape = get<std::string>(d, "shape", "", f, w);
      s.prompt_template = get<std::string>(d, "template", "", f, w);
      s.test_path = get<std::string>(d, "test_path", "", f, w);
      check_path(s.path.string(), f, w + "path");
      check_path(s.test_path.string(), f, w + "test_path");
      check_path(s.prompt_template, f, w + "template");
      s.weight = get<double>(d, "weight", 0.0, f, w);
      if (s.weight < 0) throw Error("a mixing weight cannot be negative", {f, 0, w + "weight"});
      if (d.contains("split")) {
        const auto& sp = d["split"];
        object_at(sp, w + "split", f);
        check_keys(sp, {"train", "validation", "test", "seed", "stratify", "by_group"}, f, w + "split.");
        s.split.train = get<double>(sp, "train", s.split.train, f, w + "split.");
        s.split.validation = get<double>(sp, "validation", s.split.validation, f, w + "split.");
        s.split.test = get<double>(sp, "test", s.split.test, f, w + "split.");
        s.split.seed = get<std::uint64_t>(sp, "seed", s.split.seed, f, w + "split.");
        s.split.stratify = stratify_from(get<std::string>(sp, "stratify", "none", f, w + "split."), f, w + "split.");
        s.split.by_group = get<bool>(sp, "by_group", false, f, w + "split.");
      }
      p.data.push_back(std::move(s));
    }
  }
  if (j.contains("training")) p.training = train::train_config_from_json(j["training"], f);
  if (j.contains("stages")) {
    if (!j["stages"].is_array()) throw Error("\"stages\" must be a list", {f, 0, "stages"});
    for (std::size_t i = 0; i < j["stages"].size(); ++i) {
      const auto& st = j["stages"][i];
      const std::string w = "stages[" + std::to_string(i) + "].";
      object_at(st, w, f);
      check_keys(st, {"name", "tasks", "training"}, f, w);
      StageDef s;
      s.name = get<std::string>(st, "name", "stage " + std::to_string(i + 1), f, w);
      s.tasks = get<std::vector<std::string>>(st, "tasks", {}, f, w);
      if (s.tasks.empty()) throw Error("a stage names the tasks (data sources) it trains on", {f, 0, w + "tasks"});
      for (const auto& t : s.tasks) {
        bool found = false;
        for (const auto& d : p.data) found = found || d.task == t;
        if (!found) throw Error("no data source has the task \"" + t + "\"", {f, 0, w + "tasks"});
      }
      s.training = st.contains("training") ? st["training"] : nlohmann::json::object();
      if (!s.training.is_object()) throw Error("a stage's training overrides must be a JSON object", {f, 0, w + "training"});
      (void)p.stage_config(s);  // check the overrides now, not at training time
      p.stages.push_back(std::move(s));
    }
  }
  p.probe = get<std::string>(j, "probe", "default", f, "");
  p.runs_dir = get<std::string>(j, "runs_dir", "runs", f, "");
  p.generation_examples = get<std::int64_t>(j, "generation_examples", 20, f, "");
  p.generation_max_tokens = get<std::int64_t>(j, "generation_max_tokens", 128, f, "");
  p.runs = get<std::vector<std::string>>(j, "runs", {}, f, "");
  if (p.model != "demo") check_path(p.model, f, "model");
  if (p.probe != "default" && p.probe != "none") check_path(p.probe, f, "probe");
  check_path(p.runs_dir.string(), f, "runs_dir");
  for (std::size_t i = 0; i < p.runs.size(); ++i) check_path(p.runs[i], f, "runs[" + std::to_string(i) + "]");
  if (j.contains("votes")) {
    if (!j["votes"].is_array()) throw Error("\"votes\" must be a list", {f, 0, "votes"});
    for (std::size_t i = 0; i < j["votes"].size(); ++i) {
      const auto& v = j["votes"][i];
      const std::string w = "votes[" + std::to_string(i) + "].";
      object_at(v, w, f);
      check_keys(v, {"run", "prompt", "base", "tuned", "choice", "time"}, f, w);
      Vote vote;
      vote.run = get<std::string>(v, "run", "", f, w);
      check_path(vote.run, f, w + "run");
      vote.prompt = get<std::string>(v, "prompt", "", f, w);
      vote.base = get<std::string>(v, "base", "", f, w);
      vote.tuned = get<std::string>(v, "tuned", "", f, w);
      vote.choice = get<std::string>(v, "choice", "", f, w);
      vote.time = get<std::string>(v, "time", "", f, w);
      if (vote.choice != "base" && vote.choice != "tuned" && vote.choice != "tie") {
        throw Error("a vote's choice is \"base\", \"tuned\" or \"tie\"", {f, 0, w + "choice"});
      }
      p.votes.push_back(std::move(vote));
    }
  }
  return p;
}

Project load_project(const fs::path& file) {
  constexpr const char* kWhat = "a Tunebench project (.tbproj)";
  nlohmann::json json;
  try {
    json = read_json_file(file, kWhat);
  } catch (const FormatError& damaged) {
    // 1. Not JSON at all (cut short by a crash, overwritten with junk): open the backup that
    //    every save keeps. A file that is JSON but wrong keeps its precise error instead.
    const fs::path backup = file.string() + ".bak";
    if (!fs::exists(backup)) throw;
    Project p;
    std::string backup_text;
    try {
      backup_text = read_text_file(backup, kWhat);
      p = project_from_json(parse_json_text(backup_text, backup), file);
    } catch (const Error& also) {
      throw Error(format_error(damaged.message(), damaged.where()) + "; its backup cannot be used either: " +
                      format_error(also.message(), also.where()),
                  {file.string()});
    }
    // 2. Keep the damaged file for inspection under a name not taken, then put the backup in its place.
    fs::path kept = file.string() + ".damaged";
    for (int n = 2; fs::exists(kept); ++n) kept = file.string() + ".damaged-" + std::to_string(n);
    std::error_code ec;
    fs::rename(file, kept, ec);
    if (ec) throw IoError("the project is damaged and cannot be set aside: " + ec.message(), {file.string()});
    write_file_atomic(file, backup_text);
    p.load_notice = file.filename().string() + " was damaged (" + damaged.message() +
                    "), so its backup was opened: changes after the last save but one are missing. The damaged "
                    "file is kept as " + kept.filename().string() + ".";
    return p;
  }
  return project_from_json(json, file);
}

nlohmann::json project_to_json(const Project& p) {
  nlohmann::json data = nlohmann::json::array();
  for (const auto& d : p.data) {
    data.push_back({{"task", d.task}, {"path", d.path.string()}, {"shape", d.shape}, {"template", d.prompt_template},
                    {"split", {{"train", d.split.train}, {"validation", d.split.validation}, {"test", d.split.test},
                               {"seed", d.split.seed}, {"stratify", stratify_name(d.split.stratify)},
                               {"by_group", d.split.by_group}}},
                    {"test_path", d.test_path.string()}, {"weight", d.weight}});
  }
  nlohmann::json stages = nlohmann::json::array();
  for (const auto& s : p.stages) stages.push_back({{"name", s.name}, {"tasks", s.tasks}, {"training", s.training}});
  nlohmann::json votes = nlohmann::json::array();
  for (const auto& v : p.votes) {
    votes.push_back({{"run", v.run}, {"prompt", v.prompt}, {"base", v.base}, {"tuned", v.tuned}, {"choice", v.choice},
                     {"time", v.time}});
  }
  return {{"tunebench_project", kProjectVersion}, {"name", p.name}, {"model", p.model}, {"data", data},
          {"training", p.training}, {"stages", stages}, {"probe", p.probe}, {"runs_dir", p.runs_dir.string()},
          {"generation_examples", p.generation_examples}, {"generation_max_tokens", p.generation_max_tokens},
          {"runs", p.runs}, {"votes", votes}};
}

void save_project(const Project& p) {
  if (p.file.empty()) throw Error("the project has no file name yet");
  if (fs::exists(p.file)) {
    write_file_atomic(fs::path(p.file.string() + ".bak"), read_text_file(p.file, "the project to keep a backup"));
  }
  write_file_atomic(p.file, project_to_json(p).dump(2) + "\n");
}

}  // namespace tb
