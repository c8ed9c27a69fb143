"""The gradient check: a second opinion on the chain-rule gradients, by direct differentiation
and by finite differences. (Checking students' answers is answers/checker.py, a different job.)

Independent of the model by design: nothing here imports model.py, derive.py or the backward
walk, so a mistake there cannot hide itself here. The loss is built again straight from the
problem (`Part`), not from the model's rules (`loss_graph`): the weights stay symbols, the
numbers are substituted, and every unit's net and output of every sample is a named node, so J(w)
is a graph of a few nodes per weight and unit instead of a tree that grows as width^depth.

- direct: one reverse-mode sweep of our own over that graph (`LossGraph`). Each node's local
  derivative is `sympy.diff` of the node's own function (exp, tanh, relu, Abs, Pow, …) in fresh
  symbols, evaluated at its arguments; the chain rule runs over the graph, not over the model.
  So the result is `sympy.diff(J, w)` at the given weights, for every w in one pass: rationals
  stay exact (a ReLU at net = 0 takes the branch its convention says), the rest is evaluated at
  40 digits, and it is compared with the chain rule at 30 digits.
- finite differences: the same graph evaluated in float64 with NumPy, central differences, all
  2n perturbed points a column each.

At a kink of an activation (ReLU at net = 0) or of the L1 loss (u = t) finite differences see the
mean of the one-sided slopes, not the convention g'(0): the weights upstream of a kink are listed
as not comparable instead of being counted as disagreements.
"""
from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import sympy as sp

from . import losses
from .activations import softmax_value
from .budget import check_budget
from .errors import InternalError
from .messages import joined, said
from .problem import UNNAMED_FORMULA, Part
from .quantity import Key

if TYPE_CHECKING:                 # only a type: importing solution.py would load the model
    from .solution import PartSolution

DIRECT_TOL = 1e-12     # relative to max(1, |gradient|)
FD_TOL = 1e-6
FD_STEP = 1e-6
DIGITS = 40            # working precision of the direct values that are not rational
_FD_CELLS = 2_000_000  # float64 cells (nodes × perturbed points) evaluated at a time


@dataclass(frozen=True)
class GradientCheck:
    id: str                       # grad_w_<from>_<to>
    chain: float
    direct: float
    finite_difference: float | None
    kink: str | None = None       # why finite differences are not comparable here


@dataclass(frozen=True)
class CheckReport:
    part: str
    gradients: tuple[GradientCheck, ...]
    max_direct: float             # largest |chain − direct| / max(1, |chain|)
    max_fd: float                 # largest |chain − fd| / max(1, |chain|) over comparable weights
    step: float = FD_STEP

    @property
    def ok(self) -> bool:
        return self.max_direct <= DIRECT_TOL and self.max_fd <= FD_TOL

    @property
    def kinks(self) -> tuple[GradientCheck, ...]:
        return tuple(g for g in self.gradients if g.kink)


def substituted_loss(part: Part, wsyms: dict) -> tuple[sp.Expr, list[tuple[int, str, sp.Expr]]]:
    """J as one expanded expression in the weight symbols (every layer substituted into the next),
    and every unit's net as (layer, unit, expr): what `sympy.diff` of the whole loss would take.
    The check itself sweeps `loss_graph`, the same J with each unit's net and output named once."""
    J, bindings, nets = loss_graph(part, wsyms)
    expanded: dict = {}
    for sym, expr in bindings.items():                 # in order: each uses only earlier ones
        expanded[sym] = expr.xreplace(expanded)
    return J.xreplace(expanded), [(li, j, expanded[net]) for li, j, net in nets]


def loss_graph(part: Part, wsyms: dict, xsyms: dict | None = None,
               outputs: dict | None = None) -> tuple[sp.Expr, dict, list[tuple[int, str, sp.Symbol]]]:
    """J built straight from the problem, one sample after the other: (J, bindings, nets).

    Every unit's net and output of every sample is a fresh symbol bound, in `bindings` (in order),
    to its expression in the weight symbols, the inputs and the symbols of the layer before; J is
    written in the outputs' symbols. Substituted into each other they are the whole J(w); kept
    named, J is a graph with a few nodes per weight and unit, and SymPy never sees a nested
    expression (its automatic simplification of those, e.g. of nested Piecewise conditions,
    costs more with every layer). `nets` is (layer, unit, net symbol) for every unit and sample.
    `xsyms` ({(sample, input unit): symbol}) makes those inputs variables too, for ∂J/∂x_i. The
    bias unit outputs the part's `bias_input` (1, or −1 for net = Σ w·x − θ). `outputs`, a dict, is
    filled with {output symbol: output unit}: the symbols J itself is written in."""
    loss = losses.of(part)
    total, bindings, nets_out = [], {}, []
    # dropout (dropout.py) on a hidden layer (1-based): the next layer reads m_j·s·u_j, the mask fixed
    dropped = {d.layer: d for d in getattr(part, "dropout", ())}
    for n, sample in enumerate(part.samples):
        out = {i: (xsyms or {}).get((n, i), v) for i, v in sample.x}
        if part.bias is not None:
            out[part.bias] = part.bias_input
        for li, layer in enumerate(part.layers):
            act = part.activations[li]
            nets = []
            for j in layer:
                net = sp.Dummy(f"net_{j}_{n}", real=True)
                bindings[net] = sp.Add(*[wsyms[(i, j)] * out[i] for i in part.feeders(j)])
                nets.append(net)
                nets_out.append((li, j, net))
            for k, j in enumerate(layer):
                u = sp.Dummy(f"u_{j}_{n}", real=True)
                bindings[u] = act.value(nets[k]) if act.elementwise else softmax_value(nets, k)
                out[j] = u
            drop = dropped.get(li + 1)
            for k, j in enumerate(layer if drop is not None else ()):
                out[j] = drop.masks[n][k] * drop.scale * out[j]
        t = dict(sample.t)
        targets = [t[k] for k in part.outputs] if loss.takes_targets else []
        total.append(loss.per_sample([out[k] for k in part.outputs], targets))
        if outputs is not None:
            outputs.update({out[k]: k for k in part.outputs})
    J = part.batch_scale * sp.Add(*total)
    return J, bindings, nets_out


# -- the graph of J and its two evaluations -------------------------------------------------------
def _children(node: sp.Basic, bindings: dict) -> tuple:
    """The operands of a node; a Piecewise's are its branches and their conditions; a bound
    symbol's, its expression."""
    if node in bindings:
        return (bindings[node],)
    if isinstance(node, sp.Piecewise):
        return tuple(x for pair in node.args for x in pair.args)
    return () if node.is_Atom else node.args


def _topological(roots, bindings: dict | None = None) -> list[sp.Basic]:
    """Every node reachable from `roots`, each once, operands before their node (iterative: the
    graph can be deeper than Python's recursion limit)."""
    order, seen, bindings = [], set(), bindings or {}
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(_children(root, bindings)))]
        while stack:
            node, it = stack[-1]
            for child in it:
                if child not in seen:
                    seen.add(child)
                    stack.append((child, iter(_children(child, bindings))))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


def _number(v: sp.Basic) -> sp.Basic:
    """Rationals and truth values stay exact; any other number becomes a 40-digit float."""
    if not isinstance(v, sp.Expr) or v.is_Rational or v.is_Float:
        return v
    out = v.evalf(DIGITS)
    if not out.is_number:
        raise InternalError(f"gradient check: could not evaluate {v} to a number")
    return out


class _LocalDerivatives:
    """∂f/∂(operand i) of a node's own function, by `sympy.diff` in fresh real symbols, kept per
    (function, operand count, i) on this object: built once, evaluated at every node of its kind."""

    def __init__(self) -> None:
        self._table: dict = {}

    def __call__(self, node: sp.Basic, i: int) -> tuple[tuple, sp.Expr]:
        key = (node.func, len(node.args), i)
        if key not in self._table:
            xs = tuple(sp.Dummy(f"x{k}", real=True) for k in range(len(node.args)))
            d = sp.diff(node.func(*xs), xs[i])
            if d.has(sp.Derivative, sp.Subs):
                raise InternalError(f"gradient check: no derivative known for {node.func.__name__}")
            self._table[key] = (xs, d)
        return self._table[key]


_COMPARE = {sp.StrictGreaterThan: operator.gt, sp.StrictLessThan: operator.lt, sp.GreaterThan: operator.ge,
            sp.LessThan: operator.le, sp.Equality: operator.eq, sp.Unequality: operator.ne}


class LossGraph:
    """J(w) as a graph of SymPy nodes in topological order, with an exact forward pass, one
    reverse sweep for every ∂J/∂w, and a float64 forward pass for finite differences."""

    def __init__(self, J: sp.Expr, wsyms: list, bindings: dict | None = None) -> None:
        self.J = J
        self.wsyms = list(wsyms)
        self.bindings = dict(bindings or {})      # symbol -> its expression (a named node)
        self.order = _topological([J], self.bindings)
        self._local = _LocalDerivatives()
        self._numpy_fns: dict = {}
        self.values: dict = {}            # node -> exact or 40-digit value (after `evaluate`)
        self._branch: dict = {}           # Piecewise node -> the branch its conditions chose

    # exact -----------------------------------------------------------------------------------
    def evaluate(self, wvals: dict, extra=()) -> None:
        """Exact (or 40-digit) value of every node at the weights `wvals`, and of the nodes of
        the `extra` expressions (e.g. each unit's net), sharing the values already found."""
        self.values = values = {}
        self._branch = {}
        for node in self.order:
            self._value(node, wvals)
        for node in _topological(extra, self.bindings):
            if node not in values:
                self._value(node, wvals)

    def value(self, expr: sp.Expr) -> sp.Basic:
        """The value of an expression made of the graph's nodes (evaluating any new ones)."""
        for node in _topological([expr], self.bindings):
            if node not in self.values:
                self._value(node, None)
        return self.values[expr]

    def _value(self, node: sp.Basic, wvals) -> None:
        values = self.values
        if node in self.bindings:
            v = values[self.bindings[node]]
        elif node.is_Symbol:
            if wvals is None or node not in wvals:
                raise InternalError(f"gradient check: no value for {node}")
            v = _number(wvals[node])
        elif node.is_Atom:
            v = _number(node)
        elif isinstance(node, sp.Piecewise):
            for expr, cond in node.args:
                c = values[cond]
                if c not in (sp.true, sp.false):
                    raise InternalError(f"gradient check: undecided condition {cond} = {c}")
                if c == sp.true:
                    self._branch[node] = expr
                    v = values[expr]
                    break
            else:
                v = sp.nan
        else:
            v = _number(node.func(*[values[a] for a in node.args]))
        values[node] = v

    def gradient(self) -> dict:
        """∂J/∂w for every weight symbol, by one reverse sweep over the graph (after `evaluate`)."""
        weights = set(self.wsyms)
        active = set()                    # nodes that depend on some weight
        for node in self.order:
            if node in weights or (isinstance(node, sp.Expr)
                                   and any(c in active for c in _children(node, self.bindings))):
                active.add(node)
        adjoint = {self.J: sp.Integer(1)}
        for node in reversed(self.order):
            if node in weights or node not in active:
                continue
            a = adjoint.pop(node, None)
            if a is None or a == 0:
                continue
            for child, local in self._locals(node, active):
                adjoint[child] = _number(adjoint.get(child, sp.Integer(0)) + a * local)
        return {w: adjoint.get(w, sp.Integer(0)) for w in self.wsyms}

    def _locals(self, node: sp.Basic, active: set):
        """(operand, ∂node/∂operand at the current values) for the operands that depend on a weight."""
        values = self.values
        if node in self.bindings:
            yield self.bindings[node], sp.Integer(1)
            return
        if isinstance(node, sp.Piecewise):
            chosen = self._branch.get(node)
            if chosen is not None and chosen in active:
                yield chosen, sp.Integer(1)
            return
        args = node.args
        if node.is_Add:
            for arg in args:
                if arg in active:
                    yield arg, sp.Integer(1)
        elif node.is_Mul:
            vals = [values[a] for a in args]
            for i, arg in enumerate(args):
                if arg in active:
                    yield arg, _number(sp.Mul(*(vals[:i] + vals[i + 1:])))
        elif node.is_Pow:
            b, e = args
            bv, ev = values[b], values[e]
            if b in active:
                yield b, _number(ev * bv ** (ev - 1))
            if e in active:
                yield e, _number(values[node] * sp.log(bv))
        else:
            vals = [values[a] for a in args]
            for i, arg in enumerate(args):
                if arg in active:
                    xs, d = self._local(node, i)
                    yield arg, _number(d.xreplace(dict(zip(xs, vals))))

    # float64 --------------------------------------------------------------------------------
    def float_values(self, columns):
        """J in float64 at each column of `columns` (one row per weight symbol, in order)."""
        import numpy as np

        weights = {w: k for k, w in enumerate(self.wsyms)}
        vals: dict = {}
        for node in self.order:
            if node in self.bindings:
                v = vals[self.bindings[node]]
            elif node in weights:
                v = columns[weights[node]]
            elif node.is_Atom:
                v = bool(node) if isinstance(node, sp.logic.boolalg.BooleanAtom) else float(node)
            elif isinstance(node, sp.Piecewise):
                v = np.nan
                for expr, cond in reversed(node.args):
                    v = np.where(vals[cond], vals[expr], v)
            else:
                ops = [vals[a] for a in node.args]
                if node.is_Add:
                    v = sum(ops[1:], ops[0])
                elif node.is_Mul:
                    v = ops[0]
                    for o in ops[1:]:
                        v = v * o
                elif node.is_Pow:
                    v = np.power(ops[0], ops[1])
                elif node.func in _COMPARE:
                    v = _COMPARE[node.func](ops[0], ops[1])
                elif isinstance(node, sp.And):
                    v = np.logical_and.reduce(np.broadcast_arrays(*ops))
                elif isinstance(node, sp.Or):
                    v = np.logical_or.reduce(np.broadcast_arrays(*ops))
                elif isinstance(node, sp.Not):
                    v = np.logical_not(ops[0])
                else:
                    v = self._numpy_fn(node)(*ops)
            vals[node] = v
        return vals[self.J]

    def _numpy_fn(self, node: sp.Basic):
        """The node's own function in NumPy (lambdify of it in fresh symbols, kept per kind). A SymPy
        function that NumPy lacks (erf, erfc, ...) is evaluated element by element with math or mpmath,
        so that an activation or loss built from any SymPy function needs no entry here."""
        import numpy as np

        key = (node.func, len(node.args))
        if key not in self._numpy_fns:
            xs = sp.symbols(f"x0:{len(node.args)}", real=True)
            expr = node.func(*xs)
            fn = sp.lambdify(xs, expr, modules=[{"relu": lambda x, g0: np.maximum(x, 0.0)}, "numpy"])
            try:                                   # NumPy's own function takes and gives float arrays
                with np.errstate(all="ignore"):
                    np.asarray(fn(*[np.array([0.5, 0.25])] * len(xs)), dtype=np.float64)
            except (TypeError, NameError, AttributeError, ValueError):
                fn = np.vectorize(_scalar_fn(xs, expr), otypes=[np.float64])
            self._numpy_fns[key] = fn
        return self._numpy_fns[key]

    def finite_differences(self, point: list[float], step: float) -> list[float | None]:
        """Central differences of J at `point` (one value per weight symbol)."""
        import numpy as np

        n = len(point)
        base = np.array(point, dtype=np.float64)
        h = step * np.maximum(1.0, np.abs(base))
        chunk = max(2, _FD_CELLS // max(1, len(self.order)))
        fd = np.empty(n)
        with np.errstate(all="ignore"):
            for start in range(0, n, chunk):
                idx = np.arange(start, min(n, start + chunk))
                m = len(idx)
                grid = np.tile(base[:, None], (1, 2 * m))     # column c: the point, one weight moved
                grid[idx, np.arange(m)] += h[idx]
                grid[idx, m + np.arange(m)] -= h[idx]
                values = np.broadcast_to(np.asarray(self.float_values(grid), dtype=np.float64), (2 * m,))
                fd[idx] = (values[:m] - values[m:]) / (2 * h[idx])
        return [float(v) if np.isfinite(v) else None for v in fd]


def _scalar_fn(xs: tuple, expr: sp.Expr) -> Callable[..., float]:
    """expr as a float function of plain floats, by math or else mpmath; NaN where it is undefined
    (as NumPy gives), so that finite differences there are left out rather than raising."""
    compiled = sp.lambdify(xs, expr, modules=[{"relu": lambda x, g0: max(x, 0.0)}, "math", "mpmath"])

    def one(*args: float) -> float:
        try:
            return float(compiled(*args))
        except (ArithmeticError, ValueError, TypeError):
            return math.nan
    return one


# -- the check ------------------------------------------------------------------------------------
def check_part(psol: PartSolution, step: float = FD_STEP, source: str = "<problem>") -> CheckReport:
    """Compare every ∂J/∂w of the solution with direct differentiation and with finite
    differences. A part over `solve --check`'s budget (budget.py) is refused before it starts."""
    part = psol.part
    check_budget(source, [part], "check")
    keys = [(w.source, w.target) for w in part.weights]
    wsyms = {k: sp.Symbol(f"w_{k[0]}_{k[1]}", real=True) for k in keys}
    wvals = {wsyms[(w.source, w.target)]: w.value for w in part.weights}
    # with input_gradients, every input of every sample is a variable of J as well
    xkeys = [(n, i) for n in range(len(part.samples)) for i in part.inputs] if part.input_gradients else []
    xsyms = {k: sp.Symbol(f"x_{k[1]}_{k[0]}", real=True) for k in xkeys}
    xvals = {xsyms[(n, i)]: v for n, s in enumerate(part.samples) for i, v in s.x if (n, i) in xsyms}
    outputs: dict = {}
    J, bindings, nets = loss_graph(part, wsyms, xsyms, outputs)
    variables = [wsyms[k] for k in keys] + [xsyms[k] for k in xkeys]
    graph = LossGraph(J, variables, bindings)
    graph.evaluate({**wvals, **xvals}, [net for _, _, net in nets])
    kinks = _kinks(part, graph, nets, outputs)
    grads = graph.gradient()
    direct = [grads[v] for v in variables]
    point = [float(w.value) for w in part.weights] + [float(xvals[xsyms[k]]) for k in xkeys]
    fds = graph.finite_differences(point, step)
    closest = _Refined(graph, point, step, fds)

    rows, max_direct, max_fd = [], 0.0, 0.0
    layer_of_target = {j: li for li, layer in enumerate(part.layers) for j in layer}
    for idx, key in enumerate(keys):
        gkey = Key("grad_w", key[1], source=key[0])
        gid = str(gkey)                           # the report's row id, as the JSON output writes it
        chain_value = psol.step(gkey).value
        direct_value = direct[idx]
        scale = max(1.0, abs(float(chain_value.evalf(20))))
        max_direct = max(max_direct, abs(float((direct_value - chain_value).evalf(30))) / scale)
        fd = closest(idx, float(chain_value.evalf(20)), scale)
        kink = _kink_affecting(kinks, layer_of_target[key[1]], key[1])
        if kink is None:
            max_fd = max(max_fd, abs(fd - float(chain_value.evalf(20))) / scale)
        rows.append(GradientCheck(gid, float(chain_value.evalf(20)), float(direct_value.evalf(20)), fd, kink))
    batched = len(part.samples) > 1
    for idx, (n, i) in enumerate(xkeys, start=len(keys)):
        gkey = Key("grad_x", i, sample=n if batched else None)
        chain_value = psol.step(gkey).value
        direct_value = direct[idx]
        scale = max(1.0, abs(float(chain_value.evalf(20))))
        max_direct = max(max_direct, abs(float((direct_value - chain_value).evalf(30))) / scale)
        fd = closest(idx, float(chain_value.evalf(20)), scale)
        kink = _kink_affecting(kinks, -1, i)          # an input moves every net after it
        if kink is None:
            max_fd = max(max_fd, abs(fd - float(chain_value.evalf(20))) / scale)
        rows.append(GradientCheck(str(gkey), float(chain_value.evalf(20)), float(direct_value.evalf(20)), fd, kink))
    for row in _tied_rows(psol, wsyms, wvals, step):
        scale = max(1.0, abs(row.chain))
        max_direct = max(max_direct, abs(row.direct - row.chain) / scale)
        if row.kink is None and row.finite_difference is not None:
            max_fd = max(max_fd, abs(row.finite_difference - row.chain) / scale)
        rows.append(row)
    return CheckReport(psol.name, tuple(rows), max_direct, max_fd, step)


class _Refined:
    """The central difference of variable `idx`, or a finer step's where the step's does not agree and the
    finer ones converge to the chain rule's value `want` (a net exactly where g'' jumps, softsign at 0:
    the central difference's error is then of order h, not h², and shrinks tenfold with h); a wrong
    gradient does not converge. The differences at step/10 and step/100 are made only when one is needed."""

    def __init__(self, graph: LossGraph, point: list[float], step: float, fds: list[float | None]) -> None:
        self.graph, self.point, self.step, self.fds = graph, point, step, fds
        self.finer: list[list[float | None]] = []

    def __call__(self, idx: int, want: float, scale: float) -> float | None:
        fd = self.fds[idx]
        if fd is None or abs(fd - want) / scale <= FD_TOL:
            return fd
        if not self.finer:
            self.finer.extend(self.graph.finite_differences(self.point, self.step / k) for k in (10, 100))
        errors = [abs(fd - want)] + [abs(f[idx] - want) if f[idx] is not None else float("inf")
                                     for f in self.finer]
        if errors[1] < errors[0] / 3 and errors[2] < errors[1] / 3:
            return self.finer[1][idx]
        return fd


def _tied_rows(psol: PartSolution, wsyms: dict, wvals: dict, step: float) -> list[GradientCheck]:
    """∂J/∂p of each shared parameter p, differentiated directly: J is built again with one symbol
    for all of p's edges (not as the sum of the edges' gradients, which is how the solution finds it)."""
    part = psol.part
    if not part.shared:
        return []
    tied = {name: sp.Symbol(f"shared_{name}", real=True) for name, _ in part.shared}
    symbols = dict(wsyms)
    for name, edges in part.shared:
        for edge in edges:
            symbols[edge] = tied[name]
    free = list(dict.fromkeys(symbols.values()))
    values = {sym: wvals[wsyms[edge]] for edge, sym in symbols.items()}
    outputs: dict = {}
    J, bindings, nets = loss_graph(part, symbols, outputs=outputs)
    graph = LossGraph(J, free, bindings)
    graph.evaluate(values, [net for _, _, net in nets])
    kinks = _kinks(part, graph, nets, outputs)
    grads = graph.gradient()
    point = [float(values[s]) for s in free]
    closest = _Refined(graph, point, step, graph.finite_differences(point, step))
    layer_of_target = {j: li for li, layer in enumerate(part.layers) for j in layer}
    rows = []
    for name, edges in part.shared:
        key = Key("grad_shared", name)
        chain = float(psol.step(key).value.evalf(20))
        kink = next((k for k in (_kink_affecting(kinks, layer_of_target[j], j) for _, j in edges) if k), None)
        fd = closest(free.index(tied[name]), chain, max(1.0, abs(chain)))
        rows.append(GradientCheck(str(key), chain, float(grads[tied[name]].evalf(20)), fd, kink))
    return rows


def direct_gradients(J: sp.Expr, wsyms: list, wvals: dict) -> list[sp.Expr]:
    """∂J/∂w for every weight in `wsyms`, at the weights `wvals`: the value of `sympy.diff(J, w)`,
    by one reverse sweep over J's graph. Rational values stay exact; others are 40-digit floats."""
    graph = LossGraph(J, wsyms)
    graph.evaluate(wvals)
    grads = graph.gradient()
    return [grads[w] for w in wsyms]


def finite_differences(J: sp.Expr, wsyms: list, point: list[float], step: float) -> list[float | None]:
    """Central differences of J at `point`, J evaluated in float64 over its graph."""
    return LossGraph(J, wsyms).finite_differences(point, step)


def _named(name: str, formula, field: str) -> dict:
    """A kink message's field naming an activation or loss (`field`): its name, or for a formula
    written without a name its text (`abs(x)`, not "formula"), with `formula` set so that the
    renderers typeset it (render/build.py)."""
    text = getattr(formula, "text", formula)
    if name == UNNAMED_FORMULA and text:
        return {field: text, "formula": text}
    return {field: name}


def _kinks(part: Part, graph: LossGraph, nets, outputs: dict | None = None) -> list[tuple[int, str, str]]:
    """Units at (or within a finite-difference step of) a kink: (layer, unit, why). In a batch the
    net is named with its sample as the solution writes it (net_4^(3)); `nets` is sample after
    sample, every unit of each (loss_graph). An activation's kink is its unit's; the loss's own kinks
    (l1: |t − u| at u = t) are looked for in the loss alone, not in the activations' formulas (an
    |x| there is the activation's), each at the output units its argument holds (`outputs`, from
    loss_graph: {output symbol: unit})."""
    found = []
    per_sample = sum(len(layer) for layer in part.layers)
    batch = len(part.samples) > 1
    for at, (li, j, net) in enumerate(nets):
        kinks = part.activations[li].kinks()
        if not kinks:
            continue
        value = float(graph.value(net))
        if any(math.isclose(value, float(k), abs_tol=1e-4) for k in kinks):
            name = f"net_{j}^({at // per_sample + 1})" if batch else f"net_{j}"
            found.append((li, j, said("gradcheck.kink_at", net=name, value=f"{value:g}",
                                      **_named(part.activations[li].name, part.activations[li].formula, "activation"))))
    loss = losses.of(part)
    if loss.kinks:
        out_layer = len(part.layers) - 1
        outputs = outputs or {}
        why = said("gradcheck.kink_loss", note=loss.kink_note, **_named(loss.name, loss.written or None, "loss"))
        units: list[str] = []
        for a in _topological([graph.J]):          # without the bindings: J's own nodes, in the outputs' symbols
            if isinstance(a, loss.kinks) and _at_kink(a, graph):
                held = {outputs[s] for s in a.free_symbols if s in outputs}
                units += [k for k in part.outputs if k in held or not held]
        found += [(out_layer, k, why) for k in dict.fromkeys(units)]
    return found


def _at_kink(node: sp.Basic, graph: LossGraph) -> bool:
    """Whether a loss's |a| has a within 1e-4 of 0, or its max/min two arguments within 1e-4 of each other."""
    vals = [float(graph.value(a)) for a in node.args]
    if isinstance(node, sp.Abs):
        return abs(vals[0]) < 1e-4
    return any(abs(x - y) < 1e-4 for n, x in enumerate(vals) for y in vals[n + 1:])


def _kink_affecting(kinks, layer: int, unit: str) -> str | None:
    """Why finite differences for a weight into `unit` cross a kink: the kink is at that unit or
    in a later layer (perturbing the weight moves every net downstream)."""
    reasons = [why for li, j, why in kinks if j == unit or li > layer]
    return joined(list(dict.fromkeys(reasons))) or None
