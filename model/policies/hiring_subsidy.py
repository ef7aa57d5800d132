"""``hiring_subsidy``: one-off post subsidy (一次性岗位补贴), catalogue §2.4.

Clause: 001 (九) (Xiangtan, 2019-01-01 to 2019-12-31: labour-intensive firms (劳动密集型企业)
and small, medium and micro firms (中小微企业) that take on registered unemployed people
(登记失业人员) in stable work for a year or more with social insurance get 1,000 yuan a person).

- eligibility: a job seeker registered at the public employment service when this month's
  matching began (a hire clears the registration), hired inside the window by an insuring firm
  that applies (``take_up``) and is labour-intensive (with ``labour_intensive``, the default) or
  of a size class in ``firm_sizes`` (micro, small, medium); the claim waits, tracked by the
  lever (worker, employer, first contribution month), until the worker has
  ``retention_months`` (12) of contributions in that job, and lapses if they leave it (or
  retire or move away) before;
- behavioural channel: :meth:`cost_relief` takes ``amount / retention_months`` times the
  weighted share of registered people among this month's job seekers off the monthly cost of a
  marginal hire for eligible firms that apply, while the lever admits new claims; labour demand
  rises through ``behaviour.labour_demand_elasticity``;
- payment: ``amount`` (1,000 yuan) per retained hire, from the employment subsidy fund
  to the firm (into its cash), in the month the retention is complete, or the
  first later month the firm has no contribution arrears while the worker is still there;
- indicators: claims (retained hires a month), recipients, yuan paid, refused for want of
  budget; entrants: eligible hires (claims opened).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np

from .. import groups
from ..ledger import Fund, Recipient
from ..population import SIZE_CLASSES, Status
from ..units import Yuan, param
from .base import AppliedLeverParams, Lever

if TYPE_CHECKING:
    from ..market import Market

Size = Literal["micro", "small", "medium", "large"]
_CLAIM = ("rows", "employer", "start")


class Params(AppliedLeverParams):
    amount: Yuan = param(1000.0, unit="yuan", ref="001 (九)", neutral=0.0, description="yuan per registered unemployed person retained")
    retention_months: int = param(12, unit="months", ref="001 (九): a year", ge=1, le=60, description="months of insured work in the job before the subsidy is paid")
    firm_sizes: list[Size] = param(unit="list of micro, small, medium, large", ref="001 (九): 中小微企业", default_factory=lambda: ["micro", "small", "medium"], description="size classes that qualify (中小微企业: micro, small, medium)")
    labour_intensive: bool = param(True, unit="yes/no", ref="001 (九): 劳动密集型企业", description="labour-intensive firms qualify whatever their size (劳动密集型企业)")


class HiringSubsidy(Lever):
    name, fund, Params = "hiring_subsidy", Fund.EMPLOYMENT_SUBSIDY, Params
    title, catalogue, clauses = "one-off post subsidy (一次性岗位补贴)", "2.4", ("001 (九)",)
    lines: ClassVar = {"hiring_subsidy": ("一次性岗位补贴", "one-off post subsidy")}
    enters_work = True

    def __init__(self, model: Market, params: Params):
        super().__init__(model, params)
        self.sizes = np.array([c in params.firm_sizes for c in SIZE_CLASSES])
        self._claims = {k: np.empty(0, dtype=np.int64) for k in _CLAIM}  # hires waiting to be retained
        self._registered = (None, np.empty(0, dtype=np.int64))  # (month, seekers registered before matching)

    # --- eligibility ------------------------------------------------------------------

    def eligible_firms(self) -> np.ndarray:
        f = self.model.firms
        kind = self.sizes[f.size_class()] | (self.p.labour_intensive & f.labour_intensive)
        return kind & f.alive & f.insures & self.takes_up(f.id)

    # --- behavioural channel ------------------------------------------------------------

    def cost_relief(self) -> np.ndarray | float:
        m, w = self.model, self.model.workers
        if not self.active() or self.p.amount == 0:
            return 0.0
        seekers = m.rows_in(Status.UNEMPLOYED)
        weight = w.weight[seekers].astype(np.float64)
        if weight.sum() == 0:
            return 0.0
        share = weight[groups.members(m, "registered_unemployed", seekers)].sum() / weight.sum()
        return self.eligible_firms() * (share * self.p.amount / self.p.retention_months)

    def before_matching(self, seekers: np.ndarray) -> None:
        """Notes who among the month's seekers is registered before matching."""
        if self.active():
            self._registered = (self.model.month, seekers[groups.members(self.model, "registered_unemployed", seekers)])

    # --- claims -------------------------------------------------------------------------

    def hired(self, rows: np.ndarray, employer: np.ndarray) -> None:
        month, registered = self._registered
        if not self.active() or month != self.model.month or len(rows) == 0:
            return
        w = self.model.workers
        ok = np.isin(rows, registered) & self.eligible_firms()[employer] & w.insured[rows]
        new = (rows[ok], employer[ok], w.job_start[rows[ok]].astype(np.int64))
        self.admit(w.weight[rows[ok]], workers=rows[ok])
        self._claims = {k: np.concatenate([self._claims[k], v]) for k, v in zip(_CLAIM, new)}

    # --- payment ------------------------------------------------------------------------

    def monthly(self) -> None:
        c = self._claims
        if len(c["rows"]) == 0:
            return
        m, w, f = self.model, self.model.workers, self.model.firms
        rows, employer = c["rows"], c["employer"]
        still = (w.status[rows] == Status.EMPLOYED) & (w.employer[rows] == employer) & (w.job_start[rows] == c["start"])
        due = still & w.insured[rows] & (m.month - c["start"] + 1 >= self.p.retention_months) & (f.arrears[employer] == 0)
        at = np.flatnonzero(due)
        self.pay("hiring_subsidy", self.p.amount, Recipient.FIRM, employer[at], w.weight[rows[at]].astype(np.float64))
        keep = still & ~due  # paid or refused claims are settled; lapsed ones dropped
        self._claims = {k: v[keep] for k, v in c.items()}
