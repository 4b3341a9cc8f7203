"""OpenAPI Overlay 1.0: how actions change the spec, and what a broken overlay reports."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import overlay as overlay_module
from generator.errors import Diagnostic, DiagnosticError
from generator.load import Spec, load_spec
from generator.validate import validate

SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Items", "version": "1"},
    "security": [],
    "paths": {
        "/items": {
            "get": {
                "operationId": "listItems",
                "tags": ["items"],
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    {"name": "q", "in": "query", "schema": {"type": "string"}},
                    {"name": "dummy", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {"200": {"description": "OK"}},
            },
            "post": {
                "operationId": "addItem",
                "responses": {"201": {"description": "Created"}},
            },
        },
        "/things": {
            "get": {
                "operationId": "listThings",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}}
                ],
                "responses": {"200": {"description": "OK"}},
            }
        },
    },
}


def write_spec(folder: Path, data: dict[str, Any] | None = None) -> Path:
    path = folder / "openapi.yaml"
    path.write_text(yaml.safe_dump(data or SPEC, sort_keys=False), encoding="utf-8")
    return path


def write_overlay(folder: Path, actions: Any, name: str = "a.overlay.yaml") -> Path:
    path = folder / name
    document = {
        "overlay": "1.0.0",
        "info": {"title": "test", "version": "1"},
        "actions": actions,
    }
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def overlaid(folder: Path, actions: Any, spec: dict[str, Any] | None = None) -> Spec:
    return load_spec(write_spec(folder, spec), [write_overlay(folder, actions)])


def failure(folder: Path, text: str) -> tuple[Diagnostic, ...]:
    path = folder / "broken.overlay.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DiagnosticError) as caught:
        load_spec(write_spec(folder), [path])
    return caught.value.diagnostics


def parameters(spec: Spec, path: str = "/items") -> list[dict[str, Any]]:
    return list(spec.root.data["paths"][path]["get"]["parameters"])


# --------------------------------------------------------------------------- update


def test_update_merges_objects_recursively(tmp_path: Path) -> None:
    spec = overlaid(
        tmp_path,
        [
            {
                "target": "$.paths['/items'].get",
                "update": {
                    "summary": "List items",  # new property: added
                    "operationId": "getItems",  # primitive: replaced
                    "responses": {"200": {"x-note": "n"}},  # object: merged
                    "tags": ["more"],  # array: appended
                },
            }
        ],
    )
    get = spec.root.data["paths"]["/items"]["get"]
    assert get["summary"] == "List items"
    assert get["operationId"] == "getItems"
    assert get["responses"]["200"] == {"description": "OK", "x-note": "n"}
    assert get["tags"] == ["items", "more"]
    assert [p["name"] for p in get["parameters"]] == ["limit", "q", "dummy"]


def test_update_on_an_array_appends_one_entry(tmp_path: Path) -> None:
    spec = overlaid(
        tmp_path,
        [
            {
                "target": "$.paths['/items'].get.parameters",
                "update": {"name": "page", "in": "query", "schema": {"type": "string"}},
            },
            {"target": "$.paths['/items'].get.tags", "update": ["a", "b"]},
        ],
    )
    assert [p["name"] for p in parameters(spec)] == ["limit", "q", "dummy", "page"]
    # 1.0: "an entry to append" (concatenating a selected array is Overlay 1.1)
    assert spec.root.data["paths"]["/items"]["get"]["tags"] == ["items", ["a", "b"]]


def test_a_filter_selects_parameters_by_name_in_every_path(tmp_path: Path) -> None:
    spec = overlaid(
        tmp_path,
        [
            {
                "target": "$.paths.*.get.parameters[?@.name=='limit'].schema",
                "update": {"minimum": 1, "maximum": 100},
            }
        ],
    )
    for path in ("/items", "/things"):
        assert parameters(spec, path)[0]["schema"] == {
            "type": "integer",
            "minimum": 1,
            "maximum": 100,
        }
    assert parameters(spec)[1]["schema"] == {"type": "string"}


def test_each_selected_node_gets_its_own_copy(tmp_path: Path) -> None:
    spec = overlaid(
        tmp_path,
        [{"target": "$.paths.*.get", "update": {"x-meta": {"list": [1]}}}],
    )
    items = spec.root.data["paths"]["/items"]["get"]["x-meta"]
    things = spec.root.data["paths"]["/things"]["get"]["x-meta"]
    assert items == things and items is not things


def test_yaml_aliases_in_the_spec_are_updated_one_place_at_a_time(
    tmp_path: Path,
) -> None:
    spec_path = tmp_path / "openapi.yaml"
    spec_path.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"
        "components:\n  schemas:\n"
        "    A: &shared {type: object}\n    B: *shared\n",
        encoding="utf-8",
    )
    target = "$.components.schemas.A"
    path = write_overlay(tmp_path, [{"target": target, "update": {"title": "A"}}])
    schemas = load_spec(spec_path, [path]).root.data["components"]["schemas"]
    assert schemas == {"A": {"type": "object", "title": "A"}, "B": {"type": "object"}}


# --------------------------------------------------------------------------- remove, order


def test_remove_takes_nodes_out_of_objects_and_arrays(tmp_path: Path) -> None:
    spec = overlaid(
        tmp_path,
        [
            {
                "target": "$.paths.*.get.parameters[?@.name=='dummy' || @.name=='q']",
                "remove": True,
                "update": {"ignored": True},  # no effect beside remove: true
            },
            {"target": "$.paths['/items'].post", "remove": True},
        ],
    )
    assert [p["name"] for p in parameters(spec)] == ["limit"]
    assert "post" not in spec.root.data["paths"]["/items"]


def test_actions_apply_in_order(tmp_path: Path) -> None:
    spec = overlaid(
        tmp_path,
        [
            {"target": "$.paths['/things']", "remove": True},
            {  # re-created after the removal: nothing of the old one is left
                "target": "$.paths",
                "update": {
                    "/things": {
                        "get": {
                            "operationId": "newThings",
                            "responses": {"200": {"description": "OK"}},
                        }
                    }
                },
            },
            {"target": "$.paths['/things'].get", "update": {"summary": "second"}},
        ],
    )
    assert spec.root.data["paths"]["/things"] == {
        "get": {
            "operationId": "newThings",
            "responses": {"200": {"description": "OK"}},
            "summary": "second",
        }
    }


def test_overlay_files_apply_in_the_order_given(tmp_path: Path) -> None:
    first = write_overlay(
        tmp_path, [{"target": "$.info", "update": {"title": "one"}}], "1.yaml"
    )
    second = write_overlay(
        tmp_path, [{"target": "$.info", "update": {"title": "two"}}], "2.yaml"
    )
    spec_path = write_spec(tmp_path)
    assert load_spec(spec_path, [first, second]).root.data["info"]["title"] == "two"
    assert load_spec(spec_path, [second, first]).root.data["info"]["title"] == "one"


def test_a_target_that_selects_nothing_is_a_warning(tmp_path: Path) -> None:
    spec = overlaid(
        tmp_path,
        [
            {"target": "$.info", "update": {"x-a": 1}},
            {"target": "$.paths['/nope'].get", "update": {"summary": "s"}},
        ],
    )
    (warning,) = spec.warnings
    assert warning.level == "warning" and warning.code == "OAG073"
    assert "actions[1]" in warning.message and "$.paths['/nope'].get" in warning.message
    assert warning.where is not None
    assert warning.where.file.endswith("a.overlay.yaml")
    assert (warning.where.line, warning.where.pointer) == (9, "/actions/1/target")
    assert spec.root.data["info"]["x-a"] == 1
    assert warning in validate(spec)  # reported with the validation diagnostics


def test_the_spec_file_is_not_changed_and_the_hash_covers_the_overlay(
    tmp_path: Path,
) -> None:
    spec_path = write_spec(tmp_path)
    before = spec_path.read_bytes()
    plain = load_spec(spec_path)
    one = load_spec(
        spec_path, [write_overlay(tmp_path, [{"target": "$", "update": {"x-a": 1}}])]
    )
    two = load_spec(
        spec_path, [write_overlay(tmp_path, [{"target": "$", "update": {"x-a": 2}}])]
    )
    assert spec_path.read_bytes() == before
    assert plain.root.sha256 == hashlib.sha256(before).hexdigest()
    assert len({plain.root.sha256, one.root.sha256, two.root.sha256}) == 3
    overlay_hash = hashlib.sha256((tmp_path / "a.overlay.yaml").read_bytes())
    lines = f"{plain.root.sha256}\n{overlay_hash.hexdigest()}\n"
    assert two.root.sha256 == hashlib.sha256(lines.encode()).hexdigest()


def test_refs_an_overlay_writes_are_resolved_in_the_spec(tmp_path: Path) -> None:
    (tmp_path / "limit.yaml").write_text("type: integer\nmaximum: 5\n")
    spec = overlaid(
        tmp_path,
        [
            {
                "target": "$.paths['/things'].get.parameters[0]",
                "update": {"schema": {"$ref": "limit.yaml"}},
            }
        ],
        spec=_without_schema_of_things_limit(),
    )
    assert tmp_path / "limit.yaml" in spec.files
    resolved = spec.deref(parameters(spec, "/things")[0]["schema"], spec.root)[2]
    assert resolved == {"type": "integer", "maximum": 5}


def _without_schema_of_things_limit() -> dict[str, Any]:
    data = copy.deepcopy(SPEC)
    del data["paths"]["/things"]["get"]["parameters"][0]["schema"]
    return data


# --------------------------------------------------------------------------- positions


def test_diagnostics_on_overlaid_nodes_point_at_the_overlay(tmp_path: Path) -> None:
    path = tmp_path / "types.overlay.yaml"
    path.write_text(
        "overlay: 1.0.0\n"
        "info: {title: t, version: '1'}\n"
        "actions:\n"
        "  - target: $.paths['/items'].get.parameters[?@.name=='q']\n"
        "    remove: true\n"
        "  - target: $.paths['/items'].get.parameters[?@.name=='limit'].schema\n"
        "    update:\n"
        "      minimum: not a number\n",
        encoding="utf-8",
    )
    spec = load_spec(write_spec(tmp_path), [path])
    (error,) = [d for d in validate(spec) if d.level == "error"]
    assert error.code == "OAG010" and error.where is not None
    assert error.where.file.endswith("types.overlay.yaml")
    assert (error.where.line, error.where.col) == (8, 16)
    assert error.where.pointer == "/paths/~1items/get/parameters/0/schema/minimum"
    # a spec node after the removed parameter keeps its own line in the spec
    spec_lines = (tmp_path / "openapi.yaml").read_text().splitlines()
    where = spec.root.location("/paths/~1items/get/parameters/1/name")
    assert where.file.endswith("openapi.yaml") and where.line is not None
    assert spec_lines[where.line - 1].strip() == "- name: dummy"


# --------------------------------------------------------------------------- broken overlays

HEAD = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\n"


def test_a_syntax_error_is_located_in_the_overlay(tmp_path: Path) -> None:
    (error,) = failure(tmp_path, HEAD + "actions:\n  - target: [$.info\n")
    assert error.code == "OAG002" and error.where is not None
    assert error.where.file.endswith("broken.overlay.yaml")
    assert error.where.line == 5


def test_a_missing_overlay_file_is_oag001(tmp_path: Path) -> None:
    with pytest.raises(DiagnosticError) as caught:
        load_spec(write_spec(tmp_path), [tmp_path / "missing.yaml"])
    (error,) = caught.value.diagnostics
    assert error.code == "OAG001" and "missing.yaml" in error.message


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("info: {title: t, version: '1'}\nactions: []\n", 1, "'overlay' field"),
        ("overlay: 2.0.0\ninfo: {title: t, version: '1'}\nactions: []\n", 1, "2.0.0"),
        (HEAD, 1, "'actions' must be a non-empty list"),
        (HEAD + "actions: []\n", 3, "'actions' must be a non-empty list"),
        (
            "overlay: 1.0.0\ninfo: {title: t}\nactions: [{target: $, update: {}}]\n",
            2,
            "info.version",
        ),
        (
            HEAD + "actions:\n  - target: $.info\n    updates: {x: 1}\n",
            5,
            "unknown field 'updates'",
        ),
        (
            HEAD + "actions:\n  - target: $.info\n    remove: yes\n",
            5,
            "'remove' must be true or false",
        ),
        (
            HEAD + "actions:\n  - target: $.info\n",
            4,
            "neither 'update' nor 'remove: true'",
        ),
        (HEAD + "actions:\n  - update: {x: 1}\n", 4, "needs a 'target'"),
        ("- not a mapping\n", 1, "must be a mapping"),
    ],
)
def test_a_malformed_overlay_is_oag070(
    tmp_path: Path, text: str, line: int, fragment: str
) -> None:
    errors = [d for d in failure(tmp_path, text) if d.level == "error"]
    assert {d.code for d in errors} == {"OAG070"}
    assert any(
        fragment in d.message and d.where is not None and d.where.line == line
        for d in errors
    ), errors


def test_a_bad_jsonpath_is_oag071(tmp_path: Path) -> None:
    (error,) = failure(
        tmp_path, HEAD + 'actions:\n  - target: "$.paths["\n    remove: true\n'
    )
    assert error.code == "OAG071" and error.where is not None
    assert error.where.pointer == "/actions/0/target" and error.where.line == 4
    assert "'$.paths['" in error.message and "JSONPath" in error.message


@pytest.mark.parametrize(
    ("action", "fragment"),
    [
        ("{target: $.info, update: text}", "the update must be an object"),
        (
            "{target: $.info.title, update: {x: 1}}",
            "selects a str ('Items') at $['info']['title']",
        ),
        ("{target: $, remove: true}", "would remove the whole document"),
        (
            "{target: $.info, update: {title: {a: 1}}}",
            "cannot merge an object into a str",
        ),
        (
            "{target: $.paths, update: {/items: [1]}}",
            "cannot merge an array into an object",
        ),
    ],
)
def test_an_action_that_cannot_apply_is_oag072(
    tmp_path: Path, action: str, fragment: str
) -> None:
    (error,) = failure(tmp_path, HEAD + f"actions:\n  - {action}\n")
    assert error.code == "OAG072" and error.where is not None
    assert error.where.file.endswith("broken.overlay.yaml") and error.where.line == 4
    assert "actions[0]" in error.message and fragment in error.message, error.message


def test_overlays_that_grow_the_document_too_much_are_oag074(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(overlay_module, "_GROWTH_FLOOR", 10)
    monkeypatch.setattr(overlay_module, "_GROWTH_FACTOR", 1)  # the spec's size again
    big = list(range(200))  # two copies: more nodes than the whole spec has
    (error,) = failure(
        tmp_path,
        HEAD + f"actions:\n  - {{target: '$.paths.*.get', update: {{x-big: {big}}}}}\n",
    )
    assert error.code == "OAG074"
