"""``training_subsidy``: vocational skills training subsidy (职业技能培训补贴), catalogue §2.7.

Clauses: 000 §三(三)2 (以培训就业率为依据的梯级职业技能培训补贴: the subsidy tiered by the
trainees' placement rate; free training for the "seven groups"), 000 §三(三)4 (large-scale
training funded from the unemployment insurance fund's surplus), 001 (十三) (registered
unemployed, rural transfer labour, graduates and poverty-registered labour trained to a
certificate; the subsidy for those who pass, 对培训合格的失业人员给予相应补贴).

- eligibility: job seekers (status UNEMPLOYED, in no programme) of the ``groups`` listed, from
  the vocabulary of :mod:`lmsim.groups` (default: the registered unemployed,
  ``registered_unemployed``; also ``unemployed`` (every job seeker), ``rural_surplus``
  (农村转移就业劳动者: rural hukou), ``recent_graduates`` (here only those who left school this
  calendar year or the last: 毕业年度/毕业学年, :data:`GRADUATE_WITHIN_YEARS`),
  ``poverty_registered``, ``veterans``, ``hard_to_employ``), who apply (``take_up``, a fixed propensity per
  person) and have not started a course in the last ``reenrol_after_months``. Other levers may
  add applicants among the eligible through the ``training_applicants`` hook
  (the living allowance, :mod:`.training_living_allowance`, does). Each month providers take
  at most ``capacity`` new trainees (persons), in a keyed random order;
- behavioural channel: trainees enter status TRAINING (``programme`` = this lever's code,
  ``programme_left`` = ``course_months``) and do not search: the lock-in that lowers job
  finding while enrolled. On completion they return to search; a share ``completion_rate``
  pass and earn a certificate (``skill``: none -> level 5 (初级), otherwise one level up, which
  can move their skill band and so the segment they search in). For ``boost_months`` months
  after passing, the certificate keeps an advantage: they search with effectiveness times
  ``search_boost``, and in work their risk of quitting or being the ones laid off is times
  ``separation_factor`` (the ``separation_risk`` hook): skills that make a job last, so the
  effect on being in work builds up over years as the untrained cycle through unemployment,
  the profile evaluations find (close to zero in the first year, larger two and three years
  after; calibration/evidence.toml). Trainees who retire or move away leave the programme;
- payment: to the provider (Recipient.AGENCY; the entry's id is the trainee's worker id),
  ``standard_subsidy`` per certified trainee times the share of the tier the course's
  placement rate reaches ``placement_window`` months after completion (a course is one
  month's intake; the placement rate is the share of its certified trainees still resident
  who are in work, employed or self-employed, in that month); from the employment subsidy
  fund, or the UI fund when ``paid_by_ui_fund``;
- indicators: claims (certified trainees), recipients, yuan paid, refused for want of budget;
  entrants: trainees enrolled (person-times, the T-training count).

Numbers the documents do not give (documented defaults, to be overridden per region):
capacity 140 places a month (000 §三(三)4 asks for 5,000 person-times over 2019-2021, about 139
a month); course 3 months; 90 % pass; 1,000 yuan per
certified trainee; placement measured 6 months after completion; tiers >= 80 % -> 100 %,
>= 60 % -> 80 %, below -> 60 %; 30 % of the eligible apply; a new course at most 12 months
after the last start. Fitted to evidence (``lmsim evidence training_subsidy``): the
certificate's advantage lasts 60 months, with no search boost and a separation factor of 0.35.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np
from pydantic import Field

from .. import groups
from ..columns import grown
from ..groups import group_list
from ..ledger import Fund, Recipient
from ..population import WORKING_STATUSES, Status
from ..units import Section, Share, Yuan, param
from .base import AppliedLeverParams, Lever

if TYPE_CHECKING:
    from ..market import Market

#: the target groups this lever accepts (:mod:`lmsim.groups`)
Groups = group_list(
    "registered_unemployed", "unemployed", "rural_surplus", "recent_graduates", "poverty_registered", "veterans", "hard_to_employ"
)
#: recent graduates for training: those who left school this calendar year or the last (毕业年度/毕业学年)
GRADUATE_WITHIN_YEARS = 1


class Tier(Section):
    """One step of the placement-rate ladder (梯级补贴)."""

    min_placement: Share = Field(description="lowest placement rate of the tier, share of certified trainees in work")
    share: Share = Field(description="share of standard_subsidy paid per certified trainee in this tier")


def _default_tiers() -> list[Tier]:
    return [Tier(min_placement=0.8, share=1.0), Tier(min_placement=0.6, share=0.8), Tier(min_placement=0.0, share=0.6)]


class Params(AppliedLeverParams):
    take_up: Share = param(0.3, unit="share", ref="documented default", description="share of the eligible who apply (a fixed propensity per person)")
    groups: Groups = param(unit="list of registered_unemployed, unemployed, rural_surplus, recent_graduates, poverty_registered, veterans, hard_to_employ", ref="001 (十三), 000 §三(三)2", default_factory=lambda: ["registered_unemployed"], description="job-seeker groups eligible; default the registered unemployed (recent_graduates here: this calendar year or the last)")
    capacity: int = param(140, unit="persons", ref="000 §三(三)4: 5,000 person-times / 36 months", ge=0, le=10_000_000, description="new training places a month, persons; default 140")
    course_months: int = param(3, unit="months", ref="documented default", ge=1, le=36, description="months a course lasts (trainees do not search)")
    completion_rate: Share = param(0.9, unit="share", ref="documented default", description="share of trainees who pass and earn a certificate")
    search_boost: float = param(1.0, unit="multiplier", ref="fitted 2026-12-01 to calibration/evidence.toml (training_subsidy: lock-in, the 1-year effect, the effects 2 and 3 years after the course and their growth) on a grid of search_boost x boost_months x separation_factor in the Huyi study: a boost above 1 makes the first year's effect larger than evaluations find; checked 2026-12-01 by the simulated method of moments (lmsim evidence training_subsidy --fit calibration/fits/training_subsidy.toml --runs 2 --design 8 --max-evaluations 25, J = 1.73, p = 0.63): 1.41 (90 % interval -1.6 to 4.4), an interval that holds the grid's value, so the evidence does not identify it more narrowly and the grid's value stands", ge=1.0, le=10.0, description="multiplier on certified completers' search effectiveness")
    boost_months: int = param(60, unit="months", ref="fitted 2026-12-01 to calibration/evidence.toml (training_subsidy: lock-in, the 1-year effect, the effects 2 and 3 years after the course and their growth) on a grid of search_boost x boost_months x separation_factor in the Huyi study", ge=0, le=120, description="months after completion the certificate's advantage (search boost, separation factor) lasts")
    separation_factor: Share = param(0.35, unit="multiplier", ref="fitted 2026-12-01 to calibration/evidence.toml (training_subsidy: lock-in, the 1-year effect, the effects 2 and 3 years after the course and their growth) on a grid of search_boost x boost_months x separation_factor in the Huyi study; checked 2026-12-01 by the simulated method of moments (lmsim evidence training_subsidy --fit calibration/fits/training_subsidy.toml --runs 2 --design 8 --max-evaluations 25, J = 1.73, p = 0.63): 0.16 (90 % interval -0.36 to 0.69), an interval that holds the grid's value, so the evidence does not identify it more narrowly and the grid's value stands", neutral=1.0, description="multiplier on certified completers' risk of quitting or being laid off while the advantage lasts")
    standard_subsidy: Yuan = param(1000.0, unit="yuan", ref="documented default: 1,000", neutral=0.0, description="yuan per certified trainee at the full tier")
    placement_window: int = param(6, unit="months", ref="documented default", ge=0, le=60, description="months after completion the course's placement rate is measured")
    tiers: list[Tier] = param(unit="list", ref="000 §三(三)2: 梯级补贴; documented default tiers", neutral=[], default_factory=_default_tiers, description="placement-rate tiers (min_placement, share of standard_subsidy paid); default 0.8: 1.0, 0.6: 0.8, 0: 0.6")
    paid_by_ui_fund: bool = param(False, unit="yes/no", ref="000 §三(三)4", description="paid from the UI fund's surplus instead of the employment subsidy fund")
    reenrol_after_months: int = param(12, unit="months", ref="documented default", ge=1, le=600, description="months after a course start before the same person may start another")


class TrainingSubsidy(Lever):
    name, fund, Params = "training_subsidy", Fund.EMPLOYMENT_SUBSIDY, Params
    title, catalogue, clauses = "vocational skills training subsidy (职业技能培训补贴)", "2.7", ("000 §三(三)2", "000 §三(三)4", "001 (十三)")
    lines: ClassVar = {"training_subsidy": ("职业培训补贴", "vocational training subsidy")}
    # deadweight horizon: in work 12 months after enrolment. Card, Kluve and Weber (2018, JEEA 16(3)) class programme effects by horizon: short term, up to a year after the programme;
    # a year from enrolment (a course of 3 months by default) is their short-term horizon
    outcome_months = 12

    def __init__(self, model: Market, params: Params):
        super().__init__(model, params)
        n = len(model.workers)
        self.last_start = np.full(n, -1, dtype=np.int32)  # month each person last started a course
        self.completed = np.full(n, -1, dtype=np.int32)  # month each person last passed (search boost)
        self.trainees = np.empty(0, dtype=np.int64)  # rows in the programme now
        self.cohorts: list[tuple[int, np.ndarray]] = []  # (month to pay, rows of certified trainees)

    # --- eligibility ------------------------------------------------------------------------

    def _grow(self) -> None:
        n = len(self.model.workers)
        self.last_start = grown(self.last_start, n, -1)
        self.completed = grown(self.completed, n, -1)

    def in_groups(self, rows: np.ndarray) -> np.ndarray:
        """Which of job seekers ``rows`` belong to one of the lever's ``groups``."""
        return groups.in_any(self.model, self.p.groups, rows, graduate_within_years=GRADUATE_WITHIN_YEARS)

    def eligible(self) -> np.ndarray:
        """Rows of job seekers who may start a course this month."""
        m, w = self.model, self.model.workers
        rows = m.rows_in(Status.UNEMPLOYED)
        rows = rows[w.programme[rows] == 0]
        last = self.last_start[rows]
        rows = rows[(last < 0) | (m.month - last >= self.p.reenrol_after_months)]
        return rows[self.in_groups(rows)]

    # --- behavioural channel ----------------------------------------------------------------

    def certified(self, rows: np.ndarray) -> np.ndarray:
        """Which of ``rows`` passed a course 1 to ``boost_months`` months ago."""
        self._grow()
        since = self.model.month - self.completed[rows]
        return (self.completed[rows] >= 0) & (since >= 1) & (since <= self.p.boost_months)

    def search_effort(self, seekers: np.ndarray) -> np.ndarray | float:
        if self.p.search_boost == 1.0 or self.p.boost_months == 0:
            return 1.0
        return np.where(self.certified(seekers), self.p.search_boost, 1.0)

    def separation_risk(self, rows: np.ndarray) -> np.ndarray | float:
        if self.p.separation_factor == 1.0 or self.p.boost_months == 0:
            return 1.0
        return np.where(self.certified(rows), self.p.separation_factor, 1.0)

    def monthly(self) -> None:
        self._grow()
        self._advance()
        self._pay_due()
        if self.active() and self.p.capacity > 0 and self.p.standard_subsidy > 0:  # no subsidy, no subsidised course
            self._enrol()

    def _advance(self) -> None:
        """Trainees count down their course; those who finish return to search."""
        m, w = self.model, self.model.workers
        rows = self.trainees
        if len(rows) == 0:
            return
        still = (w.status[rows] == Status.TRAINING) & (w.programme[rows] == self.code)
        gone = rows[~still & (w.programme[rows] == self.code)]  # retired or moved away
        w.programme[gone] = 0
        w.programme_left[gone] = 0
        rows = rows[still]
        w.programme_left[rows] -= 1
        done = rows[w.programme_left[rows] <= 0]
        self.trainees = rows[w.programme_left[rows] > 0]
        if len(done) == 0:
            return
        w.programme[done] = 0
        w.programme_left[done] = 0
        m.set_status(done, Status.UNEMPLOYED)
        passed = done[self.draw(w.id[done], 2) < self.p.completion_rate]
        skill = w.skill[passed]
        w.skill[passed] = np.where(skill == 0, 5, np.maximum(skill - 1, 1)).astype(w.skill.dtype)
        self.completed[passed] = m.month
        if len(passed):
            self.cohorts.append((m.month + self.p.placement_window, passed))

    def _enrol(self) -> None:
        m, w = self.model, self.model.workers
        rows = self.eligible()
        if len(rows) == 0:
            return
        ids = w.id[rows]
        applies = self.takes_up(ids)
        applies |= m.policies.training_applicants(rows)  # other levers (a living allowance) may draw more in
        rows = rows[applies]
        order = np.argsort(self.draw(w.id[rows], 1), kind="stable")
        fits = np.cumsum(w.weight[rows][order].astype(np.float64)) <= self.p.capacity + 1e-9
        rows = np.sort(rows[order[fits]])
        if len(rows) == 0:
            return
        m.set_status(rows, Status.TRAINING)
        w.programme[rows] = self.code
        w.programme_left[rows] = self.p.course_months
        self.last_start[rows] = m.month
        self.admit(w.weight[rows], workers=rows)
        self.trainees = np.concatenate([self.trainees, rows])

    # --- payment ----------------------------------------------------------------------------

    def placement_rate(self, rows: np.ndarray) -> float:
        """Share of the course's certified trainees still resident who are in work."""
        w = self.model.workers
        resident = rows[w.status[rows] < Status.RETIRED]
        weight = w.weight[resident].astype(np.float64)
        if weight.sum() == 0:
            return 0.0
        working = np.isin(w.status[resident], WORKING_STATUSES)
        return float(weight[working].sum() / weight.sum())

    def tier_share(self, placement: float) -> float:
        for tier in sorted(self.p.tiers, key=lambda t: -t.min_placement):
            if placement >= tier.min_placement - 1e-12:
                return tier.share
        return 0.0

    def _pay_due(self) -> None:
        m, w = self.model, self.model.workers
        due = [c for c in self.cohorts if c[0] <= m.month]
        self.cohorts = [c for c in self.cohorts if c[0] > m.month]
        fund = Fund.UI if self.p.paid_by_ui_fund else Fund.EMPLOYMENT_SUBSIDY
        for _, rows in due:  # one course per intake month
            amount = self.p.standard_subsidy * self.tier_share(self.placement_rate(rows))
            self.pay("training_subsidy", amount, Recipient.AGENCY, w.id[rows], w.weight[rows].astype(np.float64), fund=fund)
