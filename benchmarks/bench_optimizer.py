"""Optimizer runs (issue 13's speed goals), each measured side by side with what it is compared to.

    python benchmarks/bench_optimizer.py [--runs 3] [--only xor|linear|net]

- `xor`: `symbackprop solve --format json` of problems/xor_adam.yaml (the XOR sigmoid part, Adam) with
  `steps: 100` (a temporary copy), alternating with `python -c "import sympy, numpy"` (the import floor).
  Goal: at most 3x the floor.
- `linear`: the same file with 100, 200, 400 and 800 steps, and without `optimizer:`/`steps:` (the 0-step
  baseline: the same part solved with no run), JSON. Printed: the CPU time above the baseline per step
  (which also carries the run's fixed cost, compiling the step and working step 1 in full, spread over
  the steps), and the CPU time between one size and the one before per added step, with its ratio to the
  mean from 100 to 800 steps (goal: time linear in the steps, so each ratio about 1).
- `net`: one worked step of a generated 1,000-weight network (8-18-18-18-8, tanh hidden layers, sigmoid
  outputs, as benchmarks/bench_problem_size.py writes them: 998 weights) with `optimizer: adam, steps: 1`
  against `solve` of the same network without an optimizer, JSON and text, budget off (the network is
  over the size limit). Goal: at most 1x (no slower).

Each row is the median of --runs runs of wall time and of CPU time (user + system of the process, what a
busy machine changes least; POSIX, os.wait4). The machine is shared: only ratios of things measured in one
run mean much, and the benchmark asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_problem_size import network  # noqa: E402

XOR = ROOT / "problems" / "xor_adam.yaml"
STEPS = (100, 200, 400, 800)
NET = [8, 18, 18, 18, 8]                 # 998 weights with the biases
NO_BUDGET = ("import sys, symbackprop.budget as b, symbackprop.cli as c; b._DISABLED = True; "
             "c.run(sys.argv[1:])")


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of `cmd`, output thrown away; CPU is NaN without os.wait4."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if not hasattr(os, "wait4"):
        _, err = proc.communicate()
        cpu, code = float("nan"), proc.returncode
    else:
        _, status, usage = os.wait4(proc.pid, 0)   # reaps the child and gives its rusage
        code, cpu = os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime
        err = proc.stderr.read()
        proc.returncode = code
    elapsed = time.perf_counter() - start
    if code != 0:
        raise RuntimeError(f"{cmd}: exit {code}: {err.decode(errors='replace').strip()[-300:]}")
    return elapsed, cpu


def medians(cmds: list[list[str]], runs: int) -> list[tuple[float, float]]:
    """Median (wall, CPU) of each command, the commands run in turn `runs` times (side by side)."""
    got: list[list[tuple[float, float]]] = [[] for _ in cmds]
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            got[i].append(timed(cmd))
    return [(statistics.median(w for w, _ in g), statistics.median(c for _, c in g)) for g in got]


def with_steps(text: str, steps: int | None) -> str:
    """problems/xor_adam.yaml's text with `steps: N`, or (None) without its optimizer and steps lines."""
    if steps is None:
        return "".join(line for line in text.splitlines(True) if not re.match(r"(optimizer|steps):", line))
    return re.sub(r"(?m)^steps: \d+", f"steps: {steps}", text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default=None, help="xor, linear or net (a|b for several)")
    args = ap.parse_args()
    chosen = set((args.only or "xor|linear|net").split("|"))
    exe = shutil.which("symbackprop")
    cli = [exe] if exe else [sys.executable, "-m", "symbackprop.cli"]
    floor_cmd = [sys.executable, "-c", "import sympy, numpy"]
    text = XOR.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        def write(name: str, body: str) -> str:
            path = os.path.join(tmp, name)
            Path(path).write_text(body, encoding="utf-8")
            return path

        if "xor" in chosen:
            path = write("xor_adam_100.yaml", with_steps(text, 100))
            (fw, fc), (sw, sc) = medians([floor_cmd, cli + ["solve", path, "--format", "json"]], args.runs)
            print("| command | median wall (s) | / import floor | median CPU (s) | / import floor |")
            print("|---|---|---|---|---|")
            print(f"| python -c \"import sympy, numpy\" | {fw:.2f} | 1.00 | {fc:.2f} | 1.00 |")
            print(f"| solve xor_adam.yaml, 100 Adam steps, --format json | {sw:.2f} | {sw / fw:.2f} (goal ≤ 3) "
                  f"| {sc:.2f} | {sc / fc:.2f} |\n", flush=True)
        if "linear" in chosen:
            paths = [write("xor_plain.yaml", with_steps(text, None))]
            paths += [write(f"xor_adam_{n}.yaml", with_steps(text, n)) for n in STEPS]
            got = medians([cli + ["solve", p, "--format", "json"] for p in paths], args.runs)
            (bw, bc), rows = got[0], got[1:]
            slope = (rows[-1][1] - rows[0][1]) / (STEPS[-1] - STEPS[0]) * 1000    # ms per step, 100 → 800
            print("| steps | median wall (s) | median CPU (s) | CPU above the 0-step baseline, per step (ms) "
                  "| CPU per step added since the row before (ms) | / the mean per added step, 100 → 800 |")
            print("|---|---|---|---|---|---|")
            print(f"| 0 (no optimizer) | {bw:.2f} | {bc:.2f} | | | |")
            for k, (n, (w, c)) in enumerate(zip(STEPS, rows)):
                added = " | "
                if k:
                    m = (c - rows[k - 1][1]) / (n - STEPS[k - 1]) * 1000
                    added = f"{m:.2f} | {m / slope:.2f}"
                print(f"| {n} | {w:.2f} | {c:.2f} | {(c - bc) / n * 1000:.2f} | {added} |", flush=True)
            fixed = rows[0][1] - bc - STEPS[0] * slope / 1000
            print(f"\nCPU = {bc:.2f} s (no run) + {fixed:.2f} s (the run's fixed cost) + {slope:.2f} ms × steps "
                  "(from the 100- and 800-step rows)")
            print()
        if "net" in chosen:
            doc = network(NET)
            plain = write("net.yaml", yaml.safe_dump(doc, sort_keys=False))
            adam = write("net_adam.yaml", yaml.safe_dump({**doc, "optimizer": "adam", "steps": 1}, sort_keys=False))
            label = "-".join(map(str, NET))
            print("| network | format | solve, no optimizer: wall / CPU (s) | adam, steps: 1: wall / CPU (s) "
                  "| ratio, wall / CPU |")
            print("|---|---|---|---|---|")
            for fmt in ("json", "text"):
                (pw, pc), (aw, ac) = medians([[sys.executable, "-c", NO_BUDGET, "solve", f, "--format", fmt]
                                              for f in (plain, adam)], args.runs)
                print(f"| {label} (998 weights) | {fmt} | {pw:.2f} / {pc:.2f} | {aw:.2f} / {ac:.2f} "
                      f"| {aw / pw:.2f} / {ac / pc:.2f} (goal ≤ 1) |", flush=True)


if __name__ == "__main__":
    main()
