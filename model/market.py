"""The market state below the rules: the populations, the ledger, the month, and the
primitives every rule module, agency, indicator and lever changes them through.

:class:`Market` is a mesa Model (mesa owns the random-number registry and the agents); the
month's order of events is :class:`lmsim.simulation.LabourMarket`, built on it. Rule modules
(:mod:`lmsim.labour`, :mod:`lmsim.firms`, :mod:`lmsim.demography`), the agencies, the
indicators and the levers take a :class:`Market`, so none of them imports the simulation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from . import kernels
from .ledger import FUND_NAMES, Ledger
from .population import WORKING_STATUSES, Firms, Separation, Status, Workers
from .social_insurance import base_limits
from .statistics import REGISTERED_WORK, Registers

if TYPE_CHECKING:
    from .agencies import PublicEmploymentService, UnemploymentInsuranceFund
    from .policies import PolicySet
    from .scenario import Scenario
    from .social_insurance import SocialInsuranceAgency

#: the month's flows the rules count (weighted persons or firms), reset each month
FLOWS = (
    "hires", "quits", "layoffs", "exit_separations", "retirements_from_work", "departures_from_work",
    "new_jobs_gross", "startups", "business_failures", "firm_entries", "firm_exits", "retirements",
    "out_migrants", "in_migrants", "school_leavers", "registered_into_work", "exported",
    "contribution_base_billed", "contribution_base_collected",  # yuan: the social-insurance agency's bills
)

#: lookup: is a status one of people in work?
_IS_WORKING = np.isin(np.arange(len(Status)), WORKING_STATUSES).astype(np.int64)  # 1 for statuses that are work


class Market(mesa.Model):
    """The state of one local labour market: workers and firms as columns, the ledger of every
    yuan, the month, the month's flows; and the operations that keep them consistent."""

    #: the levers in force and the agencies, set by the simulation that builds the market
    policies: PolicySet
    si_agency: SocialInsuranceAgency
    pes: PublicEmploymentService
    ui_fund: UnemploymentInsuranceFund

    def __init__(self, scenario: Scenario, seed: int, workers: Workers, firms: Firms):
        super().__init__(seed=seed)
        self.scenario = scenario
        self.seed = int(seed)
        self.workers, self.firms = workers, firms
        self.month = scenario.scenario.start_month
        self.next_worker_id = int(workers.id.max()) + 1 if len(workers) else 0
        self.next_household = int(workers.household.max()) + 1 if len(workers) else 0
        self.sector_demand = np.zeros(len(scenario.region.sectors))
        self.market_demand = 0.0
        self.new_jobs_cumulative = 0.0
        working = np.isin(workers.status, WORKING_STATUSES)
        self.household_working = np.bincount(workers.household[working], minlength=self.next_household)
        weight = scenario.population.weight
        self.uniform_weight = weight if np.all(workers.weight == weight) else None
        self.ledger = Ledger({f: getattr(scenario.funds, name) for f, name in FUND_NAMES.items()})
        self.flows = dict.fromkeys(FLOWS, 0.0)
        self.indicators: dict[str, float | str] = {}
        self._job_losers: list[np.ndarray] = []
        self._rows_by_status: dict[Status, np.ndarray] = {}
        #: what the agencies record, apart from the economy itself (official statistics)
        self.registers = Registers(self)

    # --- shared operations on the populations -----------------------------------------

    def count(self, flow: str, amount: float) -> None:
        self.flows[flow] += float(amount)

    def set_status(self, rows: np.ndarray, status: Status) -> None:
        """Every change of status goes through here, so each household's count of members in
        work stays current (the zero-employment-household indicator reads it)."""
        w = self.workers
        if len(rows) == 0:
            return
        households = w.household[rows]
        if households.max() >= len(self.household_working):  # households of newcomers
            grown = np.zeros(max(int(households.max()) + 1, 2 * len(self.household_working)), dtype=np.int64)
            grown[: len(self.household_working)] = self.household_working
            self.household_working = grown
        if REGISTERED_WORK[status]:
            self.registers.entered_work(rows, w.status[rows], status)
        kernels.count_working_moves(households, w.status[rows], _IS_WORKING, _IS_WORKING[status], self.household_working)
        w.status[rows] = status
        self._rows_by_status.clear()

    def rows_in(self, status: Status) -> np.ndarray:
        """Rows of workers in a status, kept from one call to the next until a status changes.

        Callers must not modify the returned array."""
        if status not in self._rows_by_status:
            self._rows_by_status[status] = kernels.rows_with_status(self.workers.status, int(status))  # an enum costs numba 0.3 ms to type
        return self._rows_by_status[status]

    def employee_rows(self) -> np.ndarray:
        return self.rows_in(Status.EMPLOYED)

    def leave_jobs(self, rows: np.ndarray, reason: Separation, flow: str) -> None:
        """Workers lose or leave their job (or own business) and start searching."""
        w = self.workers
        if len(rows) == 0:
            return
        self.policies.separated(rows, reason)
        was_employee = w.status[rows] == Status.EMPLOYED
        self._end_jobs(rows[was_employee])
        w.last_wage[rows] = np.where(was_employee, w.wage[rows], w.last_wage[rows])
        self.set_status(rows, Status.UNEMPLOYED)
        w.wage[rows] = 0.0
        w.employer[rows] = -1
        w.separation[rows] = reason
        w.unemployed_months[rows] = 0
        self.count(flow, w.weight[rows].sum())
        if reason in (Separation.LAYOFF, Separation.FIRM_EXIT):
            self._job_losers.append(rows)

    def end_participation(self, rows: np.ndarray, status: Status, flow: str) -> None:
        """Residents retire or move away; those in work leave it (natural attrition)."""
        w, f = self.workers, self.firms
        if len(rows) == 0:
            return
        working = np.isin(w.status[rows], (Status.EMPLOYED, Status.SELF_EMPLOYED))
        from_work = "retirements_from_work" if status == Status.RETIRED else "departures_from_work"
        self.count(from_work, w.weight[rows[working]].sum())
        if status == Status.RETIRED:
            self.registers.retired_from_work(rows[working])
        self.count(flow, w.weight[rows].sum())
        owners = rows[(w.status[rows] == Status.SELF_EMPLOYED) & (w.employer[rows] >= 0)]
        f.owner[w.employer[owners]] = -1
        self._end_jobs(rows[w.status[rows] == Status.EMPLOYED])
        self.set_status(rows, status)
        w.employer[rows] = -1
        w.wage[rows] = 0.0
        w.registered[rows] = False
        w.benefit_months_left[rows] = 0

    def book_staff(self, rows: np.ndarray, sign: int) -> None:
        """Add (+1) or remove (-1) employees from their firms' staff count, payroll and insured base.

        Kept incrementally so a month costs O(movers), not O(population).
        """
        w, f = self.workers, self.firms
        floor, cap = base_limits(self.scenario)
        kernels.book_staff(rows, w.employer, w.wage, w.insured, sign, floor, cap, f.employees, f.payroll, f.insured_base)

    def _end_jobs(self, rows: np.ndarray) -> None:
        """Employees leaving their job: unbook them and bank their contribution months."""
        w = self.workers
        self.book_staff(rows, -1)
        served = np.maximum(self.month - w.job_start[rows], 0)
        w.ui_months[rows] += np.where(w.insured[rows], served, 0).astype(np.int16)
