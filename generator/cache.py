"""A small content-addressed cache on disk: values found again by the hash of their inputs.

It lives in `$OAGEN_CACHE_DIR`, else `$XDG_CACHE_HOME/oagen`, else `~/.cache/oagen`;
`OAGEN_NO_CACHE=1` turns it off.  It is only ever a speed-up: a missing, damaged or
read-only cache means the work is done again, never a different result.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def cache_dir() -> Path | None:
    if os.environ.get("OAGEN_NO_CACHE"):
        return None
    if os.environ.get("OAGEN_CACHE_DIR"):
        return Path(os.environ["OAGEN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "oagen"


def digest(*parts: str | bytes) -> str:
    """One key for several inputs; each part is length-prefixed so parts cannot blur."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big") + data)
    return hasher.hexdigest()


def read(kind: str, key: str) -> str | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        return (folder / kind / key).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def write(kind: str, key: str, text: str) -> None:
    folder = cache_dir()
    if folder is None:
        return
    try:
        target = folder / kind
        target.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, target / key)
    except OSError:
        pass  # a read-only home must not break generation
