"""``work_relief``: work relief in public projects (以工代赈), catalogue §2.10.

Clauses: 002 §6 (work relief extended to the district's key government-funded projects, so
that local people find work near home, 群众就近务工), 004 §28 (work relief among the measures
against large-scale unemployment), 004 §2 (at least 70 % of the new jobs of funded projects
go to local labour, T-local-share).

- eligibility: unemployed residents not in another programme who take a job (``take_up``),
  only rural surplus labour (rural hukou, :mod:`lmsim.groups`) with ``rural_only``; local
  labour (local household registration, 本地户籍) is placed first, others only while they hold at most ``1 - local_share`` of the
  ``jobs``; within each group the order is a keyed random draw;
- behavioural channel: placement. Each month of the window the open jobs (``jobs`` persons at
  a time, less those occupied) are filled; a person placed takes status PUBLIC_WELFARE with
  this lever's programme code (to tell them from public-welfare posts) for ``months`` and does
  not search meanwhile; at the end, or when the month's pay is refused for want of budget,
  the person returns to search (for at least that month); people who retire or move away
  leave;
- payment: ``wage`` (default the region's minimum wage) a month to the worker, from the
  employment subsidy fund;
- indicators: claims and recipients (persons paid), yuan paid and refused, entrants (persons
  placed in the month).

Defaults no document gives: the pay (the minimum wage) and a spell of 6 months (a season of
project work). The placement machinery is :class:`~.placement.Placement`.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .. import groups
from ..ledger import Fund
from ..units import Share, Yuan, param
from .base import AppliedLeverParams, Lever
from .placement import Placement, fill_places


class Params(AppliedLeverParams):
    jobs: float = param(0.0, unit="persons", ref="002 §6", neutral=0.0, ge=0.0, description="work-relief jobs open at a time, persons")
    wage: Yuan | None = param(None, unit="yuan", ref="documented default: the region's minimum wage", description="yuan a month paid to a worker; default the region's minimum wage")
    months: int = param(6, unit="months", ref="documented default: a season of project work; no document gives a number", ge=1, le=36, description="months of one spell of project work (default 6, a season)")
    local_share: Share = param(0.7, unit="share", ref="004 §2", description="least share of the jobs kept for local labour (004 §2: at least 70 %)")
    rural_only: bool = param(False, unit="yes/no", ref="002 §6 (群众就近务工): a choice of the scenario", description="only rural-hukou labour (rural surplus labour) is placed")


class WorkRelief(Placement, Lever):
    name, fund, Params = "work_relief", Fund.EMPLOYMENT_SUBSIDY, Params
    title, catalogue, clauses = "work relief in public projects (以工代赈)", "2.10", ("002 §6", "004 §28", "004 §2")
    lines: ClassVar = {"work_relief": ("以工代赈劳务报酬", "work-relief wages")}
    enters_work = True
    line = "work_relief"
    # deadweight horizon: 0, the month of placement, as public_welfare_posts
    outcome_months = 0

    def select(self, candidates: np.ndarray) -> np.ndarray:
        w = self.model.workers
        room = self.p.jobs - self.occupied()
        if self.p.rural_only:
            candidates = candidates[groups.members(self.model, "rural_surplus", candidates)]  # all unemployed: resident
        if room <= 0 or len(candidates) == 0:
            return candidates[:0]
        candidates = candidates[np.argsort(self.draw(w.id[candidates], 0), kind="stable")]
        u = self.draw(w.id[candidates], 1)
        weight = w.weight[candidates].astype(np.float64)
        local = w.local[candidates]
        placed_local = fill_places(candidates[local], weight[local], room, u[local])
        outsiders = self.members[~w.local[self.members]]
        room_outside = min(room - self.occupied(placed_local), (1 - self.p.local_share) * self.p.jobs - self.occupied(outsiders))
        placed_outside = fill_places(candidates[~local], weight[~local], room_outside, u[~local])
        return np.concatenate([placed_local, placed_outside])
