"""The vendored REST description is usable: the validator understands every schema keyword
it contains and catches the mistakes it is there to catch."""

from __future__ import annotations

from tests.support.fake_github import OPERATIONS, SUPPORTED_KEYWORDS, operation_for, schema_errors


def _keywords(schema: object) -> set[str]:
    if not isinstance(schema, dict):
        return set()
    found = set(schema)
    for prop in schema.get("properties", {}).values():
        found |= _keywords(prop)
    return found | _keywords(schema.get("items"))


def test_validator_covers_all_vendored_request_schemas() -> None:
    for key, op in OPERATIONS.items():
        assert _keywords(op["requestBody"]) <= SUPPORTED_KEYWORDS, key


def test_validator_catches_bad_bodies() -> None:
    pulls = OPERATIONS["POST /repos/{owner}/{repo}/pulls"]["requestBody"]
    assert schema_errors(pulls, {"head": "a", "base": "b", "title": "t", "body": "x"}) == []
    assert "'base' is a required property" in schema_errors(pulls, {"head": "a"})[0]
    assert "not of type 'string'" in schema_errors(pulls, {"head": "a", "base": "b", "title": 1})[0]
    reaction = OPERATIONS["POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions"][
        "requestBody"
    ]
    assert schema_errors(reaction, {"content": "eyes"}) == []
    assert "not in" in schema_errors(reaction, {"content": "eyez"})[0]


def test_paths_match_operations() -> None:
    assert operation_for("POST", "/repos/o/r/pulls/3/comments/9/replies") is not None
    assert operation_for("DELETE", "/repos/o/r") is None
