"""Moments: the statistics a calibration compares with observed figures, each computed from a
run's outputs (monthly indicators and ledger) over a period of months.

Every statistic takes the run's monthly frame and ledger restricted to the period and returns
one number. Those that need outputs the model does not produce (guaranteed loans' repayment
rate, jobs per supported founder: the loan book and founders' firms are not in the outputs
yet) are not offered.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from lmsim.reduce import between

Statistic = Callable[[pd.DataFrame, pd.DataFrame], float]


def _mean(column: str) -> Statistic:
    return lambda monthly, ledger: float(monthly[column].mean())


def _ratio(numerator: str, denominator: str) -> Statistic:
    """Mean over months of a monthly ratio."""
    return lambda monthly, ledger: float((monthly[numerator] / monthly[denominator].replace(0, np.nan)).mean())


def _annual_rate(flow: str, stock: str) -> Statistic:
    """A monthly flow summed over the period and put on a yearly basis, over the mean stock."""
    return lambda monthly, ledger: float(monthly[flow].sum() * 12 / len(monthly) / monthly[stock].mean())


def _new_urban_jobs_rate(monthly: pd.DataFrame, ledger: pd.DataFrame) -> float:
    """New urban jobs (the official figure, ``new_urban_jobs``) put on a yearly basis, over the
    mean number in work (employees and the self-employed): the rate national figures give as
    new urban jobs over urban employment (13.52M of 442M in 2019), and a region's count divided
    by its employment, so a fit at a smaller population scale targets the same number."""
    in_work = (monthly["employed"] + monthly["self_employed"]).mean()
    return float(monthly["new_urban_jobs"].sum() * 12 / len(monthly) / in_work)


def _benefit_months_per_recipient_year(monthly: pd.DataFrame, ledger: pd.DataFrame) -> float:
    """Months of UI benefit per person paid in a calendar year (one ledger entry a month each)."""
    paid = ledger[(ledger["line"] == "ui_benefit") & (ledger["amount"] < 0)]
    if paid.empty:
        return 0.0
    year = paid["date"].str[:4]
    months = paid.groupby([year, paid["recipient_id"]]).size()
    return float(months.mean())


STATISTICS: dict[str, Statistic] = {
    "surveyed_unemployment_rate": _mean("surveyed_unemployment_rate"),
    "registered_unemployment_rate": _mean("registered_unemployment_rate"),
    "youth_unemployment_rate": _mean("youth_unemployment_rate"),
    "mean_unemployment_duration": _mean("mean_unemployment_duration"),
    "ui_recipient_share": _ratio("ui_recipients", "unemployed_surveyed"),
    "registered_share": _ratio("registered_unemployed", "unemployed_surveyed"),
    "quit_rate": _ratio("quits", "employed"),
    "startup_rate": _ratio("startups", "unemployed_surveyed"),
    "firm_entry_rate": _annual_rate("firm_entries", "firms"),
    "firm_exit_rate": _annual_rate("firm_exits", "firms"),
    "benefit_months_per_recipient_year": _benefit_months_per_recipient_year,
    "new_urban_jobs_rate": _new_urban_jobs_rate,
}


def compute(statistic: str, monthly: pd.DataFrame, ledger: pd.DataFrame, start: str | None, end: str | None) -> float:
    """One statistic over the months ``start``..``end`` (YYYY-MM, inclusive; None: all)."""
    dates = monthly["date"]
    period = between(monthly, start or dates.iloc[0], end or dates.iloc[-1])
    in_period = between(ledger, period["date"].iloc[0], period["date"].iloc[-1])
    return STATISTICS[statistic](period.reset_index(drop=True), in_period)
