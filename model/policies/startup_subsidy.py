"""``startup_subsidy``: start-up subsidies (创业补贴) for first-time founders, catalogue §2.6.

Clause: 001 (十一): first-time founders of small and micro firms, non-enterprise units,
co-operatives and sole traders (首次创办小微企业、民办非企业单位、农民合作社和个体经营户) get a
rent subsidy of at most 800 yuan a month for at most 24 months (创业经营场所租金补贴), a one-off
opening subsidy of 3,000 to 20,000 yuan (一次性开办费补贴) and 500 yuan per trademark
registered, at most 3 (商标注册补贴).

- eligibility: a founder (a sole trader, or the owner of the firm the start-up opens) who has
  not started a business before and applies (``take_up``). The lever remembers every start-up
  of the run, inside its window or not; people who ran a business before the run are unknown
  to the model and count as first-time founders;
- behavioural channel: (1) a would-be first-time founder counts the opening subsidy he is sure
  of, ``min(opening_subsidy, opening_subsidy_firm)``, toward the capital he can raise
  (``startup_credit``), so founders a little short of capital can start (not once the year's
  ``budget`` is spent); (2) the rent subsidy lowers a subsidised sole trader's exit hazard by
  the factor ``rent_exit_factor`` (documented default 0.8: no document measures it; 800 yuan
  is a sizeable share of a small shop's monthly costs) in each month after one it was paid
  for, while months remain; a firm founder's rent subsidy goes into the firm's cash instead,
  which keeps it from exiting for want of cash;
- payment (employment subsidy fund): in the month the business opens, the opening subsidy
  (``opening_subsidy`` to a sole trader, Recipient.WORKER; ``opening_subsidy_firm`` to a
  founder's firm, Recipient.FIRM, of which the part beyond the amount counted as credit goes
  into its cash: the rest already financed its opening capital) and the trademark subsidy
  ``trademark_subsidy x trademarks`` (expected registrations, documented default 0.5; to the
  founder); then the rent subsidy ``rent_subsidy`` a month, for ``rent_months`` months from
  the opening month while the business operates (the founder still self-employed and, for a
  firm founder, the firm alive and theirs), to the sole trader or into the firm's cash.
  A business that fails ends its rent subsidy;
- indicators: claims, recipients and yuan (kept by ``pay``); entrants: first-time founders
  admitted in the month.

Subsidies are granted to businesses opened inside the window; rent subsidies granted there run
their course afterwards.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..calendar import year_of
from ..columns import grown
from ..ledger import Fund, Recipient
from ..population import Separation, Status
from ..units import Share, Yuan, param
from .base import AppliedLeverParams, Lever


class Params(AppliedLeverParams):
    opening_subsidy: Yuan = param(3000.0, unit="yuan", ref="001 (十一): 3,000-20,000 by the business; default 3,000, the floor", neutral=0.0, le=20_000.0, description="one-off opening subsidy to a first-time sole trader, yuan")
    opening_subsidy_firm: Yuan = param(10_000.0, unit="yuan", ref="001 (十一): 3,000-20,000; documented default 10,000 within the range", neutral=0.0, le=20_000.0, description="one-off opening subsidy to a first-time founder's firm (a start-up that plans to hire), yuan")
    rent_subsidy: Yuan = param(800.0, unit="yuan", ref="001 (十一): at most 800", neutral=0.0, le=800.0, description="rent subsidy, yuan a month")
    rent_months: int = param(24, unit="months", ref="001 (十一): at most 24", ge=0, le=24, description="months of rent subsidy from the opening month")
    trademark_subsidy: Yuan = param(500.0, unit="yuan", ref="001 (十一): 500", neutral=0.0, le=500.0, description="subsidy per trademark registered, yuan")
    trademarks: float = param(0.5, unit="number", ref="001 (十一): at most 3 subsidised; no source gives the number: documented default 0.5", ge=0.0, le=3.0, description="expected trademark registrations per first-time founder")
    rent_exit_factor: Share = param(0.8, unit="multiplier", ref="documented default 0.8: no source gives it", description="multiplier on a subsidised sole trader's exit hazard")


class StartupSubsidy(Lever):
    name, fund, Params = "startup_subsidy", Fund.EMPLOYMENT_SUBSIDY, Params
    title, catalogue, clauses = "start-up subsidies (创业补贴) for first-time founders", "2.6", ("001 (十一)",)
    lines: ClassVar = {
        "opening_subsidy": ("一次性开办费补贴", "one-off opening subsidy"),
        "trademark_subsidy": ("商标注册补贴", "trademark registration subsidy"),
        "rent_subsidy": ("创业经营场所租金补贴", "business premises rent subsidy"),
    }
    enters_work = True

    def __init__(self, model, params):
        super().__init__(model, params)
        self._started = np.zeros(0, dtype=bool)  # worker rows who started a business in the run
        self._rent_on = np.zeros(0, dtype=bool)  # sole traders whose rent subsidy runs
        # grants as columns: founder row, firm row (-1 sole trader), opening month, rent months left
        self.founder = np.empty(0, dtype=np.int64)
        self.firm = np.empty(0, dtype=np.int64)
        self.opened = np.empty(0, dtype=np.int64)
        self.rent_left = np.empty(0, dtype=np.int64)

    def counted(self) -> float:
        """Opening subsidy every first-time founder can count on."""
        return min(self.p.opening_subsidy, self.p.opening_subsidy_firm)

    # --- eligibility ---------------------------------------------------------------------

    def first_timers(self, rows: np.ndarray) -> np.ndarray:
        w = self.model.workers
        self._started = grown(self._started, len(w))
        return ~self._started[rows] & self.takes_up(w.id[rows])

    # --- behavioural channel -------------------------------------------------------------

    def startup_credit(self, rows: np.ndarray, need: np.ndarray) -> np.ndarray | float:
        if not self.active() or self.counted() == 0 or len(rows) == 0:
            return 0.0
        if self.p.budget is not None and self.paid_in_year.get(year_of(self.model.month), 0.0) >= self.p.budget:
            return 0.0  # the year's money is spent: nothing to count on
        return np.where(self.first_timers(rows), self.counted(), 0.0)

    def started(self, founders: np.ndarray, need: np.ndarray, credit: np.ndarray) -> None:
        if len(founders) == 0:
            return
        if self.active():
            new = founders[self.first_timers(founders)]
            self.founder = np.concatenate([self.founder, new])
            self.firm = np.concatenate([self.firm, np.full(len(new), -1)])
            self.opened = np.concatenate([self.opened, np.full(len(new), self.model.month)])
            self.rent_left = np.concatenate([self.rent_left, np.full(len(new), self.p.rent_months)])
            self.admit(self.model.workers.weight[new], workers=new)
        self._started = grown(self._started, len(self.model.workers))
        self._started[founders] = True

    def self_employment_exit(self, rows: np.ndarray) -> np.ndarray | float:
        if not self._rent_on.any():
            return 1.0
        on = np.zeros(len(rows), dtype=bool)
        known = rows < len(self._rent_on)
        on[known] = self._rent_on[rows[known]]
        return np.where(on, self.p.rent_exit_factor, 1.0)

    def separated(self, rows: np.ndarray, reason: int) -> None:
        """A failed business ends its rent subsidy."""
        if reason != Separation.BUSINESS_FAILURE or len(self.founder) == 0:
            return
        self.rent_left[np.isin(self.founder, rows)] = 0
        known = rows[rows < len(self._rent_on)]
        self._rent_on[known] = False

    # --- payment -------------------------------------------------------------------------

    def monthly(self) -> None:
        m, w, f = self.model, self.model.workers, self.model.firms
        if len(self.founder) == 0:
            return
        new = np.flatnonzero(self.opened == m.month)
        b = self.founder[new]
        employer = w.employer[b]
        owns = employer >= 0
        owns[owns] = f.owner[employer[owns]] == b[owns]
        self.firm[new[owns]] = employer[owns]

        firm = self.firm
        safe = np.maximum(firm, 0)
        operating = (w.status[self.founder] == Status.SELF_EMPLOYED) & np.where(
            firm >= 0, f.alive[safe] & (w.employer[self.founder] == firm), w.employer[self.founder] < 0
        )
        self.rent_left[~operating] = 0

        new = new[operating[new]]
        sole, firms = new[firm[new] < 0], new[firm[new] >= 0]
        rows = self.founder[sole]
        self.pay("opening_subsidy", self.p.opening_subsidy, Recipient.WORKER, rows, w.weight[rows].astype(np.float64))
        to = firm[firms]
        self.pay("opening_subsidy", self.p.opening_subsidy_firm, Recipient.FIRM, to, f.weight[to].astype(np.float64),
                 cash=self.p.opening_subsidy_firm - self.counted())  # the rest already financed its opening capital
        rows = self.founder[new]
        mark = self.p.trademark_subsidy * self.p.trademarks
        self.pay("trademark_subsidy", mark, Recipient.WORKER, rows, w.weight[rows].astype(np.float64))

        self._rent_on = grown(self._rent_on, len(w))
        self._rent_on[self.founder] = False
        renting = np.flatnonzero(self.rent_left > 0)
        sole, firms = renting[firm[renting] < 0], renting[firm[renting] >= 0]
        rows = self.founder[sole]
        paid = self.pay("rent_subsidy", self.p.rent_subsidy, Recipient.WORKER, rows, w.weight[rows].astype(np.float64))
        to = firm[firms]
        self.pay("rent_subsidy", self.p.rent_subsidy, Recipient.FIRM, to, f.weight[to].astype(np.float64))
        self.rent_left[renting] -= 1
        self._rent_on[rows[paid & (self.rent_left[sole] > 0)]] = True

        keep = (self.rent_left > 0) | (self.opened >= m.month)
        if not keep.all():
            self.founder, self.firm = self.founder[keep], self.firm[keep]
            self.opened, self.rent_left = self.opened[keep], self.rent_left[keep]
