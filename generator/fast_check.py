"""`oagen check`'s fast path: up to date without regenerating, or the reason it cannot say.

The package is up to date when its manifest's inputs equal the inputs as they are
now (`generator.stamp`), every file hashes as recorded, no file is missing or extra,
and the manifest itself is byte for byte what `generate` would write.  Anything else
is not drift yet: the caller regenerates and compares in full.  Nothing here parses
the spec or imports the pipeline, so a hit costs a few milliseconds of hashing.
With remote `$ref`s allowed there is never a hit: what a URL serves now is only
known by fetching it, which is the full path's work.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator import manifest
from generator.config import Config
from generator.stamp import current_inputs, differences


@dataclass(frozen=True)
class FastCheck:
    """`clean` when the fast path vouches for the package; else why it could not."""

    clean: bool
    reason: str = ""
    #: The manifest's bytes, when `clean`: they name every input and output.
    manifest: bytes = b""


#: Why the fast path is skipped while remote `$ref`s are allowed.
REMOTE_REFS = (
    "remote $refs are allowed: the fetched documents can only be compared by "
    "fetching them again"
)


def fast_check(config: Config) -> FastCheck:
    if config.allow_remote_refs:  # a remote document is an input we cannot re-hash
        return FastCheck(False, REMOTE_REFS)
    found = manifest.read(config.package_dir)
    if found is None:
        return FastCheck(False, f"no readable {manifest.MANIFEST_NAME}")
    if found.vendor is not None:
        return FastCheck(False, "the manifest is a vendored copy's")
    changed = differences(found.inputs, current_inputs(config, found.spec_names, None))
    if changed:
        return FastCheck(False, "inputs changed: " + ", ".join(changed[:5]))
    edits = manifest.hand_edits(config.package_dir, found)
    if edits:
        names = [*edits.changed, *edits.missing, *edits.extra]
        return FastCheck(
            False, "files differ from the manifest: " + ", ".join(names[:5])
        )
    try:
        written = (config.package_dir / manifest.MANIFEST_NAME).read_bytes()
    except OSError:
        return FastCheck(False, "the manifest cannot be read")
    if written != found.render().encode("utf-8"):
        return FastCheck(False, "the manifest is not as oagen writes it")
    return FastCheck(True, manifest=written)
