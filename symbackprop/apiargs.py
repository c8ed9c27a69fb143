"""The Python API's argument checks (README "From Python"): a value of the wrong type is one clear
`ArgumentError` (a TypeError, and a SymbackpropError) naming the function, the argument, what it got
and what is allowed; never a TypeError from deep inside, nor an int read as a file descriptor."""
from __future__ import annotations

import os
from collections.abc import Mapping

from .errors import SymbackpropError
from .messages import said


class ArgumentError(SymbackpropError, TypeError):
    """A Python API argument of a type the function does not take."""


def _got(value: object) -> str:
    return type(value).__name__


def need_path(value: object, fn: str, arg: str, *, problem: bool = False, optional: bool = False) -> None:
    """`value` is a path (str or os.PathLike); `problem`: or a loaded Problem; `optional`: or None."""
    if optional and value is None:
        return
    if problem:
        from .problem import Problem
        if isinstance(value, Problem):
            return
    if isinstance(value, (str, os.PathLike)) and not isinstance(value, bytes):
        return
    key = "api.need_problem" if problem else "api.need_path"
    raise ArgumentError(said(key, fn=fn, arg=arg, got=_got(value)))


def need_answers(value: object, fn: str) -> None:
    """A path to an answers file or write-up, or a mapping of answers (name: number or text)."""
    if isinstance(value, Mapping) or isinstance(value, (str, os.PathLike)) and not isinstance(value, bytes):
        return
    raise ArgumentError(said("api.need_answers", fn=fn, got=_got(value)))


def need_name(value: object, fn: str, arg: str, *, optional: bool = False) -> None:
    """A name (str), or None where `optional`."""
    if optional and value is None or isinstance(value, str):
        return
    raise ArgumentError(said("api.need_name", fn=fn, arg=arg, got=_got(value)))


def need_parts(value: object, fn: str) -> list[str] | None:
    """None (every part), one part's name, or a list of names: as a list (or None)."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ArgumentError(said("api.need_parts", fn=fn, got=_got(value)))


def need_number(value: object, fn: str, arg: str) -> None:
    """A tolerance: a number (int or float, not a bool), or None."""
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return
    raise ArgumentError(said("api.need_number", fn=fn, arg=arg, got=_got(value)))
