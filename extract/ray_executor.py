"""Run documents as Ray tasks: the same work as :mod:`extract.executor`, on a cluster.

Reads tasks; calls back with one :class:`Result` per task. Each document is one
Ray task returning the result's JSON text, so the driver merges, caches and
writes exactly as a local run does (same outputs, byte for byte). Workers read
the PDFs by path: on a cluster the input folder must be on storage every node
mounts at the same path (see docs/cluster.md). A task that times out is
cancelled; one whose worker dies becomes ``failed`` like in a local run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

from extract import cache
from extract.errors import DependencyError
from extract.executor import Limits, OnDone, Task, extract_task, failed_result
from extract.options import Options

log = logging.getLogger(__name__)


def import_ray() -> Any:
    """``ray`` or a :class:`DependencyError` (exit code 4) with the install hint."""
    try:
        import ray
    except ImportError as exc:
        raise DependencyError("--executor ray needs Ray: pip install 'extract[ray]'") from exc
    return ray


def _extract_json(task: Task, options: Options) -> tuple[str, dict[str, bytes]]:
    """The Ray task body: one document → (result JSON, report pictures); strings travel cheaply."""
    answer: dict[str, Any] = {}
    extract_task(task, options, answer.__setitem__)
    return answer["result"], answer["pictures"]


def run_ray(tasks: Iterable[Task], options: Options, on_done: OnDone, address: str | None = None,
            limits: Limits | None = None, num_cpus: int | None = None) -> None:
    """Submit every task to Ray (a cluster at ``address`` or a local instance) and collect."""
    ray = import_ray()
    limits = limits or Limits()
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=address, num_cpus=None if address else num_cpus, include_dashboard=False,
                 log_to_driver=False, configure_logging=False)
    try:
        _submit_and_collect(ray, list(tasks), options, on_done, limits)
    finally:
        if started_here:
            ray.shutdown()


def _submit_and_collect(ray: Any, tasks: list[Task], options: Options, on_done: OnDone, limits: Limits) -> None:
    remote_opts: dict[str, Any] = {"max_retries": 0, "num_cpus": 1}
    if limits.memory_mb:
        remote_opts["memory"] = limits.memory_mb * 1024 * 1024 // 4  # a scheduling hint, not a cap
    remote = ray.remote(**remote_opts)(_extract_json)
    options_ref = ray.put(options)
    # Submit no more than the cluster can run at once, so a task's clock starts
    # when it can really start (a queued task must not time out).
    window = max(1, int(ray.cluster_resources().get("CPU", 1)))
    pending = list(reversed(tasks))
    refs: dict[Any, tuple[Task, float]] = {}
    while pending or refs:
        while pending and len(refs) < window:
            task = pending.pop()
            refs[remote.remote(task, options_ref)] = (task, time.monotonic())
        ready, _ = ray.wait(list(refs), num_returns=1, timeout=1.0)
        for ref in ready:
            task, started = refs.pop(ref)
            on_done(task, _fetch(ray, ref, task, started))
        if limits.timeout:
            _cancel_late(ray, refs, limits.timeout, on_done)


def _fetch(ray: Any, ref: Any, task: Task, started: float) -> Any:
    try:
        text, pictures = ray.get(ref)
    except ray.exceptions.RayError as exc:  # worker died, task cancelled, OOM-killed
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return failed_result(task, "crashed", f"{type(exc).__name__}: {reason}", time.monotonic() - started)
    result = cache.loads(text)
    result.pictures = pictures
    return result


def _cancel_late(ray: Any, refs: dict[Any, tuple[Task, float]], timeout: float, on_done: OnDone) -> None:
    """Tasks running longer than ``timeout`` are force-cancelled and recorded as failed."""
    now = time.monotonic()
    for ref, (task, started) in list(refs.items()):
        if now - started > timeout:
            ray.cancel(ref, force=True)
            del refs[ref]
            on_done(task, failed_result(task, "timeout", f"no result after {timeout:g} s (--timeout)", now - started,
                                        limit=timeout))
