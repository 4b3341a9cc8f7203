"""The pre-commit hook and the README's command sections match the command line."""

from __future__ import annotations

import argparse
import re

import yaml

from generator.cli import _parser
from tests.conftest import REPO


def test_the_pre_commit_hook_runs_oagen_check() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    (hook,) = [hook for hook in hooks if hook["id"] == "oagen-check"]
    assert hook["entry"] == "oagen check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False


def _commands() -> list[str]:
    (action,) = [
        a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)
    ]
    return sorted(action.choices)


def test_the_readme_lists_every_command_and_documents_the_new_ones() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Command line", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^oagen (\w+) ", block, flags=re.MULTILINE)
    assert sorted(set(listed)) == _commands()
    for heading in ("`oagen check`", "`oagen vendor` and `oagen verify`"):
        assert re.search(rf"^## .*{re.escape(heading)}", readme, flags=re.MULTILINE)
    for flag in ("--full", "--format json", "--only", "--spec"):
        assert flag in readme
    assert "id: oagen-check" in readme and "runs-on:" in readme
