"""Progress for people: the phases of a build and their counts, on stderr.

A large spec takes seconds to generate; on a terminal, each phase says what it
did and how long it took.  Nothing is printed when stderr is not a terminal (CI
logs, pipes) unless `--verbose` asks for it, and never with `--quiet`.  Progress
goes to stderr only, so stdout (`--format json`, a diff) stays machine-readable.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress", "wants_progress"]


def wants_progress(stream: TextIO, *, quiet: bool, verbose: bool) -> bool:
    """Whether to print phases: always with --verbose, on a terminal unless --quiet."""
    if verbose:
        return True
    if quiet:
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """Prints `label phase: detail (0.12s)` lines when enabled, else nothing."""

    def __init__(
        self, enabled: bool = False, label: str = "", stream: TextIO | None = None
    ) -> None:
        self.enabled = enabled
        self.label = label
        self._stream = stream
        self._last = time.perf_counter()

    def phase(self, name: str, detail: str = "") -> None:
        """Report that phase `name` finished; the time is since the previous phase."""
        now = time.perf_counter()
        elapsed, self._last = now - self._last, now
        if not self.enabled:
            return
        prefix = f"[{self.label}] " if self.label else ""
        text = (
            f"{prefix}{name}: {detail} ({elapsed:.2f}s)"
            if detail
            else (f"{prefix}{name} ({elapsed:.2f}s)")
        )
        stream = self._stream or sys.stderr
        stream.write(text + "\n")
        stream.flush()
