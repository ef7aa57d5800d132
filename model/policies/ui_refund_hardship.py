"""``ui_refund_hardship``: enhanced stable-post refund for firms in temporary difficulty
(困难企业稳岗返还), catalogue §2.1.

Clause: 001 (七) (Xiangtan, 2019-01-01 to 2019-12-31: insured firms facing temporary
difficulty in production with prospects of recovery (面临暂时性生产经营困难且恢复有望) that
keep staff (坚持不裁员或少裁员) get either 6 months of the local per-capita UI benefit times
their insured staff, or 50 % of 6 months of the social-insurance contributions due from the
firm and its staff; paid by the UI fund). Also 000 §三(一)1 (refunds to struggling but
recoverable firms from the UI fund).

- eligibility: an insuring firm, alive, with insured staff, that applies (``take_up``), in
  temporary difficulty (negative cash: ``difficulty_months`` > 0) with prospects of recovery
  (log demand relative to normal at least ``demand_floor``, default -0.3, i.e. demand at least
  74 % of normal: the seeds give no test), whose layoffs this year stay within the threshold
  (as ``ui_refund``: ``layoff_threshold``, by default the national surveyed-unemployment
  control target of the year before, ``control_target``: 5.5 % or 6 % for 2020, of staff on 1 January; or
  ``small_firm_threshold`` (20 %) for firms of at most ``small_firm_staff`` (30)); once per
  firm in the window (arrears do not bar it: a firm short of cash is in arrears by nature);
- behavioural channel: the cash keeps a firm from closing (firms close after
  ``behaviour.exit_after_months`` of negative cash), and :meth:`hold_layoffs`: a firm in
  difficulty with prospects that has not yet had the refund holds back layoffs that would cross
  its threshold when the refund is worth more than a month of the labour cost of the workers it
  keeps (the refund is paid in the month the firm qualifies, so it need hold them one month);
- payment: ``formula`` ``benefit`` = ``months`` (6) x the UI benefit a month
  (:meth:`lmsim.agencies.UnemploymentInsuranceFund.benefit_amount`) x insured staff, or ``contributions`` =
  ``contribution_share`` (50 %) x ``months`` x the month's contributions of the firm and its
  staff (all rates in force x the insured contribution base); paid by the UI fund in the month
  the firm qualifies, into its cash;
- indicators: claims (firms), recipients, yuan paid, refused for want of budget (a refused
  claim is not made again); entrants: firms granted the refund.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from .. import firms as firm_rules
from ..calendar import year_of
from ..columns import grown
from ..ledger import Fund, Recipient
from ..social_insurance import employer_rate, total_rate
from ..units import Dated, Share, param
from .base import AppliedLeverParams, Lever
from .control_target import control_target_param, previous_year_target


class Params(AppliedLeverParams):
    formula: Literal["benefit", "contributions"] = param("benefit", unit="one of benefit, contributions", ref="001 (七): either of the two", description="benefit: months x UI benefit x insured staff; contributions: share x months of contributions")
    months: int = param(6, unit="months", ref="001 (七)", neutral=0, ge=0, le=24, description="months of benefit or contributions the refund is worth")
    contribution_share: Share = param(0.5, unit="share", ref="001 (七)", neutral=0.0, description="share of the months' contributions refunded")
    demand_floor: float = param(-0.3, unit="log points", ref="documented default -0.3 (demand at least 74 % of normal): the seeds give no test", ge=-3.0, le=0.0, description="lowest log demand (relative to normal) that counts as prospects of recovery")
    layoff_threshold: Share | None = param(None, unit="share", ref="catalogue §2.1: national practice, the control target of the year before", description="highest layoff rate this year that counts as keeping staff; default the previous year's control target")
    control_target: Dated[Share] = control_target_param()
    small_firm_staff: int = param(30, unit="persons", ref="catalogue §2.1: firms with at most 30 insured staff", ge=0, description="firms of at most this many staff use small_firm_threshold")
    small_firm_threshold: Share = param(0.2, unit="share", ref="catalogue §2.1: at most 20 % of staff for firms with at most 30 insured staff", description="highest layoff rate for small firms")


class UiRefundHardship(Lever):
    name, fund, Params = "ui_refund_hardship", Fund.UI, Params
    title, catalogue, clauses = "enhanced stable-post refund for firms in temporary difficulty (困难企业稳岗返还)", "2.1", ("001 (七)", "000 §三(一)1")
    counts = "firms"
    lines: ClassVar = {"ui_refund_hardship": ("困难企业稳岗返还", "stable-post refund to firms in temporary difficulty")}

    def __init__(self, model, params):
        super().__init__(model, params)
        self.claimed = np.zeros(len(model.firms), dtype=bool)  # firms whose claim was decided

    # --- eligibility ------------------------------------------------------------------

    def allowed_layoffs(self) -> np.ndarray:
        """Layoffs this year that still count as keeping staff."""
        f = self.model.firms
        year = year_of(self.model.month)
        rate = self.p.layoff_threshold
        if rate is None:
            rate = previous_year_target(self.p.control_target, year)
        small = f.staff_year_start <= self.p.small_firm_staff
        return np.floor(np.where(small, self.p.small_firm_threshold, rate) * f.staff_year_start + 1e-9)

    def applicants(self) -> np.ndarray:
        """Firms in difficulty with prospects of recovery that have not had their claim decided."""
        f = self.model.firms
        self._grow()
        prospects = firm_rules.log_demand(self.model) >= self.p.demand_floor
        return f.alive & f.insures & (f.difficulty_months > 0) & prospects & ~self.claimed & self.takes_up(f.id)

    def refund(self) -> np.ndarray:
        """Refund each firm would get with its present staff, yuan."""
        m, w, f = self.model, self.model.workers, self.model.firms
        if self.p.formula == "benefit":
            staff = m.employee_rows()
            insured = staff[w.insured[staff]]
            count = np.bincount(w.employer[insured], minlength=len(f))
            return self.p.months * m.ui_fund.benefit_amount() * count
        rates = m.si_agency.rates(m.month)
        return self.p.contribution_share * self.p.months * total_rate(rates) * f.insured_base

    # --- behavioural channel ------------------------------------------------------------

    def hold_layoffs(self, layoffs: np.ndarray, target: np.ndarray) -> np.ndarray:
        m, f = self.model, self.model.firms
        if not self.active() or not layoffs.any():
            return layoffs
        room = np.maximum(self.allowed_layoffs() - f.layoffs_this_year, 0)
        crossing = (layoffs > room) & self.applicants()
        if not crossing.any():
            return layoffs
        refund = self.refund()
        cost = (layoffs - room) * f.payroll / np.maximum(f.employees, 1) * (1 + employer_rate(m.si_agency.rates(m.month)))
        hold = crossing & (refund > 0) & (refund >= cost)
        return np.where(hold, room, layoffs).astype(layoffs.dtype)

    # --- payment ------------------------------------------------------------------------

    def monthly(self) -> None:
        f = self.model.firms
        if not self.active():
            return
        within = f.layoffs_this_year <= self.allowed_layoffs()
        rows = np.flatnonzero(self.applicants() & within)
        if len(rows) == 0:
            return
        amount = self.refund()[rows]
        paid = self.pay("ui_refund_hardship", amount, Recipient.FIRM, rows, f.weight[rows].astype(np.float64))
        self.admit(f.weight[rows[paid]])
        self.claimed[rows[amount > 0]] = True

    def _grow(self) -> None:
        """Firms that entered since the last look have no decided claim."""
        self.claimed = grown(self.claimed, len(self.model.firms))
