"""Fields named like the standard-library types they hold (`date: date`).

datamodel-code-generator imports such a type under an alias
(`from datetime import date as date_aliased, time`); ruff's isort wants every
aliased name in a statement of its own.  The models must still pass the linters,
in one `models.py` and in the split `models/` package, and the fields must work.
"""

from __future__ import annotations

import ast
import datetime
import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.import_block import bindings, import_block
from generator.model_modules import SPLIT_THRESHOLD
from tests.packages import LINTERS, generate, imported, lint

PACKAGE = "stamps"


def _spec(fillers: int) -> dict[str, Any]:
    schemas: dict[str, Any] = {
        "Moment": {
            "type": "object",
            "properties": {
                "date": {"type": "string", "format": "date"},
                "start": {"type": "string", "format": "time"},
                "at": {"type": "string", "format": "date-time"},
                # a typed default: `import datetime as _datetime` joins the block
                "since": {"type": "string", "format": "date", "default": "2020-01-02"},
            },
        },
        "Opening": {
            "type": "object",
            "properties": {
                "day": {"type": "string", "format": "date"},
                "opens": {"type": "string", "format": "time"},
            },
        },
    }
    for i in range(fillers):
        schemas[f"Filler{i}"] = {
            "type": "object",
            "properties": {
                "n": {"type": "integer"},
                "moment": {"$ref": "#/components/schemas/Moment"},
            },
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Stamps", "version": "1"},
        "servers": [{"url": "http://localhost"}],
        "paths": {},
        "components": {"schemas": schemas},
    }


SHAPES = {"single": 0, "split": SPLIT_THRESHOLD + 1}


@pytest.fixture(scope="module", params=sorted(SHAPES))
def output(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    folder = tmp_path_factory.mktemp(request.param)
    spec = folder / "stamps.yaml"
    spec.write_text(yaml.safe_dump(_spec(SHAPES[request.param]), sort_keys=False))
    generate(spec, folder, PACKAGE)
    split = (folder / PACKAGE / "models").is_dir()
    assert split == (request.param == "split")
    return folder


@pytest.fixture(scope="module")
def stamps(output: Path) -> Iterator[Any]:
    with imported(output, PACKAGE) as package:
        yield package
    for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
        del sys.modules[name]  # the other shape imports a package of the same name


def test_the_aliased_name_gets_a_statement_of_its_own(output: Path) -> None:
    """The spec does make datamodel-code-generator alias `date` (not `time`)."""
    models = output / PACKAGE
    sources = "".join(path.read_text() for path in models.rglob("*.py"))
    assert (
        "from datetime import date as date_aliased\nfrom datetime import time\n"
        in sources
    )


@pytest.mark.parametrize("linter", LINTERS)
def test_the_models_pass_the_linters(output: Path, linter: str) -> None:
    done = lint(output, PACKAGE, linter)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_fields_hold_their_types(stamps: Any) -> None:
    models = importlib.import_module(f"{stamps.__name__}.models")
    moment = models.Moment(date="2020-01-02", start="10:11:12")
    assert moment.date == datetime.date(2020, 1, 2)
    assert moment.start == datetime.time(10, 11, 12)
    assert moment.since == datetime.date(2020, 1, 2)
    assert models.Moment.model_validate(moment.model_dump(mode="json")) == moment
    opening = models.Opening(day="2020-01-03", opens="09:00:00")
    assert opening.day == datetime.date(2020, 1, 3)
    assert opening.opens == datetime.time(9)


#: Every way names of one module combine, and the block ruff's isort writes for them.
MIXED = """\
from __future__ import annotations
import datetime as _datetime, datetime
from datetime import time, date as date_aliased, datetime as datetime_aliased, timedelta
from datetime import date
from datetime import date as d2
from x import b as zz, B, A as Q, CONST
from x import a, a
import ipaddress
from ..a import z as y, w
from . import q
from ._sib import Foo as Bar, Baz
"""
SORTED = """\
from __future__ import annotations

import datetime
import datetime as _datetime
import ipaddress
from datetime import date, time, timedelta
from datetime import date as d2
from datetime import date as date_aliased
from datetime import datetime as datetime_aliased

from x import CONST, B, a
from x import A as Q
from x import b as zz

from ..a import w
from ..a import z as y
from . import q
from ._sib import Baz
from ._sib import Foo as Bar"""
USE = (
    "\n\nprint(_datetime, datetime, time, date_aliased, datetime_aliased, timedelta, "
    "date, d2, zz, B, Q, CONST, a, y, w, q, Bar, Baz, ipaddress)\n"
)


def test_the_block_is_what_ruff_writes(tmp_path: Path) -> None:
    found = [
        binding
        for node in ast.parse(MIXED).body
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for binding in bindings(node)
    ]
    assert import_block(found) == SORTED
    assert import_block(reversed(found)) == SORTED
    # one level deeper, as the split models package imports the package's modules
    deeper = bindings(ast.ImportFrom("_runtime", [ast.alias("omit")], level=1), 1)
    assert import_block(deeper) == "from .._runtime import omit"
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text(SORTED + USE)
    done = subprocess.run(
        [sys.executable, "-m", *LINTERS["ruff"], "pkg"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
