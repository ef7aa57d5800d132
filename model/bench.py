"""Benchmarks: worker-months per second and peak memory at stated sizes, and the batch layer's
memory and throughput (``lmsim bench --batch``).

Each case runs in a fresh Python process so its peak resident memory (ru_maxrss) is its own:
the population, the ledger and the indicators included. The rate counts simulated months
only; building the population is timed separately. Like ``timeit``, each case runs its 36
months ``REPEATS`` times from a fresh population and reports the fastest (the median is
printed beside it), so a busy moment of the machine does not pass for the model's speed.
"""

from __future__ import annotations

import gc
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

CASES = {
    "city-100k": ("small", 100_000, 5_000),
    "city-1m": ("small", 1_000_000, 50_000),
    "steady-state-1m": ("steady-state", 1_000_000, 50_000),
}
MONTHS = 36
REPEATS = 5


def run_case(name: str) -> dict[str, float]:
    from .scenario import load_scenario
    from .simulation import Simulation

    scenario_name, workers, firms = CASES[name]
    overrides = [f"population.workers={workers}", f"population.firms={firms}", f"scenario.months={MONTHS}"]
    simulation = Simulation(load_scenario(scenario_name, overrides))
    builds, runs = [], []
    for _ in range(REPEATS):
        started = time.perf_counter()
        model = simulation.build()
        built = time.perf_counter()
        for _ in range(MONTHS):
            model.step()
        runs.append(time.perf_counter() - built)
        builds.append(built - started)
        model.ledger.entries()  # the outputs a run returns are part of its footprint
        if not runs[1:]:  # the first run's peak: later repeats add the allocator's leftovers
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        model.release()
        del model
        gc.collect()  # mesa's agents refer back to the model: free the cycle before the next build
    return {
        "case": name,
        "workers": workers,
        "firms": firms,
        "months": MONTHS,
        "build_seconds": min(builds),
        "run_seconds": min(runs),
        "median_run_seconds": statistics.median(runs),
        "worker_months_per_second": workers * MONTHS / min(runs),
        "median_worker_months_per_second": workers * MONTHS / statistics.median(runs),
        "peak_memory_mb": peak_mb,
    }


def main(cases: list[str] | None = None) -> list[dict[str, float]]:
    results = []
    print(f"{'case':<18}{'workers':>10}{'firms':>8}{'build s':>9}{'36 months s':>13}{'worker-months/s':>18}{'(median)':>10}{'peak MB':>9}")
    for name in cases or list(CASES):
        code = f"import json; from lmsim.bench import run_case; print(json.dumps(run_case({name!r})))"
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(r)
        print(
            f"{r['case']:<18}{r['workers']:>10,}{r['firms']:>8,}{r['build_seconds']:>9.2f}{r['run_seconds']:>13.2f}"
            f"{r['worker_months_per_second'] / 1e6:>16.1f} M{r['median_worker_months_per_second'] / 1e6:>8.1f} M"
            f"{r['peak_memory_mb']:>9.0f}"
        )
    return results


# --- the batch layer -----------------------------------------------------------------------

BATCH_SIZES = {"tiny": ["population.workers=3000", "population.firms=150", "scenario.months=12"],
               "small": ["population.workers=20000", "population.firms=1000", "scenario.months=24"],
               "city": ["population.workers=100000", "population.firms=5000", "scenario.months=36"]}


def batch_experiment(points: int, size: str):
    """A latin hypercube over two behavioural factors on the small scenario, cut to ``size``."""
    from .experiment import Experiment, ExperimentFile

    spec = ExperimentFile.model_validate({
        "experiment": {"name": f"bench {points} {size}", "scenario": "small", "set": BATCH_SIZES[size],
                       "design": "latin", "samples": points, "seed": 1},
        "factors": [{"path": "behaviour.quit_rate", "range": [0.004, 0.012]},
                    {"path": "behaviour.matching_efficiency", "range": [0.25, 0.45]}],
        "outputs": {"u": {"indicator": "surveyed_unemployment_rate", "aggregate": "last"},
                    "startups": {"indicator": "startups", "aggregate": "sum"}},
    })
    return Experiment(spec)


def run_batch_case(points: int, size: str, workers: int) -> dict[str, float]:
    """One batch into a fresh folder: seconds, runs a second, and peak memory of this process
    and of this process plus its pool (sampled every 50 ms)."""
    import tempfile
    import threading

    import psutil

    from .batch import run_batch

    experiment = batch_experiment(points, size)
    me, peaks, stop = psutil.Process(), {"self": 0.0, "all": 0.0}, threading.Event()

    def sample() -> None:
        while not stop.is_set():
            procs = [me, *me.children(recursive=True)]
            rss = [p.memory_info().rss for p in procs if p.is_running()]
            peaks["self"] = max(peaks["self"], rss[0] / 2**20)
            peaks["all"] = max(peaks["all"], sum(rss) / 2**20)
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    with tempfile.TemporaryDirectory() as out:
        sampler.start()
        started = time.perf_counter()
        store = run_batch(experiment, out, workers=workers, progress=False)
        seconds = time.perf_counter() - started
        stop.set()
        sampler.join()
        assert (store.frame()["status"] == "ok").all()
        finished = sorted(json.loads(line)["finished"] for line in open(Path(out) / "attempts.jsonl"))
    # steady throughput: runs finished after the first, over the time since it (the pool's
    # start-up and each worker's first run excluded)
    steady = (len(finished) - 1) / (finished[-1] - finished[0])
    worker_months = {"tiny": 3000 * 12, "small": 20000 * 24, "city": 100_000 * 36}[size]
    return {"runs": experiment.n_runs, "size": size, "workers": workers, "seconds": seconds,
            "runs_per_second": experiment.n_runs / seconds, "steady_runs_per_second": steady, "worker_months_per_second": experiment.n_runs * worker_months / seconds,
            "peak_self_mb": peaks["self"], "peak_all_mb": peaks["all"]}


def batch_main() -> list[dict[str, float]]:
    """Memory of a 200- and a 2,000-run batch; throughput with one and two workers, on short
    runs (where the pool's start-up of about 1.5 s weighs) and on city-size runs."""
    cases = [(200, "tiny", 2), (2000, "tiny", 2), (64, "small", 1), (64, "small", 2), (32, "city", 1), (32, "city", 2)]
    print(f"{'runs':>6}{'size':>7}{'workers':>9}{'seconds':>9}{'runs/s':>8}{'steady':>8}{'worker-months/s':>17}{'peak main MB':>14}{'peak all MB':>13}")
    results = []
    for points, size, workers in cases:
        code = f"import json; from lmsim.bench import run_batch_case; print(json.dumps(run_batch_case({points}, {size!r}, {workers})))"
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(r)
        print(f"{r['runs']:>6}{r['size']:>7}{r['workers']:>9}{r['seconds']:>9.1f}{r['runs_per_second']:>8.1f}{r['steady_runs_per_second']:>8.1f}"
              f"{r['worker_months_per_second'] / 1e6:>15.1f} M{r['peak_self_mb']:>14.0f}{r['peak_all_mb']:>13.0f}")
    few, many = results[0], results[1]
    print(f"peak memory, 2,000 runs against 200: main process {many['peak_self_mb'] / few['peak_self_mb']:.2f}x, "
          f"with the pool {many['peak_all_mb'] / few['peak_all_mb']:.2f}x (target: within 1.20x)")
    for one, two in (results[2:4], results[4:6]):
        print(f"throughput, {one['size']} runs, 2 workers against 1: {two['runs_per_second'] / one['runs_per_second']:.2f}x "
              f"wall clock, {two['steady_runs_per_second'] / one['steady_runs_per_second']:.2f}x steady (target: at least 1.7x)")
    return results
