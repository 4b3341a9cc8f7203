"""The pydantic models module, rendered by datamodel-code-generator as a library.

Lowering has already named every model and rewritten every `$ref`, so the
document handed over here is self-contained: datamodel-code-generator reads no
file and no URL.  Our templates in `templates/models/` replace its own.
"""

from __future__ import annotations

import ast
import json
import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from generator import cache, format_defaults, import_block, naming, nullability
from generator.errors import Diagnostic, DiagnosticError
from generator.escape import UnsafeValueError, docstring, literal
from generator.ir import Api, ModelIndex
from generator.model_modules import ModelModule, SourceLines, split_models
from generator.render import environment

#: The module docstring of the generated models file.
_DOCSTRING = '"""Pydantic models for the schemas of the API."""\n\n'
#: Renders `models/__init__.py` when the models are split (see `model_modules`).
_INDEX_TEMPLATE = "models_index/__init__.py.jinja"
#: What a model that lists fields to omit while None imports (see `nullability`).
_OMIT_IMPORT = "from ._runtime.serialization import omit_if_none\n"


class ModelRenderError(Exception):
    """datamodel-code-generator failed or produced names lowering did not ask for."""


def render_model_files(
    api: Api, models_templates: Path, template_dirs: list[Path]
) -> dict[str, str]:
    """`models.py`, or for a large API the lazily loaded `models/` package.

    `models_templates` is datamodel-code-generator's folder; `template_dirs` is
    the Jinja search path (overrides first) for the package's own index.
    """
    source = render_models(api, models_templates)
    modules = split_models(source, api.model_schemas)
    if modules is None:
        return {"models.py": source}
    files = {
        f"models/{module.name}.py": _module_docstring(module) + module.source
        for module in modules
    }
    index = ModelIndex(
        package=api.package,
        count=sum(len(module.classes) for module in modules),
        modules=tuple(modules),
    )
    template = environment(template_dirs).get_template(_INDEX_TEMPLATE)
    files["models/__init__.py"] = template.render(index=index)
    return files


def _module_docstring(module: ModelModule) -> str:
    names = [f"`{name}`" for name in module.classes]
    if len(names) == 1:
        text = f"The {names[0]} model."
    elif len(names) <= 6:
        text = f"The models {', '.join(names[:-1])} and {names[-1]}."
    else:
        text = f"The models {', '.join(names[:5])} and {len(names) - 5} more."
    return f'"""{docstring(text)}"""\n\n'


def render_models(api: Api, template_dir: Path) -> str:
    """The source of `models.py` (unformatted; black runs later)."""
    if not api.model_schemas:
        return _DOCSTRING
    key = _cache_key(api, template_dir)
    cached = cache.read("models", key)
    if cached is not None:
        return cached
    source = _render(api, template_dir)
    cache.write("models", key, source)
    return source


def _cache_key(api: Api, template_dir: Path) -> str:
    """Everything the models module depends on: schemas, names, templates, DCG's version."""
    templates = sorted(p for p in template_dir.rglob("*") if p.is_file())
    return cache.digest(
        metadata.version("datamodel-code-generator"),
        Path(__file__).read_bytes(),
        Path(nullability.__file__).read_bytes(),
        Path(format_defaults.__file__).read_bytes(),
        # the import block is sorted here, with naming's import_order
        Path(import_block.__file__).read_bytes(),
        Path(naming.__file__).read_bytes(),
        json.dumps(
            [
                api.openapi_version,
                api.model_schemas,
                api.field_aliases,
                api.model_fields_used,
                api.typed_defaults,
            ],
            sort_keys=True,
            default=str,
        ),
        *(
            f"{p.relative_to(template_dir)}\0".encode() + p.read_bytes()
            for p in templates
        ),
    )


def _render(api: Api, template_dir: Path) -> str:
    try:
        source = _generate(api, template_dir)
    # DCG raises many exception types: report any of them as a diagnostic, never crash.
    except Exception as error:  # noqa: BLE001
        first_line = (str(error).splitlines() or [""])[0][:200]
        raise DiagnosticError(
            [
                Diagnostic(
                    "error",
                    "OAG060",
                    "datamodel-code-generator cannot render the models: "
                    f"{type(error).__name__}: {first_line}",
                    None,
                    "simplify the schema it names, or report it with the spec attached",
                )
            ]
        ) from None
    if not isinstance(source, str):
        raise ModelRenderError(
            "datamodel-code-generator returned several modules; expected one"
        )
    source = _sorted_imports(_without_leading_comments(source))
    tree = ast.parse(source)  # once: parsing GitHub's 11 MB of models takes seconds
    _check_classes(tree, set(api.model_schemas), api.model_fields_used)
    modules = _default_modules(tree) if api.typed_defaults else []
    moved = _enums_first(source, tree)
    if api.typed_defaults:
        moved = _defaults_first(moved, tree if moved is source else ast.parse(moved))
    source = moved
    if modules:
        source = _sorted_imports(source, modules)
    if "omit_if_none(" in source:
        source = _with_relative_import(source, _OMIT_IMPORT)
    return _DOCSTRING + source


def _generate(api: Api, template_dir: Path) -> object:
    # Heavy imports: paid only when there are models to render.
    from datamodel_code_generator import generate
    from datamodel_code_generator.enums import (
        DataModelType,
        InputFileType,
        OpenAPIScope,
    )
    from datamodel_code_generator.format import PythonVersion

    document: Mapping[str, Any] = {
        "openapi": api.openapi_version,
        "info": {"title": "models", "version": "0"},
        "paths": {},
        "components": {"schemas": dict(api.model_schemas)},
    }
    # Printed by our BaseModel template; literals come from the one escaping path.
    extra_template_data: defaultdict[str, dict[str, Any]] = defaultdict(dict)
    omitted = nullability.omitted_when_none(api.model_schemas)
    for class_name, names in omitted.items():
        extra_template_data[class_name]["omit_if_none"] = literal(names)
    if api.typed_defaults:  # any model may hold one, also those DCG names itself
        extra_template_data["#all#"]["typed_defaults"] = dict(api.typed_defaults)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return generate(
            document,
            input_file_type=InputFileType.OpenAPI,
            output_model_type=DataModelType.PydanticV2BaseModel,
            target_python_version=PythonVersion.PY_311,
            custom_template_dir=template_dir,
            openapi_scopes=[OpenAPIScope.Schemas],
            snake_case_field=True,
            aliases=dict(api.field_aliases) or None,
            allow_population_by_field_name=True,
            use_schema_description=True,
            use_field_description=True,
            use_single_line_docstring=True,
            use_standard_collections=True,
            use_union_operator=True,
            use_annotated=True,
            field_constraints=True,
            capitalise_enum_members=True,
            use_double_quotes=True,
            disable_timestamp=True,
            keep_model_order=True,
            set_default_enum_member=True,
            use_enum_values_in_discriminator=True,
            allow_remote_refs=False,
            formatters=[],
            extra_template_data=extra_template_data or None,
        )


def _without_leading_comments(source: str) -> str:
    """Drop datamodel-code-generator's own header; `emit` writes ours."""
    lines = source.splitlines(keepends=True)
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        lines.pop(0)
    return "".join(lines)


def _sorted_imports(source: str, extra: Sequence[str] = ()) -> str:
    """Group, split and sort the leading imports the way ruff's isort writes them,
    with the `extra` import lines among them."""
    lines = source.splitlines(keepends=True)
    end = 0
    while end < len(lines) and (
        lines[end].startswith(("from ", "import ")) or not lines[end].strip()
    ):
        end += 1
    imports = [line.strip() for line in lines[:end] if line.strip()]
    if any(line.endswith(("(", "\\")) for line in imports):
        # a wrapped import: leave the block as it is, the extra lines after it
        added = "".join(f"{line}\n" for line in extra)
        return _with_relative_import(source, added) if added else source
    statements = ast.parse("\n".join([*imports, *extra])).body
    block = import_block.import_block(
        binding
        for node in statements
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for binding in import_block.bindings(node)
    )
    return block + "\n\n\n" + "".join(lines[end:])


_ENUM_BASES = frozenset({"Enum", "StrEnum", "IntEnum"})


def _enums_first(source: str, tree: ast.Module) -> str:
    """Move the enum classes before the models: a model's default may name a member
    (`status: Status | None = Status.AVAILABLE`), evaluated when the class is built,
    and enums never refer to models.  `tree` is `source` parsed."""
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    enums = [
        node
        for node in classes
        if any(isinstance(b, ast.Name) and b.id in _ENUM_BASES for b in node.bases)
    ]
    if not enums or classes[: len(enums)] == enums:
        return source
    # The imports before the first class stay as they are.
    first = tree.body.index(classes[0])
    lines = SourceLines(source)
    statements = [*enums, *(node for node in tree.body[first:] if node not in enums)]
    return (
        lines.before(classes[0])
        + "\n\n\n".join(lines.of(node) for node in statements)
        + "\n"
    )


def _defaults_first(source: str, tree: ast.Module) -> str:
    """Move each class before the classes whose field defaults construct it
    (`day: Day | None = Day(_datetime.date(2020, 1, 2))` is evaluated when `A` is
    built), keeping the order otherwise; such classes hold scalars, so never
    construct a class that needs them."""
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    if not classes:
        return source
    names = {node.name for node in classes}
    needs = {node.name: _constructed(node) & names - {node.name} for node in classes}
    if not any(needs.values()):
        return source
    by_name = {node.name: node for node in classes}
    position = {node.name: index for index, node in enumerate(classes)}
    first = tree.body.index(classes[0])
    ordered: list[ast.stmt] = []
    placed: set[str] = set()

    def place(name: str) -> None:
        if name in placed:
            return
        placed.add(name)
        for needed in sorted(needs[name], key=position.__getitem__):
            place(needed)
        ordered.append(by_name[name])

    for node in tree.body[first:]:
        if isinstance(node, ast.ClassDef):
            place(node.name)
        else:
            ordered.append(node)
    if ordered == tree.body[first:]:
        return source
    lines = SourceLines(source)
    return (
        lines.before(classes[0])
        + "\n\n\n".join(lines.of(node) for node in ordered)
        + "\n"
    )


def _constructed(node: ast.ClassDef) -> set[str]:
    """The names the field defaults of a class read."""
    return {
        child.id
        for statement in node.body
        if isinstance(statement, ast.AnnAssign) and statement.value is not None
        for child in ast.walk(statement.value)
        if isinstance(child, ast.Name)
    }


def _default_modules(tree: ast.Module) -> list[str]:
    """The imports the typed defaults of the models need (`import datetime as
    _datetime`), read off the fields' defaults.  A marker that no template replaced
    (an override of the model templates that knows no `typed_defaults`) is refused
    like other unescaped output: OAG102 for an override, a bug otherwise."""
    aliases = {alias: module for module, alias in format_defaults.MODEL_MODULES.items()}
    used: set[str] = set()
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        for statement in node.body:
            if not isinstance(statement, ast.AnnAssign) or statement.value is None:
                continue
            for child in ast.walk(statement.value):
                if isinstance(child, ast.Name) and child.id in aliases:
                    used.add(child.id)
                elif (
                    isinstance(child, ast.Constant)
                    and isinstance(child.value, str)
                    and child.value.startswith(format_defaults.MARKER)
                ):
                    raise UnsafeValueError(
                        f"the model template printed the stand-in of a typed default "
                        f"in {node.name}: print `typed_defaults[field.default]` when "
                        "`field.default` is one of its keys"
                    )
    return [f"import {aliases[alias]} as {alias}" for alias in sorted(used)]


def _with_relative_import(source: str, line: str) -> str:
    """Add a package-relative import as its own block after the leading imports."""
    head, separator, body = source.partition("\n\n\n")
    return f"{head}\n\n{line}{separator}{body}"


def _check_classes(
    tree: ast.Module, expected: set[str], fields: tuple[tuple[str, str], ...]
) -> None:
    """Every class the client and server import, and every field they read, must exist."""
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    missing = sorted(expected - set(classes))
    if missing:
        raise ModelRenderError(
            f"datamodel-code-generator did not produce classes: {', '.join(missing)}"
        )
    for class_name, field_name in fields:
        body = classes[class_name].body
        names = {
            node.target.id
            for node in body
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
        }
        if field_name not in names:
            raise ModelRenderError(
                f"{class_name} has no field {field_name!r}: datamodel-code-generator "
                "named it differently from oagen's naming layer"
            )
