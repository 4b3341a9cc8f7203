"""Fetch a `$ref`'d document over the network, only when the user opted in.

A spec is untrusted input: a `$ref` it names could make oagen reach into the
internal network, leak that a build is running, or hand it an endless or huge
answer.  So load.py refuses remote refs unless `--allow-remote-refs` (or
`allow-remote-refs = true`) is given, and even then only what this module's
`refusal` accepts is fetched: `https://` URLs, and plain `http://` only to a
loopback address (traffic that never leaves the machine, where TLS adds nothing;
it is also what the tests serve on).  Never `file://` or any other scheme.

A fetch has a total deadline and a size cap, follows at most a few redirects and
only to URLs that pass the same rule (and never from https down to http), sends
no cookies and asks for no compression (so the cap measures what is parsed).
Every failure is a `FetchError` with a code and a hint; the caller places it.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.client import HTTPMessage
from typing import IO, Any, Final
from urllib.parse import urljoin, urlsplit

import generator
from generator.config import DEFAULT_REMOTE_TIMEOUT

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_REDIRECTS",
    "MAX_REMOTE_BYTES",
    "FetchError",
    "RemotePolicy",
    "fetch",
    "refusal",
]

#: Seconds a fetch may take by default (`remote-ref-timeout`).
DEFAULT_TIMEOUT: Final = DEFAULT_REMOTE_TIMEOUT
#: Bytes a fetched document may have (OAG081); a spec file may be larger (OAG005).
MAX_REMOTE_BYTES: Final = 10 * 1024 * 1024
#: Redirects followed for one URL.
MAX_REDIRECTS: Final = 5
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class RemotePolicy:
    """The user's opt-in to remote refs, with its limits."""

    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = MAX_REMOTE_BYTES


class FetchError(Exception):
    """A document could not be fetched: a diagnostic code, a message and a hint."""

    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refusal(url: str) -> str | None:
    """Why `url` may not be fetched even with remote refs allowed, or None."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError as exc:
        return f"it is not a valid URL ({exc})"
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return f"only https:// documents are fetched, not {scheme}:"
    if not host:
        return "the URL names no host"
    if scheme == "http" and not _is_loopback(host):
        return "plain http:// is only fetched from a loopback address; use https://"
    return None


def _redirect_refusal(old: str, new: str) -> str | None:
    problem = refusal(new)
    downgrade = urlsplit(old).scheme == "https" and urlsplit(new).scheme != "https"
    if problem is None and downgrade:
        problem = "it would go from https:// down to http://"
    return problem


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to a URL that may be fetched itself."""

    max_redirections = MAX_REDIRECTS

    def http_error_302(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
    ) -> Any:
        target = headers.get("location") or headers.get("uri")
        if target:
            new = urljoin(req.full_url, target)
            problem = _redirect_refusal(req.full_url, new)
            if problem is not None:
                raise FetchError(
                    "OAG080",
                    f"{req.full_url} redirects to {new}, which is refused: {problem}",
                    "refer to the document's final https:// URL directly",
                )
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_302
    http_error_308 = http_error_302


def fetch(url: str, policy: RemotePolicy) -> bytes:
    """The body at `url` (which `refusal` accepted), within the policy's limits.

    Raises FetchError (OAG080: network, TLS, HTTP status, redirect, timeout;
    OAG081: larger than the cap).  Every socket operation is bounded by the
    timeout and the body is read in chunks against the deadline, so a server that
    trickles bytes cannot hold a run for long (DNS lookups have no timeout of
    their own in the standard library)."""
    deadline = time.monotonic() + policy.timeout
    handlers: list[urllib.request.BaseHandler] = [_Redirects()]
    if _is_loopback(urlsplit(url).hostname or ""):
        handlers.append(urllib.request.ProxyHandler({}))  # never via a proxy
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(
        url,
        headers={
            "Accept": "application/yaml, application/json;q=0.9, */*;q=0.1",
            "Accept-Encoding": "identity",
            "User-Agent": f"oagen/{generator.__version__}",
        },
    )
    timed_out = FetchError(
        "OAG080",
        f"fetching {url} took longer than {policy.timeout:g} s",
        "check that the server answers, or raise remote-ref-timeout "
        "(--remote-ref-timeout SECONDS)",
    )
    try:
        with opener.open(request, timeout=policy.timeout) as response:
            if response.status != 200:  # 204, 206 ...: not the whole document
                raise _status_error(url, response.status, response.reason)
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > policy.max_bytes:
                raise _too_large(url, policy)
            body = bytearray()
            while len(body) <= policy.max_bytes:
                if time.monotonic() > deadline:
                    raise timed_out
                chunk = response.read(min(_CHUNK, policy.max_bytes + 1 - len(body)))
                if not chunk:
                    break
                body += chunk
            if len(body) > policy.max_bytes:
                raise _too_large(url, policy)
            return bytes(body)
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        raise _status_error(url, exc.code, exc.reason) from None
    except urllib.error.URLError as exc:
        raise _network_error(url, exc.reason, timed_out) from None
    except (OSError, http.client.HTTPException) as exc:
        raise _network_error(url, exc, timed_out) from None


def _status_error(url: str, status: int, reason: str) -> FetchError:
    return FetchError(
        "OAG080",
        f"fetching {url} failed: HTTP {status} {reason}",
        "check the URL; the server must answer 200 with the document",
    )


def _too_large(url: str, policy: RemotePolicy) -> FetchError:
    return FetchError(
        "OAG081",
        f"{url} is larger than {_size(policy.max_bytes)}",
        "copy the document into the spec folder, or split it into smaller files",
    )


def _size(count: int) -> str:
    mib = count / (1024 * 1024)
    return f"{mib:g} MiB" if mib >= 1 else f"{count} bytes"


def _network_error(url: str, reason: object, timed_out: FetchError) -> FetchError:
    """A FetchError that says which part of reaching `url` failed."""
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return timed_out
    if isinstance(reason, ssl.SSLCertVerificationError):
        what = f"the TLS certificate is not trusted ({reason.verify_message})"
        hint = "fix the server's certificate; oagen does not skip verification"
    elif isinstance(reason, ssl.SSLError):
        what = f"TLS failed ({reason.reason or reason})"
        hint = "check that the server speaks https on that port"
    elif isinstance(reason, socket.gaierror):
        what = "the host name cannot be resolved"
        hint = "check the host name and the network connection"
    elif isinstance(reason, ConnectionRefusedError):
        what = "the connection was refused"
        hint = "check the host and port, and that the server is running"
    elif isinstance(reason, http.client.HTTPException):
        what = f"the server's answer is not valid HTTP ({type(reason).__name__})"
        hint = "check that the URL names an HTTP server"
    else:
        what = str(reason) or type(reason).__name__
        hint = "check the URL and the network connection"
    return FetchError("OAG080", f"fetching {url} failed: {what}", hint)
