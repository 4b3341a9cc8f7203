"""Page decode: a 100-item page of SeatEvents, bytes in, typed object out.

Contestants (µs per page; the caller interleaves rounds and takes medians):
  pydantic   raw `Model.model_validate_json(bytes)` on oagen's generated model;
  oagen      the generated client's path, `_runtime.client.decode_response(httpx.Response, Model)`;
  opc        openapi-python-client's `Model.from_dict(json.loads(bytes))`, and its
             generated `_parse_response(client=..., response=httpx.Response)`.
Each side runs in a fresh interpreter of its own venv:
`python decode.py oagen|opc PACKAGE_PARENT_DIR PACKAGE PAGE_FILE` prints seconds per call as JSON.
"""

from __future__ import annotations

import importlib
import json
import sys
import timeit
from pathlib import Path

MODEL = "ListSeatEventsEndpointEndpointResponseModel"
HEADERS = {"content-type": "application/json"}


def page_bytes(spec: Path, items: int = 100) -> bytes:
    """The seed's example SeatEvent repeated `items` times with distinct ids."""
    import yaml

    schemas = yaml.safe_load(spec.read_text())["components"]["schemas"]
    example = schemas["SeatEvent"]["example"]
    page = {
        "items": [
            {
                **example,
                "id": f"{example['id'][:24]}{i:012x}",
                "customerEventId": f"{example['customerEventId']}-{i}",
                "total": i,
            }
            for i in range(items)
        ],
        "pagination": schemas[MODEL]["example"]["pagination"],
    }
    return json.dumps(page).encode()


def per_call(fn, min_time: float = 0.2) -> float:
    """Seconds per call: the best of 3 timeit repeats of an autoranged loop."""
    fn()  # warm caches (TypeAdapter, imports)
    number, _ = timeit.Timer(fn).autorange()
    number = max(1, int(number * min_time / 0.2))
    return min(timeit.repeat(fn, number=number, repeat=3)) / number


def _oagen(generated: str, package: str, data: bytes) -> dict:
    """Raw pydantic and oagen's client path, checked to agree."""
    import httpx

    sys.path.insert(0, generated)
    model = getattr(importlib.import_module(f"{package}.models"), MODEL)
    runtime = importlib.import_module(f"{package}._runtime.client")  # re-exports it

    def raw():
        return model.model_validate_json(data)

    def client():
        response = httpx.Response(200, content=data, headers=HEADERS)
        return runtime.decode_response(response, model)

    received = httpx.Response(200, content=data, headers=HEADERS)

    def parse_only():
        # The response as the transport hands it over: httpx has built it already.
        return runtime.decode_response(received, model)

    assert raw() == client() == parse_only() and len(raw().items) == 100
    return {"pydantic": raw, "oagen": client, "oagen parse only": parse_only}


def _opc(out: str, package: str, data: bytes) -> dict:
    """openapi-python-client's model `from_dict` and its generated `_parse_response`."""
    import httpx

    sys.path.insert(0, out)
    model = getattr(importlib.import_module(f"{package}.models"), MODEL)
    api = importlib.import_module(f"{package}.api.seat_events.get_seat_events")
    client = importlib.import_module(package).Client(base_url="http://127.0.0.1")

    def from_dict():
        return model.from_dict(json.loads(data))

    def parse_response():
        response = httpx.Response(200, content=data, headers=HEADERS)
        return api._parse_response(client=client, response=response)

    assert len(from_dict().items) == len(parse_response().items) == 100
    return {"opc from_dict": from_dict, "opc _parse_response": parse_response}


if __name__ == "__main__":
    kind, where, package, page = sys.argv[1:5]
    contestants = {"oagen": _oagen, "opc": _opc}[kind](
        where, package, Path(page).read_bytes()
    )
    print(json.dumps({name: per_call(fn) for name, fn in contestants.items()}))
