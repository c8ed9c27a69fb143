"""Problem files the tests build: a generated fully connected network and its YAML file, shared by the
test files that need them (tests/test_budget.py, tests/test_zh_errors.py) instead of a copy in each."""
from __future__ import annotations

import yaml


def network(sizes, activation="tanh", output_activation="sigmoid", loss="half_squared_error", samples=1,
            number="1/4", parts=None) -> dict:
    """A fully connected network with a bias, every weight and input `number`."""
    ids, start = [], 1
    for s in sizes:
        ids.append(list(range(start, start + s)))
        start += s
    weights = [{"W": [[number] * a for _ in range(b)], "b": [number] * b} for a, b in zip(sizes, sizes[1:])]
    n_out = sizes[-1]
    data = [{"x": [number] * sizes[0], "t": [1] + [0] * (n_out - 1)} for _ in range(samples)]
    net = {"inputs": ids[0], "bias": 0, "layers": ids[1:], "activation": activation}
    if output_activation:
        net["output_activation"] = output_activation
    doc = {"title": "generated", "network": net, "weights": weights, "loss": loss, "learning_rate": "1/2"}
    if samples == 1:
        doc["sample"] = data[0]
    else:
        doc["samples"] = data
    if parts:
        doc["parts"] = parts
    return doc


def write(tmp_path, doc, name="p.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False, default_flow_style=None))
    return str(path)


def distinct_fractions(doc: dict) -> dict:
    """`doc` (a `network(...)`) with every weight of its matrices a 30-digit fraction of its own
    denominator, 1/(10^29 + 2k + 1): exact values whose digits grow without bound through ReLU layers."""
    k = 0
    for layer in doc["weights"]:
        for row in layer["W"]:
            for c in range(len(row)):
                k += 1
                row[c] = f"1/{10 ** 29 + 2 * k + 1}"
    return doc


# one linear unit u = b + w·x (b = w_0_2, w = w_1_2), two samples, half squared error: the network of
# problems/two_step_per_sample.yaml, with no η and no optimizer (each test adds its own); the optimizer tests'
# small network (test_o213, test_s114, test_u114, test_u214), worked by hand there
LINEAR = """\
network: {inputs: [1], bias: 0, layers: [[2]], activation: identity}
weights: {0: {2: 0}, 1: {2: 1}}
samples:
  - {x: {1: 1}, t: {2: 2}}
  - {x: {1: 2}, t: {2: 0}}
loss: half_squared_error
"""

# a 2-2-1 net, tanh hidden units 3 and 4, a linear output 5, two samples, half squared error: user trial t18's
# p/adam_lec.yaml without its title and optimizer (test_u114, test_w214 add theirs); its weights, WEIGHTS_221, are
# also those of test_u214's ReLU/sigmoid variant
WEIGHTS_221 = """\
weights:
  0: {3: 0.1, 4: -0.2, 5: 0.3}
  1: {3: 0.4, 4: 0.5}
  2: {3: -0.6, 4: 0.7}
  3: {5: 0.8}
  4: {5: -0.9}
"""
TANH_221 = """\
network: {inputs: [1, 2], bias: 0, layers: [[3, 4], [5]], activation: tanh, output_activation: identity}
""" + WEIGHTS_221 + """\
samples:
  - {x: {1: 1, 2: 0.5}, t: {5: 1}}
  - {x: {1: -0.5, 2: 2}, t: {5: -1}}
loss: half_squared_error
"""

# one linear unit u = b + w·x (b = w_0_2, w = w_1_2) on one sample x = 2, target 0, J = ½u²; `{optimizer}` to fill
# (str.format: the braces doubled), three steps: the optimizer diagnoses' network (test_c214, test_c314)
UNIT_X2 = """\
network: {{inputs: [1], bias: 0, layers: [[2]], activation: identity}}
weights: {{0: {{2: 0}}, 1: {{2: 1}}}}
sample: {{x: {{1: 2}}, t: {{2: 0}}}}
loss: half_squared_error
optimizer: {optimizer}
steps: 3
"""


def unit_x2_grads(theta):
    """(∂J/∂b, ∂J/∂w) = (u, 2u) of UNIT_X2 at θ = (b, w), u = b + 2w: J = ½u² with x = 2 and target 0."""
    import numpy as np
    u = theta[0] + 2 * theta[1]
    return np.array([u, 2 * u])


def quadratic_graph(optimizer: str, steps: int, title: str = "Quadratic form", x="[1, 2, -1]",
                    A="[[1, 0, 2], [0, 1, -1], [1, 0.5, 0]]", b="[0.5, -1, 2]", c="1") -> str:
    """The lecture's matrix example y = xᵀAx + b·x + c, L = (y − t)², t = 1, as a `model: graph` file with
    `optimizer` (a YAML flow mapping) and `steps`: by default the lecture's numbers (problems/quadratic.yaml;
    test_a1515, test_w114); T21_X, T21_A, … give user trial t21's smaller one (test_g15, test_r15)."""
    return (f"title: {title}\nmodel: graph\ninputs:\n  x: {x}\n  A: {A}\n  b: {b}\n  c: {c}\n  t: 1\n"
            "parameters: [A, b, c]\n"
            "nodes: {M: transpose(x)*A, q: M*x, y: 'q + dot(b, x) + c', L: (y - t)^2}\noutput: L\n"
            f"optimizer: {optimizer}\nsteps: {steps}\n")


# user trial t21's graph (p/g_adagrad_lecture.yaml): x = (1, −0.5), a 2×2 A
T21 = {"x": "[1, -0.5]", "A": "[[0.5, -1], [0.25, 2]]", "b": "[0.3, -0.2]", "c": "0.1"}

# the lecture's 2-2-1 XOR network with small weights, sigmoid units, all four XOR samples, half squared error:
# the training tests' network (test_f15, test_x15); `tail` adds the file's last lines (η or an optimizer)
# all four XOR samples of the lecture's 2-2-1 network (inputs 1, 2; output 5)
XOR_SAMPLES = """\
samples:
  - {x: {1: 0, 2: 0}, t: {5: 0}}
  - {x: {1: 0, 2: 1}, t: {5: 1}}
  - {x: {1: 1, 2: 0}, t: {5: 1}}
  - {x: {1: 1, 2: 1}, t: {5: 0}}
"""
XOR_TRAIN = """\
network: {inputs: [1, 2], bias: 0, layers: [[3, 4], [5]], activation: sigmoid}
weights: {0: {3: 0.5, 4: -0.5, 5: 0.3}, 1: {3: 0.4, 4: 0.7}, 2: {3: -0.6, 4: 0.2}, 3: {5: 0.8}, 4: {5: -0.3}}
""" + XOR_SAMPLES + "loss: half_squared_error\n"
