"""A CPU sampler that aggregates as it goes: memory grows with the number of functions, not samples.

pyinstrument's Profiler keeps every sample (a list of frame strings per sample) until it stops;
over a real test suite at a fine interval that is gigabytes. Here pyinstrument's stack sampler
(its C `setstatprofile` hook, the same one its Profiler uses) calls `Aggregator.sample` directly,
and each sample is folded into per-function sums at once. When that pyinstrument API is missing
(another version), a stdlib thread sampler reading `sys._current_frames()` takes over.

Times are wall seconds of the profiled (main) thread. For a function under `root`: `self` is the
time it was the innermost frame, `total` the time it was anywhere on the stack, counted once per
sample (recursion is not double-counted). Threads a test starts are not sampled: their work
shows as the main thread's wait (e.g. in `join`), which is not the repo's own code.
"""

from __future__ import annotations

import os
import sys
import threading
import time

CACHE_LIMIT = 200_000  # frame identifiers remembered before the cache is cleared


class Aggregator:
    """Per-function sums of sampled time, for frames whose file lies under `root`."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root) + os.sep
        self.stats: dict[tuple[str, str, int], list[float]] = {}
        self.samples = 0
        self.seconds = 0.0
        self.lock = threading.Lock()
        self._keys: dict[object, tuple[str, str, int] | None] = {}
        self._owned: dict[str, str | None] = {}

    def key_of(self, filename: str, function: str, line: int) -> tuple[str, str, int] | None:
        """(absolute file, function, first line) for own code, else None (cached per file)."""
        path = self._owned.get(filename, "")
        if path == "":
            full = os.path.abspath(filename) if filename and filename[0] != "<" else ""
            path = full if full.startswith(self.root) and "site-packages" not in full else None
            self._owned[filename] = path
        return None if path is None else (path, function, line)

    def add(self, keys: list, seconds: float) -> None:
        """One sample: `keys` innermost first (None for frames outside root)."""
        if seconds <= 0:
            return
        with self.lock:
            self.samples += 1
            self.seconds += seconds
            seen = set()
            for index, key in enumerate(keys):
                if key is None or key in seen:
                    continue
                seen.add(key)
                entry = self.stats.get(key)
                if entry is None:
                    entry = self.stats[key] = [0.0, 0.0]
                entry[0] += seconds
                if index == 0:
                    entry[1] += seconds

    def pyinstrument_target(self, call_stack: list, seconds: float, _async_state) -> None:
        """pyinstrument stack-sampler subscriber: `call_stack` root first, one string per frame.

        Must never raise: it runs inside the interpreter's profile hook, so an exception here
        would surface in whatever test code happened to be running.
        """
        try:
            keys = self._keys
            if len(keys) > CACHE_LIMIT:
                keys.clear()
            frames = []
            for ident in reversed(call_stack):
                key = keys.get(ident, False)
                if key is False:
                    key = keys[ident] = self._parse(ident)
                frames.append(key)
            self.add(frames, seconds)
        except Exception:
            pass

    def _parse(self, ident: str) -> tuple[str, str, int] | None:
        # "function\x00file\x00first line", then optional "\x01<attribute>" parts.
        parts = ident.split("\x01", 1)[0].split("\x00")
        if len(parts) < 3 or not parts[2].isdigit():
            return None
        return self.key_of(parts[1], parts[0], int(parts[2]))

    def rows(self) -> list[dict]:
        """The harness output rows (a copy taken under the lock)."""
        with self.lock:
            items = list(self.stats.items())
        return [
            {"file": k[0], "function": k[1], "line": k[2], "total": v[0], "self": v[1]}
            for k, v in items
        ]


class Sampler:
    """Start/stop sampling of the calling thread into an Aggregator."""

    def __init__(self, aggregator: Aggregator, interval: float, prefer_thread: bool = False):
        self.aggregator = aggregator
        self.interval = interval
        self.prefer_thread = prefer_thread
        self.kind = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        os.environ.setdefault("PYINSTRUMENT_IGNORE_OVERHEAD_WARNING", "1")
        try:
            if self.prefer_thread:
                raise ImportError("thread sampler requested")
            from pyinstrument.stack_sampler import get_stack_sampler

            get_stack_sampler().subscribe(
                self.aggregator.pyinstrument_target,
                desired_interval=self.interval,
                use_async_context=False,
            )
            self.kind = "pyinstrument"
            return
        except Exception:
            pass
        self.kind = "thread"
        self._thread = threading.Thread(
            target=self._run_thread, args=(threading.get_ident(),), daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self.kind == "pyinstrument":
            from pyinstrument.stack_sampler import get_stack_sampler

            try:
                get_stack_sampler().unsubscribe(self.aggregator.pyinstrument_target)
            except Exception:
                pass
        elif self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=5)

    def _run_thread(self, ident: int) -> None:
        """Fallback: sample the profiled thread's stack from a helper thread."""
        agg = self.aggregator
        codes: dict = {}
        last = time.perf_counter()
        while not self._stop.wait(self.interval):
            frame = sys._current_frames().get(ident)
            now = time.perf_counter()
            frames = []
            while frame is not None:
                code = frame.f_code
                key = codes.get(code, False)
                if key is False:
                    if len(codes) > CACHE_LIMIT:
                        codes.clear()
                    key = codes[code] = agg.key_of(
                        code.co_filename, code.co_name, code.co_firstlineno
                    )
                frames.append(key)
                frame = frame.f_back
            del frame
            agg.add(frames, now - last)
            last = now
