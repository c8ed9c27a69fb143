"""Work done once per value (symbackprop/memo.py): a memo hit is the result a fresh computation gives,
for equal values only, never for another file's lines or another table row, never for an error."""
import pytest
import sympy as sp
import yaml

from symbackprop import activations, memo, solution
from symbackprop.answers import instances as inst
from symbackprop.errors import ProblemError
from symbackprop.problem import load_problem, parse_problem
from symbackprop.render import render
from symbackprop.symbolic_rules import derive_general

from conftest import NETWORKS, PROBLEMS

XOR = (PROBLEMS / "xor.yaml").read_text(encoding="utf-8")


def _fresh(path, fmt, parts):
    with solution.solve_part.off(), derive_general.off():
        return render(solution.solve(path, parts), fmt)


@pytest.mark.parametrize("path,parts,fmts", [(PROBLEMS / "xor.yaml", ["relu"], ["text", "json"])] + [
    pytest.param(p, None, ["text", "json", "latex", "markdown", "html"], marks=pytest.mark.slow) for p in NETWORKS],
    ids=lambda p: getattr(p, "name", "-"))
def test_a_remembered_solution_renders_the_bytes_a_fresh_one_does(path, parts, fmts):
    # the remembered solution has been rendered before, in each format (its printers keep layouts)
    remembered = solution.solve(path, parts)
    for fmt in fmts:
        render(remembered, fmt)
    again = solution.solve(path, parts)
    assert all(a is b for a, b in zip(again.parts, remembered.parts))
    for fmt in fmts:
        assert render(again, fmt) == _fresh(path, fmt, parts)


def test_an_equal_part_from_another_file_keeps_its_own_lines(tmp_path):
    one = tmp_path / "one.yaml"
    two = tmp_path / "two.yaml"
    one.write_text(XOR, encoding="utf-8")
    two.write_text("# a comment moves every line\n\n" + XOR, encoding="utf-8")
    a, b = solution.solve(one, ["relu"]), solution.solve(two, ["relu"])
    pa, pb = load_problem(one).parts[0], load_problem(two).parts[0]
    assert pa == pb and pa.written_at != pb.written_at
    assert a.parts[0].part.written_at == pa.written_at
    assert b.parts[0].part.written_at == pb.written_at
    assert a.parts[0] is not b.parts[0]


def test_another_value_is_another_solution():
    changed = XOR.replace("learning_rate: 1\n", "learning_rate: 0.5\n")
    assert changed != XOR
    a = solution.solve(parse_problem(XOR, "x.yaml"), ["relu"])
    b = solution.solve(parse_problem(changed, "x.yaml"), ["relu"])
    assert a.parts[0].step("learning_rate").value == 1
    assert b.parts[0].step("learning_rate").value == sp.Rational(1, 2)
    assert a.parts[0].step("new_w_3_5").value != b.parts[0].step("new_w_3_5").value


class _Alike:
    """Equal to every other _Alike (as SymPy before 1.13 calls Float(0.5) and Rational(1, 2) equal), with
    its own repr: what a memo key must still tell apart."""

    def __init__(self, text):
        self.text = text

    def __eq__(self, other):
        return isinstance(other, _Alike)

    def __hash__(self):
        return 1

    def __repr__(self):
        return self.text


def test_values_equal_under_an_old_sympy_but_printed_differently_are_not_shared():
    calls = []
    m = memo.ValueMemo(lambda v: calls.append(v) or repr(v), memo.args_key)
    assert m(_Alike("0.5")) == "0.5"
    assert m(_Alike("1/2")) == "1/2"
    assert m(_Alike("0.5")) == "0.5"
    assert len(calls) == 2
    assert memo.args_key(sp.Float(0.5)) != memo.args_key(sp.Rational(1, 2))


def test_an_error_is_raised_every_time_and_never_kept():
    # ln 0 in the loss (cross-entropy on a ReLU output of 0): an error found only while solving
    doc = {"title": "t", "network": {"inputs": [1], "bias": 0, "layers": [[2], [3, 4]], "activation": "relu",
                                     "output_activation": "relu"},
           "weights": {0: {2: 1, 3: -40, 4: 1}, 1: {2: 1}, 2: {3: 1, 4: 1}}, "sample": {"x": {1: 1}, "t": {3: 1, 4: 0}},
           "loss": "cross_entropy", "learning_rate": 1}
    part = parse_problem(yaml.safe_dump(doc), "f.yaml").parts[0]
    before = list(solution.solve_part._results)
    for _ in range(2):
        with pytest.raises(ProblemError, match="ln of 0"):
            solution.solve_part(part, "f.yaml")
    assert list(solution.solve_part._results) == before


def test_an_argument_that_cannot_be_hashed_is_computed_each_time():
    calls = []
    m = memo.ValueMemo(lambda v: calls.append(1) or len(v), memo.args_key)
    assert m([1, 2]) == 2 and m([1, 2]) == 2
    assert len(calls) == 2 and not m._results


def test_a_large_solution_is_not_kept(monkeypatch, xor_problem):
    monkeypatch.setattr(solution, "MEMO_STEPS", 3)
    part = xor_problem.parts[0]
    with solution.solve_part.off():
        fresh = solution.solve_part(part, xor_problem.source)
    solution.solve_part.clear()
    got = solution.solve_part(part, xor_problem.source)
    assert len(got.steps) > 3 and not solution.solve_part._results
    assert [s.value for s in got.steps] == [s.value for s in fresh.steps]


def test_the_memo_keeps_at_most_its_size():
    m = memo.ValueMemo(lambda v: v * 2, memo.args_key, size=3)
    for v in range(10):
        m(v)
    assert list(m._results) == [memo.args_key(v) for v in (7, 8, 9)]


def test_a_table_row_replaced_at_run_time_is_not_answered_from_the_old_row(monkeypatch, xor_problem):
    part = next(p for p in xor_problem.parts if p.name == "relu")
    before = solution.solve_part(part, xor_problem.source)
    old = activations.TABLE["relu"]
    # the same name, twice the function: u = 2·relu(net), g' = 2·relu'(net)
    doubled = activations.ActivationSpec(lambda x, **k: 2 * old.value(x, **k),
                                         lambda x, y, **k: 2 * old.derivative(x, y / 2, **k), dict(old.params))
    monkeypatch.setitem(activations.TABLE, "relu", doubled)
    after = solution.solve_part(part, xor_problem.source)
    u3 = [s for s in before.steps if s.id == "act_3"][0].value
    assert u3 != 0 and [s for s in after.steps if s.id == "act_3"][0].value == 2 * u3


def test_each_checker_gets_its_own_copy_of_the_random_points(xor):
    psol = xor.parts[0]
    first = inst.instances(psol)
    sym = next(iter(first[0]))
    first[0][sym] = 12345.0
    again = inst.instances(psol)
    assert again[0][sym] != 12345.0
    with inst._instances.off():
        assert inst.instances(psol) == again
