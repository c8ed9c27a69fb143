"""Problem files: the documented shapes are accepted as written; each mistake gets its message."""
import textwrap

import pytest
import sympy as sp
from conftest import DATA, PROBLEMS

from symbackprop.errors import ProblemError
from symbackprop.problem import load_problem, parse_problem

WEIGHTS = textwrap.dedent("""\
    weights:
      0: {3: 1, 4: -6, 5: -4}
      1: {3: 3, 4: 6}
      2: {3: 4, 4: 5}
      3: {5: 2}
      4: {5: 4}
    """)
BASE = textwrap.dedent("""\
    network:
      inputs: [1, 2]
      bias: 0
      layers: [[3, 4], [5]]
      activation: sigmoid
    """) + WEIGHTS + textwrap.dedent("""\
    sample: {x: {1: 1, 2: 0}, t: {5: 1}}
    loss: half_squared_error
    learning_rate: 1
    """)


def error_of(text: str) -> ProblemError:
    with pytest.raises(ProblemError) as info:
        parse_problem(text, "p.yaml")
    return info.value


def test_inclass_shape_accepted_as_written():
    p = load_problem(DATA / "shape_inclass.yaml")
    assert [part.name for part in p.parts] == ["relu", "sigmoid"]
    relu = p.part("relu")
    assert relu.inputs == ("1", "2") and relu.bias == "0" and relu.layers == (("3", "4"), ("5",))
    assert [a.name for a in relu.activations] == ["relu", "relu"]
    assert {(w.source, w.target): w.value for w in relu.weights}[("0", "4")] == -6
    assert relu.notation.weight == "from_to" and relu.notation.sign == 1


def test_batch_shape_accepted_as_written():
    p = load_problem(DATA / "shape_batch.yaml")
    (part,) = p.parts
    assert [a.name for a in part.activations] == ["tanh", "softmax"]
    assert len(part.samples) == 2 and part.batch_reduction == "mean"
    assert part.learning_rate == sp.Rational(1, 2)
    # decimals are read exactly: 0.15 is 3/20, not a binary float
    assert {(w.source, w.target): w.value for w in part.weights}[("i1", "h1")] == sp.Rational(3, 20)
    assert part.notation.delta == "minus_dJ_dnet" and part.notation.output_symbol == "z"


def test_every_shipped_problem_loads():
    from conftest import GRAPHS, NETWORKS, QUADRATIC_MODEL
    from symbackprop.graph import load_graph
    from symbackprop.quadratic import load_quadratic
    assert len(NETWORKS) >= 5 and len(GRAPHS) >= 3
    for path in NETWORKS:
        assert load_problem(path).parts
    for path in GRAPHS:
        assert load_graph(path).nodes
    assert load_quadratic(QUADRATIC_MODEL).x.shape == (3, 1)


def test_part_overrides_top_level_fields():
    text = BASE + textwrap.dedent("""\
        parts:
          - {name: a}
          - {name: b, activation: relu, learning_rate: 0.5, loss: mse, weights: {3: {5: 7}}}
        """)
    p = parse_problem(text)
    a, b = p.part("a"), p.part("b")
    assert a.activations[0].name == "sigmoid" and b.activations[0].name == "relu"
    assert b.learning_rate == sp.Rational(1, 2) and b.loss == "mse"
    wb = {(w.source, w.target): w.value for w in b.weights}
    assert wb[("3", "5")] == 7 and wb[("4", "5")] == 4


def test_weight_matrices_equal_the_mapping_form():
    text = BASE.replace(WEIGHTS, textwrap.dedent("""\
        weights:
          - {W: [[3, 4], [6, 5]], b: [1, -6]}
          - {W: [[2, 4]], b: [-4]}
        """))
    m = {(w.source, w.target): w.value for w in parse_problem(text).parts[0].weights}
    base = {(w.source, w.target): w.value for w in parse_problem(BASE).parts[0].weights}
    assert m == base


def test_per_layer_activations_names_frozen_and_params():
    text = BASE.replace("activation: sigmoid", "activation: [tanh, {name: leaky_relu, slope: 0.2}]")
    text = text.replace("3: {5: 2}", "3: {5: {value: 2, name: w7, frozen: true}}")
    part = parse_problem(text).parts[0]
    assert [a.name for a in part.activations] == ["tanh", "leaky_relu"]
    assert dict(part.activations[1].params)["slope"] == sp.Rational(1, 5)
    w35 = next(w for w in part.weights if (w.source, w.target) == ("3", "5"))
    assert w35.name == "w7" and w35.frozen


def two_outputs(text: str) -> str:
    """BASE with a second output unit 6 (cross-entropy needs two outputs)."""
    return (text.replace("layers: [[3, 4], [5]]", "layers: [[3, 4], [5, 6]]").replace("0: {3: 1, 4: -6, 5: -4}",
            "0: {3: 1, 4: -6, 5: -4, 6: 1}").replace("3: {5: 2}", "3: {5: 2, 6: 1}").replace("4: {5: 4}",
            "4: {5: 4, 6: 1}").replace("t: {5: 1}", "t: {5: 1, 6: 0}"))


def test_cross_entropy_defaults_to_softmax_outputs():
    text = two_outputs(BASE).replace("loss: half_squared_error", "loss: cross_entropy").replace(
        "activation: sigmoid", "activation: relu")
    part = parse_problem(text).parts[0]
    assert [a.name for a in part.activations] == ["relu", "softmax"]


@pytest.mark.parametrize("old,new,field,words,line", [
    ("activation: sigmoid", "activation: sigmod", "network.activation",
     ["unknown activation 'sigmod'", "sigmoid", "tanh", "relu", "gelu", "softmax"], 5),
    ("4: {5: 4}", "4: {5: 4, 9: 1}", "weights.4.9", ["unit 9 does not exist"], 11),
    ("1: {3: 3, 4: 6}", "1: {3: 3}", "weights", ["missing the weight from unit 1 to unit 4"], 6),
    ("4: {5: 4}", "4: {5: 4, 3: 1}", "weights.4.3", ["4 -> 3 is not a connection"], 11),
    ("loss: half_squared_error", "loss: hinge", "loss", ["unknown loss 'hinge'", "cross_entropy", "l1"], 13),
    ("learning_rate: 1", "learning_rate: -1", "learning_rate", ["must be positive"], 14),
    ("learning_rate: 1", "learning_rate: fast", "learning_rate", ["expected a number"], 14),
    ("t: {5: 1}", "t: {6: 1}", "sample.t.6", ["not an output unit"], 12),
    ("x: {1: 1, 2: 0}", "x: {1: 1}", "sample.x", ["missing the value of input unit 2"], 12),
    ("layers: [[3, 4], [5]]", "layers: [[3, 4], [5, 3]]", "network.layers[1][1]", ["used twice"], 4),
    ("learning_rate: 1", "learning_rat: 1", "learning_rat", ["unknown field 'learning_rat'", "learning_rate"], 14),
    ("activation: sigmoid", "activation: [softmax, sigmoid]", "network.activation",
     ["softmax is only allowed on the output layer"], 5),
    ("activation: sigmoid", "activation: {name: elu, slope: 2}", "network.activation.slope",
     ["unknown parameter 'slope'", "alpha"], 5),
    ("1: {3: 3, 4: 6}", "1: {3: 3, 4: .inf}", "weights.1.4", ["finite"], 8),
    ("1: {3: 3, 4: 6}", "1: {3: 3, 4: '1e400'}", "weights.1.4", ["exponent"], 8),
    ("inputs: [1, 2]", "inputs: [1, 'a b']", "network.inputs[1]", ["not a unit id"], 2),
])
def test_bad_input_gets_one_clear_line(old, new, field, words, line):
    assert old in BASE
    err = error_of(BASE.replace(old, new))
    msg = str(err)
    assert "\n" not in msg
    assert msg.startswith(f"p.yaml:{line}: {field}: "), msg
    for w in words:
        assert w in msg


def test_yaml_syntax_error_names_the_line():
    err = error_of(BASE.replace("loss: half_squared_error", "loss: [half"))
    # the list opened on line 13 is found unclosed at the ':' of line 14, where the YAML parser stops
    assert str(err) == "p.yaml:14: invalid YAML: expected ',' or ']', but got ':'"
    assert err.line == 14


def test_duplicate_key_is_an_error():
    err = error_of(BASE + "learning_rate: 2\n")
    assert "given twice" in str(err) and err.line == 15


def test_missing_sections_and_empty_file():
    assert "empty" in str(error_of(""))
    assert "network" in str(error_of("loss: mse\n"))
    assert "expected a problem" in str(error_of("[1, 2]\n"))


def test_unreadable_and_binary_files(tmp_path):
    with pytest.raises(ProblemError, match="cannot read"):
        load_problem(tmp_path / "missing.yaml")
    junk = tmp_path / "junk.yaml"
    junk.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(ProblemError, match="not UTF-8"):
        load_problem(junk)
    with pytest.raises(ProblemError, match="folder"):
        load_problem(tmp_path)


def test_yaml_tags_are_not_executed():
    err = error_of("!!python/object/apply:os.system ['echo hacked']\n")
    assert "invalid YAML" in str(err)


def test_unknown_part_lists_the_parts():
    p = load_problem(PROBLEMS / "xor.yaml")
    with pytest.raises(ProblemError, match="parts are relu, sigmoid"):
        p.part("tanh")


def test_bce_targets_must_be_probabilities():
    text = BASE.replace("loss: half_squared_error", "loss: binary_cross_entropy").replace("t: {5: 1}", "t: {5: 2}")
    assert "needs targets in [0, 1]" in str(error_of(text))


def test_loss_outside_its_domain_is_reported_by_solve():
    from symbackprop.solution import solve
    # cross-entropy on a ReLU output of 0: ln 0 has no finite value
    text = two_outputs(BASE).replace("loss: half_squared_error", "loss: cross_entropy").replace(
        "activation: sigmoid", "activation: relu\n  output_activation: relu").replace("5: -4, 6: 1}", "5: -40, 6: 1}")
    with pytest.raises(ProblemError, match=r"loss is infinite: ln of 0 \(u_5 = 0\)"):    # in words (session 10)
        solve(parse_problem(text, "p.yaml"))


@pytest.mark.slow
def test_frozen_weight_is_not_updated_and_the_solution_says_so():
    from symbackprop.solution import solve
    sol = solve(PROBLEMS / "deep.yaml").parts[0]
    assert sol.step("update_w_4_5").value == 0
    assert sol.step("new_w_4_5").value == sp.Rational(1, 2)
    assert sol.step("grad_w_4_5").value != 0          # the gradient is still shown
    from symbackprop.render.prose import note
    assert any("Frozen" in note(sol, n, "en").plain and "w_{45}" in note(sol, n, "en").plain for n in sol.conventions)
