"""Issue 13, network problems with an optimizer and several steps (O2): the problem fields, the engine
(optimize.py: the compiled run against the exact re-solved steps), the JSON, the text sections, --step."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import sympy as sp
from click.testing import CliRunner

from symbackprop import optimize
from symbackprop.cli import main
from symbackprop.errors import ProblemError
from symbackprop.problem import parse_problem
from symbackprop.quantity import Key
from symbackprop.render import render
from symbackprop.render.json import to_data
from symbackprop.solution import solve

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = ROOT / "problems"
R = sp.Rational
XOR = (PROBLEMS / "xor.yaml").read_text(encoding="utf-8")
XOR_NO_LR = XOR.replace("learning_rate: 1\n", "")

# one linear unit u = b + w·x (b = w_0_2, w = w_1_2), two samples, η = 1/10 (problems/two_step_per_sample.yaml)
from helpers import LINEAR as _LINEAR  # noqa: E402
LINEAR = _LINEAR + "learning_rate: 0.1\n"
B, W = Key("w", "2", source="0"), Key("w", "2", source="1")


def _part(text: str, name: str | None = None):
    problem = parse_problem(text, "p.yaml")
    return problem.part(name) if name else problem.parts[0]


def _error(text: str, folder: Path) -> str:
    """The one-line (or several-line) message of a bad problem, as `solve` prints it, exit 2."""
    path = folder / "p.yaml"
    path.write_text(text, encoding="utf-8")
    got = CliRunner().invoke(main, ["solve", str(path)])
    assert got.exit_code == 2, got.output
    return got.output.strip()


# -- 1. the fields ---------------------------------------------------------------------------------

@pytest.mark.parametrize("extra, line, words", [
    ("optimizer: {name: adam, lr: -1}", 24, ["optimizer.lr", "lr = -1 is out of range", "(0, ∞)"]),
    ("optimizer: {name: adam, betas: [0.9, 1]}", 24, ["optimizer.betas", "beta2 = 1 is out of range", "[0, 1)"]),
    ("optimizer: adm", 24, ["unknown optimizer 'adm'", "sgd, momentum", "did you mean adam?"]),
    ("optimizer: adam\nsteps: 0", 25, ["steps must be a whole number from 1 to 1000, not 0"]),
    ("optimizer: adam\nsteps: 1001", 25, ["not 1001"]),
    ("update: per_sampel", 24, ["unknown update 'per_sampel'", "per_batch, per_sample", "did you mean per_sample?"]),
    ("optimizer: {name: adam, epss: 1}", 24, ["has no setting 'epss'", "did you mean eps?"]),
    ("optimizer: {name: adam, form: pytroch}", 24, ["unknown form 'pytroch'", "did you mean pytorch?"]),
])
def test_bad_settings_one_line(extra, line, words, tmp_path):
    out = _error(XOR_NO_LR + extra + "\n", tmp_path)
    assert len(out.splitlines()) == 1, out
    assert f"p.yaml:{line}:" in out
    for w in words:
        assert w in out, out


def test_several_mistakes_together_and_lr_twice(tmp_path):
    out = _error(XOR_NO_LR + "optimizer: {name: adam, lr: -1, betas: [0.9, 1.5]}\nsteps: 0\nupdate: x\n", tmp_path)
    assert len(out.splitlines()) == 4, out
    out = _error(XOR + "optimizer: {name: adam, lr: 0.5}\n", tmp_path)         # xor.yaml has learning_rate: 1
    assert "optimizer.lr = 0.5 and learning_rate = 1 differ" in out and "p.yaml:25:" in out   # as written (s14-b1)
    out = _error(XOR + "optimizer: adadelta\n", tmp_path)                       # Ruder's AdaDelta has no η
    assert "p.yaml:16: learning_rate: adadelta (lecture form) has no learning rate" in out


def test_learning_rate_defaults_and_parts():
    # neither lr nor learning_rate: the form's default (Adam 0.001); learning_rate alone is the optimizer's lr
    assert _part(XOR_NO_LR + "optimizer: adam\n").training.values["lr"] == R(1, 1000)
    assert _part(XOR_NO_LR + "optimizer: adagrad\n").learning_rate == R(1, 100)
    assert _part(XOR + "optimizer: adam\n").training.values["lr"] == 1
    # steps alone: plain SGD, lecture form, at the file's η; fields inside a part override the top level
    p = _part(XOR + "steps: 3\n")
    assert (p.training.optimizer, p.training.form, p.training.steps, p.training.values) == ("sgd", "lecture", 3, {"lr": 1})
    text = XOR_NO_LR.replace("  - {name: sigmoid, activation: sigmoid}",
                             "  - {name: sigmoid, activation: sigmoid, optimizer: {name: adam, form: pytorch}, steps: 2}")
    problem = parse_problem(text, "p.yaml")
    assert problem.part("relu").training is None
    assert problem.part("sigmoid").training.form == "pytorch" and problem.part("sigmoid").training.steps == 2


def test_no_training_and_sgd_one_step_unchanged():
    plain = to_data(solve(parse_problem(XOR, "p.yaml"), ["relu"]))
    assert "optimizer" not in plain["parts"][0] and "steps" not in plain["parts"][0]
    sgd = to_data(solve(parse_problem(XOR + "optimizer: sgd\n", "p.yaml"), ["relu"]))
    for a, b in zip(plain["parts"], sgd["parts"]):
        assert a["quantities"] == b["quantities"]
        assert [q["value"] for q in b["steps"][0]["quantities"].values()]      # the run is there too
        assert b["steps"][0]["quantities"]["new_w_3_5"]["value"] == a["quantities"]["new_w_3_5"]["value"]


# -- 2. the engine ---------------------------------------------------------------------------------

def test_compiled_gradient_against_finite_differences():
    part = _part(XOR, "sigmoid")
    compiled = optimize.Compiled(part)
    w = [float(x.value) + 0.1 * k for k, x in enumerate(part.weights)]          # away from the file's point
    j, grads = compiled(w, part.samples[0])
    h = 1e-6
    for k in range(len(w)):
        up, down = list(w), list(w)
        up[k] += h
        down[k] -= h
        fd = (compiled(up, part.samples[0])[0] - compiled(down, part.samples[0])[0]) / (2 * h)
        assert math.isclose(fd, grads[k], rel_tol=1e-6, abs_tol=1e-9), (k, fd, grads[k])


@pytest.mark.parametrize("extra", [
    pytest.param("optimizer: {name: adam, lr: 0.1}\nsteps: 3", marks=pytest.mark.slow),
    pytest.param("optimizer: {name: adagrad, lr: 0.5}\nsteps: 3", marks=pytest.mark.slow),
    pytest.param("optimizer: {name: nesterov, lr: 0.5}\nsteps: 3", marks=pytest.mark.slow),   # g at the look-ahead
    pytest.param("optimizer: {name: momentum, lr: 0.5, form: pytorch, dampening: 0.5}\nsteps: 3",
                 marks=pytest.mark.slow),
    pytest.param("optimizer: {name: adamw, lr: 0.1, form: pytorch}\nsteps: 3", marks=pytest.mark.slow),
])
def test_run_agrees_with_the_exact_steps(extra):
    part = _part(XOR_NO_LR + extra + "\n", "sigmoid")
    run = optimize.run_part(part, "all")
    assert sorted(run.worked) == [1, 2, 3]
    for t, w in run.worked.items():
        floats = run.steps[t - 1].values
        assert set(w.step.values) == set(floats)
        for key, exact in w.step.values.items():
            a, b = float(sp.sympify(exact)), floats[key]
            assert abs(a - b) <= 1e-12 * max(1.0, abs(a)), (t, key, a, b)
    assert optimize.agree(run) <= 1e-12


def test_run_agrees_with_the_exact_steps_fast():
    # Adam on the linear unit: step 1 exact (radicals √(g² + ε)), then 30-digit floats
    run = optimize.run_part(_part(LINEAR.replace("learning_rate: 0.1\n", "") + "optimizer: {name: adam, lr: 0.1}\n"
                                  "steps: 3\n"), "all")
    assert run.worked[1].step.values[W.like("vhat_w")] == R(9, 4)     # g_1 = ½(−1·1 + 2·2) = 3/2, v̂_1 = g_1²
    assert optimize.agree(run) <= 1e-12


def test_per_sample_against_per_batch_by_hand():
    # per_sample, η = 0.1. Step 1, sample 1 (x = 1, t = 2): u = 0 + 1·1 = 1, J = ½(1 − 2)² = 1/2, δ = u − t = −1,
    #   ∂J/∂b = −1, ∂J/∂w = −1·1 = −1; b1 = 0 + 0.1 = 1/10, w1 = 1 + 0.1 = 11/10;
    #   after: u = 1/10 + 11/10 = 6/5, J = ½(4/5)² = 8/25.
    # Step 2, sample 2 (x = 2, t = 0): u = 1/10 + 11/10·2 = 23/10, J = ½(23/10)² = 529/200, δ = 23/10,
    #   ∂J/∂b = 23/10, ∂J/∂w = 23/10·2 = 23/5; b2 = 1/10 − 23/100 = −13/100, w2 = 11/10 − 23/50 = 16/25;
    #   after: u = −13/100 + 32/25 = 23/20, J = ½(23/20)² = 529/800.
    online = optimize.run_part(_part(LINEAR + "update: per_sample\nsteps: 2\n"), "all")
    s1, s2 = online.worked[1].step.values, online.worked[2].step.values
    assert online.worked[1].step.samples == (0,) and online.worked[2].step.samples == (1,)
    assert (s1[Key("loss")], s1[B.like("grad_w")], s1[W.like("grad_w")]) == (R(1, 2), -1, -1)
    assert (s1[B.like("new_w")], s1[W.like("new_w")], s1[Key("new_loss")]) == (R(1, 10), R(11, 10), R(8, 25))
    assert (s2[B], s2[W], s2[Key("loss")]) == (R(1, 10), R(11, 10), R(529, 200))
    assert (s2[B.like("grad_w")], s2[W.like("grad_w")]) == (R(23, 10), R(23, 5))
    assert (s2[B.like("new_w")], s2[W.like("new_w")], s2[Key("new_loss")]) == (R(-13, 100), R(16, 25), R(529, 800))
    # per_batch (J the mean of the two). Step 1: δ^(1) = 1 − 2 = −1, δ^(2) = (0 + 1·2) − 0 = 2,
    #   ∂J/∂b = ½(−1 + 2) = 1/2, ∂J/∂w = ½(−1·1 + 2·2) = 3/2; J = ½(½·1 + ½·4) = 5/4;
    #   b1 = −1/20, w1 = 1 − 3/20 = 17/20.
    # Step 2: u^(1) = −1/20 + 17/20 = 4/5, δ^(1) = −6/5; u^(2) = −1/20 + 17/10 = 33/20, δ^(2) = 33/20;
    #   ∂J/∂b = ½(−6/5 + 33/20) = 9/40, ∂J/∂w = ½(−6/5 + 33/10) = 21/20; J = ½(½·36/25 + ½·1089/400) = 333/320;
    #   b2 = −1/20 − 9/400 = −29/400, w2 = 17/20 − 21/200 = 149/200.
    batch = optimize.run_part(_part(LINEAR + "steps: 2\n"), "all")
    s1, s2 = batch.worked[1].step.values, batch.worked[2].step.values
    assert (s1[Key("loss")], s1[B.like("grad_w")], s1[W.like("grad_w")]) == (R(5, 4), R(1, 2), R(3, 2))
    assert (s1[B.like("new_w")], s1[W.like("new_w")]) == (R(-1, 20), R(17, 20))
    assert (s2[Key("loss")], s2[B.like("grad_w")], s2[W.like("grad_w")]) == (R(333, 320), R(9, 40), R(21, 20))
    assert (s2[B.like("new_w")], s2[W.like("new_w")]) == (R(-29, 400), R(149, 200))
    for run in (online, batch):                    # the float run agrees with the hand values too
        assert optimize.agree(run) <= 1e-12


def test_frozen_stays_put_and_shared_gets_one_update():
    text = LINEAR.replace("weights: {0: {2: 0}, 1: {2: 1}}", "weights: {0: {2: {value: 0, frozen: true}}, 1: {2: 1}}")
    run = optimize.run_part(_part(text + "optimizer: {name: momentum, lr: 0.1, momentum: 0.5}\nsteps: 3\n"), "all")
    for rs in run.steps:
        assert rs.values[B.like("new_w")] == 0 and rs.values[B.like("velocity_w")] == 0
        assert rs.values[B.like("grad_w")] != 0                 # its gradient is still reported
    # two edges tied to one parameter p: net_5 = p·x_1 + p·x_2; ∂J/∂p = ∂J/∂w_1_5 + ∂J/∂w_2_5
    tied = """\
network: {inputs: [1, 2], layers: [[5]], activation: identity}
weights: {1: {5: 1}, 2: {5: 1}}
shared: {p: [w_1_5, w_2_5]}
sample: {x: {1: 1, 2: 2}, t: {5: 0}}
loss: half_squared_error
optimizer: {name: adam, lr: 0.1}
steps: 2
"""
    run = optimize.run_part(_part(tied), "all")
    assert [p.key for p in run.params] == [Key("shared", "p")]
    s = run.worked[1].step.values
    # u = 1 + 2 = 3, δ = 3: ∂J/∂w_1_5 = 3, ∂J/∂w_2_5 = 6, ∂J/∂p = 9; Adam's first step moves p by η: 1 − 0.1
    assert s[Key("grad_shared", "p")] == 9 and s[Key("grad_w", "5", source="2")] == 6
    assert abs(float(s[Key("new_shared", "p")]) - 0.9) < 1e-8
    assert s[Key("new_w", "5", source="1")] == s[Key("new_w", "5", source="2")] == s[Key("new_shared", "p")]
    assert optimize.agree(run) <= 1e-12


def test_adam_first_step_is_about_eta_linear():
    # g_1 = (1/2, 3/2) (per_batch, by hand below); Δθ = −0.1·g/√(g² + 10⁻⁸): |Δθ|/η = 1 − O(10⁻⁸) for both
    run = optimize.run_part(_part(LINEAR.replace("learning_rate: 0.1\n", "") + "optimizer: {name: adam, lr: 0.1}\n"))
    about = dict(optimize.observations(run))["optimizer.note.about_eta"]
    assert (about["n"], about["grads_low"], about["grads_high"]) == (2, 0.5, 1.5)
    assert 1 - 1e-7 < about["low"] <= about["high"] <= 1


@pytest.mark.slow
def test_adam_first_step_is_about_eta():
    run = optimize.run_part(_part(XOR_NO_LR + "optimizer: {name: adam, lr: 0.1}\nsteps: 2\n", "sigmoid"))
    notes = dict(optimize.observations(run))
    # |g_1| ranges over two orders of magnitude, |Δθ|/η stays within 0.1 % of 1
    about = notes["optimizer.note.about_eta"]
    assert about["grads_high"] / about["grads_low"] > 20
    assert 0.999 < about["low"] <= about["high"] <= 1
    assert "optimizer.note.bias_correction" in notes


# -- 3. JSON and text ------------------------------------------------------------------------------

def test_json_linear_adam():
    sol = solve(parse_problem(LINEAR.replace("learning_rate: 0.1\n", "") + "optimizer: {name: adam, lr: 0.1}\n"
                              "steps: 2\n", "p.yaml"), steps=(2,))
    data = json.loads(render(sol, "json"))
    assert data == to_data(sol)
    part = data["parts"][0]
    q1, q2 = part["steps"][0]["quantities"], part["steps"][1]["quantities"]
    # step 1: g = (1/2, 3/2) (the per_batch hand values below); m_1 = 0.1·g, v_1 = 0.001·g², m̂_1 = g, v̂_1 = g²
    assert q1["grad_w_1_2"]["exact"] == "3/2" and q1["m_w_1_2"]["exact"] == "3/20" and q1["vhat_w_1_2"]["exact"] == "9/4"
    # θ_1 = 1 − 0.1·(3/2)/√(9/4 + 10⁻⁸) has a radical: step 2 runs on 30-digit floats (exact: null)
    assert q2["w_1_2"]["value"] == q1["new_w_1_2"]["value"] and q2["m_w_1_2"]["exact"] is None
    assert part["quantities"]["new_w_1_2"]["value"] == pytest.approx(1 - 0.1 * 1.5 / math.sqrt(2.25 + 1e-8), rel=1e-15)
    # step 2 is shown in full: its forward pass at θ_1 is there too; u^(2) = b_1 + w_1·2 (identity)
    assert q2["act_2@2"]["value"] == pytest.approx(q2["w_0_2"]["value"] + 2 * q2["w_1_2"]["value"], rel=1e-14)


@pytest.mark.slow
def test_json_steps_and_state_ids():
    sol = solve(parse_problem(XOR_NO_LR + "optimizer: {name: adam, lr: 0.1}\nsteps: 3\n", "p.yaml"), ["sigmoid"],
                steps=(2,))
    text = render(sol, "json")
    data = json.loads(text)
    assert data == to_data(sol)                      # the streamed JSON is the data
    part = data["parts"][0]
    opt = part["optimizer"]
    assert (opt["name"], opt["form"], opt["settings"]["lr"], opt["shown"]) == ("adam", "lecture", 0.1, [2])
    assert [r["text"].split(" =")[0] for r in opt["rule"]] == ["m_t", "v_t", "m̂_t", "v̂_t", "θ_t"]
    assert [s["step"] for s in part["steps"]] == [1, 2, 3]
    q1, q2 = part["steps"][0]["quantities"], part["steps"][1]["quantities"]
    for qid in ("w_3_5", "grad_w_3_5", "update_w_3_5", "new_w_3_5", "m_w_3_5", "v_w_3_5", "mhat_w_3_5",
                "vhat_w_3_5", "loss", "new_loss"):
        assert qid in q1 and qid in q2
    assert q2["w_3_5"]["value"] == q1["new_w_3_5"]["value"]              # θ_1 carried to step 2
    assert q2["loss"]["value"] == pytest.approx(q1["new_loss"]["value"], rel=1e-12)
    assert q1["m_w_3_5"]["exact"] is not None and q3_exact_is_null(part)
    # the top level stays step 1, its update by Adam's rule
    assert part["quantities"]["update_w_3_5"]["value"] == pytest.approx(q1["update_w_3_5"]["value"], rel=1e-12)
    # in the solution's own symbols at t = 1 (m̂_1 = g, v̂_1 = g²): every symbol a quantity an answer can give
    # ε as a symbol, its value put in with the numbers as η's is (session 14, Q1: it printed 1/100000000)
    assert "Δw_{35} = -η·∂L/∂w_{35}/sqrt(ε + ∂L/∂w_{35}²) = -0.1×(-0.1249)/sqrt(0.00000001 + (-0.1249)²)" in \
        part["quantities"]["update_w_3_5"]["text"]
    assert Key.parse("m_w_3_5") == Key("m_w", "5", source="3") and Key.parse("G_shared_b1") == Key("G_shared", "b1")


def q3_exact_is_null(part) -> bool:
    """A step not shown in full has floats only."""
    return all(q["exact"] is None for q in part["steps"][2]["quantities"].values())


def test_text_sections_and_step_selection():
    runner = CliRunner()
    path = str(PROBLEMS / "two_step_per_sample.yaml")
    default = runner.invoke(main, ["solve", path])
    assert default.exit_code == 0, default.output
    assert "Step 1 of 2 (sample 1)" in default.output and "Step 2 of 2" not in default.output
    assert "θ_t(w_{12}) = θ_{t−1}(w_{12}) - η·g_t(w_{12}) = 1 - 0.1×(-1) = 1.1" in default.output
    # step 1 uses sample 1 alone (per_sample): the worked solution above is step 1's (session 14, Q1), so its
    # forward pass is not shown again; u_2 = 0 + 1·1 = 1
    assert "Step 1: Forward pass" not in default.output and "net_2 = w_{02}·x_0 + w_{12}·x_1 = 0×1 + 1×1 = 1" in default.output
    assert "the worked solution below is step 1's, on sample 1 alone" in default.output
    rows = [line.split() for line in default.output.splitlines() if line.strip().startswith(("1 ", "2 "))]
    assert ["2", "2", "2.6450", "0.6613", "-0.1300", "0.6400"] in rows     # the table: every step (floats)
    second = runner.invoke(main, ["solve", path, "--step", "2"])
    assert "Step 2 of 2 (sample 2)" in second.output and "Step 1 of 2" not in second.output
    # step 2 by hand (test_per_sample_against_per_batch_by_hand): net = 1/10 + 11/10·2 = 2.3, J = 2.645
    assert "net_2 = w_{02}·x_0 + w_{12}·x_1 = 0.1×1 + 1.1×2 = 2.3" in second.output
    assert "J = (t_2 - u_2)²/2 = (0 - 2.3)²/2 = 2.645" in second.output
    every = runner.invoke(main, ["solve", path, "--steps", "all", "--lang", "zh"])
    assert "第 1 步" in every.output and "第 2 步" in every.output
    bad = runner.invoke(main, ["solve", path, "--step", "3"])
    assert bad.exit_code == 2 and "--step 3: part main has 2 step(s)" in bad.output


def test_step_without_a_run_is_refused():
    with pytest.raises(ProblemError):
        solve(PROBLEMS / "xor.yaml", steps=(1,))


@pytest.mark.slow
def test_problem_files_solve():
    sol = solve(PROBLEMS / "xor_adam.yaml")
    run = sol.parts[0].run
    assert run.training.optimizer == "adam" and len(run.steps) == 5
    losses = [rs.values[Key("loss")] for rs in run.steps]
    assert losses == sorted(losses, reverse=True)                 # Adam lowers the loss at every step here


def test_optimizers_doc_is_generated():
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_optimizers", ROOT / "docs" / "make_optimizers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "docs" / "optimizers.md").read_text(encoding="utf-8") == module.text(), \
        "docs/optimizers.md is stale: run python docs/make_optimizers.py"


@pytest.mark.slow
def test_xor_adam_is_the_lecture_then_adam():
    """problems/xor_adam.yaml: its worked solution at the start is the lecture's sigmoid part (tests/data/golden),
    except the update, which is Adam's first step: Δw = −0.1·g/√(g² + 10⁻⁸) (m̂_1 = g, v̂_1 = g², by hand)."""
    golden = {p["name"]: p["quantities"] for p in json.loads((ROOT / "tests" / "data" / "golden" / "xor.json")
                                                                 .read_text(encoding="utf-8"))["parts"]}["sigmoid"]
    now = to_data(solve(PROBLEMS / "xor_adam.yaml"))["parts"][0]["quantities"]
    for qid, want in golden.items():
        if qid.startswith(("update_", "new_")) or qid == "learning_rate":
            continue
        assert now[qid]["value"] == want["value"], qid
    for qid in (q for q in golden if q.startswith("grad_w_")):
        g = golden[qid]["value"]
        dw = now[qid.replace("grad_", "update_")]["value"]
        assert dw == pytest.approx(-0.1 * g / math.sqrt(g * g + 1e-8), rel=1e-12, abs=1e-300), qid


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw"])
@pytest.mark.parametrize("form", ["lecture", "pytorch"])
def test_every_optimizer_and_form_runs_and_renders(name, form):
    """Each optimizer in each form, with the settings that add lines to its rule (weight decay, dampening,
    lr_decay, an initial accumulator): the float run agrees with the exact steps, and every format renders."""
    settings = "" if (name, form) == ("adadelta", "lecture") else ", lr: 0.1"      # Ruder's AdaDelta has no η
    if form == "pytorch":
        settings += {"momentum": ", dampening: 0.5", "adagrad": ", lr_decay: 0.1, initial_accumulator_value: 0.5"
                     }.get(name, "") + ("" if name == "adamw" else ", weight_decay: 0.1")
    text = LINEAR.replace("learning_rate: 0.1\n", "") + f"optimizer: {{name: {name}, form: {form}{settings}}}\nsteps: 2\n"
    sol = solve(parse_problem(text, "p.yaml"), steps="all")
    assert optimize.agree(sol.parts[0].run) <= 1e-12
    for fmt in ("text", "json", "latex", "markdown", "html"):
        assert render(sol, fmt)


def test_adagrad_note_measures_the_shrinking_factor():
    # per_batch, η = 0.1. Step 1: g = (1/2, 3/2) (by hand above), G_1 = g², θ_1 ≈ θ_0 − 0.1·sign(g) = (−0.1, 0.9).
    # Step 2: u^(1) = −0.1 + 0.9 = 0.8, δ^(1) = −1.2; u^(2) = −0.1 + 1.8 = 1.7, δ^(2) = 1.7;
    #   g_b = ½(−1.2 + 1.7) = 0.25, g_w = ½(−1.2 + 3.4) = 1.1.
    # The factor η/√(G_t + ε) at step 2 over step 1: b √0.25/√(0.25 + 0.0625) ≈ 0.8944, w 1.5/√(2.25 + 1.21) ≈ 0.8064
    run = optimize.run_part(_part(LINEAR.replace("learning_rate: 0.1\n", "") + "optimizer: {name: adagrad, lr: 0.1}\n"
                                  "steps: 2\n"))
    got = dict(optimize.observations(run))["optimizer.note.adagrad_shrinks"]
    assert got["n"] == 2
    assert got["low"] == pytest.approx(1.5 / math.sqrt(2.25 + 1.21), rel=1e-6)
    assert got["high"] == pytest.approx(0.5 / math.sqrt(0.25 + 0.0625), rel=1e-6)


def test_check_reads_the_first_adam_step(tmp_path):
    """`check` on a file with Adam: the update section is Adam's first step, Δw = −η·g/√(g² + ε), in the
    solution's own symbols, so an answer is checked (and followed through) as any update is.
    By hand: g_w = 3/2 (per_batch, above), Δw = −0.1·1.5/√(2.25 + 10⁻⁸) ≈ −0.1000, w_new ≈ 0.9000."""
    problem = tmp_path / "p.yaml"
    problem.write_text(LINEAR.replace("learning_rate: 0.1\n", "") + "optimizer: {name: adam, lr: 0.1}\nsteps: 2\n",
                       encoding="utf-8")
    answers = tmp_path / "a.yaml"
    answers.write_text("grad_w_1_2: 1.5\nupdate_w_1_2: -0.1000\nnew_w_1_2: 0.9000\n", encoding="utf-8")
    got = CliRunner().invoke(main, ["check", str(problem), str(answers)])
    assert got.exit_code == 0, got.output
    assert got.output.count("correct") == 3, got.output
