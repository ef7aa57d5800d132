"""``in_post_training_subsidy``: in-post training by firms in difficulty (困难企业职工在岗培训补贴), catalogue §2.7.

Clause: 001 (十四): from 2019-01-01 to 2019-12-31, firms in difficulty that train their staff
in post pay from their staff-education funds; what those do not cover the employment subsidy
fund may support after assessment, at no more than 50 % of the standard
employment-skills training subsidy (不超过就业技能培训补贴标准的50%). 000 §三(一)1 also asks
firms to use internal training (内部培训) to avoid shedding staff.

- eligibility: a firm alive and in difficulty (``difficulty_months`` > 0: cash negative at the
  last settlement), that applies (``take_up``) and has not run a subsidised course this
  calendar year; it trains ``trained_share`` of its staff (rounded down; at least one) for
  ``course_months`` months, starting the month after it decides;
- behavioural channel: training is the firm's alternative to shedding surplus staff (以训稳岗):
  while the course runs, the firm keeps the staff in training rather than laying them off,
  so its layoffs fall by the number in training (``hold_layoffs``: layoffs - trainees, not
  below 0). Layoffs resume when the course ends;
- payment: ``share`` x ``standard_subsidy`` per trained employee still on the staff at the end
  of the course (the subsidy follows assessment of the course, 审核评估合格后), to the firm
  (its cash), from the employment subsidy fund; nothing if the firm has closed by then;
- indicators: claims (firms), recipients, yuan paid, refused for want of budget; entrants:
  employees starting in-post training (001 (十四)'s count of enterprise workers trained).

Trainees are a count per firm, not identified workers: the engine picks whom a firm lays off,
so the lever cannot exempt named people; for the same reason the rule that this subsidy and
the skill-upgrade subsidy are not paid twice for one employee (001 (十四)) is not modelled.

Documented defaults where the document gives no number: 50 % (the ceiling); a standard
subsidy of 1,000 yuan (as ``training_subsidy``); 20 % of staff trained; a 2-month course.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from ..calendar import year_of
from ..columns import grown
from ..ledger import Fund, Recipient
from ..units import Share, Yuan, param
from .base import AppliedLeverParams, Lever

if TYPE_CHECKING:
    from ..market import Market


class Params(AppliedLeverParams):
    share: Share = param(0.5, unit="share", ref="001 (十四): at most 50 %", description="share of the standard training subsidy paid per trained employee")
    standard_subsidy: Yuan = param(1000.0, unit="yuan", ref="documented default: 1,000 (as training_subsidy)", neutral=0.0, description="standard employment-skills training subsidy, yuan per trainee")
    trained_share: Share = param(0.2, unit="share", ref="documented default: 0.2", description="share of its staff a training firm trains")
    course_months: int = param(2, unit="months", ref="documented default: 2", ge=1, le=24, description="months an in-post course runs")


class InPostTrainingSubsidy(Lever):
    name, fund, Params = "in_post_training_subsidy", Fund.EMPLOYMENT_SUBSIDY, Params
    title, catalogue, clauses = "in-post training by firms in difficulty (困难企业职工在岗培训补贴)", "2.7", ("001 (十四)", "000 §三(一)1")
    counts = "firms"
    lines: ClassVar = {"in_post_training_subsidy": ("困难企业职工在岗培训补贴", "in-post training subsidy")}

    def __init__(self, model: Market, params: Params):
        super().__init__(model, params)
        n = len(model.firms)
        self.trainees = np.zeros(n, dtype=np.int64)  # staff in training per firm
        self.months_left = np.zeros(n, dtype=np.int32)  # months of the course still to run
        self.course_year = np.zeros(n, dtype=np.int32)  # year of the firm's last course, 0 none

    def _grow(self) -> None:
        n = len(self.model.firms)
        self.trainees = grown(self.trainees, n)
        self.months_left = grown(self.months_left, n)
        self.course_year = grown(self.course_year, n)

    # --- eligibility ------------------------------------------------------------------------

    def eligible(self) -> np.ndarray:
        m, f = self.model, self.model.firms
        ok = f.alive & (f.difficulty_months > 0) & (f.employees > 0) & (self.months_left == 0)
        ok &= self.course_year != year_of(m.month)
        rows = np.flatnonzero(ok)
        return rows[self.takes_up(f.id[rows])]

    # --- behavioural channel ----------------------------------------------------------------

    def hold_layoffs(self, layoffs: np.ndarray, target: np.ndarray) -> np.ndarray:
        self._grow()
        training = self.months_left[: len(layoffs)] > 0
        if not training.any():
            return layoffs
        kept = np.where(training, self.trainees[: len(layoffs)], 0)
        return np.maximum(layoffs - kept, 0).astype(layoffs.dtype)

    # --- payment ----------------------------------------------------------------------------

    def monthly(self) -> None:
        m, f = self.model, self.model.firms
        self._grow()
        running = np.flatnonzero(self.months_left > 0)
        self.months_left[running] -= 1
        done = running[self.months_left[running] == 0]
        if len(done):
            trained = np.minimum(self.trainees[done], f.employees[done])
            self.trainees[done] = 0
            done, trained = done[f.alive[done]], trained[f.alive[done]]
            amount = self.p.share * self.p.standard_subsidy * trained
            self.pay("in_post_training_subsidy", amount, Recipient.FIRM, done, f.weight[done].astype(np.float64))
        if not self.active() or self.p.share * self.p.standard_subsidy * self.p.trained_share == 0:
            return
        start = self.eligible()
        self.trainees[start] = np.maximum(np.floor(self.p.trained_share * f.employees[start] + 1e-9), 1)
        self.months_left[start] = self.p.course_months
        self.course_year[start] = year_of(m.month)
        self.admit(self.trainees[start] * f.weight[start])
