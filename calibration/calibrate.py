"""``lmsim calibrate``: fit behavioural parameters to a targets file, or recover known ones.

Writes to ``--out``: ``calibrated.toml`` (a scenario that bases on the one calibrated and sets
the identified estimates: scenarios can name it as their ``base``), ``parameters.csv``,
``moments.csv`` (targeted and untargeted), ``jacobian.csv``, ``sensitivity.csv``,
``starts.csv``, ``profiles.csv``, ``recovery.csv`` (with ``--recover``), ``report.html``, and
``cache.jsonl`` (every simulation, reused when the same calibration runs again).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import tomli_w

from lmsim.results_folder import atomic_write
from lmsim.scenario import Fit, FittedParameter, ScenarioError, _read_toml, apply_overrides, resolve_path, set_path, validate_scenario

from .smm import Estimate, MomentModel, Simulator, estimate
from .spec import Moment, Param, load_params, load_targets


@dataclass
class Calibration:
    estimate: Estimate
    recovery: pd.DataFrame | None
    folder: Path
    simulations_run: int


def calibrate(targets: str | Path, scenario: str | Path, params: str | Path | None = None, out: str | Path = "results/calibration",
              recover: bool = False, workers: int = 1, replications: int = 4, design_points: int = 24, seed: int = 1,
              overrides: list[str] | None = None, profile_points: int = 5, max_evaluations: int = 120,
              command: str = "") -> Calibration:
    """Calibrate ``scenario``'s parameters (``params`` file, else the targets file's
    ``[[params]]``) to the moments of ``targets``; with ``recover``, to moments simulated at
    the parameters' ``true`` values (default: the middle of their bounds) with other seeds."""
    spec = load_targets(targets)
    chosen = load_params(params) if params else spec.params
    if not chosen:
        raise ScenarioError([f"{targets}: no [[params]] to estimate, and no --params file"])
    scenario_path = resolve_path(scenario)
    base = apply_overrides(_read_toml(scenario_path), overrides or [])
    check_paths(base, chosen, str(scenario_path))
    folder = Path(out)
    targeted = [m for m in spec.moments if m.targeted]
    untargeted = [m for m in spec.moments if not m.targeted]
    model = MomentModel(base, [*targeted, *untargeted], str(scenario_path))
    sim = Simulator(model, chosen, replications, seed, folder, workers)
    truth = None
    if recover:
        truth = np.array([p.true if p.true is not None else (p.low + p.high) / 2 for p in chosen])
        targeted, untargeted = _simulated_targets(sim, truth, targeted, untargeted, seed)
    estimating = Simulator(MomentModel(base, targeted, str(scenario_path)), chosen, replications, seed, folder, workers)
    estimating._cache.update(sim._cache)
    result = estimate(estimating, targeted, design_points, seed=seed, profile_points=profile_points, max_evaluations=max_evaluations)
    untargeted_table = _untargeted(sim, result.theta, untargeted)
    recovery = _recovery(result, truth) if truth is not None else None
    write(result, untargeted_table, recovery, folder, scenario_path, overrides or [], fit_of(result, str(targets), command))
    return Calibration(result, recovery, folder, sim.runs_done + estimating.runs_done)


def fit_of(result: Estimate, targets: str, command: str) -> Fit | None:
    """The ``[fit]`` of a calibrated scenario: the estimates with standard errors (those at a
    bound or not identified are set but not drawn), their correlation, and the Jacobian of the
    targeted figures; None when no estimate has a standard error."""
    inside = result.interior
    if not inside.any():
        return None
    return Fit(targets=targets, date=date.today().isoformat(), command=command, summary=summary(result),
               parameters=[FittedParameter(path=p.path, estimate=float(v), se=float(se), low=p.low, high=p.high)
                           for p, v, se, ok in zip(result.params, result.theta, result.se, inside) if ok],
               correlation=correlation(result), moments=[m.name for m in result.moments],
               jacobian=[[float(f"{v:.6g}") for v in row] for row in result.jacobian[:, inside]])


def summary(result: Estimate) -> str:
    """J statistic, Jacobian rank and condition, and the loss, in one line."""
    return (f"{result.j_summary}; Jacobian rank {result.rank} of {len(result.params)}, condition {result.condition:.3g}; "
            f"loss {result.loss:.3g}")


def correlation(result: Estimate) -> list[list[float]]:
    """The correlation matrix of the estimates with standard errors, rounded for a scenario file."""
    ok = result.interior
    cov = result.covariance[np.ix_(ok, ok)]
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(np.where(sd > 0, sd, 1.0), np.where(sd > 0, sd, 1.0))
    np.fill_diagonal(corr, 1.0)
    return [[round(float(v), 4) for v in row] for row in corr]


def check_paths(base: dict, params: list[Param], path: str) -> None:
    """Every parameter names a numeric scenario field: checked by validating the base with
    each set to its lower bound."""
    problems = []
    for p in params:
        data = copy.deepcopy(base)
        try:
            set_path(data, p.path, p.low, f"{path} (params: {p.path})")
            validate_scenario(data, f"{path} (params: {p.path})")
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems)


def _simulated_targets(sim: Simulator, truth: np.ndarray, targeted: list[Moment], untargeted: list[Moment], seed: int):
    """Moments generated at ``truth`` with 2R seeds of their own: value and standard error."""
    obs_seeds = [seed * 1_000_003 + 7919 + k for k in range(2 * sim.replications)]
    reps = sim.runs([truth], seeds=obs_seeds)[0]
    mean, sd = reps.mean(axis=0), reps.std(axis=0, ddof=1)
    se = np.maximum(sd / np.sqrt(len(reps)), 1e-6 * np.maximum(np.abs(mean), 1.0))
    generated = {m.name: (float(mean[i]), float(se[i])) for i, m in enumerate(sim.model.moments)}

    def remake(ms: list[Moment]) -> list[Moment]:
        return [m.model_copy(update={"value": generated[m.name][0], "se": generated[m.name][1], "range": None,
                                     "source": f"simulated at the true parameters (recovery), seeds {obs_seeds[0]}.."}) for m in ms]

    return remake(targeted), remake(untargeted)


def _untargeted(sim: Simulator, theta: np.ndarray, untargeted: list[Moment]) -> pd.DataFrame:
    if not untargeted:
        return pd.DataFrame()
    reps = sim.runs([theta])[0]
    index = [m.name for m in sim.model.moments]
    rows = []
    for m in untargeted:
        values = reps[:, index.index(m.name)]
        rows.append({"moment": m.name, "statistic": m.statistic, "observed": m.value, "se": m.se, "simulated": values.mean(),
                     "simulated_mc_se": values.std(ddof=1) / np.sqrt(len(values)), "t": (values.mean() - m.value) / m.se,
                     "share_of_loss": np.nan, "targeted": False, "source": m.source, "kind": m.kind})
    return pd.DataFrame(rows)


def _recovery(result: Estimate, truth: np.ndarray) -> pd.DataFrame:
    low, high = result.interval()
    table = result.parameter_table().assign(true=truth)
    covered = (low <= truth) & (truth <= high)
    table["verdict"] = np.where(~result.identified, "not identified",
                                np.where(result.interior != result.identified, "at bound", np.where(covered, "covered", "NOT covered")))
    return table


def write(result: Estimate, untargeted: pd.DataFrame, recovery: pd.DataFrame | None, folder: Path, scenario_path: Path,
          overrides: list[str], fit: Fit | None = None) -> None:
    from lmsim.reports.report import calibration_html

    folder.mkdir(parents=True, exist_ok=True)
    params = result.parameter_table()
    moments = result.moment_table(untargeted)
    names = [m.name for m in result.moments]
    paths = [p.path for p in result.params]
    tables = {
        "parameters": params, "moments": moments,
        "jacobian": pd.DataFrame(result.jacobian, index=names, columns=paths).reset_index(names="moment"),
        "sensitivity": pd.DataFrame(result.sensitivity, index=paths, columns=names).reset_index(names="parameter"),
        "starts": result.starts, "profiles": result.profiles,
    }
    if recovery is not None:
        tables["recovery"] = recovery
    for name, table in tables.items():
        atomic_write(folder / f"{name}.csv", lambda p, t=table: t.to_csv(p, index=False))
    text = calibrated_toml(result, scenario_path, overrides, fit)
    atomic_write(folder / "calibrated.toml", lambda p: p.write_text(text, encoding="utf-8"))
    page = calibration_html(result, tables)
    atomic_write(folder / "report.html", lambda p: p.write_text(page, encoding="utf-8"))


def calibrated_toml(result: Estimate, scenario_path: Path, overrides: list[str], fit: Fit | None = None) -> str:
    """The estimates as a scenario based on the one calibrated, with a ``[fit]`` table (targets,
    date, command, estimates, standard errors, bounds, correlation) from which compare and
    forecast draw the parameters. ``--set`` overrides the fit ran with (often a smaller
    population or horizon) are listed, not applied: re-apply the ones that are part of the
    model you mean."""
    lines = [f"# Calibrated by lmsim calibrate: {result.j_summary}; see report.html",
             *[f"# fitted with --set {o}" for o in overrides],
             f'base = "{scenario_path.resolve()}"', ""]
    tables: dict[str, list[str]] = {}
    for p, value, se, ok, inside in zip(result.params, result.theta, result.se, result.identified, result.interior):
        *section, leaf = p.path.split(".")
        entry = (f"{leaf} = {value:.6g}    # se {se:.3g}" if inside else
                 f"{leaf} = {value:.6g}    # at its bound: a corner solution, no standard error, not drawn" if ok else
                 f"# {leaf}: not identified by the targets, left at the scenario's value")
        tables.setdefault(".".join(section), []).append(entry)
    for section, entries in tables.items():
        lines += [f"[{section}]", *entries, ""]
    if fit is not None:
        lines.append(fit_toml(fit))
    return "\n".join(lines)


def fit_toml(fit: Fit) -> str:
    """A ``[fit]`` table as TOML text."""
    return tomli_w.dumps({"fit": fit.model_dump(mode="json", exclude_none=True)})
