"""A string default of a formatted schema is a typed value, or is left out with OAG053.

`format: date` makes the field a `date`; its `default: '2020-01-02'` must then be a
`date` too (pydantic does not validate defaults, and mypy --strict rejects a str
there).  A default the format rejects (GitHub's `default: ''` for `format: uri`)
is left out, with a warning at the default.
"""

from __future__ import annotations

import datetime
import decimal
import ipaddress
import pathlib
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import stamp
from generator.config import load_config
from generator.emit import emit
from generator.errors import CODES, Diagnostic, DiagnosticError
from generator.format_defaults import (
    CLIENT_MODULES,
    MODEL_MODULES,
    format_default,
)
from generator.pipeline import build
from tests.packages import LINTERS, imported, lint

SPEC = """\
openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /a:
    get:
      operationId: getA
      parameters:
        - {name: X-Day, in: header, schema: {type: string, format: date, default: '2020-01-02'}}
        - {name: X-Id, in: header, schema: {type: string, format: uuid, default: '123e4567-e89b-12d3-a456-426614174000'}}
        - {name: X-At, in: header, schema: {type: string, format: date-time, default: '2020-01-02T03:04:05+02:00'}}
        - {name: X-Url, in: header, schema: {type: string, format: uri, default: ''}}
        - {name: X-Home, in: header, schema: {type: string, format: uri, default: 'https://example.com/'}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/A'}
components:
  schemas:
    A:
      type: object
      properties:
        url: {type: string, format: uri, default: ''}
        good_url: {type: string, format: uri, default: 'https://example.com/x'}
        day: {type: string, format: date, default: '2020-01-02'}
        at: {type: string, format: date-time, default: '2020-01-02T03:04:05Z'}
        id: {type: string, format: uuid, default: '123e4567-e89b-12d3-a456-426614174000'}
        dec: {type: string, format: decimal, default: '1.5'}
        ip: {type: string, format: ipv4, default: '10.0.0.1'}
        t: {type: string, format: time, default: '03:04:05'}
        dur: {type: string, format: duration, default: 'P1D'}
        b64: {type: string, format: byte, default: 'aGk='}
        mail: {type: string, format: email, default: 'a@example.com'}
        plain: {type: string, default: '2020-01-02'}
        count: {type: integer, format: int64, default: 5}
        secret: {type: string, format: password, default: "'); import os #"}
        raw: {type: string, format: binary, default: "h\u00e9"}
        days: {type: array, items: {type: string, format: date}, default: ['2020-01-02', '2021-03-04']}
        bad_durations: {type: array, items: {type: string, format: duration}, default: [P1D, soon]}
        maybe: {anyOf: [{type: string, format: date}, {type: 'null'}], default: '2020-01-02'}
        nullable: {type: [string, 'null'], format: date, default: '2020-01-03'}
        datetime: {type: string, format: date-time, default: '2020-01-02T03:04:05-01:30'}
        inner:
          type: object
          properties:
            since: {type: string, format: date-time, default: '2020-01-02T03:04:05Z'}
    B:
      allOf:
        - $ref: '#/components/schemas/A'
        - type: object
          properties:
            ip6: {type: string, format: ipv6, default: '0:0:0:0:0:0:0:1'}
"""

UTC = datetime.UTC


def _build(spec: Path, output: Path, package: str) -> tuple[Path, list[Diagnostic]]:
    """Generate `spec` into `output`; the package folder and the diagnostics."""
    config = load_config(
        None, {"spec": str(spec), "output": str(output), "package": package}
    )
    result = build(config)
    assert [d.render() for d in result.diagnostics if d.level == "error"] == []
    emit(result.files, config.package_dir)
    return config.package_dir, list(result.diagnostics)


@pytest.fixture(scope="module")
def generated(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, list[Diagnostic]]:
    folder = tmp_path_factory.mktemp("formats")
    (folder / "spec.yaml").write_text(SPEC, encoding="utf-8")
    return _build(folder / "spec.yaml", folder, "formats")


@pytest.fixture(scope="module")
def package(generated: tuple[Path, list[Diagnostic]]) -> Iterator[ModuleType]:
    with imported(generated[0].parent, "formats") as module:
        yield module


@pytest.mark.parametrize("linter", LINTERS)
def test_the_package_passes_the_linters(
    generated: tuple[Path, list[Diagnostic]], linter: str
) -> None:
    done = lint(generated[0].parent, "formats", linter)
    assert done.returncode == 0, done.stdout + done.stderr


def test_valid_defaults_are_typed_values(package: ModuleType) -> None:
    from formats.models import A, B

    a = A()
    assert type(a.day) is datetime.date and a.day == datetime.date(2020, 1, 2)
    assert a.at == datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert a.at is not None and a.at.utcoffset() == datetime.timedelta(0)
    assert a.id == uuid.UUID("123e4567-e89b-12d3-a456-426614174000")
    assert a.dec == decimal.Decimal("1.5")
    assert a.ip == ipaddress.IPv4Address("10.0.0.1")
    assert a.t == datetime.time(3, 4, 5)
    assert a.dur == datetime.timedelta(days=1)
    assert isinstance(a.good_url, pydantic.AnyUrl)
    assert str(a.good_url) == "https://example.com/x"
    assert a.secret is not None
    assert a.secret.get_secret_value() == "'); import os #"
    assert a.days == [datetime.date(2020, 1, 2), datetime.date(2021, 3, 4)]
    assert a.maybe == datetime.date(2020, 1, 2)
    offset = datetime.timezone(datetime.timedelta(hours=-1, minutes=-30))
    assert a.datetime == datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=offset)
    assert a.raw == "hé".encode()
    # The defaults of a nested object (a class datamodel-code-generator names).
    assert a.inner is None
    nested = A.model_validate({"inner": {}}).inner
    assert nested is not None
    assert nested.since == datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert a.nullable == datetime.date(2020, 1, 3)
    assert B().ip6 == ipaddress.IPv6Address("::1")
    # Defaults of other kinds are as the spec wrote them.
    assert (a.b64, a.mail, a.plain, a.count) == (
        "aGk=",
        "a@example.com",
        "2020-01-02",
        5,
    )
    # They serialise as the spec's values.
    dumped = a.model_dump(mode="json", by_alias=True)
    assert dumped["day"] == "2020-01-02" and dumped["dur"] == "P1D"


def test_invalid_defaults_are_left_out_with_a_warning(
    generated: tuple[Path, list[Diagnostic]], package: ModuleType
) -> None:
    from formats.models import A

    assert A().url is None and A().bad_durations is None
    warnings = [d for d in generated[1] if d.code == "OAG053"]
    where = {d.where.pointer: d for d in warnings if d.where is not None}
    assert len(warnings) == len(where) == 3, [d.render() for d in warnings]
    url = where["/components/schemas/A/properties/url/default"]
    assert url.level == "warning"
    assert url.where is not None
    assert (url.where.line, url.where.col) == _position("        url: ", "''")
    assert url.where.file.endswith("spec.yaml")
    assert "default '' is not a valid uri" in url.message
    assert "remove the default or give a valid uri" == url.hint
    durations = where["/components/schemas/A/properties/bad_durations/default"]
    assert "an item of default ['P1D', 'soon'] is not a valid duration" in (
        durations.message
    )
    header = where["/paths/~1a/get/parameters/3/schema/default"]
    assert header.where is not None
    assert (header.where.line, header.where.col) == _position(
        "        - {name: X-Url", "''"
    )
    assert "left out of the client" in header.message
    assert "OAG053" in CODES


def _position(line_start: str, text: str) -> tuple[int, int]:
    """1-based line and column of `text` on the line of SPEC that starts so."""
    for number, line in enumerate(SPEC.splitlines(), 1):
        if line.startswith(line_start):
            return number, line.index(text) + 1
    raise AssertionError(line_start)


def test_shared_header_defaults_are_typed_arguments(package: ModuleType) -> None:
    import inspect

    parameters = inspect.signature(package.Client).parameters
    assert parameters["x_day"].default == datetime.date(2020, 1, 2)
    assert parameters["x_id"].default == uuid.UUID(
        "123e4567-e89b-12d3-a456-426614174000"
    )
    at = datetime.datetime(2020, 1, 2, 1, 4, 5, tzinfo=UTC)
    assert parameters["x_at"].default == at
    assert parameters["x_url"].default is None  # '' is no uri: left out
    assert parameters["x_home"].default == "https://example.com/"  # a str argument


def test_generated_models_print_constructors_of_literals(
    generated: tuple[Path, list[Diagnostic]],
) -> None:
    models = (generated[0] / "models.py").read_text(encoding="utf-8")
    assert "import datetime as _datetime\n" in models
    assert "day: date | None = _datetime.date(2020, 1, 2)\n" in models
    assert "url: AnyUrl | None = None\n" in models
    assert '_pydantic.SecretStr("\'); import os #")' in models
    assert 'b64: Base64Str | None = "aGk="\n' in models
    assert 'plain: str | None = "2020-01-02"\n' in models
    assert "oagen-typed-default" not in models


def test_a_model_template_override_without_typed_defaults_is_reported(
    tmp_path: Path,
) -> None:
    """A team's copy of the model template from before `typed_defaults` would print
    the stand-in string: refused as unescaped output (OAG102), never written."""
    name = "models/pydantic_v2/BaseModel.jinja2"
    text = (stamp.template_dir() / name).read_text(encoding="utf-8")
    swap = re.search(r"\{\{ typed_defaults\[.*?\}\}", text)
    assert swap is not None
    override = tmp_path / "templates" / name
    override.parent.mkdir(parents=True)
    override.write_text(
        text.replace(swap.group(), "{{ field.represented_default }}"), encoding="utf-8"
    )
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    config = load_config(
        None,
        {
            "spec": str(tmp_path / "spec.yaml"),
            "output": str(tmp_path),
            "package": "formats",
            "templates": str(tmp_path / "templates"),
        },
    )
    with pytest.raises(DiagnosticError) as raised:
        build(config)
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "OAG102"
    assert "typed_defaults[field.default]" in diagnostic.message


# -- the decision, value by value --------------------------------------------------------

NAMESPACE = {
    "_datetime": datetime,
    "_decimal": decimal,
    "_ipaddress": ipaddress,
    "_pathlib": pathlib,
    "_pydantic": pydantic,
    "_uuid": uuid,
}
VALID = [
    ("date", "2020-01-02", datetime.date(2020, 1, 2)),
    ("date-time", "2020-01-02T03:04:05.25Z", datetime.datetime(2020, 1, 2, 3, 4, 5, 250000, tzinfo=UTC)),
    ("date-time-local", "2020-01-02T03:04:05", datetime.datetime(2020, 1, 2, 3, 4, 5)),
    ("time", "23:59:59.5+05:45", datetime.time(23, 59, 59, 500000, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=45)))),
    ("duration", "-PT1S", datetime.timedelta(seconds=-1)),
    ("duration", "PT0S", datetime.timedelta(0)),
    ("uuid4", "0f3a9a8e-4b7c-4d2e-9f10-123456789abc", uuid.UUID("0f3a9a8e-4b7c-4d2e-9f10-123456789abc")),
    ("ipv6", "0:0:0:0:0:0:0:1", ipaddress.IPv6Address("::1")),
    ("ipv4-network", "10.0.0.0/8", ipaddress.IPv4Network("10.0.0.0/8")),
    ("decimal", "1.50", decimal.Decimal("1.50")),
    ("path", "a/b", pathlib.Path("a/b")),
    ("binary", "é\x00", "é\x00".encode()),
    ("integer", "12", 12),
]  # fmt: skip
INVALID = [
    ("uri", ""),
    ("date-time", "2020-01-02T03:04:05"),  # RFC 3339 needs the offset
    ("date", "2020-02-30"),
    ("duration", "TBD"),
    ("uuid4", "123e4567-e89b-12d3-a456-426614174000"),  # a version 1 UUID
    ("ipv4-network", "10.0.0.1/8"),  # host bits set
    ("decimal", "one"),
]


@pytest.mark.parametrize(("kind", "text", "value"), VALID)
def test_a_valid_default_prints_as_its_value(kind: str, text: str, value: Any) -> None:
    found = format_default({"type": "string", "format": kind, "default": text})
    assert found is not None and found.valid
    printed = found.expression(MODEL_MODULES)
    evaluated = eval(printed, dict(NAMESPACE))
    assert evaluated == value and type(evaluated) is type(value), printed
    if isinstance(value, datetime.datetime | datetime.time):
        assert evaluated.utcoffset() == value.utcoffset()


@pytest.mark.parametrize(("kind", "text"), INVALID)
def test_an_invalid_default_is_refused(kind: str, text: str) -> None:
    found = format_default({"type": "string", "format": kind, "default": text})
    assert found is not None and not found.valid and found.error
    with pytest.raises(ValueError):
        found.expression(MODEL_MODULES)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "format": "byte", "default": "aGk="},
        {"type": "string", "format": "email", "default": "x"},
        {"type": "string", "format": "hostname", "default": "x"},
        {"type": "string", "default": "2020-01-02"},
        {"type": "integer", "format": "int64", "default": 5},
        {"type": "number", "format": "decimal", "default": True},
        {"type": "string", "format": "date"},
        {"type": "string", "format": "date", "default": None},
        {"type": "string", "format": "date", "enum": ["2020-01-02"], "default": "2020-01-02"},
        {"$ref": "#/components/schemas/Day", "default": "2020-01-02"},
    ],
)  # fmt: skip
def test_other_defaults_are_not_format_defaults(schema: dict[str, Any]) -> None:
    assert format_default(schema) is None


@given(
    st.datetimes(
        min_value=datetime.datetime(1, 1, 2),
        max_value=datetime.datetime(9999, 12, 30),
        timezones=st.sampled_from(
            [UTC]
            + [datetime.timezone(datetime.timedelta(minutes=m)) for m in (-750, -90, 1, 345, 840)]
        ),
    )
)  # fmt: skip
def test_date_times_round_trip(value: datetime.datetime) -> None:
    found = format_default(
        {"type": "string", "format": "date-time", "default": value.isoformat()}
    )
    assert found is not None and found.valid
    for modules, namespace in (
        (MODEL_MODULES, NAMESPACE),
        (CLIENT_MODULES, {"datetime": datetime, "uuid": uuid}),
    ):
        evaluated = eval(found.expression(modules), dict(namespace))
        assert evaluated == value and evaluated.utcoffset() == value.utcoffset()


@given(st.timedeltas())
def test_durations_round_trip(value: datetime.timedelta) -> None:
    text = pydantic.TypeAdapter(datetime.timedelta).dump_python(value, mode="json")
    found = format_default({"type": "string", "format": "duration", "default": text})
    assert found is not None and found.valid
    assert eval(found.expression(MODEL_MODULES), dict(NAMESPACE)) == value


def test_hostile_strings_stay_literals() -> None:
    text = 'x"); __import__("os").system("true") #\n\\'
    found = format_default({"type": "string", "format": "password", "default": text})
    assert found is not None
    printed = found.expression(MODEL_MODULES)
    assert eval(printed, dict(NAMESPACE)).get_secret_value() == text
    assert "\n" not in printed


# -- defaults of classes: components, `$ref` with a default, decimal numbers -------------

CLASS_SPEC = """\
openapi: 3.1.0
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    C:
      type: object
      properties:
        day: {$ref: '#/components/schemas/Day'}
        sibling: {$ref: '#/components/schemas/PlainDay', default: '2021-01-01'}
        over: {$ref: '#/components/schemas/Day', default: '2022-01-01'}
        all: {allOf: [{$ref: '#/components/schemas/PlainDay'}], default: '2023-01-01'}
        all_copied: {allOf: [{$ref: '#/components/schemas/Day'}]}
        id: {$ref: '#/components/schemas/Id'}
        name: {$ref: '#/components/schemas/Name'}
        dec: {type: number, format: decimal, default: 0.1}
        whole: {type: number, format: decimal, default: 2}
        maybe_dec: {anyOf: [{type: number, format: decimal}, {type: 'null'}], default: 1.25}
        price: {$ref: '#/components/schemas/Price'}
        required_day: {$ref: '#/components/schemas/Day'}
      required: [required_day]
    Day: {type: string, format: date, default: '2020-01-02'}
    PlainDay: {type: string, format: date}
    Id: {type: string, format: uuid, default: '123e4567-e89b-12d3-a456-426614174000'}
    Name: {type: string, default: x}
    Price: {type: number, format: decimal, default: 3.5}
    Days: {type: array, items: {type: string, format: date}, default: ['2020-01-02']}
"""


@pytest.fixture(scope="module")
def class_defaults(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("class_defaults")
    (folder / "spec.yaml").write_text(CLASS_SPEC, encoding="utf-8")
    package, diagnostics = _build(folder / "spec.yaml", folder, "classdefaults")
    assert [d.render() for d in diagnostics if d.code == "OAG053"] == []
    yield package


def test_class_defaults_pass_mypy_strict(class_defaults: Path) -> None:
    done = lint(class_defaults.parent, "classdefaults", "mypy")
    assert done.returncode == 0, done.stdout + done.stderr


def test_class_defaults_are_instances_of_the_class(class_defaults: Path) -> None:
    with imported(class_defaults.parent, "classdefaults"):
        from classdefaults.models import C, Day, Days, Id, Name, PlainDay, Price

        c = C(required_day=Day())
        assert type(c.day) is Day and c.day.root == datetime.date(2020, 1, 2)
        assert type(c.sibling) is PlainDay
        assert c.sibling.root == datetime.date(2021, 1, 1)
        assert c.over == Day(datetime.date(2022, 1, 1))
        assert c.all == PlainDay(datetime.date(2023, 1, 1))
        assert c.all_copied == Day(datetime.date(2020, 1, 2))
        assert c.id == Id(uuid.UUID("123e4567-e89b-12d3-a456-426614174000"))
        assert c.name == Name("x")
        assert type(c.dec) is decimal.Decimal and str(c.dec) == "0.1"
        assert type(c.whole) is decimal.Decimal and c.whole == 2
        assert c.maybe_dec == decimal.Decimal("1.25")
        assert type(c.price) is Price and c.price.root == decimal.Decimal("3.5")
        assert str(c.price.root) == "3.5"
        # A class's own default is its root's type.
        assert type(Day().root) is datetime.date
        assert Days().root == [datetime.date(2020, 1, 2)]
        # Each model gets its own copy, and it serialises as the spec's value.
        assert C(required_day=Day()).day is not c.day
        dumped = c.model_dump(mode="json")
        assert dumped["day"] == "2020-01-02" and dumped["dec"] == "0.1"


@pytest.mark.parametrize(
    ("default", "text"), [(1.5, "1.5"), (0.1, "0.1"), (2, "2"), (1e-7, "1E-7")]
)
def test_a_decimal_number_default_is_a_decimal(default: float, text: str) -> None:
    found = format_default({"type": "number", "format": "decimal", "default": default})
    assert found is not None and found.valid
    printed = found.expression(MODEL_MODULES)
    assert printed == f"_decimal.Decimal({text!r})"
    assert eval(printed, dict(NAMESPACE)) == decimal.Decimal(text)


def test_a_non_finite_decimal_number_is_refused() -> None:
    found = format_default(
        {"type": "number", "format": "decimal", "default": float("inf")}
    )
    assert found is not None and not found.valid


#: Defaults beside a `$ref` (3.1; the validator does not check them) that the class
#: they name refuses, and ones it accepts.
CONSTRAINED_SPEC = """
openapi: 3.1.0
info: {title: Constrained, version: '1'}
paths: {}
components:
  schemas:
    Code: {type: string, maxLength: 3, pattern: '^[a-z]+$'}
    Small: {type: integer, exclusiveMaximum: 5}
    Even: {type: integer, multipleOf: 2}
    C:
      type: object
      properties:
        long: {$ref: '#/components/schemas/Code', default: toolong}
        upper: {$ref: '#/components/schemas/Code', default: AB}
        edge: {$ref: '#/components/schemas/Small', default: 5}
        odd: {$ref: '#/components/schemas/Even', default: 3}
        fine: {$ref: '#/components/schemas/Code', default: ab}
        small: {$ref: '#/components/schemas/Small', default: 4}
        even: {$ref: '#/components/schemas/Even', default: 4}
"""


def test_a_default_its_class_refuses_does_not_break_the_import(
    tmp_path: Path,
) -> None:
    """`Code('toolong')` would raise while the models module is imported: such a
    default stays as the spec wrote it (refused when a model is created), and the
    package imports."""
    (tmp_path / "spec.yaml").write_text(CONSTRAINED_SPEC, encoding="utf-8")
    package, _ = _build(tmp_path / "spec.yaml", tmp_path, "constrained")
    source = (package / "models.py").read_text(encoding="utf-8")
    for refused in ("Code('toolong')", "Code('AB')", "Small(5)", "Even(3)"):
        assert refused.replace("'", '"') not in source
    with imported(tmp_path, "constrained"):
        from constrained.models import Code, Even, Small

        fields = __import__("constrained.models").models.C.model_fields
        assert fields["fine"].default == Code("ab")
        assert fields["small"].default == Small(4)
        assert fields["even"].default == Even(4)
        assert fields["long"].default == "toolong"
