"""What every policy lever shares: its window, take-up, budget cap, payments and indicators.

A lever is a ``[policies.NAME]`` section of a scenario (its :class:`LeverParams`) and a
:class:`Lever` subclass that the engine calls at fixed points of each month through
:class:`lmsim.policies.PolicySet`. A subclass keeps its four parts in one module:

- **eligibility**: who qualifies, tested on the agents' columns;
- **behavioural channel**: the hook that changes a decision (a firm's labour demand or layoffs,
  a founder's credit, a seeker's search effort, enrolment in a programme);
- **payment**: :meth:`Lever.pay`, which posts ledger entries on the lever's fund and line,
  refuses claims beyond the budget, and counts claims, recipients and amounts;
- **indicators**: the counts :meth:`Lever.pay` and :meth:`Lever.admit` keep, plus ``lent``
  (yuan of new loans, for loan levers), written to the ``policies`` output.

Hooks a lever may define (all optional). They are called every month: a lever admits new
claims only inside its window (:meth:`Lever.active`) but keeps the commitments it made there
afterwards (subsidies running for their duration, loans until repaid or defaulted).

=====================================  ======================================================
``year_end()``                         January, before the annual counters roll over: the
                                       firms' ``*_this_year`` columns still hold the year
                                       just ended
``contribution_rates(rates)``          returns the contribution rates in force
``cost_relief()``                      yuan a month off a firm's cost of a marginal hire
``hold_layoffs(layoffs, target)``      returns the layoffs firms still make
``search_effort(seekers)``             multiplier on seekers' search effectiveness
``reservation_shift(seekers)``         yuan added to seekers' reservation wages
``offer_top_up(seekers, employer)``    yuan a seeker would get on top of an offered wage
``leave_propensity(rows)``             multiplier on residents' out-migration hazard
``self_employment_exit(rows)``         multiplier on sole traders' exit hazard
``hired(rows, employer)``              after the month's hires
``separated(rows, reason)``            after workers lose or leave a job
``startup_credit(rows, need)``         credit the lever gives would-be founders
``started(founders, need, credit)``    after start-ups
``benefit_rules(level, durations)``    returns the UI benefit level and duration table
``monthly()``                          programmes and recurring payments, late in the month
=====================================  ======================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from zlib import crc32

import numpy as np
from pydantic import Field, model_validator

from .. import rng
from ..calendar import parse_month, year_of
from ..ledger import Fund, Recipient
from ..rng import Purpose
from ..units import Month, Section, Share, Yuan

if TYPE_CHECKING:
    from ..simulation import LabourMarket


class LeverParams(Section):
    """Fields every ``[policies.NAME]`` section has."""

    start: Month = Field(description="first month the lever acts, YYYY-MM")
    end: Month = Field(description="last month the lever acts, YYYY-MM")
    clause: str = Field(min_length=1, description="the document clause it implements, e.g. '001 (七)'")
    budget: Yuan | None = Field(None, description="yuan the lever may pay in a calendar year; later claims are refused")

    @model_validator(mode="after")
    def _window(self) -> LeverParams:
        if parse_month(self.end) < parse_month(self.start):
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class AppliedLeverParams(LeverParams):
    """A lever people or firms must apply for."""

    take_up: Share = Field(1.0, description="share of those eligible who apply")


class Lever:
    """One lever in force in a simulation."""

    name: ClassVar[str]
    Params: ClassVar[type[LeverParams]]
    fund: ClassVar[Fund]
    #: parameter values at which the lever changes nothing (zero subsidy, no places): with
    #: them a scenario reproduces its baseline exactly (tests/test_neutral.py checks it)
    neutral: ClassVar[dict[str, Any]]
    #: its entrants are people entering work it pays for (hires, placements, start-ups):
    #: ``lmsim compare`` measures their deadweight against the baseline, person by person
    enters_work: ClassVar[bool] = False

    def __init__(self, model: LabourMarket, params: LeverParams):
        self.model = model
        self.p = params
        self.start, self.end = parse_month(params.start), parse_month(params.end)
        self.key = crc32(self.name.encode())  # the lever's own sub-streams of random draws
        self.paid_in_year: dict[int, float] = {}
        self.lent_in_year: dict[int, float] = {}  # loan levers: yuan of new loans by year
        self.stats = _empty_stats()
        self.admitted: list[np.ndarray] = []  # this month's entrants by worker row, when known

    def active(self) -> bool:
        return self.start <= self.model.month <= self.end

    @property
    def code(self) -> int:
        """This lever's code in ``Workers.programme``."""
        from . import CODES

        return CODES[self.name]

    def draw(self, ids: np.ndarray, sub: int = 0) -> np.ndarray:
        """Uniform draws keyed by (seed, id, month, this lever, ``sub``) for the lever's own choices."""
        return rng.uniform(self.model.seed, ids, self.model.month, Purpose.POLICY, sub=self.key * 1000 + sub)

    def takes_up(self, ids: np.ndarray) -> np.ndarray:
        """Whether each agent applies: a fixed propensity per agent and lever, so the same
        people apply month after month and across scenarios (common random numbers)."""
        take_up = getattr(self.p, "take_up", 1.0)
        return rng.bernoulli(self.model.seed, ids, 0, Purpose.TAKE_UP, take_up, sub=self.key)

    def pay(
        self,
        line: str,
        amounts: np.ndarray | float,
        recipient: Recipient,
        rows: np.ndarray,
        weight: np.ndarray,
        fund: Fund | None = None,
    ) -> np.ndarray:
        """Pay ``amounts`` (yuan per agent) to ``rows`` (worker or firm rows) from the lever's
        fund; each entry is weighted by the persons or firms the agent stands for.

        Claims beyond the year's budget are refused in a keyed random order and counted.
        Returns which of ``rows`` were paid (zero amounts count as not paid).
        """
        m = self.model
        amounts = np.broadcast_to(np.asarray(amounts, dtype=np.float64), np.shape(rows)) * weight
        claimed = amounts > 0  # a zero amount (a neutral lever) is no claim and leaves no entry
        rows, amounts, weight = np.asarray(rows)[claimed], amounts[claimed], np.asarray(weight)[claimed]
        paid = np.ones(len(rows), dtype=bool)
        if self.p.budget is not None and len(rows):
            year = year_of(m.month)
            left = self.p.budget - self.paid_in_year.get(year, 0.0)
            ids = self._ids(recipient, rows)
            order = np.argsort(rng.bits(m.seed, ids, m.month, Purpose.BUDGET_QUEUE, sub=self.key))
            fits = np.cumsum(amounts[order]) <= left + 1e-9
            paid[order] = fits
            self.paid_in_year[year] = self.paid_in_year.get(year, 0.0) + float(amounts[paid].sum())
        ids = self._ids(recipient, rows)
        if paid.any():
            m.ledger.post(m.month, fund if fund is not None else self.fund, line, -amounts[paid], recipient, ids[paid])
        s = self.stats
        s["claims"] += float(weight.sum())
        s["recipients"] += float(weight[paid].sum())
        s["paid"] += float(amounts[paid].sum())
        s["refused"] += float(weight[~paid].sum())
        s["refused_yuan"] += float(amounts[~paid].sum())
        result = np.zeros(len(claimed), dtype=bool)
        result[np.flatnonzero(claimed)[paid]] = True
        return result

    def admit(self, weight: np.ndarray, workers: np.ndarray | None = None) -> None:
        """Count people or firms newly admitted this month (trainees enrolled, interns placed,
        loans granted, hires subsidised): the ``entrants`` indicator targets count. Levers
        whose entrants are people pass their rows as ``workers`` too, so that the entrants can
        be followed person by person (deadweight)."""
        self.stats["entrants"] += float(np.sum(weight))
        if workers is not None and len(workers):
            self.admitted.append(np.asarray(workers))

    def count_loans(self, yuan: float) -> None:
        """Record new loans made this month: the ``lent`` indicator (T-loans) and the year's volume."""
        self.stats["lent"] += yuan
        year = year_of(self.model.month)
        self.lent_in_year[year] = self.lent_in_year.get(year, 0.0) + yuan

    def _ids(self, recipient: Recipient, rows: np.ndarray) -> np.ndarray:
        if recipient == Recipient.WORKER:
            return self.model.workers.id[rows]
        if recipient == Recipient.FIRM:
            return self.model.firms.id[rows]
        return np.asarray(rows, dtype=np.int64)

    def close_month(self) -> dict[str, float]:
        """This month's indicators, and a fresh count for the next."""
        stats, self.stats = self.stats, _empty_stats()
        return stats

    def take_admitted(self) -> tuple[np.ndarray, np.ndarray]:
        """Ids and weights of the workers admitted this month (see :meth:`admit`); a fresh list."""
        rows = np.concatenate(self.admitted) if self.admitted else np.empty(0, dtype=np.int64)
        self.admitted = []
        w = self.model.workers
        return w.id[rows], w.weight[rows].astype(np.float64)


def _empty_stats() -> dict[str, float]:
    return dict.fromkeys(("claims", "recipients", "paid", "refused", "refused_yuan", "entrants", "lent"), 0.0)
