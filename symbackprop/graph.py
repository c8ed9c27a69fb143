"""Computation graphs written as formulas (`model: graph`): read, evaluate and differentiate.

A graph file names its inputs (scalars, vectors, matrices with their values) and its nodes, each a
formula of earlier names (formula.py reads it, never eval). The output node L is differentiated:
the forward values node by node, then the backward pass in reverse order, each step
∂L/∂q = Σ over the consumers f of q of ∂L/∂f · ∂f/∂q, the local gradients ∂f/∂q by `sympy.diff`
of f's formula entry by entry (so ∂L/∂M has M's shape), and finally ∂L/∂p for every parameter.

A matrix named A has entry symbols A_12 (row 1, column 2, counted from 1); a vector x (a column,
written as a list) has x_1, x_2, …. Everything is exact while short, else 30-digit floats.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sympy as sp

from .errors import ProblemError
from .evaluate import size as _size
from .fields import FieldReader
from .messages import said
from .formula import FUNCTIONS, Formula, FormulaError, Value, decimal_values
from .magnitude import MAX_EXACT_DIGITS, MAX_MAGNITUDE_EXPONENT, TooLarge, exact_digits, numeric as bounded
from .usertext import DESCRIPTION_MAX, TITLE_MAX, sanitized
from .shows import Shows
from .yamlfile import Path_, YamlDocument, load_yaml, parse_yaml, shown

KEYS = ("title", "description", "model", "inputs", "parameters", "nodes", "output", "precision", "optimizer", "steps",
        "update")
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,15}$")
RESERVED = set(FUNCTIONS) | {"grad", "loss", "model"}
# names that read as a constant wherever the steps show them (exp(e) would be typeset e^e): name -> the
# catalogue key of what it means
CONSTANTS = {"e": "e", "E": "e", "pi": "pi", "I": "I", "oo": "inf", "inf": "inf", "nan": "nan"}
MAX_INPUTS = 50
_SUBSCRIPTED = re.compile(r"([A-Za-z][A-Za-z0-9]*)_\{?([A-Za-z0-9]+)\}?")


def subscript_free(key: Any) -> str | None:
    """The name a book's subscripted name is written as here (`x_1`, `w_{12}` → x1, w12), if that is a
    name a file may use; else None."""
    m = _SUBSCRIPTED.fullmatch(key) if isinstance(key, str) else None
    name = m.group(1) + m.group(2) if m else None
    return name if name and NAME_RE.match(name) and name not in RESERVED and name not in CONSTANTS else None

MAX_NODES = 100
MAX_SIDE = 8              # rows and columns of a matrix
MAX_WORK = 300_000        # Σ over the edges f ← q of entries(f) × entries(q) × size of f's formula
MAX_EXACT = 80            # nodes of an exact value kept exact; longer ones become 30-digit floats
DIGITS = 30


# -- the problem -----------------------------------------------------------------------------------

GRAPH_PART = "main"                  # a computation graph's one part, as its reports name it


def check_graph_parts(parts, source: str) -> None:
    """A computation graph has one part, `main` (its reports say "Part main"): naming it selects
    everything; any other name is refused as a network's unknown part is, with the did-you-mean hint."""
    from .suggest import with_hint
    for name in parts:
        if name != GRAPH_PART:
            raise ProblemError(with_hint(said("problem.no_part", name=repr(name), parts=GRAPH_PART), name,
                                         [GRAPH_PART]), source=source, field="--part")

@dataclass(frozen=True)
class Quantity:
    """An input (given value) or a node (formula of earlier names). `symbol` stands for it in the
    formulas of its consumers: a Symbol, or a matrix of entry symbols."""

    name: str
    kind: str                          # input or node
    shape: tuple                       # () or (rows, cols)
    symbol: Any
    formula: Formula | None = None
    rule: Any = None                   # the formula's value in its operands' symbols
    given: Any = None                  # an input's value
    path: Path_ = ()
    line: int | None = None            # the line of its entry in the file, for errors found later

    @property
    def operands(self) -> set[str]:
        return self.formula.names if self.formula is not None else set()

    @property
    def entries(self) -> int:
        return 1 if self.shape == () else self.shape[0] * self.shape[1]


@dataclass(frozen=True)
class GraphProblem:
    title: str
    source: str
    quantities: tuple[Quantity, ...]   # inputs then nodes, in the file's order
    parameters: tuple[str, ...]
    output: str
    precision: int = 4
    description: str = ""
    training: Any = None               # problem.Training: `optimizer:`, `steps:` (issue 13), else None
    padding: Any = field(default=None, repr=False, compare=False)   # padding.PaddedBatch (model: masked_mean)

    def get(self, name: str) -> Quantity:
        return next(q for q in self.quantities if q.name == name)

    @property
    def inputs(self) -> tuple[Quantity, ...]:
        return tuple(q for q in self.quantities if q.kind == "input")

    @property
    def nodes(self) -> tuple[Quantity, ...]:
        return tuple(q for q in self.quantities if q.kind == "node")


def entry_symbol(name: str, shape: tuple, r: int, c: int) -> sp.Symbol:
    """The symbol of entry (r, c) (from 0) of matrix `name`: A_12, or x_2 for a vector."""
    return sp.Symbol(f"{name}_{entry_suffix(shape, r, c)}", real=True)


def entry_suffix(shape: tuple, r: int, c: int) -> str:
    rows, cols = shape
    if cols == 1:
        return str(r + 1)
    if rows == 1:
        return str(c + 1)
    return f"{r + 1}_{c + 1}"


def symbol_of(name: str, shape: tuple):
    if shape == ():
        return sp.Symbol(name, real=True)
    return sp.ImmutableMatrix(shape[0], shape[1], lambda r, c: entry_symbol(name, shape, r, c))


# the `model:` values read as a computation graph: a graph of formulas, the lecture's matrix example, a padded batch
GRAPH_MODELS = ("graph", "quadratic", "masked_mean")


def is_graph(doc: YamlDocument) -> bool:
    return isinstance(doc.data, dict) and doc.data.get("model") in GRAPH_MODELS


def load_graph(path: str | Path) -> GraphProblem:
    """Read and validate a `model: graph` file (or a `model: quadratic` or `model: masked_mean` one, read as
    its graph)."""
    return read_graph(load_yaml(path))


def parse_graph(text: str, source: str = "<string>") -> GraphProblem:
    return read_graph(parse_yaml(text, source))


_RUN_KEYS = ("optimizer", "steps", "update")
# the fields of `optimizer:`, `steps:` and `update:` are read as a network's (problem._Validator's readers)
_BORROWED = ("training", "optimizer_field", "setting", "optimizer_form", "optimizer_name", "steps", "update")


def read_graph(doc: YamlDocument) -> GraphProblem:
    if isinstance(doc.data, dict) and doc.data.get("model") == "masked_mean":     # padding.py: read as its graph
        from .padding import masked_graph, read_padding
        return masked_graph(read_padding(doc))
    if isinstance(doc.data, dict) and doc.data.get("model") == "quadratic":
        from dataclasses import replace
        from .quadratic import read_quadratic
        graph = quadratic_graph(read_quadratic(doc))
        if any(k in doc.data for k in _RUN_KEYS):       # trained as the graph it stands for (issue 13)
            graph = replace(graph, training=_Reader(doc).run_fields(doc.data))
        return graph
    from .problem_errors import GraphCollector
    return GraphCollector(doc).problem()


class _Reader(FieldReader):
    """The fields of a graph file, each mistake one FILE:LINE error."""

    def guarded(self, read, stand_in=None) -> tuple[Any, bool]:
        """(read(), True); a collecting reader (problem_errors.GraphCollector) records the mistake
        instead and gives (stand_in, False), so that one entry's mistake does not hide the next's."""
        return read(), True

    def problem(self) -> GraphProblem:
        """Every entry (input, node, parameter) and field is checked on its own; an entry that uses a
        name whose entry had a mistake (`broken`) is skipped, since its check depends on that entry."""
        data = self.doc.data
        self.mapping(data, (), "a graph problem")
        self.check_keys(data, KEYS, (), "a graph problem (model: graph)")
        source = self.doc.source
        title, _ = self.guarded(lambda: self.text(data, ("title",), TITLE_MAX) if "title" in data
                                else sanitized(Path(source).stem), "")
        description, _ = self.guarded(lambda: self.text(data, ("description",), DESCRIPTION_MAX)
                                      if "description" in data else "", "")
        for key in ("inputs", "nodes"):
            if key not in data:
                self.fail((key,), said(f"graph_file.missing_{key}"))
        quantities: dict[str, Quantity] = {}
        broken: set[str] = set()           # names whose entry had a mistake
        unread: set[str] = set()           # those of them that are names (listed among the names allowed)
        raw = self.mapping(data["inputs"], ("inputs",), "the inputs: {name: number, list or matrix}")
        if not raw:
            self.fail(("inputs",), said("graph_file.no_inputs"))
        if len(raw) > MAX_INPUTS:
            self.fail(("inputs",), said("graph_file.too_many_inputs", count=len(raw), most=MAX_INPUTS))
        names_lost = False                  # an entry whose name could not be read: any name may be it
        for key, value in raw.items():
            name, name_ok = self.guarded(lambda: self.name(key, ("inputs", key), quantities))
            q, ok = self.guarded(lambda: self.input(name, key, value)) if name_ok else (None, False)
            if ok:
                quantities[q.name] = q
            else:
                broken.add(str(key))
                names_lost = names_lost or not name_ok
                if name_ok:
                    unread.add(name)
        nodes = self.mapping(data["nodes"], ("nodes",), "the nodes: {name: formula}")
        if not nodes:
            self.fail(("nodes",), said("graph_file.no_nodes"))
        if len(nodes) > MAX_NODES:
            self.fail(("nodes",), said("graph_file.too_many_nodes", count=len(nodes), most=MAX_NODES))
        later = [str(k) for k in nodes]
        work = 0
        for key, text in nodes.items():
            path = ("nodes", key)
            name, name_ok = self.guarded(lambda: self.name(key, path, quantities))
            names_lost = names_lost or not name_ok
            q, ok = (self.guarded(lambda: self.node(name, text, path, quantities, later, broken, names_lost,
                                                    unread))
                     if name_ok else (None, False))         # one mistake an entry: its name's, or its formula's
            if not ok or q is None:
                broken.add(str(key))
                if name_ok:
                    unread.add(name)
                continue
            quantities[q.name] = q
            work += sum(q.entries * quantities[o].entries for o in q.operands) * max(_cost(q.rule), 1)
            if work > MAX_WORK:
                self.fail(path, said("graph_file.too_much_work", work=f"{work:,}", most=f"{MAX_WORK:,}"))
        output, _ = self.guarded(lambda: self.output(data, quantities, broken, [str(k) for k in nodes]))
        parameters, _ = self.guarded(lambda: self.parameters(data, quantities, broken, [str(k) for k in raw]), ())
        precision, _ = self.guarded(lambda: self.precision(data), 4)
        training, _ = self.guarded(lambda: self.run_fields(data), None)
        self.checkpoint(lambda: GraphProblem(str(title), source, tuple(quantities.values()), (), None,
                                             precision, description))
        return GraphProblem(str(title), source, tuple(quantities.values()), parameters, output, precision,
                            description, training)

    def run_fields(self, data: dict):
        """`optimizer:`, `steps:` and `update:` (issue 13), read as a network's (problem._Validator.training):
        a problem.Training, or None when the file gives none of them. A graph has one sample (its inputs), so
        `update: per_sample` is refused."""
        if not any(k in data for k in _RUN_KEYS):
            return None
        from .problem import _Validator
        for name in _BORROWED:
            if name not in _Reader.__dict__:
                setattr(_Reader, name, getattr(_Validator, name))
        training = self.training({k: (data[k], (k,)) for k in _RUN_KEYS if k in data}, None)
        if training is not None and training.update == "per_sample":
            self.fail(("update",), said("graph.per_sample"))
        return training

    def checkpoint(self, read=None) -> None:
        """Where every entry was read: a collecting reader raises what it found (with the values of
        the entries `read()` holds, the nodes read without a mistake); this one raised already."""

    def input(self, name: str, key: Any, value: Any) -> Quantity:
        """One entry of `inputs` (its name read already): a number, vector or matrix."""
        shape, given = self.array(value, ("inputs", key))
        return Quantity(name, "input", shape, symbol_of(name, shape), given=given,
                        path=("inputs", key), line=self.doc.line_of(("inputs", key)))

    def precision(self, data: dict) -> int:
        """`precision`: decimals shown, 0 to 15 (4 if not given)."""
        precision = data.get("precision", 4)
        if isinstance(precision, bool) or not isinstance(precision, int) or not 0 <= precision <= 15:
            self.fail(("precision",), said("graph_file.precision", got=shown(precision)))
        return precision

    def name(self, key: Any, path: Path_, known: dict) -> str:
        if not isinstance(key, str) or not NAME_RE.match(key):
            instead = subscript_free(key)
            if instead is not None:              # the lecture's x_1: the name is x1
                self.fail(path, said("graph_file.not_a_name_subscript", got=shown(key), instead=instead))
            self.fail(path, said("graph_file.not_a_name_underscore" if not isinstance(key, str) or "_" in key
                                 else "graph_file.not_a_name", got=shown(key)))
        if key in RESERVED:
            self.fail(path, said("graph_file.reserved", name=repr(key)))
        if key in CONSTANTS:
            self.fail(path, said("graph_file.constant_name", name=repr(key),
                                 meaning=said(f"graph_file.meaning.{CONSTANTS[key]}"), instead=f"{key}1, {key}x"))
        if key in known:
            self.fail(path, said("graph_file.already_input" if known[key].kind == "input" else "graph_file.already_node",
                                 name=repr(key)))
        return key

    def array(self, value: Any, path: Path_) -> tuple[tuple, Any]:
        """A number, a list of numbers (a column vector) or a list of rows (a matrix)."""
        if not isinstance(value, list):
            return (), self.number(value, path)
        if not value:
            self.fail(path, said("graph_file.empty_list"))
        if all(isinstance(v, list) for v in value):
            cols = len(value[0])
            if not 1 <= len(value) <= MAX_SIDE or not 1 <= cols <= MAX_SIDE:
                self.fail(path, said("graph_file.matrix_size", most=MAX_SIDE, rows=len(value), cols=cols))
            for r, row in enumerate(value):
                if len(row) != cols:
                    self.fail(path + (r,), said("graph_file.ragged_one" if len(row) == 1 else "graph_file.ragged",
                                                row=r + 1, count=len(row), cols=cols))
            m = sp.ImmutableMatrix([[self.number(v, path + (r, c)) for c, v in enumerate(row)]
                                    for r, row in enumerate(value)])
            return m.shape, m
        if any(isinstance(v, list) for v in value):
            self.fail(path, said("graph_file.mixed"))
        if len(value) > MAX_SIDE:
            self.fail(path, said("graph_file.vector_size", most=MAX_SIDE, count=len(value)))
        m = sp.ImmutableMatrix([self.number(v, path + (i,)) for i, v in enumerate(value)])
        return m.shape, m

    def node(self, name: str, text: Any, path: Path_, known: dict[str, Quantity], later: list[str],
             broken: set[str] = frozenset(), names_lost: bool = False,
             unread: set[str] = frozenset()) -> Quantity | None:
        """One node: its formula read and built from the earlier names; None (not checked further)
        when it uses a name whose entry had a mistake, or, after an entry whose name could not be
        read (`names_lost`), a name not defined (it may be that entry's). The names of entries that had
        a mistake (`unread`) are among the names allowed, as they are when that entry is right."""
        if isinstance(text, bool) or not isinstance(text, (str, int, float)):
            self.fail(path, said("graph_file.not_a_formula", got=shown(text)))
        text = str(text)
        try:
            formula = Formula(text)
            if formula.names & broken or (names_lost and not formula.names <= set(known) | set(later)):
                return None
            for used in sorted(formula.names):
                if used == name:
                    self.fail(path, said("graph_file.uses_itself", name=repr(name)))
                if used not in known and used in later:
                    self.fail(path, said("graph_file.used_before", name=repr(used)))
            names = {n: Value(q.symbol, q.shape) for n, q in known.items()}
            names.update({n: Value(sp.Symbol(n, real=True), ()) for n in unread})   # named in a mistake's text only
            rule = formula.build(names)
        except FormulaError as exc:
            if exc.column:
                self.fail(path, said("graph_file.formula_at", formula=shown(text), column=exc.column,
                                     caret=_caret(text, exc.column), message=exc.message))
            self.fail(path, said("graph_file.formula", formula=shown(text), message=exc.message))
        return Quantity(name, "node", rule.shape, symbol_of(name, rule.shape), formula, rule.expr, path=path,
                        line=self.doc.line_of(path))

    def output(self, data: dict, quantities: dict[str, Quantity], broken: set[str] = frozenset(),
               node_names: list[str] | None = None) -> str | None:
        """The differentiated node (the last if not given), a scalar; None (not checked) when it names
        an entry that had a mistake."""
        nodes = [q for q in quantities.values() if q.kind == "node"]
        out = data["output"] if "output" in data else (node_names[-1] if node_names else None)
        if isinstance(out, str) and out in broken:
            return None
        if "output" in data:
            if not isinstance(out, str) or out not in quantities or quantities[out].kind != "node":
                self.fail(("output",), said("graph_file.output_not_node", got=shown(out),
                                            nodes=", ".join(q.name for q in nodes)))
        else:
            out = nodes[-1].name
        if quantities[out].shape != ():
            path = ("output",) if "output" in data else quantities[out].path
            self.fail(path, said("graph_file.output_matrix", name=repr(out), rows=quantities[out].shape[0],
                                 cols=quantities[out].shape[1]))
        return out

    def parameters(self, data: dict, quantities: dict[str, Quantity], broken: set[str] = frozenset(),
                   written: list[str] | None = None) -> tuple[str, ...]:
        """The inputs differentiated by (every input if not given); each entry checked on its own, one
        naming an input that had a mistake skipped. A mistake lists the inputs as `written` in the file."""
        inputs = [q.name for q in quantities.values() if q.kind == "input"]
        shown_inputs = written if written is not None else inputs
        if "parameters" not in data:
            return tuple(inputs)
        raw = data["parameters"]
        if not isinstance(raw, list) or not raw:
            self.fail(("parameters",), said("graph_file.parameters_list", example=", ".join(shown_inputs[:3])))
        out: list[str] = []
        for i, p in enumerate(raw):
            if isinstance(p, str) and p in broken:
                continue
            self.guarded(lambda: self.parameter(p, i, inputs, out, shown_inputs))
        return tuple(p for p in inputs if p in out)

    def parameter(self, p: Any, i: int, inputs: list[str], out: list[str], shown_inputs: list[str]) -> None:
        """Entry i of `parameters`: an input, named once; added to `out`."""
        if not isinstance(p, str) or p not in inputs:
            self.fail(("parameters", i), said("graph_file.parameter_not_input", got=shown(p),
                                              inputs=", ".join(shown_inputs)))
        if p in out:
            self.fail(("parameters", i), said("graph_file.parameter_twice", name=repr(p)))
        out.append(p)


def _caret(text: str, column: int) -> str:
    """The formula with ⟨…⟩ around the character at `column`, e.g. `q*⟨w⟩`."""
    i = column - 1
    if i >= len(text):
        return f"{text}⟨⟩"
    return f"{text[:i]}⟨{text[i]}⟩{text[i + 1:]}"


def _cost(rule: Any) -> int:
    entries = list(rule) if isinstance(rule, sp.MatrixBase) else [rule]
    return max(_size(e, 5000) for e in entries)


def quadratic_graph(prob) -> GraphProblem:
    """A `model: quadratic` file as the graph it stands for: M = xᵀA, q = Mx, y = q + b·x + c,
    L = (y − t)², with parameters A, b, c."""
    text = {"M": "transpose(x)*A", "q": "M*x", "y": "q + dot(b, x) + c", "L": "(y - t)^2"}
    quantities: dict[str, Quantity] = {}
    for name, given in (("x", prob.x), ("A", prob.A), ("b", prob.b), ("c", prob.c), ("t", prob.target)):
        shape = given.shape if isinstance(given, sp.MatrixBase) else ()
        quantities[name] = Quantity(name, "input", shape, symbol_of(name, shape),
                                    given=sp.ImmutableMatrix(given) if shape else given)
    for name, formula_text in text.items():
        formula = Formula(formula_text)
        rule = formula.build({n: Value(q.symbol, q.shape) for n, q in quantities.items()})
        quantities[name] = Quantity(name, "node", rule.shape, symbol_of(name, rule.shape), formula, rule.expr)
    return GraphProblem(prob.title, prob.source, tuple(quantities.values()), ("A", "b", "c"), "L", prob.precision)


# -- the solution ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Contribution:
    """One consumer f of q in ∂L/∂q: ∂L/∂f · ∂f/∂q, with the local gradient ∂f/∂q (a formula of
    f's operands, of q's shape) when f is a scalar; for a matrix f, its matrix-calculus form
    (matmul_form: ("matmul", side, factor); elementwise_form: ("elementwise", D)), else None (the sum
    over f's entries).
    `shown`: the local gradient with f's decimals as written (0.1·w, not w/10), None when it is
    `local` itself. `operands`: f's operands in the order its formula names them, when one of the
    others is computed from q too (then the local ∂f/∂q is not the total, and the steps write it
    ∂f(s, r)/∂s); else None."""

    consumer: str
    local: Any
    value: Any
    shown: Any = None
    operands: tuple[str, ...] | None = None


@dataclass(frozen=True)
class GStep:
    """One step: `id`, section (given, forward, backward), the quantity, its value; backward steps
    carry their contributions."""

    id: str
    section: str
    name: str
    value: Any
    contributions: tuple[Contribution, ...] = ()

    @property
    def float_value(self):
        """The value as a float, as a network step's `float_value`: of a scalar step and of one entry's step
        (`grad_W_2_1`) a float; of a whole matrix or vector step (`grad_W`) its entries' floats as a tuple of
        rows, each a tuple (a 3×1 vector is ((a,), (b,), (c,)), as `value` is a 3×1 Matrix)."""
        if isinstance(self.value, sp.MatrixBase):
            return tuple(tuple(_float(self.value[r, c]) for c in range(self.value.cols))
                         for r in range(self.value.rows))
        return _float(self.value)


@dataclass(frozen=True)
class GraphSolution(Shows):
    problem: GraphProblem
    values: dict                    # name -> value (scalar or ImmutableMatrix)
    gradients: dict                 # name -> ∂L/∂name for every quantity on a path parameter → output
    steps: tuple[GStep, ...]
    env: dict = field(repr=False, default_factory=dict)   # symbol -> value, every entry
    run: Any = field(default=None, repr=False, compare=False)   # graph_optimize.GraphRun (optimizer: in the file)

    def step(self, sid: str) -> GStep:
        """The step of this id (`q`, `grad_x`, as `solve --format json` writes them), of one entry of a matrix
        or vector (`A_1_2`, `grad_A_1_2`, `grad_b_2`, as docs/problem-format.md's id table and `check` name
        them: a step of that entry alone) or of a name as `check` reads it (`df/dx`,
        `\\frac{\\partial f}{\\partial x}`, `dx`, `\\partial f/\\partial A_{12}`); a KeyError (StepNotFound)
        that says which id is closest, if any is, when none."""
        for s in self.steps:
            if s.id == sid:
                return s
        entries = self._entry_steps()
        if sid in entries:
            return entries[sid]
        from .answers.graph_names import GraphNames
        from .stepname import StepNotFound
        from .suggest import closest
        ids = [s.id for s in self.steps] + list(entries)
        qid = GraphNames(self, ids).qid(sid) if isinstance(sid, str) else None
        if qid is not None:
            return next((s for s in self.steps if s.id == qid), None) or entries[qid]
        close = closest(sid, ids, 2)
        shown = repr(str(sid)[:60])
        raise StepNotFound(said("graph.no_step_suggest", name=shown, close=" or ".join(close)) if close
                           else said("graph.no_step", name=shown))

    def _entry_steps(self) -> dict[str, GStep]:
        """id -> the step of one entry (`grad_A_1_2`: row 1, column 2, from 1; a vector's `grad_b_2`) of each
        matrix or vector step: its value that entry's, its contributions that entry of each (a local gradient
        that is no matrix of the quantity's shape, a matrix node's product form, left out: None)."""
        out: dict[str, GStep] = {}
        for s in self.steps:
            if not isinstance(s.value, sp.MatrixBase):
                continue
            shape = s.value.shape
            for r in range(shape[0]):
                for c in range(shape[1]):
                    parts = tuple(Contribution(p.consumer, _entry_of(p.local, shape, r, c),
                                               _entry_of(p.value, shape, r, c), _entry_of(p.shown, shape, r, c),
                                               p.operands) for p in s.contributions)
                    out[f"{s.id}_{entry_suffix(shape, r, c)}"] = GStep(f"{s.id}_{entry_suffix(shape, r, c)}",
                                                                       s.section, s.name, s.value[r, c], parts)
        return out

    def part(self, name: str) -> "GraphSolution":
        """The graph's one part, `main` (as `--part main`), for code written for networks' solutions."""
        if name == "main":
            return self
        from .stepname import StepNotFound
        raise StepNotFound(said("solution.no_part", name=repr(name), parts="main"))

    def __repr__(self) -> str:
        """Short: the file and the output (`print(g)` shows the worked solution)."""
        from pathlib import Path
        name = Path(self.problem.source).name if self.problem.source else "?"
        return f"<GraphSolution {name}: output {self.problem.output}, {len(self.steps)} steps>"

    def __str__(self) -> str:
        """The worked solution, as `symbackprop solve FILE` prints it."""
        from .render import render
        return render(self, "text")

    @property
    def precision(self) -> int:
        return self.problem.precision



def _float(e) -> float:
    """An exact value (tanh(11/10), 3/2) as a float, rounded once from 30 digits."""
    return float(e.evalf(30) if isinstance(e, sp.Basic) else e)


def _entry_of(value, shape: tuple, r: int, c: int):
    """Entry (r, c) of a matrix of `shape`; None for anything else (None, a form of another shape)."""
    if isinstance(value, sp.MatrixBase) and value.shape == shape:
        return value[r, c]
    return None


def _exact_or_float(e: sp.Expr) -> sp.Expr:
    if _size(e, MAX_EXACT) > MAX_EXACT or exact_digits(e) > MAX_EXACT_DIGITS:
        return e.evalf(DIGITS)
    return e


def _value(expr, env: dict) -> sp.Expr:
    """One scalar with the values of `env` put in, exact while short; TooLarge (before any
    unbounded computation) when it reaches 1e300 in magnitude; a 30-digit Float when a part of it
    does but the whole is smaller (magnitude.numeric: only what is really large is refused)."""
    expr = sp.sympify(expr)
    notes: set = set()
    near = bounded(expr, DIGITS, env, notes)
    if "float" in notes:            # a huge part made small again (1/(1 + e^1000)), or e^(−huge) = 0
        return near
    return _exact_or_float(expr.xreplace(env))


def _too_large(prob: GraphProblem, q: "Quantity", what: str, big: TooLarge) -> ProblemError:
    return ProblemError(said("magnitude.node_too_large", what=what, about=big.about, most=f"1e{MAX_MAGNITUDE_EXPONENT}"),
                        source=prob.source, field=".".join(str(p) for p in q.path) or None, line=q.line)


def _finite(e, what: str, prob: GraphProblem, q: "Quantity") -> None:
    """A value that is not a finite real number is the file's mistake: FILE:LINE, the node or gradient."""
    entries = list(e) if isinstance(e, sp.MatrixBase) else [e]
    for v in entries:
        if v.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or not v.is_finite and v.is_finite is not None:
            raise ProblemError(said("graph_file.undefined", what=what), source=prob.source,
                               field=".".join(str(p) for p in q.path) or None, line=q.line)
        if not v.is_real and v.is_real is not None:
            raise ProblemError(said("graph_file.not_real", what=what), source=prob.source,
                               field=".".join(str(p) for p in q.path) or None, line=q.line)


def evaluate(expr, env: dict):
    """`expr` (scalar or matrix) with the values of `env` put in, exact while short."""
    if isinstance(expr, sp.MatrixBase):
        return sp.ImmutableMatrix(expr.shape[0], expr.shape[1], lambda r, c: _value(expr[r, c], env))
    return _value(expr, env)


def _bind(q: Quantity, value, env: dict) -> None:
    if q.shape == ():
        env[q.symbol] = value
    else:
        for r in range(q.shape[0]):
            for c in range(q.shape[1]):
                env[q.symbol[r, c]] = value[r, c]


def relevant(prob: GraphProblem) -> list[str]:
    """The quantities on a path from a parameter to the output, in the file's order."""
    feeds_output = {prob.output}
    for q in reversed(prob.quantities):
        if q.name in feeds_output:
            feeds_output |= q.operands
    from_params = set(prob.parameters)
    for q in prob.quantities:
        if q.operands & from_params:
            from_params.add(q.name)
    return [q.name for q in prob.quantities if q.name in feeds_output and q.name in from_params]


def local_gradient(f: Quantity, q: Quantity):
    """∂f/∂q for a scalar f: diff of f's formula by each entry of q, in q's shape."""
    if q.shape == ():
        return sp.diff(f.rule, q.symbol)
    return sp.ImmutableMatrix(q.shape[0], q.shape[1], lambda r, c: sp.diff(f.rule, q.symbol[r, c]))


def forward_pass(prob: GraphProblem) -> tuple[dict, dict, list, list]:
    """(values, env, steps, errors): each quantity's value node by node, and every node that leaves a
    function's domain or is not finite (up to graph_domain.MAX_DOMAIN_ERRORS). A node that uses such
    a node is not evaluated; its formula's own mistakes where it does not use one are still reported
    (f: ln(x) + a, with a broken, reports ln(x)); a node that only uses one is not reported again."""
    from .graph_domain import MAX_DOMAIN_ERRORS, outside_domain
    env: dict = {}
    values: dict = {}
    steps: list[GStep] = []
    errors: list[ProblemError] = []     # every node outside a function's domain, or else not finite
    broken: set[str] = set()            # their names, and those of the nodes that use them
    for q in prob.quantities:
        if q.kind == "input":
            value = q.given
            steps.append(GStep(q.name, "given", q.name, value))
        else:
            if q.operands & broken:
                outside = outside_domain(prob, q, env, broken)
                broken.add(q.name)
                if outside is not None:
                    errors.append(outside)
                    if len(errors) >= MAX_DOMAIN_ERRORS:
                        break
                continue
            try:
                outside = outside_domain(prob, q, env)
                if outside is not None:
                    raise outside
                try:
                    value = evaluate(q.rule, env)
                except TooLarge as big:
                    raise _too_large(prob, q, said("graph_file.node", name=q.name), big) from None
                _finite(value, said("graph_file.node", name=q.name), prob, q)
            except ProblemError as exc:
                errors.append(exc)
                broken.add(q.name)
                if len(errors) >= MAX_DOMAIN_ERRORS:
                    break
                continue
            steps.append(GStep(q.name, "forward", q.name, value))
        values[q.name] = value
        _bind(q, value, env)
    return values, env, steps, errors


def solve_graph(prob: GraphProblem) -> GraphSolution:
    """The forward values node by node, then the backward pass in reverse order."""
    values, env, steps, errors = forward_pass(prob)
    if errors:
        from .problem_errors import ProblemErrors
        raise errors[0] if len(errors) == 1 else ProblemErrors(errors)
    wanted = relevant(prob)
    gradients: dict = {prob.output: sp.Integer(1)}
    steps.append(GStep(f"grad_{prob.output}", "backward", prob.output, sp.Integer(1)))
    context = _Context(prob, env)
    by_name = {q.name: q for q in prob.quantities}
    order = [n for n in reversed(wanted) if n != prob.output and by_name[n].kind == "node"] + \
            [n for n in wanted if by_name[n].kind == "input"]
    for name in order:
        q = by_name[name]
        try:
            value, parts = _gradient(prob, q, gradients, env, context)
        except TooLarge as big:
            raise _too_large(prob, q, f"∂{prob.output}/∂{name}", big) from None
        _finite(value, f"∂{prob.output}/∂{name}", prob, q)
        gradients[name] = value
        steps.append(GStep(f"grad_{name}", "backward", name, value, tuple(parts)))
    return GraphSolution(prob, values, gradients, tuple(steps), env)


class _Context:
    """What the backward steps of one solution share: what each quantity is computed from, and each
    node's formula with its decimals as written (built once, when a step first needs it)."""

    def __init__(self, prob: GraphProblem, env: dict) -> None:
        self.prob, self.env = prob, env
        self.upstream: dict[str, set[str]] = {}
        for q in prob.quantities:
            self.upstream[q.name] = set().union(*([{o} | self.upstream[o] for o in q.operands] or [set()]))
        self._written: dict[str, Any] = {}

    def written_rule(self, f: Quantity):
        """f's formula with each decimal kept as written (formula.Formula.as_written), or None when
        it has none."""
        if f.name not in self._written:
            rule = None
            from .graph_written import has_decimal
            if has_decimal(f.formula.tree):
                names = {n.name: Value(n.symbol, n.shape) for n in self.prob.quantities}
                rule = f.formula.as_written(names).expr
            self._written[f.name] = rule
        return self._written[f.name]

    def operands(self, f: Quantity, q: Quantity) -> tuple[str, ...] | None:
        """f's operands in the formula's order when another of them is computed from q (the local
        ∂f/∂q is then not the total), else None."""
        if not any(q.name in self.upstream[o] for o in f.operands if o != q.name):
            return None
        from .graph_written import names_in_order
        return tuple(dict.fromkeys(names_in_order(f.formula.tree)))

    def shown_local(self, f: Quantity, q: Quantity, local, local_value, differentiate=None):
        """The local gradient ∂f/∂q with f's decimals as written, when f has any and it has the
        same value as `local` at these numbers (else None: the exact form is shown). `differentiate`:
        how the local gradient is taken from a rule (default: `local_gradient` of a scalar f);
        `local_value` None: `local`'s value here."""
        from .graph_written import Written, fold_decimals, same
        rule = self.written_rule(f)
        if rule is None:
            return None
        shown = fold_decimals(_tidy(differentiate(rule) if differentiate else local_gradient(Written(rule), q)))
        try:
            value = evaluate(decimal_values(shown) if not q.shape else
                            sp.ImmutableMatrix(shown).applyfunc(decimal_values), self.env)
            if local_value is None:
                local_value = evaluate(local, self.env)
        except TooLarge:
            return None
        if not same(value, local_value):
            return None
        return None if shown == local else shown


def _gradient(prob: GraphProblem, q: Quantity, gradients: dict, env: dict, context: "_Context | None" = None):
    """∂output/∂q and its contributions, one per node that uses q."""
    name = q.name
    parts = []
    context = context or _Context(prob, env)
    for f in prob.quantities:
        if f.name not in gradients or name not in f.operands:
            continue
        shown, operands = None, context.operands(f, q)
        if f.shape == ():
            local = _tidy(local_gradient(f, q))
            local_value = evaluate(local, env)
            shown = context.shown_local(f, q, local, local_value)
            contrib = gradients[f.name] * local_value
            contrib = sp.ImmutableMatrix(contrib) if q.shape else contrib
        else:
            local = matmul_form(prob, f, q)
            if local is None:
                local = elementwise_form(f, q, context)
            total = sp.zeros(*q.shape) if q.shape else sp.Integer(0)
            upstream = gradients[f.name]
            for r in range(f.shape[0]):
                for c in range(f.shape[1]):
                    g = upstream[r, c]
                    if g == 0:
                        continue
                    sub = _Entry(f, r, c)
                    total = total + g * evaluate(local_gradient(sub, q), env)
            contrib = sp.ImmutableMatrix(total) if q.shape else total
        parts.append(Contribution(f.name, local, contrib, shown, operands))
    value = parts[0].value
    for p in parts[1:]:
        value = value + p.value
    value = evaluate(value, {}) if not q.shape else sp.ImmutableMatrix(value).applyfunc(lambda v: _value(v, {}))
    return value, parts


def _bare(node):
    while node.kind == "paren":
        node = node.args[0]
    return node


def _signed_terms(node, sign: int = 1) -> list[tuple[int, Any]]:
    """The terms of a sum or difference (parentheses dropped), each with its sign: a - (b + c) is
    [(1, a), (-1, b), (-1, c)]; any other node is one term."""
    node = _bare(node)
    if node.kind in ("add", "sub"):
        a, b = node.args
        return _signed_terms(a, sign) + _signed_terms(b, sign if node.kind == "add" else -sign)
    return [(sign, node)]


def matmul_form(prob: GraphProblem, f: Quantity, q: Quantity):
    """For a matrix node f whose formula is a sum of terms (f = P*B + C, or P*B alone) with q in one
    term only, added (not subtracted), the matrix-calculus form of the local step: ("left", B) when
    that term is q*B (∂L/∂q = ∂L/∂f·Bᵀ), ("right", P) when it is P*q (∂L/∂q = Pᵀ·∂L/∂f), ("same",
    None) when it is q itself (∂L/∂q = ∂L/∂f); else None (the step is the sum over f's entries)."""
    if q.shape == ():
        return None
    terms = _signed_terms(f.formula.tree)
    mine = [(sign, t) for sign, t in terms if q.name in t.names()]
    if len(mine) != 1 or mine[0][0] != 1:
        return None
    tree = mine[0][1]
    if tree.kind == "name" and tree.text == q.name:
        return ("matmul", "same", None) if f.shape == q.shape else None
    if tree.kind != "mul":
        return None
    a, b = (_bare(n) for n in tree.args)
    names = {n.name: Value(n.symbol, n.shape) for n in prob.quantities}
    for side, mine_, other in (("left", a, b), ("right", b, a)):
        if mine_.kind == "name" and mine_.text == q.name and q.name not in other.names():
            if f.formula._build(other, names).is_matrix:
                return ("matmul", side, other)
    return None


def elementwise_form(f: Quantity, q: Quantity, context: "_Context | None" = None):
    """For a node f of q's shape whose every entry uses q's entry at its own place only (h = σ(z),
    exp(z), relu(z), 2*z − t, max(z, t): f computed from q entry by entry; a scalar f of a scalar q
    always), ("elementwise", D) with D the local derivatives ∂f_ij/∂q_ij in entry symbols (q's shape; a
    scalar for a scalar; with f's decimals as written where that has the same value): ∂L/∂q = ∂L/∂f ⊙ D,
    entry by entry. None for any other f. (The solution asks it of a matrix f only; the answers' checker,
    graph_own.elementwise, of any.)"""
    if f.shape != q.shape:
        return None
    if not q.shape:
        def differentiate(rule):
            return sp.diff(rule, q.symbol)
    else:
        mine = set(q.symbol)
        rows, cols = q.shape
        for r in range(rows):
            for c in range(cols):
                if f.rule[r, c].free_symbols & mine - {q.symbol[r, c]}:
                    return None

        def differentiate(rule):
            return sp.ImmutableMatrix(rows, cols, lambda r, c: sp.diff(rule[r, c], q.symbol[r, c]))
    D = _tidy(differentiate(f.rule))
    if context is not None:
        written = context.shown_local(f, q, D, None, differentiate)
        if written is not None:
            D = written
    return ("elementwise", D)


class _Entry:
    """Entry (r, c) of a matrix node, standing for a scalar node in `local_gradient`."""

    def __init__(self, f: Quantity, r: int, c: int) -> None:
        self.rule = f.rule[r, c]


def _tidy(expr):
    """A local gradient as a teacher writes it: 2(y − t), not 2y − 2t."""
    if isinstance(expr, sp.MatrixBase):
        return sp.ImmutableMatrix(expr.applyfunc(sp.factor_terms))
    return sp.factor_terms(expr)
