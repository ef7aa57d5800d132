"""``graduate_retention_bonus``: employment bonus for graduates who stay in local work (留潭就业补贴), catalogue §2.9.

Clause: 001 (十七) (graduates working in Xiangtan for a full year get 3,000 to 6,000 yuan by
degree, and the same again after 2 years of stable work; paid from the employment subsidy
fund; the city aims at 7,000 new graduates in local work a year, T-grads-local).

- eligibility: graduates with an education level listed in ``amounts`` (default college
  3,000 yuan, university 6,000 yuan: the clause's range by degree, the split is a documented
  default) who left school in the window's years or the ``graduated_within`` years before,
  who apply (``take_up``), after 12 consecutive months in work in the region (wage work or
  own business; a spell out of work starts the count again; months at work before the
  lever's first month count from the job's start). The first bonus is claimed in the month
  the 12th month is reached, inside the window; with ``second_payment`` the same amount
  again when 24 consecutive months are reached, also after the window closes for those who
  were paid the first (a commitment). One claim of each; a claim refused for want of budget is
  not made again;
- behavioural channel: the prospect of the bonus keeps graduates in local work from moving
  away: their out-migration hazard is multiplied by ``stay_effect`` while a bonus is still
  ahead of them (the first one if the 12th month falls inside the window, or the second);
  default 0.7, an assumption (no document gives a number);
- payment: the amount for the graduate's level, once or twice, to the worker, from the
  employment subsidy fund;
- indicators: claims, recipients, yuan paid and refused, entrants (graduates paid a first bonus).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import field_validator

from ..calendar import year_of
from ..columns import grown
from ..ledger import Fund, Recipient
from ..population import EDUCATION, Status
from ..units import Share, Yuan, param
from .base import AppliedLeverParams, Lever

FIRST, SECOND = 12, 24  # consecutive months in work before the first and the second bonus


class Params(AppliedLeverParams):
    amounts: dict[str, Yuan] = param(default_factory=lambda: {"college": 3000.0, "university": 6000.0}, unit="table yuan", ref="001 (十七): 3,000-6,000 by degree; the split is a documented default", neutral={}, description="yuan of each bonus by education level; levels left out do not qualify")
    second_payment: bool = param(True, unit="yes/no", ref="001 (十七)", description="pay the amount again after 2 years of stable work (001 (十七))")
    graduated_within: int = param(2, unit="years", ref="documented default: graduates of the two years before the window", ge=0, le=10, description="years before the window's first year a graduate may have left school")
    stay_effect: Share = param(0.7, unit="multiplier", ref="documented default: an assumption, no document gives a number", description="multiplier on the out-migration hazard of graduates with a bonus ahead (default 0.7)")

    @field_validator("amounts")
    @classmethod
    def _levels(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = set(value) - set(EDUCATION)
        if unknown:
            raise ValueError(f"unknown education level(s) {sorted(unknown)}; allowed: {', '.join(EDUCATION)}")
        return value


class GraduateRetentionBonus(Lever):
    name, fund, Params = "graduate_retention_bonus", Fund.EMPLOYMENT_SUBSIDY, Params
    title, catalogue, clauses = "employment bonus for graduates who stay in local work (留潭就业补贴)", "2.9", ("001 (十七)",)
    lines: ClassVar = {"graduate_retention_bonus": ("留潭就业补贴", "graduate retention bonus")}
    # deadweight horizon: 12 months, from the first bonus (after 12 months in work) to the second
    # (after 24): the lever pays for staying in local work, so the outcome is still being in work
    outcome_months = 12

    def __init__(self, model, params):
        super().__init__(model, params)
        self.amount = np.array([params.amounts.get(level, 0.0) for level in EDUCATION])  # by education code
        self.first_cohort = year_of(self.start) - params.graduated_within
        self.last_cohort = year_of(self.end)
        n = len(model.workers)
        self.tenure = np.full(n, -1, dtype=np.int16)  # consecutive months in work, -1 not yet counted
        self.claimed = np.zeros((2, n), dtype=bool)  # first and second bonus claimed
        self.paid = np.zeros((2, n), dtype=bool)  # and paid

    def _sized(self) -> None:
        n = len(self.model.workers)
        if len(self.tenure) < n:
            self.tenure = grown(self.tenure, n, -1)
            more = np.zeros((2, n - self.claimed.shape[1]), dtype=bool)
            self.claimed = np.concatenate([self.claimed, more], axis=1)
            self.paid = np.concatenate([self.paid, more], axis=1)

    def graduates(self, rows: np.ndarray) -> np.ndarray:
        """Graduates of the lever's cohorts with a level that earns a bonus."""
        w = self.model.workers
        cohort = (w.graduation_year[rows] >= self.first_cohort) & (w.graduation_year[rows] <= self.last_cohort)
        return cohort & (self.amount[w.education[rows]] > 0)

    def months_before(self, rows: np.ndarray) -> np.ndarray:
        """Consecutive months in work before this one; at the first count, the months already
        served in the current job (from its start; none for an own business)."""
        m, w = self.model, self.model.workers
        tenure = self.tenure[rows].astype(np.int32)
        served = np.where(w.status[rows] == Status.EMPLOYED, np.maximum(m.month - w.job_start[rows], 0), 0)
        return np.where(tenure < 0, served, tenure)

    def monthly(self) -> None:
        w = self.model.workers
        self._sized()
        rows = np.flatnonzero(self.graduates(np.arange(len(w))))
        working = np.isin(w.status[rows], (Status.EMPLOYED, Status.SELF_EMPLOYED))
        tenure = np.where(working, self.months_before(rows) + 1, 0)
        self.tenure[rows] = np.minimum(tenure, SECOND)
        rows, tenure = rows[working], tenure[working]
        first = (tenure >= FIRST) & ~self.claimed[0, rows] & self.active()
        second = (tenure >= SECOND) & self.paid[0, rows] & ~self.claimed[1, rows] & self.p.second_payment
        for k, due in enumerate((first, second)):  # the two bonuses
            claim = rows[due]
            claim = claim[self.takes_up(w.id[claim])]
            if len(claim) == 0:
                continue
            weight = w.weight[claim].astype(np.float64)
            paid = self.pay("graduate_retention_bonus", self.amount[w.education[claim]], Recipient.WORKER, claim, weight)
            self.claimed[k, claim] = True
            self.paid[k, claim[paid]] = True
            if k == 0:
                self.admit(weight[paid], workers=claim[paid])

    def leave_propensity(self, rows: np.ndarray) -> np.ndarray | float:
        if self.p.stay_effect == 1.0:
            return 1.0
        m, w = self.model, self.model.workers
        self._sized()
        working = np.isin(w.status[rows], (Status.EMPLOYED, Status.SELF_EMPLOYED))
        to_go = np.maximum(FIRST - 1 - self.months_before(rows), 0)  # months after this one to the 12th
        first_ahead = ~self.claimed[0, rows] & self.active() & (m.month + to_go <= self.end)
        second_ahead = self.paid[0, rows] & ~self.claimed[1, rows] & self.p.second_payment
        ahead = working & self.graduates(rows) & (first_ahead | second_ahead) & self.takes_up(w.id[rows])
        return np.where(ahead, self.p.stay_effect, 1.0)
