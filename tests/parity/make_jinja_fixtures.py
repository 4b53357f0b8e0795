"""Jinja parity fixtures: every chat template in tests/data/chat_templates (written here, using
the constructs of the public templates of Llama 3.1/3.2, Qwen2.5/Qwen3, Gemma 3, Phi-3.5/Phi-4-mini
and Mistral, and our own construct test) and the demo GGUF's own template, rendered by
transformers' render_jinja_template (Jinja2, as apply_chat_template runs it) over a set of
conversations: with and without a system turn, multi-turn, tool calls, generation prompt or not,
template variables (enable_thinking, date_string, tools), and conversations a template refuses
with raise_exception. One JSON line per case: the context we pass, the text, the {% generation %}
spans as byte ranges, or the error message.
Usage: make_jinja_fixtures.py OUTDIR DEMO_GGUF TEMPLATES_DIR"""
import glob
import json
import os
import sys

import gguf
from transformers.utils.chat_template_utils import render_jinja_template

out, demo, templates_dir = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)

templates = {}
for path in sorted(glob.glob(os.path.join(templates_dir, "*.jinja"))):
    with open(path, encoding="utf-8") as f:
        templates[os.path.basename(path)[:-len(".jinja")]] = f.read()
field = gguf.GGUFReader(demo).get_field("tokenizer.chat_template")
templates["demo_gguf"] = bytes(field.parts[field.data[0]]).decode("utf-8")

U = lambda c: {"role": "user", "content": c}  # noqa: E731
A = lambda c: {"role": "assistant", "content": c}  # noqa: E731
S = lambda c: {"role": "system", "content": c}  # noqa: E731
TOOL_CALL = {"role": "assistant", "content": "",
             "tool_calls": [{"type": "function", "function": {"name": "get_weather",
                                                               "arguments": {"city": "Zürich", "days": 2}}}]}
TOOL_RESULT = {"role": "tool", "content": "{\"temp\": 21.5}"}
CONVERSATIONS = {
    "one_user": [U("Why is the sky blue?")],
    "system_user": [S("You are terse."), U("  Name a colour.  ")],
    "multi_turn": [S("Be kind."), U("Hi"), A(" Hello! How can I help? "), U("Tell me a joke\nabout cats.")],
    "assistant_last": [U("2+2?"), A("4")],
    "thinking": [U("What is 3*7?"), A("<think>\n3 times 7 is 21.\n</think>\n\n21"), U("And 3*8?"), A("24")],
    "tools": [U("Weather in Zürich?"), TOOL_CALL, TOOL_RESULT, A("It is 21.5 °C.")],
    "unicode": [U("café 学习 🤗 \"quotes\" and 'apostrophes'"), A("Très bien.")],
    "roles_broken": [U("one"), U("two")],
    "system_only": [S("Only a system turn.")],
    "long_chat": [U("a"), A("b"), U("c"), A("d"), U("e")],
}
TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Weather for a city.",
                                           "parameters": {"type": "object", "properties": {
                                               "city": {"type": "string"}, "days": {"type": "integer"}},
                                               "required": ["city"]}}}]
VARIANTS = {
    "llama3_style": [{"date_string": "07 Dec 2026"}, {"date_string": "07 Dec 2026", "tools": TOOLS},
                     {"date_string": "07 Dec 2026", "tools": TOOLS, "tools_in_user_message": False}],
    "qwen3_style": [{}, {"enable_thinking": False}, {"enable_thinking": True}, {"tools": TOOLS}],
    "constructs": [{}, {"show_stats": True}],
}

cases = []
for name, template in templates.items():
    for conv_name, messages in CONVERSATIONS.items():
        for variant in VARIANTS.get(name, [{}]):
            for generation_prompt in (False, True):
                extra = dict(variant)
                tools = extra.pop("tools", None)
                kwargs = {"bos_token": "<s>", "eos_token": "</s>", **extra}
                context = {"messages": messages, "tools": tools, "documents": None,
                           "add_generation_prompt": generation_prompt, **kwargs}
                case = {"template": name, "conversation": conv_name, "context": context}
                try:
                    rendered, spans = render_jinja_template(
                        conversations=[messages], tools=tools, chat_template=template,
                        add_generation_prompt=generation_prompt,
                        return_assistant_tokens_mask="{% generation %}" in template, **kwargs)
                    text = rendered[0]
                    case["text"] = text
                    case["spans"] = [[len(text[:b].encode()), len(text[:e].encode())] for b, e in (spans[0] if spans else [])]
                except Exception as e:  # noqa: BLE001 (the template's own errors are the expectation)
                    case["error"] = str(e)
                    case["error_type"] = type(e).__name__
                cases.append(case)

with open(os.path.join(out, "cases.jsonl"), "w", encoding="utf-8") as f:
    for case in cases:
        f.write(json.dumps(case, ensure_ascii=False) + "\n")
with open(os.path.join(out, "templates.json"), "w", encoding="utf-8") as f:
    json.dump(templates, f, ensure_ascii=False)
errors = sum("error" in c for c in cases)
print(f"jinja fixtures: {len(templates)} templates, {len(cases)} cases, {errors} refused by the template")
for c in cases:
    if "error" in c and c["error_type"] != "TemplateError":
        print("  unexpected error:", c["template"], c["conversation"], c["error_type"], c["error"][:200])
