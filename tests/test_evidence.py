"""lmsim evidence (issue 12): the simulated statistics on made-up runs, computed by hand; the
evidence file's validation; and the shipped file's studies build."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from lmsim.calibration import evidence, lever_fit
from lmsim.calibration.evidence import Case
from lmsim.policies.base import takes_up
from lmsim.replications import RunOutput
from lmsim.scenario import ScenarioError
from lmsim.simulation import FirmPaths

from conftest import work_paths

DATES = ["2019-01", "2019-02", "2019-03", "2019-04"]


def run(in_work, regular, admissions=(), policies=None) -> RunOutput:
    monthly = pd.DataFrame({"date": DATES, "regular_employment": regular})
    adm = pd.DataFrame(list(admissions), columns=["date", "lever", "worker_id", "weight"])
    empty = pd.DataFrame()
    return RunOutput(monthly, empty, empty, policies if policies is not None else empty, empty, adm, work_paths(in_work))


# Four people admitted by "training_subsidy": ids 0 and 1 in January (weight 1 each), id 2 in
# February (weight 2); id 3 in January by another lever. In work, month by month:
ADMITTED = [("2019-01", "training_subsidy", 0, 1.0), ("2019-01", "training_subsidy", 1, 1.0),
            ("2019-02", "training_subsidy", 2, 2.0), ("2019-01", "hiring_subsidy", 3, 1.0)]
BASE = run([[0, 3], [0, 1, 3], [0, 1, 2, 3], [1, 2]], [10, 10, 10, 10])
STUDY = run([[3], [3], [0, 1, 2, 3], [0, 1, 2, 3]], [10, 11, 13, 12], ADMITTED)


def case(statistic, horizon, base=BASE, study=STUDY, year=None):
    return evidence.STATISTICS[statistic](Case(base, study, "training_subsidy", horizon, year))


def test_effects_follow_the_same_people_at_their_horizon(monkeypatch):
    # horizon 1: ids 0, 1 in February (study: out, out; base: in, in), id 2 in March (in, in):
    # gaps -1, -1, 0 with weights 1, 1, 2 -> -2/4 = -50 points
    assert case("in_work_effect", 1) == pytest.approx(-50.0)
    # horizon 2: ids 0, 1 in March (in, in vs in, in), id 2 in April (in vs in): 0
    assert case("in_work_effect", 2) == pytest.approx(0.0)
    # horizon 3: only ids 0, 1 (April) are inside the run: study in, in; base out, in -> +50 points
    assert case("in_work_effect", 3) == pytest.approx(50.0)
    assert case("in_work_share", 1) == pytest.approx(100 * 2 / 4)  # id 2 (weight 2) in work in March
    assert case("deadweight", 0) == pytest.approx(100 * 1 / 4)  # base: id 0 in work in January; 1 not; 2 not in February
    # growth from horizon 2 to 3 (a month apart here), over ids 0 and 1 (id 2's horizon 3 is
    # past the run): +50 - 0
    monkeypatch.setattr(evidence, "GROWTH_MONTHS", 1)
    assert case("in_work_effect_growth", 3) == pytest.approx(50.0)


def test_net_jobs_per_admitted_and_displacement():
    # the last admission is in February: regular employment 11 against 10 there, 4 persons admitted
    assert case("net_jobs_per_admitted", 0) == pytest.approx(1 / 4)
    assert case("net_jobs_per_admitted", 1) == pytest.approx(3 / 4)  # March: 13 against 10


def test_displacement_reads_the_people_the_lottery_did_not_assign():
    # at seed 4 and take-up 0.5 the lever's take-up draw leaves ids 2, 5, 6 and 7 unassigned,
    # whatever happens to them later
    assert list(np.flatnonzero(~takes_up(4, np.arange(8), "training_subsidy", 0.5))) == [2, 5, 6, 7]
    base = run([[], [2], [2, 5], [2, 5]], [0] * 4)
    study = run([[], [0, 1, 3, 4], [0, 1, 2, 3, 4], [0, 1, 2, 3, 4]], [0] * 4)
    # base: 1 of 4 unemployed find work in February, 1 of 3 in March, 0 of 2 in April: 2/9;
    # study (the assigned took the jobs first): 0 of 4, 1 of 4, 0 of 3: 1/11
    change = evidence.STATISTICS["nonparticipant_finding_change"](Case(base, study, "training_subsidy", 0, None, (), 4, 0.5))
    assert change == pytest.approx(100 * (1 / 11 - 2 / 9))
    # at take-up 1 everybody is assigned: there are no non-participants to read
    assert np.isnan(evidence.STATISTICS["nonparticipant_finding_change"](Case(base, study, "training_subsidy", 0, None, (), 4, 1.0)))


def test_net_jobs_per_million_yuan_counts_what_the_lever_paid_over_the_run():
    # 48,000 + 12,000 yuan paid by the lever (another lever's 99 not counted); February: 11 against 10
    policies = pd.DataFrame({"date": ["2019-02", "2019-04", "2019-04"], "lever": ["training_subsidy", "training_subsidy", "hiring_subsidy"],
                             "paid": [48_000.0, 12_000.0, 99.0]})
    study = run([[3], [3], [0, 1, 2, 3], [0, 1, 2, 3]], [10, 11, 13, 12], ADMITTED, policies=policies)
    assert case("net_jobs_per_million_yuan", 0, study=study) == pytest.approx(1 / 0.06)
    assert case("net_jobs_per_million_yuan", 1, study=study) == pytest.approx(3 / 0.06)  # March: 13 against 10
    others = run([[3], [3], [0, 1, 2, 3], [0, 1, 2, 3]], [10, 11, 13, 12], ADMITTED, policies=policies[policies["lever"] == "hiring_subsidy"])
    assert pd.isna(case("net_jobs_per_million_yuan", 0, study=others))  # the lever paid nothing


def test_yearly_payment_statistics():
    policies = pd.DataFrame({"date": ["2019-03", "2019-06", "2020-03"], "lever": "training_subsidy",
                             "paid": [30_000.0, 18_000.0, 99.0], "recipients": [1.0, 2.0, 5.0]})
    study = run([[3]] * 4, [10] * 4, policies=policies)
    assert case("paid_in_year", 0, study=study, year=2019) == 48_000.0
    assert case("recipients_in_year", 0, study=study, year=2019) == 3.0
    assert case("paid_per_recipient", 0, study=study, year=2019) == 16_000.0


def test_defaulted_share_of_lent_counts_the_levers_default_lines_against_what_it_lent():
    # guaranteed_loans lent 200,000 + 100,000; the fund compensated 4,000 (a founder's loan) and
    # 2,000 (a firm's); the recovery inflow and another line's outflow do not count: 2 %
    policies = pd.DataFrame({"date": ["2019-01", "2019-02", "2019-02"], "lever": ["guaranteed_loans", "guaranteed_loans", "hiring_subsidy"],
                             "lent": [200_000.0, 100_000.0, 50_000.0]})
    flows = pd.DataFrame({"date": ["2019-03", "2019-04", "2019-05", "2019-05"], "fund": "guarantee_fund",
                          "line": ["loan_default", "firm_loan_default", "loan_recovery", "loan_interest_subsidy"],
                          "inflow": [0.0, 0.0, 1_200.0, 0.0], "outflow": [4_000.0, 2_000.0, 0.0, 900.0]})
    study = RunOutput(STUDY.monthly, flows, pd.DataFrame(), policies, pd.DataFrame(), STUDY.admissions, None)
    assert evidence.defaulted_share_of_lent(Case(BASE, study, "guaranteed_loans", 0, None)) == pytest.approx(2.0)


def firm_paths(staff, short, sector, weight):
    """Firm paths of a run: staff and short-of-cash flags month by month, by firm id."""
    paths = FirmPaths()
    paths.staff = [np.array(s, dtype=np.int32) for s in staff]
    paths.short = [np.packbits(np.array(s, dtype=bool)) for s in short]
    paths.sector, paths.weight = np.array(sector, dtype=np.int16), np.array(weight, dtype=np.float32)
    return paths


def test_jobs_saved_at_the_firms_the_lever_paid_and_where_they_were_saved():
    # four firms; the refund pays firms 0, 1 and 2 in February (firm 3 is paid by another lever).
    # One month after the first payment (March): staff 13, 11, 10 in the study against 10 each in
    # the baseline: 3, 1 and 0 jobs saved, firm 2 weighing 2 (4 jobs over 4 firms: 1 a firm).
    # Firm 0 was short of cash in the baseline in January, in shocked sector 0: 3 of the 4 jobs.
    # Firm 1 was short in March but in sector 1, which no shock hit.
    sector, weight = [0, 1, 0, 0], [1, 1, 2, 1]
    short = [[1, 0, 0, 0], [0, 0, 0, 0], [0, 1, 0, 0]]
    base_firms = firm_paths([[10] * 4, [10] * 4, [10] * 4], short, sector, weight)
    study_firms = firm_paths([[10] * 4, [10] * 4, [13, 11, 10, 20]], [[0] * 4] * 3, sector, weight)
    paid = pd.DataFrame({"date": ["2019-02", "2019-02", "2019-02", "2019-02"], "line": ["ui_refund", "ui_refund", "ui_refund", "si_subsidy_firm"],
                         "recipient_id": [0, 1, 2, 3], "amount": [500.0, 500.0, 500.0, 99.0]})
    base = RunOutput(BASE.monthly, pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), BASE.admissions, None, base_firms)
    study = RunOutput(BASE.monthly, pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), BASE.admissions, None, study_firms, paid)
    refund = Case(base, study, "ui_refund", 1, None, shocked_sectors=(0,))
    assert evidence.jobs_saved_per_paid_firm(refund) == pytest.approx(1.0)
    assert evidence.saved_share_short_shocked(refund) == pytest.approx(75.0)
    # with no shock nothing counts as saved where shocks hit; at the first payment (February) nothing was saved
    assert evidence.saved_share_short_shocked(Case(base, study, "ui_refund", 1, None)) == 0.0
    assert evidence.jobs_saved_per_paid_firm(Case(base, study, "ui_refund", 0, None, (0,))) == 0.0
    assert pd.isna(evidence.saved_share_short_shocked(Case(base, study, "ui_refund", 0, None, (0,))))
    assert pd.isna(evidence.jobs_saved_per_paid_firm(Case(base, study, "hiring_subsidy", 1, None, (0,))))  # it paid no firm


def test_the_evidence_file_is_validated_naming_file_and_field(tmp_path):
    good = evidence.load()
    assert {e.study for e in good.estimates} <= set(good.studies)
    bad = tmp_path / "evidence.toml"
    bad.write_text(evidence.EVIDENCE_FILE.read_text(encoding="utf-8").replace('statistic = "deadweight"', 'statistic = "dead"'), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        evidence.load(bad)
    message = " ".join(err.value.problems)
    assert str(bad) in message and "statistic" in message and "in_work_effect" in message


def test_a_study_is_its_lever_alone_on_the_baseline_at_the_evaluated_size():
    file = evidence.load()
    scenarios = evidence.study_scenarios(file, ["hiring_subsidy"])
    study, base = scenarios["study:hiring_subsidy_mannheim"], scenarios["baseline:xiangtan-baseline"]
    in_force = [name for name, params in study.policies if params is not None]
    assert in_force == ["hiring_subsidy"] and not [n for n, p in base.policies if p is not None]
    # the package's section (a year's retention) with the study's size: three months of 5,111 yuan
    subsidy = study.policies.hiring_subsidy
    assert (subsidy.amount, subsidy.retention_months, study.targets) == (15_333.0, 12, {})


def test_an_estimate_is_a_moment_whose_widened_interval_is_its_90_percent_range():
    file = evidence.load()
    mannheim = next(e for e in file.estimates if e.id == "ss2006-mannheim-net-jobs")  # 0.39, [0.39, 0.39] +/- 0.3
    moment = lever_fit.effect_moment(mannheim)
    assert (moment.name, moment.value) == ("ss2006-mannheim-net-jobs", 0.39)
    assert moment.se == pytest.approx(0.6 / 2 / 1.6449)
    growth = next(e for e in file.estimates if e.id == "ckw2018-training-growth")  # no point estimate: the middle of 0 to 10
    assert lever_fit.effect_moment(growth).value == pytest.approx(5.0)
    with pytest.raises(ScenarioError, match="zero width"):
        lever_fit.effect_moment(mannheim.model_copy(update={"tolerance": 0.0}))


def test_a_fits_moments_are_the_study_against_the_baseline_of_the_same_seed(monkeypatch):
    # the made-up runs above: the study's statistics against the baseline kept for seed 7
    file = evidence.load()
    lock_in = next(e for e in file.estimates if e.id == "lmw2011-lock-in").model_copy(update={"horizon_months": 1})
    scenarios = evidence.study_scenarios(file, ["training_subsidy"])
    base = next(s for label, s in scenarios.items() if label.startswith("baseline:"))
    model = lever_fit.EffectModel(scenarios["study:training_subsidy"], base, [lock_in], "test")
    model._baselines[7] = BASE
    monkeypatch.setattr(lever_fit, "run_output", lambda result: STUDY)
    assert model.outputs(SimpleNamespace(seed=7)) == {"lmw2011-lock-in": pytest.approx(-50.0)}  # as computed by hand above
    assert model.scenario({"policies.training_subsidy.separation_factor": 0.5}).policies.training_subsidy.separation_factor == 0.5


def test_fitting_a_lever_without_estimates_is_refused_naming_the_file():
    with pytest.raises(ScenarioError, match=r"work_relief needs the study whose estimates to fit \(--study\); they come from none"):
        lever_fit.fit(evidence.load(), "work_relief", [], "unused")
