"""Memory cases for the memory domain (`codeflash-bot optimize --domain memory`).

`column_total` builds every parsed row before summing one column: the list of rows is the
function's peak, and MEM202 (list built to iterate once) must be kept with a large peak
reduction and no slowdown. `all_valid` is a trap: MEM201 would turn `all([...])` into
`all(...)`, which stops at the first invalid record and so stops collecting the error
messages the caller asked for; replay must discard it.

`Reading` is a three-attribute record `load_readings` builds by the thousand: MEM206 adds
`__slots__` and must be kept (no per-instance dict). `Sample` is its trap: it looks just as
slottable, but `flag_outliers` sets an attribute from outside the class, so the tests fail.
"""

from __future__ import annotations


def column_total(lines: list[str], column: int) -> int:
    """Sum the integer in `column` of every comma-separated line."""
    rows = [line.split(",") for line in lines]
    total = 0
    for row in rows:
        total += int(row[column])
    return total


def _check(record: dict[str, int], errors: list[str]) -> bool:
    ok = record["qty"] > 0
    if not ok:
        errors.append(f"record {record['id']}: qty must be positive")
    return ok


def all_valid(records: list[dict[str, int]], errors: list[str]) -> bool:
    """True if every record is valid; appends one message per invalid record to `errors`."""
    return all([_check(record, errors) for record in records])


class Reading:
    """One sensor reading; thousands are kept alive at once (MEM206 adds `__slots__`)."""

    def __init__(self, sensor: str, minute: int, value: float) -> None:
        self.sensor = sensor
        self.minute = minute
        self.value = value

    def celsius(self) -> float:
        return (self.value - 32.0) * 5.0 / 9.0


def load_readings(rows: list[tuple[str, int, float]]) -> list[Reading]:
    """One Reading per (sensor, minute, fahrenheit) row."""
    return [Reading(sensor, minute, value) for sensor, minute, value in rows]


class Sample:
    """A trap for MEM206: `flag_outliers` sets an attribute the class never mentions."""

    def __init__(self, name: str, value: float) -> None:
        self.name = name
        self.value = value


def flag_outliers(samples: list[Sample], limit: float) -> list[str]:
    """Mark each sample with `.outlier` and return the names of the outliers."""
    for sample in samples:
        sample.outlier = sample.value > limit
    return [sample.name for sample in samples if sample.outlier]
