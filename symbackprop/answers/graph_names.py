"""The names a student writes for a computation graph's items in a write-up, and its matrices.

A left side `q`, `∂f/∂q`, `\\frac{\\partial f}{\\partial x}`, `df/dx`, `\\frac{df}{dx}`, `\\nabla_x f`,
`grad_x`, an entry `A_{12}`, `A_{1,2}`, `∂L/∂A_{12}`, `x_2` of a vector, is looked up as the item's id
(q, grad_x, grad_A_1_2); `GraphNames` answers the write-up reader's `lookup` and `suggest` as a
network's NameTable does. A matrix written `\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}` (or pmatrix,
matrix, Bmatrix), on one line or over several, is rewritten `[[1, 2], [3, 4]]` before the line is split into
rows, as is `[1, 2; 3, 4]` (rows ended by `;`, as `solve` prints a matrix; `[1; 2]` a column), and
`bracket_list` reads that (or a list typed so, in an answers file too) as rows of entries.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from .. import greek
from ..activations import NAMES as ACTIVATION_NAMES
from ..graph import GraphSolution
from .brackets import split_top_level

MAX_LIST_CHARS = 4000         # a matrix written in one answer; no graph matrix (at most 8×8) needs more
_WRAP = re.compile(r"\\(?:mathrm|text|mathit|operatorname|mathbf|boldsymbol)\s*\{([^{}]*)\}")
_D = r"(?:\\partial|∂|d)"
# the top of a ∂-fraction written with a slash: a name, an entry or a subscripted name (`h_{2}`, `h_2`), and
# optionally the node's operands (`a_{2}(w, x_{2}, u, h_{1})`, as the worked solution writes a local partial)
_SUB = r"(?:\s*_\s*(?:\{[^{}]{0,40}\}|[0-9]+))?"
_TOP = rf"[A-Za-z][A-Za-z0-9]*{_SUB}(?:\s*\([^()]{{1,200}}\))?"
_GRADS = [re.compile(p) for p in (
    rf"^\\[dt]?frac\s*\{{\s*{_D}\s*(?P<f>(?:[^{{}}]|\{{[^{{}}]*\}})+?)\s*\}}\s*\{{\s*{_D}\s*(?P<x>.+?)\s*\}}$",
    rf"^{_D}\s*(?P<f>{_TOP})\s*/\s*{_D}\s*(?P<x>.+?)$",
    r"^\\nabla\s*_\s*\{?\s*(?P<x>[A-Za-z][A-Za-z0-9]*(?:_\{[^{}]*\}|_[0-9]+)?)\s*\}?\s*(?P<f>[A-Za-z][A-Za-z0-9]*)$",
)]
_ENTRY = re.compile(r"^(?P<base>[A-Za-z][A-Za-z0-9]*)\s*_\s*(?:\{\s*(?P<braced>[0-9][0-9 ,_]*?)\s*\}|(?P<bare>[0-9]+(?:_[0-9]+)?))$")
# an entry at index letters: z_i, z_{i}, W_{ij}, W_{i,j} (letters only: z_3 is an entry, read by _name)
_INDEXED = re.compile(r"^(?P<base>[A-Za-z][A-Za-z0-9]*)\s*_\s*(?:\{\s*(?P<braced>[a-z](?:\s*,?\s*[a-z])?)\s*\}|(?P<bare>[a-z]))$")
_CALLED = re.compile(rf"^(\\?[A-Za-z][A-Za-z0-9]*{_SUB})\s*(?:\(([^()]{{1,200}})\))?$")    # m, h_{2}, or m(r, s)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
MAX_PRODUCT_CHARS = 32        # a word read as a product of names (qz): longer ones are not split
_FUNCTION_WORDS = {"relu", "step", "sigmoid", "sign", "sgn", "max", "min", "exp", "log", "ln", "abs", "tanh", "sqrt",
                   "sinh", "cosh", "heaviside", "softplus", "elu", "gelu", "swish", "leaky", "cdot", "times"}
_FUNCTION_WORDS |= set(ACTIVATION_NAMES)      # and every row of activations.py (a row added there too)
_SHORT = re.compile(r"^d\s*\\?[^\W\d_]")    # d + a name: dw2, dx_0, d\theta_0, dθ0 (when not itself a name)
MAX_NAME_CHARS = 200          # a left side; no item's name is longer (read.MAX_KEY_CHARS likewise)
MAX_MATRICES = 64             # matrices rewritten on one line; more are left as written (and not read)
_BEGIN = re.compile(r"\\begin\s*\{\s*([pbBvV]?matrix)\s*\}")
_OTHER_LOSS = re.compile(r"[EJCL]")    # a letter books write the loss with (E, J, C, L), where the graph has no such name


@dataclass(frozen=True)
class Found:
    """A left side that names an item: its id (the reader takes `.qid`)."""

    qid: str


class GraphNames:
    """Lookup of a write-up's left sides for one graph: ids of its node values and gradients."""

    def __init__(self, sol: GraphSolution, ids) -> None:
        self.sol = sol
        self.ids = set(ids)
        self.quantities = {q.name: q for q in sol.problem.quantities}

    def _name(self, text: str) -> str | None:
        """`A_{12}`, `A_{1,2}`, `x_2`, `theta0`, `\\theta_0` as an id (A_1_2, x_2, theta0); None if none."""
        text = greek.as_named(text.strip(), list(self.quantities)).strip()
        if text in self.quantities:
            return text
        m = _ENTRY.match(text)
        if m is None:
            return None
        base, index = m.group("base"), m.group("braced") or m.group("bare")
        joined = base + re.sub(r"[^0-9]", "", index)
        if base not in self.quantities or self.quantities[base].shape == ():
            return joined if joined in self.quantities else None         # x_0 for the scalar x0
        rows, cols = self.quantities[base].shape
        parts = [p for p in re.split(r"[ ,_]+", index) if p]
        if len(parts) == 1 and rows > 1 and cols > 1 and len(parts[0]) == 2:
            parts = list(parts[0])                                        # A_{12}: row 1, column 2
        if rows == 1 or cols == 1:
            return f"{base}_{int(parts[0])}" if len(parts) == 1 else None
        return f"{base}_{int(parts[0])}_{int(parts[1])}" if len(parts) == 2 else None

    def qid(self, text: str) -> str | None:
        """The id a left side names, or None."""
        if len(str(text)) > MAX_NAME_CHARS:
            return None
        text = _WRAP.sub(r"\1", str(text)).strip()
        if text.startswith("grad_") and text in self.ids:
            return text
        if text.startswith("grad_"):                                      # grad_w_0, grad_{w_2}, grad_θ_0
            x = self._name(text[len("grad_"):].strip("{} "))
            return f"grad_{x}" if x is not None and f"grad_{x}" in self.ids else None
        for pat in _GRADS:
            m = pat.match(text)
            if m:
                f = self._name(m.group("f"))
                x = self._name(m.group("x"))
                if f is None or x is None or f != self.sol.problem.output:
                    return None
                return f"grad_{x}" if f"grad_{x}" in self.ids else None
        name = self._name(text)
        if name is None and _SHORT.match(text):                           # dw2, dx_0: the lecture's ∂f/∂w2
            x = self._name(text[1:])
            return f"grad_{x}" if x is not None and f"grad_{x}" in self.ids else None
        return name if name in self.ids else None

    def _fraction(self, text: str):
        """(the top as written, matched as `f` or `f(s, m)`; f; x) of a ∂-fraction `\\frac{\\partial f}{\\partial x}`
        or `∂f/∂x` whose f and x are both quantities of the graph; None for anything else."""
        text = _WRAP.sub(r"\1", str(text)[:MAX_NAME_CHARS]).strip()
        for pat in _GRADS[:2]:
            m = pat.match(text)
            if m is None:
                continue
            top = _CALLED.match(m.group("f").strip())
            f = self._name(top.group(1)) if top else None
            x = self._name(m.group("x"))
            if f is None or x is None or f not in self.quantities or x not in self.quantities:
                return None
            return top, f, x
        return None

    def local(self, text: str) -> tuple[str, str] | None:
        """(node, operand) when a ∂-fraction names a local partial of the graph: `\\frac{\\partial y}{\\partial q}`,
        `∂y/∂q` for a node y other than the output computed from q, or `\\frac{\\partial f(s, m)}{\\partial s}`
        (any node, the output too, written with exactly its operands: its own formula differentiated by s,
        the others held fixed, as the worked solution writes it). None for anything else."""
        found = self._fraction(text)
        if found is None:
            return None
        top, f, x = found
        node = self.quantities[f]
        if node.kind != "node" or x not in node.operands:
            return None
        if top.group(2) is not None:
            args = {self._name(a) for a in top.group(2).split(",")}
            return (f, x) if args == set(node.operands) else None
        return (f, x) if f != self.sol.problem.output else None

    def not_operand(self, text: str) -> tuple[str, str] | None:
        """(node, name) when a ∂-fraction (`\\frac{\\partial q}{\\partial z}`, `∂q/∂z`) differentiates a node of
        the graph by a quantity of it that is not one of the node's operands (q = x + y, by z): no local
        partial and no item, so that a report can say what is wrong instead of the reader's words. None
        for anything else (a local partial, an item, a name the graph does not have)."""
        found = self._fraction(text)
        if found is None:
            return None
        _, f, x = found
        node = self.quantities[f]
        return (f, x) if node.kind == "node" and x != f and x not in node.operands else None

    def no_partial(self, text: str) -> tuple[str, dict[str, str]] | None:
        """Why a ∂-fraction of the graph's names that is no item, no local partial and no `not_operand` names
        nothing the solution has, as (message id, fields), so that a report says it in the catalogue's words
        instead of the parser's: an input on top (`∂x/∂q`: x is given, computed from nothing), a quantity by
        itself (`∂q/∂q`), or any other (`∂L/∂t` of an input that is no parameter, `∂h/∂zz` of no name). None
        for a text that is no ∂-fraction written with ∂ (`dx/dy` may be d·x/(d·y) in a graph with a name d)."""
        text = _WRAP.sub(r"\1", str(text)[:MAX_NAME_CHARS]).strip()
        if not any(pat.match(text) for pat in _GRADS[:2]) or not re.search(r"\\partial|∂", text):
            return None
        found = self._fraction(text)
        shown = re.sub(r"\s+", " ", text)
        if found is not None:
            _, f, x = found
            if self.quantities[f].kind == "input":
                return "graph_answers.partial_of_input", {"node": f, "name": x}
            if f == x:
                return "graph_answers.partial_by_itself", {"node": f}
        return "graph_answers.no_partial", {"link": shown, "output": self.sol.problem.output}

    def product(self, text: str) -> list[str] | None:
        """A word that is no name of the graph but reads one way only as names of it written side by side
        (`qz` for q·z, `xsigy` for x·sigy, as books write a product), as those names; else None (a name
        the graph declares, `sigy`, is never split: qid finds it first). Words of at most MAX_PRODUCT_CHARS
        letters and digits, not a function's name."""
        text = str(text).strip()
        if not _WORD.fullmatch(text) or len(text) > MAX_PRODUCT_CHARS or text.lower() in _FUNCTION_WORDS:
            return None
        names = [n for n in self.quantities if n != text]
        ways: list[list[list[str]]] = [[[]]] + [[] for _ in text]     # ways[i]: splits of text[:i] (at most 2 kept)
        for i in range(1, len(text) + 1):
            for n in names:
                if len(n) <= i and text[i - len(n):i] == n:
                    ways[i].extend(w + [n] for w in ways[i - len(n)][:2])
            ways[i] = ways[i][:2]
        return ways[-1][0] if len(ways[-1]) == 1 and len(ways[-1][0]) > 1 else None

    def other_output(self, text: str) -> str | None:
        """The gradient id a left side would name with the graph's output on top (`dL/dq` where the output
        is f: grad_q), for a "did you mean ∂f/∂q?" hint; None when it is no gradient of a name of the graph."""
        text = _WRAP.sub(r"\1", str(text)[:MAX_NAME_CHARS]).strip()
        for pat in _GRADS:
            m = pat.match(text)
            if m:
                x = self._name(m.group("x"))
                return f"grad_{x}" if x is not None and f"grad_{x}" in self.ids else None
        return None

    def by_name(self, text: str) -> str | None:
        """The quantity a left side differentiates by, whatever is on top (`∂L/∂x`, `dE/dx_1`, `grad_x`, `dx`,
        `\\nabla_x L`): its name (x, for an entry x_1 too); None when the text is no gradient of a name of the graph."""
        text = _WRAP.sub(r"\1", str(text)[:MAX_NAME_CHARS]).strip()
        x = None
        if text.startswith("grad_"):
            x = text[len("grad_"):].strip("{} ")
        else:
            m = next((m for m in (pat.match(text) for pat in _GRADS) if m), None)
            if m is not None:
                x = m.group("x")
            elif _SHORT.match(text):
                x = text[1:]
        name = self._name(x) if x else None
        base = name.partition("_")[0] if name else None          # a quantity's name has no `_`: A_1_2 is A's
        return base if base in self.quantities else None

    def why_not(self, text: str) -> str | None:
        """Why a left side that names no item is not read, when it differentiates by an input that is not one
        of the parameters (`∂L/∂x`, `grad_x`, `dL/dt`: ∂L/∂x is no step of the solution): said as a sentence
        for the "not read" line; None for anything else."""
        name = self.by_name(text)
        if name is None or self.quantities[name].kind != "input" or name in self.sol.gradients:
            return None
        from ..messages import said
        params = ", ".join(self.sol.problem.parameters)
        return said("graph_answers.not_parameter", name=name, parameters=params, output=self.sol.problem.output)

    def lookup(self, text: str) -> Found | None:
        qid = self.qid(text)
        return None if qid is None else Found(qid)

    def general_index(self, text: str) -> bool:
        """Whether a ∂-fraction is by an entry at an index letter of a vector or matrix of the graph, as a rule
        states it (the solution's own ⊙ note: ∂L/∂z_i = ∂L/∂h_i·∂h_i/∂z_i; ∂L/∂W_{ij}): no item, and no hint
        (as read._general_index for a network's ∂L/∂net_j). A letter that is itself a name of the graph is no
        index letter."""
        text = _WRAP.sub(r"\1", str(text)[:MAX_NAME_CHARS]).strip()
        for pat in _GRADS[:2]:
            m = pat.match(text)
            if m is None:
                continue
            x = _INDEXED.match(m.group("x").strip())
            if x is None or x.group("base") not in self.quantities or self.quantities[x.group("base")].shape == ():
                return False
            letters = re.findall(r"[a-z]", x.group("braced") or x.group("bare"))
            return not any(letter in self.quantities for letter in letters)
        return False

    def suggest(self, text: str) -> list[str]:
        """The names of the items closest to a left side that names none, for a "did you mean …?" hint, as the
        solution writes them: a gradient written with another letter on top (`∂E/∂b_1` where the output is L:
        ∂L/∂b1), the loss written with another letter (`E`: L), else the closest ids (∂L/∂L, no item, left out)."""
        text = str(text).strip()
        other = self.other_output(text)
        output = self.sol.problem.output
        if other is not None:
            return [item_name(other, self.sol)]
        if _OTHER_LOSS.fullmatch(text) and text not in self.quantities and output in self.ids:
            return [item_name(output, self.sol)]
        close = difflib.get_close_matches(text, sorted(self.ids - {f"grad_{output}"}), n=2)
        return [item_name(c, self.sol) for c in close]

    def readings(self, text: str) -> list[str]:
        """The names an ambiguous name could mean (as NameTable.readings): none, a graph's names are its
        nodes' and parameters' own, each read one way."""
        return []


def item_name(qid: str, sol: GraphSolution) -> str:
    """An item's name as the graph's solution writes it, for a report: `q`, `θ_0` (theta0), `∂L/∂y`
    (grad_y), `b_1` and `∂L/∂b_1` for a vector's entry, `A_{12}` and `∂L/∂A_{12}` for a matrix's (an
    index above 9 written `A_{1,10}`); an id of no quantity of the graph is its own name."""
    quantities = {q.name for q in sol.problem.quantities}
    if qid.startswith("grad_") and qid[len("grad_"):].partition("_")[0] in quantities:
        top = sol.problem.output
        return f"∂{greek.text(top) or top}/∂{item_name(qid[len('grad_'):], sol)}"
    base, _, index = qid.partition("_")
    if base not in quantities:
        return qid
    shown = greek.text(base) or base
    if not index:
        return shown
    if "_" in shown or not all(p.isdigit() for p in index.split("_")) or index.count("_") > 1:
        return qid                                   # θ_1's entry, or no entry id: the id itself
    parts = index.split("_")
    sub = "".join(parts) if all(len(p) == 1 for p in parts) else ",".join(parts)
    return f"{shown}_{sub}" if len(sub) == 1 else f"{shown}_{{{sub}}}"


MAX_MATRIX_LINES = 16         # lines one matrix or list written over several lines may span
_END = re.compile(r"\\end\s*\{\s*[pbBvV]?matrix\s*\}")
_OPEN_LIST = re.compile(r"(?:=|≈|\\approx)\s*\[")


def _open(line: str) -> bool:
    """Whether a line leaves a matrix open: a `\\begin{…matrix}` not ended on it, or a list `= [[1, 2],`
    whose brackets do not close."""
    if len(_BEGIN.findall(line)) > len(_END.findall(line)):
        return True
    return bool(_OPEN_LIST.search(line)) and line.count("[") > line.count("]")


def matrices_in_lines(lines: list[str], record: dict[str, str] | None = None) -> list[str]:
    """The write-up's lines with each matrix or list written over several lines (`\\begin{bmatrix} 1 & 2
    \\\\` then `3 & 4 \\end{bmatrix}`; `= [[1, 2],` then `[3, 4]]`) joined onto its first line (the lines
    after it left blank, so that line numbers stay), then every matrix as a list (matrices_as_lists).
    A matrix still open after MAX_MATRIX_LINES lines, or longer than MAX_LIST_CHARS, is left as written.
    `record`: filled with each list made -> the matrix as written (as_written_matrices says a text so)."""
    out = list(lines)
    i = 0
    while i < len(out):
        if _open(out[i]):
            joined = out[i]
            for j in range(i + 1, min(i + MAX_MATRIX_LINES, len(out))):
                joined += " " + out[j].strip()
                if len(joined) > MAX_LIST_CHARS + len(out[i]):
                    break
                if not _open(joined):
                    out[i] = joined
                    for k in range(i + 1, j + 1):
                        out[k] = ""
                    i = j
                    break
        i += 1
    return [matrices_as_lists(line, record) for line in out]


# the shape a worked solution notes after a matrix, `\ (3\times1)` (also `(3×1)`, `\,(3 \times 1)`)
_SHAPE_NOTE = re.compile(r"\s{0,4}(?:\\[ ,;:]|\\quad|~)?\s{0,4}"
                         r"\(\s{0,4}(\d{1,2})\s{0,4}(?:\\times|×)\s{0,4}(\d{1,2})\s{0,4}\)")


# a list with its rows separated by `;`, as `solve` prints a matrix (`[1, 2; 3, 4]`, a column `[1; 2]`);
# `\;` is a space, not a row's end
_ROWS_LIST = re.compile(r"\[(?=[^\[\]]*(?<!\\);)([^\[\]]*)\]")
_ROW_END = re.compile(r"(?<!\\);")


def _rows_as_lists(line: str, record: dict[str, str] | None = None) -> str:
    """Each `[a, b; c, d]` of a line (rows separated by `;`, entries by `,`, as `solve`'s text prints a
    matrix; a column `[a; b]`) as `[[a, b], [c, d]]`, and a shape note right after it dropped when it is
    its own shape. An empty row (`[1, 2;]`) stays empty, so the list is not read."""
    out, done = [], 0
    for n, m in enumerate(_ROWS_LIST.finditer(line)):
        if n >= MAX_MATRICES or len(m.group(1)) > MAX_LIST_CHARS:
            break
        rows = [[c.strip() for c in split_top_level(r, ",")] for r in _ROW_END.split(m.group(1))]
        out.append(line[done:m.start()])
        out.append("[" + ", ".join("[" + ", ".join(r) + "]" for r in rows) + "]")
        _remember(record, out[-1], m.group(0))
        done = m.end()
        note = _SHAPE_NOTE.match(line, done)
        if note is not None and (int(note.group(1)), int(note.group(2))) == (len(rows), len(rows[0])):
            done = note.end()
    return "".join(out) + line[done:]


def matrices_as_lists(line: str, record: dict[str, str] | None = None) -> str:
    """Each `\\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix}` of a line as `[[a, b], [c, d]]` (a row
    vector `[[a, b]]`), and each `[a, b; c, d]` as `solve` prints a matrix likewise (`[a; b]` a column
    `[[a], [b]]`), so that the write-up reader's row splitting leaves it whole. A shape note right
    after it that is its own shape (`\\ (3\\times1)`, `(2×2)`, as the worked solution writes it) is dropped: it
    says nothing the entries do not; a note of another shape stays, and the line is not read. `record`: filled
    with each list made -> the matrix as written."""
    if ";" in line and "[" in line:
        line = _rows_as_lists(line, record)
    if "matrix" not in line:
        return line
    out, done = [], 0
    for n, m in enumerate(_BEGIN.finditer(line)):
        if n >= MAX_MATRICES:
            break
        if m.start() < done:
            continue
        close = f"\\end{{{m.group(1)}}}"
        end = line.find(close, m.end(), m.end() + MAX_LIST_CHARS)       # one search per matrix: linear
        if end < 0:
            continue
        rows = [r for r in line[m.end():end].split("\\\\") if r.strip()]
        out.append(line[done:m.start()])
        out.append("[" + ", ".join("[" + ", ".join(c.strip() for c in r.split("&")) + "]" for r in rows) + "]")
        done = end + len(close)
        _remember(record, out[-1], line[m.start():done])
        note = _SHAPE_NOTE.match(line, done)          # the worked solution's `\ (3\times1)` after a matrix
        shape = (len(rows), len(rows[0].split("&"))) if rows else None
        if note is not None and (int(note.group(1)), int(note.group(2))) == shape:
            done = note.end()
    return "".join(out) + line[done:]


MAX_RECORDED = 4096           # matrices of one write-up remembered as written (more: shown as lists)


def _remember(record: dict[str, str] | None, listed: str, written: str) -> None:
    """`record[listed] = written` (the first spelling of a list kept), within MAX_RECORDED."""
    if record is not None and listed != written and (listed in record or len(record) < MAX_RECORDED):
        record.setdefault(listed, written)


def as_written_matrices(text: str, record: dict[str, str]) -> str:
    """`text` (a write-up's text as read, its matrices as lists) with each list that `record` holds written as
    the student wrote it (`\\begin{bmatrix}1 \\\\ -2\\end{bmatrix}`, `[1; -2]`), for a report that quotes them;
    the text itself when it holds none."""
    if not record or "[" not in text:
        return text
    found = sorted((k for k in record if k in text), key=len, reverse=True)
    if not found:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in found))
    return pattern.sub(lambda m: record[m.group(0)], text)


def bracket_list(text: str) -> list | None:
    """`[1, 2]` or `[[1, 2], [3, 4]]` (an answer's text) as a list of (lists of) entry texts; None when
    the text is no such list. Commas inside braces or parentheses (`\\max(1, 2)`, `1{,}5`) stay. A matrix
    written as `solve` prints it (`[1, 2; 3, 4]`, `[1; 2]`) or in LaTeX (`\\begin{pmatrix} 1 \\\\ 2
    \\end{pmatrix}`) is read as its rows (matrices_as_lists); a shape note after the list (`(2×2)`) is
    dropped when it is the list's own shape (a flat list of n: n×1 or 1×n), else the text is no list."""
    text = text.strip()
    if len(text) > MAX_LIST_CHARS:
        return None
    text = matrices_as_lists(text).strip()
    note = None
    if not text.endswith("]") and text.startswith("["):
        end = text.rfind("]") + 1
        note = _SHAPE_NOTE.fullmatch(text, end) if end > 0 else None
        if note is None:
            return None
        text = text[:end]
    if not (text.startswith("[") and text.endswith("]")):
        return None
    result = _bracket_rows(text)
    if note is None or result is None:
        return result
    shape = (int(note.group(1)), int(note.group(2)))
    if result and all(isinstance(r, list) for r in result):
        own = {(len(result), len(result[0]))} if len({len(r) for r in result}) == 1 else set()
    else:
        own = {(len(result), 1), (1, len(result))}
    return result if shape in own else None


def _bracket_rows(text: str) -> list | None:
    """`[1, 2]` or `[[1, 2], [3, 4]]` (stripped, bracketed) as a list of (lists of) entry texts, or None."""

    def items(inner: str) -> list[str]:
        return [p.strip() for p in split_top_level(inner, ",")]

    outer = items(text[1:-1])
    if len({c.startswith("[") for c in outer}) > 1:        # rows and entries mixed: no matrix
        return None
    result: list = []
    for cell in outer:
        if cell.startswith("[") and cell.endswith("]"):
            inner = items(cell[1:-1])
            if any(c.startswith("[") or not c for c in inner):
                return None
            result.append(inner)
        elif cell and "[" not in cell:
            result.append(cell)
        else:
            return None
    return result
