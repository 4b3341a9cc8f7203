"""black on several cores gives the same bytes as black in one process."""

from __future__ import annotations

import pytest

from generator import format as formatting
from generator import pipeline
from generator.format import FormatError, format_files
from generator.ir import Provenance
from tests.conftest import REPO

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


@pytest.mark.parametrize(
    "spec", ["spec/seat-events.yaml", "tests/corpus/3.1-train-travel.yaml"]
)
def test_black_on_the_body_then_the_header_is_black_on_the_whole_file(
    spec: str, no_cache: None
) -> None:
    """black formats each file without its header (so a new spec hash in the header
    does not make every file miss the cache); with the header prepended afterwards,
    every file must still be one that black leaves as it is."""
    from black import format_str
    from black.mode import Mode, TargetVersion

    from generator.config import load_config

    mode = Mode(target_versions={TargetVersion.PY311}, line_length=88)
    config = load_config(
        None, {"spec": str(REPO / spec), "output": "/nonexistent", "package": "pkg"}
    )
    built = pipeline.build(config).files
    top = formatting.header(PROVENANCE)
    python = [path for path in built if path.endswith(".py")]
    assert len(python) > 20
    for path in python:
        body = built[path].split("\n", 4)[4]  # the build's own header: 3 lines + blank
        assert formatting.with_header(top, body) == format_str(
            top + "\n" + body, mode=mode
        ), path


def test_a_header_alone_has_no_trailing_blank_line() -> None:
    top = formatting.header(PROVENANCE)
    assert formatting.with_header(top, "") == top
