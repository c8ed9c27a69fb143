"""A computation graph's worked solution (`model: graph`) as a document (every format renders it)
and as JSON data.

Sections: the given values; the forward pass, node = formula = numbers put in = value; the backward
pass in reverse order, ∂L/∂q = Σ_f ∂L/∂f·∂f/∂q = ∂L/∂f·(local gradient) = numbers = value, matrices
with their shape; and, with `checks`, the gradient check. The formulas print from their own tree
(formula.Node), so they read as the file wrote them.

JSON ids: each input and node by its name (`q`, `A`), its gradient `grad_q`, and for a matrix each
entry as `A_1_2` and `grad_A_1_2` (a vector's: `x_2`, `grad_x_2`), counted from 1.
"""
from __future__ import annotations

import json
import re
from typing import Any, Mapping

import sympy as sp

from ..document import Document, Math, Part, Section, Step, Text
from ..formula import Node, Value
from .. import greek
from ..formula import WRITTEN_PREFIX
from ..graph import GraphSolution, entry_suffix
from ..messages import msg, say
from ..numberslots import mark, resolve
from ..printing import LatexPrinter, TextPrinter, format_given, format_value, is_sig_figs, operands_that_add_up
from .prose import Code, Sym, indented, joined_syms, number_sym, sentence
from .steps import joined, step_links


class Num(str):
    """A number or matrix as shown in text, remembering its LaTeX."""

    latex: str

    def __new__(cls, text: str, latex: str | None = None) -> "Num":
        obj = super().__new__(cls, text)
        obj.latex = text if latex is None else latex
        return obj


def _entry(v, precision: int, given: bool = False) -> tuple[str, bool]:
    return (format_given if given else format_value)(sp.sympify(v), precision)


def shown(value, precision: int, given: bool = False) -> tuple[Num, bool]:
    """A value for people: a number, or a matrix `[1, 0; 0, 1]` (LaTeX: bmatrix); whether exact.
    `given`: an input's value, data shown as written at every precision (printing.format_given)."""
    if not isinstance(value, sp.MatrixBase):
        s, exact = _entry(value, precision, given)
        return Num(s), exact
    cells = [[_entry(value[r, c], precision, given) for c in range(value.cols)] for r in range(value.rows)]
    return matrix_num([[s for s, _ in row] for row in cells]), all(e for row in cells for _, e in row)


def matrix_num(cells: list[list[str]]) -> Num:
    """A matrix of shown entries (rows of strings) as text `[1, 0; 0, 1]` and LaTeX (bmatrix)."""
    text = "[" + "; ".join(", ".join(row) for row in cells) + "]"
    latex = r"\begin{bmatrix}" + r" \\ ".join(" & ".join(row) for row in cells) + r"\end{bmatrix}"
    return Num(text, latex)


_WORD_NAME = re.compile(r"([A-Za-z][A-Za-z0-9]+?)(?:_\{(\d+)\})?")


def name_latex(name: str) -> str:
    """A graph name in LaTeX: one letter, a Greek name or a letter with digits as SymPy writes it (x,
    \\theta_{0}, x_{1}); a name of several letters as one symbol, \\mathit{sigy} (\\mathit{num}_{1}),
    so that it is not read (nor typeset, nor spoken in MathML) as the product s·i·g·y."""
    s = sp.latex(sp.Symbol(name))
    m = _WORD_NAME.fullmatch(s)
    if m is None or len(m.group(1)) < 2:
        return s
    return rf"\mathit{{{m.group(1)}}}" + (f"_{{{m.group(2)}}}" if m.group(2) else "")


def entry_latex(name: str, sub: str) -> str:
    """An entry of a graph quantity in LaTeX, with `sub` its subscript (1, 12, i, ij): x_{i}; a name that
    has a subscript of its own is bracketed, (W_{2})_{1} and (w_{1})_{i}, never W_{21} (which reads as
    entry (2, 1) of a matrix W) nor w_{1}_{i} (which TeX refuses: a double subscript). Used by the
    solution's steps and by derive's entry-by-entry sentences alike."""
    base = name_latex(name)
    if "_" in base:
        base = f"({base})"
    return f"{base}_{{{sub}}}"


def name_text(name: str) -> str:
    """theta4 as θ_4 (greek.py), any other name as written."""
    return greek.text(name) or name


def local_partial(f: str, q: str, operands, latex: bool) -> str:
    """The local ∂f/∂q written with f's operands, ∂f(s, r)/∂s: used where another operand is computed
    from q too, so that it cannot be read as the total ∂f/∂s."""
    if latex:
        args = ", ".join(name_latex(o) for o in operands)
        return rf"\frac{{\partial {name_latex(f)}({args})}}{{\partial {name_latex(q)}}}"
    return f"∂{name_text(f)}({', '.join(name_text(o) for o in operands)})/∂{name_text(q)}"


class _BareArguments:
    """A function's argument that is one symbol with a number put in needs no parentheses of its own:
    exp(-1), not exp((-1)); \\sigma\\left(-1\\right); e^{-1} (a symbol inside a longer argument
    keeps them: exp(2 × (-1)))."""

    _bare: frozenset = frozenset()

    def _print(self, expr, **kwargs):
        if isinstance(expr, sp.Function) and not isinstance(expr, sp.Piecewise):
            outer, self._bare = self._bare, frozenset(a for a in expr.args if isinstance(a, sp.Symbol))
            try:
                return super()._print(expr, **kwargs)
            finally:
                self._bare = outer
        if not isinstance(expr, sp.Symbol):
            outer, self._bare = self._bare, frozenset()
            try:
                return super()._print(expr, **kwargs)
            finally:
                self._bare = outer
        return super()._print(expr, **kwargs)

    def _print_Symbol(self, expr, *args, **kwargs) -> str:
        values = self._settings["values"]
        if expr in self._bare and values is not None and expr in values:
            return values[expr]
        return super()._print_Symbol(expr, *args, **kwargs)

    kink_env: Mapping | None = None     # the numbers put in: a step() there at 0 shows the value taken

    def at_kink(self, expr) -> str | None:
        """The value a step() takes, as written (0, 0.5), when the numbers put in are exactly at its
        jump: relu's step(0) is 0 and a tie of max's is ½, so the numbers line says which (item of
        the kink sentence, kink_notes)."""
        if self.kink_env is None or not _is_exact_zero(expr.args[0].xreplace(self.kink_env)):
            return None
        h0 = expr.args[1] if len(expr.args) > 1 else sp.Rational(1, 2)
        return _convention(h0)

    def _print_Heaviside(self, expr, exp=None) -> str:
        taken = self.at_kink(expr)
        plain = super()._print_Heaviside(expr)
        if taken is None:
            return plain
        if isinstance(self, LatexPrinter):
            return rf"\left({plain} = {taken}\right)"
        return f"({plain} = {taken})"


def _is_exact_zero(e) -> bool:
    try:
        return bool(e.is_zero) or (bool(e.is_number) and abs(float(e)) <= 1e-12)
    except (TypeError, ValueError):
        return False


def _convention(v) -> str:
    """A convention's value (0, ½, a slope) exactly where it terminates (0.01), else as SymPy writes it."""
    from ..graph_written import decimal_text
    v = sp.sympify(v)
    if v.is_Rational and decimal_text(abs(v)):
        return ("-" if v < 0 else "") + decimal_text(abs(v))
    return str(v)


class _Text(_BareArguments, TextPrinter):
    def _print_sigmoid(self, expr) -> str:
        return f"σ({self._print(expr.args[0])})"

    def _print_Sign(self, expr) -> str:
        return f"sign({self._print(expr.args[0])})"


class _Latex(_BareArguments, LatexPrinter):
    def _print_sigmoid(self, expr, exp=None) -> str:
        s = rf"\sigma\left({self._print(expr.args[0])}\right)"
        return s if exp is None else rf"{s}^{{{exp}}}"


_TEXT_CALLS = {"log": "ln", "sigmoid": "σ"}
_LATEX_CALLS = {"exp": r"\exp", "log": r"\ln", "ln": r"\ln", "sin": r"\sin", "cos": r"\cos", "tanh": r"\tanh",
                "sigmoid": r"\sigma", "max": r"\max", "min": r"\min"}
_ATOMS = ("num", "name", "paren", "call")


class GraphMath(Math):
    """How a graph's steps print: formulas from their tree, the backward chain, matrices as brackets."""

    def __init__(self, sol: GraphSolution) -> None:
        self.sol = sol
        self.output = sol.problem.output
        names_text, names_latex = {}, {}
        for q in sol.problem.quantities:
            if q.shape == ():
                names_text[q.symbol], names_latex[q.symbol] = name_text(q.name), name_latex(q.name)
            else:
                for r in range(q.shape[0]):
                    for c in range(q.shape[1]):
                        sub = entry_suffix(q.shape, r, c).replace("_", "")
                        if max(q.shape) > 9:
                            sub = entry_suffix(q.shape, r, c).replace("_", ",")
                        names_text[q.symbol[r, c]] = f"{name_text(q.name)}_{sub}"
                        names_latex[q.symbol[r, c]] = entry_latex(q.name, sub)   # x1's entry 2: (x_{1})_{2}
        self.names = {False: names_text, True: names_latex}
        self._widened: dict = {}            # (step id, precision) -> a backward step's numbers as shown
        self._entry_shown: dict = {}        # (entry, precision, given) -> (as shown, exact): _cell
        # what stands for an input in the steps (its name, its symbol, each entry's symbol): given data
        self.given: set = set()
        for q in sol.problem.inputs:
            self.given.add(q.name)
            self.given.update(q.symbol if isinstance(q.symbol, sp.MatrixBase) else (q.symbol,))
            self.given.add(("T", q.name))            # its value transposed, in a matrix form (outer_form)

    # -- the Math protocol ------------------------------------------------------------------------
    def text(self, expr: Any, values: Mapping | None = None) -> str:
        return self._show(expr, values, False)

    def latex(self, expr: Any, values: Mapping | None = None) -> str:
        return self._show(expr, values, True)

    def number(self, value: Any, precision: int) -> str:
        return self._shown(value, precision)[0]

    def substituted(self, step: Step, precision: int, latex: bool) -> tuple[str, str]:
        """The last form, and the same with its numbers put in: an input's as written, the rest rounded;
        in a forward step of scalars, with more places where that is what makes the step add up
        (printing.operands_that_add_up, as in a network's steps)."""
        show = self.latex if latex else self.text
        numbers = {k: self._shown(v, precision, k in self.given)[0] for k, v in step.numbers.items()}
        for k, v in step.numbers.items():            # a vector factor's transpose: its numbers as a row
            if isinstance(k, str) and isinstance(v, sp.MatrixBase) and 1 in v.shape:
                numbers[("T", k)] = self._shown(v.T, precision, k in self.given)[0]
        chain = isinstance(step.forms[-1], tuple) and step.forms[-1][0] == "chain"
        matrices = (chain or isinstance(step.forms[-1], Node)) and (isinstance(step.value, sp.MatrixBase) or any(
            isinstance(v, sp.MatrixBase) for v in step.numbers.values()))      # a backward or forward step's
        if chain or matrices:                         # text, then LaTeX, of one step: widened once
            key = (step.id, precision)
            if key not in self._widened:
                self._widened[key] = self._matrix_adding_up(step, precision) if matrices else \
                    self._backward_adding_up(step, precision)
            widened = self._widened[key]
        else:
            widened = self._adding_up(step, precision)
        if widened is not None:
            numbers.update(widened)
        last, put_in = show(step.forms[-1]), show(step.forms[-1], numbers)
        outer = isinstance(step.forms[-1], tuple) and step.forms[-1][0] == "outer"     # derive's s·u·vᵀ
        if isinstance(step.value, sp.MatrixBase) and (chain or outer):
            value = self._shown(step.value, precision)[0]      # the numbers put in are the value: shown once
            if put_in == (value.latex if latex else str(value)):
                put_in = last
        return last, put_in

    def _adding_up(self, step: Step, precision: int) -> dict | None:
        """A forward step's operands shown so that its rule, evaluated from them, gives its value as
        shown; None for a step with a matrix, or that is no node's formula."""
        prob = self.sol.problem
        if isinstance(step.value, sp.MatrixBase) or not step.forms or not isinstance(step.forms[-1], Node) \
                or any(isinstance(v, sp.MatrixBase) or not isinstance(k, str) for k, v in step.numbers.items()):
            return None
        q = prob.get(step.id)
        if q.kind != "node" or q.rule is None or not isinstance(q.rule, sp.Expr):
            return None
        symbol = {n: prob.get(n).symbol for n in step.numbers}
        if not all(isinstance(s, sp.Symbol) for s in symbol.values()):
            return None

        def shown_at(p: int) -> dict:
            return {symbol[n]: str(self._shown(v, p, n in self.given)[0]) for n, v in step.numbers.items()}
        got = self._operands(q.rule, str(self.value(step, precision, False)[0]), precision, shown_at)
        return {n: Num(got[symbol[n]]) for n in step.numbers}

    def _backward_adding_up(self, step: Step, precision: int) -> dict | None:
        """A scalar backward step's numbers (the upstream gradients and the local gradients' operands)
        shown so that the chain, evaluated from them, gives the step's value as shown, as a forward
        step's are: (1 - 0.7) where h ≈ 0.7 shows as 1 at precision 0, never a 0/0 that is not one, and
        σ(0.85) where σ(1) would not give the value. None for a step with a matrix."""
        from ..formula import decimal_values
        _, _, with_locals, terms = step.forms[-1]
        if not with_locals or isinstance(step.value, sp.MatrixBase) \
                or any(isinstance(v, sp.MatrixBase) for v in step.numbers.values()):
            return None
        stand_in = {k: sp.Dummy(f"n{i}") for i, k in enumerate(step.numbers)}
        expr = sp.Integer(0)
        for f, local, _ in terms:
            if isinstance(local, tuple) or not isinstance(local, (sp.Expr, int)):
                return None
            local = decimal_values(sp.sympify(local)).xreplace({k: d for k, d in stand_in.items()
                                                                if isinstance(k, sp.Basic)})
            expr = expr + stand_in[("grad", f)] * local
        if not isinstance(expr, sp.Expr):
            return None

        def shown_at(p: int) -> dict:
            return {stand_in[k]: str(self._shown(v, p, k in self.given)[0]) for k, v in step.numbers.items()}
        got = self._operands(expr, str(self.value(step, precision, False)[0]), precision, shown_at)
        return {k: Num(got[d]) for k, d in stand_in.items()}

    def _matrix_adding_up(self, step: Step, precision: int) -> dict | None:
        """A step with a matrix (a forward node of matrices, z = W·x, y = v·h; a backward step
        ∂L/∂f·xᵀ, Wᵀ·∂L/∂f, ∂L/∂f ⊙ D, ∂L/∂y·[v_1; v_2]) with its numbers shown so that what it puts
        in, evaluated exactly entry by entry, gives every entry of its value as shown: all its numbers
        at the fewest more places, up to 15, that make every entry add up (as a scalar step's are,
        printing.operands_that_add_up); None where nothing is widened or the step's form is not one of these."""
        built = self._shown_expression(step)
        if built is None:
            return None
        expr, slots = built
        entries = list(expr) if isinstance(expr, sp.MatrixBase) else [expr]
        value = step.value
        targets = [self._cell(v, precision, False)[0]
                   for v in (list(value) if isinstance(value, sp.MatrixBase) else [value])]
        if len(entries) != len(targets):
            return None

        def shown_at(p) -> dict:
            out = {}
            for key, (symbols, v) in slots.items():
                given = key in self.given
                for sym, e in zip(symbols, list(v) if isinstance(v, sp.MatrixBase) else [v]):
                    out[sym] = self._cell(e, p, given)[0]
            return out
        got = self._operands(entries, targets, precision, shown_at, widened_only=True)
        if got is None:
            return None
        out: dict = {}
        for key, (symbols, v) in slots.items():
            if isinstance(v, sp.MatrixBase):
                cells = [[got[symbols[r * v.cols + c]] for c in range(v.cols)] for r in range(v.rows)]
                out[key] = matrix_num(cells)
                if isinstance(key, str) and 1 in v.shape:           # a vector's transpose: a row
                    out[("T", key)] = matrix_num([list(col) for col in zip(*cells)])
            else:
                out[key] = Num(got[symbols[0]])
        return out

    @staticmethod
    def _operands(expr, target, precision, shown_at, widened_only: bool = False):
        """printing.operands_that_add_up: the numbers that make a step add up to its value as shown."""
        return operands_that_add_up(expr, target, precision, shown_at, widened_only=widened_only)

    def _shown_expression(self, step: Step):
        """(what the step's numbers line computes, in one symbol per number shown: a scalar or a matrix
        of SymPy expressions; {number's key: (its symbols, entry by entry, its value)}); None for a
        form this does not know."""
        from ..formula import decimal_values
        from ..graph import _bare
        prob = self.sol.problem
        slots: dict = {}

        def symbols_of(key, v, symbol=None):
            """The symbols standing for the number `key` (a stand-in for an upstream gradient, else the
            graph's own entry symbols), as a scalar or matrix."""
            if key not in slots:
                if symbol is None:
                    symbol = (sp.ImmutableMatrix(v.rows, v.cols, lambda r, c: sp.Dummy())
                              if isinstance(v, sp.MatrixBase) else sp.Dummy())
                slots[key] = (list(symbol) if isinstance(symbol, sp.MatrixBase) else [symbol], v)
            return symbol
        for key, v in step.numbers.items():           # the graph's numbers: scalars and entries stand for themselves
            if isinstance(key, str):
                symbols_of(key, v, prob.get(key).symbol)
            elif isinstance(key, sp.Symbol):
                symbols_of(key, v, key)
        form = step.forms[-1]
        if isinstance(form, Node):                    # a forward step: the node's formula
            q = prob.get(step.id)
            return (q.rule, slots) if q.kind == "node" else None
        if not (isinstance(form, tuple) and form[0] == "chain" and form[2]):
            return None
        total = None
        for f, local, _ in form[3]:
            grad = symbols_of(("grad", f), self.sol.gradients[f])
            if isinstance(local, tuple) and local[0] == "elementwise":
                d = sp.ImmutableMatrix(local[1]).applyfunc(decimal_values)
                term = sp.ImmutableMatrix(grad.rows, grad.cols, lambda r, c: grad[r, c] * d[r, c])
            elif isinstance(local, tuple) and local[0] == "matmul":
                _, side, other = local
                if side == "same":
                    term = grad
                else:
                    names = {n.name: Value(n.symbol, n.shape) for n in prob.quantities}
                    factor = sp.ImmutableMatrix(prob.get(f).formula._build(_bare(other), names).expr).T
                    term = grad * factor if side == "left" else factor * grad
            elif isinstance(local, (sp.Expr, sp.MatrixBase, int)):
                local = sp.sympify(local)
                local = sp.ImmutableMatrix(local).applyfunc(decimal_values) if isinstance(local, sp.MatrixBase) \
                    else decimal_values(local)
                term = grad * local
            else:
                return None
            total = term if total is None else total + term
        if isinstance(total, sp.MatrixBase):
            total = sp.ImmutableMatrix(total)
        return (total, slots) if total is not None else None

    def _cell(self, e, precision: int, given: bool) -> tuple[str, bool]:
        """One entry (or scalar) as shown, and whether exactly: kept, since the steps with matrices show
        and widen the same entries (a gradient in its own step and in the next)."""
        key = (e, precision, given)
        if key not in self._entry_shown:
            self._entry_shown[key] = _entry(e, precision, given)
        return self._entry_shown[key]

    def _shown(self, value, precision: int, given: bool = False) -> tuple[Num, bool]:
        """`shown`, each entry of a matrix kept (_cell)."""
        if not isinstance(value, sp.MatrixBase):
            return shown(value, precision, given)
        cells = [[self._cell(value[r, c], precision, given) for c in range(value.cols)] for r in range(value.rows)]
        return matrix_num([[t for t, _ in row] for row in cells]), all(e for row in cells for _, e in row)

    def value(self, step: Step, precision: int, latex: bool) -> tuple[str, bool]:
        s, exact = self._shown(step.value, precision, self.is_given(step.id))
        out = s.latex if latex else str(s)
        if isinstance(step.value, sp.MatrixBase):
            r, c = step.value.shape
            out += rf"\ ({r}\times{c})" if latex else f" ({r}×{c})"
        return out, exact

    def is_given(self, sid: str) -> bool:
        """Whether the step `sid` is an input's (given data)."""
        return sid in self.given and self.sol.step(sid).section == "given"

    # -- printing ---------------------------------------------------------------------------------
    def _show(self, expr, values, latex: bool) -> str:
        out = self._show_marked(expr, values, latex)
        return out if values is None else resolve(out, latex)

    def _show_marked(self, expr, values, latex: bool) -> str:
        """`_show` with each value put in as a numberslots slot (resolved by `_show`)."""
        if isinstance(expr, tuple) and expr and expr[0] == "name":
            return name_latex(expr[1]) if latex else name_text(expr[1])
        if isinstance(expr, tuple) and expr and expr[0] == "grad":
            return self._grad(self.output, expr[1], latex)
        if isinstance(expr, tuple) and expr and expr[0] == "chain":
            return self._chain(expr, values, latex)
        if isinstance(expr, tuple) and expr and expr[0] == "outer":
            return self._outer(expr, values, latex)
        if isinstance(expr, Node):
            return self._node(expr, values, latex)
        if values is not None and isinstance(expr, sp.Symbol) and expr in values:    # a number alone: -4
            v = values[expr]
            return v.latex if latex and isinstance(v, Num) else str(v)
        return self._sympy(expr, values, latex)

    def _outer(self, form, values, latex: bool) -> str:
        """("outer", MatrixForm, row) as s·x·xᵀ (a matrix) or s·x (a vector; `row`: the gradient is a
        row), with the numbers put in: s's, and each vector's value (transposed where shown so)."""
        _, mf, row = form
        shown_vectors = []
        for name, transposed in mf.vectors(row):
            key = ("T", name) if transposed else name
            if values is not None and key in values:
                v = values[key]
                shown_vectors.append(v.latex if latex and isinstance(v, Num) else str(v))
            elif transposed:
                shown_vectors.append(f"{name_latex(name)}^{{\\top}}" if latex else f"{name_text(name)}ᵀ")
            else:
                shown_vectors.append(name_latex(name) if latex else name_text(name))
        sep = (r" \times " if latex else " × ") if values is not None else (r" \cdot " if latex else "·")
        vec = (" " if latex and values is None else sep).join(shown_vectors)
        return self._scaled(mf.scale, vec, values, latex, sep)

    def _scaled(self, scale, rest: str, values, latex: bool, sep: str) -> str:
        """scale·rest: no 1·, a lone minus for -1, a sum in parentheses."""
        if scale == 1:
            return rest
        if scale == -1:
            return "-" + rest
        s = self._sympy(scale, values, latex) if not (values is not None and scale in values) else \
            self._show_marked(scale, values, latex)
        if isinstance(scale, sp.Add):
            s = rf"\left({s}\right)" if latex else f"({s})"
        return s + sep + rest

    def entry_form(self, grad_name: str, mf, row: bool, letters: tuple[str, str]) -> "Sym":
        """∂L/∂A_ij = s·x_i·x_j (∂L/∂b_i = s·x_i), in text and LaTeX."""
        i, j = letters
        if mf.right is None:
            lhs_sub, factors = i, [(mf.left, i)]
        else:
            lhs_sub, factors = i + j, [(mf.left, i), (mf.right, j)]
        text_f = "·".join(f"{name_text(n)}_{k}" for n, k in factors)
        latex_f = " ".join(entry_latex(n, k) for n, k in factors)
        lhs_t = f"∂{name_text(self.output)}/∂{name_text(grad_name)}_{lhs_sub}"
        lhs_l = rf"\frac{{\partial {name_latex(self.output)}}}{{\partial {entry_latex(grad_name, lhs_sub)}}}"
        return Sym(f"{lhs_t} = {self._scaled(mf.scale, text_f, None, False, '·')}",
                   f"{lhs_l} = {self._scaled(mf.scale, latex_f, None, True, ' ')}")

    def _grad(self, top: str, bottom: str, latex: bool) -> str:
        if latex:
            return rf"\frac{{\partial {name_latex(top)}}}{{\partial {name_latex(bottom)}}}"
        return f"∂{name_text(top)}/∂{name_text(bottom)}"

    def _value(self, v: str, latex: bool) -> str:
        """A value inside a formula, as a slot: numberslots.resolve brackets it or folds its sign."""
        return mark(v.latex if (latex and isinstance(v, Num)) else str(v))

    def _sympy(self, expr, values, latex: bool) -> str:
        names = self.names[latex]
        written = {s: s.name[len(WRITTEN_PREFIX):] for s in getattr(expr, "free_symbols", ())
                   if s.name.startswith(WRITTEN_PREFIX)}
        if written:                         # a decimal of the node's formula, as written (graph._Context)
            names = {**names, **written}
        vals = None if values is None else {k: (v.latex if latex and isinstance(v, Num) else str(v))
                                             for k, v in values.items() if isinstance(k, sp.Basic)}
        if isinstance(expr, sp.MatrixBase):
            def cell(e):
                if values is not None and e in values:          # a number alone needs no parentheses
                    v = values[e]
                    return v.latex if latex and isinstance(v, Num) else str(v)
                return self._sympy(e, values, latex)
            cells = [[cell(expr[r, c]) for c in range(expr.cols)] for r in range(expr.rows)]
            if latex:
                return r"\begin{bmatrix}" + r" \\ ".join(" & ".join(row) for row in cells) + r"\end{bmatrix}"
            return "[" + "; ".join(", ".join(row) for row in cells) + "]"
        if latex:
            printer = _Latex(dict(names=names, values=vals, mul_symbol="times" if values is not None else "dot",
                                  indexed={}, terms=None))
        else:
            printer = _Text(dict(names=names, values=vals, times=values is not None, indexed={}, terms=None))
        if values is not None:
            printer.kink_env = self.sol.env
        return printer.doprint(expr)

    def _chain(self, form, values, latex: bool) -> str:
        """("chain", with_locals, ((f, local, operands), …)) for ∂L/∂q: Σ ∂L/∂f·∂f/∂q, or Σ ∂L/∂f·local;
        `operands` (or None): how a local partial that is not the total is written (`local_partial`)."""
        _, q, with_locals, terms = form
        out = []
        times = (r" \times " if latex else " × ") if values is not None else (r" \cdot " if latex else "·")
        alone = len(terms) == 1
        for i, (f, local, operands) in enumerate(terms):
            upstream = self._grad(self.output, f, latex)
            leads = i == 0 and not (isinstance(local, tuple) and local[0] == "matmul" and local[1] == "right")
            if values is not None and ("grad", f) in values:
                v = values[("grad", f)]
                # a number that leads the chain needs no parentheses: -0.1966 × (-1), not (-0.1966) × -1
                upstream = (v.latex if latex and isinstance(v, Num) else str(v)) if (alone and local == 1) or leads \
                    else self._value(v, latex)
            if not with_locals:
                link = local_partial(f, q, operands, latex) if operands else self._grad(f, q, latex)
                out.append(link if f == self.output else upstream + (" " if latex else "·") + link)
                continue
            if isinstance(local, tuple) and local[0] == "elementwise":     # f = g(q) entry by entry: ∂L/∂f ⊙ D
                odot = r" \odot " if latex else " ⊙ "
                out.append(upstream + odot + self._sympy(local[1], values, latex))
                continue
            if isinstance(local, tuple):             # f = P*B: ∂L/∂P = ∂L/∂f·Bᵀ, ∂L/∂B = Pᵀ·∂L/∂f
                _, side, other = local
                if side == "same":                   # f = q + …: ∂L/∂q = ∂L/∂f
                    out.append(upstream)
                    continue
                factor = self._transposed(other, values, latex)
                out.append(upstream + times + factor if side == "left" else factor + times + upstream)
                continue
            if local == 1:
                out.append("1" if f == self.output else upstream)
                continue
            if values is not None and f == self.output and local in values:
                v = values[local]
                out.append(v.latex if latex and isinstance(v, Num) else str(v))
                continue
            shown_local = self._sympy(local, values, latex)
            if f == self.output:           # ∂L/∂L = 1: the local gradient alone
                out.append(shown_local)
                continue
            if isinstance(local, sp.Expr) and isinstance(local, sp.Add) or shown_local.startswith("-"):
                shown_local = rf"\left({shown_local}\right)" if latex else f"({shown_local})"
            out.append(upstream + times + shown_local)
        return " + ".join(out)

    def _transposed(self, n: Node, values, latex: bool) -> str:
        """Nᵀ as written: transpose(x)ᵀ is x."""
        while n.kind == "paren":
            n = n.args[0]
        if n.kind == "call" and n.text == "transpose":
            return self._factor(n.args[0], values, latex)
        if n.kind == "name" and values is not None and ("T", n.text) in values:    # xᵀ with x's numbers: a row
            v = values[("T", n.text)]
            return v.latex if latex and isinstance(v, Num) else str(v)
        inner = self._node(n, values, latex, n.kind != "name")
        if n.kind not in ("name", "call"):
            inner = rf"\left({inner}\right)" if latex else f"({inner})"
        return f"{inner}^{{\\top}}" if latex else f"{inner}ᵀ"

    def _node(self, n: Node, values, latex: bool, top: bool = True) -> str:
        k = n.kind
        sub = lambda a: self._node(a, values, latex, False)      # noqa: E731
        if k == "num":
            return n.text
        if k == "name":
            if values is not None and n.text in values:
                v = values[n.text]
                return (v.latex if latex and isinstance(v, Num) else str(v)) if top else self._value(v, latex)
            return name_latex(n.text) if latex else name_text(n.text)
        if k == "paren":
            inner = self._node(n.args[0], values, latex, True)
            return rf"\left({inner}\right)" if latex else f"({inner})"
        if k == "neg":
            a = n.args[0]
            inner = sub(a)
            if a.kind in ("add", "sub"):
                inner = rf"\left({inner}\right)" if latex else f"({inner})"
            return "-" + inner
        if k in ("add", "sub"):
            right = sub(n.args[1])
            if k == "sub" and n.args[1].kind in ("add", "sub"):
                right = rf"\left({right}\right)" if latex else f"({right})"
            return f"{sub(n.args[0])} {'+' if k == 'add' else '-'} {right}"
        if k == "mul":
            a, b = (self._factor(x, values, latex) for x in n.args)
            if values is None:
                return f"{a} \\cdot {b}" if latex else f"{a}·{b}"
            return f"{a} \\times {b}" if latex else f"{a} × {b}"
        if k == "div":
            if latex:
                return rf"\frac{{{self._node(n.args[0], values, latex, True)}}}{{{self._node(n.args[1], values, latex, True)}}}"
            return f"{self._factor(n.args[0], values, latex)}/{self._factor(n.args[1], values, latex, strict=True)}"
        if k == "pow":
            base = sub(n.args[0])
            if n.args[0].kind not in _ATOMS or (n.args[0].kind == "num" and n.args[0].text.startswith("-")) \
                    or base.startswith("-") or (values is not None and n.args[0].kind == "name"
                                               and isinstance(values.get(n.args[0].text), Num)
                                               and str(values[n.args[0].text]).startswith("-")):
                if not (base.startswith("(") or base.startswith(r"\left(")):
                    base = f"({base})"
            exp = self._node(n.args[1], values, latex, True)
            if latex:
                return f"{base}^{{{exp}}}"
            return f"{base}²" if exp == "2" else f"{base}^{exp}" if n.args[1].kind in _ATOMS else f"{base}^({exp})"
        if k == "call":
            return self._call(n, values, latex)
        raise AssertionError(k)            # pragma: no cover

    def _factor(self, n: Node, values, latex: bool, strict: bool = False) -> str:
        s = self._node(n, values, latex, False)
        if n.kind in ("add", "sub") or (strict and n.kind in ("mul", "div")):
            return rf"\left({s}\right)" if latex else f"({s})"
        return s

    def _call(self, n: Node, values, latex: bool) -> str:
        args = [self._node(a, values, latex, True) for a in n.args]
        f = n.text
        if f == "transpose":
            a = n.args[0]
            base = args[0] if a.kind in ("name", "paren") and not (values is not None and a.kind == "name") \
                else (rf"\left({args[0]}\right)" if latex and a.kind != "name" else args[0] if a.kind == "name"
                      else f"({args[0]})")
            return f"{base}^{{\\top}}" if latex else f"{base}ᵀ"
        if f == "abs":
            return rf"\left|{args[0]}\right|" if latex else f"|{args[0]}|"
        if f == "sqrt":
            return rf"\sqrt{{{args[0]}}}" if latex else f"√({args[0]})"
        if f == "dot":
            a, b = (self._factor(x, values, latex) for x in n.args)
            return rf"{a} \cdot {b}" if latex else f"{a}·{b}"
        joined_args = ", ".join(args)
        if latex:
            escaped = f.replace("_", "\\_")
            head = _LATEX_CALLS.get(f, r"\operatorname{" + escaped + "}")
            return rf"{head}\left({joined_args}\right)"
        return f"{_TEXT_CALLS.get(f, f)}({joined_args})"


# -- the document ----------------------------------------------------------------------------------

def _steps(sol: GraphSolution) -> dict[str, list[Step]]:
    prob = sol.problem
    out: dict[str, list[Step]] = {"given": [], "forward": [], "backward": []}
    for s in sol.steps:
        q = prob.get(s.name)
        if s.section == "given":
            out["given"].append(Step(s.id, ("name", s.name), (), None, s.value))
        elif s.section == "forward":
            numbers = {n: sol.values[n] for n in q.operands}
            out["forward"].append(Step(s.id, ("name", s.name), (q.formula.tree,), numbers, s.value))
        elif not s.contributions:
            out["backward"].append(Step(s.id, ("grad", s.name), (), None, s.value))
        else:
            terms = tuple((c.consumer, c.local if c.shown is None else c.shown, c.operands) for c in s.contributions)
            forms: tuple = (("chain", s.name, False, terms),)
            numbers = None
            if all(c.local is not None for c in s.contributions):
                forms += (("chain", s.name, True, terms),)
                numbers = {("grad", c.consumer): sol.gradients[c.consumer] for c in s.contributions}
                for c in s.contributions:
                    if isinstance(c.local, tuple) and c.local[0] == "elementwise":     # f = g(q) entry by entry
                        numbers.update({sym: sol.env[sym] for sym in c.local[1].free_symbols if sym in sol.env})
                        continue
                    if isinstance(c.local, tuple):                  # a matrix product's factor
                        if c.local[2] is not None:
                            numbers.update({n: sol.values[n] for n in c.local[2].names()})
                        continue
                    locals_ = c.local.free_symbols if hasattr(c.local, "free_symbols") else set()
                    numbers.update({sym: sol.env[sym] for sym in locals_ if sym in sol.env})
            out["backward"].append(Step(s.id, ("grad", s.name), forms, numbers, s.value))
    return out


def check_texts(report, lang: str = "en", sol: GraphSolution | None = None) -> list[Text]:
    """The three-way check of a graph's gradients (`solve --check`, `derive`) as prose, its numbers and
    h typeset as the steps are (render/build.py's check_texts for a network); a gradient's id as code
    (in LaTeX too), a kink's reason with its node, function and condition as maths (given `sol`)."""
    verdict = msg(lang, "gradcheck.agree" if report.ok else "gradcheck.disagree")
    rows = report.rows
    reasons = _kink_reasons(sol, lang) if sol is not None else {}
    return [sentence(lang, "graph.check", n=report.count, verdict=verdict),
            indented(sentence(lang, "graph.check_direct", diff=number_sym(f"{report.max_direct:.1e}"))),
            indented(sentence(lang, "gradcheck.finite", h=number_sym(f"{report.step:g}"),
                              diff=number_sym(f"{report.max_fd:.1e}")))] + \
        [indented(sentence(lang, "gradcheck.kink", id=Code(gid, typewriter=True),
                           kink=reasons.get(str(why), say(why, lang)),
                           chain=number_sym(f"{rows[gid]['backward']:.6g}"),
                           direct=number_sym(f"{rows[gid]['direct']:.6g}"),
                           fd=number_sym(f"{rows[gid]['finite_difference']:.6g}")))
         for gid, why in report.kinks.items()]


def _fn_sym(fn: str) -> Sym:
    """A kinked function's name as maths, as the steps write it: \\max, \\operatorname{relu}."""
    return Sym(fn, _LATEX_CALLS.get(fn, r"\operatorname{" + fn.replace("_", r"\_") + "}"))


def kink_reason(k, math: "GraphMath", lang: str) -> Text:
    """"relu in node r is evaluated at its kink (s = 0)" (graph_check.kink, the words `--check` says)
    with the function, the node and the condition as maths; its plain text is the message's."""
    where = [math.latex(t) for t in k.trees]
    where_latex = f"{where[0]} = {where[1]}" if len(where) == 2 else f"{where[0]} = 0"
    return sentence(lang, "graph_check.kink", node=Sym(k.node, name_latex(k.node)), fn=_fn_sym(k.fn),
                    where=Sym(k.where, where_latex))


def _kink_reasons(sol: GraphSolution, lang: str) -> dict[str, Text]:
    """Each kink's reason as the check's rows hold it (its English words) -> the reason typeset."""
    from ..graph_kinks import kinks
    from ..messages import said
    math = GraphMath(sol)
    return {str(said("graph_check.kink", node=k.node, fn=k.fn, where=k.where)): kink_reason(k, math, lang)
            for k in kinks(sol.problem, sol.env)}


# the footnote's stand-ins for "a quantity" and "a node that uses it", first choice first: the first
# that is no input or node name of the graph (nor Euler's e), so that they never read as the user's own
_DUMMY_QUANTITY = ("q", "p", "v", "s", "t", "r", "z", "w")
_DUMMY_CONSUMER = ("g", "h", "u", "k", "m", "n", "c", "d")


def dummy_names(taken) -> tuple[str, str]:
    """(quantity, consumer): two names for the footnote's sum, distinct and not in `taken` (q and g
    unless the graph uses them; then p, v, … and h, u, …; past those, q1, q2, … and g1, g2, …)."""
    used = set(taken) | {"e"}
    out = []
    for pool in (_DUMMY_QUANTITY, _DUMMY_CONSUMER):
        pick = next((n for n in pool if n not in used), None)
        i = 1
        while pick is None:
            pick = f"{pool[0]}{i}" if f"{pool[0]}{i}" not in used else None
            i += 1
        used.add(pick)
        out.append(pick)
    return out[0], out[1]


def graph_document(sol: GraphSolution, lang: str = "en", precision: int | None = None, checks=None) -> Document:
    """The worked solution of a graph: given values, forward pass, backward pass (and the check)."""
    p = sol.problem.precision if precision is None else precision
    steps = _steps(sol)
    math = GraphMath(sol)
    sections = (
        Section(Text(msg(lang, "graph.given")), tuple(steps["given"]), inline=True),
        Section(Text(msg(lang, "quadratic.forward")), tuple(steps["forward"])),
        Section(Text(msg(lang, "quadratic.backward")), tuple(steps["backward"]),
                notes=(_backward_note(sol.problem.output, sol.problem.parameters,
                                      [x.name for x in sol.problem.quantities], lang),
                       *_local_partial_note(sol, lang), *_elementwise_note(sol, lang),
                       *kink_notes(sol, math, lang, p, which=True))),
    )
    if sol.problem.padding is not None:      # model: masked_mean (padding.py): its batch, mask and the unmasked mean
        from .padding import after_sections, before_sections
        sections = before_sections(sol, lang) + sections + after_sections(sol, lang, p)
    closing = tuple(check_texts(checks, lang, sol)) if checks is not None else ()
    parts = (Part(None, sections, math, p, closing=closing),)
    if sol.run is not None:                  # optimizer: in the file (graph_optimize.py): its steps, a part of their own
        from .optimizer import graph_optimizer_parts
        parts += graph_optimizer_parts(sol, (math.names[False], math.names[True]), p, lang)
    return Document(sol.problem.title, parts, lang, "graph", "computation graph")


class GraphStepMath(GraphMath):
    """A graph's forward and backward pass re-solved at an optimizer's step t (`step_pass`): printed as the step's
    own lines print their numbers (docs/optimizers.md, "A worked run"): a value the step's optimizer lines print
    (g_t: ∂L/∂θ of an entry) with their digits (`fixed`: {exact value: (display, exact)}), an exact value of at
    most `chain_figures` significant figures in full (=), a small one by significant figures; the rest as the graph's
    solution prints them."""

    def __init__(self, sol: GraphSolution, fixed: Mapping | None = None) -> None:
        super().__init__(sol)
        self.fixed = dict(fixed or {})
        for name in sol.problem.parameters:          # a parameter is the step's value (θ_{t−1}), no given data here
            q = sol.problem.get(name)
            self.given -= {name, ("T", name), *(q.symbol if isinstance(q.symbol, sp.MatrixBase) else (q.symbol,))}

    def _cell(self, e, precision: int, given: bool) -> tuple[str, bool]:
        from .optimizer import step_figures
        key = (e, precision, given)
        if key not in self._entry_shown:
            if given or precision != self._base:
                self._entry_shown[key] = _entry(e, precision, given)
            elif sp.sympify(e) in self.fixed:
                self._entry_shown[key] = self.fixed[sp.sympify(e)]
            else:
                self._entry_shown[key] = format_value(sp.sympify(e), step_figures(sp.sympify(e), precision))
        return self._entry_shown[key]

    def _shown(self, value, precision: int, given: bool = False) -> tuple[Num, bool]:
        if isinstance(value, sp.MatrixBase):
            return super()._shown(value, precision, given)
        s, exact = self._cell(value, precision, given)
        return Num(s), exact

    _base = None
    step = None                                  # the step t whose pass it prints

    @staticmethod
    def _operands(expr, target, precision, shown_at, widened_only: bool = False):
        """As GraphMath's, each target compared at its own places where the step prints it with more than the
        precision (an exact short value in full, a small one by significant figures, g_t's display)."""
        from ..printing import MAX_OPERAND_PLACES, _decimals, _longer, _reevaluated, _same_display
        if is_sig_figs(precision):
            return operands_that_add_up(expr, target, precision, shown_at, widened_only=widened_only)
        exprs, targets = (list(expr), list(target)) if isinstance(expr, (list, tuple)) else ([expr], [target])
        exprs = [sp.sympify(e, strict=True) for e in exprs]
        first = shown_at(precision)
        if any(not e.free_symbols <= first.keys() or e.atoms(sp.Derivative) for e in exprs) or \
                any("e" in t for t in targets):
            return operands_that_add_up(expr, target, precision, shown_at, widened_only=widened_only)
        places_of = [max(int(precision), _decimals(t)) for t in targets]
        for places in range(int(precision), max(int(precision), MAX_OPERAND_PLACES) + 1):
            shown_ = first if places == int(precision) else _longer(first, shown_at(places))
            if all((got := _reevaluated(e, shown_, at, None)) is not None and _same_display(got, t)
                   for e, t, at in zip(exprs, targets, places_of)):
                return None if widened_only and shown_ is first else shown_
        return None if widened_only else first

    def at_precision(self, precision: int) -> "GraphStepMath":
        self._base = precision
        return self


def step_pass(sol: GraphSolution, t: int, lang: str, precision: int, fixed: Mapping | None = None,
              lookahead: Text | None = None) -> Part:
    """Step t's forward and backward pass of a graph's run (the graph solved at the step's grad point, `sol`), as a
    part of its own (no heading): "Step t: Forward …", "Step t: Backward …", as a network's step shows its own;
    `lookahead` (the lecture's Nesterov: the look-ahead point, worked) is the forward section's first note."""
    steps = _steps(sol)
    math = GraphStepMath(sol, fixed).at_precision(precision)
    math.step = t
    forward_notes = (lookahead,) if lookahead is not None else ()
    sections = (
        Section(sentence(lang, "optimizer.step_section", t=t, section=msg(lang, "quadratic.forward")),
                tuple(steps["forward"]), notes=forward_notes),
        Section(sentence(lang, "optimizer.step_section", t=t, section=msg(lang, "quadratic.backward")),
                tuple(steps["backward"]), notes=kink_notes(sol, math, lang, precision, which=True)),
    )
    return Part(None, sections, math, precision)


# -- JSON --------------------------------------------------------------------------------------------

def _plain(value):
    if isinstance(value, sp.MatrixBase):
        return [[float(value[r, c]) for c in range(value.cols)] for r in range(value.rows)]
    return float(value)


def _exact(value):
    if isinstance(value, sp.MatrixBase):
        return [[_exact(value[r, c]) for c in range(value.cols)] for r in range(value.rows)]
    return str(value) if not value.has(sp.Float) else None


def to_data(sol: GraphSolution, precision: int | None = None, checks=None) -> dict:
    """{"title", "source", "model": "graph", "output", "parameters", "quantities": {id: {...}}}: each
    quantity's value (float, or rows of floats), exact (SymPy's string, null once a float), display,
    text and latex (the whole step), section and shape; then each matrix entry by its own id."""
    p = sol.problem.precision if precision is None else precision
    doc = graph_document(sol, "en", p)
    part = doc.parts[0]
    quantities: dict[str, dict] = {}
    for section in part.sections:
        for step in section.steps:
            name = step.symbol[1]
            src = sol.step(step.id)
            q = {"value": _plain(step.value), "exact": _exact(step.value),
                 "display": part.math.value(step, p, False)[0],
                 "text": joined(step_links(part.math, step, p)),
                 "latex": joined(step_links(part.math, step, p, latex=True)),
                 "section": src.section}
            if isinstance(step.value, sp.MatrixBase):
                q["shape"] = list(step.value.shape)
            quantities[step.id] = q
            if isinstance(step.value, sp.MatrixBase):
                shape = step.value.shape
                for r in range(shape[0]):
                    for c in range(shape[1]):
                        v = step.value[r, c]
                        quantities[f"{step.id}_{entry_suffix(shape, r, c)}"] = {
                            "value": float(v), "exact": _exact(v),
                            "display": shown(v, p, part.math.is_given(step.id))[0],
                            "section": src.section, "of": step.id, "entry": [r + 1, c + 1]}
            del name
    data = {"title": sol.problem.title, "source": sol.problem.source, "model": "graph",
            "output": sol.problem.output, "parameters": list(sol.problem.parameters),
            "precision": None if is_sig_figs(p) else p, "quantities": quantities}
    if is_sig_figs(p):
        data["sig_figs"] = int(p)
    if sol.run is not None:
        data.update(_run_data(sol, doc, p))
    if sol.problem.padding is not None:
        from .padding import unmasked_data
        data["masked_mean"] = unmasked_data(sol)
    if checks is not None:
        data["check"] = {"ok": checks.ok, "max_relative_difference_direct": checks.max_direct,
                         "max_relative_difference_finite_differences": checks.max_fd, "step": checks.step,
                         "gradients": checks.rows}
    return data


def _run_data(sol: GraphSolution, doc: Document, p: int) -> dict:
    """A graph's optimizer run (graph_optimize.py), as a network part's (render/json.py run_data): `optimizer`
    (name, form, settings, update, steps, the steps shown, rule) and `steps`, each step's quantities by the
    graph's ids (A_1_2, grad_A_1_2, update_A_1_2, new_A_1_2, G_A_1_2 …, loss, new_loss): value (float64),
    exact (a step shown in full, while exact; else null) and display."""
    from ..evaluate import DIGITS
    from ..printing import format_value
    from ..optimizers import shown_rule
    from .json import _exact_text
    run, tr = sol.run, sol.run.training
    math = _run_parts(doc)[0].math
    rule = [{"text": f"{math.text(a.symbol)} = {math.text(a.expr)}",
             "latex": f"{math.latex(a.symbol)} = {math.latex(a.expr)}"}
            for a in shown_rule(tr.optimizer, tr.form, tr.values, str(sol.problem.output))]
    optimizer = {"name": tr.optimizer, "form": tr.form, "settings": {k: float(v) for k, v in tr.settings},
                 "update": tr.update, "steps": tr.steps, "shown": list(run.shown), "float_digits": DIGITS,
                 "rule": rule}
    shown_lines = _shown_run_lines(sol, doc, p)
    steps = []
    for rs in run.steps:
        worked = run.worked.get(rs.t)
        lines = shown_lines.get(rs.t, {})
        quantities = {}
        for key, f in rs.values.items():
            exact = worked.step.values.get(key) if worked is not None else None
            q = quantities[str(key)] = {"value": float(f), "exact": None if exact is None else _exact_text(exact),
                                        "display": format_value(sp.sympify(exact if exact is not None else f), p,
                                                                float(f))[0]}
            if str(key) in lines:                # a step shown in full: its line, as the text prints it
                q["text"], q["latex"], q["display"] = lines[str(key)]   # display: the value as its line prints it
        if worked is not None:                   # a step worked exactly: its forward and backward pass too
            quantities.update(_pass_quantities(doc, rs.t, p, quantities, rs.t in run.shown))
        steps.append({"step": rs.t, "quantities": quantities})
    return {"optimizer": optimizer, "steps": steps}


def _pass_quantities(doc: Document, t: int, p: int, taken, lines: bool = True) -> dict:
    """Step t's forward and backward pass by the graph's ids (`q`, `grad_y`, a matrix whole: `M`, `grad_A`), as
    a network's step has its own (render/json.py run_data): value, exact, display, and the line as the step prints
    it (`lines`: a step shown in full; step 1's: the graph's solution above; a later step's: its `step_pass`); an id the run has (an entry's
    ∂L/∂θ: `grad_A_1_2`, g_t) is the run's."""
    part = next((x for x in doc.parts if isinstance(x.math, GraphStepMath) and x.math.step == t), None)
    if part is None:
        if t != 1:
            return {}
        part = doc.parts[0]
    out: dict = {}
    for section in part.sections:
        if section.inline:                    # the given values: the step's parameters are the run's θ_{t−1}
            continue
        for step in section.steps:
            if step.id in taken:
                continue
            q = {"value": _plain(step.value), "exact": _exact(step.value),
                 "display": part.math.value(step, p, False)[0]}
            if lines:                         # a step shown in full: its lines too
                q["text"] = joined(step_links(part.math, step, p))
                q["latex"] = joined(step_links(part.math, step, p, latex=True))
            out[step.id] = q
            if isinstance(step.value, sp.MatrixBase):     # a matrix whole, as its line prints it (no entry ids)
                q["shape"] = list(step.value.shape)
    return out


class _StepValue:
    """A value of a step shown in full that no line of the rule prints (θ_{t−1}, Δθ, the output before and after):
    printed by the step's rule for its numbers (render/optimizer.step_figures), its numbers likewise."""

    def __init__(self, value) -> None:
        self.value = sp.sympify(value)

    def shown(self, precision) -> tuple[str, bool]:
        from .optimizer import step_figures
        return format_value(self.value, step_figures(self.value, precision))

    def shown_numbers(self, numbers, precision) -> dict:
        from .optimizer import step_figures
        return {s: format_value(sp.sympify(v), step_figures(v, precision))[0] for s, v in numbers.items()}


def _run_parts(doc: Document) -> list[Part]:
    """The parts of a graph's document that hold its run's rule, steps and table (not the graph's solution, nor a
    step's forward and backward pass: GraphMath's)."""
    return [part for part in doc.parts[1:] if not isinstance(part.math, GraphMath)]


def _shown_run_lines(sol: GraphSolution, doc: Document, p: int) -> dict[int, dict[str, tuple[str, str, str]]]:
    """Each step shown in full: every quantity's line as (text, LaTeX), as a network part's JSON has them
    (render/json.py `_shown_lines`): each line of the rule the step prints (g_t, the state, θ_t as `new_A_1_2`),
    θ_{t−1} (`A_1_2`), Δθ = θ_t − θ_{t−1} (`update_A_1_2`) and the output before and after the step."""
    from .. import optimizers
    from ..notation import Names
    from ..optimize import names_of_symbols
    from .build import SolutionMath
    run, parts = sol.run, _run_parts(doc)
    sym_text, sym_latex = names_of_symbols()
    text, latex = dict(parts[0].math.names.text), dict(parts[0].math.names.latex)
    out_t, out_l = name_text(sol.problem.output), name_latex(sol.problem.output)
    before, after = sp.Symbol("output before the step"), sp.Symbol("output after the step")
    for sym, theta in ((before, optimizers.THETA_PREV), (after, optimizers.THETA)):
        text[sym], latex[sym] = f"{out_t}({sym_text[theta]})", rf"{out_l}\left({sym_latex[theta]}\right)"
    deltas = {}
    for prm in run.params:
        d = deltas[prm.key] = sp.Symbol(f"Δ[{prm.key}]", real=True)
        text[d], latex[d] = f"Δ{text[prm.symbol]}", rf"\Delta {latex[prm.symbol]}"
    math = SolutionMath(Names(text, latex))

    def line(step: Step) -> tuple[str, str, str]:
        return (joined(step_links(math, step, p)), joined(step_links(math, step, p, latex=True)),
                math.value(step, p, False)[0])

    def value_line(k: str, sym, v) -> tuple[str, str, str]:
        return line(Step(k, sym, (), None, v, float(v), source=_StepValue(v)))

    sections = [sec for part in parts for sec in part.sections
                if sec.steps and sec.steps[0].id]                     # the rule's steps have no id
    out = {}
    for t, sec in zip(run.shown, sections):
        values = {str(k): v for k, v in run.worked[t].step.values.items()}
        lines = {st.id: line(st) for st in sec.steps}
        for k, sym in (("loss", before), ("new_loss", after)):
            if k in values:
                lines[k] = value_line(k, sym, values[k])
        for prm in run.params:
            own = {g: sp.Symbol(f"{g.name}[{prm.key}]", real=True) for g in (optimizers.THETA, optimizers.THETA_PREV)}
            k_prev, k_new, k_upd = str(prm.key), str(prm.kind("new")), str(prm.kind("update"))
            if k_prev not in values or own[optimizers.THETA_PREV] not in text:
                continue
            prev = values[k_prev]
            lines[k_prev] = value_line(k_prev, own[optimizers.THETA_PREV], prev)
            if k_new in values and k_upd in values and own[optimizers.THETA] in text:
                theta, theta_prev, new = own[optimizers.THETA], own[optimizers.THETA_PREV], values[k_new]
                lines[k_upd] = line(Step(k_upd, deltas[prm.key], (theta - theta_prev,), {theta: new, theta_prev: prev},
                                         values[k_upd], float(values[k_upd]), source=_StepValue(values[k_upd])))
                lines.setdefault(k_new, value_line(k_new, theta, new))         # a frozen entry: the value it kept
        out[t] = lines
    return out


def render_json(sol: GraphSolution, precision: int | None = None, checks=None) -> str:
    return json.dumps(to_data(sol, precision, checks), ensure_ascii=False, indent=2) + "\n"


# -- derive: the gradients as formulas ---------------------------------------------------------------

def _names_of(output: str, names) -> Sym:
    """∂L/∂p for each name, as mathematics (render/prose.py typesets it), names shown as the steps show
    them (θ_0 for theta0); a list wider than a page (a padded batch's many parameters) as separate formulas
    (`_breakable`)."""
    o, ot = name_latex(output), name_text(output)
    return _breakable([Sym(f"∂{ot}/∂{name_text(n)}", rf"\partial {o}/\partial {name_latex(n)}") for n in names], ", ")


def _breakable(syms: list[Sym], sep: str):
    """A list of formulas: one formula while it fits across a page; wider (a padded batch's, padding.py), each
    its own formula with `sep` as words between them, so that a line may break after each (LaTeX, Markdown,
    HTML alike; the plain text is the same)."""
    from .latex import _visible
    one = joined_syms(syms, sep)
    if _visible(one.latex) <= WIDE:
        return one
    from .prose import Prose
    return Prose(sep.join(f"\ue000{i}\ue001" for i in range(len(syms))), list(syms))


def _value_sym(value, precision: int) -> Sym:
    """A value as the steps show it ([0.5; 0.25], ≈ rounded), as mathematics in prose."""
    num, _ = shown(value, precision)
    return Sym(str(num), num.latex)


def _backward_note(output: str, params, taken, lang: str) -> Text:
    """How each backward step sums over the consumers of a node, and the parameters, with symbols typeset;
    the sum's stand-in names are none of the graph's own (`taken`)."""
    q, g = dummy_names(taken)
    o, ot = name_latex(output), name_text(output)
    rule = Sym(f"∂{ot}/∂{q} = Σ_{g} ∂{ot}/∂{g} · ∂{g}/∂{q}",
               rf"\partial {o}/\partial {q} = \sum_{{{g}}} \partial {o}/\partial {g} \cdot \partial {g}/\partial {q}")
    return sentence(lang, "graph.backward_note", rule=rule, q=Sym(q, q), g=Sym(g, g),
                    parameters=joined_syms([Sym(name_text(n), name_latex(n)) for n in params]))


def _local_partial_note(sol: GraphSolution, lang: str) -> tuple[Text, ...]:
    """Said once, where a step writes a local partial with its node's operands (∂f(s, r)/∂s): what it
    means, and that it is not the total ∂f/∂s."""
    prob = sol.problem
    for s in sol.steps:
        for c in s.contributions:
            if c.operands:
                from ..graph import _Context
                upstream = _Context(prob, {}).upstream
                others = [o for o in c.operands if o != s.name]
                through = [o for o in others if s.name in upstream[o]]
                args = ", ".join(name_latex(o) for o in c.operands)      # inline in prose: a slash
                local = Sym(local_partial(c.consumer, s.name, c.operands, False),
                            rf"\partial {name_latex(c.consumer)}({args})/\partial {name_latex(s.name)}")
                syms = lambda names: joined_syms([Sym(name_text(n), name_latex(n)) for n in names])  # noqa: E731
                return (sentence(lang, "graph.local_partial_note", local=local,
                                 g=Sym(name_text(c.consumer), name_latex(c.consumer)),
                                 q=Sym(name_text(s.name), name_latex(s.name)), others=syms(others),
                                 through=syms(through),
                                 total=Sym(f"∂{name_text(c.consumer)}/∂{name_text(s.name)}",
                                           rf"\partial {name_latex(c.consumer)}/\partial {name_latex(s.name)}")),)
    return ()


def _elementwise_note(sol: GraphSolution, lang: str) -> tuple[Text, ...]:
    """Said once, where a step goes through a node computed entry by entry (∂L/∂h ⊙ [local derivatives]):
    what ⊙ means, with the first such node and quantity as the example."""
    out = sol.problem.output
    for s in sol.steps:
        for c in s.contributions:
            if isinstance(c.local, tuple) and c.local[0] == "elementwise":
                f, q = c.consumer, s.name
                ot, ol, ft, fl, qt, ql = (name_text(out), name_latex(out), name_text(f), name_latex(f),
                                          name_text(q), name_latex(q))
                rule = Sym(f"∂{ot}/∂{qt}_i = ∂{ot}/∂{ft}_i·∂{ft}_i/∂{qt}_i",
                           rf"\partial {ol}/\partial {entry_latex(q, 'i')} = \partial {ol}/\partial {entry_latex(f, 'i')} "
                           rf"\cdot \partial {entry_latex(f, 'i')}/\partial {entry_latex(q, 'i')}")
                return (sentence(lang, "graph.elementwise_note", odot=Sym("⊙", r"\odot"), f=Sym(ft, fl),
                                 q=Sym(qt, ql), rule=rule),)
    return ()


def kink_notes(sol: GraphSolution, math: "GraphMath", lang: str, precision: int,
               which: bool = False) -> tuple[Text, ...]:
    """One sentence for each node of the backward pass evaluated at a kink of relu, abs, leaky_relu,
    max or min (graph_kinks.py, as `solve --check` names them): the value of the derivative taken there;
    `which` (the worked solution, whose backward steps are shown): which step(0) is which (_which_step)."""
    from ..graph import relevant
    from ..graph_kinks import kinks
    out = []
    found = kinks(sol.problem, sol.env, set(relevant(sol.problem)))
    for k in found:
        out.append(sentence(lang, "graph.kink_taken", kink=kink_reason(k, math, lang),
                            taken=_taken(k, math, precision)))
    return tuple(out) + (_which_step(sol, math, lang, found) if which else ())


def _which_step(sol: GraphSolution, math: "GraphMath", lang: str, found) -> tuple[Text, ...]:
    """For each backward step whose numbers put step(0) in more than once with different values (relu's
    step(0) = 0 and a tie of max's, 0.5, in one line), which is which: each step() of the line with
    the local gradient it is part of and the node's kinked function."""
    out = []

    def fn_of(node: str, h) -> str | None:
        """The kinked function of `node` whose derivative h (a step()) is: relu(a)' is step(a),
        ∂max(a, b)/∂a is step(a - b); the node's first kinked function if none matches."""
        mine = [k for k in found if k.node == node]
        for k in mine:
            jump = k.args[0] if len(k.args) == 1 else k.args[0] - k.args[1]
            if not isinstance(jump, sp.MatrixBase) and (sp.expand(h.args[0] - jump) == 0
                                                       or sp.expand(h.args[0] + jump) == 0):
                return k.fn
        return mine[0].fn if mine else None
    for s in sol.steps:
        items, values = [], set()
        for c in s.contributions:
            if isinstance(c.local, tuple) or not isinstance(c.local, sp.Basic):
                continue
            for h in sorted(c.local.atoms(sp.Heaviside), key=sp.default_sort_key):
                fn = fn_of(c.consumer, h)
                if fn is None or not _is_exact_zero(h.args[0].xreplace(sol.env)):
                    continue
                taken = _convention(h.args[1] if len(h.args) > 1 else sp.Rational(1, 2))
                values.add(taken)
                local = (local_partial(c.consumer, s.name, c.operands, False) if c.operands
                         else f"∂{name_text(c.consumer)}/∂{name_text(s.name)}")
                local_latex = (rf"\partial {name_latex(c.consumer)}({', '.join(name_latex(o) for o in c.operands)})"
                               rf"/\partial {name_latex(s.name)}" if c.operands
                               else rf"\partial {name_latex(c.consumer)}/\partial {name_latex(s.name)}")
                items.append(sentence(lang, "graph.kink_which_item",
                                      step=Sym(f"{math.text(h)} = {taken}", f"{math.latex(h)} = {taken}"),
                                      local=Sym(local, local_latex), fn=_fn_sym(fn),
                                      node=Sym(c.consumer, name_latex(c.consumer))))
        if len(values) > 1:
            which = items[0]
            for item in items[1:]:
                which = sentence(lang, "graph.kink_which_and", first=which, then=item)
            grad = Sym(f"∂{name_text(sol.problem.output)}/∂{name_text(s.name)}",
                       rf"\partial {name_latex(sol.problem.output)}/\partial {name_latex(s.name)}")
            out.append(sentence(lang, "graph.kink_which", grad=grad, which=which,
                                step0=Sym("step(0)", r"\operatorname{step}(0)")))
    return tuple(out)


def _taken(k, math: "GraphMath", precision: int) -> Sym:
    """relu'(0) = 0; abs'(0) = sign(0) = 0; ∂max(x, y)/∂x = ∂max(x, y)/∂y = step(0) = 0.5."""
    # a convention's value exactly where it terminates (0.01 at --precision 1 too), else rounded
    from ..graph_written import decimal_text
    values = [_convention(v) if v.is_Rational and decimal_text(abs(v)) else format_value(v, precision)[0]
              for v in (sp.sympify(t) for t in k.taken)]
    fn_latex = _LATEX_CALLS.get(k.fn, r"\operatorname{" + k.fn.replace("_", r"\_") + "}")
    if len(k.args) == 1:
        extra = (" = sign(0)", r" = \operatorname{sign}(0)") if k.fn == "abs" else ("", "")
        return Sym(f"{k.fn}'(0){extra[0]} = {values[0]}", rf"{fn_latex}'(0){extra[1]} = {values[0]}")
    simple = [t.kind in ("name", "num") for t in k.trees]                           # ∂max/∂(w - 0.25)
    texts = [math.text(t) if bare else f"({math.text(t)})" for t, bare in zip(k.trees, simple)]
    latexes = [math.latex(t) if bare else rf"\left({math.latex(t)}\right)" for t, bare in zip(k.trees, simple)]
    head_t, head_l = k.fn, fn_latex
    if values[0] == values[1]:
        return Sym(f"∂{head_t}/∂{texts[0]} = ∂{head_t}/∂{texts[1]} = step(0) = {values[0]}",
                   rf"\partial {head_l}/\partial {latexes[0]} = \partial {head_l}/\partial {latexes[1]}"
                   rf" = \operatorname{{step}}(0) = {values[0]}")
    return Sym(f"∂{head_t}/∂{texts[0]} = {values[0]}, ∂{head_t}/∂{texts[1]} = {values[1]}",
               rf"\partial {head_l}/\partial {latexes[0]} = {values[0]}, "
               rf"\partial {head_l}/\partial {latexes[1]} = {values[1]}")


WIDE = 75      # visible characters of one line of a formula that fit across an A4 page (render/latex.MAX_LINE)
ENTRY_WIDE = 50    # an entry-by-entry form in a sentence at most this wide (a padded batch's are wider)
BACKWARD_WIDE = 100   # a step of derive's backward pass wider than this (a padded batch's) cannot fit even one link a row


def derivation_document(d, lang: str = "en", precision: int | None = None) -> Document:
    """`derive` on a graph: each ∂L/∂p by the backward pass in the node names (2(y − t)·x_i), a node's
    decimals as its formula writes them (as `solve` shows them), then, where it factors
    (graph_derive_forms.matrix_form), its matrix form 2(y − t)·x·xᵀ with the numbers put in, and its
    value; a note gives each such form entry by entry (∂L/∂A_ij = 2(y − t)·x_i·x_j), another what the
    derivative is taken to be at each kink (kink_notes, as `solve` says it); then each written out in
    the inputs alone, with its matrix form likewise (unless it is long, more than SHOW_TERMS terms or
    SHOW_NODES nodes, or a line of it is wider than WIDE characters: a note says which, and why); then
    the three-way check."""
    from ..graph_derive_forms import SHOW_NODES, SHOW_TERMS, index_letters
    sol = d.solution
    p = sol.problem.precision if precision is None else precision
    math = GraphMath(sol)
    output, params = sol.problem.output, sol.problem.parameters
    letters = index_letters([q.name for q in sol.problem.quantities])

    def step(name: str, form, mf=None) -> Step:
        forms: tuple = (form,)
        if mf is not None:
            row = isinstance(form, sp.MatrixBase) and form.rows == 1
            forms += (("outer", mf, row),)
            free = mf.scale.free_symbols if hasattr(mf.scale, "free_symbols") else set()
            numbers: dict = {sym: sol.env[sym] for sym in free if sym in sol.env}
            for vec, transposed in mf.vectors(row):
                value = sol.values[vec]
                numbers[("T", vec) if transposed else vec] = value.T if transposed else value
        else:
            free = form.free_symbols if hasattr(form, "free_symbols") else set()
            numbers = {sym: sol.env[sym] for sym in free if sym in sol.env}
        return Step(f"grad_{name}", ("grad", name), forms, numbers, sol.gradients.get(name, 0))

    def entries_note(forms: dict, shown: dict) -> tuple[Text, ...]:
        syms = [math.entry_form(n, forms[n], isinstance(shown[n], sp.MatrixBase) and shown[n].rows == 1, letters)
                for n in params if n in forms]
        from .latex import _visible
        syms = [f for f in syms if _visible(f.latex) <= ENTRY_WIDE]     # one that fills a line: its matrix form only
        return (sentence(lang, "graph.derive_entry_forms", forms=_breakable(syms, "; ")),) if syms else ()

    def width(links) -> int:
        """The widest line of a step's links as the LaTeX renderer measures them (render/latex._visible):
        a matrix's by its widest row."""
        from .latex import _visible
        widest = 0
        for _, link in links:
            if r"\begin{bmatrix}" in link:
                inner = link.split(r"\begin{bmatrix}", 1)[1].split(r"\end{bmatrix}", 1)[0]
                widest = max([widest] + [sum(_visible(c) for c in row.split("&")) for row in inner.split(r" \\ ")])
            else:
                widest = max(widest, _visible(link))
        return widest

    shown = {n: d.shown.get(n, d.chained[n]) for n in params}
    steps = {n: step(n, shown[n], d.forms.get(n)) for n in params}
    # a gradient whose form in the node names is wider than a page (a padded batch's, padding.py): its value
    # only, in a note; the worked solution (solve) gives it step by step
    too_wide = {n: w for n in params if (w := width(step_links(math, steps[n], p, latex=True)[1:])) > BACKWARD_WIDE}
    wide_notes = tuple(sentence(lang, "graph.derive_wide_backward", grad=_names_of(output, [n]), count=w,
                                limit=BACKWARD_WIDE,
                                value=_value_sym(sol.gradients[n], p))
                       for n, w in too_wide.items())
    kept = [n for n in params if n not in too_wide]
    backward = Section(sentence(lang, "graph.derive_backward", grads=_names_of(output, params)),
                       tuple(steps[n] for n in kept),
                       notes=entries_note({n: f for n, f in d.forms.items() if n in kept}, shown) + wide_notes
                       + kink_notes(sol, math, lang, p))
    written_steps, wide = {}, {}
    for n in params:
        if d.written_out.get(n) is None:
            continue
        ws = step(n, d.written_shown.get(n, d.written_out[n]), d.written_forms.get(n))
        w = width(step_links(math, ws, p, latex=True)[1:])
        if w > WIDE:
            wide[n] = w
        else:
            written_steps[n] = ws
    short = [n for n in params if n in written_steps]
    notes: tuple[Text, ...] = ()
    for n in params:
        if n in written_steps or n in too_wide:     # too wide in the node names: said above, once
            continue
        length = d.lengths.get(n)
        grad = _names_of(output, [n])
        if n in wide:
            notes += (sentence(lang, "graph.derive_wide", grad=grad, count=wide[n], limit=WIDE),)
        elif length is None or length.terms > SHOW_TERMS:
            notes += (sentence(lang, "graph.derive_long_terms", grad=grad,
                               count=length.terms if length is not None else SHOW_TERMS + 1, limit=SHOW_TERMS),)
        else:
            notes += (sentence(lang, "graph.derive_long_nodes", grad=grad, limit=SHOW_NODES),)
    written = Section(sentence(lang, "graph.derive_inputs", grads=_names_of(output, short or params)),
                      tuple(written_steps[n] for n in short), notes=notes)
    closing = tuple(check_texts(d.check, lang, sol))
    title = msg(lang, "graph.derive_title", title=sol.problem.title)
    return Document(title, (Part(None, (backward, written), math, p, closing=closing),), lang, "graph_rules",
                    "gradients of a computation graph")


def derivation_json(d) -> str:
    doc = derivation_document(d)
    part = doc.parts[0]
    out = {}
    # a matrix's entries by the names the text prints (A_11, not the internal A_1_1)
    printed = part.math.names[False]
    renamed = {q.symbol[r, c]: sp.Symbol(printed[q.symbol[r, c]], real=True)
               for q in d.solution.problem.quantities if q.shape and min(q.shape) > 1
               for r in range(q.shape[0]) for c in range(q.shape[1])
               if printed[q.symbol[r, c]] != q.symbol[r, c].name}
    for step in part.sections[0].steps:
        name = step.symbol[1]
        out[step.id] = {"text": joined(step_links(part.math, step, part.precision)),
                        "latex": joined(step_links(part.math, step, part.precision, latex=True)),
                        "srepr": sp.srepr(d.chained[name].xreplace(renamed)), "value": _plain(step.value),
                        "exact": _exact(step.value)}
        if name in d.forms:                         # its matrix form entry by entry: ∂L/∂A_ij = 2·(y - t)·x_i·x_j
            from ..graph_derive_forms import index_letters
            shown_form = step.forms[0]
            entry = part.math.entry_form(name, d.forms[name], shown_form.rows == 1,
                                         index_letters([q.name for q in d.solution.problem.quantities]))
            out[step.id].update({"entry_text": entry.plain, "entry_latex": entry.latex})
    for step in part.sections[1].steps:             # written out in the inputs, where short
        name = step.symbol[1]
        out[step.id].update({"inputs_text": joined(step_links(part.math, step, part.precision)),
                             "inputs_latex": joined(step_links(part.math, step, part.precision, latex=True)),
                             "inputs_srepr": sp.srepr(d.written_out[name].xreplace(renamed))})
    data = {"source": d.solution.problem.source, "model": "graph", "output": d.solution.problem.output,
            "gradients": out,
            "check": {"ok": d.check.ok, "max_relative_difference_direct": d.check.max_direct,
                      "max_relative_difference_finite_differences": d.check.max_fd, "gradients": d.check.rows}}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
