"""``skill_upgrade_subsidy``: skill-upgrade subsidy for insured employees (技能提升补贴), catalogue §2.7.

Clauses: 001 (十四) (employees who earn a level-3, -4 or -5 certificate get 1,000, 1,500 and
2,000 yuan from the UI fund), 001 (八) (2019-01-01 to 2020-12-31: the condition relaxed from
3 years of UI contributions to 1 year), 004 §21 (insured 3 years or more, certificate earned
in the year, paid by the UI fund).

Amounts by level: the default follows national practice (人社部发〔2017〕40号): level 5 (初级)
1,000 yuan, level 4 (中级) 1,500, level 3 (高级) 2,000, levels 2 and 1 nothing. 001 (十四) read
literally pairs levels 3/4/5 with 1,000/1,500/2,000; set ``amount_by_level`` = {"3": 1000.0,
"4": 1500.0, "5": 2000.0} to follow that reading.

- eligibility: an employee (status EMPLOYED) insured in the current job, with at least the
  ``min_insured_months`` of UI contributions (banked months plus the current job) in force in
  the month (a dated value: by default 36, relaxed to 12 in 2019 and 2020), whose next
  certificate level carries a subsidy, who has not had the subsidy this calendar year
  (national practice: once a year), and who applies (``take_up``);
- behavioural channel: eligible employees earn a certificate at ``rate_with_subsidy`` a month
  instead of ``base_rate``. The engine has no certification process of its own, so the
  ``base_rate`` certificates (a keyed draw below ``base_rate``) would happen without the lever
  and are left out of the simulated skills (they are paid: deadweight), while the induced
  ones (draws between ``base_rate`` and ``rate_with_subsidy``) raise ``skill`` one level (none
  -> 5 -> 4 -> 3 ...). A higher level can move the worker's skill band (levels 5-4 at least
  the middle band, 3-1 the high band), the segment they search in and so the wage of their
  next job. The lever remembers each paid level, so a level is paid once;
- payment: ``amount_by_level`` of the certificate earned, to the worker, from the UI fund;
- indicators: claims (certificates claimed), recipients, yuan paid, refused for want of budget;
  entrants: certificates claimed (employees upgraded).

Documented defaults where the documents give no number: ``base_rate`` 0.2 % a month (about
2.4 % of employees certify in a year without the subsidy) and ``rate_with_subsidy`` 0.4 %.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar

import numpy as np
from pydantic import Field, model_validator

from ..calendar import year_of
from ..columns import grown
from ..ledger import Fund, Recipient
from ..units import Dated, Share, Yuan, param
from .base import AppliedLeverParams, Lever

if TYPE_CHECKING:
    from ..market import Market


class Params(AppliedLeverParams):
    amount_by_level: dict[str, Yuan] = param(unit="table yuan", ref="001 (十四); documented default: national practice (人社部发〔2017〕40号)", neutral={}, default_factory=lambda: {"5": 1000.0, "4": 1500.0, "3": 2000.0}, description="yuan by certificate level earned (5 junior .. 1); default national practice 5: 1,000, 4: 1,500, 3: 2,000")
    min_insured_months: Dated[Annotated[int, Field(ge=0, le=600)]] = param(
        Dated({"1900-01": 36, "2019-01": 12, "2021-01": 36}),  # 3 years, relaxed to 1 from 2019-01-01 to 2020-12-31
        unit="months", ref="004 §21: 3 years; 001 (八): 1 year in 2019-2020",
        description="months of UI contributions required, by the month the requirement took effect "
        "(default 36, relaxed to 12 in 2019-2020)",
    )
    base_rate: Share = param(0.002, unit="share", ref="documented default: 0.002", description="monthly chance an employee earns a certificate without the subsidy")
    rate_with_subsidy: Share = param(0.004, unit="share", ref="documented default: 0.004", description="monthly chance with the subsidy in prospect")

    @model_validator(mode="after")
    def _levels(self) -> Params:
        bad = set(self.amount_by_level) - {"1", "2", "3", "4", "5"}
        if bad:
            raise ValueError(f"amount_by_level: levels are '1'..'5', got {sorted(bad)}")
        if self.rate_with_subsidy < self.base_rate:
            raise ValueError("rate_with_subsidy must not be below base_rate")
        return self


class SkillUpgradeSubsidy(Lever):
    name, fund, Params = "skill_upgrade_subsidy", Fund.UI, Params
    title, catalogue, clauses = "skill-upgrade subsidy for insured employees (技能提升补贴)", "2.7", ("001 (十四)", "001 (八)", "004 §21")
    lines: ClassVar = {"skill_upgrade_subsidy": ("技能提升补贴", "skill-upgrade subsidy")}
    # deadweight horizon: 12 months, the training horizon (training_subsidy). Those admitted are
    # insured employees already, so the deadweight is the share still in work a year on anyway
    outcome_months = 12

    def __init__(self, model: Market, params: Params):
        super().__init__(model, params)
        self.amounts = np.array([self.p.amount_by_level.get(str(level), 0.0) for level in range(6)])
        self.amounts[0] = 0.0
        self.held = np.zeros(len(model.workers), dtype=np.int8)  # highest level paid (certificates off-model too)
        self.paid_year = np.zeros(len(model.workers), dtype=np.int16)

    def _grow(self) -> None:
        n = len(self.model.workers)
        self.held = grown(self.held, n)
        self.paid_year = grown(self.paid_year, n)

    # --- eligibility ------------------------------------------------------------------------

    def required_months(self) -> int:
        return self.p.min_insured_months.at(self.model.month)

    def next_level(self, rows: np.ndarray) -> np.ndarray:
        """The certificate level a worker would earn next: none -> 5, otherwise one up (0 if at 1)."""
        skill, held = self.model.workers.skill[rows], self.held[rows]
        level = np.where((held > 0) & ((skill == 0) | (held < skill)), held, skill)
        return np.where(level == 0, 5, level - 1)

    def eligible(self) -> tuple[np.ndarray, np.ndarray]:
        """Eligible employees and the level they would earn."""
        m, w = self.model, self.model.workers
        rows = m.employee_rows()
        rows = rows[w.insured[rows]]
        months = w.ui_months[rows] + np.maximum(m.month - w.job_start[rows], 0)
        rows = rows[months >= self.required_months()]
        rows = rows[self.paid_year[rows] != year_of(m.month)]
        level = self.next_level(rows)
        worth = self.amounts[level] > 0
        rows, level = rows[worth], level[worth]
        applies = self.takes_up(w.id[rows])
        return rows[applies], level[applies]

    # --- behavioural channel and payment ----------------------------------------------------

    def monthly(self) -> None:
        m, w = self.model, self.model.workers
        if not self.active() or self.p.rate_with_subsidy == 0 or not self.amounts.any():
            return
        self._grow()
        rows, level = self.eligible()
        u = self.draw(w.id[rows])
        certified = u < self.p.rate_with_subsidy
        induced = certified & (u >= self.p.base_rate)
        w.skill[rows[induced]] = level[induced]
        rows, level = rows[certified], level[certified]
        self.held[rows] = level
        self.paid_year[rows] = year_of(m.month)
        self.admit(w.weight[rows], workers=rows)
        self.pay("skill_upgrade_subsidy", self.amounts[level], Recipient.WORKER, rows, w.weight[rows].astype(np.float64))
