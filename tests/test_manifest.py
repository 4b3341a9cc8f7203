"""The manifest and `oagen check`'s fast path: every input is in the key, hand edits are seen.

Each input is changed in turn (spec, a `$ref`'d file, an overlay, a config value, a
template, a generator source file, a tool version, the generator version) and the
fast path must refuse, naming that input; undone, it must vouch again.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import generator
from generator import manifest, stamp
from generator.cli import FAIL_ON_CHOICES
from generator.config import Config, load_config
from generator.drift_report import colour, wants_colour
from generator.emit import emit
from generator.fast_check import fast_check
from generator.pipeline import build
from tests.conftest import REPO, SEED_SPEC
from tests.oagen_cli import oagen

PYPROJECT = """\
[tool.oagen]
spec = "spec/seat-events.yaml"
output = "out"
package = "usage"
default-server = "sandbox"
overlays = ["overlays/rename.yaml"]

[tool.oagen.env]
username = "USAGE_ID"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The seed spec with one schema in a second file, an overlay, and its output."""
    spec = tmp_path / "spec"
    spec.mkdir()
    text = SEED_SPEC.read_text(encoding="utf-8")
    anchor = "  schemas:\n"
    assert text.count(anchor) == 1
    text = text.replace(anchor, anchor + "    Note:\n      $ref: 'common.yaml#/Note'\n")
    (spec / "seat-events.yaml").write_text(text, encoding="utf-8")
    (spec / "common.yaml").write_text(
        "Note:\n  type: object\n  properties:\n    text:\n      type: string\n",
        encoding="utf-8",
    )
    (tmp_path / "overlays").mkdir()
    (tmp_path / "overlays" / "rename.yaml").write_text(
        "overlay: 1.0.0\ninfo: {title: rename, version: '1'}\nactions:\n"
        "  - {target: $.info, update: {description: Overlaid.}}\n",
        encoding="utf-8",
    )
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    config = configure(tmp_path)
    emit(build(config).files, config.package_dir)
    return tmp_path


def configure(project: Path) -> Config:
    return load_config(project / "pyproject.toml", {})


@pytest.fixture
def fresh_digests() -> Iterator[None]:
    """The code and template digests are cached per process; tests change the files."""
    stamp.tree_digest.cache_clear()
    stamp.tool_versions.cache_clear()
    yield
    stamp.tree_digest.cache_clear()
    stamp.tool_versions.cache_clear()


def test_the_manifest_records_inputs_and_every_file(project: Path) -> None:
    config = configure(project)
    found = manifest.read(config.package_dir)
    assert found is not None
    on_disk = {
        p.relative_to(config.package_dir).as_posix()
        for p in config.package_dir.rglob("*")
        if p.is_file()
    }
    assert set(found.files) == on_disk - {manifest.MANIFEST_NAME}
    assert found.inputs["spec"]["files"].keys() == {"seat-events.yaml", "common.yaml"}
    assert found.inputs["spec"]["path"] == "spec/seat-events.yaml"
    assert found.inputs["overlays"][0]["path"] == "overlays/rename.yaml"
    assert found.inputs["config"] == {
        "default_server": "sandbox",
        "env": {"username": "USAGE_ID"},
        "overlays": ["overlays/rename.yaml"],
        "package": "usage",
        "vendor": None,
    }
    assert found.inputs["generator"]["version"] == generator.__version__
    assert set(found.inputs["tools"]) == {"black", "datamodel-code-generator"}
    assert found.stamp == stamp.stamp(found.inputs)
    text = (config.package_dir / manifest.MANIFEST_NAME).read_text(encoding="utf-8")
    assert str(project) not in text, "no absolute path in the manifest"
    assert fast_check(config).clean


def test_the_manifest_is_deterministic(project: Path) -> None:
    config = configure(project)
    first = build(config).files[manifest.MANIFEST_NAME]
    stamp.tree_digest.cache_clear()
    assert build(config).files[manifest.MANIFEST_NAME] == first
    assert json.loads(first) == json.loads(
        json.dumps(json.loads(first), sort_keys=True)
    )


def _edit(path: Path, old: str, new: str) -> Callable[[], None]:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return lambda: path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("where", "old", "new", "reason"),
    [
        (
            "spec/seat-events.yaml",
            "Manage usage events",
            "Manage usage events!",
            "spec.files.seat-events.yaml",
        ),
        ("spec/common.yaml", "type: string", "type: integer", "spec.files.common.yaml"),
        ("overlays/rename.yaml", "Overlaid.", "Overlaid again.", "overlays"),
        (
            "pyproject.toml",
            'default-server = "sandbox"',
            'default-server = "production"',
            "config.default_server",
        ),
        ("pyproject.toml", '"USAGE_ID"', '"OTHER_ID"', "config.env"),
    ],
)
def test_each_project_input_is_in_the_key(
    project: Path, where: str, old: str, new: str, reason: str, fresh_digests: None
) -> None:
    undo = _edit(project / where, old, new)
    refused = fast_check(configure(project))
    assert not refused.clean
    assert reason in refused.reason, refused.reason
    undo()
    assert fast_check(configure(project)).clean


def test_the_package_name_is_in_the_key(project: Path) -> None:
    _edit(project / "pyproject.toml", 'package = "usage"', 'package = "usage2"')
    shutil.move(project / "out" / "usage", project / "out" / "usage2")
    refused = fast_check(configure(project))
    assert not refused.clean and "config.package" in refused.reason


def test_an_overlay_listed_or_unlisted_is_in_the_key(project: Path) -> None:
    config = configure(project)
    undo = _edit(project / "pyproject.toml", 'overlays = ["overlays/rename.yaml"]', "")
    refused = fast_check(configure(project))
    assert not refused.clean and "overlays" in refused.reason
    undo()
    (project / "overlays" / "rename.yaml").unlink()
    assert not fast_check(config).clean


def _copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_a_template_is_in_the_key(
    project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fresh_digests: None,
) -> None:
    copy = _copy_tree(stamp.template_dir(), tmp_path / "templates")
    monkeypatch.setattr(stamp, "template_dir", lambda: copy)
    config = configure(project)
    assert fast_check(config).clean, "the digest is of the contents, not the place"
    _edit(copy / "package" / "errors.py.jinja", '"""', '"""Changed. ')
    stamp.tree_digest.cache_clear()
    refused = fast_check(config)
    assert not refused.clean and "templates" in refused.reason


def test_a_generator_source_file_is_in_the_key(
    project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fresh_digests: None,
) -> None:
    copy = _copy_tree(REPO / "generator", tmp_path / "generator")
    monkeypatch.setattr(stamp, "generator_root", lambda: copy)
    config = configure(project)
    assert fast_check(config).clean, "the digest is of the contents, not the place"
    for relative in ("lower.py", "runtime/retries.py"):
        undo = _edit(copy / relative, '"""', '"""Changed. ')
        stamp.tree_digest.cache_clear()
        refused = fast_check(config)
        assert not refused.clean and "generator.code" in refused.reason, relative
        undo()
        stamp.tree_digest.cache_clear()
    (copy / "new_module.py").write_text("X = 1\n", encoding="utf-8")
    assert not fast_check(config).clean, "a new module counts too"


def test_the_generator_version_is_in_the_key(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator, "__version__", "99.0.0")
    refused = fast_check(configure(project))
    assert not refused.clean and "generator.version" in refused.reason


@pytest.mark.parametrize("tool", stamp.TOOLS)
def test_a_tool_version_is_in_the_key(
    project: Path, tool: str, monkeypatch: pytest.MonkeyPatch, fresh_digests: None
) -> None:
    real = stamp._installed_version
    monkeypatch.setattr(
        stamp,
        "_installed_version",
        lambda name: "0.0.1" if name == tool else real(name),
    )
    refused = fast_check(configure(project))
    assert not refused.clean and f"tools.{tool}" in refused.reason


def test_tool_versions_are_those_importlib_metadata_reports() -> None:
    from importlib import metadata

    stamp.tool_versions.cache_clear()
    assert stamp.tool_versions() == {
        tool: metadata.version(tool) for tool in stamp.TOOLS
    }


def test_the_output_folder_is_not_in_the_key(project: Path) -> None:
    shutil.move(project / "out", project / "elsewhere")
    moved = load_config(
        project / "pyproject.toml", {"output": str(project / "elsewhere")}
    )
    assert fast_check(moved).clean


@pytest.mark.parametrize(
    "damage",
    ["edit", "delete", "add", "manifest", "manifest-format"],
)
def test_hand_edits_are_seen_by_the_fast_path(project: Path, damage: str) -> None:
    config = configure(project)
    package = config.package_dir
    if damage == "edit":
        _edit(package / "client.py", "class Client", "class Klient")
    elif damage == "delete":
        (package / "errors.py").unlink()
    elif damage == "add":
        (package / "extra.py").write_text("# Generated by oagen \nX = 1\n")
    elif damage == "manifest":
        _edit(package / manifest.MANIFEST_NAME, '"sandbox"', '"production"')
    else:  # same data, other layout: not what generate writes
        path = package / manifest.MANIFEST_NAME
        path.write_text(json.dumps(json.loads(path.read_text())), encoding="utf-8")
    assert not fast_check(config).clean
    done = oagen("check", cwd=project)
    assert done.returncode == 1, done.stderr
    assert "is stale" in done.stderr


def test_caches_beside_the_files_are_not_hand_edits(project: Path) -> None:
    config = configure(project)
    (config.package_dir / "__pycache__").mkdir()
    (config.package_dir / "__pycache__" / "client.cpython-311.pyc").write_bytes(b"\0")
    assert fast_check(config).clean


def test_check_json_on_the_fast_path_and_in_full(project: Path) -> None:
    keys = {"status", "package", "fast_path", "fast_path_miss"}
    keys |= {"changed", "added", "removed", "diff"}
    done = oagen("check", "--format", "json", cwd=project)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == keys
    assert result["status"] == "clean" and result["fast_path"] is True
    full = json.loads(oagen("check", "--full", "--format", "json", cwd=project).stdout)
    assert full["status"] == "clean" and full["fast_path"] is False
    assert full["fast_path_miss"] == "--full"


def test_check_json_reports_drift_and_nothing_else_on_stdout(project: Path) -> None:
    package = project / "out" / "usage"
    (package / "errors.py").unlink()
    (package / "notes.txt").write_text("mine\n")
    _edit(project / "spec" / "common.yaml", "type: string", "type: integer")
    done = oagen("check", "--format", "json", cwd=project)
    assert done.returncode == 1
    result = json.loads(done.stdout)  # the whole of stdout is one JSON document
    assert result["status"] == "drift" and result["fast_path"] is False
    assert "spec.files.common.yaml" in result["fast_path_miss"]
    assert result["changed"] == ["_oagen_manifest.json", "models.py"]
    assert result["added"] == ["errors.py"]
    assert result["removed"] == ["notes.txt"]
    assert "+++ b/out/usage/models.py" in result["diff"]
    assert "is stale" in done.stderr


def test_strict_skips_the_fast_path(project: Path) -> None:
    done = oagen("check", "--strict", "--format", "json", cwd=project)
    assert json.loads(done.stdout)["fast_path"] is False


def test_the_fast_path_imports_no_pipeline(project: Path) -> None:
    probe = (
        "import sys\n"
        "from generator.cli import main\n"
        "code = main(['check', '--quiet'])\n"
        "heavy = {'yaml', 'jinja2', 'black', 'datamodel_code_generator', "
        "'openapi_spec_validator', 'difflib', 'importlib.metadata', "
        "'generator.pipeline', 'generator.load', 'generator.validate', "
        "'generator.lower', 'generator.apidiff'}\n"
        "print(code, sorted(heavy & set(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "0 []", done.stdout + done.stderr


def test_the_diff_is_plain_when_stdout_is_not_a_terminal(project: Path) -> None:
    _edit(project / "spec" / "common.yaml", "type: string", "type: integer")
    done = oagen("check", cwd=project)
    assert done.returncode == 1
    assert "+++ b/out/usage/models.py" in done.stdout
    assert "\033[" not in done.stdout


class _Terminal:
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert wants_colour(_Terminal())  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_colour(_Terminal())  # type: ignore[arg-type]
    diff = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n same\n"
    coloured = colour(diff)
    assert "\033[31m-old\033[0m\n" in coloured and "\033[32m+new\033[0m\n" in coloured
    assert " same\n" in coloured
    assert coloured.replace("\033[0m", "").count("\033[") == 5


def test_diff_fail_on_choices_are_the_report_levels() -> None:
    from generator.apidiff.report import FAIL_ON

    assert FAIL_ON_CHOICES == tuple(FAIL_ON)
