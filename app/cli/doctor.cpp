// `tunebench-cli doctor [--json]`: versions, device, locations, demo model check.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "core/common/units.h"
#include "core/engine/doctor.h"

namespace tb::cli {

void add_doctor_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("doctor", "Check this installation: versions, device, demo model");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print the report as JSON");
  cmd->callback([json, &exit_code] {
    const DoctorReport report = run_doctor(Locations::from_environment());
    if (*json) {
      std::cout << nlohmann::json(report).dump(2) << "\n";
    } else {
      const DeviceInfo& d = report.device;
      const DemoModelCheck& m = report.demo_model;
      std::cout << "tunebench    " << report.tunebench_version << " (" << report.build_type << ")\n"
                << "libtorch     " << d.libtorch_version << "\n"
                << "CUDA build   " << (d.cuda_build_version.empty() ? "none" : d.cuda_build_version)
                << "\n"
                << "device       " << d.summary() << "\n"
                << "cpu threads  " << d.cpu_threads << " (libtorch uses " << d.torch_threads << ")\n";
      for (const GpuInfo& g : d.gpus) {
        std::cout << "gpu " << g.index << "        " << g.name << ", " << format_bytes(static_cast<std::uint64_t>(std::max<std::int64_t>(0, g.total_memory_bytes)))
                  << ", compute " << g.compute_major << "." << g.compute_minor << "\n";
      }
      if (report.installed) {
        std::cout << "installed    " << Locations::installed_share().string() << "\n";
      } else {
        std::cout << "venv         " << report.locations.venv.string()
                  << (report.venv_present ? "" : " (missing)") << "\n";
      }
      std::cout << "model cache  " << report.locations.model_cache.string() << "\n"
                << "demo model   " << m.path
                << (!m.present ? " (missing)" : m.sha256_matches ? " (SHA-256 ok)" : " (SHA-256 MISMATCH)")
                << "\n";
      for (const std::string& p : report.problems) std::cout << "problem: " << p << "\n";
      std::cout << (report.ok() ? "all good\n" : "");
    }
    exit_code = report.ok() ? kOk : kUserError;
  });
}

}  // namespace tb::cli
