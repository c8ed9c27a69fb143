"""Every YAML block of the docs that shows a problem file runs as written (session 12, task X4).

A ```yaml block of the documents below is one of:
- a whole problem file: `symbackprop solve` must exit 0;
- a fragment, its first line `# fragment of problems/NAME.yaml` (optionally `, under FIELD` or
  `, under FIELD.SUB`): its fields replace the same fields of that file (at FIELD when given; `samples`
  replaces `sample` and `sig_figs` replaces `precision`, and the other way round), and the result must solve;
- an answers file, its first line `# answers for problems/NAME.yaml`: `symbackprop check` must read it
  (exit 0 or 1, never the exit 2 of a file it cannot read).
A block that is none of these fails the test, so a new example cannot go untested.
"""
from __future__ import annotations

import json
import re

import pytest
import yaml
from click.testing import CliRunner
from conftest import PROBLEMS, ROOT

from symbackprop.cli import main

DOCS = ["README.md", "docs/problem-format.md", "docs/tutorial.md", "docs/derivation.md", "docs/checking.md"]
FENCE = re.compile(r"^```yaml[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)
FRAGMENT = re.compile(r"#\s*fragment of (problems/[\w.-]+\.yaml)(?:,\s*under\s+([\w.]+))?")
ANSWERS = re.compile(r"#\s*answers for (problems/[\w.-]+\.yaml)")
ALTERNATIVES = {"sample": "samples", "samples": "sample", "precision": "sig_figs", "sig_figs": "precision"}


def blocks():
    out = []
    for doc in DOCS:
        text = (ROOT / doc).read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            out.append((f"{doc}:{line}", m.group(1)))
    return out


BLOCKS = blocks()
# the fast tier runs the circuit (a whole graph) here; the tests of the numbers below run a whole network file
# and fragments at the top level and under a field; every other block is in the slow tier
FAST = ('title: "A circuit: f = (x + y)·z"',)


def kind(body: str):
    first = body.lstrip().splitlines()[0] if body.strip() else ""
    if m := FRAGMENT.match(first):
        return "fragment", m.group(1), m.group(2)
    if m := ANSWERS.match(first):
        return "answers", m.group(1), None
    return "whole", None, None


def merged(body: str, base: str, under: str | None) -> dict:
    doc = yaml.safe_load((ROOT / base).read_text(encoding="utf-8"))
    frag = yaml.safe_load(body)
    assert isinstance(frag, dict) and frag, "a fragment is a mapping of fields"
    place = doc
    for key in (under.split(".") if under else []):
        place = place.setdefault(key, {})
    for key, value in frag.items():
        place.pop(ALTERNATIVES.get(key), None)
        place[key] = value
    return doc


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def solve_block(where: str, body: str, tmp_path, *more):
    what, base, under = kind(body)
    path = tmp_path / "block.yaml"
    if what == "fragment":
        path.write_text(yaml.safe_dump(merged(body, base, under), sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
    else:
        path.write_text(body, encoding="utf-8")
    return run("solve", path, *more)


def quantities(result) -> dict:
    """{part name: {id: exact value}} of `solve --format json`."""
    data = json.loads(result.output)
    return {p["name"]: {k: v.get("exact") for k, v in p["quantities"].items()} for p in data["parts"]}


def _params():
    return [pytest.param(where, body, id=where, marks=[] if any(f in body for f in FAST) else [pytest.mark.slow])
            for where, body in BLOCKS]


def test_the_docs_have_the_blocks_this_test_expects():
    found = {doc: sum(1 for w, _ in BLOCKS if w.startswith(doc + ":")) for doc in DOCS}
    # the XOR file, the activation formulas, the formula loss, weights as a mapping and its per-weight
    # options and as matrices, sample, samples, the optional top-level fields, the two graphs, …: at
    # least one example for every field of the reference
    assert found["docs/problem-format.md"] >= 20, found
    kinds = {kind(body)[0] for _, body in BLOCKS}
    assert kinds == {"whole", "fragment", "answers"}


@pytest.mark.parametrize("where, body", _params())
def test_every_yaml_block_runs_as_written(where, body, tmp_path):
    what, base, _ = kind(body)
    if what == "answers":
        answers = tmp_path / "answers.yaml"
        answers.write_text(body, encoding="utf-8")
        r = run("check", ROOT / base, answers)
        assert r.exit_code in (0, 1), f"{where}: {r.output}"
        return
    if what == "fragment":
        assert (ROOT / base).is_file(), f"{where}: the fragment names {base}, which does not exist"
    r = solve_block(where, body, tmp_path)
    assert r.exit_code == 0, f"{where} ({what}): {r.output}"


# -- the numbers the examples' comments state, worked by hand (the lecture's XOR, GUIDE §4) ----------------
def block(containing: str) -> str:
    """The one block of docs/problem-format.md that contains `containing`."""
    found = [body for where, body in BLOCKS if where.startswith("docs/problem-format.md:") and containing in body]
    assert len(found) == 1, (containing, len(found))
    return found[0]


def solved(body: str, tmp_path, *more) -> dict:
    r = solve_block("", body, tmp_path, "--format", "json", *more)
    assert r.exit_code == 0, r.output
    return quantities(r)


def num(exact: str) -> float:
    n, _, d = exact.partition("/")
    return float(n) / float(d or 1)


XOR_RELU = None


def xor_relu():
    global XOR_RELU
    if XOR_RELU is None:
        XOR_RELU = quantities(run("solve", PROBLEMS / "xor.yaml", "--part", "relu", "--format", "json"))["relu"]
    return XOR_RELU


def test_the_xor_block_is_problems_xor_yaml(tmp_path):
    # the first block of the page is the lecture's file: every value of its ReLU part is the file's own
    q = solved(block("title: XOR with a 2-2-1 network"), tmp_path, "--part", "relu")["relu"]
    assert q == xor_relu()
    # ReLU by hand: net_3 = 1 + 3 = 4, net_4 = -6 + 6 = 0, net_5 = -4 + 2·4 + 4·0 = 4, L = (1 - 4)²/2 = 4.5
    assert (q["net_3"], q["net_4"], q["act_5"], q["loss"]) == ("4", "0", "4", "9/2")


def test_the_optional_top_level_fields(tmp_path):
    q = solved(block("relu_derivative_at_zero: 0.5"), tmp_path, "--part", "relu")["relu"]
    # δ_5 = 1·(4 - 1) = 3; δ_3 = g'(4)·w_35·δ_5 = 2·3 = 6; δ_4 = g'(0)·w_45·δ_5 = 0.5·4·3 = 6
    assert (q["delta_5"], q["delta_3"], q["gprime_4"], q["delta_4"]) == ("3", "6", "1/2", "6")
    # ∂L/∂x_1 = w_13·δ_3 + w_14·δ_4 = 3·6 + 6·6 = 54; ∂L/∂x_2 = w_23·δ_3 + w_24·δ_4 = 4·6 + 5·6 = 54
    assert (q["grad_x_1"], q["grad_x_2"]) == ("54", "54")
    # without the ½ at zero (the file's own 0) the input gradients are 3·6 = 18 and 4·6 = 24
    q0 = solved(block("input_gradients: true   # ReLU part"), tmp_path, "--part", "relu")["relu"]
    assert (q0["grad_x_1"], q0["grad_x_2"]) == ("18", "24")


def test_the_batch_example_sums(tmp_path):
    q = solved(block("J = 4.5 + 12.5 = 17"), tmp_path, "--part", "relu")["relu"]
    # sample 2, x = (0, 1): net_3 = 1 + 4 = 5, net_4 = -6 + 5 = -1 → u = (5, 0); net_5 = -4 + 2·5 + 4·0 = 6,
    # u_5 = 6, its loss (1 - 6)²/2 = 25/2; sample 1's is 9/2; the sum is 17
    assert (q["loss@1"], q["loss@2"], q["loss"]) == ("9/2", "25/2", "17")


def test_a_bias_input_of_minus_one(tmp_path):
    q = solved(block("bias_input: -1"), tmp_path, "--part", "relu")["relu"]
    # x_0 = -1: net_3 = -1 + 3 = 2, net_4 = 6 + 6 = 12, net_5 = 4 + 2·2 + 4·12 = 56
    assert (q["net_3"], q["net_4"], q["net_5"]) == ("2", "12", "56")


@pytest.mark.slow
def test_the_weight_blocks_are_xor_weights_and_the_formula_loss_is_the_lecture_loss(tmp_path):
    # the mapping and the matrices both give the file's weights; ½(u - t)² as a formula is half_squared_error
    for text in ("weights:\n  0: {3: 1, 4: -6, 5: -4}", "{W: [[3, 4], [6, 5]], b: [1, -6]}", 'formula: "(u - t)^2/2"'):
        q = solved(block(text), tmp_path, "--part", "relu")["relu"]
        assert q == xor_relu(), text


@pytest.mark.slow
def test_named_and_frozen_weights(tmp_path):
    r = solve_block("", block("name: a1"), tmp_path, "--part", "relu")
    assert r.exit_code == 0 and "a1" in r.output
    q = solved(block("name: a1"), tmp_path, "--part", "relu")["relu"]
    # w_45 is frozen at 0.5: no update; w_13 = 0.6 is updated by -η·δ_3·x_1
    assert q["update_w_4_5"] == "0" and q["new_w_4_5"] == "1/2"
    assert num(q["new_w_1_3"]) == pytest.approx(0.6 - num(q["delta_3"]) * 1)


@pytest.mark.slow
def test_a_frozen_layer(tmp_path):
    q = solved(block("frozen: true}\n"), tmp_path, "--part", "relu")["relu"]
    # the hidden layer keeps its weights; the output layer is updated as in the file: Δw_35 = -η·δ_5·u_3 = -12
    assert [q[f"update_w_{a}_{b}"] for a in (0, 1, 2) for b in (3, 4)] == ["0"] * 6
    assert q["update_w_3_5"] == "-12" == xor_relu()["update_w_3_5"]


# -- every field the reference's tables list has an example among its blocks ------------------------------
TABLES = {"## Top-level fields": "", "## `network`": "network.", "#### A loss written as a formula of u and t": "loss.",
          "## `notation`": "notation.", "## Computation graphs (`model: graph`)": ""}


def table_fields() -> set[str]:
    """The fields the tables of docs/problem-format.md name, by the heading they are under."""
    fields, prefix = set(), None
    for line in (ROOT / "docs/problem-format.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            prefix = TABLES.get(line.strip())
        elif prefix is not None and line.startswith("| `"):
            first = line.split("|")[1]
            fields |= {prefix + name for name in re.findall(r"`(\w+)`", first)}
    return fields


def keys(value, prefix="") -> set[str]:
    if isinstance(value, dict):
        out = set()
        for k, v in value.items():
            out |= {f"{prefix}{k}"} | keys(v, f"{prefix}{k}.")
        return out
    if isinstance(value, list):
        return set().union(*(keys(v, prefix) for v in value)) if value else set()
    return set()


def test_every_field_of_the_reference_has_an_example():
    shown = set()
    for where, body in BLOCKS:
        if where.startswith("docs/problem-format.md:"):
            _, _, under = kind(body)
            shown |= keys(yaml.safe_load(body), f"{under}." if under else "")
    fields = table_fields()
    # the eleven fields the trial found without an example (t13, item 9) are among the tables' fields
    assert {"description", "batch_reduction", "relu_derivative_at_zero", "precision", "sig_figs", "input_gradients",
            "grading", "network.bias_input", "notation.target_index", "notation.output_symbol", "loss.half"} <= fields
    assert len(fields) > 40, sorted(fields)
    assert sorted(fields - shown) == []
