"""A given value is read from the digits the file writes, all of them (a float keeps about 16)."""
import pickle

import sympy as sp

from symbackprop.graph import parse_graph
from symbackprop.problem import parse_problem
from symbackprop.yamlfile import WrittenFloat

from conftest import PROBLEMS

XOR = (PROBLEMS / "xor.yaml").read_text(encoding="utf-8")


def test_a_weight_with_seventeen_digits_is_read_exactly():
    text = XOR.replace("4: {5: 4}", "4: {5: 6.8813735870195432}").replace("3: {5: 2}", "3: {5: 2.0000000000000000001}")
    weights = {(w.source, w.target): w.value for w in parse_problem(text, "x.yaml").parts[0].weights}
    assert weights[("4", "5")] == sp.Rational(68813735870195432, 10**16)
    assert weights[("3", "5")] == 2 + sp.Rational(1, 10**19)
    assert parse_problem(XOR, "x.yaml").parts[0].weights == parse_problem(XOR, "x.yaml").parts[0].weights


def test_a_graph_input_with_seventeen_digits_is_read_exactly():
    g = parse_graph("title: g\nmodel: graph\ninputs: {x: 6.8813735870195432}\nparameters: [x]\nnodes:\n  f: 2*x\n")
    assert g.get("x").given == sp.Rational(68813735870195432, 10**16)


def test_a_written_float_is_the_float_and_keeps_its_text_through_pickling():
    w = WrittenFloat(0.5, "0.50")
    assert w == 0.5 and isinstance(w, float) and repr(w) == "0.5"
    back = pickle.loads(pickle.dumps(w))
    assert back == 0.5 and back.written == "0.50"
