"""Where `oagen generate` spends its time: import cost and a cProfile of one run.

    .venv/bin/python bench/profile_oagen.py [--github] [--top N]

Prints (1) the heaviest modules a seed generate imports, from
`python -X importtime`, and (2) the top functions of a cProfile'd generate of
the seed (or the GitHub spec) into a temporary folder, by cumulative and own time.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import specs  # noqa: E402

os.environ.pop(
    "PYTHONDONTWRITEBYTECODE", None
)  # as run.py: cached bytecode, as on a user machine

PYTHON = HERE.parent / ".venv" / "bin" / "python"
PROFILE = """
import cProfile, pstats, sys
from generator.cli import main
profile = cProfile.Profile()
profile.enable()
code = main(sys.argv[2:])
profile.disable()
profile.dump_stats(sys.argv[1])
"""


def import_costs(top: int) -> None:
    """Top-level imports of a generate run, by cumulative µs (`-X importtime`)."""
    with tempfile.TemporaryDirectory() as out:
        Path(out, "p.toml").write_text("[tool.oagen]\n")
        code = (
            "import sys; from generator.cli import main; "
            f"sys.exit(main(['generate', '-q', '--config', '{out}/p.toml', '--spec', '{specs.SEED}', "
            f"'--output', '{out}', '--package', 'seq']))"
        )
        done = subprocess.run(
            [PYTHON, "-X", "importtime", "-c", code], capture_output=True, text=True
        )
    rows = []
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append((int(m.group(2)), len(m.group(3)), m.group(4)))
    total = sum(c for c, depth, _ in rows if depth == 1)
    print(
        f"## imports: {total / 1e6:.2f} s cumulative at top level; heaviest packages (any depth ≤ 3)\n"
    )
    print("| cumulative | module |\n| --- | --- |")
    seen = set()
    for cumulative, depth, name in sorted(rows, reverse=True):
        root = name.split(".")[0]
        if depth <= 3 and root not in seen:
            seen.add(root)
            print(f"| {cumulative / 1000:.0f} ms | {name} |")
            if len(seen) >= top:
                break


def profile(spec: Path, top: int) -> None:
    import pstats

    with tempfile.TemporaryDirectory() as out:
        config = Path(out, "p.toml")
        config.write_text("[tool.oagen]\n")
        stats = Path(out, "stats")
        subprocess.run(
            [
                PYTHON,
                "-c",
                PROFILE,
                stats,
                "generate",
                "-q",
                "--config",
                config,
                "--spec",
                spec,
                "--output",
                out,
                "--package",
                "pkg",
            ],
            check=False,
        )
        for key in ("cumulative", "tottime"):
            print(f"\n## cProfile of `oagen generate` on {spec.name}, by {key}\n")
            pstats.Stats(str(stats)).sort_stats(key).print_stats(top)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--github", action="store_true", help="profile the GitHub spec (slow)"
    )
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    import_costs(args.top)
    profile(specs.github_spec() if args.github else specs.SEED, args.top)
