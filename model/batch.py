"""Batch execution of an experiment's runs: a local process pool or a Dask cluster, results
streamed to a Parquet dataset as runs finish, nothing finished lost to an interruption.

The results folder (``--out``) holds:

- ``experiment.json``: the experiment's fingerprint, runs, factors and output columns; a
  re-run into the same folder resumes it, and one with another fingerprint is refused;
- ``runs.parquet``: the run table (run, point, replication, seed, factor values);
- ``results/``: the dataset, one row per run (run, point, replication, seed, factors,
  ``status`` ``ok`` or ``failed``, ``error``, outputs). A finished run is written at once
  to ``results/_pending/run-NNNNNNN.parquet``; when every run of a block of ``chunk``
  consecutive ids is in, the block is rewritten as ``results/block-NNNNN.parquet``, sorted by
  run. The blocks depend on the runs alone, so the dataset is the same whatever the number
  of workers or the order they finish in;
- ``attempts.jsonl``: one line per finished attempt: run, status, error, seconds, attempt.

Memory stays bounded: at most a few runs per worker are in flight and a block is the most
the writer ever holds. A run that raises is recorded as failed with its message and the
sweep goes on; a worker that dies has its runs retried, up to ``max_attempts`` in all.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from threadpoolctl import threadpool_limits

from . import __version__
from .experiment import Experiment
from .results_folder import atomic_write
from .scenario import Scenario, ScenarioError

if TYPE_CHECKING:
    from .simulation import Results

LEADING = ("run", "point", "replication", "seed")
#: a model the batch layer evaluates: a run's values (an experiment's factor values) and a
#: seed in, named values (an experiment's output numbers) out
Model = Callable[[dict[str, Any], int], dict[str, Any]]


class RunPlan(Protocol):
    """What a batch of simulation runs is for: the scenario a run's values stand for, and
    what a finished run returns (an experiment's outputs, a replication's tables, a
    calibration's moments)."""

    def scenario(self, values: dict[str, Any]) -> Scenario: ...

    def outputs(self, result: Results) -> dict[str, Any]: ...


class ScenarioModel:
    """The lmsim simulation as the batch layer's model: a run's values and seed in, the
    plan's scenario run with that seed, the plan's outputs of it out. The run keeps paths
    when ``record_paths`` says so, or its values' ``record_paths`` where they say."""

    def __init__(self, plan: RunPlan, record_paths: bool = False):
        self.plan, self.record_paths = plan, record_paths

    def __call__(self, values: dict[str, Any], seed: int) -> dict[str, Any]:
        from .simulation import Simulation

        record_paths = bool(values.get("record_paths", self.record_paths))
        result = Simulation(self.plan.scenario(values), seed, record_paths=record_paths).run(progress=False)
        return self.plan.outputs(result)


@dataclass(frozen=True)
class Task:
    run: int
    point: int
    replication: int
    seed: int
    values: dict[str, Any]
    attempt: int = 1


def evaluate(model: Model, task: Task) -> dict[str, Any]:
    """One run's row: an exception becomes a failed row carrying its message."""
    started = time.perf_counter()
    try:
        # A run is one core's work. OpenBLAS's threads would otherwise spin between calls and
        # take the cores the other workers run on: two concurrent Huyi runs took 6.2 s each
        # with them and 4.1 s without (3.6 s alone).
        with threadpool_limits(limits=1):
            outputs, status, error = model(task.values, task.seed), "ok", ""
    except Exception as exc:  # a run that raises is data, not the end of the sweep
        outputs, status, error = {}, "failed", f"{type(exc).__name__}: {exc}"
        if os.environ.get("LMSIM_TRACEBACK"):
            error += "\n" + traceback.format_exc()
    row = {"run": task.run, "point": task.point, "replication": task.replication, "seed": task.seed,
           **task.values, "status": status, "error": error, **outputs}
    return {"row": row, "seconds": time.perf_counter() - started, "attempt": task.attempt}


# --- storage -------------------------------------------------------------------------------


class ResultStore:
    """The results folder of one experiment: what is done, and the dataset as it grows."""

    def __init__(self, folder: str | Path, experiment: Experiment, chunk: int | None = None):
        self.folder = Path(folder)
        self.chunk = chunk or experiment.spec.experiment.chunk
        self.runs = experiment.runs()
        self.factor_names = [f.name for f in experiment.factors]
        self.results = self.folder / "results"
        self.pending = self.results / "_pending"
        self.pending.mkdir(parents=True, exist_ok=True)
        self._claim(experiment)
        self.done: set[int] = set()
        self._recover()

    def _claim(self, experiment: Experiment) -> None:
        meta_path = self.folder / "experiment.json"
        meta = {"fingerprint": experiment.fingerprint(), "name": experiment.spec.experiment.name,
                "source": experiment.path, "runs": len(self.runs), "chunk": self.chunk,
                "factors": self.factor_names, "lmsim": __version__, "spec": experiment.spec.model_dump(mode="json")}
        if meta_path.exists():
            old = json.loads(meta_path.read_text())
            if old.get("fingerprint") != meta["fingerprint"] or old.get("chunk") != self.chunk:
                raise ScenarioError([f"{self.folder}: holds results of another experiment ({old.get('name')!r}, "
                                     f"fingerprint {old.get('fingerprint')}); choose another --out"])
            return
        atomic_write(self.folder / "runs.parquet", lambda p: self.runs.to_parquet(p, index=False))
        atomic_write(meta_path, lambda p: p.write_text(json.dumps(meta, indent=2)))

    def _recover(self) -> None:
        """Read what earlier sessions finished; finish compactions an interruption cut short."""
        for block_file in sorted(self.results.glob("block-*.parquet")):
            runs = pq.read_table(block_file, columns=["run"]).column("run").to_pylist()
            self.done.update(runs)
        for pending in self.pending.glob("run-*.parquet"):
            run = int(pending.stem.split("-")[1])
            if run in self.done:  # its block was written before the pending file was removed
                pending.unlink()
            else:
                self.done.add(run)
        for block in {run // self.chunk for run in self.done}:
            self._compact_if_full(block)

    def add(self, row: dict[str, Any]) -> None:
        run = int(row["run"])
        if run in self.done:  # a retried run that had finished after all: keep the first
            return
        frame = pd.DataFrame([row])
        atomic_write(self.pending / f"run-{run:07d}.parquet", lambda p: frame.to_parquet(p, index=False))
        self.done.add(run)
        self._compact_if_full(run // self.chunk)

    def _compact_if_full(self, block: int) -> None:
        ids = range(block * self.chunk, min((block + 1) * self.chunk, len(self.runs)))
        target = self.results / f"block-{block:05d}.parquet"
        if target.exists() or not all(i in self.done for i in ids):
            return
        files = [self.pending / f"run-{i:07d}.parquet" for i in ids]
        frame = canonical(pd.concat([pd.read_parquet(f) for f in files], ignore_index=True), self.factor_names)
        atomic_write(target, lambda p: frame.to_parquet(p, index=False))
        for f in files:
            f.unlink()

    def files(self) -> list[Path]:
        return result_files(self.folder)

    def frame(self) -> pd.DataFrame:
        """Every finished run, one row each, sorted by run."""
        return read_results(self.folder)

    def dataset(self) -> ds.Dataset:
        """The finished runs as a lazy pyarrow dataset (nothing read until asked)."""
        return ds.dataset([str(f) for f in self.files()], format="parquet")

    def log(self, record: dict[str, Any]) -> None:
        row = record["row"]
        line = {"run": row["run"], "status": row["status"], "error": row["error"].splitlines()[0] if row["error"] else "",
                "seconds": round(record["seconds"], 3), "attempt": record["attempt"], "finished": time.time()}
        with open(self.folder / "attempts.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line) + "\n")


def canonical(frame: pd.DataFrame, factor_names: list[str]) -> pd.DataFrame:
    """Rows by run; columns: run keys, factors, status, error, then outputs by name."""
    fixed = [*LEADING, *factor_names, "status", "error"]
    outputs = sorted(c for c in frame.columns if c not in fixed)
    frame = frame.reindex(columns=[*fixed, *outputs]).sort_values("run", kind="stable").reset_index(drop=True)
    frame[outputs] = frame[outputs].astype(np.float64)
    return frame


def result_files(folder: str | Path) -> list[Path]:
    results = Path(folder) / "results"
    return sorted(results.glob("block-*.parquet")) + sorted((results / "_pending").glob("run-*.parquet"))


def read_results(folder: str | Path) -> pd.DataFrame:
    """Every finished run of a results folder, one row each, sorted by run."""
    factor_names = json.loads((Path(folder) / "experiment.json").read_text())["factors"]
    files = result_files(folder)
    if not files:
        return pd.DataFrame(columns=[*LEADING, *factor_names, "status", "error"])
    return canonical(pd.concat([pd.read_parquet(f) for f in files], ignore_index=True), factor_names)


# --- execution -----------------------------------------------------------------------------


def _init_worker(model: Model) -> None:
    global _MODEL
    _MODEL = model
    # Ctrl-C reaches the whole process group: the parent stops the pool and says what was kept
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _evaluate_in_worker(task: Task) -> dict[str, Any]:
    return evaluate(_MODEL, task)


def local_results(model: Model, tasks: Iterable[Task], workers: int, max_attempts: int) -> Iterator[dict[str, Any]]:
    """Evaluate tasks in a pool of ``workers`` processes, yielding records as they finish. A
    pool that breaks (a worker killed) is replaced and its runs in flight go again."""
    queue = iter(tasks)
    retry: list[Task] = []
    in_flight: dict[Future, Task] = {}
    ctx = get_context("forkserver")
    ctx.set_forkserver_preload(["lmsim.batch", "lmsim.simulation"])

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(model,))

    pool = new_pool()
    try:
        while True:
            broken = False
            while len(in_flight) < 2 * workers and not broken:
                task = retry.pop() if retry else next(queue, None)
                if task is None:
                    break
                try:
                    in_flight[pool.submit(_evaluate_in_worker, task)] = task
                except BrokenProcessPool:  # it broke before we heard: this task never ran
                    retry.append(task)
                    broken = True
            if not in_flight and not broken:
                return
            if not broken:
                finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in finished:
                    task = in_flight.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        broken = True
                        yield from _retry_or_fail(task, max_attempts, retry, "the worker process died")
            if broken:  # every run still in flight is lost with the pool
                for task in in_flight.values():
                    yield from _retry_or_fail(task, max_attempts, retry, "the worker process died")
                in_flight.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


#: seconds to wait for a Dask scheduler to answer before giving up
SCHEDULER_TIMEOUT = 10


class SchedulerError(Exception):
    """The Dask scheduler named by ``--scheduler`` cannot be reached."""


def dask_results(model: Model, tasks: Iterable[Task], address: str, max_attempts: int) -> Iterator[dict[str, Any]]:
    """Evaluate tasks on the Dask cluster at ``address``. The scheduler moves the tasks of a
    worker that dies to the others (``retries`` bounds it); records come back as they finish."""
    from distributed import Client, as_completed

    try:
        client = Client(address, timeout=f"{SCHEDULER_TIMEOUT}s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerError(f"--scheduler {address}: no Dask scheduler answered within {SCHEDULER_TIMEOUT} s "
                             f"({type(exc).__name__}); check the address (tcp://HOST:PORT) and that the scheduler runs") from None
    with client:
        remote_model = client.scatter(model, broadcast=True)
        window = 4 * max(sum(client.nthreads().values()), 1)
        queue = iter(tasks)
        running = as_completed()
        owner: dict[str, Task] = {}

        def submit(task: Task) -> None:
            future = client.submit(evaluate, remote_model, task, key=f"lmsim-run-{task.run}-{task.attempt}",
                                   retries=max_attempts - 1, pure=False)
            owner[future.key] = task
            running.add(future)

        for task in _take(queue, window):
            submit(task)
        for future in running:
            task = owner.pop(future.key)
            try:
                yield future.result()
            except Exception as exc:  # KilledWorker after the retries, or a lost connection
                yield _failed(task, f"{type(exc).__name__}: {exc}")
            future.release()
            for task in _take(queue, 1):
                submit(task)


def _take(queue: Iterator[Task], n: int) -> list[Task]:
    return [t for _, t in zip(range(n), queue)]


def _retry_or_fail(task: Task, max_attempts: int, retry: list[Task], why: str) -> Iterator[dict[str, Any]]:
    if task.attempt < max_attempts:
        retry.append(Task(task.run, task.point, task.replication, task.seed, task.values, task.attempt + 1))
    else:
        yield _failed(task, f"{why} ({task.attempt} attempts)")


def _failed(task: Task, error: str) -> dict[str, Any]:
    row = {"run": task.run, "point": task.point, "replication": task.replication, "seed": task.seed,
           **task.values, "status": "failed", "error": error}
    return {"row": row, "seconds": 0.0, "attempt": task.attempt}


# --- progress ------------------------------------------------------------------------------


class Progress:
    """Runs done and failed with the time left: a bar on a terminal, log lines elsewhere."""

    def __init__(self, total: int, done: int, name: str, show: bool | None = None):
        from tqdm import tqdm

        self.total, self.done, self.failed, self.new = total, done, 0, 0
        self.started = self.last = time.monotonic()
        self.tty = sys.stderr.isatty() if show is None else show
        self.bar = tqdm(total=total, initial=done, desc=name, unit="run") if self.tty else None
        if not self.tty:
            self._line(f"{done}/{total} runs already done")

    def update(self, status: str) -> None:
        self.done += 1
        self.new += 1
        self.failed += status != "ok"
        if self.bar is not None:
            self.bar.set_postfix(failed=self.failed, refresh=False)
            self.bar.update()
        elif time.monotonic() - self.last >= 10 or self.done == self.total:
            rate = self.new / max(time.monotonic() - self.started, 1e-9)
            left = (self.total - self.done) / rate if rate else float("nan")
            self._line(f"{self.done}/{self.total} runs done, {self.failed} failed, {left:.0f} s left")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def _line(self, text: str) -> None:
        self.last = time.monotonic()
        print(f"lmsim batch: {text}", file=sys.stderr, flush=True)


# --- the whole batch ----------------------------------------------------------------------


def run_batch(
    experiment: Experiment,
    out: str | Path,
    workers: int = 1,
    scheduler: str | None = None,
    model: Model | None = None,
    retry_failed: bool = False,
    max_attempts: int = 3,
    progress: bool | None = None,
) -> ResultStore:
    """Run every run of ``experiment`` not yet in ``out`` and return the store. ``model``
    replaces the simulation (any picklable callable: factor values and seed in, named
    numbers out), e.g. a test function with known sensitivity indices."""
    store = ResultStore(out, experiment)
    if retry_failed:
        _forget_failed(store)
    runs = experiment.runs()
    todo = runs[~runs["run"].isin(store.done)]
    factor_names = store.factor_names
    tasks = (
        Task(int(run), int(point), int(rep), int(seed), {n: _scalar(v) for n, v in zip(factor_names, values)})
        for run, point, rep, seed, *values in todo[[*LEADING, *factor_names]].itertuples(index=False)
    )
    model = model or ScenarioModel(experiment)
    source = dask_results(model, tasks, scheduler, max_attempts) if scheduler else local_results(model, tasks, workers, max_attempts)
    bar = Progress(len(runs), len(runs) - len(todo), experiment.spec.experiment.name, progress)
    try:
        for record in source:
            store.add(record["row"])
            store.log(record)
            bar.update(record["row"]["status"])
    finally:
        bar.close()
    return store


def _forget_failed(store: ResultStore) -> None:
    """Drop failed runs from the dataset so that they run again."""
    frame = store.frame()
    failed = set(frame.loc[frame["status"] == "failed", "run"])
    if not failed:
        return
    for block_file in sorted(store.results.glob("block-*.parquet")):
        block = pd.read_parquet(block_file)
        if block["run"].isin(failed).any():
            for row in block[~block["run"].isin(failed)].to_dict("records"):
                atomic_write(store.pending / f"run-{int(row['run']):07d}.parquet", lambda p, r=row: pd.DataFrame([r]).to_parquet(p, index=False))
            block_file.unlink()
    for run in failed:
        (store.pending / f"run-{run:07d}.parquet").unlink(missing_ok=True)
    store.done -= failed


def _scalar(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
