"""Credentials, each an ``httpx.Auth`` applied to every request.

A credential never replaces a header, query parameter or cookie that the
request already carries, so a value passed for one call (``headers`` or
``extra_headers``) overrides the client's credential for that call.
"""

from __future__ import annotations

import base64
import math
import threading
import time
from collections.abc import Callable, Generator, Iterable
from urllib.parse import quote_plus

import httpx

from .errors import APIResponseValidationError, status_error_from_response

__all__ = [
    "BasicAuth",
    "BearerAuth",
    "CookieAuth",
    "HeaderAuth",
    "OAuth2ClientCredentials",
    "QueryAuth",
    "combine_auth",
    "sensitive_names",
]

Flow = Generator[httpx.Request, httpx.Response, None]


class _SimpleAuth(httpx.Auth):
    """A credential that only edits the request: no I/O, a single pass."""

    #: Header or query names carrying the secret, redacted from logs.
    sensitive_names: tuple[str, ...] = ()

    def apply(self, request: httpx.Request) -> None:
        raise NotImplementedError

    def auth_flow(self, request: httpx.Request) -> Flow:
        self.apply(request)
        yield request

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<redacted>)"


class HeaderAuth(_SimpleAuth):
    """A ready header value: an API key header, or ``Authorization: Basic ...``."""

    def __init__(self, name: str, value: str) -> None:
        self.name = name
        self._value = value
        self.sensitive_names = (name,)

    def apply(self, request: httpx.Request) -> None:
        if self.name not in request.headers:
            request.headers[self.name] = self._value


class BearerAuth(HeaderAuth):
    """``Authorization: Bearer <token>``."""

    def __init__(self, token: str) -> None:
        super().__init__("Authorization", f"Bearer {token}")


class QueryAuth(_SimpleAuth):
    """An API key sent as a query parameter."""

    def __init__(self, name: str, value: str) -> None:
        self.name = name
        self._value = value
        self.sensitive_names = (name,)

    def apply(self, request: httpx.Request) -> None:
        if self.name not in request.url.params:
            request.url = request.url.copy_add_param(self.name, self._value)


class CookieAuth(_SimpleAuth):
    """An API key sent as a cookie, merged into any ``Cookie`` header."""

    def __init__(self, name: str, value: str) -> None:
        self.name = name
        self._value = value

    def apply(self, request: httpx.Request) -> None:
        existing = request.headers.get("Cookie", "")
        names = {part.split("=", 1)[0].strip() for part in existing.split(";")}
        if self.name in names:
            return
        cookie = f"{self.name}={self._value}"
        request.headers["Cookie"] = f"{existing}; {cookie}" if existing else cookie


class BasicAuth(httpx.BasicAuth):
    """httpx's HTTP Basic auth, except that a per-call Authorization wins."""

    def auth_flow(self, request: httpx.Request) -> Flow:
        if "Authorization" in request.headers:
            yield request
        else:
            yield from super().auth_flow(request)

    def __repr__(self) -> str:
        return "BasicAuth(<redacted>)"


def _basic_header(username: str, password: str) -> str:
    pair = f"{username}:{password}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


class OAuth2ClientCredentials(httpx.Auth):
    """OAuth2 client-credentials grant with a cached, self-refreshing token.

    The token request goes through the same httpx client as the API call
    (same proxies, transport and timeout), for sync and async clients alike.
    The token is refreshed ``refresh_margin`` seconds before it expires
    (at most half its lifetime early) and once more if the API answers 401.
    Concurrent first calls may each fetch a token; the lock only keeps the
    cache consistent, since a lock held across a fetch would block asyncio.
    """

    requires_request_body = True  # the request is sent again after a 401
    requires_response_body = True  # the token response is parsed

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        scopes: Iterable[str] = (),
        refresh_margin: float = 30.0,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token_url = token_url
        # RFC 6749 2.3.1: the credentials are form-encoded before Basic.
        self._basic = _basic_header(quote_plus(client_id), quote_plus(client_secret))
        self._scope = " ".join(scopes)
        self._refresh_margin = refresh_margin
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._refresh_at = 0.0

    def __repr__(self) -> str:
        return f"OAuth2ClientCredentials(token_url={self.token_url!r})"

    def auth_flow(self, request: httpx.Request) -> Flow:
        if "Authorization" in request.headers:
            yield request
            return
        token = self._cached_token()
        if token is None:
            token = yield from self._fetch(request)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        fresher = self._cached_token()  # another call may have refreshed it
        if fresher is None or fresher == token:
            fresher = yield from self._fetch(request)
        request.headers["Authorization"] = f"Bearer {fresher}"
        yield request

    def _cached_token(self) -> str | None:
        with self._lock:
            if self._token is not None and self._clock() < self._refresh_at:
                return self._token
            return None

    def _fetch(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, str]:
        form = {"grant_type": "client_credentials"}
        if self._scope:
            form["scope"] = self._scope
        extensions = {}
        if "timeout" in request.extensions:  # else the token call could hang
            extensions["timeout"] = request.extensions["timeout"]
        token_request = httpx.Request(
            "POST",
            request.url.join(self.token_url),
            data=form,
            headers={"Authorization": self._basic, "Accept": "application/json"},
            extensions=extensions,
        )
        response = yield token_request
        return self._store(response)

    def _store(self, response: httpx.Response) -> str:
        if not response.is_success:
            raise status_error_from_response(response)
        try:
            payload = response.json()
        except ValueError as exc:
            raise APIResponseValidationError(response=response, error=exc) from exc
        token = payload.get("access_token") if isinstance(payload, dict) else None
        if not isinstance(token, str) or not token:
            error = ValueError("token response has no access_token")
            raise APIResponseValidationError(response=response, error=error)
        lifetime = _seconds(payload.get("expires_in"))
        refresh_at = math.inf
        if lifetime is not None:
            early = min(self._refresh_margin, lifetime / 2)
            refresh_at = self._clock() + lifetime - early
        with self._lock:
            self._token, self._refresh_at = token, refresh_at
        return token


def _seconds(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _is_simple(auth: httpx.Auth) -> bool:
    return isinstance(auth, (_SimpleAuth, httpx.BasicAuth))


class _CombinedAuth(httpx.Auth):
    """Several credentials on one request (e.g. an API key and a bearer token)."""

    def __init__(self, auths: list[httpx.Auth]) -> None:
        networked = [auth for auth in auths if not _is_simple(auth)]
        if len(networked) > 1:
            names = ", ".join(type(auth).__name__ for auth in networked)
            raise ValueError(
                f"combine_auth: at most one credential may send requests of its own "
                f"(like OAuth2ClientCredentials); got {names}"
            )
        self._simple = [auth for auth in auths if _is_simple(auth)]
        self._network = networked[0] if networked else None
        self.requires_request_body = any(a.requires_request_body for a in auths)
        self.requires_response_body = any(a.requires_response_body for a in auths)
        self.sensitive_names = tuple(n for a in auths for n in sensitive_names(a))

    def auth_flow(self, request: httpx.Request) -> Flow:
        # Each credential leaves a value already set alone, so applying them
        # last-first lets the later one win when two set the same header.
        for auth in reversed(self._simple):
            request = next(auth.auth_flow(request))
        if self._network is None:
            yield request
        else:
            yield from self._network.auth_flow(request)


def combine_auth(*auths: httpx.Auth | None) -> httpx.Auth | None:
    """One auth from several; None entries (credentials not given) are skipped.

    On a conflict (two credentials setting the same header) the later wins.
    The simple credentials are applied before a networked one (OAuth2), so
    they are not sent to its token endpoint; two networked ones are refused.
    """
    given = [auth for auth in auths if auth is not None]
    if not given:
        return None
    if len(given) == 1:
        return given[0]
    return _CombinedAuth(given)


def sensitive_names(auth: httpx.Auth | None) -> tuple[str, ...]:
    """Header and query names an auth fills with secrets, for log redaction."""
    names = getattr(auth, "sensitive_names", ())
    return tuple(str(name) for name in names)
