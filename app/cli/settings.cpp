// `tunebench-cli settings [--json]`: every training setting a project's "training" object and
// `--set key=value` accept, with its default, its range and what it does (setting_fields.h).
#include <CLI/CLI.hpp>

#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "core/train/setting_fields.h"

namespace tb::cli {

void add_settings_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("settings", "List every training setting: key, default, range and meaning");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print the list as JSON");
  cmd->callback([json, &exit_code] {
    const train::TrainConfig defaults;
    nlohmann::json out = nlohmann::json::array();
    for (const auto& f : train::setting_fields()) {
      if (*json) {
        out.push_back({{"key", f.key},
                       {"label", f.label},
                       {"help", f.help},
                       {"default", train::setting_value(f, defaults)},
                       {"range", train::setting_range_text(f)}});
      } else {
        std::cout << std::left << std::setw(34) << f.key << " " << train::setting_text(f, defaults) << "  ("
                  << train::setting_range_text(f) << ")\n    " << f.label << ": " << f.help << "\n";
      }
    }
    if (*json) std::cout << out.dump(2) << "\n";
    exit_code = kOk;
  });
}

}  // namespace tb::cli
