"""``rural_graduate_allowance``: living allowance for graduates working in rural areas (基层就业生活补贴), catalogue §2.9.

Clause: 004 §16 (graduates who go to rural areas to work in farm production, management or
services, or to start rural e-commerce businesses, get a living subsidy at the local minimum
wage for at most 3 years, and a social-insurance subsidy for the insurances they actually pay).

- eligibility: wage employees of an operating firm of a rural sector (``sectors``; default
  ``agriculture`` when the scenario has a sector of that name, otherwise no sector and the
  lever does nothing) with an ``education`` level in the list (default college and
  university, 高校毕业生), who apply (``take_up``). The first month is claimed inside the
  window by a graduate who left school this year or in the ``graduated_within`` years
  before; after that the allowance runs, also after the window closes, in every month the
  graduate works for a rural firm, up to ``max_months`` months paid in all. Rural start-ups
  (农村电商创业) are left out: the model does not tell a rural business from another;
- behavioural channel: a graduate offered a job by a rural firm weighs the monthly allowance
  on top of the offered wage against the reservation wage (``offer_top_up``), so more
  graduates accept rural jobs;
- payment: ``share_of_minimum_wage`` of the region's minimum wage a month to the worker, plus
  with ``with_insurance`` the employee contributions the graduate pays (pension, medical and
  unemployment rates on the contribution base of the wage) when the job is insured; one
  entry a month from the employment subsidy fund;
- indicators: claims, recipients, yuan paid and refused, entrants (graduates paid for the
  first time).
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args

import numpy as np

from .. import groups
from ..columns import grown
from ..ledger import Fund, Recipient
from ..population import EDUCATION
from ..units import param
from .base import AppliedLeverParams, Lever

Level = Literal["primary", "junior", "senior", "vocational", "college", "university"]


class Params(AppliedLeverParams):
    sectors: list[str] | None = param(None, unit="list", ref="004 §16: farm production, management and services", description="names of the rural sectors; default ['agriculture'] if the scenario has it")
    share_of_minimum_wage: float = param(1.0, unit="share", ref="004 §16: the local minimum wage", neutral=0.0, ge=0.0, le=3.0, description="living allowance a month, share of the region's minimum wage (004 §16: 1.0)")
    max_months: int = param(36, unit="months", ref="004 §16: 3 years", ge=0, le=120, description="months of allowance at most")
    with_insurance: bool = param(True, unit="yes/no", ref="004 §16", neutral=False, description="also refund the employee social-insurance contributions of an insured job (004 §16)")
    education: list[Level] = param(default_factory=lambda: ["college", "university"], unit="list of " + ", ".join(get_args(Level)), ref="004 §16: graduates of higher education (高校毕业生)", description="education levels of the graduates who qualify (高校毕业生)")
    graduated_within: int = param(2, unit="years", ref="documented default: the graduates' usual 2 years after leaving school", ge=0, le=10, description="years after leaving school a graduate may take up a first rural job with the allowance")


class RuralGraduateAllowance(Lever):
    name, fund, Params = "rural_graduate_allowance", Fund.EMPLOYMENT_SUBSIDY, Params
    title, catalogue, clauses = "living allowance for graduates working in rural areas (基层就业生活补贴)", "2.9", ("004 §16",)
    lines: ClassVar = {"rural_graduate_allowance": ("基层就业生活补贴", "rural graduate living allowance")}
    enters_work = True

    def __init__(self, model, params):
        super().__init__(model, params)
        names = model.scenario.sector_names
        if params.sectors is None:
            chosen = [s for s in ("agriculture",) if s in names]
        else:
            unknown = set(params.sectors) - set(names)
            if unknown:
                raise ValueError(f"policies.{self.name}.sectors: unknown sector(s) {sorted(unknown)}; allowed: {names}")
            chosen = params.sectors
        self.rural = np.isin(names, chosen)  # by sector index
        self.levels = np.isin(EDUCATION, params.education)  # by education code
        self.months_paid = np.zeros(len(model.workers), dtype=np.int16)

    def allowance(self) -> float:
        return self.p.share_of_minimum_wage * self.model.scenario.region.minimum_wage

    def qualifies(self, rows: np.ndarray, firm: np.ndarray) -> np.ndarray:
        """Graduates who would be paid for a month of work at ``firm`` (rows of firms)."""
        m, w, f = self.model, self.model.workers, self.model.firms
        self.months_paid = grown(self.months_paid, len(w), 0)
        done = self.months_paid[rows]
        recent = groups.recent_graduates(m, rows, within=self.p.graduated_within)
        starts = (done == 0) & recent & self.active()
        ok = self.rural[f.sector[firm]] & f.alive[firm] & self.levels[w.education[rows]]
        ok &= (starts | (done > 0)) & (done < self.p.max_months)
        return ok & self.takes_up(w.id[rows])

    def monthly(self) -> None:
        m, w = self.model, self.model.workers
        if not self.rural.any():
            return
        rows = m.employee_rows()
        rows = rows[self.rural[m.firms.sector[w.employer[rows]]]]
        rows = rows[self.qualifies(rows, w.employer[rows])]
        if len(rows) == 0:
            return
        amount = np.full(len(rows), self.allowance())
        if self.p.with_insurance:
            rates = m.si_agency.rates(m.month)
            employee_rate = rates.pension_employee + rates.medical_employee + rates.ui_employee
            amount += w.insured[rows] * employee_rate * m.si_agency.contribution_base(w.wage[rows].astype(np.float64))
        weight = w.weight[rows].astype(np.float64)
        first = self.months_paid[rows] == 0
        paid = self.pay("rural_graduate_allowance", amount, Recipient.WORKER, rows, weight)
        self.months_paid[rows[paid]] += 1
        self.admit(weight[paid & first], workers=rows[paid & first])

    def offer_top_up(self, seekers: np.ndarray, employer: np.ndarray) -> np.ndarray | float:
        if not self.rural.any() or self.allowance() == 0:
            return 0.0
        return np.where(self.qualifies(seekers, employer), self.allowance(), 0.0)
