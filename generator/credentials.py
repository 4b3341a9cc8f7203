"""Credentials: the spec's security schemes, and an `Authorization` header parameter,
become arguments of the client constructors instead of arguments of every call.

Each credential is a finished expression that builds an `httpx.Auth` from the
runtime's `auth` module, or None when the user did not give that credential.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.errors import Diagnostic
from generator.escape import literal
from generator.ir import ClientArgument, Credential, Parameter
from generator.load import Spec, join_pointer
from generator.naming import (
    TEMPLATE_NAMES,
    ClassName,
    Code,
    Identifier,
    Namespace,
    snake,
)

#: Constructor arguments every generated client has.
CLIENT_RESERVED = TEMPLATE_NAMES | {
    "self",
    "environment",
    "server_variables",
    "base_url",
    "timeout",
    "headers",
    "http_client",
    "max_retries",
}
AUTHORIZATION = "authorization"


@dataclass(frozen=True)
class CredentialPlan:
    credentials: tuple[Credential, ...]
    diagnostics: tuple[Diagnostic, ...]


class _Builder:
    def __init__(self, env_vars: Mapping[str, str], names: Namespace) -> None:
        self.env_vars = env_vars
        self.names = names
        self.credentials: list[Credential] = []
        self.diagnostics: list[Diagnostic] = []

    def argument(self, wanted: str, description: str) -> ClientArgument:
        name = self.names.identifier(Identifier(wanted))
        return ClientArgument(
            name, Code("str | None"), Code("None"), description, self.env_vars.get(name)
        )

    def add(
        self, runtime_class: str, arguments: list[ClientArgument], call: str
    ) -> None:
        given = " and ".join(f"{argument.name} is not None" for argument in arguments)
        expression = Code(f"{runtime_class}({call}) if {given} else None")
        self.credentials.append(
            Credential(tuple(arguments), ClassName(runtime_class), expression)
        )

    def basic(self, prefix: str, what: str) -> None:
        username = self.argument(
            f"{prefix}username", f"User name for HTTP Basic authentication{what}."
        )
        password = self.argument(
            f"{prefix}password", f"Password for HTTP Basic authentication{what}."
        )
        self.add("BasicAuth", [username, password], f"{username.name}, {password.name}")

    def scheme(
        self, key: str, scheme: Mapping[str, Any], location: Any, prefix: str
    ) -> None:
        kind = str(scheme.get("type", "")).lower()
        http_scheme = str(scheme.get("scheme", "")).lower()
        what = f" (security scheme {key!r})"
        if kind == "http" and http_scheme == "basic":
            self.basic(prefix, what)
        elif kind == "http" and http_scheme == "bearer":
            token = self.argument(f"{prefix}token", f"Bearer token{what}.")
            self.add("BearerAuth", [token], token.name)
        elif kind == "apikey" and scheme.get("in") in ("header", "query", "cookie"):
            runtime = {
                "header": "HeaderAuth",
                "query": "QueryAuth",
                "cookie": "CookieAuth",
            }[scheme["in"]]
            key_argument = self.argument(
                f"{prefix}api_key",
                f"API key, sent as {scheme['in']} {scheme.get('name')!r}{what}.",
            )
            self.add(
                runtime,
                [key_argument],
                f"{literal(str(scheme.get('name') or ''))}, {key_argument.name}",
            )
        elif kind == "oauth2" and isinstance(
            (scheme.get("flows") or {}).get("clientCredentials"), Mapping
        ):
            flow = scheme["flows"]["clientCredentials"]
            client_id = self.argument(f"{prefix}client_id", f"OAuth2 client ID{what}.")
            secret = self.argument(
                f"{prefix}client_secret", f"OAuth2 client secret{what}."
            )
            scopes = sorted(str(scope) for scope in (flow.get("scopes") or {}))
            call = f"{literal(str(flow.get('tokenUrl') or ''))}, {client_id.name}, {secret.name}, scopes={literal(scopes)}"
            self.add("OAuth2ClientCredentials", [client_id, secret], call)
        else:
            self.diagnostics.append(
                Diagnostic(
                    "warning",
                    "OAG051",
                    f"security scheme {key!r} ({kind or 'no type'}) is not supported by the generated client",
                    location,
                    "pass the credential yourself with `headers=` or your own `http_client`",
                )
            )

    def hoisted_authorization(self, parameter: Parameter, has_basic: bool) -> None:
        mentions_basic = "basic" in (parameter.description or "").lower()
        if mentions_basic and not has_basic:
            self.basic("", " (sent as the Authorization header)")
        header = self.argument(
            AUTHORIZATION,
            "A ready Authorization header value, e.g. `Basic <credentials>`; wins over other credentials.",
        )
        self.add(
            "HeaderAuth", [header], f"{literal(parameter.wire_name)}, {header.name}"
        )


def plan_credentials(
    spec: Spec,
    hoisted: Iterable[Parameter],
    env_vars: Mapping[str, str],
    names: Namespace,
) -> CredentialPlan:
    """Credentials from `components.securitySchemes`, then the hoisted Authorization header."""
    builder = _Builder(env_vars, names)
    root = spec.root
    schemes = ((root.data.get("components") or {}).get("securitySchemes")) or {}
    kinds = [
        str((s or {}).get("type", "")).lower()
        + str((s or {}).get("scheme", "")).lower()
        for s in schemes.values()
    ]
    for key, scheme in schemes.items():
        file, pointer = root, join_pointer("/components/securitySchemes", key)
        if isinstance(scheme, Mapping) and "$ref" in scheme:
            file, pointer, scheme = spec.resolve(str(scheme["$ref"]), root)
        if not isinstance(scheme, Mapping):
            continue
        kind = (
            str(scheme.get("type", "")).lower() + str(scheme.get("scheme", "")).lower()
        )
        prefix = f"{snake(key)}_" if kinds.count(kind) > 1 else ""
        builder.scheme(str(key), scheme, file.location(pointer), prefix)
    # A bearer token or OAuth2 already is the header's ready value; HTTP Basic is not
    # (username/password), so beside it the header still takes a ready `Basic ...`.
    sends_ready_value = any(
        kind.startswith(("http", "oauth2")) and kind != "httpbasic" for kind in kinds
    )
    first_hoisted = next(iter(hoisted), None)
    if first_hoisted is not None and not sends_ready_value:
        builder.hoisted_authorization(first_hoisted, has_basic="httpbasic" in kinds)
    return CredentialPlan(tuple(builder.credentials), tuple(builder.diagnostics))


def is_hoisted(entry: Mapping[str, Any]) -> bool:
    """An `Authorization` header parameter is a credential, not a per-call argument."""
    return (
        entry.get("in") == "header"
        and str(entry.get("name", "")).lower() == AUTHORIZATION
    )
