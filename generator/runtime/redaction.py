"""Redaction of credentials in request logs.

Logs are shipped, shared and pasted into tickets, so anything that looks
like a credential is replaced before it reaches a log record.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from urllib.parse import unquote_plus, urlsplit, urlunsplit

import httpx

__all__ = ["REDACTED", "is_sensitive", "redact_headers", "redact_url"]

REDACTED = "<redacted>"

_SENSITIVE_NAMES = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)
_SENSITIVE_PARTS = ("key", "token", "secret", "password", "auth")


def is_sensitive(name: str, extra: Collection[str] = ()) -> bool:
    """Whether a header or query parameter name may carry a credential."""
    lowered = name.lower()
    return (
        lowered in _SENSITIVE_NAMES
        or any(part in lowered for part in _SENSITIVE_PARTS)
        or any(lowered == item.lower() for item in extra)
    )


def redact_headers(
    headers: Mapping[str, str] | httpx.Headers, *, extra: Collection[str] = ()
) -> dict[str, str]:
    """Headers with every credential-like value replaced by ``<redacted>``.

    ``extra`` names more sensitive headers, e.g. a custom API key header.
    """
    return {
        name: REDACTED if is_sensitive(name, extra) else value
        for name, value in headers.items()
    }


def redact_url(url: str | httpx.URL, *, extra: Collection[str] = ()) -> str:
    """The URL with credential-like query values and any user info redacted.

    The rest of the query keeps its original encoding, so the line still
    matches what was sent.
    """
    parts = urlsplit(str(url))
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    pairs = []
    for pair in parts.query.split("&") if parts.query else []:
        name, sep, _value = pair.partition("=")
        if is_sensitive(unquote_plus(name), extra):
            pair = f"{name}{sep or '='}{REDACTED}"
        pairs.append(pair)
    return urlunsplit(parts._replace(netloc=netloc, query="&".join(pairs)))
