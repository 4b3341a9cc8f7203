"""User code survives regeneration: the generation gap of the server stub.

A user implementation lives outside the generated package.  When the spec gains
an operation and the package is regenerated, the file is untouched, a type
checker names the method it now lacks, and at run time the old operation still
answers while the new one answers 501 until it is written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import REPO
from tests.packages import generate

LIST_NOTES = {
    "get": {
        "tags": ["Notes"],
        "operationId": "listNotes",
        "responses": {
            "200": {
                "description": "The notes.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Note"},
                        }
                    }
                },
            }
        },
    }
}
CREATE_NOTE = {
    "tags": ["Notes"],
    "operationId": "createNote",
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Note"}}
        },
    },
    "responses": {
        "201": {
            "description": "Created.",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Note"}}
            },
        }
    },
}
NOTE = {
    "type": "object",
    "required": ["id", "text"],
    "properties": {"id": {"type": "integer"}, "text": {"type": "string"}},
}

IMPLEMENTATION = '''\
"""The team's implementation of the notes API, outside the generated package."""

from notes_api.models import Note
from notes_api.server import NotesApi, create_app


class Notes:
    def list_notes(self) -> list[Note]:
        return [Note(id=1, text="kept")]


implementation: NotesApi = Notes()
app = create_app(notes=implementation)
'''

PROBE = """
import json
import httpx
from tests.live_server import live_server
from notes_impl import app

with live_server(app) as url:
    listed = httpx.get(url + "/notes")
    created = httpx.post(url + "/notes", json={"id": 2, "text": "new"})
print(json.dumps([listed.status_code, listed.json(), created.status_code, created.json()]))
"""


def write_spec(path: Path, *, with_create: bool) -> None:
    paths = {"/notes": dict(LIST_NOTES)}
    if with_create:
        paths["/notes"]["post"] = CREATE_NOTE
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "Notes", "version": "1"},
        "paths": paths,
        "components": {"schemas": {"Note": NOTE}},
    }
    path.write_text(yaml.safe_dump(spec, sort_keys=False))


def test_regeneration_keeps_user_code_and_flags_the_new_operation(
    tmp_path: Path,
) -> None:
    spec, output, app = tmp_path / "notes.yaml", tmp_path / "out", tmp_path / "app"
    app.mkdir()
    write_spec(spec, with_create=False)
    generate(spec, output, "notes_api")
    user_file = app / "notes_impl.py"
    user_file.write_text(IMPLEMENTATION)
    before = (user_file.read_bytes(), user_file.stat().st_mtime_ns)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(output), str(app), str(REPO)]),
    }
    assert _mypy(user_file, env).returncode == 0

    write_spec(spec, with_create=True)
    generate(spec, output, "notes_api")

    assert (user_file.read_bytes(), user_file.stat().st_mtime_ns) == before
    assert sorted(p.name for p in app.iterdir() if p.suffix == ".py") == [
        "notes_impl.py"
    ]
    checked = _mypy(user_file, env)
    assert checked.returncode == 1
    assert "create_note" in checked.stdout, checked.stdout
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    listed_status, listed, created_status, created = json.loads(probe.stdout)
    assert (listed_status, listed) == (200, [{"id": 1, "text": "kept"}])
    assert created_status == 501
    assert "'createNote' is not implemented" in created["error"]["message"]


def _mypy(path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", path.name],
        cwd=path.parent,
        env={**env, "MYPYPATH": env["PYTHONPATH"]},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
