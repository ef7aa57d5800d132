"""The national urban surveyed-unemployment control target by year (set in each year's
government work report), which the stable-post refunds (``ui_refund``,
``ui_refund_hardship``) use by default as the highest layoff rate a firm may reach in an
assessed year: the target of the year before."""

from __future__ import annotations

from typing import Any

from ..calendar import parse_month
from ..units import Dated, param


def control_target_param() -> Any:
    """The ``control_target`` parameter of a refund lever: a :class:`lmsim.units.Dated` share,
    by default 5.5 % in every year but 2020 (6 %)."""
    return param(
        Dated({"1900-01": 0.055, "2020-01": 0.06, "2021-01": 0.055}), unit="share",
        ref="catalogue §2.1 (national practice: the control target, 5.5 % in most years, 6 % for 2020); "
        "REGIONS.md §0.4 (the stable-post refund rule)",
        description="national urban surveyed-unemployment control target, by the month it took effect; an "
        "assessed year's default layoff threshold is the target in force in January of the year before",
    )


def previous_year_target(target: Dated[float], year: int) -> float:
    """The control target in force in January of ``year - 1``."""
    return target.at(parse_month(f"{year - 1}-01"))
