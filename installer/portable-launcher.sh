#!/usr/bin/env bash
# Launcher at the top of the portable Tunebench folder, installed twice: as `tunebench` (the
# workbench) and `tunebench-cli`; it runs bin/<its own name> with any arguments. The programs
# find their bundled libtorch through their RPATH; Qt 6, QCustomPlot and sentencepiece come from
# the system, so a missing one is named here with the Debian packages that provide them.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
program="$here/bin/$(basename "${BASH_SOURCE[0]}")"
[ -x "$program" ] || { echo "tunebench: $program is missing; unpack the whole folder again" >&2; exit 1; }
missing="$(ldd "$program" 2>/dev/null | awk '/not found/ {print $1}' | tr '\n' ' ')"
if [ -n "$missing" ]; then
  echo "tunebench: this system lacks ${missing}" >&2
  echo "tunebench: on Debian 12: sudo apt install libqt6widgets6 libqt6printsupport6 libqt6svg6" \
       "qt6-qpa-plugins libqcustomplot2.1-qt6 libsentencepiece0 libpcre2-8-0 libicu72" >&2
  exit 1
fi
exec "$program" "$@"
