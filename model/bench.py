"""Benchmark: worker-months per second and peak memory at stated sizes.

Each case runs in a fresh Python process so its peak resident memory (ru_maxrss) is its own:
the population, the ledger and the indicators included. The rate counts simulated months
only; building the population is timed separately.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

CASES = {
    "city-100k": ("small", 100_000, 5_000),
    "city-1m": ("small", 1_000_000, 50_000),
    "steady-state-1m": ("steady-state", 1_000_000, 50_000),
}
MONTHS = 36


def run_case(name: str) -> dict[str, float]:
    from .scenario import load_scenario
    from .simulation import Simulation

    scenario_name, workers, firms = CASES[name]
    overrides = [f"population.workers={workers}", f"population.firms={firms}", f"scenario.months={MONTHS}"]
    simulation = Simulation(load_scenario(scenario_name, overrides))
    started = time.perf_counter()
    model = simulation.build()
    built = time.perf_counter()
    for _ in range(MONTHS):
        model.step()
    done = time.perf_counter()
    model.ledger.entries()  # the outputs a run returns are part of its footprint
    return {
        "case": name,
        "workers": workers,
        "firms": firms,
        "months": MONTHS,
        "build_seconds": built - started,
        "run_seconds": done - built,
        "worker_months_per_second": workers * MONTHS / (done - built),
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(cases: list[str] | None = None) -> list[dict[str, float]]:
    results = []
    print(f"{'case':<18}{'workers':>10}{'firms':>8}{'build s':>9}{'36 months s':>13}{'worker-months/s':>18}{'peak MB':>9}")
    for name in cases or list(CASES):
        code = f"import json; from lmsim.bench import run_case; print(json.dumps(run_case({name!r})))"
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        results.append(r)
        print(
            f"{r['case']:<18}{r['workers']:>10,}{r['firms']:>8,}{r['build_seconds']:>9.2f}{r['run_seconds']:>13.2f}"
            f"{r['worker_months_per_second'] / 1e6:>16.1f} M{r['peak_memory_mb']:>9.0f}"
        )
    return results
