"""``minimum_living_guarantee``: the minimum living guarantee (最低生活保障, 低保), catalogue §2.10.

Clauses: 003 (九) (when the income of a household on the guarantee is assessed, necessary
costs of working are deducted: 扣减必要的就业成本; after the income per member passes the local
standard the household gets a gradual exit period: 渐退期), 004 §17 (the same deduction, to
strengthen the will to work), 001 (九) and 002 §11 (people in difficulty are brought into the
guarantee; employment costs deducted at the review of household income).

- eligibility: a household (``workers.household``) whose counted income per member is below
  ``threshold``; members are its working-age residents (status below RETIRED), income is the
  earnings of members in work, counted net of ``earnings_disregard`` (wages; for the
  self-employed, who have no wage in the model, their last wage), plus the UI benefit of
  members still entitled to it (counted in full); the household applies
  (``take_up``, drawn per household id). New households are admitted only in the window; an
  enrolled household keeps the guarantee while it qualifies, after the window too;
- behavioural channel: an unemployed member of a household receiving a top-up would lose part
  of it by working: ``min(top-up, (1 - earnings_disregard) x last wage)``, weighted like UI
  benefit (``behaviour.benefit_reservation_weight`` yuan per yuan), is added to the member's
  reservation wage (``reservation_shift``). A larger disregard weakens the disincentive. A
  household in its exit period keeps its payment whatever its members earn, so it adds nothing;
- payment: each month the gap ``threshold x members - counted income`` to the household (the
  ledger names its first resident member), from the minimum living guarantee fund; when the income
  passes the threshold, the last top-up continues for ``exit_period`` months, then the
  household leaves the guarantee;
- indicators: claims and recipients count households, with the yuan paid and refused;
  entrants the households newly enrolled.

Fund: the guarantee is paid by civil-affairs budgets (民政), not from the employment subsidy
fund: lmsim keeps that money as a fund of its own, ``minimum_living_fund`` (《社会救助暂行办法》,
国务院令第649号, 第二章 最低生活保障).
The documents set no standard, disregard or exit period: the defaults are 800 yuan per
person a month (the order of prefecture cities' urban standards in 2019-2023), a 20 %
disregard of earnings, and a 6-month exit period (choices of this model; 6 months is a common
length of the exit period in national and provincial rules).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..columns import grown
from ..ledger import Fund, Recipient
from ..population import Status
from ..units import Share, Yuan, param
from .base import AppliedLeverParams, Lever


class Params(AppliedLeverParams):
    threshold: Yuan = param(800.0, unit="yuan", neutral=0.0, ref="documented default: the order of prefecture cities' urban standards in 2019-2023; no number in the documents", description="guarantee standard, yuan per person per month")
    earnings_disregard: Share = param(0.2, unit="share", ref="003 (九), 004 §17 (necessary costs of working deducted); documented default: 20 %", description="share of members' wages not counted as household income")
    exit_period: int = param(6, unit="months", ref="003 (九) (渐退期); documented default: a common length in national and provincial rules", ge=0, le=24, description="months the last top-up continues after income passes the threshold")


class MinimumLivingGuarantee(Lever):
    name, fund, Params = "minimum_living_guarantee", Fund.MINIMUM_LIVING, Params
    title, catalogue, clauses = "the minimum living guarantee (最低生活保障, 低保)", "2.10", ("003 (九)", "004 §17", "001 (九)", "002 §11")
    lines: ClassVar = {"minimum_living_guarantee": ("最低生活保障金", "minimum living guarantee payments")}
    # deadweight horizon: the household head in work 12 months after enrolment (a choice: income
    # support has no placement horizon of its own; a year, as for training)
    outcome_months = 12

    def __init__(self, model, params):
        super().__init__(model, params)
        self._enrolled = np.zeros(0, dtype=bool)  # per household id
        self._top_up = np.zeros(0)  # yuan a month the household is entitled to
        self._exit_left = np.zeros(0, dtype=np.int64)  # months of exit period left
        self._receiving = np.zeros(0, dtype=bool)  # paid a live gap this month (below the threshold)

    def _grow(self, size: int) -> None:
        self._enrolled, self._receiving = grown(self._enrolled, size, False), grown(self._receiving, size, False)
        self._top_up, self._exit_left = grown(self._top_up, size, 0.0), grown(self._exit_left, size, 0)

    def household_gap(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per household id: members, counted income, and the gap to the standard (yuan a month)."""
        m, w = self.model, self.model.workers
        resident = np.flatnonzero(w.status < Status.RETIRED)
        households = w.household[resident]
        size = max(m.next_household, int(households.max()) + 1 if len(households) else 0)
        status = w.status[resident]
        earnings = np.where(status == Status.SELF_EMPLOYED, w.last_wage[resident], w.wage[resident]).astype(np.float64)
        members = np.bincount(households, minlength=size)
        counted = (1 - self.p.earnings_disregard) * np.bincount(households, weights=earnings, minlength=size)
        on_benefit = (status == Status.UNEMPLOYED) & (w.benefit_months_left[resident] > 0)
        if on_benefit.any():
            counted += m.ui_fund.benefit_amount() * np.bincount(households[on_benefit], minlength=size)
        return members, counted, self.p.threshold * members - counted

    def monthly(self) -> None:
        w = self.model.workers
        if self.p.threshold == 0 and not self._enrolled.any():
            return
        members, _, gap = self.household_gap()
        self._grow(len(members))
        n = len(members)
        enrolled, top_up, exit_left = self._enrolled[:n], self._top_up[:n], self._exit_left[:n]
        below = (members > 0) & (gap > 0)
        applying = np.flatnonzero(below & ~enrolled) if self.active() else np.empty(0, dtype=np.int64)
        applying = applying[self.takes_up(applying)]
        staying = enrolled & below
        exiting = enrolled & ~below & (members > 0) & (exit_left > 0)
        # households that pass the threshold (or are left without members) after their exit period leave
        leaving = enrolled & ~staying & ~exiting
        enrolled[leaving], top_up[leaving], exit_left[leaving] = False, 0.0, 0

        live = np.concatenate([np.flatnonzero(staying), applying])
        top_up[live] = gap[live]
        exit_left[live] = self.p.exit_period
        due = np.concatenate([live, np.flatnonzero(exiting)])
        exit_left[exiting] -= 1
        self._receiving[:] = False
        if len(due) == 0:
            return

        # the first resident member of each household receives the payment
        paying = np.zeros(n, dtype=bool)
        paying[due] = True
        resident = np.flatnonzero(w.status < Status.RETIRED)
        resident = resident[paying[w.household[resident]]]
        households, first = np.unique(w.household[resident], return_index=True)
        head = resident[first]
        paid = self.pay("minimum_living_guarantee", top_up[households], Recipient.WORKER, head, w.weight[head].astype(np.float64))
        new_heads = head[paid & ~enrolled[households]]  # the newly enrolled households' heads
        self.admit(w.weight[new_heads], workers=new_heads)
        enrolled[households[paid]] = True
        self._receiving[households[paid]] = below[households[paid]]

    def reservation_shift(self, seekers: np.ndarray) -> np.ndarray | float:
        if not self._receiving.any():
            return 0.0
        m, w = self.model, self.model.workers
        households = w.household[seekers]
        known = households < len(self._receiving)
        receiving = np.zeros(len(seekers), dtype=bool)
        receiving[known] = self._receiving[households[known]]
        top_up = np.where(receiving, self._top_up[np.where(known, households, 0)], 0.0)
        lost = np.minimum(top_up, (1 - self.p.earnings_disregard) * w.last_wage[seekers])
        return m.scenario.behaviour.benefit_reservation_weight * lost
