"""The rest of the English moved into the message catalogue (issue 11): the checker's links and
reasons, the LaTeX reader's and the evaluator's messages, a number with two readings, answers files
and write-ups that cannot be read, a class folder's reasons, general rules as answers, the gradient
check's kinks, the terminal's own lines and the notebook display. English reads exactly as before;
`--lang zh` says each of them in Chinese."""
from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from symbackprop.cli import _boundary, main
from symbackprop.errors import SymbackpropError
from symbackprop.messages import Said, catalogue, joined, joined_in, replaced, said, say, text_of

ROOT = Path(__file__).resolve().parents[1]
XOR = ROOT / "problems" / "xor.yaml"

# answers that trigger the moved messages, a file per family
FILES = {
    "links.yaml": r"""
relu:
  u_3: "\\max(4,0) = 4 \\text{ since } net_3 < 0"
  "g'(net_4)": "\\begin{cases} 1 & net_4 > 0 \\\\ 0 & net_4 < 0 \\end{cases} = 0"
  u_4: "u_4"
  net_5: "4 + 2 \\times 4 + 4 \\times 0 = 4"
  L: "\\frac{1}{z_1 - z_1} = 4.5"
  delta_5: "1 \\times (1 - 4) = -3"
  delta_3: "3 \\times 2 \\times 1 = \\foo{3}} = 6"
  "\\Delta w_{05}": "10^{400}"
  foo_9: 3
  delta_hidden: "\\delta_j = g'(net_j) \\sum_k w_{jk} \\delta_k + 1"
  delta_output: "\\delta_k = -g'(net_k)(u_k - t_k)"
""",
    "reader.yaml": r"""
relu:
  net_3: "1 \\times 1 + 3 \\times 1 + 4 \\times 0 = 4约"
  net_4: "1\\frac{1}{2}"
  u_3: "4 \\text{ since it is positive}"
  u_5: "\\sqrt{-4}"
  L: "\\log(-1)"
  "g'(net_5)": "1 \\text{ since } 4 > 0 = 1"
  "\\Delta w_{35}": "-1 \\times 3 \\times 4 = -12 \\times u_9"
  delta_3: "\\frac{1}{2}^{1/2} + (-8)^{1/2}"
""",
    "numbers.yaml": r"""
sigmoid:
  u_3: "\\begin{cases} 0.98 & \\text{if it is large} \\end{cases}"
  net_4: "1,000"
  u_4: "0.5 所以"
  net_5: "2 —— 1"
  u_5: "0.49 20"
  delta_5: "\\over 2"
  "\\Delta w_{05}": "1.525.225"
  "\\Delta w_{35}": "4·5"
  "\\Delta w_{45}": "45'"
  delta_3: "e^-2x"
  delta_4: "\\sqrt 23"
  "w_{05}^{new}": "762.612,5"
""",
    "chain.yaml": r"""
relu:
  delta_3: "3 \\times 2 \\times 1 = 3 \\cdot \\sqrt{-4} = 6"
  "g'(net_5)": "1 = x_1"
  "\\Delta w_{35}": "-1 \\times 3 \\times 4 = 12"
""",
    "writeup.md": "# relu\n$u_3 = 4 这是答案$\n$net_3 = 1 \\times 1 + 3 \\times 1 + 4 \\times 0 = 4$\n",
}

# the English messages as the code said them before the catalogue: (file, item name) -> message
ENGLISH = {
    ("links.yaml", "u_3"): "the reason `net_3 < 0` is false: net_3 = 4",
    ("links.yaml", "u_4"): "no value: the answer only names the quantity; give its value",
    ("links.yaml", "net_5"): "the value is right but the working is not: sign slip in the substituted numbers: one "
                             "of them has the wrong sign",
    ("links.yaml", "L"): "the value is right but the working is not: cannot evaluate the rule: division by zero",
    ("links.yaml", "Δw_{05}"): "out of range: a value in it is about 10^400, too large to be an answer (an answer is "
                               "at most 10^300 in size)",
    ("links.yaml", "g'(net_4)"): "no case holds (`net_4 > 0` / `net_4 < 0`): net_4 = 0",
    ("links.yaml", "δ_3"): "I don't understand this",
    ("links.yaml", "delta_hidden"): "not the derived rule (compared at random values of every quantity)",
    ("links.yaml", "delta_output"): "t_k is not a quantity of these rules (use k for an output unit, j for a hidden "
                                    "unit, i for an input)",
    ("reader.yaml", "net_3"): "empty expression",
    ("reader.yaml", "net_4"): r"1\frac{1}{2} is unreadable: a mixed number or a product? did you mean 1 + 1/2 or "
                              r"1 × 1/2? write (1 + \frac{1}{2}) or 1 \cdot \frac{1}{2}",
    ("reader.yaml", "u_3"): r"unknown symbol \text{sinceitispositive}: words are not read inside an answer; write "
                            r"the value alone",
    ("reader.yaml", "u_5"): "a square root of a negative number is not a real number",
    ("reader.yaml", "L"): "the logarithm of a number that is not positive",
    ("reader.yaml", "g'(net_5)"): "a relation (=, <, >) inside an expression",
    ("reader.yaml", "Δw_{35}"): "u_9 is not a quantity of this problem (did you mean u_5 or u_4?)",  # s12 Z2: the key's hint
    ("reader.yaml", "δ_3"): r"a fractional power of a negative number is not a real number; for a real root write "
                            r"\sqrt[3]{…}",
    ("numbers.yaml", "net_4"): "1,000 is unreadable: a thousands separator or a decimal comma? did you mean 1000 or "
                               "1.000? write the number without a thousands separator, with a decimal point",
    ("numbers.yaml", "u_3"): r"a case whose condition is not `\text{for} a > b` or `\text{otherwise}`",
    ("numbers.yaml", "u_4"): "Chinese text (所以) is not read inside an answer: write the value alone (like 0.9820), "
                             "or an equation u_4 = …",
    ("numbers.yaml", "net_5"): "—— (the Chinese dash) inside an answer: did you mean _ (a subscript, as in u_3) or - "
                               "(a minus)?",
    ("numbers.yaml", "u_5"): r"0.49 20 is unreadable: numbers separated only by a space; did you mean 0.4920 (one "
                             r"number) or 0.49 \cdot 20 (a product)? write one number, or \cdot between numbers",
    ("numbers.yaml", "δ_5"): r"\over is read only between two numbers ({9 \over 2}); write \frac{a}{b}",
    ("numbers.yaml", "Δw_{05}"): "1.525.225 is unreadable: a number with several decimal points; did you mean "
                                 "1525225 or 1.525225? write one decimal point",
    ("numbers.yaml", "Δw_{35}"): r"4·5 is unreadable: a middle dot between digits is a decimal point or a product; "
                                 r"did you mean 4.5 or 4 \cdot 5? write a decimal point, or \cdot with spaces",
    ("numbers.yaml", "Δw_{45}"): "45' is unreadable: a prime (') after a number; did you mean 45? write the number "
                                 "alone",
    ("numbers.yaml", "w_{05}^new"): "762.612,5 is unreadable: a dot between groups of three and a decimal comma? did "
                                    "you mean 762612.5? write the number without a thousands separator, with a "
                                    "decimal point",
    ("numbers.yaml", "δ_3"): "^-2x is unreadable: an exponent without braces; did you mean ^{-2}x or ^{-2x}? write "
                             "the exponent in braces",
    ("numbers.yaml", "δ_4"): r"\sqrt 23 is unreadable: without braces only the first digit is the argument; write "
                             r"\sqrt{…} with braces around the argument",
    ("chain.yaml", "δ_3"): r"the link `3 \cdot \sqrt{-4}` was not read: a square root of a negative number is not a "
                           r"real number",
    ("chain.yaml", "Δw_{35}"): "sign slip: the value has the wrong sign (arithmetic: the numbers give -12, not 12)",
    ("writeup.md", "u_3"): "Chinese text (这是答案) is not read inside an answer: write the value alone (like 0.9820), "
                           "or an equation u_3 = …",
}
ENGLISH_LINKS = {
    ("links.yaml", "net_5"): ["sign slip in the substituted numbers: one of them has the wrong sign",
                              "arithmetic: the numbers give 12, not 4"],
    ("links.yaml", "δ_5"): ["the numbers of the other δ convention"],
    ("links.yaml", "L"): ["cannot evaluate the rule: division by zero"],
}

# ids of the families moved here: their Chinese must be Chinese, not a copy of the English
MOVED = ("answer.", "reader.", "doubt.", "rule_answer.", "answers_file.", "writeup.", "folder.", "grade.over",
         "cli.terminated", "cli.interrupted", "cli.internal_error_", "cli.gradebook_not_written", "gradcheck.kink_",
         "diagnosis.sign_rule", "report.notebook_source")


def english_words(text: str) -> list[str]:
    """English phrases (two words in a row) in a message, leaving out what it quotes of the student's
    answer (`…` in backticks) and LaTeX commands (\\text, \\sqrt)."""
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\\[A-Za-z]+(\{[^{}]*\})?", " ", text)
    return re.findall(r"[A-Za-z]{2,}[ ']+[A-Za-z]{2,}", text)


def _cjk(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("answers")
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


_REPORTS: dict[tuple[str, str], str] = {}      # (file, lang) -> the JSON report: each check run once


def _json(path: Path, lang: str) -> dict:
    key = (str(path), lang)
    if key not in _REPORTS:
        result = CliRunner().invoke(main, ["check", str(XOR), str(path), "--format", "json", "--lang", lang])
        assert result.exit_code == 1, result.output
        _REPORTS[key] = result.output
    return json.loads(_REPORTS[key])


def _rendered(grader, path: Path, lang: str) -> dict:
    """The JSON report of `path` in `lang` as `check --format json` makes it (check_submission's reports,
    rendered by render.report.render_json), from the session's grader of xor.yaml: each file is checked once
    for both languages (test_the_check_command_writes_what_the_grader_renders shows the command agrees)."""
    from symbackprop.render.report import render_json
    key = (str(path), lang, "grader")
    if key not in _REPORTS:
        reports, not_read = _graded(grader, path)
        _REPORTS[key] = render_json(reports, str(path), not_read, lang=lang)
    return json.loads(_REPORTS[key])


_GRADED: dict[str, tuple] = {}      # file -> the session grader's (reports, not read): frozen records, checked once


def _graded(grader, path: Path) -> tuple:
    if str(path) not in _GRADED:
        _GRADED[str(path)] = grader.check(path)
    return _GRADED[str(path)]


def _messages(data: dict) -> dict[str, tuple[str, list[str]]]:
    return {v["name"]: (v["message"], [lk["message"] for lk in v["links"] if not lk["ok"] and lk["message"]])
            for p in data["parts"] for v in p["items"]}


# links (the largest) and writeup stay in the fast tier; reader, numbers and chain (one `check` per language
# each) in the slow one
CORPORA = [n if n in ("links.yaml", "writeup.md") else pytest.param(n, marks=pytest.mark.slow) for n in FILES]


# -- the catalogue -------------------------------------------------------------------------------------
def test_the_moved_messages_are_chinese_in_the_chinese_catalogue():
    en, zh = catalogue("en"), catalogue("zh")
    moved = [k for k in en if k.startswith(MOVED)]
    assert len(moved) >= 120
    worded = [k for k in moved if re.search(r"[A-Za-z]{2,}", re.sub(r"\{\w+\}", "", en[k]))]
    assert [k for k in worded if not _cjk(zh[k])] == []          # a template of words says them in Chinese
    assert [k for k in moved if zh[k] == en[k]] == []            # and one of fields alone, its punctuation


# -- English exactly as before; Chinese with no English sentence --------------------------------------------
# (English of the write-up: slow tier too; its Chinese stays fast, which the hint test reads anyway).
# The reports are the session grader's, rendered as `check --format json` renders them: the command itself
# writes the same JSON (test_the_check_command_writes_what_the_grader_renders, slow tier).
@pytest.mark.parametrize("name", [n if n == "links.yaml" else pytest.param(n, marks=pytest.mark.slow) for n in FILES])
def test_english_messages_read_as_before(answers, name, grader_of):
    got = _messages(_rendered(grader_of(XOR), answers / name, "en"))
    for (file, item), text in ENGLISH.items():
        if file == name:
            assert got[item][0] == text, item
    for (file, item), links in ENGLISH_LINKS.items():
        if file == name:
            assert got[item][1] == links, item
    if name == "links.yaml":
        assert _rendered(grader_of(XOR), answers / name, "en")["not_read"] == [
            "relu: foo_9: not a quantity of this problem"]


# the command itself, a check per file and language (the fast tier renders the grader's reports)
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_check_command_writes_what_the_grader_renders(answers, grader_of, lang):
    """`check --format json --lang LANG` of each answers file is the rendering of the session grader's reports."""
    for name in FILES:
        assert _json(answers / name, lang) == _rendered(grader_of(XOR), answers / name, lang), name


@pytest.mark.parametrize("name", CORPORA)
def test_chinese_check_says_every_moved_message_in_chinese(answers, name, grader_of):
    data = _rendered(grader_of(XOR), answers / name, "zh")
    said_ = [m for message, links in _messages(data).values() for m in [message, *links] if m]
    said_ += data["not_read"]
    assert said_
    for text in said_:
        assert _cjk(text), text
        assert english_words(text) == [], text
    en = _messages(_rendered(grader_of(XOR), answers / name, "en"))
    zh = _messages(data)
    assert zh.keys() == en.keys()          # the same items, messages said again in Chinese
    for item, (message, _) in en.items():
        assert bool(message) == bool(zh[item][0]), item


@pytest.mark.slow
def test_chinese_report_in_every_text_format_has_no_english_sentence(answers):
    for fmt in ("text", "markdown"):
        result = CliRunner().invoke(main, ["check", str(XOR), str(answers / "links.yaml"), "--lang", "zh",
                                           "--format", fmt])
        assert result.exit_code == 1
        for line in result.output.splitlines()[1:]:
            cells = re.split(r"\s{2,}| \| ", line.strip())
            ours = " ".join(c for n, c in enumerate(cells) if n != 1)     # column 2: the student's answer
            assert english_words(ours) == [], line


def test_a_hint_with_an_example_equation_names_the_item_in_every_language(answers, grader_of):
    zh = _messages(_rendered(grader_of(XOR), answers / "numbers.yaml", "zh"))
    assert zh["u_4"][0] == "答案中的中文（所以）不会被读取：请只写数值（如 0.9820），或写等式 u_4 = …"
    assert "u_3 = …" in _messages(_rendered(grader_of(XOR), answers / "writeup.md", "zh"))["u_3"][0]


def test_readings_are_joined_by_the_languages_or(answers, grader_of):
    zh = _messages(_rendered(grader_of(XOR), answers / "numbers.yaml", "zh"))
    assert "1525225 或 1.525225" in zh["Δw_{05}"][0]
    # no space between a full-width parenthesis and 或 (session 9: Chinese words are not spaced apart)
    assert r"0.4920（一个数）或 0.49 \cdot 20（乘积）" in zh["u_5"][0]


# -- messages stay translatable on their way through the checker and the grader ------------------------------
def test_a_verdicts_message_keeps_its_id(answers, grader_of):
    reports, not_read = _graded(grader_of(XOR), answers / "links.yaml")
    by_name = {v.name: v for r in reports for v in r.verdicts}
    assert by_name["u_3"].message.key == "answer.reason_false_values"
    assert by_name["net_5"].message.key == "diagnosis.working_wrong"
    assert by_name["net_5"].message.fields["why"].key == "answer.numbers_sign_slip"
    assert not_read[0].key == "answers_file.unknown"


def test_joined_replaced_and_text_of_keep_a_message_translatable():
    a, b = said("answer.with_your_values"), said("reader.division_by_zero")
    both = joined([a, b])
    assert both == "with your earlier values; division by zero" and say(both, "zh") == "用的是你先前的数值；除以零"
    assert joined([a]) is a and joined([]) == ""
    assert joined_in("zh", ["甲", "乙", "丙"]) == "甲；乙；丙" and joined_in("en", ["a", "b"]) == "a; b"
    m = said("answers_file.empty", source="/class/ann.yaml")
    mine = replaced(m, "/class/ann.yaml", "ann.yaml")
    assert mine == "ann.yaml: the file is empty: no answers" and isinstance(mine, Said)
    assert say(mine, "zh") == "ann.yaml：文件为空：没有答案"
    assert replaced("plain /x/y text", "/x/y", "y") == "plain y text"
    exc = SymbackpropError(m)
    assert text_of(exc).key == "answers_file.empty" and text_of(ValueError("plain")) == "plain"


# -- answers files, write-ups and class folders that cannot be read --------------------------------------------
# (each case is a whole `check` run in both languages: the fast tier keeps the empty file)
@pytest.mark.parametrize("name, text, english, chinese", [
    ("empty.yaml", "", ": the file is empty: no answers", "：文件为空：没有答案"),
    pytest.param("twice.json", '{"relu": {"u_3": 4, "u_3": 5}}', ": the key 'u_3' is given twice in one object; "
                 "give each answer once", "在同一个对象中出现了两次", marks=pytest.mark.slow),
    pytest.param("parts.yaml", "foo:\n  u_3: 4\n", ": 'foo': this problem has parts relu, sigmoid; put each part's "
                 "answers under its name, or choose one with --part", "本题的部分有 relu, sigmoid",
                 marks=pytest.mark.slow),
    pytest.param("prose.md", "Nothing here but prose.\n", ": no line names a part (relu, sigmoid); choose one "
                 "with --part", "没有一行指明是哪个部分", marks=pytest.mark.slow),
])
def test_an_unreadable_answers_file_is_one_line_in_the_chosen_language(tmp_path, name, text, english, chinese):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    en = CliRunner().invoke(main, ["check", str(XOR), str(path)])
    zh = CliRunner().invoke(main, ["check", str(XOR), str(path), "--lang", "zh"])
    assert en.exit_code == zh.exit_code == 2
    assert en.output.strip() == f"Error: {path}{english}"
    line = zh.output.strip()
    assert len(line.splitlines()) == 1 and line.startswith(f"错误：{path}")    # "Error:" said in Chinese too
    assert chinese in line and english_words(line[len(f"错误：{path}"):]) == [], line


def test_a_class_folders_reasons_in_chinese(tmp_path):
    from symbackprop.classfolder import scan_class
    klass = tmp_path / "class"
    (klass / "dan").mkdir(parents=True)
    (klass / "eve").mkdir()
    (klass / "ann.yaml").write_text("relu:\n  u_3: 4\n", encoding="utf-8")
    (klass / "carl.yaml").write_text("", encoding="utf-8")
    (klass / "carl.md").write_text("", encoding="utf-8")
    (klass / "dan" / "x.yaml").write_text("", encoding="utf-8")
    (klass / "dan" / "y.yaml").write_text("", encoding="utf-8")
    reasons = {u.name: u.reason for u in scan_class(str(klass)).unread}
    assert reasons["carl"] == "carl.md, carl.yaml: one student, 2 entries; a student is one file or one folder, so " \
                              "none is graded"
    assert reasons["dan"] == "dan/: 2 answers files (x.yaml, y.yaml); a student's folder holds one, so none is graded"
    assert reasons["eve"].startswith("eve/: empty (a student's folder holds one file ending in .yaml")
    for reason in reasons.values():
        zh = say(reason, "zh")
        assert _cjk(zh) and english_words(zh) == [], zh


# -- general rules, the gradient check, the terminal, the notebook ------------------------------------------------
def test_a_rule_said_of_a_rule_not_a_value():
    assert said("diagnosis.sign_rule") == "sign slip: the rule has the wrong sign"
    assert say(said("diagnosis.sign_rule"), "zh") == "符号错误：公式的符号反了"


def test_the_gradient_checks_kinks_in_chinese():
    from symbackprop.gradcheck import check_part
    from symbackprop.render.build import check_lines
    from symbackprop.solution import solve
    report = check_part(solve(str(XOR), ["relu"]).parts[0])
    en, zh = "\n".join(check_lines(report)), "\n".join(check_lines(report, "zh"))
    assert "grad_w_0_4: finite differences not comparable (net_4 = 0 is at a kink of ReLU); chain rule 0" in en
    assert "net_4 = 0 位于 ReLU 的不可导点（kink）" in zh and "is at a kink" not in zh


@pytest.mark.parametrize("lang, stop, words", [("en", KeyboardInterrupt, "interrupted; gradebook not written"),
                                               ("zh", KeyboardInterrupt, "已中断；成绩表未写入"),
                                               ("en", SymbackpropError(said("answers_file.empty", source="a.yaml")),
                                                "a.yaml: the file is empty: no answers"),
                                               ("zh", SymbackpropError(said("answers_file.empty", source="a.yaml")),
                                                "a.yaml：文件为空：没有答案")])
def test_the_terminals_own_lines_in_the_chosen_language(capsys, lang, stop, words):
    from symbackprop.messages import msg
    with pytest.raises((SystemExit, click.ClickException)) as caught:
        with _boundary(msg(lang, "cli.gradebook_not_written"), lang):
            raise stop
    if isinstance(caught.value, SystemExit):
        assert caught.value.code == 130
        assert capsys.readouterr().err.strip() == words
    else:
        assert caught.value.exit_code == 2 and caught.value.message == words


def test_an_internal_error_line_in_chinese(capsys):
    with pytest.raises(SystemExit) as caught:
        with _boundary(lang="zh"):
            raise RuntimeError("boom")
    assert caught.value.code == 3
    err = capsys.readouterr().err
    assert err.rstrip().splitlines()[-1] == "内部错误（symbackprop 的 bug，不是你的输入有误）：RuntimeError: boom"


def test_the_notebook_shows_a_solution_a_report_and_rules_in_another_language(answers, grader_of):
    from symbackprop.rule_check import derive_for_part
    from symbackprop.solution import solve
    sol = solve(str(XOR), ["relu"])
    md, tex = sol.show(lang="zh")._repr_markdown_(), sol.show(lang="zh")._repr_latex_()
    assert "## 部分 relu" in md and "Part relu" not in md
    assert r"\textbf{部分 relu}" in tex and r"\text{前向计算/Forward}" in tex
    assert "## Part relu" in sol._repr_markdown_()              # the notebook's own display stays English
    reports, _ = _graded(grader_of(XOR), answers / "links.yaml")
    table = reports[0].show("zh")._repr_markdown_()
    assert table.startswith("# 部分 relu 的批改") and "| 项目 | 作答 | 正确答案 | 评定 | 诊断 |" in table
    assert "没有数值：答案只写了该量的名称" in table
    assert reports[0].show("zh")._repr_latex_() is None
    rules = derive_for_part(sol.parts[0].part).show("zh")._repr_markdown_()
    assert _cjk(rules)
    with pytest.raises(SymbackpropError, match="fr"):
        sol.show("fr")


@pytest.mark.slow     # one line in each language: test_an_unreadable_answers_file_is_one_line_in_the_chosen_language
def test_an_answers_file_that_is_no_yaml_is_said_in_the_chosen_language(tmp_path):
    """The frame of the line is the catalogue's; PyYAML's own words about the error stay as it says them."""
    path = tmp_path / "bad.yaml"
    path.write_text("x: [\n", encoding="utf-8")
    en = CliRunner().invoke(main, ["check", str(XOR), str(path)])
    zh = CliRunner().invoke(main, ["check", str(XOR), str(path), "--lang", "zh"])
    assert en.exit_code == zh.exit_code == 2
    assert en.output.strip() == f"Error: {path}:2: invalid YAML: expected the node content, but found '<stream end>'"
    assert zh.output.strip() == f"错误：{path}:2：YAML 无效：expected the node content, but found '<stream end>'"
