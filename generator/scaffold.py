"""`oagen init`: the files a repository needs to start using oagen, never overwriting.

Each step writes one file only when it is absent (or, for pyproject.toml, appends
a `[tool.oagen]` table when there is none), and says what it did or why it did
not.  An existing file is never rewritten: the worst `init` can do is nothing.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import generator
from generator.naming import snake

__all__ = ["InitError", "scaffold"]

SPEC = "spec/openapi.yaml"
PRE_COMMIT = ".pre-commit-config.yaml"
WORKFLOW = ".github/workflows/oagen.yml"
#: The hook id of `.pre-commit-hooks.yaml`.
HOOK_ID = "oagen-check"

_SPEC_TEXT = """\
# A placeholder: replace it with your API's OpenAPI 3.0 or 3.1 document.
openapi: 3.1.0
info:
  title: My API
  version: 0.1.0
paths: {}
"""

_PRE_COMMIT_TEXT = f"""\
# oagen check fails the commit when the generated code is stale (see the oagen README).
repos:
  - repo: local
    hooks:
      - id: {HOOK_ID}
        name: oagen check (generated code is up to date with the spec)
        entry: oagen check
        language: system
        pass_filenames: false
        always_run: true
"""

_WORKFLOW_TEXT = f"""\
name: generated code
on: [push, pull_request]
jobs:
  oagen-check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: pip install oagen=={generator.__version__}   # the version that generated the committed code
      - run: oagen check                # exit 1 and a diff when the generated code is stale
"""


class InitError(Exception):
    """The folder cannot be initialised (it does not exist, or pyproject.toml is broken)."""


def scaffold(folder: Path) -> list[str]:
    """Create what is missing in `folder`; one line per file: written or skipped, and why."""
    if not folder.is_dir():
        raise InitError(f"{folder}: no such folder")
    return [
        _pyproject(folder),
        _create(folder, SPEC, _SPEC_TEXT),
        _pre_commit(folder),
        _create(folder, WORKFLOW, _WORKFLOW_TEXT),
    ]


def _pyproject(folder: Path) -> str:
    path = folder / "pyproject.toml"
    if not path.exists():
        path.write_text(_table(snake(folder.resolve().name, fallback="api")), "utf-8")
        return "wrote pyproject.toml ([tool.oagen])"
    try:
        text = path.read_text(encoding="utf-8")
        document = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InitError(f"cannot read pyproject.toml: {error}") from None
    if "oagen" in document.get("tool", {}):
        return "skipped pyproject.toml: it already has [tool.oagen]"
    name = document.get("project", {}).get("name") or folder.resolve().name
    separator = (
        ""
        if not text or text.endswith("\n\n")
        else ("\n" if text.endswith("\n") else "\n\n")
    )
    with path.open("a", encoding="utf-8") as stream:
        stream.write(separator + _table(snake(str(name), fallback="api")))
    return "added [tool.oagen] to pyproject.toml"


def _table(package: str) -> str:
    return (
        "[tool.oagen]\n"
        f'spec = "{SPEC}"\n'
        'output = "generated"\n'
        f'package = "{package}"\n'
    )


def _pre_commit(folder: Path) -> str:
    path = folder / PRE_COMMIT
    if path.exists():
        has_hook = HOOK_ID in path.read_text(encoding="utf-8", errors="replace")
        return f"skipped {PRE_COMMIT}: it exists" + (
            "" if has_hook else f" (add the '{HOOK_ID}' hook to it by hand)"
        )
    return _create(folder, PRE_COMMIT, _PRE_COMMIT_TEXT)


def _create(folder: Path, name: str, text: str) -> str:
    path = folder / name
    if path.exists() or path.is_symlink():
        return f"skipped {name}: it exists"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as stream:  # never replaces a file
            stream.write(text)
    except FileExistsError:
        return f"skipped {name}: it exists"
    return f"wrote {name}"
