"""A second, richer spec end to end: what the seed does not exercise.

`tests/features/petstore/openapi.yaml` (OpenAPI 3.1) has server variables,
security schemes, a JSON request body, 201/204 responses, typed error bodies,
token pagination, enums, path parameters and an untagged operation.  It is
generated into a temporary folder, linted, and its client talks to its server.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi import HTTPException, Request

from tests.conftest import REPO
from tests.live_server import live_server
from tests.packages import LINTERS, generate, imported, lint

SPEC = REPO / "tests" / "features" / "petstore" / "openapi.yaml"


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("petstore")
    generate(SPEC, folder, "petstore", default_server="production")
    return folder


@pytest.fixture(scope="module")
def petstore(output: Path) -> Iterator[ModuleType]:
    with imported(output, "petstore") as package:
        yield package


@pytest.mark.parametrize("linter", LINTERS)
def test_the_generated_package_passes_the_linters(output: Path, linter: str) -> None:
    done = lint(output, "petstore", linter)
    assert done.returncode == 0, done.stdout + done.stderr


class Pets:
    def __init__(self, models: ModuleType) -> None:
        self.models = models
        self.pets = {
            n: models.Pet(id=n, name=f"pet-{n}", species=models.Species.CAT)
            for n in range(1, 8)
        }

    def list_pets(
        self,
        *,
        page_token: str | None,
        page_size: int | None,
        species: Any,
        x_request_source: str | None,
    ) -> Any:
        ids = sorted(self.pets)
        start = int(page_token or 0)
        size = page_size or 3
        chunk = ids[start : start + size]
        following = start + size
        page = self.models.PetList(data=[self.pets[i] for i in chunk])
        if following < len(ids):
            page.next_page_token = str(following)
        return page

    async def create_pet(self, *, body: Any) -> Any:
        if any(pet.name == body.name for pet in self.pets.values()):
            raise HTTPException(status_code=409, detail="taken")
        pet = self.models.Pet(
            id=max(self.pets) + 1, name=body.name, species=body.species
        )
        self.pets[pet.id] = pet
        return pet

    def get_pet(self, *, pet_id: int) -> Any:
        if pet_id not in self.pets:
            raise HTTPException(status_code=404, detail="no such pet")
        return self.pets[pet_id]

    def delete_pet(self, *, pet_id: int) -> None:
        self.pets.pop(pet_id, None)


class Health:
    def health(self) -> Any:
        return {"status": "up"}


@pytest.fixture(scope="module")
def server(petstore: ModuleType) -> Iterator[tuple[str, list[Request]]]:
    models = importlib.import_module("petstore.models")
    app = importlib.import_module("petstore.server").create_app(
        pets=Pets(models), default=Health()
    )
    seen: list[Request] = []

    @app.exception_handler(HTTPException)
    async def typed_errors(request: Request, error: HTTPException) -> Any:
        from fastapi.responses import JSONResponse

        return JSONResponse(
            {"code": str(error.status_code), "message": error.detail},
            status_code=error.status_code,
        )

    @app.middleware("http")
    async def record(request: Request, call_next: Any) -> Any:
        seen.append(request)
        return await call_next(request)

    with live_server(app) as url:
        yield url, seen


def test_server_variables_pick_the_host(petstore: ModuleType) -> None:
    assert petstore.Client().base_url == "https://eu.pets.example.com/v2"
    assert (
        petstore.Client(server_variables={"region": "us"}).base_url
        == "https://us.pets.example.com/v2"
    )
    assert (
        petstore.Client(environment=petstore.Environment.LOCAL).base_url
        == "http://localhost:8080"
    )
    with pytest.raises(ValueError, match="must be one of"):
        petstore.Client(server_variables={"region": "mars"})
    with pytest.raises(ValueError, match="unknown server variable"):
        petstore.Client(server_variables={"zone": "a"})


def test_credentials_body_and_typed_errors(
    petstore: ModuleType, server: tuple[str, list[Request]]
) -> None:
    url, seen = server
    models = importlib.import_module("petstore.models")
    with petstore.Client(base_url=url, api_key="k-123", token="t-456") as client:
        created = client.pets.create_pet(
            body=models.NewPet(name="rex", species=models.Species.DOG)
        )
        assert isinstance(created, models.Pet) and created.species is models.Species.DOG
        assert client.pets.get_pet(pet_id=created.id).name == "rex"
        with pytest.raises(petstore.ConflictError) as conflict:
            client.pets.create_pet(
                body=models.NewPet(name="rex", species=models.Species.DOG)
            )
        assert (
            isinstance(conflict.value.body, models.Error)
            and conflict.value.body.message == "taken"
        )
        assert client.pets.delete_pet(pet_id=created.id) is None
        with pytest.raises(petstore.NotFoundError) as missing:
            client.pets.get_pet(pet_id=created.id)
        assert isinstance(missing.value.body, models.Error)
        assert client.default.health().status == "up"
    request = seen[0]
    assert request.query_params["api-key"] == "k-123"
    assert request.headers["authorization"] == "Bearer t-456"


def test_token_pagination_sync_and_async(
    petstore: ModuleType, server: tuple[str, list[Request]]
) -> None:
    url, _ = server
    with petstore.Client(base_url=url) as client:
        names = [pet.name for pet in client.pets.iter_pets(page_size=2)]
        pages = list(client.pets.iter_pets(page_size=2).pages())
    assert names[:7] == [f"pet-{n}" for n in range(1, 8)]
    assert len(pages) >= 4 and not pages[-1].has_next_page()

    async def collect() -> list[str]:
        async with petstore.AsyncClient(base_url=url) as client:
            return [pet.name async for pet in client.pets.iter_pets(page_size=3)]

    assert asyncio.run(collect()) == names


def test_bad_input_gets_the_declared_or_default_status(
    petstore: ModuleType, server: tuple[str, list[Request]]
) -> None:
    import httpx

    url, _ = server
    too_big = httpx.get(f"{url}/pets", params={"pageSize": "500"})
    assert too_big.status_code == 422  # listPets declares no 400...
    # ...but a `default` Error schema, so the answer takes its shape.
    error = too_big.json()
    assert set(error) == {"code", "message"}
    assert error["code"] == "invalid_request"
    assert "'pageSize'" in error["message"] and "50" in error["message"]
    not_a_species = httpx.post(f"{url}/pets", json={"name": "x", "species": "dragon"})
    assert not_a_species.status_code == 422  # createPet declares no 4XX schema
    assert not_a_species.json()["error"]["errors"][0]["name"] == "species"
