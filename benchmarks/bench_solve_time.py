"""Wall time of `symbackprop solve` against `python -c "import sympy, numpy"`, measured side by side.

    python benchmarks/bench_solve_time.py [--runs 3] [--sizes] [--only 16-40] [--phases]

- The lecture's exercise: `solve problems/xor.yaml` over the import floor (issue 11's goal: at
  most 1.3x), the two commands alternating so that both see the same machine.
- `--sizes`: generated networks n-w-w-w-n (three tanh hidden layers of width w, sigmoid outputs,
  as benchmarks/bench_problem_size.py writes them) from 4-10-10-10-4 to 16-40-40-40-16 (4,616
  weights), text and JSON, with wall time and peak memory (max RSS, POSIX), the ratio of each to
  the import floor, and the exponent a of time ∝ W^a fitted over the sizes (goals: 16-40-40-40-16
  in at most 4 s and 120 MiB; a at most 1.0). The budget is switched off for these, as in
  bench_problem_size.py.

- `--phases`: CPU seconds of each phase in one process (building the model, deriving, evaluating,
  making the steps, rendering text, rendering JSON) on each chosen size, to see where time goes.

Medians of --runs runs. The machine is shared: only ratios of things measured in one run mean much.
"""
from __future__ import annotations

import argparse
import math
import os
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

SIZES = [(4, 10), (8, 20), (12, 30), (16, 40)]


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def run(args: list[str], timeout: float) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and max RSS in MiB of `symbackprop args`, budget
    off (POSIX: os.wait4). CPU time is what a busy machine changes least."""
    code = ("import symbackprop.budget as b, symbackprop.cli as c; b._DISABLED = True; "
            "c.run(__import__('sys').argv[1:])")
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, stdout=subprocess.DEVNULL)
    while True:                  # os.wait4, not proc.wait: it reaps the child and returns its rusage
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - start > timeout:
            proc.kill()
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{args}: exit {os.waitstatus_to_exitcode(status)}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def weights(n: int, w: int) -> int:
    """Weights (with biases) of n-w-w-w-n."""
    return (n + 1) * w + 2 * (w + 1) * w + (w + 1) * n


def fit_exponent(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(time) against log(weights)."""
    xs = [math.log(w) for w, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def phases(path: str) -> dict[str, float]:
    """CPU seconds of each phase of `solve` on one problem file, in this process (budget off)."""
    sys.path.insert(0, str(ROOT))
    import symbackprop.budget as budget
    from symbackprop import solution
    from symbackprop.collect import fewer_collections
    from symbackprop.derive import derive
    from symbackprop.evaluate import evaluate
    from symbackprop.model import Model
    from symbackprop.problem import load_problem
    from symbackprop.render import render
    budget._DISABLED = True
    part = load_problem(path).parts[0]
    out: dict[str, float] = {}
    with fewer_collections():                      # as solve() runs them
        start = time.process_time()
        model = Model(part)
        out["model"] = time.process_time() - start
        start = time.process_time()
        assignments = model.forward + derive(model)
        out["derive"] = time.process_time() - start
        start = time.process_time()
        evaluate(model, assignments)
        out["evaluate"] = time.process_time() - start
    start = time.process_time()
    sol = solution.solve(path)
    out["solve (all of the above and the steps)"] = time.process_time() - start
    for fmt in ("text", "json"):
        start = time.process_time()
        render(sol, fmt)
        out[f"render {fmt}"] = time.process_time() - start
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sizes", action="store_true", help="also the generated networks up to 16-40-40-40-16")
    ap.add_argument("--only", default=None, help="with --sizes: only the sizes whose label contains this text")
    ap.add_argument("--phases", action="store_true", help="with --sizes: CPU time of each phase in one process")
    args = ap.parse_args()
    exe = shutil.which("symbackprop")
    solve = [exe] if exe else [sys.executable, "-m", "symbackprop.cli"]
    floor_cmd = [sys.executable, "-c", "import sympy, numpy"]
    floors, ours = [], []
    for _ in range(args.runs):
        floors.append(wall(floor_cmd))
        ours.append(wall(solve + ["solve", "problems/xor.yaml"]))
    base, xor = statistics.median(floors), statistics.median(ours)
    print("| command | median wall time (s) | / import floor |")
    print("|---|---|---|")
    print(f"| python -c \"import sympy, numpy\" | {base:.3f} | 1.00 |")
    print(f"| symbackprop solve problems/xor.yaml | {xor:.3f} | {xor / base:.2f} (goal at most 1.3) |", flush=True)
    if not args.sizes:
        return
    print("\n| network | weights | format | median wall (s) | / import floor | median CPU (s) | max RSS (MiB) |")
    print("|---|---|---|---|---|---|---|")
    times: dict[str, list[tuple[int, float]]] = {"text": [], "json": []}
    cpus: dict[str, list[tuple[int, float]]] = {"text": [], "json": []}
    with tempfile.TemporaryDirectory() as tmp:
        for n, w in SIZES:
            label = f"{n}-{w}-{w}-{w}-{n}"
            if args.only and args.only not in label:
                continue
            path = os.path.join(tmp, f"{label}.yaml")
            Path(path).write_text(yaml.safe_dump(network([n, w, w, w, n]), sort_keys=False))
            for fmt in ("text", "json"):
                secs, cpu, mbs, floor = [], [], [], []
                for _ in range(args.runs):
                    floor.append(wall(floor_cmd))
                    s, c, mb = run(["solve", path, "--format", fmt], 600)
                    secs.append(s)
                    cpu.append(c)
                    mbs.append(mb)
                t, c, f = statistics.median(secs), statistics.median(cpu), statistics.median(floor)
                times[fmt].append((weights(n, w), t))
                cpus[fmt].append((weights(n, w), c))
                print(f"| {label} | {weights(n, w):,} | {fmt} | {t:.2f} | {t / f:.1f} | {c:.2f} | {max(mbs):.0f} |",
                      flush=True)
        if args.phases:
            print("\n| network | phase | CPU (s) |")
            print("|---|---|---|")
            for n, w in SIZES:
                label = f"{n}-{w}-{w}-{w}-{n}"
                if args.only and args.only not in label:
                    continue
                path = os.path.join(tmp, f"{label}.yaml")
                for name, secs in phases(path).items():
                    print(f"| {label} | {name} | {secs:.2f} |", flush=True)
    for fmt in times:
        if len(times[fmt]) >= 3:
            print(f"\n{fmt}: wall ∝ W^{fit_exponent(times[fmt]):.2f}, CPU ∝ W^{fit_exponent(cpus[fmt]):.2f} "
                  f"over {len(times[fmt])} sizes (goal: exponent at most 1.0)")


if __name__ == "__main__":
    main()
