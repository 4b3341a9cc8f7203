"""`oagen serve --mock`: the generated server with its mock implementation, fresh from the spec.

The package is generated into a temporary folder rather than read from the
output folder, so the mock always answers as the spec says now, even before
the first `oagen generate` and whatever state `generated/` is in.
"""

from __future__ import annotations

import importlib
import sys
import tempfile
from pathlib import Path

from generator.config import Config
from generator.emit import emit
from generator.errors import Diagnostic
from generator.pipeline import build


def serve_mock(
    config: Config,
    *,
    host: str,
    port: int,
    validate_responses: bool,
    strict: bool = False,
) -> tuple[int, tuple[Diagnostic, ...]]:
    """Serve until interrupted; the exit status of the server and the spec's warnings."""
    result = build(config, strict=strict)
    with tempfile.TemporaryDirectory(prefix="oagen-serve-") as folder:
        emit(result.files, Path(folder) / config.package)
        sys.path.insert(0, folder)
        try:
            server = importlib.import_module(f"{config.package}.server.__main__")
            argv = ["--mock", "--host", host, "--port", str(port)]
            if validate_responses:
                argv.append("--validate-responses")
            return int(server.main(argv)), result.diagnostics
        finally:
            sys.path.remove(folder)
