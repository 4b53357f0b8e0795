#!/usr/bin/env bash
# The installed workbench's window, as a person would see it: starts <root>/usr/bin/tunebench
# (a .deb unpacked by `install_test.py --keep <dir>`, in <dir>/deb-root) on a virtual X display
# with fresh settings, waits for it to open the demo project, and captures the screen.
# Usage: tests/install/screenshot_installed.sh <root> <out.png> [seconds to wait, default 25]
set -euo pipefail
root="$1"; out="$2"; wait="${3:-25}"
home="$(mktemp -d)"
trap 'kill "$app" "$xvfb" 2>/dev/null || true; rm -rf "$home"' EXIT
Xvfb :57 -screen 0 1440x900x24 -nolisten tcp &
xvfb=$!
sleep 2
# Fresh settings and config; the model cache stays where it is (TUNEBENCH_MODEL_CACHE or the
# usual one), so an empty one shows what a user without the demo model sees.
cache="${TUNEBENCH_MODEL_CACHE:-$HOME/.cache/tunebench/models}"
DISPLAY=:57 HOME="$home" XDG_CONFIG_HOME="$home/.config" TUNEBENCH_MODEL_CACHE="$cache" \
  env -u LD_LIBRARY_PATH "$root/usr/bin/tunebench" &
app=$!
sleep "$wait"
kill -0 "$app" || { echo "tunebench exited before the screenshot" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
DISPLAY=:57 import -window root "$out"
echo "wrote $out"
