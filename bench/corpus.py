"""Corpus check (issue 5): every @readme/oas-examples 3.0/3.1 document and GitHub's spec.

    .venv/bin/python bench/corpus.py [--only NAME] [--no-mypy]

For each document: generate, import every module, `mypy --strict` (documents
under 200 KB; GitHub is too large).  Prints a markdown table with totals
against the goal (every valid document generates and imports; at least 98%
with nothing skipped) and writes it to bench/results/corpus.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV_PYTHON = HERE.parent / ".venv" / "bin" / "python"
if Path(sys.prefix) != VENV_PYTHON.parent.parent and VENV_PYTHON.exists():
    os.execv(VENV_PYTHON, [str(VENV_PYTHON), __file__, *sys.argv[1:]])
sys.path.insert(0, str(HERE))

from corpus_check import Row, check
from corpus_docs import corpus

RESULTS = HERE / "results" / "corpus.md"
GOAL_CLEAN = 0.98
# Documents that are not valid OpenAPI; oagen refusing them (exit 2) is correct.
INVALID: dict[str, str] = {
    "3.0/openapi-workshop/post": "`responses: {}` (3.0 needs one response)",
    "3.0/schema-validation": "`default: '12345'` on integers (3.0: MUST match type)",
    "3.1/schema-validation-local": "`$schema` draft-05 (none such), https draft-06/07 ids,"
    " `exclusiveMaximum: true` under 2019-09",
}
# Valid documents that oagen refuses on purpose, with the reason shown in the table.
REFUSED: dict[str, str] = {
    "3.0/schema-enums": "OAG038: enum value '' in a `type: number` enum",
}


def cell(text: str | None) -> str:
    """A table cell: '-' for a step that did not run, pipes escaped."""
    return "-" if text is None else text.replace("|", "\\|")


def table(rows: list[Row]) -> list[str]:
    """The per-document markdown table."""
    lines = [
        "| document | version | generate | skipped ops | import | mypy --strict | first error |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        generate = row.generate
        if row.doc.name in INVALID and generate.startswith("refused"):
            generate = f"invalid: {INVALID[row.doc.name]}"
        elif row.doc.name in REFUSED and generate.startswith("refused"):
            generate = f"refused: {REFUSED[row.doc.name]}"
        lines.append(
            "| "
            + " | ".join(
                cell(c)
                for c in (
                    row.doc.name,
                    row.doc.version,
                    generate,
                    str(row.skipped),
                    row.imports,
                    row.mypy,
                    row.error[:160],
                )
            )
            + " |"
        )
    return lines


def totals(rows: list[Row]) -> list[str]:
    """Counts and the goal verdicts, over the documents that are valid OpenAPI."""
    invalid = [r for r in rows if r.doc.name in INVALID and r.generate != "ok"]
    valid = [r for r in rows if r not in invalid]
    n = len(valid) or 1
    generated = sum(r.generate == "ok" for r in valid)
    imported = sum(r.imports == "ok" for r in valid)
    clean = sum(r.clean for r in valid)
    checked = [r for r in valid if r.mypy is not None]
    typed = sum(r.mypy == "ok" for r in checked)
    every = generated == imported == len(valid)
    return [
        f"- documents: {len(rows)} ({len(invalid)} invalid, refused with diagnostics)",
        f"- generate: {generated}/{len(valid)} valid",
        f"- import every module: {imported}/{len(valid)}",
        f"- mypy --strict: {typed}/{len(checked)} checked",
        (
            f"- nothing skipped (generated, imported, no OAG050): {clean}/{len(valid)}"
            f" = {clean / n:.1%}"
        ),
        f"- goal, every valid document generates and imports: {'met' if every else 'NOT met'}",
        (
            f"- goal, ≥ {GOAL_CLEAN:.0%} with nothing skipped:"
            f" {'met' if clean / n >= GOAL_CLEAN else 'NOT met'}"
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only documents whose name contains this")
    parser.add_argument("--no-mypy", action="store_true", help="skip mypy --strict")
    parser.add_argument("--skip-github", action="store_true", help="leave GitHub out")
    args = parser.parse_args()
    docs = [d for d in corpus() if not args.only or args.only in d.name]
    if args.skip_github:
        docs = [d for d in docs if not d.name.startswith("github/")]
    rows = []
    for doc in docs:
        row = check(doc, run_mypy=not args.no_mypy)
        print(f"{doc.name}: {row.generate} {row.imports} {row.mypy} {row.error[:100]}")
        rows.append(row)
    today = datetime.date.today().isoformat()
    report = [f"# Corpus check, {today}", "", *table(rows), "", *totals(rows), ""]
    print("\n".join(report))
    if not args.only:
        RESULTS.write_text("\n".join(report))
    ok = all(r.clean for r in rows if r.doc.name not in INVALID)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
