"""Wall time of `symbackprop solve problems/xor.yaml` against `python -c "import sympy, numpy"`.

    python benchmarks/bench_solve_time.py [--runs 10]

Target (issue 3): solving the lecture's exercise takes at most 1.5x the time of importing SymPy
and NumPy, i.e. the tool adds at most half an import's worth of work.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    exe = shutil.which("symbackprop")
    solve = [exe] if exe else [sys.executable, "-m", "symbackprop.cli"]
    base = wall([sys.executable, "-c", "import sympy, numpy"], args.runs)
    ours = wall(solve + ["solve", "problems/xor.yaml"], args.runs)
    print("| command | median wall time (s) |")
    print("|---|---|")
    print(f"| python -c \"import sympy, numpy\" | {base:.3f} |")
    print(f"| symbackprop solve problems/xor.yaml | {ours:.3f} |")
    print(f"\nratio: {ours / base:.2f} (target at most 1.5)")


if __name__ == "__main__":
    main()
