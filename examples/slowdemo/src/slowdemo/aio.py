"""Coroutines for the async domain: fake network calls awaited one after another.

- ``fetch_all`` awaits independent lookups one by one: they can run concurrently (keep).
- ``refresh_token`` blocks the event loop with ``time.sleep`` (keep: ``await asyncio.sleep``).
- ``follow_chain`` is a trap: each lookup needs the previous answer, so the awaits must stay
  sequential (no rule may fire).
- ``deposit_all`` is a trap: the loop looks independent, but every deposit reads and writes the
  same balance across an await; running them concurrently changes the results (verification
  must discard).
"""

from __future__ import annotations

import asyncio
import time

ROUND_TRIP = 0.004  # seconds per fake network round trip


async def fetch_record(record_id: int) -> dict:
    """One fake network lookup: one round trip, then a deterministic record."""
    await asyncio.sleep(ROUND_TRIP)
    return {"id": record_id, "name": f"record-{record_id}", "score": (record_id * 37) % 101}


async def fetch_all(ids: list[int]) -> list[dict]:
    """The records of `ids`, in that order."""
    return [await fetch_record(record_id) for record_id in ids]


async def refresh_token(user: str) -> str:
    """A token for `user` after the (fake) identity provider's back-off."""
    time.sleep(ROUND_TRIP)
    return f"token-{user}-{len(user) * 7919 % 1000:03d}"


async def next_hop(node: int) -> int:
    """The node a (fake) remote directory says comes after `node`."""
    await asyncio.sleep(ROUND_TRIP / 4)
    return (node * 31 + 7) % 1009


async def follow_chain(start: int, hops: int) -> list[int]:
    """The path of `hops` lookups from `start`: each lookup needs the previous answer."""
    path = {0: start}
    for step in range(1, hops + 1):
        path[step] = await next_hop(path[step - 1])
    return list(path.values())


class Ledger:
    """An account whose deposits take a (fake) round trip between reading and writing."""

    def __init__(self) -> None:
        self.balance = 0

    async def deposit(self, amount: int) -> int:
        seen = self.balance
        await asyncio.sleep(ROUND_TRIP / 4)
        self.balance = seen + amount
        return self.balance


async def deposit_all(amounts: list[int]) -> list[int]:
    """The running balances after each deposit, in order."""
    ledger = Ledger()
    return [await ledger.deposit(amount) for amount in amounts]
