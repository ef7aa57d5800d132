"""Reducing a run (lmsim.reduce): periods, windows and aggregates by hand on made-up tables."""

import numpy as np
import pandas as pd
import pytest

from lmsim.calendar import parse_month
from lmsim.reduce import Period, aggregate, between, calendar_years, covers, outlay_series, outlays_by_year
from lmsim.scenario import ScenarioError, set_path

SERIES = pd.Series([1.0, 2.0, 4.0], index=["2019-11", "2019-12", "2020-01"])
LEDGER = pd.DataFrame({
    "date": ["2019-11", "2019-11", "2019-12", "2020-01", "2020-01"],
    "fund": ["ui_fund", "ui_fund", "ui_fund", "ui_fund", "employment_subsidy_fund"],
    "line": ["ui_benefit", "ui_contribution", "ui_benefit", "ui_refund", "hiring_subsidy"],
    "amount": [-10.0, 50.0, -20.0, -5.0, -7.0],
})


def test_calendar_years_cut_a_period_at_its_ends():
    years = calendar_years(parse_month("2019-11"), parse_month("2021-02"))
    assert [(y.label, y.dates[0], y.dates[-1]) for y in years] == [
        ("2019", "2019-11", "2019-12"), ("2020", "2020-01", "2020-12"), ("2021", "2021-01", "2021-02")]


def test_aggregates_take_the_months_a_series_holds_and_nan_without_any():
    period = Period("p", parse_month("2019-10"), parse_month("2019-12"))
    assert not covers(SERIES.index, period)
    assert aggregate(SERIES, period, "sum") == 3.0 and aggregate(SERIES, period, "last") == 2.0
    assert np.isnan(aggregate(SERIES, Period("later", parse_month("2021-01"), parse_month("2021-03")), "mean"))


def test_outlays_of_a_line_or_a_whole_fund_and_by_year():
    dates = pd.Series(["2019-11", "2019-12", "2020-01"])
    assert outlay_series(LEDGER, "ui_fund", "ui_benefit", dates).tolist() == [10.0, 20.0, 0.0]
    assert outlay_series(LEDGER, "ui_fund", "*", dates).tolist() == [10.0, 20.0, 5.0]
    flows = LEDGER.assign(outflow=(-LEDGER["amount"]).clip(lower=0))
    table = outlays_by_year(flows).set_index(["fund", "line", "period"])["outflow"]
    assert table[("ui_fund", "ui_benefit", "2019")] == 30.0 and table[("ui_fund", "ui_benefit", "total")] == 30.0
    assert ("ui_fund", "ui_contribution", "total") not in table.index  # paid nothing out
    assert len(between(LEDGER, "2019-12", "2020-01")) == 3


def test_set_path_makes_the_tables_on_the_way_and_refuses_a_value_as_a_table():
    data = {"behaviour": {"quit_rate": 0.01}}
    set_path(data, "policies.ui_refund.share", 0.5)
    assert data["policies"] == {"ui_refund": {"share": 0.5}}
    with pytest.raises(ScenarioError) as err:
        set_path(data, "behaviour.quit_rate.x", 1.0, "--set 'behaviour.quit_rate.x=1.0'")
    assert err.value.problems == ["--set 'behaviour.quit_rate.x=1.0': quit_rate is not a table"]
