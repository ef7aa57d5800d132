"""``placement_fee``: employment service subsidy to HR-service agencies (就业创业服务补贴),
catalogue §2.4.

Clause: 001 (十九) (Xiangtan, 2019-01-01 to 2020-12-31: a licensed human-resources service
agency (具有合法资质的人力资源服务机构) gets 300 yuan for each poverty-registered worker
(建档立卡贫困劳动力) it places who stays in work 6 months or more).

The model has no agency agents: a share ``take_up`` of poverty-registered job seekers are on
the books of a licensed agency (a fixed propensity per person), and their hires are the
agency's placements.

- eligibility: a poverty-registered job seeker on an agency's books, hired inside the window;
  the fee is owed once they have ``retention_months`` (6) of work in that job (the claim,
  tracked by the lever, lapses if they leave it, retire or move away before);
- behavioural channel: :meth:`search_effort`: the fee makes agencies look harder for their
  poverty-registered seekers, whose search effectiveness is multiplied by
  ``1 + search_boost`` while the lever admits new claims (default 0.3, as much as registration
  at the public employment service adds: ``behaviour.pes_matching_boost``; the seeds give no
  number); with a zero fee agencies have no reason to try harder and nothing changes;
- payment: ``fee`` (300 yuan) per retained placement, from the employment subsidy fund
  to the agency (``Recipient.AGENCY``; the entry's recipient id is the id of the
  worker placed, as agencies are not agents), in the month the retention is complete;
- indicators: claims (retained placements a month), recipients, yuan paid, refused for want
  of budget; entrants: placements made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from .. import groups
from ..ledger import Fund, Recipient
from ..population import Status
from ..units import NonNegative, Share, Yuan, param
from .base import AppliedLeverParams, Lever

if TYPE_CHECKING:
    from ..market import Market

_CLAIM = ("rows", "employer", "start")


class Params(AppliedLeverParams):
    take_up: Share = param(1.0, unit="share", ref="documented default: no record of agencies' books in the model, all", description="share of poverty-registered job seekers on the books of a licensed HR-service agency (default all)")
    fee: Yuan = param(300.0, unit="yuan", ref="001 (十九)", neutral=0.0, description="yuan to the agency per poverty-registered worker placed and retained")
    retention_months: int = param(6, unit="months", ref="001 (十九)", ge=1, le=60, description="months in the job before the fee is paid")
    search_boost: NonNegative = param(0.3, unit="share", ref="documented default: no source, the PES boost (behaviour.pes_matching_boost), 0.3", description="extra search effectiveness of seekers an agency works for, share")


class PlacementFee(Lever):
    name, fund, Params = "placement_fee", Fund.EMPLOYMENT_SUBSIDY, Params
    title, catalogue, clauses = "employment service subsidy to HR-service agencies (就业创业服务补贴)", "2.4", ("001 (十九)",)
    lines: ClassVar = {"placement_fee": ("就业创业服务补贴", "employment service subsidy")}
    enters_work = True

    def __init__(self, model: Market, params: Params):
        super().__init__(model, params)
        self._claims = {k: np.empty(0, dtype=np.int64) for k in _CLAIM}  # placements waiting to be retained
        self._on_books = (None, np.empty(0, dtype=np.int64))  # (month, seekers agencies work for)

    # --- eligibility ------------------------------------------------------------------

    def on_books(self, seekers: np.ndarray) -> np.ndarray:
        return groups.members(self.model, "poverty_registered", seekers) & self.takes_up(self.model.workers.id[seekers])

    # --- behavioural channel ------------------------------------------------------------

    def search_effort(self, seekers: np.ndarray) -> np.ndarray | float:
        if not self.active() or self.p.fee == 0:
            return 1.0
        served = self.on_books(seekers)
        self._on_books = (self.model.month, seekers[served])
        return 1.0 + self.p.search_boost * served

    # --- claims -------------------------------------------------------------------------

    def hired(self, rows: np.ndarray, employer: np.ndarray) -> None:
        month, served = self._on_books
        if not self.active() or month != self.model.month or len(rows) == 0:
            return
        w = self.model.workers
        placed = np.isin(rows, served)
        new = (rows[placed], employer[placed], w.job_start[rows[placed]].astype(np.int64))
        self.admit(w.weight[rows[placed]], workers=rows[placed])
        self._claims = {k: np.concatenate([self._claims[k], v]) for k, v in zip(_CLAIM, new)}

    # --- payment ------------------------------------------------------------------------

    def monthly(self) -> None:
        c = self._claims
        if len(c["rows"]) == 0:
            return
        m, w = self.model, self.model.workers
        rows = c["rows"]
        still = (w.status[rows] == Status.EMPLOYED) & (w.employer[rows] == c["employer"]) & (w.job_start[rows] == c["start"])
        due = np.flatnonzero(still & (m.month - c["start"] + 1 >= self.p.retention_months))
        self.pay("placement_fee", self.p.fee, Recipient.AGENCY, w.id[rows[due]], w.weight[rows[due]].astype(np.float64))
        keep = still
        keep[due] = False
        self._claims = {k: v[keep] for k, v in c.items()}
