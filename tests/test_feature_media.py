"""Bodies and responses that are not JSON, end to end.

`tests/features/media/openapi.yaml` has a form-urlencoded login, a multipart
upload (a file, fields, a list of files), an octet-stream upload, text in and
out, a binary download, a PNG, markdown, an Atom (XML) feed and an operation
declared only as `default`.  It is generated into a temporary folder, linted,
its client talks to its server with a user implementation over real HTTP, its
mock answers every operation, and schemathesis finds nothing in the mock.
"""

from __future__ import annotations

import asyncio
import importlib
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import HTTPException, Request
from hypothesis import HealthCheck, settings

from tests.conftest import REPO
from tests.live_server import live_server
from tests.packages import LINTERS, generate, imported, lint
from tests.test_mock_server import CHECKS, _declares_bad_input_status

SPEC = REPO / "tests" / "features" / "media" / "openapi.yaml"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("media")
    generate(SPEC, folder, "media")
    return folder


@pytest.fixture(scope="module")
def media(output: Path) -> Iterator[ModuleType]:
    with imported(output, "media") as package:
        yield package


@pytest.mark.parametrize("linter", LINTERS)
def test_the_generated_package_passes_the_linters(output: Path, linter: str) -> None:
    done = lint(output, "media", linter)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_user_implementation_type_checks(output: Path) -> None:
    """The protocols name what FastAPI hands over: models, UploadFile, bytes, str."""
    (output / "user_server.py").write_text(USER_SERVER)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "user_server.py",
        ],
        cwd=output,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


USER_SERVER = """
from __future__ import annotations

import fastapi

from media.models import Health, Login, Origin, Session, Upload
from media.server import AuthApi, DefaultApi, FilesApi, NotesApi, create_app


class Auth:
    def login(self, *, body: Login) -> Session:
        return Session(token="t", username=body.username)


class Files:
    async def upload_file(
        self,
        *,
        file: fastapi.UploadFile,
        description: str | None,
        tags: list[str] | None,
        attachments: list[fastapi.UploadFile] | None,
        origin: Origin | None,
    ) -> Upload:
        return Upload(id="1", size=len(await file.read()))

    def download_file(self, *, file_id: str) -> bytes:
        return b""

    def put_file(self, *, file_id: str, body: bytes) -> Upload:
        return Upload(id=file_id, size=len(body))

    def get_preview(self, *, file_id: str) -> bytes:
        return b""


class Notes:
    def echo_note(self, *, body: str) -> str:
        return body

    def get_readme(self) -> str:
        return ""

    def get_feed(self) -> str:
        return "<feed/>"


class Default:
    def health(self) -> Health:
        return Health.model_validate({"status": "up"})


auth: AuthApi = Auth()
files: FilesApi = Files()
notes: NotesApi = Notes()
default: DefaultApi = Default()
app = create_app(auth=auth, files=files, notes=notes, default=default)
"""


# --- the generated client against the generated server, with an implementation ---


class Store:
    """What a user writes: files kept in memory."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.seen: list[dict[str, Any]] = []

    def login(self, *, body: Any) -> Any:
        if body.password != "secret":
            raise HTTPException(status_code=400, detail="wrong password")
        return {"token": "t-1", "username": body.username, "scopes": body.scopes}

    async def upload_file(
        self,
        *,
        file: Any,
        description: str | None,
        tags: list[str] | None,
        attachments: list[Any] | None,
        origin: Any,
    ) -> Any:
        data = await file.read()
        file_id = str(len(self.files) + 1)
        self.files[file_id] = data
        self.seen.append(
            {
                "attachments": [
                    (a.filename, await a.read()) for a in attachments or []
                ],
                "origin": origin,
            }
        )
        return {
            "id": file_id,
            "size": len(data),
            "filename": file.filename,
            "contentType": file.content_type,
            "description": description,
            "tags": tags or [],
        }

    def download_file(self, *, file_id: str) -> bytes:
        if file_id not in self.files:
            raise HTTPException(status_code=404, detail="no such file")
        return self.files[file_id]

    def put_file(self, *, file_id: str, body: bytes) -> Any:
        self.files[file_id] = body
        return {"id": file_id, "size": len(body)}

    def get_preview(self, *, file_id: str) -> bytes:
        return PNG_MAGIC + self.files.get(file_id, b"")

    def echo_note(self, *, body: str) -> str:
        return body.upper()

    def get_readme(self) -> str:
        return "# Media\n"

    def get_feed(self) -> str:
        return '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"/>'

    def health(self) -> Any:
        return {"status": "up"}


@pytest.fixture(scope="module")
def server(media: ModuleType) -> Iterator[tuple[str, Store, list[Request]]]:
    store = Store()
    app = importlib.import_module("media.server").create_app(
        auth=store, files=store, notes=store, default=store, validate_responses=True
    )
    seen: list[Request] = []

    @app.middleware("http")
    async def record(request: Request, call_next: Any) -> Any:
        seen.append(request)
        return await call_next(request)

    with live_server(app) as url:
        yield url, store, seen


def test_a_form_body_is_sent_as_fields_and_read_into_the_model(
    media: ModuleType, server: tuple[str, Store, list[Request]]
) -> None:
    url, _, seen = server
    models = importlib.import_module("media.models")
    with media.Client(base_url=url) as client:
        session = client.auth.login(
            body=models.Login(
                username="ada", password="secret", remember_me=True, scopes=["a", "b"]
            )
        )
        assert isinstance(session, models.Session)
        assert (session.username, session.scopes) == ("ada", ["a", "b"])
        with pytest.raises(media.BadRequestError):
            client.auth.login(body=models.Login(username="ada", password="nope"))
    assert seen[-2].headers["content-type"] == "application/x-www-form-urlencoded"
    form = httpx.post(
        f"{url}/login",
        data={"username": "ada", "password": "secret", "remember-me": "true"},
    )
    assert form.status_code == 200 and form.json()["username"] == "ada"
    missing = httpx.post(f"{url}/login", data={"username": "ada"})
    assert missing.status_code == 400  # declared, so bad input answers 400


def test_a_multipart_upload_takes_bytes_files_and_tuples(
    media: ModuleType, server: tuple[str, Store, list[Request]]
) -> None:
    url, store, _ = server
    with media.Client(base_url=url) as client:
        plain = client.files.upload_file(file=b"hello")
        named = client.files.upload_file(
            file=("notes.txt", b"hello there", "text/plain"),
            description="greeting",
            tags=["x", "y"],
            attachments=[("a.bin", b"1"), io.BytesIO(b"22")],
        )
        assert (plain.size, plain.filename) == (5, "upload")
        assert (named.size, named.filename, named.content_type) == (
            11,
            "notes.txt",
            "text/plain",
        )
        assert (named.description, named.tags) == ("greeting", ["x", "y"])
        assert store.seen[-1]["attachments"] == [("a.bin", b"1"), ("upload", b"22")]
        client.files.upload_file(
            file=b"x", origin=media.models.Origin(source="cli", tags=["a"])
        )
        origin = store.seen[-1]["origin"]  # a JSON part, read back into the model
        assert (type(origin).__name__, origin.source, origin.tags) == (
            "Origin",
            "cli",
            ["a"],
        )
        with pytest.raises(media.BadRequestError):
            client.files.upload_file(file=b"x", description="d" * 101)


def test_binary_in_and_out(
    media: ModuleType, server: tuple[str, Store, list[Request]]
) -> None:
    url, _, seen = server
    payload = bytes(range(256))
    with media.Client(base_url=url) as client:
        stored = client.files.put_file(file_id="raw", body=payload)
        assert seen[-1].headers["content-type"] == "application/octet-stream"
        assert stored.size == 256
        assert client.files.download_file(file_id="raw") == payload
        raw = client.files.with_raw_response.get_preview(file_id="raw")
        assert raw.headers["content-type"] == "image/png"
        assert raw.parse() == PNG_MAGIC + payload
        with pytest.raises(media.NotFoundError):
            client.files.download_file(file_id="nope")


def test_text_and_xml_in_and_out(
    media: ModuleType, server: tuple[str, Store, list[Request]]
) -> None:
    url, _, seen = server
    with media.Client(base_url=url) as client:
        assert client.notes.echo_note(body="héllo") == "HÉLLO"
        assert seen[-1].headers["content-type"] == "text/plain"
        assert client.notes.get_readme() == "# Media\n"
        feed = client.notes.with_raw_response.get_feed()
        assert feed.headers["content-type"] == "application/atom+xml"
        assert feed.parse().startswith("<?xml")  # str: XML is not parsed
    latin = httpx.post(
        f"{url}/notes",
        content="é".encode("latin-1"),
        headers={"content-type": "text/plain; charset=latin-1"},
    )
    assert latin.text == "É"
    broken = httpx.post(
        f"{url}/notes", content=b"\xff", headers={"content-type": "text/plain"}
    )
    assert broken.status_code == 422


def test_a_default_only_response_is_the_result(
    media: ModuleType, server: tuple[str, Store, list[Request]]
) -> None:
    url, _, _ = server
    with media.Client(base_url=url) as client:
        assert client.default.health().status.value == "up"


def test_the_async_client_sends_the_same_bodies(
    media: ModuleType, server: tuple[str, Store, list[Request]]
) -> None:
    url, _, _ = server
    models = importlib.import_module("media.models")

    async def run() -> tuple[Any, ...]:
        async with media.AsyncClient(base_url=url) as client:
            session = await client.auth.login(
                body=models.Login(username="bo", password="secret")
            )
            upload = await client.files.upload_file(
                file=("a.txt", io.BytesIO(b"async"))
            )
            data = await client.files.download_file(file_id=upload.id)
            note = await client.notes.echo_note(body="hi")
            return session.username, upload.filename, data, note

    assert asyncio.run(run()) == ("bo", "a.txt", b"async", "HI")


def test_a_wrong_result_type_is_a_500_not_a_bad_body(media: ModuleType) -> None:
    class Wrong(Store):
        def get_readme(self) -> Any:
            return b"bytes, not text"

    store = Wrong()
    app = importlib.import_module("media.server").create_app(
        auth=store, files=store, notes=store, default=store, validate_responses=True
    )
    with live_server(app) as url:
        response = httpx.get(f"{url}/readme")
    assert response.status_code == 500
    assert "returned bytes, not str" in response.text


# --- the mock -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def mock_url(media: ModuleType) -> Iterator[str]:
    from media.server.mock import create_mock_app

    with live_server(create_mock_app(validate_responses=True)) as url:
        yield url


def test_the_mock_answers_every_operation_in_its_media_type(
    media: ModuleType, mock_url: str
) -> None:
    models = importlib.import_module("media.models")
    with media.Client(base_url=mock_url) as client:
        assert isinstance(
            client.auth.login(body=models.Login(username="a", password="b")),
            models.Session,
        )
        assert isinstance(client.files.upload_file(file=b"x"), models.Upload)
        assert isinstance(client.files.put_file(file_id="1", body=b"x"), models.Upload)
        assert client.files.download_file(file_id="1") == b"oagen"
        preview = client.files.with_raw_response.get_preview(file_id="1")
        assert preview.headers["content-type"] == "image/png"
        assert preview.parse().startswith(PNG_MAGIC)  # a real 1x1 PNG
        assert client.notes.echo_note(body="x") == "string"  # made from the schema
        readme = client.notes.with_raw_response.get_readme()
        assert readme.headers["content-type"].startswith("text/markdown")
        assert readme.parse() == "# Media\n\nHello.\n"  # the spec's example
        assert client.notes.get_feed().startswith("<?xml")
        assert client.default.health().status.value in ("up", "down")


_urls: dict[str, str] = {}


@pytest.fixture()
def remember_url(mock_url: str) -> None:
    _urls["media"] = mock_url


_schema = schemathesis.openapi.from_path(SPEC)


@pytest.mark.usefixtures("remember_url")
@_schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_schemathesis_finds_nothing_in_the_media_mock(case: Any) -> None:
    checks = list(CHECKS)
    negative = case.meta is not None and case.meta.generation.mode.name == "NEGATIVE"
    if negative and not _declares_bad_input_status(case.operation.definition.raw):
        checks.remove(CHECKS[0])  # status_code_conformance: no status fits bad input
    case.call_and_validate(base_url=_urls["media"], checks=checks)
