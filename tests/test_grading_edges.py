"""What a teaching assistant's trial of `check` and `grade` on a made-up class turned up: the places a
value shows with --part, control characters, one quantity under two keys, rubric typos, and the
grader's own paths kept out of what students read."""
import json

import pytest
from click.testing import CliRunner
from conftest import PROBLEMS

from symbackprop.cli import main

XOR = PROBLEMS / "xor.yaml"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def rows(output: str) -> dict[str, str]:
    return {line.split()[0]: line for line in output.splitlines() if line.startswith("  ") and line.split()}


@pytest.mark.parametrize("part", [None, "sigmoid"])
@pytest.mark.slow
def test_answers_under_their_part_keep_the_places_written_with_or_without_part(tmp_path, part):
    f = tmp_path / "a.yaml"
    f.write_text("sigmoid:\n  act_3: 0.9820\n  net_5: -0.0360\n", encoding="utf-8")
    r = run("check", XOR, f, *(["--part", part] if part else []))
    got = rows(r.output)
    assert "0.9820" in got["u_3"] and "correct" in got["u_3"]
    assert "-0.0360" in got["net_5"] and "correct" in got["net_5"]


@pytest.mark.parametrize("data", [b"act_3: 0.7311\x07\n", b"act_3: 0.7311\x00\n", b"\x00\x01\x02binary"])
@pytest.mark.slow
def test_a_control_character_in_a_yaml_answers_file_is_bad_input_not_our_bug(tmp_path, data):
    f = tmp_path / "a.yaml"
    f.write_bytes(data)
    r = run("check", XOR, f)
    assert r.exit_code == 2 and "control character" in r.output and "Traceback" not in r.output


def test_one_quantity_under_two_keys_is_said_and_the_worse_answer_counts(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("sigmoid:\n  u_3: 0.5\n  act_3: 0.9820\n", encoding="utf-8")
    r = run("check", XOR, f, "--part", "sigmoid")
    assert "u_3 is answered again under act_3" in r.output
    assert "WRONG" in rows(r.output)["u_3"] and r.exit_code == 1


@pytest.mark.slow
def test_one_quantity_answered_right_under_two_keys_is_a_note_not_a_failure(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("sigmoid:\n  u_3: 0.9820\n  act_3: 0.98201\n", encoding="utf-8")
    r = run("check", XOR, f, "--part", "sigmoid")
    assert "u_3 is answered again under act_3" in r.output and r.exit_code == 0


@pytest.mark.slow
def test_a_json_key_given_twice_is_refused_like_yaml(tmp_path):
    f = tmp_path / "a.json"
    f.write_text('{"sigmoid": {"act_3": 0.5, "act_3": 0.9820}}', encoding="utf-8")
    r = run("check", XOR, f)
    assert r.exit_code == 2 and "'act_3' is given twice" in r.output


@pytest.mark.slow
def test_a_rubric_item_that_is_no_quantity_is_refused(tmp_path):
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text("grading: {items: {act_3: 2, delta5: 3}}\n", encoding="utf-8")
    answers = tmp_path / "a.yaml"
    answers.write_text("sigmoid: {act_3: 0.9820}\n", encoding="utf-8")
    r = run("check", XOR, answers, "--rubric", rubric)
    assert r.exit_code == 2 and "'delta5' is not a quantity" in r.output


@pytest.mark.slow
def test_an_empty_answers_file_says_it_is_empty(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("", encoding="utf-8")
    r = run("check", XOR, f)
    assert r.exit_code == 2 and "empty" in r.output


@pytest.mark.slow
def test_a_writeup_without_math_says_where_equations_are_read(tmp_path):
    f = tmp_path / "w.md"
    f.write_text("The output is u_3 = 0.9820\n", encoding="utf-8")     # prose: a plain line is read only when
    r = run("check", XOR, f, "--part", "sigmoid")                     # it starts with a quantity's name
    assert r.exit_code == 2 and "inside $…$" in r.output


@pytest.mark.slow
def test_what_students_read_names_their_file_not_the_graders_folder(tmp_path):
    subs = tmp_path / "very-secret-grading-area" / "subs"
    subs.mkdir(parents=True)
    (subs / "nina.yaml").write_text("", encoding="utf-8")
    (subs / "omar.yaml").write_text("sigmoid: {act_3: 0.9820}\n", encoding="utf-8")
    out = tmp_path / "out"
    r = run("grade", XOR, subs, "-o", tmp_path / "gb.csv", "--gradescope", out, "--jobs", "1")
    assert r.exit_code == 0, r.output
    note = json.loads((out / "nina.json").read_text(encoding="utf-8"))["output"]
    assert "nina.yaml: the file is empty" in note and "very-secret-grading-area" not in note
    assert "very-secret-grading-area" not in (tmp_path / "gb.csv").read_text(encoding="utf-8")


# -- from a hostile student's trial ---------------------------------------------------------------
def _sigmoid_report(tmp_path, answers: dict):
    import yaml
    f = tmp_path / "a.yaml"
    f.write_text(yaml.safe_dump({"sigmoid": answers}), encoding="utf-8")
    r = run("check", XOR, f, "--part", "sigmoid")
    return r, rows(r.output)


@pytest.mark.parametrize("qid, name, text", [
    ("act_3", "u_3", "0.98 \\times 1 = u_3"),          # the value link followed by a name
    ("act_5", "u_5", "0.49 + 0 = g(net_5)"),
    ("delta_5", "δ_5", "-0.13 \\times 1 = \\delta_5"),
    ("act_5", "u_5", "4.9e-1"),                        # e-notation is a product with a power of ten
])
@pytest.mark.slow
def test_no_spelling_of_a_two_place_value_escapes_the_precision_rule(tmp_path, qid, name, text):
    r, got = _sigmoid_report(tmp_path, {qid: text})
    assert "imprecise" in got[name], r.output


@pytest.mark.slow
def test_an_earlier_answer_does_not_unlock_an_imprecise_expression(tmp_path):
    r, got = _sigmoid_report(tmp_path, {"act_3": "0.9820", "delta_5": "-0.13 + 0"})
    assert "imprecise" in got["δ_5"], r.output


@pytest.mark.slow
def test_sums_inside_sums_are_bounded_work_and_unreadable(tmp_path):
    nested = ("\\sum_{a=1}^{50}\\left(a+\\sum_{b=1}^{50}\\left(b+\\sum_{c=1}^{50}\\left(c+\\sum_{d=1}^{50} "
              "a b c d\\right)\\right)\\right)")
    r, got = _sigmoid_report(tmp_path, {"act_4": nested})
    assert "unreadable" in got["u_4"] and "too much to evaluate" in got["u_4"]


@pytest.mark.parametrize("suffix, text", [
    (".json", '{"sigmoid": {"u_3": "\\ud800"}}'),
    (".yaml", 'sigmoid:\n  u_3: "\\ud800"\n'),
    (".yaml", 'sigmoid:\n  "u_\\ud800": 1\n'),
])
@pytest.mark.slow
def test_a_lone_surrogate_is_reported_not_a_crash(tmp_path, suffix, text):
    f = tmp_path / f"a{suffix}"
    f.write_text(text, encoding="utf-8")
    r = run("check", XOR, f, "--part", "sigmoid")
    assert r.exit_code in (1, 2) and "lone surrogate" in r.output and r.exception is None or \
        isinstance(r.exception, SystemExit)


def test_a_delta_of_zero_does_not_count_against_the_other_convention(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("relu: {delta_5: -3, delta_4: 0, delta_3: -6}\n", encoding="utf-8")
    r = run("check", XOR, f, "--part", "relu")
    got = rows(r.output)
    assert "other convention" in got["δ_5"].lower().replace("_", " ") or "other_convention" in got["δ_5"], r.output
    assert "sign slip" not in r.output


# -- from a second hostile student's trial --------------------------------------------------------
@pytest.mark.slow
def test_a_general_rule_with_powers_of_sums_is_compared_at_points_not_expanded(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("sigmoid:\n  delta_hidden: '((u_j+x_i+\\eta+\\delta_k+\\delta_j+z_k+net_k+net_j+w_{jk}+w_{ij})^{10}"
                 "+1)^{10}'\n", encoding="utf-8")
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, "-m", "symbackprop.cli", "check", str(XOR), str(f), "--part", "sigmoid"],
                          capture_output=True, text=True, timeout=120)    # a regression hangs and uses GBs
    assert proc.returncode == 1 and "not the derived rule" in proc.stdout


@pytest.mark.slow
def test_a_rule_summing_past_the_units_is_unreadable_not_our_bug(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("sigmoid:\n  delta_hidden: \"g'(net_j)\\\\sum_{k=1}^{4} w_{jk}\\\\delta_k\"\n", encoding="utf-8")
    r = run("check", XOR, f, "--part", "sigmoid")
    assert r.exit_code == 1 and "outside the network the rule is checked on" in r.output


@pytest.mark.parametrize("written, status", [("4.9e-1", "imprecise"), ("4.910e-1", "correct"), ("49.1e-2", "correct"), ("49e-2", "imprecise"),  # 0.491 is 0.4910 (issue 13)
                                             ("4.91008e-1", "correct")])
@pytest.mark.slow
def test_a_yaml_number_in_e_notation_shows_the_places_of_its_value(tmp_path, written, status):
    f = tmp_path / "a.yaml"
    f.write_text(f"sigmoid:\n  act_5: {written}\n", encoding="utf-8")
    r = run("check", XOR, f, "--part", "sigmoid")
    assert status in rows(r.output)["u_5"], r.output


@pytest.mark.skipif(not __import__("symbackprop.lifeline", fromlist=["x"]).cpu_limited() or
                    __import__("sys").platform != "linux", reason="CPU limits are POSIX; the forked worker inherits the patch")
@pytest.mark.slow
def test_an_answer_too_slow_to_read_is_stopped_by_computing_time_not_by_the_clock(monkeypatch):
    """A busy machine stretches the clock, not the CPU time: the parse limit is CPU time, and the
    clock only a wide backstop (10 × the limit)."""
    from symbackprop.answers import latex
    plus = "+".join("{{{e^{%d}}}}" % k for k in range(2, 90))
    minus = "-".join("{{{e^{%d}}}}" % k for k in range(2, 90))
    slow = r"\frac{1}{1+e^{-4}}+" + plus + "-" + minus          # several seconds of CPU to parse
    monkeypatch.setattr(latex, "TIMEOUT", 0.0)                  # the worker's CPU limit: about 1 s
    with latex.Parser(timeout=1.0) as p:
        with pytest.raises(latex.AnswerError, match="more than 1 s of computing time"):
            p.parse(slow)
        assert slow not in p.cache and p.budget == pytest.approx(latex.BUDGET - 1.0)


@pytest.mark.slow
def test_degenerate_early_values_do_not_buy_the_rest_of_the_paper(tmp_path):
    """0s and 1s for the forward pass make every later step 0 or a copied weight: a rounding that shows no
    digit of the value is no answer, and a step the error made 0 earns no follow-through."""
    ids = ["loss", "gprime_5", "delta_5", "grad_w_0_5", "grad_w_3_5", "grad_w_4_5", "update_w_0_5",
           "update_w_3_5", "update_w_4_5", "gprime_3", "gprime_4", "delta_3", "delta_4"]
    answers = {"net_3": 4, "net_4": 0, "act_3": 1, "act_4": 0, "net_5": 0, "act_5": 1, **{q: 0 for q in ids}}
    r, got = _sigmoid_report(tmp_path, answers)
    assert "WRONG" in got["u_5"] and "WRONG" in got["u_4"]          # 0.491 and 0.5 to 0 places show no digit
    assert "WRONG" in got["u_3"]                                    # 0.982 to 0 places is 1: no digit of it either
    for name in ("L", "δ_5", "Δw_{35}", "δ_3"):
        assert "WRONG" in got[name] and "no follow-through credit" in got[name]
    score = float(r.output.split("Score: ")[-1].split("/")[0])
    assert score <= 3.5


@pytest.mark.slow
def test_follow_through_still_credits_real_working_from_a_wrong_value(tmp_path):
    # u_5 = 0.6 (wrong): L = ½(1 − 0.6)² = 0.08 is computed from it, not made trivial by it
    r, got = _sigmoid_report(tmp_path, {"act_5": "0.6000", "loss": "0.0800"})
    assert "follow-through" in got["L"], r.output


# -- from a third trial ------------------------------------------------------------------------------
@pytest.mark.slow
def test_copied_old_weights_behind_a_wrong_zero_update_earn_nothing(tmp_path):
    r, got = _sigmoid_report(tmp_path, {"update_w_0_5": 0, "update_w_3_5": 0, "new_w_0_5": -4, "new_w_3_5": 2})
    # wrong either way: trivialised (fed a wrong 0), or, since an exact known mistake wins, "the old weight"
    for name in ("w_{05}^new", "w_{35}^new"):
        assert "WRONG" in got[name] and ("trivial" in got[name] or "the old weight" in got[name]), r.output
    alone, got_alone = _sigmoid_report(tmp_path, {"new_w_0_5": -4, "new_w_3_5": 2})
    score = lambda out: float(out.split("Score: ")[-1].split("/")[0])      # noqa: E731
    assert score(r.output) <= score(alone.output)          # adding wrong answers never raises the score


@pytest.mark.parametrize("qid, name, text", [("delta_5", "δ_5", "-1e-1"), ("delta_5", "δ_5", "-1.3e-1"),
                                             ("update_w_4_5", "Δw_{45}", 0.06), ("grad_w_4_5", "∂L/∂w_{45}", -0.06)])
@pytest.mark.slow
def test_a_correctly_rounded_number_is_imprecise_whatever_mistake_also_rounds_to_it(tmp_path, qid, name, text):
    r, got = _sigmoid_report(tmp_path, {qid: text})
    assert "imprecise" in got[name], r.output
