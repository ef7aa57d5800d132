"""Parameter uncertainty (issue 13): replication k draws the fitted parameters from the fit's
sampling distribution, keyed so every scenario sharing the fit draws the same values; a compare
with draws has wider bands than with the parameters fixed, shows both, and repeats exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lmsim import rng
from lmsim.parameter_draws import deviations, drawn, widening
from lmsim.replications import Replications
from lmsim.scenario import ScenarioError, load_scenario, validate_scenario

SMALL = ["population.workers=3000", "population.firms=150", "scenario.months=6", "shocks=[]"]
FIT = ('fit={targets="t.toml", date="2026-12-02", parameters=['
       '{path="behaviour.quit_rate", estimate=0.004, se=0.002, low=0.001, high=0.015}, '
       '{path="ui.claim_rate", estimate=0.3, se=0.05, low=0.05, high=0.95}]}')


def fitted(*overrides: str):
    return load_scenario("huyi-baseline", [*SMALL, "behaviour.quit_rate=0.004", "ui.claim_rate=0.3", FIT, *overrides])


def test_a_draw_is_the_estimate_plus_se_times_keyed_normals_shared_by_every_scenario():
    s = fitted()
    z = rng.normal(7, np.arange(2), 3, rng.Purpose.PARAMETER_DRAW)  # by hand: parameter number as id, replication as month
    assert deviations(s.fit, 7, 3) == pytest.approx([0.002 * z[0], 0.05 * z[1]])
    one = drawn(s, 7, 3)
    assert one.behaviour.quit_rate == pytest.approx(np.clip(0.004 + 0.002 * z[0], 0.001, 0.015))
    assert one.ui.claim_rate == pytest.approx(0.3 + 0.05 * z[1])
    # a package that sets a fitted field keeps its difference from the baseline in every draw
    package = fitted("ui.claim_rate=0.5")
    assert drawn(package, 7, 3).ui.claim_rate - one.ui.claim_rate == pytest.approx(0.2)
    assert drawn(s, 7, 4).ui.claim_rate != one.ui.claim_rate and drawn(s, 7, 3).ui.claim_rate == one.ui.claim_rate


def test_correlated_estimates_move_together_and_draws_stay_inside_the_bounds():
    s = fitted(FIT.replace("]}", "], correlation=[[1.0, 1.0], [1.0, 1.0]]}"))
    shifts = np.array([deviations(s.fit, 1, k) / [0.002, 0.05] for k in range(20)])
    assert shifts[:, 0] == pytest.approx(shifts[:, 1])  # perfectly correlated: one normal for both
    wide = fitted(FIT.replace("se=0.002", "se=1.0"))
    values = [drawn(wide, 1, k).behaviour.quit_rate for k in range(20)]
    assert set(np.round(values, 6)) <= {0.001, 0.015}  # a standard error far beyond the bounds: clipped to them


def test_a_fit_naming_a_field_the_scenario_lacks_or_a_bad_correlation_is_refused():
    with pytest.raises(ScenarioError, match="'behaviour.quit_rat' is not a numeric field"):
        fitted(FIT.replace("behaviour.quit_rate", "behaviour.quit_rat"))
    with pytest.raises(ScenarioError, match="correlation must be 2 x 2"):
        fitted(FIT.replace("]}", "], correlation=[[1.0]]}"))


def test_widening_is_the_share_of_the_drawn_band_the_fixed_band_lacks():
    drawn_table = pd.DataFrame({"k": ["a"], "v": [1.0], "lo": [0.0], "hi": [4.0]})
    fixed_table = pd.DataFrame({"k": ["a"], "v": [1.0], "lo": [0.5], "hi": [1.5]})
    row = widening(drawn_table, fixed_table, ["k"], "v", "lo", "hi").iloc[0]
    assert (row["width"], row["width_fixed"], row["share_from_parameters"]) == (4.0, 1.0, 0.75)


def test_replications_draw_per_replication_and_run_each_draw_once(tmp_path):
    s = fitted()
    reps = Replications(tmp_path, {"baseline": s}, runs=3, seed=5, draw_parameters=True)
    rates = [reps.scenario_of("baseline", k).behaviour.quit_rate for k in range(3)]
    assert len(set(rates)) == 3 and rates[1] == drawn(s, 5, 1).behaviour.quit_rate
    assert reps.run(workers=1, progress=False) == []
    fixed = Replications(tmp_path, {"baseline": s}, runs=3, seed=5)
    assert len(fixed.missing()) == 3 and len(reps.missing()) == 0  # fixed runs are other runs
    without_fit = Replications(tmp_path, {"baseline": load_scenario("small")}, runs=2, seed=5, draw_parameters=True)
    assert not without_fit.draw_parameters  # nothing to draw: the option is moot


def test_compare_with_parameter_uncertainty_is_wider_shows_both_bands_and_repeats(tmp_path, capsys):
    from lmsim.cli import main

    baseline = tmp_path / "base.toml"
    recording = ("\n[statistics]\nrecord_other = 0.2\n[[fit.parameters]]\npath = \"statistics.record_other\"\n"
                 "estimate = 0.2\nse = 0.08\nlow = 0.02\nhigh = 0.6\n")
    baseline.write_text('base = "' + str(load_scenario("huyi-baseline").path) + '"\n' + _fit_toml() + recording, encoding="utf-8")
    package = tmp_path / "package.toml"
    package.write_text(f'base = "{baseline}"\n[policies.public_welfare_posts]\nstart = "2019-01"\nend = "2019-06"\n'
                       'clause = "test"\nposts = 40.0\n', encoding="utf-8")
    larger = ["population.workers=20000", "population.firms=1000", "scenario.months=12", "shocks=[]"]  # noise below the draws' effect
    args = ["compare", str(baseline), str(package), "--runs", "6", "--workers", "2", "--no-attribution",
            "--lang", "en", *[a for s in larger for a in ("--set", s)]]
    assert main([*args, "--out", str(tmp_path / "one")]) == 0
    table = pd.read_csv(tmp_path / "one" / "parameter_uncertainty.csv").query("measure == 'level'").set_index("indicator")
    # the share of hires employment registration records, drawn ±0.08 around 0.2, scales new urban jobs
    jobs = table.loc["new_urban_jobs"]
    assert jobs["width"] > 1.5 * jobs["width_fixed"] > 0 and 0 < jobs["share_from_parameters"] < 1
    drawn_params = pd.read_csv(tmp_path / "one" / "parameters_drawn.csv")
    assert set(drawn_params["parameter"]) == {"behaviour.quit_rate", "ui.claim_rate", "statistics.record_other"}
    page = (tmp_path / "one" / "report.html").read_text(encoding="utf-8")
    assert "parameter uncertainty" in page and "with the parameters fixed" in capsys.readouterr().out
    assert main([*args, "--out", str(tmp_path / "two")]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "one" / "net_effects.csv"), pd.read_csv(tmp_path / "two" / "net_effects.csv"))
    assert main([*args, "--out", str(tmp_path / "three"), "--fixed-parameters"]) == 0
    assert not (tmp_path / "three" / "parameter_uncertainty.csv").exists()


def _fit_toml() -> str:
    return ("[behaviour]\nquit_rate = 0.004\n[ui]\nclaim_rate = 0.3\n[fit]\ntargets = \"t.toml\"\ndate = \"2026-12-02\"\n"
            "[[fit.parameters]]\npath = \"behaviour.quit_rate\"\nestimate = 0.004\nse = 0.002\nlow = 0.001\nhigh = 0.015\n"
            "[[fit.parameters]]\npath = \"ui.claim_rate\"\nestimate = 0.3\nse = 0.05\nlow = 0.05\nhigh = 0.95\n")


def test_validate_scenario_round_trips_a_fit():
    s = fitted()
    again = validate_scenario(s.model_dump(mode="json"), "again")
    assert again.fit == s.fit


def test_forecast_with_parameter_uncertainty_shows_each_funds_annual_band_both_ways(tmp_path):
    from lmsim.cli import main

    baseline = tmp_path / "base.toml"
    wide = _fit_toml().replace("se = 0.05", "se = 0.15")
    baseline.write_text('base = "' + str(load_scenario("huyi-baseline").path) + '"\n' + wide, encoding="utf-8")
    assert main(["forecast", str(baseline), "--runs", "8", "--workers", "2", "--lang", "en", "--out", str(tmp_path / "f"),
                 *[a for s in SMALL for a in ("--set", s)]]) == 0
    table = pd.read_csv(tmp_path / "f" / "parameter_uncertainty.csv").set_index("fund")
    ui = table.loc["ui_fund"]
    # the claim rate drawn over ±0.15 (of 0.3) moves benefit outlays: the drawn band is the wider
    assert ui["width"] > ui["width_fixed"] > 0 and ui["value"] > 0
