"""Official statistics compiled by their rules, on hand-built populations with counts worked out
by hand: new urban jobs (recorded entries, once a person a year, moves between units excluded,
less natural attrition), the register's deregistration rules, zero-employment households, the
survey's sampling error, transfer employment, regular work apart from programme posts."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from lmsim.population import Separation, Workers
from lmsim.simulation import Simulation
from lmsim.statistics import survey_rate

from conftest import hand_built, make_scenario

#: every entry recorded and every retirement seen: the rules alone decide what counts
RECORD_ALL = {"record_registered": 1.0, "record_other": 1.0, "record_attrition": 1.0}


def build(workers, firms, months=3, statistics=None, **sections):
    sc = make_scenario(months=months, statistics={**RECORD_ALL, **(statistics or {})}, **sections)
    return Simulation(sc, 1, (workers, firms)).build()


def test_a_person_hired_twice_in_a_year_counts_once_and_a_move_between_units_not_at_all():
    w, f = hand_built([5000.0, 5000.0], [True, True], unemployed=2)
    model = build(w, f)
    model.step()  # January: nobody moves in the quiet market
    from lmsim import labour

    reg = model.registers
    reg.reset_month()
    labour.hire(model, np.array([2]), np.array([0]), np.array([5000.0]))  # an unemployed person's first job
    assert reg.month_events["recorded_entries"] == 1.0 and reg.month_events["entries_into_work"] == 1.0
    model.leave_jobs(np.array([2]), Separation.LAYOFF, "layoffs")
    labour.hire(model, np.array([2]), np.array([0]), np.array([5000.0]))  # hired again the same year
    assert reg.month_events["recorded_entries"] == 1.0 and reg.month_events["entries_into_work"] == 2.0
    # a quit followed by a hire the month after is a move between units: an entry, not new employment
    model.leave_jobs(np.array([0]), Separation.QUIT, "quits")
    model.workers.unemployed_months[0] = 1
    labour.hire(model, np.array([0]), np.array([0]), np.array([5000.0]))
    assert reg.month_events["recorded_entries"] == 1.0 and reg.month_events["entries_into_work"] == 3.0
    # the next calendar year the first person counts again
    model.month += 12
    model.leave_jobs(np.array([2]), Separation.LAYOFF, "layoffs")
    labour.hire(model, np.array([2]), np.array([0]), np.array([5000.0]))
    assert reg.month_events["recorded_entries"] == 2.0


def test_retirement_from_work_is_natural_attrition_and_nets_out_of_new_urban_jobs():
    w, f = hand_built([5000.0, 5000.0, 5000.0], [True, True, True], unemployed=1)
    w.age_months[0] = 60 * 12 - 1  # a man retiring at 60 next month
    w.weight[:] = [2.0, 1.0, 1.0, 1.0]
    model = build(w, f, months=1, demography={"enabled": True, "in_migration_rate": 0.0, "out_migration_rate": 0.0})
    model.step()
    row = model.indicators
    assert row["entries_into_work"] == 0.0
    assert row["new_urban_jobs"] == -2.0  # a retiree standing for two persons left registered work


def test_a_programme_placement_counts_and_is_a_programme_post_not_regular_work():
    w, f = hand_built([5000.0], [True], unemployed=3)
    w.household[:] = [0, 1, 1, 2]
    section = {"public_welfare_posts": {"start": "2019-01", "end": "2019-03", "clause": "test", "posts": 2.0,
                                        "priority": ["everyone"]}}
    model = build(w, f, months=1, policies=section)
    model.step()
    row = model.indicators
    assert row["programme_posts"] == 2.0 and row["regular_employment"] == 1.0
    assert row["entries_into_work"] == 2.0 and row["new_urban_jobs"] == 2.0  # posts are always recorded


def test_organised_labour_export_is_transfer_employment():
    w, f = hand_built([5000.0], [True], unemployed=2)
    w.poverty_registered[1:] = True
    w.urban_hukou[1:] = False
    section = {"labour_export_bonus": {"start": "2019-01", "end": "2019-03", "clause": "test", "monthly_share": 1.0}}
    model = build(w, f, months=1, policies=section)
    model.step()
    assert model.indicators["transferred_employment"] == 2.0
    assert model.indicators["regular_employment"] == 1.0


def test_the_register_drops_people_after_six_months_without_contact_or_three_refusals():
    w, f = hand_built([5000.0], [True], unemployed=3)
    w.registered[1:] = True
    model = build(w, f, months=8, statistics={"contact_rate": 0.0, "contact_rate_inactive": 0.0})
    model.registers.refusals[3] = 3  # refused three suitable offers
    for _ in range(5):
        model.step()
    assert model.workers.registered[1:].tolist() == [True, True, False]
    assert model.indicators["registered_unemployed"] == 2.0
    model.step()  # the sixth month in a row without contact
    assert model.workers.registered[1:].tolist() == [False, False, False]
    assert model.indicators["registered_unemployed"] == 0.0


def test_the_registered_rate_counts_registrants_with_urban_hukou_over_the_urban_workforce():
    w, f = hand_built([5000.0, 5000.0, 5000.0], [True, True, True], unemployed=3)
    w.urban_hukou[:] = [True, True, False, True, False, False]  # two urban employees; one urban, two rural seekers
    w.registered[3:] = [True, True, False]  # the urban seeker and a rural one registered (to claim, say)
    model = build(w, f, months=1, statistics={"contact_rate": 1.0})
    model.step()
    row = model.indicators
    assert row["registered_unemployed"] == 2.0  # both are on the register
    assert row["registered_unemployment_rate"] == pytest.approx(1 / (2 + 1))  # the rate: the urban one over 2 + 1


def test_zero_employment_households_identified_through_registration_and_cleared():
    w, f = hand_built([5000.0], [True], unemployed=4)
    w.household[:] = [0, 1, 1, 2, 3]  # household 1: two unemployed; 2 and 3: one each
    w.registered[:] = [False, True, False, True, False]  # household 3 never registers
    f.scale[:] = 2  # the firm wants a second worker, so the hire below stays
    model = build(w, f, months=3, statistics={"contact_rate": 1.0})
    model.step()
    assert model.indicators["zero_employment_households"] == 2.0  # households 1 and 2
    assert model.indicators["workless_households"] == 3.0  # the true count sees household 3 too
    from lmsim import labour

    labour.hire(model, np.array([2]), np.array([0]), np.array([5000.0]))  # a member of household 1 finds work
    model.step()
    # February: household 1 cleared within its one-month window, household 2 is due and not cleared
    assert model.indicators["zero_employment_households"] == 1.0
    assert model.indicators["zero_employment_cleared_share"] == pytest.approx(1.0)
    model.step()
    assert model.indicators["zero_employment_cleared_share"] == pytest.approx(0.0)  # household 2 late


def test_survey_without_sampling_is_the_true_rate_and_with_a_sample_has_binomial_error():
    n, unemployed_share, sample = 20_000, 0.10, 1_000
    w = Workers(n)
    w.id[:] = np.arange(n)
    lf = np.arange(n)
    unemployed = np.zeros(n, dtype=bool)
    unemployed[: int(n * unemployed_share)] = True
    model = SimpleNamespace(workers=w, seed=0, month=0)
    published, true = survey_rate(model, lf, unemployed, 0)
    assert published == true == pytest.approx(0.10)
    estimates = []
    for seed in range(400):  # the same economy, 400 independent samples
        model.seed = seed
        estimates.append(survey_rate(model, lf, unemployed, sample)[0])
    # Bernoulli sampling of 1,000 of 20,000: sd = sqrt(p (1 - p) / n (1 - n / N)) = 0.00925
    expected = np.sqrt(0.1 * 0.9 / sample * (1 - sample / n))
    assert np.mean(estimates) == pytest.approx(0.10, abs=0.002)
    assert np.std(estimates) == pytest.approx(expected, rel=0.15)
