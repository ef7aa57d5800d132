"""``training_living_allowance``: living allowance during training (培训期间生活费补贴), catalogue §2.7.

Clause: 001 (十三): from 2019-01-01 to 2020-12-31, poverty-registered labour (建档立卡贫困劳动力),
hard-to-employ people (就业困难人员) and members of zero-employment households
get 20 yuan a day during training, from the employment subsidy fund; once a year
per person (每人每年只享受一次), and not together with UI benefit (不可同时领取失业保险金).

It pays trainees of the ``training_subsidy`` programme (status TRAINING and ``programme`` equal to
that lever's code, read from the workers' columns: it does not import that lever), so it acts
only where that lever is in force too.

- eligibility: a trainee of the training programme who is poverty-registered, hard to employ
  (:func:`lmsim.groups.hard_to_employ`, which covers zero-employment households; plus the long
  unemployed: 12 months or more of unemployment before entering training), has no UI benefit
  left (``benefit_months_left`` = 0), has not had the allowance for another training spell
  this calendar year, and applies (``take_up``). Eligibility is judged once per spell, in the
  first month the lever sees it (levers run in module order, so this lever sees a course in its
  first full month, the month after enrolment): a spell admitted inside the window is paid to
  its end, one judged outside it (or refused for the once-a-year rule) is not paid at all;
- behavioural channel: the allowance draws eligible job seekers into training. Among the
  training lever's eligible pool, an eligible person (as above, judged while still a job
  seeker) who declined training (the training lever's own take-up) enrols while the
  allowance is in force with probability ``enrolment_boost`` (a fixed propensity per person),
  within the training lever's monthly capacity: the training lever asks every lever for
  the ``training_applicants`` hook and adds them to its applicants before rationing places;
- payment: ``per_day`` x ``days_per_month`` yuan for each month in training, to the worker,
  from the employment subsidy fund;
- indicators: claims (trainees paid or refused in a month), recipients, yuan paid, refused;
  entrants: training spells admitted to the allowance.

Documented defaults where 001 gives no number: 22 training days a month; every eligible
trainee claims (take_up 1); half of eligible decliners enrol because of the allowance
(``enrolment_boost`` 0.5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from .. import groups, rng
from ..calendar import year_of
from ..columns import grown
from ..ledger import Fund, Recipient
from ..population import Status
from ..rng import Purpose
from ..units import Share, Yuan, param
from .base import AppliedLeverParams, Lever

if TYPE_CHECKING:
    from ..market import Market

#: the lever whose trainees it pays, by name: its programme code is looked up in the registry
TRAINING_LEVER = "training_subsidy"


class Params(AppliedLeverParams):
    per_day: Yuan = param(20.0, unit="yuan", ref="001 (十三)", neutral=0.0, description="yuan per day of training")
    days_per_month: int = param(22, unit="days a month", ref="documented default: 22", ge=0, le=31, description="training days paid per month in training")
    enrolment_boost: Share = param(0.5, unit="share", ref="documented default", description="share of eligible people who declined training that enrol while it is in force")


class TrainingLivingAllowance(Lever):
    name, fund, Params = "training_living_allowance", Fund.EMPLOYMENT_SUBSIDY, Params
    title, catalogue, clauses = "living allowance during training (培训期间生活费补贴)", "2.7", ("001 (十三)",)
    lines: ClassVar = {"training_living_allowance": ("培训期间生活费补贴", "living allowance during training")}
    # deadweight horizon: 12 months, as training_subsidy (the allowance is paid to its trainees)
    outcome_months = 12

    def __init__(self, model: Market, params: Params):
        super().__init__(model, params)
        self.claimed_year = np.zeros(len(model.workers), dtype=np.int16)  # year of the last allowance, 0 never
        self.spell_rows = np.empty(0, dtype=np.int64)  # trainees whose current spell has been judged
        self.spell_paid = np.empty(0, dtype=bool)  # ... and whether it is paid

    @property
    def monthly_amount(self) -> float:
        return self.p.per_day * self.p.days_per_month

    def _grow(self) -> None:
        self.claimed_year = grown(self.claimed_year, len(self.model.workers))

    # --- eligibility ------------------------------------------------------------------------

    def target_group(self, rows: np.ndarray) -> np.ndarray:
        """Poverty-registered, hard to employ, zero-employment household, or long unemployed."""
        targeted = groups.in_any(self.model, ["poverty_registered", "hard_to_employ"], rows)
        return targeted | (self.model.workers.unemployed_months[rows] >= 12)

    def eligible(self, rows: np.ndarray) -> np.ndarray:
        w = self.model.workers
        self._grow()
        return (
            self.target_group(rows)
            & (w.benefit_months_left[rows] == 0)
            & (self.claimed_year[rows] != year_of(self.model.month))
            & self.takes_up(w.id[rows])
        )

    def trainees(self) -> np.ndarray:
        from . import CODES

        rows = self.model.rows_in(Status.TRAINING)
        return rows[self.model.workers.programme[rows] == CODES[TRAINING_LEVER]]

    # --- behavioural channel ----------------------------------------------------------------

    def training_applicants(self, rows: np.ndarray) -> np.ndarray:
        """Of the training lever's eligible job seekers, those the allowance draws into training."""
        if not self.active() or self.monthly_amount == 0 or self.p.enrolment_boost == 0 or len(rows) == 0:
            return np.zeros(len(rows), dtype=bool)
        m = self.model
        drawn = rng.bernoulli(m.seed, m.workers.id[rows], 0, Purpose.TAKE_UP, self.p.enrolment_boost, sub=self.key + 1)
        return drawn & self.eligible(rows)

    # --- payment ----------------------------------------------------------------------------

    def monthly(self) -> None:
        m, w = self.model, self.model.workers
        if self.monthly_amount == 0:
            return
        self._grow()
        rows = self.trainees()
        known = np.isin(self.spell_rows, rows)
        self.spell_rows, self.spell_paid = self.spell_rows[known], self.spell_paid[known]  # ended spells drop out
        new = rows[~np.isin(rows, self.spell_rows)]
        paid_new = self.eligible(new) if self.active() else np.zeros(len(new), dtype=bool)
        self.claimed_year[new[paid_new]] = year_of(m.month)
        self.admit(w.weight[new[paid_new]], workers=new[paid_new])
        self.spell_rows = np.concatenate([self.spell_rows, new])
        self.spell_paid = np.concatenate([self.spell_paid, paid_new])
        paying = self.spell_rows[self.spell_paid]
        paying = paying[w.benefit_months_left[paying] == 0]
        self.pay("training_living_allowance", self.monthly_amount, Recipient.WORKER, paying, w.weight[paying].astype(np.float64))
