"""Session 9: every independent mistake of a problem file (network or graph) reported in one run, and
the diagnoses of the bias input of -1 and of a δ given alone (docs/checking.md §3)."""
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
    ("title", "title: [a, list]"),
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


@pytest.mark.parametrize("lang", ["en", pytest.param("zh", marks=pytest.mark.slow)])   # zh fast for graphs below
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
    assert [(e.line, e.field) for e in errors] == [                # by line (session 13, F5)
        (4, "network.bias_input"), (10, "learning_rate"), (11, "notation.weight"), (12, "precision"),
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
    # the misspelt activaton is one mistake: the "no activation given" it causes is not reported (F5, s13)
    assert [e.line for e in errors] == [5, 7, 15, 16, 17, 19]
    assert "did you mean activation?" in str(errors[1]) and errors[1].line == 7
    assert "no activation given" not in str(errors[0].args[0])


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
    text = _net_text(list(NET_LINES), [("sample", "sample: {x: {1: 1, 2: 0}}"), ("loss", "loss: nonee")])
    errors = _errors(parse_problem, text)                  # no targets: right if the loss is none
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


@pytest.mark.parametrize("lang", [pytest.param("en", marks=pytest.mark.slow), "zh"])   # en fast for networks above
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


# -- part 2: the bias input of −1, and a δ alone ---------------------------------------------------
import math  # noqa: E402

import yaml  # noqa: E402

from symbackprop.messages import said  # noqa: E402

NEGNEVITSKY = """\
title: "Negnevitsky, Example 6.4: XOR with thresholds"
network:
  inputs: [1, 2]
  bias: 0
  bias_input: -1
  layers: [[3, 4], [5]]
  activation: sigmoid
weights:
  0: {3: {value: 0.8, name: theta3}, 4: {value: -0.1, name: theta4}, 5: {value: 0.3, name: theta5}}
  1: {3: 0.5, 4: 0.9}
  2: {3: 0.4, 4: 1.0}
  3: {5: -1.2}
  4: {5: 1.1}
sample: {x: {1: 1, 2: 1}, t: {5: 0}}
loss: half_squared_error
learning_rate: 0.1
input_gradients: true
notation: {weight: from_to, delta: minus_dJ_dnet, activation_symbol: y, loss_symbol: E}
"""
# a threshold net of our own: net_2 = 0.5·x_1 − θ with x_1 = 2, θ = 1, identity, t = 1, η = 0.5
THRESHOLD = """\
network: {inputs: [1], bias: 0, bias_input: -1, layers: [[2]], activation: identity}
weights: {0: {2: 1}, 1: {2: 0.5}}
sample: {x: {1: 2}, t: {2: 1}}
loss: half_squared_error
learning_rate: 0.5
"""
TANH_BATCH = """\
title: "tanh neuron, two samples, loss none"
network:
  inputs: [1, 2]
  bias: 0
  layers: [[3, 4], [5]]
  activation: [tanh, identity]
weights:
  0: {3: 0.1, 4: -0.2, 5: 0.05}
  1: {3: 0.3, 4: 0.4}
  2: {3: -0.5, 4: 0.6}
  3: {5: 0.7}
  4: {5: -0.8}
samples:
  - {x: {1: 1, 2: 2}}
  - {x: {1: -1, 2: 0.5}}
loss: none
batch_reduction: sum
input_gradients: true
notation: {delta: minus_dJ_dnet, weight: to_from, loss_symbol: y}
"""


def _sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# Negnevitsky's numbers worked by hand (plain floats, not the package): x_0 = −1
Y3, Y4 = _sig(0.5 + 0.4 - 0.8), _sig(0.9 + 1.0 + 0.1)
Y5 = _sig(-1.2 * Y3 + 1.1 * Y4 - 0.3)
D5 = (0 - Y5) * Y5 * (1 - Y5)                   # δ = −∂E/∂net: −0.1274
DTHETA5 = 0.1 * D5 * -1                         # +0.0127; with the bias input +1: −0.0127


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("collect9")
    out = {}
    for name, text in (("neg", NEGNEVITSKY), ("thr", THRESHOLD), ("tb", TANH_BATCH)):
        out[name] = root / f"{name}.yaml"
        out[name].write_text(text, encoding="utf-8")
    out["root"] = root
    return out


def _check(grader_of, problem, answers: dict | str, root, part=None, name="a.yaml"):
    path = root / name
    path.write_text(answers if isinstance(answers, str) else yaml.safe_dump(answers, allow_unicode=True),
                    encoding="utf-8")
    reports, problems = grader_of(problem).check(path, part)
    assert not problems, problems
    return reports[0]


def _verdict(report, qid):
    return next(v for v in report.verdicts if v.qid == qid)


def _key(text) -> str | None:
    return getattr(text, "key", None)


def test_hand_values_of_negnevitsky():
    assert round(D5, 4) == -0.1274 and round(DTHETA5, 4) == 0.0127


def test_a_threshold_written_with_bias_input_plus_one_is_one_diagnosis(grader_of, files):
    """The trial's write-up line: Δθ_5 = η·δ_5·1 = 0.1 × (−0.1274) = −0.0127. One diagnosis, on the rule;
    the numbers follow the student's own rule; θ^new computed from it follows through."""
    text = ("$\\delta_5 = y_5(1-y_5)(t_5 - y_5) = -0.1274$\n\n"
            "$\\Delta\\theta_5 = \\eta \\cdot \\delta_5 \\cdot 1 = 0.1 \\times (-0.1274) = -0.0127$\n\n"
            "$\\theta_5^{new} = 0.3 - 0.0127 = 0.2873$\n")
    report = _check(grader_of, files["neg"], text, files["root"], name="w.md")
    v = _verdict(report, "update_w_0_5")
    assert v.status == "wrong" and v.diagnosis == "bias_plus_one", v
    assert _key(v.message) == "diagnosis.bias_plus_one"
    rule = [lk for lk in v.links if lk.kind == "rule"]
    assert len(rule) == 1 and _key(rule[0].message) == "diagnosis.bias_plus_one" and not rule[0].convention
    assert all(lk.ok for lk in v.links if lk.kind == "numbers")       # no second charge on the numbers
    assert not any("convention" in str(lk.message) for lk in v.links)
    new = _verdict(report, "new_w_0_5")
    assert new.status == "follow_through" and new.source == "update_w_0_5"
    assert _verdict(report, "delta_5").status == "correct"


def test_a_threshold_value_with_bias_input_plus_one(grader_of, files):
    report = _check(grader_of, files["neg"], {"\\Delta\\theta_5": f"{0.1 * D5 * 1:.4f}"}, files["root"])
    v = _verdict(report, "update_w_0_5")
    assert v.diagnosis == "bias_plus_one" and v.status == "wrong"


@pytest.mark.parametrize("answers, qid", [
    ({"net_2": "2"}, "net_2"),                            # 0.5·2 + 1·1 (the true net is 0.5·2 − 1 = 0)
    ({"update_w_0_2": "0.5"}, "update_w_0_2"),            # −η·δ·(+1) = −0.5·(0 − 1)·1 (true: −0.5)
])
def test_our_threshold_net_bias_plus_one(grader_of, files, answers, qid):
    v = _verdict(_check(grader_of, files["thr"], answers, files["root"]), qid)
    assert v.status == "wrong" and v.diagnosis == "bias_plus_one", v


def test_our_threshold_net_rule_with_plus_one(grader_of, files):
    text = "$\\Delta w_{02} = -\\eta \\delta_2 \\cdot 1 = -0.5 \\times (-1) \\times 1 = 0.5$\n"
    v = _verdict(_check(grader_of, files["thr"], text, files["root"], name="t.md"), "update_w_0_2")
    assert v.diagnosis == "bias_plus_one"
    assert [lk.ok for lk in v.links if lk.kind == "numbers"] == [True]


def test_the_negated_delta_says_what_the_file_did(grader_of, files):
    """The trial's neg_student: δ_5 negated, δ_3 and δ_4 right, Δw_35 the true value: the reason is that
    the other δs have this problem's sign, never 'Δw negated too'."""
    d3 = Y3 * (1 - Y3) * D5 * -1.2
    answers = {"\\delta_5": f"{-D5:.4f}", "\\delta_3": f"{d3:.4f}",
               "\\Delta w_{35}": f"{0.1 * D5 * Y3:.4f}", "\\Delta\\theta_5": f"{0.1 * -D5 * -1:.4f}"}
    v = _verdict(_check(grader_of, files["neg"], answers, files["root"]), "delta_5")
    assert v.diagnosis == "sign" and v.credit == 0
    assert v.message.fields["why"].key == "why.others_do_not", v.message
    assert "Δw negated" not in str(v.message)


# tanh_batch by hand: sample 1, x = (1, 2)
U3, U4 = math.tanh(0.1 + 0.3 * 1 - 0.5 * 2), math.tanh(-0.2 + 0.4 * 1 + 0.6 * 2)
D3 = -0.7 * (1 - U3 ** 2)                                   # δ = −∂y/∂net: −0.4981
GX2 = 0.7 * (1 - U3 ** 2) * -0.5 + -0.8 * (1 - U4 ** 2) * 0.6   # ∂y/∂x_2: −0.3528


def test_one_delta_with_input_gradients_gets_both_readings_and_no_credit(grader_of, files):
    assert round(D3, 4) == -0.4981 and round(GX2, 4) == -0.3528
    answers = {"\\delta_3^{(1)}": f"{-D3:.4f}", "\\frac{\\partial y}{\\partial x_2^{(1)}}": f"{GX2:.4f}"}
    report = _check(grader_of, files["tb"], answers, files["root"])
    v = _verdict(report, "delta_3@1")
    assert v.status == "wrong" and v.credit == 0
    assert _key(v.message) == "diagnosis.other_convention_or_slip"
    assert not any("Δw" in str(n) for n in report.notes)
    assert _verdict(report, "grad_x_2@1").status == "correct"


# xor.yaml's sigmoid part by hand (δ = ∂L/∂net): x = (1, 0), t = 1
XU3, XU4 = _sig(1 + 3), _sig(-6 + 6)
XU5 = _sig(-4 + 2 * XU3 + 4 * XU4)
XD5 = (XU5 - 1) * XU5 * (1 - XU5)                 # −0.1272
XD3 = XD5 * 2 * XU3 * (1 - XU3)                   # −0.0045
XD4 = XD5 * 4 * XU4 * (1 - XU4)                   # −0.1272
XDW35 = -1 * XD5 * XU3                            # Δw_35 = 0.1249


def _xor(grader_of, root, answers):
    return _check(grader_of, PROBLEMS / "xor.yaml", {"sigmoid": answers}, root, part="sigmoid")


def test_a_net_with_bias_input_one_never_says_plus_one(grader_of, tmp_path):
    v = _verdict(_xor(grader_of, tmp_path, {"update_w_0_5": f"{XD5:.4f}"}), "update_w_0_5")    # Δw_05 = −ηδ_5·1, negated
    assert v.diagnosis == "sign"


def test_xor_one_delta_alone_gets_both_readings(grader_of, tmp_path):
    report = _xor(grader_of, tmp_path, {"delta_5": f"{-XD5:.4f}"})
    v = _verdict(report, "delta_5")
    assert v.status == "wrong" and v.credit == 0 and _key(v.message) == "diagnosis.other_convention_or_slip"
    assert report.notes == ()


def test_xor_two_deltas_alone_are_the_convention_without_a_word_on_dw(grader_of, tmp_path):
    report = _xor(grader_of, tmp_path, {"delta_5": f"{-XD5:.4f}", "delta_4": f"{-XD4:.4f}"})
    assert {_verdict(report, q).status for q in ("delta_5", "delta_4")} == {"other_convention"}
    assert [_key(n) for n in report.notes] == ["diagnosis.every_delta_flipped_alone"]
    assert not any("Δw" in str(n) for n in report.notes)


def test_xor_the_note_names_dw_only_when_written(grader_of, tmp_path):
    report = _xor(grader_of, tmp_path, {"delta_5": f"{-XD5:.4f}", "update_w_3_5": f"{XDW35:.4f}"})
    assert _verdict(report, "delta_5").status == "other_convention"
    assert [_key(n) for n in report.notes] == ["diagnosis.every_delta_flipped"]
    report = _xor(grader_of, tmp_path, {"delta_5": f"{-XD5:.4f}", "grad_w_3_5": f"{XD5 * XU3:.4f}"})
    assert _verdict(report, "delta_5").status == "other_convention"
    assert [_key(n) for n in report.notes] == ["diagnosis.every_delta_flipped_values"]
    assert not any("Δw" in str(n) for n in report.notes)


def test_the_new_messages_are_in_both_languages():
    for key in ("diagnosis.bias_plus_one", "diagnosis.every_delta_flipped_values",
                "diagnosis.every_delta_flipped_alone"):
        line = said(key, own="δ = ∂L/∂net", other="δ = −∂L/∂net")
        assert say(line, "zh") != str(line)


def test_bias_zero_names_this_problems_bias_input(grader_of, files, tmp_path):
    """net_3 without its bias term (0.5·1 + 0.4·1 = 0.9): the bias input left out is −1 on a threshold net
    and 1 on the lecture's; the diagnosis says which, in both languages."""
    v = _verdict(_check(grader_of, files["neg"], {"net_3": 0.9}, files["root"], name="bz.yaml"), "net_3")
    assert v.diagnosis == "bias_zero" and str(v.message).endswith("it is -1"), v
    assert say(v.message, "zh").endswith("它应为 -1")
    w = _verdict(_xor(grader_of, tmp_path, {"net_3": 3}), "net_3")     # 1·3 + 0·4 without the bias weight's input
    assert w.diagnosis == "bias_zero" and str(w.message).endswith("it is 1"), w
