"""``gig_accident_insurance``: accident-insurance subsidy for flexible workers (意外伤害保险补贴), catalogue §2.10.

Clause: 002 §3 (flexible workers, or units, running a business through a new-form platform
get an accident-insurance subsidy of at most 100 yuan per person per year: 按照每人每年不高于
100元标准给予意外伤害保险补贴).

- eligibility: a flexible / gig worker: self-employed without a firm of their own (status
  SELF_EMPLOYED and ``employer < 0``; the model does not tell platform work from other sole
  trading), who applies (``take_up``); enrolment and renewal only in the window;
- behavioural channel: an insured gig worker gives up flexible work less often: their
  sole-trader exit hazard is multiplied by ``exit_multiplier`` (``self_employment_exit``) in
  the 12 months after each payment, after the window too (the cover was bought in it);
- payment: ``amount`` yuan per person at first enrolment and again each 12 months while the
  person is still a gig worker and the lever in force, from the employment subsidy fund; the
  ledger names the person insured (the money buys their cover);
- indicators: claims and recipients count persons, with the yuan paid and refused; entrants
  the persons insured for the first time.

The documents give the ceiling of the subsidy but no effect: the default multiplier 0.8
(insured gig workers give up a fifth less often) is a choice of this model.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

import numpy as np
from pydantic import Field

from ..columns import grown
from ..ledger import Fund, Recipient
from ..population import Status
from ..units import Share, param
from .base import AppliedLeverParams, Lever

NEVER = -(10**6)  # month index of a payment that never happened


class Params(AppliedLeverParams):
    amount: Annotated[float, Field(ge=0.0, le=100.0)] = param(100.0, unit="yuan", ref="002 §3: at most 100 yuan per person per year", neutral=0.0, description="yuan per person per year (at most 100 by 002 §3)")
    exit_multiplier: Share = param(0.8, unit="multiplier", ref="documented default: no number in the documents, a choice", description="multiplier on an insured gig worker's monthly exit hazard")


class GigAccidentInsurance(Lever):
    name, fund, Params = "gig_accident_insurance", Fund.EMPLOYMENT_SUBSIDY, Params
    title, catalogue, clauses = "accident-insurance subsidy for flexible workers (意外伤害保险补贴)", "2.10", ("002 §3",)
    lines: ClassVar = {"gig_accident_insurance": ("意外伤害保险补贴", "accident-insurance subsidy")}
    # deadweight horizon: 12 months, the year the premium paid covers: the lever acts by
    # lowering insured gig workers' exit hazard, so the outcome is still being in work a year on
    outcome_months = 12

    def __init__(self, model, params):
        super().__init__(model, params)
        self._paid_month = np.zeros(0, dtype=np.int64)  # per worker row: month of the last payment

    def _grow(self) -> None:
        self._paid_month = grown(self._paid_month, len(self.model.workers), NEVER)

    def gig_workers(self) -> np.ndarray:
        w = self.model.workers
        solo = self.model.rows_in(Status.SELF_EMPLOYED)
        return solo[w.employer[solo] < 0]

    def covered(self, rows: np.ndarray) -> np.ndarray:
        """Insured this month: paid in one of the 12 months before."""
        self._grow()
        since = self.model.month - self._paid_month[rows]
        return (since >= 1) & (since <= 12)

    def monthly(self) -> None:
        if not self.active():
            return
        m, w = self.model, self.model.workers
        self._grow()
        gig = self.gig_workers()
        due = gig[m.month - self._paid_month[gig] >= 12]  # never insured, or the year paid has run out
        due = due[self.takes_up(w.id[due])]
        paid = self.pay("gig_accident_insurance", self.p.amount, Recipient.WORKER, due, w.weight[due].astype(np.float64))
        first = due[paid & (self._paid_month[due] == NEVER)]
        self.admit(w.weight[first], workers=first)
        self._paid_month[due[paid]] = m.month

    def self_employment_exit(self, rows: np.ndarray) -> np.ndarray | float:
        if self.p.exit_multiplier == 1.0 or not len(self._paid_month):
            return 1.0
        return np.where(self.covered(rows), self.p.exit_multiplier, 1.0)
