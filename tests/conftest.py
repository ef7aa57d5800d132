"""Shared builders: a scenario from a dict, and tiny hand-built populations."""

from __future__ import annotations

import numpy as np
import pytest

from lmsim.population import Firms, Status, Workers
from lmsim.scenario import validate_scenario
from lmsim.simulation import WorkPaths

QUIET = {
    # every behaviour off, so a hand-built population moves only as a test makes it
    "quit_rate": 0.0, "discouragement_rate": 0.0, "reentry_rate": 0.0, "startup_rate": 0.0,
    "startup_failure_by_year": [0.0], "self_employment_exit_rate": 0.0, "firm_demand_volatility": 0.0,
    "market_demand_volatility": 0.0, "firm_exit_rate": 0.0, "firm_entry_rate": 0.0, "demand_trend": 0.0,
    "registration_rate": 0.0, "registration_rate_other": 0.0, "matching_efficiency": 1e-9,
    "fixed_cost_share": 0.0, "labour_demand_elasticity": 0.0,
}


def make_scenario(months: int = 3, **sections):
    data = {
        "scenario": {"name": "hand-built", "start": "2019-01", "months": months},
        "region": {"average_wage": 6000.0, "minimum_wage": 1800.0,
                   "sectors": [{"name": "all", "employment_share": 1.0, "demand_volatility": 0.0}]},
        "behaviour": dict(QUIET),
        "demography": {"enabled": False},
    }
    for key, value in sections.items():
        data.setdefault(key, {}).update(value)
    return validate_scenario(data, "<test>")


def hand_built(wages: list[float], insured: list[bool], unemployed: int = 0) -> tuple[Workers, Firms]:
    """One firm employing a worker per wage, plus ``unemployed`` job seekers."""
    n = len(wages) + unemployed
    w = Workers(n)
    w.id[:] = np.arange(n)
    w.household[:] = np.arange(n)
    w.age_months[:] = 30 * 12
    w.status[:] = Status.UNEMPLOYED
    w.status[: len(wages)] = Status.EMPLOYED
    w.employer[: len(wages)] = 0
    w.wage[: len(wages)] = wages
    w.last_wage[:] = 5000.0
    w.insured[: len(wages)] = insured
    w.job_start[:] = 12 * 2019
    f = Firms(1)
    f.id[:] = 0
    f.wage[:] = 5000.0
    f.scale[:] = len(wages)
    f.unit_cost[:] = 5000.0
    f.productivity[:] = 1e6  # always profitable: never in arrears unless a test says so
    f.cash[:] = 1e7
    return w, f


def firms_with_staff(staff: list[int], wage: float = 5000.0, insures: list[bool] | None = None, unemployed: int = 0):
    """Firms with the given staff, each employee paid ``wage``, plus ``unemployed`` seekers.

    Firm ``k`` normally wants exactly its staff, so nothing moves unless a test changes that."""
    total = sum(staff) + unemployed
    w = Workers(total)
    w.id[:] = np.arange(total)
    w.household[:] = np.arange(total)
    w.age_months[:] = 30 * 12
    w.status[:] = Status.UNEMPLOYED
    w.last_wage[:] = wage
    w.job_start[:] = 12 * 2019
    employer = np.repeat(np.arange(len(staff)), staff)
    w.status[: len(employer)] = Status.EMPLOYED
    w.employer[: len(employer)] = employer
    w.wage[: len(employer)] = wage
    f = Firms(len(staff))
    f.id[:] = np.arange(len(staff))
    f.wage[:] = wage
    f.scale[:] = staff
    f.staff_year_start[:] = staff
    f.unit_cost[:] = wage
    f.productivity[:] = 1e6
    f.cash[:] = 1e7
    f.insures[:] = True if insures is None else insures
    w.insured[: len(employer)] = f.insures[employer]
    return w, f


@pytest.fixture
def small_overrides():
    """The small scenario made faster for tests that only need a few months."""
    return ["population.workers=8000", "population.firms=400", "scenario.months=12"]


def work_paths(in_work: list[list[int]], size: int = 8) -> WorkPaths:
    """Work paths of ``size`` people: month t has the ids in ``in_work[t]`` in work, the rest unemployed."""
    paths = WorkPaths()
    paths.size = size
    for ids in in_work:
        flags = np.zeros(size, dtype=bool)
        flags[ids] = True
        paths.in_work.append(np.packbits(flags))
        paths.unemployed.append(np.packbits(~flags))
    return paths
