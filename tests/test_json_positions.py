"""The JSON locator agrees with the YAML node tree it replaces for JSON files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from generator.json_positions import JsonPositions, NotJson

DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "paths": {
        "/pets/{id}": {"get": {"responses": {"200": {"description": "ok"}}}},
        "/a~b": {"x-list": [1, [2, {"deep": None}], {'é "q"': True}]},
    },
    "components": {"schemas": {"Pet": {"type": "object", "enum": [], "x": {}}}},
    "empty": [],
}


def _pointers(value: Any, tokens: list[str]) -> Iterator[list[str]]:
    yield tokens
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _pointers(child, [*tokens, key])
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _pointers(child, [*tokens, str(index)])


def _yaml_position(text: str, tokens: list[str]) -> tuple[int, int]:
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    for token in tokens:
        if isinstance(node, yaml.MappingNode):
            node = next(v for k, v in node.value if k.value == token)
        else:
            node = node.value[int(token)]
    return node.start_mark.line + 1, node.start_mark.column + 1


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(DOCUMENT, indent=2),
        json.dumps(DOCUMENT, separators=(",", ":")),
        json.dumps(DOCUMENT, indent=3, ensure_ascii=False),
        "\n\n  " + json.dumps(DOCUMENT, indent=1) + "\n",
    ],
    ids=["indented", "compact", "unicode", "leading-space"],
)
def test_every_pointer_is_where_the_yaml_tree_puts_it(text: str) -> None:
    positions = JsonPositions(text)
    pointers = list(_pointers(DOCUMENT, []))
    assert len(pointers) > 20
    for tokens in pointers:
        assert positions.line_column(tokens) == _yaml_position(text, tokens), tokens


def test_a_missing_pointer_gives_its_nearest_existing_ancestor() -> None:
    text = json.dumps(DOCUMENT, indent=2)
    positions = JsonPositions(text)
    assert positions.line_column(["paths", "/nope", "get"]) == _yaml_position(
        text, ["paths"]
    )
    assert positions.line_column(["openapi", "below-a-scalar"]) == _yaml_position(
        text, ["openapi"]
    )
    assert positions.line_column(["empty", "0"]) == _yaml_position(text, ["empty"])


def test_a_key_given_twice_is_the_last_one_like_the_loaded_data() -> None:
    text = '{"a": 1,\n "a": 2}'
    assert JsonPositions(text).line_column(["a"]) == (2, 7)


def test_yaml_flow_style_is_refused_so_the_caller_composes_yaml() -> None:
    with pytest.raises(NotJson):
        JsonPositions("{openapi: 3.0.0, paths: {}}").line_column(["paths"])
    with pytest.raises(NotJson):
        JsonPositions('{"a": [1, two]}').line_column(["a", "1"])


def test_tab_indented_json_which_yaml_cannot_read_is_located() -> None:
    text = '{\n\t"paths": {\n\t\t"/a": 1\n\t}\n}'
    assert JsonPositions(text).line_column(["paths", "/a"]) == (3, 9)
