"""IR -> {relative path: source text}, through one Jinja environment.

The environment refuses to print a plain `str`: names arrive as `Identifier`
or `ClassName`, annotations as `Code`, and spec text must pass one of the
escaping filters of `generator.escape` (`literal` for values, `docstring` for prose,
`comment` for header lines).  Templates mirror the output tree: the file
`templates/package/client.py.jinja` renders `<package>/client.py`, and
`package/resources/_resource.py.jinja` renders one `resources/<tag>.py` per tag
(and the `_resource.py.jinja` of `package/server/routes/`, `interfaces/` and `mock/`
one `server/routes/<tag>.py`, `server/interfaces/<tag>.py`, `server/mock/<tag>.py`).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

from generator.escape import UnsafeValueError, comment, docstring, literal
from generator.ir import Api
from generator.naming import Code

__all__ = [
    "UnsafeValueError",
    "comment",
    "docstring",
    "environment",
    "literal",
    "render_package",
]

TEMPLATE_SUFFIX = ".jinja"
PACKAGE_TEMPLATES = "package"
#: Folders of nothing but per-tag modules, left out of an API without operations:
#: the client's resources and the server's routes.  The server's `interfaces/` and
#: `mock/` (per-tag modules too) stay then, with no tag module: an empty `__all__`
#: and `create_mock_app`, which `python -m <package>.server --mock` imports.
TAG_ONLY_FOLDERS = frozenset({"resources", "routes"})
#: A template rendered once per resource (tag), as `<folder>/<resource.module>.py`.
PER_RESOURCE = "_resource.py"


def _finalize(value: Any) -> Any:
    if isinstance(value, Code) or (
        isinstance(value, int) and not isinstance(value, bool)
    ):
        return value
    raise UnsafeValueError(
        f"template printed {type(value).__name__} {str(value)[:60]!r} without an escaping filter "
        "(use |literal, |docstring or |comment)"
    )


def environment(template_dirs: list[Path]) -> jinja2.Environment:
    """The one Jinja environment; earlier folders override later ones."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in template_dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters.update(literal=literal, docstring=docstring, comment=comment)
    return env


def render_package(api: Api, template_dirs: list[Path]) -> dict[str, str]:
    """Render every template under `package/` into `{path inside the package: text}`."""
    env = environment(template_dirs)
    names = sorted(
        name
        for name in env.list_templates()
        if name.startswith(f"{PACKAGE_TEMPLATES}/") and name.endswith(TEMPLATE_SUFFIX)
    )
    files = {}
    for name in names:
        relative = PurePosixPath(
            name[len(PACKAGE_TEMPLATES) + 1 : -len(TEMPLATE_SUFFIX)]
        )
        if relative.parent.name in TAG_ONLY_FOLDERS and not api.resources:
            continue  # no operations: no per-tag packages
        template = env.get_template(name)
        if relative.name == PER_RESOURCE:
            for resource in api.resources:
                path = relative.with_name(f"{resource.module}.py")
                files[str(path)] = template.render(api=api, resource=resource)
        else:
            files[str(relative)] = template.render(api=api)
    return files
