"""Wall and CPU time of `symbackprop solve FILE --check` as the network grows (issue 11, "Speed").

    python benchmarks/bench_check.py [--rounds 3] [--quick]

Networks with 5 inputs, three tanh hidden layers of width 3, 5 and 10 and 2 sigmoid outputs
(50, 102 and 302 weights), one sample. Each round runs, side by side as subprocesses: the import
floor `python -c "import sympy, numpy"`, then for each size `solve --check` and `solve` alone
(so that the check's own share is their difference). The budget is switched off in the child so
that the old limit cannot refuse a size. Prints medians over the rounds (range in brackets) of
the wall and CPU seconds, their ratios to the import floor, and the exponent a of time ∝ weights^a
fitted over the three sizes (least squares in log-log).

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


try:
    import resource              # CPU time of children; not on Windows, where the CPU columns are NaN
except ImportError:  # pragma: no cover
    resource = None


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child; NaN without `resource`) of one run of cmd.
    On a shared machine the CPU seconds say more than the wall time: they do not count waiting."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN) if resource else None
    start = time.perf_counter()
    r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if r.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed: {r.stderr.strip()}")
    if before is None:
        return elapsed, float("nan")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


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
            floor.append(timed([sys.executable, "-c", "import sympy, numpy"]))
            for w in widths:
                check[w].append(timed([sys.executable, "-c", RUN, "solve", files[w], "--check", "--format", "json"]))
                solve[w].append(timed([sys.executable, "-c", RUN, "solve", files[w], "--format", "json"]))

    def med(xs: list[tuple[float, float]], i: int) -> float:
        return statistics.median(x[i] for x in xs)

    def cell(xs: list[tuple[float, float]], i: int = 0) -> str:
        return f"{med(xs, i):.2f} ({min(x[i] for x in xs):.2f}–{max(x[i] for x in xs):.2f})"

    base, base_cpu = med(floor, 0), med(floor, 1)
    print(f"import floor `python -c \"import sympy, numpy\"`: {cell(floor)} s wall, {cell(floor, 1)} s CPU; "
          f"{env_note}; medians of {args.rounds} rounds\n")
    print("| network | weights | solve --check wall (s) | / floor | CPU (s) | / floor CPU | solve alone wall (s) "
          "| solve alone CPU (s) | the check's share, CPU (s) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for w in widths:
        c, s, cc, sc = med(check[w], 0), med(solve[w], 0), med(check[w], 1), med(solve[w], 1)
        print(f"| 5-{w}-{w}-{w}-2 tanh | {weights_of(w)} | {cell(check[w])} | {c / base:.1f}× | {cell(check[w], 1)} "
              f"| {cc / base_cpu:.1f}× | {cell(solve[w])} | {cell(solve[w], 1)} | {cc - sc:.2f} |")
    ws = [weights_of(w) for w in widths]
    for i, what in ((0, "wall"), (1, "CPU")):
        total = exponent(ws, [med(check[w], i) for w in widths])
        over = exponent(ws, [max(1e-3, med(check[w], i) - med(floor, i)) for w in widths])
        print(f"\nexponent of solve --check ({what}): {total:.2f} (above the import floor: {over:.2f}); goal ≤ 1.5")


if __name__ == "__main__":
    main()
