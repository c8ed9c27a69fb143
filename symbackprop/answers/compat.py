"""What latex2sympy2's pinned runtime (antlr4-python3-runtime 4.7.2) needs from Python and newer
Pythons no longer have, given back before it is imported.

antlr4 4.7.2's Lexer.py and Parser.py do `from typing.io import TextIO`; the `typing.io` and
`typing.re` pseudo-modules were deprecated in 3.8 and removed in 3.13, so on 3.13 and later
`import latex2sympy2` fails. The rest of that runtime, latex2sympy2 and its generated parser use
nothing else that 3.10–3.14 removed (checked: no `imp`, `distutils`, `collections` ABC aliases,
`asyncio` coroutine decorators; its `unittest` aliases are only in test classes never run).
"""
from __future__ import annotations

import sys
import types
import typing

# the names each pseudo-module had (Python 3.12's typing.io.__all__ and typing.re.__all__)
_PSEUDO_MODULES = {"io": ("IO", "TextIO", "BinaryIO"), "re": ("Pattern", "Match")}


def provide_typing_io() -> list[str]:
    """Register `typing.io` and `typing.re` as small modules holding the same typing names, each only
    where importing it fails (Python 3.13+); returns the names of the modules added (empty on ≤ 3.12,
    where the real ones exist and are left alone)."""
    added = []
    for short, names in _PSEUDO_MODULES.items():
        full = f"typing.{short}"
        try:
            __import__(full)
            continue
        except ImportError:
            pass
        module = types.ModuleType(full, f"{full} as it was before Python 3.13 (for antlr4 4.7.2)")
        for name in names:
            setattr(module, name, getattr(typing, name))
        module.__all__ = list(names)          # type: ignore[attr-defined]
        sys.modules[full] = module
        added.append(full)
    return added
