"""``pes_services``: public employment services (公共就业服务), catalogue §2.11.

Clauses: 003 (三) (follow up every registered unemployed person at least once a month:
每月至少进行1次跟踪回访; at least one special job fair for the unemployed a quarter), 001 (十六)
(at least 100 job fairs a year), 002 §18 (at least one specialised recruitment event a week
and one general event a month), 000 §三(一)4 and 003 (九) (one-to-one assistance for
hard-to-employ people: "一对一"就业援助).

- eligibility: follow-up contacts go to every registered unemployed person; one-to-one
  assistance to those of them who are hard to employ (:func:`lmsim.groups.hard_to_employ`);
  both are offered and taken up (``take_up``) by the person. Each job fair reaches a share
  ``fair_reach`` of all unemployed seekers, registered or not, so in a month a seeker is
  reached with probability ``1 - (1 - fair_reach) ** fairs_per_month``. Services are delivered
  only in the window;
- behavioural channel: a service delivered late in a month raises the person's search
  effectiveness in the next month's matching (``search_effort``): ``follow_up_effort``,
  ``fair_effort`` and ``assistance_effort`` multiply for those who get several;
- payment: from the employment subsidy fund: ``follow_ups_per_month x follow_up_cost`` and
  ``assistance_cost`` per person served (entries name the person served; the money pays the
  service), and ``fairs_per_month x fair_cost`` as one aggregate entry a month. Under a
  budget, follow-ups are paid first, then one-to-one assistance, then the month's fairs;
  a person (or the month's fairs) refused for want of budget gets no service. A service with
  a zero cost is delivered free, with no ledger entry;
- indicators: claims and recipients count persons served (once per service) plus the fairs
  held in the month (``fairs_per_month``), with the yuan paid and refused; entrants the
  persons followed up or assisted for the first time.

The documents set the frequency of contacts and fairs but neither their cost nor their
effect: the costs (30 yuan a contact, 20,000 yuan a fair, 300 yuan a person-month of
one-to-one assistance), the reach of a fair (5 % of seekers) and the effects (x1.1, x1.2,
x1.5) are choices of this model. The default of one fair a month sits between 003's one
special fair a quarter (1/3 a month) and 002 §18's weekly fair plus a monthly one (about 5.3).
"""

from __future__ import annotations

from typing import Annotated, ClassVar

import numpy as np
from pydantic import Field

from .. import groups
from ..columns import grown
from ..ledger import Fund, Recipient
from ..population import Status
from ..units import Share, Yuan, param
from .base import AppliedLeverParams, Lever

Multiplier = Annotated[float, Field(ge=1.0, le=5.0)]


class Params(AppliedLeverParams):
    follow_ups_per_month: int = param(1, unit="follow ups a month", ref="003 (三): at least 1", neutral=0, ge=0, le=8, description="follow-up contacts per registered unemployed person a month")
    follow_up_cost: Yuan = param(30.0, unit="yuan", ref="documented default: no number in the documents", description="yuan per follow-up contact")
    follow_up_effort: Multiplier = param(1.1, unit="multiplier", ref="documented default: a choice of this model", description="search-effectiveness multiplier of a person followed up")
    fairs_per_month: Annotated[float, Field(ge=0.0, le=31.0)] = param(1.0, unit="fairs a month", ref="003 (三): 1/3; 001 (十六): 8.3; 002 §18: about 5.3", neutral=0.0, description="job fairs a month (1/3 in 003 (三), 8.3 in 001 (十六), about 5.3 in 002 §18)")
    fair_cost: Yuan = param(20_000.0, unit="yuan", ref="documented default: no number in the documents", description="yuan per job fair")
    fair_reach: Share = param(0.05, unit="share", ref="documented default: a choice of this model", description="share of unemployed seekers one fair reaches")
    fair_effort: Multiplier = param(1.2, unit="multiplier", ref="documented default: a choice of this model", description="search-effectiveness multiplier of a seeker a fair reached")
    assistance: bool = param(True, unit="yes/no", ref="000 §三(一)4, 003 (九)", neutral=False, description="one-to-one assistance for registered hard-to-employ people")
    assistance_cost: Yuan = param(300.0, unit="yuan", ref="documented default: no number in the documents", description="yuan per person-month of one-to-one assistance")
    assistance_effort: Multiplier = param(1.5, unit="multiplier", ref="documented default: a choice of this model", description="search-effectiveness multiplier of a person assisted one-to-one")


class PesServices(Lever):
    name, fund, Params = "pes_services", Fund.EMPLOYMENT_SUBSIDY, Params
    title, catalogue, clauses = "public employment services (公共就业服务)", "2.11", ("003 (三)", "001 (十六)", "002 §18", "000 §三(一)4", "003 (九)")
    lines: ClassVar = {
        "pes_follow_up": ("跟踪回访", "follow-up contacts"),
        "pes_one_to_one": ("一对一就业援助", "one-to-one assistance"),
        "pes_job_fairs": ("招聘会", "job fairs"),
    }
    # deadweight horizon: in work 6 months after first served. Job-search assistance acts soon
    # or not at all: Card, Kluve and Weber (2018, JEEA 16(3)) find its effects concentrated in
    # the short term (up to a year after the programme); 6 months is a choice inside it
    outcome_months = 6

    def __init__(self, model, params):
        super().__init__(model, params)
        self._effort = np.ones(0)  # per worker row: search effectiveness from last month's services
        self._ever = np.zeros(0, dtype=bool)  # per worker row: ever followed up or assisted
        self._served: np.ndarray = np.empty(0, dtype=np.int64)  # rows whose effort is not 1
        self._for_month = -1  # the month that effort applies to

    def _deliver(self, line: str, rows: np.ndarray, cost: float, effort: float, personal: bool = True) -> None:
        """Pay ``cost`` per person and raise the effort of those paid (all of them if free);
        count people served personally for the first time as entrants."""
        w = self.model.workers
        if cost > 0:
            rows = rows[self.pay(line, cost, Recipient.WORKER, rows, w.weight[rows].astype(np.float64))]
        self._effort[rows] *= effort
        self._served = np.concatenate([self._served, rows])
        if personal:
            first = np.unique(rows[~self._ever[rows]])
            self._ever[first] = True
            self.admit(w.weight[first], workers=first)

    def monthly(self) -> None:
        if not self.active():
            return
        m, w, p = self.model, self.model.workers, self.p
        self._ever, self._effort = grown(self._ever, len(w), False), grown(self._effort, len(w), 1.0)
        self._effort[self._served] = 1.0
        self._served = np.empty(0, dtype=np.int64)
        self._for_month = m.month + 1

        unemployed = m.rows_in(Status.UNEMPLOYED)
        registered = unemployed[groups.members(m, "registered_unemployed", unemployed)]
        engaged = registered[self.takes_up(w.id[registered])]
        if p.follow_ups_per_month > 0:
            self._deliver("pes_follow_up", engaged, p.follow_ups_per_month * p.follow_up_cost, p.follow_up_effort)
        if p.assistance:
            hard = engaged[groups.hard_to_employ(m, engaged)]
            self._deliver("pes_one_to_one", hard, p.assistance_cost, p.assistance_effort)
        if p.fairs_per_month > 0:
            held = p.fair_cost == 0 or self.pay(
                "pes_job_fairs", p.fair_cost, Recipient.AGGREGATE, np.array([-1]), np.array([p.fairs_per_month])
            )[0]
            if held:
                reach = 1 - (1 - p.fair_reach) ** p.fairs_per_month
                self._deliver("pes_job_fairs", unemployed[self.draw(w.id[unemployed]) < reach], 0.0, p.fair_effort, personal=False)

    def search_effort(self, seekers: np.ndarray) -> np.ndarray | float:
        if self._for_month != self.model.month or len(self._served) == 0:
            return 1.0
        effort = np.ones(len(seekers))
        known = seekers < len(self._effort)
        effort[known] = self._effort[seekers[known]]
        return effort
