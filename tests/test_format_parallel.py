"""black on several cores gives the same bytes as black in one process."""

from __future__ import annotations

import pytest

from generator import format as formatting
from generator import pipeline
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


def test_the_runtime_is_copied_exactly_as_black_would_write_it(no_cache: None) -> None:
    """The runtime skips black (`preformatted`): that is only sound while black
    would leave every runtime file, under the header, byte for byte unchanged."""
    runtime = pipeline.runtime_files()
    assert runtime, "the runtime package has no modules"
    skipped = format_files({}, PROVENANCE, preformatted=runtime)
    blackened = format_files(runtime, PROVENANCE)
    assert skipped == blackened
    top = formatting.header(PROVENANCE)
    assert all(text.startswith(top) for text in skipped.values())


def test_a_preformatted_file_that_black_would_change_is_caught(
    no_cache: None,
) -> None:
    """The check above can fail: a mis-formatted file differs after black."""
    messy = {"m.py": "x = [ 1,2 ]\n"}
    assert format_files({}, PROVENANCE, preformatted=messy) != format_files(
        messy, PROVENANCE
    )
