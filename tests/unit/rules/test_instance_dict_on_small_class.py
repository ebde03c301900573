from codeflash_bot.propose.rule import applies
from codeflash_bot.propose.rules.instance_dict_on_small_class import InstanceDictOnSmallClass
from tests.support.rewrite import dedent, rewrite

RULE = InstanceDictOnSmallClass()
INIT = "Point.__init__"


def test_plain_record_class_gets_sorted_slots_after_its_docstring() -> None:
    before = """
    class Point:
        \"\"\"A point.\"\"\"

        def __init__(self, y, x):
            self.y = y
            self.x = x

        def norm(self):
            return abs(self.x) + abs(self.y)
    """
    assert rewrite(RULE, before, INIT) == dedent("""
    class Point:
        \"\"\"A point.\"\"\"
        __slots__ = ("x", "y")

        def __init__(self, y, x):
            self.y = y
            self.x = x

        def norm(self):
            return abs(self.x) + abs(self.y)
    """)


def test_attributes_set_in_other_methods_are_slotted_too() -> None:
    before = """
    class Point(object):
        def __init__(self, x):
            self.x = x

        def tag(self, label):
            self.label, self.count = label, 1
            self.count += 1
    """
    after = rewrite(RULE, before, INIT) or ""
    assert '__slots__ = ("count", "label", "x")' in after
    single = """
    class Point:
        def __init__(self, x):
            self.x = x
    """
    assert '__slots__ = ("x",)' in (rewrite(RULE, single, INIT) or "")


def test_only_the_constructor_is_a_target() -> None:
    before = """
    class Point:
        def __init__(self, x):
            self.x = x

        def double(self):
            return self.x * 2
    """
    assert rewrite(RULE, before, "Point.double") is None
    assert applies(RULE, __import__("libcst").parse_module(dedent(before)), INIT)


def test_dynamic_or_inherited_classes_do_not_fire() -> None:
    cases = [
        """
        class Point(Base):
            def __init__(self, x):
                self.x = x
        """,
        """
        @dataclass
        class Point:
            def __init__(self, x):
                self.x = x
        """,
        """
        class Point:
            def __init__(self, **kw):
                for k, v in kw.items():
                    setattr(self, k, v)
        """,
        """
        class Point:
            def __init__(self, x):
                self.x = x

            def as_dict(self):
                return dict(self.__dict__)
        """,
        """
        class Point:
            x = 0

            def __init__(self, x):
                self.x = x
        """,
        """
        class Point:
            __slots__ = ("x",)

            def __init__(self, x):
                self.x = x
        """,
        """
        class Point:
            def __init__(self, x):
                self.x = x

            def __getattr__(self, name):
                return 0
        """,
        """
        class Point(metaclass=Meta):
            def __init__(self, x):
                self.x = x
        """,
    ]
    for before in cases:
        assert rewrite(RULE, before, INIT) is None, before


SPELLING_QUALNAME = "Point.__init__"

SPELLINGS = {
    RULE.spellings[0]: '''
    class Point:
        """A point."""

        def __init__(self, y, x):
            self.y = y
            self.x = x

        def norm(self):
            return abs(self.x) + abs(self.y)
    ''',
    RULE.spellings[1]: """
    class Point(object):
        def __init__(self, x):
            self.x = x

        def reset(self):
            self.cache = None
    """,
    RULE.spellings[2]: """
    class Point:
        def __init__(self, x, y=None):
            self.x = x
            if y is None:
                self.y = 0
            else:
                self.y = y
    """,
}
NOT_FIRING = {
    "dynamic attributes": """
    class Point:
        def __init__(self, **kw):
            for k, v in kw.items():
                setattr(self, k, v)
    """,
    "has a base class": """
    class Point(Base):
        def __init__(self, x):
            self.x = x
    """,
}
