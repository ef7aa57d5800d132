"""``internship_subsidy``: employment internships (就业见习), catalogue §2.8.

Clauses: 001 (八) ("展翅行动": internships of 3-12 months for unemployed graduates and, newly,
unemployed youth aged 16-24; the host base gets the local minimum wage per intern a month,
120 % of it when more than 50 % of its interns are kept on; paid from the employment subsidy
fund), 000 §三(一)2 (at least 50 interns a year, T-intern), 004 §16 (the subsidy may also pay
the interns' accident insurance; secondary-vocational school leavers are eligible too).

- eligibility: unemployed people not in another programme who left school this year or in
  the ``graduated_within`` years before (离校未就业毕业生), or are aged 16-24, and who apply
  (``take_up``), and have not had an internship before (one a person); each month of the
  window at most ``places`` persons start, in a keyed random order. Each intern is placed with a host drawn among operating firms with staff, with
  probability proportional to their staff (persons);
- behavioural channel: enrolment takes the intern out of search: status INTERN, counted as
  employed, ``employer`` the host (interns are not on the host's payroll books), for
  ``months``. At the end the host keeps each intern with probability ``keep_rate``: a kept
  intern is hired through the engine's hire path (:func:`lmsim.labour.hire`) at the host's
  wage level for its skill band (the firm's own layoff rules then apply as to any hire); the
  others return to search. Interns whose host closes return to search; interns who retire
  or move away leave;
- payment: each month an intern is with a host, the host gets ``subsidy_share`` of the
  region's minimum wage, or ``retained_share`` once more than ``retention_threshold`` of
  the interns who finished with it (persons) were kept on (a host with none finished yet is
  paid the base rate); one entry per host a month from the employment subsidy fund, into the
  host's cash. A host whose subsidy is refused for want of budget ends its internships (the
  interns return to search);
- indicators: claims and recipients (host firms), yuan paid and refused, entrants (persons
  starting an internship in the month: 000's "≥ 50 a year" count).

Defaults no document gives: ``months`` 6 (the documents allow 3-12), ``places`` 5 a month (000
asks for at least 50 interns a year: 5 a month gives 60), one internship a person; ``keep_rate``
(0.735) is the median of the host retention rates cities report.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .. import groups, labour
from ..columns import grown
from ..ledger import Fund, Recipient
from ..population import BAND_PREMIUM, YOUTH_BELOW_MONTHS, Status
from ..units import Share, param
from .base import AppliedLeverParams, Lever
from .placement import fill_places


class Params(AppliedLeverParams):
    places: float = param(5.0, unit="persons", ref="000 §三(一)2 (at least 50 interns a year: 5 a month gives 60)", neutral=0.0, ge=0.0, description="persons who may start an internship each month (default 5: 000 asks for at least 50 a year)")
    months: int = param(6, unit="months", ref="001 (八): 3-12", ge=3, le=12, description="months of an internship (default 6)")
    subsidy_share: float = param(1.0, unit="share", ref="001 (八)", ge=0.0, le=3.0, description="host subsidy per intern a month, share of the region's minimum wage (001 (八): 1.0)")
    retained_share: float = param(1.2, unit="share", ref="001 (八)", ge=0.0, le=3.0, description="the same for hosts that keep on more than retention_threshold of their interns (001 (八): 1.2)")
    retention_threshold: Share = param(0.5, unit="share", ref="001 (八)", description="share of finished interns kept on above which a host gets retained_share (001 (八): 50 %)")
    keep_rate: Share = param(0.735, unit="share", ref="the median of the host retention rates (留用率) cities and provinces report: Qingdao 2014 84.6 % (10,923 interns, 9,236 kept; http://rixinpaint.cn/content/2015-03/12/content_10958522.htm), Sichuan 2013 73.5 % (2,400 interns, 1,780 kept; https://m.pouringspot.com/10462/10910/12686/12688/2013/9/13/10276836.shtml), Wuxi 2006-09 about a third (https://jyzd.hnuu.edu.cn/10431/2010/0010570.html); publicity figures, likely above typical (bases keeping under 20-40 % are struck off)", description="probability the host keeps an intern on at the end")
    graduated_within: int = param(2, unit="years", ref="001 (八): unemployed graduates (离校未就业毕业生)", ge=0, le=5, description="years after leaving school a person counts as an unemployed graduate")


class InternshipSubsidy(Lever):
    name, fund, Params = "internship_subsidy", Fund.EMPLOYMENT_SUBSIDY, Params
    title, catalogue, clauses = "employment internships (就业见习)", "2.8", ("001 (八)", "000 §三(一)2", "004 §16")
    counts = "firms"
    lines: ClassVar = {"internship_subsidy": ("就业见习补贴", "internship subsidy")}
    enters_work = True
    # deadweight horizon: 12 months after the start, i.e. 6 months after an internship of the
    # default length (months = 6): an internship is a programme post, so being in it is no
    # outcome; what counts is work after it (with another length the horizon stays 12)
    outcome_months = 12

    def __init__(self, model, params):
        super().__init__(model, params)
        self.interns = np.empty(0, dtype=np.int64)  # worker rows of current interns
        self.had = np.zeros(len(model.workers), dtype=bool)  # who has had an internship
        self.finished = np.zeros(len(model.firms))  # persons who finished an internship, by host row
        self.kept = np.zeros(len(model.firms))  # of them, persons kept on

    def eligible(self, rows: np.ndarray) -> np.ndarray:
        w = self.model.workers
        graduate = groups.recent_graduates(self.model, rows, within=self.p.graduated_within)
        young = w.age_months[rows] < YOUTH_BELOW_MONTHS
        self.had = grown(self.had, len(w), False)
        return (w.status[rows] == Status.UNEMPLOYED) & (w.programme[rows] == 0) & ~self.had[rows] & (graduate | young)

    def host_rate(self, hosts: np.ndarray) -> np.ndarray:
        """Yuan per intern a month for each host: the retained rate once its record passes the threshold."""
        finished, kept = self.finished[hosts], self.kept[hosts]
        retains = (finished > 0) & (kept > self.p.retention_threshold * finished)
        share = np.where(retains, self.p.retained_share, self.p.subsidy_share)
        return share * self.model.scenario.region.minimum_wage

    def monthly(self) -> None:
        w, f = self.model.workers, self.model.firms
        self.finished, self.kept = grown(self.finished, len(f), 0.0), grown(self.kept, len(f), 0.0)
        rows = self.interns
        here = (w.status[rows] == Status.INTERN) & (w.programme[rows] == self.code)
        gone = rows[~here & (w.programme[rows] == self.code)]  # retired or moved away
        w.programme[gone] = 0
        w.programme_left[gone] = 0
        self.interns = rows[here]
        self.release(self.interns[~f.alive[w.employer[self.interns]]])
        self.finish(self.interns[w.programme_left[self.interns] <= 0])
        if self.active():
            self.enrol()
        self.pay_hosts()

    def finish(self, rows: np.ndarray) -> None:
        """Internships served in full: the host keeps some on, the rest return to search."""
        if len(rows) == 0:
            return
        m, w, f = self.model, self.model.workers, self.model.firms
        host = w.employer[rows]
        keep = self.draw(w.id[rows], 2) < self.p.keep_rate
        weight = w.weight[rows].astype(np.float64)
        self.finished += np.bincount(host, weights=weight, minlength=len(f))
        self.kept += np.bincount(host[keep], weights=weight[keep], minlength=len(f))
        kept, employer = rows[keep], host[keep]
        self.release(rows[~keep])
        w.programme[kept] = 0
        w.programme_left[kept] = 0
        self.interns = self.interns[~np.isin(self.interns, kept)]
        wage = np.maximum(f.wage[employer] * BAND_PREMIUM[f.skill_band[employer]], m.scenario.region.minimum_wage)
        labour.hire(m, kept, employer, wage)

    def enrol(self) -> None:
        m, w, f = self.model, self.model.workers, self.model.firms
        if self.p.places <= 0:
            return
        staff = np.where(f.alive, f.employees * f.weight.astype(np.float64), 0.0)
        if staff.sum() <= 0:
            return
        candidates = m.rows_in(Status.UNEMPLOYED)
        candidates = candidates[self.eligible(candidates)]
        candidates = candidates[self.takes_up(w.id[candidates])]
        if len(candidates) == 0:
            return
        ordered = candidates[np.argsort(self.draw(w.id[candidates], 0), kind="stable")]
        placed = fill_places(ordered, w.weight[ordered].astype(np.float64), self.p.places, self.draw(w.id[ordered], 3))
        cum = np.cumsum(staff)
        host = np.searchsorted(cum, self.draw(w.id[placed], 1) * cum[-1], side="right")
        m.set_status(placed, Status.INTERN)
        w.employer[placed] = host
        w.programme[placed] = self.code
        w.programme_left[placed] = self.p.months
        self.interns = np.concatenate([self.interns, placed])
        self.had[placed] = True
        self.admit(w.weight[placed], workers=placed)

    def pay_hosts(self) -> None:
        w, f = self.model.workers, self.model.firms
        rows = self.interns
        if len(rows) == 0:
            return
        persons = np.bincount(w.employer[rows], weights=w.weight[rows].astype(np.float64), minlength=len(f))
        hosts = np.flatnonzero(persons)
        amount = self.host_rate(hosts) * persons[hosts] / f.weight[hosts]  # yuan per host firm
        paid = self.pay("internship_subsidy", amount, Recipient.FIRM, hosts, f.weight[hosts].astype(np.float64))
        w.programme_left[rows] -= 1
        refused = np.zeros(len(f), dtype=bool)
        refused[hosts[(amount > 0) & ~paid]] = True
        self.release(rows[refused[w.employer[rows]]])

    def release(self, rows: np.ndarray) -> None:
        """Interns leaving their internship return to search."""
        if len(rows) == 0:
            return
        m, w = self.model, self.model.workers
        m.set_status(rows, Status.UNEMPLOYED)
        w.employer[rows] = -1
        w.unemployed_months[rows] = 0
        w.programme[rows] = 0
        w.programme_left[rows] = 0
        self.interns = self.interns[~np.isin(self.interns, rows)]
