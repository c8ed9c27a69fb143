"""symbackprop/optimizers.py (issue 13 groundwork): every optimizer in both forms, worked by hand for two
steps; the pytorch form against torch.optim (tests/data/optim/torch_reference.json, written by
make_torch_reference.py next to it); the lecture's Adagrad print; bad settings."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from symbackprop import optimizers as opt
from symbackprop.messages import catalogue

R = sp.Rational
DATA = Path(__file__).resolve().parent / "data" / "optim"

# (optimizer, form, settings, θ_0, [g_1, g_2] or a gradient function of the point, [step 1, step 2])
# Every expected value is worked by hand from the formulas in the comment above it.
HAND = [
    # θ1 = 1 − 0.1·2 = 0.8;  θ2 = 0.8 − 0.1·(−1) = 0.9
    ("sgd", "lecture", {"lr": R(1, 10)}, 1, [2, -1], [{"theta": R(4, 5)}, {"theta": R(9, 10)}]),
    # g̃1 = 2 + ½·1 = 5/2, θ1 = 1 − 0.1·5/2 = 3/4;  g̃2 = −1 + ½·3/4 = −5/8, θ2 = 3/4 + 0.1·5/8 = 13/16
    ("sgd", "pytorch", {"lr": R(1, 10), "weight_decay": R(1, 2)}, 1, [2, -1],
     [{"g_decayed": R(5, 2), "theta": R(3, 4)}, {"g_decayed": R(-5, 8), "theta": R(13, 16)}]),
    # v1 = ½·0 + 0.1·2 = 1/5, θ1 = 1 − 1/5 = 4/5;  v2 = ½·1/5 + 0.1·(−1) = 0, θ2 = 4/5
    ("momentum", "lecture", {"lr": R(1, 10), "momentum": R(1, 2)}, 1, [2, -1],
     [{"velocity": R(1, 5), "theta": R(4, 5)}, {"velocity": 0, "theta": R(4, 5)}]),
    # torch: b1 = g1 = 2 (not (1 − τ)·g1), θ1 = 1 − 0.1·2 = 4/5;
    #        b2 = ½·2 + (1 − ¼)·(−1) = 1/4, θ2 = 4/5 − 0.1·1/4 = 31/40
    ("momentum", "pytorch", {"lr": R(1, 10), "momentum": R(1, 2), "dampening": R(1, 4)}, 1, [2, -1],
     [{"velocity": 2, "theta": R(4, 5)}, {"velocity": R(1, 4), "theta": R(31, 40)}]),
    # Ruder, g at the look-ahead point, L = θ², g = 2·point:
    #   point1 = 1 − ½·0 = 1, g1 = 2, v1 = 0.1·2 = 1/5, θ1 = 4/5;
    #   point2 = 4/5 − ½·1/5 = 7/10, g2 = 7/5, v2 = ½·1/5 + 0.1·7/5 = 6/25, θ2 = 4/5 − 6/25 = 14/25
    ("nesterov", "lecture", {"lr": R(1, 10), "momentum": R(1, 2)}, 1, lambda point: 2 * point,
     [{"velocity": R(1, 5), "theta": R(4, 5)}, {"velocity": R(6, 25), "theta": R(14, 25)}]),
    # torch: b1 = 2, ḡ1 = 2 + ½·2 = 3, θ1 = 1 − 0.3 = 7/10;  b2 = ½·2 − 1 = 0, ḡ2 = −1, θ2 = 7/10 + 0.1 = 4/5
    ("nesterov", "pytorch", {"lr": R(1, 10), "momentum": R(1, 2)}, 1, [2, -1],
     [{"velocity": 2, "g_nesterov": 3, "theta": R(7, 10)}, {"velocity": 0, "g_nesterov": -1, "theta": R(4, 5)}]),
    # G1 = 4, θ1 = 1 − 0.1/√(4 + 5)·2 = 1 − 1/15 = 14/15;  G2 = 4 + 16 = 20, θ2 = 14/15 − 0.1/√25·4 = 64/75
    ("adagrad", "lecture", {"lr": R(1, 10), "eps": 5}, 1, [2, 4],
     [{"G": 4, "theta": R(14, 15)}, {"G": 20, "theta": R(64, 75)}]),
    # torch, G0 = 5, κ = 1: G1 = 9, η̃1 = 0.1/(1 + 0) = 1/10, θ1 = 1 − 0.1·2/(3 + ½) = 33/35;
    #   G2 = 25, η̃2 = 0.1/(1 + 1) = 1/20, θ2 = 33/35 − (1/20)·4/(5 + ½) = 33/35 − 2/55 = 349/385
    ("adagrad", "pytorch", {"lr": R(1, 10), "eps": R(1, 2), "lr_decay": 1, "initial_accumulator_value": 5}, 1,
     [2, 4], [{"lr_decayed": R(1, 10), "G": 9, "theta": R(33, 35)},
              {"lr_decayed": R(1, 20), "G": 25, "theta": R(349, 385)}]),
    # E1 = ½·0 + ½·4 = 2, θ1 = 1 − 0.1/√(2 + 7)·2 = 14/15;  E2 = ½·2 + ½·16 = 9, θ2 = 14/15 − 0.1/√16·4 = 5/6
    ("rmsprop", "lecture", {"lr": R(1, 10), "alpha": R(1, 2), "eps": 7}, 1, [2, 4],
     [{"Eg2": 2, "theta": R(14, 15)}, {"Eg2": 9, "theta": R(5, 6)}]),
    # E1 = ¾·0 + ¼·4 = 1, θ1 = 1 − 0.1·2/(√1 + 1) = 9/10;  E2 = ¾ + ¼·1 = 1, θ2 = 9/10 − 0.1·(−1)/2 = 19/20
    ("rmsprop", "pytorch", {"lr": R(1, 10), "alpha": R(3, 4), "eps": 1}, 1, [2, -1],
     [{"Eg2": 1, "theta": R(9, 10)}, {"Eg2": 1, "theta": R(19, 20)}]),
    # Ruder (no η): Eg1 = ½·4 = 2, Δθ1 = −√(0 + ¼)/√(2 + ¼)·2 = −(1/2)/(3/2)·2 = −2/3, θ1 = 1/3,
    #   Edx1 = ½·0 + ½·4/9 = 2/9;
    #   Eg2 = ½·2 + ½·1 = 3/2, Δθ2 = −√(2/9 + 1/4)/√(3/2 + 1/4)·1 = −(√17/6)/(√7/2) = −√119/21,
    #   θ2 = 1/3 − √119/21, Edx2 = ½·2/9 + ½·17/63 = 31/126
    ("adadelta", "lecture", {"rho": R(1, 2), "eps": R(1, 4)}, 1, [2, 1],
     [{"Eg2": 2, "delta": R(-2, 3), "Edx2": R(2, 9), "theta": R(1, 3)},
      {"Eg2": R(3, 2), "delta": -sp.sqrt(119) / 21, "Edx2": R(31, 126), "theta": R(1, 3) - sp.sqrt(119) / 21}]),
    # torch: the same delta with the other sign, then θ −= η·delta with η = ½:
    #   θ1 = 1 − ½·2/3 = 2/3;  θ2 = 2/3 − ½·√119/21 = 2/3 − √119/42
    ("adadelta", "pytorch", {"lr": R(1, 2), "rho": R(1, 2), "eps": R(1, 4)}, 1, [2, 1],
     [{"Eg2": 2, "delta": R(2, 3), "Edx2": R(2, 9), "theta": R(2, 3)},
      {"Eg2": R(3, 2), "delta": sp.sqrt(119) / 21, "Edx2": R(31, 126), "theta": R(2, 3) - sp.sqrt(119) / 42}]),
    # m1 = ½·2 = 1, v1 = ½·4 = 2, m̂1 = 1/(1 − ½) = 2, v̂1 = 2/(1 − ½) = 4, θ1 = 1 − 0.1/√(4 + 5)·2 = 14/15;
    #   m2 = ½ + ½·(−2) = −1/2, v2 = 1 + 2 = 3, m̂2 = −½/(1 − ¼) = −2/3, v̂2 = 3/(3/4) = 4,
    #   θ2 = 14/15 − 0.1/√9·(−2/3) = 14/15 + 1/45 = 43/45
    ("adam", "lecture", {"lr": R(1, 10), "betas": [R(1, 2), R(1, 2)], "eps": 5}, 1, [2, -2],
     [{"m": 1, "v": 2, "mhat": 2, "vhat": 4, "theta": R(14, 15)},
      {"m": R(-1, 2), "v": 3, "mhat": R(-2, 3), "vhat": 4, "theta": R(43, 45)}]),
    # torch with L2 λ = ½: g̃1 = 3/2 + ½·1 = 2 (m, v, m̂, v̂ as above), θ1 = 1 − 0.1·2/(√4 + 1) = 14/15;
    #   g̃2 = −37/15 + ½·14/15 = −2, θ2 = 14/15 − 0.1·(−2/3)/(2 + 1) = 43/45
    ("adam", "pytorch", {"lr": R(1, 10), "betas": [R(1, 2), R(1, 2)], "eps": 1, "weight_decay": R(1, 2)}, 1,
     [R(3, 2), R(-37, 15)],
     [{"g_decayed": 2, "m": 1, "v": 2, "mhat": 2, "vhat": 4, "theta": R(14, 15)},
      {"g_decayed": -2, "m": R(-1, 2), "v": 3, "mhat": R(-2, 3), "vhat": 4, "theta": R(43, 45)}]),
    # m̂, v̂ as adam lecture; θ1 = 1 − 0.1·(2/3 + ½·1) = 53/60;
    #   θ2 = 53/60 − 0.1·(−2/9 + ½·53/60) = 53/60 − 0.1·79/360 = 3101/3600
    ("adamw", "lecture", {"lr": R(1, 10), "betas": [R(1, 2), R(1, 2)], "eps": 5, "weight_decay": R(1, 2)}, 1,
     [2, -2], [{"mhat": 2, "vhat": 4, "theta": R(53, 60)}, {"mhat": R(-2, 3), "vhat": 4, "theta": R(3101, 3600)}]),
    # torch: θ̃1 = 1·(1 − 0.1·½) = 19/20, θ1 = 19/20 − 0.1·2/(2 + 1) = 53/60;
    #   θ̃2 = 53/60·19/20 = 1007/1200, θ2 = 1007/1200 − 0.1·(−2/3)/3 = 1007/1200 + 1/45 = 3101/3600
    ("adamw", "pytorch", {"lr": R(1, 10), "betas": [R(1, 2), R(1, 2)], "eps": 1, "weight_decay": R(1, 2)}, 1,
     [2, -2], [{"theta_decayed": R(19, 20), "mhat": 2, "theta": R(53, 60)},
               {"theta_decayed": R(1007, 1200), "mhat": R(-2, 3), "theta": R(3101, 3600)}]),
]


def _ids(case):
    return f"{case[0]}-{case[1]}"


def _same(a, b) -> bool:
    return sp.simplify(sp.sympify(a) - sp.sympify(b)) == 0


def test_every_optimizer_and_form_is_worked_by_hand():
    assert sorted({(c[0], c[1]) for c in HAND}) == sorted(opt.TABLE)


@pytest.mark.parametrize("case", HAND, ids=_ids)
def test_two_steps_by_hand_exact_and_numpy(case):
    name, form, values, theta0, grads, expected = case
    gradient = grads if callable(grads) else None
    row = opt.optimizer(name, form)
    theta, state = sp.sympify(theta0), None
    numpy = opt.compiled(name, form, values)
    n_theta = np.array([float(theta0)])
    n_state = numpy.initial_state(1)
    for t, want in enumerate(expected, start=1):
        if gradient:
            point = opt.grad_point(name, form, theta, state or opt.initial_state(name, form, values), values)
            g = gradient(point)
            n_g = gradient(numpy.grad_point(n_theta, n_state))
        else:
            g = n_g = sp.sympify(grads[t - 1])
            n_g = np.array([float(g)])
        got = opt.step_exact(name, form, theta, g, state, t, values)
        assert list(got) == [a.name for a in opt.rule(name, form, values)]       # every intermediate, in order
        for key, value in want.items():
            assert _same(got[key], value), (t, key, got[key], value)
        n_got = numpy(n_theta, n_g, n_state, t)
        for key, value in want.items():
            assert n_got[key] == pytest.approx([float(value)], rel=1e-12, abs=1e-15), (t, key)
        theta, state = got["theta"], {s.name: got[s.name] for s in row.state}
        n_theta, n_state = n_got["theta"], {s.name: n_got[s.name] for s in row.state}


def test_each_rule_is_in_its_own_symbols_and_assigns_its_whole_state():
    for (name, form), row in opt.TABLE.items():
        known = {opt.G_T, opt.THETA_PREV, opt.T, *(p.symbol for p in row.params), *(s.previous for s in row.state)}
        lines = opt.rule(name, form)
        for line in lines:
            assert line.expr.free_symbols <= known, (name, form, line.name, line.expr.free_symbols - known)
            known.add(line.symbol)
        names = [a.name for a in lines]
        assert names[-1] == "theta" and len(set(names)) == len(names)
        assert {s.name for s in row.state} <= set(names)
        assert {s.symbol for s in row.state} <= {a.symbol for a in lines}
        assert row.grad_at.free_symbols <= {opt.THETA_PREV, *(p.symbol for p in row.params),
                                            *(s.previous for s in row.state)}
        symbol, expr = lines[-1]                                    # an assignment unpacks as (symbol, expr)
        assert symbol == opt.THETA and expr == lines[-1].expr


def test_the_rule_shown_leaves_out_what_a_zero_setting_takes_away():
    assert any(isinstance(a.expr, sp.Piecewise) for a in opt.rule("momentum", "pytorch", {"dampening": 0.5}))
    assert not any(a.expr.has(sp.Piecewise) for a in opt.rule("momentum", "pytorch", {}))
    assert "g_decayed" in [a.name for a in opt.rule("adam", "pytorch")]            # the general rule
    assert "g_decayed" not in [a.name for a in opt.rule("adam", "pytorch", {})]    # weight_decay 0
    assert "theta_decayed" in [a.name for a in opt.rule("adamw", "pytorch", {})]   # AdamW's default 1e-2
    # the lecture's formulas, as the slides write them
    lines = {a.name: a.expr for a in opt.rule("adam", "lecture")}
    assert lines["theta"] == opt.THETA_PREV - opt.ETA / sp.sqrt(opt.VHAT + opt.EPS) * opt.MHAT
    assert lines["mhat"] == opt.M / (1 - opt.BETA1 ** opt.T)
    assert opt.latex(lines["theta"]) == r"- \frac{\eta \hat{m}_{t}}{\sqrt{\epsilon + \hat{v}_{t}}} + \theta_{t-1}"


def test_defaults_are_torchs_in_the_pytorch_form():
    d = {n: opt.settings(n, "pytorch") for n in opt.NAMES}
    assert d["adam"] == {"lr": R(1, 1000), "beta1": R(9, 10), "beta2": R(999, 1000), "eps": R(1, 10**8),
                         "weight_decay": 0}
    assert d["adamw"]["weight_decay"] == R(1, 100)
    assert d["adagrad"] == {"lr": R(1, 100), "lr_decay": 0, "weight_decay": 0, "initial_accumulator_value": 0,
                            "eps": R(1, 10**10)}
    assert d["rmsprop"]["alpha"] == R(99, 100) and d["rmsprop"]["eps"] == R(1, 10**8)
    assert d["adadelta"] == {"lr": 1, "rho": R(9, 10), "eps": R(1, 10**6), "weight_decay": 0}
    assert d["momentum"]["momentum"] == R(9, 10) and d["momentum"]["dampening"] == 0
    assert opt.initial_state("adagrad", "pytorch", {"initial_accumulator_value": 0.1}) == {"G": R(1, 10)}


def test_settings_are_exact_numbers_however_written():
    given = {"lr": "1/2", "betas": ["0.8", np.float64(0.99)], "eps": "1e-8", "weight_decay": 0}
    assert opt.settings("adam", "pytorch", given) == {"lr": R(1, 2), "beta1": R(4, 5), "beta2": R(99, 100),
                                                      "eps": R(1, 10**8), "weight_decay": 0}


def test_the_form_notes_are_catalogue_messages():
    for lang in ("en", "zh"):
        assert set(opt.FORM_NOTE.values()) <= set(catalogue(lang))


# -- torch.optim -------------------------------------------------------------------------------------

REFERENCE = json.loads((DATA / "torch_reference.json").read_text(encoding="utf-8"))
CASES = REFERENCE["cases"]


def _case_id(case):
    return case["optimizer"] + "-" + "-".join(f"{k}={v}" for k, v in case["settings"].items())


def test_the_reference_covers_every_optimizer():
    assert {c["optimizer"] for c in CASES} == set(opt.NAMES)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_the_numpy_path_replays_torch_to_1e_12(case):
    q, c = np.array(REFERENCE["Q"]), np.array(REFERENCE["c"])
    trace = opt.run_numpy(case["optimizer"], "pytorch", REFERENCE["theta0"], lambda th: q @ th - c,
                          len(case["steps"]), case["settings"])
    for ours, theirs in zip(trace, case["steps"], strict=True):
        np.testing.assert_allclose(ours["theta"], theirs["theta"], rtol=0, atol=1e-12)
        for key, value in theirs["state"].items():
            np.testing.assert_allclose(ours[key], value, rtol=0, atol=1e-12)
        assert set(theirs["state"]) == {s.name for s in opt.optimizer(case["optimizer"], "pytorch").state}


def _exact_replay(case):
    q = sp.Matrix([[sp.Float(x, 30) for x in row] for row in REFERENCE["Q"]])
    c = sp.Matrix([sp.Float(x, 30) for x in REFERENCE["c"]])
    trace = opt.run_exact(case["optimizer"], "pytorch", [sp.Float(x, 30) for x in REFERENCE["theta0"]],
                          lambda point: list(q * sp.Matrix(point) - c), len(case["steps"]), case["settings"])
    for ours, theirs in zip(trace, case["steps"], strict=True):
        assert [float(p["theta"]) for p in ours] == pytest.approx(theirs["theta"], rel=0, abs=1e-12)
        for key, value in theirs["state"].items():
            assert [float(p[key]) for p in ours] == pytest.approx(value, rel=0, abs=1e-12)


def test_the_exact_path_replays_torch_adam_to_1e_12():
    _exact_replay(next(c for c in CASES if c["optimizer"] == "adam" and "weight_decay" in c["settings"]))


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_the_exact_path_replays_torch_to_1e_12(case):
    _exact_replay(case)


# -- the lecture's print of torch.optim.Adagrad(lr=0.01) ---------------------------------------------

# the gradients, the parameters before and after optimizer.step() as the lecture prints them (4 decimals)
GRAD = [-0.0313, -0.0386, -0.8571, 0.7265, 0.9405, -0.0386, -0.0476, -1.0572, 0.8961, 1.1601,
        -0.8571, -1.0572, -23.4711, 19.8953, 25.7557, 0.7265, 0.8961, 19.8953, -16.8643, -21.8319,
        0.9405, 1.1601, 25.7557, -21.8319, -28.2627,                               # A
        0.6044, 0.7455, 16.5508, -14.0294, -18.1619,                               # b
        -11.6710]                                                                  # c
BEFORE = [-0.2267, 0.6521, -0.8193, 0.7723, -0.6456, 1.2410, -2.4380, -0.5612, -0.1144, -0.2687,
          0.4792, 0.4543, -1.3530, 1.2934, -0.9943, 0.7565, 0.9449, 0.2796, 0.4703, 0.2926,
          0.4143, 0.5891, 0.4370, 0.6060, 0.0161,
          0.3592, 0.3455, -0.2517, -0.5678, -0.6016,
          -1.5490]
AFTER = [-0.2167, 0.6621, -0.8093, 0.7623, -0.6556, 1.2510, -2.4280, -0.5512, -0.1244, -0.2787,
         0.4892, 0.4643, -1.3430, 1.2834, -1.0043, 0.7465, 0.9349, 0.2696, 0.4803, 0.3026,
         0.4043, 0.5791, 0.4270, 0.6160, 0.0261,
         0.3492, 0.3355, -0.2617, -0.5578, -0.5916,
         -1.5390]


def test_the_lectures_adagrad_print_every_entry_moves_by_the_learning_rate():
    step = opt.compiled("adagrad", "pytorch", {"lr": 0.01})
    assert opt.settings("adagrad", "pytorch", {"lr": 0.01})["eps"] == R(1, 10**10)
    before, grad = np.array(BEFORE), np.array(GRAD)
    out = step(before, grad, step.initial_state(before.shape), 1)
    np.testing.assert_allclose(out["theta"] - before, -0.01 * np.sign(grad), rtol=0, atol=1e-9)
    assert np.round(out["theta"], 4).tolist() == AFTER                  # the print, to its 4 decimals
    exact = opt.step_exact("adagrad", "pytorch", R("-0.2267"), R("-0.0313"), None, 1, {"lr": R(1, 100)})
    # G1 = g², √G1 = |g|: θ1 − θ0 = 0.01·0.0313/(0.0313 + 1e−10), 1e−10·0.01/0.0313 ≈ 3e−11 short of 0.01
    assert exact["theta"] - R("-0.2267") == R(1, 100) * R("0.0313") / (R("0.0313") + R(1, 10**10))


# -- bad settings -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, form, values, key, words", [
    ("adam", "pytorch", {"lr": -0.1}, "optimizer.out_of_range", "lr = -0.1 is out of range; allowed: (0, ∞)"),
    ("sgd", "lecture", {"lr": 0}, "optimizer.out_of_range", "(0, ∞)"),
    ("adam", "lecture", {"betas": [0.9, 1.0]}, "optimizer.out_of_range", "beta2 = 1 is out of range; allowed: [0, 1)"),
    ("adamw", "pytorch", {"betas": [-0.1, 0.999]}, "optimizer.out_of_range", "beta1 = -0.1"),
    ("adam", "pytorch", {"betas": [0.9]}, "optimizer.betas_pair", "pair"),
    ("adam", "pytorch", {"eps": 0}, "optimizer.out_of_range", "(0, ∞)"),
    ("sgd", "pytorch", {"weight_decay": -1}, "optimizer.out_of_range", "[0, ∞)"),
    ("adam", "pytorch", {"momentum": 0.9}, "optimizer.unknown_setting", "lr, betas, eps, weight_decay"),
    ("sgd", "lecture", {"weight_decay": 0.1}, "optimizer.unknown_setting", "its settings are lr"),
    ("momentum", "pytorch", {"lr": "fast"}, "optimizer.not_a_number", "'fast'"),
    ("momentum", "pytorch", {"lr": True}, "optimizer.not_a_number", "True"),
    ("momentum", "pytorch", {"lr": "1/0"}, "optimizer.not_a_number", "'1/0'"),
    ("momentum", "pytorch", {"lr": 1j}, "optimizer.not_a_number", "1j"),
    ("momentum", "pytorch", {"lr": float("nan")}, "optimizer.not_a_number", "nan"),
    ("nesterov", "pytorch", {"momentum": 0}, "optimizer.out_of_range", "(0, 1)"),
    ("adamax", "pytorch", {}, "optimizer.unknown", "sgd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, adamw"),
    ("adam", "keras", {}, "optimizer.unknown_form", "lecture, pytorch"),
])
def test_bad_settings_are_refused_with_a_message_id(name, form, values, key, words):
    with pytest.raises(ValueError) as info:
        opt.settings(name, form, values)
    assert isinstance(info.value, opt.OptimizerError) and info.value.key == key
    assert words in str(info.value)
    assert key in catalogue("zh")
    with pytest.raises(opt.OptimizerError):                     # every entry point checks the same way
        opt.compiled(name, form, values)
