"""MEM206: a small class built many times carries a per-instance `__dict__` it never needs."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codeflash_bot.models import Domain
from codeflash_bot.propose.rule import Rule, RuleContext

# Defining any of these means the class customises attribute access, copying or pickling in a
# way that may rely on `__dict__`: the rule stays away.
_DYNAMIC_METHODS = frozenset(
    {
        "__getattr__",
        "__getattribute__",
        "__setattr__",
        "__delattr__",
        "__getstate__",
        "__setstate__",
        "__reduce__",
        "__reduce_ex__",
        "__copy__",
        "__deepcopy__",
        "__init_subclass__",
        "__new__",
    }
)
_DYNAMIC_NAMES = frozenset({"__dict__", "__weakref__", "__slots__"})
_DYNAMIC_CALLS = frozenset({"setattr", "delattr", "vars", "weakref", "ref", "proxy"})
_PASSTHROUGH = (cst.Tuple, cst.List)


class InstanceDictOnSmallClass(Rule):
    """A plain class whose instances keep a `__dict__` although their attributes are fixed.

    What it does:
        Targets the `__init__` of a class with no base (or only `object`), no decorator,
        no `__slots__`, and whose methods set attributes only as `self.<name> = ...`, with no
        `setattr`/`vars`/`__dict__`/`__weakref__` use and no attribute-access or pickling
        hooks. It adds `__slots__` listing every attribute any method assigns (sorted), as
        the first statement of the class body. A class-level name equal to one of those
        attributes (a default value, a method, a property) keeps the rule away.
    Why is this bad?
        Every instance of a class without `__slots__` carries room for a `__dict__` (on
        CPython 3.11 about 40 bytes more per three-attribute instance, measured; a full dict
        of 100+ bytes on older versions or once `__dict__` is touched). For a small record
        built thousands of times that is a third or more of its memory; slots store the
        attributes in the object itself and make construction and access no slower.
    Example:
        `class Point:` / `def __init__(self, x, y): self.x = x; self.y = y`
    Use instead:
        `class Point:` / `__slots__ = ("x", "y")` / `def __init__(self, x, y): ...`
    When it is unsafe:
        Code outside the class that sets a new attribute on an instance (`p.label = ...`),
        reads `p.__dict__`/`vars(p)`, takes a weak reference, or subclasses it expecting a
        dict now fails with AttributeError or TypeError. The rule only sees the class, so
        the engine compares construction and the no-argument methods on captured inputs and
        the repository's tests decide the rest. A class built only a few times gains nothing
        worth a commit: the engine measures only classes the workload builds >= 100 times.
    """

    code = "MEM206"
    name = "instance-dict-on-small-class"
    domain = Domain.MEMORY
    summary = "plain record class without dynamic attributes -> __slots__"
    spellings = (
        "record class with a docstring, attributes set in `__init__`",
        "`class P(object)` with attributes also set in another method",
        "attributes set under `if` in `__init__`",
    )

    def transform(self, func: cst.FunctionDef, ctx: RuleContext) -> cst.FunctionDef | None:
        return None  # the rewrite is on the owning class: see transform_class

    def transform_class(
        self, cls: cst.ClassDef, method: str, ctx: RuleContext
    ) -> cst.ClassDef | None:
        if method != "__init__" or cls.decorators or not _plain_bases(cls):
            return None
        if not isinstance(cls.body, cst.IndentedBlock):
            return None
        class_names, methods = _class_level(cls.body.body)
        if class_names is None or "__init__" not in {f.name.value for f in methods}:
            return None
        if class_names & _DYNAMIC_METHODS or class_names & _DYNAMIC_NAMES:
            return None
        if _uses_dynamic(cls):
            return None
        slots: set[str] = set()
        for func in methods:
            names = _self_stores(func)
            if names is None:
                return None
            slots |= names
        if not slots or slots & class_names or any(s.startswith("__") for s in slots):
            return None
        return _with_slots(cls, sorted(slots))


def _plain_bases(cls: cst.ClassDef) -> bool:
    if cls.keywords:
        return False
    return all(a.keyword is None and m.matches(a.value, m.Name("object")) for a in cls.bases)


def _class_level(body) -> tuple[set[str] | None, list[cst.FunctionDef]]:
    """Names bound in the class body and its methods; (None, []) on anything unusual."""
    names: set[str] = set()
    methods: list[cst.FunctionDef] = []
    for stmt in body:
        if isinstance(stmt, cst.FunctionDef):
            names.add(stmt.name.value)
            methods.append(stmt)
        elif isinstance(stmt, cst.ClassDef):
            names.add(stmt.name.value)
        elif isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Assign):
                    for t in small.targets:
                        if not isinstance(t.target, cst.Name):
                            return None, []
                        names.add(t.target.value)
                elif isinstance(small, cst.AnnAssign):
                    if not isinstance(small.target, cst.Name):
                        return None, []
                    names.add(small.target.value)
                elif isinstance(small, cst.Expr | cst.Pass):
                    continue
                else:
                    return None, []
        else:
            return None, []  # if/for/try at class level: too clever to reason about
    return names, methods


def _uses_dynamic(cls: cst.ClassDef) -> bool:
    for name in m.findall(cls, m.Name()):
        assert isinstance(name, cst.Name)
        if name.value in _DYNAMIC_NAMES:
            return True
    for call in m.findall(cls, m.Call()):
        assert isinstance(call, cst.Call)
        callee = call.func
        if isinstance(callee, cst.Attribute):
            callee = callee.attr
        if isinstance(callee, cst.Name) and callee.value in _DYNAMIC_CALLS:
            return True
    return False


def _self_stores(func: cst.FunctionDef) -> set[str] | None:
    """Attribute names the method assigns on its first parameter; None if it is unsure."""
    decorators = {d.decorator.value for d in func.decorators if isinstance(d.decorator, cst.Name)}
    if decorators & {"staticmethod", "classmethod"}:
        return set()
    params = func.params.params or func.params.posonly_params
    if not params:
        return None
    me = params[0].name.value
    found: set[str] = set()
    targets: list[cst.BaseExpression] = []
    for node in m.findall(func.body, m.Assign() | m.AnnAssign() | m.AugAssign() | m.For()):
        if isinstance(node, cst.Assign):
            targets.extend(t.target for t in node.targets)
        elif isinstance(node, cst.AnnAssign | cst.AugAssign | cst.For):
            targets.append(node.target)
    for item in m.findall(func.body, m.WithItem()):
        assert isinstance(item, cst.WithItem)
        if item.asname is not None:
            targets.append(item.asname.name)
    while targets:
        target = targets.pop()
        if isinstance(target, _PASSTHROUGH):
            targets.extend(e.value for e in target.elements)
        elif isinstance(target, cst.StarredElement):
            targets.append(target.value)
        elif isinstance(target, cst.Attribute) and m.matches(target.value, m.Name(me)):
            found.add(target.attr.value)
    return found


def _with_slots(cls: cst.ClassDef, slots: list[str]) -> cst.ClassDef:
    items = ", ".join(f'"{s}"' for s in slots)
    if len(slots) == 1:
        items += ","
    line = cst.parse_statement(f"__slots__ = ({items})\n")
    assert isinstance(cls.body, cst.IndentedBlock)
    body = list(cls.body.body)
    at = 1 if body and _is_docstring(body[0]) else 0
    return cls.with_changes(body=cls.body.with_changes(body=[*body[:at], line, *body[at:]]))


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    )
