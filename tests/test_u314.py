"""Session 14, U3 (issue 13, user trial t18): the JSON's optimizer steps carry their lines (text, LaTeX) on
the steps shown in full; one-line hints for the careless user's optimizer mistakes.

Numbers are worked by hand in the comments (a 1-input, 1-output identity unit: the chain rule on paper)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from symbackprop.cli import main

# net = w_02·1 + w_12·x_1, u = net, J = (t − u)²/2, δ = u − t, ∂J/∂w_02 = δ, ∂J/∂w_12 = δ·x_1.
# Momentum (lecture): v_t = η·g_t + γ·v_{t−1}, θ_t = θ_{t−1} − v_t, η = 0.1, γ = 0.9, x_1 = 2, t = 1.
# Step 1 at (0.5, 1):   net = 2.5,  δ = 1.5,  g = (1.5, 3),   v = (0.15, 0.3),  θ = (0.35, 0.7)
# Step 2 at (0.35, 0.7): net = 1.75, δ = 0.75, g = (0.75, 1.5), v = (0.075 + 0.135, 0.15 + 0.27) = (0.21, 0.42),
#                        θ = (0.14, 0.28); after it net = 0.14 + 0.56 = 0.7, J = 0.3²/2 = 0.045.
TINY = """title: tiny momentum
network: {inputs: [1], bias: 0, layers: [[2]], activation: identity}
weights:
  0: {2: 0.5}
  1: {2: 1}
samples:
  - {x: {1: 2}, t: {2: 1}}
loss: half_squared_error
optimizer: {name: momentum, lr: 0.1, momentum: 0.9}
steps: 3
"""


def _run(*args):
    return CliRunner().invoke(main, list(args))


def _json(path, *args) -> dict:
    out = _run("solve", str(path), "--format", "json", *args)
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


@pytest.fixture(scope="module")
def tiny_step2(tmp_path_factory) -> dict:
    f = tmp_path_factory.mktemp("u3") / "tiny.yaml"
    f.write_text(TINY, encoding="utf-8")
    return _json(f, "--step", "2")["parts"][0]


# -- item 12: the steps shown in full carry text and LaTeX ---------------------------------------------

def test_a_shown_step_carries_every_quantitys_line(tiny_step2):
    assert tiny_step2["optimizer"]["shown"] == [2]
    step2 = tiny_step2["steps"][1]["quantities"]
    assert all("text" in q and "latex" in q for q in step2.values())
    # each line ends in the value it shows
    assert all(q["text"].endswith(q["display"]) for q in step2.values())
    # the forward pass at θ_1 = (0.35, 0.7), the backward pass and the rule's lines, with the hand numbers
    assert step2["net_2"]["text"] == "net_2 = w_{02}·x_0 + w_{12}·x_1 = 0.35×1 + 0.7×2 = 1.75"
    assert step2["delta_2"]["text"] == "δ_2 = u_2 - t_2 = 1.75 - 1 = 0.75"
    assert step2["grad_w_1_2"]["text"] == "∂J/∂w_{12} = δ_2·x_1 = 0.75×2 = 1.5"
    assert step2["velocity_w_1_2"]["text"] == "v_t(w_{12}) = η·g_t(w_{12}) + γ·v_{t−1}(w_{12}) = 0.1×1.5 + 0.9×0.3 = 0.42"
    assert step2["new_w_1_2"]["text"] == "θ_t(w_{12}) = θ_{t−1}(w_{12}) - v_t(w_{12}) = 0.7 - 0.42 = 0.28"
    assert step2["update_w_0_2"]["text"] == "Δw_{02} = θ_t(w_{02}) - θ_{t−1}(w_{02}) = 0.14 - 0.35 = -0.21"
    assert step2["w_0_2"]["text"] == "θ_{t−1}(w_{02}) = 0.35"
    assert step2["new_loss"]["text"] == "J(θ_t) = 0.045"
    assert step2["velocity_w_0_2"]["latex"] == (r"v_{t}(w_{02}) = \eta \cdot g_{t}(w_{02}) + \gamma \cdot v_{t-1}(w_{02})"
                                                r" = 0.1 \times 0.75 + 0.9 \times 0.15 = 0.21")


def test_steps_not_shown_carry_values_and_ids_only(tiny_step2):
    step1, step3 = tiny_step2["steps"][0]["quantities"], tiny_step2["steps"][2]["quantities"]
    assert not any("text" in q or "latex" in q for q in [*step1.values(), *step3.values()])
    # step 1 is worked exactly (its forward pass, exact values); step 3 (a float step) has the run's ids alone
    assert step1["net_2"]["exact"] == "5/2" and step1["velocity_w_0_2"]["exact"] == "3/20"
    assert set(step3) == {"loss", "new_loss"} | {f"{k}w_{i}_2" for i in (0, 1)
                                                  for k in ("", "grad_", "update_", "new_", "velocity_")}
    assert all(q["exact"] is None for q in step3.values())
    # step 3 at θ_2 = (0.14, 0.28): net = 0.7, δ = -0.3, g = (-0.3, -0.6); v = (-0.03 + 0.189, -0.06 + 0.378)
    assert step3["grad_w_1_2"]["value"] == pytest.approx(-0.6)
    assert step3["velocity_w_0_2"]["value"] == pytest.approx(0.159)


def test_step_1_shown_writes_the_forward_pass_as_the_top_level_does(tmp_path):
    f = tmp_path / "tiny.yaml"
    f.write_text(TINY, encoding="utf-8")
    part = _json(f)["parts"][0]
    top, step1 = part["quantities"], part["steps"][0]["quantities"]
    for k in ("net_2", "act_2", "delta_2", "grad_w_0_2", "grad_w_1_2", "loss"):
        assert step1[k]["text"] == top[k]["text"] and step1[k]["latex"] == top[k]["latex"]
    assert step1["velocity_w_0_2"]["text"] == "v_t(w_{02}) = η·g_t(w_{02}) + γ·v_{t−1}(w_{02}) = 0.1×1.5 + 0.9×0 = 0.15"


def test_nesterovs_loss_line_is_the_loss_before_the_step_not_at_the_look_ahead(tmp_path):
    """The lecture's Nesterov takes g_t at θ̃ = θ_{t−1} − γ·v_{t−1}: step 2 at θ_1 = (0.35, 0.7), v_1 = (0.15, 0.3)
    (as momentum's step 1 above) looks ahead to (0.35 − 0.135, 0.7 − 0.27) = (0.215, 0.43): net = 0.215 + 0.86
    = 1.075, δ = 0.075, J there 0.0028125; the loss before the step is J(θ_1) = 0.75²/2 = 0.28125."""
    f = tmp_path / "tiny.yaml"
    f.write_text(TINY.replace("name: momentum", "name: nesterov"), encoding="utf-8")
    step2 = _json(f, "--step", "2")["parts"][0]["steps"][1]["quantities"]
    assert step2["net_2"]["text"] == "net_2 = w_{02}·x_0 + w_{12}·x_1 = 0.215×1 + 0.43×2 = 1.075"
    assert step2["loss"]["text"] == "J(θ_{t−1}) ≈ 0.2813" and step2["loss"]["value"] == pytest.approx(0.28125)
    assert step2["grad_w_1_2"]["text"] == "∂J/∂w_{12} = δ_2·x_1 = 0.075×2 = 0.15"

# -- item 14: one-line hints for the careless user's optimizer mistakes ---------------------------------

BASE = TINY.replace("optimizer: {name: momentum, lr: 0.1, momentum: 0.9}\nsteps: 3\n", "")
LINE = BASE.count("\n") + 1                       # the line the field below is written on


def _error(tmp_path, field: str, *args: str) -> str:
    f = tmp_path / "p.yaml"
    f.write_text(BASE + field + "\n", encoding="utf-8")
    out = _run("solve", str(f), *args)
    assert out.exit_code == 2, out.output
    lines = [ln for ln in out.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in out.output, out.output
    assert f"p.yaml:{LINE}: " in lines[0]
    return lines[0]


@pytest.mark.parametrize("field, en, zh", [
    ("optimizer: Adam", "unknown optimizer 'Adam'; choose from sgd, momentum, nesterov, adagrad, rmsprop, adadelta, "
     "adam, adamw (did you mean adam?)", "（你是指 adam 吗？）"),
    ("optimizer: {name: Adam}", "(did you mean adam?)", "（你是指 adam 吗？）"),
    ("optimizer: {name: adam, form: PyTorch}", "(did you mean pytorch?)", "（你是指 pytorch 吗？）"),
    ("update: Per_Sample", "unknown update 'Per_Sample'; allowed: per_batch, per_sample (did you mean per_sample?)",
     "（你是指 per_sample 吗？）"),
    ("update: online", "unknown update 'online'; allowed: per_batch, per_sample (online learning, one update after "
     "each sample, is per_sample)", "是 per_sample）"),
    ("update: batch", "(batch learning, one update per batch of samples, is per_batch)", "是 per_batch）"),
    ("optimizer: {name: adam, weight_decay: 0.1}", "adam (lecture form) has no setting 'weight_decay'; its settings "
     "are lr, betas, eps (for weight decay: name: adamw, or form: pytorch)", "name: adamw，或 form: pytorch）"),
    ("optimizer: {name: adagrad, lr_decay: 0.1}", "(torch's form has it: form: pytorch)", "form: pytorch）"),
    ("optimizer: {name: sgd, nesterov: true, form: pytorch}", "sgd (pytorch form) has no setting 'nesterov'; its "
     "settings are lr, weight_decay (torch's SGD with nesterov: true is name: nesterov here)", "name: nesterov）"),
    ("optimizer: {name: sgd, momentum: 0.9}", "(torch's SGD with momentum is name: momentum here; with nesterov: "
     "true, name: nesterov)", "name: momentum；"),
    ("optimizer: {name: null}", "optimizer.name: the optimizer's name is missing; choose from sgd, momentum, "
     "nesterov, adagrad, rmsprop, adadelta, adam, adamw", "缺少优化器的名称"),
    ("optimizer: {name: }", "the optimizer's name is missing", "缺少优化器的名称"),
    ("optimizer: {name: ''}", "the optimizer's name is missing", "缺少优化器的名称"),
], ids=["caps", "name_caps", "form_caps", "update_caps", "online", "batch", "wd_adam", "lr_decay", "sgd_nesterov",
        "sgd_momentum", "name_null", "name_empty", "name_blank"])
def test_each_mistake_says_what_to_write(tmp_path, field, en, zh):
    assert en in _error(tmp_path, field)
    assert zh in _error(tmp_path, field, "--lang", "zh")


def test_the_right_spellings_are_read(tmp_path):
    """What the hints point to is accepted (so a hint never points to another mistake)."""
    for field in ("optimizer: {name: adamw, weight_decay: 0.1}", "optimizer: {name: adam, weight_decay: 0.1, "
                  "form: pytorch}", "update: per_sample", "optimizer: {name: nesterov, momentum: 0.9, form: pytorch}"):
        f = tmp_path / "ok.yaml"
        f.write_text(BASE + field + "\n", encoding="utf-8")
        from symbackprop.problem import load_problem
        assert load_problem(f).parts[0].training is not None


def test_steps_with_a_number_points_to_step(tmp_path):
    f = tmp_path / "tiny.yaml"
    f.write_text(TINY, encoding="utf-8")
    out = _run("solve", str(f), "--steps", "3")
    assert out.exit_code == 2
    assert "'3' is not 'all': use --step 3 for one step (repeatable), --steps all for every step." in out.output
    out = _run("solve", str(f), "--steps", "3", "--lang", "zh")
    assert out.exit_code == 2 and "用 --step 3 完整显示一步（可重复），用 --steps all 显示每一步。" in out.output
    assert "Did you mean 'all'?" in _run("solve", str(f), "--steps", "al").output      # a misspelling as before


@pytest.mark.slow
def test_a_graphs_shown_step_carries_its_lines_too(tmp_path):
    """The lecture's matrix example (y = xᵀAx + b·x + c, L = (y − t)²), SGD η = 0.01, step 2 shown; the numbers
    by hand: ∂L/∂A = 2(y − t)·xxᵀ, ∂L/∂b = 2(y − t)·x, ∂L/∂c = 2(y − t)."""
    import re

    import numpy as np
    root = __import__("pathlib").Path(__file__).resolve().parent.parent
    f = tmp_path / "g.yaml"
    f.write_text((root / "problems" / "quadratic.yaml").read_text(encoding="utf-8")
                 + "optimizer: {name: sgd, lr: 0.01}\nsteps: 2\n", encoding="utf-8")
    data = _json(f, "--step", "2")
    x, t = np.array([1.0, 2.0, -1.0]), 1.0
    A = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0], [1.0, 0.5, 0.0]])
    b, c = np.array([0.5, -1.0, 2.0]), 1.0
    r = 2 * (x @ A @ x + b @ x + c - t)
    A, b, c = A - 0.01 * r * np.outer(x, x), b - 0.01 * r * x, c - 0.01 * r          # θ after step 1
    y = x @ A @ x + b @ x + c
    g12 = 2 * (y - t) * x[0] * x[1]
    step2 = data["steps"][1]["quantities"]
    assert all("text" in q and "latex" in q for q in step2.values())
    assert not any("text" in q for q in data["steps"][0]["quantities"].values())
    def last(text: str) -> float:                        # the value a line ends in, as shown (4 places or exact)
        return float(re.split(r" [=≈] ", text)[-1])

    assert step2["A_1_2"]["text"].startswith("θ_{t−1}(A_12) ") and last(step2["A_1_2"]["text"]) == pytest.approx(A[0, 1], abs=5e-5)
    assert step2["loss"]["text"].startswith("L(θ_{t−1}) ") and last(step2["loss"]["text"]) == pytest.approx((y - t) ** 2, abs=5e-5)
    assert last(step2["grad_A_1_2"]["text"]) == pytest.approx(g12, abs=5e-5)
    assert step2["update_A_1_2"]["text"].startswith("ΔA_12 = θ_t(A_12) - θ_{t−1}(A_12) = ")
    assert last(step2["update_A_1_2"]["text"]) == pytest.approx(-0.01 * g12, abs=5e-5)
