"""Installable for real: build the wheel, install it into a bare folder, generate from there.

The installed copy must carry its templates and runtime (nothing may be read from
the checkout), expose the `oagen` console script, and produce the committed
`generated/sequence_usage/` byte for byte.
"""

from __future__ import annotations

import configparser
import difflib
import importlib.util
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import GENERATED, REPO

PACKAGE = "sequence_usage"

REQUIRED_IN_WHEEL = (
    "generator/__init__.py",
    "generator/cli.py",
    "generator/templates/package/client.py.jinja",
    "generator/templates/models/pydantic_v2/BaseModel.jinja2",
    "generator/runtime/client.py",
)

#: Runs in a fresh interpreter: only the installed copy of `generator` may be importable.
RUNNER = """\
import sys
from pathlib import Path

site, repo = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != repo]
sys.path.insert(0, str(site))
sys.argv[:] = ["oagen", *sys.argv[3:]]

import generator
from generator.cli import main

code = main()
for name, module in sorted(sys.modules.items()):
    if name == "generator" or name.startswith("generator."):
        print("MODULE", getattr(module, "__file__", None))
print("GENERATOR", generator.__file__)
sys.exit(code)
"""


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` by POSIX path, bytecode caches left out."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and "__pycache__" not in path.relative_to(root).parts
        and path.suffix != ".pyc"
    }


def tree_diff(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    out = [
        f"missing: {sorted(set(expected) - set(actual))}",
        f"extra: {sorted(set(actual) - set(expected))}",
    ]
    for path in sorted(set(expected) & set(actual)):
        if expected[path] != actual[path]:
            out.extend(
                difflib.unified_diff(
                    expected[path].decode("utf-8", "replace").splitlines(),
                    actual[path].decode("utf-8", "replace").splitlines(),
                    f"committed/{path}",
                    f"installed/{path}",
                    lineterm="",
                )
            )
    return "\n".join(out)[:6000]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    command = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--quiet",
        "-w",
        str(dist),
        str(REPO),
    ]
    if importlib.util.find_spec("hatchling") is not None:
        command.insert(4, "--no-build-isolation")
    result = subprocess.run(
        command, check=False, capture_output=True, text=True, timeout=300
    )
    assert (
        result.returncode == 0
    ), f"building the wheel failed:\n{result.stdout}\n{result.stderr}"
    wheels = sorted(dist.glob("oagen-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_carries_templates_runtime_and_the_console_script(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for required in REQUIRED_IN_WHEEL:
            assert required in names, f"{required} is not in {wheel.name}"
        # every template and every runtime module of the checkout is shipped
        for template in (REPO / "templates").rglob("*"):
            if template.is_file():
                assert (
                    f"generator/templates/{template.relative_to(REPO / 'templates').as_posix()}"
                    in names
                )
        for module in (REPO / "generator" / "runtime").glob("*.py"):
            assert f"generator/runtime/{module.name}" in names
        assert not [
            n for n in names if "__pycache__" in n or n.endswith(".pyc")
        ], "bytecode in the wheel"
        entry_points = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        assert len(entry_points) == 1
        parser = configparser.ConfigParser()
        parser.read_string(archive.read(entry_points[0]).decode("utf-8"))
    assert parser.has_section("console_scripts")
    assert (
        parser.get("console_scripts", "oagen").replace(" ", "") == "generator.cli:main"
    )


def test_installed_wheel_generates_the_committed_package(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-compile",
            "--target",
            str(site),
            str(wheel),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert install.returncode == 0, install.stderr
    assert (site / "generator" / "templates" / "package" / "client.py.jinja").is_file()

    # A project outside the checkout: the spec copied byte for byte, and the [tool.oagen]
    # section of the repository's pyproject.toml, so the header names "spec/seat-events.yaml"
    # exactly as in the committed output (Config.display is relative to the pyproject's folder).
    project = tmp_path / "project"
    shutil.copytree(REPO / "spec", project / "spec")
    settings = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"
    ]["oagen"]
    assert settings["package"] == PACKAGE
    shutil.copy(REPO / "pyproject.toml", project / "pyproject.toml")
    output = tmp_path / "out"
    environment = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")
    }

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            RUNNER,
            str(site),
            str(REPO),
            "generate",
            "--config",
            "pyproject.toml",
            "--spec",
            str(Path(settings["spec"])),
            "--output",
            str(output),
            "--package",
            PACKAGE,
            "--default-server",
            settings["default-server"],
        ],
        cwd=project,
        env=environment,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"

    lines = result.stdout.splitlines()
    imported_from = [
        line.split(" ", 1)[1] for line in lines if line.startswith("GENERATOR ")
    ]
    assert len(imported_from) == 1
    assert (
        Path(imported_from[0]).resolve().is_relative_to(site.resolve())
    ), imported_from
    modules = [line.split(" ", 1)[1] for line in lines if line.startswith("MODULE ")]
    assert modules, "the runner listed no generator module"
    outside = [
        m
        for m in modules
        if m != "None" and not Path(m).resolve().is_relative_to(site.resolve())
    ]
    assert (
        not outside
    ), f"generator modules imported from outside the installed copy: {outside}"

    committed = tree(GENERATED / PACKAGE)
    produced = tree(output / PACKAGE)
    assert committed, "the committed generated package is missing"
    assert produced == committed, tree_diff(committed, produced)
    assert tree(project / "spec") == tree(
        REPO / "spec"
    ), "generation must not touch the spec folder"
