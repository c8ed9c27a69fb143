"""symbackprop: derive, solve and check backpropagation exercises with SymPy.

    >>> import symbackprop
    >>> sol = symbackprop.solve("problems/xor.yaml")
    >>> sol.part("relu").step("delta_5").value
    3
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["solve", "load_problem", "__version__"]


def solve(problem, parts=None):
    """Derive and evaluate a problem (a path, or a loaded `Problem`); returns a `Solution`, or for a
    computation graph's file (`model: graph`) its `graph.GraphSolution`."""
    from .apiargs import need_parts, need_path
    need_path(problem, "solve", "problem", problem=True)
    parts = need_parts(parts, "solve")
    from .solution import solve as _solve
    return _solve(problem, parts)


def load_problem(path):
    """Read and validate a problem file; raises `ProblemError` with file, line and field."""
    from .apiargs import need_path
    need_path(path, "load_problem", "path")
    from .problem import load_problem as _load
    return _load(path)
