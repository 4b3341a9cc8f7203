"""What a full `oagen generate` printed about the spec, kept for its fast path.

`generate` skips the build when `fast_check` vouches that the package is what
the inputs give.  Skipping must not hide anything: the warnings the build would
print are the ones the last full build printed, so they are kept in the cache,
keyed by the manifest it wrote (the manifest names every input and every
output's hash).  With no record (a cleared or disabled cache) the fast path is
not taken, so a warning is never lost.  Like `fast_check`, this imports nothing
of the pipeline.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from generator import cache
from generator.errors import Diagnostic

#: The cache folder of these records.
_KIND = "generate-log"


def record(manifest: str | bytes, diagnostics: Iterable[Diagnostic]) -> None:
    """Keep what the build that wrote `manifest` printed."""
    entries = [diagnostic.as_json() for diagnostic in diagnostics]
    cache.write(_KIND, _key(manifest), json.dumps(entries, sort_keys=True))


def replay(manifest: str | bytes) -> tuple[Diagnostic, ...] | None:
    """The diagnostics of the build that wrote `manifest`, or None when not known."""
    text = cache.read(_KIND, _key(manifest))
    if text is None:
        return None
    try:
        return tuple(Diagnostic.from_json(entry) for entry in json.loads(text))
    except (ValueError, KeyError, TypeError, IndexError):
        return None  # a damaged record is no record


def _key(manifest: str | bytes) -> str:
    return cache.digest(_KIND, manifest)
