#!/usr/bin/env python3
"""Cross-check `lockstep scale --compat scalesim` against the real SCALE-Sim v2.

Draws random configs and networks (array sizes, SRAM sizes, bandwidths, dataflows, CALC and
USER modes, conv layers with strides 1-3, GEMMs, depthwise "DP" layers), runs both on each,
and compares COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv and DETAILED_ACCESS_REPORT.csv as text.
Needs only Debian's python3 here; SCALE-Sim itself needs numpy and tqdm in the Python that
runs it (--python).

  tools/scalesim_crosscheck.py --scalesim /path/to/scale-sim-v2 --cases 100 --seed 1

--scalesim (or $SCALESIM_PATH) is the folder holding the scalesim/ package. Exit status 0 when
every case agrees, 1 when one differs (each difference is printed with the case's folder,
kept with its inputs), 2 on bad usage.
"""
import argparse
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

REPORTS = ["COMPUTE_REPORT.csv", "BANDWIDTH_REPORT.csv", "DETAILED_ACCESS_REPORT.csv"]
CONV_HEADER = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,"
GEMM_HEADER = "Layer, M, N, K,"


def demand_rows(df, ah, aw, m, n, k):
    """SCALE-Sim's demand rows for one layer: how long it will take to run."""
    sr, sc, t = {"os": (m, n, k), "ws": (k, n, m), "is": (k, m, n)}[df]
    per_fold = t + ah + aw - 2 if df == "os" else 2 * ah + aw + t - 2
    return math.ceil(sr / ah) * math.ceil(sc / aw) * per_fold


def ceil_out(size, filt, stride):
    return math.ceil((size - filt + stride) / stride)


def random_config(rng, name):
    small = lambda: rng.choice([2, 3, 4, 5, 6, 8, 12, 16])
    ah = small() if rng.random() < 0.8 else rng.randint(1, 64)
    aw = small() if rng.random() < 0.8 else rng.randint(1, 64)
    kb = lambda: rng.choice([1, 1, 2, 3, 4, 8, 16, 64]) if rng.random() < 0.8 else rng.randint(1, 64)
    mode = rng.choice(["CALC", "USER"])
    bw = rng.choice([1, 2, 3, 4, 8, 10, 16, 32]) if rng.random() < 0.8 else rng.randint(1, 32)
    bandwidth = str(bw) if rng.random() < 0.8 else f"{bw},{rng.randint(1, 32)},{rng.randint(1, 32)}"
    offsets = rng.choice([(0, 10000000, 20000000), (0, 0, 0), (rng.randint(0, 5000), rng.randint(0, 5000), 7)])
    cfg = dict(run_name=name, ArrayHeight=ah, ArrayWidth=aw, IfmapSramSzkB=kb(), FilterSramSzkB=kb(),
               OfmapSramSzkB=kb(), IfmapOffset=offsets[0], FilterOffset=offsets[1], OfmapOffset=offsets[2],
               Bandwidth=bandwidth, Dataflow=rng.choice(["os", "ws", "is"]), MemoryBanks=1, InterfaceBandwidth=mode)
    text = (f"[general]\nrun_name = {name}\n\n[architecture_presets]\n"
            + "".join(f"{key} : {cfg[key]}\n" for key in ["ArrayHeight", "ArrayWidth", "IfmapSramSzkB",
                                                         "FilterSramSzkB", "OfmapSramSzkB", "IfmapOffset",
                                                         "FilterOffset", "OfmapOffset", "Bandwidth", "Dataflow",
                                                         "MemoryBanks"])
            + f"\n[run_presets]\nInterfaceBandwidth: {mode}\n")
    return cfg, text


def random_layer(rng, gemm, index):
    """One topology line and its (M, N, K) as SCALE-Sim computes them, times its layer count."""
    if gemm:
        m, n, k = (1 if rng.random() < 0.1 else rng.randint(1, 80) for _ in range(3))
        return f"g{index}_{m}x{n}x{k}, {m}, {n}, {k},", [(m, n, k)]
    h, w = rng.randint(3, 20), rng.randint(3, 20)
    r, s = rng.randint(1, min(h, 5)), rng.randint(1, min(w, 5))
    if rng.random() < 0.1:
        r, s = h, w   # one window covers the whole ifmap
    sh = rng.randint(1, 3)
    sw = rng.randint(1, 3) if rng.random() < 0.3 else None
    c, nf = rng.randint(1, 12), rng.randint(1, 24)
    depthwise = rng.random() < 0.15
    if depthwise:
        c = rng.randint(2, 3)
    name = f"{'DP' if depthwise else 'conv'}{index}_{h}x{w}_f{r}x{s}_c{c}_n{nf}"
    strides = f"{sh}, {sw}" if sw else f"{sh}"
    eh, ew = ceil_out(h, r, sh), ceil_out(w, s, sw or sh)
    shape = (eh * ew, nf, r * s * (1 if depthwise else c))
    return f"{name}, {h}, {w}, {r}, {s}, {c}, {nf}, {strides},", [shape] * (c if depthwise else 1)


def random_case(rng, name, max_rows):
    """A config and a network whose demand rows stay under max_rows in all."""
    while True:
        cfg, text = random_config(rng, name)
        gemm = rng.random() < 0.4
        lines, rows = [], 0
        for index in range(rng.randint(1, 3)):
            line, shapes = random_layer(rng, gemm, index)
            rows += sum(demand_rows(cfg["Dataflow"], cfg["ArrayHeight"], cfg["ArrayWidth"], *s) for s in shapes)
            lines.append(line)
        if rows <= max_rows:
            return cfg, text, gemm, lines, rows


def run(command, cwd, env=None, timeout=3600):
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scalesim", default=os.environ.get("SCALESIM_PATH", ""),
                        help="folder holding SCALE-Sim v2's scalesim/ package (default: $SCALESIM_PATH)")
    parser.add_argument("--python", default="/usr/bin/python3", help="the Python that runs SCALE-Sim")
    parser.add_argument("--lockstep", default=os.path.join(here, "..", "build", "lockstep"),
                        help="the lockstep executable (default: build/lockstep)")
    parser.add_argument("--cases", type=int, default=20, help="how many random cases")
    parser.add_argument("--seed", type=int, default=1, help="first case's seed; case i uses seed+i")
    parser.add_argument("--max-rows", type=int, default=4000, help="demand rows per case at most (SCALE-Sim is slow)")
    parser.add_argument("--work", default="", help="keep every case here (default: a temporary folder, kept on a difference)")
    args = parser.parse_args()
    if not args.scalesim or not os.path.isfile(os.path.join(args.scalesim, "scalesim", "scale.py")):
        parser.error("--scalesim (or SCALESIM_PATH) must name the folder holding scalesim/scale.py")
    if not os.access(args.lockstep, os.X_OK):
        parser.error(f"{args.lockstep} is not executable: build lockstep first or pass --lockstep")

    work = args.work or tempfile.mkdtemp(prefix="scalesim-crosscheck-")
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=os.path.abspath(args.scalesim))
    differing, failing = [], []
    for i in range(args.cases):
        seed = args.seed + i
        rng = random.Random(seed)
        name = f"case{seed}"
        cfg, text, gemm, lines, rows = random_case(rng, name, args.max_rows)
        folder = os.path.join(work, name)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "arch.cfg"), "w") as f:
            f.write(text)
        with open(os.path.join(folder, "topology.csv"), "w") as f:
            f.write((GEMM_HEADER if gemm else CONV_HEADER) + "\n" + "\n".join(lines) + "\n")
        common = ["-c", "arch.cfg", "-t", "topology.csv"] + (["-i", "gemm"] if gemm else [])
        started = time.time()
        theirs = run([args.python, os.path.join(os.path.abspath(args.scalesim), "scalesim", "scale.py")] + common
                     + ["-p", "scalesim_out"], folder, env)
        took = time.time() - started
        ours = run([os.path.abspath(args.lockstep), "scale", "--compat", "scalesim"] + common + ["-p", "lockstep_out"],
                   folder)
        summary = (f"{name}: {cfg['Dataflow']} {cfg['ArrayHeight']}x{cfg['ArrayWidth']} {cfg['InterfaceBandwidth']} "
                   f"bw {cfg['Bandwidth']} sram {cfg['IfmapSramSzkB']}/{cfg['FilterSramSzkB']}/{cfg['OfmapSramSzkB']} kB, "
                   f"{'gemm' if gemm else 'conv'} x{len(lines)}, {rows} rows, SCALE-Sim {took:.1f} s")
        if theirs.returncode != 0:
            # SCALE-Sim itself fails on some inputs; Lockstep must then refuse too, not crash.
            agreed = ours.returncode == 2
            print(f"{summary}: SCALE-Sim failed ({theirs.stderr.strip().splitlines()[-1] if theirs.stderr.strip() else '?'}); "
                  f"lockstep exit {ours.returncode}{'' if agreed else ' DIFFERS'}", flush=True)
            if not agreed:
                failing.append(folder)
            continue
        if ours.returncode != 0:
            print(f"{summary}: lockstep failed: {ours.stderr.strip()}", flush=True)
            differing.append(folder)
            continue
        diffs = []
        for report in REPORTS:
            with open(os.path.join(folder, "scalesim_out", name, report)) as f:
                want = f.read()
            with open(os.path.join(folder, "lockstep_out", name, report)) as f:
                got = f.read()
            if want != got:
                for w, g in zip(want.splitlines(), got.splitlines()):
                    if w != g:
                        diffs.append(f"  {report}\n    SCALE-Sim {w}\n    lockstep  {g}")
                if len(want.splitlines()) != len(got.splitlines()):
                    diffs.append(f"  {report}: {len(want.splitlines())} lines vs {len(got.splitlines())}")
        print(f"{summary}: {'same' if not diffs else 'DIFFERENT'}", flush=True)
        for d in diffs:
            print(d)
        if diffs:
            differing.append(folder)
        elif not args.work:
            shutil.rmtree(folder)
    print(f"{args.cases} cases: {args.cases - len(differing) - len(failing)} agree, {len(differing)} differ, "
          f"{len(failing)} where SCALE-Sim failed and lockstep did not refuse")
    for folder in differing + failing:
        print(f"  kept: {folder}")
    if not differing and not failing and not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if differing or failing else 0


if __name__ == "__main__":
    sys.exit(main())
