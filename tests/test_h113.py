"""Session 13, H1 (trial t17 items 1, 3, 10, 11): a graph's givens put in, a matrix used where its transpose
belongs, the tool's own graph solution read back. Values are worked out with numpy here, independently."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conftest import assert_full_marks_no_notes, check_json, own_solution_report, report_items

DATA = Path(__file__).parent / "data" / "h113"
GSOFT = DATA / "gsoft.yaml"

# gsoft.yaml: z = W x, e1 = exp(z), s = sum(e1), p = e1/s, L = -t·ln p, with t = [0; 1] given (not a parameter)
W = np.array([[1.0, -1.0], [0.5, 2.0]])
X = np.array([1.0, 2.0])
T = np.array([0.0, 1.0])
Z = W @ X
P = np.exp(Z) / np.exp(Z).sum()
DELTA = P - T                                 # ∂L/∂z of softmax + CE


def test_numpy_values_are_the_trials():
    # the trial's numbers: L = -ln p_2 = 0.0041, ∂L/∂x = Wᵀδ = [0.0020; -0.0122], Wδ = [0.0081; -0.0061]
    assert round(-np.log(P[1]), 4) == 0.0041
    assert np.allclose(np.round(W.T @ DELTA, 4), [0.0020, -0.0122])
    assert np.allclose(np.round(W @ DELTA, 4), [0.0081, -0.0061])


@pytest.mark.parametrize("rule", [r"-\ln p_2"] + [pytest.param(r, marks=pytest.mark.slow) for r in (
    r"-\ln(p_2)", r"-t_2 \ln p_2", r"-\ln(e1_2 / s)", r"-\log p_2", r"-(t_1 \ln p_1 + t_2 \ln p_2)")])
def test_loss_with_the_given_target_put_in_is_right(tmp_path, rule):
    # t is a given (not in parameters): -ln p_2 is -t·ln p at t = [0; 1], so the working is right (t17 #1)
    value = f"{-np.log(P[1]):.4f}"
    ans = tmp_path / "a.yaml"
    ans.write_text(f"L: '{rule} = {value}'\n", encoding="utf-8")
    item = report_items(check_json(GSOFT, ans))["L"]
    assert item["status"] == "correct", item
    assert item["credit"] == item["points"] == 1.0


@pytest.mark.slow
def test_loss_put_in_write_up():
    item = report_items(check_json(GSOFT, DATA / "given_put_in.md"))["L"]
    assert item["status"] == "correct", item


@pytest.mark.slow
def test_a_wrong_rule_with_the_target_is_still_wrong(tmp_path):
    # -ln p_1 takes the wrong class: its value is not L (0.0041 vs -ln p_1 = 5.5), and the rule is not L
    assert abs(-np.log(P[0]) - (-np.log(P[1]))) > 1
    ans = tmp_path / "a.yaml"
    ans.write_text(r"L: '-\ln p_1 = 0.0041'" + "\n", encoding="utf-8")
    item = report_items(check_json(GSOFT, ans))["L"]
    assert item["status"] != "correct", item


def test_w_used_where_w_transposed_belongs_vector():
    # kai.md: ∂L/∂x = W·δ = [0.0081; -0.0061] (t17 #3): named at the first entry, the second follows from it
    items = report_items(check_json(GSOFT, DATA / "kai.md"))
    first, second = items["grad_x_1"], items["grad_x_2"]
    assert np.isclose(first["expected"], (W.T @ DELTA)[0]) and np.isclose(second["expected"], (W.T @ DELTA)[1])
    assert first["status"] == "wrong" and first["diagnosis"] == "untransposed"
    assert "W used where Wᵀ belongs" in first["message"]
    assert second["diagnosis"] == "untransposed" and second["status"] == "follow_through"
    assert "half" not in second["message"]


@pytest.mark.slow
def test_w_used_where_w_transposed_belongs_both_operands():
    # Z = A B, L = sum(c Z): G = ∂L/∂Z = cᵀ·1; ∂L/∂A = G Bᵀ (slip: G B), ∂L/∂B = Aᵀ G (slip: A G)
    A = np.array([[1.0, 2.0], [0.0, -1.0]])
    B = np.array([[2.0, -1.0], [3.0, 0.5]])
    c = np.array([[1.0, -2.0], [0.5, 3.0]])
    G = c.T @ np.ones((2, 2))
    assert np.allclose(G @ B, [[7.5, -0.75], [5, -0.5]]) and np.allclose(A @ G, [[3.5, 3.5], [-1, -1]])
    items = report_items(check_json(DATA / "matmul.yaml", DATA / "matmul_ans.yaml"))
    for q, right, slip in (("A", G @ B.T, G @ B), ("B", A.T @ G, A @ G)):
        used = "B" if q == "A" else "A"
        named = [it for k, it in items.items() if k.startswith(f"grad_{q}_")]
        assert len(named) == 4
        for it in named:
            r, col = (int(n) - 1 for n in it["id"].split("_")[2:])
            assert np.isclose(it["expected"], right[r, col])
            if np.isclose(slip[r, col], right[r, col]):
                assert it["status"] == "correct", it
            else:
                assert it["diagnosis"] == "untransposed", it
        charged = [it for it in named if it["status"] == "wrong"]
        assert len(charged) == 1 and f"{used} used where {used}ᵀ belongs" in charged[0]["message"]


@pytest.mark.slow
def test_right_value_is_not_called_untransposed(tmp_path):
    ans = tmp_path / "a.yaml"
    ans.write_text("grad_x: [[%.4f], [%.4f]]\n" % tuple(W.T @ DELTA), encoding="utf-8")
    items = report_items(check_json(GSOFT, ans))
    assert items["grad_x_1"]["status"] == items["grad_x_2"]["status"] == "correct"


# -- 10: the tool's own solution of gsoft.yaml reads back at full marks, with no note ---------------------------
@pytest.mark.parametrize("suffix", [".md", pytest.param(".tex", marks=pytest.mark.slow),
                                    pytest.param(".txt", marks=pytest.mark.slow)])
def test_the_own_softmax_solution_reads_back_with_no_note(tmp_path, suffix):
    report = own_solution_report(GSOFT, tmp_path / f"gsoft{suffix}")
    assert_full_marks_no_notes(report)
    items = report_items(report)
    # s = sum(e1), L = -t·ln(p) and ∂L/∂s = ∂L/∂p·∂p/∂s are rules over the entries, judged (not passed over)
    for qid in ("s", "L", "grad_s"):
        assert "rule" in [lk["kind"] for lk in items[qid]["links"]], items[qid]
    assert np.isclose(items["s"]["value"], np.exp(Z).sum(), atol=1e-4)
    # ∂L/∂s = Σ_i ∂L/∂p_i · ∂p_i/∂s = Σ_i (-t_i/p_i)(-e1_i/s²)
    grad_s = sum((-T / P) * (-np.exp(Z) / np.exp(Z).sum() ** 2))
    assert np.isclose(items["grad_s"]["value"], grad_s, atol=1e-4)


@pytest.mark.parametrize("item,rule,right", [
    ("s", r"sum(z)", False),                                   # the sum of z, not of e1
    pytest.param("s", r"\operatorname{sum}\left(e1\right)", True, marks=pytest.mark.slow),
    pytest.param("L", r"-t \cdot \ln\left(p\right)", True, marks=pytest.mark.slow),
    pytest.param("L", r"-t \cdot \ln(e1)", False, marks=pytest.mark.slow),      # ln of e1, not of p
    pytest.param("grad_s", r"\frac{\partial L}{\partial p} \frac{\partial p}{\partial s}", True, marks=pytest.mark.slow),
    pytest.param("grad_s", r"\frac{\partial L}{\partial p} \cdot p", False, marks=pytest.mark.slow),
])
def test_vector_rules_of_a_scalar_are_judged(tmp_path, item, rule, right):
    values = {"s": np.exp(Z).sum(), "L": -np.log(P[1]),
              "grad_s": sum((-T / P) * (-np.exp(Z) / np.exp(Z).sum() ** 2))}
    ans = tmp_path / "a.md"
    name = {"s": "s", "L": "L", "grad_s": r"\frac{\partial L}{\partial s}"}[item]
    ans.write_text(f"$$ {name} = {rule} = {values[item]:.4f} $$\n", encoding="utf-8")
    links = report_items(check_json(GSOFT, ans))[item]["links"]
    assert links[0]["kind"] == "rule" and links[0]["ok"] == right, links
