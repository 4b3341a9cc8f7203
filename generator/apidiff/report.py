"""Render changes as text for people or JSON for tools, and decide the exit status.

Both renderings keep the order `diff` gives (the API as a whole, then operations by
path and method), so the same two specs always print the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Final

from generator.apidiff.rules import LEVELS, Change, Level

__all__ = [
    "FAIL_ON",
    "counts",
    "fails",
    "render_json",
    "render_text",
    "summary",
]

#: `--fail-on` choices, and the levels each one fails on.
FAIL_ON: Final[dict[str, frozenset[Level]]] = {
    "breaking": frozenset({"breaking"}),
    "non-breaking": frozenset({"breaking", "non-breaking"}),
    "never": frozenset(),
}
#: How a change to the API as a whole shows in the operation column.
WHOLE_API: Final = "(API)"
#: Longer operations are not padded: one long path must not push every message away.
_MAX_OPERATION_WIDTH: Final = 40


def counts(changes: Sequence[Change]) -> dict[Level, int]:
    return {level: sum(1 for c in changes if c.level == level) for level in LEVELS}


def fails(changes: Sequence[Change], fail_on: str) -> bool:
    """Whether ``--fail-on fail_on`` turns these changes into exit status 1."""
    return any(c.level in FAIL_ON[fail_on] for c in changes)


def summary(changes: Sequence[Change]) -> str:
    """`2 breaking, 1 non-breaking` (and `, 1 info` when there is any)."""
    if not changes:
        return "no API changes"
    number = counts(changes)
    text = f"{number['breaking']} breaking, {number['non-breaking']} non-breaking"
    return text + (f", {number['info']} info" if number["info"] else "")


def render_text(changes: Sequence[Change], heading: str = "") -> str:
    """A summary line (after ``heading``), then one aligned line per change."""
    lines = [heading + summary(changes)]
    if changes:
        rule_width = max(len(c.rule_id) for c in changes)
        operation_width = min(
            max(len(c.operation or WHOLE_API) for c in changes), _MAX_OPERATION_WIDTH
        )
        width = max(len(level) for level in LEVELS)
        lines.extend(
            f"{c.level.upper():<{width}}  {c.rule_id:<{rule_width}}  "
            f"{c.operation or WHOLE_API:<{operation_width}}  {c.message}"
            for c in changes
        )
    return "\n".join(lines) + "\n"


def render_json(changes: Sequence[Change]) -> str:
    """`{"breaking": n, "non_breaking": m, "info": k, "changes": [...]}`."""
    number = counts(changes)
    document = {
        "breaking": number["breaking"],
        "non_breaking": number["non-breaking"],
        "info": number["info"],
        "changes": [
            {
                "id": c.rule_id,
                "level": c.level,
                "operation": c.operation,
                "pointer": c.pointer,
                "message": c.message,
            }
            for c in changes
        ],
    }
    return json.dumps(document, indent=2) + "\n"
