"""Lowering for the client: credentials, shared headers, pagination, error types."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.config import load_config
from generator.ir import Api
from generator.load import load_spec
from generator.lower import LowerOptions, lower
from generator.pipeline import build
from tests.test_lower import PROVENANCE, ok


def lowered(
    tmp_path: Path, document: dict[str, Any], env: dict[str, str] | None = None
) -> tuple[Api, list[Any]]:
    document = {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, **document}
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return lower(load_spec(path), LowerOptions("api", None, PROVENANCE, env or {}))


def page_schema(
    items: str = "items", container: str = "pagination", cursor: str = "after"
) -> dict[str, Any]:
    return {
        "type": "object",
        "required": [items],
        "properties": {
            items: {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
            container: {"type": "object", "properties": {cursor: {"type": "string"}}},
        },
    }


def paged(
    operation_extra: dict[str, Any], schema: dict[str, Any], params: list[str]
) -> dict[str, Any]:
    return {
        "paths": {
            "/pets": {
                "get": {
                    "operationId": "listPets",
                    "parameters": [
                        {"name": n, "in": "query", "schema": {"type": "string"}}
                        for n in params
                    ],
                    "responses": {
                        "200": ok(schema={"$ref": "#/components/schemas/PetPage"})
                    },
                    **operation_extra,
                }
            }
        },
        "components": {
            "schemas": {
                "Pet": {"type": "object", "properties": {"name": {"type": "string"}}},
                "PetPage": schema,
            }
        },
    }


def test_seed_style_cursor_pagination_is_detected(tmp_path: Path) -> None:
    api, diagnostics = lowered(
        tmp_path, paged({}, page_schema(), ["before", "after", "limit"])
    )
    (operation,) = api.operations
    pagination = operation.pagination
    assert pagination is not None and diagnostics == []
    assert pagination.method_name == "iter_pets"
    assert pagination.cursor == "after"
    assert pagination.item_annotation == "Pet"
    assert pagination.items_expression == "page.items"
    assert (
        pagination.next_cursor_expression
        == "(page.pagination.after if page.pagination is not None else None)"
    )
    assert [p.name for p in pagination.parameters] == [
        "limit"
    ]  # both cursors are the pager's
    assert ("PetPage", "items") in api.model_fields_used and (
        "PetPage",
        "pagination",
    ) in api.model_fields_used


def test_top_level_next_token_is_detected(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {
            "data": {"type": "array", "items": {"type": "string"}},
            "nextPageToken": {"type": "string"},
        },
    }
    api, _ = lowered(tmp_path, paged({}, schema, ["pageToken"]))
    pagination = api.operations[0].pagination
    assert pagination is not None
    assert (
        pagination.cursor,
        pagination.items_expression,
        pagination.next_cursor_expression,
    ) == (
        "page_token",
        "page.data",
        "page.next_page_token",
    )
    assert pagination.item_annotation == "str"


def test_no_cursor_parameter_means_no_pager(tmp_path: Path) -> None:
    api, _ = lowered(tmp_path, paged({}, page_schema(), ["limit"]))
    assert api.operations[0].pagination is None


def test_the_extension_declares_what_detection_cannot_find(tmp_path: Path) -> None:
    schema = page_schema(items="pets", container="meta", cursor="continueFrom")
    extension = {
        "x-oagen-pagination": {
            "cursor-param": "from",
            "items": "pets",
            "next-cursor": "meta.continueFrom",
        }
    }
    api, _ = lowered(tmp_path, paged({}, schema, ["from"]))
    assert api.operations[0].pagination is None  # `from` is not a known cursor name
    api, diagnostics = lowered(tmp_path, paged(extension, schema, ["from"]))
    pagination = api.operations[0].pagination
    assert pagination is not None and diagnostics == []
    assert pagination.cursor == "from_"
    assert (
        pagination.next_cursor_expression
        == "(page.meta.continue_from if page.meta is not None else None)"
    )


def test_a_wrong_extension_is_a_located_warning(tmp_path: Path) -> None:
    extension = {
        "x-oagen-pagination": {
            "cursor-param": "after",
            "items": "nope",
            "next-cursor": "pagination.after",
        }
    }
    api, diagnostics = lowered(tmp_path, paged(extension, page_schema(), ["after"]))
    assert api.operations[0].pagination is None
    (warning,) = diagnostics
    assert warning.code == "OAG052" and "'nope'" in warning.message
    assert (
        warning.where is not None
        and warning.where.pointer == "/paths/~1pets/get/x-oagen-pagination"
    )


def test_security_schemes_become_constructor_arguments(tmp_path: Path) -> None:
    schemes = {
        "basic": {"type": "http", "scheme": "basic"},
        "bearer": {"type": "http", "scheme": "bearer"},
        "key": {"type": "apiKey", "in": "query", "name": "api-key"},
        "oauth": {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/oauth/token",
                    "scopes": {"write": "w", "read": "r"},
                }
            },
        },
        "oidc": {
            "type": "openIdConnect",
            "openIdConnectUrl": "https://example.com/.well-known",
        },
    }
    api, diagnostics = lowered(
        tmp_path,
        {"paths": {}, "components": {"securitySchemes": schemes}},
        env={"token": "PETS_TOKEN"},
    )
    assert [a.name for a in api.client_arguments] == [
        "username",
        "password",
        "token",
        "api_key",
        "client_id",
        "client_secret",
    ]
    expressions = [c.expression for c in api.credentials]
    assert (
        expressions[0]
        == "BasicAuth(username, password) if username is not None and password is not None else None"
    )
    assert (
        expressions[2]
        == "QueryAuth('api-key', api_key) if api_key is not None else None"
    )
    assert (
        "OAuth2ClientCredentials('/oauth/token', client_id, client_secret, scopes=['read', 'write'])"
        in expressions[3]
    )
    assert api.credentials[1].arguments[0].env_var == "PETS_TOKEN"
    (warning,) = diagnostics
    assert warning.code == "OAG051" and "'oidc'" in warning.message


def test_an_authorization_header_is_hoisted_out_of_every_method(tmp_path: Path) -> None:
    auth = {
        "name": "Authorization",
        "in": "header",
        "required": True,
        "description": "Eg. `Basic x`",
        "schema": {"type": "string"},
    }
    version = {
        "name": "Api-Version",
        "in": "header",
        "schema": {"type": "string", "enum": ["2024-01-01"]},
    }
    api, _ = lowered(
        tmp_path,
        {
            "paths": {
                "/a": {
                    "get": {
                        "operationId": "getA",
                        "parameters": [auth, version],
                        "responses": {"200": ok()},
                    }
                },
                "/b": {
                    "get": {
                        "operationId": "getB",
                        "parameters": [auth, version],
                        "responses": {"200": ok()},
                    }
                },
            }
        },
    )
    for operation in api.operations:
        assert [p.name for p in operation.parameters] == [
            "authorization",
            "api_version",
        ]  # the server's view
        assert [p.name for p in operation.client_parameters] == ["api_version"]
    assert [a.name for a in api.client_arguments] == [
        "username",
        "password",
        "authorization",
        "api_version",
    ]
    (header,) = api.default_headers
    assert header.wire_name == "Api-Version"
    assert (
        header.argument.default == "ApiVersion.V2024_01_01"
    )  # the only value is pinned


def test_a_basic_scheme_beside_an_authorization_header_asks_once(
    tmp_path: Path,
) -> None:
    """The seed's overlay adds HTTP Basic to a spec whose operations also declare the
    Authorization header: one username/password, plus the header's ready value."""
    auth = {"name": "Authorization", "in": "header", "required": True}
    auth |= {"description": "Eg. `Basic x`", "schema": {"type": "string"}}
    operation = {
        "operationId": "getA",
        "parameters": [auth],
        "responses": {"200": ok()},
    }
    schemes = {"basicAuth": {"type": "http", "scheme": "basic"}}
    api, diagnostics = lowered(
        tmp_path,
        {
            "paths": {"/a": {"get": operation}},
            "components": {"securitySchemes": schemes},
            "security": [{"basicAuth": []}],
        },
    )
    assert diagnostics == []
    assert [a.name for a in api.client_arguments] == [
        "username",
        "password",
        "authorization",
    ]
    assert [c.runtime_class for c in api.credentials] == ["BasicAuth", "HeaderAuth"]
    bearer = {"bearer": {"type": "http", "scheme": "bearer"}}
    api, _ = lowered(
        tmp_path,
        {
            "paths": {"/a": {"get": operation}},
            "components": {"securitySchemes": bearer},
        },
    )
    assert [a.name for a in api.client_arguments] == ["token"]  # the token is the value


def test_an_unknown_env_argument_is_an_error(tmp_path: Path) -> None:
    _, diagnostics = lowered(tmp_path, {"paths": {}}, env={"api_key": "X"})
    (error,) = diagnostics
    assert error.code == "OAG041" and "'api_key'" in error.message


def test_declared_error_bodies_are_typed(tmp_path: Path) -> None:
    error = {"type": "object", "properties": {"message": {"type": "string"}}}
    api, _ = lowered(
        tmp_path,
        {
            "paths": {
                "/a": {
                    "get": {
                        "operationId": "getA",
                        "responses": {
                            "200": ok(),
                            "404": ok(
                                "missing", {"$ref": "#/components/schemas/Error"}
                            ),
                            "default": ok(
                                "other", {"$ref": "#/components/schemas/Error"}
                            ),
                            "500": ok("no body"),
                        },
                    }
                }
            },
            "components": {"schemas": {"Error": error}},
        },
    )
    assert [(e.status, e.annotation) for e in api.operations[0].error_types] == [
        (404, "Error"),
        ("default", "Error"),
    ]


def test_the_seed_config_names_environment_variables() -> None:
    from tests.conftest import REPO

    config = load_config(REPO / "pyproject.toml", {})
    api_build = build(config)
    client = api_build.files["client.py"]
    assert 'os.environ.get("SEQUENCE_CLIENT_ID")' in client
    assert (
        "sequence_version: SequenceVersion | None = _models.SequenceVersion.V2024_07_30"
        in client
    )
