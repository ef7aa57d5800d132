"""``lmsim budget``: the budget request a finance office files, from replications of a scenario.

A local finance office budgets the employment subsidy fund (appropriated each year from the
general budget) line by line as 《就业补助资金管理办法》 names its lines, and the
unemployment-insurance fund in the social-insurance fund budget: income, spending
and the year-end balance, each with the parameters (insured persons, contribution base,
recipients, unit amounts) it is computed from. This module computes those tables per budget
year from the runs; :mod:`lmsim.reports.budget` lays them out as the office's workbook.

Two figures per line and year:

- the **point figure** (预测数): the line's outlay in the *median run*, the replication that
  is closest to the middle on every spending line: the one whose percentile ranks over the
  replications, line by line and year by year, are nearest 50 %, weighting each line by its
  median outlay. One run's ledger for every figure, so lines add up to totals and each equals
  the sum of that run's monthly ledger entries to the yuan;
- the **appropriation needed** (需安排数) at confidence ``c`` (留有余地): the smallest outlay
  that at least ``c`` of the replications stay within (the ``inverted_cdf`` quantile), so it is
  overspent in at most ``1 - c`` of them, and never less than the point figure. For income,
  the figure reached with confidence ``c`` (never more than the point figure).

A lever's ``budget`` is its line's appropriation: claims beyond it are refused, and the
outturn table counts the people and firms who went without (the lever's own counters).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from .calendar import parse_month, year_of
from .forecast import depletion
from .ledger import FUND_NAMES, Fund
from .policies import REGISTRY, line_terms
from .policies.base import REFUSAL_GROUPS
from .replications import Replications

#: default confidence of the appropriation needed: the 80th percentile of the outlay
CONFIDENCE = 0.8

ESF, UI, GUARANTEE, MINIMUM_LIVING = (FUND_NAMES[f] for f in (Fund.EMPLOYMENT_SUBSIDY, Fund.UI, Fund.GUARANTEE, Fund.MINIMUM_LIVING))
#: the funds of the budget request, in the order of its tables (the last two when a package pays from them)
BUDGET_FUNDS = (ESF, UI, GUARANTEE, MINIMUM_LIVING)


class Subject(NamedTuple):
    """A budget line (科目) as the fund's rules name it."""

    zh: str
    en: str
    source: str  # the rule that names it
    zh_2023: str = ""  # its name from budget year 2024 (财社〔2023〕181号), where that renamed it


#: 《就业补助资金管理办法》 财社〔2017〕164号 第四条 names the lines (in force 2017-2023); 财社〔2023〕181号
#: 第四条 renames three and adds 其他支出, for budget years from 2024 (its 2026 revision, 财社〔2026〕1号,
#: is not read here)
_ESF_RULES_2017 = "财社〔2017〕164号"
_ESF_RULE = f"{_ESF_RULES_2017} 第四条"
FIRST_YEAR_2023_RULES = 2024
#: 《社会保险基金财务制度》 财社〔2017〕144号: 第二十条 the UI fund's income, the next article its spending
_UI_INCOME, _UI_SPENDING = "财社〔2017〕144号 第二十条", "财社〔2017〕144号 (失业保险基金支出)"
#: the loan guarantee fund of 创业担保贷款 (财金〔2016〕85号): lmsim keeps it as a fund of its own
_GUARANTEE = "财金〔2016〕85号"
#: the minimum living guarantee, paid by civil affairs from the general budget
_MINIMUM_LIVING = "《社会救助暂行办法》(国务院令第649号) 第二章"

#: the Chinese names of the ledger lines: where a fund rule's line has the name a lever's line
#: already carries, the subject reads it from there (each term is written once)
_LINE = {line: zh for line, (zh, _) in line_terms().items()}

def _fiscal_income(source: str, **more: Subject) -> dict[str, Subject]:
    """The income lines of a fund the general budget finances: the local appropriation, the
    transfers from higher levels, ``more``, and other income."""
    return {"appropriation": Subject(_LINE["appropriation"], "appropriation from the local budget", source),
            "transfer_from_higher_levels": Subject(_LINE["transfer_from_higher_levels"], "transfers from higher levels", source),
            **more, "other": Subject("其他收入", "other income", source)}


#: every subject of the budget funds, by fund and side, in the forms' order
SUBJECTS: dict[tuple[str, str], dict[str, Subject]] = {
    (ESF, "income"): _fiscal_income(f"{_ESF_RULES_2017} 第二条"),
    (ESF, "spending"): {
        "vocational_training": Subject(_LINE["training_subsidy"], "vocational training subsidy", _ESF_RULE),
        "skills_assessment": Subject("职业技能鉴定补贴", "skills assessment subsidy", _ESF_RULE, "职业技能评价补贴"),
        "internship": Subject(_LINE["internship_subsidy"], "internship subsidy", _ESF_RULE),
        "job_seeking": Subject("求职创业补贴", "job-seeking and start-up subsidy", _ESF_RULE, "一次性求职补贴"),
        "startup": Subject("创业补贴", "start-up subsidy", _ESF_RULE, "一次性创业补贴"),
        "social_insurance": Subject(_LINE["si_subsidy"], "social-insurance subsidy", _ESF_RULE),
        "public_welfare_posts": Subject(_LINE["public_welfare_posts"], "public-welfare post subsidy", _ESF_RULE),
        "employment_services": Subject("就业创业服务补助", "employment and start-up services", _ESF_RULE),
        "high_skill": Subject("高技能人才培养补助", "training of highly skilled workers", _ESF_RULE),
        "other": Subject("其他支出", "other spending", _ESF_RULE + " (经省级人民政府批准的其他支出)"),
    },
    (UI, "income"): {
        "contributions": Subject("失业保险费收入", "unemployment-insurance contributions", _UI_INCOME),
        "appropriation": Subject("财政补贴收入", "subsidy from the budget", _UI_INCOME),
        "transfer_from_higher_levels": Subject("上级补助收入", "transfers from higher levels", _UI_INCOME),
        "other": Subject("其他收入", "other income", _UI_INCOME),
    },
    (UI, "spending"): {
        "ui_benefit": Subject("失业保险金支出", "unemployment-insurance benefit", _UI_SPENDING),
        "medical_insurance": Subject("基本医疗保险费支出", "medical insurance of benefit recipients", _UI_SPENDING),
        "vocational_training": Subject("职业培训和职业介绍补贴支出", "training and placement subsidies", _UI_SPENDING),
        "stable_posts": Subject("稳定岗位补贴支出", "stable-post refunds", _UI_SPENDING),
        "skill_upgrade": Subject("技能提升补贴支出", "skill-upgrade subsidy", _UI_SPENDING),
        "other": Subject("其他支出", "other spending", _UI_SPENDING),
    },
    (GUARANTEE, "income"): _fiscal_income(_GUARANTEE, recoveries=Subject("代偿追偿收入", "recovered compensations", _GUARANTEE)),
    (GUARANTEE, "spending"): {
        "interest_subsidy": Subject(_LINE["loan_interest_subsidy"], "interest subsidy on guaranteed loans", _GUARANTEE),
        "compensation": Subject("代偿支出", "compensation of defaulted loans", _GUARANTEE),
        "bank_reward": Subject("奖补支出", "reward to lending banks and the guarantee-fund operator", _GUARANTEE),
        "other": Subject("其他支出", "other spending", _GUARANTEE),
    },
    (MINIMUM_LIVING, "income"): _fiscal_income(_MINIMUM_LIVING),
    (MINIMUM_LIVING, "spending"): {
        "minimum_living_guarantee": Subject(_LINE["minimum_living_guarantee"], "minimum living guarantee payments", _MINIMUM_LIVING),
        "other": Subject("其他支出", "other spending", _MINIMUM_LIVING),
    },
}

#: the subject of each ledger line a fund posts, by (fund, line); lines of a fund not named
#: here (none of the levers': a test checks) fall under the side's ``other``, which every side has
LINE_SUBJECT: dict[tuple[str, str], str] = {
    **{(ESF, line): "vocational_training" for line in (
        "training_subsidy", "in_post_training_subsidy", "apprenticeship_subsidy", "training_living_allowance")},
    **{(ESF, line): "social_insurance" for line in (
        "si_subsidy", "public_welfare_posts_contribution_pension", "public_welfare_posts_contribution_medical",
        "public_welfare_posts_contribution_ui")},
    (ESF, "public_welfare_posts"): "public_welfare_posts",
    **{(ESF, line): "startup" for line in ("opening_subsidy", "trademark_subsidy", "rent_subsidy", "student_startup_grant")},
    (ESF, "internship_subsidy"): "internship",
    **{(ESF, line): "job_seeking" for line in ("job_seeking_subsidy", "labour_export_bonus")},
    **{(ESF, line): "employment_services" for line in (
        "pes_follow_up", "pes_one_to_one", "pes_job_fairs", "placement_fee", "labour_export_organiser")},
    **{(ESF, line): "other" for line in (
        "hiring_subsidy", "graduate_retention_bonus", "rural_graduate_allowance", "work_relief", "gig_accident_insurance")},
    (ESF, "appropriation"): "appropriation",
    (ESF, "transfer_from_higher_levels"): "transfer_from_higher_levels",
    **{(UI, line): "contributions" for line in (
        "contribution_ui_employer", "contribution_ui_employee", "arrears_ui", "public_welfare_posts_contribution_ui")},
    (UI, "appropriation"): "appropriation",
    (UI, "transfer_from_higher_levels"): "transfer_from_higher_levels",
    **{(UI, line): "ui_benefit" for line in ("ui_benefit", "ui_lump_sum")},
    (UI, "ui_recipient_medical_insurance"): "medical_insurance",
    **{(UI, line): "stable_posts" for line in ("ui_refund", "ui_refund_hardship")},
    (UI, "skill_upgrade_subsidy"): "skill_upgrade",
    (UI, "training_subsidy"): "vocational_training",
    (GUARANTEE, "appropriation"): "appropriation",
    (GUARANTEE, "transfer_from_higher_levels"): "transfer_from_higher_levels",
    **{(GUARANTEE, line): "recoveries" for line in ("loan_recovery", "firm_loan_recovery")},
    **{(GUARANTEE, line): "interest_subsidy" for line in (
        "loan_interest_subsidy", "firm_loan_interest_subsidy", "stable_post_interest_subsidy")},
    **{(GUARANTEE, line): "compensation" for line in ("loan_default", "firm_loan_default")},
    (GUARANTEE, "bank_reward"): "bank_reward",
    (MINIMUM_LIVING, "appropriation"): "appropriation",
    (MINIMUM_LIVING, "transfer_from_higher_levels"): "transfer_from_higher_levels",
    (MINIMUM_LIVING, "minimum_living_guarantee"): "minimum_living_guarantee",
}


def subject_of(fund: str, line: str, side: str) -> str:
    """The budget subject of a fund's ledger line on one side (income or spending)."""
    subject = LINE_SUBJECT.get((fund, line), "other")
    return subject if subject in SUBJECTS[(fund, side)] else "other"


assert all("other" in subjects for subjects in SUBJECTS.values()), "every side has a line for what is not named"


@dataclass
class Budget:
    """The budget request's tables (yuan unless a column says otherwise)."""

    scenario: str
    runs: int
    seed: int
    confidence: float
    years: list[int]
    median_run: int
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def quantile_needed(values: np.ndarray, confidence: float) -> float:
    """The smallest value at least ``confidence`` of ``values`` stay within: exceeded by at most
    a share ``1 - confidence`` of them."""
    return float(np.quantile(np.asarray(values, dtype=float), confidence, method="inverted_cdf"))


def quantile_reached(values: np.ndarray, confidence: float) -> float:
    """The largest value at least ``confidence`` of ``values`` reach (income budgeted prudently)."""
    return -quantile_needed(-np.asarray(values, dtype=float), confidence)


def budget(reps: Replications, label: str, confidence: float = CONFIDENCE, years: list[int] | None = None) -> Budget:
    """The budget request of scenario ``label`` from its replications, for ``years`` (default:
    every calendar year the horizon touches)."""
    sc = reps.scenarios[label]
    first, last = sc.scenario.start_month, sc.scenario.start_month + sc.scenario.months - 1
    years = years or list(range(year_of(first), year_of(last) + 1))
    runs = [reps.load(label, k, ["monthly", "flows", "balances", "policies", "targets"]) for k in range(reps.runs)]
    flows = _annual_flows([r.flows for r in runs], years)
    median_run = typical_run(flows, reps.runs)
    result = Budget(label, reps.runs, reps.seed, confidence, years, median_run)
    funds = [f for f in BUDGET_FUNDS if f in set(flows["fund"]) or f in (ESF, UI)]
    t = result.tables
    t["main"] = main_table(flows, funds, years, median_run, reps.runs, confidence)
    t["monthly"] = monthly_lines(runs[median_run].flows, funds, years)
    t["income_parameters"] = income_parameters(runs[median_run], years)
    t["spending_parameters"] = spending_parameters(runs[median_run], years)
    t["balances"] = fund_balances([r.balances for r in runs], funds, years, median_run)
    t["uncertainty"] = uncertainty(flows, funds, years, reps.runs, confidence)
    t["outturn"] = outturn(sc, [r.policies for r in runs], years)
    t["performance"] = performance(sc, runs, years, median_run, t["main"])
    balances = pd.concat([r.balances.assign(replication=k) for k, r in enumerate(runs)], ignore_index=True)
    t["depletion"] = depletion(balances[balances["fund"].astype(str).isin(funds)], sc.funds.reserves, reps.runs)
    return result


def typical_run(flows: pd.DataFrame, runs: int) -> int:
    """The replication nearest the middle on every spending line and year: the smallest sum of
    distances of its percentile ranks from 50 %, each line weighted by its median outlay."""
    spending = flows[flows["side"] == "spending"]
    wide = spending.groupby(["fund", "line", "year", "replication"])["yuan"].sum().unstack("replication")
    wide = wide.reindex(columns=range(runs)).fillna(0.0)
    if wide.empty:
        return 0
    ranks = wide.rank(axis=1, pct=True, method="average").to_numpy()
    middle = (1 + 1 / runs) / 2  # the percentile rank of the middle of ``runs`` values
    weight = wide.median(axis=1).to_numpy()[:, None]
    return int(np.argmin((np.abs(ranks - middle) * weight).sum(axis=0)))


def _annual_flows(flows: list[pd.DataFrame], years: list[int]) -> pd.DataFrame:
    """Yuan by replication, fund, side, subject, ledger line and year, for the budget funds."""
    parts = []
    for k, f in enumerate(flows):
        f = f[f["fund"].astype(str).isin(BUDGET_FUNDS)].astype({"fund": str, "line": str})
        year = np.array([year_of(parse_month(d)) for d in f["date"]])
        f = f.assign(year=year)[np.isin(year, years)]
        for side, column in (("income", "inflow"), ("spending", "outflow")):
            part = f[f[column] > 0]
            parts.append(pd.DataFrame({"replication": k, "fund": part["fund"], "side": side, "line": part["line"],
                                       "year": part["year"], "yuan": part[column]}))
    frame = pd.concat(parts, ignore_index=True)
    frame["subject"] = [subject_of(f, line, s) for f, line, s in zip(frame["fund"], frame["line"], frame["side"])]
    return frame.groupby(["replication", "fund", "side", "subject", "line", "year"], as_index=False)["yuan"].sum()


def _by_subject(flows: pd.DataFrame, runs: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every subject of the forms (fund, side, subject), and the yuan per (fund, side, subject,
    year) by replication (a column each) of those that paid or received anything."""
    grid = pd.DataFrame([(f, s, sub) for (f, s), subjects in SUBJECTS.items() for sub in subjects],
                        columns=["fund", "side", "subject"])
    summed = flows.groupby(["fund", "side", "subject", "year", "replication"])["yuan"].sum()
    wide = summed.unstack("replication").reindex(columns=range(runs)).fillna(0.0)
    return grid, wide


def main_table(flows: pd.DataFrame, funds: list[str], years: list[int], median_run: int, runs: int, confidence: float) -> pd.DataFrame:
    """主表: per fund, side, subject and year, the point figure (median run) and the figure at
    ``confidence`` (spending: the appropriation needed; income: the income reached)."""
    grid, wide = _by_subject(flows, runs)
    rows = []
    for f, side, subject in grid.itertuples(index=False):
        if f not in funds:
            continue
        term = SUBJECTS[(f, side)][subject]
        zh, source = term.zh, term.source
        if years[0] >= FIRST_YEAR_2023_RULES and f == ESF:  # the lines as 财社〔2023〕181号 第四条 names them
            zh, source = term.zh_2023 or term.zh, source.replace(_ESF_RULES_2017, "财社〔2023〕181号")
        for year in years:
            key = (f, side, subject, year)
            values = wide.loc[key].to_numpy() if key in wide.index else np.zeros(runs)
            point = float(values[median_run])
            at = max(quantile_needed(values, confidence), point) if side == "spending" else min(quantile_reached(values, confidence), point)
            rows.append({"fund": f, "side": side, "subject": subject, "zh": zh, "en": term.en, "year": year,
                         "point": point, "at_confidence": at, "source": source})
    return pd.DataFrame(rows)


def monthly_lines(flows: pd.DataFrame, funds: list[str], years: list[int]) -> pd.DataFrame:
    """The median run's ledger by month, fund and line: what the main table's point figures sum."""
    f = flows[flows["fund"].astype(str).isin(funds)].astype({"fund": str, "line": str})
    f = f[[year_of(parse_month(d)) in years for d in f["date"]]]
    return f[["date", "fund", "line", "inflow", "outflow"]].sort_values(["fund", "line", "date"]).reset_index(drop=True)


def income_parameters(run, years: list[int]) -> pd.DataFrame:
    """收入预算参数表 of the UI fund (median run): insured employees (monthly average), the
    average monthly contribution base per insured employee, the collection rate (base
    collected / billed), the effective rate (contributions / base collected), and the income:
    contributions, arrears recovered, and the contributions the employment subsidy fund pays
    for public-welfare post holders (the main table's 失业保险费收入 is their sum)."""
    m = run.monthly.assign(year=[year_of(parse_month(d)) for d in run.monthly["date"]])
    f = run.flows.astype({"fund": str, "line": str})
    f = f.assign(year=[year_of(parse_month(d)) for d in f["date"]])
    rows = []
    for year in years:
        months = m[m["year"] == year]
        if months.empty:
            continue
        ui = f[(f["year"] == year) & (f["fund"] == UI)]
        contributions = float(ui.loc[ui["line"].isin(["contribution_ui_employer", "contribution_ui_employee"]), "inflow"].sum())
        arrears = float(ui.loc[ui["line"] == "arrears_ui", "inflow"].sum())
        posts = float(ui.loc[ui["line"] == "public_welfare_posts_contribution_ui", "inflow"].sum())
        billed, collected = float(months["contribution_base_billed"].sum()), float(months["contribution_base_collected"].sum())
        insured = float(months["insured_workers"].mean())
        rows.append({"year": year, "months": len(months), "insured_workers": insured,
                     "average_base": billed / len(months) / insured if insured else 0.0,
                     "collection_rate": collected / billed if billed else 0.0,
                     "contribution_rate": contributions / collected if collected else 0.0,
                     "contributions": contributions, "arrears_recovered": arrears, "posts_contributions": posts,
                     "income": contributions + arrears + posts})
    return pd.DataFrame(rows)


def spending_parameters(run, years: list[int]) -> pd.DataFrame:
    """支出预算参数表 (median run): per spending line of the levers and the benefit, per year,
    the payments made (persons or firms paid, summed over months: a monthly payment counts once
    a month), the yuan paid and the average per payment. The benefit's payments are the
    monthly recipients."""
    p = run.policies.assign(year=[year_of(parse_month(d)) for d in run.policies["date"]])
    m = run.monthly.assign(year=[year_of(parse_month(d)) for d in run.monthly["date"]])
    f = run.flows.astype({"fund": str, "line": str})
    f = f.assign(year=[year_of(parse_month(d)) for d in f["date"]])
    rows = []
    for year in years:
        benefit = float(f.loc[(f["year"] == year) & (f["fund"] == UI) & (f["line"] == "ui_benefit"), "outflow"].sum())
        paid_months = float(m.loc[m["year"] == year, "ui_recipients"].sum())
        rows.append(_spending_row(UI, "ui_benefit", "ui_benefit", year, paid_months, benefit, "persons"))
        for lever, part in p[p["year"] == year].groupby("lever"):
            cls = REGISTRY[lever]
            paid = float(part["paid"].sum())
            if paid <= 0:
                continue
            fund = FUND_NAMES[cls.fund]
            subjects = {subject_of(fund, line, "spending") for line in cls.lines} or {"other"}
            rows.append(_spending_row(fund, lever, "/".join(sorted(subjects)), year, float(part["recipients"].sum()), paid,
                                      cls.counts))
    return pd.DataFrame(rows)


def _spending_row(fund: str, item: str, subject: str, year: int, payments: float, paid: float, unit: str) -> dict:
    return {"fund": fund, "item": item, "subject": subject, "year": year, "payments": payments, "unit": unit,
            "paid": paid, "per_payment": paid / payments if payments else 0.0}


def fund_balances(balances: list[pd.DataFrame], funds: list[str], years: list[int], median_run: int) -> pd.DataFrame:
    """基金结余表 (median run): per fund and year, opening, income, spending, closing, the months
    simulated (the workbook derives 可支付月数, the months of spending the closing balance covers,
    from them), the funding gap (资金缺口: how far the closing balance is below zero), and over
    replications the probability of a gap at year end."""
    rows = []
    for fund in funds:
        per_run = [b[b["fund"].astype(str) == fund].assign(year=lambda x: [year_of(parse_month(d)) for d in x["date"]])
                   for b in balances]
        for year in years:
            months = [r[r["year"] == year] for r in per_run]
            if months[median_run].empty:
                continue
            med = months[median_run]
            spending = float(med["outflows"].sum())
            closing = float(med["closing"].iloc[-1])
            gaps = np.array([float(r["closing"].iloc[-1]) < 0 for r in months])
            rows.append({"fund": fund, "year": year, "opening": float(med["opening"].iloc[0]), "income": float(med["inflows"].sum()),
                         "spending": spending, "closing": closing,
                         "months": len(med),
                         "funding_gap": max(0.0, -closing), "gap_probability": float(gaps.mean())})
    return pd.DataFrame(rows)


def uncertainty(flows: pd.DataFrame, funds: list[str], years: list[int], runs: int, confidence: float) -> pd.DataFrame:
    """不确定性: per fund, spending subject (and the fund's whole spending, subject ``*``) and
    year: mean and percentiles over replications, the appropriation needed at ``confidence``
    and the share of replications that would overspend it."""
    spending = flows[flows["side"] == "spending"]
    whole = spending.assign(subject="*")
    rows = []
    for frame in (spending, whole):
        grid = frame.groupby(["fund", "subject", "year", "replication"])["yuan"].sum().unstack("replication")
        grid = grid.reindex(columns=range(runs)).fillna(0.0)
        for (fund, subject, year), values in grid.iterrows():
            if fund not in funds or year not in years:
                continue
            v = values.to_numpy()
            need = quantile_needed(v, confidence)
            rows.append({"fund": fund, "subject": subject, "year": year, "mean": v.mean(),
                         **{f"p{int(q * 100):02d}": float(np.quantile(v, q)) for q in (0.05, 0.25, 0.5, 0.75, 0.95)},
                         "needed": need, "overspent_share": float((v > need).mean())})
    return pd.DataFrame(rows)


def outturn(sc, policies: list[pd.DataFrame], years: list[int]) -> pd.DataFrame:
    """预算执行: per lever with a ``budget`` (its line's appropriation) and year, the share of
    replications in which the budget binds (claims refused), the median first month it binds,
    and the claims refused (persons, firms or loans; a monthly payment counts each month) and
    the yuan they asked for (medians over replications), with the persons' claims refused by
    target group."""
    rows = []
    for name, params in sc.policies:
        if params is None or params.budget is None:
            continue
        for year in years:
            first_months, refused, refused_yuan, groups = [], [], [], {g: [] for g in REFUSAL_GROUPS}
            for p in policies:
                part = p[(p["lever"] == name) & (p["date"].str.startswith(str(year)))]
                binding = part[part["refused"] > 0]
                if not binding.empty:
                    first_months.append(binding["date"].min())
                refused.append(float(part["refused"].sum()))
                refused_yuan.append(float(part["refused_yuan"].sum()))
                for g in REFUSAL_GROUPS:
                    groups[g].append(float(part[f"refused_{g}"].sum()))
            months = sorted(first_months)
            rows.append({"lever": name, "year": year, "budget": params.budget, "binds_share": len(months) / len(policies),
                         "median_first_month": months[(len(months) - 1) // 2] if months else "",
                         "refused": float(np.median(refused)), "refused_mean": float(np.mean(refused)),
                         "refused_yuan": float(np.median(refused_yuan)), "unit": REGISTRY[name].counts,
                         **{f"refused_{g}": float(np.median(v)) for g, v in groups.items()}})
    return pd.DataFrame(rows)


def performance(sc, runs: list, years: list[int], median_run: int, main: pd.DataFrame) -> pd.DataFrame:
    """绩效自评表's content: the employment subsidy fund's budget against the outturn per year
    (全年预算数 = the year's appropriation and transfers; 全年执行数 = the median run's spending),
    each lever's head counts per year (产出指标: persons or firms newly admitted, and payments,
    median run), and the scenario's targets (效益指标) with the median run's value and the
    share of replications meeting them."""
    rows = []
    for year in years:
        budgeted = sum(t.get(ESF, {}).get(str(year), 0.0) for t in (sc.funds.appropriations, sc.funds.transfers))
        spent = float(main[(main["fund"] == ESF) & (main["side"] == "spending") & (main["year"] == year)]["point"].sum())
        rows.append({"kind": "budget", "item": ESF, "indicator": "funds", "year": str(year), "target": budgeted, "value": spent,
                     "met_share": np.nan})
    policies = runs[median_run].policies
    for name, params in sc.policies:
        if params is None:
            continue
        for year in years:
            part = policies[(policies["lever"] == name) & (policies["date"].str.startswith(str(year)))]
            for indicator in ("entrants", "recipients"):
                rows.append({"kind": "output", "item": name, "indicator": indicator, "year": str(year), "target": np.nan,
                             "value": float(part[indicator].sum()), "met_share": np.nan})
    targets = [r.targets for r in runs]
    for row in targets[median_run].itertuples(index=False):
        met = [bool(t.loc[(t["target"] == row.target) & (t["period"] == row.period), "met"].any()) for t in targets]
        rows.append({"kind": "target", "item": row.target, "indicator": f"{row.label} ({row.op} {row.value:g})",
                     "year": str(row.period), "target": float(row.value), "value": float(row.achieved), "met_share": float(np.mean(met))})
    return pd.DataFrame(rows)
