"""``student_startup_grant``: one-off start-up grant to students and unemployed graduates
(在校及未就业学生 ... 正常经营3个月以上的,一次性给予2000元创业资助), catalogue §2.6.

Clause: 004 §14: students and unemployed graduates of universities, vocational and technical
schools who register a business in the region and operate it normally for 3 months or more
get 2,000 yuan once.

- eligibility: a founder who left school this year or in the ``within_years`` years before
  (``Workers.graduation_year``; 004 §14 gives no period: documented default 2, the national
  毕业年度及离校2年内) and applies (``take_up``). In the model only the unemployed start
  businesses, so students in school (Status.STUDENT) cannot claim. One grant per person: a
  founder whose business fails before it is paid may claim again for a later business;
- behavioural channel: a founder counts ``anticipated_share`` of the grant toward the capital
  he can raise (``startup_credit``). Documented choice, default 1: the grant is small and
  certain for a founder who keeps going, and is bridged by family; set 0 to make it a reward
  that changes no start-up decision;
- payment: the employment subsidy fund pays ``amount`` to the founder (Recipient.WORKER,
  line ``student_startup_grant``) ``months_operating`` months after the start-up, if the founder
  is still self-employed and the business has not failed in between;
- indicators: claims, recipients and yuan (kept by ``pay``); entrants: graduates who started a
  business under the scheme in the month (the grant follows 3 months later if they last).

Start-ups inside the window qualify; their grants are paid after it too.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..columns import grown
from ..groups import recent_graduates
from ..ledger import Fund, Recipient
from ..population import Separation, Status
from ..units import Share, Yuan, param
from .base import AppliedLeverParams, Lever


class Params(AppliedLeverParams):
    amount: Yuan = param(2000.0, unit="yuan", ref="004 §14: 2,000", neutral=0.0, description="one-off grant, yuan")
    months_operating: int = param(3, unit="months", ref="004 §14: 3", ge=0, le=36, description="months a business must operate before the grant is paid")
    within_years: int = param(2, unit="years", ref="004 §14 gives none: documented default 2, the national 毕业年度及离校2年内", ge=0, le=10, description="years after leaving school a graduate still qualifies")
    anticipated_share: Share = param(1.0, unit="share", ref="documented default 1", description="share of the grant a founder counts toward start-up capital")


class StudentStartupGrant(Lever):
    name, fund, Params = "student_startup_grant", Fund.EMPLOYMENT_SUBSIDY, Params
    title, catalogue, clauses = "one-off start-up grant to students and unemployed graduates (在校及未就业学生 ... 正常经营3个月以上的,一次性给予2000元创业资助)", "2.6", ("004 §14",)
    lines: ClassVar = {"student_startup_grant": ("一次性创业资助", "one-off start-up grant to students and graduates")}
    enters_work = True

    def __init__(self, model, params):
        super().__init__(model, params)
        self._claimed = np.zeros(0, dtype=bool)  # worker rows with a grant paid or awaited
        self.founder = np.empty(0, dtype=np.int64)  # grants awaited: founder row and start month
        self.opened = np.empty(0, dtype=np.int64)

    # --- eligibility ---------------------------------------------------------------------

    def eligible(self, rows: np.ndarray) -> np.ndarray:
        w = self.model.workers
        self._claimed = grown(self._claimed, len(w))
        graduates = recent_graduates(self.model, rows, self.p.within_years)
        return graduates & ~self._claimed[rows] & self.takes_up(w.id[rows])

    # --- behavioural channel -------------------------------------------------------------

    def startup_credit(self, rows: np.ndarray, need: np.ndarray) -> np.ndarray | float:
        counted = self.p.amount * self.p.anticipated_share
        if not self.active() or counted == 0 or len(rows) == 0:
            return 0.0
        return np.where(self.eligible(rows), counted, 0.0)

    def started(self, founders: np.ndarray, need: np.ndarray, credit: np.ndarray) -> None:
        if not self.active() or self.p.amount == 0 or len(founders) == 0:
            return
        new = founders[self.eligible(founders)]
        self._claimed[new] = True
        self.founder = np.concatenate([self.founder, new])
        self.opened = np.concatenate([self.opened, np.full(len(new), self.model.month)])
        self.admit(self.model.workers.weight[new], workers=new)

    def separated(self, rows: np.ndarray, reason: int) -> None:
        """A business that fails before the grant is due loses it."""
        if reason != Separation.BUSINESS_FAILURE or len(self.founder) == 0:
            return
        failed = np.isin(self.founder, rows)
        self._claimed[self.founder[failed]] = False
        self.founder, self.opened = self.founder[~failed], self.opened[~failed]

    # --- payment -------------------------------------------------------------------------

    def monthly(self) -> None:
        m, w = self.model, self.model.workers
        due = self.opened + self.p.months_operating <= m.month
        if not due.any():
            return
        rows = self.founder[due]
        operating = rows[w.status[rows] == Status.SELF_EMPLOYED]
        self.pay("student_startup_grant", self.p.amount, Recipient.WORKER, operating, w.weight[operating].astype(np.float64))
        self._claimed[rows[w.status[rows] != Status.SELF_EMPLOYED]] = False
        self.founder, self.opened = self.founder[~due], self.opened[~due]
