"""quick.py reads plain arithmetic into the very tree latex2sympy2 builds, and declines the rest.

The second code path here is latex2sympy2 itself: every text quick.py accepts, from what students
write and from generated texts, must give latex2sympy2's tree node for node.
"""
from __future__ import annotations

import random

import pytest

from symbackprop.answers import quick
from symbackprop.answers.latex import MAX_NODES, Parser, _to_node


@pytest.fixture(scope="module")
def l2s():
    from symbackprop.answers.compat import provide_typing_io
    provide_typing_io()
    import latex2sympy2

    def read(text):
        latex2sympy2.variances, latex2sympy2.var, latex2sympy2.VARIABLE_VALUES = {}, {}, {}
        latex2sympy2.is_real = None
        try:
            return _to_node(latex2sympy2.latex2sympy(text), [MAX_NODES])
        except Exception as exc:          # noqa: BLE001 - latex2sympy2 raises bare Exceptions
            return ("refused", str(exc).splitlines()[0])
    return read


# what a class writes for the lecture's exercise, with quantity names already placeholders (prepare())
WRITTEN = [
    r"\frac{1}{1+e^{-4}}", r"\frac{1}{1 + e^{0.0360}}", r"\frac{1}{1+e^{-0.04}}", r"0.982",
    r"\frac{1}{2}(1 - 0.491)^2", r"\frac{1}{2}(1-0.4910)^{2}", r"(1 - 0.491)^2", r"0.491 \times (1 - 0.491)",
    r" Q_{1}  (1 -  Q_{1} )", r"0.491(1-0.491)", r"-(1-0.491)\times 0.2499", r"-(1 - 0.491) \cdot 0.2499",
    r"-0.1272 \times 2 \times 0.0177", r"-0.1272 \cdot 2 \cdot 0.0177", r"-1 \times (-0.1272) \times 0.982",
    r"0.1272 \times 0.982", r"2 - 0.1 \times 0.1249", r"-0.5 + 2 \times 0.982 + 1 \times 0.5",
    r"\frac{9}{2}", r"4.5", r".5", r"2^{10}", r"2^10", r"e^{1-0.5}", r"e^2", r"-e^{2}", r"2e^{3}",
    r"1 - -2", r"2 \times -3 + 4", r"-2(3)", r"8 / 2 \times 3", r"8 \div 2", r"\frac{\frac{1}{2}}{3}",
    r" Q_{3}  -  Q_{12} ", r"Q_1^{2}", r" Q_{2} ^{2}", r"(1-0.491)^{2}^{1}",
]


@pytest.mark.slow
def test_what_students_write_is_read_as_latex2sympy2_reads_it(l2s):
    accepted = 0
    for text in WRITTEN:
        tree = quick.read(text)
        if tree is None:
            continue
        accepted += 1
        assert _to_node(tree, [MAX_NODES]) == l2s(text), text
    # the point of the reader: what a class writes is almost all plain arithmetic
    assert accepted >= len(WRITTEN) - 2


def _generated(r: random.Random, depth: int = 0) -> str:
    """Random texts over the reader's grammar and just past it (calls, chained powers, bad exponents)."""
    if depth > 3 or r.random() < 0.3:
        leaves = [
            lambda: str(r.randrange(0, 20)), lambda: f"{r.randrange(0, 3)}.{r.randrange(0, 10 ** 4):0{r.randrange(1, 5)}d}",
            lambda: f"Q_{{{r.randrange(1, 14)}}}", lambda: f"Q_{r.randrange(1, 9)}", lambda: "." + str(r.randrange(1, 99)),
            lambda: "e^{" + (_generated(r, depth + 1) if depth < 5 else "1") + "}",
            lambda: "e^" + r.choice(["2", "-1", "{-4}", "Q_{1}", "0.5"]),
            lambda: r.choice(["1,000", "1e-3", r"\sqrt{2}", "x"]),
        ]
        return r.choice(leaves)()
    a, b = _generated(r, depth + 1), _generated(r, depth + 1)
    gap = r.choice(["", " ", "  "])
    return r.choice([
        a + gap + r.choice(["+", "-"]) + gap + b,
        a + gap + r.choice([r"\times", r"\cdot", "*", "/", r"\div"]) + gap + b,
        a + gap + b, "(" + a + ")", r"\frac{" + a + "}{" + b + "}", a + "^{" + b + "}",
        a + "^" + r.choice(["2", "3", "10", "Q_{2}", "-1", "0.5"]), "-" + a, a + gap + "(" + b + ")",
        f"Q_{{{r.randrange(1, 9)}}}({b})", f"Q_3^{{2}}({b})",
    ])


@pytest.mark.parametrize("seed", [pytest.param(s, marks=pytest.mark.slow) for s in range(12)])
def test_generated_texts_are_read_as_latex2sympy2_reads_them_or_declined(l2s, seed):
    r = random.Random(seed)
    accepted = 0
    for _ in range(150):
        text = _generated(r)
        tree = quick.read(text)
        if tree is not None:
            accepted += 1
            assert _to_node(tree, [MAX_NODES]) == l2s(text), text
    assert accepted > 30                  # the comparison was not vacuous


@pytest.mark.parametrize("text", [
    r"Q_{1}(2)", r"Q_1 (Q_{2})", r"Q_3^{2}(4)", r"Q_{1}(Q_2^{3})",      # latex2sympy2: function calls
    r"2^-1", r"1,000", r"0,982", r"1e-3", r"1.5E3", r"4.", r"1.2.3", r"\sqrt{2}", r"\exp(-4)", r"x + 1",
    r"\left(2\right)", r"2{3}", r"[2]", r"|2|", r"2!", r"2 = 2", r"2 < 3", r"\frac12", r"\frac{1}{2", r"(1",
    r"1 +", r"", r"  ", r"e", r"e(2)", r"2^{3}^{4}", r"\pi", r"\dfrac{1}{2}", r"\times 2", r"√2", r"1−2",
])
def test_what_is_not_plain_arithmetic_is_left_to_latex2sympy2(text):
    assert quick.read(text) is None


def test_nesting_and_length_are_bounded():
    assert quick.read("(" * 5000 + "1" + ")" * 5000) is None
    assert quick.read("-" * 5000 + "1") is None
    assert quick.read("+".join(["1"] * 1000)) is None
    assert quick.read("(" * 10 + "1" + ")" * 10) is not None


@pytest.mark.slow
def test_plain_arithmetic_never_starts_the_worker(l2s):
    with Parser() as p:
        p.new_submission(5.0)
        for text in (r"\frac{1}{1+e^{-4}}", r"-(1-0.491)\times 0.2499", r" Q_{1}  (1 -  Q_{1} )"):
            assert p.parse(text) == l2s(text)
        assert p.prefetch([r"0.5 \cdot 9.8", r"2^{10}"]) == 0    # read at once, nothing left to send
        assert not p.running and p.asked == 0
        assert 0 < 5.0 - p.budget < 1.0                            # its CPU time is charged, like a parse
        assert p.parse(r"\sqrt{4}") == l2s(r"\sqrt{4}")         # the rest still goes to latex2sympy2
        assert p.running and p.asked == 1


def test_a_tree_too_large_is_refused_in_the_words_of_the_worker():
    with Parser() as p:
        text = "-".join(["Q_{1}"] * 150)                          # 150 names, 3 parts each once negated
        with pytest.raises(Exception, match="too large"):
            p.parse(text)
        assert not p.running
