"""Chinese and full-width typing (answers/fullwidth.py): read like the ASCII it stands for.

Expected values are the exercise's, worked out by hand (ReLU: net_3 = 4, u_3 = 4, L = 9/2, δ_5 = 3,
δ_3 = 6, Δw_35 = −12, w_35^new = −10; sigmoid: u_3 = σ(4) = 0.98201, u_4 = ½, u_5 = 0.49100,
L = 0.12954, g'(net_5) = 0.24992, δ_5 = −0.12722, g'(net_3) = 0.017663, g'(net_4) = ¼,
Δw_45 = 0.063609). Spellings are batched into a few answers files (YAML and JSON) and write-ups
(.md, .tex), each checked once; every spelling is then its own test with its own verdict.
"""
import json
import math
import textwrap

import pytest
from click.testing import CliRunner
from conftest import PROBLEMS

from symbackprop.answers import AnswerError
from symbackprop.answers.fullwidth import fold
from symbackprop.cli import main

XOR = PROBLEMS / "xor.yaml"
U3 = 1 / (1 + math.exp(-4))
assert f"{U3:.4f}" == "0.9820"

C, I, R, W, U = "correct", "imprecise", "rounding", "wrong", "unreadable"
NC = "not correct"            # read as the value in the message column, and not credited as right

# (part, quantity id, what the student typed, verdict, words the message must hold)
SPELLINGS = [
    ("relu", "act_3", "８÷２", C, ""),
    ("relu", "act_3", "8÷2", C, ""),
    ("relu", "loss", "9／2", C, ""),
    ("relu", "act_5", "2＊2", C, ""),
    ("relu", "delta_5", "3⋅1", C, ""),                  # U+22C5
    ("relu", "delta_5", "3∙1", C, ""),                  # U+2219
    ("relu", "delta_5", "3•1", C, ""),
    ("relu", "delta_5", "3·1", U, "did you mean 3.1 or 3 \\cdot 1"),   # U+00B7 between digits: a decimal point?
    ("relu", "delta_5", "3 · 1", C, ""),                # with spaces: a product
    ("relu", "delta_5", "3✕1", C, ""),
    ("relu", "delta_5", "3×1", C, ""),
    ("relu", "delta_5", "１×（４－１）", C, ""),
    ("relu", "delta_5", "\\delta_5 ＝ 1×(4－1) ＝ 3", C, ""),
    ("relu", "new_w_3_5", "２＋（－１２）", C, ""),
    ("relu", "new_w_3_5", "2 ＋ (－12)", C, ""),
    ("relu", "new_w_3_5", "-１０", C, ""),
    ("relu", "update_w_3_5", "－1✕3×4", C, ""),
    ("relu", "update_w_3_5", "—12", C, ""),              # a single em dash is a minus
    ("relu", "update_w_3_5", "－１２．０", C, ""),
    ("relu", "update_w_0_5", "−√{9}", C, ""),
    ("relu", "net_3", "√16", C, ""),
    ("relu", "delta_3", "√(36)", C, ""),
    ("relu", "delta_3", "√{36}", C, ""),
    ("relu", "delta_3", "√ 36", C, ""),
    ("relu", "delta_3", "2√9", C, ""),
    ("relu", "delta_3", "√（√1296）", C, ""),
    ("relu", "delta_3", "√3", W, ""),                   # read as √3 = 1.73, not credited
    ("relu", "loss", "√25", NC, 5.0),                   # 5, not 4.5: wrong (the rounding allowance
    ("relu", "loss", "2√5", NC, 2 * math.sqrt(5)),      # does not cover the ½ of a root: issue 10)
    ("relu", "net_3", "√4²", U, "write √(…)"),           # √(4²) or (√4)²?
    ("relu", "act_3", "max{4，0}", C, ""),
    ("relu", "act_3", "max(4，0)", C, ""),
    ("relu", "act_3", "max｛4，0｝", C, ""),
    ("relu", "act_3", "max{4、0}", C, ""),
    ("relu", "act_3", "ｍａｘ（４，０）", C, ""),
    ("relu", "act_4", "max（0，0）", C, ""),
    ("relu", "act_5", "max{1, 0}", W, ""),              # read (as 1), and wrong
    ("relu", "loss", "½(1－4)²", C, ""),
    ("relu", "loss", "½×9", C, ""),
    ("relu", "loss", "(1－4)²／2", C, ""),
    ("relu", "loss", "¹⁄₂(1-4)²", C, ""),
    ("relu", "loss", "、frac{9}{2}", C, ""),             # the IME's backslash key gives 、
    ("relu", "loss", "、frac{1}{2}（1－4）^{2}", C, ""),
    ("relu", "loss", "４．５", C, ""),
    ("relu", "loss", "4．5", C, ""),
    ("relu", "loss", "4。5", C, ""),                     # 。 between digits: the IME's decimal point
    ("relu", "loss", "4.5。", C, ""),                    # 。 at the end: a sentence end
    ("relu", "loss", "约4.5", C, ""),
    ("relu", "loss", "约为 4.5", C, ""),
    ("relu", "loss", "约等于4.5", C, ""),
    ("relu", "loss", "≈4.5", C, ""),
    ("relu", "loss", "≒ 4.5", C, ""),
    ("relu", "loss", "～4.5", C, ""),
    ("relu", "loss", "4.5（保留1位小数）", C, ""),
    ("relu", "loss", "4.5 (四舍五入)", C, ""),
    ("relu", "loss", "4.5，保留一位小数", C, ""),
    ("relu", "loss", "4½", U, "did you mean 4.5"),      # 4 + ½ to a reader, 4 × ½ to a parser
    ("relu", "loss", "4 ½", U, "did you mean 4.5"),
    ("relu", "loss", "９／２。", C, ""),
    ("relu", "loss", "4.5 的一半", U, "Chinese text"),   # "half of 4.5": not read as 4.5
    ("relu", "act_3", "2²", C, ""),
    ("relu", "act_3", "2³／2", C, ""),
    ("relu", "act_3", "8×2⁻¹", C, ""),
    ("relu", "act_3", "解：4", C, ""),
    ("relu", "act_3", "所以 u_3 ＝ 4", C, ""),
    ("relu", "act_3", "u_3 等于 4", C, ""),
    ("relu", "act_3", "4——1", U, "did you mean _"),     # the IME's `_` key gives ——
    ("relu", "act_3", "4。u_4", U, "decimal point"),
    ("relu", "act_3", "4 的平方", U, "Chinese text"),
    ("relu", "net_5", "（－4）×1＋2×4＋4×0", C, ""),
    ("relu", "net_5", "\u3000４\u3000", C, ""),          # 全角 spaces around the value
    ("sigmoid", "act_3", "０．９８２０", C, ""),
    ("sigmoid", "act_3", "0。9820", C, ""),
    ("sigmoid", "act_3", "0．98", I, "2 decimal places"),
    ("sigmoid", "act_3", "０。９８", I, "2 decimal places"),
    ("sigmoid", "act_3", "0。9821", R, ""),
    ("sigmoid", "act_3", "１／（１＋e⁻⁴）", C, ""),
    ("sigmoid", "act_3", "1/(1+e^{－4})", C, ""),
    ("sigmoid", "act_3", "0.9820（保留4位小数）", C, ""),
    ("sigmoid", "act_3", "约 0.98", I, "2 decimal places"),
    ("sigmoid", "act_4", "0。5", C, ""),
    ("sigmoid", "act_4", "½", C, ""),
    ("sigmoid", "act_4", "1／2", C, ""),
    ("sigmoid", "act_5", "约0.4910", C, ""),
    ("sigmoid", "act_5", "≈ 0．4910", C, ""),
    ("sigmoid", "loss", "0.1295（保留4位小数）", C, ""),
    ("sigmoid", "loss", "½(1－0.4910)²", C, ""),
    ("sigmoid", "gprime_5", "0.2499 (保留两位小数)", C, ""),
    ("sigmoid", "gprime_5", "0.4910×（1－0.4910）", C, ""),
    ("sigmoid", "delta_5", "－０．１２７２（四舍五入）", C, ""),
    ("sigmoid", "delta_5", "≒－0.1272", C, ""),
    ("sigmoid", "delta_5", "－(1－0.4910)⋅0.2499", C, ""),
    ("sigmoid", "gprime_3", "0.0177，保留4位小数", C, ""),
    ("sigmoid", "gprime_4", "¼", C, ""),
    ("sigmoid", "gprime_4", "0.5×(1－0.5)", C, ""),
    ("sigmoid", "gprime_4", "2¼", U, "did you mean 2.25"),
    ("sigmoid", "update_w_4_5", "0.0636 左右", C, ""),
    ("sigmoid", "delta_3", "-4.5×10⁻³", C, ""),
    ("sigmoid", "delta_3", "－0．0045", C, ""),
]


def _batches(spellings):
    """The spellings of one part in as few files as possible, each quantity once per file."""
    files: list[dict[str, str]] = []
    where = {}
    for n, (part, qid, text, _, _) in enumerate(spellings):
        for i, f in enumerate(files):
            if f["part"] == part and qid not in f:
                break
        else:
            files.append({"part": part})
            i = len(files) - 1
        files[i][qid] = text
        where[n] = i
    return files, where


@pytest.fixture(scope="module")
def checked(grader, tmp_path_factory):
    """Every spelling checked, once as a YAML string and once as a JSON string: (format, n) -> verdict."""
    files, where = _batches(SPELLINGS)
    out = {}
    folder = tmp_path_factory.mktemp("answers")
    for fmt in ("yaml", "json"):
        verdicts = []
        for i, f in enumerate(files):
            part = f["part"]
            answers = {k: v for k, v in f.items() if k != "part"}
            path = folder / f"{fmt}{i}.{fmt}"
            if fmt == "json":
                path.write_text(json.dumps({part: answers}, ensure_ascii=False), encoding="utf-8")
            else:                       # JSON strings are YAML double-quoted strings
                path.write_text(f"{part}:\n" + "".join(f"  {k}: {json.dumps(v, ensure_ascii=False)}\n"
                                                       for k, v in answers.items()), encoding="utf-8")
            reports, problems = grader.check(path, part)
            assert problems == []
            verdicts.append({v.qid: v for v in reports[0].verdicts})
        for n, (_, qid, _, _, _) in enumerate(SPELLINGS):
            out[fmt, n] = verdicts[where[n]][qid]
    return out


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("n", range(len(SPELLINGS)), ids=[f"{s[1]}={s[2]}" for s in SPELLINGS])
def test_each_spelling_in_an_answers_file(checked, fmt, n):
    part, qid, text, status, words = SPELLINGS[n]
    v = checked[fmt, n]
    if status == NC:
        assert v.status == W and v.value == pytest.approx(words), (text, v.status)
        return
    assert (v.status, words in v.message) == (status, True), (text, v.status, v.message)
    if status == U:
        assert v.value is None


@pytest.mark.slow
def test_yaml_plain_scalars_and_full_width_keys(grader, tmp_path):
    """Unquoted full-width values stay strings with their places; keys typed with an IME name quantities."""
    f = tmp_path / "a.yaml"
    f.write_text(textwrap.dedent("""\
        sigmoid:
          ｕ＿３: ０．９８２０
          u₄: 0。5
          δ₅: －0.1272
          Δｗ＿｛４５｝: 0.0636（保留4位小数）
          ｎｅｔ＿５: 约 －0.04
        """), encoding="utf-8")
    reports, problems = grader.check(f, "sigmoid")
    assert problems == []
    got = {v.qid: (v.status, v.message) for v in reports[0].verdicts}
    assert {q: s for q, (s, _) in got.items()} == {"act_3": C, "act_4": C, "delta_5": C, "update_w_4_5": C,
                                                    "net_5": I}
    assert "2 decimal places" in got["net_5"][1]


@pytest.mark.slow
def test_general_rules_typed_with_an_ime(grader, tmp_path):
    """A rule typed with full-width brackets, ’ for the prime, ∑ and · is read as its LaTeX."""
    f = tmp_path / "rules.json"
    f.write_text(json.dumps({"sigmoid": {"delta_hidden": "g’(net_j)∑_k w_{jk}δ_k",
                                         "delta_output": "－（z_k－u_k）·g’（net_k）",
                                         "update_hidden_weight": "η·δ_j·x_i"}}, ensure_ascii=False), encoding="utf-8")
    reports, _ = grader.check(f, "sigmoid")
    got = {v.qid: (v.status, v.message) for v in reports[0].verdicts}
    assert got["delta_hidden"][0] == got["delta_output"][0] == C
    assert got["update_hidden_weight"][0] != C and "opposite sign" in got["update_hidden_weight"][1]


MD_FULLWIDTH = """\
# 第一题 (ReLU)
- 解：$net_3 ＝ 1×3＋0×4＋1 ＝ 4$，所以 $u_3 ＝ max｛4，0｝ ＝ 4$。
- $net_4 ＝ 1×6＋0×5－6 ＝ ０$。所以 $u_4 ＝ 0$
- ＄net_5 ＝ 4×2＋0×4－4 ＝ 4＄，￥u_5 ＝ 4￥
- $L ＝ ½（z_1－u_5）² ＝ ½(1－4)² ＝ 4。5$
- $所以 δ₅ ＝ －(z_1 － u_5)·g’(net_5) ＝ －(1－4)×1 ＝ 3$
- $\\Delta w_{35} ＝ －η·δ_5·u_3 ＝ －1×3×4 ＝ －12，\\Delta w_{45} ＝ 0$
- $w——{35}^{new} ＝ 2＋（－12） ＝ －10$
- $\\delta_3 ＝ √36 ＝ 6$，$\\delta_4 ＝ 0$（四舍五入）
# 第二题 (Sigmoid)
- $u_3 ＝ 1／(1＋e⁻⁴) ≈ ０．９８２０$（保留4位小数）。$u_4 ＝ 0。5$
- $net_5 ＝ 2×0.9820＋4×0.5－4 ≒ －0.0360$
- $u_5 约为 0.4910$，$L ＝ ½(1－0.4910)² 约等于 0.1295$
- $g'(net_5) ＝ 0.4910×(1－0.4910) ≈ 0.2499$；$\\delta_5 ＝ －0.1272（保留4位小数）$
- $g'(net_3) ＝ 0.98$
- $g'(net_4) ＝ 4½$
"""

MD_ASCII = """\
# (ReLU)
- $net_3 = 1 \\times 3 + 0 \\times 4 + 1 = 4$, $u_3 = \\max\\{4, 0\\} = 4$.
- $net_4 = 1 \\times 6 + 0 \\times 5 - 6 = 0$. So $u_4 = 0$
- $net_5 = 4 \\times 2 + 0 \\times 4 - 4 = 4$, $u_5 = 4$
- $L = \\frac{1}{2}(z_1 - u_5)^2 = \\frac{1}{2}(1 - 4)^2 = 4.5$
- $\\delta_5 = -(z_1 - u_5) \\cdot g'(net_5) = -(1 - 4) \\times 1 = 3$
- $\\Delta w_{35} = -\\eta \\cdot \\delta_5 \\cdot u_3 = -1 \\times 3 \\times 4 = -12, \\Delta w_{45} = 0$
- $w_{35}^{new} = 2 + (-12) = -10$
- $\\delta_3 = \\sqrt{36} = 6$, $\\delta_4 = 0$
# (Sigmoid)
- $u_3 = 1/(1 + e^{-4}) \\approx 0.9820$. $u_4 = 0.5$
- $net_5 = 2 \\times 0.9820 + 4 \\times 0.5 - 4 \\approx -0.0360$
- $u_5 \\approx 0.4910$, $L = \\frac{1}{2}(1 - 0.4910)^2 \\approx 0.1295$
- $g'(net_5) = 0.4910 \\times (1 - 0.4910) \\approx 0.2499$; $\\delta_5 = -0.1272$
- $g'(net_3) = 0.98$
- $g'(net_4) = 4.5$
"""


def _writeup(grader, tmp_path, name, text, part):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    reports, problems = grader.check(f, part)
    return reports[0], problems


@pytest.mark.slow
@pytest.mark.parametrize("part", ["relu", "sigmoid"])
def test_a_chinese_writeup_reads_like_its_ascii_spelling(grader, tmp_path, part):
    """Every line with ＝, ＄…＄, Chinese around or inside the formula, full-width numbers and operators
    is read: the same items, on the same lines, with the verdicts of the same write-up in ASCII LaTeX."""
    zh, zh_problems = _writeup(grader, tmp_path, "zh.md", MD_FULLWIDTH, part)
    en, _ = _writeup(grader, tmp_path, "en.md", MD_ASCII, part)
    assert zh_problems == []
    got = {v.qid: (v.status, v.line) for v in zh.verdicts}
    want = {v.qid: (v.status, v.line) for v in en.verdicts}
    if part == "sigmoid":               # 4½ is unreadable, with a hint; its ASCII line says 4.5 (wrong)
        assert got.pop("gprime_4")[0] == U and want.pop("gprime_4")[0] == W
        assert "did you mean 4.5" in next(v for v in zh.verdicts if v.qid == "gprime_4").message
    assert got == want
    wrong = {"relu": set(), "sigmoid": {"gprime_3"}}[part]      # 0.98 for 0.0177
    assert len(got) == {"relu": 13, "sigmoid": 8}[part]
    assert {q for q, (s, _) in got.items() if s != C} == wrong
    for v in zh.verdicts:
        assert v.qid not in zh.missing


@pytest.mark.slow
def test_a_chinese_tex_writeup(grader, tmp_path):
    """align* rows with ＝ (and Chinese before the equation) are read as their ASCII rows are."""
    tex = textwrap.dedent(r"""
        \begin{align*}
        u_3 &＝ \frac{1}{1＋e^{－4}} ≈ 0.9820 \\
        所以 u_4 ＝ 0。5 \\
        net_5 &＝ 2×0.9820 ＋ 4×0.5 － 4 \\
              &≈ －0.0360 \\
        L &＝ ½（1－0.4910）² ≈ 0．1295（保留4位小数）\\
        \end{align*}
        $g'(net_5) ＝ 0.2499$
        """)
    report, problems = _writeup(grader, tmp_path, "a.tex", tex, "sigmoid")
    assert problems == []
    assert {v.qid: v.status for v in report.verdicts} == {"act_3": C, "act_4": C, "net_5": C, "loss": C,
                                                          "gprime_5": C}
    assert {v.qid: v.line for v in report.verdicts}["net_5"] == 5


@pytest.mark.slow
def test_check_on_the_command_line(tmp_path):
    """The public path: `symbackprop check` on a Chinese write-up and a full-width answers file."""
    f = tmp_path / "zh.md"
    f.write_text(MD_FULLWIDTH.replace("$g'(net_4) ＝ 4½$", "$g'(net_4) ＝ ¼$").replace("0.98$", "0.0177$"),
                 encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(XOR), str(f), "--part", "sigmoid", "--format", "json"])
    assert result.exit_code == 0, result.output
    items = {i["id"]: i["status"] for p in json.loads(result.output)["parts"] for i in p["items"]}
    assert len(items) == 9 and set(items.values()) == {C}
    g = tmp_path / "a.json"
    g.write_text(json.dumps({"relu": {"u_3": "max｛4，0｝", "L": "4½"}}, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(XOR), str(g), "--part", "relu"])
    assert result.exit_code == 1
    assert "did you mean 4.5" in result.output and "Traceback" not in result.output


# -- fold, unit by unit --------------------------------------------------------------------------
@pytest.mark.parametrize("typed, ascii_", [
    ("０．９８２０", "0.9820"),
    ("0。982", "0.982"),
    ("１２３４５６７８９０", "1234567890"),
    ("u_3 ＝ 0.982", "u_3 = 0.982"),
    ("８÷２", "8\\div 2"),
    ("3⋅1", "3\\cdot 1"),
    ("3✕1", "3\\times 1"),
    ("2＊2", "2*2"),
    ("9／2", "9/2"),
    ("２＋（－１２）", "2+(-12)"),
    ("√3", "\\sqrt{3}"),
    ("√(3)", "\\sqrt{(3)}"),
    ("√{3}", "\\sqrt{3}"),
    ("√（√16）", "\\sqrt{(\\sqrt{16})}"),
    ("∛8", "\\sqrt[3]{8}"),
    ("(1-4)²", "(1-4)^{2}"),
    ("10⁻⁴", "10^{-4}"),
    ("x³", "x^{3}"),
    ("½", "\\frac{1}{2}"),
    ("¾", "\\frac{3}{4}"),
    ("⅓", "\\frac{1}{3}"),
    ("max{4，0}", "\\max{4, 0}"),
    ("max(4, 0)", "\\max(4, 0)"),
    ("max｛4、0｝", "\\max{4, 0}"),
    ("\\max(4, 0)", "\\max(4, 0)"),
    ("约 0.49", "0.49"),
    ("约为0.49", "0.49"),
    ("≈0.49", "0.49"),
    ("≒0.49", "0.49"),
    ("u_5 约 0.49", "u_5 \\approx 0.49"),
    ("u_5 ≒ 0.49", "u_5 \\approx 0.49"),
    ("0.9820（保留4位小数）", "0.9820"),
    ("0.98 (保留两位小数)", "0.98"),
    ("0.9820（四舍五入）", "0.9820"),
    ("0.9820，保留4位小数", "0.9820"),
    ("解：u_3 ＝ 4", "u_3 = 4"),
    ("所以 u_3 ＝ 4", "u_3 = 4"),
    ("u——3", "u_3"),
    ("w——{35}", "w_{35}"),
    ("—0.5", "-0.5"),
    ("u₃", "u_{3}"),
    ("g’(net_5)", "g'(net_5)"),
    ("、frac{1}{2}", "\\frac{1}{2}"),
    ("4、0", "4, 0"),
    ("a\u3000b", "a b"),
    ("u_3：4；u_4：0", "u_3:4;u_4:0"),
    ("\\frac{1}{2}(1 - 4)^2", "\\frac{1}{2}(1 - 4)^2"),        # ASCII LaTeX: untouched
])
def test_fold(typed, ascii_):
    assert " ".join(fold(typed).split()) == ascii_     # spacing aside
    assert fold(fold(typed)) == fold(typed)            # what fold writes, it reads back unchanged


@pytest.mark.parametrize("typed, hint", [
    ("4½", "did you mean 4.5"),
    ("4 ½", "did you mean 4.5"),
    ("1¾", "did you mean 1.75"),
    ("3¹⁄₂", "did you mean 3.5"),
    ("√3²", "write √(…)"),
    ("√x", "write √(…)"),
    ("4——1", "did you mean _"),
    ("4。5 。6", "decimal point"),
    ("0.98 的平方", "Chinese text (的平方)"),
    ("平方 0.98", "Chinese text"),
])
def test_fold_refuses_what_is_ambiguous_with_a_hint(typed, hint):
    with pytest.raises(AnswerError) as exc:
        fold(typed)
    assert hint in str(exc.value)
    assert fold(typed, strict=False)                   # a write-up line keeps it, for its answer to report


def test_fold_of_a_writeup_line_separates_equations_at_chinese_words():
    assert fold("$net_3 ＝ 4，所以 u_3 ＝ 4$", strict=False).replace(" ", "") == "$net_3=4,;u_3=4$"
    assert fold("$u_3 ＝ 4。u_4 ＝ 0$", strict=False).replace(" ", "") == "$u_3=4;u_4=0$"
    assert fold("使用ReLU激活函数，可得:", strict=False) == "使用ReLU激活函数, 可得:"    # prose stays prose
    assert fold("＄u_3 ＝ 4＄ ￥u_4 ＝ 0￥", strict=False) == "$u_3 = 4$ $u_4 = 0$"


@pytest.mark.parametrize("hostile", [
    "√(" * 2500, "（" * 5000, "约" * 5000, "保留" * 2500, "4" + " " * 4990 + "½", "(" + "保留" * 2000,
    "所以 " * 1000 + "=", "u" + "——" * 2400, "。" * 5000, "¹" * 2500 + "⁄" + "₂" * 2499, "¹" * 5000,
    "4" + "½" * 4999, "√" * 5000, "(保留" * 1200 + ")", "\\text{" * 800,
])
def test_fold_of_a_long_hostile_line_ends(hostile):
    """A write-up line is at most 5000 characters; each pass is linear, so these end at once
    (a quadratic pass would take minutes, which the suite's time-out would show)."""
    assert isinstance(fold(hostile, strict=False), str)
    try:
        fold(hostile)
    except AnswerError:
        pass
