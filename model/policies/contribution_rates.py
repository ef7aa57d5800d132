"""``contribution_rates``: lower social-insurance rates (降低社会保险费率), catalogue §2.2.

Clauses: 000 §三(一)1 (Shaanxi's lower pension rate), 001 (九) and 002 §8 and 003 (九) (the
phased lower unemployment-insurance rate). While in force, the rates given here replace the
scenario's dated rates; rates left out keep their scenario value.

- eligibility: every insured employer and employee;
- behavioural channel: the employer rate is part of the labour cost firms set their target
  staff from (:func:`lmsim.firms.labour_cost`), so a cut raises labour demand;
- payment: none; the funds collect less (``contribution_*`` lines of the ledger);
- indicators: the contribution lines of the ledger.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..ledger import Fund
from ..units import Share, param
from .base import Lever, LeverParams

if TYPE_CHECKING:
    from ..scenario import ContributionRates as Rates

RATES = ("pension_employer", "pension_employee", "medical_employer", "medical_employee", "ui_employer", "ui_employee")

_PENSION = "000 §三(一)1 (Shaanxi's lower pension rate); default: the scenario's [contributions] rate"
_MEDICAL = "no clause lowers it; default: the scenario's [contributions] rate"
_UI = "001 (九), 002 §8, 003 (九) (the phased lower rate); default: the scenario's [contributions] rate"


class Params(LeverParams):
    pension_employer: Share | None = param(None, unit="share", ref=_PENSION, description="employer pension rate, share of the base")
    pension_employee: Share | None = param(None, unit="share", ref=_PENSION, description="employee pension rate")
    medical_employer: Share | None = param(None, unit="share", ref=_MEDICAL, description="employer medical rate")
    medical_employee: Share | None = param(None, unit="share", ref=_MEDICAL, description="employee medical rate")
    ui_employer: Share | None = param(None, unit="share", ref=_UI, description="employer unemployment-insurance rate")
    ui_employee: Share | None = param(None, unit="share", ref=_UI, description="employee unemployment-insurance rate")


class ContributionRates(Lever):
    # no neutral values: with no rate given the scenario's [contributions] rates stay in force
    name, fund, Params = "contribution_rates", Fund.UI, Params
    title, catalogue, clauses = "lower social-insurance rates (降低社会保险费率)", "2.2", ("000 §三(一)1", "001 (九)", "002 §8", "003 (九)")
    # no lines of its own: the funds collect less on their contribution lines

    def contribution_rates(self, rates: Rates) -> Rates:
        if not self.active():
            return rates
        changed = {k: getattr(self.p, k) for k in RATES if getattr(self.p, k) is not None}
        return rates.model_copy(update=changed)
