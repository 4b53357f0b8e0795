"""The man page keeps up with the program: every command that `tunebench-cli --help` lists, and
every long option of `tunebench-cli <command> --help`, appears in installer/tunebench-cli.1.
The second mode (--expect-missing) runs the check on a page with an option taken out and passes
only when the check names it, so the check itself is known to work.

Usage: check_man_page.py --cli build/dev/app/cli/tunebench-cli --page installer/tunebench-cli.1"""
import argparse
import re
import subprocess
import sys


def missing_from(cli, page_text):
    """1. Commands from the top-level help; 2. their long options; 3. each looked up in the page."""
    top = subprocess.run([cli, "--help"], capture_output=True, text=True, check=True).stdout
    commands = re.findall(r"^  (\S+)\s{2,}", top.split("Subcommands:")[1], re.M)
    page = page_text.replace("\\-", "-")
    missing = []
    for command in commands:
        if not re.search(r'^\.SS "' + re.escape(command) + '"', page, re.M):
            missing.append(command)
        text = subprocess.run([cli, command, "--help"], capture_output=True, text=True, check=True).stdout
        for option in sorted(set(re.findall(r"^  (?:-\w, ?)?(--[\w-]+)", text, re.M)) - {"--help"}):
            if not re.search(r"^\.B " + re.escape(option) + r"(\s|$)", page, re.M):
                missing.append(f"{command} {option}")
    return commands, missing


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--page", required=True)
    ap.add_argument("--expect-missing", help="remove this option's entry first and expect it to be reported")
    a = ap.parse_args()
    text = open(a.page, encoding="utf-8").read()
    if a.expect_missing:
        pattern = r"^\.B " + re.escape(a.expect_missing.replace("-", "\\-")) + r"(\s.*)?$"
        text, n = re.subn(pattern, ".B removed-for-the-check", text, count=1, flags=re.M)
        if n != 1:
            sys.exit(f"{a.expect_missing} is not in {a.page} to begin with")
    commands, missing = missing_from(a.cli, text)
    if a.expect_missing:
        found = any(m.endswith(" " + a.expect_missing) for m in missing)
        print(f"the check {'names' if found else 'MISSES'} the removed {a.expect_missing}")
        sys.exit(0 if found else 1)
    for m in missing:
        print(f"missing from {a.page}: {m}")
    print(f"{len(commands)} commands checked; {len(missing)} missing")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
