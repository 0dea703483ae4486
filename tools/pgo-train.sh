#!/usr/bin/env bash
# The training runs of a profile-guided build (`make pgo`, cmake/ProfileGuided.cmake):
# pgo-train.sh LOCKSTEP, where LOCKSTEP was built with LOCKSTEP_PGO=generate, so that each run
# adds its branch and call counts to the profile. The workload is what people run on the
# model's fast path: the example kernels on every GPU shape they are written for, the tensor
# core's and the wide GPU's kernels, and GEMMs in each dataflow. Not among them: bench_loop,
# the kernel `lockstep bench` times, so that the bench's figures are not fitted to it.
# Lock-step runs are left out too (they would build RTL); their model side is the same code.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 PATH/TO/lockstep (built with LOCKSTEP_PGO=generate)" >&2
  exit 2
fi
lockstep=$(realpath "$1")
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

train() {   # a failed training run is a broken build, not a weaker profile: stop
  if ! "$lockstep" "$@" > "$work/out" 2>&1; then
    echo "pgo-train: failed: lockstep $*" >&2
    cat "$work/out" >&2
    exit 1
  fi
}

# Each kernel on the shapes its `; cycles:` line names (tiny-gpu, gpu-4x8, gpu-perf, ...).
runs=0
for program in programs/*.asm; do
  case "$(basename "$program")" in bench_loop.asm | long_loop.asm) continue ;; esac
  for shape in $(sed -n 's/^; cycles://p' "$program" | head -n 1); do
    train run "$program" --config "configs/${shape%%=*}.yaml" --engine model --json
    runs=$((runs + 1))
  done
done
for n in 4 8 16; do
  train run "programs/matmul_tc_$n.asm" --config configs/gpu-tc.yaml --engine model --signed --json
  train run "programs/matmul_tc_$n.asm" --config configs/gpu-tc-ws.yaml --engine model --signed --json
  train run "programs/matmul_simt_$n.asm" --config configs/gpu-tc.yaml --engine model --signed --json
  runs=$((runs + 3))
done
train run programs/bench_wide.asm --config configs/gpu-16x32.yaml --engine model --json
runs=$((runs + 1))

# GEMMs on the array model, each dataflow, square and ragged, small and wide arrays.
for dataflow in os ws is; do
  for shape in "4 4 16 12 10" "8 8 64 48 40" "16 16 96 80 72" "32 32 100 120 90" "3 5 33 17 29"; do
    read -r rows cols m k n <<< "$shape"
    train gemm --rows "$rows" --cols "$cols" --dataflow "$dataflow" --m "$m" --k "$k" --n "$n" --engine model --json
    runs=$((runs + 1))
  done
done
echo "pgo-train: $runs training runs"
