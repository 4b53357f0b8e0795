// The installation self-test: on a working build every required check passes and says what it
// measured; a missing demo model is a note, not a failure; one failed required check fails it.
// Also the installed-or-not rules it relies on (a build tree is not an installation).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "core/common/error.h"
#include "core/engine/locations.h"
#include "core/engine/self_test.h"

namespace {

namespace fs = std::filesystem;

TEST(SelfTest, PassesOnThisBuildAndReportsEachCheck) {
  const fs::path empty = fs::temp_directory_path() / ("tb_self_test_" + std::to_string(::getpid()));
  fs::create_directories(empty);
  ::setenv("TUNEBENCH_MODEL_CACHE", empty.c_str(), 1);
  const auto checks = tb::run_self_test();
  ::unsetenv("TUNEBENCH_MODEL_CACHE");
  fs::remove_all(empty);

  ASSERT_EQ(checks.size(), 6u);
  for (const auto& c : checks) {
    if (c.required) {
      EXPECT_TRUE(c.ok) << c.name << ": " << c.detail;
    }
  }
  EXPECT_TRUE(tb::self_test_passed(checks));
  EXPECT_EQ(checks[2].name, "training step");
  EXPECT_NE(checks[2].detail.find("loss "), std::string::npos) << checks[2].detail;
  EXPECT_NE(checks[3].detail.find("8 tokens"), std::string::npos) << checks[3].detail;
  // The demo model is missing from the empty cache: reported with the command, not a failure.
  EXPECT_EQ(checks[5].name, "demo model");
  EXPECT_FALSE(checks[5].ok);
  EXPECT_FALSE(checks[5].required);
  EXPECT_NE(checks[5].detail.find("installer/setup.sh"), std::string::npos) << checks[5].detail;
  EXPECT_EQ(tb::format_check(checks[5]).rfind("note  demo model", 0), 0u) << tb::format_check(checks[5]);
}

TEST(SelfTest, OneFailedRequiredCheckFailsIt) {
  std::vector<tb::SelfTestCheck> checks = {{"libtorch", true, true, "2.11", 0.1},
                                           {"demo model", false, false, "missing", 0.0}};
  EXPECT_TRUE(tb::self_test_passed(checks));
  checks.push_back({"generation", false, true, "3 tokens instead of 8", 0.2});
  EXPECT_FALSE(tb::self_test_passed(checks));
  EXPECT_EQ(tb::format_check(checks.back()), "FAIL  generation    3 tokens instead of 8 (0.20 s)");
  EXPECT_FALSE(tb::self_test_passed({}));
}

TEST(SelfTest, ABuildTreeIsNotAnInstallation) {
  // This test program lives in the build folder: no share/tunebench beside its bin folder.
  EXPECT_TRUE(tb::Locations::installed_share().empty());
  EXPECT_EQ(tb::Locations::demo_model_fetch_command(), "installer/setup.sh");
  tb::Locations nowhere;
  nowhere.model_cache = fs::temp_directory_path() / "tb_no_such_cache";
  try {
    nowhere.existing_demo_model();
    FAIL() << "a missing demo model was accepted";
  } catch (const tb::Error& e) {
    const std::string text = e.what();
    EXPECT_NE(text.find("installer/setup.sh"), std::string::npos) << text;
    EXPECT_NE(text.find("tb_no_such_cache"), std::string::npos) << text;
  }
}

}  // namespace
