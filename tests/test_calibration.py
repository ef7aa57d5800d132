"""Calibration (issue 6): parameter recovery on the small scenario, a parameter no moment sees
flagged as not identified, finished simulations reused after an interruption, bad files
refused with file, field and allowed values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lmsim.calibration.calibrate import calibrate
from lmsim.calibration.smm import MomentModel, Simulator
from lmsim.calibration.spec import load_targets
from lmsim.scenario import ScenarioError, _read_toml, apply_overrides, resolve_path

TARGETS = Path(__file__).parents[1] / "calibration" / "targets" / "recovery-small.toml"
SMALL = ["population.workers=3000", "population.firms=150", "scenario.months=24"]


@pytest.fixture(scope="module")
def recovery(tmp_path_factory):
    # six replications a point: firms' cash buffers make 150 firms' exits, and so the moments,
    # noisy enough that four leave matching_efficiency's interval over 80 % of its range
    return calibrate(TARGETS, "small", out=tmp_path_factory.mktemp("recovery"), recover=True, workers=2, replications=6,
                     design_points=10, seed=1, overrides=SMALL, profile_points=3, max_evaluations=50)


@pytest.mark.long  # the recovery fit: about 90 s
def test_four_parameters_are_recovered_inside_their_90_percent_intervals(recovery):
    table = recovery.recovery.set_index("parameter")
    recovered = ["behaviour.matching_efficiency", "behaviour.quit_rate", "behaviour.registration_rate", "behaviour.firm_exit_rate"]
    for name in recovered:
        row = table.loc[name]
        assert row["identified"] and row["low_90"] <= row["true"] <= row["high_90"], row.to_dict()
        assert row["high_90"] - row["low_90"] < 0.8 * (row["bound_high"] - row["bound_low"])  # an interval that says something
    assert (table.loc[recovered, "verdict"] == "covered").all()


@pytest.mark.long  # the recovery fit: about 90 s
def test_a_parameter_no_moment_depends_on_is_flagged_not_identified(recovery):
    row = recovery.recovery.set_index("parameter").loc["funds.guarantee_fund"]
    assert not row["identified"] and row["verdict"] == "not identified" and np.isinf(row["se"])
    assert recovery.estimate.rank == 4  # five parameters, four directions the moments see
    text = (recovery.folder / "calibrated.toml").read_text()
    assert "# guarantee_fund: not identified" in text and "matching_efficiency = " in text
    report = (recovery.folder / "report.html").read_text()
    assert "NOT IDENTIFIED" in report and "<svg" in report
    # opens offline: nothing fetched (no scripts, no external sources); shows the moment table,
    # the estimates with their intervals and the loss profiles
    assert "<script" not in report and 'src="http' not in report and 'href="http' not in report
    assert all(word in report for word in ("Profiles", "moments", "parameters", "low_90", "high_90", "share_of_loss"))
    moments = recovery.estimate.moment_table()
    assert {"observed", "simulated", "simulated_mc_se", "t", "share_of_loss"} <= set(moments.columns)
    assert np.isfinite(recovery.estimate.j_stat) and 0 <= recovery.estimate.j_pvalue <= 1


@pytest.mark.long  # the recovery fit: about 90 s
def test_the_calibrated_scenario_carries_its_fit_for_draws_and_refits(recovery):
    from lmsim.scenario import load_scenario

    fit = load_scenario(recovery.folder / "calibrated.toml").fit
    e = recovery.estimate
    drawn = [p.path for p, ok in zip(e.params, e.interior) if ok]
    assert [p.path for p in fit.parameters] == drawn and "funds.guarantee_fund" not in drawn
    assert [p.estimate for p in fit.parameters] == pytest.approx(e.theta[e.interior])
    assert [p.se for p in fit.parameters] == pytest.approx(e.se[e.interior])
    assert fit.moments == [m.name for m in e.moments]
    assert np.asarray(fit.jacobian) == pytest.approx(e.jacobian[:, e.interior], rel=1e-5)
    assert np.diag(np.asarray(fit.correlation)) == pytest.approx(1.0)


def test_rerunning_reuses_finished_simulations(tmp_path):
    spec = load_targets(TARGETS)
    base = apply_overrides(_read_toml(resolve_path("small")), SMALL)
    model = MomentModel(base, spec.moments[:2])
    params = spec.params[:2]
    first = Simulator(model, params, 2, 5, tmp_path, workers=1)
    thetas = [np.array([0.3, 0.007]), np.array([0.4, 0.009])]
    before = first.runs(thetas)
    assert first.runs_done == 4
    again = Simulator(model, params, 2, 5, tmp_path, workers=1)  # a new session: the interrupted one's cache
    after = again.runs([*thetas, np.array([0.35, 0.008])])
    assert again.runs_done == 2  # only the new point ran
    assert all(np.array_equal(a, b) for a, b in zip(before, after[:2]))


@pytest.mark.parametrize("text, expected", [
    ('[[moments]]\nname="u"\nstatistic="unemployment"\nvalue=0.05\nse=0.01\nsource="x"\n', "unknown statistic 'unemployment'; allowed: surveyed_unemployment_rate"),
    ('[[moments]]\nname="u"\nstatistic="surveyed_unemployment_rate"\nvalue=0.05\nsource="x"\n', "give either se or range"),
    ('[[moments]]\nname="u"\nstatistic="surveyed_unemployment_rate"\nvalue=0.07\nrange=[0.05, 0.06]\nsource="x"\n', "outside its range"),
    ('[[moments]]\nname="u"\nstatistic="surveyed_unemployment_rate"\nvalue=0.05\nse=0.01\nsource="x"\nweight=2\n', "field 'moments.0.weight': unknown field"),
])
def test_bad_targets_files_fail_with_file_and_field(tmp_path, text, expected):
    path = tmp_path / "targets.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_targets(path)
    assert str(path) in str(err.value) and expected in str(err.value)


def test_a_parameter_path_the_scenario_does_not_have_is_refused(tmp_path):
    params = tmp_path / "params.toml"
    params.write_text('[[params]]\npath = "behaviour.matching_eficiency"\nlow = 0.1\nhigh = 0.5\n')
    with pytest.raises(ScenarioError, match="behaviour.matching_eficiency': unknown field"):
        calibrate(TARGETS, "small", params=params, out=tmp_path / "out", overrides=SMALL)


def test_validate_puts_each_published_figure_beside_its_simulated_median_and_range(tmp_path, capsys):
    from lmsim.calibration import validate
    from lmsim.calibration.moments import compute
    from lmsim.cli import main
    from lmsim.rng import replication_seed
    from lmsim.simulation import Simulation

    targets = tmp_path / "huyi.toml"
    targets.write_text('''
[[moments]]
name = "surveyed"
statistic = "surveyed_unemployment_rate"
value = 0.05
range = [0.0, 0.5]
source = "a range every run meets"

[[moments]]
name = "youth"
statistic = "youth_unemployment_rate"
value = 0.9
se = 0.01
start = "2019-02"
end = "2019-03"
source = "a figure no run meets"
targeted = false
''', encoding="utf-8")
    small = ["population.workers=3000", "population.firms=150", "scenario.months=3", "shocks=[]"]
    table = validate.validate_region("huyi", 3, 1, tmp_path / "out", targets=targets, overrides=small)
    # by hand: the three replications' seeds, their statistics, the median
    runs = [Simulation(load_scenario_with("huyi-baseline", small), replication_seed(1, k)).run(progress=False) for k in range(3)]
    surveyed = sorted(compute("surveyed_unemployment_rate", r.monthly, r.ledger, None, None) for r in runs)
    youth = sorted(compute("youth_unemployment_rate", r.monthly, r.ledger, "2019-02", "2019-03") for r in runs)
    assert table["simulated"].tolist() == pytest.approx([surveyed[1], youth[1]])
    assert table["published_low"].tolist() == pytest.approx([0.0, 0.9 - 1.6449 * 0.01])
    assert table["inside"].tolist() == [True, False] and table["targeted"].tolist() == [True, False]
    assert main(["validate", "atlantis"]) == 2
    assert "unknown region atlantis; allowed: huyi, xiangtan, chengyang, anshan, tacheng" in capsys.readouterr().err


def load_scenario_with(name, overrides):
    from lmsim.scenario import load_scenario

    return load_scenario(name, overrides)


def test_validate_never_reuses_the_runs_of_another_baseline(tmp_path):
    from lmsim.calibration import validate

    targets = tmp_path / "huyi.toml"
    targets.write_text('[[moments]]\nname = "surveyed"\nstatistic = "surveyed_unemployment_rate"\nvalue = 0.05\n'
                       'range = [0.0, 0.5]\nsource = "any"\n', encoding="utf-8")
    small = ["population.workers=3000", "population.firms=150", "scenario.months=3", "shocks=[]"]
    first = validate.validate_region("huyi", 2, 1, tmp_path / "out", targets=targets, overrides=small)
    quits = validate.validate_region("huyi", 2, 1, tmp_path / "out", targets=targets, overrides=[*small, "behaviour.quit_rate=0.05"])
    assert quits["simulated"].iloc[0] > first["simulated"].iloc[0]  # simulated afresh, not read from the first cache
    assert len(list((tmp_path / "out" / "huyi").iterdir())) == 2


def test_new_urban_jobs_rate_is_the_yearly_flow_over_the_mean_number_in_work():
    import pandas as pd

    from lmsim.calibration.moments import compute

    monthly = pd.DataFrame({"date": ["2019-01", "2019-02", "2019-03"], "employed": [90, 100, 110],
                            "self_employed": [10, 10, 10], "new_urban_jobs": [3, 3, 6]})
    ledger = pd.DataFrame({"date": pd.Series([], dtype=str)})
    # by hand: 12 recorded in 3 months = 48 a year, over 110 in work on average
    assert compute("new_urban_jobs_rate", monthly, ledger, None, None) == pytest.approx(48 / 110)
    # February and March: 9 in 2 months = 54 a year, over (110 + 120) / 2 = 115
    assert compute("new_urban_jobs_rate", monthly, ledger, "2019-02", "2019-03") == pytest.approx(54 / 115)


def test_a_figure_held_out_is_refitted_without_it_and_the_parameters_it_alone_moved_fall_back_on_the_prior():
    from lmsim.calibration.validate import refit_without

    G = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    r, w, theta = np.array([0.1, 0.2, 0.3]), np.ones(3), np.zeros(2)
    loose = np.array([1e6, 1e6])
    # by hand: without the third figure the others pin each parameter: d = -r
    assert refit_without(2, G, r, w, theta, np.zeros(2), loose) == pytest.approx([-0.1, -0.2], abs=1e-6)
    # without the first, (0.2 + d2)^2 + (0.3 + d1 + d2)^2 is zero at d2 = -0.2, d1 = -0.1
    assert refit_without(0, G, r, w, theta, np.zeros(2), loose) == pytest.approx([-0.1, -0.2], abs=1e-6)
    # two figures, one held out: its parameter follows the prior; minimise (0.2 + d2)^2 + (d1 - 0.5)^2 + d2^2
    two = G[:2]
    assert refit_without(0, two, r[:2], w[:2], theta, np.array([0.5, 0.0]), np.ones(2)) == pytest.approx([0.5, -0.1])


def test_validate_predicts_each_fitting_target_from_a_refit_without_it(tmp_path):
    from lmsim.calibration import validate
    from lmsim.calibration.moments import compute
    from lmsim.rng import replication_seed
    from lmsim.simulation import Simulation

    targets = tmp_path / "huyi.toml"
    targets.write_text('[[moments]]\nname = "surveyed"\nstatistic = "surveyed_unemployment_rate"\nvalue = 0.05\nse = 0.005\n'
                       'source = "any"\n\n[[moments]]\nname = "quits"\nstatistic = "quit_rate"\nvalue = 0.004\nse = 0.001\n'
                       'source = "any"\n', encoding="utf-8")
    fit = ('fit={targets="t", date="2026-12-02", moments=["surveyed", "quits"], jacobian=[[2.0], [1.0]], '
           'parameters=[{path="behaviour.quit_rate", estimate=0.006, se=0.001, low=0.001, high=0.015}]}')
    small = ["population.workers=3000", "population.firms=150", "scenario.months=3", "shocks=[]", "behaviour.quit_rate=0.006", fit]
    table = validate.validate_region("huyi", 2, 1, tmp_path / "out", targets=targets, overrides=small).set_index("figure")
    assert table["held_out"].notna().all() and table["held_out_inside"].notna().all()
    # by hand, the quits figure held out: refit the quit rate to the surveyed figure alone (one
    # parameter, one figure, the other regions' quit rates as a loose prior), run, read the quits
    base = load_scenario_with("huyi-baseline", small)
    runs = [Simulation(base, replication_seed(1, k)).run(progress=False) for k in range(2)]
    surveyed = np.median([compute("surveyed_unemployment_rate", r.monthly, r.ledger, None, None) for r in runs])
    prior, width = validate.priors(base.fit, "huyi")
    step = validate.refit_without(1, np.array([[2.0], [1.0]]), np.array([surveyed - 0.05, 0.0]), np.array([1 / 0.005**2, 1e6]),
                                  np.array([0.006]), prior, width)
    quit_rate = float(np.clip(0.006 + step[0], 0.001, 0.015))
    refit = [Simulation(load_scenario_with("huyi-baseline", [*small, f"behaviour.quit_rate={quit_rate}"]), replication_seed(1, k)).run(progress=False)
             for k in range(2)]
    quits = np.median([compute("quit_rate", r.monthly, r.ledger, None, None) for r in refit])
    assert table.loc["quits", "held_out"] == pytest.approx(quits)
