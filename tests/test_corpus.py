"""A curated subset of the corpus check (issue 5), small enough for every CI run.

Each document of `tests/corpus/` (vendored from @readme/oas-examples, see its
NOTICE.md) must generate with no operation skipped, import module by module in
a fresh interpreter and build its mock server app, and pass ruff and `mypy --strict`.  The whole corpus,
GitHub's spec included, is `bench/corpus.py`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.config import load_config
from generator.emit import emit
from generator.pipeline import build

CORPUS = Path(__file__).resolve().parent / "corpus"
DOCUMENTS = sorted(CORPUS.glob("*.yaml"))
IMPORT_ALL = """
import importlib, pathlib, sys
root, package = pathlib.Path.cwd(), sys.argv[1]
for path in sorted((root / package).rglob("*.py")):
    parts = path.relative_to(root).with_suffix("").parts
    if parts[-1] != "__main__":
        importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
# the app is built when asked for, not on import: FastAPI refuses bad routes then
importlib.import_module(package + ".server.mock").create_mock_app()
"""


def package_name(spec: Path) -> str:
    return "corpus_" + "".join(c if c.isalnum() else "_" for c in spec.stem.lower())


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every document generated side by side; OAG050 (a skipped operation) fails."""
    folder = tmp_path_factory.mktemp("corpus")
    for spec in DOCUMENTS:
        overrides = {"spec": str(spec), "output": str(folder)}
        overrides |= {"package": package_name(spec), "default-server": None}
        config = load_config(None, overrides)
        result = build(config)
        problems = [
            d.render()
            for d in result.diagnostics
            if d.level == "error" or d.code == "OAG050"
        ]
        assert problems == [], spec.name
        emit(result.files, config.package_dir)
    return folder


def run(command: list[str], cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_subset_is_diverse() -> None:
    assert 5 <= len(DOCUMENTS) <= 12
    assert {spec.name[:3] for spec in DOCUMENTS} == {"3.0", "3.1"}


@pytest.mark.parametrize("spec", DOCUMENTS, ids=lambda spec: spec.stem)
def test_every_module_imports(output: Path, spec: Path) -> None:
    run([sys.executable, "-c", IMPORT_ALL, package_name(spec)], output)


def test_the_output_passes_ruff(output: Path) -> None:
    run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], output)


def test_the_output_passes_mypy_strict(output: Path) -> None:
    packages = [arg for spec in DOCUMENTS for arg in ("-p", package_name(spec))]
    run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *packages],
        output,
    )
