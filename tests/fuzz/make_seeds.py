"""Writes the fuzzers' seed corpora (small valid files from the reference libraries, plus the
malformed shapes the unit tests use) into tests/fuzz/corpus/<target>/. Run when a parser's
input format grows; the outputs are committed. Usage: make_seeds.py"""
import json
import os
import struct

import gguf
import numpy as np
import sentencepiece as spm
import torch
from safetensors.torch import save
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(0)


def put(target, name, data):
    folder = os.path.join(here, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# safetensors: a few dtypes and shapes, metadata; and truncated / gapped variants.
valid = save({"a": torch.ones(2, 3), "b": torch.arange(4, dtype=torch.int64), "c": torch.zeros(0, 2).bfloat16()},
             metadata={"format": "pt"})
put("fuzz_safetensors", "valid.safetensors", valid)
put("fuzz_safetensors", "truncated.safetensors", valid[:40])
header = b'{"w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}'
put("fuzz_safetensors", "gap.safetensors", struct.pack("<Q", len(header)) + header + bytes(12))

# GGUF: one small tensor of each type and a tiny byte-level BPE vocabulary.
path = os.path.join(here, "seed.gguf")
w = gguf.GGUFWriter(path, "llama")
Q = gguf.GGMLQuantizationType
for qtype in [Q.Q4_0, Q.Q4_1, Q.Q5_0, Q.Q5_1, Q.Q8_0, Q.Q2_K, Q.Q3_K, Q.Q4_K, Q.Q5_K, Q.Q6_K]:
    elems, nbytes = gguf.GGML_QUANT_SIZES[qtype]
    w.add_tensor(qtype.name.lower(), rng.integers(0, 256, size=(1, nbytes), dtype=np.uint8), raw_dtype=qtype)
w.add_tensor("f32", rng.standard_normal((2, 4)).astype(np.float32))
w.add_tensor("f16", rng.standard_normal((2, 4)).astype(np.float16))
w.add_string("tokenizer.ggml.model", "gpt2")
w.add_string("tokenizer.ggml.pre", "smollm")
tokens = ["<|endoftext|>", "H", "e", "l", "o", "Ġ", "w", "r", "d", "He", "ll", "llo", "Hello"]
w.add_array("tokenizer.ggml.tokens", tokens)
w.add_array("tokenizer.ggml.token_type", [3] + [1] * (len(tokens) - 1))
w.add_array("tokenizer.ggml.merges", ["H e", "l l", "ll o", "He llo"])
w.add_uint32("tokenizer.ggml.bos_token_id", 0)
w.write_header_to_file()
w.write_kv_data_to_file()
w.write_tensors_to_file()
w.close()
with open(path, "rb") as f:
    data = f.read()
os.remove(path)
put("fuzz_gguf", "seed.gguf", data)
put("fuzz_gguf", "truncated.gguf", data[:200])

# config.json of the three families.
base = {"vocab_size": 320, "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
        "num_attention_heads": 4, "num_key_value_heads": 2, "rms_norm_eps": 1e-5}
put("fuzz_model_config", "llama.json", json.dumps(dict(base, architectures=["LlamaForCausalLM"],
    rope_scaling={"rope_type": "llama3", "factor": 8.0, "original_max_position_embeddings": 128})))
put("fuzz_model_config", "mistral.json", json.dumps(dict(base, architectures=["MistralForCausalLM"], sliding_window=64)))
put("fuzz_model_config", "qwen2.json", json.dumps(dict(base, architectures=["Qwen2ForCausalLM"],
    rope_parameters={"rope_type": "default", "rope_theta": 1e6})))

# tokenizer.json: a tiny byte-level BPE with added tokens.
text = ["Hello world, hello tokens 12345 café", "def f(x):\n    return x", "the quick brown fox"] * 20
tok = Tokenizer(models.BPE())
tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
tok.decoder = decoders.ByteLevel()
tok.train_from_iterator(text, trainers.BpeTrainer(vocab_size=300, special_tokens=["<|endoftext|>"],
                                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                                  show_progress=False))
put("fuzz_tokenizer_json", "tiny.json", tok.to_str())

# SentencePiece: a tiny BPE model.
prefix = os.path.join(here, "seed_sp")
spm.SentencePieceTrainer.train(sentence_iterator=iter(text * 5), model_prefix=prefix, vocab_size=320, hard_vocab_limit=False,
                               model_type="bpe", byte_fallback=True, normalization_rule_name="identity", minloglevel=2)
with open(prefix + ".model", "rb") as f:
    put("fuzz_sentencepiece", "tiny.model", f.read())
os.remove(prefix + ".model")
os.remove(prefix + ".vocab")
# Dataset files for the JSONL / JSON-array reader: the first byte picks the reader (even = JSONL,
# odd = JSON array), the rest is the file.
datasets = os.path.join(here, "..", "data", "datasets")
for name in ["alpaca_bad_rows.jsonl", "bom_crlf.jsonl", "sharegpt.jsonl", "empty.jsonl"]:
    with open(os.path.join(datasets, name), "rb") as f:
        put("fuzz_jsonl", name, b"\x00" + f.read())
with open(os.path.join(datasets, "messages.json"), "rb") as f:
    put("fuzz_jsonl", "messages.json", b"\x01" + f.read())
put("fuzz_jsonl", "mixed.jsonl", b"\x00" + b'{"prompt": "a", "completion": "b"}\n[1,2]\n{"text": 3}\n{"prompt": "\\ud800"}\n')
print("seeds written under", os.path.join(here, "corpus"))
