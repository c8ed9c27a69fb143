"""Presentation MathML of the LaTeX our printers write (printing.LatexPrinter and the rule builders),
so that an HTML page shows each step exactly as the LaTeX output does (same names, order and
precision) and browsers typeset it natively, with no script and no font download.

It reads only the small LaTeX subset those printers emit (fractions, scripts, \\left…\\right,
\\sum, Greek letters, \\mathrm/\\operatorname/\\text, bmatrix and cases); anything else is shown
as its source in an <mtext>, never dropped, and listed in `Converter.unknown`. Every character of
the input ends up escaped: the result is always well-formed XML.
"""
from __future__ import annotations

import re
from html import escape

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[0-9]+(?:\.[0-9]+)?(?:e[+-][0-9]+)?|\s+|.", re.S)
_SYMBOLS = {  # command: (element, character)
    **{g: ("mi", c) for g, c in zip(
        ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi "
         "rho sigma tau upsilon phi varphi chi psi omega").split(), "αβγδεεζηθϑικλμνξπρστυφϕχψω")},
    **{g: ("mi", c) for g, c in zip("Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split(),
                                    "ΓΔΘΛΞΠΣΥΦΨΩ")},
    "partial": ("mi", "∂"), "nabla": ("mi", "∇"), "infty": ("mi", "∞"), "ell": ("mi", "ℓ"),
    "cdot": ("mo", "·"), "times": ("mo", "×"), "approx": ("mo", "≈"), "to": ("mo", "→"),
    "top": ("mi", "⊤"), "leq": ("mo", "≤"), "geq": ("mo", "≥"), "neq": ("mo", "≠"), "le": ("mo", "≤"),
    "ge": ("mo", "≥"), "pm": ("mo", "±"), "odot": ("mo", "⊙"), "circ": ("mo", "∘"), "in": ("mo", "∈"),
    "sum": ("mo", "∑"), "prod": ("mo", "∏"), "mid": ("mo", "|"), "lbrace": ("mo", "{"), "rbrace": ("mo", "}"),
    "{": ("mo", "{"), "}": ("mo", "}"), "|": ("mo", "‖"), "%": ("mo", "%"), "&": ("mo", "&"),
    "_": ("mi", "_"), "#": ("mo", "#"), "$": ("mo", "$"),
}
_FUNCTIONS = set("log ln exp tanh sinh cosh sin cos tan max min arg sgn det".split())
_SPACES = {",": "0.1667em", ":": "0.2222em", ";": "0.2778em", " ": "0.25em", "!": "0em",
           "quad": "1em", "qquad": "2em"}
_WORDS = {"mathrm", "operatorname", "text", "textrm", "mathit", "mathbf", "boldsymbol"}
_ACCENTS = {"hat": "^", "bar": "¯", "tilde": "~", "dot": "˙", "vec": "→"}
_LARGE = {"∑", "∏"}
MAX_DEPTH = 40           # nested groups; the deepest our printers write is far below


def _x(text: str) -> str:
    return escape(text, quote=True)


class Converter:
    """One conversion; `unknown` lists the commands it could only show as source."""

    def __init__(self, latex: str) -> None:
        self.tokens = [t for t in _TOKEN.findall(latex)]
        self.i = 0
        self.unknown: list[str] = []
        self.depth = 0

    # -- tokens -------------------------------------------------------------------------------
    def peek(self, skip_space: bool = True) -> str | None:
        while skip_space and self.i < len(self.tokens) and self.tokens[self.i].isspace():
            self.i += 1
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str | None:
        t = self.peek()
        if t is not None:
            self.i += 1
        return t

    def raw_group(self) -> str:
        """The source text of a braced group (for \\text and \\begin names), spaces kept."""
        if self.peek() != "{":
            t = self.take()
            return t or ""
        self.i += 1
        depth, out = 1, []
        while self.i < len(self.tokens):
            t = self.tokens[self.i]
            self.i += 1
            if t == "{":
                depth += 1
            elif t == "}":
                depth -= 1
                if depth == 0:
                    break
            out.append(t)
        return "".join(out)

    # -- grammar ------------------------------------------------------------------------------
    def sequence(self, stop: tuple[str, ...] = ()) -> list[str]:
        """Nodes until a token in `stop` (not consumed) or the end. Groups nested deeper than
        MAX_DEPTH (never printed by us; a student's answer could be) are shown as their source."""
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                rest = "".join(self.tokens[self.i:])
                self.i = len(self.tokens)
                self.unknown.append(f"nesting deeper than {MAX_DEPTH}")
                return [f"<mtext>{_x(rest)}</mtext>"]
            return self._sequence(stop)
        finally:
            self.depth -= 1

    def _sequence(self, stop: tuple[str, ...]) -> list[str]:
        nodes: list[str] = []
        while True:
            t = self.peek()
            if t is None or t in stop:
                return nodes
            if t in ("_", "^"):
                self.i += 1
                base = nodes.pop() if nodes else "<mrow></mrow>"
                nodes.append(self.scripts(base, t))
                continue
            if t == "'":
                self.i += 1
                base = nodes.pop() if nodes else "<mrow></mrow>"
                nodes.append(base)
                nodes.append('<mo lspace="0" rspace="0">′</mo>')
                continue
            if t == "}":            # a stray closing brace: shown, never loops
                self.i += 1
                nodes.append("<mo>}</mo>")
                continue
            nodes.append(self.atom())

    def scripts(self, base: str, first: str) -> str:
        sub = sup = None
        which = first
        while True:
            arg = self.argument()
            if which == "_":
                sub = arg
            else:
                sup = arg
            nxt = self.peek()
            if nxt in ("_", "^") and (sub if nxt == "_" else sup) is None:
                self.i += 1
                which = nxt
                continue
            break
        large = any(f"<mo>{c}</mo>" == base for c in _LARGE)
        if sub is not None and sup is not None:
            tag = "munderover" if large else "msubsup"
            return f"<{tag}>{base}{sub}{sup}</{tag}>"
        if sub is not None:
            tag = "munder" if large else "msub"
            return f"<{tag}>{base}{sub}</{tag}>"
        tag = "mover" if large else "msup"
        return f"<{tag}>{base}{sup}</{tag}>"

    def argument(self) -> str:
        """One argument: a braced group or a single atom, as one node."""
        if self.peek() == "{":
            self.i += 1
            inner = self.sequence(("}",))
            self.take()
            return _row(inner)
        if self.peek() is None:
            return "<mrow></mrow>"
        return self.atom()

    def atom(self) -> str:
        t = self.take()
        assert t is not None
        if t == "{":
            inner = self.sequence(("}",))
            self.take()
            return _row(inner)
        if t[0].isdigit():
            return f"<mn>{t}</mn>"
        if t.isalpha() and len(t) == 1:
            return f"<mi>{_x(t)}</mi>"
        if t.startswith("\\") and len(t) >= 2:
            return self.command(t[1:])
        if t in "()[]":                   # a bracket outside \\left…\\right keeps its size, as in LaTeX
            return f'<mo stretchy="false">{t}</mo>'
        if t in "+-=<>,;:()[]/|!.*?@~\"" or not t.isalnum():
            return f"<mo>{_x('−' if t == '-' else t)}</mo>" if t != "&" else "<mo>&amp;</mo>"
        return f"<mi>{_x(t)}</mi>"

    def command(self, name: str) -> str:
        if name in _SPACES:
            return f'<mspace width="{_SPACES[name]}"></mspace>'
        if name in _SYMBOLS:
            tag, ch = _SYMBOLS[name]
            return f"<{tag}>{_x(ch)}</{tag}>"
        if name in _FUNCTIONS:
            return f"<mi>{name}</mi>"
        if name == "frac":
            return f"<mfrac>{self.argument()}{self.argument()}</mfrac>"
        if name in ("sqrt",):
            return f"<msqrt>{self.argument()}</msqrt>"
        if name in _WORDS:
            words = _plain(self.raw_group())
            if name.startswith("text"):
                return f"<mtext>{_x(words)}</mtext>"
            if name == "mathit":            # a graph's name of several letters (sigy): one italic symbol
                return f"<mi>{_x(words)}</mi>" if len(words) == 1 else f'<mi mathvariant="italic">{_x(words)}</mi>'
            return f'<mi mathvariant="normal">{_x(words)}</mi>' if len(words) == 1 else f"<mi>{_x(words)}</mi>"
        if name in _ACCENTS:
            return f'<mover accent="true">{self.argument()}<mo>{_ACCENTS[name]}</mo></mover>'
        if name == "left":
            return self.fenced()
        if name == "begin":
            return self.environment(self.raw_group())
        if name in ("right", "end"):          # unbalanced: shown as written
            self.unknown.append("\\" + name)
            return f"<mtext>\\{_x(name)}</mtext>"
        if name == "\\":
            return '<mspace linebreak="newline"></mspace>'
        self.unknown.append("\\" + name)
        return f"<mtext>\\{_x(name)}</mtext>"

    def delimiter(self, stretchy: bool = True) -> str:
        t = self.take() or "."
        if t.startswith("\\"):
            t = {"\\{": "{", "\\}": "}", "\\lbrace": "{", "\\rbrace": "}", "\\|": "‖", "\\langle": "⟨",
                 "\\rangle": "⟩"}.get(t, t)
        if t == ".":
            return ""
        return f"<mo>{_x(t)}</mo>" if stretchy else f'<mo stretchy="false">{_x(t)}</mo>'


    def fenced(self) -> str:
        """\\left…\\right: fences that grow only around something tall (a fraction, a table, a sum with
        limits), as LaTeX's do; a stretchy fence around one line is spaced oddly by some math fonts."""
        start = self.i
        self.delimiter()
        inner = self.sequence(("\\right",))
        closed = self.take() == "\\right"
        end = self.i
        tall = any(tag in "".join(inner) for tag in ("<mfrac", "<mtable", "<munder", "<mover"))
        self.i = start
        opening = self.delimiter(tall)
        self.i = end
        if closed:
            closing = self.delimiter(tall)
        else:
            closing = ""
            self.unknown.append("\\left without \\right")
        return f"<mrow>{opening}{_row(inner)}{closing}</mrow>"

    def environment(self, env: str) -> str:
        rows: list[list[str]] = [[]]
        while True:
            cell = self.sequence(("&", "\\\\", "\\end"))
            rows[-1].append(_row(cell))
            t = self.take()
            if t == "&":
                continue
            if t == "\\\\":
                rows.append([])
                continue
            if t == "\\end":
                self.raw_group()
            break
        if rows and rows[-1] == ["<mrow></mrow>"]:
            rows.pop()
        align = ' columnalign="left"' if env == "cases" else ""
        table = f"<mtable{align}>" + "".join(
            "<mtr>" + "".join(f"<mtd>{c}</mtd>" for c in row) + "</mtr>" for row in rows) + "</mtable>"
        if env == "cases":
            return f"<mrow><mo>{{</mo>{table}</mrow>"
        fences = {"bmatrix": ("[", "]"), "pmatrix": ("(", ")"), "vmatrix": ("|", "|")}.get(env)
        if fences is None:
            return table
        return f"<mrow><mo>{fences[0]}</mo>{table}<mo>{fences[1]}</mo></mrow>"


def _plain(source: str) -> str:
    """The words of a \\text group: escapes undone (\\_ → _), braces dropped."""
    source = re.sub(r"\\textbackslash\{\}", "\\\\", source)
    source = re.sub(r"\\([_%&#${}])", r"\1", source)
    source = re.sub(r"\\[,:;! ]", " ", source)
    return source.replace("{", "").replace("}", "")


def _row(nodes: list[str]) -> str:
    return nodes[0] if len(nodes) == 1 else "<mrow>" + "".join(nodes) + "</mrow>"


def mathml_row(latex: str) -> tuple[str, list[str]]:
    """One LaTeX expression as a MathML node (no <math> around it), and the commands it could not read."""
    conv = Converter(latex)
    nodes = conv.sequence()
    return _row(nodes), conv.unknown


def math(nodes: list[str], alttext: str = "", display: bool = False) -> str:
    """A <math> element around MathML nodes; `alttext`: the plain-text form (screen readers, search)."""
    attrs = ' display="block"' if display else ""
    if alttext:
        attrs += f' alttext="{_x(alttext)}"'
    return f'<math xmlns="http://www.w3.org/1998/Math/MathML"{attrs}>' + "".join(nodes) + "</math>"


_RELATIONS = {"=": "=", r"\approx": "≈", "≈": "≈", "&": ""}


def links_mathml(links: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """The MathML nodes of a step's LaTeX links (render/steps.step_links): `a = b ≈ c`."""
    nodes: list[str] = []
    unknown: list[str] = []
    for rel, expr in links:
        if rel:
            nodes.append(f"<mo>{_x(_RELATIONS.get(rel, rel))}</mo>")
        node, bad = mathml_row(expr)
        nodes.append(node)
        unknown += bad
    return nodes, unknown
