"""SymPy's text and LaTeX for the plain shapes that make up nearly every step, without SymPy's printers.

A worked solution at size is thousands of steps of a few shapes: a symbol; a product of distinct
symbols, perhaps negated (−η·δ_j·u_i, δ_j·u_i); a sum of such products (a net, w + Δw, the sum of
a hidden δ); and a product of symbols and one such sum (g'(net_j)·(Σ_k δ_k·w_jk)). For these, the
printers' work is mostly bookkeeping (precedence, `as_ordered_terms`, `as_ordered_factors`,
`fraction`, bracket checks), and the result follows from a few rules:

- the factors of a product print in SymPy's sort order (by name for plain symbols; a sum last);
- the terms of a sum print in SymPy's canonical order, `Expr.as_ordered_terms`: the exponent
  vectors over the symbols sorted by name, lexicographically largest first; printing.py then puts
  a positive term first;
- text (StrPrinter) writes `a*b`, `-a*b`, `a - b*c`, `a*(b + c)`; LaTeX (LatexPrinter) writes
  `a \\cdot b`, `- a \\cdot b`, `a - b \\cdot c`, `a \\cdot \\left(b + c\\right)`.

`layout` reads an expression into one of these shapes (None for anything else, which printing.py
hands to SymPy), and `text`/`latex` write a layout with the caller's string for each symbol.
The output is byte for byte what printing.py's SymPy printers give (tests/test_fast_printing.py
compares them on many generated expressions).
"""
from __future__ import annotations

from fractions import Fraction
from typing import Callable, Optional, Union

import sympy as sp

_Symbol, _Mul, _Add = sp.Symbol, sp.Mul, sp.Add
_MINUS_ONE = sp.S.NegativeOne

# A product: (negative, symbols in print order, a sum factor or None). A sum: its terms in print order.
Product = tuple[bool, tuple[sp.Symbol, ...], Optional["Sum"]]
Sum = tuple[Product, ...]
Layout = Union[sp.Symbol, Product, tuple[str, Sum]]


def _name(s: sp.Symbol) -> str:
    return s.name


def _plain(s: sp.Expr) -> bool:
    """A commutative symbol of SymPy's own class (whose sort key is its name)."""
    return type(s) is _Symbol and s.is_commutative


def _product(e: sp.Expr) -> Product | None:
    """A symbol, or a product of −1 (or not) and two or more distinct plain symbols."""
    if type(e) is _Symbol:
        return (False, (e,), None) if e.is_commutative else None
    if type(e) is not _Mul:
        return None
    args = e.args
    neg = args[0] is _MINUS_ONE
    if neg:
        args = args[1:]
    if len(args) < (1 if neg else 2) or not all(_plain(a) for a in args) or len(set(args)) != len(args):
        return None
    return neg, tuple(sorted(args, key=_name)), None


_LAST = ((1, ""),)


def _lex(p: Product) -> tuple:
    """A sort key of a product with the order of `as_ordered_terms`: the largest exponent vector
    (over all symbols, sorted by name) first. With each product's symbols sorted by name, that is
    its names in lexicographic order, a product before any product it is the start of (at the
    first symbol where two differ, the one with the smaller name has it, the other has not)."""
    return tuple([(0, s.name) for s in p[1]]) + _LAST


def _sum(e: sp.Expr) -> Sum | None:
    """A sum of products (`_product`) with distinct sets of symbols, in the order SymPy prints it:
    `as_ordered_terms` (exponent vectors over the symbols sorted by name, the largest in lex
    order first; the coefficient ±1 never decides, the vectors being distinct), then the first
    positive term moved to the front if the first is negative (printing._positive_first)."""
    if type(e) is not _Add:
        return None
    terms = []
    for t in e.args:
        p = _product(t)
        if p is None:
            return None
        terms.append(p)
    if len({p[1] for p in terms}) != len(terms):
        return None
    ordered = sorted(terms, key=_lex)
    if len(ordered) > 1 and ordered[0][0]:
        for i, p in enumerate(ordered):
            if not p[0]:
                ordered = [p] + ordered[:i] + ordered[i + 1:]
                break
    return tuple(ordered)


def layout(e: sp.Expr) -> Layout | None:
    """`e` as one of the plain shapes (module docstring), or None."""
    if type(e) is _Add:
        s = _sum(e)
        return None if s is None else ("sum", s)
    if type(e) is _Symbol:
        return e if e.is_commutative else None
    p = _product(e)
    if p is not None:
        return p
    if type(e) is not _Mul:                # a product of symbols and one sum
        return None
    args = e.args
    neg = args[0] is _MINUS_ONE
    if neg:
        args = args[1:]
    sums = [a for a in args if type(a) is _Add]
    symbols = [a for a in args if type(a) is not _Add]
    if len(sums) != 1 or not symbols or not all(_plain(a) for a in symbols) or len(set(symbols)) != len(symbols):
        return None
    inner = _sum(sums[0])
    return None if inner is None else (neg, tuple(sorted(symbols, key=_name)), inner)


def symbols(lay: Layout) -> set[sp.Symbol]:
    """The symbols a layout prints."""
    if isinstance(lay, _Symbol):
        return {lay}
    if lay[0] == "sum":
        return {s for p in lay[1] for s in p[1]}
    out = set(lay[1])
    if lay[2] is not None:
        out.update(s for p in lay[2] for s in p[1])
    return out


# -- text: StrPrinter's _print_Mul and _print_Add on these shapes ----------------------------------

def _text_product(p: Product, show: Callable[[sp.Symbol], str]) -> str:
    neg, syms, inner = p
    out = "*".join([show(s) for s in syms])
    if inner is not None:
        out += f"*({_text_sum(inner, show)})"
    return "-" + out if neg else out


def _text_sum(terms: Sum, show: Callable[[sp.Symbol], str]) -> str:
    parts = []
    for p in terms:
        t = _text_product(p, show)
        if t.startswith("-"):
            parts += ["-", t[1:]]
        else:
            parts += ["+", t]
    sign = parts.pop(0)
    return ("" if sign == "+" else sign) + " ".join(parts)


def text(lay: Layout, show: Callable[[sp.Symbol], str]) -> str:
    """The layout as StrPrinter prints it (before printing.TextPrinter.finish), each symbol `show(s)`."""
    if isinstance(lay, _Symbol):
        return show(lay)
    if lay[0] == "sum":
        return _text_sum(lay[1], show)
    return _text_product(lay, show)


# -- LaTeX: LatexPrinter's _print_Mul and _print_Add on these shapes --------------------------------

def _latex_product(p: Product, show: Callable[[sp.Symbol], str], sep: str) -> str:
    neg, syms, inner = p
    factors = [show(s) for s in syms]
    if inner is not None:
        factors.append(rf"\left({_latex_sum(inner, show, sep)}\right)")
    out = sep.join(factors)
    return "- " + out if neg else out


def _latex_sum(terms: Sum, show: Callable[[sp.Symbol], str], sep: str) -> str:
    out = _latex_product(terms[0], show, sep)
    for neg, syms, inner in terms[1:]:
        out += " - " if neg else " + "
        out += _latex_product((False, syms, inner), show, sep)
    return out


def latex(lay: Layout, show: Callable[[sp.Symbol], str], sep: str) -> str:
    """The layout as LatexPrinter prints it with a multiplication sign `sep` that is also its sign
    between numbers (" \\cdot ", " \\times ", or printing.py's placeholder), each symbol `show(s)`."""
    if isinstance(lay, _Symbol):
        return show(lay)
    if lay[0] == "sum":
        return _latex_sum(lay[1], show, sep)
    return _latex_product(lay, show, sep)


# -- value: the layout's number, from a number for each symbol ----------------------------------------

def value(lay: Layout, number: Callable[[sp.Symbol], Fraction]) -> Fraction:
    """The exact value of the layout with `number(s)` for each symbol (Fractions in, a Fraction out):
    the plain shapes need only products and sums, so no SymPy arithmetic."""
    if isinstance(lay, _Symbol):
        return number(lay)
    if lay[0] == "sum":
        return _value_sum(lay[1], number)
    return _value_product(lay, number)


def _value_product(p: Product, number) -> Fraction:
    neg, syms, inner = p
    out = Fraction(1)
    for s in syms:
        out = out * number(s)
    if inner is not None:
        out = out * _value_sum(inner, number)
    return -out if neg else out


def _value_sum(terms: Sum, number) -> Fraction:
    return sum((_value_product(p, number) for p in terms), Fraction(0))
