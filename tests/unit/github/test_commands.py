"""The comment grammar and label parsing: valid commands, synonyms, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeflash_bot.github.commands import (
    HELP,
    CommandError,
    Kind,
    check_target_in_repo,
    is_for_bot,
    parse_comment,
    parse_label,
    parse_target,
)
from codeflash_bot.models import Domain


@pytest.mark.parametrize(
    ("body", "kind", "domain", "target"),
    [
        ("/codeflash", Kind.RUN, Domain.AUTO, None),
        ("  /codeflash  \n", Kind.RUN, Domain.AUTO, None),
        ("/codeflash memory", Kind.RUN, Domain.MEMORY, None),
        ("/codeflash RAM", Kind.RUN, Domain.MEMORY, None),
        ("/codeflash cpu", Kind.RUN, Domain.CPU, None),
        ("/codeflash speed", Kind.RUN, Domain.CPU, None),
        ("/codeflash async", Kind.RUN, Domain.ASYNC, None),
        ("/codeflash import-time", Kind.RUN, Domain.STRUCTURE, None),
        ("/codeflash structure", Kind.RUN, Domain.STRUCTURE, None),
        (
            "/codeflash optimize src/pkg/mod.py::func",
            Kind.OPTIMIZE,
            Domain.AUTO,
            "src/pkg/mod.py::func",
        ),
        (
            "/codeflash optimize pkg.mod:Class.method",
            Kind.OPTIMIZE,
            Domain.AUTO,
            "pkg.mod:Class.method",
        ),
        ("/codeflash status", Kind.STATUS, Domain.AUTO, None),
        ("/codeflash stop", Kind.STOP, Domain.AUTO, None),
        ("/codeflash help", Kind.HELP, Domain.AUTO, None),
        ("/codeflash HELP", Kind.HELP, Domain.AUTO, None),
    ],
)
def test_valid_commands(body: str, kind: Kind, domain: Domain, target: str | None) -> None:
    cmd = parse_comment(body)
    assert cmd is not None
    assert (cmd.kind, cmd.domain, cmd.target) == (kind, domain, target)


def test_text_below_the_command_is_kept_for_routing() -> None:
    cmd = parse_comment("/codeflash\nThe report endpoint leaks memory under load.")
    assert cmd is not None and "leaks memory" in cmd.text


@pytest.mark.parametrize("body", ["looks good", "please run /codeflash", "", "  \n"])
def test_comments_not_for_the_bot(body: str) -> None:
    assert parse_comment(body) is None
    assert not is_for_bot(body)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("/codeflash; rm -rf ~", "Unknown command `/codeflash;`"),
        ("/codeflash $(curl evil)", "Unknown command or domain `$(curl`"),
        ("/codeflash gpu", "Unknown command or domain `gpu`"),
        ("/codeflash memory please", "takes no further words"),
        ("/codeflash status now", "takes no arguments"),
        ("/codeflash optimize", "exactly one target"),
        ("/codeflash optimize ../etc/passwd.py::x", "is not a target"),
        ("/codeflash optimize /abs/mod.py::f", "is not a target"),
        ("/codeflash optimize src/x.py::f;ls", "is not a target"),
        ("/codeflash optimize `id`", "is not a target"),
        ("/codeflashy", "Unknown command"),
    ],
)
def test_invalid_commands_reply_with_help(body: str, says: str) -> None:
    with pytest.raises(CommandError) as info:
        parse_comment(body)
    assert says in info.value.reply
    assert HELP in info.value.reply
    assert "\n" not in str(info.value)  # the log/error line is one line


def test_echoed_text_is_bounded_and_has_no_backticks() -> None:
    with pytest.raises(CommandError) as info:
        parse_comment("/codeflash `" + "x" * 500)
    first = info.value.reply.splitlines()[0]
    assert len(first) < 150
    assert first.count("`") == 2


@pytest.mark.parametrize(
    ("label", "domain"),
    [
        ("codeflash", Domain.AUTO),
        ("codeflash:memory", Domain.MEMORY),
        ("codeflash:cpu", Domain.CPU),
        ("codeflash:async", Domain.ASYNC),
    ],
)
def test_labels(label: str, domain: Domain) -> None:
    cmd = parse_label(label)
    assert cmd is not None and cmd.kind is Kind.RUN and cmd.domain is domain


def test_other_labels_are_ignored_and_bad_domains_refused() -> None:
    assert parse_label("bug") is None
    with pytest.raises(CommandError, match="Unknown domain `gpu`"):
        parse_label("codeflash:gpu")


def test_target_must_resolve_inside_the_repo(tmp_path: Path) -> None:
    (tmp_path / "repo" / "src").mkdir(parents=True)
    (tmp_path / "repo" / "src" / "mod.py").write_text("def f(): pass\n")
    (tmp_path / "outside.py").write_text("def f(): pass\n")
    (tmp_path / "repo" / "link.py").symlink_to(tmp_path / "outside.py")
    root = tmp_path / "repo"
    assert check_target_in_repo("src/mod.py::f", root) == "src/mod.py::f"
    assert check_target_in_repo("pkg.mod:f", root) == "pkg.mod:f"
    with pytest.raises(CommandError, match="outside the repository"):
        check_target_in_repo("link.py::f", root)
    with pytest.raises(CommandError, match="not a file"):
        check_target_in_repo("src/missing.py::f", root)
    with pytest.raises(CommandError):
        parse_target("src/../../outside.py::f")
