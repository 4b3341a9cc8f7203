"""Parameters whose schema is a union of scalars (`oneOf: [integer, string]`).

FastAPI reads path, query, header and cookie parameters only into scalars: typed
as a RootModel class, such a parameter stopped the whole app from being built
(GitHub's `workflow_id`).  They are plain unions (`int | str`) on both sides.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.live_server import live_server
from tests.packages import generate, imported, lint

SPEC = """
openapi: 3.1.0
info: {title: Unions, version: "1"}
paths:
  /workflows/{workflow_id}:
    get:
      operationId: getWorkflow
      parameters:
        - name: workflow_id
          in: path
          required: true
          schema:
            oneOf:
              - {type: integer}
              - {type: string}
        - name: since
          in: query
          schema:
            anyOf:
              - {type: integer}
              - {type: boolean}
              - {type: "null"}
        - name: X-Trace
          in: header
          schema: {$ref: '#/components/schemas/Trace'}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  workflow: {type: string}
                  since: {type: string}
                  trace: {type: string}
components:
  schemas:
    Trace:
      oneOf:
        - {type: integer}
        - {type: string}
"""


class Implementation:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    async def get_workflow(
        self, *, workflow_id: int | str, since: int | bool | None, x_trace: Any
    ) -> dict[str, Any]:
        self.calls.append({"workflow_id": workflow_id, "since": since})
        return {
            "workflow": repr(workflow_id),
            "since": repr(since),
            "trace": repr(x_trace),
        }


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("unions")
    spec = folder / "openapi.yaml"
    spec.write_text(SPEC)
    generate(spec, folder, "unions")
    return folder


@pytest.fixture(scope="module")
def package(output: Path) -> Iterator[ModuleType]:
    with imported(output, "unions") as package:
        yield package


def test_the_parameters_are_scalar_unions(output: Path) -> None:
    routes = (output / "unions" / "server" / "routes" / "default.py").read_text()
    assert 'workflow_id: Annotated[int | str, Path(alias="workflow_id")]' in routes
    assert "since: Annotated[int | bool | None, Query(" in routes
    assert "x_trace: Annotated[int | str | None, Header(" in routes
    client = (output / "unions" / "resources" / "default.py").read_text()
    assert "workflow_id: int | str," in client


@pytest.mark.parametrize("linter", ["mypy", "ruff"])
def test_the_package_passes(output: Path, linter: str) -> None:
    done = lint(output, "unions", linter)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_app_builds_and_the_client_talks_to_it(package: ModuleType) -> None:
    from unions.server import create_app
    from unions.server.mock import create_mock_app

    assert create_mock_app().routes  # building the app used to fail
    implementation = Implementation()
    with (
        live_server(create_app(default=implementation)) as url,
        package.Client(base_url=url) as client,
    ):
        answer = client.default.get_workflow(workflow_id=42, since=True, x_trace="t-1")
        assert answer.trace == "'t-1'"
        named = client.default.get_workflow(workflow_id="main.yaml")
    assert implementation.calls[0]["since"] is True
    assert implementation.calls[0]["workflow_id"] in (42, "42")
    assert implementation.calls[1] == {"workflow_id": "main.yaml", "since": None}
    assert named.workflow == "'main.yaml'"
