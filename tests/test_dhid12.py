"""Session 12, task X5 (user trial t13, item 7): `derive` on a network with two or more hidden layers
writes the hidden-to-hidden weight's update out and specialises it, like every other section.

The weight between hidden layers is w_jl, from a unit j of the layer below into a unit l of the layer
above (the letters of the deeper δ rule): ∂J/∂w_jl = δ_l·u_j and Δw_jl = −η·δ_l·u_j =
−η·g'(net_l)·u_j·Σ_k δ_k·w_lk, checked by rule_check.check_deeper in those letters. The values below
are put into the printed rules by hand and compared with solve's numbers on problems/deep.yaml, which
are compared with central finite differences of the loss.
"""
from __future__ import annotations

import json
import math

import pytest
import sympy as sp
import yaml
from click.testing import CliRunner

from conftest import PROBLEMS
from symbackprop.cli import main


def _run(*args: str):
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.output


def _section(text: str, title: str) -> str:
    start = text.index("\n" + title) + 1
    end = text.find("\n\n", start)
    return text[start:end if end > 0 else None]


def test_deep_yaml_writes_the_hidden_to_hidden_update_out_and_specialises_it():
    """The fast case (deep.yaml's rules are derived once per run: test_dform12 derives them too):
    tanh, then leaky ReLU (slope 0.1), so the weights into the second hidden layer get leaky ReLU's g'."""
    code, out = _run("derive", str(PROBLEMS / "deep.yaml"))
    assert code == 0, out
    update = _section(out, "Update of a hidden-to-hidden weight")
    assert "Δw_{jl} = -η·∂J/∂w_{jl} = -η·δ_l·u_j = -η·g'(net_l)·u_j·Σ_k[1..c] δ_k·w_{lk}" in update
    assert "with leaky ReLU: Δw_{jl}" in update and "with tanh" not in update
    # 6 weights into units 5 and 6 (from 0, 3, 4); 4 → 5 is frozen: 5 updates by 3 forms each
    assert "5 values agree (each by the general rule and by its specialised form: 15 comparisons" in update
    assert "6 values agree" in _section(out, "Gradient of a hidden-to-hidden weight")


@pytest.mark.slow
def test_the_trials_command_writes_the_hidden_to_hidden_update_out_and_specialises_it():
    """t13 item 7: `derive --activation tanh --loss half_squared_error --layers 2,3,3,1`."""
    code, out = _run("derive", "--activation", "tanh", "--loss", "half_squared_error", "--layers", "2,3,3,1")
    assert code == 0, out
    update = _section(out, "Update of a hidden-to-hidden weight")
    assert "Δw_{jl} = -η·∂J/∂w_{jl} = -η·δ_l·u_j = -η·g'(net_l)·u_j·Σ_k[1..c] δ_k·w_{lk}" in update
    assert "with tanh: Δw_{jl} = -η·(1 - u_l²)·u_j·Σ_k[1..c] δ_k·w_{lk}" in update
    # 3 units, each fed by 3 hidden units and the bias: 12 weights, each by 3 forms
    assert "12 values agree (each by the general rule and by its specialised form: 36 comparisons" in update
    grad = _section(out, "Gradient of a hidden-to-hidden weight")
    assert "∂J/∂w_{jl} = ∂J/∂net_l·∂net_l/∂w_{jl} = δ_l·u_j" in grad and "12 values agree" in grad
    network = _section(out, "The network")
    # net_j is defined once (the first hidden layer's); the later hidden layer's net is net_l
    assert network.count("net_j =") == 1 and "net_l = Σ_p[0..n_H] w_{pl}·u_p" in network
    # a network of two hidden layers: every hidden-to-hidden weight goes into the last, no caveat
    assert "earlier hidden layer" not in update


@pytest.fixture(scope="module")
def deep_values() -> dict[str, float]:
    code, out = _run("solve", str(PROBLEMS / "deep.yaml"), "--format", "json")
    assert code == 0, out
    q = json.loads(out)["parts"][0]["quantities"]
    return {k: v["value"] for k, v in q.items() if isinstance(v.get("value"), (int, float))}


def _deep_loss(weight: tuple[int, int], shift: float, folder) -> float:
    """deep.yaml's loss with one weight moved by `shift` (solve's own forward pass)."""
    doc = yaml.safe_load((PROBLEMS / "deep.yaml").read_text(encoding="utf-8"))
    src, dst = weight
    w = doc["weights"][src][dst]
    if isinstance(w, dict):
        w = dict(w, value=w["value"] + shift)
        w.pop("frozen", None)
    else:
        w = w + shift
    doc["weights"][src][dst] = w
    f = folder / f"deep_{src}_{dst}_{shift:+}.yaml"
    f.write_text(yaml.safe_dump(doc), encoding="utf-8")
    r = CliRunner().invoke(main, ["solve", str(f), "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)["parts"][0]["quantities"]["loss"]["value"]


@pytest.mark.slow
def test_deep_yaml_hidden_to_hidden_update_by_the_printed_rules_equals_solve_and_finite_differences(deep_values,
                                                                                                   tmp_path):
    """Δw_35 of deep.yaml (3 in the tanh layer, 5 in the leaky-ReLU layer, 7 the sigmoid output):
    −η·g'(net_5)·u_3·δ_7·w_57 with g'(net_5) = 1 (net_5 > 0, leaky ReLU's slope 1 there):
    −0.5 × 1 × 0.69107 × (−0.32865 × 1.2) = 0.13627."""
    v = deep_values
    eta = v["learning_rate"]
    assert v["net_5"] > 0
    by_hand = -eta * 1 * v["act_3"] * (v["delta_7"] * v["w_5_7"])
    assert abs(by_hand - 0.13627) < 1e-5
    assert math.isclose(by_hand, v["update_w_3_5"], rel_tol=1e-12)
    # −η·δ_l·u_j, the form before it
    assert math.isclose(-eta * v["delta_5"] * v["act_3"], v["update_w_3_5"], rel_tol=1e-12)
    # the weight from 3 into 6 (net_6 < 0: leaky ReLU's slope 0.1)
    assert v["net_6"] < 0
    assert math.isclose(-eta * 0.1 * v["act_3"] * v["delta_7"] * v["w_6_7"], v["update_w_3_6"], rel_tol=1e-12)
    # and ∂J/∂w_35 = δ_5·u_3 against central finite differences of solve's loss
    h = 1e-6
    fd = (_deep_loss((3, 5), h, tmp_path) - _deep_loss((3, 5), -h, tmp_path)) / (2 * h)
    assert abs(fd - v["delta_5"] * v["act_3"]) < 1e-7
    assert abs(fd - v["grad_w_3_5"]) < 1e-7
    # the frozen weight 4 → 5 has a gradient (checked) but is not updated (Δw = 0)
    fd45 = (_deep_loss((4, 5), h, tmp_path) - _deep_loss((4, 5), -h, tmp_path)) / (2 * h)
    assert abs(fd45 - v["delta_5"] * v["act_4"]) < 1e-7 and v.get("update_w_4_5", 0) == 0


@pytest.mark.slow
def test_the_rule_derive_prints_evaluates_to_solves_update(deep_values):
    """The rule object itself (deeper_rules, in-class δ = ∂J/∂net, weight from_to) at l = 5, j = 3."""
    from symbackprop.problem import load_problem
    from symbackprop.rule_check import derive_for_part
    from symbackprop.symbolic_rules import (c, deeper_rules, delta_o, eta, gprime, j, l, net_h, w_o, y)
    v = deep_values
    prob = load_problem(PROBLEMS / "deep.yaml")
    part = prob.parts[0] if hasattr(prob, "parts") else prob
    dv = derive_for_part(part)
    rule = deeper_rules(dv).update_between
    # positions: unit 5 is l = 1 of its layer, unit 3 is j = 1 of the layer below, 7 is k = 1
    at = rule.rule.xreplace({l: 1, c: 1}).doit().xreplace({j: 2})     # u_j at a position apart from u_l's
    at = at.replace(lambda e: e.func == gprime, lambda e: sp.Integer(1))          # net_5 > 0: slope 1
    got = at.xreplace({eta: v["learning_rate"], y[2]: v["act_3"], delta_o[1]: v["delta_7"], w_o[1, 1]: v["w_5_7"]})
    assert got.free_symbols == set() and math.isclose(float(got), v["update_w_3_5"], rel_tol=1e-12)
    (label, special), = rule.specialised
    assert label == "leaky_relu" and special.has(net_h[l])     # g' of the unit the weight goes into
    assert {ch.id: ch.ok for ch in dv.checks}["update_hidden_to_hidden_weight"]


BATCH = """\
title: two hidden layers, a batch of two
network:
  inputs: [1, 2]
  bias: 0
  layers: [[3, 4], [5, 6], [7]]
  activation: [tanh, sigmoid, sigmoid]
weights:
  0: {3: 0.1, 4: -0.1, 5: 0.2, 6: 0.05, 7: -0.2}
  1: {3: 0.6, 4: -0.4}
  2: {3: 0.3, 4: 0.9}
  3: {5: 0.8, 6: -0.7}
  4: {5: 0.5, 6: 0.4}
  5: {7: 1.2}
  6: {7: -0.9}
samples:
  - {x: {1: 1, 2: 0.5}, t: {7: 1}}
  - {x: {1: -1, 2: 2}, t: {7: 0}}
loss: half_squared_error
learning_rate: 0.5
notation: {delta: minus_dJ_dnet, weight: to_from}
"""


@pytest.mark.slow
def test_a_batch_under_the_appendix_convention(tmp_path):
    """δ = −∂J/∂net, weight to_from (w_lj), a mean over 2 samples: Δw_lj = (η/N)·Σ_n δ_l^(n)·u_j^(n), written
    out with δ_l^(n) = g'(net_l^(n))·Σ_k δ_k^(n)·w_kl; checked on the file; and by hand with solve's numbers."""
    f = tmp_path / "batch.yaml"
    f.write_text(BATCH, encoding="utf-8")
    code, out = _run("derive", str(f))
    assert code == 0, out
    update = _section(out, "Update of a hidden-to-hidden weight")
    assert ("Δw_{lj} = -η·∂J/∂w_{lj} = (η/N)·Σ_n[1..N] δ_l^(n)·u_j^(n) = "
            "(η/N)·Σ_n[1..N] g'(net_l^(n))·u_j^(n)·Σ_k[1..c] δ_k^(n)·w_{kl}") in update
    assert "with sigmoid: Δw_{lj} = (η/N)·Σ_n[1..N] u_l^(n)·(1 - u_l^(n))·u_j^(n)·Σ_k[1..c] δ_k^(n)·w_{kl}" in update
    assert "6 values agree (each by the general rule and by its specialised form: 18 comparisons" in update
    code, out = _run("solve", str(f), "--format", "json")
    q = {k: x["value"] for k, x in json.loads(out)["parts"][0]["quantities"].items()
         if isinstance(x.get("value"), (int, float))}
    # Δw_53 = (η/N)·Σ_n u_5(1 − u_5)·u_3·δ_7·w_75 with every sample's numbers (keys as solve names them)
    n_keys = sorted(k.split("@")[1] for k in q if k.startswith("act_5@"))
    total = 0.0
    for n in n_keys:
        u5, u3 = q[f"act_5@{n}"], q[f"act_3@{n}"]
        total += u5 * (1 - u5) * u3 * q[f"delta_7@{n}"] * q["w_5_7"]
    assert len(n_keys) == 2
    assert math.isclose(0.5 / 2 * total, q["update_w_3_5"], rel_tol=1e-12)


@pytest.mark.slow
def test_three_hidden_layers_say_where_the_written_out_form_holds():
    """2,3,3,2,1: 12 weights into the middle hidden layer (its δ_l sums over a hidden layer: checked to
    −η·δ_l·u_j only) and 8 into the last (by all three forms): 12 + 8·3 = 36 comparisons."""
    code, out = _run("derive", "--layers", "2,3,3,2,1", "--delta", "minus_dJ_dnet")
    assert code == 0, out
    update = _section(out, "Update of a hidden-to-hidden weight")
    assert "20 values agree (each by the general rule and by its specialised form: 36 comparisons" in update
    assert "for a weight into an earlier hidden layer δ_l is the rule of a hidden layer below" in update
    code, out = _run("derive", "--layers", "2,3,3,2,1", "--lang", "zh")
    assert code == 0 and "隐藏层到隐藏层权重的更新" in out and "代入 sigmoid：Δw_{jl}" in out


@pytest.mark.slow
def test_a_wrong_written_out_form_fails_the_check(monkeypatch):
    """The check is not vacuous: the written-out update with the output weight doubled (w_kl → 2·w_kl)
    disagrees with solve's updates, while the gradient's rule still agrees."""
    from dataclasses import replace
    from symbackprop import rule_check, symbolic_rules
    from symbackprop.symbolic_rules import k, l, w_o
    real = symbolic_rules.deeper_rules

    def wrong(dv, reference=False):
        d = real(dv, reference)
        if d is None:
            return d
        r = d.update_between
        bad = r.forms[-1].xreplace({w_o[k, l]: 2 * w_o[k, l]})
        return replace(d, update_between=replace(r, forms=(*r.forms[:-1], bad)))

    monkeypatch.setattr(rule_check, "deeper_rules", wrong)
    from symbackprop.problem import load_problem
    prob = load_problem(PROBLEMS / "deep.yaml")
    part = prob.parts[0] if hasattr(prob, "parts") else prob
    dv = rule_check._derive_for_part(part)
    checks = {ch.id: ch for ch in dv.checks}
    assert not checks["update_hidden_to_hidden_weight"].ok and checks["grad_hidden_to_hidden_weight"].ok
