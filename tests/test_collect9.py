"""Session 9: every independent mistake of a problem file (network or graph) reported in one run, and
the diagnoses of the bias input of -1 and of a δ given alone (docs/checking.md §3)."""
import itertools
import random

import pytest
from conftest import PROBLEMS

from symbackprop.errors import ProblemError
from symbackprop.graph import parse_graph
from symbackprop.messages import say, text_of
from symbackprop.problem import parse_problem
from symbackprop.problem_errors import ProblemErrors

# -- part 1: the union property ----------------------------------------------------------------------

# The network file, one field a line, so that a mistake changes one line and keeps every line number.
NET_LINES = {
    "network": "network: {inputs: [1, 2], bias: 0, layers: [[3, 4], [5]], activation: sigmoid}",
    "weights": "weights: {0: {3: 1, 4: 1, 5: -4}, 1: {3: 3, 4: 6}, 2: {3: 4, 4: 5}, 3: {5: 2}, 4: {5: 4}}",
    "sample": "sample: {x: {1: 1, 2: 0}, t: {5: 1}}",
    "loss": "loss: half_squared_error",
    "learning_rate": "learning_rate: 1",
    "precision": "precision: 4",
    "notation": "notation: {weight: from_to}",
    "batch_reduction": "batch_reduction: mean",
    "input_gradients": "input_gradients: false",
    "relu_derivative_at_zero": "relu_derivative_at_zero: 0",
    "shared": "shared: {b1: [w_0_3, w_0_4]}",
    "title": "title: a net",
}
# Independent single-field mistakes: (field, the line written instead).
NET_MISTAKES = [
    ("learning_rate", "learning_rate: -1"),
    ("precision", "precision: 20"),
    ("notation", "notation: {weight: from_too}"),
    ("batch_reduction", "batch_reduction: median"),
    ("input_gradients", "input_gradients: maybe"),
    ("relu_derivative_at_zero", "relu_derivative_at_zero: 2"),
    ("network", "network: {inputs: [1, 2], bias: 0, bias_input: -2, layers: [[3, 4], [5]], activation: sigmoid}"),
    ("loss", "loss: half_sqared_error"),
    ("title", "lerning_rate: 1"),                          # an unknown field (the title line's place)
    ("shared", "shared: {b1: [w_0_3, w_3_5]}"),           # values 1 and 2 differ
    ("sample", "sample: {x: {1: abc, 2: 0}, t: {5: 1}}"),
    ("input_gradients", "input_gradients: [1]"),
]


def _net_text(order, mistakes) -> str:
    lines = dict(NET_LINES)
    lines.update(dict(mistakes))
    return "".join(lines[f] + "\n" for f in order)


def _errors(read, text: str) -> list[ProblemError]:
    try:
        read(text, "p.yaml")
    except ProblemErrors as exc:
        return list(exc.errors)
    except ProblemError as exc:
        return [exc]
    pytest.fail("no error for:\n" + text)


def _lines(errors, lang: str) -> set[str]:
    return {say(text_of(e), lang) for e in errors}


def test_the_good_network_file_reads():
    for order in (list(NET_LINES), list(reversed(NET_LINES))):
        parse_problem(_net_text(order, []), "p.yaml")


def _combinations(mistakes, seed: int, count: int):
    rng = random.Random(seed)
    fields = list(NET_LINES)
    done = 0
    while done < count:
        k = rng.randint(2, 5)
        chosen = rng.sample(mistakes, k)
        if len({f for f, _ in chosen}) < k:        # two mistakes of one field: not independent
            continue
        order = fields[:]
        rng.shuffle(order)
        yield order, chosen
        done += 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_any_combination_of_network_mistakes_reports_the_union(lang):
    assert all(_errors(parse_problem, _net_text(list(NET_LINES), [m])) for m in NET_MISTAKES)
    for order, chosen in _combinations(NET_MISTAKES, seed=9, count=40):
        alone = set().union(*(_lines(_errors(parse_problem, _net_text(order, [m])), lang) for m in chosen))
        together = _errors(parse_problem, _net_text(order, chosen))
        assert _lines(together, lang) == alone, (order, chosen)
        assert len(together) == len(alone)                   # each once
        lines = [e.line for e in together[1:]]
        assert lines == sorted(lines)                        # the first in reading order, the rest by line


def test_each_network_mistake_alone_is_one_line_at_its_field():
    order = list(NET_LINES)
    for field, line in NET_MISTAKES:
        errors = _errors(parse_problem, _net_text(order, [(field, line)]))
        assert len(errors) == 1 and errors[0].line == order.index(field) + 1, (field, [str(e) for e in errors])


def test_the_trial_network_files_report_every_mistake():
    """bad/bi.yaml (5 mistakes) and bad/multi.yaml (7) of the session 9 trial, in one run each."""
    bi = """\
network:
  inputs: [1, 2]
  bias: 0
  bias_input: -2
  layers: [[3, 4], [5]]
  activation: sigmoid
weights: {0: {3: 1, 4: -6, 5: -4}, 1: {3: 3, 4: 6}, 2: {3: 4, 4: 5}, 3: {5: 2}, 4: {5: 4}}
sample: {x: {1: 1, 2: 0}, t: {5: 1}}
loss: half_squared_error
learning_rate: -1
notation: {weight: from_too}
precision: 20
shared: {b1: [w_0_3, w_0_4]}
"""
    errors = _errors(parse_problem, bi)
    assert [(e.line, e.field) for e in errors] == [
        (10, "learning_rate"), (4, "network.bias_input"), (11, "notation.weight"), (12, "precision"),
        (13, "shared.b1[1]")]
    multi = """\
title: several mistakes
network:
  inputs: [1, 2]
  bias: 0
  bias_input: -2
  layers: [[3, 4], [5]]
  activaton: sigmoid
weights:
  0: {3: 1, 4: -6, 5: -4}
  1: {3: 3, 4: 6}
  2: {3: 4, 4: 5}
  3: {5: 2}
  4: {5: 4}
sample: {x: {1: 1, 2: 0}, t: {5: 1}}
loss: half_sqared_error
lerning_rate: 1
notation: {weight: from_too, delta: dJ_dnet}
input_gradients: yes
precision: 20
"""
    errors = _errors(parse_problem, multi)
    assert sorted(e.line for e in errors) == [2, 5, 7, 15, 16, 17, 19]
    assert "no activation given for layer 1" in str(errors[1]) and errors[1].line == 2


def test_a_mistake_a_check_depends_on_hides_that_check():
    """A weight that is not a number: the shared group of that weight is not checked (its value is
    unknown); a loss not read: which output activation is missing is not checked."""
    text = _net_text(list(NET_LINES), [
        ("weights", "weights: {0: {3: 1, 4: zz, 5: -4}, 1: {3: 3, 4: 6}, 2: {3: 4, 4: 5}, 3: {5: 2}, 4: {5: 4}}"),
        ("shared", "shared: {b1: [w_0_3, w_0_4]}")])
    errors = _errors(parse_problem, text)
    assert [e.field for e in errors] == ["weights.0.4"]
    text = _net_text(list(NET_LINES), [
        ("network", "network: {inputs: [1, 2], bias: 0, layers: [[3, 4], [5]], activation: [sigmoid]}"),
        ("loss", "loss: cross_entopy")])
    errors = _errors(parse_problem, text)
    assert [e.field for e in errors] == ["loss"]


GRAPH_LINES = {
    "model": "model: graph",
    "inputs": "inputs: {x: -2, y: 5, z: -4, v: 1}",
    "nodes": "nodes:",
    "q": "  q: x + y",
    "p": "  p: q*z",
    "r": "  r: exp(q)",
    "s": "  s: q^2",
    "g": "  g: sin(x)",
    "f": "  f: q*z + s",
    "output": "output: f",
    "parameters": "parameters: [x, y]",
    "precision": "precision: 4",
    "title": "title: a graph",
}
GRAPH_MISTAKES = [
    ("title", "outptu: f"),
    ("p", "  p: q*w"),
    ("r", "  r: exp(q"),
    ("g", "  g: sinh(x)"),
    ("parameters", "parameters: [x, ww]"),
    ("precision", "precision: 99"),
    ("inputs", "inputs: {x: -2, y: 5, z: -4, v: abc}"),
    ("s", "  s: q**99999"),            # f uses s: f is then not checked
]


def _graph_text(order, mistakes) -> str:
    lines = dict(GRAPH_LINES)
    lines.update(dict(mistakes))
    head, nodes, tail = order
    return "".join(lines[f] + "\n" for f in [*head, "nodes", *nodes, *tail])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_any_combination_of_graph_mistakes_reports_the_union(lang):
    rng = random.Random(12)
    base = (["model", "inputs"], ["q", "p", "r", "s", "g", "f"], ["output", "parameters", "precision", "title"])
    parse_graph(_graph_text(base, []), "g.yaml")
    for _ in range(30):
        head = ["model", "inputs"]
        tail = base[2][:]
        rng.shuffle(tail)
        nodes = ["q", *rng.sample(["p", "r", "g"], 3), "s", "f"]        # each node after what it uses
        order = (head, nodes, tail)
        chosen = rng.sample(GRAPH_MISTAKES, rng.randint(2, 5))
        alone = [_lines(_errors(parse_graph, _graph_text(order, [m])), lang) for m in chosen]
        assert all(len(a) == 1 for a in alone)
        together = _errors(parse_graph, _graph_text(order, chosen))
        assert _lines(together, lang) == set().union(*alone), (order, chosen)


def test_the_trial_graph_files_report_every_mistake():
    g1 = "model: graph\ninputs: {x: -2, y: 5, z: -4}\nnodes:\n  q: x + y\n  p: q*w\n  r: exp(q\n" \
         "  s: q**99999\n  f: q*z + sinh(x)\noutptu: f\n"
    assert sorted(e.line for e in _errors(parse_graph, g1)) == [5, 6, 7, 8, 9]
    gn = "model: graph\ninputs: {x: [[1,2],[3,4]], w0: 2}\nparameters: [x, ww]\nnodes:\n  f: x*2\n"
    errors = _errors(parse_graph, gn)
    assert sorted((e.line, e.field) for e in errors) == [(3, "parameters[1]"), (5, "nodes.f")]


def test_a_graph_entry_whose_name_is_lost_hides_the_unknown_names():
    """`z_1: 1` instead of `z: -4`: one mistake, not a second for every formula that uses z."""
    text = "model: graph\ninputs: {x: -2, y: 5, z_1: 1}\nnodes:\n  q: x + y\n  f: q*z\n"
    errors = _errors(parse_graph, text)
    assert len(errors) == 1 and "z_1" in str(errors[0])
