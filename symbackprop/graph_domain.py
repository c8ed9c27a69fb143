"""Where a computation graph's node leaves a function's domain at the given values (`model: graph`).

`solve_graph` asks, node by node before evaluating it, for the first place in its formula (innermost
first) where ln or log gets a number ≤ 0, sqrt a negative number, a divisor is 0, 0 is raised to a
negative power or a negative number to a fractional power; it collects one error a node (FILE:LINE, the
argument as written, its value, the domain) and reports every such node at once.
"""
from __future__ import annotations

import re

import sympy as sp

from .errors import ProblemError
from .formula import WRITTEN_PREFIX, FormulaError, Value, text_of
from .graph import GraphProblem, Quantity, _bare, _value
from .magnitude import TooLarge
from .messages import said
from .printing import format_value

MAX_DOMAIN_ERRORS = 20          # nodes outside a domain reported in one run (as problem_errors.MAX_ERRORS)


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _is_number(text: str) -> bool:
    """Whether an argument as written is a number alone (-3, 0.5, 1e-3), not a formula of names."""
    return _NUMBER.fullmatch(text.replace(" ", "")) is not None


def _postorder(node):
    for a in node.args:
        yield from _postorder(a)
    yield node


def outside_domain(prob: GraphProblem, q: Quantity, env: dict, skip=frozenset()) -> ProblemError | None:
    """The first place, innermost first, where node q's formula is used outside a function's domain at
    these values: ln or log of a number ≤ 0, sqrt of a negative number, a division by 0, 0 to a
    negative power, a negative number to a fractional power. FILE:LINE, the node, the value and the
    domain; None when there is none. Each argument is evaluated with the bounds of the node's own value.
    A subformula that uses a name in `skip` (a node that could not be evaluated) is not looked at."""
    from .graph_written import names_in_order
    names = {n.name: Value(n.symbol, n.shape) for n in prob.quantities}

    def values_of(node):
        """(the entry as written, its value) for each entry of the subformula's value."""
        built = q.formula._build(node, names).expr
        if not isinstance(built, sp.MatrixBase):
            return [(text_of(_bare(node)), _value(built, env))]
        written = q.formula._build(node, names, True).expr          # an entry: x_2 - 0.5
        return [(as_text(t), _value(c, env)) for c, t in zip(list(built), list(written))]

    def as_text(expr) -> str:
        return str(expr).replace(WRITTEN_PREFIX, "")

    def fail(key: str, detail) -> ProblemError:
        return ProblemError(said(key, what=said("graph_file.node", name=q.name), detail=detail), source=prob.source,
                            field=".".join(str(p) for p in q.path) or None, line=q.line)

    def shown(v) -> str:
        return format_value(v, prob.precision)[0]

    try:
        for node in _postorder(q.formula.tree):
            if skip and not skip.isdisjoint(names_in_order(node)):
                continue
            if node.kind == "call" and node.text in ("log", "ln", "sqrt"):
                for arg, v in values_of(node.args[0]):
                    positive = node.text != "sqrt"
                    if v.is_negative or (positive and v.is_zero):
                        domain = said("graph_file.domain.positive" if positive else "graph_file.domain.nonnegative",
                                      fn=node.text)
                        # the argument named as written, with its value; a number written (sqrt(-3)) once
                        detail = (said("graph_file.domain_function_number", fn=node.text, value=shown(v), domain=domain)
                                  if _is_number(arg) else
                                  said("graph_file.domain_function", fn=node.text, arg=arg, value=shown(v), domain=domain))
                        return fail("graph_file.domain_undefined" if v.is_zero else "graph_file.domain_not_real", detail)
            elif node.kind == "div":
                for arg, v in values_of(node.args[1]):
                    if v.is_zero:
                        return fail("graph_file.domain_undefined", said("graph_file.domain_division", arg=arg))
            elif node.kind == "pow":
                power = q.formula._build(node.args[1], names).expr
                power_text = text_of(_bare(node.args[1]))
                for arg, v in values_of(node.args[0]):
                    if v.is_zero and power.is_negative:
                        return fail("graph_file.domain_undefined",
                                    said("graph_file.domain_zero_power", arg=arg, power=power_text))
                    if v.is_negative and not power.is_integer:
                        return fail("graph_file.domain_not_real",
                                    said("graph_file.domain_fraction_power", arg=arg, value=shown(v),
                                         power=power_text))
    except (TooLarge, FormulaError):
        return None                     # the node's own evaluation reports it
    return None
