"""Issue 11, one message catalogue: every error a user can get from a bad problem file (and its grading
section), a bad YAML file or a bad command line is said in Chinese under --lang zh, and in English
exactly as before.

The English lines below (EXPECTED_EN) were written by symbackprop at 71bf82b, before these messages
went through the catalogue: the English must not have changed by a byte."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import click
import pytest
import yaml
from click.testing import CliRunner
from conftest import PROBLEMS, QUADRATIC_MODEL
from helpers import distinct_fractions, network
from test_problem import BASE, WEIGHTS

from symbackprop import messages
from symbackprop.cli import main
from symbackprop.errors import SymbackpropError
from symbackprop.messages import Said, catalogue, say, text_of
from symbackprop.problem import parse_problem
from symbackprop.usage import usage_language

XOR = PROBLEMS / "xor.yaml"

# a network whose units are named as a book names them (notation.unit_names: i1 is written i_1)
NAMED_UNITS = """\
network:
  inputs: [i1, i2]
  bias: b
  layers: [[h1], [o1]]
  activation: sigmoid
weights:
  b: {h1: 0.1, o1: 0.2}
  i1: {h1: 0.3}
  i2: {h1: 0.4}
  h1: {o1: 0.5}
sample: {x: {i1: 1, i2: 0}, t: {o1: 1}}
loss: half_squared_error
learning_rate: 1
notation: {unit_names: true}
"""

# Every mistake of a problem file the tool names: (case id, the file's text). The cases of
# tests/test_problem.py's bad-input test are the first ones, then one for each other message.
CORPUS: list[tuple[str, str]] = [(cid, BASE.replace(old, new)) for cid, old, new in [
    ("unknown_activation", "activation: sigmoid", "activation: sigmod"),
    ("no_such_unit", "4: {5: 4}", "4: {5: 4, 9: 1}"),
    ("missing_weight", "1: {3: 3, 4: 6}", "1: {3: 3}"),
    ("not_a_connection", "4: {5: 4}", "4: {5: 4, 3: 1}"),
    ("unknown_loss", "loss: half_squared_error", "loss: hinge"),
    ("learning_rate", "learning_rate: 1", "learning_rate: -1"),
    ("expected_number", "learning_rate: 1", "learning_rate: fast"),
    ("not_output", "t: {5: 1}", "t: {6: 1}"),
    ("missing_input", "x: {1: 1, 2: 0}", "x: {1: 1}"),
    ("unit_twice", "layers: [[3, 4], [5]]", "layers: [[3, 4], [5, 3]]"),
    ("unknown_key", "learning_rate: 1", "learning_rat: 1"),
    ("softmax_hidden", "activation: sigmoid", "activation: [softmax, sigmoid]"),
    ("unknown_parameter", "activation: sigmoid", "activation: {name: elu, slope: 2}"),
    ("infinite", "1: {3: 3, 4: 6}", "1: {3: 3, 4: .inf}"),
    ("exponent_range", "1: {3: 3, 4: 6}", "1: {3: 3, 4: '1e400'}"),
    ("not_unit_id", "inputs: [1, 2]", "inputs: [1, 'a b']"),
    # one of each other message
    ("not_a_model", "network:", "model: cubic\nnetwork:"),
    ("graph_model", "network:", "model: quadratic\nnetwork:"),
    ("parts_list", "learning_rate: 1", "learning_rate: 1\nparts: 3"),
    ("part_name", "learning_rate: 1", "learning_rate: 1\nparts: [{name: 'a b'}]"),
    ("part_twice", "learning_rate: 1", "learning_rate: 1\nparts: [{name: a}, {name: a}]"),
    ("relu_g0", "learning_rate: 1", "learning_rate: 1\nrelu_derivative_at_zero: 2"),
    ("batch_reduction", "learning_rate: 1", "learning_rate: 1\nbatch_reduction: median"),
    ("precision", "learning_rate: 1", "learning_rate: 1\nprecision: 20"),
    ("sig_figs", "learning_rate: 1", "learning_rate: 1\nsig_figs: 0"),                    # issue 12, --sig-figs
    ("precision_and_sig_figs", "learning_rate: 1", "learning_rate: 1\nprecision: 2\nsig_figs: 3"),
    ("no_inputs", "  inputs: [1, 2]\n", ""),
    ("no_layers", "  layers: [[3, 4], [5]]\n", ""),
    ("unit_list", "inputs: [1, 2]", "inputs: []"),
    ("layer_list", "layers: [[3, 4], [5]]", "layers: 5"),
    ("empty_layer", "layers: [[3, 4], [5]]", "layers: [[3, 4], []]"),
    ("activation_name", "activation: sigmoid", "activation: {alpha: 1}"),
    ("activation_not_text", "activation: sigmoid", "activation: 3"),
    ("unknown_parameter_none", "activation: sigmoid", "activation: {name: tanh, alpha: 1}"),
    ("unknown_parameter_relu", "activation: sigmoid", "activation: {name: relu, slope: 1}"),
    ("activations_per_layer", "activation: sigmoid", "activation: [sigmoid, sigmoid, sigmoid]"),
    ("no_activation", "  activation: sigmoid\n", ""),
    # issue 12: cross-entropy on one output, activations written as formulas
    ("ce_one_output", "loss: half_squared_error", "loss: cross_entropy"),
    ("activation_formula_text", "activation: sigmoid", "activation: {formula: 3}"),
    ("activation_formula_name", "activation: sigmoid", "activation: {formula: x, name: tanh}"),
    ("activation_formula_key", "activation: sigmoid", "activation: {formula: x, slope: 2}"),
    ("loss_formula_text", "loss: half_squared_error", "loss: {formula: 3}"),
    ("loss_formula_name", "loss: half_squared_error", "loss: {formula: u, name: mse}"),
    ("loss_formula_key", "loss: half_squared_error", "loss: {formula: u, scale: 2}"),
    # session 9: the formula reader's own words, a formula loss's declared facts
    ("activation_formula", "activation: sigmoid", "activation: {formula: 'foo(x)'}"),
    ("loss_formula", "loss: half_squared_error", "loss: {formula: 't^2'}"),
    ("loss_formula_targets", "loss: half_squared_error", "loss: {formula: u, targets: 3}"),
    ("loss_formula_range", "loss: half_squared_error", "loss: {formula: u, targets: [1, 0]}"),
    ("loss_formula_half", "loss: half_squared_error", "loss: {formula: u, half: true}"),
    ("no_loss", "loss: half_squared_error\n", ""),
    ("loss_not_text", "loss: half_squared_error", "loss: 3"),
    ("loss_unknown_key", "loss: half_squared_error", "loss: {name: l1, scale: 2}"),
    ("no_source_unit", "4: {5: 4}", "4: {5: 4}\n  9: {5: 1}"),
    ("weights_out", "4: {5: 4}", "4: 7"),
    ("weights_mapping", WEIGHTS, "weights: 3\n"),
    ("no_weights", WEIGHTS, ""),
    ("network_key", "  bias: 0\n", "  bias: 0\n  colour: red\n"),
    ("network_mapping", "network:\n  inputs: [1, 2]\n  bias: 0\n  layers: [[3, 4], [5]]\n  activation: sigmoid\n",
     "network: 3\n"),
    ("no_network", "network:\n  inputs: [1, 2]\n  bias: 0\n  layers: [[3, 4], [5]]\n  activation: sigmoid\n", ""),
    ("too_many_units", "inputs: [1, 2]", "inputs: [" + ", ".join(f"i{n}" for n in range(5001)) + "]"),
    ("part_mapping", "learning_rate: 1", "learning_rate: 1\nparts: [3]"),
    ("binary", "learning_rate: 1", "learning_rate: 0b101"),
    ("not_decimal", "learning_rate: 1", "learning_rate: !!int 0o17"),
    ("too_large", "learning_rate: 1", "learning_rate: 1.0e+999"),
    ("weight_value", "4: {5: 4}", "4: {5: {name: w}}"),
    ("weight_name", "4: {5: 4}", "4: {5: {value: 4, name: '9w'}}"),
    ("weight_frozen", "4: {5: 4}", "4: {5: {value: 4, frozen: maybe}}"),
    ("weight_key", "4: {5: 4}", "4: {5: {value: 4, fixed: true}}"),
    ("zero_division", "4: {5: 4}", "4: {5: 1/0}"),
    ("not_a_number", "4: {5: 4}", "4: {5: four}"),
    ("number_too_large", "4: {5: 4}", "4: {5: 1" + "0" * 40 + "}"),
    ("hexadecimal", "4: {5: 4}", "4: {5: 0x1F}"),
    ("base60", "learning_rate: 1", "learning_rate: 1:20"),
    ("octal", "4: {5: 4}", "4: {5: 017}"),
    ("separators", "4: {5: 4}", "4: {5: 1_000}"),
    ("too_many_chars", "4: {5: 4}", "4: {5: " + "1" * 101 + "}"),
    ("sample_and_samples", "learning_rate: 1", "learning_rate: 1\nsamples: [{x: [1, 0], t: [1]}]"),
    ("no_sample", "sample: {x: {1: 1, 2: 0}, t: {5: 1}}\n", ""),
    ("samples_list", "sample: {x: {1: 1, 2: 0}, t: {5: 1}}", "samples: []"),
    ("too_many_samples", "sample: {x: {1: 1, 2: 0}, t: {5: 1}}", "samples: [" + ", ".join(["{x: [1, 0], t: [1]}"] * 1001) + "]"),
    ("sample_mapping", "sample: {x: {1: 1, 2: 0}, t: {5: 1}}", "sample: [1, 0]"),
    ("sample_key", "sample: {x: {1: 1, 2: 0}, t: {5: 1}}", "sample: {x: {1: 1, 2: 0}, t: {5: 1}, y: 2}"),
    ("no_output_values", "sample: {x: {1: 1, 2: 0}, t: {5: 1}}", "sample: {x: {1: 1, 2: 0}}"),
    ("input_count", "sample: {x: {1: 1, 2: 0}, t: {5: 1}}", "sample: {x: [1], t: [1]}"),
    ("input_values_mapping", "sample: {x: {1: 1, 2: 0}, t: {5: 1}}", "sample: {x: 1, t: [1]}"),
    ("not_input", "x: {1: 1, 2: 0}", "x: {1: 1, 2: 0, 5: 1}"),
    ("missing_output", "t: {5: 1}", "t: {}"),
    ("notation_choice", "learning_rate: 1", "learning_rate: 1\nnotation: {delta: sideways}"),
    ("symbol_name", "learning_rate: 1", "learning_rate: 1\nnotation: {activation_symbol: 'u 1'}"),
    ("notation_key", "learning_rate: 1", "learning_rate: 1\nnotation: {colour: red}"),
    ("learning_rate_symbol_taken", "learning_rate: 1", "learning_rate: 1\nnotation: {learning_rate_symbol: e}"),
    ("notation_mapping", "learning_rate: 1", "learning_rate: 1\nnotation: 3"),
    ("title_text", "learning_rate: 1", "learning_rate: 1\ntitle: [a, b]"),
    ("title_nothing", "learning_rate: 1", "learning_rate: 1\ntitle:"),
    ("title_long", "learning_rate: 1", "learning_rate: 1\ntitle: " + "a" * 301),
    ("title_control", "learning_rate: 1", 'learning_rate: 1\ntitle: "a\\x07b"'),
    ("matrices_per_layer", WEIGHTS, "weights: [{W: [[1, 2], [3, 4]], b: [0, 0]}]\n"),
    ("matrix_rows", WEIGHTS, "weights: [{W: [[1, 2]], b: [0, 0]}, {W: [[1, 2]], b: [0]}]\n"),
    ("matrix_row", WEIGHTS, "weights: [{W: [[1, 2], [3]], b: [0, 0]}, {W: [[1, 2]], b: [0]}]\n"),
    ("bias_weights", WEIGHTS, "weights: [{W: [[1, 2], [3, 4]], b: [0]}, {W: [[1, 2]], b: [0]}]\n"),
    ("matrix_frozen", WEIGHTS, "weights: [{W: [[1, 2], [3, 4]], b: [0, 0], frozen: 1}, {W: [[1, 2]], b: [0]}]\n"),
    ("layer_weights_key", WEIGHTS, "weights: [{W: [[1, 2], [3, 4]], c: [0, 0]}, {W: [[1, 2]], b: [0]}]\n"),
    ("layer_weights_mapping", WEIGHTS, "weights: [3, {W: [[1, 2]], b: [0]}]\n"),
    # the grading section (rubric.py)
    ("rubric_mapping", "learning_rate: 1", "learning_rate: 1\ngrading: 3"),
    ("rubric_key", "learning_rate: 1", "learning_rate: 1\ngrading: {points: 3}"),
    ("rubric_items", "learning_rate: 1", "learning_rate: 1\ngrading: {items: 3}"),
    ("rubric_tolerance", "learning_rate: 1", "learning_rate: 1\ngrading: {tolerance: 3}"),
    ("rubric_credit", "learning_rate: 1", "learning_rate: 1\ngrading: {credit: 3}"),
    ("rubric_kind", "learning_rate: 1", "learning_rate: 1\ngrading: {credit: {luck: 1}}"),
    ("rubric_range", "learning_rate: 1", "learning_rate: 1\ngrading: {credit: {rounding: 2}}"),
    ("rubric_below", "learning_rate: 1", "learning_rate: 1\ngrading: {tolerance: {absolute: -1}}"),
    ("rubric_number", "learning_rate: 1", "learning_rate: 1\ngrading: {items: {act_3: many}}"),
    ("rubric_finite", "learning_rate: 1", "learning_rate: 1\ngrading: {items: {act_3: .nan}}"),
    # session 13 (h4): an edge written the other way round
    ("reversed_connection", "4: {5: 4}", "4: {5: 4}\n  5: {3: 1}"),
]] + [
    # the whole file (yamlfile.py)
    ("empty", ""),
    ("not_a_mapping", "[1, 2]\n"),
    ("key_twice", BASE + "learning_rate: 2\n"),
    ("alias_cycle", "a: &a [*a]\n"),
    ("key_not_scalar", "? [1, 2]\n: 3\n"),
    ("too_deep", "x: " + "[" * 101 + "]" * 101 + "\n"),
    ("control_character", "title: a\x07b\n"),
    # the size limits (budget.py)
    ("budget_network", yaml.safe_dump(network([60, 60, 1]))),
    ("budget_samples", yaml.safe_dump(network([8, 8, 1], samples=1000))),
    ("budget_parts", yaml.safe_dump(network([4, 8, 8, 3], parts=[{"name": f"p{i}"} for i in range(40)]))),
    ("target", BASE.replace("loss: half_squared_error", "loss: binary_cross_entropy").replace("t: {5: 1}", "t: {5: 2}")),
    ("no_bias", BASE.replace("  bias: 0\n", "").replace(WEIGHTS, "weights: [{W: [[1, 2], [3, 4]], b: [0, 0]}, "
                                                                  "{W: [[1, 2]]}]\n")),
    ("budget_exact", yaml.safe_dump(distinct_fractions(network([10, 10, 10, 1], activation="relu", output_activation="identity")))),
    ("budget_in_part", yaml.safe_dump(network([60, 60, 1], parts=[{"name": "a"}, {"name": "b"}]))),
    # issue 12: loss none, the bias input of -1, shared weights
    ("loss_outputs", BASE.replace("layers: [[3, 4], [5]]", "layers: [[3, 4, 5]]").replace(
        WEIGHTS, "weights: {0: {3: 1, 4: 1, 5: 1}, 1: {3: 1, 4: 1, 5: 1}, 2: {3: 1, 4: 1, 5: 1}}\n").replace(
        "loss: half_squared_error", "loss: none").replace(", t: {5: 1}", "")),     # one mistake: no targets either
    ("loss_no_targets", BASE.replace("loss: half_squared_error", "loss: none")),
    ("bias_input", BASE.replace("  bias: 0\n", "  bias: 0\n  bias_input: 2\n")),
    ("bias_input_no_bias", BASE.replace("  bias: 0\n", "  bias_input: -1\n").replace(
        WEIGHTS, "weights: [{W: [[1, 2], [3, 4]]}, {W: [[1, 2]]}]\n")),
    ("shared_mapping", BASE.replace("learning_rate: 1", "learning_rate: 1\nshared: [w_0_3, w_0_4]")),
    ("shared_name", BASE.replace("learning_rate: 1", "learning_rate: 1\nshared: {b_1: [w_0_3, w_0_4]}")),
    ("shared_edges", BASE.replace("learning_rate: 1", "learning_rate: 1\nshared: {b1: [w_0_3]}")),
    ("shared_not_weight", BASE.replace("learning_rate: 1", "learning_rate: 1\nshared: {b1: [w_0_3, w_1_5]}")),
    ("shared_twice", BASE.replace("learning_rate: 1", "learning_rate: 1\nshared: {a1: [w_2_3, w_4_5], a2: [w_4_5, w_0_3]}")),
    ("shared_values", BASE.replace("learning_rate: 1", "learning_rate: 1\nshared: {b1: [w_0_3, w_0_4]}")),
    # session 12 (edges): unit ids written as they print, thresholds, an unnamed formula loss's targets
    ("unit_id_as_printed", BASE.replace("inputs: [1, 2]", "inputs: ['θ1', 2]")),
    ("unit_id_plain", BASE.replace("inputs: [1, 2]", "inputs: [x_1, 2]")),
    ("unit_id_letters", BASE.replace("inputs: [1, 2]", "inputs: ['é', 2]")),
    ("threshold_weights", BASE.replace("  bias: 0\n", "  bias: 0\n  bias_input: -1\n").replace(
        WEIGHTS, "weights: [{W: [[1, 2], [3, 4]], b: [0]}, {W: [[1, 2]], b: [0]}]\n")),
    ("missing_threshold", BASE.replace("  bias: 0\n", "  bias: 0\n  bias_input: -1\n").replace(
        "0: {3: 1, 4: -6, 5: -4}", "0: {3: 1, 4: -6}")),
    ("formula_target", BASE.replace("loss: half_squared_error", "loss: {formula: 'u - t', targets: [0, 1]}").replace(
        "t: {5: 1}", "t: {5: 2}")),
    # session 12 (names): a loss symbol with a subscript, notation.unit_names (tests/test_names12.py)
    ("loss_symbol_name", BASE.replace("learning_rate: 1", "learning_rate: 1\nnotation: {loss_symbol: E_to-tal}")),
    ("unit_names_choice", BASE.replace("learning_rate: 1", "learning_rate: 1\nnotation: {unit_names: maybe}")),
    ("unit_names_taken", NAMED_UNITS.replace("i1", "e1")),
    ("unit_names_clash", NAMED_UNITS.replace("i1", "1").replace("{unit_names: true}",
                                                                "{unit_names: true, input_symbol: h}")),
    # session 12 (msgs): a unit named as a weight or a shared parameter is (tests/test_msgs12.py)
    ("unit_names_weight_clash", NAMED_UNITS.replace("i1: {h1: 0.3}", "i1: {h1: {value: 0.3, name: h1}}")),
    ("unit_names_shared_clash", NAMED_UNITS.replace("b: {h1: 0.1, o1: 0.2}", "b: {h1: 0.1, o1: 0.1}")
     + "shared: {h1: [w_b_h1, w_b_o1]}\n"),
    # session 13 (O2): optimizer, steps and update (tests/test_o213.py)
    ("optimizer_shape", BASE.replace("learning_rate: 1", "learning_rate: 1\noptimizer: 3")),
    ("optimizer_no_name", BASE.replace("learning_rate: 1", "learning_rate: 1\noptimizer: {lr: 1}")),
    ("optimizer_no_lr", BASE.replace("learning_rate: 1", "learning_rate: 1\noptimizer: adadelta")),
    ("optimizer_lr_twice", BASE.replace("learning_rate: 1", "learning_rate: 1\noptimizer: {name: adam, lr: 0.5}")),
    ("steps", BASE.replace("learning_rate: 1", "learning_rate: 1\nsteps: 0")),
    ("update", BASE.replace("learning_rate: 1", "learning_rate: 1\nupdate: online")),
]

# The tables' names as they were at 71bf82b. A row added to activations.py or losses.py later is listed in
# the messages too ("known: …"): `expected_en` puts the tables' names of today in place of these lists, after
# checking that none of these names is gone and their order is kept.
ACTIVATIONS_AT_FIXTURE = "identity, sigmoid, tanh, relu, leaky_relu, elu, swish, gelu, softplus, softmax"
LOSSES_AT_FIXTURE = "half_squared_error, squared_error, mse, l1, cross_entropy, binary_cross_entropy, none"


HIDDEN_AT_FIXTURE = ACTIVATIONS_AT_FIXTURE.replace(", softmax", "")      # --activation: every one but softmax


def with_tables(text: str) -> str:
    """`text` with the activation, hidden-activation and loss lists of the tables as they are now (longest
    list first: the hidden list is the start of the whole one)."""
    from symbackprop import activations, losses
    lists = ((ACTIVATIONS_AT_FIXTURE, list(activations.NAMES)),
             (HIDDEN_AT_FIXTURE, [n for n in activations.NAMES if n != "softmax"]),
             (LOSSES_AT_FIXTURE, list(losses.NAMES)))
    for n, (old, names) in enumerate(lists):
        assert [m for m in names if m in old.split(", ")] == old.split(", "), "a built-in name is gone or moved"
        text = text.replace(old, f"\0{n}\0")
    for n, (_, names) in enumerate(lists):
        text = text.replace(f"\0{n}\0", ", ".join(names))
    return text


def expected_en(cid: str) -> str:
    """EXPECTED_EN[cid] with the activation and loss lists of the tables as they are now."""
    return with_tables(EXPECTED_EN[cid])


# The English each case gave at 71bf82b (str of the ProblemError), by case id.
EXPECTED_EN: dict[str, str] = {
    'unknown_activation': "p.yaml:5: network.activation: unknown activation 'sigmod'; known: identity, sigmoid, tanh, relu, "
        'leaky_relu, elu, swish, gelu, softplus, softmax (did you mean sigmoid?)',      # the hint: issue 12
    'no_such_unit': 'p.yaml:11: weights.4.9: unit 9 does not exist; units are 0, 1, 2, 3, 4, 5',
    'missing_weight': 'p.yaml:6: weights: missing the weight from unit 1 to unit 4',
    'not_a_connection': 'p.yaml:11: weights.4.3: 4 -> 3 is not a connection of this network; weights go from each unit (and '
        'the bias) to every unit of the next layer',
    'unknown_loss': "p.yaml:13: loss: unknown loss 'hinge'; known: half_squared_error, squared_error, mse, l1, "
        'cross_entropy, binary_cross_entropy, none',
    'learning_rate': 'p.yaml:14: learning_rate: the learning rate must be positive; got -1',
    'expected_number': "p.yaml:14: learning_rate: expected a number (like 3, -0.5, 1/3 or 1e-3), got 'fast'",
    'not_output': 'p.yaml:12: sample.t.6: unit 6 is not an output unit; outputs are 5',
    'missing_input': 'p.yaml:12: sample.x: missing the value of input unit 2',
    'unit_twice': 'p.yaml:4: network.layers[1][1]: unit id 3 is used twice; every unit needs its own id',
    'unknown_key': "p.yaml:14: learning_rat: unknown field 'learning_rat' in a problem; allowed: title, description, "
        'network, weights, sample, samples, batch_reduction, loss, learning_rate, notation, '
        'relu_derivative_at_zero, precision, sig_figs, parts, grading, input_gradients, shared, optimizer, steps, '
        'update, init, train, dropout (did you mean learning_rate?)',   # issue 12; optimizer, steps, update: issue 13; init, train, dropout: 14
    'softmax_hidden': 'p.yaml:5: network.activation: softmax is only allowed on the output layer',
    'unknown_parameter': "p.yaml:5: network.activation.slope: unknown parameter 'slope'; elu takes alpha",
    'infinite': "p.yaml:8: weights.1.4: '.inf' is not a finite number; write numbers as decimals, like 31, -0.5 or "
        '0.9820',
    'exponent_range': 'p.yaml:8: weights.1.4: exponent 400 out of range; allowed -30 to 30',
    'not_unit_id': "p.yaml:2: network.inputs[1]: 'a b' is not a unit id; use a whole number (3) or a name of letters "
        'and digits starting with a letter (h1)',
    # Changed on purpose since 71bf82b by issue 12's graphs (model: graph is a model now), and in session 16 by
    # issue 14's padded batch (model: masked_mean).
    'not_a_model': "p.yaml:1: model: 'cubic' is not a model; allowed: graph (a computation graph of formulas), "
        "quadratic (the lecture's matrix example), masked_mean (a padded batch of sentences), or leave `model` out "
        "for a network",
    'graph_model': "p.yaml:1: model: this file is a computation graph (model: quadratic), not a network; read it "
        'with symbackprop.graph.load_graph (the commands do)',
    'parts_list': 'p.yaml:15: parts: expected a list of parts, each a mapping with a name',
    'part_name': "p.yaml:15: parts[0].name: 'a b' is not a part name; use letters, digits, _ and -",
    'part_twice': "p.yaml:15: parts[1].name: part name 'a' is used twice",
    'relu_g0': "p.yaml:15: relu_derivative_at_zero: g'(0) for ReLU must lie in [0, 1] (a sub-gradient); got 2",
    'batch_reduction': "p.yaml:15: batch_reduction: unknown batch_reduction 'median'; allowed: mean, sum",
    'precision': 'p.yaml:15: precision: precision is the number of decimal places shown, 0 to 15; got 20',
    'sig_figs': 'p.yaml:15: sig_figs: sig_figs is the number of significant figures shown, 1 to 15; got 0',
    'precision_and_sig_figs': 'p.yaml:16: sig_figs: precision and sig_figs cannot both be given: use precision '
        '(decimal places) or sig_figs (significant figures)',
    'no_inputs': 'p.yaml:1: network.inputs: missing; list the input unit ids, e.g. [1, 2]',
    'no_layers': 'p.yaml:1: network.layers: missing; list the layers after the inputs, e.g. [[3, 4], [5]]',
    'unit_list': 'p.yaml:2: network.inputs: expected a non-empty list of unit ids',
    'layer_list': 'p.yaml:4: network.layers: expected a list of layers (lists of unit ids), the last one the outputs',
    'empty_layer': 'p.yaml:4: network.layers[1]: expected a non-empty list of unit ids',
    'activation_name': 'p.yaml:5: network.activation: an activation given as a mapping needs `name`',
    'activation_not_text': 'p.yaml:5: network.activation: expected an activation name; known: identity, sigmoid, tanh, relu, '
        'leaky_relu, elu, swish, gelu, softplus, softmax',
    'unknown_parameter_none': "p.yaml:5: network.activation.alpha: unknown parameter 'alpha'; tanh takes no parameters",
    'unknown_parameter_relu': "p.yaml:5: network.activation.slope: unknown parameter 'slope'; relu takes no parameters (g'(0) is "
        'set by relu_derivative_at_zero)',
    'activations_per_layer': 'p.yaml:5: network.activation: expected one activation per layer after the inputs (2), or one per '
        'hidden layer (1) with output_activation; got 3',
    'no_activation': 'p.yaml:1: network.activation: no activation given for layer 1; set network.activation (known: '
        'identity, sigmoid, tanh, relu, leaky_relu, elu, swish, gelu, softplus, softmax)',
    'no_loss': 'p.yaml:1: loss: missing; known losses: half_squared_error, squared_error, mse, l1, cross_entropy, '
        'binary_cross_entropy, none',
    'loss_not_text': 'p.yaml:13: loss: expected a loss name; known: half_squared_error, squared_error, mse, l1, '
        'cross_entropy, binary_cross_entropy, none',
    'loss_unknown_key': "p.yaml:13: loss.scale: unknown field 'scale' in loss; allowed: name",
    'ce_one_output': 'p.yaml:13: loss: cross_entropy needs at least 2 output units, the network has 1 (softmax of one '
        'unit is always 1, so the loss and every gradient would be 0); for one output use loss: binary_cross_entropy',
    'activation_formula_text': 'p.yaml:5: network.activation.formula: formula must be text, a formula of x such as '
        '"1.7159*tanh(2*x/3)"; got 3',
    'activation_formula_name': "p.yaml:5: network.activation.name: name 'tanh' of an activation formula must be a word "
        '(a letter, then letters, digits or _, at most 40) and not the name of a built-in activation',
    'activation_formula_key': "p.yaml:5: network.activation.slope: unknown field 'slope' in an activation formula; "
        'allowed: formula, name',
    'loss_formula_text': 'p.yaml:13: loss.formula: formula must be text, a formula of u and t such as "(u - t)^2/2"; '
        'got 3',
    'loss_formula_name': "p.yaml:13: loss.name: name 'mse' of a loss formula must be a word (a letter, then letters, "
        'digits or _, at most 40) and not the name of a built-in loss',
    # (a formula loss's facts, targets and half, were added to its fields in session 9)
    'loss_formula_key': "p.yaml:13: loss.scale: unknown field 'scale' in a loss formula; allowed: formula, name, "
                        "targets, half",
    'activation_formula': "p.yaml:5: network.activation.formula: activation formula 'foo(x)': column 1: unknown "
                          "function 'foo'; functions: abs, cos, dot, elu, exp, gelu, identity, leaky_relu, ln, log, "
                          "max, min, relu, sigmoid, sin, softplus, sqrt, sum, swish, tanh, transpose",
    'loss_formula': "p.yaml:13: loss.formula: loss formula 't^2': a loss formula must use u (the output; t is its "
                    "target)",
    'loss_formula_targets': "p.yaml:13: loss.targets: targets of a loss formula are any (the default), sum_to_one "
                            "(each target at least 0, together 1, as for cross_entropy) or a range [low, high] (null "
                            "for an open end, e.g. [0, null]); got 3",
    'loss_formula_range': "p.yaml:13: loss.targets: the range [1, 0] is empty: its low end must be below its high end",
    'loss_formula_half': "p.yaml:13: loss.half: half: true says the loss is 1/2 times a term, as (u - t)^2/2, but the "
                         "formula 'u' is not; write the 1/2 in the formula or leave half out",
    'no_source_unit': 'p.yaml:12: weights.9: unit 9 does not exist; units are 0, 1, 2, 3, 4, 5',
    'weights_out': 'p.yaml:11: weights.4: expected the weights out of unit 4: `{to unit: value}` (a mapping), got 7',
    'weights_mapping': 'p.yaml:6: weights: expected the weights: `from unit: {to unit: value}`, or a list of per-layer '
        'matrices (a mapping), got 3',
    'no_weights': 'p.yaml:1: weights: missing; give every weight as `from unit: {to unit: value}`',
    'network_key': "p.yaml:4: network.colour: unknown field 'colour' in network; allowed: inputs, bias, layers, "
        'activation, output_activation, bias_input',
    'network_mapping': 'p.yaml:1: network: expected the network (a mapping), got 3',
    'no_network': 'p.yaml:1: network: missing; give inputs, layers (and bias) of the network',
    'too_many_units': 'p.yaml:1: network: network too large; at most 5000 units',
    'part_mapping': 'p.yaml:15: parts[0]: expected a part (a mapping), got 3',
    'binary': "p.yaml:14: learning_rate: '0b101' is binary; write numbers as decimals, like 31, -0.5 or 0.9820",
    'not_decimal': "p.yaml:14: learning_rate: '0o17' is not a decimal number; write numbers as decimals, like 31, -0.5 "
        'or 0.9820',
    'too_large': "p.yaml:14: learning_rate: '1.0e+999' is too large: not a finite number; write numbers as decimals, "
        'like 31, -0.5 or 0.9820',
    'weight_value': 'p.yaml:11: weights.4.5: a weight given as a mapping needs `value`',
    'weight_name': "p.yaml:11: weights.4.5.name: '9w' is not a weight name; use letters then digits, like w1",
    'weight_frozen': 'p.yaml:11: weights.4.5.frozen: expected true or false',
    'weight_key': "p.yaml:11: weights.4.5.fixed: unknown field 'fixed' in a weight; allowed: value, name, frozen",
    'zero_division': 'p.yaml:11: weights.4.5: division by zero in a fraction',
    'not_a_number': "p.yaml:11: weights.4.5: expected a number (like 3, -0.5, 1/3 or 1e-3), got 'four'",
    'number_too_large': 'p.yaml:11: weights.4.5: number too large; at most 30 digits',
    'hexadecimal': "p.yaml:11: weights.4.5: '0x1F' is hexadecimal; write numbers as decimals, like 31, -0.5 or 0.9820",
    'base60': "p.yaml:14: learning_rate: '1:20' is a base-60 number (YAML reads 1:20 as 80); write numbers as "
        'decimals, like 31, -0.5 or 0.9820',
    'octal': "p.yaml:11: weights.4.5: '017' starts with 0 (YAML reads 017 as octal); write numbers as decimals, "
        'like 31, -0.5 or 0.9820',
    'separators': "p.yaml:11: weights.4.5: '1_000' has digit separators _; write numbers as decimals, like 31, -0.5 or "
        '0.9820',
    'too_many_chars': "p.yaml:11: weights.4.5: '111111111111111111111111111...1111111111111111111111111111' has 101 "
        'characters; a number may have at most 100; write numbers as decimals, like 31, -0.5 or 0.9820',
    'sample_and_samples': 'p.yaml:15: samples: give either `sample` or `samples`, not both',
    'no_sample': 'p.yaml:1: sample: missing; give the data as `sample: {x: {unit: value}, t: {unit: value}}`',
    'samples_list': 'p.yaml:12: samples: expected a non-empty list of samples, each {x: {...}, t: {...}}',
    'too_many_samples': 'p.yaml:12: samples: too many samples; at most 1000',
    'sample_mapping': 'p.yaml:12: sample: expected a sample: {x: {input unit: value}, t: {output unit: value}} (a '
        'mapping), got [1, 0]',
    'sample_key': "p.yaml:12: sample.y: unknown field 'y' in a sample; allowed: x, t",
    'no_output_values': 'p.yaml:12: sample.t: missing; give a value for every output unit (5)',
    'input_count': 'p.yaml:12: sample.x: expected 2 values, one per input unit (1, 2)',
    'input_values_mapping': 'p.yaml:12: sample.x: expected values by input unit (a mapping), got 1',
    'not_input': 'p.yaml:12: sample.x.5: unit 5 is not an input unit; inputs are 1, 2',
    'missing_output': 'p.yaml:12: sample.t: missing the value of output unit 5',
    'notation_choice': "p.yaml:15: notation.delta: unknown delta notation 'sideways'; allowed: dJ_dnet, minus_dJ_dnet",
    'symbol_name': "p.yaml:15: notation.activation_symbol: 'u 1' is not a symbol name; use 1 to 8 letters, like u or y",
    'notation_key': "p.yaml:15: notation.colour: unknown field 'colour' in notation; allowed: weight, delta, "
        'target_index, activation_symbol, output_symbol, target_symbol, input_symbol, loss_symbol, '
        'weight_symbol, learning_rate_symbol, unit_names',
    'learning_rate_symbol_taken': "p.yaml:15: notation.learning_rate_symbol: 'e' already means something else in an "
        "answer (e, g, net, d, δ, Δ, σ or another symbol of this notation); use another letter or Greek name, like "
        "alpha or eta",
    'notation_mapping': 'p.yaml:15: notation: expected the notation (a mapping), got 3',
    'title_text': 'p.yaml:15: title: expected text for the title, got [\'a\', \'b\']',
    'title_nothing': 'p.yaml:15: title: expected text for the title, got nothing',
    'title_long': 'p.yaml:15: title: the title has 301 characters; at most 300 are allowed',
    'title_control': 'p.yaml:15: title: the title contains the control character U+0007 at character 2; only printable '
        'text (with tabs and line breaks) is allowed',
    'matrices_per_layer': 'p.yaml:6: weights: weights as matrices need one entry per layer after the inputs (2); got 1',
    'matrix_rows': 'p.yaml:6: weights[0].W: expected 2 rows (one per unit 3, 4), each with 2 values (one per unit 1, 2)',
    'matrix_row': 'p.yaml:6: weights[0].W[1]: expected 2 values (one per unit 1, 2)',
    'bias_weights': 'p.yaml:6: weights[0].b: expected 2 bias weights (one per unit 3, 4)',
    'matrix_frozen': 'p.yaml:6: weights[0].frozen: expected true or false',
    'layer_weights_key': "p.yaml:6: weights[0].c: unknown field 'c' in a layer's weights; allowed: W, b, frozen",
    'layer_weights_mapping': "p.yaml:6: weights[0]: expected a layer's weights: {W: [[...]], b: [...]} (a mapping), got 3",
    'rubric_mapping': 'p.yaml:15: grading: expected a mapping with items, tolerance and credit',
    'rubric_key': "p.yaml:15: grading.points: unknown field 'points'; allowed: items, tolerance, credit",
    'rubric_items': 'p.yaml:15: grading.items: expected a list of quantity ids or a mapping id: points',
    'rubric_tolerance': 'p.yaml:15: grading.tolerance: expected {relative: …, absolute: …}',
    'rubric_credit': 'p.yaml:15: grading.credit: expected a mapping of kinds to fractions of a point',
    'rubric_kind': "p.yaml:15: grading.credit.luck: unknown kind 'luck'; allowed: follow_through, rounding, imprecise, "
        'slip, other_convention',
    'rubric_range': 'p.yaml:15: grading.credit.rounding: 2 is out of range; allowed from 0 to 1',
    'rubric_below': 'p.yaml:15: grading.tolerance.absolute: -1 is out of range; allowed at least 0',
    'rubric_number': "p.yaml:15: grading.items.act_3: expected a number, got 'many'",
    'rubric_finite': "p.yaml:15: grading.items.act_3: '.nan' is not a finite number; write numbers as decimals, like 31, "
        '-0.5 or 0.9820',
    'empty': 'p.yaml: the file is empty; a problem needs network, weights, sample and loss',
    'not_a_mapping': 'p.yaml:1: expected a problem (a mapping), got [1, 2]',
    'key_twice': 'p.yaml:15: learning_rate: this key is given twice; give each field once',
    'alias_cycle': 'p.yaml:1: a[0]: an alias refers to a list or mapping that contains it; YAML aliases may only repeat '
        'a value defined before',
    'key_not_scalar': 'p.yaml:1: a key must be text or a number, not a list or mapping',
    'too_deep': 'p.yaml:1: lists and mappings nested more than 100 levels deep; not read',
    'control_character': 'p.yaml:1: not YAML text: a control character (#x0007) where only printable characters may stand '
        '(binary data?)',
    'budget_network': 'p.yaml:67: network.layers: network too large: (3,721 weights + 61 units) × 1 sample = 3,782; at '
        'most 700 (weights + units) × samples (see docs/problem-format.md#size-limits)',
    'budget_samples': 'p.yaml:26: samples: network too large: (81 weights + 9 units) × 1,000 samples = 90,000; at most 700 '
        '(weights + units) × samples (see docs/problem-format.md#size-limits)',
    'budget_parts': 'p.yaml:32: parts: 40 parts cost 6,320 together (the largest, p0: (139 weights + 19 units) × 1 '
        'sample = 158); at most 700 (weights + units) × samples over all parts (see '
        'docs/problem-format.md#size-limits)',
    'target': 'p.yaml:12: sample.t.5: target of unit 5 is 2; binary_cross_entropy needs targets in [0, 1]',
    'no_bias': 'p.yaml:5: weights[0].b: the network has no bias unit; set network.bias to give bias weights',
    'budget_exact': 'p.yaml:55: weights: exact values would grow to about 11,618 digits (twice the digits of the numbers '
        'over their common denominator); at most 10,000: write the numbers as decimals with fewer places, or '
        'use fewer distinct fractions (see docs/problem-format.md#size-limits)',
    'budget_in_part': 'p.yaml:67: network.layers: part a: network too large: (3,721 weights + 61 units) × 1 sample = '
        '3,782; at most 700 (weights + units) × samples (see docs/problem-format.md#size-limits)',
    # issue 12 (written with these messages)
    'loss_outputs': 'p.yaml:8: loss: loss none is the value of the single output unit (none = u), but the network has 3 output units (3, 4, 5); give the network 1 output unit, or choose a loss of the outputs and targets (half_squared_error, cross_entropy, ...)',
    'loss_no_targets': "p.yaml:12: sample.t: loss none uses no targets (J is the output's value): remove t from the sample",
    'bias_input': 'p.yaml:4: network.bias_input: bias_input is 2; allowed: 1 (net = Σ w·x + b, the default) or -1 (net = Σ w·x − θ, the bias weight a threshold θ)',
    'bias_input_no_bias': 'p.yaml:3: network.bias_input: bias_input needs a bias unit: add network.bias, or remove bias_input',
    'shared_mapping': 'p.yaml:15: shared: expected the shared parameters as name: [weight ids], e.g. {b1: [w_0_3, w_0_4]} (a mapping), got [\'w_0_3\', \'w_0_4\']',
    'shared_name': "p.yaml:15: shared.b_1: 'b_1' is not a name for a shared parameter: letters then digits (b1, a2), at most 8, and not a weight's own name",
    'shared_edges': 'p.yaml:15: shared.b1: shared parameter b1 needs a list of two or more weight ids, e.g. [w_0_3, w_0_4]',
    'shared_not_weight': "p.yaml:15: shared.b1[1]: 'w_1_5' is not a weight of the network; write a weight id w_<from>_<to>, e.g. w_0_3",
    'shared_twice': 'p.yaml:15: shared.a2[0]: w_4_5 is in a shared parameter already: an edge can be tied to one parameter only',
    'shared_values': 'p.yaml:15: shared.b1[1]: the edges of shared parameter b1 need the same given value and frozen setting: w_0_3 is 1 but w_0_4 is -6',
    # session 12 (edges): new messages, no English before them
    'unit_id_as_printed': "p.yaml:2: network.inputs[0]: 'θ1' is not a unit id: an id is ASCII letters and digits "
        "starting with a letter (no _, no Greek character); write theta1, which prints θ_1 (see "
        "docs/problem-format.md, `network`)",
    'unit_id_plain': "p.yaml:2: network.inputs[0]: 'x_1' is not a unit id: an id is ASCII letters and digits starting "
        "with a letter, or a whole number (no _); write x1, or the number 1 (an input numbered 1 prints as x_1); see "
        "docs/problem-format.md, `network`",
    'unit_id_letters': "p.yaml:2: network.inputs[0]: 'é' is not a unit id: an id is a whole number (3) or ASCII "
        "letters and digits starting with a letter, at most 16 characters (h1; theta1 prints θ_1); see "
        "docs/problem-format.md, `network`",
    'threshold_weights': 'p.yaml:7: weights[0].b: expected 2 thresholds θ (the weights from the bias input of −1, '
        'one per unit 3, 4)',
    'missing_threshold': 'p.yaml:7: weights: missing the threshold θ of unit 5 (the weight from the bias unit 0, '
        'whose input is −1)',
    'formula_target': "p.yaml:12: sample.t.5: target of unit 5 is 2; the loss formula 'u - t' needs targets in [0, 1]",
    # session 12 (names), written with these messages
    'loss_symbol_name': "p.yaml:15: notation.loss_symbol: 'E_to-tal' is not a loss symbol; use 1 to 8 letters, like J "
        'or E, with at most one subscript of 1 to 8 letters or digits, like E_total',
    'unit_names_choice': "p.yaml:15: notation.unit_names: unit_names is 'maybe'; use true (each unit's output written "
        'by its own name: h1 as h_1) or false',
    'unit_names_taken': 'p.yaml:14: notation.unit_names: with unit_names, unit e1 would be written e_1, which an answer '
        'reads as something else (e, g, d, net); rename the unit, or leave unit_names out',
    'unit_names_clash': 'p.yaml:14: notation.unit_names: with unit_names, units 1 and h1 would both be written h_1; '
        'rename one of them, or leave unit_names out',
    # session 12 (msgs)
    'unit_names_weight_clash': 'p.yaml:14: notation.unit_names: with unit_names, unit h1 would be written h_1, as '
        'weight w_i1_h1 named h1 is; rename the unit or the weight, or leave unit_names out',
    'unit_names_shared_clash': 'p.yaml:14: notation.unit_names: with unit_names, unit h1 would be written h_1, as '
        'the shared parameter h1 is; rename one of them, or leave unit_names out',
    # session 13 (h4)
    'reversed_connection': 'p.yaml:12: weights.5.3: 5 -> 3 is not a connection of this network; weights go from each '
        'unit (and the bias) to every unit of the next layer (did you mean the weight from unit 3 to unit 5, '
        'written 3: {5: …}?)',
    # session 13 (O2), written with these messages
    'optimizer_shape': 'p.yaml:15: optimizer: optimizer must be a name (sgd, momentum, nesterov, adagrad, rmsprop, '
        'adadelta, adam, adamw) or a mapping such as {name: adam, lr: 0.001}, not 3',
    'optimizer_no_name': 'p.yaml:15: optimizer: the optimizer mapping needs a name; choose from sgd, momentum, '
        'nesterov, adagrad, rmsprop, adadelta, adam, adamw',
    'optimizer_no_lr': 'p.yaml:14: learning_rate: adadelta (lecture form) has no learning rate; remove learning_rate '
        'or use form: pytorch',
    'optimizer_lr_twice': 'p.yaml:15: optimizer.lr: optimizer.lr = 0.5 and learning_rate = 1 differ; give the '
        'learning rate once',
    'steps': 'p.yaml:15: steps: steps must be a whole number from 1 to 1000, not 0',
    'update': "p.yaml:15: update: unknown update 'online'; allowed: per_batch, per_sample (online learning, one update "
        "after each sample, is per_sample)",         # the hint: session 14, U3 (trial t18)
}


def _error(text: str) -> SymbackpropError:
    with pytest.raises(SymbackpropError) as info:
        parse_problem(text, "p.yaml")
    return info.value


_CORPUS_ERRORS: dict[str, SymbackpropError] = {}


def _corpus_error(cid: str, text: str) -> SymbackpropError:
    """The error of corpus case `cid`, read once per test session: the per-case test and the test that
    the corpus reaches every message share it (the error is only read, never changed)."""
    if cid not in _CORPUS_ERRORS:
        _CORPUS_ERRORS[cid] = _error(text)
    return _CORPUS_ERRORS[cid]


def english_words(text: str) -> list[str]:
    """English phrases (two words in a row) left in a line, leaving out what it quotes ('…', "…", `…`):
    the values and examples a user writes, which stay as written."""
    text = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"", " ", text)
    return re.findall(r"[A-Za-z]{2,}[ ']+[A-Za-z]{2,}", text)


def _keys(said: object) -> set[str]:
    """Every catalogue id a message is made of (itself and the messages in its fields)."""
    if not isinstance(said, Said) or not said.key:
        return set()
    return {said.key}.union(*(_keys(v) for v in said.fields.values()))


# -- problem files ---------------------------------------------------------------------------------
# cases that read a thousand samples: the slow tier (CI) runs them; the fast tier keeps the rest of the corpus
_SLOW_CASES = {"budget_samples", "too_many_samples"}


@pytest.mark.parametrize("cid, text", [pytest.param(c, t, id=c, marks=[pytest.mark.slow] if c in _SLOW_CASES else [])
                                       for c, t in CORPUS])
def test_each_problem_file_error_is_english_as_before_and_chinese_under_zh(cid, text):
    err = _corpus_error(cid, text)
    line = text_of(err)
    assert str(line) == expected_en(cid)                      # the English, byte for byte
    assert isinstance(line, Said) and line.key, f"{cid}: said in code, not from the catalogue: {line}"
    zh = say(line, "zh")
    assert "\n" not in zh and re.search(r"[\u4e00-\u9fff]", zh), zh
    where = expected_en(cid).split(": ")[0]                   # p.yaml:LINE stays as it is, first
    assert zh.startswith(where), zh
    assert english_words(zh[len(where):]) == [], zh


def test_the_corpus_reaches_every_problem_file_message():
    """Each message of a problem file, its numbers, texts, grading section and size limits is said by
    some case above (so each of them is checked in both languages)."""
    reached = set().union(*(_keys(text_of(_corpus_error(cid, text))) for cid, text in CORPUS))
    prefixes = ("problem.", "field.", "text.", "number.", "rubric.", "budget.", "what.", "loss.")
    wanted = {k for k in catalogue("en") if k.startswith(prefixes)}
    # reached only from elsewhere: a part asked for by --part, a rubric item checked against the solution and
    # the check budget (solve --check); or from no file: a loss with one bound only, a ReLU parameter, an
    # infinite float (the YAML loader keeps .inf as its text); or the twin of a message reached (output/input)
    elsewhere = {"problem.no_part", "rubric.unknown_item", "rubric.unknown_item_id", "budget.check", "loss.targets_at_least",
                 "loss.targets_at_most", "problem.unknown_parameter_relu", "field.expected_finite",
                 "problem.in_part",
                 "number.not_finite", "problem.output_count", "problem.no_input_values", "what.output_values",
                 # a formula not finite at a net is found by solve (tests/test_formula_act.py); a formula loss's
                 # kink note is said by solve --check and list (tests/test_formula9.py)
                 "problem.activation_not_finite", "loss.formula_kink_note",
                 # the singular twins of the count messages (session 13, F5): each said in en and zh by
                 # tests/test_f513.py
                 "problem.input_count_one", "problem.output_count_one", "problem.matrix_row_one",
                 "problem.matrix_rows_one_row", "problem.matrix_rows_one_value", "problem.matrix_rows_one_each",
                 "problem.bias_weights_one", "problem.threshold_weights_one",
                 # `init:` (session 15, I): each said in en and zh by tests/test_i15.py
                 "what.init", "problem.init_and_weights", "problem.init_no_kind", "problem.init_kind",
                 "problem.init_v_missing", "problem.init_v_positive", "problem.init_v_computed", "problem.init_seed",
                 "problem.init_bias", "problem.init_places", "problem.init_all_zero"}
    assert sorted(wanted - reached - elsewhere) == []


# the loss at the outputs has no value: found by `solve`, not by reading the file (the English of 71bf82b)
DOMAIN_ONE = BASE.replace("activation: sigmoid", "activation: relu\n  output_activation: relu").replace(
    "0: {3: 1, 4: -6, 5: -4}", "0: {3: 1, 4: -6, 5: -40}")
# (two outputs: cross-entropy refuses one; u_6 = relu(net_6) > 0 with t_6 = 0)
DOMAIN = BASE.replace("loss: half_squared_error", "loss: cross_entropy").replace(
    "activation: sigmoid", "activation: relu\n  output_activation: relu").replace("0: {3: 1, 4: -6, 5: -4}",
                                                                                  "0: {3: 1, 4: -6, 5: -40, 6: 1}").replace(
    "layers: [[3, 4], [5]]", "layers: [[3, 4], [5, 6]]").replace("3: {5: 2}", "3: {5: 2, 6: 1}").replace(
    "4: {5: 4}", "4: {5: 4, 6: 1}").replace("t: {5: 1}", "t: {5: 1, 6: 0}")
DOMAIN_ERRORS = [
    # session 10: said in words (u_5 = relu(-40 + 2·4 + 4·0) = 0), at the loss's line
    (DOMAIN, "p.yaml:14: loss: part main: loss is infinite: ln of 0 (u_5 = 0); loss cross_entropy needs outputs in "
             "its domain (u > 0) (output activation relu)"),
    # u_5 = -40 + 2·4 + 4·0 = -32 (identity): ln(u_5) of a negative number, not SymPy's complex number
    (DOMAIN_ONE.replace("loss: half_squared_error", "loss: binary_cross_entropy").replace(
        "output_activation: relu", "output_activation: identity"),
     "p.yaml:14: loss: part main: loss is not a real number: ln of a negative number (u_5 = -32); loss "
     "binary_cross_entropy needs outputs in its domain (u > 0, u < 1) (output activation identity)"),
]


@pytest.mark.parametrize("text, english", DOMAIN_ERRORS)
def test_a_loss_outside_its_domain_is_english_as_before_and_chinese_under_zh(text, english):
    from symbackprop.solution import solve
    with pytest.raises(SymbackpropError) as info:
        solve(parse_problem(text, "p.yaml"))
    line = text_of(info.value)
    assert str(line) == english
    zh = say(line, "zh")
    assert zh.startswith("p.yaml:14: loss：部分 main：loss ") and english_words(zh[len("p.yaml:14: loss"):]) == [], zh
    assert ("为无穷大：ln 0（u_5 = 0）" in zh) != ("不是实数：对负数取 ln（u_5 = -32）" in zh), zh


# -- other files: rubric, answers and class folder ---------------------------------------------------
def _check_error(*args: str) -> tuple[str, str]:
    """The one error line of `check` (or `grade`) in English and in Chinese (exit 2 both)."""
    en = CliRunner().invoke(main, list(args))
    zh = CliRunner().invoke(main, [*args, "--lang", "zh"])
    assert en.exit_code == zh.exit_code == 2, (en.output, zh.output)
    assert len(en.output.strip().splitlines()) == len(zh.output.strip().splitlines()) == 1
    return en.output.strip(), zh.output.strip()


def test_a_bad_rubric_file_is_said_in_chinese(tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("relu:\n  u_3: 4\n", encoding="utf-8")
    rubric = tmp_path / "r.yaml"
    rubric.write_text("grading:\n  credit: {luck: 1}\n", encoding="utf-8")
    en, zh = _check_error("check", str(XOR), str(answers), "--rubric", str(rubric))
    # (session 13, F3: a rubric file's mistake names its line, as a problem file's does)
    assert en == f"Error: {rubric}:2: grading.credit.luck: unknown kind 'luck'; allowed: follow_through, rounding, " \
                 "imprecise, slip, other_convention"
    assert zh.startswith(f"错误：{rubric}:2: grading.credit.luck：未知类别 'luck'") and english_words(zh) == [], zh


@pytest.mark.slow       # (solves xor.yaml twice to know its quantities)
def test_a_rubric_item_no_quantity_is_said_in_chinese(tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("relu:\n  u_3: 4\n", encoding="utf-8")
    rubric = tmp_path / "r.yaml"
    rubric.write_text("grading:\n  items: [u_99]\n", encoding="utf-8")
    en, zh = _check_error("check", str(XOR), str(answers), "--rubric", str(rubric))
    # (session 13, F3: the rubric file and the item's line are named, and the examples are this problem's ids)
    assert en == f"Error: {rubric}:2: grading.items[0]: 'u_99' is not a quantity of this problem; items are quantity " \
                 "ids such as act_3, loss, delta_3, update_w_0_3 (the ids of `symbackprop solve --format json`)"
    assert zh.startswith(f"错误：{rubric}:2: grading.items[0]：'u_99' 不是此题的量") and english_words(zh) == [], zh


def test_a_folder_given_as_a_file_is_said_in_chinese(tmp_path):
    en, zh = _check_error("solve", str(tmp_path))
    assert en == f"Error: {tmp_path}: is a folder, not a file; give the path of a problem file"
    assert zh == f"错误：{tmp_path}：是文件夹，不是文件；请给出题目文件的路径"


@pytest.mark.slow
def test_a_too_big_file_is_said_in_chinese(tmp_path):
    """(Writes and reads a 6 MiB file: slow tier.)"""
    answers = tmp_path / "a.md"
    answers.write_text("x" * (6 * 1024 * 1024), encoding="utf-8")
    en, zh = _check_error("check", str(XOR), str(answers))
    assert en.startswith(f"Error: {answers}: file is larger than ") and en.endswith(" bytes, the most a write-up may have")
    assert zh.startswith(f"错误：{answers}：文件超过 ") and zh.endswith("字节，这是解答文稿允许的最大大小"), zh


def test_a_class_folder_without_submissions_is_said_in_chinese(tmp_path):
    klass = tmp_path / "class"
    klass.mkdir()
    (klass / "photo.jpg").write_bytes(b"\xff\xd8")
    (klass / ".hidden.yaml").write_text("relu: {}", encoding="utf-8")
    en, zh = _check_error("grade", str(XOR), str(klass), "-o", str(tmp_path / "book.csv"))
    assert en.startswith(f"Error: {klass}: no submissions (files ending in .yaml, ") and "; not graded: " in en, en
    assert zh.startswith(f"错误：{klass}：没有提交（以 .yaml, ") and "未评分：" in zh, zh
    assert english_words(zh[len(f"错误：{klass}"):]) == [], zh
    en, zh = _check_error("grade", str(XOR), str(tmp_path / "nowhere"), "-o", str(tmp_path / "book.csv"))
    # issue 12: a folder that does not exist is said so (it was "not a folder of submissions")
    assert en == (f"Error: {tmp_path / 'nowhere'}: no such folder; SUBMISSIONS_DIR is the folder that holds the "
                  "students' answers files or write-ups")
    assert zh == f"错误：{tmp_path / 'nowhere'}：没有这个文件夹；SUBMISSIONS_DIR 是存放学生答案文件或解答的文件夹"


# -- Click's usage errors ------------------------------------------------------------------------------
def _vanilla() -> click.Group:
    """The same commands and parameters as a plain Click group: what Click itself prints for a mistake."""
    group = click.Group(main.name, context_settings=main.context_settings)
    for name, cmd in main.commands.items():
        group.add_command(click.Command(name, params=cmd.params, callback=lambda **kw: None,
                                        context_settings=cmd.context_settings), name)
    return group


# each kind of usage error Click raises: (command line, what the Chinese error line must hold)
USAGE = [
    (["solve", "--bogus", "x.yaml"], "没有选项 '--bogus'"),
    (["solve", "--formt", "json", "x.yaml"], "没有选项 '--formt'"),            # with its possibilities
    (["solve", "--pecision", "3", "x.yaml"], "你是指 --precision 吗"),
    (["solve"], "缺少参数 'PROBLEM_FILE'"),
    (["check", "x.yaml"], "缺少参数 'ANSWERS'"),
    (["solve", "x.yaml", "--format", "xml"], "'--format' 的值无效：'xml' 不是可选值之一"),
    (["check", "x.yaml", "a.yaml", "--format", "pdf"], "'--format' 的值无效：'pdf' 不是可选值之一"),
    (["solve", "x.yaml", "--precision", "99"], "'--precision' 的值无效：99 不在范围"),
    (["solve", "x.yaml", "--precision", "three"], "'--precision' 的值无效：'three' 不是有效的整数"),
    (["check", "x.yaml", "a.yaml", "--relative", "lots"], "'--relative' 的值无效：'lots' 不是有效的数"),
    (["grade", "x.yaml", "d", "--jobs", "0"], "'--jobs' 的值无效：0 不在范围"),
    (["derive", "--delta", "up"], "'--delta' 的值无效：'up' 不是可选值之一"),
    (["solve", "a.yaml", "b.yaml"], "多余的参数（b.yaml）"),
    (["check", "a.yaml", "b.yaml", "c", "d"], "多余的参数（c d）"),
    (["solv", "x.yaml"], "没有命令 'solv'。你是指 solve 吗"),
    (["solve", "x.yaml", "--check=yes"], "选项 '--check' 不接受值"),
    (["solve", "x.yaml", "--output"], "选项 '--output' 需要一个值"),
]


@pytest.mark.parametrize("argv, words", USAGE, ids=[" ".join(a) for a, _ in USAGE])
def test_every_kind_of_usage_error_is_english_as_click_says_it(argv, words):
    ours = CliRunner().invoke(main, argv, env={"SYMBACKPROP_LANG": None}, prog_name="symbackprop")
    click_own = CliRunner().invoke(_vanilla(), argv, env={"SYMBACKPROP_LANG": None}, prog_name="symbackprop")
    assert ours.exit_code == click_own.exit_code == 2
    assert ours.output == click_own.output and "Error: " in ours.output


@pytest.mark.parametrize("where", ["end", "start", "env"])
@pytest.mark.parametrize("argv, words", USAGE, ids=[" ".join(a) for a, _ in USAGE])
def test_every_kind_of_usage_error_is_chinese_under_zh(argv, words, where):
    """--lang zh anywhere on the command line (even after the mistake, which stops Click before it
    reads --lang), or SYMBACKPROP_LANG=zh: Click's usage line, help hint and error line, in Chinese."""
    env = {"SYMBACKPROP_LANG": "zh" if where == "env" else None}
    if where == "end" and argv[-1] == "--output":        # there --lang would be the value --output lacks
        where = "start"
    line = argv + ["--lang", "zh"] if where == "end" else \
        argv[:1] + ["--lang=zh"] + argv[1:] if where == "start" and argv[0] in main.commands else argv + ["--lang=zh"]
    if where == "env":
        line = argv
    english = CliRunner().invoke(_vanilla(), argv, env={"SYMBACKPROP_LANG": None})
    result = CliRunner().invoke(main, line, env=env, prog_name="symbackprop")
    assert result.exit_code == 2
    lines = result.output.rstrip("\n").split("\n")
    assert len(lines) == len(english.output.rstrip("\n").split("\n"))        # Click's shape: usage, hint, blank, error
    assert words in lines[-1] and lines[-1].startswith("错误："), lines
    assert english_words(lines[-1]) == [], lines[-1]
    if len(lines) > 1:
        command = "symbackprop" + ("" if argv[0] not in main.commands else f" {argv[0]}")
        assert lines[0].startswith(f"用法：{command} ") and lines[1] == f"运行 '{command} --help' 查看帮助。", lines


def test_lang_en_on_the_command_line_wins_over_the_environment():
    argv = ["solve", "x.yaml", "--format", "xml", "--lang", "en"]
    ours = CliRunner().invoke(main, argv, env={"SYMBACKPROP_LANG": "zh"}, prog_name="symbackprop")
    click_own = CliRunner().invoke(_vanilla(), argv, env={"SYMBACKPROP_LANG": None}, prog_name="symbackprop")
    assert ours.exit_code == 2 and ours.output == click_own.output


def test_symbackprop_lang_is_the_default_of_every_lang_option(tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("relu:\n  u_3: 4\n", encoding="utf-8")
    env_zh = CliRunner().invoke(main, ["check", str(XOR), str(answers), "--part", "relu"], env={"SYMBACKPROP_LANG": "zh"})
    flag_zh = CliRunner().invoke(main, ["check", str(XOR), str(answers), "--part", "relu", "--lang", "zh"],
                                 env={"SYMBACKPROP_LANG": None})
    assert env_zh.exit_code == flag_zh.exit_code and env_zh.output == flag_zh.output
    assert re.search(r"[\u4e00-\u9fff]", env_zh.output)
    bad = CliRunner().invoke(main, ["solve", str(XOR)], env={"SYMBACKPROP_LANG": "fr"})
    assert bad.exit_code == 2 and "'--lang'" in bad.output and "'fr'" in bad.output and "Traceback" not in bad.output


def test_the_language_of_a_command_line_is_a_parameter():
    env: dict[str, str] = {}
    assert usage_language(["solve", "--bogus", "--lang", "zh"], env) == "zh"
    assert usage_language(["solve", "--lang=zh", "--lang", "en"], env) == "en"           # the last one, as Click
    assert usage_language(["solve", "--lang", "fr"], env) == "en"                        # no such catalogue
    assert usage_language(["solve", "--", "--lang", "zh"], env) == "en"                  # an argument, not an option
    assert usage_language(["solve"], {"SYMBACKPROP_LANG": "zh"}) == "zh"
    assert usage_language(["solve", "--lang", "en"], {"SYMBACKPROP_LANG": "zh"}) == "en"
    assert usage_language(["solve"], {"SYMBACKPROP_LANG": "klingon"}) == "en"
    assert set(messages.languages()) >= {"en", "zh"}


def test_the_installed_command_says_a_usage_error_in_chinese():
    """Through the console script's own entry (cli.run), in a fresh process."""
    env = {k: v for k, v in os.environ.items() if k != "SYMBACKPROP_LANG"}
    proc = subprocess.run([sys.executable, "-c", "from symbackprop.cli import run; run()", "solve", "--bogus", "x.yaml",
                           "--lang", "zh"], capture_output=True, text=True, encoding="utf-8", timeout=120, env=env)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines()[-1] == "错误：没有选项 '--bogus'。", proc.stderr
    assert "Traceback" not in proc.stderr


# -- the command's own refusals (cli.py, outpaths.py) ------------------------------------------------
# (command line, its error line at 71bf82b); {xor}, {quad}, {tmp} are filled in, "/" is the OS's separator
CLI_ERRORS = [
    ('solve {xor} -o {tmp}/out.xyz',
     "Error: {tmp}/out.xyz: cannot tell the format from the suffix '.xyz'; use --format (text, json, latex, "
     'markdown, pdf, html) or one of .txt, .json, .tex, .md, .pdf, .html'),
    ('check {xor} {tmp}/a.yaml -o {tmp}/r.pdf',
     "Error: {tmp}/r.pdf: cannot tell the report format from the suffix '.pdf'; use --format (text, json, "
     'markdown, html, gradescope) or one of .txt, .json, .md, .html'),
    ('check {xor} {tmp}/a.yaml -o {tmp}/a.yaml --format json',
     'Error: -o {tmp}/a.yaml: is the input ANSWERS {tmp}/a.yaml; write the output elsewhere'),
    ('solve {xor} -o {tmp}/nowhere/a.txt',
     'Error: -o {tmp}/nowhere/a.txt: cannot write: the folder {tmp}/nowhere does not exist'),
    ('solve {xor} --format pdf',
     'Error: PDF output needs a file: add -o FILE.pdf'),
    ('derive --layers 9',
     "Error: --layers '9': give the unit counts from inputs to outputs, e.g. 2,2,1 (2 to 6 layers of 1 to 8 units)"),
    ('derive --activation softmax',
     "Error: --activation 'softmax': not a hidden activation; choose from identity, sigmoid, tanh, relu, "
     'leaky_relu, elu, swish, gelu, softplus'),
    ('derive --loss foo',
     "Error: --loss 'foo': unknown; choose from half_squared_error, squared_error, mse, l1, cross_entropy, "
     'binary_cross_entropy, none'),
    ('derive --output-activation foo',
     "Error: --output-activation 'foo': unknown; choose from identity, sigmoid, tanh, relu, leaky_relu, elu, "
     'swish, gelu, softplus, softmax'),
    ('derive --part a',
     'Error: --part needs a problem file'),
    ('derive {xor} --loss l1',
     'Error: --loss: only without a problem file (the file sets the network); drop the option or the file'),
    ('derive {quad} --part a',
     'Error: {quad}: --part: the matrix example (model: quadratic) has no parts'),
    # New since 71bf82b (issue 12): a graph file has one part, main (session 9: --part main is accepted).
    ("solve {graph} --part a", "Error: {graph}: --part: no part named 'a'; parts are main"),
    ("derive {graph} --part a", "Error: {graph}: --part: no part named 'a'; parts are main"),
    ('grade {tmp}/class/alice.yaml {tmp}/class -o {tmp}/book.csv',
     'Error: PROBLEM_FILE {tmp}/class/alice.yaml: inside SUBMISSIONS_DIR {tmp}/class, where it would be '
     "graded as a student's submission; keep it outside"),
    ('grade {xor} {tmp}/class -o {tmp}/class/book.csv',
     'Error: -o {tmp}/class/book.csv: inside the input SUBMISSIONS_DIR {tmp}/class, whose files are all read '
     'as input; write the output elsewhere'),
    ('grade {xor} {tmp}/class -o {tmp}/book.csv --summary {tmp}/book.csv',
     'Error: --summary {tmp}/book.csv: the same file as -o {tmp}/book.csv; give each output its own file'),
]


@pytest.mark.parametrize("argv, english", CLI_ERRORS, ids=[a for a, _ in CLI_ERRORS])
def test_the_commands_own_refusals_are_english_as_before_and_chinese_under_zh(tmp_path, argv, english):
    (tmp_path / "a.yaml").write_text("relu:\n  u_3: 4\n", encoding="utf-8")
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "alice.yaml").write_text("relu:\n  u_3: 4\n", encoding="utf-8")
    names = {"xor": str(XOR), "quad": str(QUADRATIC_MODEL), "graph": str(PROBLEMS / "quadratic.yaml"),
             "tmp": str(tmp_path)}
    args = argv.replace("/", os.sep).format(**names).split(" ")
    en = CliRunner().invoke(main, args, env={"SYMBACKPROP_LANG": None})
    zh = CliRunner().invoke(main, [*args, "--lang", "zh"], env={"SYMBACKPROP_LANG": None})
    assert en.exit_code == zh.exit_code == 2
    assert en.output.strip() == with_tables(english.replace("/", os.sep).format(**names))
    line = zh.output.strip()
    assert len(line.splitlines()) == 1 and line.startswith("错误：") and re.search(r"[\u4e00-\u9fff]", line[3:])
    for path in sorted(names.values(), key=len, reverse=True):        # the paths stay as they are
        line = line.replace(path, " ")
    assert english_words(line) == [], line
    assert not (tmp_path / "book.csv").exists()
