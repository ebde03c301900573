"""The one exception type that means "tell the user one clear line and exit non-zero"."""

from __future__ import annotations

EXIT_USAGE = 2  # bad input: the default of every BotError
EXIT_INTERNAL = 3  # a bug: cli.main's last resort
EXIT_GUARD = 4  # the guard cannot run (its program is missing)


class BotError(Exception):
    """A problem the user can fix; its message is printed as a single line on stderr."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(" ".join(message.split()))
        if exit_code is not None:
            self.exit_code = exit_code
