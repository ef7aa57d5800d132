"""``job_seeking_subsidy``: one-off job-seeking subsidy for graduates from poor families (求职创业补贴), catalogue §2.9.

Clauses: 001 (十七) (for graduates in difficulty the one-off job-seeking and start-up subsidy
rises from 800 to 1,500 yuan; paid from the employment subsidy fund), 004 §16 (800 yuan to
graduates of the graduation year whose parents or who themselves receive the minimum living
guarantee, from poverty-registered families, disabled, or holding a student loan).

- eligibility: school leavers of the graduation year (``graduation_year`` equal to the
  current year) with an ``education`` level in the list (default college and university,
  高校毕业生), in one of the ``groups`` (:mod:`lmsim.groups`; default poverty-registered or
  low-income families; ``disabled`` may be added, per 004 §16), who are looking for work
  (unemployed; with ``require_registration``, also registered at the public employment
  service), and apply
  (``take_up``). The claim is made in the first month of the window such a graduate is
  looking for work: for school leavers that is the graduation season, from July. One claim
  a person; a claim refused for want of budget is not made again;
- behavioural channel: the money pays for the search (travel, interviews): a recipient's
  search effectiveness is multiplied by ``1 + search_boost`` while unemployed in the
  ``boost_months`` months after the payment (default 0.2 for 6 months: an assumption, no
  document gives a number);
- payment: ``amount`` once to the worker, from the employment subsidy fund;
- indicators: claims, recipients, yuan paid and refused, entrants (recipients).
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args

import numpy as np

from .. import groups
from ..calendar import year_of
from ..columns import grown
from ..groups import group_list
from ..ledger import Fund, Recipient
from ..population import EDUCATION, Status
from ..units import Yuan, param
from .base import AppliedLeverParams, Lever

Level = Literal["primary", "junior", "senior", "vocational", "college", "university"]


class Params(AppliedLeverParams):
    amount: Yuan = param(1500.0, unit="yuan", ref="001 (十七): 800 raised to 1,500; 004 §16: 800", neutral=0.0, description="one-off yuan a graduate")
    education: list[Level] = param(default_factory=lambda: ["college", "university"], unit="list of " + ", ".join(get_args(Level)), ref="001 (十七): graduates of higher education (高校毕业生)", description="education levels of the graduates who qualify (高校毕业生)")
    groups: group_list("poverty_registered", "low_income", "disabled") = param(  # type: ignore[valid-type]
        default_factory=lambda: ["poverty_registered", "low_income"],
        unit="list of poverty_registered, low_income, disabled", ref="004 §16 (adds disabled)",
        min_length=1,
        description="family circumstances that qualify, any of them",
    )
    require_registration: bool = param(False, unit="yes/no", ref="a choice of the scenario", description="only graduates registered at the public employment service claim")
    search_boost: float = param(0.2, unit="share", ref="documented default: an assumption, no document gives a number", ge=0.0, le=5.0, description="extra search effectiveness of a recipient while unemployed, share (default 0.2)")
    boost_months: int = param(6, unit="months", ref="documented default: an assumption", ge=0, le=36, description="months after the payment the boost lasts (default 6)")


class JobSeekingSubsidy(Lever):
    name, fund, Params = "job_seeking_subsidy", Fund.EMPLOYMENT_SUBSIDY, Params
    title, catalogue, clauses = "one-off job-seeking subsidy for graduates from poor families (求职创业补贴)", "2.9", ("001 (十七)", "004 §16")
    lines: ClassVar = {"job_seeking_subsidy": ("困难毕业生求职创业补贴", "job-seeking subsidy for graduates in difficulty")}
    # deadweight horizon: 6 months, as pes_services: a one-off grant to help a graduate's job
    # search is job-search assistance, judged in the short term
    outcome_months = 6

    def __init__(self, model, params):
        super().__init__(model, params)
        self.levels = np.isin(EDUCATION, params.education)  # by education code
        self.claimed = np.zeros(len(model.workers), dtype=bool)
        self.paid_month = np.full(len(model.workers), -1, dtype=np.int32)  # month of the payment, -1 none

    def _sized(self) -> None:
        n = len(self.model.workers)
        self.claimed, self.paid_month = grown(self.claimed, n, False), grown(self.paid_month, n, -1)

    def eligible(self, rows: np.ndarray) -> np.ndarray:
        w = self.model.workers
        poor = groups.in_any(self.model, self.p.groups, rows)
        ok = (w.status[rows] == Status.UNEMPLOYED) & (w.graduation_year[rows] == year_of(self.model.month))
        ok &= self.levels[w.education[rows]] & poor & ~self.claimed[rows]
        if self.p.require_registration:
            ok &= w.registered[rows]
        return ok

    def monthly(self) -> None:
        m, w = self.model, self.model.workers
        self._sized()
        if not self.active():
            return
        rows = m.rows_in(Status.UNEMPLOYED)
        rows = rows[self.eligible(rows)]
        rows = rows[self.takes_up(w.id[rows])]
        if len(rows) == 0:
            return
        weight = w.weight[rows].astype(np.float64)
        paid = self.pay("job_seeking_subsidy", self.p.amount, Recipient.WORKER, rows, weight)
        self.claimed[rows] = True
        self.paid_month[rows[paid]] = m.month
        self.admit(weight[paid], workers=rows[paid])

    def search_effort(self, seekers: np.ndarray) -> np.ndarray | float:
        if self.p.search_boost == 0:
            return 1.0
        self._sized()
        since = self.model.month - self.paid_month[seekers]
        boosted = (self.paid_month[seekers] >= 0) & (since >= 1) & (since <= self.p.boost_months)
        return np.where(boosted, 1.0 + self.p.search_boost, 1.0)
