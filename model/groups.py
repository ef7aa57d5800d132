"""Target groups: the people the documents direct measures at, as named predicates.

One vocabulary for every lever: a lever's ``groups`` parameter is a list of these names
(:func:`group_list` validates it against the subset the lever accepts), and the lever asks
:func:`members` who of some worker rows belong to a group. Each name is spelled one way and
defined once, here, with the documents' Chinese term.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Literal, get_args

import numpy as np
from pydantic import AfterValidator

from .calendar import year_of
from .population import Status

if TYPE_CHECKING:
    from .market import Market

Group = Literal[
    "registered_unemployed", "unemployed", "recent_graduates", "rural_surplus", "poverty_registered",
    "low_income", "disabled", "veterans", "hard_to_employ", "zero_employment_household",
    "flexibly_employed", "everyone",
]

#: name -> (Chinese term, who belongs)
GROUPS: dict[str, tuple[str, str]] = {
    "registered_unemployed": ("登记失业人员", "unemployed and registered at the public employment service"),
    "unemployed": ("失业人员", "without work and looking for it"),
    "recent_graduates": ("毕业年度及离校未就业高校毕业生", "left school this calendar year or in the years before it the lever allows (2 unless it says)"),
    "rural_surplus": ("农村富余劳动力", "residents with rural hukou, available for non-farm work"),
    "poverty_registered": ("建档立卡贫困劳动力", "registered in the poverty-alleviation files"),
    "low_income": ("低收入家庭成员", "members of low-income households"),
    "disabled": ("残疾人", "holders of a disability certificate"),
    "veterans": ("退役军人", "discharged from the armed forces"),
    "hard_to_employ": ("就业困难人员", "older (women 40+, men 50+), certified disabled, unemployed 12 months or more, low-income, or in a household where no one works"),
    "zero_employment_household": ("零就业家庭成员", "members of a household in which no one is in work"),
    "flexibly_employed": ("灵活就业人员", "working on their own account (sole traders)"),
    "everyone": ("所有人", "everyone the lever otherwise admits"),
}

assert set(GROUPS) == set(get_args(Group)), "every group has its term and definition"


def recent_graduates(model: Market, rows: np.ndarray, within: int = 2) -> np.ndarray:
    """Left school this calendar year or in the ``within`` years before it."""
    year = year_of(model.month)
    graduated = model.workers.graduation_year[rows]
    return (graduated > 0) & (graduated >= year - within) & (graduated <= year)


def zero_employment_household(model: Market, rows: np.ndarray) -> np.ndarray:
    """Members of a household with no one in work (households of newcomers not yet counted
    have no one in work)."""
    households = model.workers.household[rows]
    known = households < len(model.household_working)  # every household set_status has seen
    workless = ~known
    workless[known] = model.household_working[households[known]] == 0
    return workless


def hard_to_employ(model: Market, rows: np.ndarray) -> np.ndarray:
    """就业困难人员 as the model sees them: older (women 40+, men 50+), certified disabled,
    unemployed 12 months or more, low-income, or in a zero-employment household."""
    w = model.workers
    older = np.where(w.female[rows], w.age_months[rows] >= 40 * 12, w.age_months[rows] >= 50 * 12)
    long_term = (w.status[rows] == Status.UNEMPLOYED) & (w.unemployed_months[rows] >= 12)
    return older | w.disabled[rows] | long_term | w.low_income[rows] | zero_employment_household(model, rows)


_TESTS: dict[str, Callable[..., np.ndarray]] = {
    "registered_unemployed": lambda m, rows, within: m.workers.registered[rows] & (m.workers.status[rows] == Status.UNEMPLOYED),
    "unemployed": lambda m, rows, within: m.workers.status[rows] == Status.UNEMPLOYED,
    "recent_graduates": lambda m, rows, within: recent_graduates(m, rows, within),
    "rural_surplus": lambda m, rows, within: ~m.workers.urban_hukou[rows] & (m.workers.status[rows] < Status.RETIRED),
    "poverty_registered": lambda m, rows, within: m.workers.poverty_registered[rows],
    "low_income": lambda m, rows, within: m.workers.low_income[rows],
    "disabled": lambda m, rows, within: m.workers.disabled[rows],
    "veterans": lambda m, rows, within: m.workers.veteran[rows],
    "hard_to_employ": lambda m, rows, within: hard_to_employ(m, rows),
    "zero_employment_household": lambda m, rows, within: zero_employment_household(m, rows),
    "flexibly_employed": lambda m, rows, within: m.workers.status[rows] == Status.SELF_EMPLOYED,
    "everyone": lambda m, rows, within: np.ones(len(rows), dtype=bool),
}


def members(model: Market, group: str, rows: np.ndarray, graduate_within_years: int = 2) -> np.ndarray:
    """Which of worker ``rows`` belong to ``group``."""
    return _TESTS[group](model, rows, graduate_within_years)


def in_any(model: Market, groups: list[str], rows: np.ndarray, graduate_within_years: int = 2) -> np.ndarray:
    """Which of worker ``rows`` belong to at least one of ``groups``."""
    found = np.zeros(len(rows), dtype=bool)
    for group in dict.fromkeys(groups):  # a loop over a handful of groups, not agents
        found |= members(model, group, rows, graduate_within_years)
    return found


def group_list(*allowed: str) -> object:
    """The type of a lever's ``groups`` parameter: a list of names from the vocabulary, each
    one of ``allowed`` (the groups the lever's document names)."""
    unknown = set(allowed) - set(GROUPS)
    assert not unknown, f"not in the vocabulary: {unknown}"

    def check(value: list[str]) -> list[str]:
        outside = [g for g in value if g not in allowed]
        if outside:
            raise ValueError(f"group(s) {outside} not accepted by this lever; allowed: {', '.join(allowed)}")
        return value

    return Annotated[list[Group], AfterValidator(check)]
