"""Contributions and benefits on hand-built populations, against figures computed by hand."""

import numpy as np
import pytest

from lmsim.population import Separation, Status
from lmsim.simulation import Simulation

from conftest import firms_with_staff, hand_built, make_scenario

RATES = {"start": "2019-01", "pension_employer": 0.16, "pension_employee": 0.08, "medical_employer": 0.08,
         "medical_employee": 0.02, "ui_employer": 0.005, "ui_employee": 0.005}


def line_total(ledger, line, date=None):
    rows = ledger[ledger["line"] == line]
    if date is not None:
        rows = rows[rows["date"] == date]
    return rows["amount"].sum()


def test_contributions_on_floor_and_cap_by_hand():
    # average wage 6,000: base floor 0.6 * 6,000 = 3,600; cap 3 * 6,000 = 18,000
    scenario = make_scenario(months=2, contributions={"rates": [RATES]})
    workers, firms = hand_built(wages=[5000.0, 2000.0, 30000.0, 4000.0], insured=[True, True, True, False])
    result = Simulation(scenario, 1, (workers, firms)).run(progress=False)
    base = 5000 + 3600 + 18000  # the uninsured 4,000 pays nothing
    assert base == 26600
    expected = {
        "contribution_pension_employer": 0.16 * base,  # 4,256
        "contribution_pension_employee": 0.08 * base,  # 2,128
        "contribution_medical_employer": 0.08 * base,  # 2,128
        "contribution_medical_employee": 0.02 * base,  # 532
        "contribution_ui_employer": 0.005 * base,  # 133
        "contribution_ui_employee": 0.005 * base,  # 133
    }
    for line, amount in expected.items():
        assert line_total(result.ledger, line, "2019-01") == pytest.approx(amount, abs=0.005)
        assert line_total(result.ledger, line) == pytest.approx(2 * amount, abs=0.01)
    ui = result.balances[(result.balances["fund"] == "ui_fund")]
    assert ui["closing"].iloc[-1] == pytest.approx(2 * 266.0, abs=0.01)


def test_benefit_and_recipients_medical_insurance_by_hand():
    scenario = make_scenario(months=4, ui={"benefit_share_of_minimum_wage": 0.9, "medical_insurance_per_recipient": 250.0},
                             funds={"ui_fund": 100_000.0})
    workers, firms = hand_built(wages=[5000.0], insured=[False], unemployed=2)
    workers.benefit_months_left[1] = 3  # worker 1 has three months of benefit left; worker 2 none
    workers.registered[1:] = True
    result = Simulation(scenario, 1, (workers, firms)).run(progress=False)
    benefit = 0.9 * 1800  # 1,620 a month
    paid = result.ledger[result.ledger["line"] == "ui_benefit"]
    assert list(paid["recipient_id"]) == [1, 1, 1]
    assert list(paid["date"]) == ["2019-01", "2019-02", "2019-03"]
    assert paid["amount"].sum() == pytest.approx(-3 * benefit)
    medical = result.ledger[result.ledger["line"] == "ui_recipient_medical_insurance"]
    assert medical.loc[medical["fund"] == "medical_fund", "amount"].sum() == pytest.approx(3 * 250.0)
    ui_closing = result.balances[result.balances["fund"] == "ui_fund"]["closing"].iloc[-1]
    assert ui_closing == pytest.approx(100_000 - 3 * (1620 + 250))
    assert list(result.monthly["ui_recipients"]) == [1.0, 1.0, 1.0, 0.0]


def test_laid_off_insured_worker_claims_by_contribution_years():
    # a firm with demand for 2 of its 3 staff lays one off; entitlement follows years of contributions
    scenario = make_scenario(months=2, ui={"claim_rate": 1.0}, behaviour={"hoarding_band": 0.0, "layoff_speed": 1.0})
    workers, firms = hand_built(wages=[5000.0] * 3, insured=[True] * 3)
    workers.ui_months[:] = [70, 70, 70]  # 5 years 10 months banked: 18 months of benefit
    workers.job_start[:] = 12 * 2019  # the current job adds nothing before January
    firms.scale[:] = 2
    result = Simulation(scenario, 1, (workers, firms))
    model = result.build()
    model.step()
    w = model.workers
    laid_off = np.flatnonzero(w.separation == Separation.LAYOFF)
    assert len(laid_off) == 1 and w.status[laid_off[0]] == Status.UNEMPLOYED
    assert w.benefit_months_left[laid_off[0]] == 18 - 1  # one month already paid
    assert w.ui_months[laid_off[0]] == 0  # the contribution record is used up by the claim
    assert model.firms.layoffs_this_year[0] == 1
    entries = model.ledger.entries()
    assert line_total(entries, "ui_benefit") == pytest.approx(-0.9 * 1800)


def test_quitter_is_not_entitled():
    scenario = make_scenario(months=1, ui={"claim_rate": 1.0}, behaviour={"quit_rate": 1.0})
    workers, firms = hand_built(wages=[5000.0] * 2, insured=[True] * 2)
    workers.ui_months[:] = 120
    workers.job_start[:] = 12 * 2018  # hired a year before the run
    model = Simulation(scenario, 1, (workers, firms)).build()
    model.step()
    assert (model.workers.status[:2] == Status.UNEMPLOYED).all()
    assert (model.workers.benefit_months_left[:2] == 0).all()
    assert (model.workers.ui_months[:2] == 120 + 12).all()  # months in the job are banked


def test_young_employees_quit_at_the_multiple_and_adults_draw_the_same():
    # 2,000 employees, the first 1,000 aged 20: quit_rate 0.05, young people at 4 x 0.05 = 0.2
    def quitters(multiplier: float) -> np.ndarray:
        scenario = make_scenario(months=1, behaviour={"quit_rate": 0.05, "youth_quit_multiplier": multiplier})
        workers, firms = hand_built(wages=[5000.0] * 2000, insured=[False] * 2000)
        workers.age_months[:1000] = 20 * 12
        workers.job_start[:] = 12 * 2018
        model = Simulation(scenario, 7, (workers, firms)).build()
        model.step()
        return model.workers.status[:2000] == Status.UNEMPLOYED

    same, more = quitters(1.0), quitters(4.0)
    assert abs(same[:1000].mean() - 0.05) < 0.02 and abs(same[1000:].mean() - 0.05) < 0.02
    assert abs(more[:1000].mean() - 0.20) < 0.03  # binomial s.d. 0.013
    assert (more[1000:] == same[1000:]).all()  # adults' quits are the same draws
    assert (more[:1000] >= same[:1000]).all()  # a young quitter at 1x still quits at 4x


def test_young_seekers_search_at_their_effectiveness():
    # 1,000 seekers aged 20 and 1,000 aged 30, 10,000 open posts, A = 0.3, a = 0.5, young
    # effectiveness 0.5: S = 1,000 + 0.5 x 1,000 = 1,500; M = 0.3 x sqrt(1,500 x 10,000) = 1,161.9;
    # an adult meets a post with M / S = 0.775, a young seeker with 0.5 x 0.775 = 0.387
    scenario = make_scenario(months=1, behaviour={"matching_efficiency": 0.3, "segment_by_skill": False,
                                                   "cross_segment_search": 0.0, "offer_wage_dispersion": 0.0,
                                                   "youth_search_effectiveness": 0.5})
    workers, firms = firms_with_staff([10], unemployed=2000)
    workers.age_months[10:1010] = 20 * 12
    firms.scale[:] = 10 + 10_000
    model = Simulation(scenario, 3, (workers, firms)).build()
    model.step()
    hired = model.workers.status == Status.EMPLOYED
    assert abs(hired[1010:].mean() - 0.775) < 0.04  # binomial s.d. 0.013
    assert abs(hired[10:1010].mean() - 0.387) < 0.04
