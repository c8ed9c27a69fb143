"""Quantity names as students write them, mapped to the quantity ids of a solution.

`u_3`, `\\delta_5`, `\\Delta w_{13}`, `w_{35}^{new}`, `g'(\\mathrm{net}_5)`, `\\frac{\\partial L}{\\partial w_{35}}`
and the ids themselves (`act_3`, `delta_5`) all name quantities. Both sides are brought to one
canonical spelling (no braces, spaces or font commands; δ, Δ, η, ∂ as characters), so the table
follows the problem's own notation: its symbols, its index order, its custom weight names.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

import sympy as sp

from .. import greek
from ..messages import REFERENCE, catalogue, said
from ..quantity import Key
from ..solution import PartSolution

_FONT = re.compile(r"\\(?:mathrm|text|operatorname|textrm|mathit|rm|mathbf|boldsymbol)\s*\{([^{}]*)\}")
# the numerator's name is `[^{}]*` stripped afterwards: `([^{}]*?)\s*\}` tries every split of a long blank run
# (one level of braces in it: ∂E_{total}, each brace pair read at once, so no run is tried two ways)
_GRAD = re.compile(r"^\\frac\s*\{\s*\\partial\s*((?:[^{}]|\{[^{}]*\})*)\}\s*\{\s*\\partial\s*(.*)\}$")
# the loss of one sample named as the total (Mazur's E_total): the loss itself
_TOTAL = ("total", "tot")
# d-notation as students type it: dE/dw_35, \frac{dE}{dw_{45}} (d, then a letter: `\frac{d}{dx}` is no name)
_D_FRAC = re.compile(r"^\\frac\s*\{\s*d\s*([A-Za-z][^{}]*)\}\s*\{\s*d\s*([^\s{}/].*)\}$")
_D_SLASH = re.compile(r"^d([A-Za-z][A-Za-z0-9_]*)/d([^\s/].*)$")


_STRAY_COMMA = re.compile(r"(?<![A-Za-z0-9]),|,(?![A-Za-z0-9])")


def canon(name: str) -> str:
    """One spelling per name: `\\Delta w_{1, 3}` becomes `Δw_1,3`. A subscript's comma is kept: it says where
    a weight's two unit names split (`w_{1,23}` is not `w_{12,3}`); NameTable reads a name without one."""
    s = unicodedata.normalize("NFC", name).replace("\\left", "").replace("\\right", "")   # u + U+0303 is ũ
    s = greek.latex_to_unicode(_FONT.sub(r"\1", s))      # \theta_4 is θ_4 (before \eta: \th-eta)
    m = _GRAD.match(s.strip())
    m = m or _D_FRAC.match(s.strip()) or _D_SLASH.match(re.sub(r"\s", "", s))
    if m:
        s = f"∂{m.group(1).rstrip()}/∂{m.group(2)}"
    s = (s.replace("\\delta", "δ").replace("\\Delta", "Δ").replace("\\eta", "η").replace("\\partial", "∂")
         .replace("^{\\prime}", "'").replace("^\\prime", "'").replace("\\prime", "'"))
    s = s.replace("^{(", "^(").replace(")}", ")")
    s = re.sub(r"[{}\s]", "", s)
    # a comma splits two unit names only between them (w_1,23); any other comma (u_{3,}, u,_3, w_{1,,3}) is
    # dropped, as it always was, so that the spellings of one name still share one entry
    return _STRAY_COMMA.sub("", s)


# A subscript (_3, _{35}, _{3,5}, _{h1}), and a superscript that is part of a name: ^{new}, ^{(2)}.
# a unit in a subscript may carry its own subscript (net_{h_1}, notation unit_names: unit h1 written h_1)
_IN_SUB = r"[A-Za-z0-9]+(?:\s*_\s*(?:\{\s*[0-9]+\s*\}|[0-9]))?"
SUB = rf"_\s*(?:\{{\s*{_IN_SUB}(?:\s*,\s*{_IN_SUB})?\s*\}}|[0-9]+|[A-Za-z])"
# dropout's test-time pass: ^{\\text{test}(1)}, ^{\\mathrm{test}}, ^{test(2)}, and as text ^test(1)
_TEST_SUP = r"\^\s*\{\s*(?:\\(?:text|mathrm)\s*\{\s*test\s*\}|test)\s*(?:\(\s*\d+\s*\)\s*)?\}|\^\s*test(?:\(\d+\))?(?![A-Za-z])"
SUP = (r"(?:\^\s*\{\s*(?:new|\(\s*(?:\d+|new)\s*\)|\\(?:text|mathrm)\s*\{\s*new\s*\}|\+)\s*\}|\^\s*\(\s*\d+\s*\)|\^\s*new\b|"
       + _TEST_SUP + ")")
# the loss as its total, E_{total} (Mazur): NameTable reads it as the loss outside a batch
_TOTAL_SUB = r"(?:\s*_\s*\{\s*(?:\\(?:text|mathrm)\s*\{\s*)?(?:total|tot)\s*\}?\s*\})?"
# a sample's loss on top of a derivative, J^{(1)} (∂J^{(1)}/∂net_5^{(1)}: that sample's δ)
_LOSS_SAMPLE = r"\^\s*(?:\{\s*\(\s*\d+\s*\)\s*\}|\(\s*\d+\s*\))"
NET = rf"net\s*{SUB}(?:\s*{SUP})?"
# ∂J/ (or \partial E_{total} /) then ∂ and a name: a derivative written on one line, not as a \frac
_SLASH_TOP = rf"(?:\\partial|∂)\s*[A-Za-z]{_TOTAL_SUB}(?:\s*{_LOSS_SAMPLE})?\s*/\s*(?:\\partial|∂)\s*"
# a weight or unit named by a Greek letter (theta4 is \theta_{4}); δ, Δ, η have their own tokens below
GREEK = r"\\(?:" + "|".join(sorted(greek.LETTERS, key=len, reverse=True)) + r")(?![A-Za-z])"
TOKEN = re.compile("|".join([
    rf"\\frac\s*\{{\s*(?:\\partial|d)\s*[A-Za-z]{_TOTAL_SUB}(?:\s*{_LOSS_SAMPLE})?\s*\}}\s*\{{\s*(?:\\partial|d)\s*"    # ∂ or d: \frac{dE}{dw_{35}}
    rf"(?:\\Delta\s*)?(?:{GREEK}\s*(?:{SUB})?|[A-Za-z]+\s*{SUB})"
    rf"(?:\s*{SUP})*\s*\}}",
    # the same derivative on one line, as the text solution prints it: ∂J/∂w_{03}, \partial E_{total}/\partial w_{b,h1}
    rf"{_SLASH_TOP}(?:\\Delta\s*)?(?:{GREEK}\s*(?:{SUB})?|[A-Za-z]+\s*{SUB})(?:\s*{SUP})*",
    rf"(?:\\Delta\s*)?{GREEK}\s*(?:{SUB})?(?:\s*{SUP})*",
    rf"g\s*'\s*\(\s*{NET}\s*\)",
    rf"g\s*\(\s*{NET}\s*\)",
    rf"\\Delta\s*[A-Za-z]+\s*{SUB}(?:\s*{SUP})*",
    NET,
    rf"\\delta\s*(?:{SUP}\s*)?{SUB}(?:\s*{SUP})*",                 # δ^{{(2)}}_5: a layer superscript first
    # dropout's masked output ũ_j: \\tilde{u}_{3}^{(1)}, \\tilde u_3, ũ_3^test(1) (ũ composed, or u and a combining
    # tilde, as the text solution prints it: canon writes both as one)
    rf"(?:\\tilde\s*(?:\{{\s*[A-Za-z]\s*\}}|[A-Za-z](?![A-Za-z]))|(?<![A-Za-z])[A-Za-z]\u0303|ũ)\s*(?:{SUP}\s*)?{SUB}(?:\s*{SUP})*",
    # a letter not glued to a command or a word; after a row break `\\u_{3}` it starts a name
    rf"(?:(?<![\\A-Za-z])|(?<=\\\\))[A-Za-z]\s*(?:{SUP}\s*)?{SUB}(?:\s*{SUP})*",
    r"\\eta(?![A-Za-z])",
]))


def _token_with_words(notation, bare: tuple[str, ...] = ()) -> re.Pattern:
    """TOKEN, led by the multi-letter symbols the problem declares (`target_symbol: yd`, `activation_symbol:
    out`) with a subscript, so that `yd_5` is one name, not y·d_5, and by the parameter names the solution
    prints without a subscript (`bare`: `c`, `bb`, `b2b`), alone or in ∂J/∂c, Δc, c^{new}; TOKEN itself when
    there are none."""
    fields = (notation.activation_symbol, notation.output_symbol, notation.target_symbol, notation.input_symbol,
              notation.weight_symbol)
    words = sorted({w for w in fields if w and re.fullmatch(r"[A-Za-z]{2,}", w) and w != "net"},
                   key=len, reverse=True)
    if not words and not bare:
        return TOKEN
    lead = []
    if bare:
        alt = "|".join(sorted(bare, key=len, reverse=True))
        # a name of several letters and digits as the LaTeX solution prints it: th1 is th_{1} (weight_name)
        printed = [rf"{m.group(1)}\s*_\s*(?:\{{\s*{m.group(2)}\s*\}}|{m.group(2)}(?![0-9]))"
                   for n in bare if (m := re.fullmatch(r"([A-Za-z]{2,})([0-9]+)", n))]
        name = (rf"(?:\\(?:mathrm|text|operatorname|mathit|textrm)\s*\{{\s*(?:{alt})\s*\}}"
                rf"|(?<![\\A-Za-z0-9_])(?:{alt})(?![A-Za-z0-9_])"
                + "".join(rf"|(?<![\\A-Za-z0-9_]){p}" for p in printed) + ")")
        lead += [rf"\\frac\s*\{{\s*(?:\\partial|d)\s*[A-Za-z]{_TOTAL_SUB}\s*\}}\s*\{{\s*(?:\\partial|d)\s*"
                 rf"{name}\s*\}}",
                 rf"{_SLASH_TOP}{name}(?:\s*{SUP})*",
                 rf"(?:\\Delta\s*)?{name}(?:\s*{SUP})*"]
    if words:
        alt = "|".join(words)
        word = rf"(?:\\(?:mathrm|text|operatorname|mathit|textrm)\s*\{{\s*(?:{alt})\s*\}}|(?<![\\A-Za-z])(?:{alt}))"
        lead.append(rf"{word}\s*(?:{SUP}\s*)?{SUB}(?:\s*{SUP})*")
    return re.compile("|".join([*lead, TOKEN.pattern]))


# words an answer's reader takes as something else (Euler's e, d of dE/dw, a function, a font): a parameter
# so named is not read as a name inside a rule
_NOT_BARE = frozenset("e d i E net new exp ln log tanh sinh cosh sin cos tan max min sqrt step relu sigmoid sign sgn "
                      "text mathrm mathit frac cdot times left right".split())


def bare_names(part, loss_symbol: str) -> tuple[str, ...]:
    """The names of a part's parameters (shared names, weights' own names) that the solution prints as they
    are, with no subscript (`c`, `bb`, `b2b`), alone or in ∂J/∂c, Δc, c^{new}: each must read back as one
    quantity inside a rule. A name with digits (Mazur's `w5`) is one too: the text solution prints it w5 (the
    LaTeX one w_{5}, which TOKEN reads), so `w5` is the weight, never w·5. Greek names print as their letter
    (TOKEN's) and reserved words are left out."""
    names = {name for name, _ in part.shared} | {w.name for w in part.weights if w.name}
    return tuple(sorted(n for n in names if not greek.split(n) and n not in _NOT_BARE and n != loss_symbol))


def learning_rate_pattern(notation) -> re.Pattern:
    """The learning rate's own letter where an answer writes it without a subscript: the notation's
    `learning_rate_symbol` as a LaTeX command (\\alpha), its character (α), its name as a word (alpha),
    or in a font (\\mathit{lr}); the default eta likewise (\\eta, η, eta). `alpha_1`, `\\alpha_{1}` are not."""
    sym = notation.learning_rate_symbol
    letter = greek.LATEX_LETTERS.get(sym)
    alts = [rf"\\(?:mathrm|text|operatorname|mathit|textrm)\s*\{{\s*{sym}\s*\}}",
            rf"(?<![\\A-Za-z]){sym}"]
    if letter:
        alts += [rf"\\{sym}", re.escape(letter)]
    return re.compile(rf"(?:{'|'.join(alts)})(?![A-Za-z_'])")


# An activation's parameter by the names students write it with: ELU's alpha as α, \\alpha or alpha;
# a leaky ReLU's slope as its word or, like ELU's, α (Maas et al. and most texts write it so)
_PARAM_LETTERS = {"alpha": ("alpha",), "slope": ("slope", "alpha")}


def parameter_patterns(part) -> tuple[tuple[re.Pattern, str], ...]:
    """The problem's activation parameters (ELU's alpha: 0.5, a leaky ReLU's slope) as an answer writes
    them, each with its exact value in LaTeX (\\frac{1}{2}): a letter read only where it names one value in the part (two ELU layers
    with other alphas leave α unread) and is not the learning rate's own letter."""
    found: dict[str, set] = {}
    for act in getattr(part, "activations", ()):
        for name, value in getattr(act, "params", ()):
            for letter in _PARAM_LETTERS.get(name, ()):
                found.setdefault(letter, set()).add(sp.nsimplify(value))
    lr = getattr(part.notation, "learning_rate_symbol", "eta")
    out = []
    for letter, values in found.items():
        if len(values) != 1 or letter == lr:
            continue
        uni = greek.LATEX_LETTERS.get(letter)
        alts = [rf"\\(?:mathrm|text|operatorname|mathit|textrm)\s*\{{\s*{letter}\s*\}}", rf"(?<![\\A-Za-z]){letter}"]
        if uni:
            alts += [rf"\\{letter}", re.escape(uni)]
        out.append((re.compile(rf"(?:{'|'.join(alts)})(?![A-Za-z_'])"), sp.latex(values.pop())))
    return tuple(out)


# ε as a write-up spells it: \epsilon, \varepsilon, ε, ϵ, eps, epsilon (a word of its own)
_EPSILON = re.compile(r"(?:\\(?:var)?epsilon|\\(?:mathrm|text|operatorname|mathit|textrm)\s*\{\s*eps(?:ilon)?\s*\}"
                      r"|[εϵ]|(?<![\\A-Za-z])eps(?:ilon)?)(?![A-Za-z_'])")


def epsilon_patterns(psol) -> tuple[tuple[re.Pattern, str], ...]:
    """ε of the part's optimizer (its `eps` setting) as an answer writes it, with its exact value in LaTeX, as
    the solution's step 1 writes the rule's ε (optimize.first_step_form); none without an optimizer with ε, or
    where the notation's learning rate is written ε."""
    run = getattr(psol, "run", None)
    if run is None or "eps" not in run.training.values:
        return ()
    if getattr(psol.part.notation, "learning_rate_symbol", "eta") in ("epsilon", "varepsilon"):
        return ()
    return ((_EPSILON, sp.latex(sp.nsimplify(run.training.values["eps"]))),)


@dataclass(frozen=True)
class Quantity:
    """A named quantity of a part: its key (None for the bias input), symbol and value."""

    key: Key | None
    symbol: sp.Symbol
    value: sp.Expr

    @property
    def qid(self) -> str | None:
        """The id an answer is filed under (`delta_5@2`), as the solution's JSON writes it."""
        return None if self.key is None else str(self.key)


class NameTable:
    """Every way this part's quantities can be named, by canonical spelling."""

    def __init__(self, psol: PartSolution) -> None:
        self.psol = psol
        self.by_key: dict[str, Quantity] = {}
        values = {s.symbol: s.value for s in psol.steps}
        keys = {s.symbol: s.key for s in psol.steps}
        # a weight named theta4 prints θ_4; the name as the problem writes it names it too (Δtheta4)
        greek_names = {t: w.name for w in psol.part.weights if w.name and (t := greek.text(w.name))}
        # a unit named theta1 prints θ_1; θ1 and theta1 (the id as written) name it too: u_θ1, δ_theta1
        greek_units = _greek_units(psol.part)
        own_units = _own_units(psol.part)
        for sym, text in psol.names.text.items():
            # the only symbol without a step: the bias x_0 = 1 (or −1, network.bias_input)
            value = values.get(sym, psol.part.bias_input)
            q = Quantity(keys.get(sym), sym, value)
            for spelling in (text, psol.names.latex[sym]):
                self.by_key.setdefault(canon(spelling), q)
            for shown, raw in greek_names.items():
                if shown in text:
                    self.by_key.setdefault(canon(text.replace(shown, raw)), q)
            for spelling in _greek_unit_spellings(text, greek_units):
                self.by_key.setdefault(canon(spelling), q)
            if own_units:                                   # unit_names: h_1 is h1 too, δ_{o_1} is δ_{o1}
                self.by_key.setdefault(canon(own_units[0].sub(lambda m: own_units[1][m.group()], text)), q)
                if own_units[2].search(text):               # an edge w_{i1,h1} with the units as shown: w_{i_1,h_1}
                    self.by_key.setdefault(canon(own_units[2].sub(lambda m: own_units[3][m.group().strip()], text)), q)
            if q.qid:
                self.by_key.setdefault(q.qid, q)
        for s in psol.steps:                                # g(net_j) is u_j
            if s.key.kind in ("act", "test_act") and len(s.forms) > 1:     # dropout's u_5^test = g(net_5^test) too
                self.by_key.setdefault(canon(psol.names.text[s.forms[0].args[0]]).join(("g(", ")")), self.by_key[s.id])
        for s in psol.steps:                                # ∂J/∂x_1 as students also write it
            if s.key.kind == "grad_x":
                for spelling in _input_gradient_spellings(psol, s.key):
                    self.by_key.setdefault(canon(spelling), self.by_key[s.id])
        self._bias_weights: dict[str, str] = {}             # threshold network: unit -> its bias weight (w_05)
        self._threshold_spellings(psol)
        self._comma_spellings(psol)
        self.loss_symbol = psol.part.notation.loss_symbol
        self.batched = len(psol.part.samples) > 1
        # dropout's p, printed as a bare letter where the part drops out one layer (p_1, p_2 with two: TOKEN's)
        drop_p = tuple({t for q in self.by_key.values() if q.key is not None and q.key.kind == "dropout_p"
                       and re.fullmatch(r"[A-Za-z]+", t := psol.names.text.get(q.symbol, ""))})
        self.token = _token_with_words(psol.part.notation,
                                       bare_names(psol.part, psol.part.notation.loss_symbol) + drop_p)
        loss = re.escape(self.loss_symbol)
        # E_{total} (Mazur) is the loss, outside a batch (where the total is not the mean the loss may be)
        # a loss itself written as its total (loss_symbol: E_total): E_tot, E_{total} name it too
        total = re.fullmatch(rf"([A-Za-z])_(?:{'|'.join(_TOTAL)})", canon(self.loss_symbol))
        loss = re.escape(total.group(1)) if total else loss
        self._total = None if self.batched else re.compile(rf"(?<![A-Za-z]){loss}_(?:{'|'.join(_TOTAL)})(?![A-Za-z0-9])")
        self.learning_rate = learning_rate_pattern(psol.part.notation)
        self.parameters = parameter_patterns(psol.part)     # ELU's α: its value in a rule (α e^{net_3})
        self.parameters += epsilon_patterns(psol)           # the optimizer's ε: its eps setting, as η is lr
        if "learning_rate" in self.by_key:                  # η names the learning rate whatever letter the file uses
            self.by_key.setdefault("η", self.by_key["learning_rate"])
        # in a batch, a per-sample quantity named without its sample (x_1, yd_5, δ_5, g'(net_5)): its spelling
        # with every `^(n)` and `@n` left out, and the sample, to the spelling that names it (x_1^(1))
        self._per_sample: dict[tuple[str, int], str] = {}
        if self.batched:
            for spelling, q in self.by_key.items():
                if q.key is not None and q.key.sample is not None:
                    bare = _SAMPLE_MARK.sub("", spelling)
                    if bare != spelling and bare not in self.by_key:
                        self._per_sample.setdefault((bare, q.key.sample), spelling)

    def in_sample(self, name: str, sample: int | None) -> str | None:
        """The spelling that names `name` of sample `sample` (0-based) of a batch, where `name` is written
        without its sample (x_1 inside an item of sample 1 is x_1^(1)); None when there is no sample or no
        such quantity."""
        if sample is None or not self._per_sample:
            return None
        return self._per_sample.get((canon(name.strip()), sample))

    def every_sample(self, name: str) -> list[str]:
        """A per-sample quantity of a batch named without its sample (x_1), as the solution writes it for
        each sample (x_1^(1), x_1^(2)); empty for any other name."""
        if not self._per_sample:
            return []
        c = canon(name.strip())
        found = sorted((n, s) for (bare, n), s in self._per_sample.items() if bare == c)
        return [self.psol.names.text.get(self.by_key[s].symbol, s) for _, s in found]


    def primes(self, text: str) -> str:
        """g' written with the activation's own letter inside working (`\\sigma'(net_3)`, `\\tanh'(net_3)`) or a
        generic one (`f'(net_3)`, `φ'(net_3)`) as g'(net_3), the name the table reads; AnswerError when the
        letter names another activation than unit 3's (σ' on a tanh unit), saying which (`read_primes`)."""
        def unit_of(m: re.Match) -> tuple[str, str, tuple[str, ...]]:
            net = m.group("net")
            q = self.lookup(net)
            act = self._activation_of(q.key.unit) if q is not None and q.key is not None else None
            return net, q.key.unit if act is not None else "", (act,) if act is not None else ()
        return read_primes(text, _PRIME, unit_of)

    def _activation_of(self, unit: str) -> str | None:
        part = self.psol.part
        for layer, act in zip(part.layers, part.activations):
            if unit in layer:
                return act.name
        return None

    def _threshold_spellings(self, psol: PartSolution) -> None:
        """On a threshold network (bias_input −1) the bias weight w_{0j} is the threshold θ_j, as the solution
        says: θ_j, Δθ_j, θ_j^new and ∂E/∂θ_j name its quantities too (a weight with its own name keeps it)."""
        part = psol.part
        if part.bias is None or part.bias_input != -1:
            return
        named = {(w.source, w.target) for w in part.weights if w.name}
        for q in self.by_key.values():                      # unit -> the bias weight's canonical name (w_05)
            k = q.key
            if k is not None and k.kind == "w" and k.source == part.bias:
                self._bias_weights.setdefault(k.unit, canon(psol.names.text.get(q.symbol, f"θ_{k.unit}")))
        weights = {u: name for u, name in self._bias_weights.items() if (part.bias, u) not in named}
        for spelling, other in list(self.by_key.items()):
            k = other.key
            weight = weights.get(k.unit) if k is not None and k.source == part.bias else None
            if weight is not None and weight in spelling:
                self.by_key.setdefault(spelling.replace(weight, f"θ_{k.unit}"), other)

    def _comma_spellings(self, psol: PartSolution) -> None:
        """A weight between single-digit units is written w_13 (w_31 under `weight: to_from`); w_{1,3} (w_{3,1})
        names it too, in the index order the problem writes. Every spelling with a
        comma is also filed without it (w_1,23 as w_123), with every quantity that reads so: `joined`."""
        for spelling, q in list(self.by_key.items()):
            k = q.key
            if k is not None and k.source is not None and len(k.source) == 1 and len(k.unit) == 1:
                for a, b in ((k.source, k.unit), (k.unit, k.source)):   # from_to w_57, to_from w_75: as spelt
                    pair = re.compile(rf"_{re.escape(a)}{re.escape(b)}(?![A-Za-z0-9])")
                    self.by_key.setdefault(pair.sub(f"_{a},{b}", spelling, count=1), q)
        self.joined: dict[str, list[Quantity]] = {}
        for spelling, q in self.by_key.items():
            if "," in spelling:
                same = self.joined.setdefault(spelling.replace(",", ""), [])
                if all(r.symbol != q.symbol for r in same):
                    same.append(q)

    def _readings(self, c: str) -> list[Quantity]:
        """The quantities a canonical spelling can name: with a comma only the one it names as split there;
        without one, the one so spelled and every quantity whose comma spelling reads so (w_123: w_{1,23}, w_{12,3})."""
        out = [self.by_key[c]] if c in self.by_key else []
        if "," not in c:
            out += [q for q in self.joined.get(c, []) if all(r.symbol != q.symbol for r in out)]
        return out

    def _one(self, c: str) -> Quantity | None:
        found = self._readings(c)
        return found[0] if len(found) == 1 else None

    def _as_loss(self, c: str) -> str:
        """A canonical name with the loss named as its total (E_total, ∂E_total/∂w5) written as the loss
        (E, ∂E/∂w5), outside a batch and where the name is none of the table's as it is."""
        if self._total is None or c in self.by_key:
            return c
        return self._total.sub(lambda m: canon(self.loss_symbol), c)

    def readings(self, name: str) -> list[str]:
        """The names a written name could mean when it means more than one quantity (w_123 with units 1, 12, 3
        and 23: w_{1,23} and w_{12,3}), as the solution writes them; empty when it is not ambiguous."""
        c = canon(name.strip())
        for form in (c, _updated(c)):
            found = self._readings(form)
            if len(found) > 1:
                return [self.psol.names.text.get(q.symbol, form) for q in found]
        return []

    def lookup(self, name: str) -> Quantity | None:
        """The quantity a whole string names (an answers-file key), or None (also when it could name more
        than one: `readings`). Outside a batch a superscript (2) is a layer number, which unit ids make
        redundant: δ^{(2)}_5 is δ_5."""
        key = name.strip()
        if key in self.by_key and "," in key or key in self.by_key and not self.joined.get(key):
            return self.by_key[key]
        c = self._as_loss(canon(key))
        if self._readings(c):
            return self._one(c)
        alias = _updated(c)
        if self._readings(alias):
            return self._one(alias)
        if not self.batched:
            q = self._one(re.sub(r"\^\(\d+\)", "", c))
            if q is not None and re.search(r"\^\(\d+\)", c) and _is_weight(q):
                return None       # w_35^(1): the layer, or the weight after step 1? Never silently the given one
            return q
        return None

    def suggest(self, name: str, count: int = 2) -> list[str]:
        """The names closest to one that names no quantity (`\\sigma'(net_5)` → g'(net_5), J → L,
        w_{35}^{(1)} → w_{35}): for a "did you mean …?" hint; bounded by the table's size."""
        c = canon(name[:MAX_SUGGEST_CHARS])
        tied = _tied_update(self, c)
        if tied is not None:                # Δw_30 of an edge tied to th: its update is Δth
            return [tied]
        c = re.sub(r"^(?:\\sigma|σ|f|a|φ|\\varphi|\\phi)(?='?\()", "g", c)
        c = self._thresholds(_greek_words(c))   # Delta w_{35}, theta_5^{new}: the backslash left out (Δw_35, θ_5^new)
        q = self.lookup(c)
        if q is not None:
            return [self.psol.names.text.get(q.symbol, c)]
        samples = self.every_sample(c)
        if samples:                 # x_1 in a batch, where no item's sample says which: x_1^(1) or x_1^(2)
            return samples[:max(count, MAX_SAMPLES_SUGGESTED)]
        turned = self._other_order(c)
        if turned is not None:      # w_13 where this problem has only w_31: its index order said
            return [turned]
        if re.fullmatch(r"[A-Za-z]", c) or re.fullmatch(r"[A-Za-z]\^\(\d+\)", c):
            c = self.loss_symbol + c[1:]
        layered = re.search(r"\^\(\d+\)", c) is not None
        c = re.sub(r"\^\(\d+\)", "", c)
        if layered and c in self.by_key and _is_weight(self.by_key[c]):
            w = self.psol.names.text.get(self.by_key[c].symbol, c)
            return [said("names.updated_weight", w=w), said("names.given_weight", w=w)]
        shown = {key: self.psol.names.text.get(q.symbol, key) for key, q in self.by_key.items()
                 if "_" in key or "∂" in key or "(" in key or key == self.loss_symbol}
        by_net = _BY_NET.fullmatch(c)
        if by_net:        # ∂u_5/∂net_5: g'(net_5); ∂L/∂net_5, dL/dnet5: δ_5 (δ = ±∂J/∂net), as derivative_hint reads it
            top, unit = by_net.group(1), by_net.group(2)
            if re.fullmatch(r"[A-Za-z]+_?" + re.escape(unit), top):
                q = self._one(f"gprime_{unit}")
                if q is not None:
                    return [self.psol.names.text.get(q.symbol, q.qid or "")]
            else:
                hint = derivative_hint(self, c)
                if hint is not None and hint[0] == "delta":
                    return hint[1]
        grad = re.match(r"∂[^/]*/∂(\\?[^\W\d_]+?)(?=[_\d]|$)", c)
        if grad:        # ∂J/∂w9 on a loss E: a weight's gradient ∂E/∂w…, never an input's ∂E/∂x_1
            c = f"∂{self.loss_symbol}/∂{c[c.index('/∂') + 2:]}"
            kind = f"∂{self.loss_symbol}/∂{grad.group(1)}"
            same = {k: v for k, v in shown.items() if re.match(re.escape(kind) + r"(?:[_\d]|$)", k)}
            shown = same or shown
        if c in shown:
            return [shown[c]]
        if re.fullmatch(re.escape(self.loss_symbol) + r"_[A-Za-z0-9,]+", c):       # E_{total} in a batch, E_{o1}
            return [self.loss_symbol]
        close = [shown[k] for k in difflib.get_close_matches(c, list(shown), n=count * 3, cutoff=0.75)]
        if not close:                 # δ_9, u_7: a name of a kind the problem has, for a unit it has not
            close = self._same_kind(c, shown, count)
        return list(dict.fromkeys(close))[:count]

    def close_names(self, name: str) -> list[str]:
        """The names of this part closest to one that names no quantity, for a "did you mean …?": `suggest`'s,
        else the unit's output or net input a letter of another book names (u_3 where the problem writes y_3:
        unit_hint)."""
        return self.suggest(name) or unit_hint(self, name)

    def _thresholds(self, c: str) -> str:
        """θ_5 written for the threshold of unit 5 (bias_input −1) where the problem names it by its weight
        (w_{50}): the canonical name with θ_unit as that weight's name (the weights `_threshold_spellings` filed)."""
        if not self._bias_weights or "θ" not in c:
            return c
        return re.sub(r"θ_([A-Za-z0-9]+)", lambda m: self._bias_weights.get(m.group(1), m.group(0)), c)

    def _other_order(self, c: str) -> str | None:
        """For a canonical name with a two-unit subscript (Δw_13, ∂E/∂w_1,3, w_13^new) that names nothing, the
        quantity of the edge with the two units swapped, said with this problem's index order; else None."""
        m = re.fullmatch(r"(.*)_([A-Za-z0-9])([A-Za-z0-9])((?:\^.*)?)", c) or \
            re.fullmatch(r"(.*)_([A-Za-z0-9]+),([A-Za-z0-9]+)((?:\^.*)?)", c)
        if m is None or m.group(2) == m.group(3):
            return None
        pre, a, b, sup = m.groups()
        q = self.lookup(f"{pre}_{b},{a}{sup}") or self.lookup(f"{pre}_{b}{a}{sup}")
        if q is None or q.key is None or q.key.source is None:
            return None
        nota = self.psol.part.notation
        return said("names.index_order_" + nota.weight, name=self.psol.names.text.get(q.symbol, c),
                    w=nota.weight_symbol)

    def _same_kind(self, c: str, shown: dict[str, str], count: int) -> list[str]:
        """For a canonical name `base_sub` whose subscript has a digit (δ_9, Δw_99, u_7; never a general
        index δ_k), the closest names of the problem with that base (δ_5, δ_4): which such names exist."""
        m = re.fullmatch(r"([^_]+)_([A-Za-z0-9,]*\d[A-Za-z0-9,]*)", c)
        if m is None:
            return []
        same = {k: v for k, v in shown.items() if k.startswith(m.group(1) + "_") and "," not in k
                and not re.search(r"[\^(]", k[len(m.group(1)):])}
        return [same[k] for k in difflib.get_close_matches(c, list(same), n=count * 3, cutoff=0)]

    def derivatives(self) -> list[str]:
        """How this part's derivatives are named, for a hint on a derivative that names none (`dL/dn`): the
        first weight's gradient (∂L/∂w_{05}), the first δ with what it is (δ_3 = ∂L/∂net_3, or −∂L/∂net_3 in
        the appendix's convention), and the first input's gradient and shared parameter's where there are
        such; as the solution writes them."""
        text = self.psol.names.text
        first: dict[str, object] = {}
        for s in self.psol.steps:
            if s.key.kind in ("grad_w", "delta", "grad_x", "grad_shared") and s.key.sample in (None, 0):
                first.setdefault(s.key.kind, s)
        out = [text[first["grad_w"].symbol]] if "grad_w" in first else []
        if "delta" in first:
            d = first["delta"]
            net = self.by_key.get("net" + d.id[len("delta"):])          # net_3, net_o1@1: the δ's own unit
            sign = "" if self.psol.part.notation.sign > 0 else "−"
            out.append(f"{text[d.symbol]} = {sign}∂{self.loss_symbol}/∂{text[net.symbol]}" if net is not None
                       else text[d.symbol])
        out += [text[first[k].symbol] for k in ("grad_x", "grad_shared") if k in first]
        return out


# a derivative by a unit's net input, canonical: ∂u_5/∂net_5, ∂L/∂net5 (dL/dnet5)
# a sample's mark in a spelling of the name table: ^(2) (as written), @2 (the id)
_SAMPLE_MARK = re.compile(r"\^\(\d+\)|@\d+$")
# the per-sample names a "did you mean …?" lists for a name written without its sample, at most
MAX_SAMPLES_SUGGESTED = 4
_BY_NET = re.compile(r"∂([^/]*)/∂net_?([A-Za-z0-9]+)")


def _own_units(part) -> tuple[re.Pattern, dict[str, str], re.Pattern, dict[str, str]] | None:
    """Under `notation: {unit_names: true}`: one pattern of every unit's own name as the text writes it (h_1,
    h_{12}) and the id each stands for (h1), to file every name also with the ids (h1, net_{h1}); then the ids
    inside a weight's subscript and the own name of each, to file w_{i1,h1} also as w_{i_1,h_1}; else None."""
    from ..notation import own_name
    units = [*part.inputs, *(u for layer in part.layers for u in layer), *([part.bias] if part.bias else [])]
    own = {shown: u for u in units if (shown := own_name(u, part.notation, False))}
    if not own:
        return None
    alt = "|".join(re.escape(o) for o in sorted(own, key=len, reverse=True))
    ids = "|".join(re.escape(u) for u in sorted(own.values(), key=len, reverse=True))
    # a weight's subscript names its two units by id (w_{i1,h1}): the ids there, and each one's own name
    edge = re.compile(rf"(?<=[{{,]) *(?:{ids}) *(?=[,}}])")
    return re.compile(rf"(?<![A-Za-z0-9\\])(?:{alt})(?![0-9])"), own, edge, {u: s for s, u in own.items()}


def prime_pattern(net: str) -> re.Pattern:
    """g' spelled with σ, tanh (which say the activation) or f, φ (which do not) on a net input that `net` (a
    pattern) reads: σ'(net_3), \\tanh^{\\prime}(net_3); the letter is the group `fn`, the net input `net`."""
    return re.compile(r"(?<![A-Za-z])(?P<fn>\\sigma|σ|\\tanh|\\operatorname\s*\{\s*tanh\s*\}|\\mathrm\s*\{\s*tanh\s*\}"
                      r"|tanh|f|\\phi|\\varphi|φ|ϕ)\s*(?:'|′|\^\s*\{?\s*\\prime\s*\}?)\s*\(\s*(?P<net>" + net + r")\s*\)")


_PRIME = prime_pattern(NET)
_PRIME_ACTIVATION = {"sigma": "sigmoid", "σ": "sigmoid", "tanh": "tanh"}


def read_primes(text: str, pattern: re.Pattern, unit_of) -> str:
    """Every g' of `pattern` (prime_pattern) in `text` written g'(net), the name a reader reads. σ' and tanh'
    say the activation: `unit_of(match)` gives the net input as g' is to name it, its unit as a message names
    it, and the activations that unit may have; one other than the letter's is an AnswerError saying which
    (σ' on a tanh unit). f' and φ' say none, and are read whatever the unit's activation."""
    from .latex import AnswerError                 # latex.py imports this module

    def sub(m: re.Match) -> str:
        letter = m.group("fn").replace("\\", "").replace("operatorname", "").replace("mathrm", "").strip("{} ")
        want = _PRIME_ACTIVATION.get(letter)
        net, unit, acts = unit_of(m)
        other = next((a for a in acts if a != want), None) if want is not None else None
        if other is not None:
            raise AnswerError(said("names.prime_other_activation", written=m.group(0).strip(), unit=unit,
                                   activation=activation_words(other), net=net))
        return f" g'({net}) "
    return pattern.sub(sub, text)


def _greek_units(part) -> list[tuple[re.Pattern, str, str]]:
    """For each unit whose id is a Greek name (greek.py): its shown letter as a pattern (not followed by
    more subscript), the id as written, and the letter with its digits unseparated (θ1); longest first."""
    units = [*part.inputs, *(u for layer in part.layers for u in layer), *([part.bias] if part.bias else [])]
    out = []
    for unit in units:
        shown = greek.text(unit)
        if shown:
            letter, digits = greek.split(unit)
            out.append((re.compile(re.escape(shown) + r"(?![_0-9{])"), unit, greek.LETTERS[letter] + digits))
    return sorted(out, key=lambda g: -len(g[0].pattern))


def _greek_unit_spellings(text: str, units: list[tuple[re.Pattern, str, str]]) -> list[str]:
    """Other spellings of a name whose subscripts show Greek units (u_{θ_1}): every such unit written as
    its id (u_theta1) or its letter and digits (u_θ1), all at once, or one unit at a time."""
    found = [g for g in units if g[0].search(text)]
    if not found:
        return []
    out = []
    for pick in (1, 2):                         # 1: the id as written, 2: θ1
        every = text
        for g in found:
            every = g[0].sub(lambda m, g=g: g[pick], every)
            out.append(g[0].sub(lambda m, g=g: g[pick], text))
        out.append(every)
    return out


def _input_gradient_spellings(psol: PartSolution, key: Key) -> list[str]:
    """Other ways to write ∂J/∂x_1 (the table already has it and its LaTeX): with d for ∂, the
    subscript's underscore left out, or \frac{dJ}{dx_1}: dJ/dx1, ∂J/∂x1, dJ/dx_1 (with ^(n) in a batch)."""
    nota = psol.part.notation
    J, x, unit = nota.loss_symbol, nota.input_symbol, key.unit
    sup = "" if key.sample is None else f"^({key.sample + 1})"
    out = []
    for d in ("∂", "d"):
        for sub in (f"_{unit}", f"{unit}"):
            out.append(f"{d}{J}/{d}{x}{sub}{sup}")
            out.append(rf"\frac{{{d}{J}}}{{{d}{x}{sub}{sup}}}")
    return out


MAX_SUGGEST_CHARS = 200
# a Greek letter written by its name without a backslash, before a subscript or superscript (theta_5, delta5,
# eta); Delta also before a name (Deltaw_35, Deltatheta_5)
_DELTA_WORD = re.compile(r"(?<![A-Za-z\\])Delta(?=[A-Za-z])")
_GREEK_WORD = re.compile(r"(?<![A-Za-z\\])(" + "|".join(sorted(greek.LATEX_LETTERS, key=len, reverse=True))
                         + r")(?=[_\d^']|$)")


def _greek_words(c: str) -> str:
    """A canonical name with each Greek letter written by its bare name as its character: Deltaw_35 → Δw_35,
    theta_5^new → θ_5^new, Deltatheta_5 → Δθ_5."""
    return _GREEK_WORD.sub(lambda m: greek.LATEX_LETTERS[m.group(1)], _DELTA_WORD.sub("Δ", c))


_NEW = re.compile(r"^([A-Za-z])(?:'(_[A-Za-z0-9,]+)|(_[A-Za-z0-9,]+)(?:'|\^\+|\^\(?new\)?))$")


def _updated(c: str) -> str:
    """A weight's updated value as students also write it, in its canonical spelling w_35^new:
    w^new_35 (superscript first), w_35^+, w'_35, w_35', w_35^(new) (\\text{new}, \\mathrm{new} are
    plain new by then). Only a name the table knows as an updated weight is read so."""
    c = re.sub(r"^([A-Za-z])\^(new|\(new\))(_[A-Za-z0-9,]+)$", r"\1\3^new", c)
    m = _NEW.match(c)
    if m:
        return f"{m.group(1)}{m.group(2) or m.group(3)}^new"
    return c


def _tied_update(table: "NameTable", c: str) -> str | None:
    """`Δw_30` (canonical) of an edge tied to a shared parameter th, which has no update of its own: the
    hint 'w_{30} is tied to th: its update is Δth' (a catalogue message); None for any other name."""
    if not c.startswith("Δ") or c[1:] not in table.by_key or not _is_weight(table.by_key[c[1:]]):
        return None
    key = table.by_key[c[1:]].key
    psol = table.psol
    new = next((s for s in psol.steps if s.key == key.like("new_w")), None)
    kinds = {s.symbol: s.key for s in psol.steps}
    shared = [kinds[x] for x in (new.forms[-1].free_symbols if new is not None and new.forms else ())
              if x in kinds and kinds[x].kind == "new_shared"]
    if not shared:
        return None
    names = psol.names.text
    update = next((s for s in psol.steps if s.key == shared[0].like("update_shared")), None)
    return said("names.tied_update", w=names.get(table.by_key[c[1:]].symbol, c[1:]),
                shared=names.get(next(s.symbol for s in psol.steps if s.key == shared[0].like("shared")), shared[0].unit),
                update=names.get(update.symbol, "Δ" + shared[0].unit) if update is not None else "Δ" + shared[0].unit)


def _is_weight(q: Quantity) -> bool:
    """Whether a quantity is a given weight (w_35), whose superscript (1) may mean the weight after step 1."""
    return q.key is not None and q.key.kind == "w"


def either(names: list[str]) -> str:
    """Names said as alternatives for a "did you mean …?" hint: `δ_5 or δ_4` (a catalogue message, so
    that each language says its own "or"); one name alone is itself."""
    if len(names) <= 1:
        return names[0] if names else ""
    return said("names.or", first=names[0], rest=either(names[1:]))


# a unit's net input under another book's letter (s_3, z_3, in_3); any other letter with a unit's subscript
# (y_3, out_{h1}, o_3) is read as the unit's output, whose name the solution gives
_NET_LETTERS = frozenset({"s", "z", "in", "n"})
_UNIT_NAME = re.compile(r"([A-Za-z]+)_([A-Za-z0-9]+(?:_[0-9]+)?)(?:\^\((\d+)\))?")


def unit_hint(table, name: str) -> list[str]:
    """For a name that is no quantity but whose subscript is a unit of the problem (`y_3`, Mazur's `out_{h1}`,
    `out_{h_1}`): the name of that unit's output (u_3, h_1), or of its net input for s_3, z_3; the sample's
    where a batch writes one (y_3^{(2)}). Empty for any other name (a general index δ_j, a derivative), and
    for a graph's table, whose names are not units."""
    if not isinstance(table, NameTable):
        return []
    m = _UNIT_NAME.fullmatch(canon(name[:60]))
    if m is None:
        return []
    letter, unit, sample = m.group(1), m.group(2).replace("_", ""), m.group(3)
    part = table.psol.part
    nota = part.notation
    # a weight's, a target's or an input's letter with one unit (w_3, t_5) is no output: suggest's, if any
    others = {"w", "t", "b", "g", "e", "d", nota.weight_symbol, nota.target_symbol, nota.input_symbol}
    if unit not in {u for layer in part.layers for u in layer} or letter in others:
        return []
    kind = "net" if letter in _NET_LETTERS else "act"
    q = table.lookup(f"{kind}_{unit}" + (f"@{sample}" if sample and table.batched else ""))
    if q is None and table.batched:
        q = table.lookup(f"{kind}_{unit}@1")
    return [table.psol.names.text[q.symbol]] if q is not None else []


def _loss_derivative_parts(table, name: str) -> tuple[str, str] | None:
    """(what is differentiated, by what) of a derivative name `∂E/∂net_7` as canon writes it, on a network's
    table; None for any other name and for a graph's table."""
    if not isinstance(table, NameTable):
        return None
    m = re.fullmatch(r"∂([^/]+)/∂(.+)", canon(name[:MAX_SUGGEST_CHARS]))
    return None if m is None else (m.group(1), m.group(2))


def delta_of_derivative(table, name: str, sample: int | None = None) -> tuple[Quantity, int] | None:
    """A derivative of the loss by a unit's net input (∂E/∂net_7; a sample's ∂J^(1)/∂net_5^(1), or ∂J/∂net_5
    inside an item of that sample: `sample`, 0-based) as the δ it is: (δ_7, +1) where δ = ∂E/∂net in this
    problem, (δ_7, −1) where δ = −∂E/∂net; so a student's −∂E/∂net_7 is δ_7 there, and ∂E/∂net_7 is −δ_7 (the
    other convention's δ). None for any other name, a graph's table, and a loss of another sample than the
    net input's."""
    parts = _loss_derivative_parts(table, name)
    if parts is None:
        return None
    top, below = parts
    marks = re.compile(r"\^\((\d+)\)$")
    top_at, below_at = marks.search(top), marks.search(below)
    top = top[:top_at.start()] if top_at else top
    below = below[:below_at.start()] if below_at else below
    n = {x.group(1) for x in (top_at, below_at) if x is not None}
    if len(n) > 1 or n and not table.batched:
        return None
    loss = canon(table.loss_symbol)
    if top not in {loss, loss.split("_")[0]} and not re.fullmatch(rf"{re.escape(loss.split('_')[0])}_(?:total|tot)", top):
        return None
    net = re.fullmatch(r"net_?([A-Za-z0-9]+(?:_[0-9]+)?)", below)
    if net is None:
        return None
    at = f"@{n.pop()}" if n else (f"@{sample + 1}" if sample is not None and table.batched else "")
    delta = table.lookup(f"delta_{net.group(1).replace('_', '')}{at}")
    if delta is None:
        return None
    return delta, 1 if table.psol.part.notation.delta == "dJ_dnet" else -1


def derivative_hint(table, name: str) -> tuple[str, list[str]] | None:
    """For a derivative of the loss that is no quantity of the problem: ("delta", [δ_5]) for one by a unit's
    net input (∂L/∂net_5, ∂E_{total}/∂net_{o1} under unit_names: δ is ±that), ("intermediate", [u_5, δ_5])
    for one by a unit's output (∂L/∂u_5, Mazur's ∂E_total/∂out_{o1}, ∂E/∂o_1): a step of working on the way
    to that unit's δ, which the solution does not list. None for any other name, and for a graph's table."""
    parts = _loss_derivative_parts(table, name)
    if parts is None:
        return None
    top, below = parts
    loss = canon(table.loss_symbol)
    tops = {loss, "J", "L", "E", "C", loss.split("_")[0]}
    if top not in tops and not re.fullmatch(r"[A-Za-z]_(?:total|tot)", top):
        return None
    sample = re.search(r"\^\((\d+)\)$", below)
    below = below[:sample.start()] if sample else below
    at = f"@{sample.group(1)}" if sample and table.batched else ""
    units = {u for layer in table.psol.part.layers for u in layer}
    text = table.psol.names.text
    net = re.fullmatch(r"net_?([A-Za-z0-9]+(?:_[0-9]+)?)", below)
    if net is not None:
        unit = net.group(1).replace('_', '')
        delta = table.lookup(f"delta_{unit}{at}")
        if delta is None:
            return None
        # said with this problem's definition, whichever δ convention the student uses: ∂E/∂net_6 is −δ_6
        # where δ = −∂E/∂net (a student of the other convention writes δ_6 = ∂E/∂net_6), δ_6 where δ = ∂E/∂net
        # (and a student writing δ_6 = −∂E/∂net_6 reads that their minus makes −δ_6)
        # a sample's δ is by that sample's loss: δ_3^(2) = −∂E^(2)/∂net_3^(2)
        q, loss = table.lookup(f"net_{unit}{at}"), table.lookup(f"loss{at}") if at else None
        d = f"∂{text[loss.symbol] if loss is not None else table.loss_symbol}/∂{text[q.symbol] if q is not None else below}"
        key = "names.delta_by_net" if table.psol.part.notation.delta == "dJ_dnet" else "names.delta_by_net_negated"
        return "delta", [said(key, delta=text[delta.symbol], derivative=d)]
    q = table.lookup(below)
    if q is None or q.key is None or q.key.kind != "act":
        shown = unit_hint(table, below)
        q = table.lookup(shown[0]) if shown else None
    if q is None or q.key is None or q.key.kind != "act" or q.key.unit not in units:
        return None
    delta = table.lookup(f"delta_{q.key.unit}{at or ('@1' if table.batched else '')}")
    if delta is None:
        return None
    return "intermediate", [text[q.symbol], text[delta.symbol]]


def hint_for(table, name: str, derivative: bool = True) -> tuple[str, list[str]]:
    """The hint for a name that names no quantity (an answers-file key, a write-up's left side, a name inside
    working), as every reader gives it: ("intermediate", [u_5, δ_5]) for a derivative by a unit's output (a
    step towards δ_5: derivative_hint), else ("close", names) for "did you mean …?": δ_5 for ∂L/∂net_5, else
    the table's closest names (suggest), else a unit's output for its subscript (y_3: unit_hint); names is
    empty when none is close. `derivative`: False where the name is not to be read as a derivative of the
    loss (a rule stated over a sum), so that derivative_hint is not asked."""
    hint = derivative_hint(table, name) if derivative else None
    if hint is not None and hint[0] == "intermediate":
        return hint
    close = hint[1] if hint is not None else table.suggest(name) or unit_hint(table, name)
    return "close", close or _glued_hint(table, name)


# a letter or word glued to its unit: delta5^(1), δ5, \delta5^{(1)}, net3 (the subscript's _ left out)
_GLUED = re.compile(r"^(\\?[A-Za-z]+|[^\W\d_])(\d+)(?=\^|\s|$)")


def _glued_hint(table, name: str) -> list[str]:
    """The quantity a name means with the subscript's `_` put back (delta5^(1): δ_5^(1)), as the solution
    writes it; empty when that names none either."""
    text = name.strip()
    if not _GLUED.match(text):
        return []
    split = _GLUED.sub(r"\1_\2", text, count=1)
    q = table.lookup(split)
    if q is not None and q.qid is not None:
        return [table.psol.names.text.get(q.symbol, name)]
    return table.suggest(split) or table.every_sample(split)       # delta_5: δ_5; δ_5 in a batch: δ_5^(1), δ_5^(2)


def activation_words(name: str) -> str:
    """An activation as a message names it: a built-in in words from the catalogue (name.activation.relu:
    ReLU, said again in the report's language), a formula's own name as it is written."""
    key = f"name.activation.{name}"
    return said(key) if key in catalogue(REFERENCE) else name
