"""Monthly indicators: the column contract of ``monthly`` outputs.

Every count is weighted (persons or firms the agents stand for). Each column is defined
once, here (:data:`DEFINITIONS`): its Chinese term, its English name and what it counts;
reports read the names from here, and the README table is :func:`markdown_table`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from . import kernels
from .calendar import format_month, month_of, year_of
from .population import EMPLOYED_STATUSES, WORKING_STATUSES, Status

if TYPE_CHECKING:
    from .market import Market


class Definition(NamedTuple):
    """What an indicator is called and what it counts."""

    zh: str  # the Chinese term, as statistics and plans use it
    en: str  # the English short name reports print
    definition: str


#: each monthly column: its names and definition
DEFINITIONS: dict[str, Definition] = {
    "date": Definition("月份", "month", "calendar month, YYYY-MM"),
    "labour_force": Definition("劳动力", "labour force", "employed + self-employed + surveyed unemployed"),
    "employed": Definition("就业人员(受雇)", "employees", "in wage work this month, including interns and public-welfare posts"),
    "self_employed": Definition("自雇/创业人员", "self-employed", "running an own business or working as a sole trader"),
    "unemployed_surveyed": Definition(
        "调查失业人数", "surveyed unemployed",
        "without work, looking for work and available (survey definition)",
    ),
    "surveyed_unemployment_rate": Definition("城镇调查失业率", "surveyed unemployment rate", "unemployed_surveyed / labour_force"),
    "registered_unemployed": Definition(
        "城镇登记失业人数", "registered unemployed",
        "unemployed and registered at the public employment service",
    ),
    "registered_unemployment_rate": Definition(
        "城镇登记失业率", "registered unemployment rate",
        "registered_unemployed / (employed + self_employed + registered_unemployed)",
    ),
    "youth_unemployment_rate": Definition(
        "16-24岁青年失业率", "youth (16-24) unemployment rate",
        "surveyed unemployment rate of 16-24 year-olds, students excluded",
    ),
    "new_urban_jobs": Definition(
        "城镇新增就业", "new urban jobs",
        "persons entering work this month (hires from outside work, new start-ups, placements in public-welfare posts and work relief) minus persons leaving work by retirement (自然减员)",
    ),
    "new_urban_jobs_cumulative": Definition(
        "城镇新增就业(累计)", "new urban jobs, cumulative",
        "new_urban_jobs summed from the first simulated month",
    ),
    "hires": Definition("招用人数", "hires", "job seekers hired this month"),
    "separations": Definition(
        "离职人数", "separations",
        "employees leaving a job this month: quits, layoffs, firm closures, retirement, moving away",
    ),
    "layoffs": Definition("裁员人数", "layoffs", "employees dismissed by a firm this month, including staff of firms that closed"),
    "quits": Definition("主动离职", "quits", "employees who quit into search this month"),
    "vacancies": Definition("岗位空缺", "vacancies", "posts left open after this month's matching"),
    "registered_into_work": Definition(
        "失业人员再就业人数", "registered unemployed into work",
        "registered unemployed persons who entered work this month: hired or starting a business",
    ),
    "startups": Definition(
        "创业人数", "start-ups",
        "persons starting a business this month: sole traders and founders of firms that hire",
    ),
    "firms": Definition("企业数", "firms", "firms operating at the end of the month"),
    "firm_entries": Definition("新设企业", "firm entries", "firms opened this month, including start-ups that hire"),
    "firm_exits": Definition("退出企业", "firm exits", "firms closed this month"),
    "ui_recipients": Definition("失业保险金领取人数", "UI benefit recipients", "persons paid unemployment-insurance benefit this month"),
    "trainees": Definition("培训人数", "trainees", "persons in full-time vocational training"),
    "interns": Definition("见习人数", "interns", "persons in a subsidised internship"),
    "public_welfare_posts": Definition("公益性岗位在岗人数", "public-welfare post holders", "persons in public-welfare posts"),
    "graduate_employment_rate": Definition(
        "高校毕业生就业率", "graduate employment rate",
        "share in work (employed or self-employed) of the latest July's school leavers still resident and out of school",
    ),
    "zero_employment_households": Definition(
        "零就业家庭", "zero-employment households",
        "households with an unemployed member and no member in work",
    ),
    "mean_unemployment_duration": Definition(
        "平均失业持续时间", "mean unemployment duration",
        "mean months unemployed of the surveyed unemployed",
    ),
}

#: indicators derived from the monthly columns after a run (``lmsim compare`` reports them)
DERIVED: dict[str, Definition] = {
    "in_work": Definition("就业人数(含自雇)", "persons in work (incl. self-employed)", "employed + self_employed"),
}

COLUMNS = list(DEFINITIONS)


def compute(
    model: Market,
    by_status: np.ndarray,
    young_status: np.ndarray,
    searching: np.ndarray,
    vacancies: float,
    ui_recipients: np.ndarray,
) -> dict[str, float | str]:
    """All indicators for the month just simulated, from the month-end census (persons by
    status, overall and aged 16-24, and the unemployed rows)."""
    w, f, flows = model.workers, model.firms, model.flows
    employed = float(sum(by_status[s] for s in EMPLOYED_STATUSES))
    self_employed = float(by_status[Status.SELF_EMPLOYED])
    unemployed = float(by_status[Status.UNEMPLOYED])
    labour_force = employed + self_employed + unemployed
    s_weight = w.weight[searching].astype(np.float64)
    registered = float(s_weight[w.registered[searching]].sum())

    young_lf = float(sum(young_status[s] for s in (*WORKING_STATUSES, Status.UNEMPLOYED)))

    new_jobs = flows["new_jobs_gross"] - flows["retirements_from_work"]
    model.new_jobs_cumulative += new_jobs
    duration = float(np.average(w.unemployed_months[searching], weights=s_weight)) if len(searching) else 0.0
    return {
        "date": format_month(model.month),
        "labour_force": labour_force,
        "employed": employed,
        "self_employed": self_employed,
        "unemployed_surveyed": unemployed,
        "surveyed_unemployment_rate": unemployed / labour_force if labour_force else 0.0,
        "registered_unemployed": registered,
        "registered_unemployment_rate": registered / (employed + self_employed + registered) if registered or employed else 0.0,
        "youth_unemployment_rate": float(young_status[Status.UNEMPLOYED]) / young_lf if young_lf else 0.0,
        "new_urban_jobs": new_jobs,
        "new_urban_jobs_cumulative": model.new_jobs_cumulative,
        "hires": flows["hires"],
        "separations": flows["quits"] + flows["layoffs"] + flows["exit_separations"] + flows["retirements_from_work"] + flows["departures_from_work"],
        "layoffs": flows["layoffs"] + flows["exit_separations"],
        "quits": flows["quits"],
        "vacancies": vacancies,
        "registered_into_work": flows["registered_into_work"],
        "startups": flows["startups"],
        "firms": float(f.weight[f.alive].sum()),
        "firm_entries": flows["firm_entries"],
        "firm_exits": flows["firm_exits"],
        "ui_recipients": float(w.weight[ui_recipients].sum()),
        "trainees": float(by_status[Status.TRAINING]),
        "interns": float(by_status[Status.INTERN]),
        "public_welfare_posts": float(by_status[Status.PUBLIC_WELFARE]),
        "graduate_employment_rate": _graduate_rate(model),
        "zero_employment_households": _zero_employment_households(model, searching, s_weight),
        "mean_unemployment_duration": duration,
    }


def _graduate_rate(model: Market) -> float:
    w = model.workers
    year = year_of(model.month) - (month_of(model.month) < 7)
    cohort = np.flatnonzero(w.graduation_year == year)
    cohort = cohort[(w.status[cohort] < Status.RETIRED) & (w.status[cohort] != Status.STUDENT)]
    if len(cohort) == 0:
        return float("nan")
    weight = w.weight[cohort].astype(np.float64)
    working = np.isin(w.status[cohort], WORKING_STATUSES)
    return float(weight[working].sum() / weight.sum())


def _zero_employment_households(model: Market, searching: np.ndarray, weight: np.ndarray) -> float:
    """Households with an unemployed member and nobody in work, each counted once at its
    unemployed members' mean weight (see ``kernels.zero_employment_households``)."""
    return float(kernels.zero_employment_households(model.workers.household, searching, weight, model.household_working))


def markdown_table() -> str:
    """The README's table of the monthly columns (a test keeps the README current)."""
    rows = [f"| `{name}` | {d.zh} | {d.definition} |" for name, d in DEFINITIONS.items()]
    return "\n".join(["| column | 中文 | definition |", "|---|---|---|", *rows])
