"""Declared targets: evaluation by hand on a made-up month table, and validation."""

import pandas as pd
import pytest

from lmsim.scenario import ScenarioError, validate_scenario
from lmsim.targets import Target, evaluate

MONTHLY = pd.DataFrame({
    "date": ["2019-11", "2019-12", "2020-01", "2020-02"],
    "new_urban_jobs": [100.0, 200.0, 300.0, 400.0],
    "surveyed_unemployment_rate": [0.049, 0.051, 0.048, 0.047],
    "graduate_employment_rate": [0.85, 0.91, 0.80, 0.82],
})
POLICIES = pd.DataFrame({"date": ["2019-12", "2020-02"], "lever": ["ui_refund", "ui_refund"], "claims": [3.0, 4.0],
                         "recipients": [2.0, 4.0], "paid": [10.0, 20.0], "refused": [1.0, 0.0], "refused_yuan": [5.0, 0.0]})


def target(**fields):
    return Target(**{"clause": "000 §二", "start": "2019-11", "end": "2020-02", **fields})


def test_sum_mean_max_last_and_margins():
    rows = evaluate({
        "jobs": target(indicator="new_urban_jobs", aggregate="sum", op=">=", value=900.0),
        "surveyed": target(indicator="surveyed_unemployment_rate", aggregate="max", op="<=", value=0.05),
        "mean_u": target(indicator="surveyed_unemployment_rate", aggregate="mean", op="<=", value=0.05),
        "paid": target(indicator="policies.ui_refund.paid", aggregate="sum", op=">=", value=25.0),
    }, MONTHLY, POLICIES).set_index("target")
    assert rows.loc["jobs", "achieved"] == 1000.0 and rows.loc["jobs", "met"] and rows.loc["jobs", "margin"] == 100.0
    assert rows.loc["surveyed", "achieved"] == 0.051 and not rows.loc["surveyed", "met"]
    assert rows.loc["surveyed", "margin"] == pytest.approx(-0.001)
    assert rows.loc["mean_u", "achieved"] == pytest.approx(0.04875) and rows.loc["mean_u", "met"]
    assert rows.loc["paid", "achieved"] == 30.0  # months without a row count as zero


def test_per_year_takes_each_year_and_skips_unsimulated_periods():
    grad = target(indicator="graduate_employment_rate", aggregate="last", op=">=", value=0.9, per_year=True, end="2020-12")
    rows = evaluate({"grad": grad}, MONTHLY, POLICIES)
    # 2019 runs Nov-Dec and ends at 0.91 (met by 0.01); 2020 goes beyond the simulated months
    assert rows["period"].tolist() == ["2019"]
    assert rows["achieved"].tolist() == [0.91] and rows["met"].tolist() == [True]


BASE = {"scenario": {"name": "t", "start": "2019-01", "months": 12}}


@pytest.mark.parametrize("section, expected", [
    ({"indicator": "jobs_created", "aggregate": "sum", "op": ">=", "value": 1.0}, "unknown indicator"),
    ({"indicator": "new_urban_jobs", "aggregate": "median", "op": ">=", "value": 1.0}, "targets.x.aggregate"),
    ({"indicator": "policies.ui_refund.paid", "aggregate": "sum", "op": ">=", "value": 1.0}, "names a lever not in [policies]"),
    ({"indicator": "new_urban_jobs", "aggregate": "sum", "op": ">=", "value": 1.0, "start": "2022-01", "end": "2022-12"}, "outside the horizon"),
])
def test_bad_targets_fail_validation(section, expected):
    fields = {"clause": "c", "start": "2019-01", "end": "2019-12", **section}
    with pytest.raises(ScenarioError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        validate_scenario({**BASE, "targets": {"x": fields}})
