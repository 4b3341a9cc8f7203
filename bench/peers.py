"""Install the peer generators into their own cached venvs under bench/.cache/venvs/.

Each venv is built once; a `.ready` file records the requirements it was built
with, so re-runs reuse it and a changed pin rebuilds it.  Run directly to
(re)build them all: `python bench/peers.py`.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
VENVS = CACHE / "venvs"


@dataclasses.dataclass(frozen=True)
class Peer:
    key: str  # short id used in tables and --only
    label: str  # shown in tables
    requirements: tuple[str, ...]
    exe: str  # console script inside the venv
    needs: str | None = None  # an external program that must be on PATH

    @property
    def venv(self) -> Path:
        return VENVS / self.key

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def bin(self) -> Path:
        return self.venv / "bin" / self.exe


OPC = Peer(
    "opc",
    "openapi-python-client 0.29.1",
    # the generated client needs httpx and attrs at run time
    ("openapi-python-client==0.29.1", "httpx", "attrs"),
    "openapi-python-client",
)
DCG = Peer(
    "dcg",
    "datamodel-code-generator 0.89",
    ("datamodel-code-generator==0.89.*", "pydantic>=2"),
    "datamodel-codegen",
)
OGN = Peer(
    "ogn",
    "OpenAPI Generator 7.x (python)",
    # the PyPI package bundles the jar; it runs on the machine's Java
    ("openapi-generator-cli==7.*",),
    "openapi-generator-cli",
    needs="java",
)
PEERS = (OPC, DCG, OGN)


def _pinned(dist: str) -> str:
    import importlib.metadata

    try:
        return f"{dist}=={importlib.metadata.version(dist)}"
    except importlib.metadata.PackageNotFoundError:
        return dist


# Not a peer: oagen's generated code at run time (its `client` extra at the dev
# venv's versions) plus email-validator, which pydantic needs for `EmailStr`
# fields and which oagen does not declare.  Used only when an oagen package
# fails to import in the dev venv, so the import can still be timed.
RUNTIME = Peer(
    "rt",
    "oagen runtime + email-validator",
    (_pinned("httpx"), _pinned("pydantic"), "email-validator"),
    "python",
)


def ensure(peer: Peer, log=print) -> str | None:
    """Build the peer's venv if needed; return None when ready, else why not."""
    if peer.needs and shutil.which(peer.needs) is None:
        return f"`{peer.needs}` not on PATH"
    stamp = peer.venv / ".ready"
    wanted = "\n".join(peer.requirements)
    if stamp.exists() and stamp.read_text() == wanted and peer.bin.exists():
        return None
    log(f"[peers] building venv for {peer.label} ...")
    shutil.rmtree(peer.venv, ignore_errors=True)
    pip = [
        str(peer.python),
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
    ]
    for cmd in (
        [sys.executable, "-m", "venv", str(peer.venv)],
        [*pip, *peer.requirements],
    ):
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            return f"`{' '.join(cmd[:4])} ...` failed: {done.stderr.strip()[-400:]}"
    stamp.write_text(wanted)
    return None


def versions(python: Path, *dists: str) -> str:
    """`dist version, ...` as installed for `python` ("?" when absent)."""
    code = (
        "import importlib.metadata as m, sys\n"
        "for d in sys.argv[1:]:\n"
        "    try: print(d, m.version(d))\n"
        "    except m.PackageNotFoundError: print(d, '?')"
    )
    done = subprocess.run(
        [str(python), "-c", code, *dists], capture_output=True, text=True
    )
    return ", ".join(done.stdout.split("\n")[:-1]) or "?"


def oagen_snapshot(ref: str, log=print) -> tuple[Path, str]:
    """A committed oagen (`git archive REF`) installed with its extras in its own venv.

    Returns the snapshot's folder (its `generated/` and `examples/` are used by
    the decode and stub benchmarks) and the short commit id; the venv is
    `bench/.cache/venvs/oagen-<commit>`.  Lets a lever be measured before and after.
    """
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, check=True)

    sha = git("rev-parse", "--short=12", f"{ref}^{{commit}}").stdout.decode().strip()
    tree = CACHE / "trees" / sha
    if not (tree / ".ready").exists():
        log(f"[peers] extracting oagen {ref} ({sha}) ...")
        shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir(parents=True)
        archive = git("archive", "--format=tar", sha).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        (tree / ".ready").write_text(sha)
    peer = Peer(f"oagen-{sha}", f"oagen {sha}", (f"{tree}[client,server]",), "oagen")
    why = ensure(peer, log)
    if why:
        raise RuntimeError(f"cannot install oagen {ref}: {why}")
    return tree, sha


if __name__ == "__main__":
    for p in PEERS:
        print(p.label, "->", ensure(p) or "ready")
