"""Activation functions: each one's value g(x) and its derivative as a teacher writes it.

One table entry per activation (micrograd style). `value` is the true function, used for the
forward pass and for the direct-diff cross-check; `derivative` is the local derivative written
with the unit's own output y = g(x) where that is how it is taught (σ' = σ(1−σ), tanh' = 1−tanh²).
tests/test_activations.py checks every `derivative` against `sympy.diff` of `value`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import sympy as sp


class relu(sp.Function):
    """max(x, 0) whose derivative at 0 is the problem's setting g0 (SymPy's Heaviside(0) is ½)."""

    nargs = 2

    @classmethod
    def eval(cls, x, g0):
        if x.is_extended_real and x.is_number:
            return sp.Max(x, 0)
        return None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        x, g0 = self.args
        return sp.Heaviside(x, g0)


def _sigmoid(x: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-x))


@dataclass(frozen=True)
class ActivationSpec:
    """One row of the table: the formulas, the parameters it takes and their defaults."""

    value: Callable[..., sp.Expr]                    # (x, **params) -> g(x)
    derivative: Callable[..., sp.Expr]               # (x, y, **params) -> g'(x), y = g(x)
    params: dict[str, sp.Expr] = field(default_factory=dict)
    kinks: Callable[..., tuple] = lambda **p: ()     # points where g is not differentiable
    description: str = ""


def _relu_value(x, g0):
    return relu(x, g0)


def _elu_kinks(alpha):
    return () if alpha == 1 else (sp.Integer(0),)


TABLE: dict[str, ActivationSpec] = {
    "identity": ActivationSpec(lambda x: x, lambda x, y: sp.Integer(1),
                               description="g(x) = x"),
    "sigmoid": ActivationSpec(lambda x: _sigmoid(x), lambda x, y: y * (1 - y),
                              description="g(x) = 1/(1+e^-x), g' = g(1-g)"),
    "tanh": ActivationSpec(lambda x: sp.tanh(x), lambda x, y: 1 - y**2,
                           description="g(x) = tanh x, g' = 1 - g^2"),
    "relu": ActivationSpec(_relu_value, lambda x, y, g0: sp.Heaviside(x, g0),
                           params={"g0": sp.Integer(0)}, kinks=lambda g0: (sp.Integer(0),),
                           description="g(x) = max(x, 0), g'(0) set by relu_derivative_at_zero"),
    "leaky_relu": ActivationSpec(
        lambda x, slope: sp.Piecewise((x, x > 0), (slope * x, True)),
        lambda x, y, slope: sp.Piecewise((1, x > 0), (slope, True)),
        params={"slope": sp.Rational(1, 100)}, kinks=lambda slope: (sp.Integer(0),),
        description="g(x) = x for x > 0, slope*x otherwise (slope 0.01); g'(0) = slope"),
    "elu": ActivationSpec(
        lambda x, alpha: sp.Piecewise((x, x > 0), (alpha * (sp.exp(x) - 1), True)),
        lambda x, y, alpha: sp.Piecewise((1, x > 0), (y + alpha, True)),
        params={"alpha": sp.Integer(1)}, kinks=_elu_kinks,
        description="g(x) = x for x > 0, alpha(e^x - 1) otherwise (alpha 1); g' = g + alpha for x <= 0"),
    "swish": ActivationSpec(
        lambda x: x * _sigmoid(x),
        lambda x, y: _sigmoid(x) * (1 + x * (1 - _sigmoid(x))),
        description="g(x) = x*sigmoid(x) (also silu); g' = sigmoid(x)(1 + x(1 - sigmoid(x)))"),
    "gelu": ActivationSpec(
        lambda x: x * (1 + sp.erf(x / sp.sqrt(2))) / 2,
        lambda x, y: (1 + sp.erf(x / sp.sqrt(2))) / 2 + x * sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi),
        description="g(x) = x*Phi(x), the exact erf form; g' = Phi(x) + x*phi(x)"),
    "softplus": ActivationSpec(lambda x: sp.log(1 + sp.exp(x)), lambda x, y: _sigmoid(x),
                               description="g(x) = ln(1 + e^x), g' = sigmoid(x)"),
    "softmax": ActivationSpec(lambda x: x, lambda x, y: sp.Integer(1),
                              description="u_k = e^net_k / sum_m e^net_m (output layer only); "
                                          "du_m/dnet_k = u_m(delta_mk - u_k)"),
}

ALIASES = {"silu": "swish", "logistic": "sigmoid", "linear": "identity", "lrelu": "leaky_relu"}
NAMES = tuple(TABLE)


# The variable of an activation written as a formula of x (FormulaActivation.g and .dg are in it).
X = sp.Symbol("x", real=True)


@dataclass(frozen=True)
class FormulaActivation:
    """An activation a problem writes as a formula of x: g(x), g'(x) derived by SymPy, the formula as
    written, and the x where g has a kink (|x|, relu, max/min of linear arguments). Built when the
    problem is read (activation_formula.py), never added to TABLE."""

    text: str
    g: sp.Expr
    dg: sp.Expr
    kinks: tuple[sp.Expr, ...] = ()


@dataclass(frozen=True)
class Activation:
    """An activation chosen for a layer, with its parameters bound (or written as a formula)."""

    name: str
    params: tuple[tuple[str, sp.Expr], ...] = ()
    formula: FormulaActivation | None = None

    @property
    def spec(self) -> ActivationSpec:
        return TABLE[self.name]

    @property
    def elementwise(self) -> bool:
        return self.formula is not None or self.name != "softmax"

    def value(self, x: sp.Expr) -> sp.Expr:
        """g(x) for one unit (not for softmax, which needs the whole layer: `softmax_value`)."""
        if self.formula is not None:
            return self.formula.g.xreplace({X: x})
        return self.spec.value(x, **dict(self.params))

    def derivative(self, x: sp.Expr, y: sp.Expr) -> sp.Expr:
        """g'(x) in teacher form, allowed to use y = g(x) (a formula's g' is SymPy's, in x)."""
        if self.formula is not None:
            return self.formula.dg.xreplace({X: x})
        return self.spec.derivative(x, y, **dict(self.params))

    def kinks(self) -> tuple:
        if self.formula is not None:
            return self.formula.kinks
        return self.spec.kinks(**dict(self.params))


def softmax_value(nets: list[sp.Expr], k: int) -> sp.Expr:
    """u_k = e^{net_k} / Σ_m e^{net_m}."""
    return sp.exp(nets[k]) / sp.Add(*[sp.exp(n) for n in nets])


def softmax_jacobian(outputs: list[sp.Expr], m: int, k: int) -> sp.Expr:
    """∂u_m/∂net_k = u_m(δ_mk − u_k), written in the layer's outputs."""
    return outputs[m] * ((1 if m == k else 0) - outputs[k])
