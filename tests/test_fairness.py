"""Issue 9, fairness and cheating in `check`: a verdict depends on that student's answers only, a
quantity's own name or an unsubstituted rule earns nothing, the precision rule sees through any
wrapping, and our own bugs are reported as ours (exit 3), never as the student's fault."""
import dataclasses
import gc
import json
import random
import re

import pytest
import yaml
from click.testing import CliRunner
from conftest import NETWORKS, PROBLEMS

from symbackprop.answers import Answer, Checker, Grader, Parser, Rubric, check_submission
from symbackprop.answers.checker import GOOD, items_of
from symbackprop.answers.instances import StepRules, true_values
from symbackprop.answers.latex import split_relations
from symbackprop.cli import main
from symbackprop.grade import grade_all
from symbackprop.problem import load_problem
from symbackprop.solution import PartSolution, solve

XOR = PROBLEMS / "xor.yaml"


def write(tmp_path, name, data):
    f = tmp_path / name
    f.write_text(yaml.safe_dump(data, allow_unicode=True) if name.endswith(".yaml") else data, encoding="utf-8")
    return f


def verdict(report, qid):
    return next(v for v in report.verdicts if v.qid == qid)


def rows(reports):
    """Everything a grade row holds about a student: per part the score and each verdict."""
    return [(r.part, r.score, [(v.qid, v.status, v.credit, v.message) for v in r.verdicts], r.missing)
            for r in reports]


# -- 1. the right-answer cache ----------------------------------------------------------------
@pytest.mark.slow
def test_a_verdict_from_one_students_rounded_values_is_not_given_to_another(tmp_path):
    """A: u_3 = 0.98 (imprecise), net_5 = −0.04 is then right from A's own rounded u_3. B writes the
    same net_5 with a precise u_3: −0.04 is only right to two places for B (net_5 = −0.03597)."""
    problem = load_problem(XOR)
    a = write(tmp_path, "a.md", "Sigmoid: $u_3 = 0.98$, $u_4 = 0.5$, $net_5 = -0.04$\n")
    b = write(tmp_path, "b.md", "Sigmoid: $u_3 = 0.9820$, $u_4 = 0.5$, $net_5 = -0.04$\n")
    alone, _ = check_submission(problem, b, "sigmoid")
    assert verdict(alone[0], "act_3").status == "correct"
    assert verdict(alone[0], "net_5").status == "imprecise"
    g = Grader(problem, Rubric(), ["sigmoid"])
    try:
        first, _ = g.check(a, "sigmoid")
        assert verdict(first[0], "net_5").status == "correct"
        assert "rounded earlier values" in verdict(first[0], "net_5").message
        after, _ = g.check(b, "sigmoid")
    finally:
        g.close()
    assert rows(after) == rows(alone)


@pytest.mark.slow
def test_a_right_answer_judged_from_its_text_alone_is_still_remembered(grader, tmp_path):
    """The cache keeps what it may: the same right text costs nothing the second time."""
    f = write(tmp_path, "a.yaml", {"relu": {"u_3": "1 \\times 3 + 0 \\times 4 + 1"}})
    grader.check(f, "relu")
    checker = grader.checkers["relu"]
    assert ("act_3", "1 \\times 3 + 0 \\times 4 + 1", False) in checker.right
    f2 = write(tmp_path, "b.yaml", {"sigmoid": {"u_3": 0.98, "u_4": 0.5, "net_5": -0.04}})
    grader.check(f2, "sigmoid")
    assert not any(k[0] == "net_5" for k in grader.checkers["sigmoid"].right)


# -- 2. compiled rules keyed by id() ------------------------------------------------------------
@pytest.mark.slow
def test_compiled_rules_never_cross_parts_when_an_id_is_reused():
    """A sigmoid part whose PartSolution reuses the id of a dropped ReLU part must get its own
    g'(net_3) = u_3(1 − u_3), not ReLU's step (1.0): u_3 = 0.7, g'(net_3) = 0.21 follows through."""
    sol = solve(load_problem(XOR))
    relu, sig = sol.parts
    parser = Parser()                 # numbers need no parser: the worker is never started
    sig_answers = [Answer("act_3", "0.7", 1, True), Answer("gprime_3", "0.21", 2, True)]
    alone = Checker(dataclasses.replace(sig), Rubric(), parser).check(sig_answers)
    assert verdict(alone, "gprime_3").status == "follow_through"
    reused = None
    for _ in range(50):
        r = dataclasses.replace(relu)
        # a wrong g'(net_3) makes the checker compile ReLU's rule for it (follow-through)
        Checker(r, Rubric(), parser).check([Answer("act_3", "3", 1, True), Answer("gprime_3", "0.5", 2, True)])
        gc.collect()
        old = id(r)
        del r                                   # freed now: the next object of its size takes its memory
        s = PartSolution.__new__(PartSolution)
        if id(s) == old:
            s.__dict__.update(vars(sig))        # a copy of the sigmoid part at the ReLU part's old id
            reused = Checker(s, Rubric(), parser).check(sig_answers)
            break
    assert reused is not None, "the id of a dropped PartSolution was never reused"
    assert [(v.qid, v.status, v.message) for v in reused.verdicts] == \
        [(v.qid, v.status, v.message) for v in alone.verdicts]


def test_step_rules_belong_to_their_part(xor):
    relu, sig = xor.parts
    vals = {**true_values(sig), sig.step("act_3").symbol: 0.9}
    assert StepRules(sig).recompute("gprime_3", vals) == pytest.approx(0.09)
    assert StepRules(relu).recompute("gprime_3", {**true_values(relu)}) == 1.0
    import symbackprop.answers.instances as instances
    assert not hasattr(instances, "_COMPILED")


# -- 3. internal errors are ours ---------------------------------------------------------------
def test_does_not_apply_is_none_and_a_missing_leaf_is_a_bug(xor):
    relu = xor.parts[0]
    rules = StepRules(relu)
    # a rule that cannot be evaluated at these values does not apply: None
    assert rules.recompute("loss", {**true_values(relu), relu.step("act_5").symbol: 10.0**200}) is None
    assert rules.recompute("learning_rate", true_values(relu)) is None           # a given: no rule
    with pytest.raises(KeyError):                                                   # a leaf we forgot: a bug
        rules.recompute("net_3", {})


@pytest.mark.slow
def test_a_bug_in_a_diagnosis_propagates_instead_of_becoming_a_verdict(tmp_path, monkeypatch):
    from symbackprop.answers import diagnose
    monkeypatch.setattr(diagnose, "_build_variants", lambda ch, qid: [("x", "y", lambda vals: {}["bug"])])
    g = Grader(load_problem(XOR), Rubric(), ["relu"])
    try:
        with pytest.raises(KeyError):
            g.check(write(tmp_path, "a.yaml", {"relu": {"u_3": 7}}), "relu")
    finally:
        g.close()


def test_a_bug_while_checking_a_rule_propagates(grader, tmp_path, monkeypatch):
    monkeypatch.setattr(grader.checkers["relu"], "instances", [{}])      # every quantity lost: our bug
    with pytest.raises(KeyError):
        grader.check(write(tmp_path, "a.yaml", {"relu": {"u_3": "net_3 = 4"}}), "relu")


@pytest.mark.slow
def test_check_reports_an_internal_error_with_exit_3_and_a_traceback(tmp_path, monkeypatch):
    def broken(self, qid, values, replace=None):
        raise KeyError("act_9")
    monkeypatch.setattr(StepRules, "recompute", broken)
    f = write(tmp_path, "a.yaml", {"relu": {"u_3": 7}})
    result = CliRunner().invoke(main, ["check", str(XOR), str(f)])
    assert result.exit_code == 3
    assert "internal error (a bug in symbackprop, not in your input): KeyError" in result.stderr
    assert "Traceback (most recent call last)" in result.stderr and "act_9" in result.stderr
    assert result.stdout == ""


def test_a_yaml_number_float_rejects_is_unreadable_not_a_bug(grader, tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("relu: {u_3: .inf, u_4: -.Inf}\n")
    report = grader.check(f, "relu")[0][0]
    assert {v.qid: v.status for v in report.verdicts} == {"act_3": "unreadable", "act_4": "unreadable"}
    assert "not a finite number" in verdict(report, "act_3").message


# -- 5. a quantity's own name, or a rule with nothing substituted, earns nothing --------------
@pytest.mark.parametrize("qid, text", [
    ("net_3", "\\mathrm{net}_{3}"), ("act_3", "u_{3}"), ("act_3", "u_3"), ("loss", "L"),
    ("act_3", "g(net_3)"), ("delta_5", "-(z_1-u_5)g'(net_5)"), ("delta_5", "(u_5 - z_1) g'(\\mathrm{net}_5)"),
    ("act_3", "u_3 = g(net_3)"), ("gprime_5", "g'(net_5)"),
])
def test_a_name_or_a_bare_rule_scores_nothing(grader, tmp_path, qid, text):
    report = grader.check(write(tmp_path, "a.yaml", {"relu": {qid: text}}), "relu")[0][0]
    v = verdict(report, qid)
    assert v.status == "wrong" and v.credit == 0 and v.score == 0 and report.score == 0
    assert v.message.startswith("no value: ") and v.diagnosis == "no_value"


@pytest.mark.slow
def test_a_chain_that_reaches_a_value_is_graded(grader, tmp_path):
    report = grader.check(write(tmp_path, "a.yaml", {"relu": {
        "u_3": "g(net_3) = \\max(4, 0) = 4", "delta_5": "-(z_1-u_5)g'(net_5) = -(1 - 4) \\times 1 = 3",
        "loss": "L = 4.5"}}), "relu")[0][0]
    assert {v.qid: v.status for v in report.verdicts} == {"act_3": "correct", "loss": "correct", "delta_5": "correct"}


@pytest.mark.slow
def test_general_rules_stay_graded_as_rules(grader, tmp_path):
    report = grader.check(write(tmp_path, "a.yaml", {"sigmoid": {
        "delta_hidden": "g'(net_j)\\sum_k w_{jk}\\delta_k"}}), "sigmoid")[0][0]
    assert verdict(report, "delta_hidden").status == "correct"


def test_a_rule_on_one_line_and_its_value_on_the_next_is_the_value(grader, tmp_path):
    f = write(tmp_path, "a.md", "ReLU:\n\n$u_3 = g(net_3)$\n\n$u_3 = 4$\n\n$u_4 = g(net_4)$\n")
    report = grader.check(f, "relu")[0][0]
    assert verdict(report, "act_3").status == "correct"
    assert verdict(report, "act_4").diagnosis == "no_value" and report.score == 1


def _names_file(path, tmp_path, which):
    sol = solve(load_problem(path))
    data = {}
    for psol in sol.parts:
        items = items_of(psol, load_problem(path).grading or Rubric())
        names = getattr(psol.names, which)
        data[psol.name] = {q: names[psol.step(q).symbol] for q in items}
    if len(sol.parts) == 1:
        data = data[sol.parts[0].name]
    return write(tmp_path, f"{path.stem}_{which}.yaml", data)


@pytest.mark.parametrize("path", NETWORKS, ids=lambda p: p.stem)
@pytest.mark.parametrize("which", ["latex", "text"])
@pytest.mark.slow
def test_every_item_answered_with_its_own_name_scores_0_and_exits_1(path, which, tmp_path):
    f = _names_file(path, tmp_path, which)
    result = CliRunner().invoke(main, ["check", str(path), str(f), "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    items = [i for p in data["parts"] for i in p["items"]]
    assert len(items) >= 10
    assert sum(i["credit"] * i["points"] for i in items) == 0
    assert [i for i in items if i["status"] in GOOD] == []


@pytest.mark.parametrize("path", NETWORKS, ids=lambda p: p.stem)
@pytest.mark.slow
def test_the_worked_solution_cut_after_each_rule_scores_0(path, tmp_path):
    """The tool's own LaTeX solution with every chain cut after its rule (`u_3 = g(net_3)`, `δ_5 =
    (u_5 − z_1) g'(net_5)`): the items are read, and none earns anything."""
    tex = tmp_path / "solution.tex"
    assert CliRunner().invoke(main, ["solve", str(path), "--format", "latex", "--fragment", "-o", str(tex)]).exit_code == 0
    cut = []
    for line in tex.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("&"):
            continue                                   # the numbers and value rows of a chain
        if "&" in line and ("=" in line or "\\approx" in line):     # ≈: a step's g_t(w_{05}) ≈ −0.1272 (g_1 is
            links = split_relations(line.rstrip().removesuffix("\\\\"))    # today's ∂L/∂w_05, session 15)
            if re.fullmatch(r"-?[0-9.]+|-?\\frac\{\d+\}\{\d+\}", links[1][1]):
                continue                               # a value with no rule (a frozen weight's Δw = 0, g' = 1/10)
            line = f"{links[0][1]} = {links[1][1]} \\\\"
        elif "=" in line and "\\subsection" not in line:
            continue                                   # a note that states a value (net_4 = 0)
        cut.append(line)
    tex.write_text("\n".join(cut) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path), str(tex), "--format", "json"])
    assert result.exit_code == 1, result.output
    items = [i for p in json.loads(result.stdout)["parts"] for i in p["items"]]
    assert len(items) >= 10
    assert [(i["id"], i["status"], i["given"]) for i in items if i["credit"] * i["points"] > 0] == []


# -- 6. precision sees through any wrapping ----------------------------------------------------
WRAPS = ["{x}", "({x})", "(({x}))", "\\left({x}\\right)", "+{x}", "{{({x})}}", " {x} ", "{{{x}}}",
         "\\left(\\left({x}\\right)\\right)", "-(-{x})", "\\displaystyle {x}", "${x}$"]


@pytest.mark.parametrize("wrap", WRAPS)
@pytest.mark.parametrize("number, status", [("0.98", "imprecise"), ("0.9820", "correct"), ("0.98201", "correct"),
                                            ("0.9821", "rounding"), ("1", "wrong"), ("0.97", "wrong")])
def test_the_precision_rule_sees_through_any_wrapping(grader, tmp_path, wrap, number, status):
    text = wrap.replace("{x}", number) if "{x}" in wrap else wrap
    report = grader.check(write(tmp_path, "a.yaml", {"sigmoid": {"u_3": text}}), "sigmoid")[0][0]
    assert verdict(report, "act_3").status == status, text


@pytest.mark.parametrize("text", ["0.98 = u_3", "(0.98) = u_{3}", "{0.98} = g(net_3)"])
def test_a_single_number_followed_only_by_names_shows_its_places(grader, tmp_path, text):
    report = grader.check(write(tmp_path, "a.yaml", {"sigmoid": {"u_3": text}}), "sigmoid")[0][0]
    assert verdict(report, "act_3").status == "imprecise"


@pytest.mark.parametrize("text", ["-0.13", "(-0.13)", "-(0.13)", "\\left(-0.13\\right)", "{-0.13}", "-{(0.13)}"])
def test_a_wrapped_negative_value_is_judged_by_its_places_too(grader, tmp_path, text):
    report = grader.check(write(tmp_path, "a.yaml", {"sigmoid": {"delta_5": text}}), "sigmoid")[0][0]
    assert verdict(report, "delta_5").status == "imprecise"


@pytest.mark.parametrize("qid, text, status", [
    ("act_4", "\\frac{1}{2}", "correct"),          # u_4 = σ(0) = 1/2 exactly
    ("act_4", "(\\frac{1}{2})", "correct"),
    ("act_3", "\\frac{49}{50}", "wrong"),            # exact 0.98 is not u_3 = 0.98201…, nor "0.98 to two places"
    ("act_3", "(1 - 0.02)", "imprecise"),            # an expression of rounded numbers: as precise as they are
])
def test_an_exact_form_is_still_judged_as_exact(grader, tmp_path, qid, text, status):
    report = grader.check(write(tmp_path, "a.yaml", {"sigmoid": {qid: text}}), "sigmoid")[0][0]
    assert verdict(report, qid).status == status


@pytest.mark.parametrize("qid, text, status", [
    ("act_3", "0.98 \\times 1", "imprecise"),         # not writing the value out does not escape the rule
    ("act_3", "0.5 + 0.48", "imprecise"),
    ("act_3", "\\frac{0.98}{1}", "imprecise"),
    ("act_3", "0.9820 \\times 1", "correct"),         # four places, as asked
    ("act_3", "\\frac{1}{1+e^{-4}}", "correct"),       # exact: no rounded number in it
    ("act_4", "0.5 \\times 1", "correct"),            # 0.5 is u_4 exactly, not a rounded number
    ("delta_5", "-(1 - 0.4910) \\times 0.2499", "correct"),
    ("delta_5", "-(1 - 0.491) \\times 0.2499", "correct"),     # 3 places, yet right to the 4 asked
    ("delta_5", "-(1 - 0.49) \\times 0.25", "imprecise"),      # -0.1275: not right to 4 places
])
def test_a_value_left_as_an_expression_is_as_precise_as_its_rounded_numbers(grader, tmp_path, qid, text, status):
    report = grader.check(write(tmp_path, "a.yaml", {"sigmoid": {qid: text}}), "sigmoid")[0][0]
    assert verdict(report, qid).status == status, text


@pytest.mark.slow
def test_a_tolerance_the_teacher_chose_decides_an_expression_too(tmp_path):
    g = Grader(load_problem(XOR), Rubric(relative=0.01))
    try:
        report = g.check(write(tmp_path, "a.yaml", {"sigmoid": {"u_3": "0.98 \\times 1"}}), "sigmoid")[0][0]
    finally:
        g.close()
    assert verdict(report, "act_3").status == "correct"


# -- 4. the property: a row of `grade` is `check` of that file alone ---------------------------
def _student(rng: random.Random, psol, items: list[str]) -> tuple[str, dict[str, float]]:
    """One generated student's values for one part: (kind of student, qid -> value)."""
    rules = StepRules(psol)
    true = true_values(psol)
    kind = rng.choice(["rounds_as_they_go", "rounded", "follow_through", "convention", "wrong"])
    d = rng.randint(2, 6)
    order = [s.id for s in psol.steps if s.id in items]
    vals = dict(true)
    out: dict[str, float] = {}
    bad = rng.choice([q for q in order if q.startswith(("act_", "net_", "delta_"))])
    for q in order:
        sym = psol.step(q).symbol
        if kind in ("rounds_as_they_go", "follow_through"):
            v = rules.recompute(q, vals)              # from the student's own (rounded, or wrong) values
            v = psol.step(q).float_value if v is None else v
        else:
            v = psol.step(q).float_value
        if kind == "follow_through" and q == bad:
            v = v * 1.5 + 0.3
        if kind == "convention" and q.startswith("delta_"):
            v = -v
        if kind == "wrong" and rng.random() < 0.3:
            v = rng.uniform(-2, 2)
        v = round(v, d)
        if kind == "rounded" and rng.random() < 0.15:
            v += rng.choice([-1, 1]) * 10.0 ** -d      # misrounded in the last place
        vals[sym] = v
        out[q] = round(v, d)
    answered = {q: v for q, v in out.items() if rng.random() < 0.85}
    return kind, {q: (v, d) for q, v in answered.items()}


def _make_class(folder, n: int, seed: int):
    problem = load_problem(XOR)
    sol = solve(problem)
    rng = random.Random(seed)
    kinds = []
    subs = []
    for k in range(n):
        writeup = k % 3 == 2
        parts = {}
        for psol in sol.parts:
            kind, answers = _student(rng, psol, list(items_of(psol, Rubric())))
            kinds.append(kind)
            parts[psol.name] = (psol, answers)
        name = f"s{k:03d}"
        if writeup:
            lines = []
            for pname, (psol, answers) in parts.items():
                lines += [f"## The {'ReLU' if pname == 'relu' else 'Sigmoid'} part", ""]
                for q, (v, d) in answers.items():
                    tex = psol.names.latex[psol.step(q).symbol]
                    if rng.random() < 0.2:
                        lines.append(f"${tex} = {psol.names.latex[psol.step(q).symbol]}$")   # a bare name line
                    lines.append(f"${tex} = {v:.{d}f}$")
                lines.append("")
            f = folder / f"{name}.md"
            f.write_text("\n".join(lines), encoding="utf-8")
        else:
            lines = []                  # written by hand: a number keeps the places it shows (0.9820)
            for pname, (psol, answers) in parts.items():
                lines.append(f"{pname}:")
                for q, (v, d) in answers.items():
                    s = f"{v:.{d}f}"
                    style = rng.random()
                    value = (s if style < 0.5 else json.dumps(s) if style < 0.7 else json.dumps(f"({s})")
                             if style < 0.85 else json.dumps(f"{psol.names.latex[psol.step(q).symbol]} = {s}"))
                    lines.append(f"  {q}: {value}")
            f = folder / f"{name}.yaml"
            f.write_text("\n".join(lines) + "\n", encoding="utf-8")
        subs.append((name, f))
    return problem, subs, kinds


@pytest.mark.slow
def test_every_row_of_grade_is_check_of_that_file_alone(tmp_path):
    problem, subs, kinds = _make_class(tmp_path, 42, seed=9)
    assert set(kinds) == {"rounds_as_they_go", "rounded", "follow_through", "convention", "wrong"}
    alone = {name: rows(check_submission(problem, f)[0]) for name, f in subs}
    # the class really has verdicts that depend on a student's own earlier values
    messages = [m for r in alone.values() for _, _, vs, _ in r for _, _, _, m in vs]
    statuses = [s for r in alone.values() for _, _, vs, _ in r for _, s, _, _ in vs]
    assert sum("rounded earlier values" in m for m in messages) >= 5
    assert statuses.count("follow_through") >= 5 and statuses.count("other_convention") >= 2
    assert {"imprecise", "rounding", "wrong", "correct"} <= set(statuses)
    for jobs, order in ((1, subs), (2, subs), (1, subs[::-1])):
        results = grade_all(problem, problem.grading or Rubric(), order, None, jobs)
        assert [r.error for r in results] == [None] * len(order)
        for r in results:
            assert rows(r.reports) == alone[r.student], (jobs, r.student)


# -- the parser's cache is shared by students, so it must not change what one student's budget buys --
def test_a_remembered_parse_costs_this_submission_what_it_cost_the_first_time():
    with Parser() as p:
        p.new_submission(10.0)
        p.parse("\\frac{1}{2}(1-0.491)^{2}")
        first = 10.0 - p.budget
        p.new_submission(10.0)
        p.parse("\\frac{1}{2}(1-0.491)^{2}")            # from the cache
        assert 10.0 - p.budget == first
        p.new_submission(0.0)                            # a budget used up is used up, cached or not
        with pytest.raises(Exception, match="used up its parsing time"):
            p.parse("\\frac{1}{2}(1-0.491)^{2}")


def test_a_time_out_is_not_remembered_for_the_next_student(monkeypatch):
    p = Parser()
    monkeypatch.setattr(p, "_ask", lambda text: ("error", "too complex to read within 3 s", 3.0, False))
    with pytest.raises(Exception, match="too complex"):
        p.parse("x^{2}")
    assert p.cache == {}


# -- the computing time of one submission (answers/meter.py) -----------------------------------
def _fixed_costs(monkeypatch, parser, cost=0.02):
    """Every parse costs `cost` and the checking process nothing: charges become exact."""
    from symbackprop.answers import latex, meter
    ask = latex.Parser._ask
    monkeypatch.setattr(parser, "_ask", lambda text: (lambda r: (r[0], r[1], cost if r[3] else r[2], r[3]))(ask(parser, text)))
    quick = latex.Parser._quick

    def quick_fixed(text):                # plain arithmetic read without latex2sympy2 costs the same
        if not quick(parser, text):
            return False
        parser.cache[text] = parser.cache[text][:2] + (cost,)
        return True
    monkeypatch.setattr(parser, "_quick", quick_fixed)
    monkeypatch.setattr(meter.time, "process_time", lambda: 0.0)


@pytest.mark.slow
def test_a_submission_is_charged_the_same_after_another_wrote_the_same_answers(tmp_path, monkeypatch):
    writeup = tmp_path / "sol.md"
    from symbackprop.render import render
    writeup.write_text(render(solve(XOR), "markdown"), encoding="utf-8")
    g = Grader(load_problem(XOR), Rubric())
    try:
        _fixed_costs(monkeypatch, g.parser)
        g.check(writeup)
        alone = 5.0 - g.parser.budget
        g.check(writeup)                     # every right answer now comes from the remembered verdicts
        again = 5.0 - g.parser.budget
    finally:
        g.close()
    assert alone > 0.5 and again == pytest.approx(alone)


@pytest.mark.slow
def test_a_submission_over_its_computing_time_is_over_the_limit_in_check_and_in_grade(tmp_path, monkeypatch):
    from symbackprop import grade
    from symbackprop.answers import OverLimit, meter
    from symbackprop.render import render
    writeup = tmp_path / "sol.md"
    writeup.write_text(render(solve(XOR), "markdown"), encoding="utf-8")
    monkeypatch.setattr(meter, "SECONDS", 0.5)
    monkeypatch.setattr(meter.Meter.__init__, "__defaults__", (0.5,))
    g = Grader(load_problem(XOR), Rubric())
    try:
        _fixed_costs(monkeypatch, g.parser)
        with pytest.raises(OverLimit, match="more than 0.5 s of computing time"):
            g.check(writeup)
        monkeypatch.setattr(grade, "_GRADER", g)
        monkeypatch.setattr(grade, "_PART", None)
        row = grade._grade_one("alice", str(writeup))
    finally:
        g.close()
    assert row.status == "over_limit" and "computing time" in row.error and row.reports == []
