"""Tokenizer parity fixtures: a mixed corpus (>= 2,000 lines: prose, code, accents, CJK, emoji,
runs of spaces and newlines, numbers, special-token text inside ordinary text, decomposed
accents), tokenizers made here (a SentencePiece model trained in the test; byte-level BPE
tokenizer.json files, GPT-2, Llama-3 and Qwen2 style, the last with an NFC normalizer), and the reference ids from transformers for each; plus the demo GGUF's
tokenizer as transformers builds it and as SmolLM2's own pre-tokenizer splits (see below); the
SentencePiece vocabulary also written as a GGUF with gguf-py.
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


# 1b. A second corpus of whitespace runs (spaces, tabs, newlines) before digits, punctuation and
#     special-token text, where a pre-tokenizer's whitespace rule shows.
WS = [" ", "  ", "   ", "    ", "\t", " \t", "\t ", "\n", "\n ", "\n  ", "\r\n  ", " \n", "\n\n  "]
AFTER = ["1234", "7", "42nd", "3.14", "2026-12-07", ",", ".", "!?", "(x)", "-", ":", "<|im_start|>", "<|im_end|>",
         "<|endoftext|>", "<|im_", "|>", "<s>", "word", "Word", "🤗", "é", "学习"]
ws_corpus = []
for _ in range(600):
    text = rng.choice(["", "a", "x =", "Total:", "the end"])
    for _ in range(rng.randint(1, 5)):
        text += rng.choice(WS) + rng.choice(AFTER)
    if rng.random() < 0.3:
        text += rng.choice(WS)
    ws_corpus.append(text)
with open(os.path.join(out, "ws_corpus.jsonl"), "w") as f:
    for text in ws_corpus:
        f.write(json.dumps(text, ensure_ascii=False) + "\n")


def write_refs(name, encode, decode):
    for prefix, lines in (("", corpus), ("ws_", ws_corpus)):
        with open(os.path.join(out, prefix + name + ".refs.jsonl"), "w") as f:
            for text in lines:
                ids = encode(text)
                f.write(json.dumps({"ids": ids, "roundtrip": decode(ids) == text}) + "\n")


# 2. SentencePiece, trained here like Llama's (BPE, byte fallback, identity normalisation), and
#    like Gemma's (the same without the dummy prefix: no "▁" in front of the text), each with the
#    reference tokenizer class of its family.
def train_sentencepiece(name, tokenizer_class, add_dummy_prefix, ids):
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter([t for t in train_text if t.strip()]), model_prefix=os.path.join(folder, "tokenizer"),
        vocab_size=1200, model_type="bpe", byte_fallback=True, normalization_rule_name="identity",
        remove_extra_whitespaces=False, split_digits=True, add_dummy_prefix=add_dummy_prefix,
        character_coverage=0.9995, allow_whitespace_only_pieces=True, minloglevel=2, **ids)
    os.remove(os.path.join(folder, "tokenizer.vocab"))
    ref = tokenizer_class.from_pretrained(folder)
    write_refs(name, lambda t: ref.encode(t, add_special_tokens=False), lambda ids: ref.decode(ids))
    return folder


sp_dir = train_sentencepiece("sentencepiece", transformers.LlamaTokenizer, True,
                             dict(unk_id=0, bos_id=1, eos_id=2, pad_id=-1))
train_sentencepiece("sentencepiece_gemma", transformers.GemmaTokenizer, False,
                    dict(unk_id=3, bos_id=2, eos_id=1, pad_id=0))

# 2b. The same vocabulary in a GGUF (tokenizer.ggml.model = "llama", as Llama-2 and Mistral
#     files carry it), written with gguf-py; the reference is transformers' tokenizer of that file.
import gguf  # noqa: E402
import numpy as np  # noqa: E402

sp_model = spm.SentencePieceProcessor(model_file=os.path.join(sp_dir, "tokenizer.model"))
spg_dir = os.path.join(out, "sentencepiece_gguf")
os.makedirs(spg_dir, exist_ok=True)
writer = gguf.GGUFWriter(os.path.join(spg_dir, "vocab.gguf"), "llama")
writer.add_context_length(256)
writer.add_embedding_length(16)
writer.add_block_count(1)
writer.add_feed_forward_length(32)
writer.add_head_count(2)
writer.add_head_count_kv(2)
writer.add_layer_norm_rms_eps(1e-5)
writer.add_tokenizer_model("llama")
pieces = [sp_model.id_to_piece(i) for i in range(sp_model.get_piece_size())]
writer.add_token_list(pieces)
writer.add_token_scores([sp_model.get_score(i) for i in range(len(pieces))])
writer.add_token_types([2 if sp_model.is_unknown(i) else 3 if sp_model.is_control(i) else 6 if sp_model.is_byte(i) else 1
                        for i in range(len(pieces))])
writer.add_bos_token_id(sp_model.bos_id())
writer.add_eos_token_id(sp_model.eos_id())
writer.add_unk_token_id(sp_model.unk_id())
writer.add_tensor("token_embd.weight", np.zeros((len(pieces), 16), dtype=np.float32))
writer.write_header_to_file()
writer.write_kv_data_to_file()
writer.write_tensors_to_file()
writer.close()
spg_ref = transformers.AutoTokenizer.from_pretrained(spg_dir, gguf_file="vocab.gguf")
write_refs("sentencepiece_gguf", lambda t: spg_ref.encode(t, add_special_tokens=False), lambda ids: spg_ref.decode(ids))

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

def disagreeing(lines):
    return [t for t in lines
            if gguf_ref.encode(t, add_special_tokens=False) != faithful.encode(t, add_special_tokens=False).ids]


# Where the two disagree, the line always has whitespace before a digit: transformers' GGUF
# conversion keeps the GPT-2 rule that lets a space run end in " 1" (any \p{N}), which SmolLM2's digit split
# (and llama.cpp's "smollm" pre-tokenizer) never produce.
import unicodedata  # noqa: E402


def space_before_number(text):  # \s\p{N}, as the pre-tokenizers' regexes mean it
    return any(a.isspace() and unicodedata.category(b).startswith("N") for a, b in zip(text, text[1:]))


for label, prefix, lines in (("corpus", "", corpus), ("whitespace corpus", "ws_", ws_corpus)):
    with open(os.path.join(out, prefix + "space_before_number.json"), "w") as f:
        json.dump([space_before_number(t) for t in lines], f)
    d = disagreeing(lines)
    assert all(space_before_number(t) for t in d), [t for t in d if not space_before_number(t)][:3]
    print(f"{label} {len(lines)} lines; GGUF tokenizer: transformers vs SmolLM2's pre-tokenizer disagree on "
          f"{len(d)}, every one whitespace before a digit")
