"""Evaluate a parsed answer (plain tuples from latex.py) with mpmath, within bounds.

A student's expression is never handed to SymPy's evaluator: `10^{10^{10}}` would be computed
exactly, `\\frac{1}{0}` would be zoo. Here every operation is a 40-digit float operation, an
exponent that would overflow is refused, and division by zero is an error with a message.
"""
from __future__ import annotations

from fractions import Fraction

import re
from typing import Callable

import mpmath

from ..messages import said
from .latex import AnswerError, Node

DIGITS = 40
MAX_MAGNITUDE = 10**6          # |log10| of any value computed (the guard before a power is computed)
RANGE = 300                    # every value computed in an answer is at most 10^300 in size
CANCEL = DIGITS - 8            # digits a sum may cancel before the 40-digit evaluation could hide its value

_CTX = mpmath.mp.clone() if hasattr(mpmath.mp, "clone") else mpmath.mp


def _num(text: str):
    if "/" in text:
        p, q = text.split("/")
        return mpmath.mpf(int(p)) / mpmath.mpf(int(q))
    return mpmath.mpf(text)


def _checked(v):
    if mpmath.isnan(v) or mpmath.isinf(v):
        raise AnswerError(said("reader.not_finite"))
    if v != 0 and abs(mpmath.mag(v)) > MAX_MAGNITUDE * 3.33:      # mag: the exponent in bits
        raise AnswerError(said("reader.too_large_or_small"))
    return v


_HIGH = mpmath.mpf(10) ** RANGE


class OutOfRange(AnswerError):
    """A value beyond 10^±300: read, but no number an answer can be (never a link passed over)."""


def _in_range(v):
    """`v`, or AnswerError "out of range" when it is more than 10^300 in size (anywhere in the answer: the
    40-digit evaluation of 4.5 + 10^{400} - 10^{400} would be 0), or when the final value is nonzero and less
    than 10^-300 (checker.py lets a tiny value through where 0 is expected). A tiny value inside the answer
    is kept: mpmath holds it to 40 digits, and what it makes of a larger value is checked there."""
    if mpmath.isfinite(v) and abs(v) > _HIGH:
        raise OutOfRange(said("reader.out_of_range", exponent=int(mpmath.floor(mpmath.log10(abs(v)))), most=RANGE))
    return v


MAX_EXACT_BITS = 4096          # the size of a fraction the exact evaluation of a sum may build


def _exact(node: Node, bindings: dict) -> Fraction | None:
    """The exact value of an expression of written numbers (`(-0.1)·1 + 0.3·1 + 0.3·0 + (-0.2)·1` is
    exactly 0), or None when it holds anything else (a quantity, a function, π, a power that is not a
    small integer one) or grows beyond MAX_EXACT_BITS. Bounded by the tree's size."""
    kind = node[0]
    if kind == "num":
        out = Fraction(node[1])
    elif kind == "sym" and node[1] in bindings and isinstance(bindings[node[1]], int):
        out = Fraction(bindings[node[1]])               # the index of a Σ
    elif kind in ("add", "mul"):
        out = Fraction(0 if kind == "add" else 1)
        for a in node[1]:
            v = _exact(a, bindings)
            if v is None:
                return None
            out = out + v if kind == "add" else out * v
            if max(out.numerator.bit_length(), out.denominator.bit_length()) > MAX_EXACT_BITS:
                return None
    elif kind == "pow":
        base, ex = _exact(node[1], bindings), _exact(node[2], bindings)
        if base is None or ex is None or ex.denominator != 1 or abs(ex) > 64 or (base == 0 and ex < 0):
            return None
        if max(base.numerator.bit_length(), base.denominator.bit_length()) * abs(ex) > MAX_EXACT_BITS:
            return None
        out = base ** int(ex)
    else:
        return None
    return out


def _sum(terms: list, exact=None):
    """An exact sum of the terms (mpmath.fsum), or AnswerError when they cancel more digits than are
    evaluated: 4.5 + 10^{100} - 10^{100} would be 0, silently. `exact` (a function giving the sum's exact
    value as a Fraction, or None) settles a sum of written numbers that cancels: 0.1 + 0.2 − 0.3 is 0."""
    total = mpmath.fsum(terms)
    largest = max((abs(t) for t in terms), default=0)
    # a 0 is exact unless its terms are so large that their last evaluated digits are above 10^-12
    if largest and largest > mpmath.mpf(10) ** CANCEL * (abs(total) if total else mpmath.mpf(10) ** -12):
        value = exact() if exact is not None else None
        if value is not None:
            return mpmath.mpf(value.numerator) / value.denominator
        raise AnswerError(said("reader.cancel", digits=CANCEL, exponent=int(mpmath.floor(mpmath.log10(largest)))))
    return total


def _sigmoid(x):
    return 1 / (1 + mpmath.exp(-x))


STEP_NAMES = ("\\mathrm{step}", "\\mathrm{H}", "Heaviside")
RELU_NAMES = ("\\mathrm{relu}", "\\mathrm{ReLU}")
FUNCTIONS = {
    "exp": mpmath.exp, "log": mpmath.log, "ln": mpmath.log, "sqrt": mpmath.sqrt, "Abs": abs,
    "tanh": mpmath.tanh, "sinh": mpmath.sinh, "cosh": mpmath.cosh, "sigma": _sigmoid, "\\sigma": _sigmoid,
    "sigmoid": _sigmoid, "\\mathrm{sigmoid}": _sigmoid, "\\mathrm{sgn}": mpmath.sign, "\\mathrm{sign}": mpmath.sign,
}


MAX_SUM_TERMS = 50


STEP0 = "\x00step0"             # in the bindings: step(0), the problem's g'(0) for ReLU
WORK = "\x00work"               # in the bindings: how many more nodes this evaluation may visit
MAX_STEPS = 5_000               # nodes visited in one evaluation: a sum inside a sum multiplies its terms


def evaluate(node: Node, env, step_at_zero: float | Callable[[], float] = 0.0) -> mpmath.mpf:
    """The value of `node` with the placeholders of `env` substituted: a mapping name -> number,
    or a function (name, index bindings) -> number for rules with indices (w_{kj} inside Σ_k).
    `step_at_zero` is the value of step(0), ReLU's g'(0) in the problem; or a function called at each
    step(0) met, in the tree's order, giving its value (a graph's kinks each take their own)."""
    with mpmath.workdps(DIGITS):
        return _in_range(_node(node, env, {STEP0: step_at_zero, WORK: [MAX_STEPS]}))


def _lookup(name: str, env, bindings: dict):
    if callable(env):
        value = env(name, bindings)
        if value is None:
            raise AnswerError(unknown_symbol(name))
        return value
    if name not in env:
        raise AnswerError(unknown_symbol(name))
    return env[name]


# a word in a font (`\\text{exact}`, `\\mathrm{abc}`): the tree keeps the command's braces (latex.py)
_FONT_WORD = re.compile(r"\\[A-Za-z]+\s*\{[^{}]*[A-Za-z]{2}[^{}]*\}\Z")


def unknown_symbol(name: str) -> str:
    """"unknown symbol …" with the symbol as written: `\text{exact}`, never the glued `\textexact`; a
    word in a font says that words are not read inside an answer."""
    if _FONT_WORD.match(name) is None:
        return said("reader.unknown_symbol", name=name)
    return said("reader.unknown_word", name=name)


def _eval(node: Node, env, bindings: dict):
    """The value of a node inside the tree: within range (out of range is AnswerError)."""
    return _in_range(_node(node, env, bindings))


def _node(node: Node, env, bindings: dict):
    work = bindings[WORK]
    work[0] -= 1
    if work[0] < 0:
        raise AnswerError(said("reader.too_many_steps", most=MAX_STEPS))
    kind = node[0]
    if kind == "num":
        return _num(node[1])
    if kind == "const":
        return mpmath.e if node[1] == "E" else mpmath.pi
    if kind == "sym":
        if node[1] in bindings:
            return mpmath.mpf(bindings[node[1]])
        return mpmath.mpf(_lookup(node[1], env, bindings))
    if kind == "sum":                       # ("sum", var, low, high, body)
        low, high = int(_eval(node[2], env, bindings)), int(_eval(node[3], env, bindings))
        if high - low + 1 > MAX_SUM_TERMS:
            raise AnswerError(said("reader.too_many_terms", most=MAX_SUM_TERMS))
        return _sum([_eval(node[4], env, {**bindings, node[1]: k}) for k in range(low, high + 1)])
    if kind == "cases":                     # ("cases", [(value, (op, lhs, rhs) or None), …])
        for value, test in node[1]:
            if test is None or _holds(test, env, bindings):
                return _eval(value, env, bindings)
        raise AnswerError(said("reader.no_case"))
    if kind == "add":
        return _checked(_sum([_eval(a, env, bindings) for a in node[1]], lambda: _exact(node, bindings)))
    if kind == "mul":
        out = mpmath.mpf(1)
        for a in node[1]:
            out = _checked(out * _eval(a, env, bindings))
        return out
    if kind == "pow":
        base, ex = _eval(node[1], env, bindings), _eval(node[2], env, bindings)
        if base == 0 and ex < 0:
            raise AnswerError(said("reader.division_by_zero"))
        if base < 0 and ex != int(ex):
            root = _root_index(node[2])
            if root is None:
                raise AnswerError(said("reader.fractional_power"))
            if root % 2 == 0:
                raise AnswerError(said("reader.square_root_negative") if root == 2 else
                                  said("reader.even_root_negative", root=root))
            return -_checked(mpmath.root(-base, root))     # \sqrt[3]{-1728} = -12: an odd root of a negative is real
        # |log2 of the result| is about |ex|·mag(base): refuse before computing a huge power
        if base not in (0, 1, -1) and abs(ex) * max(abs(mpmath.mag(base)), 1) > 4 * MAX_MAGNITUDE:
            raise AnswerError(said("reader.power_too_large"))
        return _checked(mpmath.power(base, ex))
    if kind == "fn":
        name, args = node[1], [_eval(a, env, bindings) for a in node[2]]
        if name in ("Max", "max"):
            return max(args)
        if name in STEP_NAMES and len(args) == 1:
            at = bindings[STEP0]
            return mpmath.mpf(1) if args[0] > 0 else mpmath.mpf(0) if args[0] < 0 else \
                mpmath.mpf(at() if callable(at) else at)
        if name in RELU_NAMES and len(args) == 1:
            return max(args[0], mpmath.mpf(0))
        if name in ("Min", "min"):
            return min(args)
        if name in ("log", "ln") and len(args) == 2:           # log(x, base)
            if args[0] <= 0 or args[1] <= 0 or args[1] == 1:
                raise AnswerError(said("reader.log_not_positive"))
            return _checked(mpmath.log(args[0]) / mpmath.log(args[1]))
        fn = FUNCTIONS.get(name)
        if fn is None or len(args) != 1:
            raise AnswerError(said("reader.unknown_function", name=name))
        if name in ("log", "ln") and args[0] <= 0:
            raise AnswerError(said("reader.log_not_positive"))
        return _checked(fn(args[0]))
    raise AnswerError(said("reader.cannot_evaluate", kind=kind))


def _root_index(exponent: Node) -> int | None:
    """n when an exponent is exactly 1/n (what `\\sqrt[n]{x}` and `\\sqrt{x}` parse to), else None."""
    if exponent[0] != "num" or "/" not in exponent[1]:
        return None
    p, q = exponent[1].split("/")
    return int(q) if p == "1" and q.isdigit() and int(q) > 1 else None


def _holds(test, env, bindings) -> bool:
    op, lhs, rhs = test
    a, b = _eval(lhs, env, bindings), _eval(rhs, env, bindings)
    return {">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b, "=": a == b}[op]


def numbers(node: Node, path: tuple = ()) -> list[tuple]:
    """Paths of the number literals in a tree (for "which substituted number has the wrong sign")."""
    if node[0] == "num":
        return [path]
    out = []
    for i, part in enumerate(node[1:], start=1):
        if isinstance(part, list):
            for j, a in enumerate(part):
                out += numbers(a, path + ((i, j),))
        elif isinstance(part, tuple):
            out += numbers(part, path + ((i, None),))
    return out


def node_at(node: Node, path: tuple) -> Node:
    """The sub-tree at `path` (as `numbers` gives paths)."""
    for i, j in path:
        node = node[i] if j is None else node[i][j]
    return node


def replace_at(node: Node, path: tuple, new: Node) -> Node:
    """The tree with the sub-tree at `path` replaced by `new`."""
    if not path:
        return new
    (i, j), rest = path[0], path[1:]
    parts = list(node)
    if j is None:
        parts[i] = replace_at(node[i], rest, new)
    else:
        items = list(node[i])
        items[j] = replace_at(items[j], rest, new)
        parts[i] = items
    return tuple(parts)


def negate_at(node: Node, path: tuple) -> Node:
    """The tree with the number at `path` negated."""
    return replace_at(node, path, ("num", str(-Fraction(node_at(node, path)[1]))))
