"""Path templates Starlette cannot route as written: a name twice, or no identifier."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator.routes import route
from tests.live_server import live_server
from tests.packages import generate, imported, lint


def test_a_routable_template_is_left_alone() -> None:
    found = route("/users/{userId}/pets/{pet_id}", {"userId": "user_id"})
    assert found.path == "/users/{userId}/pets/{pet_id}"
    assert found.names == {"userId": ("userId",), "pet_id": ("pet_id",)}
    assert found.repeated == ()


def test_a_repeated_name_is_routed_again_under_a_free_internal_name() -> None:
    found = route("/a/{id}/{id_2}/{id}/{id}", {"id": "id", "id_2": "id_2"})
    assert found.path == "/a/{id}/{id_2}/{id_3}/{id_4}"
    assert found.repeated == (("id", ("id", "id_3", "id_4")),)


def test_a_name_that_is_no_identifier_is_routed_under_its_python_name() -> None:
    found = route(
        "/clients/{client-uuid}/roles/{role-name}/clients/{client-uuid}",
        {"client-uuid": "client_uuid", "role-name": "role_name"},
    )
    assert (
        found.path == "/clients/{client_uuid}/roles/{role_name}/clients/{client_uuid_2}"
    )
    assert found.names["role-name"] == ("role_name",)
    assert found.repeated == (("client-uuid", ("client_uuid", "client_uuid_2")),)


SPEC = """
openapi: 3.0.3
info: {title: Repeats, version: "1"}
paths:
  /anything/{id}/{action}/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
      - name: action
        in: path
        required: true
        schema: {type: string, enum: [lists, statistics]}
    get:
      operationId: getAction
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: integer}
                  action: {type: string}
        "400":
          description: Bad request
          content:
            application/json:
              schema:
                type: object
                properties:
                  message: {type: string}
  /clients/{client-uuid}/roles/{role-name}/composites/clients/{client-uuid}:
    get:
      operationId: getComposites
      parameters:
        - {name: client-uuid, in: path, required: true, schema: {type: string}}
        - {name: role-name, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {type: array, items: {type: string}}
"""


class Implementation:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    async def get_action(self, *, id: int, action: Any) -> dict[str, Any]:
        self.calls.append({"id": id, "action": action})
        return {"id": id, "action": action.value}

    async def get_composites(self, *, client_uuid: str, role_name: str) -> list[str]:
        self.calls.append({"client_uuid": client_uuid, "role_name": role_name})
        return [client_uuid, role_name]


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("routes")
    spec = folder / "openapi.yaml"
    spec.write_text(SPEC)
    generate(spec, folder, "repeats")
    return folder


@pytest.fixture(scope="module")
def package(output: Path) -> Iterator[ModuleType]:
    with imported(output, "repeats") as package:
        yield package


@pytest.fixture(scope="module")
def served(package: ModuleType) -> Iterator[tuple[str, Implementation]]:
    from repeats.server import create_app

    implementation = Implementation()
    app = create_app(default=implementation)
    with live_server(app) as url:
        yield url, implementation


@pytest.mark.parametrize("linter", ["mypy", "ruff"])
def test_the_package_passes(output: Path, linter: str) -> None:
    done = lint(output, "repeats", linter)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_client_sends_one_value_in_both_places(
    package: ModuleType, served: tuple[str, Implementation]
) -> None:
    url, implementation = served
    with package.Client(base_url=url) as client:
        answer = client.default.get_action(id=7, action="lists")
        assert (answer.id, answer.action) == (7, "lists")
        assert client.default.get_composites(client_uuid="c 1", role_name="admin") == [
            "c 1",
            "admin",
        ]
    assert implementation.calls[-1] == {"client_uuid": "c 1", "role_name": "admin"}


def test_the_server_refuses_segments_that_differ_as_bad_input(
    served: tuple[str, Implementation],
) -> None:
    url, implementation = served
    calls = len(implementation.calls)
    bad = httpx.get(f"{url}/anything/7/lists/8")
    assert bad.status_code == 400  # declared: in the declared shape
    assert bad.json() == {
        "message": "Invalid path parameter 'id': Appears 2 times in the path and "
        "must be the same each time; got '7', '8'"
    }
    other = httpx.get(f"{url}/clients/a/roles/r/composites/clients/b")
    assert other.status_code == 422  # no 400 declared
    assert other.json()["error"]["errors"] == [
        {
            "location": "path",
            "name": "client-uuid",
            "message": "Appears 2 times in the path and must be the same each time; "
            "got 'a', 'b'",
        }
    ]
    assert len(implementation.calls) == calls  # the implementation never ran
    # the first segment is still validated by its type
    assert httpx.get(f"{url}/anything/x/lists/x").status_code == 400
    assert httpx.get(f"{url}/anything/7/lists/7").json() == {
        "id": 7,
        "action": "lists",
    }
