"""``public_welfare_posts``: public-welfare posts as last-resort placement (公益性岗位兜底安置), catalogue §2.10.

Clauses: 001 (十六) (posts for hard-to-employ people and for unemployed graduates of purely
farming households, 零就业家庭 cleared dynamically), 003 (九) (those the market cannot place
are placed in public-welfare posts, 公益性岗位托底安置), 000 §三(一)2 (posts developed and
managed under the provincial rules), 002 §11 (at least 1,500 new urban and rural posts in
2024). Posts are paid about the minimum wage from the employment subsidy fund (就业补助资金).

- eligibility: unemployed residents not in another programme, in one of the ``priority``
  groups, who accept a post (``take_up``). The groups are filled in the order given
  (default: members of zero-employment households, 零就业家庭, then other hard-to-employ
  people, 就业困难人员, :meth:`LabourMarket.hard_to_employ`); within a group the order is a
  keyed random draw. Add ``"other"`` to open posts left over to every unemployed person;
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

This module also holds :class:`Placement`, the placement machinery it shares with
``work_relief``, and the helpers :func:`fill_places` and :func:`grown`.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
from pydantic import Field

from ..agencies import INSURANCES
from ..calendar import year_of
from ..ledger import Fund, Recipient
from ..population import Status
from ..units import Yuan
from .base import AppliedLeverParams, Lever

GROUPS = ("zero_employment_household", "hard_to_employ", "poverty_registered", "recent_graduate", "other")
Group = Literal["zero_employment_household", "hard_to_employ", "poverty_registered", "recent_graduate", "other"]


def grown(column: np.ndarray, n: int, fill) -> np.ndarray:
    """A lever's own per-agent array, extended with ``fill`` to ``n`` rows as agents arrive."""
    if len(column) >= n:
        return column
    return np.concatenate([column, np.full(n - len(column), fill, dtype=column.dtype)])


def fill_places(rows: np.ndarray, weight: np.ndarray, room: float, u: np.ndarray) -> np.ndarray:
    """The first of ``rows`` (already in placement order) whose weights fit in ``room`` persons.

    The agent that straddles the limit is taken with probability the share of it that fits
    (``u`` are its keyed draws), so on average exactly ``room`` persons are placed even when
    agents stand for several persons each.
    """
    if room <= 0 or len(rows) == 0:
        return rows[:0]
    before = np.cumsum(weight) - weight
    k = int(np.count_nonzero(before + weight <= room + 1e-9))
    if k < len(rows) and u[k] < (room - before[k]) / weight[k]:
        k += 1
    return rows[:k]


class Placement:
    """People placed in paid programme posts with status PUBLIC_WELFARE, for spells of ``months``.

    Used with :class:`Lever`; a subclass gives ``line`` and :meth:`select` (who of the
    unemployed candidates fill the open places this month, in order)."""

    line: ClassVar[str]

    def __init__(self, model, params):
        super().__init__(model, params)
        self.members = np.empty(0, dtype=np.int64)  # rows of the people in this lever's posts
        self.served = np.zeros(len(model.workers), dtype=np.int16)  # months each person held a post

    def select(self, candidates: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def wage(self) -> float:
        """Yuan a month paid to a person in a post."""
        return self.model.scenario.region.minimum_wage if self.p.wage is None else self.p.wage

    def occupied(self, rows: np.ndarray | None = None) -> float:
        """Persons in this lever's posts (or among ``rows`` of them)."""
        rows = self.members if rows is None else rows
        return float(self.model.workers.weight[rows].sum())

    def monthly(self) -> None:
        m, w = self.model, self.model.workers
        # retired, moved away (or otherwise gone): out of the programme
        here = (w.status[self.members] == Status.PUBLIC_WELFARE) & (w.programme[self.members] == self.code)
        gone = self.members[~here & (w.programme[self.members] == self.code)]
        w.programme[gone] = 0
        w.programme_left[gone] = 0
        self.members = self.members[here]
        # spells served in full end
        ended = self.members[w.programme_left[self.members] <= 0]
        self.release(ended)
        # new placements, inside the window; not of those whose spell ended this month
        self.served = grown(self.served, len(w), 0)
        limit = getattr(self.p, "max_total_months", None)
        if self.active():
            candidates = m.rows_in(Status.UNEMPLOYED)
            candidates = candidates[w.programme[candidates] == 0]
            candidates = candidates[~np.isin(candidates, ended)]
            if limit is not None:
                candidates = candidates[self.served[candidates] < limit]
            candidates = candidates[self.takes_up(w.id[candidates])]
            placed = self.select(candidates)
            if len(placed):
                m.set_status(placed, Status.PUBLIC_WELFARE)
                w.programme[placed] = self.code
                spell = self.p.months if limit is None else np.minimum(self.p.months, limit - self.served[placed])
                w.programme_left[placed] = spell
                w.wage[placed] = self.wage()
                self.members = np.concatenate([self.members, placed])
                self.admit(w.weight[placed], workers=placed)
                # a placement is an entry into work: 城镇新增就业 counts 公益性岗位安置
                m.count("new_jobs_gross", w.weight[placed].sum())
                m.count("registered_into_work", w.weight[placed][w.registered[placed]].sum())
        self.pay_members()

    def pay_members(self) -> None:
        m, w = self.model, self.model.workers
        rows = self.members
        if len(rows) == 0:
            return
        wage = np.full(len(rows), self.wage())
        contributions = np.zeros(len(rows))
        by_fund: list[np.ndarray] = []
        if getattr(self.p, "with_insurance", False):
            rates = m.si_agency.rates(m.month)
            base = m.si_agency.contribution_base(wage)
            by_fund = [base * getattr(rates, f"{name}_employer") for name, _ in INSURANCES]
            contributions = sum(by_fund)
        weight = w.weight[rows].astype(np.float64)
        paid = self.pay(self.line, wage + contributions, Recipient.WORKER, rows, weight)
        refused = (wage + contributions > 0) & ~paid
        if contributions.any() and paid.any():
            for (name, fund), part in zip(INSURANCES, by_fund):
                total = float((part * weight)[paid].sum())
                if total > 0:
                    m.ledger.post(m.month, fund, f"{self.line}_contribution_{name}", total, Recipient.FUND, np.array([int(Fund.EMPLOYMENT_SUBSIDY)]))
            w.ui_months[rows[paid & (contributions > 0)]] += 1
        w.programme_left[rows] -= 1
        self.served[rows] += 1
        self.release(rows[refused])  # a post whose wage is refused for want of budget closes

    def release(self, rows: np.ndarray) -> None:
        """People leaving their post return to search."""
        if len(rows) == 0:
            return
        m, w = self.model, self.model.workers
        m.set_status(rows, Status.UNEMPLOYED)
        w.wage[rows] = 0.0
        w.unemployed_months[rows] = 0
        w.programme[rows] = 0
        w.programme_left[rows] = 0
        self.members = self.members[~np.isin(self.members, rows)]


class Params(AppliedLeverParams):
    posts: float = Field(0.0, ge=0.0, description="posts open at a time, persons; 002 §11 asks for at least 1,500 new posts in 2024")
    wage: Yuan | None = Field(None, description="yuan a month paid to a person in a post; default the region's minimum wage")
    months: int = Field(12, ge=1, le=60, description="months of one spell in a post (default 12: posts are let on yearly agreements; no document gives a number)")
    priority: list[Group] = Field(
        default_factory=lambda: ["zero_employment_household", "hard_to_employ"],
        min_length=1,
        description="groups placed first, in order: " + ", ".join(GROUPS) + "; people in none of them are not placed ('other' is everyone)",
    )
    with_insurance: bool = Field(False, description="the fund also pays the employer social-insurance contributions on the post")
    max_total_months: int = Field(
        36, ge=1, le=600, description="months in posts a person may hold in all (default 36: the national 3-year limit; no seed gives one)"
    )


class PublicWelfarePosts(Placement, Lever):
    name = "public_welfare_posts"
    Params: ClassVar = Params
    neutral: ClassVar = {"posts": 0.0}
    enters_work = True
    fund = Fund.EMPLOYMENT_SUBSIDY
    line = "public_welfare_posts"

    def group_rank(self, rows: np.ndarray) -> np.ndarray:
        """Position of each person's first priority group in ``priority``; len(priority) for none."""
        m, w = self.model, self.model.workers
        rank = np.full(len(rows), len(self.p.priority))
        for i, group in reversed(list(enumerate(self.p.priority))):  # a loop over a handful of groups
            if group == "zero_employment_household":
                households = w.household[rows]
                known = households < len(m.household_working)
                member = ~known
                member[known] = m.household_working[households[known]] == 0
            elif group == "hard_to_employ":
                member = m.hard_to_employ(rows)
            elif group == "poverty_registered":
                member = w.poverty_registered[rows]
            elif group == "recent_graduate":
                year = year_of(m.month)
                graduated = w.graduation_year[rows]
                member = (graduated > 0) & (graduated >= year - 2) & (graduated <= year)
            else:
                member = np.ones(len(rows), dtype=bool)
            rank[member] = i
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
