"""The dashboard's compares and designs, run in the background. A compare is each a thread that runs the missing
replications of a :class:`lmsim.compare.Plan` through the batch layer (a local process pool or
a Dask scheduler) and then analyses them with :func:`lmsim.compare.analyse`: the plan and the
analysis ``lmsim compare`` runs, so the page shows the figures the command prints.

Runs are kept in the app's cache folder under the key :class:`lmsim.replications.Replications`
gives them (the digest of the resolved scenario, its tables and lmsim's revision, the seed and
the parameter draw), so a baseline's replications serve every package compared with it, and an
unchanged package re-run is only its analysis.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..compare import Comparison, Plan, analyse
from ..replications import Replications, run_together
from ..results_folder import digest


@dataclass
class Background:
    """Work running in a thread (:meth:`_work`), which a cancel asks to start no more runs: its
    progress (``done`` of ``total``), its state, and its error if it failed."""

    done: int = field(default=0, kw_only=True)
    total: int = field(default=0, kw_only=True)
    state: str = field(default="running", kw_only=True)  # running, done, cancelled, failed
    error: str = field(default="", kw_only=True)
    _stop: threading.Event = field(default_factory=threading.Event, kw_only=True)
    _thread: threading.Thread | None = field(default=None, kw_only=True)

    def start(self) -> Background:
        self._thread = threading.Thread(target=self._work, name=f"lmsim-{type(self).__name__}", daemon=True)
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Start no more runs; those finished stay kept."""
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _work(self) -> None:
        raise NotImplementedError


@dataclass
class Job(Background):
    """A compare running in a thread: its progress, and its result or error once it ends."""

    plan: Plan
    cache: Path
    workers: int | None
    scheduler: str | None
    result: Comparison | None = None
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    _first_done: int | None = None

    def seconds_left(self) -> float | None:
        """From the pace of the runs done since the job started; None before the first."""
        new = self.done - (self._first_done or 0)
        if new <= 0:
            return None
        return (self.total - self.done) * (time.monotonic() - self.started) / new

    def _progress(self, done: int, total: int) -> None:
        if self._first_done is None:
            self._first_done = done - 1
        self.done, self.total = done, total

    def _work(self) -> None:
        try:
            sets = self.plan.replications(self.cache)
            self.total = sum(len(r.scenarios) * r.runs for r in sets)
            self.done = self.total - sum(len(r.missing()) for r in sets)
            self._first_done = self.done
            errors = run_together(sets, workers=self.workers or 1, scheduler=self.scheduler, progress=False,
                                  on_run=self._progress, stop=self._stop)
            if self._stop.is_set():
                self.state = "cancelled"
                return
            if errors:
                self.state, self.error = "failed", errors[0]
                return
            self.result = analysed(self.plan, sets)
            self.state = "done"
        except Exception as exc:  # shown on the page, not lost in a thread
            self.state, self.error = "failed", f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
        finally:
            self.finished = time.monotonic()


#: comparisons already made, by the digest of the runs and labels they come from (the most recent kept)
_ANALYSED: OrderedDict[str, Comparison] = OrderedDict()
KEEP_ANALYSED = 32


def analysed(plan: Plan, sets: list[Replications]) -> Comparison:
    """:func:`analyse`, remembered: an unchanged package re-run, or packages shown side by side
    again, answer at once."""
    key = digest([[r.path(label, k).name for label in r.scenarios for k in range(r.runs)] for r in sets] + [list(r.scenarios) for r in sets])
    if key not in _ANALYSED:
        _ANALYSED[key] = analyse(plan, sets)
        while len(_ANALYSED) > KEEP_ANALYSED:
            _ANALYSED.popitem(last=False)
    _ANALYSED.move_to_end(key)
    return _ANALYSED[key]




@dataclass
class DesignJob(Background):
    """A design's search running in a thread (:func:`lmsim.search.search`, as ``lmsim design``
    runs it, without the confirmation): its progress in candidates, and once it ends the
    summary lines, the front table and the chart."""

    path: Path
    folder: Path
    workers: int | None
    scheduler: str | None
    lines: list[str] = field(default_factory=list)
    front: pd.DataFrame | None = None
    recommended: Path | None = None

    def _progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def _work(self) -> None:
        from ..design import load_design
        from ..reports.design import summary, write_design
        from ..search import Stopped, importance, recommended, search

        try:
            design = load_design(self.path)
            self.total = design.info.evaluations
            result = search(design, self.folder, self.workers or 1, self.scheduler, log=self.lines.append,
                            on_batch=self._progress, stop=self._stop)
            settings = {"name": design.info.name, "candidates": len(result.candidates), "runs": result.runs,
                        "candidate_replications": sum(c.n for c in result.candidates), "confirmation_runs": 0}
            write_design(result, self.folder, importance(result), settings, recommended(result.candidates, result.requirement, design.info))
            self.lines = summary(result, settings)
            self.front = pd.read_csv(self.folder / "front.csv")
            best = self.folder / "recommended.toml"
            self.recommended = best if best.exists() else None
            self.state = "done"
        except Stopped:
            self.state = "cancelled"
        except Exception as exc:  # shown on the page, not lost in a thread
            self.state, self.error = "failed", f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
