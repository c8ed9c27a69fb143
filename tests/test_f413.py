"""Session 13, task F4 (trial t15, items 5, 6, 8).

5. In a batch, a per-sample quantity written without its sample index inside an item of sample (n) is that
   sample's (x_1 in net_4^(1) is x_1^(1)); where no item says which sample, the hint lists the samples' names
   (did you mean x_1^(1) or x_1^(2)?), never another quantity (x_0).
6. A graph's `s = v · h` (a dot product of two vectors) is a scalar's rule and numbers, judged; a note that
   quotes a student's matrix shows it as written (bmatrix), never as the reader's Python lists.
8. Python API: `step()` of a name the problem writes with another letter says the problem's own names and
   "did you mean …?"; graph steps have `float_value`.
"""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop.cli import main
from conftest import assert_full_marks_no_notes, check_json, own_solution_report, report_items

DATA = Path(__file__).parent / "data" / "f413"
NBS = DATA / "neg_batch_shared.yaml"      # t15's p/neg_batch_shared.yaml: threshold, shared th, a batch of 2
GRAPH = DATA / "graph.yaml"               # t15's p/graph.yaml: s = dot(v, h)


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# -- 5: a batch's per-sample names without their sample ---------------------------------------------------
# by hand: th = 0.8 on the bias input −1; sample 1 x = (1, 1), sample 2 x = (0, 1); w_14 = 0.9, w_24 = 1.0:
# net_4^(1) = −0.8 + 0.9 + 1.0 = 1.1, net_4^(2) = −0.8 + 0 + 1.0 = 0.2
NET4 = {1: -0.8 + 0.9 * 1 + 1.0 * 1, 2: -0.8 + 0.9 * 0 + 1.0 * 1}


@pytest.mark.parametrize("suffix", [".md", pytest.param(".tex", marks=pytest.mark.slow)])
def test_an_input_without_its_sample_is_the_items_sample(tmp_path, suffix):
    f = tmp_path / f"kai{suffix}"
    f.write_text(f"$net_4^{{(1)}} = -th + w_{{14}} x_1 + w_{{24}} x_2 = -0.8 + 0.9 + 1 = {NET4[1]:.1f}$\n"
                 f"$net_4^{{(2)}} = -th + w_{{14}} x_1 + w_{{24}} x_2 = {NET4[2]:.1f}$\n"
                 # the other sample's inputs, written with their index: the rule does not give net_4^(2)
                 f"$net_3^{{(2)}} = -th + w_{{13}} x_1^{{(1)}} + w_{{23}} x_2^{{(1)}} = 0.1$\n", encoding="utf-8")
    items = report_items(check_json(NBS, f))
    for qid in ("net_4@1", "net_4@2"):
        links = items[qid]["links"]
        assert items[qid]["status"] == "correct", items[qid]
        assert links[0]["kind"] == "rule" and links[0]["ok"], links       # read and judged, not passed over
    wrong = items["net_3@2"]["links"][0]
    assert wrong["kind"] == "rule" and not wrong["ok"], wrong


@pytest.mark.slow
def test_every_per_sample_kind_in_an_answers_file(tmp_path):
    """A target (yd_5), an output (y_5) and g'(net_5) without their sample, in a YAML answers file's item of
    sample 2: δ_5^(2) = −∂E/∂net_5 of the sample, E = Σ (yd − y)² (squared_error): 2·g'(net_5)(yd_5 − y_5)."""
    th, w = 0.8, {(1, 3): 0.5, (2, 3): 0.4, (1, 4): 0.9, (2, 4): 1.0, (3, 5): -1.2, (4, 5): 1.1}
    x1, x2, yd = 0, 1, 1                                   # sample 2
    y3 = _sigmoid(-th + w[1, 3] * x1 + w[2, 3] * x2)
    y4 = _sigmoid(-th + w[1, 4] * x1 + w[2, 4] * x2)
    y5 = _sigmoid(-0.3 + w[3, 5] * y3 + w[4, 5] * y4)
    delta = 2 * y5 * (1 - y5) * (yd - y5)
    f = tmp_path / "a.yaml"
    f.write_text(f"delta_5@2: \"2 g'(net_5) (yd_5 - y_5) = {delta:.4f}\"\n"
                 f"loss@2: \"(yd_5 - y_5)^2 = {(yd - y5) ** 2:.4f}\"\n", encoding="utf-8")
    items = report_items(check_json(NBS, f))
    for qid in ("delta_5@2", "loss@2"):
        assert items[qid]["status"] == "correct", items[qid]
        assert [lk["kind"] for lk in items[qid]["links"]][:1] == ["rule"] and items[qid]["links"][0]["ok"]


def test_without_an_items_sample_the_hint_names_each_samples(tmp_path):
    f = tmp_path / "h.md"
    f.write_text("$x_1 = 1$\n"
                 "$\\Delta w_{35} = \\alpha \\frac{1}{2}(\\delta_5 y_3^{(1)} + \\delta_5^{(2)} y_3^{(2)}) = -0.0008$\n",
                 encoding="utf-8")
    report = check_json(NBS, f)
    not_read = " ".join(report["not_read"])
    assert "did you mean x_1^(1) or x_1^(2)?" in not_read and "x_0" not in not_read, not_read
    link = report_items(report)["update_w_3_5"]["links"][0]
    assert link["kind"] == "unread" and "did you mean δ_5^(1) or δ_5^(2)?" in link["message"], link


# -- 6: a graph's own solution, and matrices quoted as written -----------------------------------------------
# by hand: z = W x + b = (1.1, −1, 0.8), h = tanh(z); s = v·h = tanh(1.1) − 2 tanh(−1) + 0.5 tanh(0.8)
S = math.tanh(1.1) - 2 * math.tanh(-1) + 0.5 * math.tanh(0.8)
H = [math.tanh(1.1), math.tanh(-1), math.tanh(0.8)]


def _bm(col) -> str:
    return "\\begin{bmatrix}" + " \\\\ ".join(str(c) for c in col) + "\\end{bmatrix}"


@pytest.mark.parametrize("suffix", [".md", pytest.param(".tex", marks=pytest.mark.slow),
                                    pytest.param(".txt", marks=pytest.mark.slow)])
def test_a_graphs_own_solution_reads_back_with_no_note(tmp_path, suffix):
    out = tmp_path / f"graph{suffix}"
    report = own_solution_report(GRAPH, out)
    s = report_items(report)["s"]
    assert s["status"] == "correct" and abs(s["value"] - S) < 1e-4
    # v · h read as Σ v_k h_k and its numbers as the sum of products: both judged right, neither unread
    assert [lk["kind"] for lk in s["links"]] == ["rule", "numbers", "value"] and all(lk["ok"] for lk in s["links"])
    assert_full_marks_no_notes(report)


@pytest.mark.slow
def test_a_dot_product_rule_and_its_numbers_are_judged(tmp_path):
    f = tmp_path / "s.md"
    h = [f"{x:.4f}" for x in H]
    f.write_text(f"$$ s = h \\cdot h = {_bm([1, -2, 0.5])} \\cdot {_bm(h)} \\approx {S:.4f} $$\n", encoding="utf-8")
    link = report_items(check_json(GRAPH, f))["s"]["links"][0]
    assert link["kind"] == "rule" and not link["ok"], link           # h·h is not v·h
    f.write_text(f"$$ s = v^T h = {_bm([1, 2, 0.5])} \\cdot {_bm(h)} \\approx {S:.4f} $$\n", encoding="utf-8")
    links = report_items(check_json(GRAPH, f))["s"]["links"]
    assert links[0]["kind"] == "rule" and links[0]["ok"], links
    # the numbers 1·h_1 + 2·h_2 + 0.5·h_3 are not s (a sign slip in v_2): judged wrong, not passed over
    assert links[1]["kind"] == "numbers" and not links[1]["ok"], links


def test_a_note_quotes_a_matrix_as_written(tmp_path):
    f = tmp_path / "w.md"
    written = "\\begin{bmatrix}0.5 & -0.5 \\\\ 1 & 2\\end{bmatrix} \\begin{bmatrix}1 \\\\ -1\\end{bmatrix}"
    f.write_text(f"$$ s = {written} \\approx {S:.4f} $$\n", encoding="utf-8")
    s = report_items(check_json(GRAPH, f))["s"]
    unread = [lk for lk in s["links"] if lk["kind"] == "unread"]
    assert unread and unread[0]["text"] == written, s
    for text in (s["given"], s["message"], unread[0]["message"]):
        assert "[[" not in text and "\\begin{bmatrix}0.5" in text, text
    r = CliRunner().invoke(main, ["check", str(GRAPH), str(f), "--lang", "zh"])
    assert "[[" not in r.output and "\\begin{bmatrix}0.5 & -0.5" in r.output, r.output


# -- 8: the Python API ---------------------------------------------------------------------------------------
def test_step_of_another_books_letter_says_the_problems_own_names():
    """t15's tanh.yaml writes a unit's output y_3 (activation_symbol: y) and the output z_6."""
    import symbackprop
    from symbackprop.stepname import StepNotFound
    part = symbackprop.solve(str(DATA / "tanh.yaml")).part("main")
    with pytest.raises(StepNotFound) as got:
        part.step("u_3")
    assert "did you mean y_3?" in str(got.value)
    with pytest.raises(StepNotFound) as got:
        part.step("u_6")                        # the output unit, under the output's own letter
    assert "did you mean z_6?" in str(got.value)
    with pytest.raises(StepNotFound) as got:
        part.step("nothing_like_a_name")
    words = str(got.value)
    assert "(y_3, δ_" in words and "u_3" not in words, words       # examples as this problem writes them
    assert part.step("y_3").id == "act_3"


def _graph_loss(W, b=(0.1, 0, -0.2), v=(1, -2, 0.5), x=(1, -1), t=1.0) -> float:
    h = [math.tanh(sum(W[i][j] * x[j] for j in range(2)) + b[i]) for i in range(3)]
    return (sum(vi * hi for vi, hi in zip(v, h)) - t) ** 2 / 2


def test_graph_steps_have_float_value():
    """∂L/∂W by central differences of L = (v·tanh(Wx + b) − t)²/2 written out here, entry by entry."""
    import symbackprop
    g = symbackprop.solve(str(GRAPH))
    W = [[0.5, -0.5], [1, 2], [0, -1]]
    eps = 1e-6

    def diff(i, j):
        up = [row[:] for row in W]
        down = [row[:] for row in W]
        up[i][j] += eps
        down[i][j] -= eps
        return (_graph_loss(up) - _graph_loss(down)) / (2 * eps)

    entry = g.step("grad_W_2_1").float_value
    assert isinstance(entry, float) and abs(entry - diff(1, 0)) < 1e-6
    whole = g.step("grad_W").float_value                # a tuple of rows of floats
    assert len(whole) == 3 and all(len(row) == 2 for row in whole)
    assert all(abs(whole[i][j] - diff(i, j)) < 1e-6 for i in range(3) for j in range(2))
    assert abs(g.step("s").float_value - S) < 1e-12 and g.step("t").float_value == 1.0
