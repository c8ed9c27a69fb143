"""Issue 11: the generic backward walk, the simple output δ, the update-rule table and the loss facts.

The walk's gradients are compared with a second opinion built here from the problem alone: the whole
loss J(w) written out (every layer expanded, nothing of model.py, backward.py or derive.py used),
differentiated by `sympy.diff` and by central finite differences, on generated networks.
"""
from __future__ import annotations

import itertools
import random
import zlib

import pytest
import sympy as sp
import yaml

from conftest import PROBLEMS
from conftest import expanded_loss
from symbackprop.quantity import Key
from symbackprop import activations, losses, updates
from symbackprop.activations import ActivationSpec
from symbackprop.backward import local_derivatives, rule_derivatives, walk
from symbackprop.derive import derive, simple_output_delta
from symbackprop.errors import ProblemError, SymbackpropError
from symbackprop.model import Model
from symbackprop.problem import load_problem, parse_problem
from symbackprop.solution import solve, solve_part

HIDDEN = [a for a in activations.NAMES if a != "softmax"]
OUTPUTS = list(activations.NAMES)
KINKED = {"relu", "leaky_relu", "elu"}


# -- generated networks ---------------------------------------------------------------------------
def _outputs_fit(output: str, loss: str) -> bool:
    """Whether the output activation's values lie in the loss's domain (ln u needs u > 0 …)."""
    if losses.TABLE[loss].outputs is not None:     # `none` is defined for one output; these networks have 2
        return False
    domain = set(losses.TABLE[loss].domain)
    if not domain:
        return True
    inside = {"positive": {"sigmoid", "softmax", "softplus"}, "below_one": {"sigmoid", "softmax"}}
    return all(output in inside[d] for d in domain)


def network(layers, hidden, output, loss, delta="dJ_dnet", samples=1, reduction="mean", seed=0,
            targets=None):
    """A problem file's text made into a Problem: seeded weights and inputs with three decimals (so no
    net sits on a kink), targets one-hot where the loss constrains them, else in [0, 1]."""
    rng = random.Random(seed)

    def number() -> str:
        return str(round(rng.uniform(-1.2, 1.2), 3) or 0.123)

    units, ids = 1, []
    for size in layers:
        ids.append([str(u) for u in range(units, units + size)])
        units += size
    inputs, layer_ids = ids[0], ids[1:]
    weights: dict = {}
    feeding = inputs
    for layer in layer_ids:
        for src in ["0"] + feeding:
            weights.setdefault(src, {}).update({d: number() for d in layer})
        feeding = layer
    outs = layer_ids[-1]

    def sample_targets():
        if targets is not None:
            return dict(zip(outs, targets))
        if losses.TABLE[loss].constrains_targets:
            hot = rng.randrange(len(outs))
            return {u: int(i == hot) for i, u in enumerate(outs)}
        return {u: str(round(rng.uniform(0, 1), 2)) for u in outs}

    data = [{"x": {u: number() for u in inputs}, "t": sample_targets()} for _ in range(samples)]
    doc = {"title": "generated", "network": {"inputs": inputs, "bias": "0", "layers": layer_ids,
                                               "activation": hidden, "output_activation": output},
           "weights": weights, "loss": loss, "learning_rate": "1/2", "notation": {"delta": delta}}
    if samples == 1:
        doc["sample"] = data[0]
    else:
        doc.update(samples=data, batch_reduction=reduction)
    return parse_problem(yaml.safe_dump(doc, sort_keys=False), "<generated>")


def assert_walk_matches_direct_diff(problem):
    """Every ∂J/∂w of the solution equals sympy.diff of the whole J at 1e-20, and central finite
    differences at 1e-6 where no net or output sits within 1e-3 of a kink."""
    part = problem.parts[0]
    psol = solve_part(part)
    keys = [(w.source, w.target) for w in part.weights]
    wsyms = {k: sp.Symbol(f"W_{k[0]}_{k[1]}", real=True) for k in keys}
    point = {wsyms[(w.source, w.target)]: sp.Float(w.value, 40) for w in part.weights}   # exact given values
    J, nets, per_sample = expanded_loss(part, wsyms)
    f = sp.lambdify([wsyms[k] for k in keys], J, modules=[{"relu": lambda x, g0: max(x, 0.0)}, "math"])
    base = [float(w.value) for w in part.weights]
    near_kink = any(abs(float(n.xreplace(point).evalf(20))) < 1e-3 for n in nets) and \
        bool(KINKED & {a.name for a in part.activations})
    kinks = losses.TABLE[part.loss].kinks
    near_kink |= bool(kinks) and any(abs(float(a.args[0].xreplace(point).evalf(20))) < 1e-3
                                     for a in J.atoms(*kinks))
    h = 1e-6
    for idx, key in enumerate(keys):
        chain = psol.step(f"grad_w_{key[0]}_{key[1]}").value
        direct = sp.diff(J, wsyms[key]).xreplace(point).evalf(40)
        scale = max(1.0, abs(float(direct)))
        assert abs(float((chain - direct).evalf(30))) <= 1e-20 * scale, key
        if not near_kink:
            up, down = list(base), list(base)
            up[idx] += h
            down[idx] -= h
            fd = (f(*up) - f(*down)) / (2 * h)
            assert abs(fd - float(direct)) <= 1e-6 * scale, key
    return psol, per_sample, point


def _combos_cover():
    """Every activation as hidden and as output, every loss, both conventions, one or two samples."""
    cycle = itertools.cycle([("dJ_dnet", 1, "mean"), ("minus_dJ_dnet", 2, "mean"), ("dJ_dnet", 2, "sum"),
                             ("minus_dJ_dnet", 1, "mean")])
    loss_cycle = itertools.cycle(losses.NAMES)
    out = []
    for hidden, output in itertools.zip_longest(HIDDEN, OUTPUTS, fillvalue="sigmoid"):
        for _ in range(2):
            loss = next(loss_cycle)
            while not _outputs_fit(output, loss):
                loss = next(loss_cycle)
            out.append((hidden, output, loss) + next(cycle))
    return out


FAST = [("sigmoid", "softmax", "cross_entropy", "minus_dJ_dnet", 2, "mean"),
        ("relu", "identity", "l1", "dJ_dnet", 1, "mean"),
        ("tanh", "sigmoid", "binary_cross_entropy", "dJ_dnet", 2, "sum"),
        ("leaky_relu", "softplus", "mse", "minus_dJ_dnet", 1, "mean")]


@pytest.mark.parametrize("hidden,output,loss,delta,samples,reduction", FAST, ids=str)
@pytest.mark.slow
def test_walk_equals_direct_diff_and_finite_differences(hidden, output, loss, delta, samples, reduction):
    problem = network((2, 2, 2), hidden, output, loss, delta, samples, reduction, seed=7)
    assert_walk_matches_direct_diff(problem)


@pytest.mark.slow
@pytest.mark.parametrize("hidden,output,loss,delta,samples,reduction", _combos_cover(), ids=str)
def test_walk_every_activation_and_loss(hidden, output, loss, delta, samples, reduction):
    problem = network((2, 2, 2), hidden, output, loss, delta, samples, reduction,
                      seed=zlib.crc32(f"{hidden}{output}{loss}".encode()) % 997)
    assert_walk_matches_direct_diff(problem)


SWEEP = [(o, l) for o in OUTPUTS for l in losses.NAMES if _outputs_fit(o, l)]


@pytest.mark.slow
@pytest.mark.parametrize("output,loss", SWEEP, ids=str)
def test_walk_sweep_every_output_and_loss(output, loss):
    """Every output activation × loss, a hidden activation, convention and batch size in turn."""
    idx = SWEEP.index((output, loss))
    hidden = HIDDEN[idx % len(HIDDEN)]
    delta = ("dJ_dnet", "minus_dJ_dnet")[idx % 2]
    assert_walk_matches_direct_diff(network((2, 2, 2), hidden, output, loss, delta, samples=1 + idx % 3 // 2,
                                            reduction="mean", seed=idx))


@pytest.mark.slow
def test_deltas_are_the_signed_derivative_of_each_sample_loss():
    """δ_j^(n) = s·∂J_n/∂net_j for every unit, checked by diff of J_n with net_j perturbed by ε."""
    for delta, s in (("dJ_dnet", 1), ("minus_dJ_dnet", -1)):
        problem = network((2, 2, 3), "tanh", "softmax", "cross_entropy", delta, samples=2, seed=3)
        part = problem.parts[0]
        psol = solve_part(part)
        eps = sp.Symbol("eps")
        for n, sample in enumerate(part.samples):
            for li, layer in enumerate(part.layers):
                for j in layer:
                    J_n = _sample_loss_with_bump(part, sample, j, eps)
                    want = s * sp.diff(J_n, eps).subs(eps, 0).evalf(40)
                    got = psol.step(f"delta_{j}@{n + 1}").value
                    assert abs(float((got - want).evalf(30))) < 1e-20


def _sample_loss_with_bump(part, sample, unit, eps):
    out = dict(sample.x)
    out[part.bias] = sp.Integer(1)
    prev = list(part.inputs)
    weights = {(w.source, w.target): sp.Float(w.value, 40) for w in part.weights}   # exact given values
    for li, layer in enumerate(part.layers):
        act = part.activations[li]
        nets = [sp.Add(*[weights[(i, j)] * out[i] for i in [part.bias] + prev]) + (eps if j == unit else 0)
                for j in layer]
        exps = [sp.exp(v) for v in nets]
        for k, j in enumerate(layer):
            out[j] = act.value(nets[k]) if act.elementwise else exps[k] / sp.Add(*exps)
        prev = list(layer)
    t = dict(sample.t)
    return losses.TABLE[part.loss].per_sample([out[k] for k in part.outputs], [t[k] for k in part.outputs])


# -- the walker itself ----------------------------------------------------------------------------
def test_walker_sums_over_consumers_on_a_small_graph():
    """On x ↦ a = x², b = 3x, J = a·b: ∂J/∂x = b·2x + a·3, the sum over x's two consumers."""
    from symbackprop.model import Assignment
    part = network((1, 1), "sigmoid", "sigmoid", "half_squared_error").parts[0]
    model = Model(part)
    x, a, b, J = sp.symbols("x a b J", real=True)
    graph = [Assignment(Key("net", "a"), a, x**2, "f"), Assignment(Key("net", "b"), b, 3 * x, "f"),
             Assignment(Key("loss"), J, a * b, "f")]
    for sym in (a, b, J):
        model.info.setdefault(sym, model.info[model.sample_loss(0)])   # plain rules: sympy.diff
    gathered = walk(model, graph, {J: sp.Integer(1)}, lambda s: s in (x, a, b))
    total = sp.Add(*[up * local for up, local in gathered[x]])
    assert sp.expand(total.subs({a: x**2, b: 3 * x}) - sp.diff((x**2) * (3 * x), x)) == 0
    assert len(gathered[x]) == 2


def test_rule_derivatives_differentiate_only_the_terms_that_hold_the_symbol():
    w1, w2, u1, u2, t = sp.symbols("w1 w2 u1 u2 t", real=True)
    rule = w1 * u1 + w2 * u2 + sp.sin(u1 * w2)
    got = rule_derivatives(rule, lambda s: s != t)
    for sym in (w1, w2, u1, u2):
        assert sp.simplify(got[sym] - sp.diff(rule, sym)) == 0
    assert t not in rule_derivatives(rule + t, lambda s: s != t)


def test_the_activation_row_gives_the_local_derivative():
    """u_j = g(net_j) has the named g'(net_j); softmax has u_m(δ_mk − u_k) for each unit of its layer."""
    part = network((2, 2, 2), "tanh", "softmax", "cross_entropy").parts[0]
    model = Model(part)
    acts = {a.symbol: a for a in model.forward}
    hidden_u = model.out("3", 0)
    assert local_derivatives(model, acts[hidden_u], lambda s: True) == {model.net("3", 0): model.gprime("3", 0)}
    u5, u6 = model.out("5", 0), model.out("6", 0)
    local = local_derivatives(model, acts[u5], lambda s: True)
    assert local == {model.net("5", 0): u5 * (1 - u5), model.net("6", 0): -u5 * u6}


def test_derive_keeps_the_teacher_forms_in_both_conventions():
    """δ_k = g'(net_k)(u_k − t_k) at the outputs, δ_j = g'(net_j) Σ_k w_jk δ_k below, and the sign
    convention moves only the output's (u − t) ↔ (t − u)."""
    for delta, s in (("dJ_dnet", 1), ("minus_dJ_dnet", -1)):
        part = network((2, 2, 1), "sigmoid", "sigmoid", "half_squared_error", delta).parts[0]
        model = Model(part)
        rules = {a.id: a for a in derive(model)}
        u, t, gp = model.out("5", 0), model.target("5", 0), model.gprime("5", 0)
        assert rules["delta_5"].rule == (s * (u - t)) * gp
        assert rules["delta_5"].simple is None
        assert rules["delta_3"].rule == model.gprime("3", 0) * model.delta("5", 0) * model.w[("3", "5")]
        assert rules["gprime_5"].rule == u * (1 - u)
        assert rules["grad_w_3_5"].rule == s * model.delta("5", 0) * model.out("3", 0)
        assert rules["update_w_3_5"].rule == -model.eta * rules["grad_w_3_5"].rule
        assert [a.id for a in derive(model)][:3] == ["gprime_5", "delta_5", "grad_w_0_5"]


# -- the simple output δ --------------------------------------------------------------------------
def test_classifier_shows_u_minus_t(tmp_path):
    """problems/classifier.yaml (softmax + cross-entropy): δ_k = u_k − t_k, not the expanded chain
    u_6·t_7 + u_6·t_8 − t_6·(1 − u_6); the other convention shows t_k − u_k; values unchanged."""
    sol = solve(PROBLEMS / "classifier.yaml")
    psol = sol.parts[0]
    model = Model(psol.part)
    for k in psol.part.outputs:
        step = psol.step(f"delta_{k}")
        assert step.forms == (model.out(k, 0) - model.target(k, 0),)
        assert set(step.leaves) == {model.out(k, 0), model.target(k, 0)}
        assert step.value.equals(psol.step(f"act_{k}").value - dict(psol.part.samples[0].t)[k])
    from symbackprop.render import render
    text = render(sol, "text")
    assert "δ_6 = u_6 - t_6 = 0.2945 - 0 ≈ 0.2945" in text
    assert "u_6·t_7" not in text
    other = (PROBLEMS / "classifier.yaml").read_text(encoding="utf-8") + "notation: {delta: minus_dJ_dnet}\n"
    (tmp_path / "c.yaml").write_text(other, encoding="utf-8")
    psol2 = solve(tmp_path / "c.yaml").parts[0]
    for k in psol2.part.outputs:
        assert psol2.step(f"delta_{k}").forms == (model.target(k, 0) - model.out(k, 0),)
        assert psol2.step(f"delta_{k}").float_value == -psol.step(f"delta_{k}").float_value


@pytest.mark.parametrize("delta,s", [("dJ_dnet", 1), ("minus_dJ_dnet", -1)])
@pytest.mark.parametrize("output,loss,samples", [("sigmoid", "binary_cross_entropy", 1),
                                                 ("sigmoid", "binary_cross_entropy", 2),
                                                 ("softmax", "cross_entropy", 2),
                                                 ("identity", "half_squared_error", 1)])
@pytest.mark.slow
def test_simple_delta_where_it_simplifies(output, loss, samples, delta, s):
    problem = network((2, 2, 3), "relu", output, loss, delta, samples=samples, seed=5)
    psol, _, _ = assert_walk_matches_direct_diff(problem)
    model = Model(problem.parts[0])
    for a in derive(model):
        if a.id.startswith("delta_") and a.section == "output":
            u, t = model.out(a.unit, a.sample), model.target(a.unit, a.sample)
            assert a.simple == s * (u - t) and a.shown == s * (u - t)
            assert psol.step(a.id).forms == (s * (u - t),)


@pytest.mark.parametrize("output,loss", [("tanh", "half_squared_error"), ("softmax", "half_squared_error"),
                                         ("sigmoid", "squared_error"), ("relu", "half_squared_error"),
                                         ("sigmoid", "cross_entropy"), ("softmax", "binary_cross_entropy"),
                                         ("identity", "squared_error"), ("identity", "l1")])
@pytest.mark.slow
def test_no_simple_delta_where_it_does_not_simplify(output, loss):
    problem = network((2, 2, 2), "sigmoid", output, loss, seed=11)
    assert_walk_matches_direct_diff(problem)
    model = Model(problem.parts[0])
    out = [a for a in derive(model) if a.id.startswith("delta_") and a.section == "output"]
    assert out and all(a.simple is None and a.shown == a.rule for a in out)


@pytest.mark.slow
def test_cross_entropy_targets_that_do_not_sum_to_one_keep_the_full_form():
    """Σ t = 1 is a fact the simple form needs: with targets 0.5 and 0.25 δ_k = u_k·Σt − t_k ≠ u_k − t_k,
    and the solution keeps the walk's form (and the right values)."""
    problem = network((2, 2, 2), "tanh", "softmax", "cross_entropy", targets=["1/2", "1/4"], seed=2)
    psol, _, _ = assert_walk_matches_direct_diff(problem)
    model = Model(problem.parts[0])
    for k in ("5", "6"):
        step = psol.step(f"delta_{k}")
        assert step.forms[-1] != model.out(k, 0) - model.target(k, 0)
        u = psol.step(f"act_{k}").value
        t = dict(problem.parts[0].samples[0].t)[k]
        assert abs(float((step.value - (u * sp.Rational(3, 4) - t)).evalf(30))) < 1e-25


@pytest.mark.slow
def test_the_simplification_is_decided_by_sympy_not_by_names(monkeypatch):
    """A sigmoid and a cross-entropy under new names (rows added to the tables) simplify too; a loss
    row with the cross-entropy formula but without the Σ t = 1 fact does not, for softmax."""
    spec = activations.TABLE["sigmoid"]
    monkeypatch.setitem(activations.TABLE, "squash", ActivationSpec(spec.value, spec.derivative))
    monkeypatch.setitem(losses.TABLE, "log_loss_2", losses.Loss(
        "log_loss_2", losses.TABLE["binary_cross_entropy"].per_sample, "bce again",
        domain=("positive", "below_one"), target_low=sp.Integer(0), target_high=sp.Integer(1)))
    monkeypatch.setitem(losses.TABLE, "ce_2", losses.Loss(
        "ce_2", losses.TABLE["cross_entropy"].per_sample, "ce again", domain=("positive",),
        target_low=sp.Integer(0), target_sum=sp.Integer(1)))
    monkeypatch.setitem(losses.TABLE, "ce_no_fact", losses.Loss(
        "ce_no_fact", losses.TABLE["cross_entropy"].per_sample, "ce without the fact", domain=("positive",),
        target_low=sp.Integer(0)))
    for output, loss, simple in (("squash", "log_loss_2", True), ("softmax", "ce_2", True),
                                 ("softmax", "ce_no_fact", False)):
        problem = network((2, 2, 2), "tanh", output, loss, targets=[0, 1], seed=4)
        model = Model(problem.parts[0])
        deltas = [a for a in derive(model) if a.id in ("delta_5", "delta_6")]
        assert len(deltas) == 2 and all((a.simple is not None) == simple for a in deltas), (output, loss)
        psol = solve_part(problem.parts[0])
        for k, t in zip(("5", "6"), (0, 1)):       # the shown form's numbers give the value
            assert abs(psol.step(f"delta_{k}").float_value - (psol.step(f"act_{k}").float_value - t)) < 1e-12


def test_simple_output_delta_is_none_for_a_rule_that_is_not_u_minus_t():
    part = network((2, 2, 2), "tanh", "sigmoid", "binary_cross_entropy").parts[0]
    model = Model(part)
    u, t = model.out("5", 0), model.target("5", 0)
    assert simple_output_delta(model, "5", 0, 2 * (u - t)) is None
    assert simple_output_delta(model, "5", 0, (u - t) * model.gprime("5", 0)) is None
    bce_chain = u * (1 - u) * ((1 - t) / (1 - u) - t / u)         # g'(net)·∂J/∂u = u − t
    assert simple_output_delta(model, "5", 0, bce_chain) == u - t
    assert simple_output_delta(model, "5", 0, -bce_chain) is None     # t − u: not this convention's form


# -- the update-rule table ------------------------------------------------------------------------
def test_sgd_row():
    g, eta = sp.symbols("g eta")
    row = updates.TABLE["sgd"]
    assert row.state == () and row.initial_state() == {}
    assert row.update(g, eta) == (-eta * g, {})
    assert row.update(g, eta, frozen=True) == (0, {})
    with pytest.raises(ValueError, match="no parameter beta"):
        row.update(g, eta, beta=sp.Rational(9, 10))


def test_a_row_with_state_gives_the_update_and_the_new_state(monkeypatch):
    """A momentum row (issue 13's kind): v' = βv + ∂J/∂w, Δw = −η·v'; derive takes Δw from the row."""
    def momentum(grad, eta, state, beta):
        v = beta * state["v"] + grad
        return -eta * v, {"v": v}

    row = updates.UpdateRule("momentum", momentum, "v' = βv + ∂J/∂w, Δw = −η v'", state=("v",),
                             params={"beta": sp.Rational(9, 10)})
    g, eta, v = sp.symbols("g eta v")
    assert row.update(g, eta, {"v": v}) == (-eta * (sp.Rational(9, 10) * v + g), {"v": sp.Rational(9, 10) * v + g})
    assert row.update(g, eta, {"v": v}, beta=sp.Rational(1, 2))[0] == -eta * (v / 2 + g)
    assert row.update(g, eta, {"v": v}, frozen=True) == (0, {"v": v})
    with pytest.raises(ValueError, match="needs its state v"):
        row.update(g, eta, {})
    monkeypatch.setitem(updates.TABLE, "momentum", row)
    monkeypatch.setitem(updates.TABLE, "halved", updates.UpdateRule("halved", lambda g, eta, state: (-eta * g / 2, {}),
                                                                    "Δw = −η·∂J/∂w/2"))
    part = load_problem(PROBLEMS / "xor.yaml").parts[0]
    plain = {a.id: a for a in derive(Model(part))}
    momentum_steps = {a.id: a for a in derive(Model(part), optimizer="momentum")}
    halved = {a.id: a for a in derive(Model(part), optimizer="halved")}
    updated = [qid for qid in plain if qid.startswith("update_w_")]
    assert updated and list(momentum_steps) == list(halved) == list(plain)
    for qid in updated:
        assert momentum_steps[qid].rule == plain[qid].rule        # from the initial state v = 0: sgd's step
        grad = plain[qid.replace("update_w_", "grad_w_")].rule
        assert halved[qid].rule == -Model(part).eta * grad / 2 != plain[qid].rule


def test_frozen_weights_do_not_move():
    """problems/deep.yaml freezes w_45: its update is 0 (the row's frozen case), the others −η·∂J/∂w."""
    model = Model(load_problem(PROBLEMS / "deep.yaml").parts[0])
    rules = {a.id: a.rule for a in derive(model)}
    assert rules["update_w_4_5"] == 0
    assert rules["update_w_4_6"] == -model.eta * rules["grad_w_4_6"] != 0
    assert rules["grad_w_4_5"] != 0


# -- the loss facts -------------------------------------------------------------------------------
def test_loss_rows_hold_their_facts():
    ce, bce, l1, half = (losses.TABLE[n] for n in ("cross_entropy", "binary_cross_entropy", "l1",
                                                   "half_squared_error"))
    assert ce.target_error(sp.Integer(-1)) == "cross_entropy needs targets in 0 or more"
    assert ce.target_error(sp.Integer(3)) is None
    assert bce.target_error(sp.Rational(3, 2)) == "binary_cross_entropy needs targets in [0, 1]"
    assert bce.target_error(sp.Rational(1, 2)) is None
    assert ce.targets_fit([sp.Integer(0), sp.Integer(1)]) and not ce.targets_fit([sp.Rational(1, 2)] * 3)
    assert bce.targets_fit([sp.Rational(1, 2)] * 3)
    assert ce.domain_text == "u > 0" and bce.domain_text == "u > 0, u < 1" and l1.domain_text == ""
    assert l1.kinks == (sp.Abs,) and not ce.kinks
    assert half.half and not any(losses.TABLE[n].half for n in losses.NAMES if n != "half_squared_error")
    constrained = {n for n in losses.NAMES if losses.TABLE[n].constrains_targets}
    assert constrained == {"cross_entropy", "binary_cross_entropy"}


def test_problem_targets_are_checked_by_the_row(monkeypatch):
    base = (PROBLEMS / "classifier.yaml").read_text(encoding="utf-8")
    with pytest.raises(ProblemError, match=r"target of unit 7 is -1; cross_entropy needs targets in 0 or more"):
        parse_problem(base.replace("t: {6: 0, 7: 1, 8: 0}", "t: {6: 0, 7: -1, 8: 0}"), "c.yaml")
    monkeypatch.setitem(losses.TABLE, "capped", losses.Loss(
        "capped", losses.TABLE["half_squared_error"].per_sample, "½Σ(t − u)², t ≤ 1/2",
        target_high=sp.Rational(1, 2)))
    text = base.replace("loss: cross_entropy", "loss: capped").replace("layers: [[3, 4, 5], [6, 7, 8]]",
                                                                         "layers: [[3, 4, 5], [6, 7, 8]]\n"
                                                                         "  output_activation: sigmoid")
    with pytest.raises(ProblemError, match=r"capped needs targets in 1/2 or less"):
        parse_problem(text, "c.yaml")
    assert parse_problem(text.replace("7: 1,", "7: 0.5,"), "c.yaml").parts[0].loss == "capped"


@pytest.mark.slow
def test_a_new_loss_touches_only_the_loss_table(monkeypatch, tmp_path):
    """A loss row added to losses.TABLE (log-cosh, with an l1-like kink term) is accepted in a problem
    file, solved by the walk (checked against direct diff), and its kink is reported by the gradient check."""
    def log_cosh(u, t):
        return sp.Add(*[sp.log(sp.cosh(tk - uk)) for uk, tk in zip(u, t)])

    def kinky(u, t):
        return sp.Add(*[sp.Abs(tk - uk) / 2 for uk, tk in zip(u, t)])

    monkeypatch.setitem(losses.TABLE, "log_cosh", losses.Loss("log_cosh", log_cosh, "sum_k ln cosh(t_k - u_k)"))
    monkeypatch.setitem(losses.TABLE, "half_l1", losses.Loss("half_l1", kinky, "1/2 sum_k |t_k - u_k|",
                                                             kinks=(sp.Abs,), kink_note="an output equals its target"))
    for loss in ("log_cosh", "half_l1"):
        problem = network((2, 2, 2), "tanh", "identity", loss, "minus_dJ_dnet", samples=1 + (loss == "half_l1"),
                          seed=8)
        assert problem.parts[0].loss == loss
        assert_walk_matches_direct_diff(problem)
    # the kink: an identity output equal to its target (one weight chosen to put u_5 on t_5 = 0)
    text = yaml.safe_dump({
        "title": "kink", "network": {"inputs": [1], "bias": 0, "layers": [[2]], "activation": "identity"},
        "weights": {0: {2: 0.5}, 1: {2: -0.5}}, "sample": {"x": {1: 1}, "t": {2: 0}},
        "loss": "half_l1", "learning_rate": 1})
    (tmp_path / "k.yaml").write_text(text, encoding="utf-8")
    from symbackprop.gradcheck import check_part
    report = check_part(solve(tmp_path / "k.yaml").parts[0])
    assert report.kinks and all("a kink of the half_l1 loss" in g.kink for g in report.kinks)


def test_the_domain_message_reads_the_row():
    """An identity output of −1 under cross-entropy: ln u is undefined, and the message says u > 0."""
    text = yaml.safe_dump({
        "title": "domain", "network": {"inputs": [1], "bias": 0, "layers": [[2, 3]], "activation": "identity",
                                        "output_activation": "identity"},
        "weights": {0: {2: -1, 3: 1}, 1: {2: 0, 3: 0}}, "sample": {"x": {1: 1}, "t": {2: 1, 3: 0}},
        "loss": "cross_entropy", "learning_rate": 1})
    with pytest.raises(SymbackpropError, match=r"needs outputs in its domain \(u > 0\) \(output activation identity\)"):
        solve(parse_problem(text, "d.yaml"))
