"""The rule catalogue: every kind of API change `oagen diff` reports, with a stable id.

A rule's level is fixed: the same kind of change is always breaking or always not.
Direction decides it, which is why schema rules come in pairs: a request is input to
the server (a client keeps working when the server accepts more), a response is
output (a client keeps working when the server sends less).  The generated client
validates responses with the schema's constraints, so a response constraint that is
relaxed breaks it as surely as a removed field does.  Renames that HTTP does not see
(operationId, first tag, path parameter, server description) rename generated methods,
resources, keyword arguments and `Environment` members, so they are breaking too.

Ids are stable: a rule may be added, never renamed or given another meaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

__all__ = ["LEVELS", "RULES", "Change", "Level", "Rule", "rule"]

Level = Literal["breaking", "non-breaking", "info"]
#: The levels, most severe first (the order reports use).
LEVELS: Final[tuple[Level, ...]] = ("breaking", "non-breaking", "info")

B: Final = "breaking"
N: Final = "non-breaking"
I: Final = "info"


@dataclass(frozen=True)
class Rule:
    """One kind of change: its id, its level, and the message it prints.

    ``template`` is formatted with the change's details (``subject``, ``old``, ...)."""

    id: str
    level: Level
    template: str


@dataclass(frozen=True)
class Change:
    """One change found between two specs.

    ``operation`` is ``"GET /path"`` ("" for a change to the whole API); ``pointer``
    places it in the new spec, or in the old one when something was removed."""

    rule_id: str
    level: Level
    operation: str
    pointer: str
    message: str


def _schema_rules(
    suffix: str, request: Level, response: Level, template: str
) -> tuple[Rule, Rule]:
    """A schema rule for both directions: same text, a level per direction."""
    return (
        Rule(f"request-{suffix}", request, template),
        Rule(f"response-{suffix}", response, template),
    )


_CATALOGUE: Final[tuple[Rule, ...]] = (
    # the API as a whole
    Rule("api-version-changed", I, "info.version changed from {old} to {new}"),
    Rule("server-removed", B, "server {url} was removed"),
    Rule("server-added", N, "server {url} was added"),
    Rule("server-renamed", B, "server {url}: Environment.{old} is now Environment.{new}"),
    Rule("security-scheme-removed", B, "security scheme {name} was removed"),
    Rule("security-scheme-added", N, "security scheme {name} was added"),
    Rule("security-scheme-changed", B, "security scheme {name}: {what} changed from {old} to {new}"),
    # operations
    Rule("operation-removed", B, "the operation was removed"),
    Rule("operation-added", N, "the operation was added"),
    Rule("operation-id-changed", B, "operationId changed from {old} to {new}: the generated method is renamed"),
    Rule("operation-tag-changed", B, "first tag changed from {old} to {new}: the method moves to another client resource"),
    Rule("operation-deprecated", I, "the operation is now deprecated"),
    Rule("security-requirement-added", B, "security now requires {new} (was {old})"),
    Rule("security-requirement-relaxed", N, "security now also accepts {new} (was {old})"),
    # parameters
    Rule("request-path-parameter-renamed", B, "path parameter {old} was renamed to {new}"),
    Rule("request-parameter-removed", B, "{subject} was removed"),
    Rule("request-parameter-added-required", B, "new required {subject}"),
    Rule("request-parameter-added-optional", N, "new optional {subject}"),
    Rule("request-parameter-became-required", B, "{subject} became required"),
    Rule("request-parameter-became-optional", N, "{subject} became optional"),
    Rule("request-parameter-style-changed", B, "{subject}: {what} changed from {old} to {new}"),
    Rule("request-parameter-deprecated", I, "{subject} is now deprecated"),
    # request bodies
    Rule("request-body-removed", B, "the request body was removed"),
    Rule("request-body-added-required", B, "a required request body was added"),
    Rule("request-body-added-optional", N, "an optional request body was added"),
    Rule("request-body-became-required", B, "the request body became required"),
    Rule("request-body-became-optional", N, "the request body became optional"),
    Rule("request-media-type-removed", B, "request media type {media} was removed"),
    Rule("request-media-type-added", N, "request media type {media} was added"),
    # responses
    Rule("response-status-removed", B, "response {status} was removed"),
    Rule("response-status-added", N, "response {status} was added"),
    Rule("response-media-type-removed", B, "response {status} media type {media} was removed"),
    Rule("response-media-type-added", N, "response {status} media type {media} was added"),
    Rule("response-header-removed", B, "response {status} header {name} was removed"),
    Rule("response-header-added", N, "response {status} header {name} was added"),
    Rule("response-header-became-optional", B, "response {status} header {name} became optional"),
    # schemas, by direction: (suffix, request level, response level, template)
    *_schema_rules("type-changed", B, B, "{subject}: type changed from {old} to {new}"),
    *_schema_rules("type-widened", N, B, "{subject}: type widened from {old} to {new}"),
    *_schema_rules("type-narrowed", B, N, "{subject}: type narrowed from {old} to {new}"),
    *_schema_rules("format-changed", B, B, "{subject}: format changed from {old} to {new}"),
    *_schema_rules("enum-value-removed", B, N, "{subject}: enum value {value} was removed"),
    *_schema_rules("enum-value-added", N, B, "{subject}: enum value {value} was added"),
    *_schema_rules("enum-added", B, N, "{subject}: values are now restricted to {new}"),
    *_schema_rules("enum-removed", N, B, "{subject}: values are no longer restricted to {old}"),
    *_schema_rules("nullable-added", N, B, "{subject}: null is now allowed"),
    *_schema_rules("nullable-removed", B, N, "{subject}: null is no longer allowed"),
    *_schema_rules("value-range-narrowed", B, N, "{subject}: {keyword} changed from {old} to {new}"),
    *_schema_rules("value-range-widened", N, B, "{subject}: {keyword} changed from {old} to {new}"),
    *_schema_rules("length-range-narrowed", B, N, "{subject}: {keyword} changed from {old} to {new}"),
    *_schema_rules("length-range-widened", N, B, "{subject}: {keyword} changed from {old} to {new}"),
    *_schema_rules("item-count-narrowed", B, N, "{subject}: {keyword} changed from {old} to {new}"),
    *_schema_rules("item-count-widened", N, B, "{subject}: {keyword} changed from {old} to {new}"),
    *_schema_rules("pattern-added", B, N, "{subject}: pattern {new} was added"),
    *_schema_rules("pattern-removed", N, B, "{subject}: pattern {old} was removed"),
    *_schema_rules("pattern-changed", B, B, "{subject}: pattern changed from {old} to {new}"),
    *_schema_rules("property-removed", B, B, "{subject} was removed"),
    Rule("request-property-added-required", B, "new required {subject}"),
    Rule("request-property-added-optional", N, "new optional {subject}"),
    Rule("response-property-added", N, "new {subject}"),
    Rule("request-property-became-required", B, "{subject} became required"),
    Rule("request-property-became-optional", N, "{subject} became optional"),
    Rule("response-property-became-optional", B, "{subject} became optional"),
    Rule("response-property-became-required", N, "{subject} became required"),
    Rule("request-property-became-read-only", B, "{subject} became readOnly: requests can no longer set it"),
    Rule("response-property-became-write-only", B, "{subject} became writeOnly: responses no longer carry it"),
    *_schema_rules("property-deprecated", I, I, "{subject} is now deprecated"),
    Rule("request-additional-properties-restricted", B, "{subject}: undeclared properties are no longer accepted"),
    *_schema_rules("discriminator-changed", B, B, "{subject}: discriminator property changed from {old} to {new}"),
    *_schema_rules("variant-removed", B, N, "{subject}: variant {name} was removed"),
    *_schema_rules("variant-added", N, B, "{subject}: variant {name} was added"),
    Rule("request-default-changed", B, "{subject}: default changed from {old} to {new}"),
    Rule("response-default-changed", I, "{subject}: default changed from {old} to {new}"),
)  # fmt: skip

#: Every rule by id, in catalogue order.
RULES: Final[Mapping[str, Rule]] = MappingProxyType({r.id: r for r in _CATALOGUE})


def rule(rule_id: str) -> Rule:
    """The rule with this id (a KeyError names a typo in the comparer, a bug)."""
    return RULES[rule_id]
