"""`oagen diff` on the command line, and the summary `oagen generate` prints against HEAD."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.apidiff import RULES
from tests.conftest import REPO, SEED_SPEC
from tests.test_cli import oagen


def seed_with(tmp_path: Path, name: str, *, limit: bool, version: str | None) -> Path:
    """A copy of the seed spec, maybe without `limit`, maybe with another version enum."""
    document = yaml.safe_load(SEED_SPEC.read_text())
    operation = document["paths"]["/seat-events"]["get"]
    if not limit:
        operation["parameters"] = [
            p for p in operation["parameters"] if p["name"] != "limit"
        ]
    if version is not None:
        header = next(
            p for p in operation["parameters"] if p["name"] == "Sequence-Version"
        )
        header["schema"]["enum"].append(version)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def test_text_output_and_default_exit_status(tmp_path: Path) -> None:
    new = seed_with(tmp_path, "new.yaml", limit=False, version="2025-01-01")
    done = oagen("diff", str(SEED_SPEC), str(new), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "1 breaking, 1 non-breaking"
    assert re.fullmatch(
        r"BREAKING +request-parameter-removed +GET /seat-events +query parameter 'limit' was removed",
        lines[1],
    )
    assert re.fullmatch(
        r"NON-BREAKING +request-enum-value-added +GET /seat-events +header parameter "
        r"'Sequence-Version': enum value '2025-01-01' was added",
        lines[2],
    )
    assert len(lines) == 3
    assert done.stderr == ""


def test_json_output_keeps_stdout_clean(tmp_path: Path) -> None:
    new = seed_with(tmp_path, "new.yaml", limit=False, version=None)
    done = oagen("diff", str(SEED_SPEC), str(new), "--format", "json", cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == ""
    report = json.loads(done.stdout)
    assert report == {
        "breaking": 1,
        "non_breaking": 0,
        "info": 0,
        "changes": [
            {
                "id": "request-parameter-removed",
                "level": "breaking",
                "operation": "GET /seat-events",
                "pointer": "#/paths/~1seat-events/get/parameters/3",
                "message": "query parameter 'limit' was removed",
            }
        ],
    }


@pytest.mark.parametrize(
    ("limit", "version", "fail_on", "status"),
    [
        (False, None, "breaking", 1),
        (False, None, "never", 0),
        (True, "2025-01-01", "breaking", 0),
        (True, "2025-01-01", "non-breaking", 1),
        (True, None, "non-breaking", 0),
    ],
)
def test_fail_on(
    tmp_path: Path, limit: bool, version: str | None, fail_on: str, status: int
) -> None:
    new = seed_with(tmp_path, "new.yaml", limit=limit, version=version)
    done = oagen("diff", str(SEED_SPEC), str(new), "--fail-on", fail_on, cwd=tmp_path)
    assert done.returncode == status, done.stdout + done.stderr


def test_unchanged_says_so(tmp_path: Path) -> None:
    done = oagen(
        "diff",
        str(SEED_SPEC),
        str(SEED_SPEC),
        "--fail-on",
        "non-breaking",
        cwd=tmp_path,
    )
    assert (done.returncode, done.stdout) == (0, "no API changes\n")


def test_bad_input_exits_2_with_diagnostics(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("openapi: 3.0.0\npaths: {a: [\n")
    (tmp_path / "escapes.yaml").write_text(
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
        "components: {schemas: {A: {$ref: '../outside.yaml#/A'}}}\n"
    )
    for args, code in (
        (("nope.yaml", str(SEED_SPEC)), "OAG001"),
        ((str(SEED_SPEC), "broken.yaml"), "OAG002"),
        ((str(SEED_SPEC), "escapes.yaml"), "OAG021"),
    ):
        done = oagen("diff", *args, cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert code in done.stderr and "Traceback" not in done.stderr
        assert done.stdout == ""
    done = oagen("diff", str(SEED_SPEC), cwd=tmp_path)
    assert done.returncode == 2 and "NEW" in done.stderr
    done = oagen(
        "diff", str(SEED_SPEC), str(SEED_SPEC), "--fail-on", "sometimes", cwd=tmp_path
    )
    assert done.returncode == 2


def test_help_lists_diff_and_its_exit_status(tmp_path: Path) -> None:
    assert "diff" in oagen("--help", cwd=tmp_path).stdout
    done = oagen("diff", "--help", cwd=tmp_path)
    assert done.returncode == 0
    assert "--fail-on" in done.stdout and "diff --fail-on" in done.stdout


def test_readme_lists_every_rule() -> None:
    readme = (REPO / "README.md").read_text()
    for rule in RULES.values():
        assert f"| `{rule.id}` | {rule.level} |" in readme, rule.id


# -- oagen generate over an older spec ----------------------------------------------------


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t",
         "-c", "commit.gpgsign=false", *args],
        cwd=folder, check=True, capture_output=True,
    )  # fmt: skip


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A git repository holding a project whose spec is committed."""
    (tmp_path / "spec").mkdir()
    shutil.copy(SEED_SPEC, tmp_path / "spec" / "seat-events.yaml")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.oagen]\nspec = "spec/seat-events.yaml"\noutput = "out"\n'
    )
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "spec")
    return tmp_path


def test_generate_says_nothing_when_the_spec_is_as_at_head(repository: Path) -> None:
    done = oagen("generate", cwd=repository)
    assert done.returncode == 0, done.stderr
    assert "API changes" not in done.stderr


def test_generate_summarises_changes_since_head(repository: Path) -> None:
    seed_with(
        repository / "spec", "seat-events.yaml", limit=False, version="2025-01-01"
    )
    done = oagen("generate", cwd=repository)
    assert done.returncode == 0, done.stderr
    assert "API changes since HEAD: 1 breaking, 1 non-breaking\n" in done.stderr
    assert "request-parameter-removed" in done.stderr
    assert "request-enum-value-added" in done.stderr
    assert done.stdout == ""
    quiet = oagen("generate", "-q", cwd=repository)
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_generate_compares_a_multi_file_spec_at_head(repository: Path) -> None:
    spec = repository / "spec" / "seat-events.yaml"
    document = yaml.safe_load(spec.read_text())
    schemas = document["components"]["schemas"]
    (repository / "spec" / "models").mkdir()
    (repository / "spec" / "models" / "seat.yaml").write_text(
        yaml.safe_dump({"SeatEvent": schemas["SeatEvent"]})
    )
    schemas["SeatEvent"] = {"$ref": "models/seat.yaml#/SeatEvent"}
    spec.write_text(yaml.safe_dump(document, sort_keys=False))
    git(repository, "add", "-A")
    git(repository, "commit", "-qm", "split")
    seat = yaml.safe_load((repository / "spec" / "models" / "seat.yaml").read_text())
    seat["SeatEvent"]["properties"].pop("seatType")
    (repository / "spec" / "models" / "seat.yaml").write_text(yaml.safe_dump(seat))
    done = oagen("generate", cwd=repository)
    assert done.returncode == 0, done.stderr
    assert "API changes since HEAD: 1 breaking, 0 non-breaking\n" in done.stderr
    assert "response-property-removed" in done.stderr
    assert "response 200 body property 'items[].seatType' was removed" in done.stderr


def test_generate_outside_git_or_with_an_untracked_spec_says_nothing(
    repository: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    untracked = repository / "spec" / "other.yaml"
    seed_with(repository / "spec", "other.yaml", limit=False, version=None)
    done = oagen(
        "generate", "--spec", str(untracked.relative_to(repository)), cwd=repository
    )
    assert done.returncode == 0 and "API changes" not in done.stderr
    shutil.rmtree(repository / ".git")
    seed_with(repository / "spec", "seat-events.yaml", limit=False, version=None)
    done = oagen("generate", cwd=repository)
    assert done.returncode == 0 and "API changes" not in done.stderr


def test_generate_compares_with_the_overlays_applied(repository: Path) -> None:
    overlay = repository / "spec" / "limits.overlay.yaml"
    target = "$.paths['/seat-events'].get.parameters[?@.name=='limit'].schema"
    overlay.write_text(
        "overlay: 1.0.0\ninfo: {title: limits, version: '1'}\nactions:\n"
        f'  - target: "{target}"\n    update: {{minimum: 1, maximum: 100}}\n'
    )
    pyproject = repository / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + 'overlays = ["spec/limits.overlay.yaml"]\n'
    )
    git(repository, "add", "-A")
    git(repository, "commit", "-qm", "overlay")
    # Only the overlay changes: the limit narrows, which breaks callers.
    overlay.write_text(overlay.read_text().replace("maximum: 100", "maximum: 50"))
    done = oagen("generate", cwd=repository)
    assert done.returncode == 0, done.stderr
    assert "API changes since HEAD: 1 breaking" in done.stderr, done.stderr
    assert "100" in done.stderr and "50" in done.stderr
