"""The mistakes students make in backprop, each recognised by recomputing under it.

Every diagnosis is a variant of the step's own rule — a leaf replaced (g(net) for g'(net), the
g' of another unit, η by 1, the bias input by 0, a weight by its updated value) or the value
transformed (its negative, twice it), or g'(net) written as another activation's derivative — evaluated
with the true values and with the student's own earlier values. The variant that reproduces the student's
number names the mistake; two that reproduce it equally are decided (`explain`) or both said.
"""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, Callable

import sympy as sp

from .. import losses
from ..messages import said, templates
from ..printing import format_value
from ..quantity import Key
from .compare import compare_number
from .own import mean_units, square_two

if TYPE_CHECKING:          # pragma: no cover
    from .checker import Checker, Verdict

# the sentence of each diagnosis, from the message catalogue (symbackprop/messages, ids diagnosis.CODE):
# MESSAGES[code].format(...) is the English sentence, which a report in another language says again
MESSAGES = {code: t for code, t in templates("diagnosis").items()
            if code in ("other_convention", "sign", "half_missing", "g_not_gprime", "wrong_unit", "relu_g0",
                        "eta_missing", "bias_zero", "updated_weight", "old_weight", "update_subtracted",
                        "loss_doubled", "mean_missing", "bias_plus_one")}
# (the derivative of another activation, code `other_activation`, is said with its own fields: _other_derivatives)


# a mistake charged once, as a follow-through names it: "follows from your Δw_{13} (η left out, charged at Δw_{05})".
# (The loss without its ½ is not here: it changes the student's loss, and the later steps do follow from
# their L, so they name L, "the first error", as before.)
CHARGED_ONCE = {code: t for code, t in templates("charged").items()}      # ids charged.CODE of the catalogue


# the kinds whose value the loss does not drive: a slip in the loss's factor cannot explain them (the forward
# pass, g', the updated weight; dropout's ũ_j and the test-time pass)
NOT_FROM_LOSS = ("net", "act", "gprime", "new_w", "masked", "test_net", "test_act", "test_masked")


def _variants(ch: "Checker", qid: str) -> list[tuple[str, str, Callable[[dict], float | None]]]:
    """(code, message, value at given leaf values) for every mistake that applies to this step;
    built once per step and checker."""
    if qid not in ch.variants:
        with ch.meter.shared():                        # built once for every student
            ch.variants[qid] = _build_variants(ch, qid)
    return ch.variants[qid]


def _build_variants(ch: "Checker", qid: str) -> list[tuple[str, str, Callable[[dict], float | None]]]:
    psol = ch.psol
    step = psol.step(qid)
    key = step.key
    part = psol.part
    names = psol.names.text
    sym_of = {s.key: s.symbol for s in psol.steps}
    key_of = {s.symbol: s.key for s in psol.steps}
    leaves = step.forms[-1].free_symbols if step.forms else set()
    out: list[tuple[str, str, Callable]] = []

    recompute = ch.steps.recompute

    def rule_with(replace):
        def at(vals):
            return recompute(qid, vals, replace)
        # what the mistake's rule leaves out and puts in, for a written rule to tell tied mistakes apart (_by_writing)
        at.swap = (frozenset(replace), frozenset().union(*(sp.sympify(v).free_symbols for v in replace.values())))
        return at

    def scaled(k):
        def at(vals):
            v = recompute(qid, vals)
            return None if v is None else k * v
        at.swap = (frozenset(), frozenset())            # the step's own rule, its value scaled: the same symbols
        return at

    bias = next((s for s in leaves if s not in key_of), None)    # the one symbol without a step: x_0 = 1
    if bias is not None and part.bias_input == -1:
        # a threshold network's bias input taken as +1 (Δθ = ηδ·1): first, before the sign slip and the
        # other δ convention that negate the same value, since it names what the student did
        out.append(("bias_plus_one", MESSAGES["bias_plus_one"], rule_with({bias: 1})))
    if key.kind == "delta":
        out.append(("other_convention", convention_message(psol), scaled(-1)))
    else:
        out.append(("sign", MESSAGES["sign"], scaled(-1)))
    eta = sym_of[Key("learning_rate")] if sym_of.get(Key("learning_rate")) in leaves else None
    if eta is not None and part.learning_rate != 1:
        out.append(("eta_missing", eta_missing_message(part), rule_with({eta: 1})))
    if losses.of(part).half and key.kind not in NOT_FROM_LOSS:
        out.append(("half_missing", half_missing_message(part), scaled(2)))
    k_out = mean_units(part)
    if k_out and key.kind not in NOT_FROM_LOSS:
        # a mean over the K outputs (mse) taken as their sum, or its derivative 2(u − t) for (2/K)(u − t):
        # K times the loss and every value driven by it (before loss_doubled, which it names more closely)
        out.append(("mean_units_missing", mean_units_message(k_out, letters=_error_letters(part)), scaled(k_out)))
    n = len(part.samples)
    if n > 1 and key.sample is None and key.kind in BATCH_KINDS:
        # the batch's loss or gradient summed where the problem takes the mean (N times), or averaged where
        # it sums (1/N times): N is the part's batch size
        if part.batch_scale != 1:
            out.append(("mean_missing", MESSAGES["mean_missing"].format(n=n) if key.kind == "loss"
                        else said("diagnosis.mean_missing_gradient", n=n), scaled(n)))
        else:
            out.append(("batch_mean_taken", said("diagnosis.batch_mean_taken", n=n), scaled(sp.Rational(1, n))))
    if key.kind == "loss":
        # for a loss without a ½ (half_missing says that one), the loss counted twice: a factor of 2, not a
        # copied given
        if not losses.of(part).half:
            out.append(("loss_doubled", MESSAGES["loss_doubled"], scaled(2)))
    gps = [sym for k, sym in sym_of.items() if k.kind == "gprime"]       # in the solution's order
    used = [g for g in gps if g in leaves]
    for gp in used:                                        # a δ that used another g'(0) at a ReLU kink
        g0 = _relu_kink(ch, gp)
        for other in _other_g0(g0):
            out.append(("relu_g0", MESSAGES["relu_g0"].format(used=_given(other, part), own=_given(g0, part)),
                        rule_with({gp: other})))
    for gp in used:
        u = sym_of.get(key_of[gp].like("act"))
        net = names.get(sym_of.get(key_of[gp].like("net")), "net")
        if u is not None:
            out.append(("g_not_gprime", MESSAGES["g_not_gprime"].format(net=net), rule_with({gp: u})))
        sample = key_of[gp].sample
        for other in gps:
            if other != gp and key_of[other].sample == sample:      # another unit, same sample
                out.append(("wrong_unit", MESSAGES["wrong_unit"].format(used=names[other], right=names[gp]),
                            rule_with({gp: other})))
    if key.kind == "gprime":
        g0 = _relu_kink(ch, step.symbol)
        for other in _other_g0(g0):
            out.append(("relu_g0", MESSAGES["relu_g0"].format(used=_given(other, part), own=_given(g0, part)),
                        lambda vals, other=other: float(other)))
        u = sym_of.get(key.like("act"))
        net_name = names.get(sym_of.get(key.like("net")), "net")
        if u is not None:
            out.append(("g_not_gprime", MESSAGES["g_not_gprime"].format(net=net_name), lambda vals, u=u: vals.get(u)))
        for words, expr in _other_derivatives(psol, key, sym_of):
            out.append(("other_activation", words, _at_values(expr)))
    for gp in used:                  # a δ that used the derivative of another activation for g'(net_j)
        for words, expr in _other_derivatives(psol, key_of[gp], sym_of):
            out.append(("other_activation", words, rule_with({gp: expr})))
    for gp in used:                  # a leaky ReLU's g' taken as the plain ReLU's, or at the default slope
        for code, words, form in _leaky_slips(psol, key_of[gp], sym_of):
            out.append((code, words, rule_with({gp: form})))
    if key.kind == "gprime":
        for code, words, form in _leaky_slips(psol, key, sym_of):
            out.append((code, words, _at_values(form)))
    extra = _extra_gprime(psol, key, sym_of, leaves)
    if extra is not None:            # softmax (or sigmoid) + cross-entropy: an output δ with g' multiplied in
        u, words = extra
        out.append(("extra_gprime", words, lambda vals, u=u: None if (v := recompute(qid, vals)) is None
                    or vals.get(u) is None else v * vals[u] * (1 - vals[u])))
    for gp in used:                  # g'(net_j) left out (taken as 1): a ReLU's mask forgotten where it is 0
        net = names.get(sym_of.get(key_of[gp].like("net")), "net")
        masked = ch.true.get(gp) == 0 and _relu_kink(ch, gp) is None
        out.append(("gprime_missing", said("diagnosis.relu_mask_missing" if masked else "diagnosis.gprime_missing",
                                           net=net), rule_with({gp: sp.Integer(1)})))
    if key.kind == "delta":
        # a hidden δ whose sum over the units above has a term left out (Mazur's δ_h1 with δ_o1·w5 only)
        order = {s.symbol: i for i, s in enumerate(psol.steps)}
        above = sorted((s for s in leaves if s in key_of and key_of[s].kind == "delta"), key=lambda s: order[s])
        if len(above) >= 2:
            for d in above:
                w = sym_of.get(Key("w", key_of[d].unit, source=key.unit))
                term = f"{names.get(d, d)}·{names.get(w, w)}" if w is not None and w in leaves else names.get(d, str(d))
                out.append(("sum_incomplete", said("diagnosis.sum_incomplete", term=term), rule_with({d: sp.Integer(0)})))
    if key.kind == "grad_x":
        # an input gradient Σ_j w_ij δ_j with a δ_j worked with g(net_j) for g'(net_j), or without g'(net_j)
        for d in (s for s in leaves if s in key_of and key_of[s].kind == "delta"):
            dq = ch.graph.id_of.get(d)
            dstep = psol.step(dq) if dq is not None else None
            dleaves = dstep.forms[-1].free_symbols if dstep is not None and dstep.forms else set()
            for gp in (g for g in gps if g in dleaves):
                u = sym_of.get(key_of[gp].like("act"))
                net = names.get(sym_of.get(key_of[gp].like("net")), "net")
                for code, key_words, put in (("g_not_gprime", "diagnosis.g_not_gprime", u),
                                             ("gprime_missing", "diagnosis.gprime_missing", sp.Integer(1))):
                    if put is None:
                        continue

                    def through(vals, d=d, dq=dq, gp=gp, put=put):
                        inner = recompute(dq, vals, {gp: put})
                        return None if inner is None else recompute(qid, {**vals, d: inner})
                    out.append((code, said(key_words, net=net), through))
    if key.kind not in NOT_FROM_LOSS + ("loss",) and square_two(part):
        # the 2 of the square's derivative left out: ∂/∂u (t − u)² = 2(u − t) written u − t (half the value)
        t, u = _error_letters(part) or ("t", "u")
        out.append(("square_two_missing", said("diagnosis.square_two_missing", t=t, u=u), scaled(sp.Rational(1, 2))))
    if bias is not None:
        out.append(("bias_zero", MESSAGES["bias_zero"].format(one=_given(part.bias_input, part)), rule_with({bias: 0})))
    if key.kind == "delta":
        ws = {s: sym_of.get(key_of[s].like("new_w")) for s in leaves if s in key_of and key_of[s].kind == "w"}
        ws = {w: n for w, n in ws.items() if n is not None}
        if ws:
            order = {s.symbol: i for i, s in enumerate(psol.steps)}
            w0 = min(ws, key=lambda s: order.get(s, 1 << 30))     # the first in the solution's order, never a set's
            out.append(("updated_weight", MESSAGES["updated_weight"].format(w=names[w0]), rule_with(ws)))
    frozen = key.kind in ("update_w", "new_w") and \
        any(wt.frozen and (wt.source, wt.target) == (key.source, key.unit) for wt in part.weights)
    tied = key.kind == "new_w" and step.forms and any(key_of.get(s) is not None and key_of[s].kind == "new_shared"
                                                       for s in step.forms[-1].free_symbols)
    if frozen or tied:
        # a frozen weight updated all the same (Δw = −η∂J/∂w), or a tied edge updated on its own gradient:
        # the update the edge would have if it were a free weight of its own
        w, g = sym_of.get(key.like("w")), sym_of.get(key.like("grad_w"))
        eta_sym = sym_of.get(Key("learning_rate"))
        if w is not None and g is not None and eta_sym is not None:
            new = key.kind == "new_w"

            def free(vals, w=w, g=g, eta_sym=eta_sym, new=new):
                if any(vals.get(s) is None for s in (w, g, eta_sym)):
                    return None
                return (vals[w] if new else 0.0) - vals[eta_sym] * vals[g]
            wname = names.get(w, str(w))
            if frozen:
                out.append(("frozen_updated", said("diagnosis.frozen_updated", w=wname), free))
            else:
                shared = next(key_of[s] for s in step.forms[-1].free_symbols
                              if key_of.get(s) is not None and key_of[s].kind == "new_shared")
                sname = names.get(sym_of.get(shared.like("shared")), shared.unit)
                out.append(("tied_separately", said("diagnosis.tied_separately", w=wname, shared=sname,
                                                      J=part.notation.loss_symbol), free))
    if key.kind == "new_w":
        w = sym_of.get(key.like("w"))
        out.append(("old_weight", MESSAGES["old_weight"], lambda vals, w=w: vals.get(w)))
        d = sym_of.get(key.like("update_w"))
        if w is not None and d is not None:
            out.append(("update_subtracted", update_subtracted_message(part),
                        lambda vals, w=w, d=d: None if vals.get(w) is None or vals.get(d) is None
                        else vals[w] - vals[d]))
    out += _dropout_slips(psol, key, leaves, key_of, rule_with)
    return out


def _dropout_slips(psol, key: Key, leaves, key_of: dict, rule_with) -> list[tuple[str, str, Callable]]:
    """Dropout's slips (dropout.py), where the step's rule has a mask or p in it: a dropped unit (m_j = 0)
    worked as if kept (its ũ_j, or its δ_j, not 0), inverted dropout's 1/(1 − p) left out (ũ_j, δ_j), and
    standard dropout's test-time 1 − p left out (ũ_j^test)."""
    if not psol.part.dropout:
        return []
    names = psol.names.text
    value = {s.symbol: s.value for s in psol.steps if s.section == "given"}
    ps = [s for s in leaves if key_of.get(s) is not None and key_of[s].kind == "dropout_p"]
    dropped = [s for s in leaves if key_of.get(s) is not None and key_of[s].kind == "mask" and value.get(s) == 0]
    out = []
    for m in dropped:
        what = "delta" if key.kind == "delta" else "other"
        out.append(("dropout_mask_missing", said(f"diagnosis.dropout_mask_missing_{what}", m=f"{names[m]} = 0"),
                    rule_with({m: sp.Integer(1)})))
        for p in ps:
            out.append(("dropout_mask_missing", said(f"diagnosis.dropout_mask_missing_{what}", m=f"{names[m]} = 0"),
                        rule_with({m: sp.Integer(1), p: sp.Integer(0)})))
    for p in ps:
        code = "dropout_test_scale_missing" if key.kind == "test_masked" else "dropout_scale_missing"
        out.append((code, said(f"diagnosis.{code}", p=names[p], value=format_value(value[p], 4)[0]),
                    rule_with({p: sp.Integer(0)})))
    if key.kind in ("test_net", "test_act"):
        out += _test_scale_slips(psol, leaves, key_of, value, rule_with)
    if key.kind in ("masked", "delta") and not ps:
        out += _scaled_in_standard(psol, key, leaves, key_of, value, rule_with)
    if key.kind in ("test_masked", "test_net", "test_act"):
        out += _test_scaled_in_inverted(psol, leaves, key_of, rule_with)
    return out


def _test_scaled_in_inverted(psol, leaves, key_of: dict, rule_with) -> list[tuple[str, str, Callable]]:
    """Standard dropout's test-time 1 − p applied in a part whose dropout is inverted (ũ_3^test = (1 − p)·u_3,
    and the test pass after it): each test-time output of an inverted layer scaled by 1 − p, the step's leaves
    that are such outputs, or test-time nets written out in them (u_5^test = g(net_5^test))."""
    part = psol.part
    inverted = {d.layer: d for d in part.dropout if d.scaling == "inverted" and d.p}
    if not inverted:
        return []
    layer_of = {u: i + 1 for i, units in enumerate(part.layers[:-1]) for u in units}
    rules = {s.symbol: s.forms[-1] for s in psol.steps if s.forms and s.key.kind in ("test_net", "test_masked")}
    key_by = {sym: k for sym, k in key_of.items() if k is not None}

    def scaled(sym):
        """`sym` (a test-time output ũ_j^test of an inverted layer) times 1 − p, or None."""
        k = key_by.get(sym)
        d = inverted.get(layer_of.get(k.unit)) if k is not None and k.kind == "test_masked" else None
        return None if d is None else (1 - sp.nsimplify(d.p)) * sym

    replace = {}
    for leaf in leaves:
        k = key_by.get(leaf)
        if k is None:
            continue
        if k.kind == "test_masked" and leaf in rules:         # the step is the test net of the next layer
            got = scaled(leaf)
        elif k.kind == "test_net" and leaf in rules:          # u_5^test = g(net_5^test): net written out
            inner = {q: scaled(q) for q in rules[leaf].free_symbols if scaled(q) is not None}
            got = rules[leaf].xreplace(inner) if inner else None
        else:
            got = None
        if got is not None:
            replace[leaf] = got
    own = [s for s in psol.steps if s.key.kind == "test_masked" and s.forms and set(s.forms[-1].free_symbols) & set(leaves)]
    if not replace and not own:
        return []
    d = next(iter(inverted.values()))
    words = said("diagnosis.dropout_test_scale_in_inverted", value=format_value(1 - sp.nsimplify(d.p), 4)[0])
    if replace:
        return [("dropout_test_scale_in_inverted", words, rule_with(replace))]
    # the step is ũ_j^test itself (= u_j): its leaf u_j times 1 − p
    k0 = own[0].key
    d0 = inverted.get(layer_of.get(k0.unit))
    if d0 is None:
        return []
    return [("dropout_test_scale_in_inverted", words,
             rule_with({leaf: (1 - sp.nsimplify(d0.p)) * leaf for leaf in own[0].forms[-1].free_symbols if leaf in leaves}))]


def _test_scale_slips(psol, leaves, key_of: dict, value: dict, rule_with) -> list[tuple[str, str, Callable]]:
    """A test-time net or output (net_5^test, u_5^test) worked without standard dropout's (1 − p): each
    test-time leaf of the step's rule replaced by its own rule written out down to the training pass's u_j,
    with every p in it 0 (ũ_j^test = (1 − p)·u_j becomes u_j); none where the expansion has no p (inverted
    scaling, whose test pass has none)."""
    rules = {s.symbol: s.forms[-1] for s in psol.steps
             if s.forms and s.key.kind in ("test_net", "test_act", "test_masked")}

    def written_out(sym, depth=0):
        rule = rules[sym]
        if depth > len(rules):                      # a cycle is a bug; never loop
            return rule
        return rule.xreplace({leaf: written_out(leaf, depth + 1) for leaf in rule.free_symbols if leaf in rules})

    replace = {leaf: written_out(leaf) for leaf in leaves if leaf in rules}
    ps = sorted({q for e in replace.values() for q in e.free_symbols
                 if key_of.get(q) is not None and key_of[q].kind == "dropout_p"}, key=str)
    if not ps:
        return []
    zero = {q: sp.Integer(0) for q in ps}
    words = said("diagnosis.dropout_test_scale_missing", p=psol.names.text[ps[0]],
                 value=format_value(value[ps[0]], 4)[0]) if len(ps) == 1 else \
        said("diagnosis.dropout_test_scales_missing", p=", ".join(psol.names.text[q] for q in ps))
    return [("dropout_test_scale_missing", words, rule_with({leaf: e.xreplace(zero) for leaf, e in replace.items()}))]


def _scaled_in_standard(psol, key: Key, leaves, key_of: dict, value: dict, rule_with) -> list[tuple[str, str, Callable]]:
    """Inverted dropout's 1/(1 − p) applied during training in a part whose dropout is standard (ũ_3 =
    m_3·u_3/(1 − p), and δ_3 with it): the step's mask m_j replaced by m_j/(1 − p), p of the unit's layer."""
    part = psol.part
    layer = next((i + 1 for i, units in enumerate(part.layers[:-1]) if key.unit in units), None)
    drop = next((d for d in part.dropout if d.layer == layer), None)
    if drop is None or drop.scaling != "standard":
        return []
    p = next((sym for sym, k in key_of.items() if k is not None and k.kind == "dropout_p" and k.unit == str(layer)),
             None)
    masks = [m for m in leaves if key_of.get(m) is not None and key_of[m].kind == "mask" and value.get(m) != 0]
    if p is None or not masks or value.get(p) in (None, 0):
        return []
    return [("dropout_scale_in_standard",
             said("diagnosis.dropout_scale_in_standard", p=psol.names.text[p], value=format_value(value[p], 4)[0]),
             rule_with({m: m / (1 - p) for m in masks}))]


# the slope a leaky ReLU has where none is given (activations.TABLE), which a student may use for the problem's
LEAKY_DEFAULT = sp.Rational(1, 100)


def _leaky_slips(psol, gkey: Key, sym_of: dict) -> list[tuple[str, str, sp.Expr]]:
    """(code, words, g' as the slip has it, in the unit's net) for a leaky ReLU unit (a gprime key): g' = 0
    for a negative net, the plain ReLU's mask (`leaky_as_relu`), and, where the problem's slope is another,
    g' = 0.01 there, the usual default slope (`leaky_default_slope`). Each changes g' only where net < 0."""
    part = psol.part
    layer = next((li for li, units in enumerate(part.layers) if gkey.unit in units), None)
    net = sym_of.get(gkey.like("net"))
    if layer is None or net is None or part.activations[layer].name != "leaky_relu":
        return []
    slope = dict(part.activations[layer].params).get("slope", LEAKY_DEFAULT)
    fields = dict(net=psol.names.text.get(net, "net"), slope=_given(slope, part))
    out = [("leaky_as_relu", said("diagnosis.leaky_as_relu", **fields),
            sp.Piecewise((sp.Integer(1), net > 0), (sp.Integer(0), True)))]
    if sp.nsimplify(slope) != LEAKY_DEFAULT:
        out.append(("leaky_default_slope", said("diagnosis.leaky_default_slope", used=_given(LEAKY_DEFAULT, part),
                                                **fields),
                    sp.Piecewise((sp.Integer(1), net > 0), (LEAKY_DEFAULT, True))))
    return out


def _extra_gprime(psol, key: Key, sym_of: dict, leaves) -> tuple[sp.Symbol, str] | None:
    """(the unit's output u, the words) for an output δ of softmax or sigmoid with cross-entropy, whose rule has
    no g' (it cancels against the loss's derivative: δ = u − t), where a student may multiply u(1 − u) in."""
    part = psol.part
    if key.kind != "delta" or not part.layers or key.unit not in part.layers[-1]:
        return None
    act = part.activations[-1].name
    if act not in ("softmax", "sigmoid") or losses.of(part).name not in ("cross_entropy", "binary_cross_entropy"):
        return None
    u = sym_of.get(key.like("act"))
    if u is None or u not in leaves or any(sym_of.get(key.like("gprime")) == s for s in leaves):
        return None
    name = psol.names.text.get(u, "u")
    return u, said("diagnosis.extra_gprime", u=name, act=act)


# the quantities of a whole batch that its reduction (mean or sum over the samples) scales
BATCH_KINDS = frozenset({"loss", "grad_w", "update_w", "grad_shared", "update_shared"})


def _at_values(expr: sp.Expr) -> Callable[[dict], float | None]:
    """`expr` (in a unit's net and output symbols) as a function of the leaf values; None where it is undefined."""
    args = sorted(expr.free_symbols, key=str)
    fn = sp.lambdify(args, expr, modules=["math", "mpmath"])

    def at(vals: dict) -> float | None:
        if any(vals.get(a) is None for a in args):
            return None
        try:
            v = fn(*[vals[a] for a in args])
            return float(v) if not isinstance(v, complex) else None
        except (ArithmeticError, ValueError, TypeError):
            return None
    return at


_RATIO_AT = (sp.Rational(3, 10), sp.Rational(-11, 10), sp.Rational(7, 10), sp.Rational(21, 10))   # where g's are compared


def _activation_words(act) -> str:
    """An activation as a diagnosis names it: its name, or an unnamed formula's text."""
    from ..problem import UNNAMED_FORMULA
    return act.formula.text if act.name == UNNAMED_FORMULA and act.formula is not None else act.name


def _smooth(act) -> bool:
    """Whether an activation's g' is a smooth formula that is not a constant (not identity's 1, not the steps
    of the ReLU family)."""
    from ..activations import X
    d = act.derivative(X, sp.Dummy("y"))
    return bool(d.free_symbols) and not d.has(sp.Piecewise, sp.Heaviside)


def _candidates(part, own) -> list[tuple[object, bool]]:
    """(activation, at net too) whose derivative a student may write for `own`'s, never `own` itself: every
    elementwise row of the activation table whose derivative is taught in its output y (σ' = σ(1 − σ),
    tanh' = 1 − tanh²: found by its `derivative` using y), in that form only; and the part's other layers'
    activations with a smooth g', also at the net (a student's layers mixed up)."""
    from ..activations import NAMES, TABLE, X, Activation
    y = sp.Dummy("y")
    found: list = []
    for name in NAMES:
        act = Activation(name, tuple(sorted(TABLE[name].params.items())))
        if act.elementwise and name != own.name and _smooth(act) and act.derivative(X, y).has(y):
            found.append((act, False))
    for act in part.activations:
        if act.elementwise and act != own and _smooth(act) and all(act != a for a, _ in found):
            found.append((act, True))
    return found


def _other_derivatives(psol, gkey: Key, sym_of: dict) -> list[tuple[str, sp.Expr]]:
    """(words, expression in the unit's net and output) for each derivative of another activation a student
    may have written for g'(net_j) (a gprime key): another activation's derivative as taught, in its output y,
    with this unit's u_j put in (the bipolar sigmoid's g' = (1 − u²)/2 written u(1 − u), or 1 − u²), and
    the derivative of another layer's activation at net_j. Computed from the activation table and the part's
    activations, and compared with this unit's own g and g' at a few points: one that is g itself is left to
    g_not_gprime, one that is g' is no mistake, and one that is a constant times g' is said so."""
    from ..printing import print_text
    part = psol.part
    layer = next((li for li, units in enumerate(part.layers) if gkey.unit in units), None)
    net, u = sym_of.get(gkey.like("net")), sym_of.get(gkey.like("act"))
    if layer is None or net is None or u is None:
        return []
    own = part.activations[layer]
    if not own.elementwise or not _smooth(own):
        return []       # softmax; identity; a ReLU's g' is a step (its g'(0) has its own diagnosis, relu_g0)
    names = psol.names.text
    out: list[tuple[str, sp.Expr]] = []
    for act, at_net in _candidates(part, own):
        for in_output, (unit_form, factor) in _forms(own, act, at_net).items():
            expr = unit_form.xreplace({_NET: net, _U: u})
            fields = dict(other=_activation_words(act), net=names.get(net, "net"), own=_activation_words(own))
            if in_output:
                fields.update(rule=print_text(expr, names), u=names.get(u, "u"))
                words = said("diagnosis.other_activation_output_factor", factor=_given(factor, part), **fields) \
                    if factor is not None else said("diagnosis.other_activation_output", **fields)
            else:
                words = said("diagnosis.other_activation_factor", factor=_given(factor, part), **fields) \
                    if factor is not None else said("diagnosis.other_activation", **fields)
            out.append((words, expr))
    return out


_NET, _U = sp.Dummy("net"), sp.Dummy("u")


@lru_cache(maxsize=256)
def _forms(own, act, at_net: bool) -> dict:
    """{in its output (bool): (the form in _NET, _U, its constant ratio to own's g' or None)} of `act`'s
    derivative for a unit of activation `own`: the form in the output (where act's g' is taught in y) and,
    with `at_net`, act's g' at the net; without a form that is own's g' or own's g (nothing to say there)."""
    from ..activations import X
    y = sp.Dummy("y")
    d = act.derivative(X, y)
    own_g, own_dg = own.value(X), own.derivative(X, own.value(X))
    candidates = []
    if d.has(y):
        candidates.append((True, d.xreplace({X: _NET, y: _U}), d.xreplace({y: own_g})))
    if at_net:
        theirs = d.xreplace({y: act.value(X)})
        candidates.append((False, theirs.xreplace({X: _NET}), theirs))
    out = {}
    for in_output, form, in_x in candidates:
        factor = _constant_ratio(in_x, own_dg)
        if factor != 1 and _constant_ratio(in_x, own_g) != 1:
            out[in_output] = (form, factor)
    return out


def _constant_ratio(a: sp.Expr, b: sp.Expr) -> sp.Expr | None:
    """a/b where it is the same number at every point of _RATIO_AT (as a rational with a denominator up to
    10), else None: 2 for 1 − u² against the bipolar sigmoid's (1 − u²)/2."""
    from ..activations import X
    ratios = []
    for x in _RATIO_AT:
        try:
            num, den = complex(sp.N(a.xreplace({X: x}), 20)), complex(sp.N(b.xreplace({X: x}), 20))
        except (TypeError, ValueError, ArithmeticError):
            return None
        if den == 0 or num.imag or den.imag:
            return None
        ratios.append(num.real / den.real)
    if any(abs(r - ratios[0]) > 1e-12 * max(1.0, abs(ratios[0])) for r in ratios):
        return None
    near = sp.nsimplify(ratios[0], rational=True, tolerance=1e-12)
    return near if near.is_Rational and near.q <= 10 and abs(near - ratios[0]) <= 1e-12 else None


# the values of g'(0) a student may take for a ReLU at its kink: 0 (the left slope), 1 (the right slope)
# and ½ (the mean of the two, the Heaviside convention)
RELU_G0_CHOICES = (sp.Integer(0), sp.Integer(1), sp.Rational(1, 2))


def _other_g0(g0) -> list:
    """The values of g'(0) a student may take (RELU_G0_CHOICES) other than the problem's `g0`; none
    when the net is not at a ReLU kink (`g0` None)."""
    if g0 is None:
        return []
    return [c for c in RELU_G0_CHOICES if c != sp.nsimplify(g0)]


def _given(value, part) -> str:
    """A value the problem gives (η, g'(0)) as the problem and its solution show it: 0.01, not 1/100
    (printing.format_value at the part's precision)."""
    return format_value(sp.sympify(value), part.precision)[0]


def _lr(part) -> str | None:
    """The learning rate's letter where the notation writes another than η (alpha: α), else None."""
    from ..notation import learning_rate_name
    return None if part.notation.learning_rate_symbol == "eta" else learning_rate_name(part.notation, False)


def _error_letters(part) -> tuple[str, str] | None:
    """The letters of the loss's error (target, output: yd, y) where the notation writes others than t, u."""
    nota = part.notation
    t, u = nota.target_symbol, nota.output_symbol or nota.activation_symbol
    return None if (t, u) == ("t", "u") else (t, u)


def eta_missing_message(part) -> str:
    """'η left out of the update (η = 0.1)', in the notation's letter (α left out … (α = 0.1))."""
    eta, lr = _given(part.learning_rate, part), _lr(part)
    return MESSAGES["eta_missing"].format(eta=eta) if lr is None else said("notation_said.lr_missing", lr=lr, eta=eta)


def update_subtracted_message(part) -> str:
    """'Δw subtracted: … the minus of −η∂J/∂w)', in the notation's letters (−α∂E/∂w with alpha, loss E)."""
    J, lr = part.notation.loss_symbol, _lr(part)
    return (MESSAGES["update_subtracted"].format(J=J) if lr is None
            else said("notation_said.update_subtracted", lr=lr, J=J))


def eta_charged_message(part) -> str:
    """'η left out' (a follow-through's mistake charged once), in the notation's letter."""
    lr = _lr(part)
    return CHARGED_ONCE["eta_missing"] if lr is None else said("notation_said.lr_missing_charged", lr=lr)


def half_missing_message(part, consistently: bool = False) -> str:
    """'the ½ of the loss ½(t − u)² left out', in the notation's letters (½(yd − y)² for Negnevitsky's);
    `consistently`: the words a follow-through says after "used consistently"."""
    letters = _error_letters(part)
    if letters is None:
        return said("consistently.half_missing") if consistently else MESSAGES["half_missing"]
    key = "notation_said.half_missing_consistently" if consistently else "notation_said.half_missing"
    return said(key, t=letters[0], u=letters[1])


def mean_units_message(k: int, consistently: bool = False, letters: tuple[str, str] | None = None) -> str:
    """'twice the expected value: the mean over the 2 outputs taken as their sum …' (K times for K ≠ 2),
    in the notation's letters of the target and the output (t, u unless it writes others)."""
    if consistently:
        return said("consistently.mean_units_missing", k=k)
    t, u = letters or ("t", "u")
    return said("diagnosis.mean_units_missing_twice" if k == 2 else "diagnosis.mean_units_missing", k=k, t=t, u=u)


def convention_message(psol) -> str:
    J = psol.part.notation.loss_symbol
    own, other = f"δ = ∂{J}/∂net", f"δ = −∂{J}/∂net"
    if psol.part.notation.delta != "dJ_dnet":
        own, other = other, own
    return MESSAGES["other_convention"].format(own=own, other=other)


def _relu_kink(ch: "Checker", gp: sp.Symbol):
    """g'(0) of the ReLU whose g'(net) is `gp`, if that net is exactly 0 here; else None."""
    step = next((s for s in ch.psol.steps if s.symbol == gp), None)
    if step is None or not step.forms:
        return None
    rule = step.forms[-1]
    if isinstance(rule, sp.Heaviside) and ch.true.get(rule.args[0]) == 0:
        return rule.args[1] if len(rule.args) > 1 else sp.Rational(1, 2)
    return None


# Mistakes that give the same value as another and name it more closely, so that a tie of the two is no
# ambiguity: the bias input +1 on a threshold network negates the value as a sign slip or the other δ
# convention would (it is what the student did); a batch's losses summed for their mean (n = 2) doubles the
# loss as counting it twice would; a ReLU's g'(0) at its kink gives what g(0) = 0 or another unit's g' may.
SUBSUMES = {"bias_plus_one": frozenset({"sign", "other_convention"}),
            "mean_missing": frozenset({"loss_doubled"}),
            "mean_units_missing": frozenset({"loss_doubled"}),
            "relu_g0": frozenset({"g_not_gprime", "wrong_unit", "other_activation", "gprime_missing"})}
# mistakes of the loss, which double every value computed from it: at a later step, the student's own δ
# written there (not doubled, or the step would follow from it) says it is not one of these
LOSS_DRIVEN = frozenset({"half_missing", "loss_doubled", "mean_missing", "mean_units_missing",
                         "square_two_missing"})


def explain(ch: "Checker", qid: str, value: float, decimals, bound: float, student: dict,
            written: dict | None = None, shown: tuple | None = None,
            closeness: list | None = None) -> tuple[str, str] | None:
    """The mistake that reproduces the student's value (with the true or the student's own leaves);
    when several do (g'(net_4) = 0.25 and g'(net_5) = 0.2499), the one that comes closest. A value that
    is the mistake's value rounded to fewer places than asked (0.07 for η left out, 0.066 from the
    student's δ_5 = −0.12) names the mistake too, after any that it reproduces to the places asked, unless
    it is also the right value rounded to those places.

    Two mistakes that explain the value equally (the same value, or as close) are decided, never by the
    order of a dict: one that SUBSUMES the other names it; a mistake of the loss (LOSS_DRIVEN) is out where
    the student wrote a δ or loss this step is computed from (`written`: the student's written values);
    any still tied (η = ½ left out and the loss's ½ left out both double Δw when no δ is written) are all
    said, "…; or … (each gives this value)", under the code of the first in _build_variants' fixed order.
    A rule the answer writes decides among those still tied (`shown`: (the codes of the mistakes its rule was
    found to make, the symbols it writes); _by_writing): δ_6·w_63 for δ_3 is g'(net_3) left out,
    not g'(net_6) used for it, where the output's g' is 1 and both give the value."""
    expected = ch.psol.step(qid).float_value
    # a number that is also the right value rounded to its places (0.1 for 0.0636) is that rounding,
    # never a mistake's value rounded (0.1 for twice it, 0.1272)
    rounded_mistake = decimals is not None and \
        abs(value - expected) > 0.5 * 10.0 ** -max(decimals, 0) * (1 + 1e-9) + 1e-12 * max(1.0, abs(expected))
    found: dict = {}                  # words -> (key, code): each mistake's best reading
    ats: dict = {}                    # words -> the mistake's value function (its swap, for _by_writing)
    near: dict = {}                   # ... and those only as close as rounded earlier values bring it
    figures = _figures(value, decimals)
    for order, (code, words, at) in enumerate(_variants(ch, qid)):
        ats.setdefault(words, at)
        for vals in (ch.true, {**ch.true, **student}):
            v = at(vals)              # None: the mistake does not apply here; an exception is a bug
            if v is None or abs(v - expected) <= 1e-12 * max(1.0, abs(v)):
                continue          # this mistake changes nothing here
            status = compare_number(value, decimals, v, ch.tol, bound).status
            if status == "correct" or status == "imprecise" and rounded_mistake:
                key = (status != "correct", abs(v - value), order)
                if words not in found or key < found[words][0]:
                    found[words] = (key, code)
            elif figures >= NEAR_FIGURES and abs(v - value) <= NEAR_RELATIVE * abs(v):
                # a number of many figures the mistake's value misses only in its last places: worked from
                # earlier values rounded (δ_o1 = 0.138499, not 0.1384985…) and not written down
                key = (True, abs(v - value), order)
                if words not in near or key < near[words][0]:
                    near[words] = (key, code)
    only_near = not found
    found = found or near
    if not found:
        return None
    ranked = sorted(((key, code, words) for words, (key, code) in found.items()), key=lambda r: r[0])
    (rank, dist, _), _, _ = ranked[0]
    if closeness is not None:     # how closely it gives the number: 0 to its places, 1 by rounding, 2 near
        closeness.append(2 if only_near else 1 if rank else 0)
    tol = 1e-12 * max(1.0, abs(value))
    tied = [(code, words) for (r, d, _), code, words in ranked if r == rank and abs(d - dist) <= tol]
    if len(tied) > 1:
        tied = _untied(ch, qid, tied, written or {})
    if len(tied) > 1 and shown is not None:
        tied = _by_writing(ch, qid, tied, ats, *shown)
    code, words = tied[0]
    return code, _either(words, [w for _, w in tied[1:]]) if len(tied) > 1 else words


# a mistake's value counts for a number of at least NEAR_FIGURES significant figures that misses it by at
# most NEAR_RELATIVE of it (rounded earlier values not written down), when no mistake gives the number itself
NEAR_FIGURES, NEAR_RELATIVE = 4, 5e-4


def _figures(value: float, decimals: int | None) -> int:
    """The significant figures a written decimal shows (0.041371: 5); 0 for an integer or no decimals."""
    if decimals is None or decimals <= 0 or value == 0:
        return 0
    import math
    return decimals + math.floor(math.log10(abs(value))) + 1


def _untied(ch: "Checker", qid: str, tied: list, written: dict) -> list:
    """The mistakes of a tie (code, words) that neither a more specific one (SUBSUMES) nor the student's own
    written δ or loss (LOSS_DRIVEN, where this step is computed from one) rules out; all of them if every
    one is ruled out."""
    codes = {code for code, _ in tied}
    kept = [(c, w) for c, w in tied if not any(c in SUBSUMES.get(o, ()) for o in codes if o != c)]
    step = ch.psol.step(qid)
    if step.key.kind != "loss" and step.forms:
        kind_of = {s.symbol: s.key.kind for s in ch.psol.steps}
        shown = any(kind_of.get(leaf) in ("delta", "loss") and leaf in written for leaf in step.forms[-1].free_symbols)
        if shown:
            kept = [(c, w) for c, w in kept if c not in LOSS_DRIVEN] or kept
    return kept or tied


def _by_writing(ch: "Checker", qid: str, tied: list, ats: dict, codes, symbols) -> list:
    """The mistakes of a tie (code, words) that the answer's written rule shows (docs/checking.md §3: "Neither is
    chosen when the written working rules them out"): those its rule was found to make (`codes`, explain_rule's),
    else those whose rule agrees with what the written rule names (`symbols`). A mistake that puts a leaf in
    for another (g'(net_6) for g'(net_3), 1 for g'(net_3) left out, 1 for η) has a rule with the leaf's symbols
    gone and the new ones in; each symbol that some tied mistake takes out or puts in must then be written
    exactly where that mistake's rule has it — a given (η, a weight) written as its number counts as neither
    present nor absent. All of the tie when the writing rules out every one, or shows nothing."""
    kept = [(c, w) for c, w in tied if c in codes]
    if kept:
        return kept
    if not symbols:
        return tied
    step = ch.psol.step(qid)
    leaves = step.forms[-1].free_symbols if step.forms else set()
    given = {s.symbol for s in ch.psol.steps if s.section == "given"}
    rules = {}
    for c, w in tied:
        swap = getattr(ats.get(w), "swap", None)
        if swap is not None:
            rules[w] = (leaves - swap[0]) | swap[1]
    told = set().union(*((leaves ^ r) for r in rules.values())) if rules else set()
    told = {s for s in told if s in ch.true}           # the problem's quantities, not a number put in

    def agrees(w) -> bool:
        r = rules.get(w)
        if r is None:
            return True                               # a mistake not of the rule's leaves: the writing tells nothing
        return all((s in symbols) == (s in r) or (s not in symbols and s in given) for s in told)
    return [(c, w) for c, w in tied if agrees(w)] or tied


def _either(first: str, others: list[str]) -> str:
    """'first; or second; or third (each gives this value)': mistakes that explain a value equally, in their
    fixed order."""
    choices = others[-1]
    for w in reversed([first] + others[:-1]):
        choices = said("diagnosis.or", first=w, second=choices)
    return said("diagnosis.either", choices=choices)


def explain_rule(ch: "Checker", qid: str, got: list[float], points: list[dict],
                 symbols: frozenset = frozenset()) -> str | None:
    """The mistake that makes a student's rule give `got` at every point (rule_mistakes); several still tied
    are all said, "…; or … (each gives this value)"."""
    return explain_rule_words(rule_mistakes(ch, qid, got, points, symbols))


def explain_rule_words(found: list[tuple[str, str]]) -> str | None:
    """The words for a rule's mistakes (rule_mistakes): the one, or all of them tied."""
    if not found:
        return None
    # "sign slip: the value has the wrong sign" is said of a rule as "the rule has"
    # (the sentence is returned as it is, a `Said`, so that a report says it in its own language)
    words = [said("diagnosis.sign_rule") if getattr(w, "key", None) == "diagnosis.sign" else w for _, w in found]
    return _either(words[0], words[1:]) if len(words) > 1 else words[0]


def rule_mistakes(ch: "Checker", qid: str, got: list[float], points: list[dict],
                  symbols: frozenset = frozenset()) -> list[tuple[str, str]]:
    """(code, words) of the mistakes that make a student's rule give `got` at every point, in
    _build_variants' order; where several do (δ_3 = δ_6·w_63 with an identity output, g'(net_6) = 1 on
    every problem: g'(net_6) used for g'(net_3), or g'(net_3) left out), the ones the rule's written
    `symbols` show (_by_writing) and no more specific one (SUBSUMES) rules out."""
    found, ats = [], {}
    for code, words, at in _variants(ch, qid):
        if code == "relu_g0" or words in ats:
            continue              # about the value at this problem's kink, not about a rule
        want = [at(pt) for pt in points]
        if any(w is None for w in want):
            continue
        if all(abs(g - w) <= 1e-9 * max(1.0, abs(w)) for g, w in zip(got, want)):
            found.append((code, words))
            ats[words] = at
    if len(found) > 1:
        codes = {c for c, _ in found}
        found = [(c, w) for c, w in found if not any(c in SUBSUMES.get(o, ()) for o in codes if o != c)] or found
        found = _by_writing(ch, qid, found, ats, (), symbols)
    return found


def bias_plus_one_rule(ch: "Checker", qid: str, got: list[float], points: list[dict]) -> str | None:
    """The words for a student's rule that is this step's rule with the bias input +1 where the
    problem's is −1 (a threshold network: Δθ_5 = ηδ_5·1), giving `got` at every point; else None.
    Asked before `other_convention_rule`, which such a rule also satisfies (−δ·(−1) = δ·1)."""
    if ch.psol.part.bias_input != -1:
        return None
    for code, words, at in _variants(ch, qid):
        if code != "bias_plus_one":
            continue
        want = [at(pt) for pt in points]
        if all(w is not None and abs(g - w) <= 1e-9 * max(1.0, abs(w)) for g, w in zip(got, want)):
            return words
    return None


def other_convention_rule(ch: "Checker", qid: str, node, env: dict, points: list[dict]) -> bool:
    """Whether a student's rule for `qid` is right in the other δ convention (every δ negated):
    δ_5 = (z_1 − u_5)g'(net_5) or Δw = ηδu where this problem has δ = ∂L/∂net. Only a rule that
    involves some δ can be."""
    from .expr import evaluate
    from .latex import AnswerError
    deltas = {s.symbol for s in ch.psol.steps if s.key.kind == "delta"}
    if not ch.upstream.get(qid, frozenset()) & deltas:
        return False
    sym = ch.symbol_of[qid]
    for pt in points:
        at = {ph: -pt[s] if s in deltas else pt[s] for ph, s in env.items()}
        want = -pt[sym] if sym in deltas else pt[sym]
        try:
            got = float(evaluate(node, at, ch.step0))
        except AnswerError:
            return False
        if not abs(got - want) <= 1e-9 * max(1.0, abs(want)):
            return False
    return True


# The general δ rule a student may answer whose sign tells the convention (symbolic_rules.RULE_IDS):
# consolidate counts it with the δ values, so that a rule of this problem's convention answered beside
# negated δ values keeps them from reading as "every δ negated". δ_j = g'(net_j) Σ_k w δ_k is the same
# in both conventions and tells neither.
DELTA_RULES = ("delta_output",)
# the kinds whose values, computed from negated δs, tell the other convention from a sign slip (§3)
EVIDENCE_KINDS = frozenset({"grad_w", "update_w", "new_w", "grad_shared", "update_shared", "new_shared"})


def _is_rule(ch: "Checker", qid: str) -> bool:
    """Whether an answered item is a general rule (it has no step in the solution)."""
    from ..symbolic_rules import RULE_IDS
    return qid in RULE_IDS and ch.kind(qid) is None


def _delta_item(ch: "Checker", v: "Verdict") -> bool:
    """Whether an answered item tells the δ convention: a δ quantity of the solution (by its key), or the
    output δ rule when it is right in one of the two conventions."""
    if v.qid in DELTA_RULES and _is_rule(ch, v.qid):
        return v.status == "correct" or v.diagnosis == "other_convention"
    return ch.kind(v.qid) == "delta"


def _convention_fields(psol) -> dict[str, str]:
    """{own, other}: this problem's δ convention and the other one, as the messages write them."""
    J = psol.part.notation.loss_symbol
    own, other = f"δ = ∂{J}/∂net", f"δ = −∂{J}/∂net"
    if psol.part.notation.delta != "dJ_dnet":
        own, other = other, own
    return {"own": own, "other": other}


def consolidate(verdicts: list["Verdict"], ch: "Checker") -> tuple[list["Verdict"], list[str]]:
    """Report-level findings: negated δs are the other convention or a sign slip, decided by what the
    student computed from them. In the other convention (δ = −∂L/∂net where this problem has
    ∂L/∂net, or the reverse) the Δw, ∂L/∂w and w^new computed from the negated δs are the true ones
    (the update used the matching sign, Δw = +ηδx): the δs earn credit and the other convention's
    rules are right. If they instead follow from the negated δ by this problem's own rules (Δw
    negated too), the first negated δ is a sign slip, charged there, and everything after follows
    through. With nothing computed from the δs, two or more δs all negated are taken as the
    convention; one δ alone gets both readings and no credit."""
    verdicts, notes = _consolidate(verdicts, ch)
    # a rule right only in the other convention, where the convention was not recognised: a wrong rule
    verdicts = [replace(v, diagnosis="rule") if v.diagnosis == "other_convention" and v.status == "wrong"
                and _is_rule(ch, v.qid) else v for v in verdicts]
    return _rule_sign_in_this_convention(verdicts, ch), notes


def _rule_sign_in_this_convention(verdicts: list["Verdict"], ch: "Checker") -> list["Verdict"]:
    """A rule of the other δ convention (∂E/∂w_75 = δ_7 o_5 where δ = −∂E/∂net) left wrong after
    consolidation, from a student whose own δs are in this problem's convention (the δs the rule names, as
    written, else every δ they wrote): not "the rule of the other δ convention", which the student is not
    in, but a sign slip in the rule, said with the convention their δ is in (t16 item 7)."""
    deltas = {ch.symbol_of[v.qid]: v for v in verdicts if v.qid in ch.symbol_of and _delta_item(ch, v)
              and not _is_rule(ch, v.qid) and v.status != "unreadable" and v.diagnosis != "no_value"}

    def this_convention(vs) -> bool:
        vs = [v for v in vs if abs(v.expected) > ch.tol.floor]
        return bool(vs) and all(v.status in ("correct", "imprecise", "rounding") for v in vs)
    out = []
    for v in verdicts:
        bad = [i for i, lk in enumerate(v.links) if lk.kind == "rule" and lk.convention and not lk.ok]
        if bad:
            named = [deltas[s] for s in v.links[bad[0]].uses if s in deltas]
            # the numbers put in after it, the rule at this problem's own values (its δs as this problem has them)
            faithful = any(lk.kind == "numbers" and lk.ok and not lk.own for lk in v.links[bad[0] + 1:])
            own = _convention_fields(ch.psol)["own"]
            words = None
            if named and this_convention(named):
                words = said("answer.rule_sign_slip_named", names=", ".join(ch.name(d.qid) for d in named), own=own)
            elif not named and faithful:
                words = said("answer.rule_sign_slip_numbers", own=own)
            elif not named and this_convention(list(deltas.values())):
                words = said("answer.rule_sign_slip", own=own)
            if words is not None:
                links = list(v.links)
                for i in bad:
                    links[i] = replace(links[i], message=words, convention=False)
                v = replace(v, links=tuple(links))
                if getattr(v.message, "key", None) == "answer.rule_other_convention":
                    v = replace(v, message=words)
        out.append(v)
    return out


def _consolidate(verdicts: list["Verdict"], ch: "Checker") -> tuple[list["Verdict"], list[str]]:
    rubric = ch.rubric
    notes: list[str] = []
    # a δ that is 0 is the same in both conventions, so it tells neither way
    deltas = [v for v in verdicts if _delta_item(ch, v) and v.status != "unreadable"
              and v.diagnosis != "no_value" and not (v.expected == 0 and v.status == "correct")]
    flipped = [v for v in deltas if v.diagnosis == "other_convention"]
    slipped = [v for v in deltas if v.diagnosis == "sign"]
    if not flipped:
        return verdicts, notes
    flipped_ids = {v.qid for v in flipped}
    # a δ that follows, by the δ rule (the same in both conventions), from negated δs at the student's own
    # rounded values (δ_3 = δ_6 w_63 g'(net_3) with their δ_6 = 1.3696) is negated too: in the other
    # convention it is right from their own values, so it counts with the negated δs
    for v in deltas:
        if v.status == "follow_through" and v.diagnosis is None and v.source in flipped_ids \
                and not _is_rule(ch, v.qid):
            flipped.append(v)
            flipped_ids.add(v.qid)
    fsyms = {ch.symbol_of[v.qid] for v in flipped if v.qid in ch.symbol_of}
    # the evidence (docs/checking.md §3): the ∂L/∂w, Δw and w^new computed from the δs. An input
    # gradient ∂L/∂x is the same number in both conventions and tells neither
    later = [v for v in verdicts if not _delta_item(ch, v) and v.value is not None
             and ch.kind(v.qid) in EVIDENCE_KINDS
             and ch.upstream.get(v.qid, frozenset()) & fsyms and abs(v.expected) > ch.tol.floor]
    right = [v for v in later if v.status in ("correct", "slip", "imprecise", "rounding")]
    # a rule computed from the δs that is right in the other convention (Δw = ηδy) says so too
    right += [v for v in verdicts if v.diagnosis == "other_convention" and v.qid not in flipped_ids
              and _is_rule(ch, v.qid)]
    negated = [v for v in later if v.status == "follow_through" and v.source in flipped_ids]
    every = len(flipped) == len(deltas) and not slipped
    if every and (len(right) > len(negated) or (not right and not negated and len(flipped) >= 2)):
        said_first = next((v.message for v in flipped if not _is_rule(ch, v.qid)), None)
        while getattr(said_first, "key", None) == "joined":
            # only the δ's own sentence: what was joined to it (a link not read) belongs to that δ alone
            said_first = said_first.fields["first"]
        # the note names only what the student wrote: the Δw that follow, other values, or nothing
        wrote_dw = any(ch.kind(v.qid) in ("update_w", "update_shared") for v in right)
        key = ("diagnosis.every_delta_flipped" if wrote_dw else
               "diagnosis.every_delta_flipped_values" if right else "diagnosis.every_delta_flipped_alone")
        notes.append(said(key, **_convention_fields(ch.psol))
                     if said_first is None or getattr(said_first, "key", None) == "diagnosis.other_convention" else
                     said_first.replace("δ with the opposite sign: ", "every δ has the opposite sign: ")
                     + ("; used consistently, so the Δw that follow are right" if wrote_dw else
                        "; used consistently, so the values computed from them are right" if right else ""))
        credit = rubric.credit.get("other_convention", 1.0)
        out = []
        for v in verdicts:
            if any(lk.convention and not lk.ok for lk in v.links):    # the other convention's rules are right
                v = replace(v, links=tuple(replace(lk, ok=True) if lk.convention else lk for lk in v.links))
            if _is_rule(ch, v.qid) and v.diagnosis == "other_convention":
                # the other convention's rule: the δ rule is credited as its δs are, the rules after it are right
                v = replace(v, message=said("diagnosis.rule_other_convention", **_convention_fields(ch.psol)))
                v = replace(v, status="other_convention", credit=credit) if v.qid in flipped_ids else \
                    replace(v, status="correct", credit=1.0, diagnosis=None)
            elif v.qid in flipped_ids and v.status == "follow_through":
                # right in the other convention from the student's own values: said as the others are
                v = replace(v, status="other_convention", credit=credit, diagnosis="other_convention", source=None,
                            message=convention_message(ch.psol))
            elif v.qid in flipped_ids:
                v = replace(v, status="other_convention", credit=credit)
            elif v.status == "slip" and all(lk.ok or lk.convention for lk in v.links):
                # the working is the other convention's (Δw = ηδx): right within it
                v = replace(v, status="correct", credit=1.0, diagnosis=None, message="")
            out.append(v)
        return out, notes
    if every and not right and not negated:        # one δ, nothing computed from it: either reading
        return [replace(v, message=said("diagnosis.other_convention_or_slip", **v.message.fields)
                        if getattr(v.message, "key", None) == "diagnosis.other_convention" else
                        v.message.replace("δ with the opposite sign: ", "δ with the opposite sign: a sign slip, or "))
                if v in flipped and not _is_rule(ch, v.qid) else v for v in verdicts], notes
    # a sign slip: charged on the first negated δ; a negated δ computed from it follows through
    charged = {ch.symbol_of[v.qid]: v.qid for v in slipped if v.qid in ch.symbol_of}
    values = [v for v in deltas if not _is_rule(ch, v.qid)]
    every_value = bool(values) and all(v.qid in flipped_ids for v in values) and not slipped
    # the reason the file shows: other δs of this problem's sign first, then the values that follow
    # the negated δ (named), then the rest
    others_right = any(v.qid not in flipped_ids for v in values) or bool(slipped)
    why = (said("why.others_do_not") if others_right and not every_value else
           said("why.negated_follow_named", names=", ".join(ch.name(v.qid) for v in negated)) if negated else
           said("why.not_other_convention") if every else
           said("why.rule_not_negated") if every_value else said("why.others_do_not"))
    # δs of both conventions (some negated on their own, some not): said which are which, and charged once,
    # on the first negated δ; another negated on its own is the same mistake (t17 item 4)
    mixed = [v for v in values if v.qid in flipped_ids]
    unflipped = [v for v in values if v.qid not in flipped_ids]
    first_mixed = None
    if len(mixed) >= 2 and unflipped and not slipped:
        why = said("why.mixed_convention", count=len(mixed), total=len(values),
                   flipped=", ".join(ch.name(v.qid) for v in mixed),
                   rest=", ".join(ch.name(v.qid) for v in unflipped), **_convention_fields(ch.psol))
        first_mixed = ""
    out, moved = [], {}
    for v in verdicts:
        if v.source in moved:          # followed a negated δ that itself follows from the first one
            v = replace(v, source=moved[v.source], message=said("diagnosis.follows", name=ch.name(moved[v.source]))
                        if getattr(v.message, "key", None) == "diagnosis.follows" else v.message.replace(
                f"your {ch.name(v.source)} (the first error)", f"your {ch.name(moved[v.source])} (the first error)"))
        if v.qid in flipped_ids and _is_rule(ch, v.qid):
            pass                       # the rule stays wrong, with its own words (consolidate)
        elif v.qid in flipped_ids:
            src = [q for sym, q in charged.items() if sym in ch.upstream.get(v.qid, frozenset())]
            if src:
                first = min(src, key=lambda q: ch.order.get(q, 1 << 30))
                moved[v.qid] = first
                v = replace(v, status="follow_through", credit=rubric.credit.get("follow_through", 0.0),
                            diagnosis=None, source=first,
                            message=said("diagnosis.follows", name=ch.name(first)))
            elif first_mixed:           # the same mixing of conventions, charged at the first negated δ
                v = replace(v, status="follow_through", credit=rubric.credit.get("follow_through", 0.0),
                            diagnosis="sign", source=first_mixed,
                            message=said("diagnosis.same_mistake", what=said("diagnosis.sign_delta", why=why),
                                         name=ch.name(first_mixed)))
            else:
                v = replace(v, diagnosis="sign", message=said("diagnosis.sign_delta", why=why))
                if first_mixed == "":
                    first_mixed = v.qid
            if v.status == "wrong":
                charged.setdefault(ch.symbol_of[v.qid], v.qid)
        out.append(v)
    return out, notes


def _matches(got: list[float], want: list) -> bool:
    return all(w is not None and abs(g - w) <= 1e-9 * max(1.0, abs(w)) for g, w in zip(got, want))


def _at(expr: sp.Expr, pt: dict) -> float | None:
    try:
        value = complex(expr.xreplace({s: sp.Float(pt[s], 30) for s in expr.free_symbols if s in pt}).evalf(20))
    except (TypeError, ValueError, KeyError):
        return None
    return value.real if abs(value.imag) <= 1e-12 and abs(value.real) != float("inf") else None


def classic_slip(ch: "Checker", qid: str, got: list[float], points: list[dict]) -> str | None:
    """The words for a classic slip that a student's rule for `qid` gives at every point, else None:
    - binary cross-entropy with its two terms swapped (−ln u for a target of 0: the t = 1 term used);
    - a shared weight's gradient with the term of only one of its edges (∂f/∂v = ∂f/∂w_24 alone)."""
    step = next((s for s in ch.psol.steps if s.id == qid), None)
    if step is None or not step.forms:
        return None
    form = step.forms[-1]
    if step.key.kind == "loss" and losses.of(ch.psol.part).name == "binary_cross_entropy":
        targets = {s.symbol for s in ch.psol.steps if s.key.kind == "target"} & form.free_symbols
        if targets and _matches(got, [_at(form.xreplace({t: 1 - t for t in targets}), pt) for pt in points]):
            values = sorted({f"{float(ch.true[t]):g}" for t in targets})
            return said("diagnosis.bce_branch_swapped", t=", ".join(values))
    if step.key.kind == "grad_shared" and isinstance(form, sp.Add) and len(form.args) > 1:
        for term in form.args:
            if _matches(got, [_at(term, pt) for pt in points]):
                text = ch.psol.names.text
                return said("diagnosis.shared_one_edge", term=text.get(term, str(term)), name=ch.name(qid),
                            terms=" + ".join(text.get(a, str(a)) for a in form.args))
    return None
