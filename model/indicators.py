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
from .statistics import PROGRAMME_POSTS, REGULAR_WORK, SOURCES, registered_out_of_work, survey_rate

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
    "surveyed_unemployment_rate": Definition(
        "城镇调查失业率", "surveyed unemployment rate",
        "the labour force survey's estimate of unemployment_rate from its monthly sample (official; equal to it without sampling)",
    ),
    "unemployment_rate": Definition("失业率(真实值)", "unemployment rate (true)", "unemployed_surveyed / labour_force over the whole population"),
    "registered_unemployed": Definition(
        "城镇登记失业人数", "registered unemployed",
        "out of work and on the public employment service's register, by its rules of registration and deregistration: the unemployed and those who stopped looking but are not yet taken off (official)",
    ),
    "registered_unemployment_rate": Definition(
        "城镇登记失业率", "registered unemployment rate",
        "registered unemployed with urban hukou / (persons in work with urban hukou + the same registered) (official: NBS counts as "
        "城镇登记失业人员 registrants with non-agricultural hukou only)",
    ),
    "youth_unemployment_rate": Definition(
        "16-24岁青年失业率", "youth (16-24) unemployment rate",
        "surveyed unemployment rate of 16-24 year-olds, students excluded",
    ),
    "new_urban_jobs": Definition(
        "城镇新增就业", "new urban jobs",
        "entries into work recorded by employment registration, each person once a calendar year, moves between units excluded, less recorded retirements from work (official)",
    ),
    "entries_into_work": Definition(
        "进入就业人数(真实值)", "entries into work (true)",
        "persons entering work this month from outside it: hires, start-ups, public-welfare posts and work relief",
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
        "registered unemployed persons whose entry into work (a hire or a start-up) employment registration recorded this month (official)",
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
        "高校毕业生年末就业率", "graduate employment rate",
        "share in work of this year's college and university graduates registered as unemployed after leaving school (离校未就业); judged at year end (official)",
    ),
    "school_leavers_in_work_share": Definition(
        "毕业生在业比例(真实值)", "school leavers in work (true)",
        "share in work of the latest July's school leavers still resident and out of school",
    ),
    "zero_employment_households": Definition(
        "零就业家庭", "zero-employment households",
        "households identified as zero-employment (no member in work, one registered unemployed) and not yet cleared at month end (official)",
    ),
    "zero_employment_cleared_share": Definition(
        "零就业家庭动态清零率", "zero-employment households cleared in time",
        "of households whose clearance window ended or that were cleared this month, the share with a member in work within the window; 1 when none (official)",
    ),
    "workless_households": Definition(
        "无人就业家庭(真实值)", "workless households (true)",
        "households with an unemployed member and no member in work",
    ),
    "hard_to_employ_into_work": Definition(
        "就业困难人员实现就业", "hard-to-employ into work",
        "registered unemployed persons who are hard to employ and entered work this month (official)",
    ),
    "transferred_employment": Definition(
        "农村劳动力转移就业", "rural labour transferred into work",
        "rural-hukou residents entering non-farm work this month, plus those organised labour export took out of the region (official)",
    ),
    "regular_employment": Definition(
        "常规就业人数", "regular employment",
        "persons in work outside programme posts: employees and the self-employed",
    ),
    "programme_posts": Definition(
        "政策性岗位在岗人数", "programme posts",
        "persons in public-welfare posts, work relief and subsidised internships",
    ),
    "mean_unemployment_duration": Definition(
        "平均失业持续时间", "mean unemployment duration",
        "mean months unemployed of the surveyed unemployed",
    ),
    "insured_workers": Definition(
        "参保职工人数", "insured employees",
        "employees covered by social insurance (the unemployment-insurance fund's contributors) at the end of the month",
    ),
    "contribution_base_billed": Definition(
        "应缴费工资基数", "contribution base billed",
        "yuan: the contribution base of the insured staff of every firm billed this month",
    ),
    "contribution_base_collected": Definition(
        "实缴费工资基数", "contribution base collected",
        "yuan: the contribution base of the bills firms paid this month (firms short of cash fall into arrears)",
    ),
}

#: indicators derived from the monthly columns after a run (``lmsim compare`` reports them)
DERIVED: dict[str, Definition] = {
    "in_work": Definition(
        "就业人数(含自雇)", "persons in work (incl. self-employed)",
        "employed + self_employed, programme posts included (compare reports regular_employment and programme_posts apart)",
    ),
}

COLUMNS = list(DEFINITIONS)
#: lookups by status: in work; in the labour force
_IN_WORK = np.isin(np.arange(len(Status)), WORKING_STATUSES)
_IN_LABOUR_FORCE = np.isin(np.arange(len(Status)), (*WORKING_STATUSES, Status.UNEMPLOYED))


def compute(
    model: Market,
    by_status: np.ndarray,
    young_status: np.ndarray,
    urban_status: np.ndarray,
    searching: np.ndarray,
    vacancies: float,
    ui_recipients: np.ndarray,
) -> dict[str, float | str]:
    """All indicators for the month just simulated, from the month-end census (persons by
    status, overall, aged 16-24 and with urban hukou, and the unemployed rows)."""
    w, f, flows = model.workers, model.firms, model.flows
    employed = float(sum(by_status[s] for s in EMPLOYED_STATUSES))
    self_employed = float(by_status[Status.SELF_EMPLOYED])
    unemployed = float(by_status[Status.UNEMPLOYED])
    labour_force = employed + self_employed + unemployed
    s_weight = w.weight[searching].astype(np.float64)
    on_register = registered_out_of_work(w)
    registered = float(w.weight[on_register].sum(dtype=np.float64))
    # the rate counts only registrants with urban (non-agricultural) hukou, as NBS defines 城镇登记失业人员
    registered_urban = float(w.weight[on_register[w.urban_hukou[on_register]]].sum(dtype=np.float64))

    young_lf = float(sum(young_status[s] for s in (*WORKING_STATUSES, Status.UNEMPLOYED)))

    events = model.registers.month_events
    new_jobs = events["recorded_entries"] - events["recorded_attrition"]
    model.new_jobs_cumulative += new_jobs
    duration = float(np.average(w.unemployed_months[searching], weights=s_weight)) if len(searching) else 0.0
    published, true_rate = _survey(model, labour_force, unemployed)
    in_work_urban = float(sum(urban_status[s] for s in WORKING_STATUSES))  # the workforce the register covers
    zero_households, cleared, due = model.registers.zero_employment()
    return {
        "date": format_month(model.month),
        "labour_force": labour_force,
        "employed": employed,
        "self_employed": self_employed,
        "unemployed_surveyed": unemployed,
        "surveyed_unemployment_rate": published,
        "unemployment_rate": true_rate,
        "registered_unemployed": registered,
        "registered_unemployment_rate": registered_urban / (in_work_urban + registered_urban) if registered_urban or in_work_urban else 0.0,
        "youth_unemployment_rate": float(young_status[Status.UNEMPLOYED]) / young_lf if young_lf else 0.0,
        "new_urban_jobs": new_jobs,
        "new_urban_jobs_cumulative": model.new_jobs_cumulative,
        "entries_into_work": events["entries_into_work"],
        "hires": flows["hires"],
        "separations": flows["quits"] + flows["layoffs"] + flows["exit_separations"] + flows["retirements_from_work"] + flows["departures_from_work"],
        "layoffs": flows["layoffs"] + flows["exit_separations"],
        "quits": flows["quits"],
        "vacancies": vacancies,
        "registered_into_work": events["registered_into_work"],
        "startups": flows["startups"],
        "firms": float(f.weight[f.alive].sum()),
        "firm_entries": flows["firm_entries"],
        "firm_exits": flows["firm_exits"],
        "ui_recipients": float(w.weight[ui_recipients].sum()),
        "trainees": float(by_status[Status.TRAINING]),
        "interns": float(by_status[Status.INTERN]),
        "public_welfare_posts": float(by_status[Status.PUBLIC_WELFARE]),
        "graduate_employment_rate": _graduate_rate(model),
        "school_leavers_in_work_share": _school_leavers_in_work(model),
        "zero_employment_households": zero_households,
        "zero_employment_cleared_share": cleared / due if due else 1.0,
        "workless_households": _workless_households(model, searching, s_weight),
        "hard_to_employ_into_work": events["hard_to_employ_into_work"],
        "transferred_employment": events["rural_into_work"] + flows["exported"],
        "regular_employment": float(sum(by_status[s] for s in REGULAR_WORK)),
        "programme_posts": float(sum(by_status[s] for s in PROGRAMME_POSTS)),
        "mean_unemployment_duration": duration,
        "insured_workers": _insured(model),
        "contribution_base_billed": flows["contribution_base_billed"],
        "contribution_base_collected": flows["contribution_base_collected"],
    }


def _insured(model: Market) -> float:
    """Employees whose job is insured, weighted."""
    w = model.workers
    rows = model.employee_rows()
    return float(w.weight[rows[w.insured[rows]]].sum(dtype=np.float64))


def _survey(model: Market, labour_force: float, unemployed: float) -> tuple[float, float]:
    """The survey's published estimate and the true rate (no scan when the survey is exhaustive)."""
    sample = model.scenario.statistics.survey_sample
    true_rate = unemployed / labour_force if labour_force else 0.0
    if sample == 0:
        return true_rate, true_rate
    w = model.workers
    rows = np.flatnonzero(_IN_LABOUR_FORCE[w.status])
    published, _ = survey_rate(model, rows, w.status[rows] == Status.UNEMPLOYED, sample)
    return published, true_rate


def _graduate_rate(model: Market) -> float:
    """Of this year's college graduates registered as unemployed after school, the share in work."""
    w = model.workers
    cohort = np.flatnonzero(model.registers.graduate_registered_year == year_of(model.month))
    cohort = cohort[w.status[cohort] < Status.RETIRED]
    if len(cohort) == 0:
        return float("nan")
    weight = w.weight[cohort].astype(np.float64)
    return float(weight[_IN_WORK[w.status[cohort]]].sum() / weight.sum())


def _school_leavers_in_work(model: Market) -> float:
    w = model.workers
    year = year_of(model.month) - (month_of(model.month) < 7)
    cohort = np.flatnonzero(w.graduation_year == year)
    cohort = cohort[(w.status[cohort] < Status.RETIRED) & (w.status[cohort] != Status.STUDENT)]
    if len(cohort) == 0:
        return float("nan")
    weight = w.weight[cohort].astype(np.float64)
    working = np.isin(w.status[cohort], WORKING_STATUSES)
    return float(weight[working].sum() / weight.sum())


def _workless_households(model: Market, searching: np.ndarray, weight: np.ndarray) -> float:
    """Households with an unemployed member and nobody in work, each counted once at its
    unemployed members' mean weight (see ``kernels.zero_employment_households``)."""
    return float(kernels.zero_employment_households(model.workers.household, searching, weight, model.household_working))


def markdown_table() -> str:
    """The README's tables of the monthly columns: the official statistics with the rule and
    its source, then the true quantities and the other columns (a test keeps them current)."""
    official = [f"| `{name}` | {d.zh} | {d.definition.removesuffix(' (official)')} | {SOURCES[name]} |"
                for name, d in DEFINITIONS.items() if name in SOURCES]
    other = [f"| `{name}` | {d.zh} | {d.definition} |" for name, d in DEFINITIONS.items() if name not in SOURCES]
    return "\n".join([
        "Official statistics, as the agencies compile them (`model/statistics.py`):", "",
        "| column | 中文 | rule | source |", "|---|---|---|---|", *official, "",
        "True quantities and other columns:", "",
        "| column | 中文 | definition |", "|---|---|---|", *other,
    ])
