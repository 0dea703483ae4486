#!/usr/bin/env bash
# Makes the pictures the README embeds, from real runs: docs-images.sh LOCKSTEP OUT_DIR.
# `make docs-images` writes them into docs/images; tests/test_pictures.cpp checks that the
# committed files are what the current build makes.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 PATH/TO/lockstep OUT_DIR" >&2
  exit 2
fi
lockstep=$1
out=$2
cd "$(dirname "$0")/.."   # program paths in the pictures' titles are relative to the source tree
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

"$lockstep" gemm --config configs/systolic-8x8-os.yaml --m 20 --k 16 --n 12 --engine model --trace "$work/gemm" > /dev/null
cp "$work/gemm/utilisation.svg" "$out/gemm-8x8-os-utilisation.svg"
cp "$work/gemm/heatmap.svg" "$out/gemm-8x8-os-heatmap.svg"

"$lockstep" run programs/matmul4x4.asm --config configs/gpu-4x8.yaml --engine model --trace "$work/matmul4x4" > /dev/null
cp "$work/matmul4x4/utilisation.svg" "$out/matmul4x4-utilisation.svg"
