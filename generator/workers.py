"""Worker processes for the slow, independent parts of a build.

A build imports three heavy libraries: openapi-spec-validator to validate,
datamodel-code-generator to render the models, black to format.  Importing them
one after the other is most of a small API's generation time (the seed: about
0.5 s of 1 s).  `worker_pool` starts the workers once the spec is loaded; they
import datamodel-code-generator and black at once, while this process lowers
the spec.  The models are then rendered in one worker while this process
renders the templates and the other worker formats them.

Where processes are forked (Linux), the workers are forked with the loaded spec
and validate it there (`validate_inherited`), so openapi-spec-validator's walk
(most of a minute's CPU on GitHub's spec, several seconds of wall time) runs
while this process lowers and renders instead of before.  The spec is inherited,
never pickled.

Results do not depend on which process does what: every task is a pure function
of its arguments (the disk cache is keyed by content).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.errors import Diagnostic
    from generator.load import Spec

#: Workers in the pool: one renders the models while another formats files.
WORKERS = 2
#: Forked workers start with this process's memory: the spec need not be pickled.
_FORKS = "fork" in multiprocessing.get_all_start_methods()

#: In a worker: the spec it was forked with, for `validate_inherited`.
_inherited: Spec | None = None


@contextmanager
def worker_pool(
    *, start: bool = True, spec: Spec | None = None
) -> Iterator[ProcessPoolExecutor | None]:
    """A pool of warmed-up workers for one build, or None: when not `start`ed,
    on a one-core machine, or with `OAGEN_WORKERS=0` (everything then runs in
    this process, and black runs in a pool of its own above 2 MB).

    Given `spec`, and where processes fork, the workers are forked with it and
    one of them validates it at once: see `validation`."""
    if not start or (os.cpu_count() or 1) < 2 or os.environ.get("OAGEN_WORKERS") == "0":
        yield None
        return
    inherited = spec if _FORKS else None
    pool = _BuildPool(inherited)
    try:
        if inherited is not None:  # first: the longest task, and the others wait on it
            pool.validation = pool.submit(validate_inherited)
        warming: list[Future[None]] = [pool.submit(warm_up) for _ in range(WORKERS)]
        yield pool
        for future in warming:
            future.result()  # surfaces a worker that could not even import
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def stop(pool: ProcessPoolExecutor) -> None:
    """End the pool's workers at once: the build has failed, and a running task
    (datamodel-code-generator on a large spec) may take long.

    Their tasks then fail with BrokenProcessPool, which the build reports as the
    spec's diagnostics.  This may run in the pool's own management thread (a
    future's callback), so it only signals the processes: shutting the pool down
    from there would leave its thread unjoined, racing the interpreter's exit.
    `worker_pool` shuts it down, from the build's thread.  The processes are only
    reachable through this attribute (Python 3.14's `terminate_workers` also
    shuts the pool down).
    """
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.terminate()


def warm_up() -> None:
    """Import what the workers' tasks need, before the tasks arrive."""
    import black  # noqa: F401
    import datamodel_code_generator  # noqa: F401


class _BuildPool(ProcessPoolExecutor):
    """The build's workers; forked with `spec` when one is given."""

    def __init__(self, spec: Spec | None) -> None:
        #: The spec's validation, running in a worker (see `validation`).
        self.validation: Future[list[Diagnostic]] | None = None
        if spec is None:
            super().__init__(max_workers=WORKERS)
            return
        super().__init__(
            max_workers=WORKERS,
            mp_context=multiprocessing.get_context("fork"),
            # forked, the workers inherit the initializer's arguments: no pickling
            initializer=_inherit,
            initargs=(spec,),
        )


def validation(pool: ProcessPoolExecutor | None) -> Future[list[Diagnostic]] | None:
    """The spec's diagnostics, being found by a worker; None when this process
    must validate (no pool, or processes that do not fork)."""
    return pool.validation if isinstance(pool, _BuildPool) else None


def _inherit(spec: Spec) -> None:
    global _inherited
    _inherited = spec


def validate_inherited() -> list[Diagnostic]:
    """`validate_cached` of the spec this worker was forked with."""
    from generator.validation_cache import validate_cached

    if _inherited is None:
        raise RuntimeError("this worker was not forked with a spec")
    return validate_cached(_inherited)
