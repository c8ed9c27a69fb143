"""Issue 11 (session 8): `derive` on a batch, on a network without a hidden layer, the convention
sentence in the file's loss symbol, the count of distinct values checked, and the rule check's
faster evaluation of the network (the same values as `solve`).

Expected values come from `solve` (its JSON and its steps) or are written by hand; none is made by
the code under test.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import sympy as sp
import yaml
from click.testing import CliRunner

from symbackprop import rule_check
from symbackprop.cli import main
from symbackprop.errors import ProblemError
from symbackprop.messages import catalogue, placeholders
from symbackprop.problem import load_problem, parse_problem
from symbackprop.rule_check import derive_for_part, example_problem, solution_values
from symbackprop.solution import solve_part
from symbackprop.symbolic_rules import N, Rule, n_s
from conftest import NETWORKS

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = ROOT / "problems"
MINIBATCH = PROBLEMS / "minibatch.yaml"


def _derive(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["derive", *args])
    return result.exit_code, result.output


def _json(*args: str) -> list[dict]:
    code, out = _derive(*args, "--format", "json")
    assert code == 0, out
    return json.loads(out)["derivations"]


@pytest.fixture(scope="module")
def minibatch_json() -> str:
    """`derive minibatch.yaml --format json`, run once for the module (each test parses its own copy)."""
    code, out = _derive(str(MINIBATCH), "--format", "json")
    assert code == 0, out
    return out


@pytest.mark.slow     # derive's LaTeX stays fast in test_a_file_writing_L_reads_its_convention_in_L
def test_a_power_of_a_quantity_of_sample_n_is_one_latex_group():
    """(1 − y_j^(n)²) in LaTeX: y_{j}^{(n)} in braces before its square, never a double superscript."""
    code, tex = _derive(str(MINIBATCH), "--format", "latex")
    assert code == 0
    assert r"{y_{j}^{(n)}}^{2}" in tex and "^{(n)}^" not in tex


def _solve_values(solution) -> dict[str, float]:
    """Each quantity's value as `solve --format json` states it (its `value` is the step's float_value),
    from the session's solve of the file (conftest.solution_of)."""
    (part,) = solution.parts
    return {s.id: s.float_value for s in part.steps}


def _write(tmp_path: Path, doc: dict, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


# -- 2a: a batch's weight rules are over the samples, and checked on the batch's numbers -------------

# slow tier: the batch's rules stay fast in JSON (the next two tests), and "A batch of N = 2 samples" in
# text (test_a_problem_file_without_a_hidden_layer_and_with_a_batch)
@pytest.mark.slow
def test_a_batch_file_prints_the_gradient_over_the_samples():
    code, out = _derive(str(MINIBATCH))
    assert code == 0, out
    assert "A batch of N = 2 samples, J = (1/N)·Σ_n J^(n)" in out
    grad = out.split("Gradient of a hidden-to-output weight")[1].split("\n\n")[0]
    # (1/N)·Σ_n ∂J^(n)/∂w_kj = −(1/N)·Σ_n δ_k^(n)·y_j^(n), in the file's notation (w_kj, δ = −∂J/∂net)
    assert "∂J/∂w_{kj} = (1/N)·Σ_n[1..N] ∂J^(n)/∂w_{kj} = -(1/N)·Σ_n[1..N] δ_k^(n)·y_j^(n)" in grad, grad
    update = out.split("Update of an input-to-hidden weight")[1]
    assert "with tanh: Δw_{ji} = (η/N)·Σ_n[1..N] (1 - y_j^(n)²)·x_i^(n)·Σ_k[1..c] δ_k^(n)·w_{kj}" in update, update


def test_the_printed_batch_rule_gives_solves_gradient_with_solves_numbers(minibatch_json, solution_of):
    """Evaluate the JSON's batch rule ∂J/∂w_kj (its srepr) with solve's per-sample δ_k and y_j:
    it is solve's ∂J/∂w_kj, the mean over the two samples, for every hidden-to-output weight."""
    (d,) = json.loads(minibatch_json)["derivations"]
    assert d["batch"] == "mean" and d["samples"] == 2
    rule = sp.sympify(d["rules"]["grad_output_weight"]["srepr"])
    values = _solve_values(solution_of(MINIBATCH))
    outputs, hidden = ["o1", "o2"], ["h1", "h2"]
    k, j = sp.Symbol("k", integer=True), sp.Symbol("j", integer=True)
    for q, o in enumerate(outputs, start=1):
        for r, h in enumerate(hidden, start=1):
            e = rule.xreplace({k: q, j: r, N: 2}).doit()
            subs = {}
            for n in (1, 2):           # the srepr names the printed symbols: δ_k^(n) and y_j^(n) (sample n last)
                subs[sp.IndexedBase(sp.Symbol("δ", real=True))[q, n]] = values[f"delta_{o}@{n}"]
                subs[sp.IndexedBase(sp.Symbol("y", real=True))[r, n]] = values[f"act_{h}@{n}"]
            got = float(e.xreplace(subs))
            assert got == pytest.approx(values[f"grad_w_{h}_{o}"], rel=1e-12, abs=1e-15), (o, h)
            # the per-sample rule alone (one sample's share, no mean) would not be solve's value
            one = -values[f"delta_{o}@1"] * values[f"act_{h}@1"]
            assert one != pytest.approx(values[f"grad_w_{h}_{o}"], rel=1e-6)


def test_the_batch_rule_sums_the_rule_of_one_sample(minibatch_json):
    """The JSON keeps the rule of one sample, which the batch rule sums: the same rule a file with
    that one sample gets."""
    (d,) = json.loads(minibatch_json)["derivations"]
    for rid in ("grad_output_weight", "grad_hidden_weight", "update_output_weight", "update_hidden_weight"):
        r = d["rules"][rid]
        one = sp.sympify(r["sample"]["srepr"])
        batch = sp.sympify(r["srepr"])
        assert batch.has(sp.Sum) and one.free_symbols.isdisjoint({n_s, N}) and n_s in batch.atoms(sp.Symbol)
        # the srepr names the printed symbols; every quantity but the weights gets sample n as its last index
        per_sample = one.replace(lambda e: isinstance(e, sp.Indexed) and e.base.label.name not in ("w", "Δw"),
                                 lambda e: e.base[(*e.indices, n_s)])
        # with N = 3 samples written out: the batch rule is the mean of the three samples' rules
        mean = sp.Add(*[per_sample.xreplace({n_s: n}) for n in (1, 2, 3)]) / 3
        assert sp.expand(batch.xreplace({N: 3}).doit() - mean) == 0, rid
    for rid in ("delta_output", "delta_hidden"):
        assert "sample" not in d["rules"][rid]          # the δ rules hold in each sample as they are


@pytest.mark.slow          # a second batch file (fast: test_a_batch_file_prints_the_gradient_over_the_samples)
def test_a_sum_over_the_batch_has_no_mean_and_is_checked(tmp_path):
    doc = yaml.safe_load(MINIBATCH.read_text(encoding="utf-8"))
    doc["batch_reduction"] = "sum"
    path = _write(tmp_path, doc)
    code, out = _derive(str(path))
    assert code == 0, out
    assert "J = Σ_n J^(n)" in out and "(1/N)" not in out
    assert "∂J/∂w_{kj} = Σ_n[1..N] ∂J^(n)/∂w_{kj} = -Σ_n[1..N] δ_k^(n)·y_j^(n)" in out


def test_a_batch_rule_without_its_mean_is_found_wrong_on_the_batch():
    """The check evaluates the printed batch rule with the batch's numbers: drop the 1/N and the
    gradient and update checks fail (each is then twice solve's value)."""
    part = load_problem(MINIBATCH).parts[0]
    good = derive_for_part(part)
    assert good.ok
    rules = []
    for r in good.rules:
        if r.id in ("grad_output_weight", "update_output_weight"):
            r = Rule(r.id, r.lhs, tuple(f.xreplace({N: 1}) if i else f for i, f in enumerate(r.forms)), r.specialised,
                     r.sample)
        rules.append(r)
    broken = replace(good, rules=tuple(rules))
    checks = {ch.id: ch for ch in rule_check.check_rules(broken, solution_values(part))}
    assert not checks["grad_output_weight"].ok and not checks["update_output_weight"].ok
    assert checks["grad_hidden_weight"].ok and checks["delta_output"].ok
    assert checks["grad_output_weight"].max_error > 0.01


# slow tier: "sample" only in a batch's rules stays fast in test_the_batch_rule_sums_the_rule_of_one_sample
@pytest.mark.slow
def test_a_single_sample_file_keeps_its_rules():
    (d,) = _json(str(PROBLEMS / "xor_appendix.yaml"), "--part", "sigmoid")
    assert d["batch"] is None and d["samples"] == 1 and d["hidden_layer"] is True
    for r in d["rules"].values():
        assert "sample" not in r and "Symbol('n'" not in r["srepr"]


# -- 2b: a network without a hidden layer -----------------------------------------------------------

@pytest.mark.parametrize("args, outputs", [
    (["--layers", "2,1", "--activation", "sigmoid"], 1),
    pytest.param(["--layers", "3,2", "--loss", "cross_entropy"], 2, marks=pytest.mark.slow),      # repeats: slow tier
    pytest.param(["--layers", "2,3", "--activation", "tanh", "--loss", "mse"], 3, marks=pytest.mark.slow),
])
def test_a_network_without_a_hidden_layer_derives_the_output_rules_and_exits_0(args, outputs):
    code, out = _derive(*args)
    assert code == 0, out
    assert "No hidden layer: the output units take the inputs x_i directly, so there is no δ_j rule" in out
    assert "Hidden layer: δ_j" not in out and "input-to-hidden" not in out.replace("no input-to-hidden weight", "")
    assert "Gradient of an input-to-output weight" in out
    assert "∂J/∂w_{ik} = ∂J/∂net_k·∂net_k/∂w_{ik} = δ_k·x_i" in out
    assert "no such weights" not in out and "DISAGREES" not in out
    (d,) = _json(*args)
    assert d["hidden_layer"] is False and d["hidden_activations"] == []
    assert list(d["rules"]) == ["delta_output", "grad_output_weight", "update_output_weight"]
    inputs = int(args[1].split(",")[0])
    checks = d["checks"]
    assert all(ch["ok"] for ch in checks.values())
    assert checks["delta_output"]["values"] == outputs
    assert checks["grad_output_weight"]["values"] == outputs * (inputs + 1)      # the bias and each input
    assert checks["update_output_weight"]["values"] == outputs * (inputs + 1)


def test_derive_writes_markdown_and_html():
    """derive's Markdown (math between $) and HTML (a well-formed page, each formula in MathML), on the
    cheapest network to derive: two inputs, one output, no hidden layer."""
    import xml.etree.ElementTree as ET
    code, md = _derive("--layers", "2,1", "--activation", "sigmoid", "--format", "markdown")
    assert code == 0, md
    assert md.startswith("# General rules") and r"$\delta = \partial J/\partial \mathrm{net}$" in md
    code, page = _derive("--layers", "2,1", "--activation", "sigmoid", "--format", "html")
    assert code == 0, page
    ET.fromstring(page)
    assert "<math" in page and "No hidden layer" in page


def test_a_problem_file_without_a_hidden_layer_and_with_a_batch(tmp_path):
    doc = {"title": "perceptron", "network": {"inputs": ["a", "b"], "bias": "0", "layers": [["o"]],
                                              "activation": "sigmoid"},
           "weights": {"0": {"o": 0.5}, "a": {"o": -1}, "b": {"o": 2}},
           "samples": [{"x": {"a": 1, "b": 0}, "t": {"o": 1}}, {"x": {"a": 0, "b": 1}, "t": {"o": 0}}],
           "loss": "binary_cross_entropy", "learning_rate": 1}
    path = _write(tmp_path, doc)
    code, out = _derive(str(path))
    assert code == 0, out
    assert "No hidden layer" in out and "A batch of N = 2 samples" in out
    assert "-Σ_n[1..N] δ_k^(n)·x_i^(n)" not in out           # δ = ∂J/∂net here: no minus sign
    assert "∂J/∂w_{ik} = (1/N)·Σ_n[1..N] ∂J^(n)/∂w_{ik} = (1/N)·Σ_n[1..N] δ_k^(n)·x_i^(n)" in out
    code, zh = _derive(str(path), "--lang", "zh")
    assert code == 0 and "没有隐藏层" in zh


# -- 2c: the convention sentence takes the loss symbol as a field ------------------------------------

def test_the_convention_messages_take_the_loss_symbol_as_a_field():
    for lang in ("en", "zh"):
        book = catalogue(lang)
        for delta in ("dJ_dnet", "minus_dJ_dnet"):
            assert placeholders(book[f"derive.convention.{delta}"]) == {"J"}


def test_the_convention_sentence_is_the_catalogues_with_the_files_loss_symbol(monkeypatch):
    """A catalogue whose sentence does not spell ∂J (another language's words) still gets the file's
    symbol: the symbol is a field of the message, not a replacement in its text."""
    monkeypatch.setitem(catalogue("en"), "derive.convention.dJ_dnet", "delta is d{J} over dnet (in class)")
    part = example_problem((2, 2, 1), "sigmoid", None, "half_squared_error").parts[0]
    part = replace(part, notation=replace(part.notation, loss_symbol="L"))
    from symbackprop.render.rules import rules_document
    doc = rules_document([derive_for_part(part)])
    notes = [n.plain for n in doc.parts[0].notes]
    assert any(n.startswith("delta is dL over dnet (in class); ") for n in notes), notes


@pytest.mark.parametrize("delta, sentence", [("dJ_dnet", "δ = ∂L/∂net (in-class convention)"),
                                             pytest.param("minus_dJ_dnet", "δ = −∂L/∂net (appendix convention)",
                                                          marks=pytest.mark.slow)])
def test_a_file_writing_L_reads_its_convention_in_L(tmp_path, delta, sentence):
    doc = {"title": "t", "network": {"inputs": [1], "bias": 0, "layers": [[2], [3]], "activation": "sigmoid"},
           "weights": {0: {2: 0.1, 3: 0.2}, 1: {2: 0.5}, 2: {3: -0.5}},
           "sample": {"x": {1: 1}, "t": {3: 1}}, "loss": "half_squared_error", "learning_rate": 1,
           "notation": {"delta": delta, "loss_symbol": "L"}}
    code, out = _derive(str(_write(tmp_path, doc)))
    assert code == 0, out
    assert sentence in out
    code, tex = _derive(str(_write(tmp_path, doc)), "--format", "latex")
    assert r"\partial L/\partial \mathrm{net}" in tex


# -- 2d: "N values agree" counts distinct values -------------------------------------------------------

def test_the_check_line_counts_distinct_values_and_says_the_comparisons():
    code, out = _derive("--activation", "sigmoid", "--loss", "half_squared_error")      # a 2-2-1 network
    assert code == 0, out
    sections = dict(s.split("\n", 1) for s in out.split("\n\n") if "\n" in s)
    assert ("1 value agrees (each by the general rule and by its specialised form: 2 comparisons; "
            in sections["Output layer: δ_k"])
    assert "2 values agree (each by the general rule and by its specialised form: 4 comparisons; " in \
        sections["Hidden layer: δ_j"]
    assert "3 values agree (largest relative difference" in sections["Gradient of a hidden-to-output weight"]
    assert "6 values agree (largest relative difference" in sections["Update of an input-to-hidden weight"]
    (d,) = _json("--activation", "sigmoid", "--loss", "half_squared_error")
    counts = {rid: (ch["values"], ch["compared"]) for rid, ch in d["checks"].items()}
    assert counts == {"delta_output": (1, 2), "delta_hidden": (2, 4), "grad_output_weight": (3, 3),
                      "grad_hidden_weight": (6, 6), "update_output_weight": (3, 3), "update_hidden_weight": (6, 6)}


@pytest.mark.slow          # the count itself: test_the_check_line_counts_distinct_values_and_says_the_comparisons
def test_distinct_values_of_a_deeper_file_with_a_frozen_weight():
    """deep.yaml: two hidden layers of 2 units (tanh, leaky ReLU), one sigmoid output, 15 weights of
    which one is frozen (not updated)."""
    (d,) = _json(str(PROBLEMS / "deep.yaml"))
    counts = {rid: (ch["values"], ch["compared"]) for rid, ch in d["checks"].items()}
    assert counts == {"delta_output": (1, 2), "delta_hidden": (4, 8), "grad_output_weight": (3, 3),
                      "grad_hidden_weight": (12, 12), "update_output_weight": (3, 3),
                      "update_hidden_weight": (11, 11),
                      # s12-dhid: the 6 weights between the hidden layers by their own rules; 5 updated (4→5 is
                      # frozen), each by −η·δ_l·u_j, the form written out with δ_l and its leaky-ReLU form
                      "grad_hidden_to_hidden_weight": (6, 6), "update_hidden_to_hidden_weight": (5, 15)}


@pytest.mark.slow          # the count itself: test_the_check_line_counts_distinct_values_and_says_the_comparisons
def test_a_softmax_output_has_one_comparison_per_value():
    code, out = _derive("--activation", "tanh", "--loss", "cross_entropy")
    assert code == 0, out
    section = out.split("Output layer: δ_k")[1].split("\n\n")[0]
    # (the generated network has 2 outputs: cross-entropy needs two, so the default 2,2,1 becomes 2,2,2)
    assert "2 values agree (largest relative difference" in section and "comparisons" not in section


# -- the faster evaluation of the network: the same values as solve ----------------------------------

def _parts():
    out = [(p.name + ":" + part.name, part) for p in NETWORKS for part in load_problem(p).parts]
    for act, loss in [("tanh", "binary_cross_entropy"), ("gelu", "cross_entropy"), ("relu", "l1"),
                      ("softplus", "mse")]:
        out.append((f"{act}+{loss}", example_problem((3, 4, 4, 2), act, None, loss).parts[0]))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name, part", _parts(), ids=[n for n, _ in _parts()])
def test_the_rule_check_reads_the_values_solve_gives(name, part):
    """Every value, exact or a 30-digit float, is solve's own, to the bit (a 3-4-4-2 network with
    exact exp and tanh values goes past the exact size limit, so it has floats too)."""
    want = {s.key: s.value for s in solve_part(part).steps}
    got = solution_values(part).values
    assert set(got) == set(want)
    for key, value in want.items():
        assert got[key] == value and type(got[key]) is type(value), key
        if value.is_Float:
            assert got[key]._mpf_ == value._mpf_, key


def test_a_value_without_a_finite_number_is_solves_error(tmp_path):
    """ln 0 in the loss (cross-entropy on a ReLU output of 0): the rule check raises the error
    solve raises, word for word, and derive says it as a problem of the file (exit 2)."""
    doc = {"title": "t", "network": {"inputs": [1], "bias": 0, "layers": [[2], [3, 4]], "activation": "relu"},
           "weights": {0: {2: 1, 3: -40, 4: 1}, 1: {2: 1}, 2: {3: 1, 4: 1}}, "sample": {"x": {1: 1}, "t": {3: 1, 4: 0}},
           "loss": "cross_entropy", "learning_rate": 1}
    doc["network"]["output_activation"] = "relu"
    part = parse_problem(yaml.safe_dump(doc), "f.yaml").parts[0]
    with pytest.raises(ProblemError) as by_solve:
        solve_part(part, "f.yaml")
    with pytest.raises(ProblemError) as by_check:
        solution_values(part, "f.yaml")
    assert str(by_check.value) == str(by_solve.value) and "loss is infinite: ln of 0 (u_3 = 0)" in str(by_solve.value)
    code, out = _derive(str(_write(tmp_path, doc)))
    assert code == 2 and "loss is infinite: ln of 0 (u_3 = 0)" in out
