"""The renderer: escaping filters that keep spec strings data, and the environment that refuses plain text."""

from __future__ import annotations

import ast
import enum
import math
import unicodedata
from pathlib import Path
from typing import Any

import jinja2
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markupsafe import Markup

import generator
from generator.ir import Api, Provenance
from generator.load import load_spec
from generator.lower import LowerOptions, lower
from generator.naming import ClassName, Code, Identifier
from generator.pipeline import template_dir
from generator.render import (
    UnsafeValueError,
    comment,
    docstring,
    environment,
    literal,
    render_package,
)
from tests.conftest import SEED_SPEC

# --------------------------------------------------------------------------- strategies

#: Fragments that break naive quoting, templating or line structure.
HOSTILE = [
    "'",
    '"',
    "'''",
    '"""',
    '""""',
    "\\",
    "\\\\",
    '\\"""',
    "\\n",
    "\\x00",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x85",
    "\u2028",
    "\u2029",
    "\x00",
    "\x7f",
    "{{",
    "}}",
    "{{ x }}",
    "{%",
    "%}",
    "{% raw %}",
    "{#",
    "#}",
    "#",
    "# noqa",
    "coding=latin-1",
    "é",
    "🙂",
    " ",
    "word",
    "x",
]

hostile_text = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=4)), max_size=12).map(
        "".join
    ),
)

scalars = st.one_of(
    hostile_text,
    st.integers(),
    st.integers(min_value=-(2**200), max_value=2**200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
)

values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(hostile_text, children, max_size=5),
    ),
    max_leaves=20,
)


def same(left: Any, right: Any) -> bool:
    """Equal, with the same types all the way down (True is not 1), nan equal to nan, -0.0 not 0.0."""
    if type(left) is not type(right):
        return False
    if isinstance(left, float):
        if math.isnan(left):
            return math.isnan(right)
        return left == right and math.copysign(1.0, left) == math.copysign(1.0, right)
    if isinstance(left, list):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right))
    if isinstance(left, dict):
        return list(left) == list(right) and all(same(left[k], right[k]) for k in left)
    return bool(left == right)


def statements(source: str) -> list[ast.stmt]:
    return ast.parse(source).body


# --------------------------------------------------------------------------- literal


@settings(max_examples=400)
@given(values)
@example(float("nan"))
@example(float("inf"))
@example(float("-inf"))
@example(-0.0)
@example("x\"\"\"y'''z\\")
@example("\u2028\x00\r\n{{ x }}{% if %}#")
@example({"{{": ["}}", {"'": None}], "": [True, 1, 1.5]})
def test_literal_round_trips(value: Any) -> None:
    text = literal(value)
    assert isinstance(text, Code)
    body = statements(f"x = {text}")
    assert len(body) == 1 and isinstance(body[0], ast.Assign)
    assert same(eval(text, {"__builtins__": {"float": float}}), value), (value, text)


@given(hostile_text)
def test_literal_is_one_line(value: str) -> None:
    """Spec strings never produce raw line breaks that an editor or a diff would split on."""
    assert len(f"x = {literal(value)}".splitlines()) == 1


@pytest.mark.parametrize(
    "value",
    [object(), b"bytes", {1, 2}, frozenset(), 1j, Path("x"), type, lambda: None],
    ids=lambda v: type(v).__name__,
)
def test_literal_refuses_non_literal_types(value: Any) -> None:
    with pytest.raises(UnsafeValueError):
        literal(value)


def test_literal_refuses_non_literal_types_nested() -> None:
    with pytest.raises(UnsafeValueError):
        literal({"a": [1, {"b": object()}]})


class Colour(enum.IntEnum):
    RED = 1


class Shade(str, enum.Enum):
    DARK = "dark"


@pytest.mark.parametrize("value", [Colour.RED, Shade.DARK], ids=["IntEnum", "str-Enum"])
def test_literal_of_int_or_str_subclass_is_a_literal_or_refused(value: Any) -> None:
    """`literal` promises text that evaluates to the value; a subclass whose repr is not
    Python syntax (any enum member) must either print as its base literal or be refused.
    """
    try:
        text = literal(value)
    except UnsafeValueError:
        return
    try:
        evaluated = eval(text, {"__builtins__": {}})
    except SyntaxError:
        pytest.fail(
            f"BUG generator/render.py literal(): {value!r} printed as {text!r}, which is not Python"
        )
    assert evaluated == value


# --------------------------------------------------------------------------- docstring


def _normal_words(text: str) -> list[str]:
    """Words of `text` when control characters and line/paragraph separators count as spaces."""
    return "".join(
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text
    ).split()


def _is_multi_line(text: str) -> bool:
    """Whether `text` has a line break followed by something visible: not space, not a
    control character (C0, DEL or C1: `docstring` blanks them, as `_normal_words` does).
    """
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\n" not in normal:
        return False
    after_first_break = normal[normal.index("\n") :]
    return any(
        not (c.isspace() or unicodedata.category(c) == "Cc") for c in after_first_break
    )


def _function_with_docstring(text: str) -> str:
    return 'def f():\n    """' + docstring(text, 4) + '"""\n'


@settings(max_examples=400)
@given(hostile_text)
@example('"""')
@example('\\"""')
@example('a"""')
@example('x\n"""')
@example('""')
@example('"')
@example("\\")
@example("a\\\nb")
@example('ends with quote"\n\n')
@example("  \n\t\n")
@example("one\r\ntwo\rthree\u2028four\x85five\x00six")
def test_docstring_is_one_statement_holding_the_words(text: str) -> None:
    source = _function_with_docstring(text)
    try:
        module = ast.parse(source)
    except SyntaxError as error:  # a bug, reported with the failing input
        pytest.fail(
            f"BUG generator/render.py docstring(): {text!r} gives unparsable {source!r}: {error}"
        )
    function = module.body[0]
    assert isinstance(function, ast.FunctionDef)
    assert len(module.body) == 1 and len(function.body) == 1, source
    content = ast.get_docstring(function, clean=False)
    assert content is not None
    assert _normal_words(content) == _normal_words(text), (text, source)


@given(hostile_text)
@example("\r\x80")  # a C1 control after the break is blanked: one line, empty
def test_docstring_closing_quotes_on_their_own_line_when_multi_line(text: str) -> None:
    source = _function_with_docstring(text)
    lines = source.rstrip("\n").split("\n")
    if _is_multi_line(text):
        assert lines[-1].strip() == '"""', source
        assert lines[-1] == '    """', "closing quotes are indented like the body"
    else:
        assert len(lines) == 2, f"a one-line docstring stays on one line: {source!r}"


@pytest.mark.parametrize("text", ['"""', 'says """hi"""', 'x\n"""', '\\"""'])
def test_docstring_of_text_ending_in_triple_quotes(text: str) -> None:
    """The trailing-quote escape must not undo the escape of a closing triple quote."""
    source = _function_with_docstring(text)
    try:
        module = ast.parse(source)
    except SyntaxError as error:
        pytest.fail(
            f"BUG generator/render.py docstring(): {text!r} -> {source!r} does not parse ({error})"
        )
    content = ast.get_docstring(module.body[0], clean=False)  # type: ignore[arg-type]
    assert content is not None
    assert content.rstrip() == text.replace(
        "\n", "\n    "
    ), f"BUG generator/render.py docstring(): {text!r} reads back as {content!r}"


def test_docstring_indents_continuation_lines() -> None:
    source = _function_with_docstring("Summary.\n\nDetails here.\nMore.")
    assert (
        source == 'def f():\n    """Summary.\n\n    Details here.\n    More.\n    """\n'
    )


@pytest.mark.parametrize("text", [None, ""])
def test_docstring_of_nothing_is_empty(text: str | None) -> None:
    assert docstring(text) == ""


# --------------------------------------------------------------------------- comment


@settings(max_examples=300)
@given(hostile_text)
@example("a\nb\rc\u2028d\u2029e\x85f\x0bg\x0ch\x00i")
@example("\\")
def test_comment_is_one_line(text: str) -> None:
    line = comment(text)
    assert isinstance(line, Code)
    for breaker in ("\n", "\r", "\u2028", "\u2029", "\x85"):
        assert breaker not in line
    assert len(("# " + line).splitlines()) == 1
    assert len(statements("# " + line + "\nx = 1")) == 1
    # the text itself survives: every letter and digit, in order
    assert [c for c in line if c.isalnum()] == [c for c in text if c.isalnum()]


@pytest.mark.parametrize(
    "text",
    [
        "spec/coding=latin-1.yaml",
        "spec/transcoding=v2.yaml",
        "api -*- coding: latin-1 -*- v2.yaml",
        "vim: set fileencoding=bogus :",
    ],
)
def test_comment_on_the_first_line_cannot_declare_a_source_encoding(text: str) -> None:
    """The provenance header (generator/format.py) puts `comment(spec path)` on line 1 of every
    generated file, where Python reads a PEP 263 `coding[:=]name` cookie. A comment must stay a
    comment: the file, read as UTF-8 bytes the way Python reads it, still parses and means the same.
    """
    source = ("# " + comment(text) + "\n# second\nx = 'é'\n").encode("utf-8")
    try:
        module = ast.parse(source)
    except SyntaxError as error:
        pytest.fail(
            f"BUG generator/render.py comment(): {text!r} on line 1 becomes an encoding declaration: {error}"
        )
    assert ast.literal_eval(module.body[0].value) == "é", (  # type: ignore[attr-defined]
        f"BUG generator/render.py comment(): {text!r} on line 1 changes the file's source encoding"
    )


# --------------------------------------------------------------------------- environment


@pytest.fixture
def env(tmp_path: Path) -> jinja2.Environment:
    return environment([tmp_path])


@pytest.mark.parametrize(
    "template",
    [
        "{{ x }}",
        "{{ 'constant' }}",
        "{{ name ~ '_suffix' }}",
        "{{ name | upper }}",
        "{{ name[1:] }}",
        "{{ x | safe }}",
        "{% for c in [x] %}{{ c }}{% endfor %}",
        "{{ name.replace('a', 'b') }}",
    ],
)
def test_environment_refuses_plain_text(env: jinja2.Environment, template: str) -> None:
    with pytest.raises(UnsafeValueError):
        env.from_string(template).render(x="hi", name=Identifier("name"))


@pytest.mark.parametrize("value", [Markup("<b>"), None, 1.5, True], ids=repr)
def test_environment_refuses_other_non_code_values(
    env: jinja2.Environment, value: Any
) -> None:
    with pytest.raises(UnsafeValueError):
        env.from_string("{{ x }}").render(x=value)


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (Code("list[int] | None"), "list[int] | None"),
        (Identifier("seat_events"), "seat_events"),
        (ClassName("SeatEvent"), "SeatEvent"),
        (42, "42"),
        (-7, "-7"),
    ],
)
def test_environment_prints_code_names_and_ints(
    env: jinja2.Environment, value: Any, printed: str
) -> None:
    assert env.from_string("{{ x }}").render(x=value) == printed


@given(hostile_text)
def test_environment_literal_filter_prints_the_repr(text: str) -> None:
    env = environment([Path(".")])
    printed = env.from_string("{{ x | literal }}").render(x=text)
    assert printed == repr(text)
    assert eval(printed) == text


def test_environment_has_strict_undefined_and_keeps_the_final_newline(
    env: jinja2.Environment,
) -> None:
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
    assert env.from_string("{{ x }}\n").render(x=1) == "1\n"


def test_environment_filters_are_registered(env: jinja2.Environment) -> None:
    text = 'a\n"b"'
    out = env.from_string(
        "{{ t | docstring }}|{{ t | comment }}|{{ t | literal }}"
    ).render(t=text)
    assert out == f"{docstring(text)}|{comment(text)}|{literal(text)}"


# --------------------------------------------------------------------------- render_package


@pytest.fixture(scope="module")
def api() -> Api:
    spec = load_spec(SEED_SPEC)
    provenance = Provenance(
        generator.__version__, "spec/seat-events.yaml", spec.root.sha256
    )
    result, diagnostics = lower(
        spec, LowerOptions("sequence_usage", "production", provenance)
    )
    assert not [d for d in diagnostics if d.level == "error"]
    return result


def _built_in_outputs(api: Api) -> set[str]:
    """Each built-in template's file; the per-tag one gives one file per resource."""
    package = template_dir() / "package"
    outputs = {
        path.relative_to(package).as_posix().removesuffix(".jinja")
        for path in package.rglob("*.jinja")
        if path.is_file()
    }
    per_tag = {path for path in outputs if path.endswith("/_resource.py")}
    assert per_tag == {
        "resources/_resource.py",
        "server/routes/_resource.py",
        "server/interfaces/_resource.py",
        "server/mock/_resource.py",
    }
    return (outputs - per_tag) | {
        path.replace("_resource.py", f"{r.module}.py")
        for path in per_tag
        for r in api.resources
    }


def test_render_package_renders_every_built_in_template(api: Api) -> None:
    files = render_package(api, [template_dir()])
    expected = _built_in_outputs(api)
    assert {"client.py", "errors.py", "__init__.py", "server/app.py"} <= expected
    assert set(files) == expected
    for path, text in files.items():
        if path.endswith(".py"):
            ast.parse(text, filename=path)


def test_custom_template_folder_overrides_one_template_and_keeps_the_rest(
    api: Api, tmp_path: Path
) -> None:
    custom = tmp_path / "custom"
    (custom / "package" / "server").mkdir(parents=True)
    (custom / "package" / "errors.py.jinja").write_text(
        "# custom errors for {{ api.title | comment }}\nTITLE = {{ api.title | literal }}\n",
        encoding="utf-8",
    )
    (custom / "package" / "server" / "extra.py.jinja").write_text(
        "EXTRA = {{ 1 }}\n", encoding="utf-8"
    )

    built_in = render_package(api, [template_dir()])
    overridden = render_package(api, [custom, template_dir()])

    assert set(overridden) == set(built_in) | {"server/extra.py"}
    assert (
        overridden["errors.py"]
        == f"# custom errors for {comment(api.title)}\nTITLE = {api.title!r}\n"
    )
    assert overridden["errors.py"] != built_in["errors.py"]
    assert overridden["server/extra.py"] == "EXTRA = 1\n"
    for path in built_in:
        if path != "errors.py":
            assert overridden[path] == built_in[path], path


def test_custom_template_order_matters(api: Api, tmp_path: Path) -> None:
    """The built-ins placed first win over the custom folder."""
    custom = tmp_path / "custom"
    (custom / "package").mkdir(parents=True)
    (custom / "package" / "errors.py.jinja").write_text("X = 1\n", encoding="utf-8")
    assert render_package(api, [template_dir(), custom]) == render_package(
        api, [template_dir()]
    )


def test_custom_template_printing_a_plain_string_is_refused(
    api: Api, tmp_path: Path
) -> None:
    custom = tmp_path / "custom"
    (custom / "package").mkdir(parents=True)
    (custom / "package" / "client.py.jinja").write_text(
        'TITLE = "{{ api.title }}"\n', encoding="utf-8"
    )
    with pytest.raises(UnsafeValueError):
        render_package(api, [custom, template_dir()])
