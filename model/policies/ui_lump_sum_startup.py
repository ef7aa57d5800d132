"""``ui_lump_sum_startup``: the remaining unemployment benefit paid as a lump sum to a recipient
who starts a business (领取失业保险金期间自主创业的,可一次性发放剩余期限的失业保险金), catalogue §2.6.

Clause: 001 (十一).

- eligibility: a would-be founder drawing unemployment-insurance benefit (months of benefit
  left) who applies (``take_up``);
- behavioural channel: the lump sum ``benefit_months_left x`` the monthly benefit in force
  (``model.ui_fund.benefit_amount()``) counts toward the capital the founder can raise
  (``startup_credit``), so recipients whose savings fall short start. Without the lever a
  recipient who starts a business forfeits the benefit left (the engine sets it to 0); with it
  the months also go to 0, but are paid;
- payment: the UI fund pays the lump sum to the founder in the month of the start-up
  (line ``ui_lump_sum``, Recipient.WORKER). It finances the start-up capital (a firm's opening
  cash already holds it), so no other column changes. A lump sum refused for want of
  ``budget`` is lost to the founder, as without the lever;
- indicators: claims, recipients and yuan (kept by ``pay``); entrants: recipients who started a
  business with their lump sum in the month.

Only start-ups inside the window qualify.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..ledger import Fund, Recipient
from ..units import Share, param
from .base import AppliedLeverParams, Lever
from .loan_book import lookup


class Params(AppliedLeverParams):
    # the lump sum is the claimant's own remaining benefit: nobody claiming it is neutral
    take_up: Share = param(1.0, unit="share", ref="outreach and application: a choice of the scenario", neutral=0.0, description="share of those eligible who apply")


class UiLumpSumStartup(Lever):
    name = "ui_lump_sum_startup"
    Params: ClassVar = Params
    title: ClassVar = (
        "the remaining unemployment benefit paid as a lump sum to a recipient who starts a business "
        "(领取失业保险金期间自主创业的,可一次性发放剩余期限的失业保险金)"
    )
    catalogue: ClassVar = "2.6"
    clauses: ClassVar = ("001 (十一)",)
    lines: ClassVar = {"ui_lump_sum": ("一次性发放剩余期限失业保险金", "remaining unemployment benefit paid as a lump sum")}
    enters_work = True
    fund = Fund.UI

    def __init__(self, model, params):
        super().__init__(model, params)
        self._offers: tuple | None = None  # (month, rows, lump sum) between startup_credit and started

    # --- eligibility and behavioural channel ---------------------------------------------

    def startup_credit(self, rows: np.ndarray, need: np.ndarray) -> np.ndarray | float:
        self._offers = None
        m, w = self.model, self.model.workers
        if not self.active() or len(rows) == 0:
            return 0.0
        months = w.benefit_months_left[rows].astype(np.float64)
        recipients = (months > 0) & self.takes_up(w.id[rows])
        lump = np.where(recipients, months * m.ui_fund.benefit_amount(), 0.0)
        self._offers = (m.month, rows.copy(), lump)
        return lump

    # --- payment -------------------------------------------------------------------------

    def started(self, founders: np.ndarray, need: np.ndarray, credit: np.ndarray) -> None:
        m, w = self.model, self.model.workers
        if self._offers is None or self._offers[0] != m.month or len(founders) == 0:
            return
        _, rows, lump = self._offers
        self._offers = None
        lump = lump[lookup(rows, founders)]
        weight = w.weight[founders].astype(np.float64)
        paid = self.pay("ui_lump_sum", lump, Recipient.WORKER, founders, weight)
        self.admit(weight[paid], workers=founders[paid])
