"""The words of a solution: section titles, part headings and convention statements, from the message
catalogue of the language (symbackprop/messages), with the mathematics in them typeset once per format:
plain text as written; LaTeX and Markdown with each symbol in $…$; HTML with each symbol as MathML,
which browsers set in italics.

A catalogue template marks a symbol of its own words *i* (messages.MARK); a field that is mathematics
is given as a `Sym` (its plain text and its LaTeX), one that names what to write in a file as a `Code`.
Everything else is words, escaped for each format. No format looks at the language.

The lecture is Chinese with English terms, so the Chinese catalogue keeps them (前向计算/Forward).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..document import Text
from ..greek import LATEX_LETTERS
from ..messages import REFERENCE, catalogue, marked, msg
from ..notation import learning_rate_name
from ..printing import format_given, format_value
from ..problem import UNNAMED_FORMULA
from ..solution import Note, PartSolution

# a Greek letter's LaTeX macro (greek.py's table, read backwards), and ∂
_GREEK = {letter: "\\" + name for name, letter in LATEX_LETTERS.items()} | {"∂": r"\partial"}
_TOKEN = re.compile("\ue000([0-9]+)\ue001")      # a `Sym` or `Code` inside the words, by its index
_TOKEN_CHARS = re.compile("[\ue000\ue001]")
# an operator alone between two pieces of mathematics ({bias} = {value}): the two are one formula, one span
_JOIN = re.compile(r" ?(=|≈|<|>|≤|≥|\+|−|×|·) ?")
_JOIN_LATEX = {"=": "=", "≈": r"\approx", "<": "<", ">": ">", "≤": r"\le", "≥": r"\ge", "+": "+", "−": "-",
               "×": r"\times", "·": r"\cdot"}


@dataclass(frozen=True)
class Sym:
    """Mathematics inside prose: as plain text (δ_j = ∂J/∂net_j) and as LaTeX math, without $."""

    plain: str
    latex: str


@dataclass(frozen=True)
class Code:
    """What the reader writes in a file (a setting's name): a code span in Markdown and HTML.
    `typewriter`: in LaTeX too (\\texttt, a gradient's id in a graph's check), not words."""

    text: str
    typewriter: bool = False
    breakable: bool = False          # LaTeX may break the line after an underscore (weight_decay at a line's end)


def symbol(plain: str) -> Sym:
    """A marked symbol of a template (i, δ, x_i, w_ij, g'(0)) with its LaTeX: Greek letters as macros,
    a subscript of several characters braced."""
    base, _, sub = plain.partition("_")
    latex = "".join(_GREEK.get(c, c) + (" " if c in _GREEK and i + 1 < len(base) and base[i + 1].isalpha() else "")
                    for i, c in enumerate(base))
    if sub:
        latex += f"_{{{sub}}}" if len(sub) > 1 else f"_{sub}"
    return Sym(plain, latex)


def _piece(piece, fmt: str) -> str:
    """One `Sym` or `Code` in format `fmt`."""
    if isinstance(piece, Code):
        if fmt == "latex":                 # as words: a LaTeX fragment uses amsmath's macros only
            from .latex import tex_escape
            text = tex_escape(piece.text)
            if piece.breakable:
                text = text.replace(r"\_", r"\_\allowbreak{}")
            return rf"\texttt{{{text}}}" if piece.typewriter else text
        if fmt == "markdown":
            from .mdtext import md_code
            return md_code(piece.text)
        return f"<code>{html.escape(piece.text)}</code>" if fmt == "html" else piece.text
    if fmt in ("latex", "markdown"):
        return f"${piece.latex}$"
    if fmt == "html":
        from .mathml import math, mathml_row
        return math([mathml_row(piece.latex)[0]], piece.plain)
    return piece.plain


def _words(text: str, fmt: str) -> str:
    """Words (the template's and the fields' text) escaped for `fmt`."""
    if not text:
        return text
    if fmt == "latex":
        from .latex import tex_escape
        return tex_escape(text)
    if fmt == "markdown":
        from .markdown import md_words
        return md_words(text)
    return html.escape(text, quote=False) if fmt == "html" else text


def typeset(raw: str, pieces, fmt: str) -> str:
    """`raw` (words with tokens standing for `pieces`) in format `fmt`."""
    out, at = [], 0
    for m in _TOKEN.finditer(raw):
        out += [_words(raw[at:m.start()], fmt), _piece(pieces[int(m.group(1))], fmt)]
        at = m.end()
    out.append(_words(raw[at:], fmt))
    return "".join(out)


def one_span(raw: str, pieces) -> tuple[str, list]:
    """`raw` and `pieces` with each run of pieces of mathematics that only an operator separates
    (`{bias} = {value}`, `*g'(0)* = {g0}`) made one piece: one formula is one maths span in every
    format ($x_{0} = -1$, not $x_{0}$ = $-1$). The plain text is unchanged."""
    parts = _TOKEN.split(raw)                  # words, index, words, index, ..., words
    out_raw, out = [parts[0]], []
    for k in range(1, len(parts), 2):
        piece, between = pieces[int(parts[k])], out_raw[-1]
        join = _JOIN.fullmatch(between)
        if (join and out and len(out_raw) > 1 and isinstance(piece, Sym) and isinstance(out[-1], Sym)):
            prev = out[-1]
            out[-1] = Sym(prev.plain + between + piece.plain,
                          f"{prev.latex} {_JOIN_LATEX[join.group(1)]} {piece.latex}")
            out_raw.pop()                      # the operator's words, now inside the formula
        else:
            out_raw.append(f"\ue000{len(out)}\ue001")
            out.append(piece)
        out_raw.append(parts[k + 1])
    return "".join(out_raw), out


class Prose(Text):
    """`Text` whose LaTeX, Markdown and HTML forms are typeset when a renderer asks for them, so that
    plain text and JSON import no other format's module."""

    def __init__(self, raw: str, pieces: list) -> None:   # noqa: D107 (Text's fields, set once)
        raw, pieces = one_span(raw, pieces)
        object.__setattr__(self, "plain", typeset(raw, pieces, "text"))
        object.__setattr__(self, "_raw", raw)
        object.__setattr__(self, "_pieces", tuple(pieces))

    @property
    def latex(self) -> str:  # type: ignore[override]
        return typeset(self._raw, self._pieces, "latex")

    @property
    def markdown(self) -> str:  # type: ignore[override]
        return typeset(self._raw, self._pieces, "markdown")

    @property
    def html(self) -> str:  # type: ignore[override]
        return typeset(self._raw, self._pieces, "html")


def sentence(lang: str, key: str, **fields: object) -> Text:
    """Message `key` in `lang` as `Text` in every format: its marked symbols and its `Sym` fields as
    mathematics, its `Code` fields as code, a `Prose` field (a sentence inside it) as that sentence,
    every other field as words."""
    pieces: list = []

    def token(piece) -> str:
        pieces.append(piece)
        return f"\ue000{len(pieces) - 1}\ue001"

    def nested(v: Prose) -> str:             # a sentence inside a sentence: its pieces become ours
        return _TOKEN.sub(lambda m: token(v._pieces[int(m.group(1))]), v._raw)

    # a word field (a part's name from the problem file) cannot hold a token's characters
    filled = {k: nested(v) if isinstance(v, Prose) else token(v) if isinstance(v, (Sym, Code)) else
              _TOKEN_CHARS.sub("\ufffd", v) if isinstance(v, str) else v for k, v in fields.items()}
    return Prose(marked(lang, key, lambda s: token(symbol(s)), **filled), pieces)


_SCIENTIFIC = re.compile(r"(-?)([0-9]+(?:\.[0-9]+)?)e([+-][0-9]+)")
_NET = re.compile(r"net_([A-Za-z0-9]+)(?:\^\(([0-9]+)\))?")


def number_sym(shown: str) -> Sym:
    """A number as the check prints it (`3.7e-42`, `1e-06`, `1.0e-05`, `0.5`, `inf`) as mathematics: plain as
    printed, LaTeX with the power of ten written out and the mantissa's digits as printed (3.7 \\times
    10^{-42}, 1.0 \\times 10^{-5}; a bare 1 is left out: 10^{-6}; 0.0e+00 is 0; inf is \\infty). derive's
    check line and the gradient check both print their differences with it."""
    m = _SCIENTIFIC.fullmatch(shown)
    if m is None:
        special = {"inf": r"\infty", "-inf": r"-\infty", "nan": r"\mathrm{NaN}"}.get(shown.lower())
        return Sym(shown, special or shown)
    sign, mantissa, exponent = m.group(1), m.group(2), int(m.group(3))
    if float(mantissa) == 0:
        return Sym(shown, "0")
    power = f"10^{{{exponent}}}"
    return Sym(shown, sign + (power if mantissa == "1" else rf"{mantissa} \times {power}"))


def net_sym(name: str) -> Sym:
    """A unit's net input as the gradient check names it (net_4, net_4^(3) for sample 3) as mathematics,
    as the steps write it (\\mathrm{net}_{4}); another name stays words in \\text."""
    m = _NET.fullmatch(name)
    if m is None:
        from .latex import tex_escape
        return Sym(name, rf"\text{{{tex_escape(name)}}}")
    sample = f"^{{({m.group(2)})}}" if m.group(2) else ""
    return Sym(name, rf"\mathrm{{net}}_{{{m.group(1)}}}{sample}")


def joined_syms(syms: list[Sym], sep: str = ", ") -> Sym:
    """Several pieces of mathematics as one list."""
    return Sym(sep.join(s.plain for s in syms), sep.join(s.latex for s in syms))


def name_words(kind: str, name: str, lang: str) -> str:
    """A built-in loss or activation (`kind`: loss, activation) named in words ("half squared error"
    for half_squared_error); a name the problem file gave its own formula stays as it is written."""
    key = f"name.{kind}.{name}"
    return msg(lang, key) if key in catalogue(REFERENCE) else name


def indented(text: Prose, spaces: int = 2) -> Prose:
    """`text` after `spaces` spaces (a line under another in the plain text, as the check's details)."""
    return Prose(" " * spaces + text._raw, list(text._pieces))


def section_title(section: str, lang: str) -> Text:
    """The heading of a section of steps (given, forward, loss, output, hidden, updated)."""
    return sentence(lang, f"section.{section}")




def formula_sym(text: str, kind: str = "activation") -> Sym:
    """An activation formula of x (`kind` activation) or a loss formula of u and t (`kind` loss) as
    mathematics, its decimals as written (`abs(x)` is |x|, 1.7159·tanh(2·x/3), (u - t)²/2)."""
    from ..activations import X
    from ..formula import WRITTEN_PREFIX, Formula, Value
    from ..loss_formula import T, U
    from ..printing import print_latex, print_text
    variables = {"u": Value(U), "t": Value(T)} if kind == "loss" else {"x": Value(X)}
    g = Formula(text).as_written(variables).expr
    names = {s: s.name[len(WRITTEN_PREFIX):] if s.name.startswith(WRITTEN_PREFIX) else s.name for s in g.free_symbols}
    return Sym(print_text(g, names), print_latex(g, names))


def _activation_list(activations, lang: str) -> Prose:
    """The part's activations in order, each once (`sigmoid → identity`): a built-in's words, a named
    formula's name, and an unnamed formula as its formula (|x|), not the default name "formula"."""
    pieces: list = []
    words = []
    for name, text in dict.fromkeys((a.name, a.formula.text if a.formula is not None else None) for a in activations):
        if text is not None and name == UNNAMED_FORMULA:
            words.append(f"\ue000{len(pieces)}\ue001")
            pieces.append(formula_sym(text))
        else:
            words.append(_TOKEN_CHARS.sub("\ufffd", name_words("activation", name, lang)))
    return Prose(" → ".join(words), pieces)


def loss_words(part, lang: str) -> str | Sym:
    """The part's loss as the heading and sentences name it: a built-in's words, a named formula's
    name, and an unnamed formula loss as its formula ((u − t)²/2), not the default name "formula"."""
    row = getattr(part, "loss_formula", None)
    if row is not None and part.loss == UNNAMED_FORMULA and row.written:
        return formula_sym(row.written, "loss")
    return name_words("loss", part.loss, lang)


def no_learning_rate(psol) -> bool:
    """Whether the part's optimizer has no learning rate (the lecture's AdaDelta, Ruder's): no η is stated."""
    run = getattr(psol, "run", None)
    return run is not None and "lr" not in run.training.values


def part_heading(psol: PartSolution, lang: str, precision: int) -> Text:
    """`Part xor: activation sigmoid, loss half squared error, η = 0.5`, in `lang`."""
    part = psol.part
    acts = _activation_list(part.activations, lang)
    if no_learning_rate(psol):                  # the lecture's AdaDelta: no η to state
        return sentence(lang, "solution.part_heading_no_lr", name=psol.name, activations=acts,
                        loss=loss_words(part, lang))
    eta = format_given(part.learning_rate, precision)[0]       # given: shown as written
    return sentence(lang, "solution.part_heading", name=psol.name, activations=acts,
                    loss=loss_words(part, lang),
                    eta=Sym(f"{learning_rate_name(part.notation, False)} = {eta}",
                            f"{learning_rate_name(part.notation, True)} = {eta}"))


def _threshold(d: dict, names, idx: str) -> Sym:
    """θ_j, and where the solution prints the thresholds as weights (not named θ), which weight it is:
    `θ_j = w_{0j}` in the file's order, so that the note's θ_j is found in the steps."""
    if all(names.text[s].startswith("θ") for s in d.get("thresholds", ())):
        return Sym("θ_j", r"\theta_j")
    b = str(d["unit"])
    sep = "" if len(b) == 1 else ","
    sub = f"{b}{sep}j" if idx == "ij" else f"j{sep}{b}"
    return Sym(f"θ_j = w_{{{sub}}}", rf"\theta_j = w_{{{sub}}}")


def note(psol: PartSolution, n: Note, lang: str, names=None) -> Text:
    """One convention as a sentence, its mathematics typeset in every format; `names`: those the
    solution is printed in (render/build.tied_names), the solution's own by default."""
    J = psol.part.notation.loss_symbol
    names = psol.names if names is None else names

    def name(s) -> Sym:
        return Sym(names.text[s], names.latex[s])

    d = n.data
    if n.kind == "delta":
        minus = d["convention"] == "minus_dJ_dnet"
        delta = Sym(f"δ_j = {'−' if minus else ''}∂{J}/∂net_j",
                    rf"\delta_j = {'-' if minus else ''}\partial {J}/\partial \mathrm{{net}}_j")
        lr, lr_tex = learning_rate_name(psol.part.notation, False), learning_rate_name(psol.part.notation, True)
        update = Sym(f"Δw = −{lr}·∂{J}/∂w = {'+' if minus else '−'}{lr}·δ_j·x_i",
                     rf"\Delta w = -{lr_tex}\,\partial {J}/\partial w = {'+' if minus else '-'}{lr_tex}\,\delta_j x_i")
        if no_learning_rate(psol):              # no η (the lecture's AdaDelta): the gradient alone, no equation
            return sentence(lang, "note.delta_no_lr", delta=delta, which=msg(lang, f"convention.{d['convention']}"),
                            grad=Sym(f"{'−' if minus else ''}δ_j·x_i", rf"{'-' if minus else ''}\delta_j x_i"),
                            xi=Sym("x_i", "x_i"))
        return sentence(lang, "note.delta", delta=delta, which=msg(lang, f"convention.{d['convention']}"),
                        update=update, xi=Sym("x_i", "x_i"))
    if n.kind == "weights":
        idx = "ij" if d["order"] == "from_to" else "ji"
        return sentence(lang, "note.weights", w=Sym(f"w_{{{idx}}}", f"w_{{{idx}}}"))
    if n.kind == "batch":
        return sentence(lang, "note.batch", loss=Sym(J, J), reduction=msg(lang, f"reduction.{d['reduction']}"),
                        samples=d["samples"], dn=Sym("δ^(n)", r"\delta^{(n)}"))
    if n.kind == "bias":                 # bias_input: -1, the bias weights are thresholds θ_j
        x = names.latex[d["symbol"]]
        value = format_given(d["value"], 4)[0]
        idx = "ji" if psol.part.notation.weight == "to_from" else "ij"     # as the weights note writes w
        return sentence(lang, "note.bias_input", bias=Sym(names.text[d["symbol"]], x), value=Sym(value, value),
                        net=Sym(f"net_j = Σ_i w_{idx}·x_i − θ_j", rf"\mathrm{{net}}_j = \sum_i w_{{{idx}}} x_i - \theta_j"),
                        theta=_threshold(d, names, idx))
    if n.kind == "frozen":
        ws = joined_syms(list(dict.fromkeys(name(s) for s in d["weights"])))     # tied edges: their parameter once
        return sentence(lang, "note.frozen", zero=Sym("Δw = 0", r"\Delta w = 0"), weights=ws)
    if n.kind == "kink":
        where = joined_syms([Sym(f"{names.text[s]} = 0", f"{names.latex[s]} = 0") for s in d["nets"]])
        if d["activation"] == "relu":
            return sentence(lang, "note.relu_kink", gp=Sym("g'(0)", "g'(0)"), g0=Sym(*[format_given(d["g0"], 4)[0]] * 2),
                            setting=Code("relu_derivative_at_zero"), where=where)
        act = name_words("activation", d["activation"], lang)
        if d.get("formula"):            # g0: the value SymPy's derivative takes at the kink (formula activations only)
            g0 = format_value(d["g0"], 4)[0]
            if d["activation"] == UNNAMED_FORMULA:      # "the activation |x|", not "formula"
                return sentence(lang, "note.formula_kink_unnamed", act=formula_sym(d["text"]), g0=Sym(g0, g0),
                                where=where)
            return sentence(lang, "note.formula_kink", act=act, g0=Sym(g0, g0), where=where)
        return sentence(lang, "note.kink_left", act=act, where=where)
    if n.kind == "optimizer":           # issue 13: the update section is the optimizer's first step
        lr, lr_tex = learning_rate_name(psol.part.notation, False), learning_rate_name(psol.part.notation, True)
        return sentence(lang, "note.optimizer_update", name=Code(d["name"]), form=d["form"],
                        section=msg(lang, "section.optimizer"),
                        rule=Sym(f"Δw = −{lr}·∂{J}/∂w", rf"\Delta w = -{lr_tex}\,\partial {J}/\partial w"))
    if n.kind == "per_sample_first":    # issue 13: update per_sample, the solution is step 1's on sample 1
        return sentence(lang, "note.per_sample_first", samples=d["samples"], section=msg(lang, "section.optimizer"))
    if n.kind.startswith("dropout"):    # issue 14: dropout, one step by hand (dropout.py)
        return _dropout_note(psol, n, lang, names)
    raise KeyError(n.kind)


def _dropout_note(psol: PartSolution, n: Note, lang: str, names) -> Text:
    """Dropout's notes: the layer, p, scaling and mask; the dropped units' δ = 0; test time; why the scaling."""
    from ..notation import symbol
    a_text = psol.part.notation.activation_symbol
    a, ut = symbol(a_text, True), a_text + "\u0303"
    d = n.data
    if n.kind == "dropout_seed":
        draw = Sym(f"np.random.default_rng({d['seed']}).random((N, n)) < 1 − p",
                   rf"\texttt{{np.random.default\_rng({d['seed']}).random((N, n))}} < 1 - p")
        return sentence(lang, "note.dropout_seed", seed=d["seed"], draw=draw)
    if n.kind == "dropout_why":
        return sentence(lang, "note.dropout_why", keep=Sym("1 − p", "1 - p"), u=Sym(f"{a_text}_j", f"{a}_j"),
                        scaled=Sym(f"(1 − p)·{a_text}_j", rf"(1 - p)\,{a}_j"), em=Sym(
            f"E[m_j] = 1 − p, E[m_j·{a_text}_j] = (1 − p)·{a_text}_j, E[m_j·{a_text}_j/(1 − p)] = {a_text}_j",
            rf"\mathrm{{E}}[m_j] = 1 - p,\ \mathrm{{E}}[m_j {a}_j] = (1 - p)\,{a}_j,\ "
            rf"\mathrm{{E}}[m_j {a}_j/(1 - p)] = {a}_j"))
    if n.kind == "dropout_dropped":
        dropped = d["dropped"]
        return sentence(lang, "note.dropout_dropped",
                        m=joined_syms([Sym(f"{names.text[m]} = 0", f"{names.latex[m]} = 0") for m, _, _ in dropped]),
                        deltas=joined_syms([Sym(f"{names.text[dl]} = 0", f"{names.latex[dl]} = 0") for _, _, dl in dropped]))
    p_text, p_tex = names.text[d["p_symbol"]], names.latex[d["p_symbol"]]
    if n.kind == "dropout_test":
        if d["scaling"] == "standard":
            rule = Sym(f"{ut}_j^test = (1 − {p_text})·{a_text}_j", rf"\tilde{{{a}}}_j^{{\text{{test}}}} = (1 - {p_tex})\,{a}_j")
        else:
            rule = Sym(f"{ut}_j^test = {a_text}_j", rf"\tilde{{{a}}}_j^{{\text{{test}}}} = {a}_j")
        # a worked step of `train --worked` has no test-time section: its note says how the run measures instead
        return sentence(lang, f"note.dropout_test_{d['scaling']}" + ("_worked" if d.get("worked") else ""), rule=rule,
                        keep=Sym(f"1 − {p_text}", f"1 - {p_tex}"))
    if d["scaling"] == "inverted":
        rule = Sym(f"{ut}_j = m_j·{a_text}_j/(1 − {p_text})", rf"\tilde{{{a}}}_j = m_j {a}_j/(1 - {p_tex})")
    else:
        rule = Sym(f"{ut}_j = m_j·{a_text}_j", rf"\tilde{{{a}}}_j = m_j {a}_j")
    mask = joined_syms([Sym(f"{names.text[m]} = {v}", f"{names.latex[m]} = {v}") for m, v in d["masks"]])
    p = format_given(d["p"], 4)[0]
    return sentence(lang, "note.dropout", layer=d["layer"], p=Sym(f"{p_text} = {p}", f"{p_tex} = {p}"), scaling=msg(lang, f"scaling.{d['scaling']}"),
                    rule=rule, mask=mask)
