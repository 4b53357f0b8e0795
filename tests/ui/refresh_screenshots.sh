#!/usr/bin/env bash
# Refreshes docs/screenshots/ (the README's and WORKBENCH.md's pictures): runs the screenshot test
# of a dev build with the demo as it ships (120 LoRA steps from the Train step, about 6 minutes on
# a 2-core CPU) and writes into docs/screenshots instead of the build tree. Look at the pictures,
# then commit them. Usage: tests/ui/refresh_screenshots.sh [BUILD_DIR]   (default build/dev)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build/dev}"
cmake --build "$build" --target test_screenshots
TB_SCREENSHOT_DIR="$root/docs/screenshots" TB_DEMO_STEPS="${TB_DEMO_STEPS:-0}" \
  QT_QPA_PLATFORM=offscreen QT_QPA_FONTDIR=/usr/share/fonts/truetype/dejavu QTEST_FUNCTION_TIMEOUT=1700000 \
  "$build/tests/ui/test_screenshots"
echo "refreshed $root/docs/screenshots"
