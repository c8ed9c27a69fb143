"""Issue 12, user trial t10 (#4, #6, #8): network answers in d-notation (dE/dw_35, \\frac{dE}{dw_{45}}), a
problem's multi-letter symbols (target_symbol: yd) and the worked solution's general rule net_j = Σ_i … in prose.

Expected values are worked by hand:
- problems/neuron_inputs.yaml: net = 2·(−1) + (−3)·(−2) − 3 = 1, σ(1) = 0.7311,
  σ'(1) = 0.7311·0.2689 = 0.1966, so ∂f/∂w0 = x0·0.1966 = −0.1966, ∂f/∂w1 = −2·0.1966 = −0.3932, ∂f/∂w2 = 0.1966.
- Negnevitsky's XOR step (NEG below, x1 = x2 = 1, y_d = 0, bias input −1):
  y_3 = σ(0.5 + 0.4 − 0.8) = σ(0.1) = 0.5250, y_4 = σ(0.9 + 1.0 + 0.1) = σ(2) = 0.8808,
  y_5 = σ(−1.2·0.5250 + 1.1·0.8808 − 0.3) = σ(0.0389) = 0.5097,
  E = ½·0.5097² = 0.1299, δ_5 = y_5(1 − y_5)(y_d − y_5) = 0.5097·0.4903·(−0.5097) = −0.1274,
  ∂E/∂w_35 = −δ_5·y_3 = 0.1274·0.5250 = 0.0669, ∂E/∂w_45 = 0.1274·0.8808 = 0.1122,
  ∂E/∂w_13 = −δ_3·x_1 with δ_3 = y_3(1 − y_3)·w_35·δ_5 = 0.5250·0.4750·(−1.2)·(−0.1274) = 0.0381, so ∂E/∂w_13 = −0.0381.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.cli import main

ROOT = Path(__file__).resolve().parent.parent
NEURON = ROOT / "problems" / "neuron_inputs.yaml"
THRESHOLD = ROOT / "problems" / "threshold.yaml"

NEG = """\
title: Negnevitsky's XOR step
network:
  inputs: [1, 2]
  bias: 0
  bias_input: -1
  layers: [[3, 4], [5]]
  activation: sigmoid
weights:
  0: {3: {value: 0.8, name: theta3}, 4: {value: -0.1, name: theta4}, 5: {value: 0.3, name: theta5}}
  1: {3: 0.5, 4: 0.9}
  2: {3: 0.4, 4: 1.0}
  3: {5: -1.2}
  4: {5: 1.1}
sample: {x: {1: 1, 2: 1}, t: {5: 0}}
loss: half_squared_error
learning_rate: 0.1
notation: {weight: from_to, delta: minus_dJ_dnet, activation_symbol: y, target_symbol: yd, loss_symbol: E}
"""


@pytest.fixture(scope="module")
def neg(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("neg") / "negnevitsky.yaml"
    path.write_text(NEG, encoding="utf-8")
    return path


def _verdicts(grader, path: Path) -> tuple[dict[str, tuple[str, float]], list[str]]:
    reports, problems = grader.check(path)
    return {v.qid: (v.status, v.credit) for r in reports for v in r.verdicts}, problems


def test_d_notation_keys_and_writeup_lines_are_read(grader_of, neg, tmp_path):
    """#4: dE/dw_35, dE/dw_{35}, dE/dw_{13} keys and `$dE/dw_{35} = …$`, `\\frac{dE}{dw_{45}} = …` lines
    name ∂E/∂w."""
    g = grader_of(neg)
    keys = tmp_path / "keys.yaml"
    keys.write_text('"dE/dw_35": 0.0669\n"dE/dw_{45}": 0.1122\n"dE/dw_{13}": -0.0381\n', encoding="utf-8")
    got, problems = _verdicts(g, keys)
    assert problems == []
    assert got == {"grad_w_3_5": ("correct", 1.0), "grad_w_4_5": ("correct", 1.0), "grad_w_1_3": ("correct", 1.0)}
    wu = tmp_path / "wu.md"
    wu.write_text("$dE/dw_{35} = 0.0669$\n\n$\\frac{dE}{dw_{45}} = 0.1122$\n", encoding="utf-8")
    got, problems = _verdicts(g, wu)
    assert problems == []
    assert got == {"grad_w_3_5": ("correct", 1.0), "grad_w_4_5": ("correct", 1.0)}
    rule = tmp_path / "rule.yaml"                    # in a rule too: Δw_35 = −η·∂E/∂w_35 = −0.1·0.0669
    rule.write_text('update_w_3_5: "-\\\\eta \\\\frac{dE}{dw_{35}} = -0.1 \\\\times 0.0669 = -0.0067"\n',
                    encoding="utf-8")
    reports, problems = g.check(rule)
    (v,) = reports[0].verdicts
    assert problems == [] and v.status == "correct" and all(link.ok for link in v.links), v.links
    wrong = tmp_path / "wrong.yaml"                  # a wrong value is judged, not left unread
    wrong.write_text('"dE/dw_35": 0.0700\n', encoding="utf-8")
    got, _ = _verdicts(g, wrong)
    assert got["grad_w_3_5"][0] == "wrong"


def test_d_notation_for_named_weights_and_hints_name_a_weight(grader_of, tmp_path):
    """#4 on neuron_inputs.yaml (loss f, weights named w0, w1, w2): df/dw1 and friends are read; a gradient no
    weight has gets a hint naming a weight's gradient (∂f/∂w…), never an input's ∂f/∂x_1."""
    g = grader_of(NEURON)
    ans = tmp_path / "n.yaml"
    ans.write_text('df/dw0: -0.1966\ndf/dw1: -0.3932\n"\\\\frac{df}{dw_{2}}": 0.1966\n', encoding="utf-8")
    got, problems = _verdicts(g, ans)
    assert problems == []
    assert got == {"grad_w_0_3": ("correct", 1.0), "grad_w_1_3": ("correct", 1.0), "grad_w_2_3": ("correct", 1.0)}
    table = g.tables["main"]
    for name in ("df/dw7", "dJ/dw7", "\\frac{\\partial f}{\\partial w_{9}}"):
        hint = table.suggest(name)
        assert hint and all(h.startswith("∂f/∂w") for h in hint), (name, hint)
    assert table.suggest("dJ/dw1") == ["∂f/∂w1"]    # the problem's loss letter is f


def test_multi_letter_target_symbol_is_one_symbol(grader_of, neg, tmp_path):
    """#6: with `target_symbol: yd`, yd_5 is the target y_d of unit 5, not y·d_5: rules using it are right."""
    g = grader_of(neg)
    ans = tmp_path / "yd.yaml"
    ans.write_text('delta_5: "y_5(1-y_5)(yd_5 - y_5) = 0.5097(1-0.5097)(0-0.5097) = -0.1274"\n'
                   'E: "\\\\frac{1}{2}(yd_5 - y_5)^2 = \\\\frac{1}{2}(0 - 0.5097)^2 = 0.1299"\n', encoding="utf-8")
    got, problems = _verdicts(g, ans)
    assert problems == []
    assert got == {"delta_5": ("correct", 1.0), "loss": ("correct", 1.0)}
    slip = tmp_path / "slip.yaml"                    # the target still counts: with y_5 for yd_5 the rule is wrong
    slip.write_text('delta_5: "y_5(1-y_5)(y_5 - y_5) = -0.1274"\n', encoding="utf-8")
    got, _ = _verdicts(g, slip)
    assert got["delta_5"][0] != "correct"


def test_general_rule_in_prose_is_skipped_but_answers_are_read(grader_of, tmp_path):
    """#8: `net_j = \\sum_i w_{ji} x_i - \\theta_j` (the worked solution's threshold note) is not "Not read"; an
    equation for net_4 with a Σ, and net_j without one, are treated as before."""
    g = grader_of(THRESHOLD)
    wu = tmp_path / "t.md"
    wu.write_text("The bias input is $x_{0} = -1$, so $\\mathrm{net}_j = \\sum_i w_{ji} x_i - \\theta_j$.\n\n"
                  "$\\mathrm{net}_4 = \\sum_i w_{4i} x_i = 0.9 + 1.0 + 0.1 = 2.0$\n\n$net_3 = 0.1$\n", encoding="utf-8")
    got, problems = _verdicts(g, wu)      # net_3 = 0.5 + 0.4 − 0.8, net_4 = 0.9 + 1.0 + 0.1
    assert problems == []
    assert set(got) == {"net_3", "net_4"} and got["net_3"] == ("correct", 1.0) and got["net_4"][1] > 0
    wu.write_text("$net_j = 0.5$\n\n$net_3 = 0.1$\n", encoding="utf-8")   # no Σ: an unknown name, said as before
    _, problems = _verdicts(g, wu)
    assert len(problems) == 1 and "net_j" in problems[0]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["tex", "md"])
def test_own_solutions_read_back_entirely_right(neg, tmp_path, fmt):
    """#6, #8: `solve F -o s.tex; check F s.tex` gives full marks, nothing unread, exit 0, for the yd problem
    and problems/threshold.yaml (its threshold note is a general rule)."""
    for problem in (neg, THRESHOLD):
        out = tmp_path / f"{problem.stem}.{fmt}"
        assert CliRunner().invoke(main, ["solve", str(problem), "-o", str(out)]).exit_code == 0
        result = CliRunner().invoke(main, ["check", str(problem), str(out)])
        assert result.exit_code == 0, result.output
        assert "Not read" not in result.output and "working wrong" not in result.output
        assert "Score: 40 / 40" in result.output


MAZUR = """\
title: Mazur's step-by-step example
network:
  inputs: [i1, i2]
  bias: b
  layers: [[h1, h2], [o1, o2]]
  activation: sigmoid
weights:
  b: {h1: {value: 0.35, frozen: true}, h2: {value: 0.35, frozen: true}, o1: {value: 0.60, frozen: true},
      o2: {value: 0.60, frozen: true}}
  i1: {h1: {value: 0.15, name: w1}, h2: {value: 0.25, name: w3}}
  i2: {h1: {value: 0.20, name: w2}, h2: {value: 0.30, name: w4}}
  h1: {o1: {value: 0.40, name: w5}, o2: {value: 0.50, name: w7}}
  h2: {o1: {value: 0.45, name: w6}, o2: {value: 0.55, name: w8}}
shared: {b1: [w_b_h1, w_b_h2], b2: [w_b_o1, w_b_o2]}
sample: {x: {i1: 0.05, i2: 0.10}, t: {o1: 0.01, o2: 0.99}}
loss: half_squared_error
learning_rate: 0.5
notation: {activation_symbol: out, loss_symbol: E, target_symbol: target}
precision: 9
"""


@pytest.mark.slow
def test_multi_letter_activation_symbol_in_a_rule(grader_of, tmp_path):
    """#6 for `activation_symbol: out` (Mazur): out_{o1}(1 − out_{o1}) is one symbol's, not o·u·t; Mazur's own
    numbers: ∂E/∂w5 = (out_o1 − target_o1)·out_o1(1 − out_o1)·out_h1 = 0.74136507·0.186815602·0.593269992
    = 0.082167041, written with d-notation for the named weight w5."""
    problem = tmp_path / "mazur.yaml"
    problem.write_text(MAZUR, encoding="utf-8")
    ans = tmp_path / "m.yaml"
    ans.write_text('"dE/dw5": "(out_{o1} - target_{o1}) \\\\cdot out_{o1}(1 - out_{o1}) \\\\cdot out_{h1}'
                   ' = 0.74136507 \\\\times 0.186815602 \\\\times 0.593269992 = 0.082167041"\n', encoding="utf-8")
    got, problems = _verdicts(grader_of(problem), ans)
    assert problems == []
    assert got == {"grad_w_h1_o1": ("correct", 1.0)}
