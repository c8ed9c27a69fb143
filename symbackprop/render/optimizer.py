"""The optimizer's sections of a worked solution (issue 13), as document sections: the rule, the steps shown
in full (g_t, every line of the rule with its numbers, the loss before and after) and a table of every step.
Formatting only: the numbers are the run's (optimize.py)."""
from __future__ import annotations

import re

import sympy as sp

from ..document import Section, Step, Table, Text
from ..evaluate import DIGITS
from ..messages import msg
from ..notation import Names
from ..printing import format_float, format_given, format_value, message_number
from .prose import sentence


def _text(plain: str) -> Text:
    return Text(plain)


# -- the run's prose with its formulas typeset (Markdown and LaTeX $…$, HTML MathML), as the rest of a solution --
# A formula is a run of mathematical tokens (a Greek letter, a subscript, a number, |…|, √, ², an operator)
# that operators join: `|Δθ| = 0.9998·η`, `m_1 = (1 − β₁)·g_1`; words (and a file's setting names such as
# initial_accumulator_value, per_sample) stay words.
_GREEK_CHARS = "α-ωΑ-Ω∂"
_SPLIT = re.compile(r"([\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]+)")
_OPERATOR = re.compile(r"[=≈+−×·/<>≤≥]")
_MATHY = re.compile(rf"[{_GREEK_CHARS}_=≈√²⁻¹²³⁰-⁹|^·−\u0302\u0303]|^[0-9.]+$|^\(?[A-Za-z]\)?$")
_WORDISH = re.compile(r"(?<![A-Za-z])(?!net_)[A-Za-z]{2,}_|[A-Za-z]{3,}'s|^[A-Za-z]{2,}$")
_SETTING_WORD = re.compile(r"(?<![\\A-Za-z0-9])[A-Za-z]{2,}(?:_[A-Za-z]{2,})+(?![A-Za-z0-9])")
_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SUB = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_LATEX = {"·": r" \cdot ", "−": "-", "≈": r" \approx ", "×": r" \times ", "≤": r" \le ", "≥": r" \ge ",
          "∂": r"\partial "}


def _is_math(token: str, names=()) -> bool:
    core = token.strip("(),;:.")
    if core in names:
        return True
    if not core or core in ("a", "I") or _WORDISH.search(core):
        return False
    if _OPERATOR.fullmatch(core):
        return True
    ascii_word = core.isascii() and core.isalpha() and len(core) > 1
    return bool(_MATHY.search(core)) and not ascii_word


def _formula_latex(plain: str) -> str:
    """A formula of the run's prose in LaTeX: Greek as macros, x̂ as \\hat{x}, β₁ and g² as scripts,
    √(…) as \\sqrt{…}, a name of several letters (sign, lr) upright."""
    from ..greek import LATEX_LETTERS
    greek = {letter: "\\" + name + " " for name, letter in LATEX_LETTERS.items()}
    s = re.sub(r"(.)\u0302", r"\\hat{\1}", plain)
    s = re.sub(r"(.)\u0303", r"\\tilde{\1}", s)             # g̃, η̃ (weight decay, Adagrad's lr_decay)
    s = re.sub(r"√\(([^()]*(?:\([^()]*\)[^()]*)*)\)", r"\\sqrt{\1}", s)
    s = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+", lambda m: "^{" + m.group(0).translate(_SUPER) + "}", s)
    s = re.sub(r"\^\(([^()]*)\)", r"^{(\1)}", s)          # a sample's ^(n): the whole (n) raised, not "(" alone
    s = re.sub(r"[₀₁₂₃₄₅₆₇₈₉]+", lambda m: "_{" + m.group(0).translate(_SUB) + "}", s)
    words: list[str] = []                   # a setting's name (weight_decay): one word, not a subscript

    def word(m) -> str:
        words.append(m.group(0))
        return f"\ue002{len(words) - 1}\ue003"
    s = _SETTING_WORD.sub(word, s)
    s = re.sub(r"(?<![\\A-Za-z])([A-Za-z]{2,})", lambda m: m.group(1) if m.group(1) in ("hat", "sqrt")
               else rf"\mathrm{{{m.group(1)}}}", s)
    s = "".join(greek.get(c) or _LATEX.get(c, c) for c in s).strip()
    return re.sub("\ue002([0-9]+)\ue003", lambda m: r"\text{" + words[int(m.group(1))].replace("_", r"\_") + "}", s)


def _prose(plain: str, names=()) -> Text:
    """`plain` (a message of the run, its fields put in) as prose whose formulas are mathematics; `names`:
    words that are symbols here (a setting's name: lr, beta1)."""
    from .prose import Code, Prose, Sym
    parts = _SPLIT.split(plain)              # token, separator, token, …
    kinds = [(i % 2 == 0 and bool(p) and _is_math(p, names)) for i, p in enumerate(parts)]
    raw, pieces, i = [], [], 0

    def joins(j: int) -> bool:               # parts[j] and parts[j + 2] are one formula
        a, b = parts[j], parts[j + 2]
        return (kinds[j + 2] and parts[j + 1] != "" and parts[j + 1].strip() == "" and not a.endswith((",", ";", ":"))
                and not b.startswith("(" + "=") and (bool(_OPERATOR.fullmatch(b)) or bool(_OPERATOR.fullmatch(a))
                                                    or a.endswith(tuple("=≈+−×·/")) or b.startswith(tuple("=≈+−×·/"))))
    while i < len(parts):
        if not kinds[i]:                     # a file's word (initial_accumulator_value, per_sample) as code
            raw.append(_SETTING_WORD.sub(lambda m: (pieces.append(Code(m.group(0), breakable=True)),
                                                    f"\ue000{len(pieces) - 1}\ue001")[1], parts[i]))
            i += 1
            continue
        j = i
        while j + 2 < len(parts) and joins(j):
            j += 2
        span = "".join(parts[i:j + 1])
        if i == j and (span.strip("(),;:.").isdigit() or _OPERATOR.fullmatch(span.strip("(),;:."))):
            raw.append(span)                 # a number or an operator alone: words (Step 1, 7 parameters)
            i += 1
            continue
        start, end = 0, len(span)
        while start < end and span[start] == "(" and span[start:end].count("(") > span[start:end].count(")"):
            start += 1
        while start < end and (span[end - 1] in ",;:." or (span[end - 1] == ")" and
                                                             span[start:end].count(")") > span[start:end].count("("))):
            end -= 1
        core = span[start:end]
        raw += [span[:start], f"\ue000{len(pieces)}\ue001", span[end:]]
        pieces.append(Sym(core, _formula_latex(core)))
        i = j + 1
    return Prose("".join(raw), pieces)


def _num(x) -> str:
    return f"{float(x):.4g}"


def run_names(psol, names: Names) -> tuple[Names, dict]:
    """The part's names with every parameter's own optimizer symbols (`m_t(w_{35})` …) and the symbols of the
    re-solved steps shown (one sample of a batch has symbols of its own), and each parameter's substitutions
    (optimize.own_symbols)."""
    from ..optimize import own_symbols
    run = psol.run
    text, latex, subs = dict(names.text), dict(names.latex), {}
    for worked in run.worked.values():
        for sym, t in worked.solution.names.text.items():
            text.setdefault(sym, t)
            latex.setdefault(sym, worked.solution.names.latex[sym])
    for p in run.params:
        sym = psol.step(p.key).symbol
        s, t, l = own_symbols(run, p, names.text[sym], names.latex[sym])
        subs[p.key] = s
        text.update(t)
        latex.update(l)
    return Names(text, latex), subs


def optimizer_sections(psol, names: Names, subs: dict, precision: int, lang: str) -> tuple[Section, ...]:
    """The rule, each step shown in full, and the per-step table."""
    from ..optimize import form_note, observations
    run, tr = psol.run, psol.run.training
    graph = getattr(psol, "graph", False)
    settings = ", ".join(f"{k} = {message_number(float(v), 10)}" for k, v in tr.settings)
    loss = psol.part.notation.loss_symbol
    start = _state_start(tr, lang)
    theta = (_prose(msg(lang, "optimizer.theta_graph_run", params=", ".join(psol.parameter_names), loss=loss,
                        start=start))
             if graph else _prose(msg(lang, "optimizer.theta_run", loss=loss, start=start)))
    notes = [_prose(msg(lang, "optimizer.summary", name=tr.optimizer, form=tr.form, settings=settings,
                        steps=tr.steps, update=tr.update), {k for k, _ in tr.settings}),
             _prose(form_note(tr.optimizer, tr.form, lang, tr.values)), theta]
    if graph:
        notes.append(_prose(msg(lang, "optimizer.graph_gradients", loss=loss)))
    clash = _name_clash_note(psol, names, lang)
    if clash is not None:
        notes.append(clash)
    notes.append(_prose(msg(lang, "optimizer.precision_loss", digits=DIGITS, loss=loss) if graph
                        else msg(lang, "optimizer.precision", digits=DIGITS)))
    for key, fields in observations(run, lang):
        if graph and key in _GRAPH_NOTES:          # a graph's write-up is read whole: no "G_1 = g_1²" in its notes
            key += "_graph"
        shown = {k: (str(v) if isinstance(v, (int, str)) else _num(v)) for k, v in fields.items()}
        if key.startswith("optimizer.note.about_eta") and shown.get("low") == shown.get("high"):
            # |Δθ| = 0.5·η each, not "0.5·η to 0.5·η"; by η each, not "by |Δθ| = 1·η"
            key += "_eta_each" if _shown_one(shown["low"]) else "_each"
        elif key.startswith("optimizer.note.bias_correction"):
            key = key.replace("bias_correction", "bias_correction_g")   # the rule's own g (g̃_1 with weight decay)
        notes.append(_prose(msg(lang, key, **shown)))
    from ..optimizers import shown_rule
    rule = tuple(Step("", a.symbol, (a.expr,)) for a in shown_rule(tr.optimizer, tr.form, tr.values, str(loss)))
    sections = [Section(sentence(lang, "section.optimizer"), rule, notes=tuple(notes))]
    n = len(run.steps)
    chains = run_chains(run, subs)
    for t in run.shown:
        worked = run.worked[t]
        values = worked.step.values
        if graph and _resolved_shown(psol, t):           # a part of its own: the graph's steps print by its Math
            from .graph import step_pass
            sections.append(step_pass(worked.solution, t, lang, precision, _fixed_gradients(run, chains, subs, t,
                                                                                              precision),
                                      _lookahead_note(psol, names, t, precision, lang, chains, subs)))
        elif _resolved_shown(psol, t):
            sections += _resolved(worked.solution, t, lang, names,
                                  _lookahead_note(psol, names, t, precision, lang, chains, subs),
                                  _fixed_gradients(run, chains, subs, t, precision))
        steps = step_lines(run, chains, t)
        samples = ", ".join(str(s + 1) for s in worked.step.samples)
        before, after = (format_value(_number(values[_key(k)]), step_figures(values[_key(k)], precision))[0]
                         for k in ("loss", "new_loss"))
        frozen = [names.text[psol.step(p.key).symbol] for p in run.params if p.frozen]
        step_notes = [_text(msg(lang, "optimizer.step_loss", before=before, after=after))]
        if _lookahead(run):
            step_notes.append(_prose(msg(lang, "optimizer.lookahead")))
        if frozen:
            step_notes.append(_prose(msg(lang, "optimizer.frozen", params=", ".join(frozen))))
        title = (msg(lang, "optimizer.graph_step_title", t=t, n=n) if graph
                 else msg(lang, "optimizer.step_title" if len(worked.step.samples) > 1 else "optimizer.step_title_one",
                          t=t, n=n, samples=samples))
        sections.append(Section(_text(title),
                                tuple(steps), notes=tuple(step_notes)))
    sections.append(Section(_text(msg(lang, "optimizer.table_title")), (), table=_table(psol, names, precision, lang)))
    return tuple(sections)


def _name_clash_note(psol, names: Names, lang: str):
    """The note that says which is which where a parameter's name is a letter of the rule (`b_t(b)`: torch's
    momentum buffer of a parameter b), or None (optimize.name_clashes)."""
    from ..optimize import name_clashes
    run = psol.run
    clashes = name_clashes(run, {p.key: names.text[psol.step(p.key).symbol] for p in run.params})
    if not clashes:
        return None
    if len(clashes) == 1:
        letter, quantity, param = clashes[0]
        return _prose(msg(lang, "optimizer.name_clash", letter=letter, quantity=quantity, param=param,
                          example=f"{quantity}({param})"))
    sep = msg(lang, "optimizer.state_sep")
    return _prose(msg(lang, "optimizer.name_clash_many", letters=sep.join(c[0] for c in clashes),
                      examples=sep.join(f"{q}({p})" for _, q, p in clashes)))


def _fixed_gradients(run, chains: dict, subs: dict, t: int, precision) -> dict:
    """{exact value of g_t: (display, exact)} of every parameter that moves at step t, as its optimizer line prints
    it: the step's forward and backward pass prints ∂J/∂θ so too (the same value printed alike in the step)."""
    from .. import optimizers
    out = {}
    for p in run.params:
        if p.frozen or p.key not in chains:
            continue
        g = sp.sympify(run.worked[t].step.values[p.kind("grad")])
        out.setdefault(g, chains[p.key].at(t).shown(precision)[subs[p.key][optimizers.G_T]])
    return out


def run_chains(run, subs: dict) -> dict:
    """{parameter key: RunChain} of every parameter that moves: one chain per parameter over every step shown,
    so that a state printed at step t − 1 is put into step t as printed."""
    from ..optimize import worked_lines
    chains = {p.key: RunChain({t: worked_lines(run, t, p, subs[p.key]) for t in run.shown}, _carried(run, subs[p.key]))
              for p in run.params if not p.frozen}
    group = _ChainGroup(chains.values())     # equal values of a step print alike across the parameters
    for chain in chains.values():
        chain.group = group
    return chains


def step_lines(run, chains: dict, t: int) -> list[Step]:
    """Step t's lines of the optimizer's rule (g_t, m_t, …, θ_t), parameter by parameter, as the solution prints
    them: each line's numbers and value from its parameter's chain (`run_chains`)."""
    steps = []
    for p in run.params:
        if p.frozen:
            continue
        chain = chains[p.key].at(t)
        for key, sym, rule_, numbers, value in chain.lines:
            steps.append(Step(str(key), sym, () if rule_ is None else (rule_,), numbers, value,
                              source=ShownLine(chain, sym)))
    return steps


# -- the numbers of a step's lines: each value shown with the digits the lines after it use ---------------

MAX_CHAIN_FIGURES = 15
# figures a number is widened to at most beyond the precision: a line whose value is a near-cancellation (θ_t ≈ 1e-9
# from 0.1 − 0.1×1.026/1.026) is not made to add up by printing its numbers to 13 figures
CHAIN_EXTRA_FIGURES = 4


def chain_figures(precision) -> int:
    """The most significant figures a step's number is widened to: the precision's and CHAIN_EXTRA_FIGURES more,
    MAX_CHAIN_FIGURES at most."""
    return min(MAX_CHAIN_FIGURES, max(int(precision), 1) + CHAIN_EXTRA_FIGURES)


# decimal places beyond the precision an exact value of a step may have and still be printed in full (θ_1 = 0.29375 at
# 4 places, = 0.29375 wherever the step uses it, not ≈ 0.2938 in one entry and −0.95625 in another)
EXACT_EXTRA_PLACES = 2


def step_figures(value, precision, x: float | None = None):
    """The figures a value of a step shown in full is printed with (docs/optimizers.md, "A worked run"): an exact
    value whose decimal ends within EXACT_EXTRA_PLACES places more than the precision in full (θ_1 = 0.29375, as
    −0.95625 is: =), a small one by significant figures (0.0000738, not 0.0001), any other at the precision. At
    `--sig-figs N` every value keeps its N figures."""
    from ..printing import SigFigs, is_sig_figs
    if is_sig_figs(precision):
        return precision
    places = _exact_places(value)
    if places is not None and places <= int(precision) + EXACT_EXTRA_PLACES:
        return max(places, int(precision))
    if x is None:
        from ..evaluate import to_float
        x = to_float(sp.sympify(value))
    return SigFigs(precision) if _small(x, precision) else precision


def _exact_places(value) -> int | None:
    """The decimal places of an exact value's decimal (0.29375: 5, 120: 0); None for a value with no finite
    decimal (1/3, √2) or a float."""
    value = sp.sympify(value)
    if not value.is_Rational:
        return None
    q, places = int(value.q), 0
    for f in (2, 5):
        n = 0
        while q % f == 0:
            q //= f
            n += 1
        places = max(places, n)
    return places if q == 1 else None


def _small(x, precision) -> bool:
    """Whether a value at decimal places `precision` is small enough to be shown by significant figures
    (0.0001696, not 0.0002): under 10^−⌊precision/2⌋ (0.01 at 4 places)."""
    from ..printing import is_sig_figs
    return not is_sig_figs(precision) and precision >= 1 and x != 0 and abs(x) < 10.0 ** -(int(precision) // 2)


def _carried(run, subs: dict) -> dict:
    """{symbol of step t's previous value (θ_{t−1}, m_{t−1} …): symbol of the same value as step t − 1's own line
    (θ_t, m_t …)}, in the parameter's own symbols."""
    from .. import optimizers
    row = optimizers.optimizer(run.training.optimizer, run.training.form)
    own = {a.name: a.symbol for a in run.rule}
    out = {subs.get(optimizers.THETA_PREV, optimizers.THETA_PREV): subs.get(optimizers.THETA, optimizers.THETA)}
    for st in row.state:
        if st.name in own:
            out[subs.get(st.previous, st.previous)] = subs.get(own[st.name], own[st.name])
    return out


class ShownChain:
    """How one parameter's lines of a step print their numbers (t18 item 9): each value of the step (g_t,
    m_t, v_t, m̂_t, …) at the precision, a small one by significant figures; the numbers put into a line are
    the values as printed (a line's own value where the step printed it); where a line does not come out
    at its printed value from those numbers, its numbers are widened together (significant figures
    `precision`, then one more …, up to MAX_CHAIN_FIGURES) and a widened value of the step is printed with
    those digits where it is given too, so that a student working from the printed numbers gets every
    printed value. At `--sig-figs N` every value keeps its N figures (the numbers put in are widened, as
    in the rest of a solution)."""

    def __init__(self, lines) -> None:
        self.lines = lines
        self._at: dict = {}
        self.group: "_ChainGroup | None" = None    # the chains of one run, whose equal values print alike
        self._figures: dict = {}                   # the figures of each value as last shown (`_chain`)
        self._values: dict = {}

    def _keyed(self):
        """(key, rule, {symbol of the rule: key of its number}, value) of each line, keyed by its symbol."""
        return [(sym, rule, {s: s for s in (numbers or {})}, numbers, value)
                for _, sym, rule, numbers, value in self.lines]

    def shown(self, precision) -> dict:
        """{symbol: (display, exact)} of every value and number of the lines at `precision`."""
        got = self._at.get(precision)
        if got is None:
            if self.group is not None:
                self.group.settle(precision)
                got = self._at[precision]
            else:
                got = self._at[precision] = self._chain(precision)
        return got

    def _chain(self, precision, floor: dict | None = None) -> dict:
        from ..printing import is_sig_figs
        keyed = self._keyed()
        values = {k: sp.sympify(value) for k, _, _, _, value in keyed}
        for _, _, keys, numbers, _ in keyed:
            for s, v in (numbers or {}).items():
                values.setdefault(keys[s], sp.sympify(v))
        from ..evaluate import to_float
        floats = {s: to_float(v) for s, v in values.items()}      # each value evaluated once

        def fmt(s, figures):
            return format_value(values[s], figures, floats[s])
        at = {s: step_figures(values[s], precision, floats[s]) for s in values}
        at.update(floor or {})               # a value another parameter's equal value prints wider (_ChainGroup)
        show = {s: fmt(s, at[s]) for s in values}
        self._figures, self._values = at, values
        if is_sig_figs(precision):           # --sig-figs N: every value with N figures, its numbers widened
            return show
        own = {k for k, _, _, _, _ in keyed}
        for _ in range(4 * len(keyed) + 4):
            widened = False
            for k, rule, keys, numbers, _ in keyed:
                if rule is None or not numbers:
                    continue
                if self._adds_up(rule, {s: show[keys[s]][0] for s in numbers}, show[k][0], at[k]):
                    continue
                wider = self._widen(rule, [keys[s] for s in numbers], fmt, show, show[k][0], at[k], precision,
                                    {keys[s]: s for s in numbers})
                if wider is None:
                    continue
                for s, (shown_, figures) in wider.items():
                    if shown_ != show[s][0]:
                        show[s], at[s] = fmt(s, figures), figures
                        widened = widened or s in own
            if not widened:
                break
        return show

    @staticmethod
    def _adds_up(rule, shown: dict, target: str, target_at) -> bool:
        from ..printing import _display_fraction, _same_display, bounded_display
        try:
            fast = bounded_display(rule, {s: _display_fraction(v) for s, v in shown.items()}, target_at)
        except (TypeError, ValueError):
            fast = None
        if fast is not None:
            return _same_display(fast, target)
        try:
            nums = {s: sp.Rational(v) for s, v in shown.items()}
        except (TypeError, ValueError):
            return True
        value = rule.xreplace(nums)
        if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            return False             # the numbers as shown divide by 0 (β₁ = 0.9 shown as 1 in 1 − β₁^t): widen them
        if not value.is_number or not value.is_real:
            return True
        return _same_display(format_value(value, target_at)[0], target)

    def _widen(self, rule, numbers, fmt, show, target, target_at, precision, symbols=None):
        """{key: (display, figures)} of the fewest more significant figures at which the line comes out
        at `target` (`numbers` the keys of its numbers, `symbols` each key's symbol in `rule`); None if none up
        to `chain_figures` does."""
        from ..printing import SigFigs, _decimals
        symbols = symbols or {s: s for s in numbers}
        for k in range(max(int(precision), 1), chain_figures(precision) + 1):
            got = {}
            for s in numbers:
                wide = fmt(s, SigFigs(k))[0]
                got[s] = ((wide, SigFigs(k)) if _decimals(wide) > _decimals(show[s][0]) or show[s][1] is False
                          and _decimals(wide) == _decimals(show[s][0]) and wide != show[s][0]
                          else (show[s][0], None))
            if self._adds_up(rule, {symbols[s]: v for s, (v, _) in got.items()}, target, target_at):
                return {s: v for s, v in got.items() if v[1] is not None}
        return None


class _ChainGroup:
    """The chains of one run's parameters (`run_chains`), shown together: one value of a step that two parameters'
    lines print (two symmetric entries' g_t = −0.241171875, θ_1 = 0.29375) is printed alike in both, with the most
    places either needs (docs/optimizers.md, "A worked run"): the narrower one's chain is worked again from that
    display, its lines widened as they then need, until no equal values of a step print differently."""

    ROUNDS = 6

    def __init__(self, chains) -> None:
        self.chains = list(chains)

    def settle(self, precision) -> None:
        from ..printing import _decimals, is_sig_figs
        floors: list[dict] = [{} for _ in self.chains]
        shows: list[dict] = []
        for _ in range(self.ROUNDS):
            shows = [c._chain(precision, fl) for c, fl in zip(self.chains, floors)]
            if is_sig_figs(precision):
                break
            widest: dict = {}
            for c, show in zip(self.chains, shows):
                for k, (d, _) in show.items():
                    group = (_step_of(k), c._values[k])
                    if group not in widest or _decimals(d) > _decimals(widest[group][0]):
                        widest[group] = (d, c._figures[k])
            changed = False
            for c, show, floor in zip(self.chains, shows, floors):
                for k, (d, _) in show.items():
                    d_wide, figures = widest[(_step_of(k), c._values[k])]
                    if _decimals(d_wide) > _decimals(d) and floor.get(k) != figures:
                        floor[k] = figures
                        changed = True
            if not changed:
                break
        for c, show in zip(self.chains, shows):
            c._at[precision] = show


def _step_of(key):
    """The step a chain's value belongs to: a RunChain's key is (t, symbol); a ShownChain's is one step's."""
    return key[0] if isinstance(key, tuple) else None


class RunChain(ShownChain):
    """One parameter's lines of every step shown, as one chain: a number of step t that is step t − 1's value
    (θ_{t−1}, m_{t−1} …, `carried`) is that line's value as step t − 1 printed it, and where step t needs it
    wider, step t − 1 prints it wider too (docs/optimizers.md: the numbers put into a line are the printed
    values, across steps too). `at(t)` is step t's view (a ShownChain's interface)."""

    def __init__(self, steps: dict, carried: dict) -> None:
        super().__init__([line for lines in steps.values() for line in lines])
        self.steps, self.carried = steps, carried

    def _keyed(self):
        out = []
        for t, lines in self.steps.items():
            for _, sym, rule, numbers, value in lines:
                keys = {s: ((t - 1, self.carried[s]) if s in self.carried and t - 1 in self.steps else (t, s))
                        for s in (numbers or {})}
                out.append(((t, sym), rule, keys, numbers, value))
        return out

    def at(self, t: int) -> "_StepView":
        return _StepView(self, t)


class _StepView:
    """Step t of a RunChain: its lines, and {symbol: (display, exact)} of its values and numbers."""

    def __init__(self, chain: RunChain, t: int) -> None:
        self.chain, self.t, self.lines = chain, t, chain.steps[t]

    def shown(self, precision) -> dict:
        got = self.chain.shown(precision)
        out = {}
        for _, sym, _, numbers, _ in self.lines:
            out[sym] = got[(self.t, sym)]
            for s in numbers or {}:
                out.setdefault(s, got[(self.t - 1, self.chain.carried[s]) if s in self.chain.carried
                                   and self.t - 1 in self.chain.steps else (self.t, s)])
        return out


class ShownLine:
    """One line's document source: its value and its numbers as the chain prints them (SolutionMath)."""

    def __init__(self, chain: ShownChain, symbol) -> None:
        self.chain, self.symbol = chain, symbol

    def shown(self, precision) -> tuple[str, bool]:
        return self.chain.shown(precision)[self.symbol]

    def shown_numbers(self, numbers, precision) -> dict:
        from ..printing import is_sig_figs, operands_that_add_up
        got = self.chain.shown(precision)
        if is_sig_figs(precision):           # a value keeps its N figures: the numbers put in are widened instead
            rule = next(r for _, sym, r, _, _ in self.chain.lines if sym == self.symbol)
            return operands_that_add_up(rule, got[self.symbol][0], precision,
                                        lambda p: {s: format_value(sp.sympify(v), p)[0] for s, v in numbers.items()})
        return {s: got[s][0] for s in numbers}


def _shown_one(text: str) -> bool:
    """Whether a number as printed reads 1 (1, 1.0, 1.0000): |Δθ| = 1·η is said "by η"."""
    try:
        return float(text) == 1.0
    except ValueError:
        return False


def _state_start(tr, lang: str) -> str:
    """The clause on the state before step 1, only where the optimizer has a state: "every state starts at 0",
    Adagrad's with the value its G starts at (initial_accumulator_value); "" for plain SGD."""
    from ..optimizers import initial_state, settings
    if not initial_state(tr.optimizer, tr.form, tr.values):
        return ""
    values = settings(tr.optimizer, tr.form, tr.values)
    if tr.optimizer == "adagrad" and "initial_accumulator_value" in values:
        return msg(lang, "optimizer.start_adagrad",
                   value=message_number(float(values["initial_accumulator_value"]), 10))
    return msg(lang, "optimizer.start_zero")


# the notes a graph's run words without an equation that names a state at t = 1 (a graph's write-up is read whole)
_GRAPH_NOTES = ("optimizer.note.about_eta", "optimizer.note.bias_correction")


# the sections of a re-solved step that show how g_t came about (its update and new weights are SGD's: left out)
_RESOLVED = ("forward", "loss", "output", "hidden", "shared")
_NOT_SHOWN = ("update_w", "new_w", "update_shared", "new_shared")


def _resolved_shown(psol, t: int) -> bool:
    """Whether step t's forward and backward pass are shown: every step but the first, whose are the solution
    above (a per_sample run's solution is step 1's, on sample 1; the lecture's Nesterov at t = 1 is at θ_0)."""
    return t > 1


def _lookahead(run) -> bool:
    from .. import optimizers
    return optimizers.optimizer(run.training.optimizer, run.training.form).grad_at != optimizers.THETA_PREV


def _lookahead_note(psol, names: Names, t: int, precision: int, lang: str, chains: dict | None = None,
                    subs: dict | None = None):
    """The lecture Nesterov's step t: its forward pass is at the look-ahead weights, each named with its numbers
    (`w_{03}: 0.1412 − 0.9×(−0.0412) ≈ 0.1783`), θ_{t−1} and v_{t−1} as the step's lines print them (`chains`,
    `subs`: run_chains, the parameters' own symbols), the point as a value of the step (`step_figures`); None for
    every other rule. A graph's are its parameters' entries."""
    from .. import optimizers
    from ..optimize import lookahead_weights
    parts = []
    for p, theta, gamma, v, point in lookahead_weights(psol.run, t):
        if p.frozen:
            continue
        got = {}
        if chains is not None and p.key in chains:
            shown = chains[p.key].at(t).shown(precision)
            got = {"theta": shown.get(subs[p.key].get(optimizers.THETA_PREV)),
                   "v": shown.get(subs[p.key].get(optimizers.V_PREV))}
        th, vv = ((got.get(k) or format_value(_number(x), step_figures(x, precision)))[0]
                  for k, x in (("theta", theta), ("v", v)))
        g = format_given(_number(gamma), precision)[0]
        pt, exact = format_value(_number(point), step_figures(point, precision))
        vv = f"({vv})" if vv.startswith("-") else vv
        # "w_{03}: …", not "w_{03} = …": a write-up that copies the solution must not read it as w_{03}'s value
        parts.append(f"{names.text[psol.step(p.key).symbol]}: {th} − {g}×{vv} {'=' if exact else '≈'} {pt}"
                     .replace("-", "−"))
    if not parts:
        return None
    key = "optimizer.lookahead_graph" if getattr(psol, "graph", False) else "optimizer.lookahead_weights"
    return _prose(msg(lang, key, t=t, weights=", ".join(parts)))


def _resolved(solution, t: int, lang: str, names: Names | None = None, lookahead=None,
              fixed: dict | None = None) -> list[Section]:
    """The forward and backward pass of step t (the part re-solved at the step's grad point, on its samples),
    numbers put in as in the solution above (a line's numbers widened as few as will do: `ResolvedLine`).
    Its δ sections hold δ and ∂J/∂w (the update is the optimizer's, below): headed so. Where a net input is
    at an activation's kink at this step, the solution's note on g'(0) follows the forward pass; `lookahead`
    (the look-ahead weights of the lecture's Nesterov) comes before the first section's."""
    from .prose import note
    out = []
    weights = {s.symbol for s in solution.steps if s.key.kind in ("w", "shared")}
    kinks = [n for n in solution.conventions if n.kind == "kink"]
    chain = ResolvedChain([s for sec, steps in solution.sections() if sec in _RESOLVED for s in steps
                           if s.key.kind not in _NOT_SHOWN], weights, fixed)
    for sec, steps in solution.sections():
        if sec not in _RESOLVED:
            continue
        shown = tuple(Step(s.id, s.symbol, s.forms, s.leaves if s.forms else None, s.value, s.float_value,
                           source=ResolvedLine(s, weights, chain) if s.forms and s.leaves else None)
                      for s in steps if s.key.kind not in _NOT_SHOWN)
        if shown:
            title = sentence(lang, f"optimizer.section.{sec}") if sec in ("output", "hidden") else \
                sentence(lang, "section." + sec)
            notes = (tuple(note(solution, n, lang, names) for n in kinks) if sec == "forward" else ())
            if lookahead is not None and not out:
                notes = (lookahead,) + notes
            out.append(Section(sentence(lang, "optimizer.step_section", t=t, section=title), shown, notes=notes))
    return out


class ResolvedChain:
    """The lines of a re-solved step as one chain (as ShownChain for the optimizer's lines): the numbers put into
    a line are the values as the step prints them; where a line does not come out at its printed value from
    them, its numbers are widened as few as will do (the values computed in the step first, then the weights
    too, at most `chain_figures`), and a widened value of the step is printed with those digits in its own
    line too (u_3^(1) ≈ 0.421899 where net_5^(1) needs it, not ≈ 0.4219 above 0.9000×0.421899)."""

    def __init__(self, steps, weights, fixed: dict | None = None) -> None:
        self.steps, self.weights, self.fixed = steps, weights, dict(fixed or {})
        self._owner = {s.symbol: s for s in steps}
        self._at: dict = {}
        self._exact: dict = {}

    def _own(self, s, precision) -> tuple[str, bool, object]:
        """A value of the step as the step prints it at first, whether exact, and the figures of that display: the
        optimizer line's display of the same value (`fixed`: g_t for ∂J/∂w), else by `step_figures`."""
        from ..printing import _decimals, is_sig_figs
        v = sp.sympify(s.value)
        if v in self.fixed and not is_sig_figs(precision):
            d, e = self.fixed[v]
            return d, e, max(_decimals(d), int(precision))
        figures = step_figures(v, precision, s.float_value)
        d, e = format_value(v, figures, s.float_value)
        return d, e, figures

    def exact(self, sym, precision) -> bool:
        """Whether the step's own value `sym` is printed exactly (=) at `precision`."""
        self.shown(precision)
        return self._exact[precision].get(sym, False)

    def owns(self, sym, value) -> bool:
        owner = self._owner.get(sym)
        return owner is not None and owner.value is value

    def shown(self, precision) -> tuple[dict, dict]:
        """({symbol: display} of the step's own values, {id(step): {symbol: display} of its numbers})."""
        got = self._at.get(precision)
        if got is None:
            got = self._at[precision] = self._chain(precision)
        return got

    def _chain(self, precision):
        from ..printing import SigFigs, _decimals, _longer, _reevaluated, _same_display, is_sig_figs
        first_shown = {s.symbol: self._own(s, precision) for s in self.steps}
        disp = {s: d for s, (d, _, _) in first_shown.items()}
        at = {s: f for s, (_, _, f) in first_shown.items()}
        exact = self._exact[precision] = {s: e for s, (_, e, _) in first_shown.items()}
        lines = [s for s in self.steps if s.forms and s.leaves]
        numbers: dict = {}

        def fmt(step, sym, value, p):
            if self.owns(sym, value):
                return format_value(self._owner[sym].value, p, self._owner[sym].float_value)[0]
            return format_value(value, p)[0]
        if is_sig_figs(precision):                # --sig-figs N: ResolvedLine widens the numbers alone
            return disp, numbers
        sig = False
        for _ in range(2 * len(lines) + 2):
            changed = False
            for step in lines:
                expr = step.forms[-1]
                first = {s: (disp[s] if self.owns(s, v) else format_value(v, step_figures(v, precision))[0])
                         for s, v in step.leaves.items()}
                numbers[id(step)] = first
                if not expr.free_symbols <= first.keys():
                    continue
                target, target_at = disp[step.symbol], at[step.symbol]
                if (got := _reevaluated(expr, first, target_at, None)) is None or _same_display(got, target):
                    continue
                found = None
                # a small value by significant figures (0.0000738087) needs its numbers to its own places and more
                most = min(MAX_CHAIN_FIGURES, max(chain_figures(precision), _decimals(target) + 2))
                for places in range(int(precision) + 1, most + 1):
                    wide = _longer(first, {s: fmt(step, s, v, SigFigs(places) if sig else places)
                                           for s, v in step.leaves.items()})
                    for keep in (self.weights, ()):
                        shown = {s: (first[s] if s in keep else v) for s, v in wide.items()}
                        if (got := _reevaluated(expr, shown, target_at, None)) is not None \
                                and _same_display(got, target):
                            found = (shown, places)
                            break
                    if found:
                        break
                if found is None:                 # none within the figures: the printed numbers as they are
                    continue
                shown, places = found
                numbers[id(step)] = shown
                for s, v in shown.items():
                    if self.owns(s, step.leaves[s]) and v != disp[s]:
                        disp[s], at[s] = v, places
                        exact[s] = _shows_exactly(v, self._owner[s].value)
                        changed = True
            if not changed:
                break
        return disp, numbers


def _shows_exactly(display: str, value) -> bool:
    """Whether `display` is all of an exact value's digits."""
    from fractions import Fraction
    value = sp.sympify(value)
    if not value.is_Rational:
        return False
    try:
        return Fraction(display) == Fraction(int(value.p), int(value.q))
    except ValueError:
        return False


class ResolvedLine:
    """A line of a re-solved step as SolutionMath prints it: its value at the precision, and its numbers as
    printed, widened only where the line does not come out at its value: first the values computed in the
    step (u, δ), then the weights too, one more place at a time (`0.4000×1 + 0.9000×0.421899`, not every
    number to 6 places)."""

    def __init__(self, step, weights, chain: ResolvedChain | None = None) -> None:
        self.step, self.weights, self.chain = step, weights, chain

    def shown(self, precision) -> tuple[str, bool]:
        own = self.step.shown(precision)
        if self.chain is None:
            return own
        got = self.chain.shown(precision)[0].get(self.step.symbol)
        if got is None:
            return own
        return got, self.chain.exact(self.step.symbol, precision)

    def shown_numbers(self, numbers, precision) -> dict:
        from ..printing import SigFigs, _longer, _reevaluated, _same_display, is_sig_figs, operands_that_add_up
        if self.chain is not None and id(self.step) in self.chain.shown(precision)[1] \
                and numbers is self.step.leaves:
            return dict(self.chain.shown(precision)[1][id(self.step)])
        target = self.shown(precision)[0]
        expr = self.step.forms[-1]

        def at(p):
            return {s: format_value(v, p)[0] for s, v in numbers.items()}
        first = at(precision)
        if not expr.free_symbols <= first.keys():
            return first
        if (got := _reevaluated(expr, first, precision, None)) is not None and _same_display(got, target):
            return first
        sig = is_sig_figs(precision)
        for places in range(int(precision) + 1, 16):
            wide = _longer(first, at(SigFigs(places) if sig else places))
            for keep in (self.weights, ()):
                shown = {s: (first[s] if s in keep else v) for s, v in wide.items()}
                if (got := _reevaluated(expr, shown, precision, None)) is not None and _same_display(got, target):
                    return shown
        return operands_that_add_up(expr, target, precision, at)


def _key(kind: str):
    from ..quantity import Key
    return Key(kind)


def _table(psol, names: Names, precision: int, lang: str) -> Table:
    """One row a step: t, its samples, the loss before and after (a per_sample run's: the step's sample's
    J_n, so said in the header), and every parameter after the step, every number of a column with the
    same digits (0.1200, not an exact 0.12 in row 1); a parameter that did not move in a step is printed as
    in the row before (a frozen weight given as 0.8 stays 0.8 in every row, not 0.8000)."""
    from .prose import Prose, Sym
    run = psol.run
    samples = not getattr(psol, "graph", False)          # a graph has one sample: no column for it
    own = "_sample" if run.training.update == "per_sample" and samples else ""
    loss = psol.part.notation.loss_symbol
    head = ([_prose(msg(lang, "optimizer.col.step"))] + [_text(msg(lang, "optimizer.col.samples"))] * samples
            + [_prose(msg(lang, f"optimizer.col.before{own}", loss=loss)),
               _prose(msg(lang, f"optimizer.col.after{own}", loss=loss))]
            + [Prose("\ue0000\ue001", [Sym(names.text[psol.step(p.key).symbol], names.latex[psol.step(p.key).symbol])])
               for p in run.params])
    rows, last = [], {}
    for rs in run.steps:
        cells = []
        for p in run.params:
            value = run.value(rs.t, p.kind("new"))
            x = float(value)
            if p.key in last and last[p.key][0] == x:
                cells.append(last[p.key][1])
                continue
            shown = format_float(x, precision)                # a column's digits alike (0.1200, not 0.12)
            start = float(run.value(rs.t, p.key))         # θ_{t−1}: unmoved in step 1, shown as given
            if rs.t == 1 and start == x:
                shown = format_given(_number(run.value(rs.t, p.key)), precision)[0]
            last[p.key] = (x, shown)
            cells.append(shown)
        rows.append(tuple([str(rs.t)] + [",".join(str(s + 1) for s in rs.samples)] * samples +
                          [format_float(float(run.value(rs.t, _key("loss"))), precision),
                           format_float(float(run.value(rs.t, _key("new_loss"))), precision)] + cells))
    return Table(tuple(head), tuple(rows), 1 + samples)


def _number(value):
    """A run's value (a float, or a worked step's exact value) as a SymPy number, for format_value."""
    import sympy as sp
    return sp.sympify(value)


# -- a computation graph's run (graph_optimize.py) ------------------------------------------------------

class _Named:
    def __init__(self, symbol) -> None:
        self.symbol = symbol


class GraphRunView:
    """A graph's solution as `optimizer_sections` reads a part's: its run, the output as the loss's name, each
    parameter entry's symbol (`step(key).symbol`), and its parameters' names."""

    graph = True

    def __init__(self, sol) -> None:
        from types import SimpleNamespace
        self.run = sol.run
        self.part = SimpleNamespace(notation=SimpleNamespace(loss_symbol=sol.problem.output))
        self.parameter_names = list(sol.problem.parameters)
        self._symbols = {p.key: p.symbol for p in sol.run.params}

    def step(self, key) -> _Named:
        return _Named(self._symbols[key])


def graph_optimizer_parts(sol, entry_names: tuple[dict, dict], precision: int, lang: str) -> tuple:
    """The optimizer's sections of a graph with a run, as document parts of their own (no heading): the rule,
    the steps shown in full and the per-step table, in the entries' names as the graph's steps write them
    (`entry_names`: text and LaTeX of each entry symbol); each step's forward and backward pass after step 1
    (graph.step_pass, printed by the graph's own Math) a part between them."""
    from ..document import Part
    from ..optimize import names_of_symbols, own_symbols
    from .build import SolutionMath
    view = GraphRunView(sol)
    text, latex = names_of_symbols()
    text, latex = dict(text), dict(latex)
    text.update(entry_names[0])
    latex.update(entry_names[1])
    subs = {}
    for p in view.run.params:
        s, t, l = own_symbols(view.run, p, entry_names[0][p.symbol], entry_names[1][p.symbol])
        subs[p.key] = s
        text.update(t)
        latex.update(l)
    names = Names(text, latex)
    math, parts, run_ = SolutionMath(names), [], []
    for piece in optimizer_sections(view, names, subs, precision, lang):
        if isinstance(piece, Part):                  # a step's forward and backward pass (graph.step_pass)
            if run_:
                parts.append(Part(None, tuple(run_), math, precision))
            parts.append(piece)
            run_ = []
        else:
            run_.append(piece)
    parts.append(Part(None, tuple(run_), math, precision))
    return tuple(parts)
