"""Monthly indicators: the column contract of ``monthly`` outputs.

Every count is weighted (persons or firms the agents stand for). Each column is defined
once, here, in Chinese and English; the README table is generated from :data:`DEFINITIONS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .calendar import format_month, month_of, year_of
from .population import EMPLOYED_STATUSES, Status

if TYPE_CHECKING:
    from .simulation import LabourMarket

#: name -> (Chinese term, English definition)
DEFINITIONS: dict[str, tuple[str, str]] = {
    "date": ("月份", "calendar month, YYYY-MM"),
    "labour_force": ("劳动力", "employed + self-employed + surveyed unemployed"),
    "employed": ("就业人员(受雇)", "in wage work this month, including interns and public-welfare posts"),
    "self_employed": ("自雇/创业人员", "running an own business or working as a sole trader"),
    "unemployed_surveyed": ("调查失业人数", "without work, looking for work and available (survey definition)"),
    "surveyed_unemployment_rate": ("城镇调查失业率", "unemployed_surveyed / labour_force"),
    "registered_unemployed": ("城镇登记失业人数", "unemployed and registered at the public employment service"),
    "registered_unemployment_rate": (
        "城镇登记失业率",
        "registered_unemployed / (employed + self_employed + registered_unemployed)",
    ),
    "youth_unemployment_rate": ("16-24岁青年失业率", "surveyed unemployment rate of 16-24 year-olds, students excluded"),
    "new_urban_jobs": (
        "城镇新增就业",
        "persons entering work this month (hires from outside work and new start-ups) minus persons leaving work by retirement (自然减员)",
    ),
    "new_urban_jobs_cumulative": ("城镇新增就业(累计)", "new_urban_jobs summed from the first simulated month"),
    "hires": ("招用人数", "job seekers hired this month"),
    "separations": ("离职人数", "employees leaving a job this month: quits, layoffs, firm closures, retirement, moving away"),
    "layoffs": ("裁员人数", "employees dismissed by a firm this month, including staff of firms that closed"),
    "quits": ("主动离职", "employees who quit into search this month"),
    "vacancies": ("岗位空缺", "posts open at the end of the month after matching"),
    "firms": ("企业数", "firms operating at the end of the month"),
    "firm_entries": ("新设企业", "firms opened this month, including start-ups that hire"),
    "firm_exits": ("退出企业", "firms closed this month"),
    "ui_recipients": ("失业保险金领取人数", "persons paid unemployment-insurance benefit this month"),
    "trainees": ("培训人数", "persons in full-time vocational training"),
    "interns": ("见习人数", "persons in a subsidised internship"),
    "public_welfare_posts": ("公益性岗位在岗人数", "persons in public-welfare posts"),
    "graduate_employment_rate": (
        "高校毕业生就业率",
        "share in work (employed or self-employed) of the latest July's school leavers still resident and out of school",
    ),
    "zero_employment_households": ("零就业家庭", "households with an unemployed member and no member in work"),
    "mean_unemployment_duration": ("平均失业持续时间", "mean months unemployed of the surveyed unemployed"),
}

COLUMNS = list(DEFINITIONS)


def _weighted(mask: np.ndarray, weight: np.ndarray) -> float:
    return float(weight[mask].sum())


def compute(model: LabourMarket, open_posts: np.ndarray, ui_recipients: np.ndarray) -> dict[str, float | str]:
    """All indicators for the month just simulated."""
    w, f, flows = model.workers, model.firms, model.flows
    weight = w.weight.astype(np.float64)
    by_status = np.bincount(w.status, weights=weight, minlength=len(Status))
    employed = float(by_status[list(EMPLOYED_STATUSES)].sum())
    self_employed = float(by_status[Status.SELF_EMPLOYED])
    unemployed = float(by_status[Status.UNEMPLOYED])
    labour_force = employed + self_employed + unemployed
    registered = _weighted((w.status == Status.UNEMPLOYED) & w.registered, weight)

    young = w.age_months < 25 * 12
    young_status = np.bincount(w.status[young], weights=weight[young], minlength=len(Status))
    young_lf = young_status[list(EMPLOYED_STATUSES)].sum() + young_status[Status.SELF_EMPLOYED] + young_status[Status.UNEMPLOYED]

    new_jobs = flows["new_jobs_gross"] - flows["retirements_from_work"]
    model.new_jobs_cumulative += new_jobs

    unemployed_mask = w.status == Status.UNEMPLOYED
    duration = float(np.average(w.unemployed_months[unemployed_mask], weights=weight[unemployed_mask])) if unemployed else 0.0
    return {
        "date": format_month(model.month),
        "labour_force": labour_force,
        "employed": employed,
        "self_employed": self_employed,
        "unemployed_surveyed": unemployed,
        "surveyed_unemployment_rate": unemployed / labour_force if labour_force else 0.0,
        "registered_unemployed": registered,
        "registered_unemployment_rate": registered / (employed + self_employed + registered) if registered or employed else 0.0,
        "youth_unemployment_rate": float(young_status[Status.UNEMPLOYED] / young_lf) if young_lf else 0.0,
        "new_urban_jobs": new_jobs,
        "new_urban_jobs_cumulative": model.new_jobs_cumulative,
        "hires": flows["hires"],
        "separations": flows["quits"] + flows["layoffs"] + flows["exit_separations"] + flows["retirements_from_work"] + flows["departures_from_work"],
        "layoffs": flows["layoffs"] + flows["exit_separations"],
        "quits": flows["quits"],
        "vacancies": float((open_posts * f.weight).sum()),
        "firms": float(f.weight[f.alive].sum()),
        "firm_entries": flows["firm_entries"],
        "firm_exits": flows["firm_exits"],
        "ui_recipients": float(weight[ui_recipients].sum()),
        "trainees": float(by_status[Status.TRAINING]),
        "interns": float(by_status[Status.INTERN]),
        "public_welfare_posts": float(by_status[Status.PUBLIC_WELFARE]),
        "graduate_employment_rate": _graduate_rate(model, weight),
        "zero_employment_households": _zero_employment_households(model, weight),
        "mean_unemployment_duration": duration,
    }


def _graduate_rate(model: LabourMarket, weight: np.ndarray) -> float:
    w = model.workers
    year = year_of(model.month) - (month_of(model.month) < 7)
    cohort = (w.graduation_year == year) & (w.status < Status.RETIRED) & (w.status != Status.STUDENT)
    if not cohort.any():
        return float("nan")
    working = cohort & (np.isin(w.status, EMPLOYED_STATUSES) | (w.status == Status.SELF_EMPLOYED))
    return float(weight[working].sum() / weight[cohort].sum())


def _zero_employment_households(model: LabourMarket, weight: np.ndarray) -> float:
    w = model.workers
    n = int(w.household.max()) + 1 if len(w) else 0
    working = np.isin(w.status, EMPLOYED_STATUSES) | (w.status == Status.SELF_EMPLOYED)
    has_work = np.bincount(w.household[working], minlength=n) > 0
    unemployed = w.status == Status.UNEMPLOYED
    has_unemployed = np.bincount(w.household[unemployed], weights=weight[unemployed], minlength=n)
    members = np.bincount(w.household[unemployed], minlength=n)
    # a household counts once, at the mean weight of its unemployed members
    zero = (members > 0) & ~has_work
    return float((has_unemployed[zero] / members[zero]).sum())
