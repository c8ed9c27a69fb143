"""Session 12, the gradient check's and the diagnoses' small mathematical defects (task G2)."""
import pytest
import sympy as sp

from symbackprop import activations
from symbackprop.gradcheck import FD_TOL, check_part
from symbackprop.problem import parse_problem
from symbackprop.solution import solve


def _part(text: str):
    return solve(parse_problem(text)).parts[0]


def _rows(report) -> dict:
    return {g.id: g for g in report.gradients}


# -- 1. a kink is reported where it is: the activation's |x| is not the loss's ----------------------------
SOFTSIGN_L1 = """
network:
  inputs: [1, 2]
  bias: 0
  layers: [[3, 4], [5]]
  activation: [{formula: "ACT"}, identity]
weights:
  0: {3: 0.5, 4: 0.5, 5: -0.2}
  1: {3: -0.5, 4: -0.6}
  2: {3: 0, 4: 0.7}
  3: {5: 0.8}
  4: {5: -1.1}
sample: {x: {1: 1, 2: 0.5}, t: {5: 1}}
loss: l1
learning_rate: 0.5
"""


def test_an_abs_inside_a_smooth_activation_is_no_kink_of_the_l1_loss():
    # net_3 = 0.5 − 0.5 + 0 = 0: x/(1 + |x|) is differentiable there (no kink of its own), and the output
    # u_5 = −0.2 + 0.8·0 − 1.1·(0.25/1.25) = −0.42 is far from its target 1: nothing is at a kink
    psol = _part(SOFTSIGN_L1.replace("ACT", "x/(1+abs(x))"))
    assert psol.step("net_3").value == 0 and psol.step("act_5").value == sp.Rational(-42, 100)
    report = check_part(psol)
    assert report.kinks == () and report.ok


def test_an_abs_activation_at_zero_is_its_units_kink_not_the_losss():
    psol = _part(SOFTSIGN_L1.replace("ACT", "abs(x)"))
    rows = _rows(check_part(psol))
    # the kink is at unit 3 (net_3 = 0): only the weights into unit 3 cross it
    assert {i for i, g in rows.items() if g.kink} == {"grad_w_0_3", "grad_w_1_3", "grad_w_2_3"}
    assert rows["grad_w_0_3"].kink.key == "gradcheck.kink_at"
    assert "loss" not in rows["grad_w_0_3"].kink and "net_3 = 0" in rows["grad_w_0_3"].kink


TWO_OUTPUTS = """
network:
  inputs: [1]
  bias: 0
  layers: [[3], [5, 6]]
  activation: identity
weights:
  0: {3: 0.5, 5: 0.25, 6: 0.1}
  1: {3: 0.5}
  3: {5: 0.5, 6: 0.2}
sample: {x: {1: 1}, t: {5: 0.75, 6: 1}}
loss: LOSS
learning_rate: 0.5
"""


def test_the_l1_kink_is_at_the_output_that_equals_its_target():
    # u_3 = 0.5 + 0.5 = 1, u_5 = 0.25 + 0.5 = 0.75 = t_5 (the kink of |t_5 − u_5|), u_6 = 0.1 + 0.2 = 0.3 ≠ 1
    psol = _part(TWO_OUTPUTS.replace("LOSS", "l1"))
    assert psol.step("act_5").value == sp.Rational(3, 4)
    rows = _rows(check_part(psol))
    assert {i for i, g in rows.items() if g.kink} == {"grad_w_0_5", "grad_w_3_5", "grad_w_0_3", "grad_w_1_3"}
    assert rows["grad_w_0_5"].kink.key == "gradcheck.kink_loss"


@pytest.mark.slow
def test_a_formula_losss_max_is_at_its_kink_only_where_its_arguments_meet():
    # max(u − t, 0): u_6 − t_6 = −0.7 (no kink), u_5 − t_5 = 0 (a kink); Max(0, u − t)'s first argument
    # is the constant 0, which is no reason for a kink
    psol = _part(TWO_OUTPUTS.replace("LOSS", '{formula: "max(u - t, 0)"}'))
    rows = _rows(check_part(psol))
    assert {i for i, g in rows.items() if g.kink} == {"grad_w_0_5", "grad_w_3_5", "grad_w_0_3", "grad_w_1_3"}
    off = _part(TWO_OUTPUTS.replace("LOSS", '{formula: "max(u - t, 0)"}').replace("t: {5: 0.75", "t: {5: 0.5"))
    assert check_part(off).kinks == ()


# -- 2. the finite differences of a tied parameter are refined as every other row's ----------------------
TIED_SOFTSIGN = """
network:
  inputs: [1, 2]
  bias: 0
  layers: [[3, 4], [5]]
  activation: [ACT, identity]
weights:
  0: {3: 0.5, 4: 0.5, 5: -0.2}
  1: {3: -0.3, 4: -0.6}
  2: {3: -0.4, 4: 0.7}
  3: {5: 0.8}
  4: {5: -1.1}
shared: {b1: [w_0_3, w_0_4]}
sample: {x: {1: 1, 2: 0.5}, t: {5: 1}}
loss: half_squared_error
learning_rate: 0.5
"""


def test_a_tied_weight_on_a_unit_where_g2_jumps_agrees_with_its_refined_difference():
    # net_3 = 0.5 − 0.3 − 0.2 = 0: softsign's g'' jumps there, the central difference at h = 1e-6 is off by
    # about 1e-6 (order h) for b1, which moves net_3; at h/100 it agrees
    psol = _part(TIED_SOFTSIGN.replace("ACT", '{formula: "x/(1+abs(x))"}'))
    assert psol.step("net_3").value == 0
    report = check_part(psol)
    row = _rows(report)["grad_shared_b1"]
    assert row.kink is None and abs(row.finite_difference - row.chain) <= 1e-7 * max(1.0, abs(row.chain))
    assert report.ok
    # the row is ∂J/∂w_03 + ∂J/∂w_04 (the tie), and each of those agrees with its own refined difference
    w03, w04 = _rows(report)["grad_w_0_3"], _rows(report)["grad_w_0_4"]
    assert row.chain == pytest.approx(w03.chain + w04.chain, abs=1e-12)
    assert row.finite_difference == pytest.approx(w03.finite_difference + w04.finite_difference, abs=1e-7)


@pytest.mark.slow
def test_a_tied_weight_with_a_wrong_derivative_still_disagrees(monkeypatch):
    # softsign with g' = 1 − |g| (right: (1 − |g|)²): right at net_3 = 0 (both 1), wrong at net_4 = 0.25
    # (0.8 for 0.64), so ∂J/∂b1 is wrong and its differences, however fine, do not converge to it
    row = activations.ActivationSpec(lambda x: x / (1 + sp.Abs(x)), lambda x, y: 1 - sp.Abs(y))
    monkeypatch.setitem(activations.TABLE, "softsign", row)
    monkeypatch.setattr(activations, "NAMES", tuple(activations.TABLE))
    right = _rows(check_part(_part(TIED_SOFTSIGN.replace("ACT", '{formula: "x/(1+abs(x))"}'))))["grad_shared_b1"]
    report = check_part(_part(TIED_SOFTSIGN.replace("ACT", "softsign")))
    tied = _rows(report)["grad_shared_b1"]
    assert not report.ok and abs(tied.finite_difference - tied.chain) > FD_TOL * max(1.0, abs(tied.chain))
    assert tied.finite_difference == pytest.approx(right.chain, abs=1e-5)      # the true value, not the chain's


# -- 3. sqrt of a negative value: the argument as written, its value, the domain without a stray x ------------
@pytest.mark.parametrize("formula, en, zh", [
    ("sqrt(x - 5) + 1", "the argument of sqrt, x - 5 = -3, is outside its domain (sqrt is defined for numbers ≥ 0 only)",
     "sqrt 的参数 x - 5 = -3 不在其定义域内（sqrt 只对非负数（≥ 0）有定义）"),
    ("x + sqrt(-3)", "the argument of sqrt, -3, is outside its domain (sqrt is defined for numbers ≥ 0 only)",
     "sqrt 的参数 -3 不在其定义域内（sqrt 只对非负数（≥ 0）有定义）"),
    ("ln(x - 2)", "node f is not defined at these values: the argument of ln, x - 2 = 0, is outside its domain "
     "(ln is defined for positive numbers only)", "ln 的参数 x - 2 = 0 不在其定义域内（ln 只对正数有定义）"),
])
def test_a_graph_leaving_a_functions_domain_names_the_argument_and_its_value(tmp_path, formula, en, zh):
    from click.testing import CliRunner

    from symbackprop.cli import main
    path = tmp_path / "g.yaml"
    path.write_text(f"title: s\nmodel: graph\ninputs: {{x: 2}}\nnodes:\n  f: {formula}\noutput: f\n", encoding="utf-8")
    for lang, words in (("en", en), ("zh", zh)):
        out = CliRunner().invoke(main, ["solve", str(path), "--lang", lang])
        lines = out.output.strip().splitlines()
        assert out.exit_code == 2 and len(lines) == 1 and "Traceback" not in out.output
        assert lines[0].endswith(words) and f"{path}:5: nodes.f" in lines[0]
        assert "x ≥" not in lines[0] and "x >" not in lines[0]      # the input x is 2: no domain of "x"


# -- 4. g' written as another activation's derivative, and 5. two mistakes that give one value -------------
def _check(tmp_path, problem_text: str, answers: dict, part: str | None = None) -> dict:
    import yaml

    from symbackprop.answers import check_submission
    problem, path = tmp_path / "p.yaml", tmp_path / "a.yaml"
    problem.write_text(problem_text, encoding="utf-8")
    path.write_text(yaml.safe_dump(answers), encoding="utf-8")
    reports, unread = check_submission(problem, path, part)
    assert unread == []
    return {v.qid: v for v in reports[0].verdicts}


BIPOLAR = """
network:
  inputs: [1, 2]
  bias: 0
  layers: [[3, 4], [5]]
  activation: [{formula: "2/(1+exp(-x)) - 1", name: bipolar_sigmoid}, {formula: "x/10"}]
weights:
  0: {3: 0.1, 4: -0.2, 5: 0.3}
  1: {3: 0.5, 4: -0.4}
  2: {3: 0.3, 4: 0.6}
  3: {5: 0.7}
  4: {5: -0.5}
sample: {x: {1: 1, 2: -1}, t: {5: 1}}
loss: half_squared_error
learning_rate: 0.5
"""


def _bipolar_by_hand():
    """The bipolar part's numbers, by plain floats: net_3 = 0.1 + 0.5 − 0.3 = 0.3, net_4 = −0.2 − 0.4 − 0.6 = −1.2,
    u = 2/(1 + e^−net) − 1, whose g' is (1 − u²)/2; u_5 = net_5/10, δ_5 = (u_5 − 1)/10."""
    import math
    u3, u4 = (2 / (1 + math.exp(-n)) - 1 for n in (0.3, -1.2))
    net5 = 0.3 + 0.7 * u3 - 0.5 * u4
    d5 = (net5 / 10 - 1) / 10
    return u3, u4, d5


def test_the_bipolar_sigmoids_g_written_unipolar_or_without_its_half_is_named(tmp_path):
    from symbackprop.messages import say
    u3, u4, d5 = _bipolar_by_hand()
    assert (1 - u3 ** 2) / 2 == pytest.approx(0.4889166, abs=1e-6)          # the true g'(net_3), as the solution has it
    got = _check(tmp_path, BIPOLAR, {"gprime_3": round(u3 * (1 - u3), 4), "gprime_4": round(1 - u4 ** 2, 4)})
    unipolar, no_half = got["gprime_3"], got["gprime_4"]
    assert unipolar.status == "wrong" and unipolar.diagnosis == "other_activation"
    assert unipolar.message.key == "diagnosis.other_activation_output" and unipolar.message.fields["other"] == "sigmoid"
    assert no_half.status == "wrong" and no_half.diagnosis == "other_activation"
    assert no_half.message.key == "diagnosis.other_activation_output_factor"
    assert no_half.message.fields["other"] == "tanh" and no_half.message.fields["factor"] == "2"
    assert "bipolar_sigmoid" in say(no_half.message, "zh") and "2 倍" in say(no_half.message, "zh")


@pytest.mark.slow
def test_a_delta_computed_with_the_unipolar_g_is_named(tmp_path):
    # a δ computed with the unipolar g' (g' not written): the same mistake, found in δ's rule
    u3, _, d5 = _bipolar_by_hand()
    d3 = _check(tmp_path, BIPOLAR, {"delta_3": round(d5 * 0.7 * u3 * (1 - u3), 4)})["delta_3"]
    assert d3.status == "wrong" and d3.diagnosis == "other_activation"


def test_a_value_two_mistakes_give_alike_says_both_in_a_fixed_order(tmp_path):
    # η = ½ and the loss ½(t − u)²: Δw_05 = −η·δ_5·1 with η left out is −δ_5, and with the ½ of the loss left out
    # (δ_5 doubled) is −η·2δ_5 = −δ_5 too: the value alone cannot tell them apart
    _, _, d5 = _bipolar_by_hand()
    v = _check(tmp_path, BIPOLAR, {"update_w_0_5": round(-d5, 4)})["update_w_0_5"]
    assert v.status == "wrong" and v.diagnosis == "eta_missing"               # the first in the fixed order
    assert v.message.key == "diagnosis.either"
    assert v.message.startswith("η left out of the update (η = 0.5); or twice the expected value: the ½ of the loss")
    # the student's own δ_5, written right, rules the loss's ½ out: η left out alone
    v = _check(tmp_path, BIPOLAR, {"delta_5": round(d5, 4), "update_w_0_5": round(-d5, 4)})["update_w_0_5"]
    assert v.diagnosis == "eta_missing" and v.message.key == "diagnosis.eta_missing"


def test_the_rule_of_another_activations_derivative_is_one_maths_span_in_a_markdown_report(tmp_path):
    from click.testing import CliRunner

    from symbackprop.cli import main
    u3, _, _ = _bipolar_by_hand()
    (tmp_path / "p.yaml").write_text(BIPOLAR, encoding="utf-8")
    (tmp_path / "a.yaml").write_text(f"gprime_3: {round(u3 * (1 - u3), 4)}\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["check", str(tmp_path / "p.yaml"), str(tmp_path / "a.yaml"),
                                    "-o", str(tmp_path / "r.md")])
    assert out.exit_code == 1, out.output                  # checked and found wrong
    page = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert r"$u_{3} \cdot (1 - u_{3})$ used for" in page and "derivative of sigmoid in its output" in page
