"""A fast yes/no on "does the document match the OpenAPI schema?" (jsonschema-rs).

Checking GitHub's API against the OpenAPI 3.0 schema takes python-jsonschema
about 11 s; jsonschema-rs, which openapi-spec-validator itself prefers when it
is installed, answers in well under a second.  Only a document that fails needs
python-jsonschema, whose error objects `validate` turns into explanations.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any


def matches_openapi_schema(openapi: str, document: Mapping[str, Any]) -> bool:
    """True when jsonschema-rs says the document is valid; False when it is not,
    or when jsonschema-rs cannot answer (then the caller checks the slow way)."""
    validator = _validator("3.1" if openapi.startswith("3.1") else "3.0")
    if validator is None:
        return False
    try:
        return bool(validator.is_valid(document))
    except Exception:  # noqa: BLE001 - a value it cannot read: check the slow way
        return False


@functools.cache
def _validator(version: str) -> Any:
    try:
        import jsonschema_rs
        from openapi_spec_validator.schemas import schema_v30, schema_v31
    except ImportError:
        return None
    schema = dict(schema_v31 if version == "3.1" else schema_v30)
    try:
        return jsonschema_rs.validator_cls_for(schema)(schema)
    except Exception:  # noqa: BLE001 - a jsonschema-rs that cannot build it
        return None
