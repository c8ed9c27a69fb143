"""Session 12, trial t14 items 7 and 8: `derive` on a threshold network and on a batch.

7. With `network.bias_input: -1` (Negnevitsky's thresholds) the rules say that the bias unit outputs
   x_0 = y_0 = −1, and write the bias weight's update with −1 put in: Δw_{0j} = α·δ_j·x_0 = −α·δ_j.
8. In a batch the network section defines the loss of one sample, J^(n), not J (the header defines
   J = (1/N)·Σ_n J^(n)).
The expected numbers are worked by hand from Negnevitsky's worked XOR step (see `test_threshold_values`).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import sympy as sp
from click.testing import CliRunner

NEG = (Path(__file__).resolve().parent / "data" / "negnevitsky.yaml").read_text(encoding="utf-8")   # thresholds, α = 0.1

BATCH = (Path(__file__).resolve().parent / "data" / "tanh_bce_batch.yaml").read_text(encoding="utf-8")


def _file(tmp_path, text, name="p.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _derive(path, *args):
    from symbackprop.cli import main
    result = CliRunner().invoke(main, ["derive", str(path), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_threshold_note_and_bias_updates_in_text_and_zh(tmp_path):
    path = _file(tmp_path, NEG)
    out = _derive(path)
    assert "x_0 = −1 and y_0 = −1 (bias_input: -1)" in out and "thresholds θ" in out
    # the update rules with the bias unit's index 0, then its output −1 put in (by hand: α·δ·(−1) = −α·δ)
    assert "Δw_{0k} = α·δ_k·y_0 = -α·δ_k" in out
    assert "Δw_{0j} = α·δ_j·x_0 = -α·δ_j" in out
    zh = _derive(path, "--lang", "zh")
    assert "偏置单元输出 x_0 = −1 与 y_0 = −1（bias_input: -1）" in zh and "阈值 θ" in zh
    assert "Δw_{0j} = α·δ_j·x_0 = -α·δ_j" in zh


def test_threshold_in_markdown_tex_html_json(tmp_path):
    path = _file(tmp_path, NEG)
    for fmt, want in (("md", r"\Delta w_{0j} = \alpha \delta_{j} x_{0} = - \alpha \delta_{j}"),
                      ("tex", r"\Delta w_{0k} &= \alpha \delta_{k} y_{0} = - \alpha \delta_{k}"),
                      ("html", "bias_input: -1")):
        out = tmp_path / f"r.{fmt}"
        _derive(path, "-o", str(out))
        text = out.read_text(encoding="utf-8")
        assert want in text, fmt
        assert "bias_input: -1" in text.replace(r"bias\_input", "bias_input"), fmt
    out = tmp_path / "r.json"
    _derive(path, "-o", str(out))
    (data,) = json.loads(out.read_text(encoding="utf-8"))["derivations"]
    assert data["bias_input"] == -1
    assert data["bias_updates"]["update_hidden_weight_bias"]["text"] == "Δw_{0j} = α·δ_j·x_0 = -α·δ_j"


def test_no_note_with_a_bias_input_of_one(tmp_path):
    path = _file(tmp_path, NEG.replace("bias_input: -1, ", ""))
    out = _derive(path)
    assert "bias_input" not in out and "Δw_{0j}" not in out and "x_0" not in out
    out_json = tmp_path / "r.json"
    _derive(path, "-o", str(out_json))
    (data,) = json.loads(out_json.read_text(encoding="utf-8"))["derivations"]
    assert "bias_input" not in data and "bias_updates" not in data


def test_threshold_values(tmp_path):
    """The bias updates' rules evaluated with the file's δ agree with Negnevitsky's Δθ_5 = 0.0127 and
    Δθ_3 = −0.0038, worked here by hand in floats (forward pass, δ_5 = y_5(1 − y_5)(t − y_5),
    δ_3 = y_3(1 − y_3)·w_35·δ_5, Δθ = α·δ·(−1))."""
    from symbackprop.problem import load_problem
    from symbackprop.render.rules import bias_update_steps
    from symbackprop.rule_check import derive_for_part
    from symbackprop.symbolic_rules import delta_h, delta_o, eta
    path = _file(tmp_path, NEG)
    (part,) = load_problem(path).parts
    dv = derive_for_part(part, str(path))

    def sig(v):
        return 1 / (1 + math.exp(-v))
    y3, y4 = sig(1 * 0.5 + 1 * 0.4 - 0.8), sig(1 * 0.9 + 1 * 1.0 + 0.1)
    y5 = sig(-1.2 * y3 + 1.1 * y4 - 0.3)
    d5 = y5 * (1 - y5) * (0 - y5)
    d3 = y3 * (1 - y3) * (-1.2) * d5
    assert round(d5, 4) == -0.1274 and round(d3, 4) == 0.0381        # the book's values
    (out_step,) = bias_update_steps(dv, dv.rule("update_output_weight"))
    (hid_step,) = bias_update_steps(dv, dv.rule("update_hidden_weight"))
    k, j = sp.Symbol("k", integer=True), sp.Symbol("j", integer=True)
    d_theta5 = float(out_step.forms[-1].subs({eta: 0.1, delta_o[k]: d5}))
    d_theta3 = float(hid_step.forms[-1].subs({eta: 0.1, delta_h[j]: d3}))
    assert round(d_theta5, 4) == 0.0127 and round(d_theta3, 4) == -0.0038
    assert math.isclose(d_theta5, 0.1 * d5 * -1) and math.isclose(d_theta3, 0.1 * d3 * -1)


def test_batch_network_section_names_the_sample_loss(tmp_path):
    path = _file(tmp_path, BATCH)
    for args in ((), ("--lang", "zh")):
        out = _derive(path, *args)
        assert "J = (1/N)·Σ_n J^(n)" in out
        network = out.split("J = (1/N)", 1)[1]
        assert "  J^(n) = Σ_m[1..c] (-(1 - t_m^(n))·ln(1 - u_m^(n)) - t_m^(n)·ln(u_m^(n)))" in network
        assert "\n  J = Σ_m" not in out
    md = tmp_path / "r.md"
    _derive(path, "-o", str(md))
    assert r"$$ {J^{(n)}} = \sum_{m=1}^{c} \left(- \left(1 - {t_{m}^{(n)}}\right)" in md.read_text(encoding="utf-8")


def test_threshold_without_hidden_layer_in_a_batch(tmp_path):
    """One sigmoid unit, two samples, bias_input −1: only x_0 is named, and the batch's bias update
    is (η/N)·Σ_n δ_k^(n) (by hand: −(η/N)·Σ_n δ_k^(n)·x_0^(n) with x_0^(n) = −1; δ = ∂J/∂net, the default)."""
    text = NEG.replace("layers: [[3, 4], [5]]", "layers: [[5]]").replace(
        "notation: {weight: from_to, delta: minus_dJ_dnet, activation_symbol: y, loss_symbol: E, "
        "learning_rate_symbol: alpha}\n", "").replace(
        "  1: {3: 0.5, 4: 0.9}\n  2: {3: 0.4, 4: 1.0}\n  3: {5: -1.2}\n  4: {5: 1.1}\n", "  1: {5: 0.5}\n  2: {5: 0.4}\n").replace(
        "0: {3: 0.8, 4: -0.1, 5: 0.3}", "0: {5: 0.3}").replace(
        "sample: {x: {1: 1, 2: 1}, t: {5: 0}}", "samples:\n  - {x: {1: 1, 2: 1}, t: {5: 0}}\n  - {x: {1: 0, 2: 1}, t: {5: 1}}")
    out = _derive(_file(tmp_path, text))
    assert "The bias unit outputs x_0 = −1 (bias_input: -1)" in out and "u_0" not in out
    assert "Δw_{0k} = -(η/N)·Σ_n[1..N] δ_k^(n)·x_0^(n) = (η/N)·Σ_n[1..N] δ_k^(n)" in out
