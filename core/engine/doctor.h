// `doctor`: the facts a user or a support request needs about this installation — versions,
// compute device, where the venv and the model cache are, and whether the demo model is there
// with the pinned SHA-256. Each problem comes with the sentence that says what to do.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/engine/device.h"
#include "core/engine/locations.h"

namespace tb {

struct DemoModelCheck {
  std::string path;
  bool present = false;
  std::int64_t size_bytes = 0;
  std::string sha256;           // empty when not present
  std::string expected_sha256;  // pinned in installer/demo-model.env
  bool sha256_matches = false;
};

struct DoctorReport {
  std::string tunebench_version;
  std::string build_type;
  DeviceInfo device;
  Locations locations;
  bool venv_present = false;  // the venv's python exists
  bool installed = false;     // an installed copy (package or portable folder), not a build tree
  DemoModelCheck demo_model;
  std::vector<std::string> problems;  // empty = all good

  bool ok() const { return problems.empty(); }
};

// Probes the device, checks the locations and hashes the demo model (about 100 MB).
DoctorReport run_doctor(const Locations& locations);

void to_json(nlohmann::json& out, const DoctorReport& report);

}  // namespace tb
