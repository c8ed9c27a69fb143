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
    from symbackprop.solution import solve
    lines = ["# Optimizers and several steps", "",
             "<!-- written by docs/make_optimizers.py from symbackprop/optimizers.py: do not edit by hand -->", "",
             "A network problem file may train its parameters for several steps with an optimizer "
             "(fields `optimizer`, `steps`, `update`: [problem-format.md](problem-format.md#optimizer-steps-and-update)). "
             "Each optimizer has two forms: `lecture` (the default: the lecture's slides, Ruder 2016 where the "
             "slides give no formula) and `pytorch` (torch.optim's algorithm step for step). Below, each "
             "optimizer's settings (by torch's names, with their defaults and allowed ranges) and its rule, one "
             "assignment a line, as the solution prints it: θ is each weight in turn, g_t = ∂J/∂θ at step t. "
             "`symbackprop list optimizers` prints the same table: each rule on one line with its defaults (also "
             "`--format markdown` and `json`). A computation graph (`model: graph`) does not take an optimizer "
             "run yet: `optimizer`, `steps` or `update` in its file, or `--step` on it, is a one-line error. "
             "`check` reads answers for any step and for the optimizer's state, by id (`step2.m_w_3_5`) and by "
             "the names students write (`m_1(w_{35})`, `\\theta_2`, `w_{35}^{(2)}`, under a heading \"Step 2\"): "
             "[checking.md](checking.md#optimizer-steps).", ""]
    for name in optimizers.NAMES:
        lines += [f"## {name}", ""]
        for form in optimizers.FORMS:
            row = optimizers.optimizer(name, form)
            lines += [f"**{form}** ({row.source}). Settings: {_settings(row)}.", ""]
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
              "`--steps all` choose others) and a table of every step.", "",
              "```yaml", EXAMPLE.rstrip(), "```", "", "```text", tail.rstrip(), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    (ROOT / "docs" / "optimizers.md").write_text(text(), encoding="utf-8")
