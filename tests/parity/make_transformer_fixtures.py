"""Transformer parity fixtures. Tiny random models saved by transformers (Llama with grouped-
query attention, Llama with tied embeddings, Llama with llama3 rope scaling, Qwen2 with
attention bias, Mistral, Qwen3 with per-head q/k norms and an explicit head_dim, Gemma 3 text
with windowed and global layers, two RoPE bases, (1 + w) sandwich norms, GELU-tanh and its own
query scale, Phi-3 with fused qkv/gate_up, LongRoPE past its pretraining length and a sliding
window, Phi-4-mini-like with partial rotary, LongRoPE's short factors and tied embeddings), each
with a small byte-level tokenizer, and for each:
  - fp32 CPU logits for a batch of two sequences, and for a left-padded batch (mask + positions);
  - greedy generation of 48 new tokens, with and without the KV cache, single and batched;
  - a PEFT LoRA adapter with random non-zero B on every linear module (Phi: the fused ones), and
    the logits with it;
  - one training step on that adapter: the causal-LM loss, the adapter's gradient norm, and the
    loss after a plain SGD step of 0.5 (train_step.json).
For the demo GGUF: transformers' logits for a chat prompt.
The tiny Qwen3 also carries a chat template (QWEN3_TEMPLATE, tests/data/chat_templates), so that
the Model step and training render its chats through the Jinja engine.
Usage: make_transformer_fixtures.py OUTDIR DEMO_GGUF QWEN3_TEMPLATE"""
import json
import math
import os
import sys

import torch
import transformers
from peft import LoraConfig, get_peft_model
from safetensors.torch import save_file
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

out, demo, qwen3_template = sys.argv[1], sys.argv[2], sys.argv[3]
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
    "qwen3": (transformers.Qwen3Config, transformers.Qwen3ForCausalLM,
              dict(COMMON, head_dim=24, tie_word_embeddings=True)),
    "gemma3": (transformers.Gemma3TextConfig, transformers.Gemma3ForCausalLM,
               dict(COMMON, head_dim=24, query_pre_attn_scalar=20, sliding_window=5, tie_word_embeddings=True,
                    hidden_activation="gelu_pytorch_tanh",
                    layer_types=["sliding_attention", "full_attention", "sliding_attention"],
                    rope_parameters={"full_attention": {"rope_type": "default", "rope_theta": 1000000.0},
                                     "sliding_attention": {"rope_type": "default", "rope_theta": 10000.0}})),
    # Phi-3.5-like: the 12-token inputs and the generations pass original_max_position_embeddings
    # (8) from their first forward, so LongRoPE's long factors and attention factor apply
    # throughout; the window (7) is shorter than the sequences.
    "phi3": (transformers.Phi3Config, transformers.Phi3ForCausalLM,
             dict(COMMON, tie_word_embeddings=False, sliding_window=7, original_max_position_embeddings=8,
                  rope_parameters={"rope_type": "longrope", "rope_theta": 10000.0,
                                   "short_factor": [1.0 + 0.1 * i for i in range(8)],
                                   "long_factor": [1.5 + 0.7 * i for i in range(8)]})),
    # Phi-4-mini-like: RoPE on 12 of 16 dimensions; everything stays within the pretraining length
    # (64), so the short factors apply, with the attention factor of max/original = 4.
    "phi4_mini": (transformers.Phi3Config, transformers.Phi3ForCausalLM,
                  dict(COMMON, tie_word_embeddings=True, original_max_position_embeddings=64,
                       partial_rotary_factor=0.75,
                       rope_parameters={"rope_type": "longrope", "rope_theta": 10000.0, "partial_rotary_factor": 0.75,
                                        "short_factor": [1.0 + 0.3 * i for i in range(6)],
                                        "long_factor": [2.0 + 0.5 * i for i in range(6)]})),
}
# The modules PEFT adapts: every block linear (Phi-3's fused ones by their own names).
ALL_LINEAR = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
PHI_LINEAR = ["qkv_proj", "o_proj", "gate_up_proj", "down_proj"]
# Families whose norms are more than Llama's: their norm weights are perturbed, so that a norm
# applied as w instead of (1 + w), or to the wrong tensor, shows in the logits.
PERTURB_NORMS = {"qwen3", "gemma3"}

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
        if name in PERTURB_NORMS:
            for pname, param in model.named_parameters():
                if "norm" in pname:
                    param.add_(torch.randn_like(param) * 0.3)
    model.save_pretrained(folder)
    tok.save(os.path.join(folder, "tokenizer.json"))
    if name == "qwen3":
        with open(qwen3_template, encoding="utf-8") as f:
            chat_template = f.read()
        with open(os.path.join(folder, "tokenizer_config.json"), "w", encoding="utf-8") as f:
            json.dump({"chat_template": chat_template, "eos_token": "<|endoftext|>", "add_bos_token": False}, f)
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
        target_modules=PHI_LINEAR if name.startswith("phi") else ALL_LINEAR))
    peft_model.save_pretrained(os.path.join(folder, "peft_adapter"))
    with torch.no_grad():
        logits_lora = peft_model(ids).logits
    # One training step: loss, gradient norm over the adapter, loss after SGD (lr 0.5).
    lora_params = [p for n, p in peft_model.named_parameters() if "lora_" in n]
    loss0 = peft_model(ids, labels=ids).loss
    loss0.backward()
    grad_norm = float(torch.sqrt(sum((p.grad.double() ** 2).sum() for p in lora_params)))
    with torch.no_grad():
        for p in lora_params:
            p -= 0.5 * p.grad
        loss1 = peft_model(ids, labels=ids).loss
    with open(os.path.join(folder, "train_step.json"), "w") as f:
        json.dump({"loss": loss0.item(), "grad_norm": grad_norm, "loss_after_sgd": loss1.item(), "lr": 0.5}, f)
    save_file({"ids": ids, "logits": logits, "padded": padded, "mask": mask, "positions": positions,
               "logits_padded": logits_padded, "logits_lora": logits_lora}, os.path.join(folder, "reference.safetensors"))
    with open(os.path.join(folder, "generation.json"), "w") as f:
        json.dump({"prompt": prompt[0].tolist(), "batch_prompts": batch_prompts, **gen}, f)
    summary[name] = float(logits.abs().max())

# Qwen3 and Gemma 3 as GGUF files, written as llama.cpp's converter writes them (gguf-py's name
# map; Gemma's norms stored as 1 + w; Gemma 3's layer pattern and query scale as llama.cpp
# assumes them: every sixth layer global, queries scaled by head_dim), with the tiny byte-level
# tokenizer as a gpt2 vocabulary padded to the 320 embeddings. The reference is transformers on
# the HF folder of the same weights; transformers' own GGUF loader must agree with it too (it
# reads no head size from these files, so head_dim is its default: 128 for Qwen3, 256 for Gemma 3,
# as in the real small models).
import gguf  # noqa: E402
import numpy as np  # noqa: E402

tok_json = json.loads(tok.to_str())
vocab_by_id = sorted(tok_json["model"]["vocab"].items(), key=lambda kv: kv[1])
merges = [m if isinstance(m, str) else " ".join(m) for m in tok_json["model"]["merges"]]
GGUF_MODELS = {
    "qwen3_gguf": ("qwen3", gguf.MODEL_ARCH.QWEN3, transformers.Qwen3Config, transformers.Qwen3ForCausalLM,
                   dict(COMMON, head_dim=128, tie_word_embeddings=False)),
    "gemma3_gguf": ("gemma3", gguf.MODEL_ARCH.GEMMA3, transformers.Gemma3TextConfig, transformers.Gemma3ForCausalLM,
                    dict(COMMON, num_hidden_layers=6, head_dim=256, query_pre_attn_scalar=256, sliding_window=5,
                         tie_word_embeddings=True, hidden_activation="gelu_pytorch_tanh",
                         rope_parameters={"full_attention": {"rope_type": "default", "rope_theta": 1000000.0},
                                          "sliding_attention": {"rope_type": "default", "rope_theta": 10000.0}})),
    # Phi-3 as llama.cpp's converter writes it: fused attn_qkv and ffn_up, rope.dimension_count for
    # partial rotary, LongRoPE's factors as the rope_factors_long/short tensors with the pretraining
    # length and attention factor as keys (12-token inputs past the length 8: the long factors).
    "phi3_gguf": ("phi3", gguf.MODEL_ARCH.PHI3, transformers.Phi3Config, transformers.Phi3ForCausalLM,
                  dict(COMMON, tie_word_embeddings=False, original_max_position_embeddings=8,
                       partial_rotary_factor=0.75,
                       rope_parameters={"rope_type": "longrope", "rope_theta": 10000.0, "partial_rotary_factor": 0.75,
                                        "short_factor": [1.0 + 0.3 * i for i in range(6)],
                                        "long_factor": [2.0 + 0.5 * i for i in range(6)]})),
}
for name, (arch, arch_enum, config_cls, model_cls, kwargs) in GGUF_MODELS.items():
    folder = os.path.join(out, name)
    model = model_cls(config_cls(**kwargs)).eval()
    with torch.no_grad():
        for pname, param in model.named_parameters():
            if "norm" in pname:
                param.add_(torch.randn_like(param) * 0.3)
    model.save_pretrained(os.path.join(folder, "hf"))
    cfg = model.config
    path = os.path.join(folder, "model.gguf")
    w = gguf.GGUFWriter(path, arch)
    w.add_context_length(cfg.max_position_embeddings)
    w.add_embedding_length(cfg.hidden_size)
    w.add_block_count(cfg.num_hidden_layers)
    w.add_feed_forward_length(cfg.intermediate_size)
    w.add_head_count(cfg.num_attention_heads)
    w.add_head_count_kv(cfg.num_key_value_heads)
    head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // cfg.num_attention_heads
    if arch != "phi3":  # llama.cpp's Phi-3 converter writes no head size
        w.add_key_length(head_dim)
        w.add_value_length(head_dim)
    w.add_layer_norm_rms_eps(cfg.rms_norm_eps)
    rope = cfg.rope_parameters["full_attention"] if arch == "gemma3" else cfg.rope_parameters
    w.add_rope_freq_base(rope["rope_theta"])
    if arch == "gemma3":
        w.add_sliding_window(cfg.sliding_window)
    if arch == "phi3":
        rotary = int(head_dim * rope["partial_rotary_factor"])
        original = cfg.original_max_position_embeddings
        scale = cfg.max_position_embeddings / original
        w.add_rope_dimension_count(rotary)
        w.add_sliding_window(0)  # the converter's spelling of "no window"
        w.add_rope_scaling_orig_ctx_len(original)
        w.add_rope_scaling_attn_factors(math.sqrt(1 + math.log(scale) / math.log(original)) if scale > 1 else 1.0)
        w.add_tensor("rope_factors_long.weight", np.array(rope["long_factor"], dtype=np.float32))
        w.add_tensor("rope_factors_short.weight", np.array(rope["short_factor"], dtype=np.float32))
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("default")
    padding = [f"[PAD{i}]" for i in range(len(vocab_by_id), cfg.vocab_size)]
    w.add_token_list([t for t, _ in vocab_by_id] + padding)
    w.add_token_types([3 if t == "<|endoftext|>" else 1 for t, _ in vocab_by_id] + [5] * len(padding))
    w.add_token_merges(merges)
    name_map = gguf.get_tensor_name_map(arch_enum, cfg.num_hidden_layers)
    for hf_name, t in model.state_dict().items():
        if hf_name == "lm_head.weight" and cfg.tie_word_embeddings:
            continue
        g = name_map.get_name(hf_name, try_suffixes=(".weight", ".bias"))
        assert g is not None, hf_name
        data = t.detach().float().numpy().copy()
        if arch == "gemma3" and hf_name.endswith("norm.weight"):
            data = data + 1.0
        w.add_tensor(g, data)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    with torch.no_grad():
        logits = model(ids).logits
        if arch == "phi3":
            err = None  # transformers' GGUF loader reads no LongRoPE factors: the folder is the reference
        else:
            via_gguf = transformers.AutoModelForCausalLM.from_pretrained(folder, gguf_file="model.gguf",
                                                                         dtype=torch.float32).eval()
            err = float((via_gguf(ids).logits - logits).abs().max() / logits.abs().max())
            assert err < 1e-4, f"{name}: transformers' GGUF load differs from the HF folder by {err}"
    save_file({"ids": ids, "logits": logits}, os.path.join(folder, "reference.safetensors"))
    summary[name] = err

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
