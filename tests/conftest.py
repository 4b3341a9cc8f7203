"""Shared fixtures: paths of the repository, and the generated package on sys.path."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

# Every test run, and every oagen it starts, gets a cache of its own.
os.environ["OAGEN_CACHE_DIR"] = tempfile.mkdtemp(prefix="oagen-test-cache-")

REPO = Path(__file__).resolve().parents[1]
GENERATED = REPO / "generated"
SEED_SPEC = REPO / "spec" / "seat-events.yaml"


def shared_folder() -> Path:
    """`../shared` beside the repository, or wherever OAGEN_SHARED points."""
    return Path(os.environ.get("OAGEN_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def generated_on_path() -> Path:
    """Make `import sequence_usage` load the committed generated package."""
    if str(GENERATED) not in sys.path:
        sys.path.insert(0, str(GENERATED))
    return GENERATED
