"""Check one corpus document: generate, import every module, then `mypy --strict`.

Each step runs in its own subprocess with a timeout, so a crash or a hang in
one document is recorded in its row and the next document still runs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import specs
from corpus_docs import Document

OUT = specs.CACHE / "corpus"
MYPY_CACHE = specs.CACHE / "corpus-mypy-cache"
PYTHON = sys.executable
MYPY = Path(PYTHON).parent / "mypy"
SMALL = 200 * 1024  # mypy only below this document size, to keep the run short
# Imports every module of a package found under a folder; __main__ modules run code.
IMPORT_ALL = """
import importlib, pathlib, sys
root, package = pathlib.Path(sys.argv[1]), sys.argv[2]
sys.path.insert(0, str(root))
for path in sorted((root / package).rglob("*.py")):
    parts = path.relative_to(root).with_suffix("").parts
    if parts[-1] == "__main__":
        continue
    importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
# the app is built when asked for, not on import: FastAPI refuses bad routes then
importlib.import_module(package + ".server.mock").create_mock_app()
"""


@dataclass
class Row:
    """What happened to one document; None means the step did not run."""

    doc: Document
    generate: str = "-"  # ok, refused (exit 2), crash (exit N), timeout
    skipped: int = 0  # OAG050 operations skipped
    warnings: int = 0  # every other warning
    imports: str | None = None  # ok / fail / timeout
    mypy: str | None = None  # ok / N errors / timeout
    error: str = ""  # first line that says what went wrong

    @property
    def clean(self) -> bool:
        """Generated and imported with nothing skipped."""
        return self.generate == "ok" and self.imports == "ok" and self.skipped == 0


def _run(cmd: list[str], cwd: Path, timeout: float) -> tuple[int | None, str]:
    """Exit code (None on timeout) and the combined output of one command."""
    try:
        done = subprocess.run(
            cmd, check=False, cwd=cwd, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return None, ""
    return done.returncode, done.stdout + done.stderr


def _first(pattern: str, text: str) -> str:
    """The first matching line, the cache folder left out of its paths."""
    match = re.search(pattern, text, re.MULTILINE)
    line = match.group(0).strip() if match else ""
    return line.replace(f"{specs.CACHE}/", "")


def generate(row: Row, out: Path, timeout: float) -> bool:
    """Generate the document into `out` with an empty [tool.oagen]; True when it wrote."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    (out / "pyproject.toml").write_text("[tool.oagen]\n")
    cmd = [PYTHON, "-m", "generator", "generate", "--config", "pyproject.toml"]
    cmd += ["--spec", str(row.doc.path), "--output", "pkg", "--package"]
    code, text = _run([*cmd, row.doc.package], out, timeout)
    row.skipped = len(re.findall(r"warning OAG050", text))
    row.warnings = len(re.findall(r"warning OAG(?!050)\d+", text))
    if code is None:
        row.generate = "timeout"
    elif code == 0:
        row.generate = "ok"
    else:
        row.generate = "refused (2)" if code == 2 else f"crash ({code})"
        if "Traceback" in text:
            row.generate += ", traceback"
        row.error = _first(r"^.*(error OAG\d+|Error).*$", text) or text[-200:]
    if code == 0 and row.skipped:
        row.error = _first(r"^.*warning OAG050.*$", text)
    return code == 0


def imports(row: Row, out: Path, timeout: float) -> None:
    """Import every module of the generated package in a fresh interpreter."""
    code, text = _run([PYTHON, "-c", IMPORT_ALL, "pkg", row.doc.package], out, timeout)
    row.imports = "ok" if code == 0 else ("timeout" if code is None else "fail")
    if code:
        row.error = row.error or text.strip().splitlines()[-1]


def mypy(row: Row, out: Path, timeout: float) -> None:
    """`mypy --strict` on the generated package."""
    cmd = [str(MYPY), "--strict", "--no-error-summary", "--cache-dir", str(MYPY_CACHE)]
    code, text = _run([*cmd, "-p", row.doc.package], out / "pkg", timeout)
    if code is None:
        row.mypy = "timeout"
        return
    errors = re.findall(r"^.*: error: .*$", text, re.MULTILINE)
    row.mypy = "ok" if code == 0 else f"{len(errors) or 'crash'} errors"
    if code:
        row.error = row.error or (errors[0] if errors else text.strip()[-200:])


def check(doc: Document, run_mypy: bool, timeout: float = 900) -> Row:
    """Every step for one document, each only when the one before succeeded."""
    row = Row(doc)
    out = OUT / doc.package
    if generate(row, out, timeout):
        imports(row, out, timeout)
        small = doc.path.stat().st_size < SMALL
        if run_mypy and small and row.imports == "ok":
            mypy(row, out, timeout)
    return row
