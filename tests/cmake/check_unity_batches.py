"""Names that two files of one unity batch both define with internal linkage: in a unity build
(the workbench preset) the batch is one translation unit, and such a pair is a redefinition.

Reads CMake's batch files (unity_N_cxx.cxx: one `#include "file.cpp"` per source) in each folder
given, and for each included file collects what it defines at namespace scope inside an
anonymous namespace or as `static`: functions (name and parameter list: overloads are allowed),
types, variables and aliases (an alias to the same type twice is allowed). Prints one line per
clash, "<batch file>: NAME is defined in A and B", and exits 1 if there is any.

A reader of declarations, not a compiler: it sees the usual shapes of helper functions, constants,
structs and aliases, which is what collides in practice.
usage: check_unity_batches.py FOLDER [FOLDER...]"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def strip(text):
    """Comments, string and character literals, and preprocessor lines removed."""
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'R"(\w*)\(.*?\)\1"', '""', text, flags=re.S)
    text = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)
    text = re.sub(r"'(?:\\.|[^'\\\n])*'", "''", text)
    return re.sub(r"^\s*#[^\n]*", "", text, flags=re.M)


def definition(decl):
    """(kind, name, detail) for one declaration at namespace scope, or None."""
    decl = " ".join(decl.split())
    decl = re.sub(r"^(?:\[\[[^\]]*\]\]\s*)+", "", decl)
    decl = re.sub(r"^template\s*<.*?>\s*", "", decl)
    if not decl or decl.startswith(("using namespace", "namespace", "extern", "friend", "return")):
        return None
    m = re.match(r"(?:struct|class|union|enum(?:\s+class|\s+struct)?)\s+(\w+)", decl)
    if m:
        return ("type", m.group(1), "")
    m = re.match(r"using\s+(\w+)\s*=\s*(.+)$", decl)
    if m:
        return ("alias", m.group(1), m.group(2).strip())
    m = re.match(r"using\s+((?:\w+::)+(\w+))$", decl)  # a using-declaration, as good as an alias
    if m:
        return ("alias", m.group(2), m.group(1))
    paren, eq = decl.find("("), decl.find("=")
    if paren >= 0 and (eq < 0 or paren < eq):
        m = re.search(r"(operator\s*[^\s(]+|~?\w+)\s*\($", decl[: paren + 1])
        if not m:
            return None
        depth, end = 0, paren
        for end in range(paren, len(decl)):
            depth += {"(": 1, ")": -1}.get(decl[end], 0)
            if depth == 0:
                break
        params = re.sub(r"\b\w+\s*(?=[,)]|$)", "", decl[paren + 1 : end]).replace(" ", "")  # names dropped
        return ("function", m.group(1), params)
    m = re.search(r"(\w+)\s*(?:\[[^\]]*\]\s*)*(?:=.*)?$", decl if eq < 0 else decl[:eq])
    if m and len(decl.split()) >= 2:
        return ("variable", m.group(1), "")
    return None


def internal_names(path):
    """[(kind, name, detail)] defined with internal linkage at namespace scope in `path`."""
    with open(path, errors="replace") as f:
        text = strip(f.read())
    out = []
    stack = []  # per open brace: "anon", "ns" or "other"
    last = 0
    for m in re.finditer(r"\bnamespace\s*(?:\w+(?:::\w+)*)?\s*\{|[{};]", text):
        tok = m.group(0)
        chunk = text[last : m.start()]
        last = m.end()
        at_namespace_scope = all(kind in ("anon", "ns") for kind in stack)
        if tok.startswith("namespace"):
            stack.append("anon" if re.fullmatch(r"namespace\s*\{", tok) else "ns")
            continue
        if tok in "{;" and at_namespace_scope:
            decl = chunk.strip()
            internal = "anon" in stack or re.match(r"(?:inline\s+|constexpr\s+)*static\b", decl)
            if internal:
                d = definition(re.sub(r"\bstatic\b", "", decl, count=1) if decl.startswith("static") else decl)
                if d:
                    out.append(d)
        if tok == "{":
            stack.append("other")
        elif tok == "}" and stack:
            stack.pop()
    return out


def clashes(batch):
    """Lines naming each clash among the files a batch file includes."""
    folder = os.path.dirname(batch)
    with open(batch) as f:
        files = [p if os.path.isabs(p) else os.path.join(folder, p) for p in INCLUDE.findall(f.read())]
    if not files:
        return []
    root = os.path.commonpath([os.path.dirname(p) for p in files])
    seen, lines = {}, []
    for path in files:
        for kind, name, detail in set(internal_names(path)):
            key = (name, detail) if kind == "function" else name
            if key in seen and seen[key][0] != path:
                other_path, other_kind, other_detail = seen[key]
                if kind == other_kind == "alias" and detail == other_detail:
                    continue
                lines.append(f"{os.path.basename(batch)}: {name} is defined in {os.path.relpath(other_path, root)} "
                             f"and {os.path.relpath(path, root)}")
            else:
                seen.setdefault(key, (path, kind, detail))
    return lines


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    problems, batches = [], 0
    for folder in sys.argv[1:]:
        if not os.path.isdir(folder):
            sys.exit(f"{folder}: no batch folder (is the build configured without TUNEBENCH_UNITY_BUILD?)")
        for name in sorted(os.listdir(folder)):
            if re.fullmatch(r"unity_\d+_cxx\.cxx", name):
                batches += 1
                where = os.path.basename(os.path.dirname(os.path.normpath(folder)))
                problems += [f"{where}/{line}" for line in clashes(os.path.join(folder, name))]
    for line in problems:
        print(line)
    print(f"{batches} unity batches read, {len(problems)} clashing names")
    sys.exit(1 if problems or batches == 0 else 0)


if __name__ == "__main__":
    main()
