"""`oagen diff`: what changed between two versions of an API, and whether it breaks clients."""

from generator.apidiff.compare import diff
from generator.apidiff.rules import LEVELS, RULES, Change, Level, Rule

__all__ = ["LEVELS", "RULES", "Change", "Level", "Rule", "diff"]
