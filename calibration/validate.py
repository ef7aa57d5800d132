"""Validation of the shipped regions (``lmsim validate``): every published figure of a region's
targets file (``calibration/targets/REGION.toml``) beside the same statistic simulated on its
shipped baseline.

Each region's baseline runs ``runs`` replications (the calibration's runs: seeds spawned from
the master seed, moments cached on disk so a re-run resumes); per figure the table gives the
published value and its 90 % range (``range``, or the value +/- 1.645 standard errors), the
simulated median and central 90 % range over replications, whether the median lies inside the
published range, and whether the figure is a fitting target (``targeted``) or an out-of-sample
check.

Held out (leave one out): for each fitting target of a baseline with a ``[fit]``, the fit is
redone without it, cheaply, from the fit's Jacobian: the parameter step that minimises the
weighted loss of the other targets (linearised at the shipped estimates, with the residuals of
this validation's runs), each parameter drawn towards the other shipped regions' estimates
(their mean, with their spread or a tenth of its bounds, whichever is wider) so that a
parameter only the held-out figure identified falls back on what the other regions say. The
baseline then runs at the refitted parameters and the held-out figure's simulated median and
band are its prediction (``held_out``): a fit that predicts, not only reproduces, puts it
inside the published range.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lmsim.replications import band
from lmsim.results_folder import digest
from lmsim.scenario import Fit, Scenario, _field_at, _read_toml, apply_overrides, load_scenario, resolve_path

from .smm import MomentModel, Simulator
from .spec import Z90, Moment, Param, load_targets

TARGETS_DIR = Path(__file__).with_name("targets")
#: the shipped regions, each with ``targets/REGION.toml`` and the built-in ``REGION-baseline``
REGIONS = ("huyi", "xiangtan", "chengyang", "anshan", "tacheng")
LEVEL = 0.90


def published_range(moment: Moment) -> tuple[float, float]:
    """The published 90 % range: the file's ``range``, or the value +/- 1.645 standard errors."""
    if moment.range is not None:
        return moment.range[0], moment.range[1]
    return moment.value - Z90 * moment.se, moment.value + Z90 * moment.se


def validate_region(region: str, runs: int, seed: int, out: str | Path, workers: int = 1,
                    targets: str | Path | None = None, overrides: list[str] | None = None) -> pd.DataFrame:
    """One region's figures beside their simulated values (``targets``: the region's file by
    default; ``overrides``: PATH=VALUE changes of its baseline, for tests)."""
    path = Path(targets) if targets is not None else TARGETS_DIR / f"{region}.toml"
    spec = load_targets(path)
    base = apply_overrides(_read_toml(resolve_path(f"{region}-baseline")), overrides or [])
    model = MomentModel(base, spec.moments, f"{region}-baseline")
    folder = Path(out) / region / digest({"scenario": base, "moments": [m.model_dump(mode="json") for m in spec.moments]})
    simulated = Simulator(model, [], runs, seed, folder, workers).runs([np.zeros(0)])[0]
    scenario = model.scenario({})
    held_out = leave_one_out(model, spec.moments, simulated, scenario, region, runs, seed, folder, workers) if scenario.fit else {}
    rows = []
    for j, m in enumerate(spec.moments):
        mid, lo, hi = band(list(simulated[:, j]), LEVEL)
        low, high = published_range(m)
        rows.append({"region": region, "figure": m.name, "statistic": m.statistic, "start": m.start, "end": m.end,
                     "published": m.value, "published_low": low, "published_high": high, "kind": m.kind,
                     "targeted": m.targeted, "simulated": mid, "simulated_low": lo, "simulated_high": hi,
                     "inside": bool(low <= mid <= high), **_held_out_columns(held_out.get(m.name), low, high),
                     "replications": runs, "source": m.source})
    return pd.DataFrame(rows)


def _held_out_columns(values: np.ndarray | None, low: float, high: float) -> dict:
    if values is None:
        return {"held_out": np.nan, "held_out_low": np.nan, "held_out_high": np.nan, "held_out_inside": None}
    mid, lo, hi = band(list(values), LEVEL)
    return {"held_out": mid, "held_out_low": lo, "held_out_high": hi, "held_out_inside": bool(low <= mid <= high)}


def priors(fit: Fit, region: str) -> tuple[np.ndarray, np.ndarray]:
    """Per fitted parameter: the mean of the other shipped regions' estimates and the width to
    draw towards it (their standard deviation, at least a tenth of the bounds); a parameter no
    other region fitted keeps its own estimate, loosely."""
    others = [load_scenario(f"{r}-baseline").fit for r in REGIONS if r != region]
    centre, width = [], []
    for p in fit.parameters:
        values = [q.estimate for f in others if f is not None for q in f.parameters if q.path == p.path]
        floor = 0.1 * (p.high - p.low)
        centre.append(np.mean(values) if values else p.estimate)
        width.append(max(float(np.std(values)), floor) if len(values) > 1 else (floor if values else p.high - p.low))
    return np.array(centre), np.array(width)


def refit_without(k: int, jacobian: np.ndarray, residual: np.ndarray, weights: np.ndarray, theta: np.ndarray,
                  prior: np.ndarray, prior_width: np.ndarray) -> np.ndarray:
    """The parameter step that minimises sum_i!=k w_i (r_i + G_i d)^2 + sum_j ((theta_j + d_j - prior_j) / width_j)^2."""
    keep = np.arange(len(residual)) != k
    G, r, w = jacobian[keep], residual[keep], weights[keep]
    penalty = 1.0 / prior_width**2
    return np.linalg.solve(G.T @ (w[:, None] * G) + np.diag(penalty), -G.T @ (w * r) - penalty * (theta - prior))


def leave_one_out(model: MomentModel, moments: list[Moment], simulated: np.ndarray, scenario: Scenario, region: str,
                  runs: int, seed: int, folder: Path, workers: int) -> dict[str, np.ndarray]:
    """Each fitting target's prediction with the scenario's fit redone without it: {figure: simulated values}."""
    fit = scenario.fit
    names = [m.name for m in moments]
    held = [m for m in moments if m.targeted and m.name in fit.moments and fit.jacobian is not None]
    if not held:
        return {}
    rows = [fit.moments.index(m.name) for m in held]
    jacobian = np.asarray(fit.jacobian, dtype=float)[rows]
    residual = np.array([np.median(simulated[:, names.index(m.name)]) - m.value for m in held])
    weights = 1.0 / np.array([m.se for m in held]) ** 2
    theta = np.array([float(_field_at(scenario, p.path)) for p in fit.parameters])
    prior, width = priors(fit, region)
    low, high = np.array([p.low for p in fit.parameters]), np.array([p.high for p in fit.parameters])
    thetas = [np.clip(theta + refit_without(k, jacobian, residual, weights, theta, prior, width), low, high) for k in range(len(held))]
    params = [Param(path=p.path, low=p.low, high=p.high) for p in fit.parameters]
    values = Simulator(model, params, runs, seed, folder, workers).runs(thetas)
    return {m.name: values[k][:, names.index(m.name)] for k, m in enumerate(held)}


def run(regions: list[str], runs: int, seed: int, out: str | Path, workers: int = 1) -> pd.DataFrame:
    """Every region's table, one after another."""
    return pd.concat([validate_region(r, runs, seed, out, workers) for r in regions], ignore_index=True)
