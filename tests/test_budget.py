"""The budget request (issue 16): appropriations paid by the finance bureau, the appropriation
needed at a confidence, the workbook in the office's layout, and who goes without when a line's
budget binds."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from lmsim.budget import LINE_SUBJECT, SUBJECTS, budget, main_table, outturn, quantile_needed, quantile_reached, subject_of
from lmsim.cli import main
from lmsim.ledger import FUND_NAMES
from lmsim.policies import POLICY_COLUMNS, REGISTRY
from lmsim.population import Status
from lmsim.replications import Replications
from lmsim.reports.budget import summary_text, wan, write_budget
from lmsim.scenario import ScenarioError, load_scenario
from lmsim.simulation import Simulation

from conftest import firms_with_staff, make_scenario

RATES = {"start": "2019-01", "pension_employer": 0.16, "pension_employee": 0.08, "medical_employer": 0.08,
         "medical_employee": 0.02, "ui_employer": 0.005, "ui_employee": 0.005}


def run(population, months, policies=None, **sections):
    sc = make_scenario(months=months, policies=policies or {}, contributions={"rates": [RATES]}, **sections)
    model = Simulation(sc, 1, population).build()
    for _ in range(months):
        model.step()
    return sc, model


# --- the finance bureau -----------------------------------------------------------------------


def test_appropriations_and_transfers_arrive_in_each_budget_years_first_month():
    funds = {"appropriations": {"employment_subsidy_fund": {"2019": 100.0, "2020": 50.0}, "ui_fund": {"2020": 7.0}},
             "transfers": {"employment_subsidy_fund": {"2019": 30.0}}}
    # a run starting mid-year receives the year's amount in its first month
    sc = make_scenario(months=8, funds=funds, contributions={"rates": [RATES]}, scenario={"start": "2019-07"})
    model = Simulation(sc, 1, firms_with_staff([1])).build()
    for _ in range(8):
        model.step()
    e = model.ledger.entries()
    e = e[e["line"].isin(["appropriation", "transfer_from_higher_levels"])]
    got = sorted(zip(e["date"], e["fund"].astype(str), e["line"], e["amount"]))
    assert got == [("2019-07", "employment_subsidy_fund", "appropriation", 100.0),
                   ("2019-07", "employment_subsidy_fund", "transfer_from_higher_levels", 30.0),
                   ("2020-01", "employment_subsidy_fund", "appropriation", 50.0),
                   ("2020-01", "ui_fund", "appropriation", 7.0)]


def test_a_wrong_appropriation_names_the_field_and_what_is_allowed():
    with pytest.raises(ScenarioError, match=r"funds.*appropriations.*unknown fund\(s\) \['ui'\]; allowed: ui_fund"):
        load_scenario("small", ["funds.appropriations={ui={2019=1.0}}"])
    with pytest.raises(ScenarioError, match=r"year\(s\) \['19'\] are not budget years"):
        load_scenario("small", ["funds.transfers={ui_fund={19=1.0}}"])


# --- figures at a confidence ------------------------------------------------------------------


def test_the_appropriation_needed_is_overspent_in_at_most_one_minus_c_of_runs():
    v = np.arange(1.0, 11.0)  # ten runs spending 1..10
    assert quantile_needed(v, 0.8) == 8.0 and np.mean(v > 8.0) == pytest.approx(0.2)
    assert quantile_needed(v, 0.85) == 9.0  # 8 would be overspent in 20 % > 15 %
    assert quantile_reached(v, 0.8) == 3.0 and np.mean(v < 3.0) == pytest.approx(0.2)


def test_every_levers_line_has_a_subject_of_its_funds_budget():
    for lever in REGISTRY.values():
        fund = FUND_NAMES[lever.fund]
        for line in lever.lines:
            assert (fund, line) in LINE_SUBJECT, (lever.name, line)
            side = "income" if "recovery" in line else "spending"
            assert LINE_SUBJECT[(fund, line)] in SUBJECTS[(fund, side)], line
    assert subject_of("employment_subsidy_fund", "a_new_line", "spending") == "other"


# --- who goes without ------------------------------------------------------------------------


def test_refused_people_are_counted_by_group_and_the_outturn_reads_the_levers_counters():
    # two posts, three hard-to-employ seekers (disabled): budget 5,400 pays January's two posts
    # (3,600) and one of February's two 1,800 claims; the other holder is refused
    workers, firms = firms_with_staff([2], unemployed=3)
    workers.disabled[2:] = True
    posts = {"start": "2019-01", "end": "2019-01", "clause": "001 (十六)", "posts": 2.0, "months": 2, "budget": 5400.0,
             "priority": ["hard_to_employ"]}
    sc, model = run((workers, firms), 3, {"public_welfare_posts": posts})
    policies = pd.DataFrame(model.policy_rows, columns=list(POLICY_COLUMNS))
    feb = policies[(policies["lever"] == "public_welfare_posts") & (policies["date"] == "2019-02")].iloc[0]
    assert (feb["claims"], feb["recipients"], feb["refused"], feb["refused_yuan"]) == (2.0, 1.0, 1.0, 1800.0)
    assert feb["refused_hard_to_employ"] == 1.0 and feb["refused_registered_unemployed"] == 0.0
    assert np.count_nonzero(model.workers.status == Status.PUBLIC_WELFARE) == 0  # the refused post closed; the other's spell ended
    table = outturn(sc, [policies, policies], [2019])
    r = table.iloc[0]
    assert (r["lever"], r["budget"], r["binds_share"], r["median_first_month"]) == ("public_welfare_posts", 5400.0, 1.0, "2019-02")
    assert (r["refused"], r["refused_yuan"], r["unit"], r["refused_hard_to_employ"]) == (1.0, 1800.0, "persons", 1.0)


# --- the request from replications, and its workbook ---------------------------------------------

LEVERS = [
    "policies.pes_services={start='2019-01', end='2019-12', clause='003 (三)', assistance=true, budget=20000.0}",
    "policies.public_welfare_posts={start='2019-01', end='2019-12', clause='001 (十六)', posts=20.0, months=6}",
    "policies.ui_refund={start='2019-01', end='2019-12', clause='001 (七)'}",
    "funds.appropriations={employment_subsidy_fund={2019=300000.0}}",
    "funds.employment_subsidy_fund=100000.0",
]


@pytest.fixture(scope="module")
def request_of_small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("budget")
    sc = load_scenario("small", ["population.workers=6000", "population.firms=300", "scenario.months=12", *LEVERS])
    reps = Replications(folder, {"small": sc}, 10, 5, record_paths=False)
    assert reps.run(workers=2) == []
    b = budget(reps, "small", 0.8)
    book = write_budget(b, "small", [("command", "test")], folder / "budget.xlsx")
    return reps, b, load_workbook(book)


def test_each_line_is_the_median_runs_ledger_to_the_yuan_and_totals_are_sums(request_of_small):
    reps, b, book = request_of_small
    flows = reps.load("small", b.median_run, ["flows"]).flows.astype({"fund": str, "line": str})
    ws = book["预算主表"]
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    checked = 0
    for fund, side in (("employment_subsidy_fund", "spending"), ("ui_fund", "spending"), ("ui_fund", "income")):
        column = "outflow" if side == "spending" else "inflow"
        mine = flows[flows["fund"] == fund]
        for subject, term in SUBJECTS[(fund, side)].items():
            ledger = sum(a for line, a in zip(mine["line"], mine[column]) if subject_of(fund, line, side) == subject)
            cell = _row_of(rows, fund, term.zh)[2]  # the 2019 point figure, 万元
            assert abs(cell * 10_000 - ledger) <= 0.5, (subject, cell, ledger)
            checked += ledger > 0
    assert checked >= 4  # benefit, medical, services, posts, contributions: the test sees real lines
    # every 合计 row sums exactly the lines above it, back to the side's first line
    sums = [(i, c) for i, r in enumerate(ws.iter_rows(min_row=1), start=1) for c in r if isinstance(c.value, str) and c.value.startswith("=SUM")]
    assert sums
    for i, cell in sums:
        first, last = map(int, re.match(r"=SUM\([A-Z]+(\d+):[A-Z]+(\d+)\)", cell.value).groups())
        assert last == i - 1 and ws.cell(first - 1, 1).value is not None
        labels = [ws.cell(r, 1).value for r in range(first, last + 1)]
        assert all(label.startswith("  ") for label in labels)  # lines only, no subtotal inside


def _row_of(rows, fund, zh):
    """The main table's row of subject ``zh`` under ``fund``'s heading."""
    from lmsim.ledger import FUND_TERMS

    heading = {FUND_NAMES[f]: t.zh for f, t in FUND_TERMS.items()}[fund]
    inside = False
    for r in rows:
        if r[0] == heading:
            inside = True
        elif inside and r[0] == f"  {zh}":
            return r
    raise AssertionError(f"{zh} not under {heading}")


def test_the_appropriation_needed_is_overspent_in_no_more_than_one_minus_c(request_of_small):
    reps, b, _ = request_of_small
    u = b.tables["uncertainty"]
    assert len(u) >= 5 and set(u["subject"]) >= {"*", "ui_benefit", "employment_services"}
    assert (u["overspent_share"] <= 0.2 + 1e-12).all()
    # recomputed from the runs: the fund's whole spending in 2019
    spent = []
    for k in range(reps.runs):
        f = reps.load("small", k, ["flows"]).flows
        spent.append(f.loc[f["fund"].astype(str) == "ui_fund", "outflow"].sum())
    need = u[(u["fund"] == "ui_fund") & (u["subject"] == "*")]["needed"].iloc[0]
    assert need == sorted(spent)[7]  # the 8th of 10: exceeded by 2
    main = b.tables["main"]
    benefit = main[(main["subject"] == "ui_benefit") & (main["fund"] == "ui_fund")].iloc[0]
    assert benefit["at_confidence"] >= benefit["point"] > 0


def test_the_income_parameters_reproduce_contributions_and_the_balance_adds_up(request_of_small):
    reps, b, book = request_of_small
    ws = book["收入参数表"]
    drivers = [ws.cell(r, 4).value for r in range(5, 10)]
    formula = ws.cell(10, 4).value
    assert formula == "=D5*D6*D7*D8*D9/10000"
    ip = b.tables["income_parameters"].iloc[0]
    assert np.prod(drivers) == pytest.approx(ip["contributions"], rel=1e-9)
    # the balance sheet: closing = opening + income - spending, as the median run's ledger closes
    balances = reps.load("small", b.median_run, ["balances"]).balances
    closing = balances[balances["fund"].astype(str) == "ui_fund"]["closing"].iloc[-1]
    ws = book["基金平衡表"]
    rows = {(ws.cell(r, 1).value, ws.cell(r, 2).value): r for r in range(5, ws.max_row + 1)}
    r = rows[("失业保险基金", "上年结余(期初)")]
    opening, income, spending = (ws.cell(r + k, 4).value for k in range(3))
    assert ws.cell(r + 4, 4).value == f"=D{r}+D{r + 3}" and ws.cell(r + 3, 4).value == f"=D{r + 1}-D{r + 2}"
    assert abs((opening + income - spending) * 10_000 - closing) <= 1.5


def test_a_fund_that_ends_below_zero_is_reported_as_a_funding_gap(request_of_small):
    _, b, _ = request_of_small
    gaps = b.tables["balances"]
    esf = gaps[gaps["fund"] == "employment_subsidy_fund"].iloc[0]
    # 100,000 opening + 300,000 appropriated, against 20 posts at the minimum wage for 6 months and more
    assert esf["closing"] < 0 and esf["funding_gap"] == -esf["closing"]
    text = "\n".join(summary_text(b))
    assert f"funding gap: employment subsidy fund ends 2019 {wan(esf['funding_gap']):,.2f} 万元 short" in text


def test_budget_command_writes_the_workbook_and_checks_its_options(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["budget", "small", "--confidence", "1.5"])
    assert exit_.value.code == 2 and "--confidence: '1.5' is not a share; allowed: a number between 0 and 1" in capsys.readouterr().err
    assert main(["budget", "small", "--years", "2031", "--out", str(tmp_path / "x")]) == 2
    assert "--years: '2031' is not a list of budget years; allowed: years 2019-2020" in capsys.readouterr().err
    small = ["--set", "population.workers=3000", "--set", "population.firms=150", "--set", "scenario.months=12"]
    assert main(["budget", "small", "--runs", "2", "--workers", "1", "--out", str(tmp_path / "b"), *small]) == 0
    out = capsys.readouterr().out
    assert "失业保险金支出" in out and "needed at 80% confidence" in out
    book = load_workbook(tmp_path / "b" / "budget.xlsx")
    assert book.sheetnames == ["预算主表", "收入参数表", "支出参数表", "基金平衡表", "绩效自评表", "不确定性", "预算执行", "月度明细", "说明"]


def test_text_that_looks_like_a_formula_stays_text(request_of_small, tmp_path):
    _, b, _ = request_of_small
    book = load_workbook(write_budget(b, "=HYPERLINK(\"http://x\")", [("command", "@SUM(1)")], tmp_path / "b.xlsx"))
    title, note = book["预算主表"]["A1"], book["说明"]["B2"]
    assert title.value.startswith("=HYPERLINK") and title.data_type == "s"
    assert note.value == "@SUM(1)" and note.data_type == "s"
    total = next(c for c in book["预算主表"]["C"] if isinstance(c.value, str) and c.value.startswith("=SUM"))
    assert total.data_type == "f"


def test_budget_years_from_2024_use_the_2023_rules_names():
    flows = pd.DataFrame({"replication": [0], "fund": ["employment_subsidy_fund"], "side": ["spending"], "subject": ["job_seeking"],
                          "line": ["job_seeking_subsidy"], "year": [2024], "yuan": [100.0]})
    later = main_table(flows, ["employment_subsidy_fund"], [2024], 0, 1, 0.8).set_index("subject")
    assert later.at["job_seeking", "zh"] == "一次性求职补贴" and later.at["job_seeking", "source"] == "财社〔2023〕181号 第四条"
    assert later.at["job_seeking", "point"] == later.at["job_seeking", "at_confidence"] == 100.0
    assert later.at["internship", "zh"] == "就业见习补贴" and later.at["internship", "point"] == 0.0
    earlier = main_table(flows.assign(year=2023), ["employment_subsidy_fund"], [2023], 0, 1, 0.8).set_index("subject")
    assert earlier.at["job_seeking", "zh"] == "求职创业补贴" and earlier.at["job_seeking", "source"] == "财社〔2017〕164号 第四条"
