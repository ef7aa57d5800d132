"""Scenario files: TOML, validated in full before any run.

A scenario describes one local labour market: the calendar (start month, horizon), the
population (synthesised from region aggregates or loaded from tables), the institutions
that exist without any special measure (social-insurance contribution rates, the
unemployment-insurance benefit, the funds' opening balances), the behavioural parameters
of workers and firms, and scripted demand shocks.

Every behavioural parameter is a named field with a default and a unit, so calibration can
set it and researchers can sweep it (``--set behaviour.quit_rate=0.012``). Validation is
pydantic with unknown keys forbidden; :func:`load_scenario` turns its errors into
:class:`ScenarioError` lines naming the file, the field and what is allowed.

A scenario may name a ``base`` file (relative to itself); its tables are merged key by key
under the scenario's own, except ``[fit]``, which replaces the base's whole.
"""

from __future__ import annotations

import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, TypeVar

import numpy as np
from pydantic import BaseModel, Field, PrivateAttr, ValidationError, ValidationInfo, field_validator, model_validator

from .calendar import format_month, parse_month
from .limits import MAX_FIRMS, MAX_MONTHS, MAX_WEIGHT, MAX_WORKERS, MAX_YUAN, Seed, check_file
from .policies import Policies
from .targets import Target
from .statistics import Statistics
from .units import ALWAYS, Dated, Month, NonNegative, Positive, Section, Share, Yuan, param


M = TypeVar("M", bound=BaseModel)

#: the shipped scenario files, installed as the package ``lmsim.scenarios``
BUILTIN_DIR = Path(str(files("lmsim.scenarios")))


class ScenarioError(ValueError):
    """A scenario or population input that cannot be run; ``problems`` lists each one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class ScenarioInfo(Section):
    """[scenario]: identity and calendar."""

    name: str
    description: str = ""
    region: str = Field("", description="region key, e.g. huyi")
    start: Month = Field(description="first simulated month, YYYY-MM")
    months: int = Field(gt=0, le=MAX_MONTHS, description="horizon in months")
    seed: Seed = Field(1, description="default master seed")

    @property
    def start_month(self) -> int:
        return parse_month(self.start)


class Sector(Section):
    """One sector of the local economy ([[region.sectors]])."""

    name: str
    employment_share: Positive = Field(description="share of employment; shares are normalised")
    wage_ratio: Positive = Field(1.0, description="sector wage relative to the average wage")
    labour_intensive_share: Share = Field(0.3, description="share of firms that are labour-intensive")
    demand_volatility: NonNegative = Field(0.02, description="s.d. of the sector's monthly demand shock (log points)")


#: the file formats of population tables, by suffix
TABLE_FORMATS = (".csv", ".parquet")


class Population(Section):
    """[population]: how many agents and where they come from."""

    workers: int = Field(100_000, gt=0, le=MAX_WORKERS, description="worker agents to synthesise (working-age residents)")
    firms: int = Field(5_000, gt=0, le=MAX_FIRMS, description="firm agents to synthesise")
    weight: Positive = Field(1.0, le=MAX_WEIGHT, description="persons (and firms) per agent")
    workers_table: str | None = Field(None, description="CSV or Parquet of workers; replaces synthesis")
    firms_table: str | None = Field(None, description="CSV or Parquet of firms; required with workers_table")

    @field_validator("workers_table", "firms_table")
    @classmethod
    def _table_format(cls, value: str | None) -> str | None:
        if value is not None and Path(value).suffix.lower() not in TABLE_FORMATS:
            raise ValueError(f"unknown table format {Path(value).suffix!r} of {value!r}; allowed: CSV (.csv) or Parquet (.parquet)")
        return value

    @model_validator(mode="after")
    def _tables_together(self) -> Population:
        if (self.workers_table is None) != (self.firms_table is None):
            raise ValueError("workers_table and firms_table must be given together")
        # workers and firms share one weight: more firm agents than worker agents would mean more
        # firms than working-age residents
        if self.workers_table is None and self.firms > self.workers:
            raise ValueError(f"firms = {self.firms:,} exceeds workers = {self.workers:,}; allowed: at most as many firms as workers")
        return self


class Region(Section):
    """[region]: aggregates the synthesiser draws the population from (monthly yuan)."""

    participation_rate: Share = Field(0.75, description="labour-force share of working-age residents not in school")
    unemployment_rate: Share = Field(0.05, description="initial surveyed unemployment rate")
    youth_unemployment_rate: Share | None = Field(None, description="initial rate of 16-24 year-olds; default the overall rate")
    self_employed_share: Share = Field(0.08, description="share of the employed who are self-employed")
    registered_share: Share = Field(0.6, description="initial share of the unemployed registered at the PES")
    initial_vacancy_rate: NonNegative = Field(0.03, description="open vacancies at the start, share of employees")
    age_shares: dict[str, NonNegative] = Field(default_factory=lambda: {"16-24": 0.14, "25-34": 0.22, "35-44": 0.21, "45-54": 0.24, "55-64": 0.19}, description="working-age population by age band 'a-b' (16-64)")
    female_share: Share = 0.48
    education_shares: dict[str, NonNegative] = Field(default_factory=lambda: {"primary": 0.12, "junior": 0.38, "senior": 0.18, "vocational": 0.10, "college": 0.12, "university": 0.10}, description="highest education: primary, junior, senior, vocational, college, university")
    enrolment_share: Share = Field(0.45, description="share of 16-22 year-olds still in school")
    certificate_share: Share = Field(0.15, description="share holding a vocational certificate (levels 5..1)")
    urban_hukou_share: Share = 0.5
    local_hukou_share: Share = 0.8
    poverty_registered_share: Share = 0.02
    veteran_share: Share = 0.02
    disabled_share: Share = 0.02
    low_income_share: Share = 0.05
    household_size: Annotated[float, Field(ge=1.0, le=10.0)] = Field(2.2, description="working-age members per household")
    average_wage: Positive = Field(6000.0, description="average monthly wage, yuan")
    minimum_wage: Positive = Field(1800.0, description="monthly minimum wage, yuan")
    savings_months: NonNegative = Field(6.0, description="median savings in months of wage")
    insured_firm_share: dict[str, Share] = Field(default_factory=lambda: {"micro": 0.35, "small": 0.7, "medium": 0.9, "large": 1.0}, description="share of firms that insure their staff, by size class")
    firm_size_shares: dict[str, NonNegative] = Field(default_factory=lambda: {"micro": 0.80, "small": 0.17, "medium": 0.025, "large": 0.005}, description="share of firms by size class: micro, small, medium, large")
    initial_ui_months: NonNegative = Field(60.0, description="mean months of UI contributions of insured workers")
    sectors: list[Sector] = Field(default_factory=lambda: [Sector(name="agriculture", employment_share=0.10, wage_ratio=0.6, labour_intensive_share=0.6), Sector(name="manufacturing", employment_share=0.30, wage_ratio=1.0, labour_intensive_share=0.5), Sector(name="construction", employment_share=0.10, wage_ratio=1.0, labour_intensive_share=0.7), Sector(name="services", employment_share=0.50, wage_ratio=1.0, labour_intensive_share=0.3)], min_length=1)

    @field_validator("age_shares")
    @classmethod
    def _age_bands(cls, value: dict[str, float]) -> dict[str, float]:
        for band in value:
            lo, _, hi = band.partition("-")
            if not (lo.isdigit() and hi.isdigit() and 16 <= int(lo) <= int(hi) <= 64):
                raise ValueError(f"age band {band!r} must be 'a-b' with 16 <= a <= b <= 64")
        return _sums_to_one(value)

    @field_validator("education_shares")
    @classmethod
    def _education_keys(cls, value: dict[str, float]) -> dict[str, float]:
        from .population import EDUCATION

        unknown = set(value) - set(EDUCATION)
        if unknown:
            raise ValueError(f"unknown education level(s) {sorted(unknown)}; allowed: {list(EDUCATION)}")
        return _sums_to_one(value)

    @field_validator("insured_firm_share", "firm_size_shares")
    @classmethod
    def _size_keys(cls, value: dict[str, float]) -> dict[str, float]:
        from .population import SIZE_CLASSES

        if set(value) != set(SIZE_CLASSES):
            raise ValueError(f"keys must be exactly {list(SIZE_CLASSES)}")
        return value

    @field_validator("firm_size_shares")
    @classmethod
    def _size_distribution(cls, value: dict[str, float]) -> dict[str, float]:
        return _sums_to_one(value)

    @field_validator("minimum_wage")
    @classmethod
    def _wage_floor(cls, value: float, info: ValidationInfo) -> float:
        average = info.data.get("average_wage")  # absent when it failed its own checks
        if average is not None and value > average:
            raise ValueError(f"{value:g} is above average_wage {average:g}; allowed: at most the average wage")
        return value


#: how far shares that split a whole may sum from one
SHARE_SUM_TOLERANCE = 1e-6


def _sums_to_one(shares: dict[str, float]) -> dict[str, float]:
    """``shares``, which split a whole (age bands, education levels, size classes), if they sum
    to one."""
    total = sum(shares.values())
    if abs(total - 1) > SHARE_SUM_TOLERANCE:
        raise ValueError(f"shares sum to {total:g}; allowed: shares summing to 1 (within {SHARE_SUM_TOLERANCE:g})")
    return shares


class ContributionRates(Section):
    """One dated set of social-insurance rates ([[contributions.rates]]), shares of the base."""

    start: Month = Field(description="first month these rates apply, YYYY-MM")
    pension_employer: Share = 0.16
    pension_employee: Share = 0.08
    medical_employer: Share = 0.08
    medical_employee: Share = 0.02
    ui_employer: Share = 0.007
    ui_employee: Share = 0.003


class Contributions(Section):
    """[contributions]: social-insurance contributions (社会保险缴费)."""

    base_floor: Share = Field(0.6, description="contribution base floor, share of the average wage")
    base_cap: Annotated[float, Field(ge=1.0, le=10.0)] = Field(3.0, description="base cap, multiple of the average wage")
    rates: list[ContributionRates] = Field(default_factory=lambda: [ContributionRates(start="1900-01")], min_length=1, description="dated rate sets; each applies from its start month until the next")

    @field_validator("rates")
    @classmethod
    def _ordered(cls, value: list[ContributionRates]) -> list[ContributionRates]:
        starts = [parse_month(r.start) for r in value]
        if starts != sorted(starts) or len(set(starts)) != len(starts):
            raise ValueError("rate sets must have distinct start months in increasing order")
        return value

    @property
    def dated_rates(self) -> Dated[ContributionRates]:
        """The rate sets as a dated value; the first set also applies before its start month."""
        return Dated({ALWAYS if i == 0 else r.start: r for i, r in enumerate(self.rates)})


class UnemploymentInsurance(Section):
    """[ui]: the unemployment-insurance benefit without any special measure."""

    enabled: bool = True
    benefit_share_of_minimum_wage: Annotated[float, Field(ge=0.0, le=2.0)] = 0.9
    minimum_contribution_months: int = Field(12, ge=0, le=600)
    duration_months: dict[str, Annotated[int, Field(ge=0, le=60)]] = Field(default_factory=lambda: {"1": 12, "5": 18, "10": 24}, description="benefit months by full years of contributions (at least the key)")
    medical_insurance_per_recipient: Yuan = Field(250.0, description="monthly medical premium the UI fund pays per recipient")
    claim_rate: Share = Field(0.5, description="share of eligible job losers who claim")

    @field_validator("duration_months")
    @classmethod
    def _years(cls, value: dict[str, int]) -> dict[str, int]:
        if not value or not all(k.isdigit() for k in value):
            raise ValueError("keys must be whole years of contributions, e.g. {\"1\" = 12, \"5\" = 18}")
        return value


#: a fund's opening balance, yuan: negative for a fund that starts in deficit
Balance = Annotated[float, Field(ge=-MAX_YUAN, le=MAX_YUAN)]


#: the funds a scenario may name, as the ledger names them
FUND_KEYS = ("ui_fund", "employment_subsidy_fund", "guarantee_fund", "minimum_living_fund", "pension_fund", "medical_fund")
#: yuan by budget year ("2019"), for one fund
YearAmounts = dict[str, Annotated[float, Field(ge=0.0, le=MAX_YUAN)]]


class Funds(Section):
    """[funds]: opening balances, yuan; the reserves below which ``lmsim forecast`` reports a
    fund as short (``[funds.reserves]``, yuan by fund name; default 0); and the money the
    finance bureau pays into a fund each budget year (:mod:`lmsim.treasury`):
    ``[funds.appropriations]`` (the local budget's appropriation) and ``[funds.transfers]``
    (transfers from higher levels' budgets), each yuan by fund name
    and year, e.g. ``employment_subsidy_fund = { 2019 = 20_000_000 }``."""

    ui_fund: Balance = 0.0
    employment_subsidy_fund: Balance = 0.0
    guarantee_fund: Balance = 0.0
    minimum_living_fund: Balance = 0.0
    pension_fund: Balance = 0.0
    medical_fund: Balance = 0.0
    reserves: dict[str, Annotated[float, Field(ge=0.0, le=MAX_YUAN)]] = Field(default_factory=dict, description="yuan by fund name")
    appropriations: dict[str, YearAmounts] = Field(default_factory=dict, description="yuan by fund name and budget year")
    transfers: dict[str, YearAmounts] = Field(default_factory=dict, description="yuan by fund name and budget year")

    @field_validator("reserves", "appropriations", "transfers")
    @classmethod
    def _known_funds(cls, value: dict) -> dict:
        unknown = sorted(set(value) - set(FUND_KEYS))
        if unknown:
            raise ValueError(f"unknown fund(s) {unknown}; allowed: {', '.join(FUND_KEYS)}")
        return value

    @field_validator("appropriations", "transfers")
    @classmethod
    def _years(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for fund, by_year in value.items():
            bad = [y for y in by_year if not (y.isdigit() and 1990 <= int(y) <= 2100)]
            if bad:
                raise ValueError(f"{fund}: year(s) {bad} are not budget years; keys are years 1990-2100, e.g. {{ 2019 = 20_000_000 }}")
        return value


class Behaviour(Section):
    """[behaviour]: behavioural parameters (monthly rates unless stated)."""

    quit_rate: Share = param(0.008, unit="share a month", ref="schema default (illustrative); every shipped baseline estimates it for its region, calibration/targets/REGION.toml and the baseline's [fit]", description="monthly probability an employee quits into search")
    youth_quit_multiplier: NonNegative = param(1.0, unit="multiplier", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="quit hazard of 16-24 year-olds relative to quit_rate")
    matching_efficiency: Positive = param(0.35, unit="matches a month per unit of U^a V^(1-a)", ref="illustrative default; estimated for Tacheng and Chengyang, calibration/targets/REGION.toml and the baseline's [fit]", description="A in M = A U^a V^(1-a), per month")
    matching_elasticity: Share = param(0.5, unit="elasticity", ref="Petrongolo and Pissarides (2001), J. Econ. Literature 39(2): 0.5-0.7 on unemployment", description="a, elasticity of matches to seekers")
    pes_matching_boost: NonNegative = param(0.3, unit="share", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="extra search effectiveness of registered seekers")
    youth_search_effectiveness: NonNegative = param(1.0, unit="multiplier", ref="schema default (illustrative); every shipped baseline estimates it for its region, calibration/targets/REGION.toml and the baseline's [fit]", description="search effectiveness of 16-24 year-old seekers relative to others")
    segment_by_skill: bool = param(True, unit="yes/no", ref="model design", description="seekers and vacancies meet within skill bands as well as sectors")
    cross_segment_search: Share = param(0.15, unit="share a month", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="share of seekers searching outside their segment each month")
    registration_rate: Share = param(0.3, unit="share a month", ref="schema default (illustrative); every shipped baseline estimates it for its region, calibration/targets/REGION.toml and the baseline's [fit]", description="monthly probability an unregistered unemployed urban-hukou local registers")
    registration_rate_other: Share = param(0.05, unit="share a month", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="the same for rural or non-local hukou")
    reservation_wage_share: NonNegative = param(0.7, unit="share", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="reservation wage as share of the last wage")
    reservation_wage_decay: Share = param(0.03, unit="share a month", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="monthly decline of that share while unemployed")
    benefit_reservation_weight: NonNegative = param(0.6, unit="yuan per yuan", ref="schema default (illustrative); every shipped baseline estimates it for its region, calibration/targets/REGION.toml and the baseline's [fit]", description="yuan of reservation wage per yuan of benefit")
    offer_wage_dispersion: NonNegative = param(0.12, unit="log points", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="s.d. of log offer wages around the firm's level")
    discouragement_rate: Share = param(0.01, unit="share a month", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="monthly move of an unemployed person out of the labour force")
    reentry_rate: Share = param(0.01, unit="share a month", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="monthly move of an inactive person into search")
    startup_rate: Share = param(0.008, unit="share a month", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="monthly probability an unemployed person tries to start a business")
    startup_capital_median: Yuan = param(60_000.0, unit="yuan", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="median capital a start-up needs")
    startup_capital_dispersion: NonNegative = param(0.8, unit="log points", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="s.d. of log start-up capital")
    startup_employer_share: Share = param(0.21, unit="share", ref="migrant workers' status in employment (流动人口动态监测, in 《中国超大城市农民工问题研究:以北上广深为例》, https://m.origin.qq.com/read/1048395720/8): 8.6 % employers (雇主) against 32.0 % own-account workers, 8.6 / 40.6 = 21 % of the self-employed hire; with startup_team_size a start-up engages 1 + 0.21 x 5.2 = 2.09 persons, as individual businesses do (2.04 a unit, 5th economic census 2023: 8,799.5万 units, 17,956.4万 persons; 2.37 in 2018; 2.68 SAMR survey 2022)", description="share of start-ups that plan to hire")
    startup_team_size: Annotated[float, Field(ge=1.0)] = param(5.2, unit="persons", ref="SAIC survey of new small and micro enterprises a year after registration (新设小微企业周年活跃度调查, 2015 Q3 cohort: 开业时平均每户6.2人, founder included; 2016 Q2 cohort 6.07), http://econ.taiwan.cn/sy/201611/t20161102_11611824.htm", description="mean planned employees of hiring start-ups (a geometric draw, at least 1)")
    startup_failure_by_year: list[Share] = param([0.016, 0.063, 0.095, 0.08], unit="share a year, by year of age", ref="SAIC 2013, 全国内资企业生存时间分析报告 (enterprises founded since 2000): 企业成立当年的平均死亡率为1.6%，第2年为6.3%，第3年最高，为9.5%，之后一直维持在8%以上 until the 7th year (Xinhua, reposted https://www.cicpa.org.cn/ztzl1/zthf/cjzx/201308/t20130819_45616.html); deregistrations, which lag closures", min_length=1, description="annual closure rate of a founder's firm in its 1st, 2nd, ... year (the last for every later year)")
    self_employment_exit_rate: Share = param(0.003, unit="share a month", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="monthly hazard a sole trader gives up")
    demand_trend: Annotated[float, Field(ge=-0.5, le=0.5)] = param(0.04, unit="log points a year", ref="illustrative default; set per baseline (issue 11: holds the rate's level), estimated for Anshan (calibration/targets/anshan.toml)", description="annual log growth of firms' normal staff")
    demand_persistence: Share = param(0.9, unit="AR(1) coefficient", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="AR(1) coefficient of firm log demand")
    firm_demand_volatility: NonNegative = param(0.04, unit="log points", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="s.d. of the firm's own monthly demand shock")
    market_demand_volatility: NonNegative = param(0.005, unit="log points", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="s.d. of the whole-market monthly shock")
    labour_demand_elasticity: NonNegative = param(0.5, unit="elasticity", ref="Hamermesh (1993), Labor Demand: constant-output own-wage elasticity about 0.3 (0.15-0.75)", description="elasticity of target employment to labour cost")
    hoarding_band: NonNegative = param(0.08, unit="share of staff", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="excess staff share a firm holds through a bad month")
    layoff_speed: Share = param(0.5, unit="share a month", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="share of excess staff beyond the band laid off per month")
    markup: Positive = param(1.3, unit="multiplier", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="revenue per worker over labour cost at normal demand")
    fixed_cost_share: Share = param(0.1, unit="share of normal revenue", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="fixed monthly cost as share of normal revenue")
    cash_buffer_months: dict[str, Share] = param({"1": 0.34, "2": 0.331, "3": 0.1791, "4.5": 0.0503, "6": 0.0996}, unit="table: months of normal wage bill -> share of firms", ref="survey of 995 SMEs, February 2020 (朱武祥, Tsinghua SEM and PKU HSBC; 账上现金余额能维持企业生存的时间: 34 % one month, 33.1 % two, 17.91 % three, 9.96 % six or more, the rest 4-5), as reposted by FT中文网 https://ft.csccsc.cc/story/001086324", description="cash a firm keeps, in months of its normal wage bill, and the share of firms keeping each; profit beyond it is paid out")
    exit_after_months: int = param(6, ge=1, le=120, unit="months", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="months of negative cash before a firm exits")
    firm_exit_rate: Share = param(0.003, unit="share a month", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="monthly closure hazard of a firm for reasons outside the model")
    firm_entry_rate: Share = param(0.003, unit="firms a month per firm", ref="illustrative: no published source yet (a debt: the regional fit of issue 13 replaces it)", description="monthly entries per incumbent firm (besides start-ups)")

    @field_validator("cash_buffer_months")
    @classmethod
    def _buffer_table(cls, table: dict[str, float]) -> dict[str, float]:
        for months in table:
            try:
                ok = 0 <= float(months) <= MAX_MONTHS  # false for "nan"; "inf" (keep all cash) is no table entry
            except ValueError:
                ok = False
            if not ok:
                raise ValueError(f"key {months!r} is not a number of months (0 to {MAX_MONTHS})")
        if abs(sum(table.values()) - 1) > SHARE_SUM_TOLERANCE:
            raise ValueError(f"shares sum to {sum(table.values()):g}, not 1")
        return table

    def cash_buffer_table(self) -> tuple[np.ndarray, np.ndarray]:
        """The cash buffer table as (months, shares) arrays."""
        return np.array([float(k) for k in self.cash_buffer_months]), np.array(list(self.cash_buffer_months.values()))


class Demography(Section):
    """[demography]: ageing, retirement, school leavers and migration."""

    enabled: bool = True
    retirement_age_male: int = Field(60, ge=40, le=70)
    retirement_age_female: int = Field(55, ge=40, le=70)
    cohort_share: Share = Field(0.02, description="16-year-olds entering each July, share of working-age residents")
    out_migration_rate: Share = Field(0.001, description="monthly probability a resident leaves")
    in_migration_rate: Share = Field(0.001, description="monthly in-migrants per resident")


class Shock(Section):
    """[[shocks]]: a scripted demand shock, a log change of demand while active."""

    start: Month
    end: Month
    demand: Annotated[float, Field(ge=-3.0, le=3.0)] = Field(description="log change of demand, e.g. -0.1")
    sectors: list[str] = Field(default_factory=list, description="sector names; empty for all")
    firm_share: Share = Field(1.0, description="share of the sectors' firms it hits (the same firms first: each firm's "
                                               "rank is fixed, so a smaller share hits a subset of a larger one's firms)")
    temporary: bool = Field(False, description="firms expect demand back at its end (a shutdown): a firm with cash keeps "
                                              "the staff it had, one short of cash cuts to what demand buys now")
    note: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Shock:
        if parse_month(self.end) < parse_month(self.start):
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class FittedParameter(Section):
    """One estimate of a fit: the dotted path it sets, the value, its standard error and the
    bounds the search kept to (draws stay inside them)."""

    path: str = Field(min_length=1, description="dotted path of a numeric scenario field, e.g. behaviour.quit_rate")
    estimate: float
    se: NonNegative = Field(description="standard error of the estimate (sandwich, lmsim calibrate)")
    low: float
    high: float

    @model_validator(mode="after")
    def _inside(self) -> FittedParameter:
        if not self.low <= self.estimate <= self.high:
            raise ValueError(f"estimate {self.estimate} lies outside [{self.low}, {self.high}]")
        return self


class Fit(Section):
    """Where a scenario's fitted values came from, and their sampling distribution: compare and
    forecast draw the parameters from it, replication by replication (lmsim.parameter_draws)."""

    targets: str = Field(min_length=1, description="the targets file the fit used")
    date: str = Field(min_length=1, description="when the fit ran (YYYY-MM-DD)")
    command: str = Field("", description="the lmsim calibrate command that ran it")
    summary: str = Field("", description="J statistic, Jacobian rank, loss")
    parameters: list[FittedParameter] = Field(min_length=1)
    correlation: list[list[float]] | None = Field(None, description="correlation matrix of the estimates (rows in the order of parameters); none: independent")
    moments: list[str] = Field(default_factory=list, description="the targeted figures of the targets file, by name")
    jacobian: list[list[float]] | None = Field(None, description="d figure / d parameter at the estimate: a row per moment, a column per parameter (lmsim validate refits from it)")

    @model_validator(mode="after")
    def _shapes(self) -> Fit:
        n = len(self.parameters)
        if self.jacobian is not None and np.asarray(self.jacobian, dtype=float).shape != (len(self.moments), n):
            raise ValueError(f"jacobian must have a row per moment ({len(self.moments)}) and a column per parameter ({n})")
        if self.correlation is not None:
            c = np.asarray(self.correlation, dtype=float)
            if c.shape != (n, n):
                raise ValueError(f"correlation must be {n} x {n}, one row and column per parameter; got {c.shape}")
            if not np.allclose(c, c.T) or not np.allclose(np.diag(c), 1.0) or np.linalg.eigvalsh(c).min() < -1e-9:
                raise ValueError("correlation must be symmetric, with ones on the diagonal, and positive semi-definite")
        return self


class Scenario(Section):
    """A whole scenario file, validated."""

    base: str | None = None
    scenario: ScenarioInfo
    population: Population = Field(default_factory=Population)
    region: Region = Field(default_factory=Region)
    contributions: Contributions = Field(default_factory=Contributions)
    ui: UnemploymentInsurance = Field(default_factory=UnemploymentInsurance)
    funds: Funds = Field(default_factory=Funds)
    behaviour: Behaviour = Field(default_factory=Behaviour)
    demography: Demography = Field(default_factory=Demography)
    statistics: Statistics = Field(default_factory=Statistics)
    shocks: list[Shock] = Field(default_factory=list)
    policies: Policies = Field(default_factory=Policies)
    targets: dict[str, Target] = Field(default_factory=dict)
    fit: Fit | None = None
    _path: str = PrivateAttr("")

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        names = [s.name for s in self.region.sectors]
        if len(set(names)) != len(names):
            raise ValueError(f"region.sectors: sector names must be distinct, got {names}")
        start = self.scenario.start_month
        end = start + self.scenario.months - 1
        for name, lever in self.policies:
            if lever is not None and (parse_month(lever.start) > end or parse_month(lever.end) < start):
                raise ValueError(
                    f"policies.{name}: window {lever.start}..{lever.end} lies outside the horizon "
                    f"{self.scenario.start}..{format_month(end)}"
                )
        levers = {name for name, lever in self.policies if lever is not None}
        for name, target in self.targets.items():
            if parse_month(target.start) > end or parse_month(target.end) < start:
                raise ValueError(f"targets.{name}: period {target.start}..{target.end} lies outside the horizon")
            if target.indicator.startswith("policies.") and target.indicator.split(".")[1] not in levers:
                raise ValueError(f"targets.{name}: indicator {target.indicator!r} names a lever not in [policies]; in force: {sorted(levers)}")
        if self.fit is not None:
            for p in self.fit.parameters:
                if not isinstance(_field_at(self, p.path), (int, float)):
                    raise ValueError(f"fit.parameters: {p.path!r} is not a numeric field of the scenario")
        for i, shock in enumerate(self.shocks):
            unknown = set(shock.sectors) - set(names)
            if unknown:
                raise ValueError(f"shocks[{i}].sectors: unknown sector(s) {sorted(unknown)}; allowed: {names}")
            if parse_month(shock.start) > end or parse_month(shock.end) < start:
                raise ValueError(f"shocks[{i}]: window {shock.start}..{shock.end} lies outside the horizon")
        return self

    @property
    def path(self) -> str:
        """The file the scenario came from."""
        return self._path

    @property
    def sector_names(self) -> list[str]:
        return [s.name for s in self.region.sectors]


def _field_at(scenario: Scenario, path: str) -> Any:
    """The value at a dotted path of a validated scenario (None if there is none)."""
    node: Any = scenario
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else getattr(node, key, None)
    return node


# --- loading -------------------------------------------------------------------------------


def resolve_path(name: str | Path, shipped: Path = BUILTIN_DIR, kind: str = "scenario") -> Path:
    """A file's path, or the name of a file shipped in ``shipped`` (a built-in scenario such as
    'huyi-baseline'; with ``kind`` "design", a design of scenarios/designs such as 'huyi')."""
    path = Path(name)
    if path.exists():
        return path
    builtin = shipped / (path.name if path.suffix == ".toml" else f"{path.name}.toml")
    if builtin.exists():
        return builtin
    available = sorted(p.stem for p in shipped.glob("*.toml"))
    raise ScenarioError([f"{name}: no such file, and not a built-in {kind} (built-in: {', '.join(available)})"])


def read_toml_file(path: Path) -> dict[str, Any]:
    """The data of one TOML file (a scenario, its base or shock file, an experiment), checked to
    be a regular ``.toml`` file of bounded size before it is read."""
    problems = check_file(path)
    if problems:
        raise ScenarioError(problems)
    if path.suffix.lower() != ".toml":
        allowed = "a scenario or experiment (.toml), or a population table checked on its own: CSV (.csv) or Parquet (.parquet)"
        raise ScenarioError([f"{path}: unknown file format {path.suffix or '(no suffix)'!r}; allowed: {allowed}"])
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError([f"{path}: cannot read file ({exc.strerror or exc})"]) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{path}: not valid TOML ({exc})"]) from exc


def _read_toml(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a TOML file and merge its ``base`` chain under it."""
    data = read_toml_file(path)
    base = data.get("base")
    if base is None:
        return data
    if not isinstance(base, str):
        raise ScenarioError([f"{path}: field 'base': must be a file name (string), got {base!r}"])
    base_path = (path.parent / base).resolve()
    builtin = BUILTIN_DIR / (base if base.endswith(".toml") else f"{base}.toml")
    if not base_path.exists() and Path(base).name == base and builtin.exists():
        base_path = builtin  # a bare name not beside the file names a built-in scenario ('huyi-baseline')
    if base_path in seen:
        raise ScenarioError([f"{path}: field 'base': circular base chain through {base_path}"])
    try:
        base_data = _read_toml(base_path, (*seen, path.resolve()))
    except ScenarioError as exc:  # name the file that refers to the bad one, too
        raise ScenarioError([f"{path}: field 'base': {problem}" for problem in exc.problems]) from None
    merged = _merge(base_data, data)
    merged.pop("base", None)
    return merged


#: tables a scenario replaces whole rather than merges into its base's: a fit is one estimate
WHOLE_TABLES = {"fit"}


def _merge(base: dict[str, Any], over: dict[str, Any], top: bool = True) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and not (top and key in WHOLE_TABLES):
            out[key] = _merge(out[key], value, top=False)
        else:
            out[key] = value
    return out


def parse_override(text: str) -> tuple[list[str], Any]:
    """'behaviour.quit_rate=0.01' -> (['behaviour', 'quit_rate'], 0.01); values are TOML."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ScenarioError([f"{override_source(text)}: expected PATH=VALUE, e.g. behaviour.quit_rate=0.01"])
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key.strip().split("."), value


def override_source(text: str) -> str:
    """How an error names the override ``text`` it comes from."""
    return f"command line (--set {text})"


def apply_overrides(data: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    for text in overrides:
        keys, value = parse_override(text)
        set_path(data, ".".join(keys), value, override_source(text))
    return data


def override_sources(overrides: list[str]) -> dict[str, str]:
    """The dotted path each override sets -> how an error names it (the last one wins, as it
    does in :func:`apply_overrides`)."""
    return {".".join(parse_override(text)[0]): override_source(text) for text in overrides}


def set_path(data: dict[str, Any], path: str, value: Any, where: str = "") -> None:
    """Set the field at a dotted ``path`` ('behaviour.quit_rate') of scenario data, making
    the tables on the way; ``where`` names the source in the error (default: the path)."""
    *parents, leaf = path.split(".")
    node = data
    for key in parents:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise ScenarioError([f"{where or path}: {key} is not a table"])
    node[leaf] = value


def load_scenario(name: str | Path, overrides: list[str] | None = None) -> Scenario:
    """Read, merge, override and validate a scenario; raise ScenarioError listing every problem."""
    path = resolve_path(name)
    data = apply_overrides(_read_toml(path), overrides or [])
    return validate_scenario(data, str(path), override_sources(overrides or []))


def validate_scenario(data: dict[str, Any], path: str = "<scenario>", sources: dict[str, str] | None = None) -> Scenario:
    """A scenario validated from ``data`` read from ``path``; ``sources`` names where the
    fields at some dotted paths came from instead (see :func:`validate`)."""
    scenario = validate(Scenario, data, path, sources)
    scenario._path = path
    return scenario


def validate(model: type[M], data: dict[str, Any], path: str, sources: dict[str, str] | None = None) -> M:
    """``model`` validated from ``data`` read from ``path``; ScenarioError lists every problem.

    ``sources`` maps dotted paths to where their values came from (an override on the command
    line): a problem at or under one of them names it instead of ``path``.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError([_describe(path, err, model, sources or {}) for err in exc.errors()]) from None


def _describe(path: str, err: dict[str, Any], root: type[BaseModel] = Scenario, sources: dict[str, str] | None = None) -> str:
    """One readable line per pydantic error: file (or command line), field, problem, what is allowed."""
    loc = ".".join(str(p) for p in err["loc"] if p not in ("function-after",))
    path = _source(path, loc, sources or {})
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        allowed = _allowed_fields(err["loc"][:-1], root)
        msg = f"unknown field; allowed here: {', '.join(allowed)}"
    elif err["type"] == "missing":
        msg = "required field is missing"
    got = "" if err["type"] in ("missing", "value_error") else f" (got {err.get('input')!r})"
    return f"{path}: field '{loc or '<top>'}': {msg}{got}"


def _source(path: str, loc: str, sources: dict[str, str]) -> str:
    """Where the value at ``loc`` came from: the override that set it or a table above it, the
    file with the overrides inside when the problem is about a table they changed a part of."""
    for field, where in sources.items():
        if loc == field or loc.startswith(f"{field}."):
            return where
    inside = [where for field, where in sources.items() if not loc or field.startswith(f"{loc}.")]
    return f"{path} with {', '.join(inside)}" if inside else path


def _allowed_fields(loc: tuple[Any, ...], root: type[BaseModel]) -> list[str]:
    model = root
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return []
        ann = field.annotation
        inner = getattr(ann, "__args__", (ann,))
        nested = [a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)]
        if not nested:
            return []
        model = nested[0]
    return sorted(model.model_fields)

