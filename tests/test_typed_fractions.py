"""`1/2 (t - u)^2` as typed is ½(t − u)² (a TA's trial: latex2sympy2's grammar reads 1/(2(t − u)²))."""
from __future__ import annotations

import pytest
import yaml

from symbackprop.answers.latex import normalize

from conftest import PROBLEMS

XOR = PROBLEMS / "xor.yaml"


@pytest.mark.parametrize("text, status", [
    (r"1/2 (1 - 0.491)^2", "correct"),            # L = ½(1 − 0.491)² = 0.1295
    pytest.param(r"1/2(1-0.491)^{2}", "correct", marks=pytest.mark.slow),
    pytest.param(r"0.5 (1 - 0.491)^2", "correct", marks=pytest.mark.slow),
    pytest.param(r"1/2 (1 - 0.491)^2 = 0.1295", "correct", marks=pytest.mark.slow),
    pytest.param(r"1/4 (1 - 0.491)^2", "wrong", marks=pytest.mark.slow),               # 0.0648
    (r"1/(2 (1 - 0.491)^2)", "wrong"),             # written with its parentheses, it is what it says: 1.93
])
def test_a_typed_half_before_a_parenthesis_is_a_factor(grader_of, tmp_path, text, status):
    f = tmp_path / "a.yaml"
    f.write_text(yaml.safe_dump({"sigmoid": {"loss": text}}), encoding="utf-8")
    reports, _ = grader_of(XOR).check(f, "sigmoid")     # the session's grader: XOR solved once
    assert [v.status for v in reports[0].verdicts if v.qid == "loss"] == [status]


@pytest.mark.parametrize("text", [r"u_5/2 (1)", r"x_{1}/2 (3)", r"(3)/2 (4)", r"1/(1+e^{-4})", r"1/2 \cdot 3", r"2.5/0.5"])
def test_only_a_number_over_a_number_before_a_parenthesis_is_rewritten(text):
    assert r"\frac" not in normalize(text)
