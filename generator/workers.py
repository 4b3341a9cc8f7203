"""Worker processes for the slow, independent parts of a build.

A build imports three heavy libraries: openapi-spec-validator to validate,
datamodel-code-generator to render the models, black to format.  Importing them
one after the other is most of a small API's generation time (the seed: about
0.5 s of 1 s).  `worker_pool` starts the workers when a build starts; each
imports datamodel-code-generator and black at once, while this process loads,
validates and lowers the spec.  The models are then rendered in one worker while
this process renders the templates and the other worker formats them.

Results do not depend on which process does what: every task is a pure function
of its arguments (the disk cache is keyed by content).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager

#: Workers in the pool: one renders the models while another formats files.
WORKERS = 2


@contextmanager
def worker_pool(*, start: bool = True) -> Iterator[ProcessPoolExecutor | None]:
    """A pool of warmed-up workers for one build, or None: when not `start`ed,
    on a one-core machine, or with `OAGEN_WORKERS=0` (everything then runs in
    this process, and black runs in a pool of its own above 2 MB)."""
    if not start or (os.cpu_count() or 1) < 2 or os.environ.get("OAGEN_WORKERS") == "0":
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=WORKERS)
    try:
        warming: list[Future[None]] = [pool.submit(warm_up) for _ in range(WORKERS)]
        yield pool
        for future in warming:
            future.result()  # surfaces a worker that could not even import
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def warm_up() -> None:
    """Import what the workers' tasks need, before the tasks arrive."""
    import black  # noqa: F401
    import datamodel_code_generator  # noqa: F401
