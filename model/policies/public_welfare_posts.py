"""``public_welfare_posts``: public-welfare posts as last-resort placement (公益性岗位兜底安置), catalogue §2.10.

Clauses: 001 (十六) (posts for hard-to-employ people and for unemployed graduates of purely
farming households, zero-employment households cleared dynamically), 003 (九) (those the
market cannot place are placed in public-welfare posts, 公益性岗位托底安置), 000 §三(一)2 (posts
developed and managed under the provincial rules), 002 §11 (at least 1,500 new urban and
rural posts in 2024). Posts are paid about the minimum wage from the employment subsidy fund.

- eligibility: unemployed residents not in another programme, in one of the ``priority``
  groups (:mod:`lmsim.groups`), who accept a post (``take_up``). The groups are filled in the
  order given (default: members of zero-employment households, then other hard-to-employ
  people, :func:`lmsim.groups.hard_to_employ`); within a group the order is a keyed random
  draw. Add ``"everyone"`` to open posts left over to every unemployed person;
- behavioural channel: placement. Each month of the window the open posts (``posts``
  persons at a time, less those occupied) are filled; a person placed takes status
  PUBLIC_WELFARE (counted as employed, so the household is no longer workless) for
  ``months`` and does not search meanwhile; at the end of the spell, or when the month's wage
  is refused for want of budget, the person returns to search (for at least that month: a
  new spell may follow, up to ``max_total_months`` in posts in all). People who retire or
  move away leave the post;
- payment: ``wage`` (default the region's minimum wage) a month to the worker and, with
  ``with_insurance``, the employer contributions (pension, medical, unemployment) on the
  post's contribution base, all from the employment subsidy fund in one monthly entry per
  person; the contributions are credited to the insurance funds (one aggregate entry per
  fund) and a month of unemployment-insurance contributions is banked for the worker;
- indicators: claims and recipients (persons paid in the month), yuan paid and refused,
  entrants (persons placed in the month: 002 §11's "new posts" count).

Defaults no document gives: a spell of 12 months (posts are let on yearly agreements), at
most 36 months in posts a person (the national rule for placements other than people near
retirement) and the order of the priority groups. ``posts`` counts posts held at a time, in persons.

The placement machinery, shared with ``work_relief``, is :class:`~.placement.Placement`.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .. import groups
from ..groups import group_list
from ..ledger import Fund
from ..units import Yuan, param
from .base import AppliedLeverParams, Lever
from .placement import Placement, fill_places

PRIORITY_GROUPS = ("zero_employment_household", "hard_to_employ", "poverty_registered", "recent_graduates", "everyone")


class Params(AppliedLeverParams):
    posts: float = param(0.0, unit="persons", ref="002 §11", neutral=0.0, ge=0.0, description="posts open at a time, persons; 002 §11 asks for at least 1,500 new posts in 2024")
    wage: Yuan | None = param(None, unit="yuan", ref="documented default: the region's minimum wage", description="yuan a month paid to a person in a post; default the region's minimum wage")
    months: int = param(12, unit="months", ref="documented default: posts are let on yearly agreements; no document gives a number", ge=1, le=60, description="months of one spell in a post (default 12)")
    priority: group_list(*PRIORITY_GROUPS) = param(  # type: ignore[valid-type]
        default_factory=lambda: ["zero_employment_household", "hard_to_employ"],
        unit="list of " + ", ".join(PRIORITY_GROUPS), ref="001 (十六); documented default: the order of the groups",
        min_length=1,
        description="groups placed first, in order: " + ", ".join(PRIORITY_GROUPS)
        + "; people in none of them are not placed ('everyone' opens the posts left over to every unemployed person)",
    )
    with_insurance: bool = param(False, unit="yes/no", ref="000 §三(一)2 (posts managed under the provincial rules): a choice of the scenario", description="the fund also pays the employer social-insurance contributions on the post")
    max_total_months: int = param(36, unit="months", ref="documented default: the national 3-year limit; no seed gives one", ge=1, le=600, description="months in posts a person may hold in all (default 36)")


class PublicWelfarePosts(Placement, Lever):
    name, fund, Params = "public_welfare_posts", Fund.EMPLOYMENT_SUBSIDY, Params
    title, catalogue, clauses = "public-welfare posts as last-resort placement (公益性岗位兜底安置)", "2.10", ("001 (十六)", "003 (九)", "000 §三(一)2", "002 §11")
    lines: ClassVar = {
        "public_welfare_posts": ("公益性岗位补贴", "public-welfare post subsidy"),
        "public_welfare_posts_contribution_pension": ("公益性岗位养老保险补贴", "public-welfare post pension contributions"),
        "public_welfare_posts_contribution_medical": ("公益性岗位医疗保险补贴", "public-welfare post medical contributions"),
        "public_welfare_posts_contribution_ui": ("公益性岗位失业保险补贴", "public-welfare post unemployment-insurance contributions"),
    }
    enters_work = True
    line = "public_welfare_posts"
    # deadweight horizon: 0, the month of placement: the posts are last-resort placement
    # (兜底安置), the placement is the outcome paid for; would the person have been in work anyway?
    outcome_months = 0

    def group_rank(self, rows: np.ndarray) -> np.ndarray:
        """Position of each person's first priority group in ``priority``; len(priority) for none."""
        rank = np.full(len(rows), len(self.p.priority))
        for i, group in reversed(list(enumerate(self.p.priority))):  # a loop over a handful of groups
            rank[groups.members(self.model, group, rows)] = i
        return rank

    def select(self, candidates: np.ndarray) -> np.ndarray:
        room = self.p.posts - self.occupied()
        if room <= 0 or len(candidates) == 0:
            return candidates[:0]
        w = self.model.workers
        rank = self.group_rank(candidates)
        candidates, rank = candidates[rank < len(self.p.priority)], rank[rank < len(self.p.priority)]
        ids = w.id[candidates]
        order = np.lexsort((self.draw(ids, 0), rank))
        ordered = candidates[order]
        return fill_places(ordered, w.weight[ordered].astype(np.float64), room, self.draw(w.id[ordered], 1))
