"""How each generator is invoked, where its package lands, and what it dropped.

Every generate runs into an emptied folder bench/.cache/out/<spec>/<generator>/,
so no tool gets to reuse an earlier output.  The last output stays there for the
import benchmark.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from peers import CACHE, DCG, OGN, OPC
from measure import Run, run

ROOT = Path(__file__).resolve().parent.parent
OAGEN = ROOT / ".venv" / "bin" / "oagen"
#: Set by `run.py --warm-cache`: let oagen reuse the user's content cache.
WARM_CACHE = False
PYTHON = ROOT / ".venv" / "bin" / "python"
OUT = CACHE / "out"
FRESH: set[tuple[str, str]] = set()  # (spec, generator) outputs written by this run
FAILED: set[tuple[str, str]] = set()  # (spec, generator) that failed in this run
OAGEN_PACKAGE = {"seed": "sequence_usage", "github": "github_api"}
LABELS = {
    "oagen": "oagen (working tree)",
    "opc": OPC.label,
    "dcg": DCG.label + " (models only)",
    "ogn": OGN.label,
}


def use_oagen(bin_dir: Path, label: str) -> None:
    """Benchmark the oagen installed in `bin_dir` (a snapshot's venv) instead of the dev one."""
    global OAGEN, PYTHON
    OAGEN, PYTHON = bin_dir / "oagen", bin_dir / "python"
    LABELS["oagen"] = label


def out_dir(spec_key: str, gen: str) -> Path:
    return OUT / spec_key / gen


def command(
    gen: str, spec: Path, spec_key: str, out: Path
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that generate from `spec` into `out`."""
    env = dict(os.environ)
    if gen == "oagen":
        # an empty [tool.oagen], so the repository's pyproject.toml is not picked up
        config = OUT / "pyproject.toml"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text("[tool.oagen]\n")
        cmd = [
            OAGEN,
            "generate",
            "--config",
            config,
            "--spec",
            spec,
            "--output",
            out,
            "--package",
            OAGEN_PACKAGE[spec_key],
        ]
        if spec_key == "seed":
            cmd += ["--default-server", "production"]  # as in pyproject.toml
    elif gen == "opc":
        # its post-generation hooks run `ruff`, which lives in the peer's venv
        env["PATH"] = f"{OPC.bin.parent}{os.pathsep}{env.get('PATH', '')}"
        cmd = [OPC.bin, "generate", "--path", spec, "--output-path", out, "--overwrite"]
    elif gen == "dcg":
        cmd = [
            DCG.bin,
            "--input",
            spec,
            "--input-file-type",
            "openapi",
            "--output",
            out / "models.py",
            "--output-model-type",
            "pydantic_v2.BaseModel",
            "--formatters",
            "black",
            "isort",
        ]  # today's default, made explicit
    elif gen == "ogn":
        cmd = [OGN.bin, "generate", "-i", spec, "-g", "python", "-o", out]
    else:
        raise ValueError(gen)
    return [str(c) for c in cmd], env


def generate(
    gen: str, spec: Path, spec_key: str, out: Path | None = None, timeout: float = 900
) -> Run:
    out = out or out_dir(spec_key, gen)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    cmd, env = command(gen, spec, spec_key, out)
    if gen != "oagen" or WARM_CACHE:
        return run(cmd, env=env, cwd=out.parent, timeout=timeout)
    # Cold: the peers keep no cache between runs, so oagen starts from an empty one.
    with tempfile.TemporaryDirectory(prefix="oagen-bench-cache-") as cache:
        env["OAGEN_CACHE_DIR"] = cache
        return run(cmd, env=env, cwd=out.parent, timeout=timeout)


def check(spec: Path, spec_key: str, out: Path) -> Run:
    """`oagen check` against the tree in `out` (written by a generate with the same flags)."""
    cmd, env = command("oagen", spec, spec_key, out)
    cmd[1] = "check"
    return run(cmd, env=env, cwd=out.parent)


def package(gen: str, spec_key: str) -> str | None:
    """The importable package a generator wrote, if any."""
    if gen == "oagen":
        return OAGEN_PACKAGE[spec_key]
    out = out_dir(spec_key, gen)
    found = sorted(
        p.parent.name for p in out.glob("*/__init__.py") if p.parent.name != "test"
    )
    return found[0] if found else None


def dropped(gen: str, result: Run) -> str:
    """What a generator said it left out, counted from its output."""
    text = result.stdout + result.stderr
    if gen == "oagen":
        skipped = len(re.findall(r"warning OAG050", text))
        errors = re.findall(r"error (OAG\d+)", text)
        other = len(re.findall(r"warning OAG(?!050)\d+", text))
        parts = [f"{skipped} operations skipped (OAG050)"]
        if other:
            parts.append(f"{other} other warnings")
        if errors:
            parts.append(f"{len(errors)} errors ({', '.join(sorted(set(errors)))})")
        return "; ".join(parts)
    if gen == "opc":
        schemas = len(re.findall(r"Unable to parse schema", text))
        endpoints = len(re.findall(r"WARNING parsing", text))
        return f"{schemas} schemas dropped; {endpoints} endpoints with parts omitted"
    if gen == "dcg":
        return f"{len(re.findall(r'Warning', text))} warnings"
    if gen == "ogn":
        return f"{len(re.findall(r'WARN', text))} WARN lines"
    return ""


def failure(result: Run) -> str | None:
    """A one-line account of a failed run, else None."""
    if result.rc == 0:
        return None
    if result.timed_out:
        return f"timed out after {result.wall:.0f} s"
    lines = [
        x for x in (result.stderr or result.stdout).strip().splitlines() if x.strip()
    ]
    return f"exit {result.rc}: {lines[-1][:200] if lines else 'no output'}"
