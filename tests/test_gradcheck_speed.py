"""The gradient check of `solve --check` (gradcheck.py) at size: its reverse sweep over the loss
graph gives exactly `sympy.diff` of the substituted loss, for every activation × loss, in batches
and at kinks; it agrees with the chain rule on every problem file; the graph it sweeps grows with
the network, not as width^depth; and it stays independent of the model.

The reference here is built by this test itself, with SymPy's ordinary (evaluated) arithmetic and
`sympy.diff` one weight at a time, on networks small enough for that."""
import json
import subprocess
import sys

import pytest
import sympy as sp
import yaml
from conftest import NETWORKS, expanded_loss

from symbackprop.gradcheck import LossGraph, check_part, direct_gradients, loss_graph, substituted_loss
from symbackprop.problem import load_problem, parse_problem
from symbackprop.solution import solve

HIDDEN = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "swish", "gelu", "softplus"]
LOSS_OUTPUT = {"half_squared_error": "tanh", "squared_error": "identity", "mse": "sigmoid", "l1": "identity",
               "cross_entropy": "softmax", "binary_cross_entropy": "sigmoid"}
HARD_TIMEOUT = 600        # turns a hang into a failure; not a speed assertion


def network(sizes, hidden="tanh", output="sigmoid", loss="half_squared_error", samples=1, reduction="mean",
            g0=0, numbers=None) -> dict:
    """A fully connected network with a bias; weights and inputs from `numbers` (exact fractions)."""
    numbers = numbers or ["3/8", "-1/4", "5/16", "1/2", "-7/16", "1/8", "-3/16", "9/16", "-5/8"]
    k = iter(range(10 ** 6))

    def num():
        return numbers[next(k) % len(numbers)]
    inputs = [f"i{n}" for n in range(sizes[0])]
    layers = [[f"l{li}u{n}" for n in range(w)] for li, w in enumerate(sizes[1:])]
    weights, prev = {}, inputs
    for layer in layers:
        for src in ["b"] + prev:
            weights.setdefault(src, {}).update({dst: num() for dst in layer})
        prev = layer
    data = []
    for s in range(samples):
        t = {o: ("1/4" if loss != "cross_entropy" else 1 if n == s % len(layers[-1]) else 0)
             for n, o in enumerate(layers[-1])}
        data.append({"x": {i: num() for i in inputs}, "t": t})
    return {"network": {"inputs": inputs, "bias": "b", "layers": layers, "activation": hidden,
                        "output_activation": output},
            "weights": weights, "samples": data, "loss": loss, "learning_rate": "1/2",
            "batch_reduction": reduction, "relu_derivative_at_zero": g0}


def symbols_of(part):
    keys = [(w.source, w.target) for w in part.weights]
    wsyms = {key: sp.Symbol(f"w_{key[0]}_{key[1]}", real=True) for key in keys}
    return keys, wsyms, {wsyms[(w.source, w.target)]: w.value for w in part.weights}


def sweep(part) -> dict:
    """∂J/∂w by the check's reverse sweep over its graph of `part`, keyed (source, target)."""
    keys, wsyms, wvals = symbols_of(part)
    J, bindings, _ = loss_graph(part, wsyms)
    graph = LossGraph(J, [wsyms[k] for k in keys], bindings)
    graph.evaluate(wvals)
    grads = graph.gradient()
    return {k: grads[wsyms[k]] for k in keys}


def assert_sweep_equals_sympy_diff(part):
    keys, wsyms, wvals = symbols_of(part)
    ours = [sweep(part)[k] for k in keys]
    reference = expanded_loss(part, wsyms)[0]   # SymPy's ordinary arithmetic, as before the sweep
    for key, value in zip(keys, ours):
        expected = sp.diff(reference, wsyms[key]).xreplace(wvals)
        if expected.is_Rational:
            assert value == expected, (key, value, expected)        # exact stays exact
        else:
            difference = abs(sp.N(value - expected, 40))
            assert difference <= sp.Float("1e-30") * max(1, abs(sp.N(expected, 40))), (key, value, expected)


@pytest.mark.parametrize("hidden, loss", [(h, list(LOSS_OUTPUT)[k % len(LOSS_OUTPUT)]) for k, h in enumerate(HIDDEN)])
@pytest.mark.slow
def test_the_sweep_equals_sympy_diff_for_every_activation(hidden, loss):
    test_the_sweep_equals_sympy_diff_for_every_activation_and_loss(hidden, loss)


@pytest.mark.slow
@pytest.mark.parametrize("loss", list(LOSS_OUTPUT))
@pytest.mark.parametrize("hidden", HIDDEN)
def test_the_sweep_equals_sympy_diff_for_every_activation_and_loss(hidden, loss):
    doc = network([1, 2, 2], hidden=hidden, output=LOSS_OUTPUT[loss], loss=loss, samples=2,
                  reduction="mean" if HIDDEN.index(hidden) % 2 else "sum")
    assert_sweep_equals_sympy_diff(parse_problem(yaml.safe_dump(doc), "g.yaml").parts[0])


@pytest.mark.slow
@pytest.mark.parametrize("output", HIDDEN + ["softmax"])
def test_the_sweep_equals_sympy_diff_for_every_output_activation_in_a_deeper_batch(output):
    doc = network([1, 2, 1, 2], hidden="sigmoid", output=output, loss="squared_error", samples=3)
    assert_sweep_equals_sympy_diff(parse_problem(yaml.safe_dump(doc), "g.yaml").parts[0])


# ReLU with g'(0) = 0 and ELU with g'(0) = 1 stay fast; the other four pairs repeat them (slow tier)
@pytest.mark.parametrize("hidden, g0", [(h, g) if (h, g) in (("relu", 0), ("elu", 1))
                                        else pytest.param(h, g, marks=pytest.mark.slow)
                                        for h in ("relu", "leaky_relu", "elu") for g in (0, 1)])
def test_at_a_kink_the_sweep_takes_the_convention_exactly(hidden, g0):
    # unit l0u0 gets net = 1/2 − 1/2 = 0 exactly: the sweep takes ReLU'(0) = g0 and leaky ReLU'(0) = slope,
    # as sympy.diff of the Heaviside / Piecewise says; finite differences list its weights as not comparable
    # (ELU with alpha 1 is smooth there), and the direct values agree with the chain rule
    doc = network([1, 2, 1], hidden=hidden, output="identity", loss="half_squared_error", g0=g0,
                  numbers=["1/2", "-1/2", "3/4", "1/4"])
    doc["weights"]["b"]["l0u0"], doc["weights"]["i0"]["l0u0"] = "1/2", "-1/2"
    doc["samples"] = [{"x": {"i0": 1}, "t": {"l1u0": 2}}]
    part = parse_problem(yaml.safe_dump(doc), "k.yaml").parts[0]
    assert_sweep_equals_sympy_diff(part)
    keys, wsyms, wvals = symbols_of(part)
    grads = sweep(part)
    w = {k: wvals[wsyms[k]] for k in keys}
    net1 = w[("b", "l0u1")] + w[("i0", "l0u1")]
    g1 = {"relu": max(net1, 0), "leaky_relu": net1 if net1 > 0 else net1 / 100,
          "elu": net1 if net1 > 0 else sp.exp(net1) - 1}[hidden]
    u = w[("b", "l1u0")] + w[("l0u0", "l1u0")] * 0 + w[("l0u1", "l1u0")] * g1
    slope_at_zero = {"relu": g0, "leaky_relu": sp.Rational(1, 100), "elu": 1}[hidden]
    expected = (u - 2) * w[("l0u0", "l1u0")] * slope_at_zero
    assert sp.N(grads[("b", "l0u0")] - expected, 40) == 0 if hidden != "elu" else \
        abs(sp.N(grads[("b", "l0u0")] - expected, 40)) < 1e-35
    if hidden != "elu":
        assert grads[("b", "l0u0")] == expected                  # exact
    report = check_part(solve(parse_problem(yaml.safe_dump(doc), "k.yaml")).parts[0])
    assert report.max_direct < 1e-12, report
    if hidden == "elu":
        assert not report.kinks and report.ok
    else:
        assert {g.id for g in report.kinks} >= {"grad_w_b_l0u0", "grad_w_i0_l0u0"}
        assert all("net_l0u0 = 0" in g.kink for g in report.kinks)


def test_l1_at_its_kink_takes_the_subgradient_zero():
    # the output equals its target exactly: d|t − u|/du = sign(0) = 0, so every gradient is 0
    doc = network([1, 1], hidden="identity", output="identity", loss="l1", numbers=["1/2"])
    doc["samples"] = [{"x": {"i0": 1}, "t": {"l0u0": 1}}]
    part = parse_problem(yaml.safe_dump(doc), "l1.yaml").parts[0]
    assert_sweep_equals_sympy_diff(part)
    assert list(sweep(part).values()) == [0, 0]
    report = check_part(solve(parse_problem(yaml.safe_dump(doc), "l1.yaml")).parts[0])
    assert report.max_direct == 0 and all("kink of the l1 loss" in g.kink for g in report.gradients)


@pytest.mark.parametrize("path", NETWORKS, ids=lambda p: p.name)
@pytest.mark.slow
def test_every_problem_file_agrees_three_ways(path):
    problem = load_problem(path)
    solution = solve(problem)
    for psol in solution.parts:
        report = check_part(psol)
        assert report.ok, report
        part = psol.part           # every weight, every input of every sample if asked, every shared parameter
        inputs = len(part.inputs) * len(part.samples) if part.input_gradients else 0
        assert len(report.gradients) == len(part.weights) + inputs + len(part.shared)
        assert_sweep_equals_sympy_diff(psol.part)
        for g in report.gradients:
            assert abs(g.direct - g.chain) <= 1e-12 * max(1, abs(g.chain))


def test_finite_differences_in_chunks_equal_one_pass(monkeypatch):
    import symbackprop.gradcheck as gradcheck
    part = parse_problem(yaml.safe_dump(network([3, 4, 2], samples=2)), "f.yaml").parts[0]
    keys, wsyms, _ = symbols_of(part)
    J, bindings, _ = loss_graph(part, wsyms)
    graph = LossGraph(J, [wsyms[k] for k in keys], bindings)
    point = [float(w.value) for w in part.weights]
    whole = graph.finite_differences(point, 1e-6)
    monkeypatch.setattr(gradcheck, "_FD_CELLS", 1)          # two perturbed points per pass
    assert graph.finite_differences(point, 1e-6) == whole
    exact = sweep(part)
    assert all(abs(fd - float(exact[k])) < 1e-8 for fd, k in zip(whole, keys))


def test_the_expanded_loss_gives_the_same_gradients():
    # substituted_loss (every layer substituted, what sympy.diff of the whole loss takes) and the graph
    part = parse_problem(yaml.safe_dump(network([2, 3, 2], hidden="leaky_relu", samples=2)), "e.yaml").parts[0]
    keys, wsyms, wvals = symbols_of(part)
    J, _ = substituted_loss(part, wsyms)
    assert not J.free_symbols - set(wsyms.values())
    expanded = direct_gradients(J, [wsyms[k] for k in keys], wvals)
    graph = sweep(part)
    assert all(abs(sp.N(a - graph[k], 40)) < 1e-35 for a, k in zip(expanded, keys))


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.slow
def test_the_graph_grows_with_the_network_not_as_width_to_the_depth(hidden):
    # ten hidden layers of 3: the expanded tree has about 4^10 leaves per output; the graph the sweep
    # walks has a few nodes per weight and unit
    doc = network([2] + [3] * 10 + [1], hidden=hidden, output="sigmoid", samples=2)
    part = parse_problem(yaml.safe_dump(doc), "deep.yaml").parts[0]
    keys, wsyms, wvals = symbols_of(part)
    J, bindings, nets = loss_graph(part, wsyms)
    work = (len(part.weights) + sum(len(layer) for layer in part.layers)) * len(part.samples)
    assert max(len(list(sp.preorder_traversal(e))) for e in bindings.values()) <= 4 * 4 + 20
    graph = LossGraph(J, [wsyms[k] for k in keys], bindings)
    assert len(graph.order) <= 8 * work
    graph.evaluate(wvals)
    assert len(graph.gradient()) == len(part.weights)


@pytest.mark.slow
def test_the_check_does_not_load_the_model():
    code = ("import sys, symbackprop.gradcheck; "
            "print(sorted(m for m in sys.modules if m.startswith('symbackprop')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=HARD_TIMEOUT)
    loaded = out.stdout
    assert "symbackprop.gradcheck" in loaded, out.stderr
    for module in ("model", "derive", "solution", "evaluate", "symbolic_rules"):
        assert f"'symbackprop.{module}'" not in loaded, loaded


@pytest.mark.slow
def test_a_302_weight_network_is_checked(tmp_path):
    # 5-10-10-10-2 tanh, sigmoid outputs: refused by the old width^depth check, solved and checked now
    doc = network([5, 10, 10, 10, 2])
    path = tmp_path / "n302.yaml"
    path.write_text(yaml.safe_dump(doc))
    r = subprocess.run([sys.executable, "-m", "symbackprop.cli", "solve", str(path), "--check", "--format", "json"],
                       capture_output=True, text=True, timeout=HARD_TIMEOUT)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    checks = json.dumps(data)
    assert checks.count('"chain_rule"') == 302
    assert '"max_relative_difference_finite_differences"' in checks
