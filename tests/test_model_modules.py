"""A large API's models become a package of modules that load on first use.

Unit tests of the split (cycles share a module, nested classes join the one class
that uses them, every schema keeps a module of its own), then a generated API
with more models than the threshold: it lints, imports nothing it does not need,
and its client and mock server work over real HTTP.
"""

from __future__ import annotations

import ast
import datetime
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from generator.model_modules import SPLIT_THRESHOLD, split_models
from tests.live_server import live_server
from tests.packages import LINTERS, generate, imported, lint

FILLER = "\n\n".join(
    f"class Filler{i}(BaseModel):\n    value: int | None = None"
    for i in range(SPLIT_THRESHOLD)
)
SOURCE = textwrap.dedent('''\
    """Models."""

    from __future__ import annotations

    from enum import StrEnum

    from pydantic import BaseModel


    class Kind(StrEnum):
        A = "a"


    class Egg(BaseModel):
        parent: Hen | None = None


    class Hen(BaseModel):
        egg: Egg | None = None
        kind: Kind


    class Yolk(BaseModel):
        """Used by Shell only: a nested object."""

        colour: str


    class Shell(BaseModel):
        yolk: Yolk
        kind: Kind


    Egg.model_rebuild()
    ''') + "\n\n" + FILLER + "\n"


def test_below_the_threshold_the_models_stay_one_module() -> None:
    assert split_models('"""Models."""\n\nclass A:\n    pass\n', ["A"]) is None


def test_cycles_share_a_module_and_nested_classes_join_their_user() -> None:
    schemas = {
        "Kind",
        "Egg",
        "Hen",
        "Shell",
        *(f"Filler{i}" for i in range(SPLIT_THRESHOLD)),
    }
    modules = split_models(SOURCE, schemas)
    assert modules is not None
    by_class = {name: module for module in modules for name in module.classes}
    assert by_class["Egg"] is by_class["Hen"]  # a cycle: one module
    assert by_class["Yolk"] is by_class["Shell"]  # nested, used once: joins Shell
    assert by_class["Kind"] is not by_class["Shell"]  # a schema keeps its own
    egg = by_class["Egg"]
    assert "from ._kind import Kind" in egg.source
    assert egg.source.rstrip().endswith("Egg.model_rebuild()")
    assert "from enum import StrEnum" in by_class["Kind"].source
    assert "StrEnum" not in egg.source and "import BaseModel" in egg.source
    assert "Used by Shell only" in by_class["Shell"].source


def test_bound_names_and_string_values_are_not_uses() -> None:
    source = textwrap.dedent("""\
        from __future__ import annotations

        from enum import StrEnum
        from typing import Literal

        from pydantic import BaseModel


        class User(BaseModel):
            name: str


        class Role(StrEnum):
            User = "User"


        class Login(BaseModel):
            kind: Literal["User"] = "User"
            \"\"\"User\"\"\"
            who: "User"
        """) + "\n\n" + FILLER + "\n"
    modules = split_models(source, {"User", "Role", "Login"})
    assert modules is not None
    by_class = {name: module for module in modules for name in module.classes}
    assert "import User" not in by_class["Role"].source
    # Only the quoted annotation is a use; the Literal and the default are values.
    assert "from ._user import User" in by_class["Login"].source


def _big_spec() -> dict[str, Any]:
    schemas: dict[str, Any] = {
        "Kind": {"type": "string", "enum": ["cat", "dog"]},
        "Owner": {
            "type": "object",
            "properties": {
                "pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}
            },
        },
        "Pet": {
            "type": "object",
            "required": ["id", "kind"],
            "properties": {
                "id": {"type": "integer"},
                "kind": {"$ref": "#/components/schemas/Kind"},
                "owner": {"$ref": "#/components/schemas/Owner"},
                "collar": {
                    "type": "object",
                    "properties": {
                        "size": {"type": "integer"},
                        # a typed default in a class datamodel-code-generator names
                        "since": {
                            "type": "string",
                            "format": "date",
                            "default": "2020-01-02",
                        },
                    },
                },
            },
        },
    }
    for i in range(SPLIT_THRESHOLD + 5):
        schemas[f"Record{i}"] = {
            "type": "object",
            "properties": {
                "n": {"type": "integer"},
                **(
                    {"previous": {"$ref": f"#/components/schemas/Record{i - 1}"}}
                    if i
                    else {}
                ),
            },
        }
    pet = {"$ref": "#/components/schemas/Pet"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Big", "version": "1"},
        "servers": [{"url": "http://localhost"}],
        "paths": {
            "/pets/{id}": {
                "get": {
                    "operationId": "getPet",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": pet}},
                        }
                    },
                }
            },
            "/pets": {
                "post": {
                    "operationId": "addPet",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": pet}},
                    },
                    "responses": {
                        "201": {
                            "description": "ok",
                            "content": {"application/json": {"schema": pet}},
                        }
                    },
                }
            },
        },
        "components": {"schemas": schemas},
    }


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    spec = folder / "big.yaml"
    spec.write_text(yaml.safe_dump(_big_spec(), sort_keys=False))
    generate(spec, folder, "big_api")
    return folder


@pytest.fixture(scope="module")
def big(output: Path) -> Iterator[ModuleType]:
    with imported(output, "big_api") as package:
        yield package


def test_the_models_are_a_package_of_modules(output: Path) -> None:
    models = output / "big_api" / "models"
    assert not (output / "big_api" / "models.py").exists()
    names = {path.name for path in models.iterdir() if path.suffix == ".py"}
    assert {"__init__.py", "_kind.py", "_record0.py", "_record64.py"} <= names
    # Pet and Owner refer to each other: one module, named after the first of
    # them. The collar is Pet's own nested object, so it lives there too.
    holding = [p for p in models.glob("_*.py") if "class Pet(" in p.read_text()]
    assert [p.name for p in holding] in (["_owner.py"], ["_pet.py"])
    text = holding[0].read_text()
    assert "class Owner(" in text and "class Collar(" in text


@pytest.mark.parametrize("linter", LINTERS)
def test_the_split_package_passes_the_linters(output: Path, linter: str) -> None:
    done = lint(output, "big_api", linter)
    assert done.returncode == 0, done.stdout + done.stderr


LOADED = """
import sys
import big_api
before = sorted(m for m in sys.modules if m.startswith("big_api."))
from big_api.models import Record3
after = sorted(m for m in sys.modules if m.startswith("big_api."))
client = big_api.Client
with_client = sorted(m for m in sys.modules if m.startswith("big_api.models."))
print(before, after, with_client, sep="\\n")
"""


def test_importing_loads_only_what_is_used(output: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", LOADED],
        cwd=output,
        capture_output=True,
        text=True,
        check=True,
    )
    before, after, with_client = (
        ast.literal_eval(line) for line in done.stdout.splitlines()
    )
    assert before == []  # `import big_api` loads neither client nor models
    models = [m for m in after if m.startswith("big_api.models.")]
    assert models == [f"big_api.models._record{i}" for i in (0, 1, 2, 3)]
    assert with_client == models  # the client names models but does not load them


def test_typed_defaults_bring_their_imports(output: Path, big: ModuleType) -> None:
    """The import a typed default needs travels with its class, and only there."""
    models = output / "big_api" / "models"
    importing = sorted(
        path.name
        for path in models.glob("_*.py")
        if "import datetime as _datetime\n" in path.read_text()
    )
    assert importing in (["_owner.py"], ["_pet.py"])
    from big_api.models import Pet

    collar = Pet.model_validate({"id": 1, "kind": "cat", "collar": {}}).collar
    assert collar is not None and collar.since == datetime.date(2020, 1, 2)


def test_the_client_and_the_mock_work_across_modules(big: ModuleType) -> None:
    from big_api.models import Kind, Pet
    from big_api.server.mock import create_mock_app

    with (
        live_server(create_mock_app(validate_responses=True)) as url,
        big.Client(base_url=url) as client,
    ):
        fetched = client.default.get_pet(id=1)
        added = client.default.add_pet(body=Pet(id=2, kind=Kind.DOG))
    assert isinstance(fetched, Pet) and isinstance(added, Pet)
    assert type(fetched.owner).__name__ in {"Owner", "NoneType"}


def test_line_breaks_inside_docstrings_do_not_cut_classes() -> None:
    # A raw CR ends a line for ast (and U+2028 for str.splitlines): neither may
    # shift where a class starts or ends.
    odd = 'class Odd(BaseModel):\n    """one\rtwo\u2028three"""\n\n    value: int\n'
    modules = split_models(SOURCE + "\n\n" + odd, {"Odd", "Kind", "Egg", "Hen"})
    assert modules is not None
    (module,) = [m for m in modules if "Odd" in m.classes]
    assert module.source.count("class ") == 1
    assert "one\rtwo\u2028three" in module.source
    assert "value: int" in module.source
