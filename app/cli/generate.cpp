// `tunebench-cli generate --model M [--adapter A] [--chat] [--system S] --prompt P ...`: streams
// the answer to the terminal and reports tokens/s; --json prints {"text", "token_ids",
// "tokens_per_s", ...} instead. Ctrl-C stops the generation cleanly.
#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "core/model/generation.h"
#include "core/model/model.h"

namespace tb::cli {
namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_sigint(int) { g_interrupted.store(true); }

struct GenerateArgs {
  std::string model, adapter, system, prompt, dtype = "float32";
  bool chat = false, json = false, no_cache = false, ignore_eos = false, dense = false;
  GenerationParams params;
};

}  // namespace

void add_generate_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("generate", "Generate text from a prompt, streaming it to the terminal");
  auto a = std::make_shared<GenerateArgs>();
  a->params.max_new_tokens = 128;
  cmd->add_option("--model", a->model, "Hugging Face model folder or .gguf file")->required();
  cmd->add_option("--adapter", a->adapter, "PEFT LoRA adapter folder to apply");
  cmd->add_option("--prompt", a->prompt, "The prompt (with --chat: the user's message)")->required();
  cmd->add_flag("--chat", a->chat, "Render the prompt with the model's chat format");
  cmd->add_option("--system", a->system, "System message (with --chat)");
  cmd->add_option("--max-new-tokens", a->params.max_new_tokens, "Most tokens to generate")->check(CLI::Range(0, 1 << 20));
  cmd->add_option("--temperature", a->params.temperature, "0 = greedy")->check(CLI::Range(0.0, 100.0));
  cmd->add_option("--top-k", a->params.top_k, "Keep the k most likely tokens (0 = off)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--top-p", a->params.top_p, "Nucleus sampling mass (1 = off)")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--min-p", a->params.min_p, "Drop tokens below this share of the top one")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--repetition-penalty", a->params.repetition_penalty, "1 = off")->check(CLI::Range(0.01, 100.0));
  cmd->add_option("--seed", a->params.seed, "Random seed for sampling");
  cmd->add_option("--stop", a->params.stop_strings, "Stop at this text (repeatable)");
  cmd->add_option("--dtype", a->dtype, "Weights and compute: float32, bfloat16 or float16")
      ->check(CLI::IsMember({"float32", "bfloat16", "float16"}));
  cmd->add_flag("--ignore-eos", a->ignore_eos, "Keep generating past end-of-text (for benchmarks)");
  cmd->add_flag("--dense", a->dense, "Decode with the dequantised fp32 matrices, not a GGUF's quantised blocks");
  cmd->add_flag("--no-cache", a->no_cache, "Recompute every step without the KV cache (slow; for checks)");
  cmd->add_flag("--json", a->json, "Print {text, token_ids, tokens_per_s, ...} as JSON");
  cmd->callback([a, &exit_code] {
    LoadOptions load;
    load.dtype = a->dtype == "bfloat16" ? torch::kBFloat16 : a->dtype == "float16" ? torch::kFloat16 : torch::kFloat32;
    load.gguf_blocks = !a->dense;
    const auto model = Model::load(a->model, load);
    std::optional<LoraAdapter> adapter;
    if (!a->adapter.empty()) adapter = LoraAdapter::load_peft(a->adapter, model->config(), model->device());
    GenerationSession session(model, adapter ? &*adapter : nullptr, !a->no_cache);
    a->params.stop_at_eos = !a->ignore_eos;
    std::vector<TokenId> prompt;
    if (a->chat) {
      std::vector<ChatMessage> messages;
      if (!a->system.empty()) messages.push_back({"system", a->system});
      messages.push_back({"user", a->prompt});
      prompt = session.chat_prompt(messages);
    } else {
      const auto& t = model->tokenizer();
      if (t.special().add_bos && t.special().bos) prompt.push_back(*t.special().bos);
      const auto body = t.encode(a->prompt);
      prompt.insert(prompt.end(), body.begin(), body.end());
    }
    std::signal(SIGINT, on_sigint);
    const TokenCallback stream = [&](TokenId, const std::string& text) {
      if (!a->json) std::cout << text << std::flush;
      return true;
    };
    const auto result = session.generate(prompt, a->params, stream, &g_interrupted);
    std::signal(SIGINT, SIG_DFL);
    if (a->json) {
      std::cout << nlohmann::json{{"text", result.text},
                                  {"token_ids", result.tokens},
                                  {"prompt_tokens", result.prompt_tokens},
                                  {"stop_reason", result.stop_reason},
                                  {"tokens_per_s", result.decode_tokens_per_s()},
                                  {"prefill_tokens_per_s", result.prefill_tokens_per_s()},
                                  {"decode_weights", model->weights().blocks ? "gguf-blocks" : "dense"}}
                       .dump()
                << "\n";
    } else {
      std::cout << "\n";
      std::cerr << "[" << result.tokens.size() << " tokens, " << result.decode_tokens_per_s() << " tokens/s; prompt "
                << result.prompt_tokens << " tokens at " << result.prefill_tokens_per_s() << " tokens/s; stop: "
                << result.stop_reason << "]\n";
    }
    exit_code = kOk;
  });
}

}  // namespace tb::cli
