"""Session 14, W2 (issue 13; trial t20 items 2, 3, 4): the Optimizer section's notes fit the run (the state
clause only where the optimizer has a state, Adagrad's only for Adagrad; a graph's notes name its loss L; the
bias-correction note in the rule's own g̃_1 with weight decay; "by η each"), the zh notes all in Chinese."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.cli import main

ROOT = Path(__file__).resolve().parent.parent
QUADRATIC = (ROOT / "problems" / "quadratic.yaml").read_text(encoding="utf-8")


def _solve(tmp_path, extra: str, *args) -> str:
    f = tmp_path / "g.yaml"
    f.write_text(QUADRATIC + extra, encoding="utf-8")
    out = CliRunner().invoke(main, ["solve", str(f), *args])
    assert out.exit_code == 0, out.output
    return out.output


def _optimizer_notes(text: str) -> str:
    return text[text.index("Optimizer") if "Optimizer" in text else text.index("优化器"):]


def test_state_clause_only_where_the_optimizer_has_a_state(tmp_path):
    sgd = _solve(tmp_path, "optimizer: {name: sgd, lr: 0.01}\nsteps: 2\n")
    mom = _solve(tmp_path, "optimizer: {name: momentum, lr: 0.01, momentum: 0.9}\nsteps: 2\n")
    ada = _solve(tmp_path, "optimizer: {name: adagrad, lr: 0.01, form: pytorch, "
                           "initial_accumulator_value: 0.5}\nsteps: 2\n")
    assert "starts at" not in sgd and "initial_accumulator_value)" not in sgd          # SGD has no state
    assert "at step t; every state starts at 0\n" in mom and "Adagrad" not in mom.split("every state")[1][:40]
    assert "G starts at initial_accumulator_value = 0.5" in ada and "every state starts" not in ada


def test_a_graph_says_its_loss_L_and_eta_each(tmp_path):
    text = _solve(tmp_path, "optimizer: {name: adagrad, lr: 0.01}\nsteps: 2\n")
    notes = _optimizer_notes(text)
    assert "(L after a step whose new parameters" in notes and "(J after" not in notes
    # torch Adagrad at t = 1 with G_0 = 0: Δθ = −η·g/(√(g²) + ε), |Δθ| = η·|g|/(|g| + 1e-10) → η for |g| ≥ 1
    assert "with a nonzero gradient by η each, although" in notes and "1·η" not in notes


def test_torch_adam_weight_decay_bias_correction_in_g_tilde(tmp_path):
    text = _solve(tmp_path, "optimizer: {name: adam, lr: 0.01, form: pytorch, weight_decay: 0.1}\nsteps: 2\n")
    note = next(line for line in text.splitlines() if "Bias correction" in line)
    # the rule averages g̃_t = g_t + λ·θ_{t−1}: every g_1 of the note is g̃_1
    assert "(1 − β₁)·g̃_1" in note and "m̂ g̃_1 and v̂ g̃_1²" in note
    assert "g_1" not in note.replace("g̃_1", "")
    plain = _solve(tmp_path, "optimizer: {name: adam, lr: 0.01}\nsteps: 2\n")
    note = next(line for line in plain.splitlines() if "Bias correction" in line)
    assert "(1 − β₁)·g_1" in note and "g̃" not in note


def test_zh_notes_have_no_english(tmp_path):
    zh = _solve(tmp_path, "optimizer: {name: adam, lr: 0.01, form: pytorch, weight_decay: 0.1}\nsteps: 2\n",
                "--lang", "zh")
    about = next(line for line in zh.splitlines() if "状态只含" in line)
    assert " is " not in about and "m̂ 为 g̃_1，v̂ 为 g̃_1²" in about
    assert "第 1 步 时" not in zh and "所有状态从 0 开始" in zh and "Adagrad" not in zh.split("所有状态")[1][:30]


# t20 item 4: p·(1 − p) form of logistic regression, torch Adam with weight decay; θ_1(w_2) lands near 1e-9
LOGREG = """title: Logistic regression graph, Adam pytorch
model: graph
inputs: {x: [1, -2, 0.5], w: [0.2, 0.1, -0.3], b: 0.1, t: 1}
parameters: [w, b]
nodes:
  z: dot(w, x) + b
  p: sigmoid(z)
  L: -(t*ln(p) + (1 - t)*ln(1 - p))
output: L
optimizer: {name: adam, lr: 0.1, form: pytorch, weight_decay: 0.01}
steps: 3
"""


def _value_of(lines, head: str) -> str:
    """The printed value (after ≈ or the last =) of the line that starts with `head`."""
    line = next(x for x in lines if x.strip().startswith(head))
    return line.rsplit("≈", 1)[1].strip() if "≈" in line else line.rsplit("=", 1)[1].strip()


def test_a_state_is_put_into_the_next_step_as_printed(tmp_path):
    import re
    f = tmp_path / "logreg.yaml"
    f.write_text(LOGREG, encoding="utf-8")
    out = CliRunner().invoke(main, ["solve", str(f), "--steps", "all"])
    assert out.exit_code == 0, out.output
    steps = re.split(r"\nStep \d of 3\n", out.output)[1:]
    steps[-1] = steps[-1].split("Every step")[0]
    assert len(steps) == 3
    for t in (1, 2):
        before, after = steps[t - 1].splitlines(), steps[t].splitlines()
        for p in ("w_1", "w_2", "w_3", "b"):
            m, v, theta = (_value_of(before, f"{q}_t({p}) =") for q in ("m", "v", "θ"))
            m_line = next(x for x in after if x.strip().startswith(f"m_t({p}) ="))
            v_line = next(x for x in after if x.strip().startswith(f"v_t({p}) ="))
            th_line = next(x for x in after if x.strip().startswith(f"θ_t({p}) ="))
            # m_t = β₁·m_{t−1} + …: the number after 0.9× is step t − 1's printed m_t (in parentheses if negative)
            assert re.search(r"= 0\.9×\(?" + re.escape(m) + r"\)? ", m_line), (m, m_line)
            assert re.search(r"= 0\.999×\(?" + re.escape(v) + r"\)? ", v_line), (v, v_line)
            assert th_line.split(") = ")[-1].startswith(theta + " "), (theta, th_line)
    # θ_1(w_2) ≈ 1e-9 (0.1 − 0.1·m̂/(√v̂ + ε) with m̂ = g̃ = √v̂): its lines keep few figures, none to 13
    numbers = re.findall(r"\d+\.\d+", "".join(steps))
    assert max(len(n.replace(".", "").lstrip("0")) for n in numbers) <= 8
    assert "1.0249947929684" not in out.output


# t18 item 13's leftover: a re-solved step's lines put in each value of the step as the step printed it
from helpers import TANH_221  # noqa: E402
ADAM_LEC = "title: adam_lec\n" + TANH_221 + "optimizer: {name: adam, lr: 0.1}\nsteps: 3\n"


@pytest.mark.slow
def test_a_resolved_step_puts_in_its_values_as_printed(tmp_path):
    import math
    import re
    f = tmp_path / "adam_lec.yaml"
    f.write_text(ADAM_LEC, encoding="utf-8")
    out = CliRunner().invoke(main, ["solve", str(f), "--step", "2"])
    assert out.exit_code == 0, out.output
    lines = [x.strip() for x in out.output.split("Step 2: Forward pass")[1].split("Step 2 of 3")[0].splitlines()]
    printed = {}
    for x in lines:
        m = re.match(r"(u_\d\^\(\d\)) = .*≈ (-?[\d.]+)$", x)
        if m:
            printed[m.group(1)] = m.group(2)
    # step 1 moves every weight by η = 0.1 (Adam's first step): w_{13} = 0.5, w_{23} = −0.5, w_{03} = 0.2 at step 2,
    # so net_3^(1) = 0.2 + 0.5·1 − 0.5·0.5 = 0.45 and u_3^(1) = tanh(0.45)
    assert abs(float(printed["u_3^(1)"]) - math.tanh(0.45)) < 10 ** -(len(printed["u_3^(1)"].split(".")[1]))
    net5 = next(x for x in lines if x.startswith("net_5^(1) ="))
    # net_5^(1) = w_05 + w_35·u_3^(1) + w_45·u_4^(1): the numbers of u_3^(1) and u_4^(1) are their printed values
    assert f"0.9000×{printed['u_3^(1)']} " in net5 and f"0.8000×{printed['u_4^(1)']} " in net5
    # g'(net_j) = 1 − u_j²: u_j put in as printed in the forward pass
    for j in ("3", "4"):
        g = next(x for x in lines if x.startswith(f"g'(net_{j}^(1)) ="))
        assert f"= 1 - {printed[f'u_{j}^(1)']}² " in g, (g, printed)
