"""``ui_benefit``: the unemployment-insurance benefit and its extension (延长领取失业保险金期限), catalogue §2.10.

Clauses: 001 (九) (pay the benefit promptly to eligible unemployed people; their medical
insurance is paid by the UI fund), 004 §28 (where the risk of large-scale unemployment calls
for it, the benefit period may be extended for a time: 阶段性延长领取失业保险金期限). A
scenario that enables the lever is a region that qualifies as a risk area.

The engine pays the benefit (:class:`lmsim.agencies.UnemploymentInsuranceFund`); this lever
changes its rules through the ``benefit_rules`` hook while in force, so its money is the
engine's ``ui_benefit`` ledger lines (and the recipients' medical premiums).

- eligibility: the engine's: an insured worker who lost the job (layoff or firm closure)
  with enough contribution months, who claims (``[ui] claim_rate``); no application of its
  own, so the lever has no ``take_up``;
- behavioural channel: the benefit level in force (``benefit_share_of_minimum_wage`` of the
  minimum wage, for every recipient paid in the window) raises recipients' reservation wages
  (``behaviour.benefit_reservation_weight`` yuan per yuan of benefit), and a longer entitlement
  (``duration_months`` plus ``extension_months``, for claims granted in the window) keeps
  them searching on benefit for longer; a commitment made in the window (extra benefit
  months) is honoured after it;
- payment: the engine's ``ui_benefit`` line from the UI fund. ``budget`` caps the lever's
  extra cost in a calendar year: extension months are charged when granted (months added x
  the level in force), a raise of the level when paid. A claimant whose extension does not
  fit is refused it (keyed random order, as :meth:`Lever.pay` orders claims) and keeps the
  entitlement the scenario's rules give; the raise is in force in a month only if the raise
  for the recipients on benefit at the start of that month fits (new claimants of the month
  can overshoot it by one month of their raise);
- indicators: claims and recipients count the recipients whose benefit the lever raised or
  who were paid an extension month, ``paid`` the extra yuan of those payments (the raise, or
  the whole benefit of an extension month); ``refused`` counts claimants refused their
  extension and recipients refused the raise, ``refused_yuan`` what they were refused;
  ``entrants`` the claimants granted an extension.

The documents give no level or extension; the defaults keep the scenario's [ui] level and
durations and extend each entitlement by 6 months (a choice of this model).
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import Field, field_validator

from .. import rng
from ..calendar import year_of
from ..columns import grown
from ..ledger import Fund
from ..population import Separation, Status
from ..rng import Purpose
from ..units import param
from .base import Lever, LeverParams


class Params(LeverParams):
    benefit_share_of_minimum_wage: Annotated[float, Field(ge=0.0, le=2.0)] | None = param(None, unit="share", ref="004 §28 gives no level: default the scenario's [ui] level", description="monthly benefit while in force, share of the minimum wage; default: the [ui] level")
    duration_months: dict[str, Annotated[int, Field(ge=0, le=60)]] | None = param(None, unit="table months", ref="004 §28 gives no durations: default the scenario's [ui] table", description="benefit months by full years of contributions for claims in the window; default: the [ui] table")
    extension_months: int = param(6, unit="months", ref="004 §28 (阶段性延长领取失业保险金期限) gives no number: 6 is a choice of this model", neutral=0, ge=0, le=24, description="months added to every entitlement granted in the window")

    @field_validator("duration_months")
    @classmethod
    def _years(cls, value: dict[str, int] | None) -> dict[str, int] | None:
        if value is not None and (not value or not all(k.isdigit() for k in value)):
            raise ValueError("keys must be whole years of contributions, e.g. {\"1\" = 12, \"5\" = 18}")
        return value


def entitled_months(table: dict[int, int], ui_months: np.ndarray) -> np.ndarray:
    """Benefit months by full years of contributions, as the UI fund reads its table."""
    years = ui_months // 12
    months = np.zeros(len(ui_months), dtype=np.int64)
    for min_years, duration in sorted(table.items()):
        months = np.where(years >= min_years, duration, months)
    return months


class UiBenefit(Lever):
    name, fund, Params = "ui_benefit", Fund.UI, Params
    title, catalogue, clauses = "the unemployment-insurance benefit and its extension (延长领取失业保险金期限)", "2.10", ("001 (九)", "004 §28")
    # no lines of its own: it changes the rules of the engine's ui_benefit lines
    # deadweight horizon: 12 months after the extension is granted (at the claim): the shortest
    # statutory entitlement is 12 months (失业保险条例 第十七条: 1-5 years of contributions), so a
    # claimant in work a year on in the baseline would not have drawn the extension months
    outcome_months = 12

    def __init__(self, model, params):
        super().__init__(model, params)
        self._base: tuple[float, dict[int, int]] = (0.0, {})  # the rules as they reach this lever
        self._decided = -1  # month of the last budget decision on the raise
        self._raise_ok = True
        self._losers: list[tuple[np.ndarray, np.ndarray]] = []  # this month's job losers and banked months
        self._left = model.workers.benefit_months_left.astype(np.int64)  # per worker row: months left at the end of last month
        self._extra = np.zeros(len(self._left), dtype=np.int64)  # per worker row: months the lever added to the entitlement

    def _in_force(self) -> bool:
        return self.active() and self.model.scenario.ui.enabled

    def _raise(self, base_level: float) -> float:
        """Yuan a month the lever adds to the benefit (0 if it keeps or lowers the level)."""
        share = self.p.benefit_share_of_minimum_wage
        if share is None:
            return 0.0
        return max(share * self.model.scenario.region.minimum_wage - base_level, 0.0)

    def _decide(self, base_level: float) -> None:
        """Once a month: is the raise within the year's budget for those now on benefit?"""
        m = self.model
        self._decided = m.month
        raise_ = self._raise(base_level)
        if self.p.budget is None or raise_ == 0:
            self._raise_ok = True
            return
        on_benefit = m.ui_fund.recipients()
        projected = raise_ * float(m.workers.weight[on_benefit].sum())
        self._raise_ok = self.paid_in_year.get(year_of(m.month), 0.0) + projected <= self.p.budget + 1e-9

    def benefit_rules(self, rules: tuple[float, dict[int, int]]) -> tuple[float, dict[int, int]]:
        level, durations = rules
        self._base = (level, durations)
        if not self._in_force():
            return level, durations
        if self._decided != self.model.month:
            self._decide(level)
        share = self.p.benefit_share_of_minimum_wage
        if share is not None and (self._raise_ok or self._raise(level) == 0):
            level = share * self.model.scenario.region.minimum_wage
        table = durations if self.p.duration_months is None else {int(k): v for k, v in self.p.duration_months.items()}
        return level, {k: v + self.p.extension_months for k, v in table.items()}

    def separated(self, rows: np.ndarray, reason: int) -> None:
        """Remember job losers who may claim, with the contribution months they bank."""
        if reason not in (Separation.LAYOFF, Separation.FIRM_EXIT) or not self.model.scenario.ui.enabled:
            return
        w, month = self.model.workers, self.model.month
        served = np.where(w.insured[rows] & (w.status[rows] == Status.EMPLOYED), np.maximum(month - w.job_start[rows], 0), 0)
        self._losers.append((rows.copy(), w.ui_months[rows].astype(np.int64) + served))

    def monthly(self) -> None:
        m, w = self.model, self.model.workers
        n = len(w)
        self._left, self._extra = grown(self._left, n), grown(self._extra, n)  # rows of newcomers
        level, table = m.ui_fund.rules()  # the rules in force this month
        base_level, base_table = self._base
        now = w.benefit_months_left
        in_force = self._in_force()

        # this month's claims: losers who claimed had their banked months used (set to 0)
        new, banked = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        if self._losers:
            rows, months = (np.concatenate(parts) for parts in zip(*self._losers))
            self._losers = []
            claimed = (w.status[rows] == Status.UNEMPLOYED) & (w.ui_months[rows] == 0) & ((months > 0) | (now[rows] > 0))
            new, banked = rows[claimed], months[claimed]
        self._extra[new] = 0
        if in_force and len(new):
            extra = np.maximum(entitled_months(table, banked) - entitled_months(base_table, banked), 0)
            self._grant(new, extra, level)

        # recipients paid this month: those on benefit last month still unemployed, and new claimants
        was_on = np.flatnonzero(self._left[:n] > 0)
        continuing = was_on[(w.status[was_on] == Status.UNEMPLOYED) & (now[was_on] == self._left[was_on] - 1)]
        paid = np.concatenate([continuing, new[entitled_months(table, banked) >= 1]])
        extended = paid[now[paid] < self._extra[paid]]  # the month paid was one the lever added
        on, ext = float(w.weight[paid].sum()), float(w.weight[extended].sum())  # persons paid, in extension months
        raise_ = max(level - base_level, 0.0) if in_force else 0.0
        wanted = self._raise(base_level) if in_force else 0.0
        s = self.stats
        if raise_ > 0:
            s["claims"] += on
            s["recipients"] += on
            self.paid_in_year[year_of(m.month)] = self.paid_in_year.get(year_of(m.month), 0.0) + raise_ * on
        else:
            s["claims"] += ext
            s["recipients"] += ext
            if wanted > 0:  # the raise did not fit the budget this month
                s["claims"] += on - ext
                s["refused"] += on
                s["refused_yuan"] += wanted * on
        s["paid"] += raise_ * (on - ext) + level * ext

        ended = np.flatnonzero(self._extra)
        self._extra[ended[now[ended] == 0]] = 0
        self._left = now.astype(np.int64)

    def _grant(self, new: np.ndarray, extra: np.ndarray, level: float) -> None:
        """Keep the extensions that fit the year's budget; cut the others back."""
        m, w = self.model, self.model.workers
        weight = w.weight[new].astype(np.float64)
        cost = extra * level * weight
        fits = np.ones(len(new), dtype=bool)
        year = year_of(m.month)
        if self.p.budget is not None:
            left = self.p.budget - self.paid_in_year.get(year, 0.0)
            order = np.argsort(rng.bits(m.seed, w.id[new], m.month, Purpose.BUDGET_QUEUE, sub=self.key))
            fits[order] = np.cumsum(cost[order]) <= left + 1e-9
        refused = ~fits & (extra > 0)
        cut = new[refused]
        w.benefit_months_left[cut] = np.maximum(w.benefit_months_left[cut] - extra[refused], 0)
        self.paid_in_year[year] = self.paid_in_year.get(year, 0.0) + float(cost[fits].sum())
        self.stats["claims"] += float(weight[refused].sum())
        self.stats["refused"] += float(weight[refused].sum())
        self.stats["refused_yuan"] += float(cost[refused].sum())
        self.admit(weight[fits & (extra > 0)], workers=new[fits & (extra > 0)])
        self._extra[new] = np.where(refused, 0, extra)
