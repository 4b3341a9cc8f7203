"""Lower one operation's success response into what the mock server answers.

The bodies come from `mock_data`; for a paginated list operation this adds
where the items and cursors sit, which arguments carry the cursors and the
page size, and how to answer a cursor the mock did not hand out.  A text or
binary response answers with its string examples, else with a small sample of
its media type (a real 1x1 PNG for `image/png`), so a client can open it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from typing import Any

from generator.ir import MockAnswer, MockPaging, Pagination, Parameter
from generator.media import Kind, essence
from generator.mock_data import Deref, candidates, sample
from generator.pagination import normal
from generator.schema_type import schema_type

#: Query parameters that set the page size.
LIMIT_PARAMETERS = (
    "limit",
    "page_size",
    "per_page",
    "page_limit",
    "max_results",
    "max_items",
    "size",
    "count",
    "first",
)
_PREVIOUS_FIELDS = ("before", "prev", "previous", "prev_cursor", "previous_cursor")
_TOTAL_FIELDS = ("total", "total_count", "total_result_size", "total_results", "count")

#: Samples of binary media types (base64), made to be opened by what reads them.
_BINARY_SAMPLES = {
    "image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "image/gif": "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7",
    "application/pdf": base64.b64encode(b"%PDF-1.4\n% oagen mock\n%%EOF\n").decode(),
    "application/zip": base64.b64encode(b"PK\x05\x06" + bytes(18)).decode(),
}
_TEXT_SAMPLES = {
    "application/xml": '<?xml version="1.0" encoding="UTF-8"?>\n<sample>oagen</sample>\n',
    "text/xml": '<?xml version="1.0" encoding="UTF-8"?>\n<sample>oagen</sample>\n',
    "text/csv": "id,name\n1,oagen\n",
    "text/html": "<!doctype html>\n<title>oagen</title>\n",
}

#: (a path of wire names into the response schema) -> the schema there, or None.
Walk = Callable[[tuple[str, ...]], Any]


def plan_mock(
    media: Mapping[str, Any],
    file: Any,
    deref: Deref,
    *,
    parameters: tuple[Parameter, ...],
    pagination: Pagination | None,
    walk: Walk,
    declared_statuses: set[int],
) -> MockAnswer:
    """The candidate bodies (JSON text) and, for a list operation, its paging."""
    texts = tuple(
        json.dumps(value, ensure_ascii=False, sort_keys=False, default=str)
        for value in candidates(media, file, deref)
    )
    paging = (
        _paging(pagination, parameters, walk, declared_statuses)
        if pagination is not None
        else None
    )
    return MockAnswer(candidates=texts, paging=paging)


def _paging(
    pagination: Pagination,
    parameters: tuple[Parameter, ...],
    walk: Walk,
    declared_statuses: set[int],
) -> MockPaging:
    by_wire = {p.wire_name: p for p in parameters if p.location == "query"}
    backward = next(
        (by_wire[w].name for w in pagination.backward_wires if w in by_wire), None
    )
    limit = next(
        (
            p.name
            for wire, p in by_wire.items()
            if normal(wire) in LIMIT_PARAMETERS and "int" in p.annotation
        ),
        None,
    )
    container = pagination.next_cursor_path[:-1]
    return MockPaging(
        items_path=pagination.items_path,
        next_cursor_path=pagination.next_cursor_path,
        previous_cursor_path=_sibling(container, _PREVIOUS_FIELDS, "string", walk),
        total_path=_sibling(container, _TOTAL_FIELDS, "integer", walk),
        cursor=by_wire[pagination.cursor_wire].name,
        backward=backward,
        limit=limit,
        item_type=pagination.item_annotation,
        invalid_cursor_status=400 if 400 in declared_statuses else None,
    )


def _sibling(
    container: tuple[str, ...], wanted: tuple[str, ...], kind: str, walk: Walk
) -> tuple[str, ...] | None:
    """A field beside the next cursor whose name and type fit (`before`, `total`)."""
    schema = walk(container)
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    if not isinstance(properties, Mapping):
        return None
    for name in wanted:
        for field in properties:
            if (
                normal(str(field)) == name
                and schema_type(walk((*container, field))) == kind
            ):
                return (*container, str(field))
    return None


def raw_candidates(
    kind: Kind, media_type: str, media: Mapping[str, Any], file: Any, deref: Deref
) -> tuple[str, ...]:
    """JSON texts of the answers to a text or binary operation, best first.

    Text answers are JSON strings; binary ones the base64 of the bytes, which the
    runtime's `MockResponse` decodes for a `bytes` response.
    """
    base = essence(media_type)
    schema, _, _ = deref(media.get("schema"), file)
    examples = {key: media[key] for key in ("example", "examples") if key in media}
    if isinstance(schema, Mapping) and "example" in schema:
        examples.setdefault("example", schema["example"])
    texts = [v for v in candidates(examples, file, deref) if isinstance(v, str)]
    if kind == "binary":
        found = [base64.b64encode(text.encode()).decode() for text in texts]
        found.append(_BINARY_SAMPLES.get(base, base64.b64encode(b"oagen").decode()))
    else:
        xml = base.endswith("+xml") and _TEXT_SAMPLES["application/xml"]
        built = sample(schema, file, deref, use_examples=False)
        found = [*texts, _TEXT_SAMPLES.get(base) or xml or ""]
        found += [built if isinstance(built, str) else "", "oagen"]
    return tuple(json.dumps(text) for text in dict.fromkeys(found) if text)
