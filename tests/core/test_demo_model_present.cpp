// The set-up machine has the demo model in the model cache with the pinned SHA-256
// (label `model`: needs installer/setup.sh to have run).
#include <gtest/gtest.h>

#include "core/engine/doctor.h"

TEST(DemoModel, PresentWithPinnedHash) {
  const tb::DoctorReport report = tb::run_doctor(tb::Locations::from_environment());
  EXPECT_TRUE(report.demo_model.present) << report.demo_model.path;
  EXPECT_TRUE(report.demo_model.sha256_matches)
      << report.demo_model.sha256 << " vs " << report.demo_model.expected_sha256;
  EXPECT_TRUE(report.venv_present);
  EXPECT_TRUE(report.ok());
}
