"""black on several cores gives the same bytes as black in one process."""

from __future__ import annotations

import pytest

from generator import format as formatting
from generator.format import FormatError, format_files
from generator.ir import Provenance

PROVENANCE = Provenance("0", "spec.yaml", "0" * 64)
FILES = {
    f"m{i}.py": f"x{i} = [ {i},{i + 1} ]\ndef f{i}( a ,b ):\n  return a+b\n"
    for i in range(12)
} | {"py.typed": "", "notes.txt": "not python"}


@pytest.fixture
def no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAGEN_NO_CACHE", "1")


def test_parallel_and_serial_black_agree(
    monkeypatch: pytest.MonkeyPatch, no_cache: None
) -> None:
    serial = format_files(FILES, PROVENANCE)
    monkeypatch.setattr(formatting, "_PARALLEL_FROM_BYTES", 0)
    parallel = format_files(FILES, PROVENANCE)
    assert parallel == serial
    assert list(parallel) == sorted(FILES)
    assert parallel["m3.py"].endswith("def f3(a, b):\n    return a + b\n")
    assert parallel["notes.txt"] == "not python"


def test_a_file_black_cannot_parse_fails_from_a_worker(
    monkeypatch: pytest.MonkeyPatch, no_cache: None
) -> None:
    monkeypatch.setattr(formatting, "_PARALLEL_FROM_BYTES", 0)
    with pytest.raises(FormatError, match="broken.py"):
        format_files({**FILES, "broken.py": "def (:\n"}, PROVENANCE)
