"""Session 12, task W3 (user trial t12, items 7 and 10): did-you-mean for names and parts, parts with their
own network, and a matrix answer in an unclosed \\begin{bmatrix} string.

1. a Greek letter written without its backslash (`Delta w_{35}`, `theta_5^{new}`) is hinted as the quantity it
   spells (also the threshold θ_5 = w_{50} of a bias input −1), a weight in the other index order is hinted
   with the problem's index order, and a misspelt part name of an answers file (`sigmod:`, `Relu:`) is named
   with the part it may mean;
2. a part that brings its own `network` with new units is solved with the part's weights merged (by unit)
   with the top level's, its errors at the part's lines;
3. a graph matrix answer in an unclosed \\begin{bmatrix} string says the environment is not closed.
"""
from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from symbackprop.cli import main

SLOW = pytest.mark.slow
XOR = "problems/xor.yaml"
APPENDIX = "problems/xor_appendix.yaml"
THRESHOLD = "problems/threshold.yaml"
QUADRATIC = "problems/quadratic.yaml"

# Negnevitsky's XOR with thresholds named theta3..theta5 (the trial's p/negn.yaml)
NEGN = """title: Negnevitsky
network: {inputs: [1, 2], bias: 0, bias_input: -1, layers: [[3, 4], [5]], activation: sigmoid}
weights:
  0: {3: {value: 0.8, name: theta3}, 4: {value: -0.1, name: theta4}, 5: {value: 0.3, name: theta5}}
  1: {3: 0.5, 4: 0.9}
  2: {3: 0.4, 4: 1.0}
  3: {5: -1.2}
  4: {5: 1.1}
sample: {x: {1: 1, 2: 1}, t: {5: 0}}
loss: half_squared_error
learning_rate: 0.1
notation: {weight: from_to, delta: minus_dJ_dnet, activation_symbol: y, loss_symbol: E}
"""


def _run(*args):
    r = CliRunner().invoke(main, [*args])
    return r.exit_code, r.output


def _not_read(out: str) -> dict[str, str]:
    """The "Not read" lines of a check report by the key they name."""
    found = {}
    for line in out.splitlines():
        if line.startswith("Not read: "):
            _, key, rest = line[len("Not read: "):].split(": ", 2)
            found[key] = rest
    return found


# -- 1. did-you-mean -----------------------------------------------------------------------------------

@SLOW
def test_greek_letters_without_backslash_are_hinted(tmp_path):
    p = tmp_path / "negn.yaml"
    p.write_text(NEGN)
    a = tmp_path / "a.yaml"
    a.write_text('Delta w_{35}: -0.0067\ntheta_5^{new}: 0.3127\nDelta theta_5: 0.01\ndelta5: -0.127\n')
    code, out = _run("check", str(p), str(a))
    assert "Traceback" not in out, out
    got = _not_read(out)
    # before: "did you mean δ_5 or δ_3?" for Δw_35, and no hint at all for θ_5^new
    assert got["Delta w_{35}"].endswith("(did you mean Δw_{35}?)"), got
    assert got["theta_5^{new}"].endswith("(did you mean θ_5^new?)"), got
    assert got["Delta theta_5"].endswith("(did you mean Δθ_5?)"), got
    assert got["delta5"].endswith("(did you mean δ_5?)"), got


@SLOW
def test_threshold_written_theta_is_hinted_as_its_weight(tmp_path):
    """bias_input −1 without weight names: θ_5 is the weight w_{50} from the bias (problems/threshold.yaml
    says so in its comment), which the solution names w_{50}. `theta` without its backslash is hinted; `\\theta_5`
    is read as that weight's quantity (s12-theta: Δθ_5 is Δw_{50}, judged: 0.1 is 0.127 = 0.0127/η (η = 0.1 left out) to the one place written)."""
    a = tmp_path / "a.yaml"
    a.write_text('theta_5^{new}: 0.3\n"\\\\Delta \\\\theta_5": 0.1\n')
    code, out = _run("check", THRESHOLD, str(a))
    got = _not_read(out)
    assert got["theta_5^{new}"].endswith("(did you mean w_{50}^new?)"), got
    assert "\\Delta \\theta_5" not in got, got
    row = next(line for line in out.splitlines() if line.strip().startswith("Δw_{50}"))
    assert row.split()[1:4] == ["0.1", "0.0127", "WRONG"] and "η left out" in row, row


@SLOW
def test_other_index_order_is_hinted_with_the_order(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text('sigmoid:\n  "\\\\Delta w_{13}": 0.0045\n  "w_{35}^{new}": 2.1\n')
    code, out = _run("check", APPENDIX, str(a))
    got = _not_read(out)
    # the appendix writes w_{ji}: the weight from 1 into 3 is w_{31} (before: "did you mean Δw_{53} or Δw_{41}?")
    assert got["\\Delta w_{13}"] == ("not a quantity of this problem (did you mean Δw_{31}, since this problem "
                                     "writes the weight into j from i as w_{ji}?)"), got
    assert "w_{53}^new" in got["w_{35}^{new}"] and "into j from i" in got["w_{35}^{new}"], got
    code, out = _run("check", APPENDIX, str(a), "--lang", "zh")
    assert "Δw_{31}（本题把从 i 进入 j 的权重写作 w_{ji}）" in out, out


def test_other_index_order_in_class_notation(tmp_path):
    """In-class notation w_{ij} (from i into j): w_{31} names no weight of the 2-2-1 net, w_{13} does."""
    a = tmp_path / "a.yaml"
    a.write_text('"Delta w_{31}": 0.1\n"Delta w_{35}": 0.1\n')
    code, out = _run("check", XOR, str(a), "--part", "sigmoid")
    got = _not_read(out)
    assert got["Delta w_{35}"].endswith("(did you mean Δw_{35}?)"), got      # the backslash left out
    assert got["Delta w_{31}"].endswith("(did you mean Δw_{13}, since this problem writes the weight from i "
                                        "into j as w_{ij}?)"), got


def test_misspelt_part_names_are_each_hinted(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text("sigmod:\n  u_3: 0.98\nRelu:\n  u_3: 4\n")
    code, out = _run("check", XOR, str(a))
    assert code == 2 and "Traceback" not in out
    # both keys named, each with the part it may mean (before: only 'sigmod', with no hint)
    assert "'sigmod' (did you mean sigmoid?), 'Relu' (did you mean relu?): this problem has parts relu, sigmoid" \
        in out, out
    code, out = _run("check", XOR, str(a), "--part", "relu")
    got = _not_read(out)
    assert got["sigmod"].endswith("(did you mean the part sigmoid?)"), got
    assert got["Relu"].endswith("(did you mean the part relu?)"), got


def test_an_unknown_part_far_from_every_name_has_no_hint(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text("zzz:\n  u_3: 0.98\n")
    code, out = _run("check", XOR, str(a))
    assert code == 2 and "'zzz': this problem has parts relu, sigmoid" in out and "did you mean" not in out, out


def test_writeup_with_a_misspelt_part_heading(tmp_path):
    w = tmp_path / "w.md"
    w.write_text("## Sigmod activation\n\n$u_3 = 0.98$\n")
    code, out = _run("check", XOR, str(w))
    assert code == 2 and "no line names a part (relu, sigmoid)" in out
    assert "(did you mean sigmoid, for Sigmod on line 1?)" in out, out
    w.write_text("## Part one\n\n$u_3 = 0.98$\n")           # no word near a part name: no hint
    code, out = _run("check", XOR, str(w))
    assert code == 2 and "did you mean" not in out, out


# -- 2. a part's own network ---------------------------------------------------------------------------

TOP = """title: parts with their own network
network: {inputs: [1, 2], bias: 0, layers: [[3], [4]], activation: sigmoid}
weights: {0: {3: 0.1, 4: 0.2}, 1: {3: 0.3}, 2: {3: -0.4}, 3: {4: 0.5}}
sample: {x: {1: 1, 2: 2}, t: {4: 1}}
loss: half_squared_error
learning_rate: 0.5
parts:
  - {name: small}
"""


def _values(out: str) -> dict[str, dict[str, float]]:
    return {p["name"]: {k: v["value"] for k, v in p["quantities"].items()} for p in json.loads(out)["parts"]}


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def test_part_with_a_new_input(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(TOP + """  - name: b
    network: {inputs: [1, 2, 6], bias: 0, layers: [[3], [4]], activation: sigmoid}
    weights: {6: {3: 0.7}}
    sample: {x: {1: 1, 2: 2, 6: 1}, t: {4: 1}}
""")
    code, out = _run("solve", str(f), "--format", "json", "--part", "b")
    assert code == 0, out
    v = _values(out)
    # by hand: small: net_3 = 0.1 + 0.3·1 − 0.4·2 = −0.4; b adds 0.7·x_6 = 0.7: net_3 = 0.3
    assert v["b"]["net_3"] == pytest.approx(0.3)
    assert v["b"]["w_6_3"] == pytest.approx(0.7)
    # net_4 = 0.2 + 0.5·σ(0.3), the top level's weights into 4
    assert v["b"]["net_4"] == pytest.approx(0.2 + 0.5 * _sigmoid(0.3))


@pytest.mark.parametrize("weights", [
    pytest.param("""    weights:
      0: {3: 0.1, 5: -0.1, 4: 0.2}
      1: {3: 0.3, 5: 0.2}
      2: {3: -0.4, 5: 0.1}
      3: {4: 0.5}
      5: {4: -0.6}
""", marks=SLOW),
    pytest.param("""    weights:
      - {W: [[0.3, -0.4], [0.2, 0.1]], b: [0.1, -0.1]}
      - {W: [[0.5, -0.6]], b: [0.2]}
""", marks=SLOW),
    pytest.param("""    weights: {0: {5: -0.1}, 1: {5: 0.2}, 2: {5: 0.1}, 5: {4: -0.6}}
""", marks=SLOW),        # only the new unit's weights: the rest from the top level
])
def test_part_with_a_wider_hidden_layer(tmp_path, weights):
    f = tmp_path / "p.yaml"
    f.write_text(TOP + "  - name: wide\n    network: {inputs: [1, 2], bias: 0, layers: [[3, 5], [4]], "
                       "activation: tanh}\n" + weights)
    code, out = _run("solve", str(f), "--format", "json", "--part", "wide")
    assert code == 0, out
    v = _values(out)["wide"]
    # by hand: net_5 = −0.1 + 0.2·1 + 0.1·2 = 0.3, net_3 = −0.4, net_4 = 0.2 + 0.5·tanh(−0.4) − 0.6·tanh(0.3)
    assert v["net_5"] == pytest.approx(0.3)
    assert v["net_4"] == pytest.approx(0.2 + 0.5 * math.tanh(-0.4) - 0.6 * math.tanh(0.3))
    code, out = _run("solve", str(f), "--format", "json", "--part", "small")
    assert code == 0 and _values(out)["small"]["net_3"] == pytest.approx(-0.4), out


def test_part_network_errors_name_the_part_lines(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(TOP + """  - name: wide
    network: {inputs: [1, 2], bias: 0, layers: [[3, 5], [4]]}
    weights: {0: {5: 0.1}, 5: {4: 1}}
""")
    code, out = _run("solve", str(f))
    assert code == 2 and "Traceback" not in out
    # the part gives no weight from 1 to 5: said at the part's `weights` (line 11), not the top level's (line 3)
    assert f"{f}:11: parts[1].weights: missing the weight from unit 1 to unit 5" in out, out
    f.write_text(TOP + """  - name: wide
    network: {inputs: [1, 2], bias: 0, layers: [[3, 5], [4]]}
    weights: {0: {5: 0.1}, 1: {5: 0.2}, 2: {5: 0.1}, 5: {4: 1}, 7: {4: 1}}
""")
    code, out = _run("solve", str(f))
    assert code == 2 and f"{f}:11: parts[1].weights.7: unit 7 does not exist" in out, out


def test_part_network_without_weights_names_its_network(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(TOP + "  - name: wide\n    network: {inputs: [1, 2], bias: 0, layers: [[3, 5], [4]]}\n")
    code, out = _run("solve", str(f))
    assert code == 2 and f"{f}:10: parts[1].network: missing the weight from unit 0 to unit 5" in out, out


# -- 3. a matrix in an unclosed string -----------------------------------------------------------------

def test_graph_matrix_in_unclosed_bmatrix(tmp_path):
    a = tmp_path / "a.yaml"
    # ∂L/∂A = 2(y − t)·x xᵀ; by hand: xᵀA = [0, 1.5, 0], y = 3 − 3.5 + 1 = 0.5, 2(y − t) = −1, x = (1, 2, −1)
    rows = "-1 & -2 & 1 \\\\\\\\ -2 & -4 & 2 \\\\\\\\ 1 & 2 & -1"
    a.write_text(f'grad_A: "\\\\begin{{bmatrix}} {rows}"\n')
    code, out = _run("check", QUADRATIC, str(a))
    got = _not_read(out)
    assert got["∂L/∂A"] == "\\begin{bmatrix} is not closed: \\end{bmatrix} is missing", got
    a.write_text(f'grad_A: "\\\\begin{{bmatrix}} {rows} \\\\end{{bmatrix}}"\n')       # the same, closed: read
    code, out = _run("check", QUADRATIC, str(a))
    assert not _not_read(out) and "∂L/∂A_{22}" in out and "WRONG" not in out, out
