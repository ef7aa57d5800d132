"""Reducing a run to numbers: the months of a period, an indicator or a fund's outlays over
them, aggregated. Declared targets (:mod:`lmsim.targets`), experiment outputs
(:mod:`lmsim.experiment`), calibration moments (:mod:`lmsim.calibration.moments`) and
``lmsim compare`` all reduce runs through these functions.

A run's tables (``monthly``, ``ledger``, ``policies``, and ``flows``, the ledger summed by
month, fund and line) each have a ``date`` column of months ``YYYY-MM``. A *series* is one
quantity's monthly values indexed by date; a :class:`Period` is a labelled span of months.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
import pandas as pd

from .calendar import format_month, parse_month, year_of

Aggregate = Literal["sum", "mean", "max", "min", "last"]
#: how the months of a period combine into one number (numpy reductions of the values as an
#: array, the same for every caller, so that targets, outputs and compare agree to the bit)
AGGREGATES: dict[str, Callable[[np.ndarray], float]] = {
    "sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min, "last": lambda v: v[-1],
}


class RunTables(Protocol):
    """A finished run's tables (:class:`lmsim.simulation.Results` has them)."""

    monthly: pd.DataFrame
    ledger: pd.DataFrame
    policies: pd.DataFrame


@dataclass(frozen=True)
class Period:
    """Months ``first``..``last`` (month numbers, both included) under a label."""

    label: str
    first: int
    last: int

    @property
    def dates(self) -> list[str]:
        """The period's months, YYYY-MM, in order."""
        return [format_month(m) for m in range(self.first, self.last + 1)]


def calendar_years(first: int, last: int) -> list[Period]:
    """Each calendar year months ``first``..``last`` touch, cut to them, labelled YYYY."""
    return [Period(str(y), max(first, 12 * y), min(last, 12 * y + 11)) for y in range(year_of(first), year_of(last) + 1)]


def years(dates: Iterable[str]) -> list[int]:
    """The calendar year of each month YYYY-MM."""
    return [year_of(parse_month(d)) for d in dates]


def covers(dates: Iterable[str], period: Period) -> bool:
    """Whether every month of ``period`` is among ``dates`` (e.g. the months a run simulated)."""
    return set(period.dates) <= set(dates)


def between(table: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    """The rows of a run table dated ``first``..``last`` (YYYY-MM, both included)."""
    dates = table["date"]
    return table[(dates >= first) & (dates <= last)]


# --- series --------------------------------------------------------------------------------


def indicator_series(monthly: pd.DataFrame, policies: pd.DataFrame, indicator: str) -> pd.Series:
    """An indicator's monthly values, indexed by date: a ``monthly`` column, or
    ``policies.LEVER.COLUMN`` (a lever's months without a row count as 0)."""
    if not indicator.startswith("policies."):
        return monthly.set_index("date")[indicator]
    _, lever, column = indicator.split(".")
    rows = policies[policies["lever"] == lever]
    return rows.set_index("date")[column].reindex(monthly["date"], fill_value=0.0)


def outlay_series(ledger: pd.DataFrame, fund: str, line: str, dates: pd.Series) -> pd.Series:
    """Yuan a fund paid out per month on ``line`` (``*``: on every line), indexed by
    ``dates`` (a month without payments is 0)."""
    rows = ledger[(ledger["fund"] == fund) & (ledger["amount"] < 0)]
    if line != "*":
        rows = rows[rows["line"] == line]
    paid = -rows.groupby("date", observed=True)["amount"].sum()
    return paid.reindex(dates, fill_value=0.0)


def window(series: pd.Series, period: Period) -> pd.Series:
    """The series' values in the months of ``period`` it holds, in month order."""
    return series.loc[[d for d in period.dates if d in series.index]]


def aggregate(series: pd.Series, period: Period, how: Aggregate) -> float:
    """``how`` over the months of ``period`` the series holds; NaN when it holds none."""
    values = window(series, period)
    return float(AGGREGATES[how](values.to_numpy(dtype=float))) if len(values) else np.nan


# --- outlays by line -------------------------------------------------------------------------


def flows_by_line(ledger: pd.DataFrame) -> pd.DataFrame:
    """Ledger entries summed by month, fund and line: yuan in (``inflow``) and yuan out
    (``outflow``), both >= 0."""
    frame = ledger.assign(inflow=ledger["amount"].clip(lower=0), outflow=(-ledger["amount"]).clip(lower=0))
    grouped = frame.groupby(["date", "fund", "line"], observed=True)[["inflow", "outflow"]].sum()
    return grouped.reset_index()


def outlays_by_year(flows: pd.DataFrame) -> pd.DataFrame:
    """Yuan paid out by fund, line and calendar year (``period`` YYYY), and by fund and line
    over the whole run (``period`` ``total``); lines that paid nothing are left out."""
    f = flows.assign(period=[str(y) for y in years(flows["date"])])
    by_year = f.groupby(["fund", "line", "period"], observed=True)["outflow"].sum().reset_index()
    total = f.groupby(["fund", "line"], observed=True)["outflow"].sum().reset_index().assign(period="total")
    out = pd.concat([by_year, total], ignore_index=True)
    out = out[out["outflow"] > 0]
    return out.astype({"fund": str, "line": str})
