#!/usr/bin/env bash
# The profile-guided build from scratch (`make pgo`, cmake/ProfileGuided.cmake), and what it
# computes: pgo_build.sh SOURCE_DIR BUILD_DIR. Builds the lockstep binary with PGO into
# BUILD_DIR/pgo-check, sharing BUILD_DIR's RTL cache, then runs kernels, GEMMs and lock-step
# runs on it and on BUILD_DIR/lockstep, and fails on any difference in what they print or
# how they exit: a profile may change how fast the simulator runs, never what it computes.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 SOURCE_DIR BUILD_DIR" >&2
  exit 2
fi
src=$(realpath "$1")
build=$(realpath "$2")
pgo=$build/pgo-check
log=$build/pgo-check.log
if ! make -C "$src" pgo PGO_BUILD="$pgo" BUILD="$build" > "$log" 2>&1; then
  tail -n 40 "$log"
  echo "pgo_build: make pgo failed (all of it in $log)" >&2
  exit 1
fi
grep -q 'LOCKSTEP_PGO:STRING=use' "$pgo/CMakeCache.txt" || { echo "pgo_build: $pgo is not the use phase" >&2; exit 1; }
# Every object compiled with the profile found its part of it (else GCC warns and builds it
# as if there were none: a profile written under other file names, or not at all).
if grep -q 'Wmissing-profile' "$log"; then
  grep -m 5 'Wmissing-profile' "$log"
  echo "pgo_build: objects compiled without their profile (all of it in $log)" >&2
  exit 1
fi

cd "$src"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
compared=0
differ=0
unexpected=0   # runs whose exit status is not the one they are meant to give
same() {   # [expect=STATUS] same ARGS...: both binaries print the same and exit with STATUS (0)
  local plain=0 guided=0
  "$build/lockstep" "$@" > "$work/plain" 2>&1 || plain=$?
  "$pgo/lockstep" "$@" > "$work/guided" 2>&1 || guided=$?
  compared=$((compared + 1))
  if [ "$plain" != "${expect:-0}" ]; then   # (runs failing alike in both would agree)
    echo "pgo_build: lockstep $* exits $plain, not ${expect:-0}:"
    head -n 5 "$work/plain"
    unexpected=$((unexpected + 1))
  fi
  if [ "$plain" != "$guided" ] || ! cmp -s "$work/plain" "$work/guided"; then
    echo "pgo_build: lockstep $* differs (exit $plain without the profile, $guided with it):"
    diff "$work/plain" "$work/guided" | head -n 20 || true
    differ=$((differ + 1))
  fi
}

# Every kernel on its shapes on the model's fast path, bench_loop (not trained on) included.
for program in programs/*.asm; do
  [ "$(basename "$program")" = long_loop.asm ] && continue
  for shape in $(sed -n 's/^; cycles://p' "$program" | head -n 1); do
    same run "$program" --config "configs/${shape%%=*}.yaml" --engine model --json
  done
done
same run programs/matmul_tc_8.asm --config configs/gpu-tc-ws.yaml --engine model --signed --json
# Lock-step and traced runs (RTL from the shared cache, built with BUILD_DIR).
same run programs/matmul.asm --config configs/tiny-gpu.yaml --json
same run programs/divergent.asm --config configs/gpu-perf.yaml --json
same run programs/matmul_tc_4.asm --config configs/gpu-tc.yaml --signed --json
same run programs/reduce.asm --config configs/gpu-4x8.yaml --engine model --trace "$work/trace" --json
same gemm --config configs/systolic.yaml --m 16 --k 12 --n 10 --json
same gemm --config configs/systolic.yaml --rows 3 --cols 5 --dataflow os --m 7 --k 9 --n 11 --json
# GEMMs on the array model: bursts in each dataflow, both cores, a fault that corrupts C.
for dataflow in os ws is; do
  same gemm --rows 16 --cols 16 --dataflow "$dataflow" --m 70 --k 90 --n 50 --engine model --json
  same gemm --rows 2 --cols 37 --dataflow "$dataflow" --m 41 --k 23 --n 77 --engine model --jobs 2 --json
done
expect=1 same gemm --rows 8 --cols 8 --dataflow os --m 20 --k 16 --n 12 --engine model --inject-fault 30:2.3:acc=5 --json   # C wrong
# Bad input and a runaway kernel.
expect=2 same run programs/no_such_kernel.asm --engine model
expect=2 same run programs/mid_loop.asm --engine model --max-cycles 5000 --json

echo "pgo_build: $compared runs compared, $differ differ, $unexpected exit otherwise than meant"
[ "$differ" -eq 0 ] && [ "$unexpected" -eq 0 ]
