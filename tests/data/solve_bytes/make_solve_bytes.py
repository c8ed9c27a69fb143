"""Write the byte-for-byte fixtures of tests/test_solve_speed.py: every output `solve` gives today.

For every problem file `solve` accepts, and for the generated networks stored beside this script
(gen_*.yaml: long exact values, 30-digit floats, batches, softmax, ReLU, so that every path of the
value formatting is taken), it renders the solution in every text format and language, at the
file's precision and at precision 2: text, json, markdown, LaTeX (standalone and fragment), and
the notebook's display math. All of them go into one xz-compressed JSON file, outputs.json.xz,
{"PROBLEM.FORMAT[.LANG][.pPRECISION]": output} (3 MB of text, 140 kB compressed).

Run from the repository root, at the commit before issue 11's speed work, only:
`python tests/data/solve_bytes/make_solve_bytes.py`. (Made again once at the merge of the speed work,
from main's code without it, after the one-document change had changed the LaTeX's `& =` to `&=`;
and after the backward walk's simpler output δ of softmax + CE and sigmoid + BCE, its only change;
and in session 8's fix round, after values were rounded from their exact value (ties a half away
from zero) and Piecewise printed as maths in text: classify_changes.py compares the two fixtures
and allows only those changes; and at that session's merge of the network picture's new layout, where
only the LaTeX pictures of the eight networks the old layout drew unreadably (and their weight
tables) changed, and of issue 12's new problem files, whose entries were added (formula_activation.yaml's at the merge
of formula activations, no other entry changed); and in session 9, after issue 12's prose change
(symbols of the prose set as maths, losses and activations named in words) and printing (numbers put into
a rule with no doubled bracket or sign, \\ln, small values as plain decimals, and operands shown with more
places where those shown did not give the step's value): `classify_changes.py --issue12` names the kind of each
changed line ("prose" or a printing kind); and in session 10, after given values were shown as written at every
precision, exact displays marked "=", half a unit of the last place kept its digits, and the picture of big
networks took new sizes: `classify_changes.py --prec10` names each changed line (given, exact, half, places,
approx, picture); and after sums were written in the network's order (and a hidden δ kept the
lecture's δ_5·w_{35}·g'(net_3)): `classify_changes.py --derive10` finds every changed line a reordering
("order"; "comma" for a weight subscript that took a comma); and in session 11, after issue 12's network
printing (the bias caption named by its unit's symbol and translated, the threshold note's θ_j = w_{j0}, an unnamed
activation formula named by its formula, a tied edge written by its shared parameter and given once):
`classify_changes.py --nprint11` names each changed line (caption, threshold, formula, tied).) The fixtures are the record that making
`solve` fast changed no byte of its output; never regenerate them to make the test pass.
"""
from __future__ import annotations

import json
import lzma
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
PROBLEMS = ROOT / "problems"
FIXTURE = HERE / "outputs.json.xz"

# (name, format, settings): the renders kept for each problem
RENDERS: list[tuple[str, str, dict]] = [
    ("text.en", "text", dict(lang="en")),
    ("text.zh", "text", dict(lang="zh")),
    ("text.en.p2", "text", dict(lang="en", precision=2)),
    ("json", "json", dict()),
    ("json.p2", "json", dict(precision=2)),
    ("markdown.en", "markdown", dict(lang="en")),
    ("markdown.zh", "markdown", dict(lang="zh")),
    ("latex.en", "latex", dict(lang="en", standalone=True)),
    ("latex.zh", "latex", dict(lang="zh", standalone=True)),
    ("latex.en.fragment", "latex", dict(lang="en", standalone=False)),
    ("latex.en.fragment.p2", "latex", dict(lang="en", standalone=False, precision=2)),
    ("notebook", "notebook", dict()),
]


def problem_files() -> list[Path]:
    """Every network problem file (not the computation graphs, `model: graph`), then the generated networks."""
    files = [p for p in sorted(PROBLEMS.glob("*.yaml")) if "\nmodel: " not in p.read_text(encoding="utf-8")]
    return files + sorted(HERE.glob("gen_*.yaml"))


def normalised(text: str, path: Path) -> str:
    """`text` with the problem file's own path (JSON's "source", as given on this machine) written
    `<problem>`, so that the fixtures hold on any checkout and any OS."""
    return text.replace(json.dumps(str(path))[1:-1], "<problem>").replace(str(path), "<problem>")


def outputs(path: Path) -> dict[str, str]:
    """{fixture name: output} for one problem file, rendered by the code installed now."""
    from symbackprop.render import render
    from symbackprop.render.notebook import latex_math
    from symbackprop.solution import solve
    solution = solve(path)
    out = {}
    for name, fmt, settings in RENDERS:
        text = latex_math(solution) if fmt == "notebook" else render(solution, fmt, **settings)
        out[f"{path.stem}.{name}"] = normalised(text, path)
    return out


def main() -> None:
    sys.path.insert(0, str(ROOT))
    everything: dict[str, str] = {}
    for path in problem_files():
        everything.update(outputs(path))
        print(path.name, flush=True)
    data = json.dumps(everything, ensure_ascii=False, indent=0, sort_keys=True).encode("utf-8")
    FIXTURE.write_bytes(lzma.compress(data, preset=9))


if __name__ == "__main__":
    main()
