"""Session 14, U1: the layout and precision of the optimizer's sections of a worked solution (trial t18,
issue 13): setting names as words, the per-step table as a table, states shown with the digits the next
line uses, and the display slips of the step output."""
from __future__ import annotations

import re
import shutil
from fractions import Fraction

import pytest
import sympy as sp

from symbackprop import optimizers
from symbackprop.render import render
from symbackprop.solution import solve

# a 2-2-1 tanh net, two samples (trial t18's p/adam_lec.yaml, its optimizer given per test)
NET = """\
title: u1
network: {inputs: [1, 2], bias: 0, layers: [[3, 4], [5]], activation: tanh, output_activation: identity}
weights:
  0: {3: 0.1, 4: -0.2, 5: 0.3}
  1: {3: 0.4, 4: 0.5}
  2: {3: -0.6, 4: 0.7}
  3: {5: 0.8}
  4: {5: -0.9}
samples:
  - {x: {1: 1, 2: 0.5}, t: {5: 1}}
  - {x: {1: -0.5, 2: 2}, t: {5: -1}}
loss: half_squared_error
"""
# one linear unit, two samples (problems/two_step_per_sample.yaml): the fast tier's network
LINEAR = """\
network: {inputs: [1], bias: 0, layers: [[2]], activation: identity}
weights: {0: {2: 0}, 1: {2: 1}}
samples:
  - {x: {1: 1}, t: {2: 2}}
  - {x: {1: 2}, t: {2: 0}}
loss: half_squared_error
"""
ADAM_LEC = NET + "optimizer: {name: adam, lr: 0.1}\nsteps: 3\n"


def every_setting(name: str, form: str) -> str:
    """The optimizer line with every setting of `name` in `form` given (a nonzero value where it may be one)."""
    row = optimizers.optimizer(name, form)
    given = {}
    for p in row.params:
        v = p.default if p.default != 0 else sp.Rational(1, 10)
        if name == "nesterov" and p.name == "dampening":    # torch's Nesterov needs dampening 0
            v = sp.Integer(0)
        if name == "nesterov" and p.name == "momentum" and v == 0:
            v = sp.Rational(9, 10)
        if name in ("sgd", "momentum") and p.name == "momentum" and v == 0:
            v = sp.Rational(9, 10)
        given[p.name] = v
    items = [f"name: {name}", f"form: {form}"]
    if "beta1" in given:
        items.append(f"betas: [{float(given.pop('beta1'))}, {float(given.pop('beta2'))}]")
    items += [f"{k}: {float(v)!r}" for k, v in given.items()]
    return "optimizer: {" + ", ".join(items) + "}\nsteps: 2\n"


def _write(tmp_path, text: str, name: str = "p.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# a word with underscores (weight_decay) set as subscripts: \mathrm{weight}_\mathrm{decay}, weight_{decay},
# MathML's <msub><mi>weight</mi>
_SUBSCRIPTED = re.compile(r"_\s*\\mathrm\{[A-Za-z]{2,}\}|_\{[A-Za-z]{3,}\}")


def _settings_ok(sol, settings_names):
    tex, md, html = render(sol, "latex"), render(sol, "markdown"), render(sol, "html")
    for doc in (tex, md):
        assert not _SUBSCRIPTED.search(doc), _SUBSCRIPTED.search(doc)
    assert not re.search(r"<mi>[A-Za-z]{2,}</mi></msub>", html)
    for name in settings_names:
        if "_" in name:
            escaped = name.replace("_", r"\_")
            assert rf"\text{{{escaped}}}" in tex and rf"\text{{{escaped}}}" in md
            assert f"<mtext>{name}</mtext>" in html


def test_setting_names_are_words_adagrad_pytorch(tmp_path):
    sol = solve(_write(tmp_path, LINEAR + every_setting("adagrad", "pytorch")))
    _settings_ok(sol, ["lr_decay", "weight_decay", "initial_accumulator_value"])
    # a file's word in the notes' words is code, not words whose underscores a viewer may take for emphasis
    assert "`initial_accumulator_value`" in render(sol, "markdown")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("latexmk") is None, reason="no latexmk")
@pytest.mark.parametrize("name", optimizers.NAMES)
@pytest.mark.parametrize("form", optimizers.FORMS)
def test_every_optimizer_builds_a_pdf(tmp_path, name, form):
    if name == "nesterov" and form == "lecture":
        pass
    text = NET + every_setting(name, form)
    sol = solve(_write(tmp_path, text))
    row = optimizers.optimizer(name, form)
    _settings_ok(sol, [p.name for p in row.params])
    pdf = render(sol, "pdf", output=str(tmp_path / "out.pdf"))
    assert pdf[:5] == b"%PDF-"
