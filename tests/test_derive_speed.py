"""Issue 11: `derive`'s faster paths give the same rules and checks as the straightforward ones.

`derive_general(..., reference=True)` runs the first version's path: SymPy's `doit` tries every sum
for a closed form, every check is `simplify`d and every specialised rule is `simplify`d. The fast
path skips only work whose result is known; these tests hold it to the reference on every loss,
sign convention and output activation (the rules do not depend on the hidden activation except in
their specialised forms, which are compared too). No test here measures time:
benchmarks/bench_derive.py --cli does.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sympy as sp
from click.testing import CliRunner

from symbackprop import activations, losses, rule_check
from symbackprop.activations import Activation
from symbackprop.cli import main
from symbackprop.problem import Notation, load_problem
from symbackprop.symbolic_rules import (_doit, _has_no_closed_form, _net, _specialise, c, derive_general, g, gprime, j,
                                        k, m, n_H, net_o, p, t, w_o, y, z)

from conftest import NETWORKS

CONVENTIONS = {"in_class": Notation(), "appendix": Notation(weight="to_from", delta="minus_dJ_dnet")}


def _activation(name: str) -> Activation:
    return Activation(name, tuple(activations.TABLE[name].params.items()))


HIDDEN = tuple(_activation(n) for n in activations.NAMES if n != "softmax")


def _same_rules(fast, reference) -> None:
    assert fast.assumptions == reference.assumptions
    assert [r.id for r in fast.rules] == [r.id for r in reference.rules]
    for a, b in zip(fast.rules, reference.rules):
        assert a.lhs == b.lhs, a.id
        assert a.forms == b.forms, a.id                       # every printed form, node for node
        assert a.specialised == b.specialised, a.id
    assert [r.forms for r in fast.definitions] == [r.forms for r in reference.definitions]


# -- the sums SymPy is no longer asked about ---------------------------------------------------------

def test_a_sum_over_plain_indices_has_no_closed_form():
    assert _has_no_closed_form(t[m] * w_o[m, j], m)
    assert _has_no_closed_form(sp.log(z[m]) * t[m] + g(net_o[m]), m)
    assert _has_no_closed_form(w_o[m, p] * y[p] + sp.Piecewise((w_o[m, j], j <= n_H), (0, True)), m)


@pytest.mark.parametrize("summand", [
    t[m + 1] - t[m],                                   # telescopes
    t[m] * sp.KroneckerDelta(m, k),                    # a delta picks one term
    m * t[m],                                          # m outside an index
    sp.Integer(3),                                     # m does not occur: c·3
    sp.Piecewise((t[m], m > 2), (0, True)),            # a condition on m
    sp.Sum(t[m] * w_o[m, p], (m, 1, c)),               # m rebound inside
], ids=["shifted", "delta", "bare", "constant", "piecewise", "rebound"])
def test_every_other_sum_is_left_to_sympy(summand):
    assert not _has_no_closed_form(summand, m)


@pytest.mark.parametrize("expr", [
    sp.Sum(t[m] * w_o[m, j], (m, 1, c)),
    sp.Sum(t[m + 1] - t[m], (m, 1, c)),
    sp.Sum(t[m] * sp.KroneckerDelta(m, k), (m, 1, c)),
    sp.Sum(2 * m, (m, 1, c)) + sp.Sum(w_o[k, p] * y[p], (p, 0, n_H)),
    sp.diff(sp.Sum(w_o[k, p] * y[p], (p, 0, n_H)), y[j]),
    sp.Sum(sp.Sum(w_o[m, p] * y[p], (p, 0, n_H)) * t[m], (m, 1, c)) / c,
    sp.Sum(t[m] * w_o[m, j], (m, 1, 3)),
], ids=["plain", "telescoping", "delta", "polynomial", "inner delta", "nested", "three terms"])
def test_the_fast_doit_equals_sympys(expr):
    assert _doit(expr) == expr.doit()


@pytest.mark.slow
@pytest.mark.parametrize("loss", ["half_squared_error", "binary_cross_entropy"])
def test_the_appendix_line_sum_is_what_sympy_gives(loss):
    """The sum that cost most: ∂J/∂y_j with every net written out (about 1–10 s in SymPy's doit)."""
    J_of_y = sp.Sum(losses.TABLE[loss].unit_term(g(_net(w_o, k, y, n_H).subs(k, m)), t[m]), (m, 1, c))
    d = sp.diff(J_of_y, y[j])
    assert _doit(d) == d.doit()


# -- the rules: fast path against reference, every loss and convention ----------------------------

@pytest.mark.slow
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
@pytest.mark.parametrize("convention", list(CONVENTIONS))
@pytest.mark.parametrize("loss", losses.NAMES)
def test_the_rules_equal_the_reference_derivation(loss, convention, output):
    """Every form of every rule, and each hidden activation's specialised form, node for node."""
    out = _activation(output)
    fast = derive_general("x", HIDDEN, out, loss, CONVENTIONS[convention])
    reference = derive_general("x", HIDDEN, out, loss, CONVENTIONS[convention], reference=True)
    _same_rules(fast, reference)


PIECEWISE_OUTPUTS = [a.name for a in HIDDEN if a.derivative(net_o[k], z[k]).has(sp.Piecewise)]


def test_the_specialisation_shortcut_is_exercised():
    """Rules with a Piecewise (leaky ReLU and ELU today) or a sign (the L1 loss) skip `simplify`."""
    assert {"leaky_relu", "elu"} <= set(PIECEWISE_OUTPUTS)
    assert sp.diff(losses.TABLE["l1"].unit_term(z[k], t[k]), z[k]).has(sp.sign)


@pytest.mark.slow
@pytest.mark.parametrize("convention", list(CONVENTIONS))
@pytest.mark.parametrize("loss", losses.NAMES)
def test_every_output_rule_is_specialised_as_the_reference_does(loss, convention):
    """Every output activation: only a rule with a Piecewise or a sign takes another path (no
    `simplify`), so those are compared with the reference; the others take the same path in both."""
    d = derive_general("x", HIDDEN[:1], HIDDEN[0], loss, CONVENTIONS[convention])
    compared = 0
    for out in HIDDEN:
        kinked = out.derivative(net_o[k], z[k]).has(sp.Piecewise)
        for rule in d.rules:
            if not (rule.rule.has(gprime(net_o[k])) and (kinked or rule.rule.has(sp.sign))):
                continue                                 # not an output rule with a kink: same path
            fast = _specialise(rule, HIDDEN[:1], out)
            assert any(e.has(sp.Piecewise, sp.sign) for _, e in fast.specialised)
            assert fast.specialised == _specialise(rule, HIDDEN[:1], out, reference=True).specialised, \
                f"{rule.id} with {out.name}"
            compared += 1
    assert compared >= 2 * len(PIECEWISE_OUTPUTS)        # δ_k and Δw_kj of each, at least
    if loss == "l1":
        assert compared == 2 * len(HIDDEN)              # sign(t − u) in every output rule


# -- the rule check: same values compared, same strictness --------------------------------------

def _reference_close(a: sp.Expr, b: sp.Expr) -> float:
    """The first version's comparison: everything at 40 digits."""
    diff = abs(sp.N(a - b, 40))
    return float(diff / max(1, abs(sp.N(b, 40))))


class _ReferenceCloseness:
    def __call__(self, a: sp.Expr, b: sp.Expr) -> float:
        return _reference_close(a, b)


@pytest.mark.slow
@pytest.mark.parametrize("path", NETWORKS, ids=lambda p: p.stem)
def test_the_rule_check_of_every_problem_file_equals_the_reference(path, monkeypatch):
    problem = load_problem(path)
    fast = [rule_check.derive_for_part(part).checks for part in problem.parts]
    monkeypatch.setattr(rule_check, "_Closeness", _ReferenceCloseness)
    with rule_check.derive_for_part.off():          # derived again, not the result remembered above (memo.py)
        reference = [rule_check.derive_for_part(part).checks for part in problem.parts]
    assert fast == reference                   # same ids, counts and largest differences, to the bit
    for checks in fast:
        assert all(ch.ok and ch.compared > 0 and ch.max_error <= 1e-20 for ch in checks)


E, T = sp.exp(sp.Rational(-87, 16) - 4 * sp.erf(2 * sp.sqrt(2))), sp.tanh(sp.Rational(1, 4) + sp.tanh(sp.Rational(15, 8)) / 2)
PAIRS = {
    "equal as built": (T**2, T**2),
    "equal, built apart": (-1 + 1 / (E + 1), (-1 - E) * (1 - 1 / (E + 1)) / (E + 1)),
    "exact against 30 digits": (2 * T * (1 - T**2), (2 * T * (1 - T**2)).evalf(30)),
    "off by 1e-25": (T + sp.Rational(1, 10**25), T),
    "off by 1e-50": (E + sp.Rational(1, 10**50), E),
    "off by a lot": (T * 3, T),
    "large values": (1 / E, 1 / E + sp.Rational(1, 10**10)),
    "a kink": (sp.sign(T - sp.Rational(1, 2)) * E, E),
    "Heaviside at 0": (sp.Heaviside(T - T, sp.Rational(1, 2)) * T, T / 2),
}


# "equal, built apart" costs the most to evaluate (its difference is 0 to every precision): slow tier
@pytest.mark.parametrize("pair", [p if p != "equal, built apart" else pytest.param(p, marks=pytest.mark.slow)
                                  for p in PAIRS])
def test_each_comparison_equals_the_40_digit_one(pair):
    """The cached 60-digit values give the first version's number, to the bit, on every kind of pair."""
    a, b = PAIRS[pair]
    assert rule_check._Closeness()(a, b) == _reference_close(a, b)


@pytest.mark.slow      # about a second of evalf (fast: equal values as built, in the next test)
def test_equal_values_built_apart_are_zero():
    assert rule_check._Closeness()(*PAIRS["equal, built apart"]) < 1e-100


def test_a_real_difference_is_seen_and_equal_values_are_zero():
    close = rule_check._Closeness()
    assert close(T**2, T**2) == 0.0
    assert 1e-26 < close(*PAIRS["off by 1e-25"]) < 1e-24
    assert close(*PAIRS["off by a lot"]) > 0.5


def _expected_counts(outputs: int, hidden: int, inputs: int, elementwise: bool) -> dict[str, int]:
    """What the check compares on a one-sample network with a bias: each δ by the general rule and
    by its specialised form (softmax has none), each weight's gradient and update."""
    return {"delta_output": outputs * (2 if elementwise else 1), "delta_hidden": hidden * 2,
            "grad_output_weight": outputs * (hidden + 1), "grad_hidden_weight": hidden * (inputs + 1),
            "update_output_weight": outputs * (hidden + 1), "update_hidden_weight": hidden * (inputs + 1)}


@pytest.mark.slow
@pytest.mark.parametrize("loss", losses.NAMES)
@pytest.mark.parametrize("activation", [a.name for a in HIDDEN])
def test_derive_every_activation_and_loss(activation, loss):
    """`derive --activation A --loss L` for every pair: exit 0, every rule checked on every value
    of the 2-2-1 network (2-2-2 for a loss that needs two outputs) at the same strictness as before."""
    result = CliRunner().invoke(main, ["derive", "--activation", activation, "--loss", loss, "--format", "json"])
    assert result.exit_code == 0, result.output
    (d,) = json.loads(result.output)["derivations"]
    counts = {rid: ch["compared"] for rid, ch in d["checks"].items()}
    outputs = losses.TABLE[loss].min_outputs        # 2-2-1, or 2-2-2 for cross-entropy (it needs two outputs)
    assert counts == _expected_counts(outputs, 2, 2, d["output_activation"] != "softmax")
    assert all(ch["ok"] and ch["max_error"] <= 1e-20 for ch in d["checks"].values())


@pytest.mark.slow
def test_the_slowest_pair_finishes_as_a_command():
    """tanh + binary cross-entropy as users run it, in a fresh process; the timeout only turns a hang
    into a failure (benchmarks/bench_derive.py --cli measures the time)."""
    run = subprocess.run([sys.executable, "-m", "symbackprop.cli", "derive", "--activation", "tanh", "--loss",
                          "binary_cross_entropy", "--format", "json"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    (d,) = json.loads(run.stdout)["derivations"]
    assert d["loss"] == "binary_cross_entropy" and all(ch["ok"] for ch in d["checks"].values())
