"""The exceptions the library raises for users' mistakes, and for faults of its own it can name.

The library never prints or exits; `cli.py` turns a `SymbackpropError` into one line on stderr
and exit status 2, and an `InternalError` into one line and exit status 3.
"""
from __future__ import annotations


class SymbackpropError(Exception):
    """Base of every error caused by input a user wrote (problem files, answers, options)."""


class ProblemError(SymbackpropError):
    """A problem file that cannot be read or does not describe a valid network.

    The message names the file, the line when known, the field path and what is allowed.
    """

    def __init__(self, message: str, *, source: str | None = None, field: str | None = None,
                 line: int | None = None) -> None:
        self.source, self.field, self.line, self.detail = source, field, line, message
        where = source or "<problem>"
        if line is not None:
            where += f":{line}"
        if field:
            where += f": {field}"
        if getattr(message, "key", None):        # a catalogue message: the whole line stays translatable
            from .messages import said
            super().__init__(said("error.at", where=where, message=message))
        else:
            super().__init__(f"{where}: {message}")


class InternalError(Exception):
    """A fault of symbackprop or of its installation, never of the user's input, that can be said in
    one line (e.g. the LaTeX reader cannot start on this Python): exit status 3, no traceback."""
