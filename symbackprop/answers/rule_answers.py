"""General rules as answers: `delta_hidden: "g'(net_j)\\sum_k w_{kj}\\delta_k"`.

The student's rule is read with index letters as the appendix uses them — k for an output unit,
j for a hidden unit, i for an input — in the part's own symbols and index order, and compared
with the rule `symbackprop derive` derives: evaluated at random values of every indexed quantity
(and of every g'(net)), on a layer of three units, at several points. A rule written with the
activation's own derivative (σ' = z(1 − z)) is compared with the specialised rule instead.
"""
from __future__ import annotations

import random
import re

import sympy as sp

from ..symbolic_rules import (RULE_IDS, GeneralDerivation, c, d, delta_h, delta_o, eta, gprime, i, j, k, n_H, net_h, net_o,
                       t, w_h, w_o, x, y, z)
from ..messages import said
from ..rule_check import evaluate_rule
from .expr import evaluate
from .latex import AnswerError, Parser, check_size, normalize, split_relations
from .names import either, prime_pattern, read_primes

SIZE = 3                                   # units per layer at the test points
AT = {"k": 2, "j": 1, "i": 3}              # the units the rule is evaluated for
POINTS = 4


# g(net) itself, as a rule may (wrongly) write it where g'(net) belongs: the unit's output at a test point
G_OF_NET = sp.Function("g")


def rule_table(dv: GeneralDerivation) -> dict[str, tuple[sp.IndexedBase, str]]:
    """Canonical token (`w_kj`, `δ_k`, `net_j`, `g'(net_k)`) -> (base, index letters)."""
    nota = dv.notation
    out_sym = nota.output_symbol or nota.activation_symbol
    w = nota.weight_symbol
    wo, wh = ("jk", "ij") if nota.weight == "from_to" else ("kj", "ji")
    table = {f"{nota.target_symbol}_k": (t, "k"), f"{out_sym}_k": (z, "k"), f"{nota.activation_symbol}_j": (y, "j"),
             f"{nota.input_symbol}_i": (x, "i"), "net_k": (net_o, "k"), "net_j": (net_h, "j"),
             "δ_k": (delta_o, "k"), "δ_j": (delta_h, "j"), f"{w}_{wo}": (w_o, "kj"), f"{w}_{wh}": (w_h, "ji"),
             "g'(net_k)": (gprime, "k"), "g'(net_j)": (gprime, "j"), "η": (eta, ""),
             "g(net_k)": (G_OF_NET, "k"), "g(net_j)": (G_OF_NET, "j")}
    return table


_TOKEN = re.compile(r"g\s*'\s*\(\s*net\s*_\s*\{?\s*([kj])\s*\}?\s*\)|\\delta\s*_\s*\{?\s*([kj])\s*\}?|net\s*_\s*\{?\s*([kj])\s*\}?"
                    r"|\\eta(?![A-Za-z])|(?<![\\A-Za-z])([A-Za-z])\s*_\s*\{?\s*([ijk]{1,2})\s*\}?"
                    r"|(?<![\\A-Za-z])g\s*\(\s*net\s*_\s*\{?\s*([kj])\s*\}?\s*\)")
# g' with the activation's own letter (σ', tanh') or a generic one (f', φ'), on net_k or net_j
_PRIME = prime_pattern(r"net\s*_\s*\{?\s*(?P<unit>[kj])\s*\}?")
_SUM = re.compile(r"\\sum\s*_\s*\{?\s*([kji])\s*\}?(?!\s*=)(?!\s*\^)")


# a name with letters for its index (o_h, w_{kh}, \\delta_h, net_{o}): each letter must be one of i, j, k
_LETTER_INDEX = re.compile(r"(?<![\\A-Za-z])(?:\\delta|net|[A-Za-z])\s*_\s*(?:\{\s*([A-Za-z]{1,2})\s*\}|([A-Za-z])(?![A-Za-z]))")
# the letters other books use: Mitchell's h for a hidden unit, o for an output one
_OTHER_LETTERS = {"h": "rule_answer.hidden_index", "o": "rule_answer.output_index"}


def _whole_name(m: re.Match) -> str:
    """The name a token starts, as written: `w_{kh}` where the token stopped at `w_{k` (h is no index
    letter), so that a message never cuts it short."""
    token, text = m.group(0).strip(), m.string
    if token.count("{") > token.count("}"):
        close = text.find("}", m.end())
        if close >= 0 and "{" not in text[m.end():close]:
            return (token + text[m.end():close + 1]).strip()
    return token


def _index_letters(text: str) -> None:
    """AnswerError for a name whose index letter is none of these rules' (k, j, i): `w_{kh}` says that h is
    no index letter here and, for Mitchell's h, to write j for a hidden unit (o: k for an output unit)."""
    for m in _LETTER_INDEX.finditer(text):
        letters = m.group(1) or m.group(2)
        bad = [ch for ch in letters if ch not in "ijk"]
        if bad:
            key = _OTHER_LETTERS.get(bad[0], "rule_answer.not_an_index")
            raise AnswerError(said(key, name=m.group(0).strip(), letter=bad[0]))


def prepare_rule(text: str, table: dict) -> tuple[str, dict[str, tuple]]:
    """Placeholders for the indexed names, and Σ_k without limits given its limits."""
    names: dict[str, tuple] = {}
    _index_letters(text)

    def sub(m: re.Match) -> str:
        token = m.group(0)
        if m.group(1):
            key = f"g'(net_{m.group(1)})"
        elif m.group(2):
            key = f"δ_{m.group(2)}"
        elif m.group(3):
            key = f"net_{m.group(3)}"
        elif m.group(6):
            key = f"g(net_{m.group(6)})"
        elif token.startswith("\\eta"):
            key = "η"
        else:
            key = f"{m.group(4)}_{m.group(5)}"
        if key not in table:
            words = said("rule_answer.not_a_quantity", name=_whole_name(m))
            # the names of these rules with the same letter (w_kj where the problem writes w_jk): a hint
            close = [name for name in table if name.split("_")[0] == key.split("_")[0] and name != key]
            raise AnswerError(said("hint.did_you_mean", first=words, close=either(close[:2])) if close else words)
        ph = f"R_{{{len(names) + 1}}}"
        names[ph.replace("{", "").replace("}", "")] = table[key]
        return f" {ph} "

    text = _SUM.sub(lambda m: f"\\sum_{{{m.group(1)}=1}}^{{C}}", text)
    return _TOKEN.sub(sub, text), names


def as_eta(text: str, notation) -> str:
    """`text` with the notation's own learning-rate letter (`learning_rate_symbol: alpha`: \\alpha, α,
    alpha) written \\eta, the one name the rule table reads; \\eta and η stay accepted."""
    if getattr(notation, "learning_rate_symbol", "eta") == "eta":
        return text
    from .names import learning_rate_pattern
    return learning_rate_pattern(notation).sub(lambda m: r" \eta ", text)


def _cheap_to_expand(expr: sp.Expr) -> bool:
    """Whether `sp.expand` of a student's rule stays small: no power of a sum (whose expansion grows as
    terms^power, and nested, without bound) and few operations. Otherwise compare at points only."""
    return sp.count_ops(expr) <= 200 and not any(p.base.is_Add and p.exp != 1 for p in expr.atoms(sp.Pow))


class _NotSymbolic(Exception):
    """A student's rule holds something SymPy should not be trusted with: compare it at points instead."""


class RuleChecker:
    """Checks general-rule answers of one part against its derivation."""

    def __init__(self, dv: GeneralDerivation, parser: Parser, seed: int = 0) -> None:
        self.dv, self.parser = dv, parser
        self.table = rule_table(dv)
        rng = random.Random(seed)
        self.points = []
        for _ in range(POINTS):
            vals: dict = {}
            for base in (t, z, net_o, delta_o):
                for q in range(1, SIZE + 1):
                    vals[base[q]] = rng.uniform(0.1, 0.9)
            for base in (y, x, net_h, delta_h):
                for q in range(0, SIZE + 1):
                    vals[base[q]] = rng.uniform(0.1, 0.9) if q else 1.0
            for base in (w_o, w_h):
                for a in range(0, SIZE + 1):
                    for b in range(0, SIZE + 1):
                        vals[base[a, b]] = rng.uniform(-1, 1)
            vals[eta] = rng.uniform(0.2, 2)
            gp = {net[q]: rng.uniform(0.1, 0.9) for net in (net_o, net_h) for q in range(0, SIZE + 1)}
            for net in (net_o, net_h):                   # nets of both signs, so that step(net) matters
                for q in range(0, SIZE + 1):
                    vals[net[q]] = rng.uniform(-1, 1)
            self.points.append((vals, gp))
        self._expected: dict[str, list] = {}
        self.index = {c: SIZE, n_H: SIZE, d: SIZE, k: AT["k"], j: AT["j"], i: AT["i"]}

    def expected(self, rid: str) -> list[tuple[str, list[float]]]:
        """(label, values at the points) of the derived rule and of each specialised form; once per rule."""
        if rid not in self._expected:
            self._expected[rid] = self._values_of(rid)
        return self._expected[rid]

    def _values_of(self, rid: str) -> list[tuple[str, list[float]]]:
        rule = self.dv.rule(rid)

        def index(expr):      # the free indices only: k is bound in Σ_k of the hidden rules
            return {s: v for s, v in self.index.items() if s in expr.free_symbols or s in (c, n_H, d)}
        forms = [f for f in rule.forms if not f.has(sp.Derivative)]        # δ_k y_j and its expansion
        out = [("general", [float(evaluate_rule(f, index(f), vals, gp)) for vals, gp in self.points]) for f in forms]
        for label, form in rule.specialised:
            at = [evaluate_rule(form, index(form), vals, gp) for vals, gp in self.points]
            if all(v.is_number and v.is_real for v in at):     # a form left with a step function or an
                out.append((label, [float(v) for v in at]))    # unevaluated derivative is not comparable
        return out

    def symbolic(self, node, names: dict):  # noqa: C901 - one branch per node kind
        """The student's rule as a SymPy expression in the derivation's own symbols, or None when it
        holds anything SymPy should not be trusted with (big powers, unknown functions)."""
        letters = {"k": k, "j": j, "i": i}

        def build(n):
            kind = n[0]
            if kind == "num":
                return sp.Rational(n[1])                # "p/q" or a decimal string
            if kind == "const":
                return sp.E if n[1] == "E" else sp.pi
            if kind == "sym":
                if n[1] in letters:
                    return letters[n[1]]
                if n[1] in ("C", "c"):
                    return c
                if n[1] not in names:
                    raise _NotSymbolic(f"symbol {n[1]}")
                base, idx = names[n[1]]
                if any(ch not in letters for ch in idx):
                    raise _NotSymbolic(f"index {idx}")
                if base is eta:
                    return eta
                if base is G_OF_NET:
                    raise _NotSymbolic("g(net)")
                args = tuple(letters[ch] for ch in idx)
                if base is gprime:
                    return gprime((net_o if idx == "k" else net_h)[args])
                return base[args]
            if kind == "add":
                return sp.Add(*[build(a) for a in n[1]])
            if kind == "mul":
                return sp.Mul(*[build(a) for a in n[1]])
            if kind == "pow":
                ex = build(n[2])
                if not (ex.is_Number and abs(ex) <= 10):
                    raise _NotSymbolic("power")
                return sp.Pow(build(n[1]), ex)
            if kind == "sum" and n[1] in letters:
                return sp.Sum(build(n[4]), (letters[n[1]], build(n[2]), build(n[3])))
            raise _NotSymbolic(kind)

        try:
            return build(node)
        except _NotSymbolic:                  # anything else is a bug of ours, and propagates
            return None

    def check(self, rid: str, text: str) -> tuple[bool, str, str | None]:
        """Is the student's rule the derived one? (ok, words, diagnosis): by SymPy when the difference
        expands to zero, else by evaluation at random points. The diagnosis is "other_convention" for a
        rule that is right in the other δ convention (every δ negated: δ_k = (t_k − z_k)g'(net_k),
        Δw = ηδy), which the part's other answers decide (diagnose.consolidate), "g_not_gprime" for one
        that is right once its g(net) is g'(net), else None."""
        if rid not in RULE_IDS:
            raise AnswerError(said("rule_answer.not_a_rule", rid=rid, rules=", ".join(RULE_IDS)))
        check_size(text)
        text = normalize(text)
        body = split_relations(text)[-1][1]              # "δ_k = …": the right-hand side is the rule
        body = as_eta(body, self.dv.notation)
        body = self.primes(body)
        prepared, names = prepare_rule(body, self.table)
        node = self.parser.parse(prepared)
        student = self.symbolic(node, names)
        if student is not None and _cheap_to_expand(student):
            rule = self.dv.rule(rid)
            for f in [f for f in rule.forms if not f.has(sp.Derivative)] + [f for _, f in rule.specialised]:
                if sp.expand(student - f) == 0:
                    return True, said("rule_answer.equal_sympy"), None
        got = self._evaluate(node, names, negate_deltas=False)
        for label, want in self.expected(rid):
            if all(abs(g - w) <= 1e-9 * max(1.0, abs(w)) for g, w in zip(got, want)):
                return True, (said("rule_answer.equal_random") if label == "general"
                              else said("rule_answer.equal_specialised", label=label)), None
        # the derived rule or its specialised form (σ' written u_k(1 − u_k)) with the opposite sign, or twice it
        forms = [want for _, want in self.expected(rid)]
        if any(all(abs(g + w) <= 1e-9 * max(1.0, abs(w)) for g, w in zip(got, want)) for want in forms):
            return False, said("rule_answer.opposite_sign"), \
                "other_convention" if self._other_convention(rid, node, names) else None
        if any(all(abs(g - 2 * w) <= 1e-9 * max(1.0, abs(w)) for g, w in zip(got, want)) for want in forms):
            return False, said("rule_answer.twice"), None
        gs = sorted({key for key, (base, _) in self.table.items() if base is G_OF_NET
                     and any(nm is self.table[key] for nm in names.values())})
        if gs:
            fixed = self._evaluate(node, names, negate_deltas=False, g_as_gprime=True)
            if any(all(abs(g - w) <= 1e-9 * max(1.0, abs(w)) for g, w in zip(fixed, want))
                   for _, want in self.expected(rid)):
                return False, said("diagnosis.g_not_gprime", net=gs[0][2:-1]), "g_not_gprime"
        return False, said("rule_answer.not_derived"), None

    def primes(self, text: str) -> str:
        """σ'(net_k), \\tanh'(net_j), f'(net_k), φ'(net_j) as g'(net_k), g'(net_j): σ and tanh only where that
        layer's activation is the one they name (every hidden layer's, for j), else AnswerError saying which."""
        def unit_of(m: re.Match) -> tuple[str, str, tuple[str, ...]]:
            unit = m.group("unit")
            return f"net_{unit}", unit, (self.dv.output_activation,) if unit == "k" else tuple(self.dv.hidden_activations)
        return read_primes(text, _PRIME, unit_of)

    def _other_convention(self, rid: str, node, names: dict) -> bool:
        """Whether the rule is right once every δ is negated (δ = −∂L/∂net): its value with the δs
        negated is the derived one, negated too when the rule's own left side is a δ."""
        sign = -1.0 if rid.startswith("delta") else 1.0
        got = self._evaluate(node, names, negate_deltas=True)
        return any(all(abs(g - sign * w) <= 1e-9 * max(1.0, abs(w)) for g, w in zip(got, want))
                   for _, want in self.expected(rid))

    def _evaluate(self, node, names: dict, negate_deltas: bool, g_as_gprime: bool = False) -> list[float]:
        """The student's rule at every test point (every δ negated when asked; g(net) read as g'(net) when
        asked)."""
        got = []
        for vals, gp in self.points:
            def env(name, bindings, vals=vals, gp=gp):
                if name in ("C", "c", "n_H", "n_o", "d"):
                    return SIZE
                if name not in names:
                    return None
                base, letters = names[name]
                idx = tuple(bindings.get(letter, AT[letter]) for letter in letters)
                if base is eta:
                    return vals[eta]
                if base is G_OF_NET:           # g(net) is the unit's output; g' where asked (the slip g for g')
                    base = gprime if g_as_gprime else z if letters == "k" else y
                key = (net_o if letters == "k" else net_h)[idx] if base is gprime else base[idx]
                table = gp if base is gprime else vals
                if key not in table:           # Σ_{k=1}^{4} on a network of SIZE units: no such unit
                    raise AnswerError(said("rule_answer.outside", item=str(key), size=SIZE))
                if negate_deltas and base in (delta_o, delta_h):
                    return -table[key]
                return table[key]
            got.append(float(evaluate(node, env)))
        return got
