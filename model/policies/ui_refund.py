"""``ui_refund``: unemployment-insurance stable-post refund (失业保险稳岗返还), catalogue §2.1.

Clauses: 001 (七) (50 % of last year's premiums to insured firms that lay off no one or few;
firms in arrears must first pay them), 000 §三(一)1, 002 §8, 004 §28.

- eligibility: an insured firm, alive, without arrears, that applies, whose
  layoffs in the assessed year stay within the threshold: a share of its staff on 1 January
  (``layoff_threshold``; by default the national surveyed-unemployment control target of the
  year before, ``control_target``: 5.5 %, or 6 % for 2020), or ``small_firm_threshold`` (20 %) for firms of at most
  ``small_firm_staff`` (30) staff;
- application: a firm applies (``take_up``: awareness, a fixed propensity per firm) when the
  refund it expects is worth at least ``application_cost`` yuan, the cost of applying (the
  application, the audit of its layoffs and contributions): small refunds go unclaimed, which is
  why the published refunds reach a few percent of insured firms, the larger ones;
- behavioural channel: during an assessed year a firm about to cross the threshold holds
  back the layoffs that would cross it when the refund it would lose is worth more than the
  labour cost of the workers it keeps until the year ends (this month to December: a layoff
  in January counts against the next year); so a firm holds in the last months of a year,
  hardly ever early in it, and in a normal year the channel saves few jobs. Terms set after the
  assessed year (``anticipated`` false: 2020's raised refund of 2019's premiums, 国办发〔2020〕6号)
  hold nothing back: they act only through the firm's cash;
- payment: ``share`` (or ``share_by_size`` for the firm's size class) of the UI premiums the
  firm and its staff paid in the assessed year, paid by the UI fund in ``payment_month`` of
  the following year; the money goes into the firm's cash;
- indicators: claims (firms applying), recipients, yuan paid, refused for want of budget.

An assessed year is a calendar year that overlaps the lever's window.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..calendar import month_of, year_of
from ..ledger import Fund, Recipient
from ..population import SIZE_CLASSES
from ..social_insurance import employer_rate
from ..units import Dated, Share, param
from .base import AppliedLeverParams, Lever
from .control_target import control_target_param, previous_year_target


class Params(AppliedLeverParams):
    share: Share = param(0.5, unit="share", ref="001 (七): 50 % of last year's premiums", neutral=0.0, description="share of the assessed year's UI premiums refunded")
    share_by_size: dict[str, Share] = param(default_factory=dict, unit="table share", ref="later national rules (catalogue §2.1: 60 % small and medium, 30 % large)", description="share by size class (micro, small, medium, large), overriding share")
    layoff_threshold: Share | None = param(None, unit="share", ref="catalogue §2.1: national practice, the control target of the year before", description="highest layoff rate that keeps the refund; default: the previous year's national control target")
    control_target: Dated[Share] = control_target_param()
    small_firm_staff: int = param(30, unit="persons", ref="catalogue §2.1: firms with at most 30 insured staff", ge=0, description="firms of at most this many staff use small_firm_threshold")
    small_firm_threshold: Share = param(0.2, unit="share", ref="catalogue §2.1: at most 20 % of staff for firms with at most 30 insured staff", description="highest layoff rate for small firms")
    payment_month: int = param(3, unit="month of the year, 1-12", ref="documented default: the refund is paid early in the following year", ge=1, le=12, description="month of the following year the refund is paid")
    anticipated: bool = param(True, unit="yes/no", ref="国办发〔2020〕6号 (March 2020) raised the refund of 2019's premiums after the year: firms could not have held staff for it", description="firms know the terms during the assessed year (false: terms set afterwards, no holding back of layoffs)")
    application_cost: float = param(16_400.0, unit="yuan", ref="fitted 2026-12-01 by lmsim evidence ui_refund --fit calibration/fits/ui_refund.toml --runs 4 --design 12 --max-evaluations 40 (simulated method of moments with take_up) to the refund's three estimates in calibration/evidence.toml: 16,400 yuan, 90 % interval 6,600-26,200; refunds then average 48,100 yuan a refunded firm in the Xiangtan study, as the national (551.7亿 / 114.8万 firms) and Hunan (3.61亿 / 7,522) refunds of 2019 did, 48,000", ge=0.0, description="yuan a refund must be worth for a firm to apply")


class UiRefund(Lever):
    name, fund, Params = "ui_refund", Fund.UI, Params
    title, catalogue, clauses = "unemployment-insurance stable-post refund (失业保险稳岗返还)", "2.1", ("001 (七)", "000 §三(一)1", "002 §8", "004 §28")
    counts = "firms"
    lines: ClassVar = {"ui_refund": ("失业保险稳岗返还", "unemployment-insurance stable-post refund")}

    def __init__(self, model, params):
        super().__init__(model, params)
        self._due: tuple[np.ndarray, np.ndarray] | None = None  # firms and refunds awaiting payment

    def _assessed(self, year: int) -> bool:
        return year_of(self.start) <= year <= year_of(self.end)

    def threshold(self, year: int) -> float:
        if self.p.layoff_threshold is not None:
            return self.p.layoff_threshold
        return previous_year_target(self.p.control_target, year)

    def share(self) -> np.ndarray:
        size = self.model.firms.size_class()
        shares = np.array([self.p.share_by_size.get(c, self.p.share) for c in SIZE_CLASSES])
        return shares[size]

    def applies(self, refund: np.ndarray) -> np.ndarray:
        """Which firms apply for a refund of ``refund`` yuan: those that know of it, when it is
        worth the application."""
        return self.takes_up(self.model.firms.id) & (refund >= self.p.application_cost)

    def allowed_layoffs(self, year: int) -> np.ndarray:
        """Layoffs in the year that keep each firm within its threshold."""
        f = self.model.firms
        small = f.staff_year_start <= self.p.small_firm_staff
        rate = np.where(small, self.p.small_firm_threshold, self.threshold(year))
        return np.floor(rate * f.staff_year_start + 1e-9)

    def hold_layoffs(self, layoffs: np.ndarray, target: np.ndarray) -> np.ndarray:
        m, f = self.model, self.model.firms
        year = year_of(m.month)
        if not self.p.anticipated or not self._assessed(year):
            return layoffs
        room = np.maximum(self.allowed_layoffs(year) - f.layoffs_this_year, 0)
        crossing = (layoffs > room) & f.insures & (f.arrears == 0)
        month = month_of(m.month)
        # the year's premiums, projected from the months collected so far (this month's are
        # collected after layoffs); in January, last year's
        premiums = f.ui_premiums_this_year * 12 / (month - 1) if month > 1 else f.ui_premiums_last_year
        refund = self.share() * premiums
        crossing &= self.applies(refund)  # a refund not worth applying for holds nothing back
        cost = (layoffs - room) * f.payroll / np.maximum(f.employees, 1) * (1 + employer_rate(m.si_agency.rates(m.month)))
        hold = crossing & (refund >= cost * (13 - month))  # kept from this month to December
        return np.where(hold, room, layoffs).astype(layoffs.dtype)

    def year_end(self) -> None:
        """Remember who qualified in the year just ended, to pay them in ``payment_month``."""
        m, f = self.model, self.model.firms
        assessed = year_of(m.month) - 1
        if not self._assessed(assessed):
            self._due = None
            return
        within = f.layoffs_this_year <= self.allowed_layoffs(assessed)
        refund = self.share() * f.ui_premiums_this_year
        rows = np.flatnonzero(f.alive & f.insures & (f.ui_premiums_this_year > 0) & within & self.applies(refund))
        self._due = (rows, refund[rows])

    def monthly(self) -> None:
        m, f = self.model, self.model.firms
        if self._due is None or month_of(m.month) != self.p.payment_month:
            return
        rows, amount = self._due
        self._due = None
        clear = f.alive[rows] & (f.arrears[rows] == 0)  # arrears must be paid before a refund
        rows, amount = rows[clear], amount[clear]
        self.pay("ui_refund", amount, Recipient.FIRM, rows, f.weight[rows].astype(np.float64))
