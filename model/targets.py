"""Declared targets of an employment plan (catalogue §1) and whether a run meets them.

A scenario's ``[targets.ID]`` section names an indicator (a column of the ``monthly`` output,
or ``policies.LEVER.COLUMN`` of the ``policies`` output), how to aggregate it over a period
(``sum``, ``mean``, ``max``, ``min`` or ``last``), the comparison (``>=`` or ``<=``) and the
value; ``per_year`` evaluates each calendar year of the period separately (e.g. a year-end
graduate employment rate). :func:`evaluate` gives one row per target and period with the
achieved value, whether it is met and by how much (positive: met with room to spare).
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
from pydantic import Field, model_validator

from .calendar import parse_month
from .indicators import COLUMNS
from .reduce import Aggregate, Period, aggregate, calendar_years, covers, indicator_series
from .units import Month, Section

TARGET_COLUMNS = ("target", "label", "period", "indicator", "aggregate", "op", "value", "achieved", "met", "margin", "stretch", "clause")


class Target(Section):
    """[targets.ID]: one declared target."""

    indicator: str = Field(description="a monthly indicator column, or policies.LEVER.COLUMN")
    aggregate: Aggregate = Field(description="how the months of a period combine")
    op: Literal[">=", "<="] = Field(description="the achieved value must be at least (>=) or at most (<=) the value")
    value: float
    start: Month = Field(description="first month of the period, YYYY-MM")
    end: Month = Field(description="last month of the period, YYYY-MM")
    per_year: bool = Field(False, description="evaluate each calendar year of the period on its own")
    stretch: float | None = Field(None, description="a stretch value (力争), reported beside the target")
    label: str = Field("", description="the target as the document words it")
    clause: str = Field(min_length=1, description="the document clause, e.g. '000 §二'")

    @model_validator(mode="after")
    def _checks(self) -> Target:
        if parse_month(self.end) < parse_month(self.start):
            raise ValueError(f"end {self.end} is before start {self.start}")
        check_indicator(self.indicator)
        return self


def check_indicator(indicator: str) -> None:
    """Raise ValueError unless ``indicator`` is a monthly column or policies.LEVER.COLUMN."""
    from .policies import POLICY_COLUMNS

    if indicator.startswith("policies."):
        parts = indicator.split(".")
        if len(parts) != 3 or parts[2] not in POLICY_COLUMNS[2:]:
            raise ValueError(f"indicator {indicator!r} must read policies.LEVER.COLUMN, COLUMN one of {', '.join(POLICY_COLUMNS[2:])}")
    elif indicator not in COLUMNS[1:]:
        raise ValueError(f"unknown indicator {indicator!r}; allowed: {', '.join(COLUMNS[1:])} or policies.LEVER.COLUMN")


def _periods(target: Target) -> list[Period]:
    """The target's period, or each calendar year of it."""
    start, end = parse_month(target.start), parse_month(target.end)
    if not target.per_year:
        return [Period(f"{target.start}..{target.end}", start, end)]
    return calendar_years(start, end)


def evaluate(targets: dict[str, Target], monthly: pd.DataFrame, policies: pd.DataFrame) -> pd.DataFrame:
    """One row per target and period; periods beyond the simulated months are left out."""
    rows = []
    simulated = set(monthly["date"])
    for name, target in targets.items():
        series = indicator_series(monthly, policies, target.indicator)
        for period in _periods(target):
            if not covers(simulated, period):
                continue
            achieved = aggregate(series, period, target.aggregate)
            margin = achieved - target.value if target.op == ">=" else target.value - achieved
            rows.append((name, target.label, period.label, target.indicator, target.aggregate, target.op, target.value,
                         achieved, bool(margin >= 0), margin, target.stretch, target.clause))
    return pd.DataFrame(rows, columns=list(TARGET_COLUMNS))
