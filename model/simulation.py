"""The labour-market model (a mesa Model) and the Python API to run it.

:class:`LabourMarket` holds the two populations as columns, the ledger, and the agencies as
mesa agents; :meth:`LabourMarket.step` simulates one calendar month in a fixed order:

1. January: firms' annual counters roll over (this year -> last year); the finance bureau
   pays the budget year's appropriations and transfers into the funds (and in the first month);
2. demography: ageing and retirement, migration, the July graduation season;
3. demand moves; the vacancies firms post meet the job seekers of the start of the month;
4. firms over target lay off; employees quit (not those hired this month): people who lose
   work this month search from next month, so flows follow the textbook timing
   u' = u + s (1 - u) - f u;
5. the social-insurance agency collects contributions; firms settle accounts; firms in
   difficulty too long, and failing start-ups, close; sole traders give up;
6. unemployed people start businesses; new firms enter;
7. the UI fund takes claims and pays benefits; the PES registers job seekers;
8. people leave and rejoin the labour force;
9. indicators are computed, the ledger identity checked, mesa's DataCollector records.

:class:`Simulation` is the entry point: ``Simulation.from_file(path, seed=...).run()``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd
from tqdm import tqdm

from . import demography, kernels, labour
from . import firms as firm_rules
from .agencies import PublicEmploymentService, UnemploymentInsuranceFund
from .calendar import format_month, month_of
from .indicators import COLUMNS, compute
from .market import FLOWS, Market
from .policies import POLICY_COLUMNS, PolicySet
from .population import (
    WORKING_STATUSES,
    YOUTH_BELOW_MONTHS,
    Firms,
    Separation,
    Status,
    Workers,
    synthesise,
)
from .rng import Purpose
from .scenario import Scenario, load_scenario
from .social_insurance import SocialInsuranceAgency
from .treasury import FinanceBureau
from .targets import evaluate as evaluate_targets


class LabourMarket(Market):
    """One local labour market: the market state, the agencies as mesa agents, the levers in
    force, and the month's order of events (:meth:`step`)."""

    def __init__(self, scenario: Scenario, seed: int, workers: Workers, firms: Firms, record_paths: bool = False):
        super().__init__(scenario, seed, workers, firms)
        self.policies = PolicySet(self, scenario.policies)
        self.policy_rows: list[tuple] = []
        self.admissions: list[tuple[str, str, np.ndarray, np.ndarray]] = []  # (date, lever, worker ids, weights)
        #: with record_paths, each month's worker ids in work and unemployed (for lmsim compare),
        #: and each firm's staff and cash (for the evidence on firm levers)
        self.paths: WorkPaths | None = WorkPaths() if record_paths else None
        self.firm_paths: FirmPaths | None = FirmPaths() if record_paths else None
        self.si_agency = SocialInsuranceAgency(self)
        self.pes = PublicEmploymentService(self)
        self.ui_fund = UnemploymentInsuranceFund(self)
        self.finance = FinanceBureau(self)
        self.datacollector = mesa.DataCollector(model_reporters={c: _reporter(c) for c in COLUMNS})
        for column in (firms.employees, firms.payroll, firms.insured_base):
            column[:] = 0
        self.book_staff(self.employee_rows(), +1)

    # --- the month ---------------------------------------------------------------------

    def step(self) -> None:
        self.flows = dict.fromkeys(FLOWS, 0.0)
        self.registers.reset_month()
        self._job_losers = []
        if month_of(self.month) == 1 and self.month != self.scenario.scenario.start_month:
            self.policies.year_end()
            self._roll_year()
        self.finance.appropriate()
        if self.scenario.demography.enabled:
            demography.age_and_retire(self)
            demography.migrate(self)
            demography.graduation_season(self)

        firm_rules.update_demand(self)
        demanded = firm_rules.staff_demanded(self)
        target = firm_rules.target_staff(self, demanded)  # depends on demand and cost, not on current staff
        open_posts = labour.match(self, firm_rules.vacancies(self, target))
        vacancies = float((open_posts * self.firms.weight).sum())

        kept = firm_rules.staff_kept(self, target)
        layoffs = self.policies.hold_layoffs(firm_rules.choose_layoffs(self, kept), kept)
        if layoffs.any():
            laid_off = firm_rules.pick_within_firms(self, self.employee_rows(), layoffs, Purpose.LAYOFF_CHOICE, self.policies.separation_risk)
            self.leave_jobs(laid_off, Separation.LAYOFF, "layoffs")
            self.firms.layoffs_this_year += layoffs.astype(np.int32)
        labour.quits(self)

        employer_paid = self.si_agency.collect()
        firm_rules.settle_accounts(self, demanded, employer_paid)
        firm_rules.close_firms(self, firm_rules.exits(self))
        labour.sole_trader_exits(self)
        labour.startups(self)
        firm_rules.enter(self)

        if self._job_losers:
            self.ui_fund.take_claims(np.concatenate(self._job_losers))
        self.pes.register()
        recipients = self.ui_fund.recipients()
        self.ui_fund.pay_benefits()
        labour.participation(self)
        self.policies.monthly()

        w = self.workers
        by_status, young_by_status, urban_by_status, searching = kernels.census(
            w.status, w.age_months, w.urban_hukou, w.weight, YOUTH_BELOW_MONTHS, len(Status), int(Status.UNEMPLOYED)
        )
        self._rows_by_status[Status.UNEMPLOYED] = searching
        w.unemployed_months[searching] += 1

        self.ledger.close_month(self.month)
        self.indicators = compute(self, by_status, young_by_status, urban_by_status, searching, vacancies, recipients)
        date = format_month(self.month)
        self.policy_rows += self.policies.close_month(date)
        self.admissions += [(date, *taken) for taken in self.policies.take_admitted()]
        if self.paths is not None:
            self.paths.record(w)
            self.firm_paths.record(self.firms)
        self.datacollector.collect(self)
        self.month += 1

    def release(self) -> None:
        """Let this model be freed once its results are taken. mesa 3.3 keeps every model in
        a class-level dict (``Agent._ids``, mesa issue #3179, fixed in later releases) and its
        agents refer back to it: without this, each run of a batch stays in memory."""
        for agent in list(self.agents):
            agent.remove()
        getattr(mesa.Agent, "_ids", {}).pop(self, None)

    def _roll_year(self) -> None:
        f = self.firms
        f.contributions_last_year[:] = f.contributions_this_year
        f.ui_premiums_last_year[:] = f.ui_premiums_this_year
        f.contributions_this_year[:] = 0.0
        f.ui_premiums_this_year[:] = 0.0
        f.layoffs_last_year[:] = f.layoffs_this_year
        f.layoffs_this_year[:] = 0
        f.staff_year_start[:] = f.employees
        f.hires_this_year[:] = 0


#: lookup: is a status one of people in work?
_IS_WORKING = np.isin(np.arange(len(Status)), WORKING_STATUSES)


class WorkPaths:
    """Who was in work and who unemployed at the end of each month, as bitmaps over worker
    ids (an eighth of a byte a person-month), for person-by-person comparisons of runs."""

    def __init__(self):
        self.in_work: list[np.ndarray] = []
        self.unemployed: list[np.ndarray] = []
        self.size = 0

    def record(self, w: Workers) -> None:
        self.size = max(self.size, int(w.id.max()) + 1 if len(w) else 0)
        for bits, rows in ((self.in_work, _IS_WORKING[w.status]), (self.unemployed, w.status == Status.UNEMPLOYED)):
            flags = np.zeros(self.size, dtype=bool)
            flags[w.id[rows]] = True
            bits.append(np.packbits(flags))

    def arrays(self) -> dict[str, np.ndarray]:
        """The paths as arrays for an ``.npz``: each bitmap padded to the last month's length (ids
        a month did not have yet are not in work there either) and XOR-ed with the month before,
        so the few people who changed leave the rest zero and the file compresses to a few
        percent."""
        return {"size": np.array(self.size), "in_work": _delta_bits(self.in_work), "unemployed": _delta_bits(self.unemployed)}

    @classmethod
    def from_arrays(cls, arrays: Any) -> WorkPaths:
        paths = cls()
        paths.size = int(arrays["size"])
        paths.in_work, paths.unemployed = list(_undelta_bits(arrays["in_work"])), list(_undelta_bits(arrays["unemployed"]))
        return paths

    def flags(self, which: str, month: int, ids: np.ndarray) -> np.ndarray:
        """Whether each id was in work (``which='in_work'``) or unemployed at the end of the
        ``month``-th simulated month (0-based); ids the run never had are False."""
        packed = getattr(self, which)[month]
        ids = np.asarray(ids, dtype=np.int64)
        inside = (ids >= 0) & (ids < 8 * len(packed))
        out = np.zeros(len(ids), dtype=bool)
        out[inside] = (packed[ids[inside] >> 3] >> (7 - (ids[inside] & 7))) & 1
        return out


class FirmPaths:
    """Each firm's staff at the end of each month and whether its cash was negative (short of
    cash), by firm id, with its sector and sample weight: for firm-by-firm comparisons of runs.
    Four bytes a firm-month; closed firms count no staff."""

    def __init__(self):
        self.staff: list[np.ndarray] = []  # int32 by firm id, one array a month
        self.short: list[np.ndarray] = []  # bitmaps over firm ids, one a month
        self.sector = np.zeros(0, dtype=np.int16)
        self.weight = np.zeros(0, dtype=np.float32)

    def record(self, f: Firms) -> None:
        size = int(f.id.max()) + 1 if len(f) else 0
        staff = np.zeros(size, dtype=np.int32)
        staff[f.id] = np.where(f.alive, f.employees, 0)
        short = np.zeros(size, dtype=bool)
        short[f.id] = f.alive & (f.cash < 0)
        self.staff.append(staff)
        self.short.append(np.packbits(short))
        self.sector, self.weight = np.zeros(size, dtype=np.int16), np.zeros(size, dtype=np.float32)
        self.sector[f.id], self.weight[f.id] = f.sector, f.weight

    def arrays(self) -> dict[str, np.ndarray]:
        """The paths as arrays for an ``.npz``: staff as changes from the month before (mostly
        zero), cash bitmaps XOR-ed with the month before, both padded to the last month's firms."""
        staff = _padded(self.staff)
        return {"staff": np.diff(staff, axis=0, prepend=np.zeros((1, staff.shape[1]), dtype=staff.dtype)),
                "short": _delta_bits(self.short), "sector": self.sector, "weight": self.weight}

    @classmethod
    def from_arrays(cls, arrays: Any) -> FirmPaths:
        paths = cls()
        paths.staff = list(np.cumsum(arrays["staff"], axis=0, dtype=np.int32))
        paths.short = list(_undelta_bits(arrays["short"]))
        paths.sector, paths.weight = arrays["sector"], arrays["weight"]
        return paths

    def staff_at(self, month: int, ids: np.ndarray) -> np.ndarray:
        """Staff of each firm id at the end of the ``month``-th simulated month (0-based)."""
        return _by_id(self.staff[month], ids)

    def traits(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sector and sample weight of each firm id (as last recorded)."""
        return _by_id(self.sector, ids), _by_id(self.weight, ids)

    def short_at(self, month: int, ids: np.ndarray) -> np.ndarray:
        """Whether each firm id was short of cash at the end of the ``month``-th simulated month."""
        return _by_id(np.unpackbits(self.short[month]).astype(bool), ids)


def _padded(months: list[np.ndarray]) -> np.ndarray:
    """Arrays of growing length, one a month, as a (months x longest) array padded with zeros."""
    out = np.zeros((len(months), max((len(m) for m in months), default=0)), dtype=months[0].dtype if months else np.uint8)
    for t, values in enumerate(months):  # a loop over months
        out[t, : len(values)] = values
    return out


def _delta_bits(months: list[np.ndarray]) -> np.ndarray:
    bits = _padded(months)
    bits[1:] ^= _padded(months)[:-1]
    return bits


def _undelta_bits(delta: np.ndarray) -> np.ndarray:
    return np.bitwise_xor.accumulate(delta, axis=0)


def _by_id(values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """``values[ids]``, zero (False) for ids beyond the array (firms not yet open)."""
    ids = np.asarray(ids, dtype=np.int64)
    out = np.zeros(len(ids), dtype=values.dtype)
    inside = (ids >= 0) & (ids < len(values))
    out[inside] = values[ids[inside]]
    return out


def _reporter(column: str):
    return lambda model: model.indicators[column]


@dataclass
class Results:
    """Outputs of one run: monthly indicators, ledger entries, fund balances, and each
    policy lever's monthly claims, recipients and payments."""

    monthly: pd.DataFrame
    ledger: pd.DataFrame
    balances: pd.DataFrame
    policies: pd.DataFrame
    targets: pd.DataFrame
    scenario: Scenario
    seed: int
    #: people levers admitted into work (date, lever, worker_id, weight)
    admissions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ADMISSION_COLUMNS))
    #: who was in work or unemployed each month, when the run recorded it
    paths: WorkPaths | None = None
    #: each firm's staff and cash each month, when the run recorded paths
    firm_paths: FirmPaths | None = None

    def summary(self) -> str:
        m = self.monthly
        last = m.iloc[-1]
        lines = [
            f"{self.scenario.scenario.name}: {m['date'].iloc[0]} .. {m['date'].iloc[-1]}, seed {self.seed}",
            f"  surveyed unemployment   {100 * m['surveyed_unemployment_rate'].iloc[0]:.2f}% -> {100 * last['surveyed_unemployment_rate']:.2f}%",
            f"  registered unemployment {100 * m['registered_unemployment_rate'].iloc[0]:.2f}% -> {100 * last['registered_unemployment_rate']:.2f}%",
            f"  youth unemployment      {100 * last['youth_unemployment_rate']:.2f}% at the end",
            f"  new urban jobs          {last['new_urban_jobs_cumulative']:,.0f} over {len(m)} months",
            f"  firms                   {m['firms'].iloc[0]:,.0f} -> {last['firms']:,.0f}",
        ]
        closing = self.balances[self.balances["date"] == last["date"]]
        for row in closing.itertuples():
            lines.append(f"  {row.fund:<24}closing balance {row.closing:,.0f} yuan")
        if len(self.targets):
            lines.append("  targets:")
        for t in self.targets.itertuples():
            verdict = "met" if t.met else "NOT met"
            rate = t.indicator.endswith("_rate")
            lines.append(
                f"    {t.target} {t.period}: {t.aggregate} {t.indicator} = {_number(t.achieved, rate)} "
                f"(target {t.op} {_number(t.value, rate)}): {verdict} by {_number(abs(t.margin), rate)}"
            )
        return "\n".join(lines)


ADMISSION_COLUMNS = ("date", "lever", "worker_id", "weight")


def _admissions(chunks: list[tuple[str, str, np.ndarray, np.ndarray]]) -> pd.DataFrame:
    if not chunks:
        return pd.DataFrame(columns=ADMISSION_COLUMNS)
    return pd.DataFrame({
        "date": np.repeat([c[0] for c in chunks], [len(c[2]) for c in chunks]),
        "lever": np.repeat([c[1] for c in chunks], [len(c[2]) for c in chunks]),
        "worker_id": np.concatenate([c[2] for c in chunks]),
        "weight": np.concatenate([c[3] for c in chunks]),
    })


def _number(x: float, rate: bool) -> str:
    """Rates as percentages, counts and yuan with thousands separators."""
    return f"{100 * x:.2f}%" if rate else f"{x:,.0f}"


class Simulation:
    """A scenario ready to run with a given seed."""

    def __init__(self, scenario: Scenario, seed: int | None = None, population: tuple[Workers, Firms] | None = None,
                 record_paths: bool = False):
        self.scenario = scenario
        self.seed = scenario.scenario.seed if seed is None else int(seed)
        self._population = population
        self.record_paths = record_paths

    @classmethod
    def from_file(cls, path: str | Path, seed: int | None = None, overrides: list[str] | None = None) -> Simulation:
        return cls(load_scenario(path, overrides), seed)

    def build(self) -> LabourMarket:
        if self._population is not None:
            workers, firms = self._population
        elif self.scenario.population.workers_table:
            from .tables import load_population

            workers, firms = load_population(self.scenario)
        else:
            workers, firms = synthesise(self.scenario, self.seed)
        return LabourMarket(self.scenario, self.seed, workers, firms, self.record_paths)

    def run(self, progress: bool | None = None) -> Results:
        model = self.build()
        months = self.scenario.scenario.months
        show = sys.stderr.isatty() if progress is None else progress
        for _ in tqdm(range(months), desc=self.scenario.scenario.name, unit="month", disable=not show):
            model.step()
        monthly = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        start = self.scenario.scenario.start_month
        policies = pd.DataFrame(model.policy_rows, columns=list(POLICY_COLUMNS))
        targets = evaluate_targets(self.scenario.targets, monthly, policies)
        results = Results(monthly, model.ledger.entries(), model.ledger.balances(start), policies, targets, self.scenario,
                          self.seed, _admissions(model.admissions), model.paths, model.firm_paths)
        model.release()
        return results

