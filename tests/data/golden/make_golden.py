"""Write the golden fixtures of issue 11: today's `solve --format json` ids and values for every
problem file, and today's `derive --format json` rules for the activation/loss combinations the tests use.

Run from the repository root: `python tests/data/golden/make_golden.py` (`--derive-only`: only derive's rules). Regenerate only on purpose
(a deliberate change of the numbers), never to make tests/test_golden.py pass after a refactor:
the fixtures are the record that a redesign kept every output.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from click.testing import CliRunner

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
PROBLEMS = ROOT / "problems"
DERIVE_FILE = HERE / "derive_rules.json"

# The activation/loss combinations of tests/test_general.py and docs/ (hidden, output, loss, delta sign);
# --layers gives a network with 2 outputs so that softmax is defined.
DERIVE_COMBOS: list[tuple[str, str, str, str]] = [
    ("sigmoid", "sigmoid", "half_squared_error", "minus_dJ_dnet"),
    ("sigmoid", "sigmoid", "half_squared_error", "dJ_dnet"),
    ("tanh", "tanh", "half_squared_error", "minus_dJ_dnet"),
    ("relu", "relu", "half_squared_error", "minus_dJ_dnet"),
    ("sigmoid", "softmax", "cross_entropy", "minus_dJ_dnet"),
    ("sigmoid", "softmax", "cross_entropy", "dJ_dnet"),
    ("tanh", "softmax", "cross_entropy", "dJ_dnet"),
    ("tanh", "sigmoid", "binary_cross_entropy", "minus_dJ_dnet"),
    ("sigmoid", "sigmoid", "squared_error", "minus_dJ_dnet"),
    ("sigmoid", "sigmoid", "mse", "minus_dJ_dnet"),
    ("sigmoid", "sigmoid", "l1", "minus_dJ_dnet"),
]


def _invoke(args: list[str]) -> tuple[int, str]:
    """Run the CLI in-process; return its exit code and stdout."""
    from symbackprop.cli import main
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def solve_files() -> list[Path]:
    """Every network problem file (computation graphs, `model: graph`, have their own JSON and no fixture)."""
    return [p for p in sorted(PROBLEMS.glob("*.yaml")) if "\nmodel: " not in p.read_text(encoding="utf-8")]


def solve_snapshot(path: Path) -> dict:
    """The ids in order and each quantity's `value` and `exact`, per part, of `solve PATH --format json`."""
    code, out = _invoke(["solve", str(path), "--format", "json"])
    if code != 0:
        raise RuntimeError(f"solve {path.name} exited {code}: {out[-500:]}")
    doc = json.loads(out)
    return {"problem": path.name, "parts": [
        {"name": part["name"],
         "ids": list(part["quantities"]),
         "quantities": {qid: {"value": q["value"], "exact": q["exact"]} for qid, q in part["quantities"].items()}}
        for part in doc["parts"]]}


def _rules(derivation: dict) -> dict:
    """The SymPy forms (srepr) of each rule of one derivation, without the printed text. A batch's
    weight rule sums the rule of one sample over the samples: the rule of one sample ("sample") is
    the one kept here (the printed batch rule is checked on the batch's numbers by derive itself)."""
    return {"assumptions": derivation["assumptions"], "rules": {
        rid: {"srepr": r["srepr"], "lhs_srepr": r["lhs_srepr"],
              "specialised": [{"activation": s["activation"], "srepr": s["srepr"]} for s in r["specialised"]]}
        for rid, r in ((rid, r.get("sample", r)) for rid, r in derivation["rules"].items())}}


def derive_args() -> dict[str, list[str]]:
    """A key for each derive run of the fixture and its command-line arguments."""
    runs = {f"file:{p.name}": [str(p)] for p in solve_files()}
    for hidden, output, loss, delta in DERIVE_COMBOS:
        runs[f"{hidden}/{output}/{loss}/{delta}"] = ["--activation", hidden, "--output-activation", output,
                                                     "--loss", loss, "--delta", delta, "--layers", "2,2,2"]
    return runs


def derive_snapshot(args: list[str]) -> list[dict]:
    """The rules of each derivation of `derive ARGS --format json`, in order."""
    code, out = _invoke(["derive", *args, "--format", "json"])
    if code != 0:
        raise RuntimeError(f"derive {' '.join(args)} exited {code}: {out[-500:]}")
    return [{"name": d["name"], **_rules(d)} for d in json.loads(out)["derivations"]]


def _write(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


def main(argv: list[str]) -> None:
    """Every fixture; `--derive-only`: derive_rules.json alone (issue 12 regenerated it once, when the
    srepr took the printed symbols; tests/test_derive9.py shows the old and new differ only by the renaming)."""
    if "--derive-only" not in argv:
        for path in solve_files():
            _write(HERE / f"{path.stem}.json", solve_snapshot(path))
    _write(DERIVE_FILE, {key: derive_snapshot(args) for key, args in derive_args().items()})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
