"""Session 12, task Z1 (trial t14): follow-through beats a known mistake that gives the same number when
the student's written working is exactly the right rule at their own earlier values; the other δ
convention's substituted numbers; the Note of the other convention kept whole.

The batch problem: tanh hidden units, a sigmoid output, binary cross-entropy, a batch of 2 (mean), η = ½.
Every expected number is worked here with `math`, independently of symbackprop:
    net_3 = w_30 + w_31 x_1 + w_32 x_2, u_3 = tanh(net_3); net_5 = w_50 + w_53 u_3 + w_54 u_4, u_5 = σ(net_5);
    for BCE with a sigmoid, ∂J^(n)/∂net_5 = u_5 − t, so ∂J/∂w_53 = ½ Σ_n (u_5 − t) u_3.
"""
import math
from pathlib import Path

import pytest

PROBLEM = (Path(__file__).resolve().parent / "data" / "tanh_bce_batch.yaml").read_text(encoding="utf-8")


def forward(x1, x2):
    u3 = math.tanh(0.1 + 0.4 * x1 - 0.5 * x2)
    u4 = math.tanh(-0.2 + 0.3 * x1 + 0.6 * x2)
    u5 = 1 / (1 + math.exp(-(0.05 + 0.7 * u3 - 0.8 * u4)))
    return u3, u5


SAMPLES = [((1, 2), 1), ((-1, 0.5), 0)]
PARTS = [(u5 - t) * u3 for (x, t) in SAMPLES for u3, u5 in [forward(*x)]]
SUMMED = sum(PARTS)                 # the sum for the mean: 0.1020 (2 × the right 0.0510)
S4 = f"{SUMMED:.4f}"


@pytest.fixture(scope="module")
def problems(tmp_path_factory):
    d = tmp_path_factory.mktemp("ftw")
    out = {}
    for eta in ("0.5", "0.3"):
        f = d / f"batch_{eta}.yaml"
        f.write_text(PROBLEM.replace("learning_rate: 0.5", f"learning_rate: {eta}"), encoding="utf-8")
        out[eta] = f
    return out


def check(grader_of, problem, tmp_path, text):
    f = tmp_path / "a.md"
    f.write_text(text, encoding="utf-8")
    reports, errors = grader_of(problem).check(f, "main")
    assert errors == []
    return {v.name: v for v in reports[0].verdicts}


def test_summed_gradient_is_the_sum(problems):
    assert S4 == "0.1020" and abs(SUMMED / 2 - 0.0510) < 5e-5


@pytest.mark.parametrize("eta", ["0.5", pytest.param("0.3", marks=pytest.mark.slow)])
def test_eta_written_follows_through_not_eta_left_out(grader_of, problems, tmp_path, eta):
    # item 1: −η ∂J/∂w_53 at the student's own (summed) ∂J/∂w_53. With η = ½, "η left out" and "the sum
    # for the mean" both give −0.0510, but η is written: follow-through, and the numbers are theirs.
    mine = -float(eta) * float(S4)
    text = (f"$\\frac{{\\partial J}}{{\\partial w_{{53}}}} = {S4}$\n\n"
            f"$\\Delta w_{{53}} = -\\eta \\frac{{\\partial J}}{{\\partial w_{{53}}}} = -{eta} \\times {S4} = {mine:.4f}$\n")
    v = check(grader_of, problems[eta], tmp_path, text)
    assert v["∂J/∂w_{53}"].status == "wrong"
    d = v["Δw_{53}"]
    assert d.status == "follow_through", d.message
    assert "∂J/∂w_{53}" in str(d.message)
    assert all(lk.ok for lk in d.links if lk.kind == "numbers")


def test_numbers_that_do_not_follow_are_still_a_slip(grader_of, problems, tmp_path):
    # the same rule and numbers, a value they do not give (−0.5 × 0.1020 = −0.0510, not −0.0600)
    text = (f"$\\frac{{\\partial J}}{{\\partial w_{{53}}}} = {S4}$\n\n"
            f"$\\Delta w_{{53}} = -\\eta \\frac{{\\partial J}}{{\\partial w_{{53}}}} = -0.5 \\times {S4} = -0.0600$\n")
    v = check(grader_of, problems["0.5"], tmp_path, text)
    assert v["Δw_{53}"].status == "wrong"


def test_other_convention_numbers_judged_in_that_convention(grader_of, problems, tmp_path):
    # item 2: δ = ∂J/∂net = u_5 − t throughout (the other convention here). Their ∂J/∂w_53 = Σ δ u_3 (the
    # sum for the mean: wrong) has numbers (u_5 − t)u_3 per sample: 0.3344 and −0.2325, which give the
    # sum +0.1019(7) in their convention; in this problem's, the same rule would give −0.1020. The numbers
    # are right for their rule in their convention: no complaint about them.
    (x1, t1), (x2, t2) = SAMPLES
    a5, b5 = forward(*x1)[1], forward(*x2)[1]
    text = (f"$\\delta_5^{{(1)}} = u_5^{{(1)}} - t_5^{{(1)}} = {a5:.4f} - 1 = {a5 - 1:.4f}$\n\n"
            f"$\\delta_5^{{(2)}} = {b5:.4f}$\n\n"
            f"$\\frac{{\\partial J}}{{\\partial w_{{53}}}} = \\delta_5^{{(1)}} u_3^{{(1)}} + \\delta_5^{{(2)}} u_3^{{(2)}}"
            f" = {PARTS[0]:.4f} - {-PARTS[1]:.4f} = {S4}$\n")
    assert f"{PARTS[0]:.4f} - {-PARTS[1]:.4f}" == "0.3344 - 0.2325"
    v = check(grader_of, problems["0.5"], tmp_path, text)
    assert v["δ_5^(1)"].status == "other_convention" and v["δ_5^(2)"].status == "other_convention"
    g = v["∂J/∂w_{53}"]
    assert g.status == "wrong"
    numbers = [lk for lk in g.links if lk.kind == "numbers"]
    assert numbers and all(lk.ok for lk in numbers), [str(lk.message) for lk in numbers]


NEG = (Path(__file__).resolve().parent / "data" / "negnevitsky.yaml").read_text(encoding="utf-8")   # thresholds, α = 0.1


def test_other_convention_note_kept_apart_from_an_unread_link(grader_of, tmp_path):
    # item 5: δ_5's working has a link not read (∂E/∂y_5 inside a rule). The Note states the convention
    # only; the unread link stays in δ_5's own message. Values (x_0 = −1): net_3 = −0.8 + 0.5 + 0.4,
    # net_4 = 0.1 + 0.9 + 1.0, net_5 = −0.3 − 1.2 y_3 + 1.1 y_4; δ = ∂E/∂net = (y_5 − 0) y_5(1 − y_5) here
    s = lambda z: 1 / (1 + math.exp(-z))                       # noqa: E731
    y3, y4 = s(0.1), s(2.0)
    y5 = s(-0.3 - 1.2 * y3 + 1.1 * y4)
    d5 = y5 * y5 * (1 - y5)
    d4 = d5 * 1.1 * y4 * (1 - y4)
    problem = tmp_path / "neg.yaml"
    problem.write_text(NEG, encoding="utf-8")
    text = ("\\[ \\delta_5 = \\frac{\\partial E}{\\partial y_5}\\frac{\\partial y_5}{\\partial net_5} = "
            f"(y_5 - t_5)\\, y_5 (1-y_5) = {d5:.4f} \\]\n"
            f"\\[ \\Delta w_{{45}} = -\\alpha \\delta_5 y_4 = {-0.1 * d5 * y4:.4f} \\]\n"
            f"\\[ \\delta_4 = \\delta_5 w_{{45}} y_4 (1 - y_4) = {d4:.4f} \\]\n")
    f = tmp_path / "ivan.tex"
    f.write_text(text, encoding="utf-8")
    reports, errors = grader_of(problem).check(f, "main")
    assert errors == []
    v = {x.name: x for x in reports[0].verdicts}
    assert v["δ_5"].status == "other_convention" and v["δ_4"].status == "other_convention"
    assert "not read" in str(v["δ_5"].message)
    notes = [str(n) for n in reports[0].notes]
    convention = [n for n in notes if "every δ has the opposite sign" in n]
    assert convention and all("not read" not in n for n in convention), notes
