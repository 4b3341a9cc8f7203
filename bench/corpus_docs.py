"""The documents of the corpus check (issue 5): @readme/oas-examples plus GitHub's spec.

`npm pack` fetches the examples once into bench/.cache/ (next to the GitHub
tarball of specs.py).  Each distinct 3.0/3.1 document is taken once, its YAML
form when it has both; the package's Swagger 2.0 folder is left out.
"""

from __future__ import annotations

import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import specs

EXAMPLES = "@readme/oas-examples@8.2.2"
TARBALL = specs.CACHE / "readme-oas-examples-8.2.2.tgz"
EXAMPLES_DIR = specs.CACHE / "oas-examples"
VERSIONS = ("3.0", "3.1")


@dataclass(frozen=True)
class Document:
    """One corpus entry: a display name, its OpenAPI line and the file."""

    name: str
    version: str
    path: Path

    @property
    def package(self) -> str:
        """A Python package name for the generated code, unique per document."""
        slug = "".join(c if c.isalnum() else "_" for c in self.name.lower())
        return f"corpus_{slug}"


def examples_root() -> Path:
    """The extracted package folder, fetching the tarball when missing."""
    root = EXAMPLES_DIR / "package"
    if root.exists():
        return root
    specs.CACHE.mkdir(parents=True, exist_ok=True)
    if not TARBALL.exists():
        done = subprocess.run(
            [
                "npm",
                "pack",
                EXAMPLES,
                "--silent",
                "--pack-destination",
                str(specs.CACHE),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        (specs.CACHE / done.stdout.strip().splitlines()[-1]).rename(TARBALL)
    with tarfile.open(TARBALL) as tar:
        tar.extractall(EXAMPLES_DIR, filter="data")
    return root


def examples() -> list[Document]:
    """Every distinct 3.0/3.1 example, YAML preferred over its JSON twin."""
    root = examples_root()
    found: dict[str, Document] = {}
    for version in VERSIONS:
        for kind in ("yaml", "json"):  # YAML first: a JSON twin is then skipped
            base = root / version / kind
            for path in sorted(base.rglob(f"*.{kind}")):
                stem = path.relative_to(base).with_suffix("").as_posix()
                name = f"{version}/{stem}"
                found.setdefault(name, Document(name, version, path))
    return [found[name] for name in sorted(found)]


def github() -> Document:
    """GitHub's REST description (from @octokit/openapi, see specs.py)."""
    return Document("github/api.github.com", "3.0", specs.github_spec())


def corpus() -> list[Document]:
    """The whole corpus: the examples, then GitHub."""
    return [*examples(), github()]
