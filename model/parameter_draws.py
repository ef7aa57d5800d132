"""Parameter uncertainty: replication k of a scenario with a ``[fit]`` runs at parameters drawn
from the fit's sampling distribution, so bands carry what is not known about behaviour as well
as the randomness of one parameter set.

The draw for replication k is theta_k = estimate + se * (L z_k), L the Cholesky factor of the
fit's correlation matrix and z_k standard normals keyed by (master seed, parameter number,
replication, :attr:`Purpose.PARAMETER_DRAW`): every scenario of a compare that shares the fit
draws the same theta_k in replication k (common random numbers hold across parameter draws
too), and the same command gives the same draws. A scenario's value is shifted by
theta_k - estimate rather than replaced, so a package that sets a fitted field to a value of
its own keeps its difference from the baseline; the result is kept inside the fit's bounds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .rng import Purpose, normal
from .scenario import Fit, Scenario, _field_at, set_path, validate_scenario


def deviations(fit: Fit, seed: int, replication: int) -> np.ndarray:
    """theta_k - estimate for replication ``replication``: one value per fitted parameter."""
    n = len(fit.parameters)
    z = normal(seed, np.arange(n), replication, Purpose.PARAMETER_DRAW)
    correlation = np.eye(n) if fit.correlation is None else np.asarray(fit.correlation, dtype=float)
    # a semi-definite matrix (perfectly correlated estimates) has no Cholesky factor: the
    # symmetric square root serves the same purpose
    values, vectors = np.linalg.eigh(correlation)
    root = vectors @ np.diag(np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
    return np.array([p.se for p in fit.parameters]) * (root @ z)


def drawn(scenario: Scenario, seed: int, replication: int) -> Scenario:
    """``scenario`` with its fitted parameters drawn for ``replication`` (itself without a fit)."""
    if scenario.fit is None:
        return scenario
    data = scenario.model_dump(mode="json", exclude_unset=False)
    for p, shift in zip(scenario.fit.parameters, deviations(scenario.fit, seed, replication)):
        value = float(np.clip(float(_field_at(scenario, p.path)) + shift, p.low, p.high))
        set_path(data, p.path, value)
    return validate_scenario(data, scenario.path)  # the dump is a fresh dict: set_path may change it


def parameters_table(scenarios: dict[str, Scenario]) -> pd.DataFrame:
    """The fitted parameters each scenario draws: scenario, path, estimate, standard error,
    bounds, and the fit's targets file and date."""
    return pd.DataFrame([{"scenario": label, "parameter": p.path, "estimate": p.estimate, "se": p.se, "low": p.low,
                          "high": p.high, "targets": s.fit.targets, "fitted": s.fit.date}
                         for label, s in scenarios.items() if s.fit is not None for p in s.fit.parameters])


def widening(drawn: pd.DataFrame, fixed: pd.DataFrame, keys: list[str], value: str, low: str, high: str) -> pd.DataFrame:
    """Per row of ``keys``: the figure and its 90 % band with the parameters drawn and with them
    fixed, and the share of the drawn band's width the parameters account for (1 - fixed width /
    drawn width; negative when the fixed band happens to be the wider one)."""
    both = drawn[[*keys, value, low, high]].merge(fixed[[*keys, value, low, high]], on=keys, suffixes=("", "_fixed"))
    width, width_fixed = both[high] - both[low], both[f"{high}_fixed"] - both[f"{low}_fixed"]
    both = both.rename(columns={value: "value", low: "low", high: "high", f"{value}_fixed": "value_fixed",
                                f"{low}_fixed": "low_fixed", f"{high}_fixed": "high_fixed"})
    return both.assign(width=width, width_fixed=width_fixed, share_from_parameters=1 - width_fixed / width.where(width > 0))
