"""Reference for prompt templates: fills each case's template texts with its record by a plain
Python reading of the template language ({{c}}, {{#c}}..{{/c}}, {{^c}}..{{/c}}), builds the
conversation (system when not blank, user, assistant) and renders it with transformers'
render_jinja_template under every chat template of chat.json.
Usage: check_templates.py CHAT_JSON CASES_JSON OUT_JSON"""
import json
import re
import sys

from transformers.utils.chat_template_utils import render_jinja_template

chat_json, cases_json, out_json = sys.argv[1:4]
chat = json.load(open(chat_json))
cases = json.load(open(cases_json))


def text_of(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def empty(value):
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip(" \t\r\n") == ""
    if isinstance(value, (list, dict)):
        return len(value) == 0
    return False


SECTION = re.compile(r"\{\{\s*([#^])\s*([^{}]+?)\s*\}\}(.*?)\{\{\s*/\s*\2\s*\}\}", re.S)
VARIABLE = re.compile(r"\{\{\s*([^{}#^/]+?)\s*\}\}")


def fill(text, fields):
    while True:  # innermost-first is not needed: sections of one name do not nest in our cases
        m = SECTION.search(text)
        if not m:
            break
        keep = empty(fields.get(m.group(2))) == (m.group(1) == "^")
        text = text[:m.start()] + (m.group(3) if keep else "") + text[m.end():]
    return VARIABLE.sub(lambda m: text_of(fields.get(m.group(1))), text)


out = []
for case in cases:
    t, fields = case["template"], case["fields"]
    system = fill(t["system"], fields)
    messages = ([{"role": "system", "content": system}] if system.strip(" \t\r\n") else []) + [
        {"role": "user", "content": fill(t["prompt"], fields)},
        {"role": "assistant", "content": fill(t["completion"], fields)}]
    rendered = {}
    for name, template in chat["templates"].items():
        bos, eos = next((c["bos"], c["eos"]) for c in chat["cases"] if c["template_name"] == name)
        try:
            r, _ = render_jinja_template(conversations=[messages], chat_template=template,
                                         add_generation_prompt=False, bos_token=bos, eos_token=eos)
            rendered[name] = r[0]
        except Exception as e:  # e.g. a template without a system turn
            rendered[name] = {"error": str(e)}
    out.append({"messages": messages, "rendered": rendered})
json.dump(out, open(out_json, "w"), ensure_ascii=False, indent=1)
print(len(out), "template cases rendered under", len(chat["templates"]), "chat templates")
