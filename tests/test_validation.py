"""Bad scenario and population input fails before any run, naming file, field and what is allowed."""

from pathlib import Path

import pandas as pd
import pytest

from lmsim.cli import main
from lmsim.scenario import ScenarioError, load_scenario
from lmsim.simulation import Simulation

GOOD = """
[scenario]
name = "t"
start = "2019-01"
months = 12

[population]
workers = 1000
firms = 50
"""


def write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def fails(path, *expected, overrides=None, named=None):
    """Loading ``path`` fails before any run; the message names ``named`` (default: the scenario file)."""
    with pytest.raises(ScenarioError) as err:
        Simulation(load_scenario(path, overrides)).build()
    message = str(err.value)
    assert str(named or path) in message
    for text in expected:
        assert text in message, message
    return message


@pytest.mark.parametrize(
    "change, expected",
    [
        ("[behaviour]\nquit_rat = 0.01", ["field 'behaviour.quit_rat'", "unknown field", "allowed here:", "quit_rate"]),
        ("[behaviour]\nquit_rate = 'high'", ["field 'behaviour.quit_rate'", "valid number"]),
        ("[behaviour]\nmatching_efficiency = -0.2", ["field 'behaviour.matching_efficiency'", "greater than 0"]),
        ("[region]\nunemployment_rate = 1.5", ["field 'region.unemployment_rate'", "less than or equal to 1"]),
        ("[[shocks]]\nstart = '2019-06'\nend = '2019-03'\ndemand = -0.1", ["shocks.0", "before start"]),
        ("[[shocks]]\nstart = '2019-03'\nend = '2019-06'\ndemand = -0.1\nsectors = ['mining']", ["unknown sector", "allowed:"]),
        ("[[contributions.rates]]\nstart = '2019-13'", ["contributions.rates.0.start", "YYYY-MM"]),
        ("[region]\neducation_shares = { phd = 1.0 }", ["region.education_shares", "allowed", "university"]),
    ],
)
def test_bad_scenario_fields(tmp_path, change, expected):
    fails(write(tmp_path, GOOD + change), *expected)


def test_zero_horizon(tmp_path):
    fails(write(tmp_path, GOOD.replace("months = 12", "months = 0")), "field 'scenario.months'", "greater than 0")


def test_missing_required_section(tmp_path):
    fails(write(tmp_path, "[population]\nworkers = 10\n"), "field 'scenario'", "required field is missing")


def test_unreadable_files(tmp_path):
    fails(write(tmp_path, "[scenario\nname = 1"), "not valid TOML")
    (tmp_path / "bad.toml").write_bytes(b"\xff\xfe\x00garbage")
    fails(tmp_path / "bad.toml", "not valid TOML")
    with pytest.raises(ScenarioError, match="no such file, and not a built-in scenario"):
        load_scenario(tmp_path / "missing.toml")


def test_override_is_validated_too(tmp_path):
    fails(write(tmp_path, GOOD), "field 'population.workers'", "greater than 0", overrides=["population.workers=-5"],
          named="command line (--set population.workers=-5)")


def tables(tmp_path, workers: pd.DataFrame, firms: pd.DataFrame, suffix=".csv") -> Path:
    for name, frame in (("workers", workers), ("firms", firms)):
        path = tmp_path / f"{name}{suffix}"
        frame.to_parquet(path) if suffix == ".parquet" else frame.to_csv(path, index=False)
    extra = f'firms = 50\nworkers_table = "workers{suffix}"\nfirms_table = "firms{suffix}"'
    return write(tmp_path, GOOD.replace("firms = 50", extra))


def good_tables():
    workers = pd.DataFrame({"id": [10, 11, 12], "age_months": [360, 400, 300], "female": [0, 1, 0],
                            "education": [2, 4, 1], "status": [0, 0, 2], "employer": [7, 7, -1], "wage": [5000.0, 6000.0, 0.0]})
    firms = pd.DataFrame({"id": [7], "sector": [0], "wage": [5500.0]})
    return workers, firms


def test_good_tables_load_and_run(tmp_path):
    path = tables(tmp_path, *good_tables(), suffix=".parquet")
    result = Simulation(load_scenario(path)).run(progress=False)
    assert result.monthly["employed"].iloc[0] >= 1


def test_missing_population_column(tmp_path):
    workers, firms = good_tables()
    fails(tables(tmp_path, workers.drop(columns="education"), firms), "workers.csv: field 'education'", "required column is missing", named=tmp_path)


def test_employer_not_in_firms_table(tmp_path):
    workers, firms = good_tables()
    workers.loc[1, "employer"] = 99
    fails(tables(tmp_path, workers, firms), "field 'employer'", "not in", "allowed: a firm id or -1", named=tmp_path)


def test_population_value_out_of_range(tmp_path):
    workers, firms = good_tables()
    workers.loc[0, "status"] = 12
    fails(tables(tmp_path, workers, firms), "field 'status'", "above 9", "allowed", named=tmp_path)
    workers, firms = good_tables()
    firms.loc[0, "sector"] = 8
    fails(tables(tmp_path, workers, firms), "firms.csv: field 'sector'", "above 3", named=tmp_path)


def test_unknown_and_duplicate_population_columns(tmp_path):
    workers, firms = good_tables()
    workers["shoe_size"] = 42
    workers.loc[1, "id"] = 10
    message = fails(tables(tmp_path, workers, firms), "field 'shoe_size'", "unknown column", named=tmp_path)
    assert "ids must be unique" in message


def test_unreadable_table(tmp_path):
    workers, firms = good_tables()
    path = tables(tmp_path, workers, firms, suffix=".parquet")
    (tmp_path / "workers.parquet").write_bytes(b"not parquet at all")
    fails(path, "workers.parquet", "cannot read table", named=tmp_path)


def test_cli_check_reports_and_exits_2(tmp_path, capsys):
    path = write(tmp_path, GOOD + "[ui]\nclaim_rate = 2\n")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "nothing was run" in err and "field 'ui.claim_rate'" in err
    assert main(["check", str(write(tmp_path, GOOD, "ok.toml"))]) == 0


@pytest.mark.parametrize(
    "change, expected",
    [
        ("[policies.ui_refnd]\nstart = '2019-01'\nend = '2019-12'\nclause = 'x'", ["field 'policies.ui_refnd'", "unknown field", "ui_refund"]),
        ("[policies.ui_refund]\nstart = '2019-01'\nend = '2019-12'\nclause = 'x'\nshare = 1.5", ["field 'policies.ui_refund.share'", "less than or equal to 1"]),
        ("[policies.ui_refund]\nstart = '2021-01'\nend = '2021-12'\nclause = 'x'", ["policies.ui_refund", "outside the horizon"]),
        ("[policies.ui_refund]\nstart = '2019-06'\nend = '2019-01'\nclause = 'x'", ["policies.ui_refund", "before start"]),
        ("[policies.ui_refund]\nstart = '2019-01'\nend = '2019-12'", ["field 'policies.ui_refund.clause'", "required"]),
    ],
)
def test_bad_policy_sections(tmp_path, change, expected):
    fails(write(tmp_path, GOOD + change), *expected)


def test_readme_lever_table_is_current():
    """The README's lever table is what `lmsim levers` prints: documentation cannot drift."""
    from lmsim.lever_reference import TABLE_END, TABLE_START, markdown_table

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme.split(TABLE_START)[1].split(TABLE_END)[0].strip()
    assert table == markdown_table(), "README lever table is stale: paste the output of `lmsim levers`"


def test_readme_lists_every_behavioural_parameter_with_its_default():
    from lmsim.scenario import Behaviour

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for name, field in Behaviour.model_fields.items():
        assert f"| `{name}` | {field.default} | {field.description} |" in readme, f"README lacks behaviour.{name}"


@pytest.mark.parametrize("lever, parameter, unit", [
    ("guaranteed_loans", "individual_cap", "yuan"), ("apprenticeship_subsidy", "amount_per_year", "yuan a year"),
    ("ui_refund", "share", "share"), ("ui_refund", "payment_month", "month of the year, 1-12"),
    ("ui_refund", "layoff_threshold", "share"), ("ui_refund", "share_by_size", "table share"),
    ("training_subsidy", "capacity", "persons"), ("training_subsidy", "course_months", "months"),
    ("pes_services", "fairs_per_month", "fairs a month"), ("pes_services", "fair_effort", "multiplier"),
    ("hiring_subsidy", "labour_intensive", "yes/no"), ("si_subsidy", "formula", "one of share_of_base, employer_actual"),
    ("guaranteed_loans", "counter_guarantee_threshold", "yuan"), ("minimum_living_guarantee", "threshold", "yuan"),
])
def test_lever_parameter_units(lever, parameter, unit):
    from lmsim.lever_reference import parameters
    from lmsim.policies import REGISTRY

    units = {name: u for name, u, *_ in parameters(REGISTRY[lever])}
    assert units[parameter] == unit


def test_levers_command_lists_and_describes(capsys):
    assert main(["levers"]) == 0
    assert "| `ui_refund` | unemployment-insurance stable-post refund (失业保险稳岗返还) | 2.1 |" in capsys.readouterr().out
    assert main(["levers", "guaranteed_loans"]) == 0
    out = capsys.readouterr().out
    assert "individual_cap (yuan) = 150000.0, neutral 0.0" in out and "fund: guarantee_fund" in out
    assert main(["levers", "no_such_lever"]) == 2
    assert "allowed: apprenticeship_subsidy" in capsys.readouterr().err


def test_cli_evidence_refuses_bad_options_and_fit_files_before_any_run(tmp_path, capsys):
    assert main(["evidence", "--runs", "0"]) == 2
    assert "command line: field '--runs': Input should be greater than or equal to 1 (got 0)" in capsys.readouterr().err
    assert main(["evidence", "ui_refund", "--fit", str(tmp_path / "missing.toml")]) == 2
    assert "missing.toml: cannot read file" in capsys.readouterr().err
    bad = tmp_path / "params.toml"
    bad.write_text('[[params]]\npath = "policies.ui_refund.nonsense"\nlow = 1\nhigh = 2\n', encoding="utf-8")
    assert main(["evidence", "ui_refund", "--fit", str(bad), "--out", str(tmp_path / "fit")]) == 2
    assert "needs the study whose estimates to fit (--study)" in capsys.readouterr().err  # ui_refund has three
    assert main(["evidence", "ui_refund", "--fit", str(bad), "--study", "pes_services", "--out", str(tmp_path / "fit")]) == 2
    assert "--study pes_services: ui_refund has no estimates from it" in capsys.readouterr().err
    assert main(["evidence", "ui_refund", "--fit", str(bad), "--study", "ui_refund", "--out", str(tmp_path / "fit")]) == 2
    err = capsys.readouterr().err
    assert "policies.ui_refund.nonsense" in err and "unknown field" in err and "take_up" in err
    assert not (tmp_path / "fit" / "cache.jsonl").exists()
