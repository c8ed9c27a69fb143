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
