"""Lowering of request bodies and responses by media type (`generator.media`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.media import choose, concrete, kind_of
from generator.naming import Code
from tests.test_lower import lowered, ok, only_operation

FLAT = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
}


def post(body: Any, responses: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "paths": {
            "/things": {
                "post": {
                    "operationId": "send",
                    "requestBody": body,
                    "responses": responses or {"204": ok()},
                }
            }
        }
    }


@pytest.mark.parametrize(
    ("media_type", "schema", "kind"),
    [
        ("application/json", {}, "json"),
        ("application/problem+json; charset=utf-8", {}, "json"),
        ("Application/X-WWW-Form-Urlencoded", FLAT, "form"),
        ("multipart/form-data", FLAT, "multipart"),
        ("application/octet-stream", {}, "binary"),
        ("image/png", None, "binary"),
        ("application/pdf", None, "binary"),
        ("*/*", None, "binary"),
        ("text/plain", {"type": "string", "format": "binary"}, "binary"),
        ("application/json", {"type": "string", "format": "binary"}, "binary"),
        ("application/vnd.custom", {"type": "string", "format": "binary"}, "binary"),
        ("text/csv", None, "text"),
        ("application/xml", {"type": "object"}, "text"),
        ("application/atom+xml", None, "text"),
        ("application/vnd.custom", {"type": "string"}, "text"),
        ("application/vnd.custom", None, None),
        ("application/vnd.custom", {"type": "object"}, None),
    ],
)
def test_media_types_are_classified(media_type: str, schema: Any, kind: str) -> None:
    assert kind_of(media_type, schema) == kind


def test_json_is_preferred_then_form_multipart_binary_text() -> None:
    content = {
        "text/plain": {},
        "application/octet-stream": {},
        "multipart/form-data": {},
        "application/x-www-form-urlencoded": {},
        "application/json": {},
    }
    order = []
    allowed = frozenset({"json", "form", "multipart", "binary", "text"})
    while content:
        chosen = choose(content, lambda s: s, allowed)  # type: ignore[arg-type]
        assert chosen is not None
        order.append(chosen[2])
        del content[chosen[0]]
    assert order == ["json", "form", "multipart", "binary", "text"]


def test_wildcards_are_sent_as_concrete_types() -> None:
    assert concrete("image/*", "binary") == "application/octet-stream"
    assert concrete("text/*", "text") == "text/plain"
    assert concrete("text/csv; charset=utf-8", "text") == "text/csv; charset=utf-8"


def test_a_form_body_is_its_model(tmp_path: Path) -> None:
    api, diagnostics = lowered(
        tmp_path,
        post(
            {
                "required": True,
                "content": {"application/x-www-form-urlencoded": {"schema": FLAT}},
            }
        ),
    )
    body = only_operation(api).body
    assert diagnostics == [] and body is not None
    assert (body.kind, body.media_type, body.annotation) == (
        "form",
        "application/x-www-form-urlencoded",
        "SendRequest",
    )
    assert body.arguments == (body,)


def test_a_multipart_body_is_one_argument_per_part(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary", "description": "Bytes."},
            "photos": {
                "type": "array",
                "items": {"type": "string", "format": "binary"},
            },
            "caption": {"type": "string", "maxLength": 3},
            "class": {"type": "integer"},
        },
    }
    api, diagnostics = lowered(
        tmp_path,
        post({"content": {"multipart/form-data": {"schema": schema}}}),
    )
    operation = only_operation(api)
    assert diagnostics == []
    parts = [
        (a.name, a.wire_name, a.annotation, a.server_annotation, a.is_file)
        for a in operation.body_arguments
    ]  # type: ignore[union-attr]
    assert parts == [
        ("file", "file", "FileTypes", "fastapi.UploadFile", True),
        (
            "photos",
            "photos",
            "list[FileTypes] | None",
            "list[fastapi.UploadFile] | None",
            True,
        ),
        ("caption", "caption", "str | None", "str | None", False),
        ("class_", "class", "int | None", "int | None", False),
    ]
    assert "file: Bytes." in operation.doc
    assert api.has_file_parts and "FileTypes" in api.resources[0].body_imports


def test_an_object_part_is_json_and_an_untyped_part_a_file(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "required": ["meta"],
        "properties": {
            "meta": {"$ref": "#/components/schemas/Meta"},
            "extra": {"type": "object", "properties": {"a": {"type": "string"}}},
            "blob": {"description": "No schema: OpenAPI's default is octet-stream."},
        },
    }
    spec = post({"content": {"multipart/form-data": {"schema": schema}}})
    meta = {"type": "object", "properties": {"source": {"type": "string"}}}
    spec["components"] = {"schemas": {"Meta": meta}}
    api, diagnostics = lowered(tmp_path, spec)
    assert diagnostics == []
    parts = [
        (a.name, a.annotation, a.app_annotation, a.is_json, a.is_file)
        for a in only_operation(api).body_arguments
    ]  # type: ignore[union-attr]
    assert parts == [
        ("meta", "Meta", "pydantic.Json[Meta]", True, False),
        ("extra", "Extra | None", "pydantic.Json[Extra] | None", True, False),
        ("blob", "FileTypes | None", None, False, True),
    ]
    assert api.resources[0].has_json_parts


@pytest.mark.parametrize(
    ("media_type", "annotation"),
    [("application/octet-stream", "bytes"), ("text/plain", "str")],
)
def test_raw_bodies_are_bytes_or_text(
    tmp_path: Path, media_type: str, annotation: str
) -> None:
    api, _ = lowered(tmp_path, post({"content": {media_type: {}}}))
    body = only_operation(api).body
    assert body is not None
    assert (body.annotation, body.required) == (f"{annotation} | None", False)
    assert api.resources[0].body_imports == (Code("RawBody"),)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ({"application/vnd.custom": {}}, "'application/vnd.custom'"),
        (
            {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}},
            "not an object schema with properties",
        ),
        (
            {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "meta": {"type": "array", "items": {"type": "object"}}
                        },
                    }
                }
            },
            "field 'meta'",
        ),
    ],
)
def test_what_cannot_be_sent_skips_the_operation_with_the_reason(
    tmp_path: Path, content: dict[str, Any], reason: str
) -> None:
    api, diagnostics = lowered(tmp_path, post({"content": content}))
    assert api.operations == ()
    (warning,) = diagnostics
    assert (warning.level, warning.code) == ("warning", "OAG050")
    assert reason in warning.message and "'send' skipped" in warning.message
    assert warning.where is not None and warning.where.pointer == "/paths/~1things/post"
    assert warning.hint


@pytest.mark.parametrize(
    ("media_type", "schema", "result", "sent_as"),
    [
        ("text/plain", {"type": "string"}, "str", "text/plain"),
        ("application/xml", {"type": "object"}, "str", "application/xml"),
        ("image/*", None, "bytes", "application/octet-stream"),
        (
            "application/json",
            {"type": "string", "format": "binary"},
            "bytes",
            "application/json",
        ),
    ],
)
def test_text_and_binary_responses(
    tmp_path: Path, media_type: str, schema: Any, result: str, sent_as: str
) -> None:
    media = {} if schema is None else {"schema": schema}
    api, diagnostics = lowered(
        tmp_path,
        post(
            None,
            {"200": {"description": "OK", "content": {media_type: media}}},
        ),
    )
    operation = only_operation(api)
    assert diagnostics == []
    assert operation.result == result
    if sent_as is None:  # a JSON binary string is still JSON
        assert (operation.result_kind, operation.result_media_type) == ("json", None)
    else:
        assert operation.result_media_type == sent_as
        assert operation.responses[0].content == {media_type: {}}  # as declared
        assert operation.mock is not None and operation.mock.candidates


def test_a_default_only_response_is_the_success(tmp_path: Path) -> None:
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}}
    api, _ = lowered(tmp_path, post(None, {"default": ok("Anything.", schema)}))
    operation = only_operation(api)
    assert (operation.success_status, operation.result) == (200, "SendResponse")
    assert operation.mock is not None


def test_a_response_in_an_unknown_media_type_skips_the_operation(
    tmp_path: Path,
) -> None:
    responses = {"200": {"description": "OK", "content": {"multipart/mixed": {}}}}
    api, diagnostics = lowered(tmp_path, post(None, responses))
    assert api.operations == ()
    (warning,) = diagnostics
    assert warning.code == "OAG050" and "'multipart/mixed'" in warning.message


def test_an_optional_nullable_body_says_none_once(tmp_path: Path) -> None:
    """An optional JSON body whose inline schema is nullable (GitHub's `issues/lock`):
    `SendRequest | None`, not `SendRequest | None | None`."""
    schema = {
        "type": "object",
        "nullable": True,
        "properties": {"reason": {"type": "string"}},
    }
    api, _ = lowered(
        tmp_path, post({"content": {"application/json": {"schema": schema}}})
    )
    operation = only_operation(api)
    assert operation.body is not None
    assert operation.body.annotation == "SendRequest | None"
    annotations = [a.annotation for a in operation.client_arguments] + [
        a.server_annotation for a in operation.arguments
    ]
    assert annotations and not any("None | None" in a for a in annotations)
