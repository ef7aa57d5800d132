"""``apprenticeship_subsidy``: new-style enterprise apprenticeship (企业新型学徒制), catalogue §2.7.

Clause: 001 (十五): from 2019-01-01 to 2020-12-31, firms that train new hires as apprentices
(招工即招生、入企即入校、企校双师联合培养) get a vocational-training subsidy of no less than
4,000 yuan per apprentice per year (每人每年不低于4000元), from the employment subsidy fund.
000 §三(三)2 adds a subsidy line for enterprise apprenticeship training.

- eligibility: a worker hired inside the window who is young (16-24) or a recent graduate
  (:func:`lmsim.groups.recent_graduates`: left school this calendar year or the
  ``graduate_years`` before), by a firm that runs
  apprenticeships (``take_up``, a fixed propensity per firm); the apprenticeship lasts
  ``duration_months`` and ends early when the apprentice leaves that job (quit, layoff,
  closure, retirement, moving away; a rehire is a new job);
- behavioural channel: a participating firm expects the subsidy on a marginal hire with the
  chance that the hire is an eligible young person, taken as the (weighted) share of
  eligible people among this month's job seekers: ``cost_relief`` = ``amount_per_year`` / 12 x
  that share, which raises its target staff through the labour-demand elasticity;
- payment: monthly pro rata, ``amount_per_year`` / 12 for each month of the apprenticeship,
  from the first month the job counts (the month after the hire), to the firm (its cash),
  from the employment subsidy fund; apprenticeships admitted inside the window are paid to
  their end. Each entry is one apprentice-month (recipient: the firm);
- indicators: claims (apprentice-months claimed), recipients, yuan paid, refused; entrants:
  apprentices taken on.

Documented defaults where the document gives no number: 4,000 yuan a year (the floor);
apprenticeships of 12 months (national practice is 1-2 years); graduates within 2 years of
leaving school; every firm participates (``take_up`` 1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from .. import groups
from ..ledger import Fund, Recipient
from ..population import Status
from ..units import Yuan, param
from .base import AppliedLeverParams, Lever

if TYPE_CHECKING:
    from ..market import Market


class Params(AppliedLeverParams):
    amount_per_year: Yuan = param(4000.0, unit="yuan a year", ref="001 (十五): at least 4,000", neutral=0.0, description="yuan per apprentice per year, paid monthly pro rata")
    duration_months: int = param(12, unit="months", ref="documented default: national practice is 1-2 years", ge=1, le=48, description="months an apprenticeship lasts")
    max_age: int = param(24, unit="years", ref="001 (十五): young hires, 16-24", ge=16, le=60, description="oldest age (years) of an eligible young hire (16-24)")
    graduate_years: int = param(2, unit="years", ref="documented default: 2", ge=0, le=10, description="recent graduates: left school this year or this many years before")


class ApprenticeshipSubsidy(Lever):
    name, fund, Params = "apprenticeship_subsidy", Fund.EMPLOYMENT_SUBSIDY, Params
    title, catalogue, clauses = "new-style enterprise apprenticeship (企业新型学徒制)", "2.7", ("001 (十五)", "000 §三(三)2")
    lines: ClassVar = {"apprenticeship_subsidy": ("企业新型学徒制培训补贴", "apprenticeship training subsidy")}
    enters_work = True

    def __init__(self, model: Market, params: Params):
        super().__init__(model, params)
        self.rows = np.empty(0, dtype=np.int64)  # apprentices (worker rows)
        self.firm = np.empty(0, dtype=np.int64)  # their firm (row)
        self.job = np.empty(0, dtype=np.int32)  # the job_start of the apprenticeship's job
        self.left = np.empty(0, dtype=np.int32)  # months still to pay

    @property
    def monthly_amount(self) -> float:
        return self.p.amount_per_year / 12

    # --- eligibility ------------------------------------------------------------------------

    def young(self, rows: np.ndarray) -> np.ndarray:
        graduate = groups.recent_graduates(self.model, rows, self.p.graduate_years)
        return (self.model.workers.age_months[rows] < (self.p.max_age + 1) * 12) | graduate

    def participates(self, firm_rows: np.ndarray) -> np.ndarray:
        return self.takes_up(self.model.firms.id[firm_rows])

    # --- behavioural channel ----------------------------------------------------------------

    def cost_relief(self) -> np.ndarray | float:
        m, f, w = self.model, self.model.firms, self.model.workers
        if not self.active() or self.monthly_amount == 0:
            return 0.0
        seekers = m.rows_in(Status.UNEMPLOYED)
        weight = w.weight[seekers].astype(np.float64)
        if weight.sum() == 0:
            return 0.0
        chance = float(weight[self.young(seekers)].sum() / weight.sum())
        return np.where(f.alive & self.participates(np.arange(len(f))), self.monthly_amount * chance, 0.0)

    def hired(self, rows: np.ndarray, employer: np.ndarray) -> None:
        if not self.active() or self.monthly_amount == 0 or len(rows) == 0:
            return
        take = self.young(rows) & self.participates(employer)
        self.admit(self.model.workers.weight[rows[take]], workers=rows[take])
        self.rows = np.concatenate([self.rows, rows[take]])
        self.firm = np.concatenate([self.firm, employer[take]])
        self.job = np.concatenate([self.job, self.model.workers.job_start[rows[take]]])
        self.left = np.concatenate([self.left, np.full(int(take.sum()), self.p.duration_months, dtype=np.int32)])

    # --- payment ----------------------------------------------------------------------------

    def monthly(self) -> None:
        m, w = self.model, self.model.workers
        if len(self.rows) == 0:
            return
        # the same job still: a quit and a rehire by the same firm is a new job (and apprenticeship)
        stays = (w.status[self.rows] == Status.EMPLOYED) & (w.employer[self.rows] == self.firm)
        stays &= w.job_start[self.rows] == self.job
        self._keep(stays)
        due = self.job <= m.month  # from the first month the job counts
        rows, firm = self.rows[due], self.firm[due]
        self.pay("apprenticeship_subsidy", self.monthly_amount, Recipient.FIRM, firm, w.weight[rows].astype(np.float64))
        self.left[due] -= 1
        self._keep(self.left > 0)

    def _keep(self, mask: np.ndarray) -> None:
        self.rows, self.firm, self.job, self.left = self.rows[mask], self.firm[mask], self.job[mask], self.left[mask]
