"""µs per request of the stub and the hand-written app, called as ASGI apps in-process.

No server and no sockets: a raw ASGI scope for `GET /seat-events?limit=25` with the
load's headers goes straight into each app, so only the apps' own work is timed (what
uvicorn adds is the same for both).  Run from the repository root:

    .venv/bin/python bench/stub_micro.py [--n 5000] [--rounds 5] [--profile stub|hand]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

PATH, QUERY = "/seat-events", b"limit=25"
HEADERS = [
    (b"host", b"127.0.0.1:8000"),
    (b"authorization", b"Basic YmVuY2g6YmVuY2g="),
]


def scope() -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": PATH,
        "raw_path": PATH.encode(),
        "query_string": QUERY,
        "root_path": "",
        "headers": list(HEADERS),
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def one(app) -> bytes:
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope(), receive, send)
    assert sent[0]["status"] == 200, sent
    return b"".join(m.get("body", b"") for m in sent[1:])


async def timed(app, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        await one(app)
    return (time.perf_counter() - start) / n * 1e6


async def main(args) -> None:
    sys.path[:0] = [str(args.generated), str(HERE)]
    import handwritten_app
    import mock_app

    apps = {"stub": mock_app.app, "hand": handwritten_app.app}
    # lifespan is not run; FastAPI's middleware stack is built on first call
    bodies = {name: await one(app) for name, app in apps.items()}
    import json

    assert json.loads(bodies["stub"]) == json.loads(bodies["hand"]), "bodies differ"
    for app in apps.values():
        await timed(app, 500)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        await timed(apps[args.profile], args.n)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        return
    results: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(args.rounds):
        for name, app in apps.items():
            results[name].append(await timed(app, args.n))
    for name, values in results.items():
        print(
            f"{name}: {statistics.median(values):7.1f} µs/request "
            f"(min {min(values):.1f}, max {max(values):.1f})"
        )
    ratio = statistics.median(results["hand"]) / statistics.median(results["stub"])
    print(f"stub speed vs hand: {ratio:.3f}x (app time only)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", choices=("stub", "hand"))
    parser.add_argument(
        "--generated",
        type=Path,
        default=HERE.parent / "generated",
        help="the folder holding the generated package (default: generated/)",
    )
    asyncio.run(main(parser.parse_args()))
