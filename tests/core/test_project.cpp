// Project files: the fixtures load with their settings and stage overrides; a round trip
// keeps everything; saving is atomic with a backup and a damaged file opens from it; bad files
// are refused naming the key; paths cannot leave the project's folder unless written in full.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/common/error.h"
#include "core/engine/project.h"
#include "tests/common/test_paths.h"

namespace {

namespace fs = std::filesystem;
const fs::path kProjects = fs::path(tb_test::source_dir()) / "tests" / "data" / "projects";

std::string error_of(const nlohmann::json& j) {
  try {
    tb::project_from_json(j, "/p/x.tbproj");
  } catch (const tb::Error& e) {
    return e.what();
  }
  return "";
}

TEST(Project, FixtureLoadsWithItsSettings) {
  const auto p = tb::load_project(kProjects / "science.tbproj");
  EXPECT_EQ(p.name, "science fixture");
  ASSERT_EQ(p.data.size(), 1u);
  EXPECT_EQ(p.data[0].task, "science");
  EXPECT_EQ(p.training.method, tb::train::TrainMethod::Lora);
  EXPECT_DOUBLE_EQ(p.training.learning_rate, 2e-4);
  EXPECT_EQ(p.training.max_seq_len, 256);
  EXPECT_EQ(p.generation_examples, 4);
  EXPECT_TRUE(fs::exists(p.resolve(p.data[0].path)));  // relative to the project's folder
}

TEST(Project, StagesOverrideTheProjectSettings) {
  const auto p = tb::load_project(kProjects / "sequential.tbproj");
  ASSERT_EQ(p.stages.size(), 2u);
  const auto first = p.stage_config(p.stages[0]);
  const auto second = p.stage_config(p.stages[1]);
  EXPECT_DOUBLE_EQ(first.learning_rate, 2e-4);
  EXPECT_DOUBLE_EQ(second.learning_rate, 1e-4);
  EXPECT_EQ(second.lora.rank, 4);       // from the project
  EXPECT_DOUBLE_EQ(second.lora.alpha, 8);  // from the stage, merged into the object
  EXPECT_DOUBLE_EQ(p.data[1].weight, 2.0);
}

TEST(Project, RoundTripAndAtomicSaveWithBackup) {
  auto p = tb::load_project(kProjects / "sequential.tbproj");
  const fs::path dir = fs::path(tb_test::test_tmp()) / "project_round_trip";
  fs::remove_all(dir);
  fs::create_directories(dir);
  p.file = dir / "copy.tbproj";
  p.runs.push_back("runs/20261128-010203");
  tb::save_project(p);
  EXPECT_FALSE(fs::exists(dir / "copy.tbproj.bak"));  // nothing to back up the first time
  auto again = tb::load_project(p.file);
  EXPECT_EQ(tb::project_to_json(again), tb::project_to_json(p));
  again.name = "renamed";
  tb::save_project(again);
  EXPECT_EQ(tb::load_project(dir / "copy.tbproj.bak").name, "two stages");
  EXPECT_EQ(tb::load_project(p.file).name, "renamed");
}

TEST(Project, BadFilesAreNamedPrecisely) {
  try {
    tb::load_project(kProjects / "unknown_key.tbproj");
    FAIL() << "an unknown key was accepted";
  } catch (const tb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("learning_rat"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("unknown_key.tbproj"), std::string::npos) << e.what();
  }
  EXPECT_NE(error_of({{"data", nlohmann::json::array()}}).find("tunebench_project"), std::string::npos);
  EXPECT_NE(error_of({{"tunebench_project", 99}}).find("newer Tunebench"), std::string::npos);
  EXPECT_NE(error_of({{"tunebench_project", 1}, {"data", {{{"task", "a"}}}}}).find("path"), std::string::npos);
  EXPECT_NE(error_of({{"tunebench_project", 1}, {"data", {{{"path", 3}}}}}).find("data[0].path"), std::string::npos);
  EXPECT_NE(error_of({{"tunebench_project", 1}, {"data", {{{"path", "a"}, {"task", "t"}}}},
                      {"stages", {{{"name", "s"}, {"tasks", {"nope"}}}}}})
                .find("no data source has the task \"nope\""),
            std::string::npos);
  EXPECT_NE(error_of({{"tunebench_project", 1}, {"training", {{"lora", nlohmann::json::array()}}}}).find("lora"),
            std::string::npos);
  EXPECT_NE(error_of({{"tunebench_project", 1}, {"training", {{"micro_batch", 0}}}}).find("micro_batch"),
            std::string::npos);
  EXPECT_THROW(tb::load_project("/no/such/project.tbproj"), tb::Error);
  // Numbers that are not whole, or do not fit, are named rather than cast.
  EXPECT_NE(error_of({{"tunebench_project", 1}, {"generation_examples", 1e300}}).find("generation_examples: must be a whole"),
            std::string::npos);
  EXPECT_NE(error_of({{"tunebench_project", 1}, {"training", {{"micro_batch", 2.5}}}}).find("micro_batch: must be a whole"),
            std::string::npos);
  EXPECT_EQ(error_of({{"tunebench_project", 1}, {"training", {{"micro_batch", 2.0}}}}), "");
  EXPECT_NE(error_of({{"tunebench_project", 1}, {"votes", {{{"prompt", "p"}, {"choice", "left"}}}}}).find("votes[0].choice"),
            std::string::npos);
  EXPECT_NE(error_of({{"tunebench_project", 1}, {"votes", {{{"choise", "tie"}}}}}).find("choise"), std::string::npos);
}

TEST(Project, PathsCannotSilentlyLeaveTheProject) {
  const nlohmann::json base = {{"tunebench_project", 1}};
  auto with = [&](const char* key, const nlohmann::json& value) {
    nlohmann::json j = base;
    j[key] = value;
    return error_of(j);
  };
  auto data = [&](const char* key, const char* value) {
    nlohmann::json source = {{"path", "d.jsonl"}};
    source[key] = value;
    return with("data", nlohmann::json::array({source}));
  };
  // 1. Relative paths that climb out are refused, naming the field and what to do.
  const std::string out = data("path", "../d.jsonl");
  EXPECT_NE(out.find("data[0].path"), std::string::npos) << out;
  EXPECT_NE(out.find("leaves the project's folder"), std::string::npos) << out;
  EXPECT_NE(out.find("full path"), std::string::npos) << out;
  EXPECT_NE(data("path", "a/../../d.jsonl").find("data[0].path"), std::string::npos);
  EXPECT_NE(data("test_path", "../t.jsonl").find("data[0].test_path"), std::string::npos);
  EXPECT_NE(data("template", "../t.txt").find("data[0].template"), std::string::npos);
  EXPECT_NE(with("runs_dir", "../elsewhere").find("runs_dir"), std::string::npos);
  EXPECT_NE(with("model", "../../models/m").find("model"), std::string::npos);
  EXPECT_NE(with("probe", "../probe.jsonl").find("probe"), std::string::npos);
  EXPECT_NE(with("runs", {"runs/a", "../../b"}).find("runs[1]"), std::string::npos);
  EXPECT_NE(with("votes", {{{"run", "../r"}, {"choice", "tie"}}}).find("votes[0].run"), std::string::npos);
  EXPECT_NE(data("path", "tunebench:../../etc/passwd").find("leaves Tunebench's resources"), std::string::npos);
  // 2. Inside the folder, written in full, or among the resources: accepted and resolved.
  EXPECT_EQ(data("path", "sub/../d.jsonl"), "");
  EXPECT_EQ(data("path", "/srv/data/d.jsonl"), "");
  const auto p = tb::project_from_json(
      {{"tunebench_project", 1}, {"data", {{{"path", "tunebench:datasets/science_qa.jsonl"}}}}}, "/p/x.tbproj");
  EXPECT_TRUE(fs::exists(p.resolve(p.data[0].path))) << p.resolve(p.data[0].path);
  EXPECT_EQ(p.resolve("sub/./d.jsonl"), fs::path("/p/sub/d.jsonl"));
  EXPECT_EQ(p.resolve("/srv/d.jsonl"), fs::path("/srv/d.jsonl"));
  EXPECT_THROW(p.resolve("../d.jsonl"), tb::Error);
}

TEST(Project, ADamagedFileOpensFromItsBackupWithANotice) {
  const fs::path dir = fs::path(tb_test::test_tmp()) / "project_backup";
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto p = tb::load_project(kProjects / "sequential.tbproj");
  p.file = dir / "p.tbproj";
  p.name = "first";
  tb::save_project(p);
  p.name = "second";
  tb::save_project(p);  // p.tbproj.bak now holds "first"
  // 1. Cut short, as a crash in the middle of a non-atomic write by another tool would leave it.
  const auto whole = fs::file_size(p.file);
  fs::resize_file(p.file, whole / 2);
  const auto opened = tb::load_project(p.file);
  EXPECT_EQ(opened.name, "first");
  EXPECT_NE(opened.load_notice.find("p.tbproj was damaged"), std::string::npos) << opened.load_notice;
  EXPECT_NE(opened.load_notice.find("kept as p.tbproj.damaged"), std::string::npos) << opened.load_notice;
  // 2. Nothing is lost: the damaged bytes are kept, and the project file is whole again.
  EXPECT_EQ(fs::file_size(dir / "p.tbproj.damaged"), whole / 2);
  const auto again = tb::load_project(p.file);
  EXPECT_EQ(again.name, "first");
  EXPECT_EQ(again.load_notice, "");
  // 3. A second damage keeps both damaged files.
  { std::ofstream(p.file, std::ios::trunc) << "{\"tunebench_project\": 1, \"na"; }
  EXPECT_EQ(tb::load_project(p.file).name, "first");
  EXPECT_TRUE(fs::exists(dir / "p.tbproj.damaged-2"));
  // 4. Both damaged: the error names both problems.
  { std::ofstream(p.file, std::ios::trunc) << "junk"; }
  { std::ofstream(dir / "p.tbproj.bak", std::ios::trunc) << ""; }
  try {
    tb::load_project(p.file);
    FAIL() << "a damaged project with a damaged backup opened";
  } catch (const tb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("its backup cannot be used either"), std::string::npos) << e.what();
  }
  // 5. A file that is JSON but wrong is not "damaged": its precise error wins over the backup.
  { std::ofstream(p.file, std::ios::trunc) << R"({"tunebench_project": 1, "nmae": "x"})"; }
  p.name = "good";
  { std::ofstream(dir / "p.tbproj.bak", std::ios::trunc) << tb::project_to_json(p).dump(); }
  try {
    tb::load_project(p.file);
    FAIL() << "an unknown key was replaced by the backup";
  } catch (const tb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("nmae"), std::string::npos) << e.what();
  }
}

TEST(Project, TheDemoProjectsLoadWithTheirData) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(tb_test::source_dir()) / "resources" / "demo")) {
    if (entry.path().extension() != ".tbproj") continue;
    ++count;
    SCOPED_TRACE(entry.path().string());
    const auto p = tb::load_project(entry.path());
    EXPECT_EQ(p.model, "demo");
    ASSERT_FALSE(p.data.empty());
    for (const auto& d : p.data) {
      EXPECT_TRUE(fs::exists(p.resolve(d.path))) << d.path;
      EXPECT_GT(d.split.validation, 0.0);
      EXPECT_GT(d.split.test, 0.0);
    }
    EXPECT_EQ(p.training.method, tb::train::TrainMethod::Lora);
  }
  EXPECT_GE(count, 2);
  // The one the workbench opens on a first start is bounded: minutes on a CPU.
  EXPECT_GT(tb::load_project(fs::path(tb_test::source_dir()) / "resources" / "demo" / "science-qa.tbproj").training.max_steps, 0);
}

TEST(Project, VotesRoundTrip) {
  tb::Project p;
  p.votes.push_back({"runs/a", "Why?", "base says", "tuned says", "tuned", "2026-11-28T05:00:00Z"});
  p.votes.push_back({"runs/a", "How?", "b", "t", "tie", "2026-11-28T05:01:00Z"});
  const auto back = tb::project_from_json(tb::project_to_json(p), "/p/x.tbproj");
  ASSERT_EQ(back.votes.size(), 2u);
  EXPECT_EQ(back.votes[0].prompt, "Why?");
  EXPECT_EQ(back.votes[0].tuned, "tuned says");
  EXPECT_EQ(back.votes[0].choice, "tuned");
  EXPECT_EQ(back.votes[1].choice, "tie");
  EXPECT_EQ(back.votes[1].time, "2026-11-28T05:01:00Z");
}

}  // namespace
