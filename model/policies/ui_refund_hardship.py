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
  control target of the year before, 5.5 % or 6 % for 2020, of staff on 1 January; or
  ``small_firm_threshold`` (20 %) for firms of at most ``small_firm_staff`` (30)); once per
  firm in the window (arrears do not bar it: a firm short of cash is in arrears by nature);
- behavioural channel: the cash keeps a firm from closing (firms close after
  ``behaviour.exit_after_months`` of negative cash), and :meth:`hold_layoffs`: a firm in
  difficulty with prospects that has not yet had the refund holds back layoffs that would cross
  its threshold when the refund is worth more than ``hold_months`` months of the labour cost of
  the workers it keeps;
- payment: ``formula`` ``benefit`` = ``months`` (6) x the UI benefit a month
  (:meth:`UnemploymentInsuranceFund.benefit_amount`) x insured staff, or ``contributions`` =
  ``contribution_share`` (50 %) x ``months`` x the month's contributions of the firm and its
  staff (all rates in force x the insured contribution base); paid by the UI fund in the month
  the firm qualifies, into its cash;
- indicators: claims (firms), recipients, yuan paid, refused for want of budget (a refused
  claim is not made again); entrants: firms granted the refund.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
from pydantic import Field

from .. import firms as firm_rules
from ..calendar import year_of
from ..ledger import Fund, Recipient
from ..population import employer_rate, total_rate
from ..units import Share
from .base import AppliedLeverParams, Lever
from .ui_refund import CONTROL_TARGET, CONTROL_TARGET_DEFAULT


class Params(AppliedLeverParams):
    formula: Literal["benefit", "contributions"] = Field(
        "benefit", description="benefit: months x UI benefit x insured staff; contributions: share x months of contributions"
    )
    months: int = Field(6, ge=0, le=24, description="months of benefit or contributions the refund is worth (001 (七))")
    contribution_share: Share = Field(0.5, description="share of the months' contributions refunded (001 (七))")
    demand_floor: float = Field(
        -0.3, ge=-3.0, le=0.0, description="lowest log demand (relative to normal) that counts as prospects of recovery"
    )
    layoff_threshold: Share | None = Field(
        None, description="highest layoff rate this year that counts as keeping staff; default the previous year's control target"
    )
    small_firm_staff: int = Field(30, ge=0, description="firms of at most this many staff use small_firm_threshold")
    small_firm_threshold: Share = Field(0.2, description="highest layoff rate for small firms")
    hold_months: float = Field(1.0, ge=0.0, description="months of labour cost a firm weighs against the refund it would lose")


class UiRefundHardship(Lever):
    name = "ui_refund_hardship"
    Params: ClassVar = Params
    neutral: ClassVar = {"months": 0, "contribution_share": 0.0}
    fund = Fund.UI

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
            rate = CONTROL_TARGET.get(year - 1, CONTROL_TARGET_DEFAULT)
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
        hold = crossing & (refund > 0) & (refund >= cost * self.p.hold_months)
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
        f.cash[rows[paid]] += amount[paid]
        self.admit(f.weight[rows[paid]])
        self.claimed[rows[amount > 0]] = True

    def _grow(self) -> None:
        """Firms that entered since the last look have no decided claim."""
        n = len(self.model.firms)
        if n > len(self.claimed):
            self.claimed = np.concatenate([self.claimed, np.zeros(n - len(self.claimed), dtype=bool)])
