"""The optimizers with state, as data: for each optimizer and each form, its parameters, its state and
its update rule as an ordered list of SymPy assignments.

Optimizers: sgd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, adamw. Forms:

- ``lecture``: the lecture's formulas (slides "SGD With Momentum", "Adagrad", "Adam"): momentum
  v_t = γ·v_{t−1} + η·g_t, θ_t = θ_{t−1} − v_t; Adagrad θ_t = θ_{t−1} − η/√(G_t + ε)·g_t; Adam with
  m̂, v̂ and η/√(v̂_t + ε). Where the slides have no formula (nesterov, rmsprop, adadelta) the rule is
  Ruder 2016, "An overview of gradient descent optimization algorithms" (the paper the slides cite):
  Nesterov takes g_t at the look-ahead point θ_{t−1} − γ·v_{t−1} (`Optimizer.grad_at`); RMSprop and
  AdaDelta keep ε inside the root, and Ruder's AdaDelta has no learning rate. Ruder 2016 has no AdamW:
  its lecture form is the lecture's Adam with the decoupled weight decay of Loshchilov & Hutter
  ("Decoupled Weight Decay Regularization", 2019), scaled by η as torch scales it:
  θ_t = θ_{t−1} − η·(m̂_t/√(v̂_t + ε) + λ·θ_{t−1}).
- ``pytorch``: torch.optim's single-tensor algorithm (torch 2.13, `_single_tensor_*` of
  torch/optim/*.py) step for step: weight decay as L2 added to g (AdamW: θ·(1 − η·λ) first), ε outside
  the root, SGD's momentum buffer without η (buf = g at the first step, then μ·buf + (1 − τ)·g),
  Nesterov as g + μ·buf, Adagrad's lr_decay η/(1 + (t − 1)·κ) and initial_accumulator_value.

The parameters of both forms are named as torch.optim names them (lr, momentum, dampening, alpha, rho,
eps, betas, weight_decay, lr_decay, initial_accumulator_value); their symbols follow each form's source
(the momentum is γ in the lecture, μ in torch's documentation). Defaults of the pytorch form are torch's,
except that torch's SGD has momentum 0: our `momentum` and `nesterov` optimizers default to momentum
0.9 (torch's SGD needs a value; 0.9 is the usual one and Ruder's γ). Defaults of the lecture form are
Ruder's where he gives one (RMSprop γ = 0.9, η = 0.001; Adagrad η = 0.01; AdaDelta γ = 0.9), else torch's.

The rule of one step is a tuple of `Assignment(name, symbol, expr)`, in order; each expression is in
g_t, θ_{t−1}, η, the previous state, the parameters, t (the step, 1 at the first step) and the
symbols assigned before it. `step_exact` evaluates the list with SymPy numbers and returns every
intermediate by name (a worked solution prints them); `compiled` lambdifies the same list once per
(optimizer, form, settings) into a NumPy function over arrays of parameters, for long runs. No
formula is written twice.

This module is separate from `updates.py`, whose `TABLE` of stateless rows derive.py reads for the
single step of today's solutions.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from numbers import Number
from typing import Callable, Iterator, Mapping, Sequence

import sympy as sp

from .errors import SymbackpropError
from .messages import said

NAMES = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw")
FORMS = ("lecture", "pytorch")
DEFAULT_FORM = "lecture"

# The note each solution states: which form its update rule is (messages/en.py, zh.py).
FORM_NOTE = {"lecture": "optimizer.form.lecture", "pytorch": "optimizer.form.pytorch"}


class OptimizerError(SymbackpropError, ValueError):
    """A bad optimizer name, form or setting. Its message is a catalogue message (`said`): `.key` is the
    message id, `.fields` its fields, so that the problem-file reader can say it at the field's line."""

    def __init__(self, key: str, **fields: object) -> None:
        self.key, self.fields = key, fields
        super().__init__(said(key, **fields))


# -- symbols --------------------------------------------------------------------------------------

LATEX: dict[sp.Symbol, str] = {}           # symbol -> how LaTeX writes it (sympy mis-writes "x_{t-1}")


def _sym(name: str, latex: str) -> sp.Symbol:
    s = sp.Symbol(name, real=True)
    LATEX[s] = latex
    return s


def _pair(base: str, latex: str) -> tuple[sp.Symbol, sp.Symbol]:
    """(x_t, x_{t−1}) of a quantity written `latex`."""
    return _sym(f"{base}_t", f"{latex}_{{t}}"), _sym(f"{base}_{{t-1}}", f"{latex}_{{t-1}}")


G_T = _sym("g_t", "g_{t}")                                  # the gradient of the loss at grad_at
THETA, THETA_PREV = _pair("theta", r"\theta")
ETA = _sym("eta", r"\eta")
T = sp.Symbol("t", integer=True, positive=True)
LATEX[T] = "t"
EPS = _sym("epsilon", r"\epsilon")
LAMBDA = _sym("lambda", r"\lambda")
GAMMA, MU, TAU, ALPHA, RHO, KAPPA = (_sym(n, "\\" + n) for n in ("gamma", "mu", "tau", "alpha", "rho", "kappa"))
BETA1, BETA2 = _sym("beta1", r"\beta_{1}"), _sym("beta2", r"\beta_{2}")
G0 = _sym("G_0", "G_{0}")                                   # Adagrad's initial_accumulator_value

V, V_PREV = _pair("v", "v")
B, B_PREV = _pair("b", "b")
M, M_PREV = _pair("m", "m")
GSUM, GSUM_PREV = _pair("G", "G")
EG2, EG2_PREV = _sym("E[g^2]_t", r"E[g^{2}]_{t}"), _sym("E[g^2]_{t-1}", r"E[g^{2}]_{t-1}")
EDX2, EDX2_PREV = (_sym("E[Δθ^2]_t", r"E[\Delta\theta^{2}]_{t}"),
                   _sym("E[Δθ^2]_{t-1}", r"E[\Delta\theta^{2}]_{t-1}"))
MHAT = _sym("mhat_t", r"\hat{m}_{t}")
VHAT = _sym("vhat_t", r"\hat{v}_{t}")
GTILDE = _sym("gtilde_t", r"\tilde{g}_{t}")                  # g with L2 weight decay added (torch)
GBAR = _sym("gbar_t", r"\bar{g}_{t}")                        # torch's Nesterov direction g + μ·b_t
ETATILDE = _sym("etatilde_t", r"\tilde{\eta}_{t}")           # Adagrad's decayed learning rate (torch)
THETATILDE = _sym("thetatilde_t", r"\tilde{\theta}_{t}")     # AdamW's decayed parameter (torch)
DELTA = _sym("Δθ_t", r"\Delta\theta_{t}")                    # AdaDelta's step


def latex(expr: sp.Basic) -> str:
    """`expr` in LaTeX, with this module's symbols written as the slides write them."""
    return sp.latex(expr, symbol_names=LATEX)


# -- the data ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Param:
    """One setting: its name (as torch names it), symbol, default and the interval it must lie in
    (None: unbounded on that side; *_open: the bound itself is not allowed)."""

    name: str
    symbol: sp.Symbol
    default: sp.Rational
    lower: sp.Rational | None = None
    upper: sp.Rational | None = None
    lower_open: bool = False
    upper_open: bool = False

    def allows(self, value: sp.Rational) -> bool:
        if self.lower is not None and (value < self.lower or (self.lower_open and value == self.lower)):
            return False
        return not (self.upper is not None and (value > self.upper or (self.upper_open and value == self.upper)))

    def interval(self) -> str:
        """The allowed range as a reader writes it: (0, ∞), [0, 1)."""
        lo = "(-∞" if self.lower is None else ("(" if self.lower_open else "[") + _num(self.lower)
        hi = "∞)" if self.upper is None else _num(self.upper) + (")" if self.upper_open else "]")
        return f"{lo}, {hi}"


@dataclass(frozen=True)
class StateVar:
    """A state variable carried from step to step: its name (the id part: m, v, G, velocity, Eg2, Edx2),
    its symbol after the step (m_t) and before it (m_{t−1}), and its value before the first step."""

    name: str
    symbol: sp.Symbol
    previous: sp.Symbol
    initial: sp.Expr = sp.Integer(0)


@dataclass(frozen=True)
class Assignment:
    """One line of a rule: `symbol := expr`, named `name` (the key of step_exact's result)."""

    name: str
    symbol: sp.Symbol
    expr: sp.Expr

    def __iter__(self) -> Iterator:           # (symbol, expr) = assignment
        return iter((self.symbol, self.expr))


Builder = Callable[[frozenset], list[Assignment]]


@dataclass(frozen=True)
class Optimizer:
    """One optimizer in one form. `grad_at` is the point where g_t is taken, in θ_{t−1} and the previous
    state (θ_{t−1} itself except for the lecture's Nesterov). `source` names where the formulas are from.
    `build(zero)` gives the assignments, leaving out the terms of parameters in `zero` (known to be 0)."""

    name: str
    form: str
    params: tuple[Param, ...]
    state: tuple[StateVar, ...]
    build: Builder
    source: str
    grad_at: sp.Expr = THETA_PREV

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)


# the parameters ----------------------------------------------------------------------------------

def _r(text: str) -> sp.Rational:
    return sp.Rational(text)


ZERO, ONE = sp.Integer(0), sp.Integer(1)


def _lr(default: str) -> Param:
    return Param("lr", ETA, _r(default), ZERO, None, lower_open=True)


def _decay_rate(name: str, symbol: sp.Symbol, default: str, upper_open: bool = False) -> Param:
    return Param(name, symbol, _r(default), ZERO, ONE, upper_open=upper_open)


def _eps(default: str) -> Param:
    return Param("eps", EPS, _r(default), ZERO, None, lower_open=True)


def _weight_decay(default: str = "0") -> Param:
    return Param("weight_decay", LAMBDA, _r(default), ZERO, None)


BETAS = (Param("beta1", BETA1, _r("0.9"), ZERO, ONE, upper_open=True),
         Param("beta2", BETA2, _r("0.999"), ZERO, ONE, upper_open=True))


# the rules ---------------------------------------------------------------------------------------

def _A(name: str, symbol: sp.Symbol, expr: sp.Expr) -> Assignment:
    return Assignment(name, symbol, expr)


def _l2(zero: frozenset) -> tuple[list[Assignment], sp.Expr]:
    """torch's weight decay: g̃_t = g_t + λ·θ_{t−1}, left out when λ = 0. Returns (lines, the gradient)."""
    if "weight_decay" in zero:
        return [], G_T
    return [_A("g_decayed", GTILDE, G_T + LAMBDA * THETA_PREV)], GTILDE


def _sgd_lecture(zero: frozenset) -> list[Assignment]:
    return [_A("theta", THETA, THETA_PREV - ETA * G_T)]


def _sgd_pytorch(zero: frozenset) -> list[Assignment]:
    lines, g = _l2(zero)
    return lines + [_A("theta", THETA, THETA_PREV - ETA * g)]


def _momentum_lecture(zero: frozenset) -> list[Assignment]:
    return [_A("velocity", V, GAMMA * V_PREV + ETA * G_T),
            _A("theta", THETA, THETA_PREV - V)]


def _momentum_pytorch(zero: frozenset) -> list[Assignment]:
    lines, g = _l2(zero)
    later = MU * B_PREV + (1 - TAU) * g
    # torch: buf = g at the first step (b_0 = 0 makes μ·b_0 + g the same when τ = 0)
    buf = MU * B_PREV + g if "dampening" in zero else sp.Piecewise((g, sp.Eq(T, 1)), (later, True))
    return lines + [_A("velocity", B, buf), _A("theta", THETA, THETA_PREV - ETA * B)]


def _nesterov_pytorch(zero: frozenset) -> list[Assignment]:
    lines, g = _l2(zero)                         # torch's Nesterov needs dampening 0: buf = g at t = 1
    return lines + [_A("velocity", B, MU * B_PREV + g),
                    _A("g_nesterov", GBAR, g + MU * B),
                    _A("theta", THETA, THETA_PREV - ETA * GBAR)]


def _adagrad_lecture(zero: frozenset) -> list[Assignment]:
    return [_A("G", GSUM, GSUM_PREV + G_T ** 2),
            _A("theta", THETA, THETA_PREV - ETA / sp.sqrt(GSUM + EPS) * G_T)]


def _adagrad_pytorch(zero: frozenset) -> list[Assignment]:
    lines, g = _l2(zero)
    lr = ETA
    if "lr_decay" not in zero:
        lines.append(_A("lr_decayed", ETATILDE, ETA / (1 + (T - 1) * KAPPA)))
        lr = ETATILDE
    return lines + [_A("G", GSUM, GSUM_PREV + g ** 2),
                    _A("theta", THETA, THETA_PREV - lr * g / (sp.sqrt(GSUM) + EPS))]


def _rmsprop_lecture(zero: frozenset) -> list[Assignment]:
    return [_A("Eg2", EG2, GAMMA * EG2_PREV + (1 - GAMMA) * G_T ** 2),
            _A("theta", THETA, THETA_PREV - ETA / sp.sqrt(EG2 + EPS) * G_T)]


def _rmsprop_pytorch(zero: frozenset) -> list[Assignment]:
    lines, g = _l2(zero)
    return lines + [_A("Eg2", EG2, ALPHA * EG2_PREV + (1 - ALPHA) * g ** 2),
                    _A("theta", THETA, THETA_PREV - ETA * g / (sp.sqrt(EG2) + EPS))]


def _adadelta_lecture(zero: frozenset) -> list[Assignment]:
    # Ruder: Δθ_t = −RMS[Δθ]_{t−1}/RMS[g]_t · g_t, RMS[x] = √(E[x²] + ε); then E[Δθ²]_t with the new Δθ_t
    return [_A("Eg2", EG2, GAMMA * EG2_PREV + (1 - GAMMA) * G_T ** 2),
            _A("delta", DELTA, -sp.sqrt(EDX2_PREV + EPS) / sp.sqrt(EG2 + EPS) * G_T),
            _A("Edx2", EDX2, GAMMA * EDX2_PREV + (1 - GAMMA) * DELTA ** 2),
            _A("theta", THETA, THETA_PREV + DELTA)]


def _adadelta_pytorch(zero: frozenset) -> list[Assignment]:
    # torch: delta = √(u + ε)/√(v + ε)·g (the step before η, subtracted), u updated with it, θ −= η·delta
    lines, g = _l2(zero)
    return lines + [_A("Eg2", EG2, RHO * EG2_PREV + (1 - RHO) * g ** 2),
                    _A("delta", DELTA, sp.sqrt(EDX2_PREV + EPS) / sp.sqrt(EG2 + EPS) * g),
                    _A("Edx2", EDX2, RHO * EDX2_PREV + (1 - RHO) * DELTA ** 2),
                    _A("theta", THETA, THETA_PREV - ETA * DELTA)]


def _moments(g: sp.Expr) -> list[Assignment]:
    return [_A("m", M, BETA1 * M_PREV + (1 - BETA1) * g),
            _A("v", V, BETA2 * V_PREV + (1 - BETA2) * g ** 2),
            _A("mhat", MHAT, M / (1 - BETA1 ** T)),
            _A("vhat", VHAT, V / (1 - BETA2 ** T))]


def _adam_lecture(zero: frozenset) -> list[Assignment]:
    return _moments(G_T) + [_A("theta", THETA, THETA_PREV - ETA / sp.sqrt(VHAT + EPS) * MHAT)]


def _adam_pytorch(zero: frozenset) -> list[Assignment]:
    lines, g = _l2(zero)
    return lines + _moments(g) + [_A("theta", THETA, THETA_PREV - ETA * MHAT / (sp.sqrt(VHAT) + EPS))]


def _adamw_lecture(zero: frozenset) -> list[Assignment]:
    decay = 0 if "weight_decay" in zero else LAMBDA * THETA_PREV
    return _moments(G_T) + [_A("theta", THETA, THETA_PREV - ETA * (MHAT / sp.sqrt(VHAT + EPS) + decay))]


def _adamw_pytorch(zero: frozenset) -> list[Assignment]:
    lines, theta = [], THETA_PREV
    if "weight_decay" not in zero:                      # torch: param.mul_(1 − lr·weight_decay) first
        lines, theta = [_A("theta_decayed", THETATILDE, THETA_PREV * (1 - ETA * LAMBDA))], THETATILDE
    return lines + _moments(G_T) + [_A("theta", THETA, theta - ETA * MHAT / (sp.sqrt(VHAT) + EPS))]


# the table ---------------------------------------------------------------------------------------

_RUDER = "Ruder 2016, An overview of gradient descent optimization algorithms"
_LECTURE = "the lecture's slides"
_TORCH = "torch.optim (torch 2.13), single-tensor algorithm"
_VEL_L = StateVar("velocity", V, V_PREV)
_VEL_P = StateVar("velocity", B, B_PREV)
_EG2 = StateVar("Eg2", EG2, EG2_PREV)
_EDX2 = StateVar("Edx2", EDX2, EDX2_PREV)
_MV = (StateVar("m", M, M_PREV), StateVar("v", V, V_PREV))
_MOMENTUM_L = _decay_rate("momentum", GAMMA, "0.9", upper_open=True)
_MOMENTUM_P = Param("momentum", MU, _r("0.9"), ZERO, ONE, upper_open=True)
_NESTEROV_P = Param("momentum", MU, _r("0.9"), ZERO, ONE, lower_open=True, upper_open=True)


def _table() -> dict[tuple[str, str], Optimizer]:
    rows = [
        Optimizer("sgd", "lecture", (_lr("0.001"),), (), _sgd_lecture, _LECTURE),
        Optimizer("sgd", "pytorch", (_lr("0.001"), _weight_decay()), (), _sgd_pytorch, _TORCH),
        Optimizer("momentum", "lecture", (_lr("0.001"), _MOMENTUM_L), (_VEL_L,), _momentum_lecture, _LECTURE),
        Optimizer("momentum", "pytorch", (_lr("0.001"), _MOMENTUM_P, _decay_rate("dampening", TAU, "0"),
                                          _weight_decay()), (_VEL_P,), _momentum_pytorch, _TORCH),
        Optimizer("nesterov", "lecture", (_lr("0.001"), _MOMENTUM_L),
                  (_VEL_L,), _momentum_lecture, _RUDER, grad_at=THETA_PREV - GAMMA * V_PREV),
        Optimizer("nesterov", "pytorch", (_lr("0.001"), _NESTEROV_P, _weight_decay()), (_VEL_P,),
                  _nesterov_pytorch, _TORCH),
        Optimizer("adagrad", "lecture", (_lr("0.01"), _eps("1e-8")), (StateVar("G", GSUM, GSUM_PREV),),
                  _adagrad_lecture, _LECTURE),
        Optimizer("adagrad", "pytorch", (_lr("0.01"), Param("lr_decay", KAPPA, ZERO, ZERO), _weight_decay(),
                                         Param("initial_accumulator_value", G0, ZERO, ZERO), _eps("1e-10")),
                  (StateVar("G", GSUM, GSUM_PREV, G0),), _adagrad_pytorch, _TORCH),
        Optimizer("rmsprop", "lecture", (_lr("0.001"), _decay_rate("alpha", GAMMA, "0.9"), _eps("1e-8")),
                  (_EG2,), _rmsprop_lecture, _RUDER),
        Optimizer("rmsprop", "pytorch", (_lr("0.01"), _decay_rate("alpha", ALPHA, "0.99"), _eps("1e-8"),
                                         _weight_decay()), (_EG2,), _rmsprop_pytorch, _TORCH),
        Optimizer("adadelta", "lecture", (_decay_rate("rho", GAMMA, "0.9"), _eps("1e-6")), (_EG2, _EDX2),
                  _adadelta_lecture, _RUDER),
        Optimizer("adadelta", "pytorch", (_lr("1.0"), _decay_rate("rho", RHO, "0.9"), _eps("1e-6"),
                                          _weight_decay()), (_EG2, _EDX2), _adadelta_pytorch, _TORCH),
        Optimizer("adam", "lecture", (_lr("0.001"), *BETAS, _eps("1e-8")), _MV, _adam_lecture, _LECTURE),
        Optimizer("adam", "pytorch", (_lr("0.001"), *BETAS, _eps("1e-8"), _weight_decay()), _MV,
                  _adam_pytorch, _TORCH),
        Optimizer("adamw", "lecture", (_lr("0.001"), *BETAS, _eps("1e-8"), _weight_decay("1e-2")), _MV,
                  _adamw_lecture, "the lecture's Adam with Loshchilov & Hutter's decoupled weight decay"),
        Optimizer("adamw", "pytorch", (_lr("0.001"), *BETAS, _eps("1e-8"), _weight_decay("1e-2")), _MV,
                  _adamw_pytorch, _TORCH),
    ]
    return {(o.name, o.form): o for o in rows}


TABLE: dict[tuple[str, str], Optimizer] = _table()

# parameters whose value 0 takes a line or a term out of the rule (the rule shown is the one used)
_STRUCTURAL = ("weight_decay", "dampening", "lr_decay")


# -- the API ---------------------------------------------------------------------------------------

def optimizer(name: str, form: str = DEFAULT_FORM) -> Optimizer:
    """The row of `name` in `form`; an unknown name or form is an OptimizerError."""
    if name not in NAMES:
        raise OptimizerError("optimizer.unknown", name=name, allowed=", ".join(NAMES))
    if form not in FORMS:
        raise OptimizerError("optimizer.unknown_form", form=form, allowed=", ".join(FORMS))
    return TABLE[name, form]


def _exact(value: object) -> sp.Rational | None:
    """A number as an exact rational (a float by its shortest decimal: 0.9 → 9/10; a string of a decimal or
    a fraction, "1/2"), None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, sp.Rational):
        return value
    if isinstance(value, sp.Float):
        return sp.Rational(str(value))
    if isinstance(value, (int, Fraction)):
        return sp.Rational(value)
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        return sp.Rational(repr(float(value)))          # float(): numpy 2 writes np.float64(0.9)
    if isinstance(value, str):                    # "1/2", "1e-8", "0.9" as a problem file may write them
        try:
            return sp.Rational(Fraction(value.strip()))      # Fraction parses numbers only, never code
        except (ValueError, ZeroDivisionError):
            return None
    if isinstance(value, Number) and not isinstance(value, complex):     # numpy scalars
        try:
            return _exact(float(value)) if float(value) == value else None
        except (TypeError, ValueError):
            return None
    return None


def _num(value: sp.Rational) -> str:
    return str(value) if value.q == 1 else repr(float(value))


def settings(name: str, form: str = DEFAULT_FORM, given: Mapping[str, object] | None = None) -> dict[str, sp.Rational]:
    """Every parameter of `name` in `form`, by name: `given` (validated) over the defaults. `betas` may be
    given as a pair (beta1, beta2). An unknown name, a value that is not a number or one out of its range
    is an OptimizerError naming the setting and what is allowed."""
    row = optimizer(name, form)
    out = {p.name: p.default for p in row.params}
    given = dict(given or {})
    if "betas" in given and "beta1" in out:
        pair = given.pop("betas")
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise OptimizerError("optimizer.betas_pair", optimizer=name, value=repr(pair))
        given.setdefault("beta1", pair[0])
        given.setdefault("beta2", pair[1])
    for key, raw in given.items():
        if key not in out:
            raise OptimizerError("optimizer.unknown_setting", optimizer=name, form=form, setting=key,
                                 allowed=", ".join(("betas" if p.name == "beta1" else p.name)
                                                   for p in row.params if p.name != "beta2"))
        value = _exact(raw)
        param = row.param(key)
        if value is None:
            raise OptimizerError("optimizer.not_a_number", optimizer=name, setting=key, value=repr(raw))
        if not param.allows(value):
            raise OptimizerError("optimizer.out_of_range", optimizer=name, setting=key, value=_num(value),
                                 allowed=param.interval())
        out[key] = value
    return out


def _zero(row: Optimizer, values: Mapping[str, sp.Rational] | None) -> frozenset:
    if values is None:
        return frozenset()
    return frozenset(k for k in _STRUCTURAL if values.get(k, ZERO) == 0)


@lru_cache(maxsize=None)
def _rule(name: str, form: str, zero: frozenset) -> tuple[Assignment, ...]:
    return tuple(TABLE[name, form].build(zero))


def rule(name: str, form: str = DEFAULT_FORM, values: Mapping[str, object] | None = None) -> tuple[Assignment, ...]:
    """The assignments of one step, in order, in symbols (g_t, θ_{t−1}, η, the previous state, the
    parameters, t). With `values` (settings), the lines and terms of a weight decay, dampening or lr_decay
    that is 0 are left out, so that the rule shown is the one the numbers follow; without, the general rule."""
    row = optimizer(name, form)
    return _rule(name, form, _zero(row, None if values is None else settings(name, form, values)))


class GradAt(sp.Function):
    """∇L(point): the gradient of the loss L (the second argument, a symbol named as the problem names its
    loss) taken at `point`. Only in the rule as shown (`shown_rule`): the lecture's Nesterov, g_t = ∇L(θ_{t−1} −
    γ·v_{t−1})."""

    nargs = 2

    def _sympystr(self, printer) -> str:
        return f"∇{self.args[1].name}({printer._print(self.args[0])})"

    def _latex(self, printer, exp=None) -> str:
        return rf"\nabla {self.args[1].name}\left({printer._print(self.args[0])}\right)"


def shown_rule(name: str, form: str = DEFAULT_FORM, values: Mapping[str, object] | None = None,
               loss: str = "L") -> tuple[Assignment, ...]:
    """The rule as a solution and `list optimizers` print it: `rule`, after a first line that says where g_t is
    taken when that is not θ_{t−1} (the lecture's Nesterov: g_t = ∇L(θ_{t−1} − γ·v_{t−1}))."""
    row = optimizer(name, form)
    lines = rule(name, form, values)
    if row.grad_at == THETA_PREV:
        return lines
    return (Assignment("grad_at", G_T, GradAt(row.grad_at, sp.Symbol(loss))),) + lines


def _bind(row: Optimizer, values: Mapping[str, sp.Rational]) -> dict[sp.Symbol, sp.Expr]:
    return {p.symbol: values[p.name] for p in row.params}


def initial_state(name: str, form: str = DEFAULT_FORM, values: Mapping[str, object] | None = None) -> dict[str, sp.Expr]:
    """The state before the first step, by state name (0, or Adagrad's initial_accumulator_value)."""
    row = optimizer(name, form)
    bound = _bind(row, settings(name, form, values))
    return {s.name: sp.sympify(s.initial).xreplace(bound) for s in row.state}


def grad_point(name: str, form: str, theta: sp.Expr, state: Mapping[str, sp.Expr],
               values: Mapping[str, object] | None = None) -> sp.Expr:
    """Where the gradient g_t of the step is taken: θ_{t−1}, or the lecture Nesterov's θ_{t−1} − γ·v_{t−1}."""
    row = optimizer(name, form)
    env = {THETA_PREV: sp.sympify(theta), **_bind(row, settings(name, form, values)),
           **{s.previous: sp.sympify(state[s.name]) for s in row.state}}
    return row.grad_at.xreplace(env)


def step_exact(name: str, form: str, theta: sp.Expr, grad: sp.Expr, state: Mapping[str, sp.Expr] | None,
               t: int, values: Mapping[str, object] | None = None) -> dict[str, sp.Expr]:
    """One step of one parameter in SymPy: θ_{t−1} = `theta`, g_t = `grad` (taken at `grad_point`), the
    state before the step (None: the initial state), t ≥ 1. Returns every assignment's value by its name,
    in order: the new parameter is "theta", the new state is under each state name (m, v, G …). Values
    stay exact for exact inputs (Rationals: square roots stay radicals); Floats in give Floats out."""
    row = optimizer(name, form)
    vals = settings(name, form, values)
    state = initial_state(name, form, vals) if state is None else state
    env: dict[sp.Symbol, sp.Expr] = {THETA_PREV: sp.sympify(theta), G_T: sp.sympify(grad), T: sp.Integer(t),
                                     **_bind(row, vals)}
    env.update({s.previous: sp.sympify(state[s.name]) for s in row.state})
    out: dict[str, sp.Expr] = {}
    for line in _rule(name, form, _zero(row, vals)):
        env[line.symbol] = out[line.name] = line.expr.xreplace(env)
    return out


class NumpyStep:
    """One step of every parameter at once, in float64 NumPy arrays, from `rule`'s assignments
    lambdified once. Call it with θ_{t−1}, g_t, the state before the step (by name) and t; it returns
    every assignment's value by name, as `step_exact` does."""

    def __init__(self, name: str, form: str, values: Mapping[str, sp.Rational]) -> None:
        import numpy as np
        self._np = np
        row = optimizer(name, form)
        self.name, self.form, self.values = name, form, dict(values)
        self.lines = _rule(name, form, _zero(row, values))
        self.state = row.state
        bound = _bind(row, values)
        env: dict[sp.Symbol, sp.Expr] = {}
        outputs = []
        for line in self.lines:                    # each output in the inputs only: one flat function
            env[line.symbol] = line.expr.xreplace(env).xreplace(bound)
            outputs.append(env[line.symbol])
        args = [THETA_PREV, G_T, T, *(s.previous for s in row.state)]
        # modules=[np]: NumPy's printer and NumPy's own names, without lambdify's `from numpy import *`
        # (which loads numpy.testing, numpy.f2py …: about 0.1 s of a run's start)
        self._f = sp.lambdify(args, outputs, modules=[np])
        self._at = sp.lambdify([THETA_PREV, *(s.previous for s in row.state)], row.grad_at.xreplace(bound),
                               modules=[np])
        self._initial = {s.name: float(sp.sympify(s.initial).xreplace(bound)) for s in row.state}

    def initial_state(self, shape: tuple[int, ...] | int) -> dict:
        return {k: self._np.full(shape, v, dtype=float) for k, v in self._initial.items()}

    def grad_point(self, theta, state: Mapping[str, object]):
        return self._np.broadcast_to(self._at(theta, *(state[s.name] for s in self.state)),
                                     self._np.shape(theta)).astype(float)

    def __call__(self, theta, grad, state: Mapping[str, object], t: int) -> dict:
        np = self._np
        theta = np.asarray(theta, dtype=float)
        shape = np.broadcast_shapes(theta.shape, np.shape(grad))
        values = self._f(theta, np.asarray(grad, dtype=float), t, *(state[s.name] for s in self.state))
        return {line.name: np.broadcast_to(np.asarray(v, dtype=float), shape).copy()
                for line, v in zip(self.lines, values)}


@lru_cache(maxsize=64)
def _compiled(name: str, form: str, key: tuple) -> NumpyStep:
    return NumpyStep(name, form, dict(key))


def compiled(name: str, form: str = DEFAULT_FORM, values: Mapping[str, object] | None = None) -> NumpyStep:
    """The NumPy step of (`name`, `form`, settings), compiled once and kept."""
    vals = settings(name, form, values)
    return _compiled(name, form, tuple(sorted(vals.items())))


GradientFunction = Callable[[object], object]


def run_exact(name: str, form: str, theta0: Sequence[sp.Expr], gradient: Callable[[list], Sequence[sp.Expr]],
              steps: int, values: Mapping[str, object] | None = None) -> list[list[dict[str, sp.Expr]]]:
    """`steps` exact steps of the parameters `theta0` (a list), g_t = `gradient(point)` at each step's
    grad_point (a list in, a list out). Returns, per step, per parameter, step_exact's values."""
    row, vals = optimizer(name, form), settings(name, form, values)
    theta = [sp.sympify(x) for x in theta0]
    state = [initial_state(name, form, vals) for _ in theta]
    trace = []
    for t in range(1, steps + 1):
        point = [grad_point(name, form, th, st, vals) for th, st in zip(theta, state)]
        grads = gradient(point)
        step = [step_exact(name, form, th, g, st, t, vals) for th, g, st in zip(theta, grads, state)]
        theta = [s["theta"] for s in step]
        state = [{v.name: s[v.name] for v in row.state} for s in step]
        trace.append(step)
    return trace


def run_numpy(name: str, form: str, theta0, gradient: GradientFunction, steps: int,
              values: Mapping[str, object] | None = None) -> list[dict]:
    """`steps` float64 steps of the parameter array `theta0`, g_t = `gradient(point)` (an array of the
    same shape) at each step's grad_point. Returns, per step, the compiled step's values (arrays)."""
    import numpy as np
    step = compiled(name, form, values)
    theta = np.array(theta0, dtype=float)
    state = step.initial_state(theta.shape)
    trace = []
    for t in range(1, steps + 1):
        out = step(theta, gradient(step.grad_point(theta, state)), state, t)
        theta = out["theta"]
        state = {s.name: out[s.name] for s in step.state}
        trace.append(out)
    return trace
