"""Session 13, R2: repeats removed, behaviour kept. Each shared piece is compared with what the removed
copy did (the old code kept here as the reference), or with values worked out by hand."""
from __future__ import annotations

import random

import sympy as sp

from symbackprop.answers import graph_matrix as gm
from symbackprop.answers.graph_own import _entries, elementwise
from symbackprop.graph import elementwise_form, parse_graph
from symbackprop.printing import operands_that_add_up


# -- the removed copies, as they were (036a54f) -----------------------------------------------------

def _old_terms(text):
    terms, depth, start, sign = [], 0, 0, "+"
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and ch in "+-" and text[start:i].strip() and not gm._OPERATOR_BEFORE.search(text[start:i]):
            terms.append((sign, text[start:i]))
            sign, start = ch, i + 1
    terms.append((sign, text[start:]))
    if terms and not terms[0][1].strip():
        return None
    return terms if len(terms) <= gm.MAX_TERMS else None


def _old_closing(text, i):
    pairs = {"(": ")", "[": "]", "{": "}"}
    depth = 0
    for j in range(i, len(text)):
        if text[j] in pairs:
            depth += 1
        elif text[j] in pairs.values():
            depth -= 1
            if depth == 0:
                return j if text[j] == pairs[text[i]] else None
    return None


def _old_elementwise(f, q):
    if f.kind != "node" or f.rule is None or f.operands != {q.name} or f.shape != q.shape:
        return False
    for (_, _, rule), (_, sym, _) in zip(_entries(f), _entries(q)):
        if rule is None or rule.free_symbols != {sym}:
            return False
        if not sp.diff(rule, sym).free_symbols:
            return False
    return True


PIECES = ["1", "2.5", "-", "+", " ", "(", ")", "[", "]", "{", "}", "\\cdot ", "e", "1e", "x", ", ", "^T", "*"]


def _texts(n, seed):
    rnd = random.Random(seed)
    return ["".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 14))) for _ in range(n)]


def test_terms_cut_as_before():
    fixed = ["-1 \\cdot [[1], [2]] [[1, 2]]", "[[1]] - [[2]] + 3 \\cdot [[1e-3]]", "2 \\cdot -1 [[1]]",
             "([1] + [2]) - [3]", "[1] ) - [2] + [3]", "+ [1]", "1+2+3+4+5+6+7+8+9"]
    for text in fixed + _texts(3000, 13):
        assert gm._terms(text) == _old_terms(text), text
    assert gm._terms("[[1]] - [[2]] + 3 \\cdot [[1e-3]]") == [("+", "[[1]] "), ("-", " [[2]] "),
                                                             ("+", " 3 \\cdot [[1e-3]]")]   # 1e-3 not cut


def test_factors_find_the_same_closing_brackets(monkeypatch):
    # the old matcher put back in place of the shared one: _factors must give the same for every text
    texts = ["[[1, 2]] (3) [[4], [5]]^T", "(1 + [2])", "[1} [2]", "{[1]}", "2 \\times (0.5 - 1) [[1]]"] + \
        [t for t in _texts(3000, 7) if "[" in t]
    new = [gm._factors(t) for t in texts]
    real = gm.closing_brackets

    def old_style(term, opening, closing):
        return {i: j for i in range(len(term)) if term[i] in opening
                for j in [_old_closing(term, i)] if j is not None}
    monkeypatch.setattr(gm, "closing_brackets", old_style)
    # (the old matcher says None for a closer of another kind; the new keeps it and checks the kind: same)
    assert [gm._factors(t) for t in texts] == new
    assert real("a(b[c]d)e", "([{", ")]}") == {1: 7, 3: 5}


def test_worked_entries_worked_out_once():
    col = "[[1], [2], [-1]]"
    text = f"\\frac{{\\partial L}}{{\\partial A}} = -1 \\cdot {col}{col}^T = [[-1, -2, 1], [-2, -4, 2], [1, 2, -1]]"
    gm.worked_entries.cache_clear()
    first = gm.worked_entries(text)
    assert gm.worked_entries(text) is first                     # the second ask is not worked out again
    assert gm.worked_entries.cache_info().hits == 1
    assert len(first) == 9
    # entry (1, 2) of −x xᵀ: (−1)·(1·2) = −2, as the student's value says
    assert first[1] == "(-1) \\cdot (1) \\cdot (2) = -2"


def test_elementwise_as_before_on_made_up_graphs():
    graphs = ["model: graph\ninputs: {x: 2}\nnodes:\n  a: 3*x\n  b: 2*a\n  c: a^2\n  d: exp(c) + 1\n"
              "  g: c - c + 2\n  L: b + d + g\n",
              "model: graph\ninputs: {x: [[1, 2], [3, 4]], t: [[1, 1], [0, 0]]}\nnodes:\n  a: relu(x)\n"
              "  b: 2*x\n  d: max(x, t)\n  g: tanh(a) * 3\n  k: sin(x)*t\n  L: sum(a + b + d + g + k)\n"]
    found = []
    for src in graphs:
        prob = parse_graph(src, "g.yaml")
        for f in prob.quantities:
            for q in prob.quantities:
                assert elementwise(f, q) == _old_elementwise(f, q), (f.name, q.name)
                if elementwise(f, q):
                    found.append((f.name, q.name))
    # by hand: c = a² and d = exp(c) + 1 of one operand, not constant; b = 2a a factor; g = c - c + 2 constant;
    # a = relu(x), g = 3 tanh(a) entry by entry; b = 2x a factor; d = max(x, t), k = sin(x)·t use t too
    assert sorted(found) == [("a", "x"), ("c", "a"), ("d", "c"), ("g", "a")]


def test_elementwise_form_of_a_scalar():
    prob = parse_graph("model: graph\ninputs: {x: 2}\nnodes:\n  a: x^3\n  L: a\n", "s.yaml")
    x = prob.get("x").symbol
    assert elementwise_form(prob.get("a"), prob.get("x")) == ("elementwise", 3 * x**2)   # d(x³)/dx by hand


def _shown_at(p):
    x, y = sp.symbols("x y")
    return {x: f"{1.04:.{p}f}", y: f"{1.04:.{p}f}"}


def test_operands_that_add_up_for_entries():
    x, y = sp.symbols("x y")
    # by hand: at 1 place 1.0·1.0 = 1.0 and 1.0 + 1.0 = 2.0, but the values 1.0816 and 2.08 show as 1.1, 2.1;
    # at 2 places 1.04·1.04 = 1.0816 -> 1.1, 1.04 + 1.04 = 2.08 -> 2.1: both add up
    widened = {x: "1.04", y: "1.04"}
    assert operands_that_add_up([x * y, x + y], ["1.1", "2.1"], 1, _shown_at, widened_only=True) == widened
    assert operands_that_add_up(x * y, "1.1", 1, _shown_at) == widened
    # adds up at 1 place (1.0·1.0 shows 1.0): the first numbers, or None when only a widening is wanted
    assert operands_that_add_up(x * y, "1.0", 1, _shown_at) == {x: "1.0", y: "1.0"}
    assert operands_that_add_up([x * y], ["1.0"], 1, _shown_at, widened_only=True) is None
    # adds up nowhere (1.04·1.04 never shows 7.0)
    assert operands_that_add_up([x * y, x + y], ["7.0", "2.1"], 1, _shown_at, widened_only=True) is None
    assert operands_that_add_up(x * y, "7.0", 1, _shown_at) == {x: "1.0", y: "1.0"}
    g = sp.Function("g")
    assert operands_that_add_up([g(x)], ["1.1"], 1, _shown_at, widened_only=True) is None
