"""Training levers (catalogue §2.7) on hand-built populations, against figures computed by hand:
training_subsidy, training_living_allowance, skill_upgrade_subsidy, in_post_training_subsidy and
apprenticeship_subsidy."""

import numpy as np
import pytest

from lmsim import firms as firm_rules
from lmsim import labour
from lmsim.policies import CODES, POLICY_COLUMNS
from lmsim.population import Separation, Status
from lmsim.simulation import Simulation

from conftest import firms_with_staff, make_scenario


def build(population, policies=None, months=6, behaviour=None, **sections):
    sc = make_scenario(months=months, behaviour=behaviour or {}, policies=policies or {}, **sections)
    return Simulation(sc, 1, population).build()


def steps(model, n):
    for _ in range(n):
        model.step()
    return model


def lines(model, line):
    e = model.ledger.entries()
    return e[e["line"] == line].reset_index(drop=True)


def row_of(model, month, lever):
    """The month's counters of a lever (the policies output's columns up to ``jobs``; the
    refusals by group are tested in test_budget)."""
    row = [r for r in model.policy_rows if r[0] == month and r[1] == lever][0]
    return dict(zip(POLICY_COLUMNS[2:10], row[2:10]))


def counts(claims, recipients, paid, refused, refused_yuan, entrants, lent=0.0, jobs=0.0):
    return dict(claims=claims, recipients=recipients, paid=paid, refused=refused, refused_yuan=refused_yuan, entrants=entrants,
                lent=lent, jobs=jobs)


# --- training_subsidy -------------------------------------------------------------------------

TRAIN = {"start": "2019-01", "end": "2019-12", "clause": "000 §三(三)2", "take_up": 1.0, "capacity": 5,
         "course_months": 2, "completion_rate": 1.0, "placement_window": 1, "standard_subsidy": 1000.0}


def job_seekers(n=10, registered=8, staff=2):
    """``staff`` employees of firm 0, then ``n`` job seekers of whom the first ``registered`` are registered."""
    w, f = firms_with_staff([staff], unemployed=n)
    w.registered[staff : staff + registered] = True
    return w, f


def test_training_enrols_registered_seekers_within_capacity_and_certifies():
    model = build(job_seekers(), {"training_subsidy": TRAIN})
    w, code = model.workers, CODES["training_subsidy"]
    model.step()  # January: 5 of the 8 registered seekers (rows 2..9) take the 5 places
    training = np.flatnonzero(w.status == Status.TRAINING)
    assert len(training) == 5 and set(training) <= set(range(2, 10))
    assert (w.programme[training] == code).all() and (w.programme_left[training] == 2).all()
    first = training
    model.step()  # February: the other 3 registered seekers; the unregistered (10, 11) never
    second = np.setdiff1d(np.arange(2, 10), first)
    assert (w.status[second] == Status.TRAINING).all()
    assert (w.status[[10, 11]] == Status.UNEMPLOYED).all() and (w.status[[0, 1]] == Status.EMPLOYED).all()
    model.step()  # March: the first course ends: back to search, certificate level 5, programme cleared
    assert (w.status[first] == Status.UNEMPLOYED).all() and (w.programme[first] == 0).all()
    assert (w.skill[first] == 5).all() and (w.skill[second] == 0).all()
    assert (w.skill_band(first) == 1).all()  # junior education (band 0) plus a level-5 certificate: middle band
    steps(model, 2)
    paid = lines(model, "training_subsidy")
    # nobody finds work (matching off): placement 0 % -> the lowest tier, 60 % of 1,000 = 600 per trainee,
    # April for the first course (5 x 600 = 3,000), May for the second (3 x 600 = 1,800)
    assert paid.groupby("date")["amount"].sum().to_dict() == pytest.approx({"2019-04": -3000.0, "2019-05": -1800.0})
    assert set(paid["recipient_kind"]) == {"agency"} and set(paid["fund"]) == {"employment_subsidy_fund"}
    assert sorted(paid["recipient_id"]) == list(range(2, 10))  # one entry per trainee, keyed by the trainee's id
    assert row_of(model, "2019-04", "training_subsidy") == counts(5, 5, 3000, 0, 0, 0)
    assert [row_of(model, d, "training_subsidy")["entrants"] for d in ("2019-01", "2019-02", "2019-03")] == [5, 3, 0]


@pytest.mark.parametrize("placed, share", [(4, 1.0), (3, 0.8), (2, 0.6)])
def test_training_subsidy_tiered_by_placement_rate(placed, share):
    # one course of 5 (capacity 5, 5 registered seekers), measured a month after it ends (March -> April)
    model = build(job_seekers(n=5, registered=5), {"training_subsidy": {**TRAIN, "paid_by_ui_fund": True}})
    steps(model, 3)
    trainees = np.arange(2, 7)
    assert (model.workers.status[trainees] == Status.UNEMPLOYED).all()
    labour.hire(model, trainees[:placed], np.zeros(placed, dtype=np.int64), np.full(placed, 5000.0))
    model.firms.scale[0] += placed  # the firm wants them: no layoffs
    model.step()
    paid = lines(model, "training_subsidy")
    # placement 4/5 = 0.8 -> 100 %, 3/5 = 0.6 -> 80 %, 2/5 = 0.4 -> 60 % of 1,000, for each of the 5
    assert paid["amount"].sum() == pytest.approx(-5 * 1000.0 * share)
    assert set(paid["fund"]) == {"ui_fund"}  # large-scale training paid from the UI fund's surplus


def test_training_locks_in_and_people_leaving_the_programme_are_cleared():
    model = build(job_seekers(n=2, registered=2), {"training_subsidy": {**TRAIN, "course_months": 3}})
    w = model.workers
    model.step()
    assert (w.status[[2, 3]] == Status.TRAINING).all()
    model.end_participation(np.array([3]), Status.DEPARTED, "out_migrants")  # moves away mid-course
    steps(model, 5)
    assert w.status[3] == Status.DEPARTED and w.programme[3] == 0 and w.programme_left[3] == 0 and w.skill[3] == 0
    assert w.status[2] == Status.UNEMPLOYED and w.skill[2] == 5
    assert list(lines(model, "training_subsidy")["recipient_id"]) == [2]  # only the one who finished


def test_training_window_take_up_and_budget():
    pop = lambda: job_seekers(n=5, registered=5)  # noqa: E731
    late = build(pop(), {"training_subsidy": {**TRAIN, "start": "2019-02"}})
    late.step()
    assert not (late.workers.status == Status.TRAINING).any()  # January is outside the window
    late.step()
    assert (late.workers.status == Status.TRAINING).sum() == 5
    # enrolled in the window's only month, the course is still paid after it closes (April)
    ended = steps(build(pop(), {"training_subsidy": {**TRAIN, "end": "2019-01"}}), 5)
    assert lines(ended, "training_subsidy")["date"].tolist() == ["2019-04"] * 5
    nobody = steps(build(pop(), {"training_subsidy": {**TRAIN, "take_up": 0.0}}), 5)
    assert not (nobody.workers.status == Status.TRAINING).any() and lines(nobody, "training_subsidy").empty
    capped = steps(build(pop(), {"training_subsidy": {**TRAIN, "budget": 1500.0}}), 5)
    # 5 claims of 600; 2 fit in 1,500
    assert row_of(capped, "2019-04", "training_subsidy") == counts(5, 2, 1200, 3, 1800, 0)


def test_training_lowers_job_finding_while_enrolled_and_raises_it_after():
    # 400 registered seekers, a firm with far more vacancies than seekers; matching elasticity 1,
    # so each seeker meets a vacancy with probability effort x 0.2 whatever the others do
    def run(policies):
        w, f = firms_with_staff([0], unemployed=400)
        w.registered[:] = True
        w.education[:] = 2  # middle band, as the firm; a level-5 certificate keeps it there
        f.scale[:] = 100_000
        behaviour = {"matching_efficiency": 0.2, "matching_elasticity": 1.0, "offer_wage_dispersion": 0.0,
                     "pes_matching_boost": 0.0}
        model = build((w, f), policies, months=6, behaviour=behaviour)
        status = [model.workers.status.copy()]
        for _ in range(6):
            model.step()
            status.append(model.workers.status.copy())
        return model, np.array(status)

    lever = {**TRAIN, "take_up": 0.5, "capacity": 400, "course_months": 2, "search_boost": 2.0, "boost_months": 6}
    treated, with_status = run({"training_subsidy": lever})
    _, base_status = run(None)
    trainees = np.flatnonzero(with_status[1] == Status.TRAINING)  # enrolled at the end of January
    assert 100 < len(trainees) < 220  # half of the 320 or so still seeking after January

    def hazard(status, months):
        # job finding in the given months among trainees who started the month without work
        at_risk = found = 0
        for t in months:
            before, after = status[t - 1][trainees], status[t][trainees]
            searching = before == Status.UNEMPLOYED
            at_risk += searching.sum()
            found += (searching & (after == Status.EMPLOYED)).sum()
        return found / at_risk if at_risk else 0.0

    # January (month 1) is the same in both runs: common random numbers
    assert np.array_equal(with_status[1] == Status.EMPLOYED, base_status[1] == Status.EMPLOYED)
    # February and March: in training (through both months' matching) nobody finds work; without the
    # lever about 20 % a month do
    assert (with_status[1:3][:, trainees] == Status.TRAINING).all()
    assert (with_status[3][trainees] == Status.UNEMPLOYED).all()  # back to search at the end of March
    assert 0.15 < hazard(base_status, [2, 3]) < 0.25
    employed_march = lambda s: (s[3][trainees] == Status.EMPLOYED).sum()  # noqa: E731
    assert employed_march(with_status) < employed_march(base_status)
    # April to June, after the course: boosted search doubles the monthly job-finding rate
    after_with, after_base = hazard(with_status, [4, 5, 6]), hazard(base_status, [4, 5, 6])
    assert 0.35 < after_with < 0.45 and 0.15 < after_base < 0.25
    # by June the trainees have caught up with and passed their baseline selves
    assert (with_status[6][trainees] == Status.EMPLOYED).sum() > (base_status[6][trainees] == Status.EMPLOYED).sum()
    assert (treated.workers.skill[trainees] == 5).all()


def test_certified_completers_keep_a_lower_separation_risk_for_boost_months():
    lever_params = {**TRAIN, "separation_factor": 0.35, "boost_months": 3}
    model = build(job_seekers(), {"training_subsidy": lever_params}, months=8)
    lever = model.policies.levers[0]
    model.step()  # January: the first course of 5 starts (2 months)
    first = np.flatnonzero(model.workers.status == Status.TRAINING)
    everyone = np.arange(len(model.workers))
    model.step()  # February: still in the course, so no advantage in the coming month
    assert np.all(lever.separation_risk(everyone) == 1.0)
    model.step()  # March: the course ends at the month's close, and they pass
    assert (lever.completed[first] == model.month - 1).all()
    second = np.setdiff1d(np.arange(2, 10), first)  # February's course of 3 passes at April's close
    # the coming month 1 to 3 months after passing: the first course from April to June, the
    # second from May to July
    for month, advantaged in (("April", first), ("May", np.arange(2, 10)), ("June", np.arange(2, 10)), ("July", second)):
        expected = np.ones(len(everyone))
        expected[advantaged] = 0.35
        assert lever.separation_risk(everyone).tolist() == expected.tolist(), month
        model.step()
    # neutral: a factor of 1 is the plain scalar, so the engine takes its plain path
    plain = build(job_seekers(), {"training_subsidy": {**TRAIN, "boost_months": 3, "separation_factor": 1.0}}, months=8).policies.levers[0]
    assert plain.separation_risk(everyone) == 1.0


def test_separation_risk_spares_the_protected_from_quits_and_from_layoff_choice():
    from lmsim.rng import Purpose

    def tenure(model, rows):  # rows 0-4 cannot be separated, the rest as usual
        return np.where(rows < 5, 0.0, 1.0)

    # quits: quit rate 1, so without the hook all ten employees (hired before January) quit
    model = build(firms_with_staff([10]), behaviour={"quit_rate": 1.0})
    model.policies.separation_risk = lambda rows: tenure(model, rows)
    labour.quits(model)
    assert sorted(np.flatnonzero(model.workers.status == Status.UNEMPLOYED)) == [5, 6, 7, 8, 9]
    # layoff choice: the firm lays off 5 of its 10; with the hook exactly the five unprotected go
    model = build(firms_with_staff([10]))
    rows, count = np.arange(10), np.array([5])
    picked = firm_rules.pick_within_firms(model, rows, count, Purpose.LAYOFF_CHOICE, lambda r: tenure(model, r))
    assert sorted(picked) == [5, 6, 7, 8, 9]
    # equal risks keep the plain keyed random rank, person by person
    plain = firm_rules.pick_within_firms(model, rows, count, Purpose.LAYOFF_CHOICE)
    equal = firm_rules.pick_within_firms(model, rows, count, Purpose.LAYOFF_CHOICE, lambda r: np.full(len(r), 0.7))
    assert sorted(plain) == sorted(equal) and len(plain) == 5


# --- training_living_allowance ----------------------------------------------------------------

ALLOW = {"start": "2019-01", "end": "2020-12", "clause": "001 (十三)"}


def allowance_population():
    """Three employees (households 0-2) and five registered seekers:
    row 3 A poverty-registered, shares household 0 with an employee: eligible;
    row 4 B no target group, shares household 1: not eligible;
    row 5 C poverty-registered but with UI benefit left: excluded;
    row 6 D lives alone, so a zero-employment household: eligible;
    row 7 E shares household 2, unemployed 12 months (long-term, hard to employ): eligible."""
    w, f = firms_with_staff([3], unemployed=5)
    w.registered[3:] = True
    w.household[[3, 4, 5, 7]] = [0, 1, 2, 2]
    w.poverty_registered[[3, 5]] = True
    w.benefit_months_left[5] = 6
    w.unemployed_months[7] = 12
    return w, f


def test_allowance_paid_per_training_day_to_eligible_trainees():
    policies = {"training_subsidy": {**TRAIN, "capacity": 10}, "training_living_allowance": ALLOW}
    model = steps(build(allowance_population(), policies), 5)
    paid = lines(model, "training_living_allowance")
    # all five train February-March (enrolled end of January); 20 yuan x 22 days = 440 a month
    # to A (3), D (6) and E (7): 3 x 2 x 440 = 2,640
    assert sorted(paid["recipient_id"].unique()) == [3, 6, 7]
    assert paid["amount"].tolist() == pytest.approx([-440.0] * 6)
    assert sorted(paid["date"].unique()) == ["2019-02", "2019-03"]
    assert set(paid["fund"]) == {"employment_subsidy_fund"} and set(paid["recipient_kind"]) == {"worker"}


def test_allowance_once_a_year_window_take_up_and_budget():
    # a 1-month course that may be restarted 2 months later: A trains in February and again in
    # April; the second spell of 2019 is not paid
    once = {"training_subsidy": {**TRAIN, "capacity": 10, "course_months": 1, "reenrol_after_months": 2},
            "training_living_allowance": ALLOW}
    pop = allowance_population()
    pop[0].registered[4:] = False  # only A trains
    model = steps(build(pop, once), 5)
    assert model.workers.programme[3] == CODES["training_subsidy"]  # A is in a second course in May
    assert lines(model, "training_living_allowance")[["date", "amount"]].values.tolist() == [["2019-02", -440.0]]

    base = {"training_subsidy": {**TRAIN, "capacity": 10}}
    closed = steps(build(allowance_population(), {**base, "training_living_allowance": {**ALLOW, "start": "2019-04"}}), 5)
    assert lines(closed, "training_living_allowance").empty  # spells judged in February, outside the window
    nobody = steps(build(allowance_population(), {**base, "training_living_allowance": {**ALLOW, "take_up": 0.0}}), 5)
    assert lines(nobody, "training_living_allowance").empty
    capped = steps(build(allowance_population(), {**base, "training_living_allowance": {**ALLOW, "budget": 1000.0}}), 5)
    # February: 3 claims of 440, 2 fit in 1,000; March: 120 left, all 3 refused
    assert row_of(capped, "2019-02", "training_living_allowance") == counts(3, 2, 880, 1, 440, 3)
    assert row_of(capped, "2019-03", "training_living_allowance") == counts(3, 0, 0, 3, 1320, 0)


def test_allowance_draws_eligible_decliners_into_training_within_capacity():
    # nobody takes up training on their own (take_up 0); with the allowance, A, D and E enrol
    training = {**TRAIN, "take_up": 0.0, "capacity": 10}
    without = build(allowance_population(), {"training_subsidy": training})
    without.step()
    assert not (without.workers.status == Status.TRAINING).any()
    boosted = build(allowance_population(), {"training_subsidy": training,
                                             "training_living_allowance": {**ALLOW, "enrolment_boost": 1.0}})
    boosted.step()
    assert list(np.flatnonzero(boosted.workers.status == Status.TRAINING)) == [3, 6, 7]
    tight = build(allowance_population(), {"training_subsidy": {**training, "capacity": 2},
                                           "training_living_allowance": {**ALLOW, "enrolment_boost": 1.0}})
    tight.step()
    trained = np.flatnonzero(tight.workers.status == Status.TRAINING)
    assert len(trained) == 2 and set(trained) <= {3, 6, 7}  # the training lever's capacity still binds


# --- skill_upgrade_subsidy --------------------------------------------------------------------

SKILL = {"start": "2019-01", "end": "2020-12", "clause": "001 (十四)", "base_rate": 0.0, "rate_with_subsidy": 1.0}


def employees(skills, ui_months=24, insured=None):
    w, f = firms_with_staff([len(skills)])
    w.skill[:] = skills
    w.ui_months[:] = ui_months
    if insured is not None:
        w.insured[:] = insured
    return w, f


def test_skill_upgrade_pays_by_level_to_insured_employees():
    # rows: 0 none -> 5 (1,000); 1 level 5 -> 4 (1,500); 2 level 4 -> 3 (2,000); 3 level 3 -> 2 (no
    # subsidy: not eligible); 4 level 1 (nothing above); 5 uninsured; 6 only 5 months of contributions
    pop = employees([0, 5, 4, 3, 1, 0, 0], ui_months=[24, 24, 24, 24, 24, 24, 5], insured=[1, 1, 1, 1, 1, 0, 1])
    model = steps(build(pop, {"skill_upgrade_subsidy": SKILL}), 2)
    paid = lines(model, "skill_upgrade_subsidy")
    assert paid[["date", "recipient_id", "amount"]].values.tolist() == [
        ["2019-01", 0, -1000.0], ["2019-01", 1, -1500.0], ["2019-01", 2, -2000.0]]  # once a year: none in February
    assert set(paid["fund"]) == {"ui_fund"}
    assert list(model.workers.skill) == [5, 4, 3, 3, 1, 0, 0]
    # the literal reading of 001 (十四): level 3 -> 1,000, 4 -> 1,500, 5 -> 2,000
    literal = {**SKILL, "amount_by_level": {"3": 1000.0, "4": 1500.0, "5": 2000.0}}
    model = steps(build(employees([0, 5, 4]), {"skill_upgrade_subsidy": literal}), 1)
    assert lines(model, "skill_upgrade_subsidy")["amount"].tolist() == [-2000.0, -1500.0, -1000.0]


def test_skill_upgrade_insured_years_relaxed_only_in_2019_2020():
    # 24 months of contributions: enough for the relaxed 12 of 2019, not for the standard 36
    strict = steps(build(employees([0, 0]), {"skill_upgrade_subsidy": {**SKILL, "min_insured_months": 36}}), 1)
    assert lines(strict, "skill_upgrade_subsidy").empty
    # 2021: 24 banked + 24 months in the current job (since January 2019) = 48 >= 36; 10 + 24 = 34 < 36
    later = build(employees([0, 0], ui_months=[24, 10]), {"skill_upgrade_subsidy": {**SKILL, "end": "2021-12"}},
                  scenario={"start": "2021-01"})
    steps(later, 1)
    assert lines(later, "skill_upgrade_subsidy")["recipient_id"].tolist() == [0]


def test_skill_upgrade_window_take_up_and_budget():
    late = build(employees([0, 0, 0]), {"skill_upgrade_subsidy": {**SKILL, "start": "2019-02"}})
    late.step()
    assert lines(late, "skill_upgrade_subsidy").empty and not late.workers.skill.any()
    late.step()
    assert len(lines(late, "skill_upgrade_subsidy")) == 3
    nobody = steps(build(employees([0, 0, 0]), {"skill_upgrade_subsidy": {**SKILL, "take_up": 0.0}}), 2)
    assert lines(nobody, "skill_upgrade_subsidy").empty and not nobody.workers.skill.any()
    capped = steps(build(employees([0, 0, 0]), {"skill_upgrade_subsidy": {**SKILL, "budget": 2500.0}}), 1)
    assert row_of(capped, "2019-01", "skill_upgrade_subsidy") == counts(3, 2, 2000, 1, 1000, 3)


def test_skill_upgrade_raises_certification_and_skill_band_with_common_random_numbers():
    # 300 insured employees with junior education (band 0) and no certificate; 10 % a month would
    # certify anyway (paid, deadweight, not simulated: the baseline has no certification), the
    # subsidy raises it to 30 %: draws in [0.1, 0.3) are the induced certificates
    def run(policies):
        w, f = employees([0] * 300)
        return build((w, f), policies, months=1)

    lever = {**SKILL, "base_rate": 0.1, "rate_with_subsidy": 0.3}
    model = run({"skill_upgrade_subsidy": lever})
    u = model.policies.levers[0].draw(model.workers.id)  # the lever's draws for January
    model.step()
    baseline = run(None)
    baseline.step()
    induced = (u >= 0.1) & (u < 0.3)
    assert not baseline.workers.skill.any()
    assert np.array_equal(model.workers.skill == 5, induced)
    assert np.array_equal(model.workers.skill_band() == 1, induced)  # a middle-band job next time
    assert 40 < induced.sum() < 80
    paid = lines(model, "skill_upgrade_subsidy")
    assert sorted(paid["recipient_id"]) == list(np.flatnonzero(u < 0.3))  # deadweight is paid too
    assert paid["amount"].sum() == pytest.approx(-1000.0 * (u < 0.3).sum())


# --- in_post_training_subsidy -----------------------------------------------------------------

INPOST = {"start": "2019-01", "end": "2019-12", "clause": "001 (十四)", "take_up": 1.0}
NO_EXIT = {"exit_after_months": 100, "hoarding_band": 0.0, "layoff_speed": 1.0}


def struggling(n_firms=2, in_difficulty=(0,)):
    w, f = firms_with_staff([10] * n_firms)
    f.cash[list(in_difficulty)] = -1e9  # still negative after a month's revenue of 10 x 1e6
    return w, f


def test_in_post_training_paid_to_struggling_firms_at_the_end_of_the_course():
    model = steps(build(struggling(), {"in_post_training_subsidy": INPOST}, behaviour=NO_EXIT), 4)
    paid = lines(model, "in_post_training_subsidy")
    # firm 0 (in difficulty after January) trains 20 % of 10 = 2 staff in February-March;
    # paid in March: 50 % x 1,000 x 2 = 1,000. Firm 1 is not in difficulty.
    assert paid[["date", "recipient_id", "amount"]].values.tolist() == [["2019-03", 0, -1000.0]]
    assert set(paid["fund"]) == {"employment_subsidy_fund"} and set(paid["recipient_kind"]) == {"firm"}
    twin = steps(build(struggling(), None, behaviour=NO_EXIT), 4)
    assert model.firms.cash[0] - twin.firms.cash[0] == pytest.approx(1000.0)
    assert model.firms.cash[1] == twin.firms.cash[1]


def test_in_post_training_window_take_up_budget_and_closure():
    late = steps(build(struggling(), {"in_post_training_subsidy": {**INPOST, "start": "2019-02"}}, behaviour=NO_EXIT), 4)
    assert lines(late, "in_post_training_subsidy")["date"].tolist() == ["2019-04"]  # decided in February
    nobody = steps(build(struggling(), {"in_post_training_subsidy": {**INPOST, "take_up": 0.0}}, behaviour=NO_EXIT), 4)
    assert lines(nobody, "in_post_training_subsidy").empty
    both = (0, 1)
    capped = steps(build(struggling(in_difficulty=both), {"in_post_training_subsidy": {**INPOST, "budget": 1500.0}},
                         behaviour=NO_EXIT), 4)
    assert row_of(capped, "2019-03", "in_post_training_subsidy") == counts(2, 1, 1000, 1, 1000, 0)
    assert row_of(capped, "2019-01", "in_post_training_subsidy")["entrants"] == 4  # 2 firms x 2 trainees
    closing = build(struggling(), {"in_post_training_subsidy": INPOST}, behaviour=NO_EXIT)
    steps(closing, 2)
    firm_rules.close_firms(closing, np.array([0]))  # closes during the course: nothing is paid
    steps(closing, 2)
    assert lines(closing, "in_post_training_subsidy").empty


def test_firms_training_in_post_keep_the_trainees_instead_of_laying_them_off():
    def run(policies):
        model = build(struggling(), policies, behaviour=NO_EXIT)
        model.step()  # January: firm 0 falls into difficulty and (with the lever) starts a course
        model.firms.scale[:] = 7  # from February both firms want 7 of their 10 staff
        layoffs = []
        for _ in range(3):
            model.step()
            layoffs.append(model.workers.status[:10].tolist().count(Status.UNEMPLOYED) - sum(layoffs))
        return layoffs

    # without the lever firm 0 lays off its 3 surplus staff in February; with it, the 2 trainees are
    # kept through February and March (1 laid off), and laid off in April when the course is over
    assert run(None) == [3, 0, 0]
    assert run({"in_post_training_subsidy": INPOST}) == [1, 0, 2]


# --- apprenticeship_subsidy -------------------------------------------------------------------

APPR = {"start": "2019-01", "end": "2020-12", "clause": "001 (十五)", "duration_months": 2}
HIRE_ALL = {"matching_efficiency": 10.0, "offer_wage_dispersion": 0.0}


def young_hires():
    """A firm of 2 wanting 6; four seekers: row 2 aged 20, row 3 aged 24 years 11 months, row 4 aged
    30 who left school in 2018 (recent graduate), row 5 aged 30 who left school in 2015."""
    w, f = firms_with_staff([2], unemployed=4)
    f.scale[:] = 6
    w.education[:] = 2
    w.age_months[2:] = [20 * 12, 25 * 12 - 1, 30 * 12, 30 * 12]
    w.graduation_year[4:] = [2018, 2015]
    return w, f


def test_apprentices_paid_monthly_pro_rata_to_the_firm():
    model = steps(build(young_hires(), {"apprenticeship_subsidy": APPR}, behaviour=HIRE_ALL), 1)
    assert (model.workers.status[2:] == Status.EMPLOYED).all()  # all four hired in January
    assert sorted(model.policies.levers[0].rows) == [2, 3, 4]  # the 30-year-old who left school in 2015 is out
    model.step()
    model.leave_jobs(np.array([2]), Separation.QUIT, "quits")  # the 20-year-old quits after February
    steps(model, 2)
    paid = lines(model, "apprenticeship_subsidy")
    # 4,000 / 12 = 333.33 a month per apprentice from February (the job counts from the month after
    # the hire), for 2 months: February rows 2, 3, 4; March rows 3, 4 (row 2 has quit); row 2 is
    # rehired in March into the post it left, a new apprenticeship paid from April
    assert paid.groupby("date")["recipient_id"].size().to_dict() == {"2019-02": 3, "2019-03": 2, "2019-04": 1}
    assert paid["amount"].tolist() == pytest.approx([-4000 / 12] * 6)
    assert model.policies.levers[0].rows.tolist() == [2]  # its second month is due in May
    assert set(paid["recipient_kind"]) == {"firm"} and set(paid["fund"]) == {"employment_subsidy_fund"}
    twin = build(young_hires(), None, behaviour=HIRE_ALL)
    steps(twin, 2)
    twin.leave_jobs(np.array([2]), Separation.QUIT, "quits")
    steps(twin, 2)
    assert model.firms.cash[0] - twin.firms.cash[0] == pytest.approx(6 * 4000 / 12)


def test_apprenticeship_window_take_up_and_budget():
    late = steps(build(young_hires(), {"apprenticeship_subsidy": {**APPR, "start": "2019-02"}}, behaviour=HIRE_ALL), 4)
    assert lines(late, "apprenticeship_subsidy").empty  # hired in January, before the window
    nobody = steps(build(young_hires(), {"apprenticeship_subsidy": {**APPR, "take_up": 0.0}}, behaviour=HIRE_ALL), 4)
    assert lines(nobody, "apprenticeship_subsidy").empty
    capped = steps(build(young_hires(), {"apprenticeship_subsidy": {**APPR, "budget": 700.0}}, behaviour=HIRE_ALL), 3)
    # February: 3 claims of 333.33, 2 fit in 700; March: 33.33 left, all 3 refused
    assert row_of(capped, "2019-02", "apprenticeship_subsidy") == pytest.approx(counts(3, 2, 8000 / 12, 1, 4000 / 12, 0))
    assert row_of(capped, "2019-03", "apprenticeship_subsidy") == pytest.approx(counts(3, 0, 0, 3, 1000, 0))
    assert row_of(capped, "2019-01", "apprenticeship_subsidy")["entrants"] == 3


def test_apprenticeship_subsidy_lowers_labour_cost_and_raises_young_hires():
    # a firm of 10 that wants 10 at its labour cost; 8 seekers of whom 6 are aged 20. Expected
    # relief: 4,000 / 12 x 6 / 8 = 250 a month off the cost of a hire
    def population():
        w, f = firms_with_staff([10], unemployed=8)
        w.education[:] = 2
        w.age_months[10:16] = 20 * 12
        return w, f

    behaviour = {**HIRE_ALL, "labour_demand_elasticity": 4.0}
    with_lever = build(population(), {"apprenticeship_subsidy": {**APPR, "duration_months": 12}}, behaviour=behaviour)
    without = build(population(), None, behaviour=behaviour)
    cost = firm_rules.labour_cost(without)[0]  # 5,000 wage plus the scenario's employer contributions
    for model in (with_lever, without):
        model.firms.unit_cost[:] = cost  # the firm's reference cost: it wants exactly its 10 staff
    assert firm_rules.labour_cost(with_lever)[0] == pytest.approx(cost - 250.0)
    target = firm_rules.target_staff(with_lever, firm_rules.staff_demanded(with_lever))[0]
    assert firm_rules.target_staff(without, firm_rules.staff_demanded(without))[0] == pytest.approx(10.0)
    assert target == pytest.approx(10 * ((cost - 250.0) / cost) ** -4.0)  # 11.7: one or two more posts
    with_lever.step()
    without.step()
    assert (without.workers.status[10:] == Status.UNEMPLOYED).all()
    hired = np.flatnonzero(with_lever.workers.status[10:] == Status.EMPLOYED) + 10
    assert 1 <= len(hired) <= 2
    assert row_of(with_lever, "2019-01", "apprenticeship_subsidy")["entrants"] == np.isin(hired, range(10, 16)).sum()


# --- neutral parameters -----------------------------------------------------------------------

NEUTRAL = {
    "training_subsidy": [{"capacity": 0}, {"take_up": 0.0}, {"standard_subsidy": 0.0}],
    "training_living_allowance": [{"per_day": 0.0}, {"take_up": 0.0}],
    "skill_upgrade_subsidy": [{"amount_by_level": {}}, {"take_up": 0.0}, {"base_rate": 0.0, "rate_with_subsidy": 0.0}],
    "in_post_training_subsidy": [{"share": 0.0}, {"take_up": 0.0}, {"trained_share": 0.0}],
    "apprenticeship_subsidy": [{"amount_per_year": 0.0}, {"take_up": 0.0}],
}


def mixed_population():
    w, f = firms_with_staff([10, 10], unemployed=10)
    w.registered[:] = True
    w.ui_months[:] = 24
    w.poverty_registered[20:] = True
    w.age_months[20:] = 20 * 12
    w.education[:] = 2
    f.cash[0] = -1e9
    f.scale[:] = [10, 14]
    return w, f


@pytest.mark.parametrize("lever, neutral", [(k, v) for k, vs in NEUTRAL.items() for v in vs])
def test_neutral_parameters_leave_the_baseline_unchanged(lever, neutral):
    behaviour = {**NO_EXIT, "matching_efficiency": 0.3, "labour_demand_elasticity": 0.5}
    policies = {lever: {"start": "2019-01", "end": "2019-12", "clause": "test", "take_up": 1.0, **neutral}}
    base_policies = None
    if lever == "training_living_allowance":  # the allowance needs the programme: compare with it alone
        base_policies = {"training_subsidy": {**TRAIN, "capacity": 10}}
        policies.update(base_policies)
    model = steps(build(mixed_population(), policies, behaviour=behaviour), 4)
    base = steps(build(mixed_population(), base_policies, behaviour=behaviour), 4)
    for column in ("status", "skill", "employer", "programme", "programme_left"):
        assert np.array_equal(getattr(model.workers, column), getattr(base.workers, column)), column
    assert np.array_equal(model.firms.cash, base.firms.cash)
    assert lines(model, lever).empty
    assert model.ledger.entries().equals(base.ledger.entries())


def test_parameters_are_validated():
    from lmsim.scenario import ScenarioError

    window = {"start": "2019-01", "end": "2019-03", "clause": "test"}
    bad = [("training_subsidy", {"groups": ["everyone"]}), ("training_subsidy", {"completion_rate": 1.5}),
           ("skill_upgrade_subsidy", {"amount_by_level": {"6": 1000.0}}),
           ("skill_upgrade_subsidy", {"base_rate": 0.5, "rate_with_subsidy": 0.1}),
           ("training_living_allowance", {"days_per_month": 40}), ("apprenticeship_subsidy", {"amount_per_year": -1.0})]
    for lever, params in bad:
        with pytest.raises(ScenarioError):
            make_scenario(policies={lever: {**window, **params}})
    sc = make_scenario(policies={"training_subsidy": {**window, "tiers": [{"min_placement": 0.5, "share": 1.0}]}})
    assert sc.policies.training_subsidy.tiers[0].share == 1.0 and sc.policies.training_subsidy.capacity == 140
