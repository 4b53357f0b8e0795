// The subcommands of tunebench-cli: each registers itself on the app and, when chosen, runs
// and stores its exit code (0 ok, 1 user error, 2 internal error).
#pragma once

namespace CLI {
class App;
}

namespace tb::cli {

enum ExitCode : int { kOk = 0, kUserError = 1, kInternalError = 2 };

void add_doctor_command(CLI::App& app, int& exit_code);
void add_inspect_command(CLI::App& app, int& exit_code);
void add_tokenize_command(CLI::App& app, int& exit_code);
void add_generate_command(CLI::App& app, int& exit_code);
void add_export_command(CLI::App& app, int& exit_code);
void add_audit_command(CLI::App& app, int& exit_code);
void add_train_command(CLI::App& app, int& exit_code);
void add_eval_command(CLI::App& app, int& exit_code);
void add_sweep_command(CLI::App& app, int& exit_code);
void add_self_test_command(CLI::App& app, int& exit_code);
void add_settings_command(CLI::App& app, int& exit_code);

}  // namespace tb::cli
