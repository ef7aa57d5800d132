"""The agencies, as mesa agents: they act on whole populations through the ledger.

- :class:`SocialInsuranceAgency` (社会保险经办机构) collects pension, medical and UI
  contributions at the dated rates of the scenario;
- :class:`PublicEmploymentService` (公共就业服务机构) registers the unemployed; registered
  seekers search more effectively (see :mod:`lmsim.labour`);
- :class:`UnemploymentInsuranceFund` (失业保险基金) takes claims from insured job losers and
  pays the benefit and the recipients' medical insurance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from . import rng
from .ledger import Fund, Recipient
from .population import Separation, Status, employer_rate, rates_in_force, total_rate
from .rng import Purpose

if TYPE_CHECKING:
    from .scenario import ContributionRates
    from .simulation import LabourMarket

INSURANCES = (("pension", Fund.PENSION), ("medical", Fund.MEDICAL), ("ui", Fund.UI))


class SocialInsuranceAgency(mesa.Agent):
    """Collects social-insurance contributions from firms for their insured staff."""

    model: LabourMarket

    def rates(self, month: int) -> ContributionRates:
        """The scenario's dated rates, as any contribution-rate lever in force changes them."""
        return self.model.policies.contribution_rates(rates_in_force(self.model.scenario, month))

    def base_limits(self) -> tuple[float, float]:
        """Floor and cap of the contribution base, yuan a month: shares of the average wage."""
        c, avg = self.model.scenario.contributions, self.model.scenario.region.average_wage
        return c.base_floor * avg, c.base_cap * avg

    def contribution_base(self, wage: np.ndarray) -> np.ndarray:
        """Wage clipped to the floor and cap (缴费基数)."""
        return np.clip(wage, *self.base_limits())

    def collect(self) -> np.ndarray:
        """Bill each firm on the contribution base of its insured staff; firms short of cash fall
        into arrears (their staff keep accruing contribution months: arrears are owed, not lost).

        Returns what each firm paid as employer (its cost beyond wages).
        """
        m = self.model
        f, month = m.firms, m.month
        rates = self.rates(month)
        pays = f.alive & (f.cash >= 0)
        paid_base = float(np.dot(f.insured_base[pays], f.weight[pays]))  # the base of the month's paid bills
        for name, fund in INSURANCES:
            for side in ("employer", "employee"):
                m.ledger.post(month, fund, f"contribution_{name}_{side}", paid_base * getattr(rates, f"{name}_{side}"))
        total_due = f.insured_base * total_rate(rates)
        f.ui_premiums_this_year += np.where(pays, f.insured_base * (rates.ui_employer + rates.ui_employee), 0.0)
        f.contributions_this_year += np.where(pays, total_due, 0.0)
        f.arrears += np.where(pays | ~f.alive, 0.0, total_due)
        self._recover_arrears(rates)
        return np.where(pays, f.insured_base * employer_rate(rates), 0.0)

    def _recover_arrears(self, rates: ContributionRates) -> None:
        """Firms back in cash pay their arrears, split over the funds by the current rates."""
        m = self.model
        f = m.firms
        paying = np.flatnonzero((f.arrears > 0) & (f.cash >= f.arrears) & f.alive)
        if len(paying) == 0:
            return
        amount = f.arrears[paying]
        f.cash[paying] -= amount
        f.arrears[paying] = 0.0
        f.contributions_this_year[paying] += amount
        paid = amount * f.weight[paying]
        total = total_rate(rates) or 1.0
        for name, fund in INSURANCES:
            share = (getattr(rates, f"{name}_employer") + getattr(rates, f"{name}_employee")) / total
            m.ledger.post(m.month, fund, f"arrears_{name}", paid * share, Recipient.FIRM, f.id[paying])


class PublicEmploymentService(mesa.Agent):
    """Registers unemployed job seekers (失业登记)."""

    model: LabourMarket

    def register(self) -> None:
        m = self.model
        w, beh = m.workers, m.scenario.behaviour
        if beh.registration_rate == 0 and beh.registration_rate_other == 0:
            return
        candidates = m.rows_in(Status.UNEMPLOYED)
        candidates = candidates[~w.registered[candidates]]
        urban_local = w.urban_hukou[candidates] & w.local[candidates]
        rate = np.where(urban_local, beh.registration_rate, beh.registration_rate_other)
        joins = rng.bernoulli(m.seed, w.id[candidates], m.month, Purpose.REGISTRATION, rate)
        w.registered[candidates[joins]] = True


class UnemploymentInsuranceFund(mesa.Agent):
    """Pays unemployment-insurance benefit (失业保险金) and recipients' medical insurance."""

    model: LabourMarket

    def rules(self) -> tuple[float, dict[int, int]]:
        """Monthly benefit (yuan) and benefit months by full years of contributions: the
        scenario's [ui] table, as a benefit lever in force changes them."""
        ui = self.model.scenario.ui
        level = ui.benefit_share_of_minimum_wage * self.model.scenario.region.minimum_wage if ui.enabled else 0.0
        durations = {int(k): v for k, v in ui.duration_months.items()}
        return self.model.policies.benefit_rules(level, durations)

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
