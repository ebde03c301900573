"""Tests for slowdemo.aio: results in order, and the dependent awaits' exact answers."""

from __future__ import annotations

import asyncio

from slowdemo import aio


def test_fetch_all_keeps_the_order_of_ids() -> None:
    ids = [7, 3, 11, 3, 0, 25, 19, 4, 8, 15]
    records = asyncio.run(aio.fetch_all(ids))
    assert [r["id"] for r in records] == ids
    assert records[1] == {"id": 3, "name": "record-3", "score": 10}


def test_fetch_all_of_nothing() -> None:
    assert asyncio.run(aio.fetch_all([])) == []


def test_refresh_token() -> None:
    assert asyncio.run(aio.refresh_token("ada")) == "token-ada-757"
    assert asyncio.run(aio.refresh_token("grace")) == "token-grace-595"


def test_follow_chain_uses_each_answer_for_the_next_lookup() -> None:
    assert asyncio.run(aio.follow_chain(1, 6)) == [1, 38, 176, 418, 857, 340, 457]


def test_deposit_all_returns_running_balances() -> None:
    assert asyncio.run(aio.deposit_all([5, 10, 20, 40])) == [5, 15, 35, 75]
