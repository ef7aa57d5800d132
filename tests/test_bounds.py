"""Every value finite and bounded (issue 14, item 5): each input a hostile tester found accepted
is refused before any run, with a line naming the file (or the command line), the field and
what is allowed."""

import os
from pathlib import Path

import pandas as pd
import pytest

from lmsim import limits
from lmsim.cli import main
from lmsim.experiment import Experiment
from lmsim.scenario import ScenarioError, load_scenario
from lmsim.tables import check_table, load_population

from test_validation import GOOD, write


def problems(load, *args) -> list[str]:
    """The lines of the ScenarioError ``load(*args)`` raises."""
    with pytest.raises(ScenarioError) as err:
        load(*args)
    return err.value.problems


# --- 1. inf and nan -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["inf", "nan", "-inf"])
def test_fund_balance_must_be_finite(tmp_path, value):
    path = write(tmp_path, GOOD + f"[funds]\nui_fund = {value}\n")
    assert problems(load_scenario, path) == [f"{path}: field 'funds.ui_fund': Input should be a finite number (got {float(value)})"]


def test_nan_anywhere_in_a_scenario_or_experiment(tmp_path):
    path = write(tmp_path, GOOD + "[behaviour]\nstartup_failure_by_year = [0.1, nan]\n")
    assert problems(load_scenario, path) == [
        f"{path}: field 'behaviour.startup_failure_by_year.1': Input should be a finite number (got nan)"]
    path = write(tmp_path, EXPERIMENT.replace("range = [0.004, 0.012]", "range = [0.004, inf]"), "e.toml")
    assert problems(Experiment.from_file, path) == [f"{path}: field 'factors.0.range.1': Input should be a finite number (got inf)"]


# --- 2. population tables -------------------------------------------------------------------


def tables(tmp_path, workers: pd.DataFrame, firms: pd.DataFrame) -> tuple[Path, Path, Path]:
    """A scenario naming the two tables, and the tables' paths."""
    w_path, f_path = tmp_path / "workers.csv", tmp_path / "firms.csv"
    workers.to_csv(w_path, index=False)
    firms.to_csv(f_path, index=False)
    extra = 'firms = 50\nworkers_table = "workers.csv"\nfirms_table = "firms.csv"'
    return write(tmp_path, GOOD.replace("firms = 50", extra)), w_path, f_path


def good_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    workers = pd.DataFrame({"id": [10, 11, 12], "age_months": [360, 400, 300], "female": [0, 1, 0],
                            "education": [2, 4, 1], "status": [0, 0, 2], "employer": [7, 7, -1], "wage": [5000.0, 6000.0, 0.0]})
    firms = pd.DataFrame({"id": [7, 8], "sector": [0, 1], "wage": [5500.0, 4000.0]})
    return workers, firms


def table_problems(tmp_path, workers, firms) -> list[str]:
    scenario, _, _ = tables(tmp_path, workers, firms)
    return problems(load_population, load_scenario(scenario))


def test_weight_must_be_bounded(tmp_path):
    workers, firms = good_tables()
    workers["weight"] = [1.0, 1e39, 1.0]
    assert table_problems(tmp_path, workers, firms) == [
        f"{tmp_path / 'workers.csv'}: field 'weight': 1 value(s) above 1,000,000 (first: 1e+39); allowed: > 0, at most 1,000,000"]


def test_amounts_must_be_finite_and_bounded(tmp_path):
    workers, firms = good_tables()
    workers["savings"] = [1.0, float("inf"), 1.0]
    firms.loc[0, "wage"] = 1e14
    assert table_problems(tmp_path, workers, firms) == [
        f"{tmp_path / 'workers.csv'}: field 'savings': 1 value(s) not finite (first: inf); allowed: >= 0",
        f"{tmp_path / 'firms.csv'}: field 'wage': 1 value(s) above 10,000,000,000,000 (first: 100000000000000.0); allowed: > 0"]


def test_integer_column_refuses_fractions(tmp_path):
    workers, firms = good_tables()
    workers["status"] = workers["status"].astype(float)
    workers.loc[2, "status"] = 1.5
    assert table_problems(tmp_path, workers, firms) == [
        f"{tmp_path / 'workers.csv'}: field 'status': 1 value(s) not whole numbers (first: 1.5); allowed: 0..9, see Status"]


def test_table_without_rows(tmp_path):
    workers, firms = good_tables()
    assert table_problems(tmp_path, workers.iloc[:0], firms) == [
        f"{tmp_path / 'workers.csv'}: table has 0 rows; allowed: 1 to 2,000,000 rows of workers"]


def test_table_rows_bounded():
    frame = pd.DataFrame({"id": range(limits.MAX_FIRMS + 1), "sector": 0, "wage": 5000.0})
    assert check_table(frame, "firms", "f.csv") == ["f.csv: table has 200,001 rows; allowed: 1 to 200,000 rows of firms"]


def test_table_format_is_named(tmp_path, capsys):
    xlsx = tmp_path / "workers.xlsx"
    good_tables()[0].to_excel(xlsx, index=False)
    assert main(["check", str(xlsx)]) == 2
    assert (f"  {xlsx}: unknown file format '.xlsx'; allowed: a scenario or experiment (.toml), or a population table "
            "checked on its own: CSV (.csv) or Parquet (.parquet)") in capsys.readouterr().err.splitlines()
    path = write(tmp_path, GOOD.replace("firms = 50", 'workers_table = "w.xlsx"\nfirms_table = "f.csv"'))
    assert problems(load_scenario, path) == [
        f"{path}: field 'population.workers_table': unknown table format '.xlsx' of 'w.xlsx'; allowed: CSV (.csv) or Parquet (.parquet)"]


def test_worker_of_a_closed_firm(tmp_path):
    workers, firms = good_tables()
    firms["alive"] = [False, True]
    assert table_problems(tmp_path, workers, firms) == [
        f"{tmp_path / 'workers.csv'}: field 'employer': 2 worker(s) name a firm closed in {tmp_path / 'firms.csv'} "
        "(alive false; first: 7); allowed: the id of an operating firm or -1"]


# --- 3. sizes -------------------------------------------------------------------------------


@pytest.mark.parametrize("change, line", [
    ("workers = 1000", "field 'population.workers': Input should be less than or equal to 2000000 (got 2000001)"),
    ("firms = 50", "field 'population.firms': Input should be less than or equal to 200000 (got 200001)"),
    ("months = 12", "field 'scenario.months': Input should be less than or equal to 600 (got 601)"),
])
def test_sizes_have_upper_bounds(tmp_path, change, line):
    key = change.split(" = ")[0]
    too_many = {"workers": limits.MAX_WORKERS, "firms": limits.MAX_FIRMS, "months": limits.MAX_MONTHS}[key] + 1
    path = write(tmp_path, GOOD.replace(change, f"{key} = {too_many}").replace("workers = 1000", "workers = 1000000"))
    assert f"{path}: {line}" in problems(load_scenario, path)


def test_more_firms_than_workers(tmp_path):
    path = write(tmp_path, GOOD.replace("firms = 50", "firms = 1001"))
    assert problems(load_scenario, path) == [
        f"{path}: field 'population': firms = 1,001 exceeds workers = 1,000; allowed: at most as many firms as workers"]


def test_seed_in_a_file_and_on_the_command_line_get_one_message(tmp_path):
    path = write(tmp_path, GOOD.replace("months = 12", "months = 12\nseed = -1"))
    assert problems(load_scenario, path) == [f"{path}: field 'scenario.seed': Input should be greater than or equal to 0 (got -1)"]
    assert limits.check_seed("--seed", -1) == ["command line: field '--seed': Input should be greater than or equal to 0 (got -1)"]
    assert limits.check_seed("--seed", 2**63) == [
        "command line: field '--seed': Input should be less than or equal to 9223372036854775807 (got 9223372036854775808)"]
    assert limits.check_seed("--seed", 0) == []


def test_check_count():
    assert limits.check_count("--runs", 10_001, limits.MAX_RUNS) == [
        "command line: field '--runs': Input should be less than or equal to 10000 (got 10001)"]
    assert limits.check_count("--runs", 0, limits.MAX_RUNS) == ["command line: field '--runs': Input should be greater than or equal to 1 (got 0)"]
    assert limits.check_count("--workers", 2.5, limits.MAX_PROCESSES) == ["command line: field '--workers': Input should be a valid integer (got 2.5)"]
    assert limits.check_count("--runs", limits.MAX_RUNS, limits.MAX_RUNS) == []


EXPERIMENT = """
[experiment]
name = "bounds"
scenario = "small"
set = ["scenario.months=12", "population.workers=1000", "population.firms=50"]
design = "latin"
samples = 2

[[factors]]
path = "behaviour.startup_rate"
range = [0.004, 0.012]

[outputs.startups]
indicator = "startups"
aggregate = "sum"
"""


@pytest.mark.parametrize("change, line", [
    ("samples = 1e9", "field 'experiment.samples': Input should be a valid integer (got 1000000000.0)"),
    ("samples = 1_000_000_000", "field 'experiment.samples': Input should be less than or equal to 1000000 (got 1000000000)"),
    ("samples = 2\nreplications = 10_001", "field 'experiment.replications': Input should be less than or equal to 10000 (got 10001)"),
    ("samples = 2\nseed = -3", "field 'experiment.seed': Input should be greater than or equal to 0 (got -3)"),
    ('design = "sobol"\nsamples = 400_000',
     "field 'experiment.samples': design sobol with 1 factor(s) gives 1,200,000 points x 1 replications = 1,200,000 runs; "
     "allowed: at most 1,000,000 runs"),
])
def test_experiment_size_refused_before_sampling(tmp_path, change, line):
    path = write(tmp_path, EXPERIMENT.replace('design = "latin"\nsamples = 2', change), "e.toml")
    assert problems(Experiment.from_file, path) == [f"{path}: {line}"]


def test_grid_size_refused_before_sampling(tmp_path):
    grid = EXPERIMENT.replace('design = "latin"\nsamples = 2', 'design = "grid"\nreplications = 10')
    grid = grid.replace("range = [0.004, 0.012]", f"values = {list(range(1000))}")
    path = write(tmp_path, grid + f'[[factors]]\npath = "behaviour.quit_rate"\nvalues = {[0.01] * 1000}\n', "e.toml")
    assert problems(Experiment.from_file, path) == [
        f"{path}: field 'factors': design grid with 2 factor(s) gives 1,000,000 points x 10 replications = 10,000,000 runs; "
        "allowed: at most 1,000,000 runs"]


def test_output_month_outside_the_horizon(tmp_path):
    path = write(tmp_path, EXPERIMENT + 'months = ["2019-06", "2021-01"]\n[outputs.late]\nindicator = "startups"\nstart = "2018-12"\n', "e.toml")
    assert problems(Experiment.from_file, path) == [
        f"{path}: field 'outputs.startups.months': 2021-01 outside the scenario's horizon; allowed: months from 2019-01 to 2019-12",
        f"{path}: field 'outputs.late.start': 2018-12 outside the scenario's horizon; allowed: months from 2019-01 to 2019-12"]


# --- 4. files read with a bound -------------------------------------------------------------


def test_base_that_is_not_a_regular_file(tmp_path):
    path = write(tmp_path, 'base = "/dev/zero"\n' + GOOD)
    assert problems(load_scenario, path) == [
        f"{path}: field 'base': /dev/zero: not a regular file; allowed: a regular file of at most 10,000,000 bytes"]


def test_file_too_large(tmp_path):
    big = tmp_path / "big.toml"
    big.touch()
    os.truncate(big, limits.MAX_TOML_BYTES + 1)  # sparse: nothing written
    path = write(tmp_path, 'base = "big.toml"\n' + GOOD)
    assert problems(load_scenario, path) == [
        f"{path}: field 'base': {big}: file of 10,000,001 bytes; allowed: a regular file of at most 10,000,000 bytes"]
    assert problems(load_scenario, big) == [f"{big}: file of 10,000,001 bytes; allowed: a regular file of at most 10,000,000 bytes"]
    assert problems(Experiment.from_file, big) == [f"{big}: file of 10,000,001 bytes; allowed: a regular file of at most 10,000,000 bytes"]


# --- 5. shares, wages, overrides ------------------------------------------------------------


@pytest.mark.parametrize("table, value, total", [
    ("age_shares", "{'16-24' = 1.0, '25-64' = 1.5}", "2.5"),
    ("education_shares", "{junior = 0.5, senior = 0.4}", "0.9"),
    ("firm_size_shares", "{micro = 0.9, small = 0.1, medium = 0.1, large = 0.0}", "1.1"),
])
def test_shares_sum_to_one(tmp_path, table, value, total):
    path = write(tmp_path, GOOD + f"[region]\n{table} = {value}\n")
    assert problems(load_scenario, path) == [
        f"{path}: field 'region.{table}': shares sum to {total}; allowed: shares summing to 1 (within 1e-06)"]


def test_minimum_wage_above_average(tmp_path):
    path = write(tmp_path, GOOD + "[region]\naverage_wage = 5000.0\nminimum_wage = 5200.0\n")
    assert problems(load_scenario, path) == [
        f"{path}: field 'region.minimum_wage': 5200 is above average_wage 5000; allowed: at most the average wage"]


def test_override_errors_name_the_command_line():
    assert problems(load_scenario, "small", ["behaviour.quit_rate=2", "region.minimum_wage=9000.0"]) == [
        "command line (--set region.minimum_wage=9000.0): field 'region.minimum_wage': 9000 is above average_wage 6000; "
        "allowed: at most the average wage",
        "command line (--set behaviour.quit_rate=2): field 'behaviour.quit_rate': Input should be less than or equal to 1 (got 2)"]
    assert problems(load_scenario, "small", ["behaviour.quit_rate"]) == [
        "command line (--set behaviour.quit_rate): expected PATH=VALUE, e.g. behaviour.quit_rate=0.01"]
    small = load_scenario("small").path
    assert problems(load_scenario, "small", ["population.firms=30000"]) == [
        f"{small} with command line (--set population.firms=30000): field 'population': firms = 30,000 exceeds workers = 20,000; "
        "allowed: at most as many firms as workers"]
