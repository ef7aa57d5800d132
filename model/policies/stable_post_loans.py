"""``stable_post_loans``: special loans for stabilising and expanding posts (稳岗扩岗专项贷款),
catalogue §2.5 (last item).

Clause: 002 §8 (2024): small and micro firms that take on many workers, keep their posts and
employ by the rules (吸纳就业人数多、稳岗效果好、用工规范) get a preferential rate of at most 4 %
and credit of at most 30 million yuan per firm. The clause quantifies neither the hiring record
nor the layoffs; the defaults below are documented choices.

- eligibility: an alive firm with fewer than ``small_firm_staff`` staff (small and micro,
  小微企业) that insures its staff and has no contribution arrears (用工规范), whose hires this
  year, or in the year before if more (kept by the lever at each year end; unknown before the
  run's first January, taken as none), reach ``hire_share`` of its current staff (吸纳就业人数多),
  and whose layoffs this year stay within ``max_layoff_share`` of its staff on 1 January
  (稳岗效果好), and that applies (``take_up``);
- behavioural channel: a qualifying firm short of cash (negative cash after the month's
  accounts) borrows what brings its cash back to zero plus ``loan_months`` months of payroll,
  up to ``credit_cap`` less what it owes on earlier loans of the lever. The loan goes into
  ``Firms.cash`` and ``Firms.loans``; cash keeps the firm from the exit that
  ``exit_after_months`` months of negative cash bring, and a firm no longer in difficulty may
  hoard labour again (its hoarding band comes back), so it also lays off fewer in a bad month.
  Firms' hiring does not depend on cash in the model, so the loan has no direct hiring channel;
- payment: the fund (guarantee fund and fiscal interest subsidies) pays the bank the gap
  between the market rate and the ceiling, ``(market_rate - rate_ceiling) x outstanding / 12``
  a month for the loan's life (line ``stable_post_interest_subsidy``, Recipient.BANK, id = the
  firm's); the firm pays the ceiling rate and ``term_months`` equal instalments from its cash,
  from the month after the loan. A refused subsidy (``budget``) leaves the firm paying the market
  rate. The loans are not guaranteed: a firm that closes owing leaves the loss with the bank
  (no fund pays; the lever counts it in ``losses``);
- indicators: claims, recipients and yuan of the subsidy (kept by ``pay``); entrants: firms
  granted a loan in the month; ``lent``: yuan of new loans in the month; ``losses`` (yuan by
  year) on the lever.

New loans are made only inside the window; subsidies continue for loans made inside it.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..calendar import year_of
from ..columns import grown
from ..ledger import Fund, Recipient
from ..units import Share, Yuan, param
from .base import AppliedLeverParams, Lever
from .loan_book import LoanBook


class Params(AppliedLeverParams):
    credit_cap: Yuan = param(30_000_000.0, unit="yuan", ref="002 §8: 3,000万元", neutral=0.0, description="credit per firm at most, yuan")
    rate_ceiling: Share = param(0.04, unit="share", ref="002 §8: 4 %", description="annual rate the firm pays at most")
    market_rate: Share = param(0.0475, unit="share", ref="documented default 4.75 %: about the 2023 average rate of new inclusive small-business loans", description="annual market rate of such loans, the subsidy is its gap to the ceiling")
    small_firm_staff: int = param(300, unit="persons", ref="工信部联企业〔2011〕300号 (industry)", ge=0, description="small and micro firms have fewer staff than this; default 300")
    hire_share: Share = param(0.1, unit="share", ref="002 §8 gives no number: documented default 0.1", description="hires in the year (this or last) as a share of current staff a firm needs")
    max_layoff_share: Share = param(0.055, unit="share", ref="002 §8 gives no number: the national surveyed-unemployment control target (5.5 %)", description="layoffs this year allowed as a share of staff on 1 January")
    loan_months: float = param(3.0, unit="months", ref="documented default 3", ge=0.0, description="months of payroll a firm short of cash borrows beyond its shortfall")
    term_months: int = param(12, unit="months", ref="documented default 12 (working-capital loan)", ge=1, le=120, description="months of equal repayments")


class StablePostLoans(Lever):
    name, fund, Params = "stable_post_loans", Fund.GUARANTEE, Params
    title, catalogue, clauses = "special loans for stabilising and expanding posts (稳岗扩岗专项贷款)", "2.5", ("002 §8",)
    counts = "loans"
    lines: ClassVar = {
        "stable_post_interest_subsidy": ("稳岗扩岗专项贷款贴息", "interest subsidy on special loans for stabilising and expanding posts"),
    }

    def __init__(self, model, params):
        super().__init__(model, params)
        self.loans = LoanBook()  # borrower = firm row
        self._hires_last_year = np.zeros(0, dtype=np.int32)
        self.losses: dict[int, float] = {}

    def year_end(self) -> None:
        """Keep the hires of the year just ended: early in a year they stand for the record."""
        self._hires_last_year = self.model.firms.hires_this_year.copy()

    # --- eligibility ---------------------------------------------------------------------

    def eligible(self) -> np.ndarray:
        p, f = self.p, self.model.firms
        self._hires_last_year = grown(self._hires_last_year, len(f))
        staff = f.employees
        hires = np.maximum(f.hires_this_year, self._hires_last_year[: len(f)])
        hiring = (staff > 0) & (hires >= p.hire_share * staff - 1e-9)
        keeping = f.layoffs_this_year <= p.max_layoff_share * f.staff_year_start + 1e-9
        regular = f.insures & (f.arrears == 0)
        rows = np.flatnonzero(f.alive & (staff < p.small_firm_staff) & hiring & keeping & regular)
        return rows[self.takes_up(f.id[rows])]

    # --- behavioural channel -------------------------------------------------------------

    def lend(self) -> None:
        p, m, f = self.p, self.model, self.model.firms
        rows = self.eligible()
        rows = rows[f.cash[rows] < 0]
        if len(rows) == 0:
            return
        rows, amount, weight = self.loans.lend_to_firms(f, rows, p.credit_cap, p.loan_months, m.month)
        if len(rows) == 0:
            return
        self.admit(weight)
        self.count_loans(float((amount * weight).sum()))

    # --- payment -------------------------------------------------------------------------

    def monthly(self) -> None:
        p, m, f = self.p, self.model, self.model.firms
        book = self.loans
        closed = np.flatnonzero((book.outstanding > 0) & ~f.alive[book.borrower])
        if len(closed):  # not guaranteed: the bank's loss
            year = year_of(m.month)
            self.losses[year] = self.losses.get(year, 0.0) + float((book.outstanding[closed] * book.weight[closed]).sum())
            np.subtract.at(f.loans, book.borrower[closed], book.outstanding[closed])
            f.loans[book.borrower[closed]] = np.maximum(f.loans[book.borrower[closed]], 0.0)
            book.outstanding[closed] = 0.0
        due, owed, instalment = book.service(m.month, p.term_months)
        if len(due):
            firms = book.borrower[due]
            gap = max(p.market_rate - p.rate_ceiling, 0.0)
            subsidy = owed * gap / 12
            paid = self.pay("stable_post_interest_subsidy", subsidy, Recipient.BANK, f.id[firms], book.weight[due])
            own = owed * p.market_rate / 12 - np.where(paid, subsidy, 0.0) + instalment
            np.subtract.at(f.cash, firms, own)
            np.subtract.at(f.loans, firms, instalment)
            f.loans[firms] = np.maximum(f.loans[firms], 0.0)  # no rounding residue below zero
        if self.active():
            self.lend()
        book.compact(m.month)
