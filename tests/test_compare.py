"""lmsim compare and forecast (issue 5): common random numbers, deadweight on controlled cases,
forecast bands and fund depletion, outlay tables that add up to the ledger, and the report
(HTML in headless Chromium, the Excel workbook through openpyxl)."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from lmsim.compare import compare, replication_tables, side_by_side
from lmsim.forecast import forecast
from lmsim.replications import Replications
from lmsim.scenario import load_scenario

from conftest import work_paths

SMALL = ["population.workers=6000", "population.firms=300", "scenario.months=12", "shocks=[]"]
POSTS = 'policies.public_welfare_posts={start="2019-01", end="2019-12", clause="002 §11", posts=60.0}'
HIRING = 'policies.hiring_subsidy={start="2019-01", end="2019-12", clause="001 (九)", amount=6000.0, retention_months=6, firm_sizes=["micro","small","medium","large"]}'
TARGET = 'targets.u={indicator="surveyed_unemployment_rate", aggregate="mean", op="<=", value=0.05, start="2019-01", end="2019-12", clause="000 §二"}'
# a market where nothing moves unless a policy moves it: no quits, growth, shocks, exits, entry,
# start-ups or demography, and no open vacancies at the start
STILL = ["behaviour.quit_rate=0.0", "behaviour.demand_trend=0.0", "behaviour.firm_demand_volatility=0.0",
         "behaviour.market_demand_volatility=0.0", "behaviour.firm_exit_rate=0.0", "behaviour.firm_entry_rate=0.0",
         "behaviour.startup_rate=0.0", "demography.enabled=false", "region.initial_vacancy_rate=0.0",
         "behaviour.discouragement_rate=0.0", "behaviour.reentry_rate=0.0", "behaviour.fixed_cost_share=0.0",
         'region.sectors=[{name="all", employment_share=1.0, demand_volatility=0.0}]']


def scenario(*overrides: str):
    return load_scenario("huyi-baseline", [*SMALL, *overrides])


@pytest.fixture(scope="module")
def posts(tmp_path_factory) -> Replications:
    reps = Replications(tmp_path_factory.mktemp("posts"), {"baseline": scenario(), "posts": scenario(POSTS, TARGET),
                                                           "neutral": scenario(POSTS.replace("posts=60.0", "posts=0.0"))},
                        runs=8, seed=3)
    assert reps.run(workers=2, progress=False) == []
    return reps


def test_a_scenario_identical_to_the_baseline_has_zero_net_effects_in_every_replication(posts):
    for k in range(posts.runs):
        tables = replication_tables(posts.load("baseline", k), posts.load("neutral", k), posts.scenarios["neutral"])
        values = tables["indicators"]
        assert (values["value_scenario"] == values["value_baseline"]).all()
        outlays = tables["outlays"]
        assert (outlays["outflow_scenario"] == outlays["outflow_baseline"]).all()
    c = compare(posts, "baseline", ["neutral"])
    net = c.tables["net_effects"]
    assert (net[["net", "net_low", "net_high"]].to_numpy() == 0).all()
    from lmsim.reports.report import headline

    lines = headline(c, {"neutral": "neutral"}, "en")
    assert "cost per net regular job: not defined: no net regular jobs on average" in " ".join(lines) and "nan" not in " ".join(lines)


def test_common_random_numbers_cut_the_variance_of_net_effects(posts, tmp_path):
    independent = Replications(tmp_path, {"baseline": posts.scenarios["baseline"], "posts": posts.scenarios["posts"]},
                               runs=posts.runs, seed=posts.seed, common_random_numbers=False)
    assert independent.run(workers=2, progress=False) == []

    def net_in_work(reps: Replications) -> np.ndarray:
        pick = [replication_tables(reps.load("baseline", k), reps.load("posts", k), reps.scenarios["posts"])["indicators"]
                for k in range(reps.runs)]
        return np.array([float(t.query("indicator == 'surveyed_unemployment_rate' and period == 'horizon'").eval("value_scenario - value_baseline").iloc[0])
                         for t in pick])

    crn, ind = net_in_work(posts), net_in_work(independent)
    assert crn.mean() < 0  # posts take people out of unemployment
    assert ind.var(ddof=1) >= 5 * crn.var(ddof=1), (crn.var(ddof=1), ind.var(ddof=1))


def test_deadweight_of_a_subsidy_that_cannot_change_hiring_is_near_total(tmp_path):
    inelastic = "behaviour.labour_demand_elasticity=0.0"  # labour cost does not move firms' staffing
    reps = Replications(tmp_path, {"baseline": scenario(inelastic), "subsidy": scenario(inelastic, HIRING)}, runs=4, seed=2)
    assert reps.run(workers=2, progress=False) == []
    dead = compare(reps, "baseline", ["subsidy"]).tables["deadweight"].set_index("lever").loc["hiring_subsidy"]
    assert dead["admitted"] > 50 and dead["deadweight_share"] > 0.95


def test_deadweight_of_a_subsidy_paying_only_for_extra_hires_is_low(tmp_path):
    elastic = [*STILL, "behaviour.labour_demand_elasticity=2.0"]
    reps = Replications(tmp_path, {"baseline": scenario(*elastic), "subsidy": scenario(*elastic, HIRING)}, runs=4, seed=2)
    assert reps.run(workers=2, progress=False) == []
    c = compare(reps, "baseline", ["subsidy"])
    dead = c.tables["deadweight"].set_index("lever").loc["hiring_subsidy"]
    assert dead["admitted"] > 50 and dead["deadweight_share"] < 0.20
    assert c.tables["net_effects"].query("indicator == 'regular_employment' and period == 'horizon'")["net"].iloc[0] > 0


def test_outlay_tables_add_up_to_the_ledger_to_the_yuan(posts):
    c = compare(posts, "baseline", ["posts"])
    outlays = c.tables["outlays"]
    totals = outlays[outlays["period"] == "total"]
    by_year = outlays[outlays["period"] != "total"].groupby(["fund", "line"])[["baseline", "value"]].sum()
    assert np.allclose(by_year.to_numpy(), totals.set_index(["fund", "line"]).loc[by_year.index, ["baseline", "value"]].to_numpy(), atol=0.5)
    ledger_mean = np.mean([posts.load("posts", k).flows["outflow"].sum() for k in range(posts.runs)])
    assert abs(totals["value"].sum() - ledger_mean) < 1.0

    f = forecast(posts, "posts")
    annual = f.tables["annual_outlays"]
    lines, funds = annual[annual["line"] != "*"], annual[annual["line"] == "*"]
    assert np.allclose(lines.groupby(["fund", "year"])["mean"].sum().to_numpy(), funds.set_index(["fund", "year"])["mean"].to_numpy(), atol=0.5)
    assert abs(funds["mean"].sum() - ledger_mean) < 1.0
    monthly = f.tables["monthly_outlays"]
    assert abs(monthly.query("fund == '*' and line == '*'")["mean"].sum() - ledger_mean) < 1.0


def test_forecast_bands_widen_and_depletion_matches_the_ledger(tmp_path):
    # no UI contributions and a small opening balance: benefits drain the UI fund
    drained = scenario("scenario.months=24", "funds.ui_fund=150000", "funds.reserves={ui_fund=75000}",
                       'policies.contribution_rates={start="2019-01", end="2020-12", clause="test", ui_employer=0.0, ui_employee=0.0}')
    reps = Replications(tmp_path, {"drained": drained}, runs=10, seed=5, record_paths=False)
    assert reps.run(workers=2, progress=False) == []
    f = forecast(reps, "drained")
    ui = f.tables["balances"].query("fund == 'ui_fund'")
    width = (ui["p95"] - ui["p05"]).to_numpy()
    assert width[-1] > width[11] > width[2] > 0  # the fan opens with the horizon
    dep = f.tables["depletion"].query("fund == 'ui_fund'").set_index("threshold")
    assert dep.loc["zero", "probability"] > 0.9 and dep.loc["reserve", "probability"] > 0.9
    # the first month below zero, read off each replication's ledger flows
    firsts = []
    for run in reps.each("drained"):
        ui_flows = run.flows[run.flows["fund"] == "ui_fund"].groupby("date")[["inflow", "outflow"]].sum()
        balance = 150_000 + (ui_flows["inflow"] - ui_flows["outflow"]).cumsum()
        firsts.append(balance[balance < 0].index.min())
    firsts = sorted(m for m in firsts if isinstance(m, str))
    ledger_month = firsts[(len(firsts) - 1) // 2]
    months = lambda d: int(d[:4]) * 12 + int(d[5:])  # noqa: E731
    assert abs(months(dep.loc["zero", "median_month"]) - months(ledger_month)) <= 1


def test_compare_report_opens_in_a_browser_and_its_workbook_matches_the_csv(posts, tmp_path):
    from openpyxl import load_workbook

    from lmsim.reports.report import Provenance, write_compare

    c = compare(posts, "baseline", ["posts"])
    written = write_compare(c, Provenance("lmsim compare (test)", {"baseline": posts.scenarios["baseline"], "posts": posts.scenarios["posts"]},
                                          posts.runs, posts.seed), tmp_path, "zh")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count("<svg") >= 4 and "城镇调查失业率" in page and "sha256" in page and "<script" not in page
    assert "<text" in page  # chart text kept as text: the browser draws the Chinese
    assert len(list(tmp_path.glob("*.png"))) >= 4

    book = load_workbook(tmp_path / "tables.xlsx")
    assert {"net_effects", "outlays", "targets", "deadweight", "cost_per_job"} <= set(book.sheetnames)
    sheet = book["outlays"]
    header = [cell.value for cell in sheet[1]]
    assert "value (yuan)" in header
    column = header.index("value (yuan)")
    excel_total = sum(row[column].value for row in sheet.iter_rows(min_row=2) if row[header.index("period")].value == "total")
    csv = pd.read_csv(tmp_path / "outlays.csv")
    assert excel_total == pytest.approx(csv.query("period == 'total'")["value"].sum(), abs=0.01)
    assert sheet.cell(row=2, column=column + 1).number_format == "#,##0"

    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        pytest.skip("headless Chromium is not installed (.ci/run installs it)")
    shot = tmp_path / "shot.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,2400", f"--screenshot={shot}",
                    (tmp_path / "report.html").as_uri()], check=True, capture_output=True, timeout=120)
    import matplotlib.image

    pixels = (matplotlib.image.imread(shot)[..., :3] * 255).round()
    blue = np.all(np.abs(pixels - [31, 119, 180]) < 6, axis=-1)  # the scenario's line and bars
    grey = np.all(np.abs(pixels - [77, 77, 77]) < 6, axis=-1)  # the baseline's
    assert blue.sum() > 2000 and grey.sum() > 200, "the charts did not render"
    assert written[0] == tmp_path / "report.html"


def test_png_charts_fall_back_to_english_without_a_cjk_font(monkeypatch):
    from lmsim.reports import charts

    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    with pytest.warns(UserWarning, match="no CJK font installed"):
        assert charts.png_language("zh") == "en"
    assert charts.png_language("en") == "en"


# --- issue 11: regular employment apart from programme posts; deadweight at each lever's horizon ---

SMALL_8000 = ["population.workers=8000", "population.firms=300", "scenario.months=12", "shocks=[]"]
POSTS_ONLY = 'policies.public_welfare_posts={start="2019-02", end="2019-11", clause="002 §11", posts=300.0}'
EXPORT_ONLY = ('policies.labour_export_bonus={start="2019-02", end="2019-11", clause="004 §8", include_rural_surplus=true, '
               'bonus=300.0}')


@pytest.fixture(scope="module")
def programmes(tmp_path_factory) -> Replications:
    small = lambda *o: load_scenario("huyi-baseline", [*SMALL_8000, *o])
    reps = Replications(tmp_path_factory.mktemp("programmes"),
                        {"baseline": small(), "posts": small(POSTS_ONLY), "export": small(EXPORT_ONLY)}, runs=2, seed=11)
    assert reps.run(workers=2, progress=False) == []
    return reps


def test_public_welfare_posts_alone_raise_programme_posts_and_not_regular_employment(programmes):
    c = compare(programmes, "baseline", ["posts"])
    net = c.tables["net_effects"].query("scenario == 'posts' and period == 'horizon'").set_index("indicator")
    assert "in_work" not in net.index  # no total mixing posts with regular work
    posts, regular = net.loc["programme_posts"], net.loc["regular_employment"]
    # every replication fills posts (the band's lower end is above 0) ...
    assert posts["net_low"] > 100, posts
    # ... and none buys regular jobs with them: the posts take their holders out of search, so
    # work outside the posts can only stay or fall (a few persons up would be matching noise
    # under common random numbers; we allow none above a 0.5 % of the posts filled)
    assert regular["net_high"] <= 0.005 * posts["net"], (regular, posts)
    cost = c.tables["cost_per_job"].set_index("scenario").loc["posts"]
    assert cost["net_programme_posts"] == pytest.approx(posts["net"])
    assert cost["net_regular_jobs"] == pytest.approx(regular["net"])
    assert np.isnan(cost["cost_per_job_of_means"]) or regular["net"] > 0  # no cost per regular job without regular jobs
    from lmsim.reports.report import headline

    lines = headline(c, {"posts": "posts"}, "en")
    assert any(line.startswith("posts: regular employment ") for line in lines)
    assert any(line.startswith("posts: programme posts ") for line in lines)


def test_packages_compared_one_at_a_time_side_by_side_equal_comparing_them_together(programmes):
    together = compare(programmes, "baseline", ["posts", "export"])
    apart = side_by_side([compare(programmes, "baseline", ["posts"]), compare(programmes, "baseline", ["export"])])
    assert apart.scenarios == ["posts", "export"] and set(apart.tables) == set(together.tables)
    for name, table in together.tables.items():
        keys = [c for c in ("scenario", "indicator", "target", "fund", "line", "lever", "period", "date") if c in table]
        pd.testing.assert_frame_equal(apart.tables[name].sort_values(keys).reset_index(drop=True),
                                      table.sort_values(keys).reset_index(drop=True), check_dtype=False)
    assert (apart.tables["paths"]["scenario"] == "baseline").sum() == (together.tables["paths"]["scenario"] == "baseline").sum() > 0


def test_organised_labour_export_is_transferred_employment_in_the_net_effects(programmes):
    c = compare(programmes, "baseline", ["export"])
    net = c.tables["net_effects"].query("scenario == 'export' and period == 'horizon'").set_index("indicator")
    moved = []
    for k in range(programmes.runs):
        run = programmes.load("export", k)
        moved.append(run.admissions.query("lever == 'labour_export_bonus'")["weight"].sum())
        # every mover is in the scenario's transferred employment (rural entries into work come on top)
        assert run.monthly["transferred_employment"].sum() >= moved[-1] > 20
    # the movers are transfer employment: the net effect is positive (less than the movers, as
    # some of them would have found work in the region in the baseline, and counted there if
    # rural); regular employment in the region is what it is (they left)
    assert net.loc["transferred_employment", "net_low"] > 0
    moved = float(np.mean(moved))
    # every mover's deadweight is read in the month of departure (outcome_months 0), none beyond
    dead = c.tables["deadweight"].set_index("lever").loc["labour_export_bonus"]
    assert dead["outcome_months"] == 0 and dead["beyond_horizon"] == 0 and dead["admitted"] == pytest.approx(moved)


def test_deadweight_is_read_at_each_levers_outcome_horizon_on_a_hand_built_case():
    from lmsim.compare import deadweight
    from lmsim.policies import REGISTRY
    from lmsim.replications import RunOutput

    assert (REGISTRY["training_subsidy"].outcome_months, REGISTRY["pes_services"].outcome_months, REGISTRY["hiring_subsidy"].outcome_months) == (12, 6, 0)
    dates = [f"2019-{m:02d}" for m in range(1, 13)]
    # baseline: who is in work at the end of each month (index 0 = 2019-01)
    in_work = [[] for _ in dates]
    for t in range(12):
        in_work[t] = [1]  # person 1 is in work all year except 2019-09 (index 8)
    in_work[8] = []
    in_work[6] = [0, 1]  # person 0 in work only in 2019-07
    in_work[4] = [1, 4]  # person 4 in work only in 2019-05
    in_work[0] = [1, 3]  # person 3 in work in 2019-01 only
    empty = pd.DataFrame()
    base = RunOutput(pd.DataFrame({"date": dates}), empty, empty, empty, empty, pd.DataFrame(columns=["date", "lever", "worker_id", "weight"]),
                     work_paths(in_work, 8))
    admissions = pd.DataFrame([
        ("2019-01", "pes_services", 0, 2.0),      # horizon 2019-07: in work -> deadweight 2
        ("2019-03", "pes_services", 1, 1.0),      # horizon 2019-09: not in work (in work at admission: not what counts)
        ("2019-07", "pes_services", 2, 3.0),      # horizon 2020-01: beyond the run
        ("2019-01", "training_subsidy", 3, 1.0),  # horizon 2020-01: beyond (in work at admission does not count)
        ("2019-05", "hiring_subsidy", 4, 1.0),    # horizon the same month: in work -> deadweight 1
    ], columns=["date", "lever", "worker_id", "weight"])
    scen = RunOutput(pd.DataFrame({"date": dates}), empty, empty, empty, empty, admissions, None)
    d = deadweight(base, scen).set_index("lever")
    assert d.loc["pes_services", ["outcome_months", "admitted", "measured", "deadweight", "beyond_horizon"]].tolist() == [6, 6.0, 3.0, 2.0, 3.0]
    assert d.loc["training_subsidy", ["outcome_months", "admitted", "measured", "deadweight", "beyond_horizon"]].tolist() == [12, 1.0, 0.0, 0.0, 1.0]
    assert d.loc["hiring_subsidy", ["outcome_months", "admitted", "measured", "deadweight", "beyond_horizon"]].tolist() == [0, 1.0, 1.0, 1.0, 0.0]

    from lmsim.compare import _deadweight

    table = _deadweight(d.reset_index().assign(scenario="s", replication=0)).set_index("lever")
    assert table.loc["pes_services", "deadweight_share"] == pytest.approx(2 / 3)
    assert table.loc["pes_services", "beyond_horizon"] == 3.0
    assert np.isnan(table.loc["training_subsidy", "deadweight_share"])  # nobody measured: no share, not 0
    assert table.loc["hiring_subsidy", "deadweight_share"] == 1.0


def test_the_huyi_package_deadweight_table_has_training_and_pes_services(tmp_path):
    months = ["population.workers=8000", "population.firms=300", "scenario.months=18", "shocks=[]"]
    reps = Replications(tmp_path, {"baseline": load_scenario("huyi-baseline", months), "package": load_scenario("huyi-package", months)},
                        runs=2, seed=4)
    assert reps.run(workers=2, progress=False) == []
    dead = compare(reps, "baseline", ["package"]).tables["deadweight"].set_index("lever")
    for lever, horizon in (("training_subsidy", 12), ("pes_services", 6)):
        row = dead.loc[lever]
        assert row["outcome_months"] == horizon
        assert row["admitted"] > row["beyond_horizon"] > 0  # admissions in the last months are beyond the 18 simulated
        assert 0 <= row["deadweight_share"] <= 1


def test_each_labour_export_departure_is_counted_in_the_exported_flow():
    from lmsim.simulation import Simulation

    s = load_scenario("huyi-baseline", ["population.workers=4000", "population.firms=200", "scenario.months=6", "shocks=[]", EXPORT_ONLY])
    model = Simulation(s, seed=3).build()
    exported = admitted = 0.0
    for _ in range(6):
        model.step()
        month = [w.sum() for date, lever, ids, w in model.admissions if lever == "labour_export_bonus" and date == model.indicators["date"]]
        assert model.flows["exported"] == pytest.approx(sum(month))  # the month's movers, person for person
        exported += model.flows["exported"]
        admitted += sum(month)
    assert exported == admitted > 0
