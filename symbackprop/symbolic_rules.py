"""The general backpropagation rules of the lecture's appendix, derived by SymPy with symbolic sizes.

A fully connected network with d inputs x_i, n_H hidden units y_j = g(net_j), c outputs
z_k = g(net_k), and J = Σ_k ℓ(t_k, z_k) is written with SymPy's `IndexedBase` and `Sum`; every
partial derivative of the chain (∂J/∂z_k, ∂z_k/∂net_k, ∂net_k/∂w_kj, ∂net_k/∂y_j, ∂J/∂y_j) is
`sympy.diff` of those sums, and the δ rules are what the chain gives. Nothing here is a template:
change the loss or the activation and the rules change with it. `check_rules` then evaluates every
rule on the concrete network of a problem file and compares it with that network's solution.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache

import sympy as sp

from . import losses
from .activations import X, Activation
from .memo import ValueMemo, args_key, table_rows
from .problem import Notation

# Indices: k runs over the outputs (1..c), j over the hidden units (0..n_H, 0 = bias), i over the
# inputs (0..d); m and p are summation dummies.
k, j, i, m, p = sp.symbols("k j i m p", integer=True)
c, n_H, d = sp.symbols("c n_H d", integer=True, positive=True)
INDEX_SYMBOLS = {k, j, i, m, p, c, n_H, d}

# The two layers get separate bases (w_o[k, j], w_h[j, i]) so that evaluating on a network cannot mix
# them up; the printer writes both as w, net and δ, as the appendix does.
# Everything is real: without that SymPy differentiates |t − z| (the L1 loss) as a complex function.
t, z, net_o, delta_o, w_o = (sp.IndexedBase(n, real=True) for n in ("t", "z", "net_o", "delta_o", "w_o"))
y, net_h, delta_h, w_h, x = (sp.IndexedBase(n, real=True) for n in ("y", "net_h", "delta_h", "w_h", "x"))
g = sp.Function("g", real=True)
G = sp.Dummy("G")                          # g(x) in g' written as a polynomial in g (`derivative_in_g`)
gprime = sp.Function("g'")                 # no assumptions, so that srepr round-trips
J, eta = sp.symbols("J eta")
update_o, update_h = sp.IndexedBase("Delta_w_o"), sp.IndexedBase("Delta_w_h")

# A batch: n runs over the N samples; a quantity of sample n is its base with n as a last index
# (δ_k^(n) is delta_o_n[k, n], J^(n) the loss of sample n). The weights and η are shared.
n_s, N = sp.symbols("n N", integer=True, positive=True)
INDEX_SYMBOLS |= {n_s, N}
PER_SAMPLE = {b: sp.IndexedBase(f"{b.name}_n", real=True) for b in (t, z, net_o, delta_o, y, net_h, delta_h, x)}
J_n = sp.IndexedBase("J_n", real=True)

RULE_IDS = ("delta_output", "delta_hidden", "grad_output_weight", "grad_hidden_weight",
            "update_output_weight", "update_hidden_weight")


@dataclass(frozen=True)
class Rule:
    """`lhs = forms[0] = forms[1] = …`; the last form is the rule in g'. `specialised` holds the
    rule with g' replaced by each activation's own derivative, labelled by the activation."""

    id: str
    lhs: sp.Expr
    forms: tuple[sp.Expr, ...]
    specialised: tuple[tuple[str, sp.Expr], ...] = ()
    sample: "Rule | None" = None     # a batch's rule: the rule of one sample it sums (∂J^(n)/∂w = …)

    @property
    def rule(self) -> sp.Expr:
        return self.forms[-1]


@dataclass(frozen=True)
class RuleCheck:
    """A rule evaluated on every unit (and sample) of a concrete network and compared."""

    id: str
    compared: int                    # comparisons: each value by the rule and by its specialised form
    max_error: float                 # largest |rule − solution| / max(1, |solution|)
    values: int | None = None        # distinct values checked (a unit of a sample, a weight); None: `compared`

    @property
    def distinct(self) -> int:
        """The number of distinct values checked (each may be compared with several forms)."""
        return self.compared if self.values is None else self.values

    @property
    def ok(self) -> bool:
        return self.compared > 0 and self.max_error <= 1e-20


@dataclass(frozen=True)
class GeneralDerivation:
    """The general rules for one choice of activations, loss and notation."""

    name: str
    hidden_activations: tuple[str, ...]
    output_activation: str
    loss: str
    notation: Notation
    definitions: tuple[Rule, ...]    # net_k, z_k, net_j, y_j, J
    rules: tuple[Rule, ...]
    assumptions: tuple[str, ...]     # "targets_sum_to_one"
    checks: tuple[RuleCheck, ...] = ()
    hidden_layer: bool = True        # False: the outputs take the inputs directly (no δ_j rule)
    batch: str | None = None         # "mean" or "sum" over the samples of a batch; None for one sample
    samples: int = 1                 # samples of the network the rules are checked on
    layer_activations: tuple[Activation, ...] = ()   # the hidden activation of each hidden layer, first to last
    bias_input: int = 1              # the bias unit's output in the file (−1: the bias weights are thresholds θ)
    # the rules a network with several hidden layers adds (`deeper_rules`), set once when the derivation is
    # made for a part (rule_check.derive_for_part); the check and every format read them from here
    deeper: DeeperRules | None = None
    # the unit ids of the network the rules are checked on: its inputs, then each hidden layer's, first to last
    input_units: tuple[str, ...] = ()
    hidden_units: tuple[tuple[str, ...], ...] = ()
    # the rules of the file's shared (tied) parameters (`shared_rules`), set with the check for a part
    shared: "tuple[SharedRules, ...]" = ()
    # ∂J/∂x_i of an input (`input_gradient_rule`), for a file with `input_gradients: true`
    input_gradient: "Rule | None" = None

    def rule(self, rid: str) -> Rule:
        for r in self.rules:
            if r.id == rid:
                return r
        raise KeyError(rid)

    @property
    def ok(self) -> bool:
        return all(ch.ok for ch in self.checks)

    def _repr_markdown_(self) -> str:          # Jupyter and Colab show the rules typeset
        from .render.rules import render_markdown
        return render_markdown([self])

    def show(self, lang: str = "en"):
        """The rules as a notebook shows them, in `lang`: `derivation.show(lang="zh")` (render/display.py)."""
        from .render.display import Shown
        return Shown(self, lang)


def _in_range(expr: sp.Expr) -> sp.Expr:
    """Take the first branch of SymPy's index-range Piecewise (`k` in 1..c): our indices are in range."""
    def is_range(e):
        return isinstance(e, sp.Piecewise) and e.args[0][1].free_symbols <= INDEX_SYMBOLS
    return sp.piecewise_fold(expr).replace(is_range, lambda e: e.args[0][0]) if expr.has(sp.Piecewise) else expr


def _diff(expr: sp.Expr, var: sp.Expr, reference: bool = False) -> sp.Expr:
    """d expr / d var with every sum evaluated that can be; `reference` asks SymPy's `doit` to try
    every sum (the same result, seconds slower: the tests compare the two)."""
    d = sp.diff(expr, var)
    return _in_range(d.doit() if reference else _doit(d))


def _doit(expr: sp.Expr) -> sp.Expr:
    """`expr.doit()`, without asking SymPy for a closed form of a sum that has none.

    A sum over m whose summand holds m only as a plain index (t_m, w_{m,p}) and no Kronecker delta
    or Piecewise in m has no closed form: SymPy would try telescoping, Gosper's algorithm and
    hypergeometric terms on it, and give it back unevaluated, which took over half of `derive`.
    """
    if isinstance(expr, sp.Sum) and len(expr.limits) == 1:
        var, low, high = expr.limits[0]
        function = expr.function.doit()
        if not (high - low).is_Integer and _has_no_closed_form(function, var):   # a known count is summed out
            return sp.Sum(function, *expr.limits)
        return expr.doit()
    if isinstance(expr, (sp.Add, sp.Mul)) and expr.has(sp.Sum):
        return expr.func(*[_doit(a) for a in expr.args])
    return expr.doit()


def _has_no_closed_form(summand: sp.Expr, var: sp.Symbol) -> bool:
    """Whether Σ_var summand over symbolic limits certainly stays a sum: `var` occurs, and only as
    a whole index of an Indexed (never shifted, as in t_{m+1}, which could telescope), with no
    Kronecker delta anywhere and no Piecewise on m (both of which SymPy can sum)."""
    if isinstance(summand, sp.Piecewise) or summand.has(sp.KroneckerDelta):
        return False
    if any(var in cond.free_symbols for pw in summand.atoms(sp.Piecewise) for _, cond in pw.args):
        return False
    found = False

    def plain(e: sp.Basic) -> bool:
        nonlocal found
        if e == var:
            return False                            # var itself, outside an index
        if isinstance(e, sp.Indexed):
            if var in e.indices:
                found = True
            return all(ix == var or var not in ix.free_symbols for ix in e.indices)
        if isinstance(e, (sp.Sum, sp.Subs, sp.Derivative, sp.Lambda)) and var in e.variables:
            return False                            # var rebound inside: do not reason about it
        return all(plain(a) for a in e.args)

    return plain(summand) and found


def _net(weights: sp.IndexedBase, row: sp.Expr, values: sp.IndexedBase, size: sp.Symbol) -> sp.Sum:
    """net_row = Σ_{p=0}^{size} w_{row,p} v_p, the bias being v_0 = 1."""
    return sp.Sum(weights[row, p] * values[p], (p, 0, size))


def _named(expr: sp.Expr) -> sp.Expr:
    """Write SymPy's result in the lecture's names: g'(net) for dg/dnet, z_k for g(net_k)."""
    expr = expr.replace(lambda e: isinstance(e, sp.Subs) and isinstance(e.expr, sp.Derivative),
                        lambda e: gprime(*e.point))
    expr = expr.replace(lambda e: isinstance(e, sp.Derivative) and e.expr.func == g,
                        lambda e: gprime(*e.expr.args))
    return expr.replace(lambda e: e.func == g and isinstance(e.args[0], sp.Indexed)
                        and e.args[0].base in (net_o, net_h),
                        lambda e: (z if e.args[0].base == net_o else y)[e.args[0].indices])


def _softmax_named(expr: sp.Expr) -> sp.Expr:
    """exp(net_m)/Σ_p exp(net_p) is z_m: name it, and let the sums of exponentials cancel."""
    S = sp.Dummy("S", positive=True)
    expr = expr.replace(lambda e: isinstance(e, sp.Sum) and e.function == sp.exp(net_o[e.variables[0]]),
                        lambda e: S)
    expr = expr.replace(lambda e: e.func == sp.exp and isinstance(e.args[0], sp.Indexed) and e.args[0].base == net_o,
                        lambda e: z[e.args[0].indices] * S)
    return expr                    # S cancels by itself: z_k·S·z_m·S/S² is z_k·z_m


def _pull_constants(expr: sp.Expr) -> sp.Expr:
    """Σ_m a·t_m → a·Σ_m t_m, for every factor a that does not depend on m."""
    def pull(e):
        var = e.variables[0]
        inside, outside = [], []
        for f in sp.Mul.make_args(e.function):
            (inside if f.has(var) else outside).append(f)
        return sp.Mul(*outside) * sp.Sum(sp.Mul(*inside), *e.limits)
    return expr.replace(lambda e: isinstance(e, sp.Sum), pull)


def _is_zero(expr: sp.Expr, reference: bool = False) -> bool:
    """Whether expr is 0: expanded first (a sum of products that cancel term by term, as every
    check here is), `sympy.simplify` only if that does not show it; `reference` asks simplify."""
    if not reference and (expr == 0 or sp.expand(expr) == 0):
        return True
    return sp.simplify(expr) == 0


def _shorter(*candidates: sp.Expr) -> sp.Expr:
    """The candidate with the fewest operations; the first one on a tie."""
    return min(candidates, key=sp.count_ops)



def _output_layer(g, softmax: bool, loss, net_k_def: sp.Expr) -> tuple[sp.Expr, sp.Expr, tuple[Rule, Rule, Rule]]:
    """The output layer's definitions (net_k, z_k, J) and J written in the outputs z and in the output
    nets: the same whether the outputs take a hidden layer or the inputs."""
    def z_of(q):                                   # z_q as a function of the output nets
        if softmax:
            return sp.exp(net_o[q]) / sp.Sum(sp.exp(net_o[p]), (p, 1, c))
        return g(net_o[q])

    scale = sp.Integer(1) / c if loss.mean_over_units else sp.Integer(1)
    J_of_z = scale * sp.Sum(loss.unit_term(z[m], t[m]), (m, 1, c))
    J_of_net = scale * sp.Sum(loss.unit_term(z_of(m), t[m]), (m, 1, c))
    rules = (Rule("net_output", net_o[k], (net_k_def,)),
             Rule("output", z[k], (sp.exp(net_o[k]) / sp.Sum(sp.exp(net_o[m]), (m, 1, c)) if softmax
                                   else g(net_o[k]),)),
             Rule("loss", J, (J_of_z,)))
    return J_of_z, J_of_net, rules

def _derive_general(name: str, hidden: tuple[Activation, ...], output: Activation, loss_name: str,
                    notation: Notation, reference: bool = False, batch: str | None = None,
                    targets_sum: bool = True) -> GeneralDerivation:
    """Derive the six rules of the appendix for these activations, loss and sign convention.

    No hidden activation (`hidden` empty) is a network whose outputs take the inputs directly: the
    three output rules, with x_i below the outputs. `batch` ("mean" or "sum", for a file with
    several samples): ∂J/∂w and Δw are written over the samples, (1/N)·Σ_n ∂J^(n)/∂w.
    `reference`: let SymPy try every sum in `doit` and `simplify` every check, as the first version
    did. The rules are the same (tests/test_derive_speed.py compares them); it takes seconds longer.
    `targets_sum`: use the loss's Σ_m t_m fact (softmax with cross-entropy: δ_k = u_k − t_k); False for
    a file whose targets do not sum to it, which gets the general δ_k = u_k·Σ_m t_m − t_k.
    """
    if not hidden:
        return _without_hidden_layer(name, output, loss_name, notation, reference, batch, targets_sum)
    s = notation.sign
    loss = losses.row(loss_name)
    softmax = output.name == "softmax"
    assumptions: list[str] = []

    # Definitions: the forward pass with symbolic sizes.
    net_k_def, net_j_def = _net(w_o, k, y, n_H), _net(w_h, j, x, d)
    scale = sp.Integer(1) / c if loss.mean_over_units else sp.Integer(1)
    J_of_z, J_of_net, output_rules = _output_layer(g, softmax, loss, net_k_def)
    definitions = (*output_rules[:2],
                   Rule("net_hidden", net_h[j], (net_j_def,)),
                   Rule("hidden", y[j], (g(net_h[j]),)),
                   output_rules[2])
    rule_delta_k, delta_k = _output_delta(s, loss, softmax, J_of_z, J_of_net, assumptions, reference, targets_sum)

    def dJ(var):
        return sp.Derivative(J, var)

    # δ_j = s·∂J/∂y_j·∂y_j/∂net_j with ∂J/∂y_j = Σ_k ∂J/∂net_k·∂net_k/∂y_j and ∂J/∂net_k = s·δ_k.
    dnet_dy = _diff(net_k_def, y[j], reference)                   # w_kj
    dy_dnet = _named(_diff(g(net_h[j]), net_h[j], reference))     # g'(net_j)
    dJ_dy = sp.Sum(s * s * delta_o[k] * dnet_dy, (k, 1, c))      # s² = 1: Σ_k w_kj δ_k
    delta_j = dy_dnet * dJ_dy
    forms = [s * dJ(net_h[j]),
             s * sp.Mul(dJ(y[j]), sp.Derivative(y[j], net_h[j]), evaluate=False),
             s * sp.Mul(sp.Sum(sp.Mul(dJ(net_o[k]), sp.Derivative(net_o[k], y[j]), evaluate=False), (k, 1, c)),
                        dy_dnet, evaluate=False)]
    if not softmax:
        # The appendix's own line: differentiate J with every net_k written out in the y_j,
        # and confirm that each term is ∂J/∂net_k · w_kj (so that δ_k can take its place).
        J_of_y = scale * sp.Sum(loss.unit_term(g(net_k_def.subs(k, m)), t[m]), (m, 1, c))
        expanded = _named(_named(_diff(J_of_y, y[j], reference)).replace(
            lambda e: isinstance(e, sp.Sum) and e.variables[0] == p, lambda e: _collapse_net(e, reference)))
        term = _summand(expanded)
        if term is None or not _is_zero(term - s * delta_k.subs(k, m) * dnet_dy.subs(k, m), reference):
            raise AssertionError(f"∂J/∂y_j did not come out as Σ_k ∂J/∂net_k w_kj: {expanded}")
        forms.append(s * sp.Sum(term.subs(m, k), (k, 1, c)) * dy_dnet)
    rule_delta_j = Rule("delta_hidden", delta_h[j], tuple(forms) + (delta_j,))

    # ∂J/∂w = ∂J/∂net · ∂net/∂w, with ∂net_k/∂w_kj = y_j and ∂net_j/∂w_ji = x_i from sympy.diff.
    dnet_dw_o, dnet_dw_h = _diff(net_k_def, w_o[k, j], reference), _diff(net_j_def, w_h[j, i], reference)
    grad_o = s * delta_o[k] * dnet_dw_o
    grad_h = s * delta_h[j] * dnet_dw_h
    rule_grad_o = Rule("grad_output_weight", dJ(w_o[k, j]),
                       (sp.Mul(dJ(net_o[k]), sp.Derivative(net_o[k], w_o[k, j]), evaluate=False), grad_o))
    rule_grad_h = Rule("grad_hidden_weight", dJ(w_h[j, i]),
                       (sp.Mul(dJ(net_h[j]), sp.Derivative(net_h[j], w_h[j, i]), evaluate=False), grad_h))
    # Δw = −η ∂J/∂w; written out with the δ rule substituted, as the appendix's summary does.
    upd_o, upd_h = -eta * grad_o, -eta * grad_h
    rule_upd_o = Rule("update_output_weight", update_o[k, j],
                      (-eta * dJ(w_o[k, j]), upd_o, upd_o.subs(delta_o[k], delta_k)))
    rule_upd_h = Rule("update_hidden_weight", update_h[j, i],
                      (-eta * dJ(w_h[j, i]), upd_h, upd_h.subs(delta_h[j], delta_j)))

    rules = [rule_delta_k, rule_delta_j, rule_grad_o, rule_grad_h, rule_upd_o, rule_upd_h]
    rules = tuple(_specialise(r, hidden, output, reference) for r in rules)
    if batch is not None:
        rules = tuple(_over_batch(r, batch) for r in rules)
    return GeneralDerivation(name, tuple(a.name for a in hidden), output.name, loss.name, notation, definitions,
                             rules, tuple(assumptions), batch=batch)


# A network with two or more hidden layers: l runs over the n_l units of the hidden layer above a hidden
# unit j; the layer below a later hidden layer is a hidden layer (its outputs u_p, n_H of them).
l = sp.Symbol("l", integer=True)
n_l = sp.Symbol("n_l", integer=True, positive=True)
INDEX_SYMBOLS |= {l, n_l}


@dataclass(frozen=True)
class DeeperRules:
    """What a network with several hidden layers adds to the six rules: the net of a later hidden layer
    (net_l: it takes the outputs of the layer below), δ_j of a hidden layer below another hidden layer (its
    sum runs over the layer above, not over the outputs), and the gradient and update of a weight w_jl
    from a unit j of one hidden layer into a unit l of the hidden layer above it (u_j of the layer below
    where an input-to-hidden weight has x_i; its update written out with δ_l of the last hidden layer)."""

    net_later: Rule
    delta_inner: Rule
    grad_between: Rule
    update_between: Rule
    update_first: Rule          # an input-to-hidden weight's update, its δ_j the one below a hidden layer


def deeper_rules(dv: GeneralDerivation, reference: bool = False) -> DeeperRules | None:
    """The rules of `DeeperRules` for a derivation of a network with two or more hidden layers (None
    otherwise), each by sympy.diff of the sums that define it as `_derive_general` derives δ_j: the
    layer above's nets net_l = Σ_p w_{pl}·u_p give ∂net_l/∂u_j, and δ_j = s·∂J/∂u_j·∂u_j/∂net_j with
    ∂J/∂u_j = Σ_l ∂J/∂net_l·∂net_l/∂u_j = s·Σ_l δ_l·w_{jl}. The δ rule is specialised with the
    activations of the hidden layers below another hidden layer, and the input-to-hidden update (into
    the first hidden layer, which is below another) with the first layer's. A weight w_jl between hidden
    layers: ∂J/∂w_jl = ∂J/∂net_l·∂net_l/∂w_jl = s·δ_l·u_j, and Δw_jl = −η·∂J/∂w_jl written out with δ_l
    of the last hidden layer, δ_l = g'(net_l)·Σ_k δ_k·w_lk (the output net's ∂net_k/∂u_l, by sympy.diff),
    specialised with the last hidden layer's activation: every weight between the hidden layers of a
    network with two of them goes into the last; with more, a weight into an earlier one has the δ_l of
    `delta_inner` (the check, rule_check.check_deeper, puts in the written-out form only where it holds)."""
    if len(dv.layer_activations) < 2 or not dv.hidden_layer:
        return None
    s = dv.notation.sign

    def dJ(var):
        return sp.Derivative(J, var)

    net_above = _net(w_h, l, y, n_H)                              # net_l of the hidden layer above
    dnet_dy = _diff(net_above, y[j], reference)                   # w_lj
    dy_dnet = _named(_diff(g(net_h[j]), net_h[j], reference))     # g'(net_j)
    delta_j = dy_dnet * sp.Sum(s * s * delta_h[l] * dnet_dy, (l, 1, n_l))
    forms = (s * dJ(net_h[j]),
             s * sp.Mul(dJ(y[j]), sp.Derivative(y[j], net_h[j]), evaluate=False),
             s * sp.Mul(sp.Sum(sp.Mul(dJ(net_h[l]), sp.Derivative(net_h[l], y[j]), evaluate=False), (l, 1, n_l)),
                        dy_dnet, evaluate=False),
             delta_j)
    inner = Rule("delta_hidden", delta_h[j], forms)
    # the weight w_jl from unit j of a hidden layer into unit l of the hidden layer above
    grad = s * delta_h[l] * _diff(net_above, w_h[l, j], reference)       # s·δ_l·u_j
    between = Rule("grad_hidden_to_hidden_weight", dJ(w_h[l, j]),
                   (sp.Mul(dJ(net_h[l]), sp.Derivative(net_h[l], w_h[l, j]), evaluate=False), grad))
    # δ_l of the last hidden layer (the layer above is the output layer), as _derive_general derives δ_j
    dnet_k_dy_l = _diff(_net(w_o, k, y, n_H), y[l], reference)         # w_kl
    dy_l_dnet = _named(_diff(g(net_h[l]), net_h[l], reference))        # g'(net_l)
    delta_l = dy_l_dnet * sp.Sum(s * s * delta_o[k] * dnet_k_dy_l, (k, 1, c))
    upd = -eta * grad
    update = Rule("update_hidden_to_hidden_weight", update_h[l, j],
                  (-eta * dJ(w_h[l, j]), upd, upd.subs(delta_h[l], delta_l)))
    upd_first = -eta * s * delta_h[j] * _diff(_net(w_h, j, x, d), w_h[j, i], reference)     # −η·δ_j·x_i
    first = Rule("update_hidden_weight", update_h[j, i],
                 (-eta * dJ(w_h[j, i]), upd_first, upd_first.subs(delta_h[j], delta_j)))
    output = dv.layer_activations[-1]           # not used: every rule here is of a hidden unit
    below = tuple(dict.fromkeys(dv.layer_activations[:-1]))
    rules = (_specialise(inner, below, output, reference), between,
             _specialise(update, dv.layer_activations[-1:], output, reference),
             _specialise(first, dv.layer_activations[:1], output, reference))
    if dv.batch is not None:
        rules = tuple(_over_batch(r, dv.batch) for r in rules)
    return DeeperRules(Rule("net_hidden", net_h[l], (net_above,)), *rules)


def _output_delta(s: int, loss, softmax: bool, J_of_z: sp.Expr, J_of_net: sp.Expr, assumptions: list[str],
                  reference: bool, targets_sum: bool = True) -> tuple[Rule, sp.Expr]:
    """The rule δ_k = s·∂J/∂net_k and its last form. For an elementwise g, z_m depends on net_k only
    for m = k, so ∂J/∂net_k = ∂J/∂z_k · ∂z_k/∂net_k; both factors are sympy.diff of the sums."""
    def dJ(var):
        return sp.Derivative(J, var)

    full = _named(_diff(J_of_net, net_o[k], reference))
    if softmax:
        full = _pull_constants(_softmax_named(full))
        if loss.target_sum is not None and targets_sum:
            # one-hot (or probability) targets, a fact of the loss's row: Σ_m t_m = 1
            full = full.subs(sp.Sum(t[m], (m, 1, c)), loss.target_sum)
            assumptions.append("targets_sum_to_one")
        delta_k = s * full
        delta_k = _shorter(sp.factor_terms(sp.expand(delta_k)), sp.factor_terms(delta_k), delta_k)
        chain = (s * dJ(net_o[k]),
                 s * sp.Sum(sp.Mul(dJ(z[m]), sp.Derivative(z[m], net_o[k]), evaluate=False), (m, 1, c)))
    else:
        dJ_dz = _diff(J_of_z, z[k], reference)
        dz_dnet = _named(_diff(g(net_o[k]), net_o[k], reference))
        # s multiplies ∂J/∂z_k first, where SymPy folds it in: (t_k − z_k)·g'(net_k) for s = −1
        outer = s * dJ_dz
        outer = _shorter(sp.factor_terms(sp.expand(outer), sign=False), outer)   # 2(t_k − z_k)/c
        delta_k = outer * dz_dnet
        if not _is_zero(s * full - delta_k, reference):   # the chain must agree with the direct diff
            raise AssertionError(f"chain rule and direct diff disagree for δ_k: {full} vs {delta_k}")
        chain = (s * dJ(net_o[k]), s * sp.Mul(dJ(z[k]), sp.Derivative(z[k], net_o[k]), evaluate=False))
    return Rule("delta_output", delta_o[k], chain + (delta_k,)), delta_k


def _without_hidden_layer(name: str, output: Activation, loss_name: str, notation: Notation, reference: bool,
                          batch: str | None, targets_sum: bool = True) -> GeneralDerivation:
    """The output rules of a network whose outputs take the inputs x_i directly (no hidden layer):
    δ_k, ∂J/∂w_ki = ∂J/∂net_k·x_i and Δw_ki; there is no δ_j."""
    s = notation.sign
    loss = losses.row(loss_name)
    softmax = output.name == "softmax"
    assumptions: list[str] = []
    net_k_def = _net(w_o, k, x, d)
    J_of_z, J_of_net, definitions = _output_layer(g, softmax, loss, net_k_def)
    rule_delta_k, delta_k = _output_delta(s, loss, softmax, J_of_z, J_of_net, assumptions, reference, targets_sum)
    dJ_dw = sp.Derivative(J, w_o[k, i])
    grad_o = s * delta_o[k] * _diff(net_k_def, w_o[k, i], reference)         # x_i
    grad_forms = (sp.Mul(sp.Derivative(J, net_o[k]), sp.Derivative(net_o[k], w_o[k, i]), evaluate=False), grad_o)
    difference = output_difference(delta_k, output)
    closed = None
    if difference is not None:
        # the textbook result of logistic (or softmax, or linear) regression, ∂J/∂w_ki = (z_k − t_k)·x_i:
        # δ_k put in where SymPy proves it a multiple of z_k − t_k (sigmoid + binary cross-entropy), the
        # convention's sign taken into the constant, so that both conventions read (z_k − t_k)·x_i
        constant = sp.cancel(s * difference / (z[k] - t[k]))
        closed = (z[k] - t[k]) * x[i] if constant == 1 else sp.Mul(constant, z[k] - t[k], x[i], evaluate=False)
        grad_forms += (closed if not delta_k.has(gprime) else grad_o.subs(delta_o[k], delta_k),)
    rule_grad_o = Rule("grad_output_weight", dJ_dw, grad_forms)
    upd_o = -eta * grad_o
    rule_upd_o = Rule("update_output_weight", update_o[k, i], (-eta * dJ_dw, upd_o, upd_o.subs(delta_o[k], delta_k)))
    rules = tuple(_specialise(r, (), output, reference) for r in (rule_delta_k, rule_grad_o, rule_upd_o))
    if closed is not None and rules[1].specialised:
        # g' put in: the difference SymPy proved (output_difference), not the product's own factors
        rules = (rules[0], replace(rules[1], specialised=((output.name, teacher_order(closed, OUTPUT_UNIT)),)),
                 rules[2])
    if batch is not None:
        rules = tuple(_over_batch(r, batch) for r in rules)
    return GeneralDerivation(name, (), output.name, loss.name, notation, definitions, rules, tuple(assumptions),
                             hidden_layer=False, batch=batch)


def output_difference(delta_k: sp.Expr, output: Activation) -> sp.Expr | None:
    """a·(z_k − t_k), with a a constant, where SymPy proves the output δ (`delta_k` with g' replaced by the
    output activation's derivative) equal to it: sigmoid with binary cross-entropy, softmax with
    cross-entropy (targets summing to 1), a linear output with squared error; else None.

    The constant is found as δ_k's coefficient of z_k at t_k = 0 and accepted only if it holds no
    quantity and the difference δ_k − a·(z_k − t_k) cancels, over one denominator, to 0."""
    e = delta_k
    if e.has(gprime):
        if not output.elementwise:
            return None
        e = e.replace(lambda a: a.func == gprime, lambda a: teacher_derivative(output, a.args[0], z[a.args[0].indices]))
    if e.has(sp.Sum, net_o) or not e.has(t[k]):
        return None
    at_zero = sp.cancel(sp.together(e.subs(t[k], 0)))
    a = sp.cancel(at_zero / z[k])
    if a == 0 or a.atoms(sp.Indexed) or a.has(sp.Sum):
        return None
    candidate = a * (z[k] - t[k])
    if sp.expand(sp.numer(sp.together(e - candidate))) != 0:
        return None
    return candidate


def per_sample(expr: sp.Expr) -> sp.Expr:
    """`expr` for sample n: every quantity of a unit gets the sample index (δ_k → δ_k^(n)); the
    weights and η are shared by the samples and stay."""
    return expr.replace(lambda e: isinstance(e, sp.Indexed) and e.base in PER_SAMPLE,
                        lambda e: PER_SAMPLE[e.base][(*e.indices, n_s)])


def batch_scale(batch: str) -> sp.Expr:
    """The factor of Σ_n J^(n) in J: 1/N for a mean over the samples, 1 for a sum."""
    return 1 / N if batch == "mean" else sp.Integer(1)


def _over_batch(rule: Rule, batch: str) -> Rule:
    """A weight rule written over the samples of a batch: ∂J/∂w = (1/N)·Σ_n ∂J^(n)/∂w = (1/N)·Σ_n
    (each later form, for sample n), the update likewise after its −η·∂J/∂w. The δ rules hold in
    each sample as they are."""
    if not rule.id.startswith(("grad_", "update_")):
        return rule
    scale = batch_scale(batch)

    def summed(e: sp.Expr) -> sp.Expr:
        return _pull_constants(scale * sp.Sum(per_sample(e), (n_s, 1, N)))

    if rule.id.startswith("grad_"):
        (dw,) = rule.lhs.variables
        forms = (summed(sp.Derivative(J_n[n_s], dw)),) + tuple(summed(f) for f in rule.forms[1:])
    else:
        forms = (rule.forms[0],) + tuple(summed(f) for f in rule.forms[1:])
    return Rule(rule.id, rule.lhs, forms, tuple((label, teacher_order(summed(f), rule_unit(rule.id)))
                                                for label, f in rule.specialised), sample=rule)


def _summand(expr: sp.Expr) -> sp.Expr | None:
    """The term of `a·Σ_m f(m)` as one summand a·f(m) (a is e.g. the 1/c of a mean), or None."""
    factors = sp.Mul.make_args(expr)
    sums = [f for f in factors if isinstance(f, sp.Sum)]
    if len(sums) != 1:
        return None
    return sp.Mul(*[f for f in factors if f is not sums[0]]) * sums[0].function


def _collapse_net(e: sp.Sum, reference: bool = False) -> sp.Expr:
    """Σ_p w_o[m, p] y_p (a net written out) back to net_o[m]."""
    f = e.function
    if isinstance(f, sp.Mul) and e.limits[0][1:] == (0, n_H):
        for fac in f.args:
            if isinstance(fac, sp.Indexed) and fac.base == w_o:
                if _is_zero(f - w_o[fac.indices[0], p] * y[p], reference):
                    return net_o[fac.indices[0]]
    return e


# g' as a polynomial in g (σ' = σ(1 − σ), tanh' = 1 − tanh², the bipolar sigmoid's (1 − g²)/2): of a
# degree at most this, found for an activation written as a formula (the table's rows are written so)
MAX_DEGREE_IN_G = 2
MAX_COEFFICIENT = 999      # numerators and denominators of a polynomial a teacher writes (½(1 − u²)); else g' in net
_SAMPLE_POINTS = ("3/10", "-7/10", "11/10", "-13/10", "1/2", "-1/3", "17/10", "-19/10", "2/7", "23/10", "-5/2")
_DIGITS = 50


def _at(expr: sp.Expr, point: sp.Expr) -> sp.Expr | None:
    """expr at x = point to `_DIGITS` digits, or None where that is not a finite real number."""
    try:
        value = sp.N(expr.xreplace({X: point}), _DIGITS)
    except (ArithmeticError, TypeError, ValueError):
        return None
    return value if value.is_Float and value.is_finite else None


@lru_cache(maxsize=64)
def derivative_in_g(g_of_x: sp.Expr, dg_of_x: sp.Expr) -> sp.Expr | None:
    """g'(x) as a polynomial in G = g(x) with small rational coefficients (a0 + a1·G + a2·G², each a fraction
    of at most three digits over three), where SymPy proves g' − P(g) = 0; None where no such polynomial of
    degree ≤ MAX_DEGREE_IN_G is found (or g' is a constant: nothing to write in g). Found, not typed: the coefficients solve P(g(x_r)) = g'(x_r) at rational points
    x_r (50 digits), are rounded to fractions, and must then hold at every other point and, exactly, under
    `sympy.simplify` of g' − P(g) (with its exponentials written out)."""
    if not dg_of_x.has(X) or g_of_x.has(sp.Float) or dg_of_x.has(sp.Float):
        return None
    points = []
    for text in _SAMPLE_POINTS:
        gv, dv = _at(g_of_x, sp.Rational(text)), _at(dg_of_x, sp.Rational(text))
        if gv is not None and dv is not None:
            points.append((gv, dv))
    for degree in range(1, MAX_DEGREE_IN_G + 1):
        if len(points) < degree + 3:
            return None
        first, rest = points[:degree + 1], points[degree + 1:]
        A = sp.Matrix([[gv**e for e in range(degree + 1)] for gv, _ in first])
        if abs(A.det()) < sp.Float("1e-20"):
            continue
        coefficients = A.LUsolve(sp.Matrix([dv for _, dv in first]))
        exact = [sp.Rational(Fraction(str(sp.N(a, 45))).limit_denominator(10**15)) for a in coefficients]
        if any(abs(a.p) > MAX_COEFFICIENT or a.q > MAX_COEFFICIENT for a in exact):
            continue            # LeCun's 1.7159·tanh(2x/3): 17159/15000 − 20000·u²/51477 reads worse than tanh
        P = sum(a * G**e for e, a in enumerate(exact))
        if P.free_symbols != {G} or any(abs(sp.N(P.subs(G, gv), _DIGITS) - dv) > sp.Float("1e-40") * (1 + abs(dv))
                                        for gv, dv in rest):
            continue
        difference = dg_of_x - P.subs(G, g_of_x)
        try:
            proven = sp.simplify(difference) == 0 or sp.simplify(difference.rewrite(sp.exp)) == 0
        except (ArithmeticError, TypeError, ValueError, NotImplementedError):
            proven = False
        if proven:
            return sp.factor_terms(P)
    return None


def teacher_derivative(act: Activation, net: sp.Expr, out: sp.Expr) -> sp.Expr:
    """g'(net) as the specialised rules write it: the table's teaching form (σ' = u(1 − u)); for an
    activation written as a formula, g' in u = g(net) where SymPy proves it a polynomial in g
    (`derivative_in_g`: 2/(1 + e^−x) − 1 and tanh(x/2) give (1 − u²)/2), else SymPy's g' in net."""
    if act.formula is not None:
        in_g = derivative_in_g(act.formula.g, act.formula.dg)
        if in_g is not None:
            # ½·(1 − u²) kept as a product: SymPy would spread a number over the sum, 1/2 − u²/2
            coefficient, rest = in_g.as_coeff_Mul()
            rest = rest.xreplace({G: out})
            return rest if coefficient == 1 else sp.Mul(coefficient, rest, evaluate=False)
    return act.derivative(net, out)


def _specialise(rule: Rule, hidden: tuple[Activation, ...], output: Activation, reference: bool = False) -> Rule:
    """Replace g' by each activation's own derivative (σ' = σ(1−σ), tanh' = 1 − tanh², ReLU' = step),
    written in the teacher's factor order (`teacher_order`) unless SymPy finds a shorter form (sigmoid
    with binary cross-entropy: t_k − z_k)."""
    expr = rule.rule
    if not expr.has(gprime):
        return rule
    out = []
    if any(a.func == gprime and getattr(a.args[0], "base", None) == net_h for a in expr.atoms(sp.Function)):   # a hidden unit's rule: one form per hidden activation
        for act in dict.fromkeys(hidden):
            out.append((act.name, lambda a, act=act: teacher_derivative(act, a.args[0], y[a.args[0].indices])))
    elif output.elementwise:
        out.append((output.name, lambda a: teacher_derivative(output, a.args[0], z[a.args[0].indices])))
    forms = []
    for label, derivative in out:
        e = expr.replace(lambda a: a.func == gprime, derivative)
        best = _shortest_form(e, reference)
        if isinstance(expr, sp.Mul):
            # the rule's own factors with g' replaced in place, unless SymPy's form is shorter by more than a
            # sign (a cancellation): −η·(u_k − t_k)·g'(net_k)·y_j keeps its −η, where the factored product
            # folds the sign into the difference, η·(t_k − u_k)·step(net_k)·y_j
            factors = [d for f in expr.args for d in (sp.Mul.make_args(derivative(f)) if f.func == gprime else (f,))]
            factors = [f for f in factors if f != 1]
            kept = factors[0] if len(factors) == 1 else sp.Mul(*factors, evaluate=False)
            if sp.count_ops(kept) <= sp.count_ops(best) + 1:
                best = kept
        forms.append((label, teacher_order(best, rule_unit(rule.id))))
    return Rule(rule.id, rule.lhs, rule.forms, tuple(forms))


# The quantities of the unit a rule is about (its net and its own output, in one sample or sample n):
# the factors of g' in a specialised rule hold nothing else.
OUTPUT_UNIT = (net_o, z, PER_SAMPLE[net_o], PER_SAMPLE[z])
HIDDEN_UNIT = (net_h, y, PER_SAMPLE[net_h], PER_SAMPLE[y])


# a weight w_jl between hidden layers is about unit l (its net and output, in one sample or sample n), not
# about the u_j it multiplies, though both are hidden outputs: the unit is named by its quantities
ABOVE_UNIT = (net_h[l], y[l], PER_SAMPLE[net_h][l, n_s], PER_SAMPLE[y][l, n_s])


def rule_unit(rule_id: str) -> tuple[sp.Basic, ...]:
    """The bases of the quantities of the unit rule `rule_id` is about (for `teacher_order`), or, for a
    weight between hidden layers, those quantities themselves."""
    if rule_id in ("grad_hidden_to_hidden_weight", "update_hidden_to_hidden_weight"):
        return ABOVE_UNIT
    return OUTPUT_UNIT if rule_id in ("delta_output", "grad_output_weight", "update_output_weight") else HIDDEN_UNIT


def teacher_order(expr: sp.Expr, unit: tuple[sp.IndexedBase, ...] = ()) -> sp.Expr:
    """`expr` with each product rebuilt, unevaluated, in the order a teacher writes it: the number
    (one coefficient: −2, not −1·2), the other constants (η, 1/c, 1/N), then the g' factors (g'(net)
    itself, and in a specialised rule those in the `unit`'s own net and output only: z_k, 1 − z_k),
    its plain quantity before the others (z_k(1 − z_k)), then the rest in SymPy's order (the loss's
    factor t_k − z_k, y_j), a logarithm after its coefficient (−t_m ln z_m) and a sum last (x_i·Σ_k
    δ_k w_kj). Sums of terms are rebuilt in SymPy's printed order. The value is the same expression;
    a printer with order='none' shows it as built (render/rules.py), so that every format, and the
    general rules and their specialised forms alike, read g'(net_k)·(u_k − t_k) as `solve` does."""
    if isinstance(expr, sp.Sum):
        inner = teacher_order(expr.function, unit)
        return expr if inner is expr.function else sp.Sum(inner, *expr.limits)
    if isinstance(expr, sp.Add):
        return sp.Add(*[teacher_order(t, unit) for t in expr.as_ordered_terms()], evaluate=False)
    if isinstance(expr, sp.Pow):
        base = teacher_order(expr.base, unit)
        return expr if base is expr.base else sp.Pow(base, expr.exp, evaluate=False)
    if not isinstance(expr, sp.Mul):
        return expr
    coeff, factors = sp.Integer(1), []
    for f in expr.as_ordered_factors():
        if f.is_Number:
            coeff *= f
        else:
            factors.append(f)
    sums = [f for f in factors if isinstance(f, sp.Sum)]
    constants = [f for f in factors if not f.atoms(sp.Indexed) and f not in sums]
    gp = [f for f in factors if f not in sums and f not in constants and (_is_gprime(f) or _of_unit(f, unit))]
    plain = [f for f in gp if isinstance(f, sp.Indexed) or (f.is_Pow and isinstance(f.base, sp.Indexed))]
    rest = [f for f in factors if f not in sums and f not in constants and f not in gp]
    logs = [f for f in rest if isinstance(f, sp.log)]
    ordered = ([coeff] if coeff != 1 else []) + [*constants, *plain, *[f for f in gp if f not in plain],
                                                 *[f for f in rest if f not in logs], *logs, *sums]
    ordered = [teacher_order(f, unit) for f in ordered]
    return ordered[0] if len(ordered) == 1 else sp.Mul(*ordered, evaluate=False)


def _is_gprime(factor: sp.Expr) -> bool:
    """Whether `factor` is g'(net) of some unit (or a power of it)."""
    return factor.func == gprime or (factor.is_Pow and factor.base.func == gprime)


def _of_unit(factor: sp.Expr, unit: tuple[sp.IndexedBase, ...]) -> bool:
    """Whether `factor` is a factor of g': it holds quantities, all of the rule's own unit."""
    quantities = factor.atoms(sp.Indexed)
    return bool(quantities) and all(q.base in unit or q in unit for q in quantities)


def _shortest_form(expr: sp.Expr, reference: bool = False) -> sp.Expr:
    """The shortest of the rule, its factored form and its simplified form (a rule with a sum stays).

    `simplify` distributes a rule with a Piecewise (leaky ReLU, ELU) into every branch, and turns
    sign (the L1 loss) into a Piecewise first; that never came out shorter on any activation × loss
    × convention and cost 0.1–0.25 s a rule, so it is only tried with `reference`
    (tests/test_derive_speed.py checks, on every combination, that it would not have won).
    """
    if expr.has(sp.Sum):
        return expr
    if expr.has(sp.Piecewise, sp.sign) and not reference:
        return _shorter(expr, sp.factor(expr))
    return _shorter(expr, sp.factor(expr), sp.simplify(expr))


# derived once per value of its arguments (memo.py): every part with these activations, loss and notation,
# in any file, has the same general rules, and check, grade and derive ask for them per run
def _general_key(name, hidden, output, loss_name, *rest, **kwargs):
    return args_key(name, hidden, output, loss_name, *rest, **kwargs) + (table_rows((*hidden, output), loss_name),)


derive_general = ValueMemo(_derive_general, _general_key, size=32)
derive_general.__doc__ = _derive_general.__doc__


# -- shared (tied) weights --------------------------------------------------------------------------------

@dataclass(frozen=True)
class SharedRules:
    """A parameter the file ties several weights to (`shared: {p: [w_a_b, …]}`): the loss depends on p
    through each of its edges e, w_e = p, so ∂J/∂p = Σ_e ∂J/∂w_e·∂w_e/∂p = Σ_e ∂J/∂w_e, each ∂J/∂w_e the
    general rule of its edge's kind (hidden-to-output, input-to-hidden, between hidden layers) at the
    edge's units, and p gets one update, Δp = −η·∂J/∂p. `edge_rules`: the id of the rule of each edge."""

    name: str
    edges: tuple[tuple[str, str], ...]       # (from, to) unit ids, as the file names them
    edge_rules: tuple[str, ...]
    grad: Rule
    update: Rule
    frozen: bool = False                     # the file freezes its edges: p is not updated (Δp = 0)


def unit_index(unit: str) -> sp.Expr:
    """A unit id as an index of the rules' quantities: δ_3 for unit 3, δ_h1 for unit h1."""
    return sp.Integer(int(unit)) if unit.isdigit() else sp.Symbol(unit)


def _edge_rule(dv: GeneralDerivation, source: str, target: str, layers) -> tuple[Rule, dict]:
    """The general gradient rule of the weight source → target and its index letters put to the units."""
    into = next(n for n, layer in enumerate(layers) if target in layer)
    src, tgt = unit_index(source), unit_index(target)
    if into == len(layers) - 1:
        return dv.rule("grad_output_weight"), {k: tgt, (j if dv.hidden_layer else i): src}
    if into == 0:
        return dv.rule("grad_hidden_weight"), {j: tgt, i: src}
    assert dv.deeper is not None                 # a hidden layer above another: the network has two or more
    return dv.deeper.grad_between, {l: tgt, j: src}


def _bias_put_in(expr: sp.Expr, bias: str | None, bias_input: int) -> sp.Expr:
    """`expr` with the bias unit's output (x_0, y_0, in each sample) replaced by its value, the bias_input."""
    if bias is None:
        return expr
    b = unit_index(bias)
    bases = {x, y, PER_SAMPLE[x], PER_SAMPLE[y]}
    return expr.replace(lambda e: isinstance(e, sp.Indexed) and e.base in bases and e.indices[0] == b,
                        lambda e: sp.Integer(bias_input))


def _one_sum(expr: sp.Expr) -> sp.Expr:
    """Σ_n a_n + Σ_n b_n (each with its constant, as the batch rules write them) as a·Σ_n (…): the terms
    of one sum over the samples, the common constant in front; `expr` as it is without such sums."""
    terms = sp.Add.make_args(sp.expand(expr, deep=False, mul=True, multinomial=False, power_exp=False,
                                       power_base=False, log=False))
    inner, limits = [], None
    for term in terms:
        const, rest = term.as_independent(sp.Sum, as_Add=False)
        if not isinstance(rest, sp.Sum) or (limits is not None and rest.limits != limits):
            return expr if expr.has(sp.Sum) else sp.factor_terms(expr)   # δ_3·x_1 + δ_3·x_2 → δ_3·(x_1 + x_2)
        limits = rest.limits
        inner.append(const * rest.function)
    if limits is None:
        return expr
    return _pull_constants(sp.Sum(sp.factor_terms(sp.Add(*inner)), *limits))


def shared_rules(dv: GeneralDerivation, shared, layers, bias: str | None,
                 frozen: frozenset = frozenset()) -> tuple[SharedRules, ...]:
    """The rules of each shared parameter (`SharedRules`) of a part with these `layers` (unit ids),
    `bias` unit and `shared` groups (Part.shared); `frozen`: the (from, to) edges the file freezes. The chain ∂J/∂p = Σ_e ∂J/∂w_e·∂w_e/∂p is taken by
    sympy.diff of each tied weight w_e = p; each ∂J/∂w_e is the derived rule of its edge (its form in δ,
    before the δ rule is put in) at the edge's units; the bias unit's output is put in, and the terms are
    gathered into one sum over the samples of a batch."""
    out = []
    for name, edges in shared:
        p_sym = sp.Symbol(name, real=True)
        chain, terms, ids = [], [], []
        for source, target in edges:
            rule, idx = _edge_rule(dv, source, target, layers)
            w_e = rule.lhs.variables[0].xreplace(idx)        # the edge's weight, tied: w_e = p
            dw_dp = sp.diff(w_e.xreplace({w_e: p_sym}), p_sym)
            chain.append(sp.Mul(sp.Derivative(J, w_e), dw_dp, evaluate=False) if dw_dp != 1
                         else sp.Derivative(J, w_e))
            terms.append(dw_dp * rule.forms[1].xreplace(idx))
            ids.append(rule.id)
        summed = sp.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]
        valued = _one_sum(_bias_put_in(sp.Add(*terms), bias, dv.bias_input))
        grad_forms = tuple(dict.fromkeys((sp.Add(*chain, evaluate=False) if len(chain) > 1 else chain[0],
                                          summed, valued)))
        grad = Rule(f"grad_shared_{name}", sp.Derivative(J, p_sym), grad_forms)
        update = Rule(f"update_shared_{name}", sp.Symbol(f"Delta_{name}", real=True),
                      (-eta * sp.Derivative(J, p_sym), sp.factor_terms(-eta * valued)))
        out.append(SharedRules(name, tuple(edges), tuple(ids), grad, update,
                               frozen=all(tuple(e) in frozen for e in edges)))
    return tuple(out)


# -- input gradients (input_gradients: true) ---------------------------------------------------------------

def input_gradient_rule(dv: GeneralDerivation, reference: bool = False) -> Rule:
    """∂J/∂x_i of an input x_i, derived as the weights' rules are: x_i enters J only through the nets of the
    units it feeds (the first hidden layer's net_j, or the outputs' net_k with no hidden layer), so
    ∂J/∂x_i = Σ_j ∂J/∂net_j·∂net_j/∂x_i, with ∂net_j/∂x_i = w_ji by sympy.diff of net_j = Σ_p w_jp x_p and
    ∂J/∂net_j = s·δ_j (s the δ convention's sign). In a batch x_i^(n) enters only the loss J^(n) of its
    sample: ∂J/∂x_i^(n) = ∂J/∂J^(n)·∂J^(n)/∂x_i^(n), ∂J/∂J^(n) by sympy.diff of J = (1/N)·Σ_m J^(m) (or Σ_m)."""
    s = dv.notation.sign
    if dv.hidden_layer:
        net_b, delta_b, w_b, q, size = net_h, delta_h, w_h, j, n_H
    else:
        net_b, delta_b, w_b, q, size = net_o, delta_o, w_o, k, c
    dnet_dx = _diff(_net(w_b, q, x, d), x[i], reference)               # w_ji
    chain = sp.Sum(sp.Mul(sp.Derivative(J, net_b[q]), sp.Derivative(net_b[q], x[i]), evaluate=False), (q, 1, size))
    rule = s * sp.Sum(delta_b[q] * dnet_dx, (q, 1, size))
    if dv.batch is None:
        return Rule("grad_input", sp.Derivative(J, x[i]), (chain, rule))
    m_ = sp.Symbol("m", integer=True)
    dJ_dJn = _diff(batch_scale(dv.batch) * sp.Sum(J_n[m_], (m_, 1, N)), J_n[n_s], reference)   # 1/N or 1
    x_n = PER_SAMPLE[x][i, n_s]
    per = sp.Mul(sp.Derivative(J, J_n[n_s]), sp.Derivative(J_n[n_s], x_n), evaluate=False)
    chain_n = per_sample(chain).xreplace({J: J_n[n_s]})                  # Σ_j ∂J^(n)/∂net_j^(n)·∂net_j^(n)/∂x_i^(n)
    return Rule("grad_input", sp.Derivative(J, x_n), (per, dJ_dJn * chain_n, dJ_dJn * per_sample(rule)),
                sample=Rule("grad_input", sp.Derivative(J_n[n_s], x_n), (chain_n, per_sample(rule))))

