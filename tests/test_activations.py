"""Every local derivative in the tables equals sympy.diff of the function it belongs to."""
import random

import pytest
import sympy as sp

from symbackprop import activations, losses
from symbackprop.activations import Activation, softmax_jacobian, softmax_value

x = sp.Symbol("x", real=True)
POINTS = [-2.5, -0.7, -0.01, 0.013, 0.4, 1.9]


def bound(name, **params):
    spec = activations.TABLE[name]
    full = dict(spec.params)
    full.update({k: sp.nsimplify(v) for k, v in params.items()})
    return Activation(name, tuple(sorted(full.items())))


@pytest.mark.parametrize("act", [bound(n) for n in activations.NAMES if n != "softmax"]
                         + [bound("leaky_relu", slope=0.3), bound("elu", alpha=2)], ids=str)
def test_teacher_derivative_equals_sympy_diff(act):
    g = act.value(x)
    true = sp.diff(g, x)
    teacher = act.derivative(x, g)
    for p in POINTS:     # away from kinks, where both are defined
        assert float(teacher.subs(x, p)) == pytest.approx(float(true.subs(x, p)), rel=1e-12, abs=1e-14)


def test_relu_derivative_at_zero_is_the_setting():
    for g0 in (0, 1, sp.Rational(1, 2)):
        act = Activation("relu", (("g0", sp.nsimplify(g0)),))
        assert sp.diff(act.value(x), x).subs(x, 0) == g0
        assert act.derivative(sp.Integer(0), sp.Integer(0)) == g0


def test_teacher_forms():
    y = sp.Symbol("y")
    assert bound("sigmoid").derivative(x, y) == y * (1 - y)
    assert bound("tanh").derivative(x, y) == 1 - y**2


def test_softmax_jacobian_equals_diff():
    nets = sp.symbols("n0:3", real=True)
    us = [softmax_value(list(nets), k) for k in range(3)]
    point = {n: random.Random(1).uniform(-1, 1) + i for i, n in enumerate(nets)}
    for m in range(3):
        for k in range(3):
            true = sp.diff(us[m], nets[k]).subs(point)
            table = softmax_jacobian(us, m, k).subs(point)
            assert float(table) == pytest.approx(float(true), rel=1e-12)


def test_every_loss_is_differentiable_by_sympy():
    u = sp.symbols("u0:2", positive=True)
    t = [sp.Rational(1, 4), sp.Rational(3, 4)]
    for name, loss in losses.TABLE.items():
        J = loss.per_sample(list(u), t)
        d = sp.diff(J, u[0]).subs({u[0]: sp.Rational(1, 3), u[1]: sp.Rational(1, 2)})
        assert d.is_number, name


def test_loss_values_by_hand():
    u, t = [sp.Integer(4), sp.Integer(2)], [sp.Integer(1), sp.Integer(0)]
    assert losses.TABLE["half_squared_error"].per_sample(u, t) == sp.Rational(13, 2)
    assert losses.TABLE["squared_error"].per_sample(u, t) == 13
    assert losses.TABLE["mse"].per_sample(u, t) == sp.Rational(13, 2)
    assert losses.TABLE["l1"].per_sample(u, t) == 5
