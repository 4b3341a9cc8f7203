"""load_spec(): safe YAML/JSON loading, lazy positions, $ref confinement."""

from __future__ import annotations

import hashlib
import json
import os
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.errors import CODES, Diagnostic, DiagnosticError, Location, has_errors
from generator.load import (
    MAX_FILE_BYTES,
    join_pointer,
    load_spec,
    pointer_tokens,
)

HEADER = """\
openapi: 3.0.3
info: {title: t, version: "1"}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load_error(path: Path) -> tuple[Diagnostic, ...]:
    with pytest.raises(DiagnosticError) as caught:
        load_spec(path)
    return caught.value.diagnostics


def codes(diagnostics: tuple[Diagnostic, ...]) -> list[str]:
    return [d.code for d in diagnostics]


PETS = HEADER + textwrap.dedent("""\
    paths:
      /pets/{petId}:
        get:
          operationId: getPet
          responses:
            200:
              description: ok
    components:
      schemas:
        "a/b~c":
          type: object
        List:
          - first
          - second
    """)


# --- positions ---------------------------------------------------------------


def test_location_of_a_pointer(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "openapi.yaml", PETS))
    root = spec.root
    assert root.location("/paths/~1pets~1{petId}/get/operationId") == Location(
        root.display, 6, 20, "/paths/~1pets~1{petId}/get/operationId"
    )
    # a mapping value starts where its first key starts
    assert root.location("/paths/~1pets~1{petId}/get").line == 6
    assert (
        root.location("/paths/~1pets~1{petId}/get/responses/200/description").col == 24
    )
    assert (root.location("/components/schemas/a~1b~0c/type").line) == 13
    assert (
        root.location("/components/schemas/List/1").line,
        root.location("/components/schemas/List/1").col,
    ) == (16, 9)
    assert (root.location("").line, root.location("").col) == (1, 1)


def test_location_of_a_missing_pointer_is_its_nearest_ancestor(tmp_path: Path) -> None:
    root = load_spec(write(tmp_path, "openapi.yaml", PETS)).root
    missing = root.location("/paths/~1pets~1{petId}/post/responses")
    assert (missing.line, missing.col) == (5, 5)  # the path item
    assert missing.pointer == "/paths/~1pets~1{petId}/post/responses"
    assert root.location("/components/schemas/List/7").line == 15


def test_positions_are_computed_lazily_and_cached(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "openapi.yaml", PETS))
    assert spec.root._cache == {}  # nothing composed while loading
    spec.root.location("/paths")
    tree = spec.root._cache["tree"]
    spec.root.location("/components")
    assert spec.root._cache["tree"] is tree


def test_positions_in_json_files(tmp_path: Path) -> None:
    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    root = load_spec(path).root
    assert (
        root.location("/info/version").line,
        root.location("/info/version").col,
    ) == (5, 16)


def test_positions_through_yaml_merge_keys(tmp_path: Path) -> None:
    text = HEADER + textwrap.dedent("""\
        paths: {}
        x-base: &base
          colour: red
        x-derived:
          <<: *base
          size: 3
        """)
    spec = load_spec(write(tmp_path, "openapi.yaml", text))
    assert spec.root.data["x-derived"] == {"colour": "red", "size": 3}
    assert spec.root.location("/x-derived/colour").line == 5


# --- values -------------------------------------------------------------------


def test_yaml_12_core_scalars(tmp_path: Path) -> None:
    text = HEADER + textwrap.dedent("""\
        paths: {}
        x-values:
          date: 2024-07-30
          stamp: 2022-10-01T00:00:00Z
          country: NO
          answer: yes
          flag: true
          float: 1e5
          octal_looking: 012
          octal: 0o17
          hex: 0x1F
          time: 1:30
          nothing: ~
          infinite: .inf
          equals: =
        x-keys:
          200: ok
          true: yes
          1.5: x
          null: y
        """)
    data = load_spec(write(tmp_path, "openapi.yaml", text)).root.data
    assert data["x-values"] == {
        "date": "2024-07-30",
        "stamp": "2022-10-01T00:00:00Z",
        "country": "NO",
        "answer": "yes",
        "flag": True,
        "float": 1e5,
        "octal_looking": 12,
        "octal": 15,
        "hex": 31,
        "time": "1:30",
        "nothing": None,
        "infinite": float("inf"),
        "equals": "=",
    }
    assert list(data["x-keys"]) == ["200", "true", "1.5", "null"]


def test_response_codes_become_strings(tmp_path: Path) -> None:
    data = load_spec(write(tmp_path, "openapi.yaml", PETS)).root.data
    assert list(data["paths"]["/pets/{petId}"]["get"]["responses"]) == ["200"]


@pytest.mark.parametrize(
    "value",
    [
        "!!binary aGVsbG8=",
        "!!set {a, b}",
        "!!timestamp 2020-01-01",
        "!Ref Other",
        "!!python/tuple [1]",
    ],
)
def test_tags_that_do_not_make_plain_data_are_refused(
    tmp_path: Path, value: str
) -> None:
    path = write(tmp_path, "openapi.yaml", HEADER + f"paths: {{}}\nx-value: {value}\n")
    (diagnostic,) = load_error(path)
    assert diagnostic.code == "OAG002"
    assert diagnostic.where is not None and diagnostic.where.line == 4


def test_sha256_is_of_the_raw_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, "openapi.yaml", PETS)
    assert load_spec(path).root.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_duplicate_keys_are_warnings_with_places(tmp_path: Path) -> None:
    path = tmp_path / "openapi.json"
    path.write_text(
        '{"openapi": "3.0.3",\n "info": {"title": "a", "title": "b", "version": "1"},\n "paths": {}}',
        encoding="utf-8",
    )
    spec = load_spec(path)
    (warning,) = spec.warnings
    assert (warning.level, warning.code) == ("warning", "OAG004")
    assert warning.where == Location(spec.root.display, 2, 25, "/info/title")
    assert spec.root.data["info"]["title"] == "b"


def test_json_with_yaml_only_syntax_falls_back_to_yaml(tmp_path: Path) -> None:
    path = tmp_path / "openapi.json"
    path.write_text(
        '{"openapi": "3.0.3", "info": {"title": t, version: "1"}, "paths": {},}',
        encoding="utf-8",
    )
    assert load_spec(path).root.data["info"] == {"title": "t", "version": "1"}


# --- reading failures -----------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    (diagnostic,) = load_error(tmp_path / "nope.yaml")
    assert diagnostic.code == "OAG001"
    assert diagnostic.where is not None and diagnostic.where.line is None
    assert "not found" in diagnostic.message


def test_a_folder_is_not_a_spec(tmp_path: Path) -> None:
    (diagnostic,) = load_error(tmp_path)
    assert diagnostic.code == "OAG001" and "folder" in diagnostic.message


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_bytes(HEADER.encode() + b"paths: {}\nx-name: caf\xe9\n")
    (diagnostic,) = load_error(path)
    assert diagnostic.code == "OAG002" and "UTF-8" in diagnostic.message
    assert diagnostic.where is not None
    assert (diagnostic.where.line, diagnostic.where.col) == (4, 12)


def test_too_large_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    with path.open("wb") as stream:  # sparse: costs no disk
        stream.truncate(MAX_FILE_BYTES + 1)
    (diagnostic,) = load_error(path)
    assert diagnostic.code == "OAG005"


def test_top_level_must_be_an_openapi_3_mapping(tmp_path: Path) -> None:
    assert codes(load_error(write(tmp_path, "a.yaml", "- just\n- a list\n"))) == [
        "OAG003"
    ]
    assert codes(load_error(write(tmp_path, "b.yaml", ""))) == ["OAG003"]
    (diagnostic,) = load_error(write(tmp_path, "c.yaml", "openapi: 3.1\ninfo: {}\n"))
    assert diagnostic.code == "OAG003" and "quote" in (diagnostic.hint or "")
    (diagnostic,) = load_error(write(tmp_path, "d.yaml", "openapi: 3.2.0\ninfo: {}\n"))
    assert diagnostic.code == "OAG003" and "3.2.0" in diagnostic.message


def test_alias_bomb_fails_fast(tmp_path: Path) -> None:
    lines = [
        HEADER + "paths: {}",
        'x-0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    ]
    for level in range(1, 12):
        lines.append(
            f"x-{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 8) + "]"
        )
    path = write(tmp_path, "openapi.yaml", "\n".join(lines) + "\n")
    started = time.perf_counter()
    (diagnostic,) = load_error(path)
    assert diagnostic.code == "OAG006"
    assert time.perf_counter() - started < 2


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path, "openapi.yaml", HEADER + "paths: {}\nx-loop: &loop [*loop]\n"
    )
    assert codes(load_error(path)) == ["OAG006"]


def test_modest_aliases_are_fine(tmp_path: Path) -> None:
    text = HEADER + "paths: {}\nx-a: &a {type: string}\nx-b: [*a, *a, *a]\n"
    data = load_spec(write(tmp_path, "openapi.yaml", text)).root.data
    assert data["x-b"] == [{"type": "string"}] * 3


def test_deep_nesting_is_a_diagnostic(tmp_path: Path) -> None:
    path = tmp_path / "openapi.json"
    path.write_text('{"openapi": "3.0.3", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert codes(load_error(path)) == ["OAG002"]


# --- references -------------------------------------------------------------------


def test_file_refs_inside_the_folder_are_loaded(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "openapi.yaml",
        HEADER + """\
paths: {}
components:
  schemas:
    Pet: {$ref: "schemas/pet%20file.yaml#/Pet"}
    Whole: {$ref: "./schemas/../schemas/whole.yaml"}
""",
    )
    write(
        tmp_path,
        "schemas/pet file.yaml",
        "Pet: {type: object, properties: {tag: {$ref: '#/Tag'}}}\nTag: {type: string}\n",
    )
    write(tmp_path, "schemas/whole.yaml", "type: integer\n")
    spec = load_spec(root)
    pet = (tmp_path / "schemas" / "pet file.yaml").resolve()
    assert set(spec.files) == {
        root.resolve(),
        pet,
        (tmp_path / "schemas" / "whole.yaml").resolve(),
    }
    assert spec.folder == tmp_path.resolve()
    file, pointer, value = spec.resolve("schemas/pet%20file.yaml#/Pet", spec.root)
    assert (file.path, pointer, value["type"]) == (pet, "/Pet", "object")
    file, pointer, value = spec.resolve("#/Tag", spec.files[pet])
    assert (file.path, pointer, value) == (pet, "/Tag", {"type": "string"})
    assert spec.resolve("schemas/whole.yaml", spec.root)[2] == {"type": "integer"}
    assert all(f._cache == {} for f in spec.files.values())


def test_pointer_escapes_and_percent_encoding(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "openapi.yaml", PETS))
    _, pointer, value = spec.resolve("#/components/schemas/a~1b~0c", spec.root)
    assert (pointer, value) == ("/components/schemas/a~1b~0c", {"type": "object"})
    _, _, value = spec.resolve("#/paths/~1pets~1%7BpetId%7D/get/operationId", spec.root)
    assert value == "getPet"
    _, _, value = spec.resolve("#/components/schemas/List/1", spec.root)
    assert value == "second"


def test_resolve_failures_are_diagnostics(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "openapi.yaml", PETS))
    for ref, code in [
        ("#/components/schemas/Nope", "OAG020"),
        ("#/components/schemas/List/01", "OAG020"),
        ("#anchor", "OAG020"),
        ("other.yaml#/x", "OAG020"),  # not loaded: resolve never reads files
        ("../x.yaml", "OAG021"),
        ("https://example.com/x.yaml", "OAG022"),
        ("//example.com/x.yaml", "OAG022"),
        ("C:\\specs\\x.yaml", "OAG022"),
        ("file:///etc/passwd", "OAG022"),
    ]:
        with pytest.raises(DiagnosticError) as caught:
            spec.resolve(ref, spec.root, at="/components")
        (diagnostic,) = caught.value.diagnostics
        assert diagnostic.code == code, ref
        assert (
            diagnostic.where is not None and diagnostic.where.pointer == "/components"
        )


def test_files_referring_to_each_other_terminate(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        "openapi.yaml",
        HEADER + "paths: {}\ncomponents: {schemas: {A: {$ref: 'a.yaml#/A'}}}\n",
    )
    write(
        tmp_path, "a.yaml", "A: {type: object, properties: {b: {$ref: 'b.yaml#/B'}}}\n"
    )
    write(
        tmp_path,
        "b.yaml",
        "B: {type: object, properties: {a: {$ref: 'a.yaml#/A'}, root: {$ref: 'openapi.yaml'}}}\n",
    )
    spec = load_spec(root)
    assert len(spec.files) == 3


def test_deref_follows_chains_of_refs(tmp_path: Path) -> None:
    text = (
        HEADER
        + "paths: {}\ncomponents: {schemas: {A: {$ref: '#/components/schemas/B'}, B: {$ref: '#/components/schemas/C'}, C: {type: string}}}\n"
    )
    spec = load_spec(write(tmp_path, "openapi.yaml", text))
    a = spec.root.data["components"]["schemas"]["A"]
    file, pointer, value = spec.deref(a, spec.root, "/components/schemas/A")
    assert (file, pointer, value) == (
        spec.root,
        "/components/schemas/C",
        {"type": "string"},
    )
    assert spec.deref({"type": "x"}, spec.root, "/here") == (
        spec.root,
        "/here",
        {"type": "x"},
    )


def test_ref_escaping_with_dotdot_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "outside.yaml", "X: {type: string}\n")
    root = write(
        tmp_path,
        "spec/openapi.yaml",
        HEADER
        + "paths: {}\ncomponents: {schemas: {X: {$ref: '../outside.yaml#/X'}}}\n",
    )
    (diagnostic,) = load_error(root)
    assert diagnostic.code == "OAG021"
    assert diagnostic.where is not None
    assert (diagnostic.where.line, diagnostic.where.pointer) == (
        4,
        "/components/schemas/X",
    )


def test_ref_escaping_through_a_symlink_is_refused(tmp_path: Path) -> None:
    outside = write(tmp_path, "outside.yaml", "X: {type: string}\n")
    root = write(
        tmp_path,
        "spec/openapi.yaml",
        HEADER + "paths: {}\ncomponents: {schemas: {X: {$ref: 'link.yaml#/X'}}}\n",
    )
    try:
        os.symlink(outside, tmp_path / "spec" / "link.yaml")
    except OSError:
        pytest.skip("symlinks are not available here")
    assert codes(load_error(root)) == ["OAG021"]


def test_all_ref_problems_are_collected(tmp_path: Path) -> None:
    text = HEADER + textwrap.dedent("""\
        paths: {}
        components:
          schemas:
            A: {$ref: "#/components/schemas/Nope"}
            B: {$ref: "missing.yaml"}
            C: {$ref: "https://example.com/c.yaml"}
            D: {$ref: "../d.yaml"}
            E: {$ref: "broken.yaml#/E"}
        """)
    root = write(tmp_path, "spec/openapi.yaml", text)
    write(tmp_path, "spec/broken.yaml", "E: [unclosed\n")
    diagnostics = load_error(root)
    assert codes(diagnostics) == ["OAG002", "OAG020", "OAG020", "OAG022", "OAG021"]
    broken = diagnostics[0]
    assert broken.where is not None and broken.where.file.endswith("spec/broken.yaml")
    assert "referenced from" in broken.message
    assert [d.where.line for d in diagnostics[1:] if d.where] == [6, 7, 8, 9]


def test_refs_inside_examples_and_extensions_are_data(tmp_path: Path) -> None:
    text = HEADER + textwrap.dedent("""\
        paths: {}
        x-vendor: {$ref: "https://example.com/vendor.yaml"}
        components:
          schemas:
            Doc:
              type: object
              example: {$ref: "https://json-schema.org/x"}
              default: {$ref: "/absolute"}
              enum: [{$ref: "../up"}]
              properties:
                example: {$ref: "#/components/schemas/Other"}
            Other: {type: string}
          examples:
            One:
              value: {$ref: "nowhere.yaml"}
        """)
    spec = load_spec(write(tmp_path, "openapi.yaml", text))
    assert [site.pointer for site in spec.root.refs] == [
        "/components/schemas/Doc/properties/example"
    ]


# --- diagnostics -------------------------------------------------------------------


def test_location_and_render_shape() -> None:
    where = Location("spec/x.yaml", 12, 5, "/paths/~1seat-events/get")
    assert str(where) == "spec/x.yaml:12:5 #/paths/~1seat-events/get"
    assert str(Location("spec/x.yaml", None, None, "")) == "spec/x.yaml #"
    diagnostic = Diagnostic(
        "error", "OAG031", "path parameter {id} is not declared", where, "declare it"
    )
    assert diagnostic.render() == (
        "spec/x.yaml:12:5: error OAG031: path parameter {id} is not declared\n"
        "  at #/paths/~1seat-events/get\n"
        "  hint: declare it"
    )
    bare = Diagnostic("warning", "OAG004", "duplicate key", None, "remove one")
    assert bare.render() == "warning OAG004: duplicate key\n  hint: remove one"
    assert has_errors([diagnostic, bare]) and not has_errors([bare])
    error = DiagnosticError([diagnostic, bare])
    assert error.diagnostics == (diagnostic, bare)
    assert str(error) == diagnostic.render() + "\n" + bare.render()


def test_display_paths_are_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "spec/openapi.yaml", PETS)
    monkeypatch.chdir(tmp_path)
    assert load_spec(Path("spec/openapi.yaml")).root.display == "spec/openapi.yaml"
    assert (
        load_spec(tmp_path / "spec" / "openapi.yaml").root.display
        == "spec/openapi.yaml"
    )
    (tmp_path / "other").mkdir()
    monkeypatch.chdir(tmp_path / "other")
    assert (
        load_spec(Path("../spec/openapi.yaml")).root.display == "../spec/openapi.yaml"
    )
    absolute = tmp_path / "spec" / "openapi.yaml"
    assert load_spec(absolute).root.display == absolute.as_posix()


def test_every_code_is_documented() -> None:
    assert all(code.startswith("OAG") and len(code) == 6 for code in CODES)
    assert {
        "OAG001",
        "OAG002",
        "OAG003",
        "OAG010",
        "OAG020",
        "OAG021",
        "OAG022",
        "OAG030",
    } <= set(CODES)


@given(st.lists(st.text(max_size=8), max_size=5))
def test_pointer_round_trip(tokens: list[str]) -> None:
    assert pointer_tokens(join_pointer("", *tokens)) == tokens


def test_a_mapping_merging_itself_does_not_loop(tmp_path: Path) -> None:
    text = HEADER + "paths: {}\nx-self: &me {<<: *me, a: 1}\n"
    spec = load_spec(write(tmp_path, "openapi.yaml", text))
    assert spec.root.data["x-self"] == {"a": 1}
    assert spec.root.location("/x-self/b").line == 4
