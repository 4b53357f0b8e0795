// The installation self-test (see self_test.h).
#include "core/engine/self_test.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>

#include <nlohmann/json.hpp>
#include <torch/torch.h>
#include <torch/version.h>

#include "core/common/build_info.h"
#include "core/engine/locations.h"
#include "core/model/generation.h"
#include "core/model/model.h"
#include "core/model/trainable.h"
#include "core/text/bpe_tokenizer.h"
#include "core/train/training_session.h"

namespace tb {
namespace {

constexpr const char* kSentences[] = {
    "The sky is blue.", "Grass is green.", "Snow is white.", "The sun is bright.",
};

// The GPT-2 byte-to-character map that byte-level BPE vocabularies are written in: printable
// bytes stand for themselves, the others for the code points from 256 up.
std::string byte_token(int byte) {
  const bool printable = (byte >= 33 && byte <= 126) || (byte >= 161 && byte <= 172) || (byte >= 174 && byte <= 255);
  int cp = byte;
  if (!printable) {
    int n = 0;
    for (int b = 0; b < byte; ++b) {
      if (!((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255))) ++n;
    }
    cp = 256 + n;
  }
  std::string out;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
  return out;
}

// A byte-level BPE tokenizer with no merges: 256 byte tokens and an end-of-text token (256).
std::shared_ptr<const Tokenizer> tiny_tokenizer() {
  nlohmann::json vocab = nlohmann::json::object();
  for (int b = 0; b < 256; ++b) vocab[byte_token(b)] = b;
  const nlohmann::json json = {
      {"normalizer", nullptr},
      {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}}},
      {"decoder", {{"type", "ByteLevel"}}},
      {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", nlohmann::json::array()}}},
      {"added_tokens", {{{"id", 256}, {"content", "<|endoftext|>"}, {"special", true}}}},
  };
  auto tokenizer = BpeTokenizer::from_tokenizer_json(json, "self-test tokenizer");
  tokenizer->mutable_special().eos = 256;
  return tokenizer;
}

// A two-block Llama over that vocabulary (about 60 thousand weights).
ModelConfig tiny_config() {
  ModelConfig c = tiny_llama_config(257);
  c.pad_token_id = 256;
  return c;
}

std::string fixed(double v, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return buffer;
}

// Runs `body`, timing it; an exception becomes a failed check with its message.
SelfTestCheck timed(std::string name, bool required, const std::function<std::string()>& body) {
  SelfTestCheck check{std::move(name), false, required, {}, 0};
  const auto start = std::chrono::steady_clock::now();
  try {
    check.detail = body();
    check.ok = true;
  } catch (const std::exception& e) {
    check.detail = e.what();
  }
  check.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return check;
}

}  // namespace

std::vector<SelfTestCheck> run_self_test() {
  std::vector<SelfTestCheck> checks;
  torch::manual_seed(1);

  // 1. libtorch: a product whose value is known.
  checks.push_back(timed("libtorch", true, [] {
    const torch::Tensor a = torch::ones({64, 64});  // [64, 64]
    const double sum = (a.matmul(a)).sum().item<double>();  // every entry 64: 64^3 in all
    if (sum != 64.0 * 64.0 * 64.0) throw std::runtime_error("a 64x64 product came out wrong: " + fixed(sum, 1));
    return std::string(TORCH_VERSION) + ", " + std::to_string(at::get_num_threads()) + " threads";
  }));

  // 2. Tokenizer: a sentence encodes and decodes back to itself.
  std::shared_ptr<const Tokenizer> tokenizer;
  checks.push_back(timed("tokenizer", true, [&] {
    tokenizer = tiny_tokenizer();
    const std::string text = "Tunebench self-test: ça marche.";
    const auto ids = tokenizer->encode(text);
    const std::string back = tokenizer->decode(ids);
    if (back != text) throw std::runtime_error("decoded \"" + back + "\" instead of \"" + text + "\"");
    return "byte-level BPE, " + std::to_string(ids.size()) + " tokens round trip";
  }));
  if (!tokenizer) return checks;

  // 3. One full fine-tuning step on four sentences.
  const ModelConfig config = tiny_config();
  const auto model = Model::from_parts(config, random_weights(config, 7, 0.2), tokenizer, ChatFormat{}, "self-test");
  checks.push_back(timed("training step", true, [&] {
    train::TrainConfig settings;
    settings.method = train::TrainMethod::Full;
    settings.learning_rate = 1e-3;
    settings.micro_batch = 2;
    settings.max_seq_len = 64;
    settings.max_steps = 1;
    settings.eval_every = 0;
    settings.sample_prompts = 0;
    train::TrainSet set;
    for (const char* sentence : kSentences) {
      data::TokenizedExample e;
      e.ids = tokenizer->encode(sentence);
      e.trained.assign(e.ids.size(), 1);
      e.trained[0] = 0;
      set.examples.push_back(std::move(e));
      set.task_of.push_back(0);
      set.source.push_back(set.size() - 1);
    }
    set.tasks = {""};
    train::TrainingSession session(model, settings, set);
    const train::StepResult step = session.step();
    if (!step.applied || !std::isfinite(step.loss)) {
      throw std::runtime_error("the step was not applied (loss " + fixed(step.loss, 4) + ")");
    }
    return "loss " + fixed(step.loss, 3) + " over " + std::to_string(step.trained_tokens) + " tokens, grad norm " +
           fixed(step.grad_norm, 3);
  }));

  // 4. Generation: eight greedy tokens with the KV cache, decoded.
  checks.push_back(timed("generation", true, [&] {
    GenerationSession generator(model);
    GenerationParams params;
    params.max_new_tokens = 8;
    params.stop_at_eos = false;
    const auto result = generator.generate(tokenizer->encode("The sky"), params);
    if (result.tokens.size() != 8) {
      throw std::runtime_error(std::to_string(result.tokens.size()) + " tokens instead of 8 (" + result.stop_reason + ")");
    }
    return std::to_string(result.tokens.size()) + " tokens, " + fixed(result.decode_tokens_per_s(), 0) + " tokens/s";
  }));

  // 5. The bundled sample data and demo projects.
  checks.push_back(timed("resources", true, [] {
    const auto folder = Locations::resources();
    for (const char* file : {"datasets/science_qa.jsonl", "demo/science-qa.tbproj", "probes/general_knowledge.jsonl"}) {
      if (!std::filesystem::is_regular_file(folder / file)) {
        throw std::runtime_error((folder / file).string() + " is missing: reinstall Tunebench");
      }
    }
    return folder.string();
  }));

  // 6. The demo model: reported, not required (it is fetched once, separately).
  checks.push_back(timed("demo model", false, [] {
    return Locations::from_environment().existing_demo_model().string();
  }));
  return checks;
}

bool self_test_passed(const std::vector<SelfTestCheck>& checks) {
  for (const auto& c : checks) {
    if (c.required && !c.ok) return false;
  }
  return !checks.empty();
}

std::string format_check(const SelfTestCheck& check) {
  std::string name = check.name;
  name.resize(std::max<std::size_t>(name.size(), 14), ' ');
  const char* mark = check.ok ? "ok    " : check.required ? "FAIL  " : "note  ";
  return mark + name + check.detail + " (" + fixed(check.seconds, 2) + " s)";
}

}  // namespace tb
