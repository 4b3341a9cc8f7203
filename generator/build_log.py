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
from dataclasses import dataclass

from generator import cache
from generator.errors import Diagnostic

#: The cache folder of these records.
_KIND = "generate-log"


@dataclass(frozen=True)
class BuildLog:
    """The diagnostics of one build, as printed, and how many were warnings."""

    texts: tuple[str, ...]
    warnings: int


def record(manifest: str | bytes, diagnostics: Iterable[Diagnostic]) -> None:
    """Keep what the build that wrote `manifest` printed."""
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    document = {
        "texts": [diagnostic.render() for diagnostic in ordered],
        "warnings": sum(1 for d in ordered if d.level == "warning"),
    }
    cache.write(_KIND, _key(manifest), json.dumps(document, sort_keys=True))


def replay(manifest: str | bytes) -> BuildLog | None:
    """What the build that wrote `manifest` printed, or None when it is not known."""
    text = cache.read(_KIND, _key(manifest))
    if text is None:
        return None
    try:
        document = json.loads(text)
        texts, warnings = document["texts"], document["warnings"]
    except (ValueError, KeyError, TypeError):
        return None  # a damaged record is no record
    if not (
        isinstance(texts, list)
        and all(isinstance(t, str) for t in texts)
        and isinstance(warnings, int)
    ):
        return None
    return BuildLog(tuple(texts), warnings)


def _key(manifest: str | bytes) -> str:
    return cache.digest(_KIND, manifest)
