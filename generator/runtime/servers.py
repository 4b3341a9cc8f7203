"""Server URLs with variables, e.g. `https://{region}.example.com`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

__all__ = ["render_server_url"]

_VARIABLE = re.compile(r"\{([^{}]+)\}")


def render_server_url(
    template: str,
    defaults: Mapping[str, str],
    overrides: Mapping[str, str] | None = None,
    allowed: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """Fill the template's variables: the caller's values over the spec's defaults.

    Unknown variables and values outside a variable's enum raise `ValueError`, so a
    typo cannot silently send requests to the wrong host.
    """
    values = dict(defaults)
    for name, value in (overrides or {}).items():
        if name not in defaults:
            known = ", ".join(sorted(defaults)) or "none"
            raise ValueError(f"unknown server variable {name!r} (known: {known})")
        choices = (allowed or {}).get(name)
        if choices and value not in choices:
            raise ValueError(
                f"server variable {name!r} must be one of {list(choices)!r}"
            )
        values[name] = value
    return _VARIABLE.sub(
        lambda match: values.get(match.group(1), match.group(0)), template
    )
