"""Serve an ASGI app under uvicorn on 127.0.0.1 and load it, bounded in time and count.

The load generator is `wrk` when it is installed (`apt-get install wrk`), else a
small asyncio + httpx loop.  Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping

HOST = "127.0.0.1"
HEADERS = {"Authorization": "Basic YmVuY2g6YmVuY2g="}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=HEADERS)
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, response.read()


@contextlib.contextmanager
def serve(
    app: str,
    env: Mapping[str, str],
    cwd: os.PathLike[str],
    path: str,
    python: os.PathLike[str] | str = sys.executable,
) -> Iterator[str]:
    """Run `uvicorn app` (1 worker, no access log) and yield the URL of `path`."""
    port = free_port()
    cmd = [
        str(python),
        "-m",
        "uvicorn",
        app,
        "--host",
        HOST,
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        cmd, env=dict(env), cwd=cwd, stdout=log, stderr=log, start_new_session=True
    )
    url = f"http://{HOST}:{port}{path}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get(url)
                break
            except urllib.error.HTTPError as error:
                raise RuntimeError(
                    f"{app} answered {error.code} to GET {path}"
                ) from None
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    last = (
                        log.read().decode(errors="replace").strip().splitlines()
                        or ["no output"]
                    )[-1]
                    raise RuntimeError(
                        f"{app} did not start (exit {proc.poll()}): {last}"
                    ) from None
                time.sleep(0.1)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def tool() -> str:
    return "wrk" if shutil.which("wrk") else "asyncio+httpx"


def load(
    url: str, seconds: float = 5, connections: int = 32, max_requests: int = 200_000
) -> tuple[float, int]:
    """Requests per second and failures (non-2xx or socket errors), over `seconds` (and at most `max_requests`)."""
    assert url.startswith(f"http://{HOST}:"), url
    if shutil.which("wrk"):
        return _wrk(url, seconds, connections)
    return asyncio.run(_httpx_loop(url, seconds, connections, max_requests))


def _wrk(url: str, seconds: float, connections: int) -> tuple[float, int]:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "5s", url]
    for name, value in HEADERS.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        cmd, capture_output=True, text=True, timeout=seconds + 30
    ).stdout
    rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    errors = re.search(r"Socket errors:(.*)", out)
    failed = int(bad.group(1)) if bad else 0
    failed += sum(map(int, re.findall(r"\d+", errors.group(1)))) if errors else 0
    return rps, failed


async def _httpx_loop(
    url: str, seconds: float, connections: int, max_requests: int
) -> tuple[float, int]:
    import httpx

    done = bad = 0
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(limits=limits, headers=HEADERS, timeout=5) as client:

        async def worker() -> None:
            nonlocal done, bad
            while time.perf_counter() < stop and done < max_requests:
                response = await client.get(url)
                done += 1
                bad += not response.is_success

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        return done / (time.perf_counter() - start), bad
