"""Regenerating after a spec edit: the everyday run, against openapi-python-client.

    .venv/bin/python bench/regenerate.py [--spec seed|github] [--rounds N]

A user edits the spec and regenerates.  openapi-python-client keeps nothing
between runs, so each of its regenerations is a full one; oagen keeps its content
cache (validation per spec hash, the models, black per file).  Each round edits one
operation's description in a copy of the spec (a new hash: validation runs again)
and times, interleaved: oagen on the edited spec with the cache of the previous
round, and openapi-python-client on the same spec.  Also shown: oagen on an
unchanged spec, into an emptied folder (everything cached) and over the package
it wrote (the manifest's fast path).  Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generators
import specs
import yaml
from measure import fmt_ratio, fmt_s, median, run
from peers import OPC, ensure


def _load(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def _edit(source: Path, target: Path, round_: int) -> None:
    """`source` with the first operation's description changed, written to `target`."""
    document = _load(source)
    for item in document["paths"].values():
        for method in ("get", "post", "put", "patch", "delete"):
            if method in item:
                operation = item[method]
                operation["description"] = (
                    f"{operation.get('description') or ''} (edit {round_})"
                )
                target.write_text(json.dumps(document, indent=2), encoding="utf-8")
                return
    raise SystemExit(f"{source} has no operation to edit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", choices=("seed", "github"), default="github")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    source = specs.SEED if args.spec == "seed" else specs.github_spec()
    problem = ensure(OPC)
    if problem:
        raise SystemExit(problem)
    edited, unchanged, in_place, peer = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="oagen-regenerate-") as work:
        folder = Path(work)
        spec = folder / "spec.json"
        cache = folder / "cache"
        generators.WARM_CACHE = True  # the point: oagen keeps its cache
        env_cache = {"OAGEN_CACHE_DIR": str(cache)}
        _edit(source, spec, 0)
        first = _oagen(spec, args.spec, folder / "oagen", env_cache)
        print(f"first generate (empty cache): {fmt_s(first)}", file=sys.stderr)
        for round_ in range(1, args.rounds + 1):
            _edit(source, spec, round_)
            edited.append(_oagen(spec, args.spec, folder / "oagen", env_cache))
            unchanged.append(_oagen(spec, args.spec, folder / "oagen", env_cache))
            in_place.append(
                _oagen(spec, args.spec, folder / "oagen", env_cache, fresh=False)
            )
            result = generators.generate("opc", spec, args.spec, folder / "opc")
            if result.rc != 0:
                raise SystemExit(f"openapi-python-client failed:\n{result.stderr}")
            peer.append(result.wall)
            print(f"  round {round_}/{args.rounds} done", file=sys.stderr)
    base = median(peer)
    print(
        f"### Regenerate after a spec edit ({args.spec}, {args.rounds} rounds, median)\n"
    )
    print("| run | wall | vs opc |\n| --- | --- | --- |")
    for label, values in (
        ("oagen, one operation's description edited (cache from the last run)", edited),
        (
            "oagen, spec unchanged, into an emptied folder (everything cached)",
            unchanged,
        ),
        ("oagen, spec unchanged, over its package (fast path)", in_place),
        (f"{OPC.label} (no cache: every run is a full one)", peer),
    ):
        print(
            f"| {label} | {fmt_s(median(values))} | {fmt_ratio(median(values), base)} |"
        )


def _oagen(
    spec: Path, spec_key: str, out: Path, env: dict[str, str], *, fresh: bool = True
) -> float:
    """One `oagen generate`; `fresh` empties the output folder first."""
    cmd, environment = generators.command("oagen", spec, spec_key, out)
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
    result = run(cmd, env={**environment, **env}, cwd=out.parent)
    if result.rc != 0:
        raise SystemExit(f"oagen failed:\n{result.stderr}")
    return result.wall


if __name__ == "__main__":
    main()
