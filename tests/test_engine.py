"""The engine: reproducibility, the steady state and the ledger identity on shipped scenarios; firm rules on hand-built firms."""

import numpy as np
import pandas as pd
import pytest

from lmsim import firms as firm_rules
from lmsim import labour, rng
from lmsim.indicators import COLUMNS
from lmsim.population import Firms, set_firm_economics
from lmsim.rng import Purpose
from lmsim.scenario import BUILTIN_DIR, ScenarioError, load_scenario
from lmsim.simulation import Simulation

from conftest import firms_with_staff, make_scenario


def run(name, overrides, seed=None):
    return Simulation(load_scenario(name, overrides), seed).run(progress=False)


def test_same_seed_same_outputs_other_seed_different(small_overrides):
    a, b = run("small", small_overrides, 3), run("small", small_overrides, 3)
    pd.testing.assert_frame_equal(a.monthly, b.monthly)
    pd.testing.assert_frame_equal(a.ledger, b.ledger)
    pd.testing.assert_frame_equal(a.balances, b.balances)
    c = run("small", small_overrides, 4)
    assert not a.monthly["hires"].equals(c.monthly["hires"])


def test_removing_a_worker_leaves_other_draws_unchanged(small_overrides):
    sim = Simulation(load_scenario("small", small_overrides), 3)
    model = sim.build()
    ids = model.workers.id
    month = model.month
    full = rng.uniform(model.seed, ids, month, Purpose.JOB_SEARCH)
    keep = np.ones(len(ids), bool)
    keep[1234] = False
    assert np.array_equal(rng.uniform(model.seed, ids[keep], month, Purpose.JOB_SEARCH), full[keep])


def test_monthly_columns_are_the_contract(small_overrides):
    result = run("small", small_overrides)
    assert list(result.monthly.columns) == COLUMNS
    assert len(result.monthly) == 12
    assert result.monthly["date"].iloc[0] == "2019-01"


def test_steady_state_matches_flow_formula():
    result = run("steady-state", [])
    s, f = 0.02, 0.30
    last12 = result.monthly["surveyed_unemployment_rate"].iloc[-12:].mean()
    assert abs(last12 - s / (s + f)) < 0.003, last12
    assert result.monthly["surveyed_unemployment_rate"].iloc[0] > 0.08  # it starts near 10 %


SHIPPED = sorted(p.stem for p in BUILTIN_DIR.glob("*.toml"))


@pytest.mark.parametrize("name", SHIPPED)
def test_ledger_identity_every_month_of_every_shipped_scenario(name):
    # reduced size for speed; every month of the horizon still runs
    scenario = load_scenario(name)
    n = min(scenario.population.workers, 20_000)
    result = run(name, [f"population.workers={n}", f"population.firms={max(n // 20, 10)}"])
    assert len(result.monthly) == scenario.scenario.months
    if name.endswith("-package"):  # a document's package reports every target it declares
        assert set(result.targets["target"]) == set(scenario.targets) != set()
        assert any(scenario.policies.model_dump().values())
    ledger, balances = result.ledger, result.balances
    opening = {"ui_fund": scenario.funds.ui_fund, "employment_subsidy_fund": scenario.funds.employment_subsidy_fund,
               "guarantee_fund": scenario.funds.guarantee_fund, "pension_fund": scenario.funds.pension_fund,
               "medical_fund": scenario.funds.medical_fund, "minimum_living_fund": scenario.funds.minimum_living_fund}
    for fund, start in opening.items():
        rows = balances[balances["fund"] == fund]
        flows = ledger[ledger["fund"] == fund].groupby("date")["amount"].sum()
        derived = start + flows.reindex(rows["date"], fill_value=0.0).cumsum().to_numpy()
        assert np.allclose(rows["closing"].to_numpy(), derived, atol=0.01, rtol=0)
        assert np.allclose(rows["closing"].to_numpy(), rows["opening"] + rows["inflows"] - rows["outflows"], atol=0.01, rtol=0)


def test_indicators_agree_with_a_direct_count(small_overrides):
    """Fast paths (household rings, incremental staff books) against plain recounts."""
    from lmsim.indicators import WORKING_STATUSES
    from lmsim.population import Status

    model = Simulation(load_scenario("small", small_overrides), 5).build()
    for _ in range(8):  # past July, so newcomers (school leavers, migrants) are in the count
        model.step()
    w, f = model.workers, model.firms
    frame = pd.DataFrame({"hh": w.household, "working": np.isin(w.status, WORKING_STATUSES),
                          "unemployed": w.status == Status.UNEMPLOYED, "weight": w.weight})
    by_hh = frame.groupby("hh").agg(working=("working", "any"), unemployed=("unemployed", "any"))
    assert model.indicators["workless_households"] == pytest.approx(float((by_hh.unemployed & ~by_hh.working).sum()))
    employees = w.status == Status.EMPLOYED
    assert np.array_equal(f.employees, np.bincount(w.employer[employees], minlength=len(f)))
    assert np.allclose(f.payroll, np.bincount(w.employer[employees], weights=w.wage[employees], minlength=len(f)))
    lf = np.isin(w.status, (*WORKING_STATUSES, Status.UNEMPLOYED))
    assert model.indicators["labour_force"] == pytest.approx(float(w.weight[lf].sum()))


def test_a_finished_run_frees_its_model():
    """A batch runs thousands of models in one process: none may outlive its run (mesa 3.3
    keeps models in Agent._ids unless released)."""
    import gc
    import weakref

    from lmsim.simulation import LabourMarket

    built = []
    original = LabourMarket.__init__

    def remember(self, *args, **kwargs):
        original(self, *args, **kwargs)
        built.append(weakref.ref(self))

    LabourMarket.__init__ = remember
    try:
        Simulation.from_file("small", overrides=["population.workers=2000", "population.firms=100", "scenario.months=2"]).run(progress=False)
    finally:
        LabourMarket.__init__ = original
    gc.collect()
    assert len(built) == 1 and built[0]() is None


@pytest.mark.parametrize("region", ["anshan", "tacheng"])
def test_the_existing_minimum_living_guarantee_is_in_the_baseline_and_the_package_changes_its_rules(region):
    # 低保 exists without the plans: a package that switched it on would count the whole
    # guarantee as the plan's cost; it changes only the earnings disregard and the exit period
    base = load_scenario(f"{region}-baseline").policies.minimum_living_guarantee
    package = load_scenario(f"{region}-package").policies.minimum_living_guarantee
    assert base is not None and base.threshold > 0 and base.earnings_disregard == 0 and base.exit_period == 0
    changed = {k for k, v in package.model_dump().items() if base.model_dump()[k] != v}
    assert changed == {"clause", "earnings_disregard", "exit_period"}


def test_founders_firms_close_at_the_rate_of_their_year_of_age():
    # SAIC's annual rates 1.6 %, 6.3 %, 9.5 %, then 8 %: a month's hazard is 1 - (1 - rate) ** (1/12)
    ages = np.array([0, 11, 12, 24, 36, 120])
    hazard = firm_rules.startup_hazard([0.016, 0.063, 0.095, 0.08], ages)
    assert hazard == pytest.approx([0.00134321, 0.00134321, 0.00540799, 0.00828386, 0.00692438, 0.00692438], rel=1e-5)
    assert firm_rules.startup_hazard([0.0], ages).tolist() == [0.0] * 6


def test_hiring_founders_plan_a_geometric_team_of_the_mean_size():
    # mean 5.2: P(team > k) = (1 - 1/5.2) ** k, so u = 0.5 gives 1 + floor(ln 0.5 / ln(4.2/5.2)) = 1 + floor(3.245)
    assert labour.planned_team(np.array([0.0, 0.3, 0.5, 0.9]), 5.2).tolist() == [1, 2, 4, 11]
    assert labour.planned_team(np.array([0.2, 0.99]), 1.0).tolist() == [1, 1]
    u = rng.uniform(1, np.arange(200_000), 0, Purpose.STARTUP_HIRING)
    assert labour.planned_team(u, 5.2).mean() == pytest.approx(5.2, rel=0.01)


def test_a_firm_pays_out_the_cash_beyond_its_buffer_unless_it_owes():
    # four firms of 2 staff at 5,000 (band 1, premium 1): normal wage bill 10,000; a buffer of
    # 2 months keeps 20,000. The month: revenue 2 x 6,000 less wages 10,000 = +2,000.
    workers, firms = firms_with_staff([2, 2, 2, 2])
    firms.cash_buffer[:] = 2.0
    firms.cash[:] = [50_000.0, 50_000.0, 50_000.0, 5_000.0]
    firms.productivity[:] = 6_000.0
    model = Simulation(make_scenario(months=1), 1, population=(workers, firms)).build()
    model.firms.loans[1] = 10_000.0  # repaying a loan: keeps its cash
    model.firms.arrears[2] = 500.0  # owes contributions: keeps its cash
    firm_rules.settle_accounts(model, np.full(4, 2.0), np.zeros(4))
    assert model.firms.cash.tolist() == [20_000.0, 52_000.0, 52_000.0, 7_000.0]


def test_cash_buffers_are_drawn_from_the_survey_table_and_a_bad_table_is_refused():
    sc = make_scenario()
    months, shares = sc.behaviour.cash_buffer_table()
    assert months.tolist() == [1.0, 2.0, 3.0, 4.5, 6.0] and shares.sum() == pytest.approx(1.0)
    firms = Firms(200_000)
    firms.id[:] = np.arange(200_000)
    set_firm_economics(firms, np.arange(200_000), sc, 1, 0, Purpose.SYNTH_FIRM, 12 * 2019)
    drawn = [np.mean(firms.cash_buffer == m) for m in months]
    assert drawn == pytest.approx(shares.tolist(), abs=0.005)
    with pytest.raises(ScenarioError, match="cash_buffer_months.*shares sum to 0.9"):
        make_scenario(behaviour={"cash_buffer_months": {"1": 0.5, "2": 0.4}})
    with pytest.raises(ScenarioError, match="cash_buffer_months.*'a month' is not a number"):
        make_scenario(behaviour={"cash_buffer_months": {"a month": 1.0}})


def test_a_temporary_shock_is_kept_through_by_firms_with_cash_and_cut_to_demand_by_firms_without():
    # three firms of 10 staff whose demand halves in January 2019 (target 5); no hoarding band,
    # excess laid off at once. A temporary shock (a shutdown): firm 0, with cash, keeps its 10;
    # firm 1, short of cash, cuts to 5. A lasting shock: firm 2, with cash, cuts to 5 too.
    def january(temporary, cash):
        workers, firms = firms_with_staff([10])
        firms.cash[:] = cash
        shock = {"start": "2019-01", "end": "2019-01", "demand": float(np.log(0.5)), "temporary": temporary}
        sc = make_scenario(months=1, behaviour={"hoarding_band": 0.0, "layoff_speed": 1.0})
        sc.shocks = [type(sc).model_fields["shocks"].annotation.__args__[0](**shock)]
        model = Simulation(sc, 1, population=(workers, firms)).build()
        model.step()
        return int(model.firms.employees[0])

    assert [january(True, 1e7), january(True, -1.0), january(False, 1e7)] == [10, 5, 5]


def test_a_shock_on_a_share_of_firms_hits_a_fixed_subset():
    # 10,000 firms; a shock hitting 30 % of them in January and one hitting 10 % in February:
    # about 3,000 and 1,000 firms, February's all among January's (each firm's rank is fixed)
    workers, firms = firms_with_staff([1] * 10_000)
    sc = make_scenario(months=2)
    Shock = type(sc).model_fields["shocks"].annotation.__args__[0]
    sc.shocks = [Shock(start="2019-01", end="2019-01", demand=-3.0, firm_share=0.3),
                 Shock(start="2019-02", end="2019-02", demand=-3.0, firm_share=0.1)]
    model = Simulation(sc, 1, population=(workers, firms)).build()
    january = firm_rules.scripted_shock(model) == -3.0
    model.month += 1
    february = firm_rules.scripted_shock(model) == -3.0
    assert january.sum() == pytest.approx(3000, abs=150) and february.sum() == pytest.approx(1000, abs=90)
    assert not (february & ~january).any()
    assert firm_rules.scripted_shock(model, temporary_only=True).tolist() == [0.0] * 10_000


def test_firm_paths_keep_each_firms_staff_and_cash_shortage_by_id():
    # firm 0 (5 staff) has cash, firm 1 (3 staff) is 10 M yuan short; demand does not move, so
    # both keep their staff and firm 1 stays short. Ids beyond the firms count nothing.
    workers, firms = firms_with_staff([5, 3])
    firms.cash[:] = [1e7, -1e7]
    result = Simulation(make_scenario(months=1), 1, population=(workers, firms), record_paths=True).run(progress=False)
    paths = result.firm_paths
    assert paths.staff_at(0, [0, 1, 7]).tolist() == [5, 3, 0]
    assert paths.short_at(0, [0, 1, 7]).tolist() == [False, True, False]
    assert [a.tolist() for a in paths.traits([1])] == [[0], [1.0]]


def test_columns_grow_into_spare_rows_and_keep_every_value():
    from lmsim.population import Workers

    w = Workers(3)
    w.id[:] = [5, 6, 7]
    assert list(w.allocate(2)) == [3, 4] and len(w) == 5
    assert list(w.id) == [5, 6, 7, -1, -1]  # arrivals hold the column's default
    buffer = w.id.base
    assert len(buffer) == 6  # a fifth more rows than needed
    w.id[3:] = [8, 9]
    assert list(w.allocate(1)) == [5] and w.id.base is buffer  # the spare row: nothing copied
    w.allocate(4)  # full: a larger buffer, every value kept
    assert w.id.base is not buffer and list(w.id) == [5, 6, 7, 8, 9, -1, -1, -1, -1, -1]
