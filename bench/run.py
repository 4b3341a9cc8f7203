"""Benchmark oagen against its peers, print a markdown report, save bench/results/latest.md.

    .venv/bin/python bench/run.py [--rounds N] [--github-rounds N] [--skip-github]
                                  [--github-check] [--only seed,check,github,import,decode,stub]

Every measure runs its contestants interleaved (the order rotates each round)
and reports the median, with the spread in brackets.  See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
if Path(sys.prefix) != VENV_PYTHON.parent.parent and VENV_PYTHON.exists():
    os.execv(
        VENV_PYTHON, [str(VENV_PYTHON), __file__, *sys.argv[1:]]
    )  # run in the dev venv
sys.path.insert(0, str(HERE))
# A user's machine caches bytecode; without it every import would recompile the packages.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

import generators as g  # noqa: E402
import peers  # noqa: E402
import specs  # noqa: E402
import stub_load  # noqa: E402
from measure import (  # noqa: E402
    Meter,
    Run,
    fmt_ratio,
    fmt_s,
    interleave,
    median,
    run,
    wait_quiet,
)

SECTIONS = ("seed", "check", "github", "import", "decode", "stub")
RESULTS = HERE / "results" / "latest.md"
SUBJECT = ROOT  # the oagen tree under test: its generated/ and examples/ serve decode and stub
PAGE = peers.CACHE / "page100.json"
STUB_PATH = "/seat-events?limit=25"
GOALS = (  # (key, measure, goal as text, bound, "max" or "min", issue)
    ("seed", "seed generate vs openapi-python-client", "≤ 0.5×", 0.5, "max", 8),
    (
        "check",
        "`oagen check` (unchanged tree) vs openapi-python-client regenerate",
        "≤ 0.3×",
        0.3,
        "max",
        8,
    ),
    (
        "github",
        "GitHub generate vs openapi-python-client, nothing dropped",
        "≤ 1.0×",
        1.0,
        "max",
        8,
    ),
    (
        "github_rss",
        "GitHub peak memory vs openapi-python-client",
        "≤ 1.0×",
        1.0,
        "max",
        8,
    ),
    (
        "github_import",
        "GitHub package import vs openapi-python-client",
        "≤ 0.1×",
        0.1,
        "max",
        8,
    ),
    ("decode", "page decode (client path) vs raw pydantic", "≤ 1.1×", 1.1, "max", 3),
    ("stub", "stub requests/s vs hand-written FastAPI", "≥ 0.9×", 0.9, "min", 4),
)


class Report:
    """Markdown sections, notes about failures and skips, and ratios for the goals."""

    def __init__(self) -> None:
        self.sections: list[str] = []
        self.notes: list[str] = []
        # key -> (ratio or None, remark, failed regardless of the ratio)
        self.goals: dict[str, tuple[float | None, str, bool]] = {}

    def table(
        self, title: str, intro: str, header: list[str], rows: list[list[str]]
    ) -> None:
        lines = [
            f"### {title}",
            "",
            intro,
            "",
            "| " + " | ".join(header) + " |",
            "|" + " --- |" * len(header),
        ]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        self.sections.append("\n".join(lines))
        print("\n" + self.sections[-1], flush=True)

    def load(self, section: str, cores: float) -> None:
        """Record how busy the machine was with other work during `section`."""
        line = f"Other processes used {cores:.2f} of {os.cpu_count()} cores on average during this measure."
        if self.sections and section in self.sections[-1].splitlines()[0].lower():
            self.sections[-1] += "\n\n" + line
        print(line, flush=True)
        if cores > 0.2:
            self.note(
                f"{section}: the machine was shared ({cores:.2f} cores busy with other work); "
                "absolute times are inflated, interleaved ratios less so"
            )

    def note(self, text: str) -> None:
        if text in self.notes:
            return
        self.notes.append(text)
        print(f"NOTE: {text}", flush=True)


def spread(values: list[float], fmt=fmt_s) -> str:
    """`median (min–max)` for several values, the value alone for one."""
    if not values:
        return "–"
    if len(values) == 1:
        return fmt(values[0])
    return f"{fmt(median(values))} ({fmt(min(values))}–{fmt(max(values))})"


def rcs(runs: list[Run]) -> str:
    return ",".join(sorted({str(r.rc) for r in runs}))


def mib(value: float) -> str:
    return f"{value:,.0f} MiB"


# ---------------------------------------------------------------- generate


def bench_generate(rep: Report, args, ready: list[str]) -> None:
    """Seed generate for every generator, and `oagen check` on an unchanged tree."""
    gens = (
        [k for k in ("oagen", "opc", "dcg", "ogn") if k in ready]
        if "seed" in args.only
        else ["opc"]
    )
    contestants = {k: (lambda k=k: g.generate(k, specs.SEED, "seed")) for k in gens}
    if "check" in args.only:
        tree = g.OUT / "seed" / "oagen-check"
        first = g.generate("oagen", specs.SEED, "seed", out=tree)
        if first.rc != 0:
            rep.note(
                f"seed: the tree for `oagen check` could not be generated ({g.failure(first)})"
            )
        contestants["oagen check"] = lambda: g.check(specs.SEED, "seed", tree)
    print(f"\n== seed generate: {', '.join(contestants)} × {args.rounds}", flush=True)
    results = interleave(args.rounds, contestants)
    base = median([r.wall for r in results["opc"]])
    rows = []
    for key, runs in results.items():
        label = (
            "oagen check (unchanged tree)" if key == "oagen check" else g.LABELS[key]
        )
        walls = [r.wall for r in runs]
        remark = g.failure(runs[-1]) or ""
        if key == "oagen check" and runs[-1].rc == 1:
            remark = "exit 1: check reported the unchanged tree as stale"
        rows.append(
            [
                label,
                rcs(runs),
                spread(walls),
                fmt_ratio(median(walls), base),
                mib(median([r.rss_mib for r in runs])),
                remark,
            ]
        )
        ok = all(r.rc == 0 for r in runs)
        if key in ("oagen", "opc"):
            (g.FRESH if ok else g.FAILED).add(("seed", key))
        if key in ("oagen", "oagen check"):
            rep.goals["seed" if key == "oagen" else "check"] = (
                median(walls) / base,
                remark,
                not ok,
            )
    rep.table(
        "Seed generate and check",
        f"`spec/seat-events.yaml`, {args.rounds} interleaved rounds, each into an emptied folder"
        f"{' (oagen reusing its content cache)' if args.warm_cache else ', oagen with an empty content cache'}; "
        "median (min–max). openapi-python-client has no check, so `oagen check` is compared "
        "with its regenerate, as issue 8 does.",
        ["run", "exit", "wall", "vs opc", "peak RSS", "failure"],
        rows,
    )


def bench_github(rep: Report, args, ready: list[str]) -> None:
    """GitHub generate: exit code, wall, peak RSS and what each generator dropped."""
    spec = specs.github_spec()
    gens = [k for k in ("oagen", "opc", "dcg", "ogn") if k in ready]
    contestants = {k: (lambda k=k: g.generate(k, spec, "github")) for k in gens}
    print(f"\n== GitHub generate: {', '.join(gens)} × {args.github_rounds}", flush=True)
    results = interleave(args.github_rounds, contestants)
    if args.github_check and results["oagen"][-1].rc == 0:
        results["oagen check"] = [
            g.check(spec, "github", g.out_dir("github", "oagen"))
            for _ in range(args.github_rounds)
        ]
    base_wall = median([r.wall for r in results["opc"]])
    base_rss = median([r.rss_mib for r in results["opc"]])
    rows = []
    for key, runs in results.items():
        last = runs[-1]
        label = (
            "oagen check (unchanged tree)" if key == "oagen check" else g.LABELS[key]
        )
        walls, rss = [r.wall for r in runs], [r.rss_mib for r in runs]
        dropped = "" if key == "oagen check" else g.dropped(key, last)
        rows.append(
            [
                label,
                rcs(runs),
                spread(walls),
                fmt_ratio(median(walls), base_wall),
                mib(median(rss)),
                fmt_ratio(median(rss), base_rss),
                dropped,
                g.failure(last) or "",
            ]
        )
        if key in ("oagen", "opc"):
            ok = all(r.rc == 0 for r in runs)
            (g.FRESH if ok else g.FAILED).add(("github", key))
        if key != "oagen":
            continue
        if last.rc != 0:
            rep.note(f"GitHub: oagen generate failed: {g.failure(last)}")
        complete = dropped.startswith("0 ") and "error" not in dropped and last.rc == 0
        remark = "" if complete else f"{dropped}; exit {rcs(runs)}"
        rep.goals["github"] = (median(walls) / base_wall, remark, not complete)
        rep.goals["github_rss"] = (median(rss) / base_rss, "", last.rc != 0)
    rep.table(
        "GitHub generate",
        f"`{specs.OCTOKIT}` `api.github.com.json` ({specs.GITHUB_JSON.stat().st_size / 2**20:.1f} MiB), "
        f"{args.github_rounds} interleaved round(s)"
        f"{' (oagen reusing its content cache)' if args.warm_cache else ', oagen with an empty content cache'}. "
        "Peak RSS is the largest single process "
        "(ru_maxrss of the child and its waited-for descendants).",
        [
            "run",
            "exit",
            "wall",
            "vs opc",
            "peak RSS",
            "vs opc",
            "dropped / skipped",
            "failure",
        ],
        rows,
    )


# ---------------------------------------------------------------- import


def ensure_output(spec_key: str, gen: str) -> bool:
    """Generate once (untimed) unless this run already wrote that output."""
    if (spec_key, gen) in g.FRESH:
        return True
    if (spec_key, gen) in g.FAILED:
        return False
    spec = specs.SEED if spec_key == "seed" else specs.github_spec()
    print(
        f"  (generating {spec_key}/{gen} for the import or decode benchmark)",
        flush=True,
    )
    ok = g.generate(gen, spec, spec_key).rc == 0
    (g.FRESH if ok else g.FAILED).add((spec_key, gen))
    return ok


def import_run(python: Path, parent: Path, package: str) -> Run:
    env = {**os.environ, "PYTHONPATH": str(parent)}
    return run(
        [python, "-c", f"import {package}, {package}.models"], cwd=parent, env=env
    )


def bench_import(rep: Report, args) -> None:
    """Fresh interpreter importing the package and its models, minus interpreter start."""
    spec_keys = ["seed"] + (
        [] if args.skip_github or "github" not in args.only else ["github"]
    )
    if "github" not in spec_keys:
        rep.note(
            "import: GitHub packages not measured (--skip-github or not in --only)"
        )
    contestants, meta = {}, {}
    for spec_key in spec_keys:
        for gen, python, venv in (
            ("oagen", g.PYTHON, "oagen venv"),
            ("opc", peers.OPC.python, "opc venv"),
        ):
            if not ensure_output(spec_key, gen):
                rep.note(f"import: {spec_key}/{gen} did not generate; not measured")
                continue
            parent, package = g.out_dir(spec_key, gen), g.package(gen, spec_key)
            warm = import_run(python, parent, package)  # also writes the .pyc files
            if warm.rc != 0 and gen == "oagen" and "email" in warm.stderr:
                rep.note(
                    f"import: oagen's {spec_key} package fails to import in its venv: "
                    f"{g.failure(warm)}"
                )
                meta[(spec_key, gen, venv)] = (None, g.failure(warm))
                if peers.ensure(peers.RUNTIME) is None:
                    python, venv = peers.RUNTIME.python, "rt venv (+email-validator)"
                    warm = import_run(python, parent, package)
            if warm.rc != 0:
                meta[(spec_key, gen, venv)] = (None, g.failure(warm))
                continue
            key = f"{spec_key}/{gen}/{venv}"
            contestants[key] = lambda p=python, d=parent, n=package: import_run(p, d, n)
            contestants[f"start/{python}"] = lambda p=python: run([p, "-c", "pass"])
            meta[(spec_key, gen, venv)] = (key, python)
    print(f"\n== import: {len(contestants)} contestants × {args.rounds}", flush=True)
    results = interleave(args.rounds, contestants)
    net = {}
    rows = []
    for (spec_key, gen, venv), (key, extra) in meta.items():
        if key is None:
            rows.append(
                [spec_key, g.LABELS[gen], venv, "–", "–", "–", f"fails: {extra}"]
            )
            continue
        start = median([r.wall for r in results[f"start/{extra}"]])
        walls = [r.wall for r in results[key]]
        net[(spec_key, gen, venv)] = median(walls) - start
        rows.append(
            [
                spec_key,
                g.LABELS[gen],
                venv,
                fmt_s(median(walls) - start),
                "",
                spread(walls),
                g.failure(results[key][-1]) or "",
            ]
        )
    for row, ((spec_key, gen, venv), _) in zip(rows, meta.items(), strict=True):
        base = net.get((spec_key, "opc", "opc venv"))
        if (spec_key, gen, venv) in net:
            row[4] = fmt_ratio(net[(spec_key, gen, venv)], base)
            if spec_key == "github" and gen == "oagen" and base:
                dev_failed = (
                    meta.get(("github", "oagen", "oagen venv"), (None,))[0] is None
                )
                rep.goals["github_import"] = (
                    net[(spec_key, gen, venv)] / base,
                    (
                        "measured in the rt venv: does not import with oagen's declared deps"
                        if dev_failed
                        else ""
                    ),
                    dev_failed,
                )
    rep.table(
        "Import of the generated package",
        f"Fresh interpreter running `import PKG, PKG.models` with bytecode already cached, "
        f"{args.rounds} interleaved rounds. *net* = median wall minus the median of `python -c pass` "
        "in the same venv.",
        [
            "spec",
            "generator",
            "venv",
            "import (net)",
            "vs opc",
            "wall incl. start",
            "failure",
        ],
        rows,
    )


# ---------------------------------------------------------------- decode


def bench_decode(rep: Report, args) -> None:
    """µs per 100-item page: raw pydantic, oagen's client path, openapi-python-client's."""
    import decode

    PAGE.write_bytes(decode.page_bytes(specs.SEED))
    script = str(HERE / "decode.py")
    oagen_dir, oagen_pkg = SUBJECT / "generated", "sequence_usage"
    probe = run([g.PYTHON, script, "oagen", oagen_dir, oagen_pkg, PAGE])
    if probe.rc != 0:
        rep.note(
            f"decode: {oagen_dir}/sequence_usage does not import or decode ({g.failure(probe)}); "
            "used a fresh `oagen generate` of the seed instead"
        )
        ensure_output("seed", "oagen")
        oagen_dir = g.out_dir("seed", "oagen")
    if not ensure_output("seed", "opc"):
        rep.note(
            "decode: openapi-python-client did not generate the seed; not measured"
        )
        return
    opc_dir, opc_pkg = g.out_dir("seed", "opc"), g.package("opc", "seed")
    contestants = {
        "oagen": lambda: run([g.PYTHON, script, "oagen", oagen_dir, oagen_pkg, PAGE]),
        "opc": lambda: run([peers.OPC.python, script, "opc", opc_dir, opc_pkg, PAGE]),
    }
    print(f"\n== decode × {args.rounds}", flush=True)
    results = interleave(args.rounds, contestants)
    times: dict[str, list[float]] = {}
    for side, runs in results.items():
        for r in runs:
            if r.rc != 0:
                rep.note(f"decode: {side} side failed: {g.failure(r)}")
                continue
            for name, seconds in json.loads(r.stdout).items():
                times.setdefault(name, []).append(seconds * 1e6)
    base = median(times.get("pydantic", []))
    labels = {
        "pydantic": ("raw pydantic `Model.model_validate_json(bytes)`", "yes"),
        "oagen": (
            "oagen client path `decode_response(httpx.Response(...), Model)`",
            "yes",
        ),
        "oagen parse only": (
            "oagen `decode_response(response, Model)`, response already built by httpx",
            "yes",
        ),
        "opc from_dict": (
            "openapi-python-client `Model.from_dict(json.loads(bytes))`",
            "no",
        ),
        "opc _parse_response": (
            "openapi-python-client `_parse_response(httpx.Response)`",
            "no",
        ),
    }
    us = lambda v: f"{v:.0f} µs"  # noqa: E731
    rows = [
        [labels[k][0], spread(v, us), fmt_ratio(median(v), base), labels[k][1]]
        for k, v in times.items()
    ]
    if "oagen" in times and base:
        rep.goals["decode"] = (median(times["oagen"]) / base, "", False)
    rep.table(
        "Page decode",
        f"100 SeatEvents ({PAGE.stat().st_size:,} bytes of JSON, the seed's example with distinct ids), "
        f"bytes to typed object; best of 3 timeit repeats per round, {args.rounds} interleaved rounds, "
        f"each side in a fresh interpreter of its venv. oagen side: `{oagen_dir}`.",
        ["path", "per page", "vs raw pydantic", "validates types"],
        rows,
    )


# ---------------------------------------------------------------- stub


def _load_both(args, generated: Path):
    """Serve the stub (the generated mock on `generated`) and the hand-written app; load both."""
    stub_env = {**os.environ, "PYTHONPATH": f"{generated}:{HERE}"}
    hand_env = {**os.environ, "PYTHONPATH": str(HERE)}
    with (
        stub_load.serve(
            "mock_app:app", stub_env, HERE, STUB_PATH, g.PYTHON
        ) as stub_url,
        stub_load.serve(
            "handwritten_app:app", hand_env, HERE, STUB_PATH, g.PYTHON
        ) as hand_url,
    ):
        bodies = [json.loads(stub_load.get(u)[1]) for u in (stub_url, hand_url)]
        for url in (stub_url, hand_url):
            stub_load.load(url, seconds=1)  # warm up
        print(
            f"\n== stub × {args.rounds} ({stub_load.tool()}, {args.stub_seconds:g} s each)",
            flush=True,
        )
        results = interleave(
            args.rounds,
            {
                "stub": lambda: stub_load.load(stub_url, seconds=args.stub_seconds),
                "hand": lambda: stub_load.load(hand_url, seconds=args.stub_seconds),
            },
        )
    return results, bodies


def bench_stub(rep: Report, args) -> None:
    """Requests/s of the generated stub vs a hand-written FastAPI endpoint, 127.0.0.1 only."""
    try:
        results, bodies = _load_both(args, SUBJECT / "generated")
    except RuntimeError as error:
        rep.note(f"stub: {error}; served a fresh `oagen generate` of the seed instead")
        ensure_output("seed", "oagen")
        try:
            results, bodies = _load_both(args, g.out_dir("seed", "oagen"))
        except RuntimeError as error:
            rep.note(f"stub: not measured: {error}")
            return
    if bodies[0] != bodies[1]:
        rep.note(
            "stub: the two servers' bodies differ; requests/s compare unequal work"
        )
    base = median([rps for rps, _ in results["hand"]])
    rows = []
    for key, label in (
        ("stub", "generated stub + its generated mock (bench/mock_app.py)"),
        ("hand", "hand-written FastAPI endpoint (bench/handwritten_app.py)"),
    ):
        rps = [r for r, _ in results[key]]
        rows.append(
            [
                label,
                spread(rps, lambda v: f"{v:,.0f}"),
                fmt_ratio(median(rps), base),
                str(sum(bad for _, bad in results[key])),
            ]
        )
    failed = sum(bad for _, bad in results["stub"]) > 0
    rep.goals["stub"] = (
        median([r for r, _ in results["stub"]]) / base,
        "the stub failed requests" if failed else "",
        failed,
    )
    rep.table(
        "Stub requests/s",
        f"`GET {STUB_PATH}` (25 events, {len(json.dumps(bodies[0], separators=(',', ':'))):,} bytes), "
        f"uvicorn 1 worker, no access log, on 127.0.0.1; load: {stub_load.tool()} "
        f"1 thread 32 connections {args.stub_seconds:g} s, {args.rounds} interleaved rounds.",
        ["server", "requests/s", "vs hand-written", "failed requests"],
        rows,
    )


# ---------------------------------------------------------------- report


def machine(args) -> str:
    """Date, hardware, and the versions of everything that ran."""
    mem = next(
        line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in open("/proc/cpuinfo")
            if line.startswith("model name")
        ),
        "?",
    )

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()

    if args.oagen_ref:
        subject = f"oagen {g.LABELS['oagen'].split()[-1]} (`--oagen-ref {args.oagen_ref}`, installed in its own venv)"
    else:
        dirty = len(
            git("status", "--porcelain", "--", "generator", "templates").splitlines()
        )
        subject = f"oagen working tree at {git('rev-parse', '--short', 'HEAD')}" + (
            f" with {dirty} uncommitted files in generator/ and templates/"
            if dirty
            else ""
        )
    java = subprocess.run(
        ["java", "-version"], capture_output=True, text=True
    ).stderr.splitlines()
    date = subprocess.run(["date", "-u"], capture_output=True, text=True).stdout.strip()
    return "\n".join(
        [
            f"- date: {date}",
            f"- machine: {os.cpu_count()} cores ({cpu}), {int(mem) / 2**20:.1f} GiB RAM, {platform.platform()}",
            f"- Python {platform.python_version()}; {subject}",
            "- oagen's venv: "
            + peers.versions(
                g.PYTHON,
                "oagen",
                "datamodel-code-generator",
                "jinja2",
                "pyyaml",
                "openapi-spec-validator",
                "black",
                "pydantic",
                "httpx",
                "fastapi",
                "starlette",
                "uvicorn",
            ),
            "- openapi-python-client venv: "
            + peers.versions(
                peers.OPC.python, "openapi-python-client", "httpx", "attrs", "ruff"
            ),
            "- datamodel-code-generator venv: "
            + peers.versions(
                peers.DCG.python,
                "datamodel-code-generator",
                "black",
                "isort",
                "pydantic",
            ),
            "- OpenAPI Generator venv: "
            + peers.versions(peers.OGN.python, "openapi-generator-cli")
            + f" (the PyPI package's bundled jar) on {java[0] if java else 'no java'}",
            f"- load generator: {stub_load.tool()}",
        ]
    )


def goal_table(rep: Report) -> str:
    rows = [
        "| measure | issue | goal | measured | result |",
        "| --- | --- | --- | --- | --- |",
    ]
    for key, measure, goal, bound, kind, issue in GOALS:
        ratio, remark, failed = rep.goals.get(key, (None, "not measured", False))
        if ratio is None:
            verdict, shown = "n/a", "–"
        else:
            passed = (
                ratio <= bound if kind == "max" else ratio >= bound
            ) and not failed
            verdict, shown = ("pass" if passed else "fail"), f"{ratio:.2f}×"
        rows.append(
            f"| {measure} | #{issue} | {goal} | {shown} | {verdict}{': ' + remark if remark else ''} |"
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--github-rounds", type=int, default=1)
    parser.add_argument(
        "--skip-github", action="store_true", help="skip the slow GitHub part"
    )
    parser.add_argument(
        "--github-check", action="store_true", help="also time `oagen check` on GitHub"
    )
    parser.add_argument("--stub-seconds", type=float, default=5)
    parser.add_argument(
        "--warm-cache",
        action="store_true",
        help="let oagen's generate reuse its content cache (default: an empty one per run)",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help="where to write the report (default: bench/results/latest.md)",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="S",
        help="before each measure, wait up to S s until other processes use < 0.3 cores",
    )
    parser.add_argument(
        "--oagen-ref",
        metavar="REF",
        help="benchmark a commit (git archive, own venv) instead of the working tree",
    )
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help="comma-separated: " + ",".join(SECTIONS),
    )
    args = parser.parse_args()
    g.WARM_CACHE = args.warm_cache
    args.only = [s for s in args.only.split(",") if s]
    if unknown := set(args.only) - set(SECTIONS):
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")

    rep = Report()
    global SUBJECT
    if args.oagen_ref:
        SUBJECT, sha = peers.oagen_snapshot(args.oagen_ref)
        g.use_oagen(peers.VENVS / f"oagen-{sha}" / "bin", f"oagen {sha}")
    ready = ["oagen"]
    for peer in peers.PEERS:
        why = peers.ensure(peer)
        if why:
            rep.note(f"{peer.label}: skipped, cannot be set up here: {why}")
        else:
            ready.append(peer.key)
    if "opc" not in ready:
        print(
            "openapi-python-client is the baseline and could not be installed",
            file=sys.stderr,
        )
        return 1
    if args.skip_github and "github" in args.only:
        args.only.remove("github")
        rep.note("GitHub generate skipped (--skip-github)")
    steps = (  # (sections that trigger it, title word of its table, function)
        (("seed", "check"), "seed", lambda: bench_generate(rep, args, ready)),
        (("github",), "github", lambda: bench_github(rep, args, ready)),
        (("import",), "import", lambda: bench_import(rep, args)),
        (("decode",), "decode", lambda: bench_decode(rep, args)),
        (("stub",), "stub", lambda: bench_stub(rep, args)),
    )
    for triggers, title, step in steps:
        if set(triggers) & set(args.only):
            if args.wait_quiet:
                print(
                    f"(waiting up to {args.wait_quiet:g} s for other processes to go quiet)",
                    flush=True,
                )
                wait_quiet(args.wait_quiet)
            meter = Meter()
            step()
            rep.load(title, meter.others())

    text = (
        "\n\n".join(
            [
                "# oagen benchmarks",
                machine(args),
                "## Results",
                *rep.sections,
                "## Goals (ratios measured in this run)",
                goal_table(rep),
                "## Failures, skips and notes",
                "\n".join(f"- {n}" for n in rep.notes) or "- none",
            ]
        )
        + "\n"
    )
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text)
    print("\n" + "=" * 72 + "\n" + text)
    print(
        f"written to {args.results} at {datetime.datetime.now(datetime.UTC):%H:%M:%S} UTC"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
