"""The lever contract: what every policy lever is, declares and may do.

A lever is a ``[policies.NAME]`` section of a scenario (its :class:`LeverParams`) and a
:class:`Lever` subclass in one module of this package, which keeps four parts together:

- **eligibility**: who qualifies, tested on the agents' columns (target groups from
  :mod:`lmsim.groups`);
- **behavioural channel**: a hook that changes a decision (a firm's labour demand or layoffs,
  a founder's credit, a seeker's search effort, enrolment in a programme);
- **payment**: :meth:`Lever.pay`, which posts ledger entries on the lever's fund and line,
  refuses claims beyond the budget, credits a paid firm's cash, and counts claims,
  recipients and amounts;
- **indicators**: the counts :meth:`Lever.pay` and :meth:`Lever.admit` keep, plus ``lent``
  (yuan of new loans, for loan levers) and ``jobs`` (persons in work at the businesses a
  lever financed, a month-end stock, for the start-up loan lever), written to the ``policies``
  output.

Every hook a lever may implement is a documented no-op method of :class:`Lever`; :data:`HOOKS`
says how :class:`lmsim.policies.PolicySet` combines it across the levers in force:

- ``notify``: an event; every lever's hook is called, nothing is returned;
- ``sum``: the levers' results are added (starting from 0);
- ``product``: the levers' results are multiplied (starting from 1);
- ``chain``: each lever receives the previous lever's result as its first argument and
  returns the new value (the engine's own value goes first);
- ``any``: yes/no per agent, yes if any lever says yes.

Hooks are called every month: a lever admits new claims only inside its window
(:meth:`Lever.active`) but keeps the commitments it made there afterwards (subsidies running
for their duration, loans until repaid or defaulted).

A lever also declares, as data: its ``title`` (with the Chinese term), its ``catalogue``
section and document ``clauses``, its ``fund``, the ``lines`` it pays on (with their Chinese and
English names), and for each parameter its unit, reference, bounds and neutral value
(:func:`lmsim.units.param`).
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar
from zlib import crc32

import numpy as np
from pydantic import model_validator

from .. import rng
from ..calendar import parse_month, year_of
from ..groups import members
from ..ledger import Fund, Recipient
from ..rng import Purpose
from ..units import NO_NEUTRAL, Month, Section, Share, Yuan, meta, param

if TYPE_CHECKING:
    from ..market import Market


class Combine(Enum):
    """How :class:`lmsim.policies.PolicySet` combines one hook across levers."""

    NOTIFY = "notify"
    SUM = "sum"
    PRODUCT = "product"
    CHAIN = "chain"
    ANY = "any"


class LeverParams(Section):
    """Fields every ``[policies.NAME]`` section has."""

    start: Month = param(unit="month YYYY-MM", ref="the document's period of validity", description="first month the lever acts, YYYY-MM")
    end: Month = param(unit="month YYYY-MM", ref="the document's period of validity", description="last month the lever acts, YYYY-MM")
    clause: str = param(unit="text", ref="catalogue", min_length=1, description="the document clause it implements, e.g. '001 (七)'")
    budget: Yuan | None = param(None, unit="yuan a year", ref="the fund's appropriation for the line", description="yuan the lever may pay in a calendar year; later claims are refused")

    @model_validator(mode="after")
    def _window(self) -> LeverParams:
        if parse_month(self.end) < parse_month(self.start):
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class AppliedLeverParams(LeverParams):
    """A lever people or firms must apply for."""

    take_up: Share = param(1.0, unit="share", ref="outreach and application: a choice of the scenario", description="share of those eligible who apply")


def takes_up(seed: int, ids: np.ndarray, lever: str, take_up: float) -> np.ndarray:
    """Whether each agent would apply to ``lever`` at take-up ``take_up``: a draw fixed per
    (seed, agent, lever), made before anything happens to the agent, so it assigns people to a
    lever the way an experiment's lottery does (evaluations read it to find the non-participants)."""
    return rng.bernoulli(seed, ids, 0, Purpose.TAKE_UP, take_up, sub=crc32(lever.encode()))


class Lever:
    """One lever in force in a simulation: a subclass per lever, instantiated with its
    validated ``[policies.NAME]`` section."""

    name: ClassVar[str]
    Params: ClassVar[type[LeverParams]]
    fund: ClassVar[Fund]
    #: what it is, in English with the documents' Chinese term, e.g. "one-off post subsidy (plus its Chinese term)"
    title: ClassVar[str]
    #: its section of ``../shared/POLICY_CATALOGUE.md``, e.g. "2.4"
    catalogue: ClassVar[str]
    #: the clauses of the source documents it implements, e.g. ("001 (九)",)
    clauses: ClassVar[tuple[str, ...]]
    #: the ledger line items it pays on: line -> (Chinese name, English name)
    lines: ClassVar[dict[str, tuple[str, str]]] = {}
    #: parameter values at which the lever changes nothing (zero subsidy, no places), read from
    #: its parameters' metadata: with them a scenario reproduces its baseline exactly
    neutral: ClassVar[dict[str, Any]] = {}
    #: what its claims, recipients and refusals count (the weight it pays with): "persons",
    #: "firms" or "loans"
    counts: ClassVar[str] = "persons"
    #: its entrants are people entering work it pays for (hires, placements, start-ups):
    #: ``lmsim compare`` measures their deadweight against the baseline, person by person
    enters_work: ClassVar[bool] = False
    #: months after the admission month at which the outcome of the people it admits (being
    #: in work) is measured: ``lmsim compare``'s deadweight is the share of them in work at
    #: that horizon in the baseline run. 0 for levers paying for an entry into work (hires,
    #: placements, start-ups: would they have been in work that month anyway?); for programmes
    #: the horizon their evaluations use (a lever sets it, with its reason)
    outcome_months: ClassVar[int] = 0

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        params = cls.__dict__.get("Params")
        if params is not None:
            declared = {name: meta(field) for name, field in params.model_fields.items()}
            cls.neutral = {name: m.neutral for name, m in declared.items() if m is not None and m.neutral is not NO_NEUTRAL}

    def __init__(self, model: Market, params: LeverParams):
        self.model = model
        self.p = params
        self.start, self.end = parse_month(params.start), parse_month(params.end)
        self.key = crc32(self.name.encode())  # the lever's own sub-streams of random draws
        self.paid_in_year: dict[int, float] = {}
        self.lent_in_year: dict[int, float] = {}  # loan levers: yuan of new loans by year
        self.stats = _empty_stats()
        self.admitted: list[np.ndarray] = []  # this month's entrants by worker row, when known

    # --- the hooks: no-ops here; a lever overrides those it acts through ----------------

    def year_end(self) -> None:
        """January, before the annual counters roll over: the firms' ``*_this_year`` columns
        still hold the year just ended."""

    def contribution_rates(self, rates: Any) -> Any:
        """The social-insurance contribution rates in force this month (a ``ContributionRates``)."""
        return rates

    def cost_relief(self) -> np.ndarray | float:
        """Yuan a month off each firm's cost of a marginal hire."""
        return 0.0

    def hold_layoffs(self, layoffs: np.ndarray, target: np.ndarray) -> np.ndarray:
        """The layoffs firms still make (per firm row), given the target staff they lay off towards."""
        return layoffs

    def before_matching(self, seekers: np.ndarray) -> None:
        """This month's job seekers (worker rows), as they stand before matching."""

    def search_effort(self, seekers: np.ndarray) -> np.ndarray | float:
        """Multiplier on each seeker's search effectiveness."""
        return 1.0

    def reservation_shift(self, seekers: np.ndarray) -> np.ndarray | float:
        """Yuan added to each seeker's reservation wage."""
        return 0.0

    def offer_top_up(self, seekers: np.ndarray, employer: np.ndarray) -> np.ndarray | float:
        """Yuan a seeker would get on top of the wage ``employer`` (firm rows) offers."""
        return 0.0

    def separation_risk(self, rows: np.ndarray) -> np.ndarray | float:
        """Multiplier on employees' ``rows`` risk of quitting and of being the ones their firm
        lays off (a quit risk above 1 counts as 1)."""
        return 1.0

    def leave_propensity(self, rows: np.ndarray) -> np.ndarray | float:
        """Multiplier on residents' out-migration hazard."""
        return 1.0

    def self_employment_exit(self, rows: np.ndarray) -> np.ndarray | float:
        """Multiplier on sole traders' exit hazard."""
        return 1.0

    def hired(self, rows: np.ndarray, employer: np.ndarray) -> None:
        """After the month's hires: workers ``rows`` took jobs at firms ``employer``."""

    def separated(self, rows: np.ndarray, reason: int) -> None:
        """Workers ``rows`` are losing or leaving their job or business (a ``Separation``)."""

    def startup_credit(self, rows: np.ndarray, need: np.ndarray) -> np.ndarray | float:
        """Yuan of credit the lever gives would-be founders ``rows`` needing ``need`` yuan."""
        return 0.0

    def started(self, founders: np.ndarray, need: np.ndarray, credit: np.ndarray) -> None:
        """After the month's start-ups, with what they needed and the credit levers gave."""

    def benefit_rules(self, rules: tuple[float, dict[int, int]]) -> tuple[float, dict[int, int]]:
        """The unemployment-insurance benefit: (yuan a month, benefit months by full years of
        contributions)."""
        return rules

    def training_applicants(self, rows: np.ndarray) -> np.ndarray | bool:
        """Which of the training lever's eligible job seekers ``rows`` this lever draws into
        training (beyond those who apply anyway)."""
        return False

    def monthly(self) -> None:
        """Programmes and recurring payments, late in the month."""

    # --- what every lever shares ---------------------------------------------------------

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
        return takes_up(self.model.seed, ids, self.name, getattr(self.p, "take_up", 1.0))

    def pay(
        self,
        line: str,
        amounts: np.ndarray | float,
        recipient: Recipient,
        rows: np.ndarray,
        weight: np.ndarray,
        fund: Fund | None = None,
        cash: np.ndarray | float | None = None,
    ) -> np.ndarray:
        """Pay ``amounts`` (yuan per agent) to ``rows`` (worker or firm rows) from the lever's
        fund; each entry is weighted by the persons or firms the agent stands for. A firm paid
        receives the money in its cash: ``amounts`` per agent, or ``cash`` where only part of
        the payment reaches it (the rest already financed something else).

        Claims beyond the year's budget are refused in a keyed random order and counted.
        Returns which of ``rows`` were paid (zero amounts count as not paid).
        """
        m = self.model
        per_agent = np.broadcast_to(np.asarray(amounts, dtype=np.float64), np.shape(rows))
        amounts = per_agent * weight
        claimed = amounts > 0  # a zero amount (a neutral lever) is no claim and leaves no entry
        all_rows = rows
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
        if recipient == Recipient.WORKER and not paid.all():
            self._count_refused_groups(rows[~paid], weight[~paid])
        result = np.zeros(len(claimed), dtype=bool)
        result[np.flatnonzero(claimed)[paid]] = True
        if recipient == Recipient.FIRM and result.any():
            into_cash = per_agent if cash is None else np.broadcast_to(np.asarray(cash, dtype=np.float64), np.shape(per_agent))
            np.add.at(m.firms.cash, np.asarray(all_rows)[result], into_cash[result])
        return result

    def _count_refused_groups(self, rows: np.ndarray, weight: np.ndarray) -> None:
        """Persons refused for want of budget, by the groups of :data:`REFUSAL_GROUPS` they belong
        to (a person may count in several): who goes without when the line runs out."""
        for group in REFUSAL_GROUPS:
            self.stats[f"refused_{group}"] += float(weight[members(self.model, group, rows)].sum())

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


#: the target groups whose members refused for want of budget each lever counts (persons):
#: those the documents' head-count targets name most
REFUSAL_GROUPS = ("registered_unemployed", "recent_graduates", "rural_surplus", "hard_to_employ", "poverty_registered")

#: a lever's monthly counters, the columns of its ``policies`` rows after date and lever
STATS = ("claims", "recipients", "paid", "refused", "refused_yuan", "entrants", "lent", "jobs", *(f"refused_{g}" for g in REFUSAL_GROUPS))


def _empty_stats() -> dict[str, float]:
    return dict.fromkeys(STATS, 0.0)


#: every hook of :class:`Lever` and how :class:`lmsim.policies.PolicySet` combines it
HOOKS: dict[str, Combine] = {
    "year_end": Combine.NOTIFY,
    "contribution_rates": Combine.CHAIN,
    "cost_relief": Combine.SUM,
    "hold_layoffs": Combine.CHAIN,
    "before_matching": Combine.NOTIFY,
    "search_effort": Combine.PRODUCT,
    "reservation_shift": Combine.SUM,
    "offer_top_up": Combine.SUM,
    "separation_risk": Combine.PRODUCT,
    "leave_propensity": Combine.PRODUCT,
    "self_employment_exit": Combine.PRODUCT,
    "hired": Combine.NOTIFY,
    "separated": Combine.NOTIFY,
    "startup_credit": Combine.SUM,
    "started": Combine.NOTIFY,
    "benefit_rules": Combine.CHAIN,
    "training_applicants": Combine.ANY,
    "monthly": Combine.NOTIFY,
}
