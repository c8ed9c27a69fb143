"""The backward steps of a solution: the backward walk (backward.py) written as the teacher writes it.

The walk gives ∂J/∂s = Σ over the consumers c of s of ∂J/∂c · ∂c/∂s. Here its results become the
lecture's named quantities, for every unit j of every sample n:

    g'(net_j)  the activation's table derivative (activations.py), a step of its own;
    δ_j        s·∂J_n/∂net_j (s = +1 for `dJ_dnet`, −1 for `minus_dJ_dnet`), so that
               δ_k = g'(net_k)·s·∂J_n/∂u_k at the outputs and δ_j = g'(net_j)·Σ_k w_jk δ_k below;
    ∂J/∂w_ij   Σ_n ∂J/∂J_n · s·δ_j^(n) · u_i^(n), the walk's last step over the samples;
    Δw_ij      a row of the update-rule table (updates.py), and the updated weight w + Δw.

Every rule stays in the named symbols of one layer, so the cost grows linearly with the weights.
Where the output δ simplifies (softmax with cross-entropy, sigmoid with binary cross-entropy) the
step shows the simple form s·(u_k − t_k) (Assignment.simple; the value is still the walk's rule),
decided by SymPy (`simple_output_delta`), not by the names of the activation and loss.
"""
from __future__ import annotations

import sympy as sp

from . import losses, updates
from .backward import Contribution, chain_sum, walk
from .fastops import plus, times
from .model import Assignment, Model
from .quantity import Key


def derive(model: Model, optimizer: str = updates.DEFAULT) -> list[Assignment]:
    """The backward assignments: g'(net_j), δ_j, ∂J/∂w, Δw (by the `optimizer` row of updates.TABLE)
    and the updated weights, in order."""
    part, s = model.part, model.part.notation.sign
    nodes = {a.symbol for a in model.forward}
    weights = set(model.w.values())
    inputs = _input_symbols(model)          # x_i^(n), when the part asks for ∂J/∂x_i (else empty)

    def wanted(sym: sp.Symbol) -> bool:
        return sym in nodes or sym in weights or sym in inputs

    # ∂J/∂J_n: 1/N for a mean over the batch, 1 for a sum or a single sample
    if model.batched:
        top = walk(model, [a for a in model.forward if a.sample is None], {model.loss: sp.Integer(1)}, wanted)
        dJ_dJn = [chain_sum(top[model.sample_loss(n)]) for n in range(model.n_samples)]
    else:
        dJ_dJn = [sp.Integer(1)]

    named: dict[sp.Symbol, Assignment] = {}         # the g' and δ steps, by symbol
    to_weights: dict[sp.Symbol, list[Contribution]] = {w: [] for w in weights}
    for n in range(model.n_samples):
        def adjoint(a: Assignment, contributions: list[Contribution], n: int = n) -> sp.Expr:
            info = model.info[a.symbol]
            if info.kind == "u" and model.act_of[info.unit].elementwise:
                gp = model.gprime(info.unit, n)
                named[gp] = Assignment(Key("gprime", info.unit, sample=model.per_sample(n)), gp,
                                       model.act_of[info.unit].derivative(model.net(info.unit, n), a.symbol),
                                       _section(model, info.unit))
            elif info.kind == "net":
                delta = model.delta(info.unit, n)
                rule = _signed(s, contributions)
                simple = simple_output_delta(model, info.unit, n, rule) if _is_output(model, info.unit) else None
                named[delta] = Assignment(Key("delta", info.unit, sample=model.per_sample(n)), delta, rule,
                                          _section(model, info.unit), simple=simple)
                return s * delta                # ∂J_n/∂net_j = s·δ_j, for the layers before
            return chain_sum(contributions)

        gathered = walk(model, [a for a in model.forward if a.sample == model.per_sample(n)],
                        {model.sample_loss(n): sp.Integer(1)}, wanted, adjoint)
        for w in weights:
            to_weights[w] += [(times(dJ_dJn[n], up), local) for up, local in gathered.get(w, ())]
        for x in inputs:
            if model.info[x].sample == model.per_sample(n):
                inputs[x] = [(times(dJ_dJn[n], up), local) for up, local in gathered.get(x, ())]

    steps: list[Assignment] = []
    for li in reversed(range(len(part.layers))):
        layer, act = part.layers[li], part.activations[li]
        for n in range(model.n_samples):
            if act.elementwise:
                steps += [named[model.gprime(j, n)] for j in layer]
            steps += [named[model.delta(j, n)] for j in layer]
        steps += _weight_steps(model, layer, to_weights, updates.TABLE[optimizer])
    return steps + _input_steps(model, inputs) + _shared_steps(model, updates.TABLE[optimizer])


def _shared_steps(model: Model, rule: updates.UpdateRule) -> list[Assignment]:
    """A shared parameter p on the edges e: ∂J/∂p = Σ_e ∂J/∂w_e (each edge's gradient, from the walk),
    one update Δp by the update rule's row, p^new = p + Δp, and each edge's updated weight p^new."""
    steps, edges_new = [], []
    for name, edges in model.part.shared:
        grad = sp.Add(*[model.symbol("grad", j, source=i) for i, j in edges])
        gsym = model.symbol("sgrad", name)
        steps.append(Assignment(Key("grad_shared", name), gsym, grad, "shared"))
        step, _ = rule.update(gsym, model.eta, rule.initial_state(), frozen=model.weights[edges[0]].frozen)
        usym = model.symbol("supdate", name)
        steps.append(Assignment(Key("update_shared", name), usym, step, "shared"))
        nsym = model.symbol("snew", name)
        steps.append(Assignment(Key("new_shared", name), nsym, plus(model.shared[name], usym), "updated"))
        edges_new += [Assignment(Key("new_w", j, source=i), model.symbol("new", j, source=i), nsym, "updated")
                      for i, j in edges]
    return steps + edges_new


def _input_symbols(model: Model) -> dict[sp.Symbol, list[Contribution]]:
    """x_i^(n) of every input unit and sample -> its contributions (filled by the walk), when the
    part has `input_gradients: true`; empty otherwise, so that other solutions are unchanged."""
    if not model.part.input_gradients:
        return {}
    return {model.out(i, n): [] for n in range(model.n_samples) for i in model.part.inputs}


def _input_steps(model: Model, inputs: dict[sp.Symbol, list[Contribution]]) -> list[Assignment]:
    """∂J/∂x_i of every input unit of every sample: the same walk's sum over the units x_i feeds,
    Σ_j ∂J/∂net_j · w_ij = s·Σ_j δ_j·w_ij (times ∂J/∂J_n in a batch)."""
    steps = []
    for x, contributions in inputs.items():
        info = model.info[x]
        steps.append(Assignment(Key("grad_x", info.unit, sample=info.sample),
                                model.symbol("gradx", info.unit, sample=info.sample),
                                _factored(chain_sum(contributions)), "inputs"))
    return steps


def _is_output(model: Model, unit: str) -> bool:
    return model.layer_of[unit] == len(model.part.layers)


def _section(model: Model, unit: str) -> str:
    return "output" if _is_output(model, unit) else "hidden"


def _signed(s: int, contributions: list[Contribution]) -> sp.Expr:
    """s·Σ_c ∂J/∂c·∂c/∂net. With one consumer the sign goes on ∂J/∂c, where SymPy folds it in
    ((t_k − u_k)·g'(net_k), g'(net_j)·Σ_k w_jk δ_k for s = −1); with several, on the sum."""
    if len(contributions) == 1:
        up, local = contributions[0]
        return times(times(sp.Integer(s), up), local)
    return s * chain_sum(contributions)


def simple_output_delta(model: Model, k: str, n: int, rule: sp.Expr) -> sp.Expr | None:
    """s·(u_k − t_k) when the output δ's `rule` equals it, else None.

    Decided by SymPy: g'(net_k) is replaced by its table derivative (sigmoid: u_k(1 − u_k)) and,
    where the loss's row says its targets sum to one (cross-entropy) and this sample's targets do,
    the last target by 1 − Σ of the others; the difference with s·(u_k − t_k) must then cancel to 0."""
    part, s = model.part, model.part.notation.sign
    u, t = model.out(k, n), model.target(k, n)
    simple = s * (u - t)
    if rule == simple:
        return None                       # already the simple form
    composed = rule.xreplace({model.gprime(j, n): model.act_of[j].derivative(model.net(j, n), model.out(j, n))
                              for j in part.outputs if model.act_of[j].elementwise})
    loss = losses.of(part)
    if loss.target_sum is not None and loss.targets_fit([v for _, v in part.samples[n].t]):
        ts = [model.target(m, n) for m in part.outputs]
        composed = composed.xreplace({ts[-1]: loss.target_sum - sp.Add(*ts[:-1])})
        simple_cmp = simple.xreplace({ts[-1]: loss.target_sum - sp.Add(*ts[:-1])})
    else:
        simple_cmp = simple
    difference = composed - simple_cmp
    if sp.expand(difference) == 0:                         # a polynomial identity (softmax + cross-entropy)
        return simple
    if any(p.exp.is_negative for p in difference.atoms(sp.Pow)):   # fractions (sigmoid + BCE): over one denominator
        return simple if sp.expand(sp.numer(sp.together(difference))) == 0 else None
    return None


def _weight_steps(model: Model, layer, to_weights: dict[sp.Symbol, list[Contribution]],
                  rule: updates.UpdateRule) -> list[Assignment]:
    """∂J/∂w, Δw (the update rule's row) and the updated weight of every weight into `layer`."""
    grads, deltas, new = [], [], []
    for j in layer:
        for i in model.prev[j]:
            w = model.w[(i, j)]
            # factor_terms pulls out the batch's 1/N and the convention's sign: −(δ^(1)x^(1) + …)/2
            grad = _factored(chain_sum(to_weights[w]))
            grads.append(Assignment(Key("grad_w", j, source=i), model.symbol("grad", j, source=i), grad,
                                    _section(model, j)))
            if (i, j) in model.tied:           # one update for the shared parameter (_shared_steps)
                continue
            step, _ = rule.update(grad, model.eta, rule.initial_state(), frozen=model.weights[(i, j)].frozen)
            usym = model.symbol("update", j, source=i)
            deltas.append(Assignment(Key("update_w", j, source=i), usym, step, _section(model, j)))
            new.append(Assignment(Key("new_w", j, source=i), model.symbol("new", j, source=i), plus(w, usym),
                                  "updated"))
    return grads + deltas + new


def _factored(grad: sp.Expr) -> sp.Expr:
    """factor_terms(grad), which leaves a symbol or a plain product (δ_j·u_i, −δ_j·u_i/2: a single
    sample) as it is: those are returned without asking it."""
    if grad.is_Symbol or (grad.is_Mul and all(a.is_Atom for a in grad.args)):
        return grad
    return sp.factor_terms(grad)
