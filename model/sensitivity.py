"""Global sensitivity analysis of a finished batch through SALib: Sobol first-order and total
indices with confidence intervals (design ``sobol``), Morris mu* and sigma (design ``morris``),
and RBD-FAST first-order indices (design ``latin``). Outputs are averaged over replications at
each point before the analysis.

:func:`analyse` returns one table of indices; :func:`write` adds a CSV per output, bar charts
and the warnings. :func:`ishigami` is the classic test function with known indices, to check
the pipeline end to end with the model swapped for it.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .experiment import ExperimentFile, salib_problem
from .outputs import formula_safe
from .results_folder import atomic_write
from .scenario import ScenarioError

INDEX_COLUMNS = ("output", "method", "factor", "index", "value", "low", "high")

# Below these sizes the bootstrap intervals are too wide to rank factors (SALib's own
# examples use N = 1024 base samples for Sobol and 10+ trajectories for Morris).
MIN_SOBOL_BASE, MIN_MORRIS_TRAJECTORIES, MIN_LATIN_POINTS = 512, 10, 100
WIDE_INTERVAL = 0.1  # a half-width above this makes an index unreliable


@dataclass
class Analysis:
    """Indices of every output, one row per (output, factor, index), and the warnings."""

    indices: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


def ishigami(values: dict[str, float], seed: int, a: float = 7.0, b: float = 0.1) -> dict[str, float]:
    """Ishigami & Homma (1990) on x1, x2, x3 ~ U(-pi, pi). Analytic indices: S1 = 0.3139,
    0.4424, 0; ST = 0.5576, 0.4424, 0.2437 (a = 7, b = 0.1)."""
    x1, x2, x3 = values["x1"], values["x2"], values["x3"]
    return {"y": float(np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1))}


ISHIGAMI_S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ISHIGAMI_ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def analyse(spec: ExperimentFile, frame: pd.DataFrame, outputs: list[str] | None = None,
            conf_level: float = 0.95, seed: int = 0) -> Analysis:
    """Indices for each output column of a batch's results (``frame``: one row per run)."""
    e = spec.experiment
    if e.design not in ("sobol", "morris", "latin"):
        raise ScenarioError([f"experiment design {e.design!r}: sensitivity indices need design sobol, morris or latin"])
    names = [f.name for f in spec.factors]
    per_point = frame[frame["status"] == "ok"].groupby("point").mean(numeric_only=True).sort_index()
    n_points = int(frame["point"].max()) + 1
    candidates = [c for c in per_point.columns if c not in ("run", "replication", "seed", *names)]
    chosen = outputs or candidates
    unknown = sorted(set(chosen) - set(candidates))
    if unknown:
        raise ScenarioError([f"outputs {unknown} not in the results; there are: {', '.join(candidates)}"])
    problem = salib_problem(spec)
    notes = _size_warnings(spec, n_points)
    tables = []
    for output in chosen:
        y = per_point[output].reindex(range(n_points))
        if y.isna().any():
            missing = y.index[y.isna()].tolist()
            notes.append(f"{output}: {len(missing)} point(s) without a value (failed runs, e.g. point {missing[0]}): not analysed")
            continue
        table = _indices(e.design, problem, per_point[names].to_numpy(), y.to_numpy(), e, conf_level, seed)
        table.insert(0, "output", output)
        tables.append(table)
        notes.extend(_interval_warnings(output, table))
    indices = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=INDEX_COLUMNS)
    return Analysis(indices, notes)


def _indices(design, problem, x, y, e, conf_level, seed) -> pd.DataFrame:
    from SALib.analyze import morris, rbd_fast, sobol

    names = problem["names"]
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # SALib warns on constant outputs; the table shows zeros
        if design == "sobol":
            r = sobol.analyze(problem, y, calc_second_order=e.second_order, conf_level=conf_level, seed=seed)
            for key in ("S1", "ST"):
                for i, name in enumerate(names):
                    rows.append(("sobol", name, key, r[key][i], r[key][i] - r[f"{key}_conf"][i], r[key][i] + r[f"{key}_conf"][i]))
        elif design == "morris":
            r = morris.analyze(problem, x, y, conf_level=conf_level, num_levels=e.morris_levels, seed=seed)
            for i, name in enumerate(names):
                rows.append(("morris", name, "mu_star", r["mu_star"][i], r["mu_star"][i] - r["mu_star_conf"][i],
                             r["mu_star"][i] + r["mu_star_conf"][i]))
                rows.append(("morris", name, "sigma", r["sigma"][i], np.nan, np.nan))
        else:
            r = rbd_fast.analyze(problem, x, y, conf_level=conf_level, seed=seed)
            for i, name in enumerate(names):
                rows.append(("rbd_fast", name, "S1", r["S1"][i], r["S1"][i] - r["S1_conf"][i], r["S1"][i] + r["S1_conf"][i]))
    return pd.DataFrame(rows, columns=INDEX_COLUMNS[1:])


def _size_warnings(spec: ExperimentFile, n_points: int) -> list[str]:
    e, k = spec.experiment, len(spec.factors)
    if e.design == "sobol" and e.samples < MIN_SOBOL_BASE:
        return [f"sobol with {e.samples} base samples ({n_points} points for {k} factors): intervals are wide below "
                f"N = {MIN_SOBOL_BASE}; rank factors only where intervals do not overlap"]
    if e.design == "morris" and e.samples < MIN_MORRIS_TRAJECTORIES:
        return [f"morris with {e.samples} trajectories: fewer than {MIN_MORRIS_TRAJECTORIES} make mu* unreliable"]
    if e.design == "latin" and n_points < MIN_LATIN_POINTS:
        return [f"latin with {n_points} points: RBD-FAST needs about {MIN_LATIN_POINTS} or more"]
    return []


def _interval_warnings(output: str, table: pd.DataFrame) -> list[str]:
    half = (table["high"] - table["low"]) / 2
    wide = table[(half > WIDE_INTERVAL) & table["index"].isin(["S1", "ST"])]
    if len(wide) == 0:
        return []
    worst = wide.loc[half[wide.index].idxmax()]
    return [f"{output}: {len(wide)} index interval(s) wider than +/-{WIDE_INTERVAL} (worst {worst['index']} of "
            f"{worst['factor']}: {worst['value']:.2f} in [{worst['low']:.2f}, {worst['high']:.2f}]): take more samples"]


# --- the results folder --------------------------------------------------------------------


def load(results: str | Path) -> tuple[ExperimentFile, pd.DataFrame]:
    """The experiment and the runs of a batch's results folder."""
    from .batch import read_results

    folder = Path(results)
    meta_path = folder / "experiment.json"
    if not meta_path.exists():
        raise ScenarioError([f"{folder}: not a batch results folder (no experiment.json)"])
    spec = ExperimentFile.model_validate(json.loads(meta_path.read_text())["spec"])
    return spec, read_results(folder)


def write(results: str | Path, outputs: list[str] | None = None, conf_level: float = 0.95,
          out: str | Path | None = None) -> Analysis:
    """Analyse a results folder and write ``sensitivity/``: indices.csv, one CSV and one bar
    chart (PNG) per output, and warnings.txt."""
    from lmsim.reports.charts import sensitivity_bars

    spec, frame = load(results)
    analysis = analyse(spec, frame, outputs, conf_level)
    folder = Path(out) if out else Path(results) / "sensitivity"
    folder.mkdir(parents=True, exist_ok=True)
    # output names come from the experiment file: written formula-safe, each file whole or absent
    atomic_write(folder / "indices.csv", lambda p: formula_safe(analysis.indices).to_csv(p, index=False))
    for output, table in analysis.indices.groupby("output", sort=False):
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in output)
        atomic_write(folder / f"{safe}.csv", lambda p, t=table: formula_safe(t).to_csv(p, index=False))
        atomic_write(folder / f"{safe}.png", lambda p, t=table, o=output: sensitivity_bars(t, o, p))
    text = "\n".join(analysis.warnings) + ("\n" if analysis.warnings else "")
    atomic_write(folder / "warnings.txt", lambda p: p.write_text(text, encoding="utf-8"))
    return analysis
