"""The specs the benchmarks run on.

SEED is the repository's own spec.  The GitHub spec comes from the npm package
@octokit/openapi (fetched once with `npm pack` into bench/.cache/) and is
extracted next to the tarball.  Run directly to fetch: `python bench/specs.py`.
"""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"
SEED = ROOT / "spec" / "seat-events.yaml"
OCTOKIT = "@octokit/openapi@23.0.2"
TARBALL = CACHE / "octokit-openapi-23.0.2.tgz"
GITHUB_DIR = CACHE / "github"
GITHUB_JSON = GITHUB_DIR / "api.github.com.json"
MEMBERS = (
    "package/generated/api.github.com.json",
    "package/generated/api.github.com.yaml",
)


def github_spec() -> Path:
    """Path of api.github.com.json, fetching and extracting it if needed."""
    if GITHUB_JSON.exists():
        return GITHUB_JSON
    CACHE.mkdir(parents=True, exist_ok=True)
    if not TARBALL.exists():
        done = subprocess.run(
            ["npm", "pack", OCTOKIT, "--silent", "--pack-destination", str(CACHE)],
            capture_output=True,
            text=True,
            check=True,
        )
        (CACHE / done.stdout.strip().splitlines()[-1]).rename(TARBALL)
    GITHUB_DIR.mkdir(exist_ok=True)
    with tarfile.open(TARBALL) as tar:
        names = set(tar.getnames())
        for member in MEMBERS:
            if member in names:
                target = GITHUB_DIR / Path(member).name
                with tar.extractfile(member) as src:  # type: ignore[union-attr]
                    target.write_bytes(src.read())
    if not GITHUB_JSON.exists():
        raise RuntimeError(f"{OCTOKIT} has no {MEMBERS[0]}")
    return GITHUB_JSON


if __name__ == "__main__":
    path = github_spec()
    print(path, f"{path.stat().st_size / 2**20:.1f} MiB")
