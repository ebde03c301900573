import textwrap

from codeflash_bot.propose.module_rule import ModuleFacts, apply_module_rule
from codeflash_bot.propose.rules.runtime_import_for_annotations_only import (
    RuntimeImportForAnnotationsOnly,
)

RULE = RuntimeImportForAnnotationsOnly()
FACTS = ModuleFacts(module="app.io", heavy=frozenset({"pandas", "decimal"}))


def rewrite(before: str) -> str | None:
    return apply_module_rule(RULE, textwrap.dedent(before), FACTS)


def test_annotation_only_import_goes_under_type_checking() -> None:
    before = """
    from __future__ import annotations

    import csv
    from pandas import DataFrame


    def load(path: str) -> DataFrame:
        with open(path) as fh:
            return list(csv.reader(fh))
    """
    assert rewrite(before) == textwrap.dedent("""
    from __future__ import annotations

    import csv
    from typing import TYPE_CHECKING

    if TYPE_CHECKING:
        from pandas import DataFrame


    def load(path: str) -> DataFrame:
        with open(path) as fh:
            return list(csv.reader(fh))
    """)


def test_without_postponed_annotations_does_not_fire() -> None:
    before = """
    from pandas import DataFrame

    def load(path) -> DataFrame:
        return path
    """
    assert rewrite(before) is None


def test_name_used_at_run_time_or_in_a_class_body_does_not_fire() -> None:
    at_run_time = """
    from __future__ import annotations
    from pandas import DataFrame

    def load(path) -> DataFrame:
        return DataFrame(path)
    """
    in_class = """
    from __future__ import annotations
    from dataclasses import dataclass
    from pandas import DataFrame

    @dataclass
    class Table:
        frame: DataFrame
    """
    assert rewrite(at_run_time) is None
    assert rewrite(in_class) is None


def test_rewritten_module_runs_and_keeps_its_annotations() -> None:
    before = """
    from __future__ import annotations

    from decimal import Decimal


    def half(x: Decimal) -> Decimal:
        return x / 2
    """
    after = rewrite(before)
    assert after is not None
    namespace: dict = {}
    exec(after, namespace)
    assert "Decimal" not in namespace
    assert namespace["half"](3) == 1.5
    assert namespace["half"].__annotations__ == {"x": "Decimal", "return": "Decimal"}


def apply_spelling(source: str) -> str | None:
    """Module-level rules apply to the whole module, given what the import profile found."""
    return rewrite(source)


SPELLINGS = {
    RULE.spellings[0]: """
    from __future__ import annotations

    import pandas


    def load(frame: pandas.DataFrame) -> int:
        return len(frame)
    """,
    RULE.spellings[1]: """
    from __future__ import annotations

    from decimal import Decimal


    def price(x) -> Decimal:
        return x
    """,
    RULE.spellings[2]: """
    from __future__ import annotations

    import pandas as pd

    CACHE: dict[str, pd.DataFrame] = {}


    def load(frame: pd.DataFrame) -> int:
        return len(frame)
    """,
}
NOT_FIRING = {
    "no future import": """
    import pandas


    def load(frame: pandas.DataFrame) -> int:
        return len(frame)
    """,
    "used at runtime too": """
    from __future__ import annotations

    import pandas


    def load(frame: pandas.DataFrame) -> int:
        return pandas.concat([frame])
    """,
}
