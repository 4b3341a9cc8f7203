"""User template overrides: a folder whose files replace built-in templates by name.

The folder mirrors the built-in `templates/` tree: `package/client.py.jinja`
replaces the client template, `models/pydantic_v2/BaseModel.jinja2` the model
template datamodel-code-generator uses; every other template stays the built-in
one.  A file that replaces nothing is refused (a misspelt name would otherwise be
ignored, or become a new module), and so is a folder with nothing in it.

datamodel-code-generator takes one template folder, so overridden model templates
are merged with the built-ins into a temporary folder for the time of the render.
Templates are the user's own code, trusted like a `conftest.py`; the renderer's
escaping rules still apply to them (see `generator.render`).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.errors import Diagnostic, DiagnosticError, Location

#: The subfolder of the models' templates, as datamodel-code-generator reads them.
MODELS = "models"
_SKIPPED = frozenset({"__pycache__", ".DS_Store"})


def template_files(folder: Path) -> list[str]:
    """The relative POSIX names of the files under `folder`, sorted."""
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and not _SKIPPED.intersection(path.relative_to(folder).parts)
    )


def check_overrides(overrides: Path, builtin: Path, shown: str) -> None:
    """Raise OAG101 unless every file of `overrides` replaces a built-in template."""
    names = template_files(overrides)
    known = set(template_files(builtin))
    stray = [name for name in names if name not in known]
    problem = (
        f"templates folder {shown} holds no template"
        if not names
        else f"template override(s) replace no built-in template: {', '.join(stray[:5])}"
    )
    if names and not stray:
        return
    raise DiagnosticError(
        [
            Diagnostic(
                "error",
                "OAG101",
                problem,
                Location(shown, None, None, ""),
                "name each file like the built-in it replaces, e.g. "
                "package/client.py.jinja or models/pydantic_v2/BaseModel.jinja2",
            )
        ]
    )


def search_path(overrides: Path | None, builtin: Path) -> list[Path]:
    """The Jinja search path: overrides first, then the built-ins."""
    return [builtin] if overrides is None else [overrides, builtin]


def render_failed(error: Exception, shown: str) -> DiagnosticError:
    """OAG102 for an exception raised while rendering with overrides in `shown`."""
    first = (str(error).splitlines() or [""])[0][:200]
    name = getattr(error, "name", None) or getattr(error, "filename", None)
    return DiagnosticError(
        [
            Diagnostic(
                "error",
                "OAG102",
                f"templates in {shown} failed to render: {type(error).__name__}: {first}",
                Location(
                    str(name) if name else shown,
                    getattr(error, "lineno", None),
                    None,
                    "",
                ),
                "print spec text through |literal, |docstring or |comment, and names "
                "as the IR gives them (README: the template context)",
            )
        ]
    )


@contextmanager
def models_folder(overrides: Path | None, builtin: Path) -> Iterator[Path]:
    """The model templates folder to hand to datamodel-code-generator: the built-in
    one, or (when some are overridden) a temporary merge of both."""
    replaced = overrides / MODELS if overrides is not None else None
    if replaced is None or not template_files(replaced):
        yield builtin / MODELS
        return
    with tempfile.TemporaryDirectory(prefix="oagen-models-") as temporary:
        merged = Path(temporary) / MODELS
        shutil.copytree(builtin / MODELS, merged)
        for name in template_files(replaced):
            shutil.copyfile(replaced / name, merged / name)
        yield merged
