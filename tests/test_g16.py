"""Session 16, F2: the name reader takes dropout's names (ũ_j, the test-time pass, p), so that a dropout
write-up is read without latex2sympy2's worker; dropout's and padding's diagnoses t23 missed; one line for a
dropout p that is no number."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from symbackprop.answers import latex, quick
from symbackprop.answers.latex import prepare
from symbackprop.answers.names import NameTable
from symbackprop.cli import main
from symbackprop.problem import load_problem
from symbackprop.solution import solve

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = ROOT / "problems"


def _table(name: str, part: int = 0) -> NameTable:
    return NameTable(solve(load_problem(PROBLEMS / name)).parts[part])


@pytest.fixture(scope="module")
def train_table():
    return _table("xor_dropout_train.yaml")


# each text, and the ids its names must read as (in order of first appearance)
DROPOUT_TEXTS = [
    (r"\frac{m_{3}^{(1)} \cdot u_{3}^{(1)}}{1 - p}", ["mask_3@1", "act_3@1", "dropout_p_1"]),
    (r"w_{13} \cdot x_{1}^{(2)} + w_{37} \cdot \tilde{u}_{3}^{(2)}", ["w_1_3", "input_1@2", "w_3_7", "masked_3@2"]),
    (r"\delta_{7}^{(1)} \cdot \tilde u_{4}^{(1)}", ["delta_7@1", "masked_4@1"]),
    (r"w_{37} \cdot \tilde{u}_{3}^{\text{test}(1)}", ["w_3_7", "test_masked_3@1"]),
    (r"2 \cdot net_{7}^{\mathrm{test}(3)}", ["test_net_7@3"]),
    (r"u_{7}^{\text{test}(4)} - 1", ["test_act_7@4"]),
    ("w_{37} \\cdot u\u0303_3^test(2)", ["w_3_7", "test_masked_3@2"]),   # the text solution's ũ: u + U+0303
    ("w_{37} \\cdot \u0169_3^(2)", ["w_3_7", "masked_3@2"]),             # ũ composed
]


@pytest.mark.parametrize("text, ids", DROPOUT_TEXTS)
def test_dropout_names_are_read_without_the_worker(train_table, text, ids):
    prepared = prepare(text, train_table)
    assert prepared.unknown == ()
    assert quick.read(prepared.text) is not None, prepared.text       # quick.py reads it: no latex2sympy2
    if ids is not None:
        got = [train_table.lookup(prepared.names[f"Q_{i + 1}"]).qid for i in range(len(prepared.names))]
        assert got == ids


@pytest.mark.slow
def test_p_is_a_name_only_where_the_part_drops_out():
    """Without dropout a bare p is no quantity: it is left to the parser (and said unknown there)."""
    table = _table("xor_train.yaml")
    assert "p" not in [m.group() for m in table.token.finditer(r"\frac{1}{1 - p}")]
    assert re.fullmatch(table.token, "p") is None


def _worker_texts(monkeypatch, path: Path, answers: Path) -> tuple[list[str], CliRunner]:
    sent: list[str] = []
    orig = latex.Parser._uncached

    def spy(self, text, todo, seen):
        n = len(todo)
        orig(self, text, todo, seen)
        sent.extend(todo[n:])
    monkeypatch.setattr(latex.Parser, "_uncached", spy)
    result = CliRunner().invoke(main, ["check", str(path), str(answers)])
    assert result.exit_code in (0, 1), result.output
    return sent, result


@pytest.mark.slow
@pytest.mark.parametrize("fmt, ext", [("latex", "tex"), ("markdown", "md"), ("text", "txt")])
def test_the_dropout_solution_checks_with_no_worker_for_its_dropout_names(monkeypatch, tmp_path, fmt, ext):
    """xor_dropout_train's own solution in each format: every text that reaches latex2sympy2 is one quick.py
    does not take for a reason that is not dropout's (the text format's exp(…)); before, every rule with ũ or p
    went to the worker and the LaTeX one was not graded (more than 5 s)."""
    path = PROBLEMS / "xor_dropout_train.yaml"
    out = tmp_path / f"s.{ext}"
    args = ["solve", str(path), "--format", fmt, "-o", str(out)] + (["--fragment"] if fmt == "latex" else [])
    assert CliRunner().invoke(main, args).exit_code == 0
    sent, result = _worker_texts(monkeypatch, path, out)
    assert [t for t in sent if "exp" not in t] == []
    assert [t for t in sent if re.search(r"tilde|\u0303|ũ|test|(?<![A-Za-z\\])p(?![A-Za-z])", t)] == []
    assert "Score: 176 / 176" in result.output


# -- item 4 (t23 item 7): a p that is no number gives one line ------------------------------------------
def test_a_dropout_p_that_is_no_number_is_one_line(tmp_path):
    text = (ROOT / "tests" / "data" / "g16" / "drop.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("p: 0.4,", "p: half,"), encoding="utf-8")
    result = CliRunner().invoke(main, ["solve", str(bad)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "half" in lines[0] and "dropout.p" in lines[0], result.output
    # a number outside [0, 1) still says so
    bad.write_text(text.replace("p: 0.4,", "p: 1.5,"), encoding="utf-8")
    result = CliRunner().invoke(main, ["solve", str(bad)])
    assert result.exit_code == 2 and "1.5" in result.output and "[0, 1)" in result.output


# -- item 2 (t23 item 4): dropout's scaling slips on the test-time output and in a standard part --------------
DATA = ROOT / "tests" / "data" / "g16"


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _verdicts(problem: Path, answers) -> dict:
    from symbackprop.answers import check_submission
    reports, _ = check_submission(problem, answers)
    return {r.part: {v.qid: v for v in r.verdicts} for r in reports}


def test_the_test_time_output_without_standard_dropouts_factor_is_named():
    """xor_dropout's standard part (p = 0.5; w_35 = 2, w_45 = 4, w_05 = −4; u_3 = σ(4), u_4 = σ(0) = 0.5):
    net_5^test = −4 + 2·(1 − p)·u_3 + 4·(1 − p)·u_4 ≈ −2.0180; without the (1 − p), −4 + 2·u_3 + 4·0.5 ≈
    −0.0360 and u_5^test = σ(−0.0360) ≈ 0.4910, t23's in/ans_xd.yaml."""
    u3 = _sigmoid(4)
    net = -4 + 2 * u3 + 4 * 0.5
    assert round(net, 4) == -0.0360 and round(_sigmoid(net), 4) == 0.4910
    for answers in ({"standard": {"test_net_5": round(net, 4)}}, {"standard": {"test_act_5": round(_sigmoid(net), 4)}},
                    yaml.safe_load((DATA / "ans_xd.yaml").read_text(encoding="utf-8"))):
        by = _verdicts(PROBLEMS / "xor_dropout.yaml", answers)["standard"]
        first = next(q for q in ("test_net_5", "test_act_5") if q in answers["standard"])
        assert by[first].status == "wrong" and by[first].diagnosis == "dropout_test_scale_missing", answers
    # the inverted part's test pass has no factor: the same numbers there are right, not this slip
    by = _verdicts(PROBLEMS / "xor_dropout.yaml", {"inverted": {"test_net_5": round(net, 4)}})["inverted"]
    assert by["test_net_5"].status == "correct"


@pytest.mark.slow
def test_t23s_dropout_answers_are_diagnosed():
    """t23's own file (tests/data/g16/drop.yaml): the std part's test-time output without (1 − p), and
    ũ_3 = m_3·u_3/(1 − p) in the std part, whose dropout is standard (the inv part's ũ_3^(1) = −0.716066 is
    that value: the same mask entry and p, inverted)."""
    drop = DATA / "drop.yaml"
    by = _verdicts(drop, yaml.safe_load((DATA / "ans_drop.yaml").read_text(encoding="utf-8")))
    assert by["std"]["test_act_6@1"].diagnosis == "dropout_test_scale_missing"
    by = _verdicts(drop, yaml.safe_load((DATA / "ans_drop2.yaml").read_text(encoding="utf-8")))
    assert by["std"]["masked_3@1"].diagnosis == "dropout_scale_in_standard"
    assert by["std"]["test_net_6@1"].diagnosis == "dropout_test_scale_missing"
    inv = _verdicts(drop, {"inv": {"masked_3@1": -0.716066}})["inv"]["masked_3@1"]
    assert inv.status == "correct"
    # the slip's value, by hand: sample 1 x = (1, 2), net_3 = 0.1 + 0.5·1 − 0.6·2 = −0.6, u_3 = tanh(−0.6);
    # standard ũ_3 = m_3·u_3 = u_3, the slip's u_3/(1 − 0.25)
    assert round(math.tanh(-0.6) / 0.75, 6) == -0.716066
    assert _verdicts(drop, {"std": {"masked_3@1": round(math.tanh(-0.6), 6)}})["std"]["masked_3@1"].status == "correct"


# -- item 3 (t23 item 5): padding, the masked sum divided by pad_to ------------------------------------------
def _graph_verdicts(problem: Path, answers: Path) -> dict:
    result = CliRunner().invoke(main, ["check", str(problem), str(answers), "--format", "json"])
    assert result.exit_code == 1, result.output
    return {i["id"]: i for p in json.loads(result.stdout)["parts"] for i in p["items"]}


def test_dividing_by_pad_to_is_named_before_the_unmasked_mean():
    """t23's pad.yaml: sentence 1 "fun film", pad_to 4; S_1 = e_fun + e_film = [1.7, 0.4, 0.2] (by hand),
    h_1 = S_1/2 = [0.85, 0.2, 0.1]; divided by 4, [0.425, 0.1, 0.05], t23's answers (n_1 = 4 with them, or h_1
    alone). The unmasked mean (the pads' [3, −2, 1] twice in) gives h_1 = [7.7, −3.6, 2.2]/4 instead; n_1 = 4,
    which both mistakes give, is named as dividing by pad_to (asked first)."""
    s1 = [1.5 + 0.2, 0 + 0.4, 0.5 - 0.3]
    assert [round(v / 4, 3) for v in s1] == [0.425, 0.1, 0.05]
    pad = DATA / "pad.yaml"
    by = _graph_verdicts(pad, DATA / "ans_pad3.yaml")
    assert by["h1_1"]["status"] == "wrong" and by["h1_1"]["diagnosis"] == "pad_to_divisor"
    assert "4" in by["h1_1"]["message"] and "= 2" in by["h1_1"]["message"]


@pytest.mark.slow
def test_n_s_as_pad_to_is_that_mistake_and_the_unmasked_mean_is_still_named(tmp_path):
    by = _graph_verdicts(DATA / "pad.yaml", DATA / "ans_pad2.yaml")
    assert by["n1"]["diagnosis"] == "pad_to_divisor"
    assert by["h1_1"]["status"] == "follow_through"
    pads = [3, -2, 1]
    h1 = [round((v + 2 * p) / 4, 5) for v, p in zip([1.7, 0.4, 0.2], pads)]      # S_1 + 2 pads, over 4
    assert h1 == [1.925, -0.9, 0.55]
    f = tmp_path / "a.yaml"
    f.write_text(yaml.safe_dump({"h1": h1}), encoding="utf-8")
    by = _graph_verdicts(DATA / "pad.yaml", f)
    assert by["h1_1"]["diagnosis"] == "unmasked_mean"
