from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = ROOT / "problems"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def xor():
    from symbackprop.solution import solve
    return solve(PROBLEMS / "xor.yaml")


@pytest.fixture(scope="session")
def xor_appendix():
    from symbackprop.solution import solve
    return solve(PROBLEMS / "xor_appendix.yaml")
