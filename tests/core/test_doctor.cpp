// doctor: locations follow the environment like installer/setup.sh; a missing or altered demo
// model is a problem that says what to do; the JSON carries every fact.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/build_info.h"
#include "core/engine/doctor.h"

namespace {

namespace fs = std::filesystem;

// Points the Tunebench variables at a fresh temporary home for one test.
class DoctorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = fs::temp_directory_path() / ("tb_doctor_" + std::to_string(::getpid()));
    fs::remove_all(home_);
    fs::create_directories(home_);
    for (const char* name : {"TUNEBENCH_HOME", "TUNEBENCH_VENV", "TUNEBENCH_MODEL_CACHE"}) {
      const char* old = std::getenv(name);
      saved_.emplace_back(name, old != nullptr ? std::optional<std::string>(old) : std::nullopt);
      ::unsetenv(name);
    }
    ::setenv("TUNEBENCH_HOME", home_.c_str(), 1);
  }
  void TearDown() override {
    for (const auto& [name, value] : saved_) {
      if (value) ::setenv(name.c_str(), value->c_str(), 1);
      else ::unsetenv(name.c_str());
    }
    fs::remove_all(home_);
  }
  fs::path home_;
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST_F(DoctorTest, LocationsFollowTheEnvironment) {
  tb::Locations loc = tb::Locations::from_environment();
  EXPECT_EQ(loc.home, home_);
  EXPECT_EQ(loc.venv, home_ / "venv");
  EXPECT_EQ(loc.model_cache, home_ / "models");
  EXPECT_EQ(loc.demo_model(), home_ / "models" / tb::build_info::kDemoModelFile);
  ::setenv("TUNEBENCH_MODEL_CACHE", (home_ / "elsewhere").c_str(), 1);
  EXPECT_EQ(tb::Locations::from_environment().model_cache, home_ / "elsewhere");
}

TEST_F(DoctorTest, MissingDemoModelAndVenvAreProblemsWithRemedies) {
  const tb::DoctorReport report = tb::run_doctor(tb::Locations::from_environment());
  EXPECT_FALSE(report.ok());
  EXPECT_FALSE(report.demo_model.present);
  EXPECT_FALSE(report.venv_present);
  ASSERT_EQ(report.problems.size(), 2u);
  EXPECT_NE(report.problems[0].find("run installer/setup.sh"), std::string::npos);
  EXPECT_NE(report.problems[1].find("demo model missing"), std::string::npos);
}

TEST_F(DoctorTest, AlteredDemoModelIsAHashMismatch) {
  const tb::Locations loc = tb::Locations::from_environment();
  fs::create_directories(loc.model_cache);
  fs::create_directories(loc.venv / "bin");
  std::ofstream(loc.venv / "bin" / "python") << "#!/bin/sh\n";
  std::ofstream(loc.demo_model()) << "abc";
  const tb::DoctorReport report = tb::run_doctor(loc);
  EXPECT_TRUE(report.venv_present);
  EXPECT_TRUE(report.demo_model.present);
  EXPECT_EQ(report.demo_model.size_bytes, 3);
  EXPECT_EQ(report.demo_model.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_FALSE(report.demo_model.sha256_matches);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_NE(report.problems[0].find("expected " + std::string(tb::build_info::kDemoModelSha256)),
            std::string::npos);
}

TEST_F(DoctorTest, JsonCarriesEveryFact) {
  const nlohmann::json j = tb::run_doctor(tb::Locations::from_environment());
  for (const char* key : {"tunebench_version", "device", "locations", "venv_present",
                          "demo_model", "ok", "problems"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  for (const char* key : {"libtorch_version", "cuda_build_version", "cuda_available", "gpus",
                          "cpu_threads", "summary"}) {
    EXPECT_TRUE(j["device"].contains(key)) << key;
  }
  EXPECT_EQ(j["demo_model"]["expected_sha256"], tb::build_info::kDemoModelSha256);
  EXPECT_EQ(j["locations"]["venv"], (home_ / "venv").string());
  EXPECT_FALSE(j["ok"].get<bool>());
}

}  // namespace
