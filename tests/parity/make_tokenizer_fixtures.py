"""Tokenizer parity fixtures: a mixed corpus (>= 2,000 lines: prose, code, accents, CJK, emoji,
runs of spaces and newlines, numbers, special-token text inside ordinary text, decomposed
accents), tokenizers made here (a SentencePiece model trained in the test; byte-level BPE
tokenizer.json files, GPT-2, Llama-3 and Qwen2 style, the last with an NFC normalizer), and the reference ids from transformers for each; plus the demo GGUF's
tokenizer as transformers builds it and as SmolLM2's own pre-tokenizer splits (see below).
Usage: make_tokenizer_fixtures.py OUTDIR DEMO_GGUF"""
import json
import os
import random
import sys

out, demo = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
rng = random.Random(1234)

# 1. The corpus.
WORDS = ("the quick brown fox jumps over the lazy dog while we've been reading about "
         "photosynthesis Rayleigh scattering and why the sky looks blue at noon I'll say "
         "it's DON'T They're YOU'VE isn't").split()
ACCENTS = ["café", "naïve", "Zürich", "señor", "ÅÄÖ", "façade", "crème brûlée", "Ελληνικά", "Кириллица"]
CJK = ["学习数据", "日本語のテキスト", "한국어 문장", "机器学习模型", "東京"]
EMOJI = ["🤗", "👍🏽", "👨‍👩‍👧", "🇫🇷", "🚀✨", "❤️"]
CODE = ["def f(x):\n    return x * 2\n", "for (int i = 0; i < n; ++i) {\n\tsum += a[i];\n}",
        "if x!=y and z>=3: print('ok')", "{\"key\": [1, 2, 3], \"b\": null}", "    indented   line",
        "#include <vector>", "x = {'a': 1}  # comment", "SELECT * FROM t WHERE id=42;"]
NUMBERS = ["12345", "3.14159", "1,000,000", "2026-11-27", "0x1F", "42nd", "v1.2.3"]
SPACES = ["   ", "\n", "\n\n", "\n\n\n", "\t", " \t ", "  \n  ", "\r\n"]
SPECIALS = ["<|im_start|>", "<|im_end|>", "<|endoftext|>", "<s>", "</s>", "<unk>", "<|im_", "|>"]


def line():
    parts = []
    for _ in range(rng.randint(1, 14)):
        r = rng.random()
        if r < 0.45:
            parts.append(rng.choice(WORDS) + rng.choice(["", "", ",", ".", "!", "?", ";"]))
        elif r < 0.55:
            parts.append(rng.choice(ACCENTS))
        elif r < 0.63:
            parts.append(rng.choice(CJK))
        elif r < 0.69:
            parts.append(rng.choice(EMOJI))
        elif r < 0.76:
            parts.append(rng.choice(CODE))
        elif r < 0.83:
            parts.append(rng.choice(NUMBERS))
        elif r < 0.92:
            parts.append(rng.choice(SPACES))
        else:
            parts.append(rng.choice(SPECIALS))
    text = "".join(p + rng.choice([" ", " ", " ", "", "  "]) for p in parts)
    if rng.random() < 0.1:
        text = " " + text
    if rng.random() < 0.1:
        text = text.rstrip()
    return text


corpus = [line() for _ in range(2200)]
corpus += ["cafe\u0301 A\u030angstro\u0308m", "\ufb01 \u2460 \u212b", "", " ", "  leading", "trailing  ", "a\n\nb", "\n", "x" * 300, "🤗" * 5, "<|im_start|>user\nHi<|im_end|>"]
with open(os.path.join(out, "corpus.jsonl"), "w") as f:
    for text in corpus:
        f.write(json.dumps(text, ensure_ascii=False) + "\n")

import sentencepiece as spm  # noqa: E402
import tokenizers  # noqa: E402
import transformers  # noqa: E402
from tokenizers import decoders, models, pre_tokenizers, trainers  # noqa: E402

train_text = corpus[:1500]


def write_refs(name, encode, decode):
    with open(os.path.join(out, name + ".refs.jsonl"), "w") as f:
        for text in corpus:
            ids = encode(text)
            f.write(json.dumps({"ids": ids, "roundtrip": decode(ids) == text}) + "\n")


# 2. SentencePiece, trained here like Llama's (BPE, byte fallback, identity normalisation).
sp_dir = os.path.join(out, "sentencepiece")
os.makedirs(sp_dir, exist_ok=True)
spm.SentencePieceTrainer.train(
    sentence_iterator=iter([t for t in train_text if t.strip()]), model_prefix=os.path.join(sp_dir, "tokenizer"),
    vocab_size=1200, model_type="bpe", byte_fallback=True, normalization_rule_name="identity",
    remove_extra_whitespaces=False, split_digits=True, add_dummy_prefix=True, character_coverage=0.9995,
    unk_id=0, bos_id=1, eos_id=2, pad_id=-1, allow_whitespace_only_pieces=True, minloglevel=2)
os.remove(os.path.join(sp_dir, "tokenizer.vocab"))
sp_ref = transformers.LlamaTokenizer.from_pretrained(sp_dir)
write_refs("sentencepiece", lambda t: sp_ref.encode(t, add_special_tokens=False),
           lambda ids: sp_ref.decode(ids))

# 3. Byte-level BPE tokenizer.json files trained here: GPT-2 style and Llama-3 style.
SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
for name, pre in [
    ("bpe_gpt2", pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)),
    ("bpe_qwen2_nfc", pre_tokenizers.Sequence([
        pre_tokenizers.Split(tokenizers.Regex(
            r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"),
            behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])),
    ("bpe_llama3", pre_tokenizers.Sequence([
        pre_tokenizers.Split(tokenizers.Regex(
            r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"),
            behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])),
]:
    tok = tokenizers.Tokenizer(models.BPE(ignore_merges=(name == "bpe_llama3")))
    tok.pre_tokenizer = pre
    if name == "bpe_qwen2_nfc":  # Qwen2's tokenizer.json normalises to NFC first
        tok.normalizer = tokenizers.normalizers.NFC()
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(train_text, trainers.BpeTrainer(
        vocab_size=1500, special_tokens=SPECIAL, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False))
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    tok.save(os.path.join(folder, "tokenizer.json"))
    ref = transformers.PreTrainedTokenizerFast(tokenizer_file=os.path.join(folder, "tokenizer.json"))
    write_refs(name, lambda t: ref.encode(t, add_special_tokens=False), lambda ids: ref.decode(ids))

# 4. The demo GGUF. transformers builds its tokenizer with the plain GPT-2 ByteLevel
#    pre-tokenizer, ignoring tokenizer.ggml.pre = "smollm"; SmolLM2's own tokenizer.json and
#    llama.cpp split digits one by one first (Digits(individual_digits) + ByteLevel). We record
#    both references and where they disagree.
folder, name = os.path.split(demo)
gguf_ref = transformers.AutoTokenizer.from_pretrained(folder, gguf_file=name)
write_refs("gguf_transformers", lambda t: gguf_ref.encode(t, add_special_tokens=False),
           lambda ids: gguf_ref.decode(ids))
faithful = tokenizers.Tokenizer.from_str(gguf_ref.backend_tokenizer.to_str())
faithful.pre_tokenizer = pre_tokenizers.Sequence([
    pre_tokenizers.Digits(individual_digits=True),
    pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
write_refs("gguf_smollm", lambda t: faithful.encode(t, add_special_tokens=False).ids,
           lambda ids: faithful.decode(ids, skip_special_tokens=False))
disagree = sum(gguf_ref.encode(t, add_special_tokens=False) != faithful.encode(t, add_special_tokens=False).ids
               for t in corpus)
print(f"corpus {len(corpus)} lines; GGUF tokenizer: transformers vs SmolLM2 pre-tokenizer disagree on {disagree}")
