"""Workers and firms: schemas, derived groups, and synthesis from region aggregates.

Both populations share one schema whether synthesised here or loaded from registry tables
(:mod:`lmsim.tables`). Codes used in the columns:

- ``status``: see :class:`Status`;
- ``education``: index into :data:`EDUCATION`;
- ``skill``: national vocational qualification level (国家职业资格等级) 5 (初级, junior) .. 1
  (高级技师, senior technician), 0 for no certificate;
- firm size classes (micro, small, medium, large) follow staff counts in :data:`SIZE_LIMITS`.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np

from . import rng
from .columns import Column, Columns
from .limits import MAX_MONTHS, MAX_WEIGHT
from .rng import Purpose
from .social_insurance import employer_rate, rates_in_force

if TYPE_CHECKING:
    from .scenario import Scenario

EDUCATION = ("primary", "junior", "senior", "vocational", "college", "university")
#: age at which a student of each level leaves school (graduates in July of that year)
SCHOOL_LEAVING_AGE = np.array([15, 16, 19, 19, 21, 22])
SIZE_CLASSES = ("micro", "small", "medium", "large")
#: upper staff limit (exclusive) of micro, small, medium; large is everything above
SIZE_LIMITS = np.array([10, 100, 300])
#: log wage premium of skill bands 0 (low), 1 (middle), 2 (high)
BAND_PREMIUM = np.array([0.8, 1.0, 1.35])
N_BANDS = 3
#: the youth group (青年) is aged 16-24: younger than 25 years
YOUTH_BELOW_MONTHS = 25 * 12


class Status(IntEnum):
    """Labour-market status of a worker in a month."""

    EMPLOYED = 0  # wage employment (就业)
    SELF_EMPLOYED = 1  # own business or sole trader (自主创业/灵活就业)
    UNEMPLOYED = 2  # without work, looking, available (失业)
    TRAINING = 3  # full-time vocational training, not available (培训)
    INTERN = 4  # internship (就业见习)
    PUBLIC_WELFARE = 5  # public-welfare post (公益性岗位)
    INACTIVE = 6  # out of the labour force (非经济活动人口)
    STUDENT = 7  # in school (在校学生)
    RETIRED = 8  # past retirement age: left the working-age population
    DEPARTED = 9  # moved away


class Separation(IntEnum):
    """Why a worker last left a job: only involuntary losses qualify for UI benefit."""

    NONE = 0
    QUIT = 1
    LAYOFF = 2
    FIRM_EXIT = 3
    BUSINESS_FAILURE = 4


#: statuses that count as employed in the survey sense (wage work incl. interns and posts)
EMPLOYED_STATUSES = (Status.EMPLOYED, Status.INTERN, Status.PUBLIC_WELFARE)
#: statuses that count as being in work: the employed and the self-employed
WORKING_STATUSES = (*EMPLOYED_STATUSES, Status.SELF_EMPLOYED)


class Workers(Columns):
    """Working-age residents of the region (16 to retirement), one row per agent."""

    SCHEMA = (
        Column("id", "int64", -1, "agent id; random draws are keyed by it", "unique, >= 0"),
        Column("weight", "float32", 1.0, "persons this agent stands for", f"> 0, at most {MAX_WEIGHT:,.0f}"),
        Column("age_months", "int16", 16 * 12, "age in months", "192..840"),
        Column("female", "bool", False, "sex is female", "true/false"),
        Column("education", "int8", 1, "highest (for students: planned) education", "0..5 = " + "/".join(EDUCATION)),
        Column("skill", "int8", 0, "vocational certificate level (5 junior .. 1 senior technician), 0 none", "0..5"),
        Column("household", "int64", -1, "household id", ">= 0"),
        Column("urban_hukou", "bool", True, "urban household registration (城镇户籍)", "true/false"),
        Column("local", "bool", True, "local household registration (本地户籍)", "true/false"),
        Column("status", "int8", int(Status.INACTIVE), "labour-market status", "0..9, see Status"),
        Column("employer", "int64", -1, "row of the employer or own firm (firm id in tables), -1 none", "a firm id or -1"),
        Column("wage", "float32", 0.0, "monthly wage, yuan", ">= 0"),
        Column("insured", "bool", False, "covered by social insurance in the current job", "true/false"),
        Column("ui_months", "int16", 0, "months of UI contributions banked before the current job", ">= 0"),
        Column("job_start", "int32", 0, "first month (index) the current job counts for contributions", "a month index"),
        Column("registered", "bool", False, "registered at the public employment service", "true/false"),
        Column("unemployed_months", "int16", 0, "current unemployment duration, months", ">= 0"),
        Column("benefit_months_left", "int16", 0, "months of UI benefit left", ">= 0"),
        Column("graduation_year", "int16", 0, "year the worker left school (0 unknown / long ago)", "0 or a year"),
        Column("poverty_registered", "bool", False, "poverty-registered (建档立卡贫困劳动力)", "true/false"),
        Column("veteran", "bool", False, "veteran (退役军人)", "true/false"),
        Column("disabled", "bool", False, "certified disabled (持证残疾人)", "true/false"),
        Column("low_income", "bool", False, "low-income household (低收入)", "true/false"),
        Column("sector", "int8", 0, "sector of the current or last job (index in region.sectors)", "0..sectors-1"),
        Column("last_wage", "float32", 0.0, "wage in the last job, yuan", ">= 0"),
        Column("savings", "float32", 0.0, "own funds available to start a business, yuan", ">= 0"),
        Column("separation", "int8", 0, "reason of the last separation", "0..4, see Separation"),
        Column("programme", "int8", 0, "code of the lever whose programme the worker is in, 0 none", ">= 0"),
        Column("programme_left", "int16", 0, "months left in training, an internship or a public post", ">= 0"),
    )

    def resident(self) -> np.ndarray:
        return self.status < Status.RETIRED

    def skill_band(self, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        """0 low, 1 middle, 2 high: from education and certificate level."""
        education, skill = self.education[rows], self.skill[rows]
        band = np.where(education >= 4, 2, np.where(education >= 2, 1, 0))
        band = np.where((skill > 0) & (skill <= 3), 2, np.where(skill > 3, np.maximum(band, 1), band))
        return band.astype(np.int8)

    def youth(self) -> np.ndarray:
        """Aged 16-24."""
        return self.age_months < YOUTH_BELOW_MONTHS

    def recent_graduate(self, year: int, within: int = 2) -> np.ndarray:
        """Left school in ``year`` or the ``within`` years before (毕业年度及离校2年内)."""
        return (self.graduation_year > 0) & (self.graduation_year >= year - within) & (self.graduation_year <= year)

    def older(self) -> np.ndarray:
        """Women 40+ and men 50+ (the '4050' group of hard-to-employ people)."""
        return np.where(self.female, self.age_months >= 40 * 12, self.age_months >= 50 * 12)

    def rural_surplus(self) -> np.ndarray:
        """Rural-hukou labour available for non-farm work (农村富余劳动力)."""
        return ~self.urban_hukou & self.resident()


class Firms(Columns):
    """Firms of the region, one row per agent; start-ups by workers are added as they enter."""

    SCHEMA = (
        Column("id", "int64", -1, "firm id; random draws are keyed by it", "unique, >= 0"),
        Column("weight", "float32", 1.0, "firms this agent stands for", f"> 0, at most {MAX_WEIGHT:,.0f}"),
        Column("alive", "bool", True, "operating", "true/false"),
        Column("sector", "int8", 0, "sector (index in region.sectors)", "0..sectors-1"),
        Column("skill_band", "int8", 1, "skill band the firm hires in", "0..2"),
        Column("labour_intensive", "bool", False, "labour-intensive firm (劳动密集型)", "true/false"),
        Column("insures", "bool", True, "enrols its staff in social insurance", "true/false"),
        Column("scale", "float32", 1.0, "staff it wants at normal demand and cost", ">= 0"),
        Column("demand", "float32", 0.0, "log demand relative to normal", "-3..3"),
        Column("wage", "float32", 0.0, "wage level offered, yuan a month", "> 0"),
        Column("unit_cost", "float32", 0.0, "labour cost per worker at the start, yuan a month", "> 0"),
        Column("productivity", "float32", 0.0, "revenue per worker at normal demand, yuan a month", ">= 0"),
        Column("cash", "float64", 0.0, "cash, yuan", "any"),
        Column("cash_buffer", "float32", np.inf, "months of its normal wage bill the firm keeps as cash; profit beyond is paid out (inf: keeps all)", f"0..{MAX_MONTHS} in a table"),
        Column("employees", "int32", 0, "staff this month", ">= 0"),
        Column("payroll", "float64", 0.0, "monthly wages of its staff, yuan", ">= 0"),
        Column("insured_base", "float64", 0.0, "contribution base of its insured staff, yuan a month", ">= 0"),
        Column("contributions_this_year", "float64", 0.0, "social-insurance contributions paid this year, yuan", ">= 0"),
        Column("contributions_last_year", "float64", 0.0, "social-insurance contributions paid last year, yuan", ">= 0"),
        Column("ui_premiums_this_year", "float64", 0.0, "UI premiums paid this year (firm + staff), yuan", ">= 0"),
        Column("ui_premiums_last_year", "float64", 0.0, "UI premiums paid last year (firm + staff), yuan", ">= 0"),
        Column("layoffs_this_year", "int32", 0, "workers laid off this year", ">= 0"),
        Column("layoffs_last_year", "int32", 0, "workers laid off last year", ">= 0"),
        Column("staff_year_start", "int32", 0, "staff on 1 January (the base of the layoff rate)", ">= 0"),
        Column("hires_this_year", "int32", 0, "workers hired this year", ">= 0"),
        Column("arrears", "float64", 0.0, "unpaid social-insurance contributions, yuan", ">= 0"),
        Column("loans", "float64", 0.0, "loans outstanding, yuan", ">= 0"),
        Column("age_months", "int16", 0, "age in months", ">= 0"),
        Column("difficulty_months", "int16", 0, "consecutive months with negative cash", ">= 0"),
        Column("owner", "int64", -1, "row of the founder who runs it (worker id in tables), -1 none", "a worker id or -1"),
    )

    def size_class(self) -> np.ndarray:
        """0 micro, 1 small, 2 medium, 3 large, from this month's staff."""
        return np.searchsorted(SIZE_LIMITS, self.employees, side="right").astype(np.int8)


def _u(seed: int, ids: np.ndarray, purpose: Purpose, sub: int) -> np.ndarray:
    return rng.uniform(seed, ids, 0, purpose, sub)


def synthesise(scenario: Scenario, seed: int) -> tuple[Workers, Firms]:
    """Build workers and firms matching the scenario's region aggregates."""
    pop = scenario.population
    start = scenario.scenario.start_month
    workers = Workers(pop.workers)
    w_ids = np.arange(pop.workers, dtype=np.int64)
    workers.id[:] = w_ids
    workers.weight[:] = pop.weight
    _synth_people(workers, scenario, seed, start)
    firms = Firms(pop.firms)
    firms.id[:] = np.arange(pop.firms, dtype=np.int64)
    firms.weight[:] = pop.weight
    _synth_firms(firms, workers, scenario, seed)
    return workers, firms


def _draw_age_months(u: np.ndarray, shares: dict[str, float]) -> np.ndarray:
    bands = [tuple(int(x) for x in k.split("-")) for k in shares]
    weights = np.array([shares[k] for k in shares], dtype=float)
    cum = np.cumsum(weights) / weights.sum()
    idx = np.minimum(np.searchsorted(cum, u, side="right"), len(bands) - 1)
    lo = np.array([b[0] for b in bands])[idx]
    hi = np.array([b[1] for b in bands])[idx] + 1
    within = (u - np.concatenate([[0.0], cum])[idx]) / np.maximum(cum[idx] - np.concatenate([[0.0], cum])[idx], 1e-12)
    return (12 * (lo + within * (hi - lo))).astype(np.int16)


def _synth_people(w: Workers, sc: Scenario, seed: int, start: int) -> None:
    region = sc.region
    ids, n = w.id, len(w)
    u = lambda k: _u(seed, ids, Purpose.SYNTH_WORKER, k)  # noqa: E731 - one draw per attribute
    year, month = divmod(start, 12)
    w.age_months[:] = _draw_age_months(u(0), region.age_shares)
    draw_traits(w, np.arange(n), region, seed, 0, Purpose.SYNTH_WORKER)
    order = np.argsort(u(11), kind="stable")
    w.household[order] = (np.arange(n) / region.household_size).astype(np.int64)

    age = w.age_months // 12
    leaving_age = SCHOOL_LEAVING_AGE[w.education]
    in_school = (age < leaving_age) & (age <= 22) & (u(12) < region.enrolment_share)
    # the July of the year they turn the leaving age; a July already past moves to next year
    grad_year = year + (leaving_age - age) - (month >= 7)
    grad_year = np.maximum(grad_year, year + (month >= 7))
    recent = ~in_school & (age <= leaving_age + 2)
    w.graduation_year[:] = np.where(in_school, grad_year, np.where(recent, year - (age - leaving_age).clip(0, 2), 0))

    active = ~in_school & (u(13) < region.participation_rate)
    young_rate = region.unemployment_rate if region.youth_unemployment_rate is None else region.youth_unemployment_rate
    unemployed = active & (u(14) < np.where(w.age_months < YOUTH_BELOW_MONTHS, young_rate, region.unemployment_rate))
    employed = active & ~unemployed
    self_emp = employed & (u(15) < region.self_employed_share)
    retirement_age = np.where(w.female, sc.demography.retirement_age_female, sc.demography.retirement_age_male)
    retired = age >= retirement_age
    in_school &= ~retired
    active &= ~retired
    unemployed &= ~retired
    employed &= ~retired
    self_emp &= ~retired
    status = np.full(n, int(Status.INACTIVE), dtype=np.int8)
    status[retired] = Status.RETIRED
    status[in_school] = Status.STUDENT
    status[unemployed] = Status.UNEMPLOYED
    status[employed] = Status.EMPLOYED
    status[self_emp] = Status.SELF_EMPLOYED
    w.status[:] = status

    w.last_wage[:] = np.where(status <= Status.UNEMPLOYED, typical_wage(w, np.arange(n), region), 0.0)
    w.registered[:] = unemployed & (u(18) < region.registered_share)
    w.unemployed_months[:] = np.where(unemployed, np.floor(-np.log1p(-u(19)) * 5).astype(np.int16), 0)


def draw_traits(w: Workers, rows: np.ndarray, region, seed: int, month: int, purpose: Purpose) -> None:
    """Personal traits of new agents (at synthesis, school entry or in-migration), keyed by id."""
    ids = w.id[rows]
    u = lambda k: rng.uniform(seed, ids, month, purpose, 40 + k)  # noqa: E731 - one draw per trait
    w.female[rows] = u(1) < region.female_share
    edu_shares = np.array([region.education_shares.get(e, 0.0) for e in EDUCATION])
    w.education[rows] = rng.choice(seed, ids, month, purpose, edu_shares, sub=40 + 2)
    level = rng.choice(seed, ids, month, purpose, np.array([0.01, 0.04, 0.2, 0.35, 0.4]), sub=40 + 4) + 1
    w.skill[rows] = np.where(u(3) < region.certificate_share, level, 0)
    w.urban_hukou[rows] = u(5) < region.urban_hukou_share
    w.local[rows] = u(6) < region.local_hukou_share
    rural_share = max(1 - region.urban_hukou_share, 1e-9)
    w.poverty_registered[rows] = ~w.urban_hukou[rows] & (u(7) < region.poverty_registered_share / rural_share)
    w.veteran[rows] = ~w.female[rows] & (u(8) < 2 * region.veteran_share)
    w.disabled[rows] = u(9) < region.disabled_share
    w.low_income[rows] = u(10) < region.low_income_share
    sector_shares = np.array([s.employment_share for s in region.sectors])
    w.sector[rows] = rng.choice(seed, ids, month, purpose, sector_shares, sub=40 + 16)
    z = rng.normal(seed, ids, month, purpose, 40 + 17)
    w.savings[rows] = region.average_wage * region.savings_months * np.exp(z)


def typical_wage(w: Workers, rows: np.ndarray, region) -> np.ndarray:
    """The wage a worker's sector and skill band pay on average: the anchor of reservation wages."""
    wage_ratio = np.array([s.wage_ratio for s in region.sectors])
    band = w.skill_band(rows)
    typical = region.average_wage * wage_ratio[w.sector[rows]] * BAND_PREMIUM[band]
    return np.maximum(typical, region.minimum_wage)


def _synth_firms(f: Firms, w: Workers, sc: Scenario, seed: int) -> None:
    region, beh = sc.region, sc.behaviour
    ids, m = f.id, len(f)
    u = lambda k: _u(seed, ids, Purpose.SYNTH_FIRM, k)  # noqa: E731
    sectors = region.sectors
    f.sector[:] = rng.choice(seed, ids, 0, Purpose.SYNTH_FIRM, np.array([s.employment_share for s in sectors]), sub=0)
    f.labour_intensive[:] = u(1) < np.array([s.labour_intensive_share for s in sectors])[f.sector]
    size_shares = np.array([region.firm_size_shares[c] for c in SIZE_CLASSES])
    size = rng.choice(seed, ids, 0, Purpose.SYNTH_FIRM, size_shares, sub=2)
    lo = np.array([1, 10, 100, 300])[size]
    hi = np.array([10, 100, 300, 2000])[size]
    raw = np.exp(np.log(lo) + u(3) * (np.log(hi) - np.log(lo)))
    f.insures[:] = u(4) < np.array([region.insured_firm_share[c] for c in SIZE_CLASSES])[size]

    employees = np.flatnonzero(w.status == Status.EMPLOYED)
    staff = _assign_staff(raw, len(employees), seed, ids)
    vacancies_total = int(round(len(employees) * region.initial_vacancy_rate))
    f.scale[:] = staff + np.bincount(_weighted_slots(raw, vacancies_total, seed, ids, 6), minlength=m)

    band = w.skill_band()
    firm_band_shares = np.bincount(band[employees], minlength=N_BANDS).astype(float) + 1e-9
    f.skill_band[:] = rng.choice(seed, ids, 0, Purpose.SYNTH_FIRM, firm_band_shares, sub=7)
    # pair workers and slots in the same band as far as counts allow
    slots = np.repeat(np.arange(m), staff)
    slot_order = np.lexsort((u(8)[slots], f.skill_band[slots]))
    wu = rng.uniform(seed, w.id[employees], 0, Purpose.SYNTH_WORKER, 20)
    worker_order = np.lexsort((wu, band[employees]))
    employer = np.empty(len(employees), dtype=np.int64)
    employer[worker_order] = slots[slot_order]
    w.employer[employees] = employer
    w.sector[employees] = f.sector[employer]

    set_firm_economics(f, np.arange(m), sc, seed, 0, Purpose.SYNTH_FIRM, sc.scenario.start_month)
    offer = f.wage[employer] * BAND_PREMIUM[f.skill_band[employer]]
    offer *= np.exp(beh.offer_wage_dispersion * rng.normal(seed, w.id[employees], 0, Purpose.SYNTH_WORKER, 21))
    w.wage[employees] = np.maximum(offer, region.minimum_wage)
    w.last_wage[employees] = w.wage[employees]
    w.insured[employees] = f.insures[employer]
    ui = -np.log1p(-rng.uniform(seed, w.id[employees], 0, Purpose.SYNTH_WORKER, 22)) * region.initial_ui_months
    w.ui_months[employees] = np.where(w.insured[employees], np.minimum(ui, 480), 0).astype(np.int16)
    w.job_start[employees] = sc.scenario.start_month
    f.cash[:] = f.cash_buffer * normal_wage_bill(f, np.arange(m))
    f.age_months[:] = (u(10) * 240).astype(np.int16)
    rates = rates_in_force(sc, sc.scenario.start_month)
    insured_pay = np.bincount(employer, weights=w.wage[employees] * w.insured[employees], minlength=m)
    f.ui_premiums_last_year[:] = 12 * (rates.ui_employer + rates.ui_employee) * insured_pay
    f.staff_year_start[:] = staff


def draw_cash_buffers(sc: Scenario, ids: np.ndarray, seed: int, month: int, purpose: Purpose) -> np.ndarray:
    """Each firm's cash buffer (months of its normal wage bill), drawn from
    ``behaviour.cash_buffer_months``, keyed by firm id."""
    months, shares = sc.behaviour.cash_buffer_table()
    return months[rng.choice(seed, ids, month, purpose, shares, sub=11)]


def normal_wage_bill(f: Firms, rows: np.ndarray | slice) -> np.ndarray:
    """Monthly wages of the staff the firms want at normal demand and cost, yuan."""
    return f.scale[rows] * f.wage[rows] * BAND_PREMIUM[f.skill_band[rows]]


def set_firm_economics(f: Firms, rows: np.ndarray, sc: Scenario, seed: int, month: int, purpose: Purpose, now: int) -> None:
    """Wage level, reference labour cost, productivity (sector wage, firm spread) and cash
    buffer of new firms."""
    f.cash_buffer[rows] = draw_cash_buffers(sc, f.id[rows], seed, month, purpose)
    region = sc.region
    wage_ratio = np.array([s.wage_ratio for s in region.sectors])
    z = rng.normal(seed, f.id[rows], month, purpose, 9)
    f.wage[rows] = np.maximum(region.average_wage * wage_ratio[f.sector[rows]] * np.exp(0.15 * z), region.minimum_wage)
    rate = employer_rate(rates_in_force(sc, now))
    f.unit_cost[rows] = f.wage[rows] * BAND_PREMIUM[f.skill_band[rows]] * (1 + rate * f.insures[rows])
    f.productivity[rows] = sc.behaviour.markup * f.unit_cost[rows]


def _weighted_slots(weights: np.ndarray, k: int, seed: int, ids: np.ndarray, sub: int) -> np.ndarray:
    """``k`` firm indices drawn with probability proportional to ``weights``, keyed by slot."""
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    cum = np.cumsum(weights)
    draws = rng.uniform(seed, np.arange(k), 0, Purpose.SYNTH_FIRM, 100 + sub) * cum[-1]
    return np.minimum(np.searchsorted(cum, draws, side="right"), len(weights) - 1)


def _assign_staff(raw: np.ndarray, total: int, seed: int, ids: np.ndarray) -> np.ndarray:
    """Integer staff per firm summing to ``total``, proportional to ``raw`` sizes."""
    share = raw * (total / raw.sum())
    staff = np.floor(share).astype(np.int64)
    extra = _weighted_slots(share - staff + 1e-12, total - int(staff.sum()), seed, ids, 5)
    return staff + np.bincount(extra, minlength=len(raw))
