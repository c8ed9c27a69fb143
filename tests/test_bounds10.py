"""Session 10, issue 12 leftovers: value-bound errors with FILE:LINE, not-finite losses said in words,
tiny values that go on instead of being refused, and user text that survives the Chinese tightening.

Expected values are worked by hand (each test says how); files are written inline.
"""
from __future__ import annotations

import pytest
import sympy as sp
from click.testing import CliRunner

from symbackprop.cli import main
from symbackprop.messages import Said, said, say


def write(tmp_path, text: str, name: str = "p.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def solve(*args):
    return CliRunner().invoke(main, ["solve", *[str(a) for a in args]])


def one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


# -- 4. a user's text keeps every character through the Chinese tightening ------------------------

def test_user_text_with_the_mark_characters_survives_and_chinese_is_still_tightened():
    formula = "'甲\ue010乙\ue011 丙'"                  # a person's formula holding U+E010 and U+E011
    text = said("graph_file.formula", formula=formula, message=said("formula.unexpected_after", got=said("formula.end")))
    zh = say(text, "zh")
    assert formula in zh                                # every character, the space too
    assert "意外的公式结尾" in zh                         # the catalogue's words still lose their space
    assert say(text, "en") == text and isinstance(text, Said)
    # a user text in a nested sentence survives too (the part name is the user's)
    nested = said("problem.in_part", name="a\ue010b\ue011c", message=said("nonreal.not_real"))
    assert say(nested, "zh") == "部分 a\ue010b\ue011c：不是实数"


def test_user_text_holding_every_private_use_character_is_said_untightened_and_whole():
    # zh: "ReLU 在 0 处不可导；取 {gp} 为 {g0}（{setting}），用于 {where}。": {where} a catalogue word
    word = said("formula.end")                                   # 公式结尾
    assert say(said("note.relu_kink", gp="g", g0="0", setting="s", where=word), "zh").endswith("用于公式结尾。")
    crowd = "".join(chr(c) for c in range(0xE000, 0xF900))     # no two free mark characters are left
    zh = say(said("note.relu_kink", gp=crowd, g0="0", setting="s", where=word), "zh")
    assert crowd in zh and zh.endswith("用于 公式结尾。")          # whole; only the spacing is not tightened
    fewer = crowd.replace("\uf8fe", "").replace("\uf8ff", "")       # two left free: tightened again
    zh = say(said("note.relu_kink", gp=fewer, g0="0", setting="s", where=word), "zh")
    assert fewer in zh and zh.endswith("用于公式结尾。")
