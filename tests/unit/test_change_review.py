"""The base side of the regression check: HEAD's file with one function as it was at the base."""

from __future__ import annotations

import libcst as cst

from codeflash_bot.models import ChangedReport, Regression
from codeflash_bot.session.change_review import find_function, render_md, with_function_from

BASE = """\
import math


def area(r):
    return math.pi * r * r


class Box:
    def volume(self, w, h, d):
        return w * h * d

    def label(self):
        return "box"
"""

HEAD = """\
import math

LIMIT = 10


def area(r):
    return math.pi * r ** 2


class Box:
    def volume(self, w, h, d):
        out = 0
        for _ in range(d):
            out += w * h
        return out

    def label(self):
        return "box"


def added():
    return LIMIT
"""


def test_the_method_is_swapped_and_everything_else_stays_heads() -> None:
    out = with_function_from(HEAD, BASE, "Box.volume")
    assert out is not None
    assert "        return w * h * d\n" in out and "out += w * h" not in out
    assert "LIMIT = 10" in out and "r ** 2" in out and "def added" in out


def test_top_level_function_is_swapped() -> None:
    out = with_function_from(HEAD, BASE, "area")
    assert out == HEAD.replace("r ** 2", "r * r")


def test_nothing_to_compare_when_a_side_lacks_it_or_it_did_not_change() -> None:
    assert with_function_from(HEAD, BASE, "added") is None  # new in the change
    assert with_function_from(HEAD, BASE, "Box.label") is None  # same code
    assert with_function_from(HEAD, "def (:\n", "area") is None  # base does not parse


def test_find_function_walks_classes_by_name() -> None:
    module = cst.parse_module(HEAD)
    assert find_function(module, "Box.label").name.value == "label"
    assert find_function(module, "Box") is None and find_function(module, "Nope.x") is None


def test_handoff_section_names_targets_untested_and_regressions() -> None:
    report = ChangedReport(
        since="main",
        base="a" * 40,
        changed=["m:area", "m:Box.volume", "m:added"],
        new=["m:added"],
        targeted=["m:area"],
        untested=["m:added"],
        regressions=[Regression(target="m:Box.volume", base_seconds=1e-5, head_seconds=5e-4)],
    )
    text = render_md(report)
    assert "## Change under review (since main, base aaaaaaaaaaaa)" in text
    assert "- targeted: m:area" in text and "- untested: m:added" in text
    assert "- regression: m:Box.volume is 50.0x slower than at the base" in text
