// tunebench-cli: the command-line face of Tunebench. Parses flags, runs one subcommand,
// maps errors to exit codes: 0 ok, 1 user error (one line saying why), 2 internal error.
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/cli/commands.h"
#include "core/common/build_info.h"
#include "core/common/error.h"

int main(int argc, char** argv) {
  CLI::App app{"Tunebench: fine-tune language models on your own data, on your own machine."};
  app.name("tunebench-cli");
  app.set_version_flag("--version", std::string("tunebench-cli ") + tb::build_info::kVersion);
  app.require_subcommand(1);
  int exit_code = tb::cli::kOk;
  tb::cli::add_doctor_command(app, exit_code);
  tb::cli::add_inspect_command(app, exit_code);
  tb::cli::add_tokenize_command(app, exit_code);
  tb::cli::add_generate_command(app, exit_code);
  tb::cli::add_export_command(app, exit_code);
  tb::cli::add_audit_command(app, exit_code);
  tb::cli::add_train_command(app, exit_code);
  tb::cli::add_eval_command(app, exit_code);
  tb::cli::add_sweep_command(app, exit_code);
  tb::cli::add_self_test_command(app, exit_code);
  tb::cli::add_settings_command(app, exit_code);
  // An unknown first word gets its own sentence (CLI11 would only say a subcommand is required).
  const auto subcommands = app.get_subcommands({});
  std::string known;
  bool is_known = false;
  for (const CLI::App* sub : subcommands) {
    known += (known.empty() ? "" : ", ") + sub->get_name();
    is_known = is_known || (argc > 1 && sub->check_name(argv[1]));
  }
  if (argc > 1 && argv[1][0] != '-' && !is_known) {
    std::cerr << "tunebench-cli: unknown command '" << argv[1] << "'; commands: " << known
              << " (see tunebench-cli --help)\n";
    return tb::cli::kUserError;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "tunebench-cli: " << e.what() << " (see tunebench-cli --help)\n";
    return tb::cli::kUserError;
  } catch (const tb::Error& e) {
    std::cerr << "tunebench-cli: error: " << e.what() << "\n";
    return tb::cli::kUserError;
  } catch (const std::exception& e) {
    std::cerr << "tunebench-cli: internal error: " << e.what() << "\n";
    return tb::cli::kInternalError;
  }
  return exit_code;
}
