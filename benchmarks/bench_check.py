"""Wall time of `symbackprop solve FILE --check` as the network grows (issue 11, "Speed").

    python benchmarks/bench_check.py [--rounds 3] [--quick]

Networks with 5 inputs, three tanh hidden layers of width 3, 5 and 10 and 2 sigmoid outputs
(50, 102 and 302 weights), one sample. Each round runs, side by side as subprocesses: the import
floor `python -c "import sympy, numpy"`, then for each size `solve --check` and `solve` alone
(so that the check's own share is their difference). The budget is switched off in the child so
that the old limit cannot refuse a size. Prints medians over the rounds (range in brackets), the
ratios to the import floor, and the exponent a of time ∝ weights^a fitted over the three sizes
(least squares in log-log).

Goals (issue 11): 302–314 weights ≤ 20 s, exponent ≤ 1.5.
"""
from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_derive import network  # noqa: E402  (the same networks as the derive benchmark)

ROOT = Path(__file__).resolve().parent.parent
RUN = ("import sys; import symbackprop.budget as b; b._DISABLED = True; "
       "from symbackprop.cli import main; sys.argv = ['symbackprop'] + sys.argv[1:]; main()")


def weights_of(width: int, n_in: int = 5, n_out: int = 2) -> int:
    return (n_in + 1) * width + 2 * (width + 1) * width + (width + 1) * n_out


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if r.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed: {r.stderr.strip()}")
    return elapsed


def exponent(xs: list[float], ys: list[float]) -> float:
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="widths 2, 3, 4 (a smoke run)")
    args = ap.parse_args()
    widths = [2, 3, 4] if args.quick else [3, 5, 10]
    env_note = f"load average at start: {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for w in widths:
            path = Path(tmp) / f"net{w}.yaml"
            path.write_text(yaml.safe_dump(network(w)))
            files[w] = str(path)
        floor, check, solve = [], {w: [] for w in widths}, {w: [] for w in widths}
        for _ in range(args.rounds):
            floor.append(wall([sys.executable, "-c", "import sympy, numpy"]))
            for w in widths:
                check[w].append(wall([sys.executable, "-c", RUN, "solve", files[w], "--check", "--format", "json"]))
                solve[w].append(wall([sys.executable, "-c", RUN, "solve", files[w], "--format", "json"]))
    base = statistics.median(floor)

    def cell(xs: list[float]) -> str:
        return f"{statistics.median(xs):.2f} ({min(xs):.2f}–{max(xs):.2f})"

    print(f"import floor `python -c \"import sympy, numpy\"`: {cell(floor)} s; {env_note}; "
          f"medians of {args.rounds} rounds\n")
    print("| network | weights | solve --check (s) | / import floor | solve alone (s) | check's share (s) |")
    print("|---|---|---|---|---|---|")
    for w in widths:
        c, s = statistics.median(check[w]), statistics.median(solve[w])
        print(f"| 5-{w}-{w}-{w}-2 tanh | {weights_of(w)} | {cell(check[w])} | {c / base:.1f}× | {cell(solve[w])} "
              f"| {c - s:.2f} |")
    ws = [weights_of(w) for w in widths]
    a_total = exponent(ws, [statistics.median(check[w]) for w in widths])
    a_over_floor = exponent(ws, [max(1e-3, statistics.median(check[w]) - base) for w in widths])
    print(f"\nexponent of solve --check: {a_total:.2f} (above the import floor: {a_over_floor:.2f}); goal ≤ 1.5")


if __name__ == "__main__":
    main()
