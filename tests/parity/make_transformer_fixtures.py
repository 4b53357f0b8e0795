"""Transformer parity fixtures. Tiny random models saved by transformers (Llama with grouped-
query attention, Llama with tied embeddings, Llama with llama3 rope scaling, Qwen2 with
attention bias, Mistral), each with a small byte-level tokenizer, and for each:
  - fp32 CPU logits for a batch of two sequences, and for a left-padded batch (mask + positions);
  - greedy generation of 48 new tokens, with and without the KV cache, single and batched;
  - a PEFT LoRA adapter with random non-zero B on every linear module, and the logits with it.
For the demo GGUF: transformers' logits for a chat prompt.
Usage: make_transformer_fixtures.py OUTDIR DEMO_GGUF"""
import json
import os
import sys

import torch
import transformers
from peft import LoraConfig, get_peft_model
from safetensors.torch import save_file
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

out, demo = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)

# A byte-level tokenizer whose ids fit the tiny models' 320-entry embedding.
tok = Tokenizer(models.BPE())
tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
tok.decoder = decoders.ByteLevel()
tok.train_from_iterator(["the quick brown fox jumps over the lazy dog"] * 50, trainers.BpeTrainer(
    vocab_size=320, special_tokens=["<|endoftext|>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    show_progress=False))
assert tok.get_vocab_size() <= 320, tok.get_vocab_size()

COMMON = dict(vocab_size=320, hidden_size=64, intermediate_size=160, num_hidden_layers=3, num_attention_heads=4,
              num_key_value_heads=2, max_position_embeddings=256, initializer_range=0.2, rms_norm_eps=1e-5,
              bos_token_id=None, eos_token_id=None, pad_token_id=0)
CONFIGS = {
    "llama_gqa": (transformers.LlamaConfig, transformers.LlamaForCausalLM, dict(COMMON, tie_word_embeddings=False)),
    "llama_tied": (transformers.LlamaConfig, transformers.LlamaForCausalLM,
                   dict(COMMON, num_key_value_heads=4, tie_word_embeddings=True)),
    "llama3_rope": (transformers.LlamaConfig, transformers.LlamaForCausalLM,
                    dict(COMMON, tie_word_embeddings=False, rope_theta=500000.0,
                         rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                       "high_freq_factor": 4.0, "original_max_position_embeddings": 16})),
    "qwen2_bias": (transformers.Qwen2Config, transformers.Qwen2ForCausalLM, dict(COMMON, tie_word_embeddings=False)),
    "mistral": (transformers.MistralConfig, transformers.MistralForCausalLM,
                dict(COMMON, tie_word_embeddings=False, sliding_window=None)),
}

ids = torch.randint(3, 320, (2, 12))
lengths = [12, 7]
padded = torch.zeros(2, 12, dtype=torch.long)
mask = torch.zeros(2, 12, dtype=torch.long)
for b, n in enumerate(lengths):
    padded[b, 12 - n:] = ids[b, :n]
    mask[b, 12 - n:] = 1
positions = (mask.cumsum(1) - 1).clamp(min=0)
prompt = ids[:1, :10]
batch_prompts = [ids[0, :10].tolist(), ids[1, :6].tolist()]

summary = {}
for name, (config_cls, model_cls, kwargs) in CONFIGS.items():
    folder = os.path.join(out, name)
    model = model_cls(config_cls(**kwargs)).eval()
    with torch.no_grad():
        for module in model.modules():  # non-zero biases, so that they are tested
            if isinstance(module, torch.nn.Linear) and module.bias is not None:
                module.bias.normal_(0, 0.2)
    model.save_pretrained(folder)
    tok.save(os.path.join(folder, "tokenizer.json"))
    with torch.no_grad():
        logits = model(ids).logits
        logits_padded = model(padded, attention_mask=mask, position_ids=positions).logits
        gen = {}
        for use_cache in (True, False):
            g = model.generate(prompt, max_new_tokens=48, min_new_tokens=48, do_sample=False, use_cache=use_cache,
                               eos_token_id=None, pad_token_id=0)
            gen["cache" if use_cache else "nocache"] = g[0, prompt.shape[1]:].tolist()
        # Batched, left-padded.
        bp = torch.zeros(2, 10, dtype=torch.long)
        bm = torch.zeros(2, 10, dtype=torch.long)
        for b, p in enumerate(batch_prompts):
            bp[b, 10 - len(p):] = torch.tensor(p)
            bm[b, 10 - len(p):] = 1
        g = model.generate(bp, attention_mask=bm, max_new_tokens=48, min_new_tokens=48, do_sample=False,
                           eos_token_id=None, pad_token_id=0)
        gen["batch"] = [g[b, 10:].tolist() for b in range(2)]
    # A PEFT adapter with random B, so that it changes the logits.
    peft_model = get_peft_model(model, LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, init_lora_weights=False,
        target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]))
    peft_model.save_pretrained(os.path.join(folder, "peft_adapter"))
    with torch.no_grad():
        logits_lora = peft_model(ids).logits
    save_file({"ids": ids, "logits": logits, "padded": padded, "mask": mask, "positions": positions,
               "logits_padded": logits_padded, "logits_lora": logits_lora}, os.path.join(folder, "reference.safetensors"))
    with open(os.path.join(folder, "generation.json"), "w") as f:
        json.dump({"prompt": prompt[0].tolist(), "batch_prompts": batch_prompts, **gen}, f)
    summary[name] = float(logits.abs().max())

# The demo GGUF: logits of a chat prompt as transformers computes them from the same file.
folder, name = os.path.split(demo)
demo_model = transformers.AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32).eval()
demo_tok = transformers.AutoTokenizer.from_pretrained(folder, gguf_file=name)
text = demo_tok.apply_chat_template([{"role": "user", "content": "Why is the sky blue?"}], tokenize=False,
                                    add_generation_prompt=True)
demo_ids = torch.tensor([demo_tok.encode(text, add_special_tokens=False)])
with torch.no_grad():
    demo_logits = demo_model(demo_ids).logits
save_file({"ids": demo_ids, "logits": demo_logits}, os.path.join(out, "demo_reference.safetensors"))
print("transformer fixtures:", summary)
