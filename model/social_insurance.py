"""Social insurance (社会保险): the contribution rules and the agency that applies them.

The rules are functions of the scenario: the dated rate sets of ``[contributions]``, as any
contribution-rate lever in force changes them, and the contribution base's floor and cap.
:class:`SocialInsuranceAgency` (社会保险经办机构) bills firms each month on their insured staff,
posts the contributions to the pension, medical and UI funds, and keeps arrears.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from .ledger import Fund, Recipient

if TYPE_CHECKING:
    from .market import Market
    from .scenario import ContributionRates, Scenario

#: the three insurances the agency collects, with the fund each pays into
INSURANCES = (("pension", Fund.PENSION), ("medical", Fund.MEDICAL), ("ui", Fund.UI))

#: the ledger lines the agency posts: line -> (Chinese name, English name)
LINES: dict[str, tuple[str, str]] = {
    "contribution_pension_employer": ("基本养老保险单位缴费", "pension contributions, employer"),
    "contribution_pension_employee": ("基本养老保险个人缴费", "pension contributions, employee"),
    "contribution_medical_employer": ("基本医疗保险单位缴费", "medical insurance contributions, employer"),
    "contribution_medical_employee": ("基本医疗保险个人缴费", "medical insurance contributions, employee"),
    "contribution_ui_employer": ("失业保险单位缴费", "unemployment-insurance contributions, employer"),
    "contribution_ui_employee": ("失业保险个人缴费", "unemployment-insurance contributions, employee"),
    "arrears_pension": ("基本养老保险欠费补缴", "pension arrears recovered"),
    "arrears_medical": ("基本医疗保险欠费补缴", "medical insurance arrears recovered"),
    "arrears_ui": ("失业保险欠费补缴", "unemployment-insurance arrears recovered"),
}


def rates_in_force(sc: Scenario, month: int) -> ContributionRates:
    """The dated contribution-rate set that applies in ``month`` (month index)."""
    return sc.contributions.dated_rates.at(month)


def employer_rate(rates: ContributionRates) -> float:
    """The employer's rate over the three insurances, a share of the base."""
    return rates.pension_employer + rates.medical_employer + rates.ui_employer


def total_rate(rates: ContributionRates) -> float:
    """Employer plus employee rates over the three insurances."""
    return employer_rate(rates) + rates.pension_employee + rates.medical_employee + rates.ui_employee


def base_limits(sc: Scenario) -> tuple[float, float]:
    """Floor and cap of the contribution base (缴费基数), yuan a month: shares of the average wage."""
    c, avg = sc.contributions, sc.region.average_wage
    return c.base_floor * avg, c.base_cap * avg


class SocialInsuranceAgency(mesa.Agent):
    """Collects social-insurance contributions from firms for their insured staff."""

    model: Market

    def rates(self, month: int) -> ContributionRates:
        """The scenario's dated rates, as any contribution-rate lever in force changes them."""
        return self.model.policies.contribution_rates(rates_in_force(self.model.scenario, month))

    def contribution_base(self, wage: np.ndarray) -> np.ndarray:
        """Wage clipped to the floor and cap (缴费基数)."""
        return np.clip(wage, *base_limits(self.model.scenario))

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
        m.count("contribution_base_billed", float(np.dot(f.insured_base[f.alive], f.weight[f.alive])))
        m.count("contribution_base_collected", paid_base)
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
