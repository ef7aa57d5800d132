"""Placement in paid programme posts, shared by the levers that place people in posts
(``public_welfare_posts``, ``work_relief``) and those that fill a number of places
(``internship_subsidy``).

- :func:`fill_places`: the first of some candidates, in placement order, that fit in a number
  of places (persons), the agent straddling the limit taken with the probability of its share;
- :class:`Placement`: the mixin of a :class:`~.base.Lever` whose people hold paid posts with
  status PUBLIC_WELFARE for spells of ``months``: it ends spells, fills the open places each
  month of the window, pays the month's wage (and, with ``with_insurance``, the employer
  contributions) and returns people whose spell ends or whose pay is refused to search.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from ..columns import grown
from ..ledger import Fund, Recipient
from ..population import Status
from ..social_insurance import INSURANCES

if TYPE_CHECKING:
    from ..market import Market
    from .base import LeverParams


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

    Used with :class:`~.base.Lever`; a subclass gives ``line`` and :meth:`select` (who of the
    unemployed candidates fill the open places this month, in order)."""

    line: ClassVar[str]

    def __init__(self, model: Market, params: LeverParams):
        super().__init__(model, params)  # type: ignore[call-arg]
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
                # a placement is an entry into work: new urban jobs count placements in posts
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
