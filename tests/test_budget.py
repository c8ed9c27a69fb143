"""The size budget of problem files (issue 9): over-budget files are refused up front, exit 2, with
one line naming the file, the field and the numbers; every shipped problem and a realistic
classroom problem stay accepted; the limits are exact boundaries of the cost model."""
import subprocess
import sys

import pytest
import yaml
from click.testing import CliRunner
from conftest import PROBLEMS
from helpers import distinct_fractions, network, write

from symbackprop import budget
from symbackprop.budget import over_budget, part_cost
from symbackprop.cli import main
from symbackprop.errors import ProblemError
from symbackprop.problem import load_problem, parse_problem

HARD_TIMEOUT = 300        # turns a hang into a failure; not a speed assertion


def cli(*args):
    """The real command in its own process, as a user runs it (a hang becomes a failure)."""
    return subprocess.run([sys.executable, "-m", "symbackprop.cli", *args], capture_output=True, text=True,
                          timeout=HARD_TIMEOUT)


def in_process(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def one_error_line(result) -> str:
    err = result.stderr.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    return err


def classroom() -> dict:
    return network([4, 8, 8, 3], output_activation="softmax", loss="cross_entropy", samples=4)


# -- what is accepted --------------------------------------------------------------------------------
@pytest.mark.parametrize("path", sorted(p for p in PROBLEMS.glob("*.yaml") if "\nmodel: " not in p.read_text(encoding="utf-8")))
def test_every_shipped_problem_is_within_every_budget(path):
    problem = load_problem(path)
    for command in ("solve", "check", "derive"):
        assert over_budget(problem.parts, command) is None, (path.name, command)


def test_a_realistic_classroom_problem_is_accepted_for_solve_grading_and_derive():
    part = parse_problem(yaml.safe_dump(classroom()), "classroom.yaml").parts[0]
    cost = part_cost(part)
    assert (cost.weights, cost.units, cost.samples, cost.depth) == (5 * 8 + 9 * 8 + 9 * 3, 19, 4, 3)
    assert over_budget([part], "solve") is None
    assert over_budget([part], "derive") is None


# -- what is refused, through the command line ----------------------------------------------------------
@pytest.mark.slow          # PyYAML takes seconds to read 40,000 weights
def test_a_200_200_1_network_is_refused_with_the_numbers(tmp_path):
    path = write(tmp_path, network([200, 200, 1]), "wide.yaml")
    for args in (["solve", path], ["derive", path]):
        r = cli(*args)
        assert r.returncode == 2, r.stderr
        err = one_error_line(r)
        assert err.startswith(f"Error: {path}:") and "network.layers" in err
        assert "40,401 weights + 201 units" in err and f"at most {budget.MAX_WORK:,}" in err
        assert "docs/problem-format.md#size-limits" in err


@pytest.mark.slow
def test_a_wide_network_is_refused_by_solve_check_grade_and_derive(tmp_path):
    path = write(tmp_path, network([60, 60, 1]), "wide.yaml")      # 3,721 weights
    answers = tmp_path / "a.yaml"
    answers.write_text("{}\n")
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "s1.yaml").write_text("{}\n")
    for args in (["solve", path], ["solve", path, "--check"], ["derive", path], ["check", path, str(answers)],
                 ["grade", path, str(subs), "-o", str(tmp_path / "g.csv")]):
        r = in_process(*args)
        assert r.exit_code == 2, (args, r.output)
        assert "network.layers: network too large: (3,721 weights + 61 units) × 1 sample = 3,782" in r.output
    assert not (tmp_path / "g.csv").exists()


def test_the_refusal_comes_before_any_derivation(tmp_path, monkeypatch):
    import symbackprop.solution

    def boom(*args):
        raise AssertionError("derived a network over the budget")
    monkeypatch.setattr(symbackprop.solution, "derive", boom)
    path = write(tmp_path, network([60, 60, 1]))
    r = in_process("solve", path)
    assert r.exit_code == 2 and "network too large" in r.output


@pytest.mark.slow
def test_check_refuses_a_network_whose_gradient_check_is_too_big(tmp_path, monkeypatch):
    # --check costs weights × work (finite differences evaluate the whole loss twice per weight): with
    # the work limit raised, a 5-60-60-60-2 network (7,802 weights) is within it but not within --check's
    monkeypatch.setattr(budget, "MAX_WORK", 100_000)
    doc = network([5, 60, 60, 60, 2])
    part = parse_problem(yaml.safe_dump(doc), "deep.yaml").parts[0]
    assert over_budget([part], "solve") is None
    path = write(tmp_path, doc, "deep.yaml")
    r = in_process("solve", path, "--check")
    assert r.exit_code == 2, r.output
    err = r.output.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"Error: {path}:"), err
    assert "network.layers" in err and "too large for --check" in err
    assert "7,802 weights" in err and f"at most {budget.MAX_DIRECT:,}" in err and "without --check" in err


def test_the_issue_12x3_tanh_network_is_now_within_the_check_budget():
    # it was refused while --check differentiated the width^depth tree; the sweep over the graph is linear
    part = parse_problem(yaml.safe_dump(network([5, 12, 12, 12, 2])), "deep.yaml").parts[0]
    assert over_budget([part], "check") is None


@pytest.mark.slow
def test_a_large_batch_is_refused_naming_samples(tmp_path):
    doc = network([4, 8, 8, 3], output_activation="softmax", loss="cross_entropy", samples=200)
    path = write(tmp_path, doc, "batch.yaml")
    r = cli("solve", path)
    assert r.returncode == 2, r.stderr
    err = one_error_line(r)
    assert f"{path}:" in err and ": samples: network too large" in err
    assert "(139 weights + 19 units) × 200 samples = 31,600" in err


@pytest.mark.parametrize("sizes", [[8, 8, 8, 8, 8, 1],      # the common denominator passes the cap: counting stops
                                   [10, 10, 10, 1]])        # about 6,900 digits: more than str() of an int allows
@pytest.mark.slow
def test_huge_exact_rationals_are_refused_naming_weights(tmp_path, sizes):
    # 30-digit fractions, all with different denominators: exact ReLU values would grow without bound
    doc = distinct_fractions(network(sizes, activation="relu", output_activation="identity"))
    path = write(tmp_path, doc, "digits.yaml")
    r = cli("solve", path)
    assert r.returncode == 2, r.stderr
    err = one_error_line(r)
    assert f"{path}:" in err and "weights" in err and "digits" in err
    assert f"at most {budget.MAX_EXACT_DIGITS:,}" in err


def test_many_parts_are_refused_together_naming_parts(tmp_path):
    per_part = part_cost(parse_problem(yaml.safe_dump(classroom()), "c.yaml").parts[0]).work
    count = budget.MAX_WORK // per_part + 1
    doc = classroom()
    doc["parts"] = [{"name": f"p{i}"} for i in range(count)]
    r = in_process("solve", write(tmp_path, doc))
    assert r.exit_code == 2
    assert f": parts: {count} parts cost {count * per_part:,} together" in r.output


@pytest.mark.slow
def test_the_library_raises_a_problem_error():
    with pytest.raises(ProblemError, match="network too large"):
        parse_problem(yaml.safe_dump(network([60, 60, 1])), "wide.yaml")


# -- the limits are boundaries ---------------------------------------------------------------------
def _batch_at(limit: int) -> tuple[dict, int]:
    """A 2-2-1 network with as many samples as fit under `limit` (12 cost units per sample)."""
    per_sample = 9 + 3
    return network([2, 2, 1], activation="sigmoid", samples=limit // per_sample), limit // per_sample


def test_work_limit_boundary():
    doc, n = _batch_at(budget.MAX_WORK)
    part = parse_problem(yaml.safe_dump(doc), "b.yaml").parts[0]
    assert part_cost(part).work <= budget.MAX_WORK and over_budget([part]) is None
    doc["samples"].append(doc["samples"][0])
    with pytest.raises(ProblemError, match=f"× {n + 1:,} samples"):
        parse_problem(yaml.safe_dump(doc), "b.yaml")


@pytest.mark.slow
def test_direct_limit_boundary(monkeypatch):
    # weights × work, grown one input at a time (the work limit raised so that only --check's applies)
    monkeypatch.setattr(budget, "MAX_WORK", 10 ** 9)
    accepted = refused = None
    for n_in in range(64, 80):                # the boundary is at 67 | 68 inputs
        part = parse_problem(yaml.safe_dump(network([n_in, 40, 40, 1])), "d.yaml").parts[0]
        cost = part_cost(part)
        assert cost.direct == cost.weights * cost.work
        if cost.direct <= budget.MAX_DIRECT:
            accepted = part
        else:
            refused = part
            break
    assert accepted is not None and refused is not None
    assert over_budget([accepted], "check") is None and over_budget([refused], "solve") is None
    assert "too large for --check" in over_budget([refused], "check").message


@pytest.mark.slow
def test_a_batch_just_under_the_limit_is_solved_and_graded(tmp_path):
    doc, _ = _batch_at(budget.MAX_WORK)
    path = write(tmp_path, doc, "batch.yaml")
    r = cli("solve", path, "--format", "json")
    assert r.returncode == 0, r.stderr
    answers = tmp_path / "a.yaml"
    answers.write_text("{}\n")
    r = cli("check", path, str(answers))
    assert r.returncode == 0, r.stderr


@pytest.mark.slow
def test_the_classroom_problem_is_solved_and_derived(tmp_path):
    path = write(tmp_path, classroom(), "classroom.yaml")
    assert cli("solve", path).returncode == 0
    assert cli("derive", path).returncode == 0


def test_derive_without_a_file_is_always_within_budget():
    from symbackprop.cli import MAX_DEPTH, MAX_WIDTH
    from symbackprop.rule_check import example_problem
    largest = example_problem((MAX_WIDTH,) * MAX_DEPTH, "tanh", None, "half_squared_error")
    assert over_budget(largest.parts, "derive") is None


@pytest.mark.slow
def test_check_part_refuses_a_part_too_large_for_its_gradient_check(monkeypatch):
    from symbackprop.gradcheck import check_part
    from symbackprop.solution import solve
    problem = parse_problem(yaml.safe_dump(network([4, 4, 4, 4, 2])), "deep.yaml")
    psol = solve(problem).parts[0]                     # fine to solve
    direct = part_cost(problem.parts[0]).direct
    monkeypatch.setattr(budget, "MAX_DIRECT", direct - 1)     # the limit just below this part's cost
    with pytest.raises(ProblemError, match="deep.yaml: network.layers: network too large for --check"):
        solve(problem, check=True)
    with pytest.raises(ProblemError, match="too large for --check"):
        check_part(psol)
    monkeypatch.setattr(budget, "MAX_DIRECT", direct)         # at the limit: checked
    assert check_part(psol).ok
