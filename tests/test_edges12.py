"""Issue 12 (session 12, G1): small rough edges of the command line and its messages, each in English
and Chinese: paths that do not exist or are the wrong kind, an answers file of comments only, unit ids
written as they print, the thresholds of a bias input of −1, an unnamed formula loss named by its
formula, and the count of submissions being graded."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from conftest import PROBLEMS

from symbackprop.answers.read import read_submission
from symbackprop.cli import main
from symbackprop.errors import SymbackpropError
from symbackprop.messages import msg, say, text_of
from symbackprop.problem import parse_problem

XOR = str(PROBLEMS / "xor.yaml")
THRESHOLD = str(PROBLEMS / "threshold.yaml")
ANSWERS = str(PROBLEMS.parent / "examples" / "xor_answers.yaml")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_error(result, lang="en") -> str:
    """The one error line of a run that refused its input: exit 2, no traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith(("Error: ", "错误："))]
    assert len(lines) == 1, result.output
    return lines[0]


def no_english(text: str) -> list[str]:
    """English words left in a Chinese line once paths, ids and the file's own words are taken out."""
    return [w for w in re.findall(r"[A-Za-z]{4,}", text) if w not in ("SUBMISSIONS", "PROBLEM", "FILE", "symbackprop",
                                                                      "check", "docs", "problem", "format", "network",
                                                                      "theta", "relu", "sigmoid", "delta")]


# -- 1. every path argument: a folder that does not exist or is a file, an empty path --------------------
def test_grade_says_a_missing_folder_does_not_exist(tmp_path):
    nowhere = tmp_path / "nowhere"
    en = one_error(run("grade", XOR, nowhere, "-o", tmp_path / "b.csv"))
    assert en.startswith(f"Error: {nowhere}: no such folder; SUBMISSIONS_DIR is the folder"), en
    assert "not a folder of submissions" not in en
    zh = one_error(run("grade", XOR, nowhere, "-o", tmp_path / "b.csv", "--lang", "zh"))
    assert zh.startswith(f"错误：{nowhere}：没有这个文件夹；"), zh
    assert no_english(zh[len(f"错误：{nowhere}"):]) == [], zh
    assert not (tmp_path / "b.csv").exists()


def test_grade_says_a_file_given_for_the_folder_is_a_file(tmp_path):
    student = tmp_path / "ann.yaml"
    student.write_text("relu: {u_3: 4}\n", encoding="utf-8")
    en = one_error(run("grade", XOR, student, "-o", tmp_path / "b.csv"))
    assert en == (f"Error: {student}: is a file, not a folder; SUBMISSIONS_DIR is the folder that holds the submissions "
                  f"(to check this one file: symbackprop check PROBLEM_FILE {student})")
    zh = one_error(run("grade", XOR, student, "-o", tmp_path / "b.csv", "--lang", "zh"))
    assert zh.startswith(f"错误：{student}：是文件，不是文件夹；"), zh
    # a path through a file: no such folder, and why
    under = one_error(run("grade", XOR, student / "class", "-o", tmp_path / "b.csv"))
    assert under == f"Error: {student / 'class'}: no such folder (a part of the path is a file, not a folder)"


# (command line with {e} for the empty path, the parameter Click names)
EMPTY = [
    (["solve", "{e}"], "'PROBLEM_FILE'"),
    (["solve", XOR, "-o", "{e}"], "'-o' / '--output'"),
    (["derive", "{e}"], "'[PROBLEM_FILE]'"),
    (["derive", XOR, "-o", "{e}"], "'-o' / '--output'"),
    (["check", XOR, "{e}"], "'ANSWERS'"),
    (["check", "{e}", ANSWERS], "'PROBLEM_FILE'"),
    (["check", XOR, ANSWERS, "--rubric", "{e}"], "'--rubric'"),
    (["check", XOR, ANSWERS, "-o", "{e}"], "'-o' / '--output'"),
    (["grade", XOR, "{e}"], "'SUBMISSIONS_DIR'"),
    (["grade", "{e}", "class"], "'PROBLEM_FILE'"),
    (["grade", XOR, "class", "-o", "{e}"], "'-o' / '--output'"),
    (["grade", XOR, "class", "--summary", "{e}"], "'--summary'"),
    (["grade", XOR, "class", "--gradescope", "{e}"], "'--gradescope'"),
    (["grade", XOR, "class", "--feedback", "{e}"], "'--feedback'"),
    (["grade", XOR, "class", "--rubric", "{e}"], "'--rubric'"),
]


@pytest.mark.parametrize("args, param", EMPTY)
def test_an_empty_path_is_refused_before_any_work(tmp_path, monkeypatch, args, param):
    # '' would be read as "." (the current folder: graded as the class, or written over as a file)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "class").mkdir()
    line = [a.replace("{e}", "") for a in args]
    en = one_error(run(*line))
    assert en == f"Error: Invalid value for {param}: the path is empty ('')", en
    zh = one_error(run(*line, "--lang", "zh"))
    assert zh == f"错误：{param} 的值无效：路径为空（''）", zh
    assert sorted(p.name for p in tmp_path.iterdir()) == ["class"]        # nothing written


def test_a_path_that_is_there_still_works_and_files_keep_their_messages(tmp_path):
    # the path type refuses only '': a missing problem file and a folder given for a file say so as before
    missing = tmp_path / "nope.yaml"
    assert one_error(run("solve", missing)) == f"Error: {missing}: cannot read the file: No such file or directory"
    assert one_error(run("check", XOR, tmp_path)) == (f"Error: {tmp_path}: is a folder, not a file; give the path of "
                                                      "an answers file")
    assert one_error(run("check", XOR, ANSWERS, "--rubric", missing)).endswith("No such file or directory")


# -- 2. an answers file of comments only --------------------------------------------------------------------
def test_an_answers_file_of_comments_only_says_so(tmp_path, xor_problem, xor):
    path = tmp_path / "ann.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(SymbackpropError) as err:
        read_submission(path, xor_problem, xor, "relu")
    # xor.yaml's output unit is 5 (layers [[3, 4], [5]]): its δ is the example id
    assert "delta_5" in {s.id for s in xor.part("relu").steps}
    assert str(err.value) == (f"{path}: the file holds only comments, no answers; write one answer a line: an id or "
                              "a name, a colon, the value, e.g. delta_5: …")
    assert say(text_of(err.value), "zh") == f"{path}：文件中只有注释，没有答案；每行写一个答案：id 或名称、冒号、值，例如 delta_5: …"
    # with both parts (relu, sigmoid as xor.yaml lists them) the answers go under the part's name
    with pytest.raises(SymbackpropError) as err:
        read_submission(path, xor_problem, xor)
    assert "write each part's answers under its name (relu, sigmoid)" in str(err.value)
    assert "e.g. relu: then an indented line delta_5: …" in str(err.value)
    # the example is a line the reader takes: written so (with a value), the file is read
    path.write_text("# started\ndelta_5: 3\n", encoding="utf-8")
    assert [a.qid for a in read_submission(path, xor_problem, xor, "relu").answers["relu"]] == ["delta_5"]


@pytest.mark.parametrize("text, comments", [
    ("", False),                        # empty: the message as before
    ("\n  \n", False),
    ("null\n", False),                  # a value written out (null): not comments
    ("---\n# later\n", True),           # a document marker and a comment
    ("\ufeff# with a byte-order mark\n", True),
    ("   # indented\n\n", True),
])
def test_comments_are_told_from_an_empty_file(tmp_path, xor_problem, xor, text, comments):
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SymbackpropError) as err:
        read_submission(path, xor_problem, xor, "relu")
    said = str(err.value)
    assert ("holds only comments" in said) is comments, said
    assert ("the file is empty: no answers" in said) is not comments, said


def test_check_says_comments_only_on_the_command_line(tmp_path):
    path = tmp_path / "ann.yaml"
    path.write_text("# nothing yet\n# δ_5 later\n", encoding="utf-8")
    zh = one_error(run("check", XOR, path, "--part", "relu", "--lang", "zh"))
    assert zh.startswith(f"错误：{path}：文件中只有注释，没有答案；"), zh


# -- 3. unit ids written as they print ----------------------------------------------------------------------
def _xor_with_input(name: str) -> str:
    text = (PROBLEMS / "xor.yaml").read_text(encoding="utf-8")
    text = text.replace("inputs: [1, 2]", f"inputs: ['{name}', 2]").replace("  1: {3: 3, 4: 6}", f"  '{name}': {{3: 3, 4: 6}}")
    return text.replace("x: {1: 1, 2: 0}", f"x: {{'{name}': 1, 2: 0}}")


def _error(text: str, lang: str = "en") -> str:
    with pytest.raises(SymbackpropError) as err:
        parse_problem(text, "p.yaml")
    return say(text_of(err.value), lang)


@pytest.mark.parametrize("written, suggestion, prints", [
    ("θ", "theta", "θ"),
    ("θ1", "theta1", "θ_1"),
    pytest.param("θ_1", "theta1", "θ_1", marks=pytest.mark.slow),
    pytest.param("\\theta_{1}", "theta1", "θ_1", marks=pytest.mark.slow),      # \theta_{1} as LaTeX writes it
    ("theta_1", "theta1", "θ_1"),
    pytest.param("Θ2", "Theta2", "Θ_2", marks=pytest.mark.slow),
])
def test_a_greek_unit_id_says_how_to_write_it(written, suggestion, prints):
    en = _error(_xor_with_input(written))
    assert en.startswith("p.yaml:5: network.inputs[0]: "), en
    assert f"write {suggestion}, which prints {prints} (see docs/problem-format.md, `network`)" in en, en
    zh = _error(_xor_with_input(written), "zh")
    assert f"请写 {suggestion}，它显示为 {prints}（见 docs/problem-format.md 的 `network`）" in zh, zh
    # the id suggested is one: the file with it is read, and the solution writes the input as suggested
    part = parse_problem(_xor_with_input(suggestion), "p.yaml").parts[0]
    assert part.inputs[0] == suggestion


def test_an_underscore_unit_id_says_how_to_write_it():
    en = _error(_xor_with_input("x_1"))
    assert en == ("p.yaml:5: network.inputs[0]: 'x_1' is not a unit id: an id is ASCII letters and digits starting "
                  "with a letter, or a whole number (no _); write x1, or the number 1 (an input numbered 1 prints as "
                  "x_1); see docs/problem-format.md, `network`")
    zh = _error(_xor_with_input("x_1"), "zh")
    assert "请写 x1，或写整数 1（编号为 1 的输入显示为 x_1）" in zh, zh
    # both suggestions are ids (x1, and 1 as xor.yaml's own input is)
    assert parse_problem(_xor_with_input("x1"), "p.yaml").parts[0].inputs[0] == "x1"
    # a character no id spelling explains, or a name too long: what an id is, and where the docs say it
    for bad in ("é", "abcdefghijklmnopq"):
        assert "ASCII letters and digits starting with a letter, at most 16 characters (h1; theta1 prints θ_1); " \
               "see docs/problem-format.md, `network`" in _error(_xor_with_input(bad)), bad
    # an id with a space keeps the general message (tests/test_zh_errors.py pins it)
    assert _error(_xor_with_input("a b")).endswith("'a b' is not a unit id; use a whole number (3) or a name of "
                                                   "letters and digits starting with a letter (h1)")


# -- 4. thresholds: a bias input of −1 ----------------------------------------------------------------------
def _threshold_matrices(bias_input: int) -> str:
    text = (PROBLEMS / "threshold.yaml").read_text(encoding="utf-8")
    head, rest = text.split("weights:\n", 1)
    tail = rest[rest.index("sample:"):]
    # one threshold of layer 1 left out: units 3 and 4 need two
    matrices = "weights:\n  - {W: [[0.5, 0.4], [0.9, 1.0]], b: [0.8]}\n  - {W: [[-1.2, 1.1]], b: [0.3]}\n"
    return (head + matrices + tail).replace("bias_input: -1", f"bias_input: {bias_input}")


def test_the_weights_of_a_bias_input_of_minus_one_are_called_thresholds():
    en = _error(_threshold_matrices(-1))
    assert en.endswith("weights[0].b: expected 2 thresholds θ (the weights from the bias input of −1, one per unit "
                       "3, 4)"), en
    assert "bias weights" not in en
    assert _error(_threshold_matrices(-1), "zh").endswith("weights[0].b：应有 2 个阈值 θ（来自 −1 偏置输入的权重，每个单元 3, 4 一个）")
    # with a bias input of 1 they are bias weights, as before
    assert _error(_threshold_matrices(1)).endswith("weights[0].b: expected 2 bias weights (one per unit 3, 4)")


def test_a_missing_threshold_is_called_a_threshold():
    text = (PROBLEMS / "threshold.yaml").read_text(encoding="utf-8")
    text = text.replace("0: {3: 0.8, 4: -0.1, 5: 0.3}", "0: {3: 0.8, 4: -0.1}")      # θ_5 (w_50) left out
    assert _error(text).endswith("weights: missing the threshold θ of unit 5 (the weight from the bias unit 0, "
                                 "whose input is −1)")
    assert _error(text, "zh").endswith("weights：缺少单元 5 的阈值 θ（来自偏置单元 0 的权重，其输入为 −1）")
    # the same weight with a bias input of 1 is a bias weight, said as before
    assert _error(text.replace("bias_input: -1", "bias_input: 1")).endswith(
        "weights: missing the weight from unit 0 to unit 5")


# -- 5. an unnamed formula loss is named by its formula -----------------------------------------------------
FORMULA_LOSS = """
network: {inputs: [1, 2], bias: 0, layers: [[3], [5]], activation: sigmoid}
weights: {0: {3: 1, 5: 1}, 1: {3: 1}, 2: {3: 1}, 3: {5: 1}}
sample: {x: {1: 1, 2: 0}, t: {5: 2}}
loss: {formula: "-t*log(u) - (1-t)*log(1-u)", targets: [0, 1]NAME}
learning_rate: 1
"""


def test_a_target_out_of_range_names_an_unnamed_formula_loss_by_its_formula():
    en = _error(FORMULA_LOSS.replace("NAME", ""))
    assert en == ("p.yaml:4: sample.t.5: target of unit 5 is 2; the loss formula '-t*log(u) - (1-t)*log(1-u)' needs "
                  "targets in [0, 1]"), en
    zh = _error(FORMULA_LOSS.replace("NAME", ""), "zh")
    assert zh.endswith("单元 5 的目标值为 2；损失函数公式 '-t*log(u) - (1-t)*log(1-u)' 要求目标值在 [0, 1] 内"), zh
    # a named formula loss keeps its name
    assert "; mylogloss needs targets in [0, 1]" in _error(FORMULA_LOSS.replace("NAME", ", name: mylogloss"))


# -- 6. the count of submissions being graded ---------------------------------------------------------------
def test_grading_one_submission_is_singular():
    assert msg("en", "cli.grading_one") == "grading 1 submission"
    assert msg("en", "cli.grading", n=2) == "grading 2 submissions"
    assert msg("zh", "cli.grading_one") == msg("zh", "cli.grading", n=1)


@pytest.mark.slow
def test_grade_says_grading_1_submission(tmp_path):
    klass = tmp_path / "class"
    klass.mkdir()
    (klass / "ann.yaml").write_text("relu: {u_3: 4}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["grade", XOR, str(klass), "-o", str(tmp_path / "b.csv"), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "grading 1 submission\n" in result.output or "grading 1 submission " in result.output, result.output
    assert "grading 1 submissions" not in result.output


# -- 6. the command line's own words: a language from the environment, list's argument --------------------
def test_a_language_from_the_environment_that_is_none_says_where_it_came_from(monkeypatch):
    monkeypatch.setenv("SYMBACKPROP_LANG", "fr")
    en = one_error(CliRunner().invoke(main, ["list", "losses"]))
    assert en == ("Error: Invalid value for '--lang': the environment variable SYMBACKPROP_LANG is 'fr', which is not "
                  "one of 'en', 'zh'; set it to one of them, or unset it")
    # given on the command line, it is the command line's mistake, as Click says it
    monkeypatch.delenv("SYMBACKPROP_LANG")
    assert one_error(CliRunner().invoke(main, ["list", "--lang", "fr"])) == \
        "Error: Invalid value for '--lang': 'fr' is not one of 'en', 'zh'."
    assert msg("zh", "usage.lang_from_env", env="SYMBACKPROP_LANG", value="'fr'", choices="'en', 'zh'") == \
        "环境变量 SYMBACKPROP_LANG 为 'fr'，不是可选值之一（'en', 'zh'）；请把它设为其中之一，或取消设置"


def test_list_names_its_argument_what():
    result = CliRunner().invoke(main, ["list", "--help"])
    assert " list [OPTIONS] [WHAT]\n" in result.output
    assert "WHAT is all (the default), activations, losses or optimizers." in result.output
    en = one_error(CliRunner().invoke(main, ["list", "lossses"]))
    assert en.startswith("Error: Invalid value for '[WHAT]': 'lossses' is not one of 'all', 'activations', 'losses', 'optimizers'."), en
    zh = one_error(CliRunner().invoke(main, ["list", "lossses", "--lang", "zh"]))
    assert zh.startswith("错误：'[WHAT]' 的值无效：'lossses' 不是可选值之一"), zh


@pytest.mark.parametrize("argv, english", [
    (["solve", XOR, "--precision", "three"], "Error: Invalid value for '--precision': 'three' is not a valid integer."),
    (["check", XOR, ANSWERS, "--relative", "lots"], "Error: Invalid value for '--relative': 'lots' is not a valid float."),
])
def test_a_number_option_given_no_number_says_so_without_range(argv, english):
    # Click's own words were "'three' is not a valid integer range."; a range is said only for a number outside it
    assert one_error(CliRunner().invoke(main, argv)) == english
    assert one_error(CliRunner().invoke(main, ["solve", XOR, "--precision", "99"])) == \
        "Error: Invalid value for '--precision': 99 is not in the range 0<=x<=15."
