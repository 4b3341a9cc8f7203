"""Remote `$ref`s: refused by default, fetched with --allow-remote-refs within limits.

There is no internet here: the documents are served by an `http.server` thread on
127.0.0.1 (plain http is allowed to a loopback address only).  Every failure must
be a located diagnostic, exit 2, no traceback, nothing written.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator.cli import main
from generator.fast_check import REMOTE_REFS
from generator.load import load_spec
from generator.remote import RemotePolicy, refusal
from generator.validation_cache import cache_key

#: A route answers a request by writing to the handler itself.
Route = Callable[[BaseHTTPRequestHandler], None]

PET = """\
Pet:
  type: object
  required: [id]
  properties:
    id: {type: integer}
    owner: {$ref: "owners/owner.yaml#/Owner"}
"""
OWNER = """\
Owner:
  type: object
  properties:
    name: {type: string}
"""
SPEC = """\
openapi: 3.0.3
info: {{title: Remote, version: "1"}}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "{ref}"
"""


def document(text: str) -> Route:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        body = text.encode("utf-8")
        handler.send_response(200)
        handler.send_header("Content-Type", "application/yaml")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


class Server:
    """A local HTTP server whose routes a test sets; it counts the requests."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                try:
                    route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, args=(0.05,), daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    served = Server()
    served.routes["/schemas/pet.yaml"] = document(PET)
    served.routes["/schemas/owners/owner.yaml"] = document(OWNER)
    yield served
    served.close()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder as the working directory (no pyproject.toml)."""
    (tmp_path / "spec").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_spec(project: Path, ref: str) -> None:
    (project / "spec" / "openapi.yaml").write_text(
        SPEC.format(ref=ref), encoding="utf-8"
    )


def run(*args: str) -> int:
    return main(
        [args[0], "--spec", "spec/openapi.yaml", "--output", "out", "--package", "api"]
        + list(args[1:])
    )


def refused(capsys: pytest.CaptureFixture[str], project: Path, *args: str) -> list[str]:
    """Run `generate` expecting exit 2 with nothing written; the stderr lines."""
    assert run("generate", *args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err
    assert not (project / "out").exists()
    return err.splitlines()


# ---------------------------------------------------------------------------
# the rule


def test_only_https_and_loopback_http_may_be_fetched() -> None:
    assert refusal("https://example.com/x.yaml") is None
    assert refusal("http://127.0.0.1:8000/x.yaml") is None
    assert refusal("http://[::1]/x.yaml") is None
    assert refusal("http://localhost/x.yaml") is None
    assert "loopback" in str(refusal("http://example.com/x.yaml"))
    assert "loopback" in str(refusal("http://10.0.0.1/x.yaml"))
    for url in ("file:///etc/passwd", "ftp://example.com/x", "gopher://h/x"):
        assert "only https://" in str(refusal(url)), url
    assert refusal("https:///x.yaml") == "the URL names no host"


# ---------------------------------------------------------------------------
# refused without the opt-in


def test_without_the_flag_a_remote_ref_is_refused_and_the_hint_names_the_flag(
    capsys: pytest.CaptureFixture[str], project: Path, server: Server
) -> None:
    write_spec(project, f"{server.base}/schemas/pet.yaml#/Pet")
    lines = refused(capsys, project)
    assert any(
        "spec/openapi.yaml:13:" in line and "error OAG022" in line for line in lines
    ), lines
    assert any("--allow-remote-refs" in line for line in lines if "hint" in line)
    assert server.requests == []  # nothing was fetched


def test_absolute_and_file_refs_stay_refused_with_the_flag(
    capsys: pytest.CaptureFixture[str], project: Path, server: Server
) -> None:
    for ref in ("file:///etc/passwd", "/etc/passwd", "//127.0.0.1/x.yaml"):
        write_spec(project, ref)
        lines = refused(capsys, project, "--allow-remote-refs")
        assert any("error OAG022" in line for line in lines), (ref, lines)
        assert not any("--allow-remote-refs" in line for line in lines), lines
    assert server.requests == []


def test_plain_http_to_another_host_is_refused_with_the_flag(
    capsys: pytest.CaptureFixture[str], project: Path
) -> None:
    write_spec(project, "http://example.com/pet.yaml#/Pet")
    lines = refused(capsys, project, "--allow-remote-refs")
    assert any("OAG022" in line and "loopback" in line for line in lines), lines


# ---------------------------------------------------------------------------
# fetched with the opt-in


def test_with_the_flag_the_remote_schemas_become_models(
    capsys: pytest.CaptureFixture[str], project: Path, server: Server
) -> None:
    write_spec(project, f"{server.base}/schemas/pet.yaml#/Pet")
    assert run("generate", "--allow-remote-refs") == 0, capsys.readouterr().err
    models = (project / "out" / "api" / "models.py").read_text(encoding="utf-8")
    assert "class Pet(" in models
    assert "class Owner(" in models  # a relative ref inside the fetched document
    # each document once, though the loader and the validator both follow the refs
    assert sorted(server.requests) == [
        "/schemas/owners/owner.yaml",
        "/schemas/pet.yaml",
    ]


def test_the_opt_in_can_be_configured(
    capsys: pytest.CaptureFixture[str], project: Path, server: Server
) -> None:
    write_spec(project, f"{server.base}/schemas/pet.yaml#/Pet")
    (project / "pyproject.toml").write_text(
        '[tool.oagen]\nspec = "spec/openapi.yaml"\nallow-remote-refs = true\n'
        "remote-ref-timeout = 5\n",
        encoding="utf-8",
    )
    assert main(["validate"]) == 0, capsys.readouterr().err


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("allow-remote-refs = 'yes'", "must be true or false"),
        ("remote-ref-timeout = 0", "must be a positive number of seconds"),
        ("remote-ref-timeout = true", "must be a positive number of seconds"),
    ],
)
def test_bad_remote_settings_are_configuration_errors(
    capsys: pytest.CaptureFixture[str], project: Path, line: str, message: str
) -> None:
    (project / "pyproject.toml").write_text(
        f'[tool.oagen]\nspec = "spec/openapi.yaml"\n{line}\n', encoding="utf-8"
    )
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert "OAG101" in err and message in err, err


# ---------------------------------------------------------------------------
# what a fetched document may not do, and fetches that fail


def test_a_fetched_document_may_not_refer_to_local_files(
    capsys: pytest.CaptureFixture[str], project: Path, server: Server
) -> None:
    server.routes["/schemas/pet.yaml"] = document(
        "Pet:\n  $ref: 'file:///etc/passwd'\n"
    )
    write_spec(project, f"{server.base}/schemas/pet.yaml#/Pet")
    lines = refused(capsys, project, "--allow-remote-refs")
    url = f"{server.base}/schemas/pet.yaml"
    assert any(
        line.startswith(f"{url}:2:")
        and "OAG022" in line
        and "file:///etc/passwd" in line
        for line in lines
    ), lines
    assert any("never to local files" in line for line in lines), lines


def expect_fetch_error(lines: list[str], code: str, url: str, words: str) -> None:
    """The diagnostic sits at the $ref in the spec and names the URL."""
    (line,) = [line for line in lines if f"error {code}" in line]
    assert line.startswith("spec/openapi.yaml:13:"), line
    assert url in line and words in line, line
    assert any(
        "at #/paths/~1pets/get/responses/200/content/application~1json/schema" in x
        for x in lines
    )
    assert any(x.startswith("  hint: ") for x in lines)


def test_an_answer_that_is_not_200_is_an_http_error(
    capsys: pytest.CaptureFixture[str], project: Path, server: Server
) -> None:
    def partial(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(206)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    server.routes["/partial.yaml"] = partial
    url = f"{server.base}/partial.yaml"
    write_spec(project, f"{url}#/Pet")
    lines = refused(capsys, project, "--allow-remote-refs")
    expect_fetch_error(lines, "OAG080", url, "HTTP 206")


def test_a_missing_document_is_an_http_error(
    capsys: pytest.CaptureFixture[str], project: Path, server: Server
) -> None:
    url = f"{server.base}/schemas/missing.yaml"
    write_spec(project, f"{url}#/Pet")
    lines = refused(capsys, project, "--allow-remote-refs")
    expect_fetch_error(lines, "OAG080", url, "HTTP 404")


def test_a_slow_server_times_out(
    capsys: pytest.CaptureFixture[str], project: Path, server: Server
) -> None:
    def slow(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(2)
        document(PET)(handler)

    server.routes["/slow.yaml"] = slow
    url = f"{server.base}/slow.yaml"
    write_spec(project, f"{url}#/Pet")
    started = time.monotonic()
    lines = refused(
        capsys, project, "--allow-remote-refs", "--remote-ref-timeout", "0.2"
    )
    assert time.monotonic() - started < 1.5
    expect_fetch_error(lines, "OAG080", url, "took longer than 0.2 s")


def test_a_trickling_server_hits_the_deadline(
    capsys: pytest.CaptureFixture[str], project: Path, server: Server
) -> None:
    def trickle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()
        for _ in range(40):
            handler.wfile.write(b"# still here\n" * 500)
            handler.wfile.flush()
            time.sleep(0.05)

    server.routes["/trickle.yaml"] = trickle
    url = f"{server.base}/trickle.yaml"
    write_spec(project, f"{url}#/Pet")
    lines = refused(
        capsys, project, "--allow-remote-refs", "--remote-ref-timeout", "0.3"
    )
    expect_fetch_error(lines, "OAG080", url, "took longer than 0.3 s")


@pytest.mark.parametrize("declared", [True, False])
def test_a_document_larger_than_the_cap_is_refused(
    capsys: pytest.CaptureFixture[str],
    project: Path,
    server: Server,
    monkeypatch: pytest.MonkeyPatch,
    declared: bool,
) -> None:
    small = functools.partial(RemotePolicy, max_bytes=4096)
    monkeypatch.setattr("generator.pipeline.RemotePolicy", small)

    def huge(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        if declared:
            handler.send_header("Content-Length", str(64 * 1024))
        handler.end_headers()
        for _ in range(64):  # 64 KiB streamed, more than the 4 KiB cap
            handler.wfile.write(b"#" * 1023 + b"\n")

    server.routes["/huge.yaml"] = huge
    url = f"{server.base}/huge.yaml"
    write_spec(project, f"{url}#/Pet")
    lines = refused(capsys, project, "--allow-remote-refs")
    expect_fetch_error(lines, "OAG081", url, "larger than 4096 bytes")


def test_invalid_yaml_in_a_fetched_document_is_located_by_url(
    capsys: pytest.CaptureFixture[str], project: Path, server: Server
) -> None:
    server.routes["/schemas/pet.yaml"] = document("Pet:\n  type: [object\n")
    url = f"{server.base}/schemas/pet.yaml"
    write_spec(project, f"{url}#/Pet")
    lines = refused(capsys, project, "--allow-remote-refs")
    (line,) = [line for line in lines if "error OAG002" in line]
    assert line.startswith(f"{url}:3:"), line
    assert "referenced from spec/openapi.yaml:13:" in line, line


def test_a_missing_pointer_in_a_fetched_document_names_it(
    capsys: pytest.CaptureFixture[str], project: Path, server: Server
) -> None:
    url = f"{server.base}/schemas/pet.yaml"
    write_spec(project, f"{url}#/Pets")
    lines = refused(capsys, project, "--allow-remote-refs")
    assert any("OAG020" in line and url in line for line in lines), lines


def redirect(to: str) -> Route:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", to)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "ftp://127.0.0.1/pet.yaml", "http://10.1.2.3/x"]
)
def test_a_redirect_to_a_refused_url_is_not_followed(
    capsys: pytest.CaptureFixture[str], project: Path, server: Server, target: str
) -> None:
    server.routes["/moved.yaml"] = redirect(target)
    url = f"{server.base}/moved.yaml"
    write_spec(project, f"{url}#/Pet")
    lines = refused(capsys, project, "--allow-remote-refs")
    expect_fetch_error(lines, "OAG080", url, f"redirects to {target}, which is refused")


def test_a_redirect_to_an_allowed_url_is_followed(
    capsys: pytest.CaptureFixture[str], project: Path, server: Server
) -> None:
    server.routes["/schemas/latest.yaml"] = redirect("/schemas/pet.yaml")
    write_spec(project, f"{server.base}/schemas/latest.yaml#/Pet")
    assert run("validate", "--allow-remote-refs") == 0, capsys.readouterr().err
    # relative refs resolve against the URL as written (as the validator does too)
    assert "/schemas/owners/owner.yaml" in server.requests


def test_a_refused_connection_is_a_diagnostic(
    capsys: pytest.CaptureFixture[str], project: Path, server: Server
) -> None:
    server.close()  # nobody listens on that port any more
    url = f"{server.base}/schemas/pet.yaml"
    write_spec(project, f"{url}#/Pet")
    lines = refused(capsys, project, "--allow-remote-refs")
    expect_fetch_error(lines, "OAG080", url, "refused")


# ---------------------------------------------------------------------------
# caches and provenance


def test_the_validation_cache_key_covers_the_fetched_documents(
    project: Path, server: Server
) -> None:
    write_spec(project, f"{server.base}/schemas/pet.yaml#/Pet")
    spec_path = project / "spec" / "openapi.yaml"
    first = load_spec(spec_path, remote=RemotePolicy())
    assert set(first.remote) == {
        f"{server.base}/schemas/pet.yaml",
        f"{server.base}/schemas/owners/owner.yaml",
    }
    server.routes["/schemas/owners/owner.yaml"] = document(OWNER + "  x-more: 1\n")
    second = load_spec(spec_path, remote=RemotePolicy())
    assert first.root.sha256 == second.root.sha256
    assert cache_key(first) != cache_key(second)


def test_check_never_vouches_from_the_manifest_with_remote_refs(
    capsys: pytest.CaptureFixture[str], project: Path, server: Server
) -> None:
    write_spec(project, f"{server.base}/schemas/pet.yaml#/Pet")
    assert run("generate", "--allow-remote-refs", "-q") == 0
    capsys.readouterr()
    manifest = json.loads(
        (project / "out" / "api" / "_oagen_manifest.json").read_text(encoding="utf-8")
    )
    assert set(manifest["inputs"]["spec"]["remote"]) == {
        f"{server.base}/schemas/pet.yaml",
        f"{server.base}/schemas/owners/owner.yaml",
    }

    assert run("check", "--allow-remote-refs", "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "clean" and report["fast_path"] is False
    assert report["fast_path_miss"] == REMOTE_REFS

    # the remote document changes: the package is stale, and check says so
    server.routes["/schemas/owners/owner.yaml"] = document(
        OWNER + "    email: {type: string}\n"
    )
    assert run("check", "--allow-remote-refs", "--format", "json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "drift" and "models.py" in report["changed"]

    # verify does not fetch, and says so
    assert main(["verify", "out/api", "--spec", "spec/openapi.yaml"]) == 0
    assert "2 remote $ref document(s) were not checked" in capsys.readouterr().out


def test_the_readme_documents_the_opt_in_and_its_limits() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Remote references", 1)[1].split("\n## ", 1)[0]
    for words in (
        "--allow-remote-refs",
        "allow-remote-refs = true",
        "remote-ref-timeout",
        "10 MiB",
        "untrusted input",
        "fast_path_miss",
    ):
        assert words in section, words
