"""The finance bureau (财政局): pays the money a budget assigns into the funds.

Each budget year, in its first simulated month, the bureau posts the scenario's
``[funds.appropriations]`` (本级财政预算安排: the local general budget's appropriation) and
``[funds.transfers]`` (上级财政补助: transfers from higher levels' budgets) for that year into
each fund named. The employment subsidy fund is financed this way: 《就业补助资金管理办法》
(财社〔2017〕164号) 第二条 makes it a fund of the general budget (通过一般公共预算安排), and the
provinces' rules name its sources as 上级财政补助 and 本级财政预算安排资金 (e.g. 河南省就业补助资金
管理办法 第二条, implementing 财社〔2023〕181号). A whole year's amount arrives at once: lines are budgeted by the year, and a
run starting mid-year receives the year's amount in its first month.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from .calendar import month_of, year_of
from .ledger import FUND_NAMES, Fund

if TYPE_CHECKING:
    from .market import Market

#: the ledger lines the bureau posts: line -> (Chinese name, English name)
LINES: dict[str, tuple[str, str]] = {
    "appropriation": ("本级财政预算安排", "appropriation from the local budget"),
    "transfer_from_higher_levels": ("上级财政补助", "transfers from higher levels"),
}

_FUNDS = {name: fund for fund, name in FUND_NAMES.items()}


class FinanceBureau(mesa.Agent):
    """Posts each budget year's appropriations and transfers into the funds."""

    model: Market

    def appropriate(self) -> None:
        m = self.model
        if month_of(m.month) != 1 and m.month != m.scenario.scenario.start_month:
            return
        year = str(year_of(m.month))
        for line, table in (("appropriation", m.scenario.funds.appropriations), ("transfer_from_higher_levels", m.scenario.funds.transfers)):
            for name, by_year in table.items():
                if by_year.get(year, 0.0) > 0:
                    m.ledger.post(m.month, Fund(_FUNDS[name]), line, by_year[year])
