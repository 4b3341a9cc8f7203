"""Credentials (``_runtime/auth.py``) as they reach the server through a transport."""

from __future__ import annotations

import asyncio
import base64
import threading
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from generator.runtime.auth import (
    BasicAuth,
    BearerAuth,
    CookieAuth,
    HeaderAuth,
    OAuth2ClientCredentials,
    QueryAuth,
    combine_auth,
    sensitive_names,
)
from generator.runtime.errors import (
    APIResponseValidationError,
    AuthenticationError,
)
from tests.runtime.helpers import Script, async_transport, send, sync_transport

MODES = pytest.mark.parametrize("mode", ["sync", "async"])


def one(mode: str, auth: httpx.Auth | None, **kwargs: Any) -> httpx.Request:
    """The request as the server sees it, sent with ``auth``."""
    script = Script([204])
    send(mode, script, transport_options={"auth": auth}, **kwargs)
    assert len(script.requests) == 1
    return script.requests[0]


@MODES
def test_bearer(mode: str) -> None:
    assert one(mode, BearerAuth("tok")).headers["authorization"] == "Bearer tok"


@MODES
def test_header(mode: str) -> None:
    sent = one(mode, HeaderAuth("X-Api-Key", "k1"))
    assert sent.headers["x-api-key"] == "k1"
    ready = one(mode, HeaderAuth("Authorization", "Basic abc="))
    assert ready.headers["authorization"] == "Basic abc="


@MODES
def test_query(mode: str) -> None:
    sent = one(mode, QueryAuth("api_key", "k 1"), query={"limit": 5})
    assert sent.url.params.multi_items() == [("limit", "5"), ("api_key", "k 1")]


@MODES
def test_cookie(mode: str) -> None:
    assert one(mode, CookieAuth("session", "s1")).headers["cookie"] == "session=s1"
    merged = one(mode, CookieAuth("session", "s1"), headers={"Cookie": "theme=dark"})
    assert merged.headers["cookie"] == "theme=dark; session=s1"


@MODES
def test_basic(mode: str) -> None:
    sent = one(mode, BasicAuth("user", "p:ss"))
    expected = "Basic " + base64.b64encode(b"user:p:ss").decode()
    assert sent.headers["authorization"] == expected
    assert isinstance(BasicAuth("u", "p"), httpx.BasicAuth)
    # The same header httpx itself builds.
    probe = httpx.Request("GET", "https://h")
    next(httpx.BasicAuth("user", "p:ss").auth_flow(probe))
    assert probe.headers["authorization"] == expected


@MODES
@pytest.mark.parametrize(
    ("auth", "where"),
    [
        (BearerAuth("client"), "header"),
        (BasicAuth("u", "p"), "header"),
        (HeaderAuth("Authorization", "Basic client"), "header"),
        (QueryAuth("key", "client"), "query"),
        (CookieAuth("key", "client"), "cookie"),
    ],
)
def test_a_value_given_for_the_call_wins(
    mode: str, auth: httpx.Auth, where: str
) -> None:
    if where == "header":
        sent = one(mode, auth, extra_headers={"Authorization": "Bearer per-call"})
        assert sent.headers.get_list("authorization") == ["Bearer per-call"]
        sent = one(mode, auth, headers={"authorization": "Bearer op"})
        assert sent.headers.get_list("authorization") == ["Bearer op"]
    elif where == "query":
        sent = one(mode, auth, extra_query={"key": "per-call"})
        assert sent.url.params.get_list("key") == ["per-call"]
    else:
        sent = one(mode, auth, headers={"Cookie": "key=per-call"})
        assert sent.headers["cookie"] == "key=per-call"


@MODES
def test_auth_applies_with_a_callers_own_client_and_on_every_retry(mode: str) -> None:
    # The helpers always pass an http_client; every attempt carries the credential.
    script = Script([503, 503, 204])
    send(mode, script, transport_options={"auth": BearerAuth("t")})
    assert [r.headers["authorization"] for r in script.requests] == ["Bearer t"] * 3
    # A retried query credential is not appended twice.
    script = Script([503, 204])
    send(mode, script, transport_options={"auth": QueryAuth("k", "v")})
    assert [str(r.url) for r in script.requests] == ["https://h/api/x?k=v"] * 2


def test_reprs_hide_secrets() -> None:
    auths: list[httpx.Auth] = [
        BearerAuth("s3cret"),
        HeaderAuth("X-Key", "s3cret"),
        QueryAuth("k", "s3cret"),
        CookieAuth("c", "s3cret"),
        BasicAuth("user", "s3cret"),
        OAuth2ClientCredentials("https://h/token", "id", "s3cret"),
    ]
    for auth in auths:
        assert "s3cret" not in repr(auth)


# --- combine_auth -----------------------------------------------------------------


def test_combine_auth_none_and_single() -> None:
    assert combine_auth() is None
    assert combine_auth(None, None) is None
    bearer = BearerAuth("t")
    assert combine_auth(None, bearer, None) is bearer


@MODES
def test_combine_auth_applies_all_and_later_wins(mode: str) -> None:
    auth = combine_auth(
        HeaderAuth("X-Api-Key", "k"),
        None,
        BasicAuth("u", "p"),
        QueryAuth("q", "v"),
        HeaderAuth("Authorization", "Basic ready"),
    )
    sent = one(mode, auth)
    assert sent.headers["x-api-key"] == "k"
    assert sent.headers.get_list("authorization") == ["Basic ready"]
    assert sent.url.params["q"] == "v"
    assert set(sensitive_names(auth)) == {"X-Api-Key", "q", "Authorization"}


def test_combine_auth_refuses_two_networked_credentials() -> None:
    first = OAuth2ClientCredentials("https://h/t", "a", "b")
    second = OAuth2ClientCredentials("https://h/t2", "c", "d")
    with pytest.raises(ValueError, match="at most one credential"):
        combine_auth(first, second)


# --- OAuth2 client credentials ----------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class TokenServer:
    """A token endpoint plus an API that accepts only the latest token."""

    def __init__(self, expires_in: object = 3600, reject: int = 0) -> None:
        self.expires_in = expires_in
        self.token_requests: list[httpx.Request] = []
        self.api_requests: list[httpx.Request] = []
        # Header values as they arrived: a re-sent request object is mutated.
        self.api_auth: list[str | None] = []
        self.reject = reject  # how many API calls answer 401 regardless
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            if request.url.path.endswith("/oauth/token"):
                self.token_requests.append(request)
                body: dict[str, Any] = {
                    "access_token": f"tok{len(self.token_requests)}",
                    "token_type": "Bearer",
                }
                if self.expires_in is not None:
                    body["expires_in"] = self.expires_in
                return httpx.Response(200, json=body)
            self.api_requests.append(request)
            self.api_auth.append(request.headers.get("authorization"))
            latest = f"Bearer tok{len(self.token_requests)}"
            if self.reject > 0 or request.headers.get("authorization") != latest:
                self.reject -= 1
                return httpx.Response(401, json={"error": "invalid_token"})
            return httpx.Response(200, json={"ok": True})


def run_calls(
    mode: str, server: TokenServer, auth: httpx.Auth, steps: list[Any]
) -> None:
    """Each step is a clock time to set (float) or "call"."""
    if mode == "sync":
        transport = sync_transport(server, auth=auth, max_retries=0)
        for step in steps:
            if step == "call":
                transport.request("GET", "/x", cast_to=None)
            else:
                step()
        return

    async def run() -> None:
        atransport = async_transport(server, auth=auth, max_retries=0)
        for step in steps:
            if step == "call":
                await atransport.request("GET", "/x", cast_to=None)
            else:
                step()

    asyncio.run(run())


def oauth(clock: Clock | None = None, **kwargs: Any) -> OAuth2ClientCredentials:
    options: dict[str, Any] = {"clock": clock or Clock(), **kwargs}
    return OAuth2ClientCredentials("/oauth/token", "my id", "s&cret", **options)


@MODES
def test_oauth2_token_is_fetched_once_and_cached(mode: str) -> None:
    server = TokenServer()
    auth = oauth(scopes=["read", "write"])
    run_calls(mode, server, auth, ["call", "call", "call"])
    assert len(server.token_requests) == 1
    assert server.api_auth == ["Bearer tok1"] * 3
    token_request = server.token_requests[0]
    assert token_request.method == "POST"
    # Relative token URL: resolved against the API request's URL.
    assert str(token_request.url) == "https://h/oauth/token"
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(token_request.content.decode()) == {
        "grant_type": ["client_credentials"],
        "scope": ["read write"],
    }
    credentials = base64.b64encode(b"my+id:s%26cret").decode()  # RFC 6749 2.3.1
    assert token_request.headers["authorization"] == f"Basic {credentials}"


@MODES
def test_oauth2_absolute_token_url_and_no_scope(mode: str) -> None:
    server = TokenServer()
    auth = OAuth2ClientCredentials("https://login.h/v1/oauth/token", "a", "b")
    run_calls(mode, server, auth, ["call"])
    assert str(server.token_requests[0].url) == "https://login.h/v1/oauth/token"
    assert parse_qs(server.token_requests[0].content.decode()) == {
        "grant_type": ["client_credentials"]
    }


@MODES
def test_oauth2_token_refreshed_before_expiry(mode: str) -> None:
    server = TokenServer(expires_in=100)
    clock = Clock()
    auth = oauth(clock, refresh_margin=30)

    def at(t: float) -> Any:
        def set_time() -> None:
            clock.now = 1000.0 + t

        return set_time

    run_calls(mode, server, auth, ["call", at(69.9), "call", at(70.0), "call", "call"])
    assert len(server.token_requests) == 2
    assert server.api_auth == [
        "Bearer tok1",
        "Bearer tok1",
        "Bearer tok2",
        "Bearer tok2",
    ]


@MODES
def test_oauth2_short_lived_token_is_refreshed_at_half_its_life(mode: str) -> None:
    server = TokenServer(expires_in="20")  # shorter than the margin; a string, too
    clock = Clock()
    auth = oauth(clock, refresh_margin=30)

    def later() -> None:
        clock.now += 9.9

    run_calls(mode, server, auth, ["call", later, "call", later, "call"])
    assert len(server.token_requests) == 2


@MODES
def test_oauth2_without_expiry_is_kept_until_a_401(mode: str) -> None:
    server = TokenServer(expires_in=None)
    clock = Clock()

    def much_later() -> None:
        clock.now += 1e9

    run_calls(mode, server, oauth(clock), ["call", much_later, "call"])
    assert len(server.token_requests) == 1


@MODES
def test_oauth2_refreshes_once_on_401(mode: str) -> None:
    server = TokenServer(reject=1)
    run_calls(mode, server, oauth(), ["call"])
    assert len(server.token_requests) == 2
    assert server.api_auth == [
        "Bearer tok1",
        "Bearer tok2",
    ]


@MODES
def test_oauth2_second_401_raises(mode: str) -> None:
    server = TokenServer(reject=5)
    with pytest.raises(AuthenticationError) as info:
        run_calls(mode, server, oauth(), ["call"])
    assert info.value.body == {"error": "invalid_token"}
    assert len(server.token_requests) == 2
    assert len(server.api_requests) == 2


@MODES
def test_oauth2_token_endpoint_errors(mode: str) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "invalid_client"})

    with pytest.raises(AuthenticationError) as info:
        send(mode, refuse, transport_options={"auth": oauth()})
    assert info.value.body == {"error": "invalid_client"}
    assert info.value.request.url.path == "/oauth/token"

    def no_token(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"token_type": "Bearer"})

    with pytest.raises(APIResponseValidationError, match="access_token"):
        send(mode, no_token, transport_options={"auth": oauth()})


def test_oauth2_token_request_keeps_the_call_timeout() -> None:
    server = TokenServer()
    send("sync", server, transport_options={"auth": oauth()}, timeout=1.5)
    assert server.token_requests[0].extensions["timeout"]["read"] == 1.5


@MODES
def test_oauth2_combined_with_an_api_key(mode: str) -> None:
    server = TokenServer()
    auth = combine_auth(HeaderAuth("X-Api-Key", "k"), oauth())
    assert auth is not None
    run_calls(mode, server, auth, ["call"])
    assert server.api_requests[0].headers["x-api-key"] == "k"
    assert server.api_requests[0].headers["authorization"] == "Bearer tok1"
    # The API key is not sent to the token endpoint.
    assert "x-api-key" not in server.token_requests[0].headers


def test_oauth2_is_thread_safe() -> None:
    server = TokenServer()
    transport = sync_transport(server, auth=oauth(), max_retries=0)
    transport.request("GET", "/warm", cast_to=None)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(25):
                transport.request("GET", "/x", cast_to=None)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(server.api_requests) == 1 + 8 * 25
    assert len(server.token_requests) == 1


def test_oauth2_concurrent_async_calls_share_the_token() -> None:
    server = TokenServer()

    async def run() -> None:
        transport = async_transport(server, auth=oauth(), max_retries=0)
        await transport.request("GET", "/warm", cast_to=None)
        await asyncio.gather(
            *(transport.request("GET", "/x", cast_to=None) for _ in range(20))
        )

    asyncio.run(run())
    assert len(server.token_requests) == 1
    assert len(server.api_requests) == 21
