"""The message catalogue (symbackprop/messages): one file per language, keyed by message id, and
`--lang` for every command and format (issue 11)."""
from __future__ import annotations

import inspect
import json
import pickle
import re
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from symbackprop import messages
from symbackprop.cli import main
from symbackprop.messages import LANGUAGES, MissingMessage, catalogue, msg, placeholders, said, say, templates

ROOT = Path(__file__).resolve().parents[1]
XOR = ROOT / "problems" / "xor.yaml"
QUAD = ROOT / "tests" / "data" / "graph" / "quadratic_model.yaml"     # model: quadratic, derived by the old path

# A submission with the commonest mistakes: a sign slip, the ½ of the loss left out, a value one unit off
# in the last place, a value to fewer places than asked, an arithmetic slip in a chain, items left out.
WRONG = r"""
relu:
  u_3: 4
  u_4: 0
  u_5: -4
  loss: 9
  "\\Delta w_{05}": -3.0001
sigmoid:
  u_3: 0.98
  u_4: 0.5
  delta_5: "-(1-0.491)\\times 0.2499 = -0.1273"
"""

# English words of the report's headings, columns, status words and footer lines: none of them may be
# left in a Chinese report.
ENGLISH_REPORT_WORDS = ("Part ", "score", "Score", "item", "expected", "verdict", "diagnosis", "First error",
                        "Left out", "WRONG", "correct", "imprecise", "Check of", "sign slip", "twice the",
                        "arithmetic", "one unit off", "decimal place", "Not read", "Note:")


@pytest.fixture()
def wrong(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text(WRONG, encoding="utf-8")
    return path


def _check(*args: str) -> str:
    result = CliRunner().invoke(main, ["check", *map(str, args)])
    assert result.exit_code in (0, 1), result.output
    return result.output


def _cjk(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


# -- the catalogues ------------------------------------------------------------------------------------
def test_the_languages_are_the_catalogue_files_present():
    files = sorted(p.stem for p in Path(messages.__file__).parent.glob("*.py") if p.stem != "__init__")
    assert list(LANGUAGES) == files
    assert {"en", "zh"} <= set(LANGUAGES)


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_english_message_is_in_every_catalogue_with_the_same_fields(lang):
    en, other = catalogue("en"), catalogue(lang)
    assert sorted(set(en) - set(other)) == []              # missing ids
    assert sorted(set(other) - set(en)) == []              # ids English does not have (a typo, or a stale id)
    differ = {k: (sorted(placeholders(en[k])), sorted(placeholders(other[k])))
              for k in en if placeholders(en[k]) != placeholders(other[k])}
    assert differ == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_template_fills_in(lang):
    """Each template formats with its own fields (no stray brace, no positional field)."""
    for key, template in catalogue(lang).items():
        fields = {name: "X" for name in placeholders(template)}
        text = msg(lang, key, **fields)
        assert "{" not in text.replace("{X}", "") or "{{" in template, key


def test_the_chinese_catalogue_is_chinese():
    """Not a copy of English: the headings, statuses and columns of a report are Chinese words."""
    zh = catalogue("zh")
    for key in ("status.wrong", "status.correct", "column.item", "column.verdict", "report.total",
                "report.part_text", "summary.title", "section.forward", "diagnosis.sign"):
        assert _cjk(zh[key]), key


def test_a_message_missing_from_a_catalogue_is_said_in_english_with_a_warning(monkeypatch):
    zh = dict(catalogue("zh"))
    del zh["status.wrong"]
    monkeypatch.setitem(messages._CATALOGUES, "zh", zh)
    with pytest.warns(MissingMessage, match="status.wrong"):
        assert msg("zh", "status.wrong") == "WRONG"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert msg("zh", "status.correct") == "正确"          # present: no warning


def test_an_unknown_language_or_id_is_refused():
    from symbackprop.errors import SymbackpropError
    with pytest.raises(SymbackpropError, match="fr"):
        msg("fr", "status.wrong")
    with pytest.raises(KeyError):
        msg("en", "no.such.message")


def test_said_is_the_english_sentence_and_says_itself_again_in_another_language():
    s = said("diagnosis.arithmetic", got="-0.1272", expected="-0.1273")
    assert s == "arithmetic: the numbers give -0.1272, not -0.1273"
    assert say(s, "zh") == "计算错误：这些数值得出 -0.1272，而不是 -0.1273"
    assert say(s, "en") == s
    assert say("a student's own words", "zh") == "a student's own words"     # not a catalogue message
    nested = said("diagnosis.working_wrong", why=said("diagnosis.sign"))
    assert nested == "the value is right but the working is not: sign slip: the value has the wrong sign"
    assert say(nested, "zh") == "数值正确，但过程有误：符号错误：数值的符号反了"


def test_said_survives_pickling_with_its_id():
    """Grade workers send verdicts back to the parent in pickles: the message must stay translatable."""
    s = said("diagnosis.one_unit_off", decimals=4, right="-3.0000")
    back = pickle.loads(pickle.dumps(s))
    assert back == s and back.key == "diagnosis.one_unit_off" and back.fields == {"decimals": 4, "right": "-3.0000"}
    assert say(back, "zh") == "最后一位差 1：保留 4 位小数时应为 -3.0000"


def test_templates_format_into_said_messages():
    t = templates("diagnosis")["eta_missing"]
    out = t.format(eta="0.1")
    assert out == "η left out of the update (η = 0.1)"
    assert say(out, "zh") == "更新中漏掉了 η（η = 0.1）"


def test_the_diagnoses_of_answers_are_catalogue_messages():
    from symbackprop.answers import diagnose
    assert diagnose.MESSAGES["sign"] == catalogue("en")["diagnosis.sign"]
    assert say(diagnose.MESSAGES["sign"], "zh") == catalogue("zh")["diagnosis.sign"]


def test_prose_does_not_branch_on_the_language():
    from symbackprop.render import prose
    source = inspect.getsource(prose)
    assert "lang ==" not in source and '"zh"' not in source and "'zh'" not in source
    assert re.search(r"[\u4e00-\u9fff]", source.split('"""', 2)[2]) is None     # no Chinese words in code


# -- --lang on every command ---------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["solve", "derive", "check", "grade"])
def test_every_command_offers_every_language(command):
    params = {p.name: p for p in main.commands[command].params}
    assert list(params["lang"].type.choices) == list(LANGUAGES)


@pytest.mark.slow
def test_check_in_chinese_has_chinese_headings_and_no_english_ones(wrong):
    text = _check(XOR, wrong, "--lang", "zh")
    for word in ("部分 relu", "得分", "项目", "评定", "诊断", "错误", "正确", "第一个错误", "未作答", "精度不足",
                 "符号错误", "漏掉了损失", "最后一位差 1", "计算错误", "得分：3.5 / 80"):
        assert word in text, word
    for word in ENGLISH_REPORT_WORDS:
        assert word not in text, word


@pytest.mark.slow
def test_check_in_chinese_markdown_has_no_english_headings(wrong):
    text = _check(XOR, wrong, "--lang", "zh", "--format", "markdown")
    assert text.startswith("# ") and "的批改" in text.splitlines()[0]
    assert "| 项目 | 作答 | 正确答案 | 评定 | 诊断 |" in text
    assert "## 部分 relu：2 / 40" in text
    for word in ENGLISH_REPORT_WORDS:
        assert word not in text, word


@pytest.mark.slow
def test_check_in_chinese_json_keeps_its_machine_fields(wrong):
    zh = json.loads(_check(XOR, wrong, "--lang", "zh", "--format", "json"))
    en = json.loads(_check(XOR, wrong, "--format", "json"))
    assert zh.keys() == en.keys()
    for pz, pe in zip(zh["parts"], en["parts"]):
        machine = [{k: v[k] for k in ("id", "name", "status", "diagnosis", "credit", "points", "value")}
                   for v in pz["items"]]
        assert machine == [{k: v[k] for k in machine[0]} for v in pe["items"]]
        assert [[lk["kind"] for lk in v["links"]] for v in pz["items"]] == \
            [[lk["kind"] for lk in v["links"]] for v in pe["items"]]
    assert zh["parts"][0]["part"] == "relu"
    relu_zh = {v["name"]: v["message"] for v in zh["parts"][0]["items"]}
    relu_en = {v["name"]: v["message"] for v in en["parts"][0]["items"]}
    assert relu_zh["u_5"] == "符号错误：数值的符号反了"
    assert relu_en["u_5"] == "sign slip: the value has the wrong sign"
    assert relu_zh["u_3"] == relu_en["u_3"] == ""


def _cells(lines: list[str], first: str) -> list[str]:
    """The cells of the table row that starts with `first` (columns are two spaces or more apart)."""
    row = next(line for line in lines if line.strip().startswith(first + " "))
    return re.split(r"\s{2,}", row.strip())


@pytest.mark.slow
def test_check_in_english_is_the_default_and_reads_as_before(wrong):
    default = _check(XOR, wrong)
    assert _check(XOR, wrong, "--lang", "en") == default
    assert not _cjk(default)
    lines = default.splitlines()
    assert "Part relu: score 2 / 40" in lines
    assert _cells(lines, "item") == ["item", "given", "expected", "verdict", "diagnosis"]
    assert _cells(lines, "u_5") == ["u_5", "-4", "4", "WRONG", "sign slip: the value has the wrong sign"]
    assert _cells(lines, "Δw_{05}") == ["Δw_{05}", "-3.0001", "-3", "WRONG",
                                        "one unit off in the last place: to 4 places the value is -3.0000"]
    assert _cells(lines, "L") == ["L", "9", "4.5", "WRONG",
                                  "twice the expected value: the ½ of the loss ½(z − u)² left out"]
    assert _cells(lines, "δ_5") == ["δ_5", r"-(1-0.491)\times 0.2499 = -0.1273", "-0.1272", "WRONG",
                                    "arithmetic: the numbers give -0.1272, not -0.1273"]
    assert "  δ_5: value “-0.1273”: arithmetic: the numbers give -0.1272, not -0.1273" in lines
    assert "  First error: u_5" in lines
    assert "Score: 3.5 / 80" in lines


@pytest.mark.slow
def test_gradescope_output_of_check_in_chinese(wrong):
    data = json.loads(_check(XOR, wrong, "--lang", "zh", "--format", "gradescope"))
    outputs = [t["output"] for t in data["tests"]]
    assert any(o.startswith("作答 -4；正确答案 4；错误：符号错误") for o in outputs), outputs
    assert "未作答" in outputs
    en = json.loads(_check(XOR, wrong, "--format", "gradescope"))
    assert "given -4; expected 4; wrong: sign slip: the value has the wrong sign" in [t["output"] for t in en["tests"]]


@pytest.mark.slow
def test_grade_in_chinese_summary_feedback_and_gradescope(tmp_path):
    klass = tmp_path / "class"
    klass.mkdir()
    (klass / "ann.yaml").write_text(WRONG, encoding="utf-8")
    (klass / "ben.yaml").write_text("", encoding="utf-8")                  # not graded: empty
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(main, ["grade", str(XOR), str(klass), "-o", str(out / "book.csv"),
                                       "--summary", str(out / "summary.md"), "--feedback", str(out / "fb"),
                                       "--gradescope", str(out / "gs"), "--jobs", "1", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# 全班汇总：2 份提交，已批改 1 份")
    for word in ("未批改：", "平均分：", "| 部分 | 项目 | 作答 | 正确 |", "符号错误 ×1"):
        assert word in summary, word
    for word in ("Class summary", "Mean score", "Not graded", "Items missed", "| part |", "sign ×1"):
        assert word not in summary, word
    md = (out / "fb" / "ann.md").read_text(encoding="utf-8")
    html = (out / "fb" / "ann.html").read_text(encoding="utf-8")
    assert md.startswith("# ann 的反馈") and "| 项目 | 作答 | 正确答案 | 评定 | 诊断 |" in md
    assert '<html lang="zh">' in html and "<th>评定</th>" in html and "公式按你所写的 LaTeX 源码显示" in html
    for text in (md, html):
        for word in ENGLISH_REPORT_WORDS + ("Feedback for", "Formulas are shown"):
            assert word not in text, word
    not_graded = (out / "fb" / "ben.md").read_text(encoding="utf-8")
    assert not_graded.startswith("# ben 的反馈") and "你的提交无法读取：" in not_graded
    gs = json.loads((out / "gs" / "ann.json").read_text(encoding="utf-8"))
    assert any("符号错误" in t["output"] for t in gs["tests"])
    assert "成绩表：" in result.output and "Gradebook" not in result.output


@pytest.mark.slow
def test_grade_in_english_is_unchanged_by_the_catalogue(tmp_path):
    klass = tmp_path / "class"
    klass.mkdir()
    (klass / "ann.yaml").write_text(WRONG, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(main, ["grade", str(XOR), str(klass), "-o", str(out / "book.csv"),
                                       "--feedback", str(out / "fb"), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "# Class summary: 1 submission, 1 graded" in result.output          # singular (session 13, F5)
    assert "| sigmoid | δ_5 | 1 | 0 | 0 | 0 | 1 | 0 | `-0.1273` ×1 | arithmetic ×1 |" in result.output
    md = (out / "fb" / "ann.md").read_text(encoding="utf-8")
    assert md.startswith("# Feedback for ann\n") and "| item | given | expected | verdict | diagnosis |" in md
    assert "Gradebook: " in result.output


# -- solutions and derivations in Chinese ----------------------------------------------------------------
@pytest.mark.slow
def test_solve_in_chinese_every_text_format(tmp_path):
    from symbackprop.render import render
    from symbackprop.solution import solve
    sol = solve(str(XOR))
    text = render(sol, "text", lang="zh")
    md = render(sol, "markdown", lang="zh")
    tex = render(sol, "latex", lang="zh", standalone=True)
    for out in (text, md, tex):
        assert "前向计算/Forward" in out and "部分 relu" in out and "课堂练习约定" in out
        assert "Forward pass" not in out and "Part relu" not in out
    assert "ctexart" in tex                                 # the one CJK setup of render/latex.py
    assert "ReLU 在 0 处不可导；取 g'(0) 为 0" in text


def test_the_notebook_display_and_the_gradient_check_in_chinese():
    from symbackprop.gradcheck import check_part
    from symbackprop.render.notebook import latex_math
    from symbackprop.render.build import check_lines
    from symbackprop.solution import solve
    sol = solve(str(XOR), ["relu"])
    assert r"\textbf{部分 relu}" in latex_math(sol, lang="zh") and r"\textbf{Part relu}" in latex_math(sol)
    report = check_part(sol.parts[0])
    zh, en = check_lines(report, "zh"), check_lines(report)
    assert zh[0].startswith("检验：") and "全部一致" in zh[0] and "Check" not in "\n".join(zh)
    assert en[0] == f"Check: {len(report.gradients)} gradients, three ways: all agree"


@pytest.mark.slow
def test_derive_in_chinese_takes_its_titles_from_the_catalogue():
    zh = CliRunner().invoke(main, ["derive", str(QUAD), "--lang", "zh"])
    assert zh.exit_code == 0, zh.output
    assert catalogue("zh")["quadratic.forward"] in zh.output and "Forward: the computation graph" not in zh.output
    en = CliRunner().invoke(main, ["derive", str(QUAD)])
    assert "Forward: the computation graph" in en.output


@pytest.mark.slow
def test_every_feedback_file_of_a_class_in_chinese_says_its_diagnoses_in_chinese(tmp_path):
    """The trial class (follow-throughs, the other δ convention, significant figures, copied givens, a
    loss without its ½, sign slips): every graded student's Chinese feedback has no English sentence."""
    data = ROOT / "tests" / "data" / "report3"
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(main, ["grade", str(data / "problem.yaml"), str(data / "class"), "-o",
                                       str(out / "book.csv"), "--feedback", str(out / "fb"), "--jobs", "1",
                                       "--lang", "zh"])
    assert result.exit_code == 0, result.output
    english = ENGLISH_REPORT_WORDS + ("follows from", "significant figure", "used consistently", "opposite sign",
                                      "the problem gives", "charged", "right to", "rounded wrongly", "the first error",
                                      "Feedback for", "left out", "the same mistake")
    graded = 0
    for path in sorted((out / "fb").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if "你的提交" in text:              # not graded: the reason is the reader's (English) error line
            continue
        graded += 1
        cells = [line.split(" | ") for line in text.splitlines() if line.startswith("| ")]
        ours = "\n".join(line for line in text.splitlines() if not line.startswith("| ")) + "\n".join(
            " | ".join(c[:1] + c[2:]) for c in cells)      # the student's own answer (column 2) left out
        for word in english:
            assert word not in ours, (path.name, word)
    assert graded >= 10
