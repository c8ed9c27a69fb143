"""Session 15, I (issue 14): `init:` draws the weights a problem file does not give (uniform, Glorot, He), seeded
with NumPy's default_rng in the documented order, and the solution shows the formula, d_in, d_out and v.

The bounds are worked out by hand below; the draws are redone here with NumPy in the order docs/training.md
gives (layer by layer: W (d_out × d_in), then b), rounded with Python's round to the stated places."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
import sympy as sp
from click.testing import CliRunner
from conftest import PROBLEMS

import symbackprop
from symbackprop.cli import main
from symbackprop.errors import ProblemError
from symbackprop.fields import decimal_or_fraction
from symbackprop.init import Init, bounds, draws
from symbackprop.problem import parse_problem

XOR_INIT = PROBLEMS / "xor_init.yaml"

NET = """network:
  inputs: [1, 2]
  bias: 0
  layers: [[3, 4], [5]]
  activation: sigmoid
sample: {x: {1: 1, 2: 0}, t: {5: 1}}
loss: half_squared_error
"""


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# -- the bounds, by hand ----------------------------------------------------------------------------------------
# 2-2-1: layer 1 d_in = 2, d_out = 2; layer 2 d_in = 2, d_out = 1.
#   Glorot: √(6/4) = √6/2 ≈ 1.2247, √(6/3) = √2 ≈ 1.4142;  He: √(6/2) = √3 twice
# 3-4-2: layer 1 d_in = 3, d_out = 4; layer 2 d_in = 4, d_out = 2.
#   Glorot: √(6/7) = √42/7 ≈ 0.9258, √(6/6) = 1;  He: √(6/3) = √2, √(6/4) = √6/2
HAND = {
    ("glorot", "221"): (sp.sqrt(6) / 2, sp.sqrt(2)),
    ("he", "221"): (sp.sqrt(3), sp.sqrt(3)),
    ("uniform", "221"): (sp.Rational(1, 2), sp.Rational(1, 2)),
    ("glorot", "342"): (sp.sqrt(42) / 7, sp.Integer(1)),
    ("he", "342"): (sp.sqrt(2), sp.sqrt(6) / 2),
    ("uniform", "342"): (sp.Rational(1, 2), sp.Rational(1, 2)),
}
SHAPES = {"221": (("1", "2"), (("3", "4"), ("5",))), "342": (("1", "2", "3"), (("4", "5", "6", "7"), ("8", "9")))}


@pytest.mark.parametrize("kind,shape", list(HAND))
def test_the_bound_of_each_layer_is_the_formula_worked_by_hand(kind, shape):
    inputs, layers = SHAPES[shape]
    init = Init(kind, 0, sp.Rational(1, 2) if kind == "uniform" else None)
    got = bounds(init, inputs, layers)
    assert [(b.d_in, b.d_out) for b in got] == [(len(inputs), len(layers[0])), (len(layers[0]), len(layers[1]))]
    for b, want in zip(got, HAND[(kind, shape)]):
        assert b.v == want                      # exact, in SymPy's canonical form (√6/2, not √(3/2))
        assert b.v_float == pytest.approx(float(want), rel=1e-15)
    assert float(bounds(Init("glorot"), *SHAPES["221"])[0].v) == pytest.approx(1.2247448713915890)


# -- the draws, redone with NumPy in the documented order -------------------------------------------------------
def _by_hand(seed: int, v_of_layer, inputs, bias, layers, places=4, draw_bias=True) -> dict:
    rng = np.random.default_rng(seed)
    out, below = {}, list(inputs)
    for li, layer in enumerate(layers):
        v = v_of_layer(len(below), len(layer))
        W = rng.uniform(-v, v, size=(len(layer), len(below)))
        for r, j in enumerate(layer):
            for c, i in enumerate(below):
                out[(i, j)] = sp.Rational(repr(round(float(W[r, c]), places)))
        if bias is not None:
            b = rng.uniform(-v, v, size=len(layer)) if draw_bias else np.zeros(len(layer))
            for r, j in enumerate(layer):
                out[(bias, j)] = sp.Rational(repr(round(float(b[r]), places)))
        below = list(layer)
    return out


def _weights(text: str, part: int = 0) -> dict:
    return {(w.source, w.target): w.value for w in parse_problem(text, "p.yaml").parts[part].weights}


def test_glorot_draws_are_numpys_in_the_documented_order():
    got = _weights(NET + "init: {kind: glorot, seed: 3}\n")
    want = _by_hand(3, lambda a, b: math.sqrt(6 / (a + b)), ("1", "2"), "0", (("3", "4"), ("5",)))
    assert got == want and len(got) == 9
    assert all(abs(w) <= sp.sqrt(6) / 2 for (i, j), w in got.items() if j in "34")


def test_he_and_uniform_draws_on_a_3_4_2_net_without_bias():
    net = NET.replace("inputs: [1, 2]", "inputs: [1, 2, 3]").replace("  bias: 0\n", "").replace(
        "layers: [[3, 4], [5]]", "layers: [[4, 5, 6, 7], [8, 9]]").replace(
        "sample: {x: {1: 1, 2: 0}, t: {5: 1}}", "sample: {x: {1: 1, 2: 0, 3: 1}, t: {8: 1, 9: 0}}")
    inputs, layers = SHAPES["342"]
    assert _weights(net + "init: {kind: he, seed: 7}\n") == _by_hand(7, lambda a, b: math.sqrt(6 / a), inputs, None, layers)
    got = _weights(net + "init: {kind: uniform, v: 0.25, seed: 7, places: 6}\n")
    assert got == _by_hand(7, lambda a, b: 0.25, inputs, None, layers, places=6)
    assert len(got) == 3 * 4 + 4 * 2 and all(abs(w) <= sp.Rational(1, 4) for w in got.values())


def test_bias_zero_draws_the_same_matrices_and_no_bias():
    got = _weights(NET + "init: {kind: glorot, seed: 3, bias: zero}\n")
    want = _by_hand(3, lambda a, b: math.sqrt(6 / (a + b)), ("1", "2"), "0", (("3", "4"), ("5",)), draw_bias=False)
    assert got == want and got[("0", "3")] == got[("0", "5")] == 0


def test_two_seeds_differ_and_one_seed_twice_is_the_same():
    a, b = _weights(NET + "init: {kind: he, seed: 1}\n"), _weights(NET + "init: {kind: he, seed: 2}\n")
    assert a != b and a == _weights(NET + "init: {kind: he, seed: 1}\n")
    assert _weights(NET + "init: glorot\n") == _weights(NET + "init: {kind: glorot, seed: 0}\n")
    s = Init("he", 5)
    assert draws(s, ("1", "2"), "0", (("3", "4"), ("5",))) == draws(s, ("1", "2"), "0", (("3", "4"), ("5",)))


def test_a_parts_own_init_and_own_weights():
    text = NET + """init: glorot
parts:
  - {name: a, weights: {0: {3: 1}}}
  - {name: b, init: {kind: he, seed: 2}}
"""
    p = parse_problem(text, "p.yaml")
    top = _weights(NET + "init: glorot\n")
    a = {(w.source, w.target): w.value for w in p.parts[0].weights}
    assert a == {**top, ("0", "3"): 1} and p.parts[0].init.own == (("0", "3"),)
    assert {(w.source, w.target): w.value for w in p.parts[1].weights} == _weights(NET + "init: {kind: he, seed: 2}\n")
    # a part's init replaces the top level's written weights
    written = NET + "weights: {0: {3: 1, 4: 1, 5: 1}, 1: {3: 1, 4: 1}, 2: {3: 1, 4: 1}, 3: {5: 1}, 4: {5: 1}}\n"
    q = parse_problem(written + "parts:\n  - {name: a}\n  - {name: b, init: glorot}\n", "p.yaml")
    assert q.parts[0].init is None and {w.value for w in q.parts[0].weights} == {1}
    assert {(w.source, w.target): w.value for w in q.parts[1].weights} == top


def test_a_shared_parameter_is_drawn_once_the_first_edges_draw():
    p = parse_problem(NET + "init: glorot\nshared: {b1: [w_0_3, w_0_4]}\n", "p.yaml").parts[0]
    got = {(w.source, w.target): w.value for w in p.weights}
    want = _by_hand(0, lambda a, b: math.sqrt(6 / (a + b)), ("1", "2"), "0", (("3", "4"), ("5",)))
    assert got == {**want, ("0", "4"): want[("0", "3")]} and p.shared == (("b1", (("0", "3"), ("0", "4"))),)


# -- every mistake: one line with its field and line, exit 2 --------------------------------------------------------
ERRORS = [
    # session 15 task Y (t22 item 10): |w| ≤ 0.001 rounds to 0.00 at 2 places, all nine weights 0
    ("init: {kind: uniform, v: 1e-3, places: 2}\n", 8, "init.places: every drawn weight rounds to 0 at 2 decimal"),
    ("init: glorot\nweights: {0: {3: 1}}\n", 8, "init: init and weights cannot both be given"),
    ("init: {kind: glorrot, seed: 1}\n", 8, "init.kind: unknown initialisation 'glorrot'; allowed: uniform, glorot, he "
                                            "(did you mean glorot?)"),
    ("init: xavier\n", 8, "(did you mean glorot?)"),
    ("init: {kind: kaiming}\n", 8, "(did you mean he?)"),
    ("init: {kind: uniform, seed: 1}\n", 8, "init: uniform needs its bound v > 0"),
    ("init: uniform\n", 8, "init: uniform needs its bound v > 0"),
    ("init: {kind: uniform,\n       v: 0}\n", 9, "init.v: v must be greater than 0; got 0"),
    ("init: {kind: uniform, v: -0.5}\n", 8, "init.v: v must be greater than 0; got -0.5"),
    ("init: {kind: glorot, v: 0.5}\n", 8, "init.v: v is computed for glorot from d_in and d_out, not given"),
    ("init: {kind: he, v: 1}\n", 8, "init.v: v is computed for he"),
    ("init: {kind: he, seed: -1}\n", 8, "init.seed: seed must be a whole number from 0"),
    ("init: {kind: he, seed: 1.5}\n", 8, "init.seed: seed must be a whole number from 0"),
    ("init: {kind: he, seed: true}\n", 8, "not true"),
    ("init: {kind: he, sed: 1}\n", 8, "init.sed: unknown field 'sed' in the initialisation"),
    ("init: {kind: he, bias: zeros}\n", 8, "init.bias: unknown bias 'zeros'; allowed: draw, zero"),
    ("init: {kind: he, places: 16}\n", 8, "init.places: places is the number of decimal places"),
    ("init: {seed: 1}\n", 8, "init: no kind given; allowed: uniform, glorot, he"),
    ("init: [glorot]\n", 8, "init: expected the initialisation"),
    ("init: Glorot\n", 8, "(did you mean glorot?)"),
    ("parts:\n  - {name: a, init: glorot, weights: {0: {3: 1}}}\n", 9, "parts[0].init: init and weights cannot both"),
]


@pytest.mark.parametrize("tail,line,words", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_each_mistake_is_one_line_with_its_line(tail, line, words):
    with pytest.raises(ProblemError) as e:
        parse_problem(NET + tail, "p.yaml")
    text = str(e.value)
    assert "\n" not in text and text.startswith(f"p.yaml:{line}: ") and words in text, text


def _keys(said) -> set:
    """Every catalogue id a message is made of (itself and the messages in its fields)."""
    from symbackprop.messages import Said
    if not isinstance(said, Said) or not said.key:
        return set()
    return {said.key}.union(*(_keys(v) for v in said.fields.values()))


def test_every_init_message_is_reached_and_said_in_chinese():
    """Each of init's messages is said by a case of ERRORS, and in Chinese without English words left (what
    it quotes, field names and allowed values stay as written)."""
    import re
    from symbackprop.messages import catalogue, say, text_of
    wanted = {k for k in catalogue("en") if k.startswith("problem.init_")} | {"what.init"}
    reached = set()
    for tail, _, _ in ERRORS:
        with pytest.raises(ProblemError) as e:
            parse_problem(NET + tail, "p.yaml")
        reached |= _keys(text_of(e.value))
        zh = say(text_of(e.value), "zh").split(": ", 1)[1]
        left = re.sub(r"`[^`]*`|'[^']*'|\b(init|kind|uniform|glorot|he|v|seed|bias|draw|zero|places|weights|"
                      r"d_in|d_out|sed|glorrot|xavier|kaiming|Glorot|true)\b", " ", zh)
        assert re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"[A-Za-z]{2,}[ ']+[A-Za-z]{2,}", left), zh
    assert wanted <= reached, wanted - reached


def test_the_command_says_a_mistake_with_exit_2_in_english_and_chinese(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(NET + "init: {kind: glorrot}\n", encoding="utf-8")
    r = run("solve", str(f))
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert f"{f}:8: init.kind: unknown initialisation 'glorrot'" in r.output
    z = run("solve", str(f), "--lang", "zh")
    assert z.exit_code == 2 and "未知的初始化 'glorrot'" in z.output and "glorot" in z.output


# -- the solution: text, JSON, zh; check on such a file ---------------------------------------------------------------
@pytest.fixture(scope="module")
def xor_init():
    """The sigmoid part (the ReLU part has the same initialisation section: the slow test of the formats)."""
    return symbackprop.solve(str(XOR_INIT), ["sigmoid"])


def _drawn_xor() -> dict:
    return _by_hand(0, lambda a, b: math.sqrt(6 / (a + b)), ("1", "2"), "0", (("3", "4"), ("5",)))


def test_xor_init_text_shows_the_formula_v_and_seed_before_the_given_weights(xor_init):
    from symbackprop.render import render
    text = render(xor_init, "text")
    w = _drawn_xor()
    for part in ("sigmoid",):
        body = text.split(f"Part {part}:")[1]
        init_at, given_at = body.index("\nInitialisation\n"), body.index("\nGiven\n")
        assert init_at < given_at
        assert "seed 0" in body[init_at:given_at] and "rng = numpy.random.default_rng(0)" in body[init_at:given_at]
        assert "Layer 1 (units 3, 4; d_in = 2, d_out = 2): v = √(6/(d_in + d_out)) = √(6/(2 + 2)) = √6/2 ≈ 1.2247" in body
        assert "Layer 2 (units 5; d_in = 2, d_out = 1): v = √(6/(d_in + d_out)) = √(6/(2 + 1)) = √2 ≈ 1.4142" in body
        given = body[given_at:].split("\n")[2]
        for (i, j), value in w.items():
            assert f"w_{{{i}{j}}} = {decimal_or_fraction(value)}," in given
    # the forward pass uses the drawn weights: net_3 of sample 3 (x = (1, 0)) = w_03 + w_13
    assert "net_3^(3) = w_{03}·x_0 + w_{13}·x_1^(3) + w_{23}·x_2^(3)" in text
    zh = render(xor_init, "text", lang="zh")
    assert "参数初始化/Initialization" in zh and "v = √(6/(d_in + d_out)) = √(6/(2 + 2)) = √6/2 ≈ 1.2247" in zh
    assert zh.index("参数初始化") < zh.index("已知/Given")


def test_xor_init_json_has_the_settings_and_the_weights_as_given_values(xor_init):
    from symbackprop.render import render
    data = json.loads(render(xor_init, "json"))
    w = _drawn_xor()
    for part in data["parts"]:
        init = part["settings"]["init"]
        assert (init["kind"], init["seed"], init["bias"], init["places"]) == ("glorot", 0, "draw", 4)
        assert [(l["d_in"], l["d_out"], l["v_exact"]) for l in init["layers"]] == [(2, 2, "sqrt(6)/2"), (2, 1, "sqrt(2)")]
        assert init["layers"][0]["v"] == math.sqrt(6 / 4) and init["layers"][1]["v"] == math.sqrt(6 / 3)
        q = part["quantities"]
        for (i, j), value in w.items():
            assert q[f"w_{i}_{j}"]["section"] == "given" and sp.Rational(q[f"w_{i}_{j}"]["exact"]) == value
        # one value by a second path: net_3 of sample 3 (x_1 = 1, x_2 = 0) is w_03 + w_13
        assert q["net_3@3"]["value"] == pytest.approx(float(w[("0", "3")] + w[("1", "3")]), abs=1e-15)
    assert "init" not in json.loads(render(symbackprop.solve(str(PROBLEMS / "xor.yaml"), ["relu"]), "json"))["parts"][0]["settings"]


@pytest.mark.slow
def test_xor_init_in_the_other_formats():
    from symbackprop.render import render
    xor_init = symbackprop.solve(str(XOR_INIT))
    assert render(xor_init, "text").count("\nInitialisation\n") == 2
    md = render(xor_init, "markdown")
    assert r"v = \sqrt{\frac{6}{d_{in} + d_{out}}} = \sqrt{\frac{6}{2 + 2}} = \frac{\sqrt{6}}{2} \approx 1.2247" in md
    tex = render(xor_init, "latex", fragment=True)
    assert r"\texttt{rng = numpy.random.default\_" in tex
    assert "Initialisation" in render(xor_init, "html")


@pytest.mark.slow
def test_check_works_on_a_file_whose_weights_are_drawn(tmp_path):
    w = _drawn_xor()
    net3 = w[("0", "3")] + w[("1", "3")]            # sample 3: x = (1, 0); hand value from the draws
    answers = tmp_path / "a.yaml"
    answers.write_text(f"sigmoid:\n  net_3@3: {net3}\n  net_4@3: 0.5\n", encoding="utf-8")
    r = run("check", str(XOR_INIT), str(answers), "--part", "sigmoid", "--format", "json")
    items = {i["id"]: i["status"] for i in json.loads(r.output)["parts"][0]["items"]}
    assert items == {"net_3@3": "correct", "net_4@3": "wrong"} and r.exit_code == 1
