"""For random networks of several shapes, every activation and every loss: the chain-rule
gradients equal direct sympy.diff of the substituted loss and central finite differences, and the
two δ conventions give the same updates."""
import pytest
import sympy as sp
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symbackprop.gradcheck import check_part
from symbackprop.problem import parse_problem
from symbackprop.solution import solve

HIDDEN = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "swish", "gelu", "softplus"]
ANY_OUTPUT_LOSS = ["half_squared_error", "squared_error", "mse", "l1"]

weight = st.integers(-12, 12).map(lambda k: k / 8 + 1 / 64)   # exact in binary and decimal; never 0


@st.composite
def problems(draw):
    # small shapes: direct diff of the whole substituted loss grows fast with depth and width
    n_in = draw(st.integers(1, 3))
    widths = draw(st.lists(st.integers(1, 2), min_size=1, max_size=2))
    n_out = draw(st.integers(1, 2))
    loss = draw(st.sampled_from(ANY_OUTPUT_LOSS + ["cross_entropy", "binary_cross_entropy"]))
    hidden = [draw(st.sampled_from(HIDDEN)) for _ in widths]
    if loss == "cross_entropy":
        out_act = draw(st.sampled_from(["softmax", "sigmoid"]))
    elif loss == "binary_cross_entropy":
        out_act = "sigmoid"
    else:
        out_act = draw(st.sampled_from(HIDDEN + ["softmax"]))
    inputs = [f"i{k}" for k in range(n_in)]
    layers = [[f"h{li}u{k}" for k in range(w)] for li, w in enumerate(widths)] + [[f"o{k}" for k in range(n_out)]]
    weights, prev = {}, inputs
    for layer in layers:
        for src in ["b"] + prev:
            weights.setdefault(src, {})
            for dst in layer:
                weights[src][dst] = draw(weight)
        prev = layer
    n_samples = draw(st.integers(1, 2))
    samples = []
    for _ in range(n_samples):
        x = {i: draw(weight) for i in inputs}
        if loss in ("cross_entropy", "binary_cross_entropy"):
            t = {o: draw(st.sampled_from([0, 1, 0.25])) for o in layers[-1]}
        else:
            t = {o: draw(weight) for o in layers[-1]}
        samples.append({"x": x, "t": t})
    doc = {"network": {"inputs": inputs, "bias": "b", "layers": layers,
                       "activation": hidden, "output_activation": out_act},
           "weights": weights, "samples": samples, "loss": loss,
           "learning_rate": draw(st.sampled_from([1, 0.5, 0.1])),
           "batch_reduction": draw(st.sampled_from(["mean", "sum"])),
           "relu_derivative_at_zero": draw(st.sampled_from([0, 1]))}
    return doc


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
@pytest.mark.slow
def test_chain_rule_equals_direct_diff_and_finite_differences(doc):
    part = parse_problem(yaml.safe_dump(doc), "random.yaml").parts[0]
    sol = solve(parse_problem(yaml.safe_dump(doc), "random.yaml"))
    report = check_part(sol.parts[0])
    assert report.max_direct < 1e-12, report
    assert report.max_fd < 1e-5, report
    assert len(report.gradients) == len(part.weights)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
@pytest.mark.slow
def test_both_conventions_give_the_same_updates(doc):
    a = solve(parse_problem(yaml.safe_dump(doc), "a.yaml")).parts[0]
    doc["notation"] = {"weight": "to_from", "delta": "minus_dJ_dnet"}
    b = solve(parse_problem(yaml.safe_dump(doc), "b.yaml")).parts[0]
    for step in a.steps:
        other = b.step(step.id).float_value
        if step.id.startswith("delta_"):
            assert abs(other + step.float_value) <= 1e-14 * max(1, abs(step.float_value))
        elif step.id.startswith(("update_", "new_", "grad_")):
            assert abs(other - step.float_value) <= 1e-14 * max(1, abs(step.float_value))


@pytest.mark.parametrize("act", [a if a == "sigmoid" else pytest.param(a, marks=pytest.mark.slow)
                                 for a in HIDDEN])          # one in the fast tier, every one in CI
def test_every_activation_in_a_two_hidden_layer_network(act):
    layers = [["a1", "a2"], ["b1", "b2"], ["o1"]]
    weights, prev = {}, ["i1", "i2"]
    for li, layer in enumerate(layers):
        for si, src in enumerate(["b"] + prev):
            weights.setdefault(src, {}).update({dst: (-1) ** (si + di + li) * (0.25 + 0.125 * si + 0.0625 * di)
                                                for di, dst in enumerate(layer)})
        prev = layer
    doc = {"network": {"inputs": ["i1", "i2"], "bias": "b", "layers": layers, "activation": act,
                       "output_activation": "sigmoid"},
           "weights": weights, "sample": {"x": {"i1": 0.5, "i2": -1.5}, "t": {"o1": 1}},
           "loss": "binary_cross_entropy"}
    report = check_part(solve(parse_problem(yaml.safe_dump(doc))).parts[0])
    assert report.max_direct < 1e-12 and report.max_fd < 1e-5, report


def test_rules_stay_within_one_layer():
    """The derivation's rules name only the previous layer's intermediates: their size does not
    grow with depth (a whole-network expansion would grow as width^depth)."""
    from symbackprop.derive import derive
    from symbackprop.model import Model

    def max_rule_ops(depth):
        layers = [[f"h{d}u{k}" for k in range(3)] for d in range(depth)] + [["o"]]
        weights, prev = {}, ["i0", "i1"]
        for layer in layers:
            for src in ["b"] + prev:
                weights.setdefault(src, {}).update({dst: 0.5 for dst in layer})
            prev = layer
        doc = {"network": {"inputs": ["i0", "i1"], "bias": "b", "layers": layers, "activation": "tanh"},
               "weights": weights, "sample": {"x": {"i0": 1, "i1": 2}, "t": {"o": 1}},
               "loss": "half_squared_error"}
        model = Model(parse_problem(yaml.safe_dump(doc)).parts[0])
        return max(sp.count_ops(a.rule) for a in model.forward + derive(model))

    assert max_rule_ops(6) == max_rule_ops(2)
