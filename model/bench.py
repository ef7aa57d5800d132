"""Benchmark: worker-months per second and peak memory at stated sizes.

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

CASES = {
    "city-100k": ("small", 100_000, 5_000),
    "city-1m": ("small", 1_000_000, 50_000),
    "steady-state-1m": ("steady-state", 1_000_000, 50_000),
}
MONTHS = 36
REPEATS = 3


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
