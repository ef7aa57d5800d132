"""Demography: ageing and retirement, school leavers each July, migration in and out.

Retirement of people in work is natural attrition (自然减员), which the official count of new
urban jobs nets out. Each July the students whose graduation year has come enter the labour
market, and a new cohort of 16-year-olds enters the working-age population: those whose
schooling ends at 16 look for work at once, the rest stay in school until their leaving age.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import kernels, rng
from .calendar import month_of, year_of
from .population import SCHOOL_LEAVING_AGE, Status, draw_traits, typical_wage
from .rng import Purpose

if TYPE_CHECKING:
    from .market import Market

RETIREMENT_HARD_LIMIT = 65


def age_and_retire(model: Market) -> None:
    """Residents grow a month older; those reaching their retirement age (students at the hard
    limit) retire."""
    w, demo = model.workers, model.scenario.demography
    retiring = kernels.age_residents(w.status, w.age_months, w.female, int(Status.RETIRED), int(Status.STUDENT),
                                     12.0 * min(demo.retirement_age_female, RETIREMENT_HARD_LIMIT),
                                     12.0 * min(demo.retirement_age_male, RETIREMENT_HARD_LIMIT), 12.0 * RETIREMENT_HARD_LIMIT)
    model.end_participation(retiring, Status.RETIRED, "retirements")


def migrate(model: Market) -> None:
    w, demo = model.workers, model.scenario.demography
    resident = np.flatnonzero(w.status < Status.RETIRED)
    hazard = demo.out_migration_rate * model.policies.leave_propensity(resident)
    leaving = resident[rng.bernoulli(model.seed, w.id[resident], model.month, Purpose.MIGRATION_OUT, hazard)]
    model.end_participation(leaving, Status.DEPARTED, "out_migrants")
    k = rng.poisson_count(model.seed, 0, model.month, Purpose.MIGRATION_IN, demo.in_migration_rate * len(resident))
    rows = _newcomers(model, k, Purpose.MIGRATION_IN)
    if len(rows):
        u = rng.uniform(model.seed, w.id[rows], model.month, Purpose.MIGRATION_IN, 1)
        w.age_months[rows] = (12 * (20 + 25 * u)).astype(np.int16)
        w.local[rows] = False
        model.set_status(rows, Status.UNEMPLOYED)
        w.last_wage[rows] = typical_wage(w, rows, model.scenario.region)
        model.count("in_migrants", w.weight[rows].sum())


def graduation_season(model: Market) -> None:
    """July: students of this year's graduation enter the market; a new cohort turns 16."""
    if month_of(model.month) != 7:
        return
    w, year = model.workers, year_of(model.month)
    leaving = np.flatnonzero((w.status == Status.STUDENT) & (w.graduation_year <= year))
    _enter_market(model, leaving, year)
    k = int(round(model.scenario.demography.cohort_share * np.count_nonzero(w.status < Status.RETIRED)))
    cohort = _newcomers(model, k, Purpose.COHORT)
    w.age_months[cohort] = 16 * 12
    leave_at = SCHOOL_LEAVING_AGE[w.education[cohort]]
    w.graduation_year[cohort] = year + np.maximum(leave_at - 16, 0)
    model.set_status(cohort, Status.STUDENT)
    _enter_market(model, cohort[leave_at <= 16], year)


def _enter_market(model: Market, rows: np.ndarray, year: int) -> None:
    w = model.workers
    model.set_status(rows, Status.UNEMPLOYED)
    w.graduation_year[rows] = year
    w.unemployed_months[rows] = 0
    w.last_wage[rows] = typical_wage(w, rows, model.scenario.region)
    model.count("school_leavers", w.weight[rows].sum())


def _newcomers(model: Market, k: int, purpose: Purpose) -> np.ndarray:
    """Add ``k`` new residents with drawn traits and households of their own."""
    w = model.workers
    rows = w.allocate(k)
    if k == 0:
        return rows
    w.id[rows] = model.next_worker_id + np.arange(k)
    model.next_worker_id += k
    w.weight[rows] = model.scenario.population.weight
    draw_traits(w, rows, model.scenario.region, model.seed, model.month, purpose)
    w.household[rows] = model.next_household + np.arange(k)
    model.next_household += k
    return rows
