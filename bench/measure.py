"""Timing and memory helpers shared by the benchmarks (stdlib only).

`run()` starts a command in its own process group with output sent to files,
reaps it with `os.wait4` and returns wall time, exit code and peak RSS.  Peak
RSS is the kernel's `ru_maxrss` for the child: the largest resident set of the
child or of any descendant it waited for (the largest single process, not the
sum of a process tree).
"""

from __future__ import annotations

import dataclasses
import os
import resource
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path


@dataclasses.dataclass
class Run:
    rc: int  # exit code; -N when killed by signal N; 124 on timeout
    wall: float  # seconds
    rss_mib: float  # peak resident set, MiB
    stdout: str
    stderr: str
    timed_out: bool = False


def run(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 900,
) -> Run:
    """Run `cmd` to completion and measure it; never raises on failure."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(c) for c in cmd],
            cwd=cwd,
            env=None if env is None else dict(env),
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped
        out.seek(0)
        err.seek(0)
        return Run(
            rc=124 if expired.is_set() else proc.returncode,
            wall=wall,
            rss_mib=usage.ru_maxrss / 1024,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            timed_out=expired.is_set(),
        )


def interleave(
    rounds: int, contestants: Mapping[str, Callable[[], object]], log=print
) -> dict[str, list[object]]:
    """Call each contestant once per round, rotating the order every round.

    Returns every result per contestant, so the caller takes medians.
    """
    keys = list(contestants)
    results: dict[str, list[object]] = {k: [] for k in keys}
    for r in range(rounds):
        order = keys[r % len(keys) :] + keys[: r % len(keys)]
        for key in order:
            results[key].append(contestants[key]())
        log(f"  round {r + 1}/{rounds} done")
    return results


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def fmt_s(seconds: float | None) -> str:
    """Seconds with three significant figures, or a dash."""
    if seconds is None or seconds != seconds:
        return "–"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def fmt_ratio(value: float | None, base: float | None) -> str:
    if not value or not base or value != value or base != base:
        return "–"
    return f"{value / base:.2f}×"


class Meter:
    """CPU that *other* processes used since creation, in cores on average.

    Whole-machine busy time from /proc/stat, minus this process and its reaped
    children (getrusage).  Other sessions' tests on a shared machine show up here.
    """

    def __init__(self) -> None:
        self.start = time.perf_counter(), *self._cpu()

    @staticmethod
    def _cpu() -> tuple[float, float]:
        with open("/proc/stat") as stat:
            ticks = [int(x) for x in stat.readline().split()[1:9]]
        busy = (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")
        own = sum(
            u.ru_utime + u.ru_stime
            for u in (
                resource.getrusage(resource.RUSAGE_SELF),
                resource.getrusage(resource.RUSAGE_CHILDREN),
            )
        )
        return busy, own

    def others(self) -> float:
        wall0, busy0, own0 = self.start
        busy, own = self._cpu()
        return max(0.0, (busy - busy0) - (own - own0)) / max(
            time.perf_counter() - wall0, 1e-9
        )


def wait_quiet(limit: float, threshold: float = 0.3, sample: float = 3.0) -> float:
    """Wait (at most `limit` s) until other processes use < `threshold` cores; return the last sample."""
    deadline = time.monotonic() + limit
    while True:
        meter = Meter()
        time.sleep(sample)
        busy = meter.others()
        if busy < threshold or time.monotonic() + sample > deadline:
            return busy
