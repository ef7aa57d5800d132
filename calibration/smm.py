"""Simulated method of moments with common random numbers.

For a parameter vector theta the scenario runs R replications with the same R seeds at every
theta (common random numbers: the loss surface is not redrawn from one theta to the next), and
the simulated moments are their means. The loss is (m(theta) - m_obs)' W (m(theta) - m_obs)
with W = diag(1 / se^2). The search is global first (a latin hypercube of thetas run through
the batch layer's executors), then Levenberg-Marquardt from the best few points: each step
solves (G'WG + lambda diag(G'WG)) d = -G'W (m(theta) - m_obs) with G the central-difference
Jacobian of the simulated moments (same seeds, steps of a tenth of each range, so simulation
noise does not swamp it), takes the step if the loss falls (lambda shrinks) and otherwise
tries a shorter one (lambda grows). A derivative-free simplex in six or more dimensions barely
leaves its start on a noisy loss; these steps use the structure of the moments.

Every simulation is cached on disk (``cache.jsonl``: theta, seed, moments), so an interrupted
calibration re-run with the same inputs reuses everything finished.

Standard errors: the sandwich V = (G'WG)^-1 G'W S W G (G'WG)^-1, G the Jacobian of the
simulated moments at the estimate (central differences, same seeds), S = diag(se^2) plus the
Monte Carlo variance of the simulated means (inflation for simulation noise). Identification:
the rank and condition number of W^1/2 G, each estimate's sensitivity to each moment
((G'WG)^-1 G'W), and a parameter whose column of G is (numerically) zero is *not identified*:
its estimate and interval are reported as such, not returned as if known.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc

from lmsim.batch import ScenarioModel, Task, evaluate, local_results
from lmsim.reduce import RunTables
from lmsim.results_folder import digest, scenario_inputs
from lmsim.rng import replication_seed
from lmsim.scenario import Scenario, set_path, validate_scenario

from .moments import compute
from .spec import Moment, Param

#: a column of W^1/2 G (per unit of a parameter's range) below this is no information
IDENTIFICATION_TOLERANCE = 1e-3


class MomentModel:
    """Calibration's plan for the batch layer (:class:`lmsim.batch.RunPlan`): parameter
    values {path: value} set on the base scenario, and a run returns its moments."""

    def __init__(self, base: dict[str, Any], moments: list[Moment], path: str = "<calibration>"):
        self.base, self.moments, self.path = base, moments, path

    def scenario(self, values: dict[str, Any]) -> Scenario:
        data = copy.deepcopy(self.base)
        for path, value in values.items():
            set_path(data, path, float(value))
        return validate_scenario(data, self.path)

    def outputs(self, result: RunTables) -> dict[str, float]:
        return {m.name: compute(m.statistic, result.monthly, result.ledger, m.start, m.end) for m in self.moments}


@dataclass
class Simulator:
    """Simulated moments at any theta, R replications with fixed seeds, cached on disk."""

    model: MomentModel
    params: list[Param]
    replications: int
    seed: int
    folder: Path
    workers: int = 1
    record_paths: bool = False  # the runs keep who was in work each month (effect moments need it)
    runs_done: int = 0  # simulations actually run (not taken from the cache) in this session
    _cache: dict[str, dict[str, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.runner = ScenarioModel(self.model, self.record_paths)  # the batch layer's model of self.model's runs
        self.folder.mkdir(parents=True, exist_ok=True)
        self.cache_path = self.folder / "cache.jsonl"
        if self.cache_path.exists():
            self._read_cache()
        self.seeds = [replication_seed(self.seed, k) for k in range(self.replications)]
        # what the moments depend on besides theta and the seed: a cache entry of another model
        # (another scenario, moment, table or revision of lmsim) is never taken for this one's
        self.tag = digest({"scenario": getattr(self.model, "base", None), "plan": repr(getattr(self.model, "moments", None)),
                           "paths": self.record_paths, "inputs": scenario_inputs(self.model.scenario({}))})

    def _read_cache(self) -> None:
        """Take up the entries of earlier sessions; a line a killed session left half-written is
        cut off, so the next entry starts on a line of its own."""
        text = self.cache_path.read_text(encoding="utf-8")
        whole = 0
        for line in text.splitlines(keepends=True):
            try:
                entry = json.loads(line)
            except ValueError:
                break
            if not line.endswith("\n"):
                break
            self._cache[entry["key"]] = entry["moments"]
            whole += len(line.encode())
        if whole < len(text.encode()):
            with open(self.cache_path, "r+b") as fh:
                fh.truncate(whole)

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.model.moments]

    def _key(self, theta: np.ndarray, seed: int) -> str:
        return json.dumps([self.tag, *[[p.path, float(f"{v:.12g}")] for p, v in zip(self.params, theta)], seed])

    def runs(self, thetas: list[np.ndarray], seeds: list[int] | None = None) -> list[np.ndarray]:
        """Per theta, a (replications x moments) matrix; missing runs go to the pool."""
        seeds = seeds or self.seeds
        wanted = [(i, s) for i in range(len(thetas)) for s in seeds]
        todo = [(i, s) for i, s in wanted if self._key(thetas[i], s) not in self._cache]
        if todo:
            tasks = (Task(n, i, 0, s, {p.path: float(v) for p, v in zip(self.params, thetas[i])}) for n, (i, s) in enumerate(todo))
            # a pool pays its start-up only for batches (designs, Jacobians, profiles); the
            # optimiser's single thetas run here, one replication after another
            batch = self.workers > 1 and len(todo) > self.replications
            records = local_results(self.runner, tasks, self.workers, max_attempts=2) if batch else (evaluate(self.runner, t) for t in tasks)
            with open(self.cache_path, "a", encoding="utf-8") as fh:
                for record in records:
                    row = record["row"]
                    if row["status"] != "ok":
                        raise RuntimeError(f"a calibration run failed at {row}: {row['error']}")
                    key = self._key(thetas[row["point"]], row["seed"])
                    self._cache[key] = {n: row[n] for n in self.names}
                    fh.write(json.dumps({"key": key, "moments": self._cache[key]}) + "\n")
                    fh.flush()
                    self.runs_done += 1
        return [np.array([[self._cache[self._key(t, s)][n] for n in self.names] for s in seeds]) for t in thetas]

    def mean(self, theta: np.ndarray) -> np.ndarray:
        return self.runs([theta])[0].mean(axis=0)


@dataclass
class Estimate:
    params: list[Param]
    moments: list[Moment]
    theta: np.ndarray
    loss: float
    se: np.ndarray
    jacobian: np.ndarray
    simulated: np.ndarray
    simulated_se: np.ndarray
    identified: np.ndarray
    rank: int
    condition: float
    sensitivity: np.ndarray
    j_stat: float
    j_pvalue: float
    starts: pd.DataFrame
    profiles: pd.DataFrame
    #: sandwich covariance of the estimates (NaN rows and columns for those not identified or at a bound)
    covariance: np.ndarray | None = None
    #: estimates at a bound of their search: corner solutions, without a standard error
    at_bound: np.ndarray | None = None

    @property
    def interior(self) -> np.ndarray:
        """Identified estimates strictly inside their bounds: those with standard errors."""
        return self.identified & ~(self.at_bound if self.at_bound is not None else np.zeros(len(self.theta), dtype=bool))

    @property
    def j_summary(self) -> str:
        """'J = 3.20 (p = 0.074)', or a note that an exactly identified fit has no test."""
        if np.isnan(self.j_pvalue):
            return f"J = {self.j_stat:.2f} (as many moments as parameters: no overidentification test)"
        return f"J = {self.j_stat:.2f} (p = {self.j_pvalue:.3f})"

    def interval(self, level: float = 0.90) -> tuple[np.ndarray, np.ndarray]:
        z = stats.norm.ppf(0.5 + level / 2)
        return self.theta - z * self.se, self.theta + z * self.se

    def parameter_table(self) -> pd.DataFrame:
        low, high = self.interval()
        return pd.DataFrame({
            "parameter": [p.path for p in self.params], "estimate": self.theta, "se": self.se,
            "low_90": low, "high_90": high, "identified": self.identified, "at_bound": self.interior != self.identified,
            "bound_low": [p.low for p in self.params], "bound_high": [p.high for p in self.params],
        })

    def moment_table(self, untargeted: pd.DataFrame | None = None) -> pd.DataFrame:
        observed = np.array([m.value for m in self.moments])
        se = np.array([m.se for m in self.moments])
        gap = (self.simulated - observed) / se
        table = pd.DataFrame({
            "moment": [m.name for m in self.moments], "statistic": [m.statistic for m in self.moments],
            "observed": observed, "se": se, "simulated": self.simulated, "simulated_mc_se": self.simulated_se,
            "t": gap, "share_of_loss": gap**2 / max(float((gap**2).sum()), 1e-300), "targeted": True,
            "source": [m.source for m in self.moments], "kind": [m.kind for m in self.moments],
        })
        return pd.concat([table, untargeted], ignore_index=True) if untargeted is not None and len(untargeted) else table


def estimate(sim: Simulator, moments: list[Moment], design_points: int = 24, starts: int = 2, seed: int = 0,
             profile_points: int = 5, max_evaluations: int = 120) -> Estimate:
    """Global latin search, Levenberg-Marquardt from the best ``starts`` points, then the Jacobian,
    standard errors and identification checks at the best optimum."""
    observed = np.array([m.value for m in moments])
    weights = 1.0 / np.array([m.se for m in moments]) ** 2
    low = np.array([p.low for p in sim.params])
    high = np.array([p.high for p in sim.params])

    design = qmc.scale(qmc.LatinHypercube(d=len(low), seed=seed).random(design_points), low, high)
    given = [np.array([p.start if p.start is not None else (p.low + p.high) / 2 for p in sim.params])]
    candidates = [*given, *design]
    means = [r.mean(axis=0) for r in sim.runs(candidates)]  # the whole design in one batch
    losses = [float((m - observed) @ (weights * (m - observed))) for m in means]
    order = np.argsort(losses)[:starts]
    runs = []
    for i in order:
        f, x = levenberg_marquardt(sim, candidates[i], low, high, observed, weights, max_evaluations)
        runs.append((f, x, candidates[i]))
    runs.sort(key=lambda r: r[0])
    best_loss, theta, _ = runs[0]
    starts_table = pd.DataFrame([{"start": j, **{f"start:{p.path}": s[k] for k, p in enumerate(sim.params)},
                                  **{p.path: x[k] for k, p in enumerate(sim.params)}, "loss": f} for j, (f, x, s) in enumerate(runs)])

    G = jacobian(sim, theta, low, high)
    reps = sim.runs([theta])[0]
    simulated, mc_var = reps.mean(axis=0), reps.var(axis=0, ddof=1) / len(reps)
    sqrt_w = np.sqrt(weights)
    scaled = sqrt_w[:, None] * G * (high - low)[None, :]  # per unit of each parameter's range
    identified = np.linalg.norm(scaled, axis=0) > IDENTIFICATION_TOLERANCE
    svd = np.linalg.svd(scaled, compute_uv=False)
    rank = int((svd > IDENTIFICATION_TOLERANCE * max(svd[0], 1e-300)).sum()) if len(svd) else 0
    condition = float(svd[0] / svd[-1]) if len(svd) and svd[-1] > 0 else float("inf")
    # an estimate at a bound is a corner: the sandwich's normal approximation does not hold there,
    # so the others' standard errors are computed with it held at its bound
    margin = 1e-6 * (high - low)
    at_bound = identified & ((theta <= low + margin) | (theta >= high - margin))
    interior = identified & ~at_bound
    se, sensitivity = np.full(len(theta), np.inf), np.full((len(theta), len(moments)), np.nan)
    se[at_bound] = np.nan
    covariance = np.full((len(theta), len(theta)), np.nan)
    if interior.any():
        Gi = G[:, interior]
        bread = np.linalg.pinv(Gi.T @ (weights[:, None] * Gi))
        S = np.diag(1.0 / weights + mc_var)
        V = bread @ Gi.T @ np.diag(weights) @ S @ np.diag(weights) @ Gi @ bread
        se[interior] = np.sqrt(np.maximum(np.diag(V), 0.0))
        covariance[np.ix_(interior, interior)] = V
        sensitivity[interior] = bread @ Gi.T * weights[None, :]
    dof = len(moments) - int(interior.sum())
    gap = simulated - observed
    j_stat = float(gap @ (gap / (1.0 / weights + mc_var)))
    j_pvalue = float(stats.chi2.sf(j_stat, dof)) if dof > 0 else float("nan")
    profiles = profile(sim, theta, low, high, observed, weights, profile_points)
    return Estimate(sim.params, moments, theta, best_loss, se, G, simulated, np.sqrt(mc_var), identified, rank, condition,
                    sensitivity, j_stat, j_pvalue, starts_table, profiles, covariance, at_bound)


def levenberg_marquardt(sim: Simulator, theta: np.ndarray, low: np.ndarray, high: np.ndarray, observed: np.ndarray,
                        weights: np.ndarray, max_points: int, damping: float = 0.01) -> tuple[float, np.ndarray]:
    """Damped Gauss-Newton steps from ``theta`` inside the bounds, until the loss stops falling
    (by less than 0.1 %) or ``max_points`` parameter points have run; returns (loss, theta)."""
    def loss_of(m: np.ndarray) -> float:
        return float((m - observed) @ (weights * (m - observed)))

    means = sim.mean(theta)
    loss, points = loss_of(means), 1
    while points + 2 * len(theta) < max_points:
        G = jacobian(sim, theta, low, high)
        points += 2 * len(theta)
        A, g = G.T @ (weights[:, None] * G), G.T @ (weights * (means - observed))
        for _ in range(4):  # shorter steps until one lowers the loss
            # least squares: a parameter no moment moves with (a zero column) takes no step
            step = np.linalg.lstsq(A + damping * np.diag(np.diag(A)), -g, rcond=None)[0]
            candidate = np.clip(theta + step, low, high)
            candidate_means = sim.mean(candidate)
            points += 1
            if loss_of(candidate_means) < loss:
                break
            damping *= 4
        else:
            return loss, theta
        previous, loss = loss, loss_of(candidate_means)
        theta, means, damping = candidate, candidate_means, damping / 3
        if previous - loss < 1e-3 * previous:
            break
    return loss, theta


def jacobian(sim: Simulator, theta: np.ndarray, low: np.ndarray, high: np.ndarray, step: float = 0.1) -> np.ndarray:
    """Central differences of the simulated moments, steps of ``step`` x each range, kept inside bounds."""
    points, h = [], []
    for j in range(len(theta)):
        d = step * (high[j] - low[j])
        up, down = theta.copy(), theta.copy()
        up[j], down[j] = min(theta[j] + d, high[j]), max(theta[j] - d, low[j])
        points += [up, down]
        h.append(up[j] - down[j])
    means = [r.mean(axis=0) for r in sim.runs(points)]
    return np.column_stack([(means[2 * j] - means[2 * j + 1]) / h[j] for j in range(len(theta))])


def profile(sim: Simulator, theta: np.ndarray, low, high, observed, weights, points: int) -> pd.DataFrame:
    """1-D loss profiles: each parameter moved across +/-20 % of its range, the others fixed."""
    if points < 2:
        return pd.DataFrame(columns=["parameter", "value", "loss"])
    grid, where = [], []
    for j, p in enumerate(sim.params):
        for v in np.linspace(max(low[j], theta[j] - 0.2 * (high[j] - low[j])), min(high[j], theta[j] + 0.2 * (high[j] - low[j])), points):
            t = theta.copy()
            t[j] = v
            grid.append(t)
            where.append((p.path, v))
    means = [r.mean(axis=0) for r in sim.runs(grid)]
    return pd.DataFrame([(path, v, float((m - observed) @ (weights * (m - observed)))) for (path, v), m in zip(where, means)],
                        columns=["parameter", "value", "loss"])
