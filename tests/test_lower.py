"""Lowering: the decisions about names, types and order, on small specs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.ir import Api, Operation, Provenance
from generator.load import load_spec
from generator.lower import LowerOptions, lower

PROVENANCE = Provenance("0", "spec.yaml", "0" * 64)


def lowered(
    tmp_path: Path, document: dict[str, Any], default_server: str | None = None
) -> tuple[Api, list[Any]]:
    document = {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, **document}
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    api, diagnostics = lower(
        load_spec(path), LowerOptions("api", default_server, PROVENANCE)
    )
    return api, diagnostics


def ok(description: str = "OK", schema: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description}
    if schema is not None:
        response["content"] = {"application/json": {"schema": schema}}
    return response


def only_operation(api: Api) -> Operation:
    (operation,) = api.operations
    return operation


def test_operations_are_named_from_operation_ids_and_grouped_by_tag(
    tmp_path: Path,
) -> None:
    api, _ = lowered(
        tmp_path,
        {
            "paths": {
                "/pets": {
                    "get": {
                        "operationId": "listPets",
                        "tags": ["Pet Store"],
                        "responses": {"200": ok()},
                    },
                    "post": {
                        "operationId": "createPet",
                        "tags": ["Pet Store"],
                        "responses": {"201": ok()},
                    },
                },
                "/health": {"get": {"responses": {"200": ok()}}},
            }
        },
    )
    assert [
        (r.tag, r.attribute, r.class_name, r.interface_name) for r in api.resources
    ] == [
        ("Pet Store", "pet_store", "PetStore", "PetStoreApi"),
        ("default", "default", "Default", "DefaultApi"),
    ]
    assert [op.name for op in api.resources[0].operations] == [
        "list_pets",
        "create_pet",
    ]
    assert api.resources[0].operations[1].success_status == 201
    assert (
        api.resources[1].operations[0].name == "get_health"
    )  # derived when there is no operationId


def test_parameters_get_python_names_and_keep_wire_names(tmp_path: Path) -> None:
    api, _ = lowered(
        tmp_path,
        {
            "paths": {
                "/items/{item-id}": {
                    "parameters": [
                        {
                            "name": "item-id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    ],
                    "get": {
                        "operationId": "getItem",
                        "parameters": [
                            {
                                "name": "limit",
                                "in": "query",
                                "schema": {
                                    "type": "integer",
                                    "minimum": 1,
                                    "maximum": 100,
                                },
                            },
                            {
                                "name": "class",
                                "in": "query",
                                "schema": {"type": "string"},
                            },
                            {
                                "name": "foo-bar",
                                "in": "header",
                                "schema": {"type": "boolean"},
                            },
                            {
                                "name": "foo_bar",
                                "in": "query",
                                "required": True,
                                "schema": {"type": "number"},
                            },
                            {
                                "name": "since",
                                "in": "query",
                                "schema": {"type": "string", "format": "date-time"},
                            },
                            {
                                "name": "ids",
                                "in": "query",
                                "schema": {
                                    "type": "array",
                                    "items": {"type": "string", "format": "uuid"},
                                },
                            },
                        ],
                        "responses": {"200": ok()},
                    },
                }
            }
        },
    )
    operation = only_operation(api)
    summary = [
        (p.name, p.wire_name, p.location, p.annotation, p.required)
        for p in operation.parameters
    ]
    assert summary == [
        ("item_id", "item-id", "path", "str", True),
        ("limit", "limit", "query", "int | None", False),
        ("class_", "class", "query", "str | None", False),
        ("foo_bar", "foo-bar", "header", "bool | None", False),
        ("foo_bar_2", "foo_bar", "query", "float", True),
        ("since", "since", "query", "datetime.datetime | None", False),
        ("ids", "ids", "query", "list[uuid.UUID] | None", False),
    ]
    limit = operation.parameters[1]
    assert [(c.keyword, c.value) for c in limit.constraints] == [
        ("ge", 1),
        ("le", 100),
    ]  # operation-level wins
    (resource,) = api.resources
    assert resource.server_stdlib_imports == ("datetime", "uuid")
    assert resource.mock_stdlib_imports == ("datetime", "typing", "uuid")
    assert "enum" in api.client_stdlib_imports


def test_inline_enums_are_named_after_their_parameter(tmp_path: Path) -> None:
    version = {
        "name": "Api-Version",
        "in": "header",
        "description": "Pick a version",
        "schema": {"type": "string", "enum": ["2024-07-30"]},
    }
    other = {
        "name": "Api-Version",
        "in": "header",
        "schema": {"type": "string", "enum": ["1", "2"]},
    }
    api, _ = lowered(
        tmp_path,
        {
            "paths": {
                "/a": {
                    "get": {
                        "operationId": "getA",
                        "parameters": [version],
                        "responses": {"200": ok()},
                    }
                },
                "/b": {
                    "get": {
                        "operationId": "getB",
                        "parameters": [version],
                        "responses": {"200": ok()},
                    }
                },
                "/c": {
                    "get": {
                        "operationId": "getC",
                        "parameters": [other],
                        "responses": {"200": ok()},
                    }
                },
            }
        },
    )
    annotations = [op.parameters[0].annotation for op in api.operations]
    assert annotations == [
        "ApiVersion | None",
        "ApiVersion | None",
        "GetCApiVersion | None",
    ]
    schema = api.model_schemas["ApiVersion"]
    assert schema["enum"] == ["2024-07-30"]
    assert schema["x-enum-varnames"] == ["V2024_07_30"]
    assert schema["description"] == "Pick a version"
    imported = [name for r in api.resources for name in r.model_imports]
    assert sorted(set(imported)) == ["ApiVersion", "GetCApiVersion"]


def test_results_reference_models_and_inline_bodies_get_role_names(
    tmp_path: Path,
) -> None:
    pet = {"type": "object", "properties": {"name": {"type": "string"}}}
    api, _ = lowered(
        tmp_path,
        {
            "paths": {
                "/pets": {
                    "get": {
                        "operationId": "listPets",
                        "responses": {
                            "200": ok(
                                schema={
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Pet"},
                                }
                            )
                        },
                    },
                    "post": {
                        "operationId": "createPet",
                        "requestBody": {
                            "required": True,
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {"name": {"type": "string"}},
                                    }
                                }
                            },
                        },
                        "responses": {
                            "201": ok(
                                schema={
                                    "type": "object",
                                    "properties": {"id": {"type": "integer"}},
                                }
                            )
                        },
                    },
                    "delete": {
                        "operationId": "deletePets",
                        "responses": {"204": {"description": "gone"}},
                    },
                },
                "/pets/{id}": {
                    "get": {
                        "operationId": "getPet",
                        "parameters": [
                            {
                                "name": "id",
                                "in": "path",
                                "required": True,
                                "schema": {"$ref": "#/components/schemas/PetId"},
                            }
                        ],
                        "responses": {
                            "200": ok(schema={"$ref": "#/components/schemas/Pet"}),
                            "404": ok("missing"),
                        },
                    }
                },
            },
            "components": {
                "schemas": {"Pet": pet, "PetId": {"type": "string", "format": "uuid"}}
            },
        },
    )
    list_pets, create_pet, delete_pets, get_pet = api.operations
    assert list_pets.result == "list[Pet]"
    assert create_pet.result == "CreatePetResponse201"
    assert (
        create_pet.body is not None and create_pet.body.annotation == "CreatePetRequest"
    )
    assert create_pet.body.required
    assert delete_pets.result == "None" and delete_pets.success_status == 204
    assert get_pet.result == "Pet"
    assert (
        get_pet.parameters[0].annotation == "uuid.UUID"
    )  # a primitive component is inlined
    assert [(r.status, r.description) for r in get_pet.responses] == [
        (200, "OK"),
        (404, "missing"),
    ]
    assert list(api.model_schemas) == [
        "Pet",
        "PetId",
        "CreatePetRequest",
        "CreatePetResponse201",
    ]


def test_refs_inside_schemas_are_rewritten_to_class_names(tmp_path: Path) -> None:
    api, _ = lowered(
        tmp_path,
        {
            "paths": {},
            "components": {
                "schemas": {
                    "node-item": {
                        "type": "object",
                        "properties": {
                            "children": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/node-item"},
                            }
                        },
                    },
                    "class": {"type": "string", "enum": ["a", "b"]},
                }
            },
        },
    )
    assert list(api.model_schemas) == ["NodeItem", "Class"]
    assert api.model_schemas["NodeItem"]["properties"]["children"]["items"] == {
        "$ref": "#/components/schemas/NodeItem"
    }


def test_a_resource_class_never_shadows_a_model(tmp_path: Path) -> None:
    api, _ = lowered(
        tmp_path,
        {
            "paths": {
                "/pets": {
                    "get": {
                        "operationId": "listPets",
                        "tags": ["Pets"],
                        "responses": {
                            "200": ok(schema={"$ref": "#/components/schemas/Pets"})
                        },
                    }
                }
            },
            "components": {
                "schemas": {
                    "Pets": {"type": "object", "properties": {"n": {"type": "integer"}}}
                }
            },
        },
    )
    (resource,) = api.resources
    assert resource.class_name == "Pets2"
    assert only_operation(api).result == "Pets"


def test_servers_become_named_environments(tmp_path: Path) -> None:
    servers = [
        {"url": "https://dev.example.com/api/", "description": "DEV"},
        {
            "url": "https://{region}.example.com",
            "description": "Production EU",
            "variables": {"region": {"default": "eu"}},
        },
        {"url": "https://other.example.com"},
    ]
    api, diagnostics = lowered(
        tmp_path, {"servers": servers, "paths": {}}, default_server="production eu"
    )
    assert [(e.member, e.url, e.description) for e in api.environments] == [
        ("DEV", "https://dev.example.com/api", None),
        ("PRODUCTION_EU", "https://eu.example.com", None),  # the name already says it
        ("OTHER_EXAMPLE_COM", "https://other.example.com", None),
    ]
    assert (
        api.default_environment is not None
        and api.default_environment.member == "PRODUCTION_EU"
    )
    assert diagnostics == []


def test_an_unknown_default_server_is_an_error_that_lists_the_choices(
    tmp_path: Path,
) -> None:
    _, diagnostics = lowered(
        tmp_path,
        {"servers": [{"url": "https://a", "description": "A"}], "paths": {}},
        default_server="b",
    )
    (diagnostic,) = diagnostics
    assert diagnostic.level == "error" and diagnostic.code == "OAG040"
    assert diagnostic.hint is not None and "a" in diagnostic.hint
    assert diagnostic.where is not None and diagnostic.where.pointer == "/servers"


def test_unsupported_operations_are_skipped_with_a_located_warning(
    tmp_path: Path,
) -> None:
    api, diagnostics = lowered(
        tmp_path,
        {
            "paths": {
                "/upload": {
                    "post": {
                        "operationId": "upload",
                        "requestBody": {
                            "content": {
                                "multipart/form-data": {"schema": {"type": "object"}}
                            }
                        },
                        "responses": {"200": ok()},
                    }
                },
                "/ok": {"get": {"operationId": "fine", "responses": {"200": ok()}}},
            }
        },
    )
    assert [op.name for op in api.operations] == ["fine"]
    (warning,) = diagnostics
    assert (warning.level, warning.code) == ("warning", "OAG050")
    assert "upload" in warning.message and "multipart/form-data" in warning.message
    assert warning.where is not None and warning.where.pointer == "/paths/~1upload/post"
    assert warning.where.line is not None


@pytest.mark.parametrize(
    ("summary", "description", "expected_start"),
    [
        ("List pets", None, "List pets."),
        ("List pets.", "All of them.", "List pets.\n\nAll of them."),
        (None, None, "GET /pets."),
    ],
)
def test_operation_docs_read_like_a_person_wrote_them(
    tmp_path: Path, summary: str | None, description: str | None, expected_start: str
) -> None:
    operation: dict[str, Any] = {"operationId": "listPets", "responses": {"200": ok()}}
    if summary:
        operation["summary"] = summary
    if description:
        operation["description"] = description
    operation["parameters"] = [
        {
            "name": "limit",
            "in": "query",
            "description": "How many.",
            "schema": {"type": "integer"},
        }
    ]
    api, _ = lowered(tmp_path, {"paths": {"/pets": {"get": operation}}})
    doc = only_operation(api).doc
    assert doc.startswith(expected_start)
    assert doc.endswith("Args:\n    limit: How many.")


def test_vendor_extensions_never_reach_the_model_generator(tmp_path: Path) -> None:
    api, _ = lowered(
        tmp_path,
        {
            "paths": {},
            "components": {
                "schemas": {
                    "Owner": {
                        "type": "object",
                        "x-python-import": "os",
                        "customBasePath": "os.system",
                        "properties": {
                            "x-rate": {
                                "type": "integer"
                            },  # a property may be named x-...
                            "email": {
                                "type": "string",
                                "format": "email",
                                "x-python-type": "this.s",
                            },
                            "model_config": {"type": "string"},
                        },
                    }
                }
            },
        },
    )
    owner = api.model_schemas["Owner"]
    assert set(owner) == {"type", "properties"}
    assert owner["properties"]["email"] == {
        "type": "string"
    }  # no EmailStr, no x-python-type
    assert api.field_aliases == {
        "Owner.x-rate": "x_rate",
        "Owner.model_config": "model_config_",
    }


def test_parameter_bounds_keep_exclusivity_and_multiples(tmp_path: Path) -> None:
    schema = {
        "type": "number",
        "minimum": 0,
        "exclusiveMinimum": True,  # OpenAPI 3.0: the bound itself is excluded
        "maximum": 10,
        "multipleOf": 0.5,
    }
    api, _ = lowered(
        tmp_path,
        {
            "paths": {
                "/weights": {
                    "get": {
                        "operationId": "weights",
                        "parameters": [{"name": "w", "in": "query", "schema": schema}],
                        "responses": {"200": ok()},
                    }
                }
            }
        },
    )
    (parameter,) = only_operation(api).parameters
    assert [(c.keyword, c.value) for c in parameter.constraints] == [
        ("gt", 0),
        ("le", 10),
        ("multiple_of", 0.5),
    ]
