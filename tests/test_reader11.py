"""A failure inside latex2sympy2 or SymPy is never shown to a student in Python's words."""
import json

from symbackprop.answers.latex import UNREADABLE, _unreadable


def test_a_python_error_of_the_reader_is_said_in_words_with_the_likely_cause(grader, tmp_path):
    # `delta_5` after `*` makes latex2sympy2 fail with "argument of type 'Symbol' is not iterable"
    f = tmp_path / "a.yaml"
    f.write_text(json.dumps({"sigmoid": {"\\Delta w_{35}": "-\\eta * u_3 * delta_5 = -0.05"}}) + "\n", encoding="utf-8")
    reports, _ = grader.check(f, "sigmoid")
    v = next(v for v in reports[0].verdicts if v.qid == "update_w_3_5")
    assert "not iterable" not in v.message and "Symbol" not in v.message
    assert UNREADABLE + r": write delta with its backslash, \delta" in v.message


def test_the_greek_hint_only_for_a_bare_greek_name():
    assert _unreadable(r"\delta_5 \cdot x") == UNREADABLE
    assert _unreadable("u_3 * delta_5") == UNREADABLE + r": write delta with its backslash, \delta"
    assert _unreadable("deltas + metal") == UNREADABLE          # words that only contain a Greek name
