"""Where a JSON pointer's value starts in JSON text, found with the C JSON scanner.

Locating a diagnostic in a YAML file composes the file's whole node tree; for
GitHub's 12 MB JSON document that is 4-5 s, for the two warnings it has.  JSON
needs no node tree: walking the pointer from the root, each container is scanned
once (its values skipped with `json`'s C decoder) into a map from key or index to
offset, and later lookups reuse those maps.  Keys given twice resolve to the last
one, as they do in the loaded data.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


class NotJson(ValueError):
    """The text is not JSON where the walk needed it to be."""


class JsonPositions:
    """Offsets of the values of one JSON text, computed on demand and kept."""

    def __init__(self, text: str) -> None:
        self._text = text
        #: container offset -> {key or index as text: value offset}
        self._members: dict[int, dict[str, int]] = {}

    def line_column(self, tokens: list[str]) -> tuple[int, int]:
        """1-based line and column of the deepest value of `tokens` that exists."""
        offset = self.offset(tokens)
        line = self._text.count("\n", 0, offset) + 1
        column = offset - (self._text.rfind("\n", 0, offset) + 1) + 1
        return line, column

    def offset(self, tokens: list[str]) -> int:
        """Offset of the value at `tokens`, or of its nearest existing ancestor."""
        offset = _skip_space(self._text, 0)
        for token in tokens:
            members = self._members_of(offset)
            if members is None or token not in members:
                break
            offset = members[token]
        return offset

    def _members_of(self, offset: int) -> dict[str, int] | None:
        if offset not in self._members:
            opener = self._text[offset : offset + 1]
            if opener == "{":
                self._members[offset] = self._scan_object(offset)
            elif opener == "[":
                self._members[offset] = self._scan_array(offset)
            else:
                return None  # a scalar has no members
        return self._members[offset]

    def _scan_object(self, offset: int) -> dict[str, int]:
        text = self._text
        members: dict[str, int] = {}
        position = _skip_space(text, offset + 1)
        if text[position : position + 1] == "}":
            return members
        while True:
            if text[position : position + 1] != '"':
                raise NotJson(f"expected a key at offset {position}")
            key, position = scanstring(text, position + 1)
            position = _skip_space(text, position)
            if text[position : position + 1] != ":":
                raise NotJson(f"expected ':' at offset {position}")
            position = _skip_space(text, position + 1)
            members[key] = position
            position = self._after_value(position)
            if text[position : position + 1] != ",":
                return members
            position = _skip_space(text, position + 1)

    def _scan_array(self, offset: int) -> dict[str, int]:
        text = self._text
        members: dict[str, int] = {}
        position = _skip_space(text, offset + 1)
        if text[position : position + 1] == "]":
            return members
        while True:
            members[str(len(members))] = position
            position = self._after_value(position)
            if text[position : position + 1] != ",":
                return members
            position = _skip_space(text, position + 1)

    def _after_value(self, position: int) -> int:
        try:
            _, end = _DECODER.raw_decode(self._text, position)
        except json.JSONDecodeError as error:
            raise NotJson(str(error)) from None
        return _skip_space(self._text, end)


def _skip_space(text: str, position: int) -> int:
    match = _SPACE.match(text, position)
    assert match is not None  # the pattern matches the empty string
    return match.end()
