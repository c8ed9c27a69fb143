from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = ROOT / "problems"
DATA = Path(__file__).resolve().parent / "data"
# problems/ holds networks, and the lecture's matrix example (model: quadratic), which only `derive` takes
QUADRATIC = [p for p in sorted(PROBLEMS.glob("*.yaml")) if "\nmodel: quadratic" in p.read_text(encoding="utf-8")]
NETWORKS = [p for p in sorted(PROBLEMS.glob("*.yaml")) if p not in QUADRATIC]


@pytest.fixture(scope="session")
def xor():
    from symbackprop.solution import solve
    return solve(PROBLEMS / "xor.yaml")


@pytest.fixture(scope="session")
def xor_appendix():
    from symbackprop.solution import solve
    return solve(PROBLEMS / "xor_appendix.yaml")


@pytest.fixture(scope="module")
def grader():
    """A Grader of problems/xor.yaml with the default rubric, one per test module (its parser worker is
    shared by the module's tests and closed after them)."""
    from symbackprop.answers import Grader, Rubric
    from symbackprop.problem import load_problem
    g = Grader(load_problem(PROBLEMS / "xor.yaml"), Rubric())
    yield g
    g.close()
