"""Generate a spec into a temporary folder and import the package from there."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from generator.config import load_config
from generator.emit import emit
from generator.pipeline import build


def generate(
    spec: Path, output: Path, package: str, default_server: str | None = None
) -> Path:
    """Write the package generated from `spec` under `output`; fail on errors."""
    config = load_config(
        None,
        {
            "spec": str(spec),
            "output": str(output),
            "package": package,
            "default-server": default_server,
        },
    )
    result = build(config)
    errors = [d.render() for d in result.diagnostics if d.level == "error"]
    assert errors == []
    emit(result.files, config.package_dir)
    return config.package_dir


@contextmanager
def imported(output: Path, package: str) -> Iterator[ModuleType]:
    """`import package` from `output`, for the duration of the block."""
    sys.path.insert(0, str(output))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(output))


#: The checks generated code must pass, as commands run with `python -m`.
LINTERS: dict[str, tuple[str, ...]] = {
    "mypy": ("mypy", "--strict", "--no-incremental"),
    "ruff": ("ruff", "check", "--no-cache"),
    "black": ("black", "--check"),
}


def lint(output: Path, package: str, linter: str) -> subprocess.CompletedProcess[str]:
    """Run one of `LINTERS` over `package` in `output`."""
    return subprocess.run(
        [sys.executable, "-m", *LINTERS[linter], package],
        cwd=output,
        capture_output=True,
        text=True,
        check=False,
    )
