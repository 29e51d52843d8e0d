"""Simulation jobs of the web app: run in a worker thread, report progress, can be cancelled."""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..errors import MSG_UNKNOWN_JOB, AnchorvalError

__all__ = ["MAX_DRAWS", "Job", "JobManager"]

#: Most draws a web request may ask for (the CLI has no cap).
MAX_DRAWS = 20_000_000
_KEEP = 20


class _Cancelled(Exception):
    """Raised from the progress callback to stop a simulation."""


@dataclass
class Job:
    """One simulation run.

    Attributes
    ----------
    id : str
        Random hex id.
    case : str
        Case key.
    total, done : int
        Draws asked for and done so far.
    status : {'running', 'done', 'cancelled', 'error'}
    result : object or None
        The SimulationResult when done.
    error : str or None
        The one-line error.
    """

    id: str
    case: str
    total: int
    done: int = 0
    status: str = "running"
    result: Any = None
    error: str | None = None
    started: float = field(default_factory=time.perf_counter)
    elapsed: float | None = None
    cancel: threading.Event = field(default_factory=threading.Event)

    def to_dict(self) -> dict[str, Any]:
        """JSON of the job; ``result`` is the simulation's ``to_dict()`` (as ``simulate --format json``)."""
        return {
            "job": self.id,
            "case": self.case,
            "status": self.status,
            "draws": self.total,
            "done": self.done,
            "error": self.error,
            "result": self.result.to_dict() if self.result is not None else None,
        }


class JobManager:
    """Runs simulations one or two at a time and keeps the last few.

    Parameters
    ----------
    workers : int
        Simulations run at once.
    """

    def __init__(self, workers: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="anchorval-sim")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def submit(self, case_key: str, draws: int, run: Callable[[Callable[[int], None]], Any]) -> Job:
        """Start ``run(progress)`` in a worker thread and return its job.

        Parameters
        ----------
        case_key : str
            The case id (for display).
        draws : int
            Draws asked for (the progress total).
        run : callable
            Called with a progress callback ``progress(done)``; returns the SimulationResult.
        """
        job = Job(uuid.uuid4().hex, case_key, draws)

        def progress(done: int) -> None:
            job.done = done
            if job.cancel.is_set():
                raise _Cancelled

        def work() -> None:
            try:
                job.result = run(progress)
                job.done = job.total
                job.status = "done"
            except _Cancelled:
                job.status = "cancelled"
            except AnchorvalError as exc:
                job.error, job.status = str(exc), "error"
            except Exception as exc:  # noqa: BLE001 - shown to the user, never a traceback page
                job.error, job.status = f"simulation failed: {type(exc).__name__}: {exc}", "error"
            finally:
                job.elapsed = time.perf_counter() - job.started

        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > _KEEP:
                old_id, old = next(iter(self._jobs.items()))
                if old.status == "running":
                    break
                self._jobs.pop(old_id)
        self._pool.submit(work)
        return job

    def get(self, job_id: str) -> Job:
        """Return a job by id.

        Raises
        ------
        KeyError
            With a one-line message if the id is unknown (or was dropped).
        """
        with self._lock:
            if job_id in self._jobs:
                return self._jobs[job_id]
        raise KeyError(MSG_UNKNOWN_JOB.format(job=job_id))

    def cancel(self, job_id: str) -> Job:
        """Ask a running job to stop (it stops at its next chunk of draws)."""
        job = self.get(job_id)
        job.cancel.set()
        return job

    def shutdown(self) -> None:
        """Cancel every job and stop the workers."""
        with self._lock:
            for j in self._jobs.values():
                j.cancel.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
