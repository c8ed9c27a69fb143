"""Write docs/optimizers.md from the tool itself: each optimizer's settings and rule in both forms
(symbackprop/optimizers.py) and a worked run (`symbackprop solve`). Run from the repository's root:

    python docs/make_optimizers.py

tests/test_o213.py checks that docs/optimizers.md is what this script writes."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXAMPLE = """\
title: One linear unit, two samples, three Adam steps
network: {inputs: [1], bias: 0, layers: [[2]], activation: identity}
weights: {0: {2: 0}, 1: {2: 1}}
samples:
  - {x: {1: 1}, t: {2: 2}}
  - {x: {1: 2}, t: {2: 0}}
loss: half_squared_error
optimizer: {name: adam, lr: 0.1}
steps: 3
"""

GRAPH_EXAMPLE = """\
title: A linear model as a graph, two Adagrad steps
model: graph
inputs: {x: 2, w: 0.5, b: 0, t: 3}
parameters: [w, b]
nodes: {y: w*x + b, L: (y - t)^2}
output: L
optimizer: {name: adagrad, lr: 0.1, form: pytorch}
steps: 2
"""


def _settings(row) -> str:
    from symbackprop.listing import setting_text as _num     # as `list optimizers` and solve write them: 0.00000001
    out = []
    for p in row.params:
        name = "betas" if p.name == "beta1" else p.name
        if p.name == "beta2":
            out[-1] = f"`betas` = [{_num(row.param('beta1').default)}, {_num(p.default)}] in {p.interval()}"
            continue
        out.append(f"`{name}` = {_num(p.default)} in {p.interval()}")
    return "; ".join(out)


def text() -> str:
    from symbackprop import optimizers
    from symbackprop.problem import parse_problem
    from symbackprop.render import render
    from symbackprop.optimize import form_note
    from symbackprop.solution import solve
    lines = ["# Optimizers and several steps", "",
             "<!-- written by docs/make_optimizers.py from symbackprop/optimizers.py: do not edit by hand -->", "",
             "A network problem file, or a computation graph's (`model: graph`), may train its parameters for "
             "several steps with an optimizer (fields `optimizer`, `steps`, `update`: "
             "[problem-format.md](problem-format.md#optimizer-steps-and-update)). "
             "Each optimizer has two forms: `lecture` (the default: the lecture's slides, Ruder 2016 where the "
             "slides give no formula) and `pytorch` (torch.optim's algorithm step for step). Below, each "
             "optimizer's settings (by torch's names, with their defaults and allowed ranges) and its rule, one "
             "assignment a line, as the solution prints it: θ is each weight in turn, g_t = ∂J/∂θ at step t. "
             "`symbackprop list optimizers` prints the same table: each rule on one line with its defaults (also "
             "`--format markdown` and `json`). A graph's run trains each entry of its `parameters` (A, b, c of "
             "the lecture's matrix example: [below](#a-graphs-run)); `--step` on a graph without `optimizer` or "
             "`steps` is a one-line error. With `update: per_sample` and several samples the worked solution "
             "at the top is step 1's, on sample 1 alone (a note says so). Step 1's update in the solution writes "
             "the rule's ε as ε and puts its value in with the numbers, as η (`check` reads ε, \\epsilon, "
             "\\varepsilon or eps in a write-up as the part's eps setting). "
             "`check` reads answers for any step and for the optimizer's state, by id (`step2.m_w_3_5`) and by "
             "the names students write (`m_1(w_{35})`, `\\theta_2`, `w_{35}^{(2)}`, under a heading \"Step 2\"), "
             "a graph's too (`step2.new_A_1_2`, `G_1(A_{12})`, `A_{12}^{(2)}`, a state's whole matrix `G_1(A)`): "
             "[checking.md](checking.md#optimizer-steps).", ""]
    for name in optimizers.NAMES:
        lines += [f"## {name}", ""]
        for form in optimizers.FORMS:
            row = optimizers.optimizer(name, form)
            lines += [f"**{form}** ({row.source}). Settings: {_settings(row)}.", ""]
            # the note a solution states, computed from the two forms' rules (optimize.form_differences)
            lines += [form_note(name, form, "en") + ".", ""]
            if row.grad_at != optimizers.THETA_PREV:
                lines += [f"g_t is taken at $${optimizers.latex(row.grad_at)}$$", ""]
            lines.append("$$")
            lines.append(r"\begin{aligned}")
            for a in optimizers.rule(name, form):
                lines.append(f"{optimizers.latex(a.symbol)} &= {optimizers.latex(a.expr)} \\\\")
            lines += [r"\end{aligned}", "$$", ""]
    sol = solve(parse_problem(EXAMPLE, "example.yaml"))
    worked = render(sol, "text")
    tail = worked[worked.index("\nOptimizer\n") + 1:]
    lines += ["## A worked run", "",
              "`symbackprop solve` of this file prints the worked solution at the starting weights (its update "
              "section by Adam's rule), then the sections below: the rule, step 1 in full (`--step K` or "
              "`--steps all` choose others) and a table of every step (aligned columns in text, a table in Markdown, "
              "HTML and LaTeX/PDF, split across pages and into column groups there; with `update: per_sample` its "
              "loss columns are the step's sample's J_n). A step's values are printed with the digits the lines "
              "after it use, a small one by significant figures (v_t ≈ 0.00019401, not 0.0002), and the numbers "
              "put into a line are those printed values, across steps too (a state printed at step t − 1 is put into "
              "step t with the same digits): a line worked from the printed numbers gives its printed value. A "
              "number is widened to at most 4 significant figures more than the precision, so that a value near 0 "
              "from a cancellation (θ_t ≈ 1e-9) does not stretch its lines to 13 figures.", "",
              "One rule for a step's numbers, everywhere in the step shown in full (its optimizer lines, its forward "
              "and backward pass, the look-ahead note, the loss before and after it, and the JSON's `text`/`display` "
              "of its quantities): an exact value whose decimal ends within 2 places more than the precision is "
              "printed in full, with = (θ_1(A_21) = 0.29375 as θ_1(A_12) = −0.95625, v_1 = 0.021875, at 4 places; "
              "0.48234375 has 8 places and is ≈ 0.4823); a small value (under 10^−⌊precision/2⌋, 0.01 at 4 places) "
              "by significant figures (0.0000738087, not 0.0001); any other to the precision, widened only where a "
              "line needs it; one value that two parameters' lines of a step print (two symmetric entries' g_2) is "
              "printed alike, with the most places either needs. A step's forward and backward pass prints each "
              "∂J/∂θ (∂L/∂θ of a graph's entry) as the g_t line below prints the same value (∂J/∂w_{35} ≈ "
              "−0.0889484 where g_t(w_{35}) is so widened), its own numbers widened as far as that line needs (a "
              "small value's numbers to its own places and 2 more), so that a line worked from its printed numbers "
              "still gives its printed value. The solution above (step 1's pass) keeps the solution's own rule. At "
              "`--sig-figs N` every value keeps its N figures.", "",
              "```yaml", EXAMPLE.rstrip(), "```", "", "```text", tail.rstrip(), "```", ""]
    from symbackprop.graph import parse_graph, solve_graph
    from symbackprop.graph_optimize import with_graph_run
    graph = with_graph_run(solve_graph(parse_graph(GRAPH_EXAMPLE, "graph.yaml")))
    worked = render(graph, "text")
    lines += ["## A graph's run", "",
              "A `model: graph` file takes `optimizer` and `steps` as a network's does; a graph has one sample (its "
              "inputs), so `update` is `per_batch` only (`per_sample` is a one-line error). Each entry of each "
              "of its `parameters` is a θ of the rule (a matrix entry by entry, row by row). Two paths compute "
              "the steps, as for a network: the output and every ∂L/∂θ as SymPy expressions of the entries, "
              "lambdified once, for every step in float64; and each step shown in full re-solved exactly (the "
              "graph's forward and backward pass at θ_{t−1}; the lecture's Nesterov at the look-ahead point "
              "θ_{t−1} − γ·v_{t−1}). They agree to 10⁻¹² (tests/test_q114.py). "
              "problems/quadratic_adagrad.yaml is the lecture's torch.optim.Adagrad(lr=0.01) print on "
              "y = xᵀAx + b·x + c with a 5×5 A. A step shown in full after the first (`--step K`, `--steps all`) "
              "prints, before its optimizer lines, its forward and backward pass as a network's does: \"Step 2: "
              "Forward: the computation graph\" and \"Step 2: Backward: the chain rule\", the graph's own lines at "
              "the step's point (the lecture's Nesterov: with a note that works each entry's look-ahead value, "
              "`A_12: −0.95625 − 0.9×(−0.04375) = −0.916875`); step 1's is the graph's solution above.", "",
              "A parameter's own lines write the rule's symbols with the parameter in brackets (`m_t(w_{35})`, "
              "`G_t(A_{12})`). Where a parameter's name is written with a letter of the rule — θ, g or a state's "
              "letter of that optimizer and form (torch momentum's buffer b and that quadratic's b; Adam's m and v; "
              "Adagrad's G) — the Optimizer section adds one note saying which is which (network or graph, every "
              "format, zh too): \"Here b is the name of a parameter and also a letter of the rule: in b_t(b_1), "
              "b_t is the rule's quantity and b_1, in the brackets, is the parameter\"; with several such letters, "
              "one note names them all (`θ_t(θ), m_t(m)`). Nothing else of the solution changes.", "",
              "`solve --format json` of a graph with a run keeps every quantity of the plain graph and adds "
              "`optimizer` (name, form, settings, update, steps, the steps shown, the rule) and "
              "`steps: [{step, quantities}]`, the ids the graph's own: a parameter entry `A_1_2` (a vector's "
              "`b_2`, a scalar's `c`) and `grad_A_1_2`, then `update_A_1_2` (Δθ), `new_A_1_2` (θ after the "
              "step) and the optimizer's state by the stems of a network's (`m_w_3_5`): `m_A_1_2`, `v_A_1_2`, "
              "`mhat_A_1_2`, `vhat_A_1_2`, `G_A_1_2`, `velocity_A_1_2`, `Eg2_A_1_2`, `Edx2_A_1_2`, "
              "`dtheta_A_1_2` …; `loss` (the output before the step) and `new_loss` (after it). Each quantity of a "
              "step shown in full (`optimizer.shown`) also has `text` and `latex`, its line as the text output "
              "prints it (`A_1_2` as θ_{t−1}(A_12), `update_A_1_2` as ΔA_12 = θ_t(A_12) − θ_{t−1}(A_12) with "
              "the numbers, `loss` and `new_loss` as L(θ_{t−1}) and L(θ_t)); the other steps have their values "
              "only ([solutions.md](solutions.md#json)). A step worked exactly (step 1 and the steps shown) also "
              "holds its forward and backward pass by the graph's ids (`q`, `grad_y`, a matrix whole: `M`, `grad_A`, "
              "with its `shape`) with value, exact and display (a step shown in full: also `text` and `latex`) as "
              "that step prints them (step 1's as the graph's solution above); an entry's ∂L/∂θ is the run's "
              "`grad_A_1_2` (g_t). A shown quantity's `display` is its value as its own line prints it.", "",
              "```yaml", GRAPH_EXAMPLE.rstrip(), "```", "", "```text", worked.rstrip(), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    (ROOT / "docs" / "optimizers.md").write_text(text(), encoding="utf-8")
