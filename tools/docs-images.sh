#!/usr/bin/env bash
# Makes the pictures the README embeds, from real runs: docs-images.sh LOCKSTEP OUT_DIR.
# `make docs-images` writes them into docs/images; tests/test_pictures.cpp checks that the
# committed files are what the current build makes (the SVGs byte for byte; the viewer's
# screenshot, which depends on Chromium and its fonts, by its size).
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 PATH/TO/lockstep OUT_DIR" >&2
  exit 2
fi
lockstep=$(realpath "$1")
mkdir -p "$2"
out=$(realpath "$2")
cd "$(dirname "$0")/.."   # program paths in the pictures' titles are relative to the source tree
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$lockstep" gemm --config configs/systolic-8x8-os.yaml --m 20 --k 16 --n 12 --engine model --trace "$work/gemm" > /dev/null
cp "$work/gemm/utilisation.svg" "$out/gemm-8x8-os-utilisation.svg"
cp "$work/gemm/heatmap.svg" "$out/gemm-8x8-os-heatmap.svg"

"$lockstep" run programs/matmul4x4.asm --config configs/gpu-4x8.yaml --engine model --trace "$work/matmul4x4" > /dev/null
cp "$work/matmul4x4/utilisation.svg" "$out/matmul4x4-utilisation.svg"
cp "$work/matmul4x4/heatmap.svg" "$out/matmul4x4-heatmap.svg"

# The viewer on matmul (tiny-gpu) at cycle 427, as C = [7 10; 15 22] lands in data memory.
# The trace directory is named relative to $work, so the page (and picture) does not show
# the temporary path.
"$lockstep" run programs/matmul.asm --config configs/tiny-gpu.yaml --engine model --trace "$work/matmul" > /dev/null
(cd "$work" && "$lockstep" view matmul > /dev/null)
mkdir -p "$work/chromium"
timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$work/chromium" \
  --virtual-time-budget=5000 --window-size=1100,1150 --screenshot="$out/view-matmul.png" \
  "file://$work/matmul/view.html#cycle=427" 2> "$work/chromium.log" ||
  { cat "$work/chromium.log" >&2; echo "$0: chromium could not take the viewer's screenshot" >&2; exit 1; }
