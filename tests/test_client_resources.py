"""The client keeps one module per tag under `resources/`, loaded on first use.

A large API's client (GitHub's: 1,223 operations) was one module of megabytes that
every `Client()` imported; now a program loads the tags it reaches.  Generated from
a small spec with three tags (two of which clash once made names), the package
lints, loads lazily, and its sync and async clients work over real HTTP.
"""

from __future__ import annotations

import ast
import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from tests.live_server import live_server
from tests.packages import LINTERS, generate, imported, lint

PACKAGE = "tagged_api"


def _operation(operation_id: str, tag: str, schema: str) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "tags": [tag],
        "responses": {
            "200": {
                "description": "ok",
                "content": {
                    "application/json": {
                        "schema": {"$ref": f"#/components/schemas/{schema}"}
                    }
                },
            }
        },
    }


SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Tagged", "version": "1"},
    "tags": [{"name": "pet store", "description": "Everything about pets."}],
    "paths": {
        "/pets": {"get": _operation("listPets", "pet store", "Pet")},
        "/pet-store": {"get": _operation("getStore", "pet-store", "Store")},
        "/owners/{id}": {
            "get": {
                **_operation("getOwner", "owners", "Owner"),
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                ],
            }
        },
    },
    "components": {
        "schemas": {
            name: {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "integer", "example": 7}},
            }
            for name in ("Pet", "Store", "Owner")
        }
    },
}


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("resources")
    spec = folder / "openapi.yaml"
    spec.write_text(yaml.safe_dump(SPEC, sort_keys=False), encoding="utf-8")
    generate(spec, folder, PACKAGE)
    return folder


@pytest.fixture(scope="module")
def package(output: Path) -> Iterator[ModuleType]:
    with imported(output, PACKAGE) as module:
        yield module


def test_each_tag_has_its_own_module_and_client_py_has_none(output: Path) -> None:
    folder = output / PACKAGE
    modules = sorted(p.name for p in (folder / "resources").glob("*.py"))
    assert modules == ["__init__.py", "owners.py", "pet_store.py", "pet_store_2.py"]
    client = ast.parse((folder / "client.py").read_text(encoding="utf-8"))
    classes = {node.name for node in client.body if isinstance(node, ast.ClassDef)}
    assert classes == {"Environment", "Client", "AsyncClient"}
    owners = (folder / "resources" / "owners.py").read_text(encoding="utf-8")
    assert "class Owners:" in owners and "class AsyncOwners:" in owners
    assert "Pet" not in owners  # each module imports only the models it names


LAZY = f"""
import sys
import {PACKAGE}
client = {PACKAGE}.Client(base_url="http://127.0.0.1:9")
def loaded():
    return sorted(m for m in sys.modules if m.startswith("{PACKAGE}.resources."))
before = loaded()
owners = client.owners
print(before, loaded(), client.owners is owners, sep="\\n")
"""


def test_a_tag_module_loads_when_the_program_first_reaches_it(output: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", LAZY],
        cwd=output,
        capture_output=True,
        text=True,
        check=True,
    )
    before, after, same = (ast.literal_eval(line) for line in done.stdout.splitlines())
    assert before == []
    assert after == [f"{PACKAGE}.resources.owners"]
    assert same is True  # one resource object per client


def test_the_resource_classes_are_importable_for_annotations(
    package: ModuleType,
) -> None:
    from tagged_api.resources import AsyncOwners, Owners, PetStore

    assert Owners.__name__ == "Owners" and AsyncOwners.__name__ == "AsyncOwners"
    assert PetStore.__module__ == f"{PACKAGE}.resources.pet_store"
    resources = sys.modules[f"{PACKAGE}.resources"]
    assert "PetStore2" in dir(resources)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        resources.Nope  # noqa: B018


def test_sync_and_async_clients_call_every_tag_over_http(package: ModuleType) -> None:
    from tagged_api.server.mock import create_mock_app

    async def async_calls(url: str) -> list[int]:
        async with package.AsyncClient(base_url=url) as client:
            return [
                (await client.pet_store.list_pets()).id,
                (await client.pet_store_2.get_store()).id,
                (await client.owners.get_owner(id=3)).id,
            ]

    with (
        live_server(create_mock_app(validate_responses=True)) as url,
        package.Client(base_url=url) as client,
    ):
        synced = [
            client.pet_store.list_pets().id,
            client.pet_store_2.get_store().id,
            client.owners.with_raw_response.get_owner(id=3).parse().id,
        ]
        assert synced == [7, 7, 7]
        assert asyncio.run(async_calls(url)) == [7, 7, 7]


@pytest.mark.parametrize("linter", sorted(LINTERS))
def test_the_package_passes(output: Path, linter: str) -> None:
    done = lint(output, PACKAGE, linter)
    assert done.returncode == 0, done.stdout + done.stderr
