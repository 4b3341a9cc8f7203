"""The path a generated FastAPI route is registered under, and its parameter names.

The client fills the spec's path template as it is written: `wire.render_path`
substitutes every ``{name}``, so a name that appears twice gets the same value in
both places.  The server routes through Starlette, which takes a placeholder only
when its name is ``[A-Za-z_][A-Za-z0-9_]*`` and refuses a name twice in one path.
The route path therefore renames the placeholders Starlette cannot take, and each
`Parameter` of the path carries the name its value arrives under
(`Parameter.route_name`, the alias of its ``fastapi.Path``):

* a name Starlette accepts, on its first occurrence, stays as the spec writes it;
* another name (``{client-uuid}``) is routed under the parameter's Python name
  (``{client_uuid}``); FastAPI's errors then name that;
* a later occurrence of a name is routed under an internal name (``{id_2}``), never
  one that the template uses itself.

**A name twice in one template.**  OpenAPI 3.0 and 3.1 do not forbid it: a path
parameter "MUST correspond to a template expression", and one parameter then
corresponds to two.  (OpenAPI 3.2 adds "each template expression MUST NOT appear more
than once", reading the earlier wording that way; oagen reads 3.0 and 3.1 documents.)
Real APIs write such paths (Keycloak's
``/clients/{client-uuid}/roles/{role-name}/composites/clients/{client-uuid}``), so
oagen generates them rather than refusing the document: the parameter is one argument
of the client method (sent in both places) and of the server method.  A request whose
segments differ cannot be the same parameter, so the stub answers it as bad input
before the implementation runs: 400 where the operation declares 400 (422 otherwise),
naming the parameter (`runtime.server.same_path_values`).  Validation still refuses
templates that are malformed (OAG034: unbalanced or empty braces).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import chain, count
from typing import Final

#: A placeholder, as the generated client's `render_path` reads it.
_PLACEHOLDER: Final = re.compile(r"\{([^{}]+)\}")
#: The names Starlette's router takes as a placeholder (`starlette.routing`).
_ROUTABLE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z", flags=re.ASCII)


@dataclass(frozen=True)
class Route:
    """The route path of one operation, and where each path parameter arrives."""

    path: str
    #: wire name -> the route names of its occurrences, the first one first.
    names: dict[str, tuple[str, ...]]

    @property
    def repeated(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(wire name, route names) of each name that appears more than once."""
        return tuple(
            (wire, routes) for wire, routes in self.names.items() if len(routes) > 1
        )


def route(template: str, python_names: Mapping[str, str]) -> Route:
    """The route for a path `template` whose path parameters have `python_names`
    (wire name -> Python name, an ASCII identifier)."""
    in_template = set(_PLACEHOLDER.findall(template))
    used: set[str] = set()
    names: dict[str, list[str]] = {}

    def substitute(match: re.Match[str]) -> str:
        wire = match.group(1)
        seen = names.setdefault(wire, [])
        if not seen and _ROUTABLE.match(wire):
            name = wire  # internal names are never names of the template
        else:
            base = seen[0] if seen else python_names.get(wire, "param")
            candidates = _numbered(base) if seen else chain([base], _numbered(base))
            name = next(c for c in candidates if c not in used and c not in in_template)
        seen.append(name)
        used.add(name)
        return "{" + name + "}"

    path = _PLACEHOLDER.sub(substitute, template)
    return Route(path, {wire: tuple(routes) for wire, routes in names.items()})


def _numbered(base: str) -> Iterator[str]:
    """`id_2`, `id_3`, ...: endless, so that one of them is free."""
    return (f"{base}_{number}" for number in count(2))
