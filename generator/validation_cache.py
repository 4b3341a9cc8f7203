"""Validate once per spec: the diagnostics of spec bytes seen before are remembered.

openapi-spec-validator dominates the cost of validating (about half a second to
import, most of a minute on GitHub's spec), and its verdict depends only on the
spec's files, their display paths and the code that validates.  The key covers all
of them, so a changed byte, another working directory or a new oagen or validator
version misses.  See `generator.cache` for where the cache lives.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import generator
from generator import cache
from generator.errors import Diagnostic
from generator.load import Spec

#: Modules whose code decides the diagnostics; their source is part of the key.
_VALIDATING_MODULES = (
    "load.py",
    "overlay.py",
    "validate.py",
    "errors.py",
    "schema_hints.py",
    "schema_checks.py",
    "dialects.py",
    "schema_fast_check.py",
    "name_checks.py",
    "naming.py",
)


def cache_key(spec: Spec) -> str:
    package = Path(generator.__file__).parent
    return cache.digest(
        generator.__version__,
        metadata.version("openapi-spec-validator"),
        *((package / name).read_bytes() for name in _VALIDATING_MODULES),
        *(
            f"{file.key}\0{file.display}\0{file.sha256}"
            for file in sorted(spec.documents, key=lambda f: str(f.key))
        ),
    )


def validated_before(spec: Spec) -> bool:
    """Whether `validate_cached(spec)` would answer from the cache."""
    return cache.read("validated", cache_key(spec)) is not None


def validate_cached(spec: Spec) -> list[Diagnostic]:
    """`validate(spec)`, answered from the cache when the same spec was validated before."""
    key = cache_key(spec)
    remembered = cache.read("validated", key)
    if remembered is not None:
        try:
            return [Diagnostic.from_json(entry) for entry in json.loads(remembered)]
        except (ValueError, KeyError, TypeError, IndexError):
            pass  # damaged: validate again
    from generator.validate import (
        validate,
    )  # imports openapi-spec-validator: only on a miss

    diagnostics = validate(spec)
    cache.write("validated", key, json.dumps([d.as_json() for d in diagnostics]))
    return diagnostics
