// `tunebench-cli tokenize --model MODEL [FILE] [--jsonl] [--add-bos]`: one JSON array of token
// ids per input line (stdin without FILE). With --jsonl each line is a JSON string, so a text
// may hold newlines.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "core/common/error.h"
#include "core/model/model_inspect.h"

namespace tb::cli {

void add_tokenize_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("tokenize", "Print the token ids of each input line as a JSON array");
  auto model = std::make_shared<std::string>();
  auto file = std::make_shared<std::string>();
  auto jsonl = std::make_shared<bool>(false);
  auto add_bos = std::make_shared<bool>(false);
  cmd->add_option("--model", *model, "Hugging Face model folder or .gguf file")->required();
  cmd->add_option("FILE", *file, "Input file (default: standard input)");
  cmd->add_flag("--jsonl", *jsonl, "Each input line is a JSON string");
  cmd->add_flag("--add-bos", *add_bos, "Put the BOS token first when the model uses one");
  cmd->callback([=, &exit_code] {
    const auto tokenizer = load_model_tokenizer(*model);
    std::ifstream in_file;
    if (!file->empty()) {
      in_file.open(*file);
      if (!in_file) throw IoError("cannot open the input file", {*file});
    }
    std::istream& in = file->empty() ? std::cin : in_file;
    std::string line;
    std::int64_t line_number = 0;
    while (std::getline(in, line)) {
      ++line_number;
      std::string text = line;
      if (*jsonl) {
        try {
          text = nlohmann::json::parse(line).get<std::string>();
        } catch (const nlohmann::json::exception&) {
          throw FormatError("with --jsonl each line must be a JSON string", {file->empty() ? "<stdin>" : *file, line_number});
        }
      }
      std::vector<TokenId> ids;
      if (*add_bos && tokenizer->special().bos && tokenizer->special().add_bos) ids.push_back(*tokenizer->special().bos);
      const auto body = tokenizer->encode(text);
      ids.insert(ids.end(), body.begin(), body.end());
      std::cout << nlohmann::json(ids).dump() << "\n";
    }
    exit_code = kOk;
  });
}

}  // namespace tb::cli
