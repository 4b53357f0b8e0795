// `tunebench-cli self-test`: the installation self-test without the GUI (core/engine/self_test.h):
// one tiny training step and one generation; one line per check; exit 0 when all required passed.
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/cli/commands.h"
#include "core/engine/self_test.h"

namespace tb::cli {

void add_self_test_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("self-test", "Check that this installation can train and generate (a tiny model)");
  cmd->callback([&exit_code] {
    const auto checks = run_self_test();
    for (const auto& check : checks) std::cout << format_check(check) << "\n";
    const bool passed = self_test_passed(checks);
    std::cout << (passed ? "self-test passed\n" : "self-test failed\n");
    exit_code = passed ? kOk : kUserError;
  });
}

}  // namespace tb::cli
