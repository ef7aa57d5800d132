"""The employment agencies, as mesa agents: they act on whole populations through the ledger.
(The social-insurance agency, with the contribution rules it applies, is
:mod:`lmsim.social_insurance`.)

- :class:`PublicEmploymentService` (公共就业服务机构) registers the unemployed; registered
  seekers search more effectively (see :mod:`lmsim.labour`);
- :class:`UnemploymentInsuranceFund` takes claims from insured job losers and
  pays the benefit and the recipients' medical insurance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from . import rng
from .ledger import Fund, Recipient
from .population import Separation, Status
from .rng import Purpose

if TYPE_CHECKING:
    from .market import Market


#: the ledger lines the UI fund posts without any lever: line -> (Chinese name, English name)
LINES: dict[str, tuple[str, str]] = {
    "ui_benefit": ("失业保险金", "unemployment-insurance benefit"),
    "ui_recipient_medical_insurance": ("领取失业保险金人员参加职工基本医疗保险费", "medical insurance of benefit recipients"),
}


class PublicEmploymentService(mesa.Agent):
    """Registers unemployed job seekers (失业登记) and takes them off the register by the rules
    (:meth:`lmsim.statistics.Registers.deregister`)."""

    model: Market

    def register(self) -> None:
        m = self.model
        w, beh = m.workers, m.scenario.behaviour
        seekers = m.rows_in(Status.UNEMPLOYED)
        if beh.registration_rate or beh.registration_rate_other:
            candidates = seekers[~w.registered[seekers]]
            urban_local = w.urban_hukou[candidates] & w.local[candidates]
            rate = np.where(urban_local, beh.registration_rate, beh.registration_rate_other)
            joins = rng.bernoulli(m.seed, w.id[candidates], m.month, Purpose.REGISTRATION, rate)
            w.registered[candidates[joins]] = True
        m.registers.deregister()


class UnemploymentInsuranceFund(mesa.Agent):
    """Pays unemployment-insurance benefit (失业保险金) and recipients' medical insurance."""

    model: Market

    def rules(self) -> tuple[float, dict[int, int]]:
        """Monthly benefit (yuan) and benefit months by full years of contributions: the
        scenario's [ui] table, as a benefit lever in force changes them."""
        ui = self.model.scenario.ui
        level = ui.benefit_share_of_minimum_wage * self.model.scenario.region.minimum_wage if ui.enabled else 0.0
        durations = {int(k): v for k, v in ui.duration_months.items()}
        return self.model.policies.benefit_rules((level, durations))

    def benefit_amount(self) -> float:
        return self.rules()[0]

    def entitlement(self, ui_months: np.ndarray) -> np.ndarray:
        """Benefit months by full years of contributions."""
        table = sorted(self.rules()[1].items())
        years = ui_months // 12
        months = np.zeros(len(ui_months), dtype=np.int16)
        for min_years, duration in table:
            months = np.where(years >= min_years, duration, months)
        return months

    def take_claims(self, job_losers: np.ndarray) -> None:
        """Insured job losers with enough contributions claim (at the claim rate) and register."""
        m = self.model
        w, ui = m.workers, m.scenario.ui
        if not ui.enabled or len(job_losers) == 0:
            return
        involuntary = np.isin(w.separation[job_losers], (Separation.LAYOFF, Separation.FIRM_EXIT))
        enough = w.ui_months[job_losers] >= ui.minimum_contribution_months
        eligible = job_losers[involuntary & w.insured[job_losers] & enough]
        eligible = eligible[w.status[eligible] == Status.UNEMPLOYED]
        claims = eligible[rng.bernoulli(m.seed, w.id[eligible], m.month, Purpose.UI_CLAIM, ui.claim_rate)]
        w.benefit_months_left[claims] = self.entitlement(w.ui_months[claims])
        w.ui_months[claims] = 0  # the contribution period used for a claim is not counted again
        w.registered[claims] = True

    def pay_benefits(self) -> None:
        m = self.model
        w = m.workers
        recipients = self.recipients()
        if len(recipients) == 0:
            return
        weight = w.weight[recipients].astype(np.float64)
        m.ledger.post(m.month, Fund.UI, "ui_benefit", -self.benefit_amount() * weight, Recipient.WORKER, w.id[recipients])
        premium = m.scenario.ui.medical_insurance_per_recipient * weight.sum()
        m.ledger.transfer(m.month, Fund.UI, Fund.MEDICAL, "ui_recipient_medical_insurance", premium)
        w.benefit_months_left[recipients] -= 1

    def recipients(self) -> np.ndarray:
        w = self.model.workers
        if not self.model.scenario.ui.enabled:
            return np.empty(0, dtype=np.int64)
        unemployed = self.model.rows_in(Status.UNEMPLOYED)
        return unemployed[w.benefit_months_left[unemployed] > 0]
