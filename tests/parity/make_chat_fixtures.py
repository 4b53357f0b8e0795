"""Chat rendering references: the published chat templates of the families we support (and the
demo GGUF's own), each rendered by transformers for a set of conversations, with and without
the generation prompt. Usage: make_chat_fixtures.py OUTDIR DEMO_GGUF"""
import json
import os
import sys

import gguf
from transformers.utils.chat_template_utils import render_jinja_template

out, demo = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)

SMOLLM2 = gguf.GGUFReader(demo).fields["tokenizer.chat_template"].contents()
QWEN2 = ("{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\n"
         "You are a helpful assistant.<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + "
         "message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")
CHATML = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
          "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")
LLAMA2 = ("{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}"
          "{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
          "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate "
          "user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = "
          "'<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}"
          "{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif "
          "message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}")
LLAMA3 = ("{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + "
          "message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
          "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ "
          "'<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}")
MISTRAL = ("{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ "
           "raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if "
           "message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
           "{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}"
           "{% endif %}{% endfor %}")
ZEPHYR = ("{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + message['content'] + eos_token }}\n"
          "{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == "
          "'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n{% if loop.last and "
          "add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}")
ALPACA = ("{% for message in messages %}{% if message['role'] == 'system' %}{{ message['content'] + '\n\n' }}{% elif "
          "message['role'] == 'user' %}{{ '### Instruction:\n' + message['content'] + '\n\n' }}{% elif message['role'] == "
          "'assistant' %}{{ '### Response:\n' + message['content'] + eos_token + '\n\n' }}{% endif %}{% endfor %}{% if "
          "add_generation_prompt %}{{ '### Response:\n' }}{% endif %}")

TEMPLATES = [
    ("smollm2", SMOLLM2, "chatml", "<|im_start|>", "<|im_end|>"),
    ("qwen2", QWEN2, "chatml", "<|endoftext|>", "<|im_end|>"),
    ("chatml", CHATML, "chatml", "<s>", "</s>"),
    ("llama2", LLAMA2, "llama2", "<s>", "</s>"),
    ("llama3", LLAMA3, "llama3", "<|begin_of_text|>", "<|eot_id|>"),
    ("mistral", MISTRAL, "mistral", "<s>", "</s>"),
    ("zephyr", ZEPHYR, "zephyr", "<s>", "</s>"),
    ("alpaca", ALPACA, "alpaca", "<s>", "</s>"),
]

S = {"role": "system", "content": "You explain science clearly."}
U1 = {"role": "user", "content": "Why is the sky blue?"}
A1 = {"role": "assistant", "content": "Because of Rayleigh scattering: shorter wavelengths scatter more."}
U2 = {"role": "user", "content": "  And why not violet? \n"}
A2 = {"role": "assistant", "content": "\tThe Sun emits less violet, and our eyes are less sensitive to it.  "}
U3 = {"role": "user", "content": "Übersetze: 学习 🤗 <|im_end|> [INST] end"}
CONVERSATIONS = [
    [U1], [S, U1], [S, U1, A1, U2], [U1, A1, U2, A2], [U3], [S, U3, A1],
    [{"role": "user", "content": ""}], [U1, U2], [U1, A1],
]

rows = []
for name, template, family, bos, eos in TEMPLATES:
    for messages in CONVERSATIONS:
        for gen in (False, True):
            row = {"template_name": name, "family": family, "bos": bos, "eos": eos, "messages": messages,
                   "add_generation_prompt": gen}
            try:
                rendered, _ = render_jinja_template(conversations=[messages], chat_template=template,
                                                    add_generation_prompt=gen, bos_token=bos, eos_token=eos)
                row["rendered"] = rendered[0]
            except Exception as e:  # the template's raise_exception
                row["error"] = str(e)
            rows.append(row)

with open(os.path.join(out, "chat.json"), "w") as f:
    json.dump({"templates": {name: t for name, t, *_ in TEMPLATES}, "cases": rows}, f, ensure_ascii=False, indent=1)
print(len(rows), "chat rendering cases")
