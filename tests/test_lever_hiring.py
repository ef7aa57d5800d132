"""si_subsidy, hiring_subsidy, placement_fee, labour_export_bonus and ui_refund_hardship on
hand-built firms and job seekers, against figures computed by hand."""

import numpy as np
import pytest

from lmsim.policies import CODES
from lmsim.population import Separation, Status
from lmsim.scenario import Shock
from lmsim.simulation import Simulation

from conftest import firms_with_staff, make_scenario

RATES = {"start": "2019-01", "pension_employer": 0.16, "pension_employee": 0.08, "medical_employer": 0.08,
         "medical_employee": 0.02, "ui_employer": 0.005, "ui_employee": 0.005}
EMPLOYER_RATE = 0.16 + 0.08 + 0.005  # 0.245
TOTAL_RATE = EMPLOYER_RATE + 0.08 + 0.02 + 0.005  # 0.35
# every seeker who meets a post meets one, the offer is exactly the firm's 5,000 (above any
# reservation wage of 0.7 x 5,000), and there is one market segment
HIRING = {"matching_efficiency": 100.0, "segment_by_skill": False, "offer_wage_dispersion": 0.0, "cross_segment_search": 0.0}

# job seekers, as column values; all live in household 0, a working one, so none is hard to employ
# for being in a zero-employment household
PLAIN = {}  # a man of 30: in no target group
OLDER_WOMAN = {"female": True, "age_months": 45 * 12}  # hard to employ ("4050"), 10 years from retirement at 55
NEAR_RETIREMENT = {"age_months": 57 * 12}  # a man hard to employ, within 5 years of retirement at 60
POOR = {"poverty_registered": True, "urban_hukou": False}
GRADUATE = {"graduation_year": 2018}
RURAL = {"urban_hukou": False}
REGISTERED = {"registered": True}

SHARE_OF_BASE = (0.12 + 0.05 + 0.007) * 0.6 * 6000  # 001 (九): 17.7 % of 60 % of the 6,000 average wage = 637.2


def scenario(policies=None, months=4, **behaviour):
    return make_scenario(months=months, contributions={"rates": [RATES]}, behaviour={**HIRING, **behaviour},
                         policies=policies or {})


def population(staff, seekers, posts=None):
    """Firms with ``staff`` (and ``posts`` open vacancies each) and one job seeker per dict."""
    w, f = firms_with_staff(list(staff), unemployed=len(seekers))
    first = sum(staff)
    w.household[first:] = 0
    for i, attrs in enumerate(seekers):
        for column, value in attrs.items():
            getattr(w, column)[first + i] = value
    if posts is not None:
        f.scale[:] = np.array(staff) + np.array(posts)
    return w, f


def run(policies, pop, months=4, steps=None, **behaviour):
    model = Simulation(scenario(policies, months, **behaviour), 1, pop).build()
    for _ in range(months if steps is None else steps):
        model.step()
    return model


def lines(model, line):
    e = model.ledger.entries()
    return e[e["line"] == line]


def row(model, date, lever):
    return [r for r in model.policy_rows if r[0] == date and r[1] == lever][0][2:8]


def same(a, b):
    """Two runs left in exactly the same state."""
    for column in ("status", "employer", "wage", "programme", "registered"):
        assert np.array_equal(getattr(a.workers, column), getattr(b.workers, column)), column
    for column in ("cash", "alive", "employees", "arrears"):
        assert np.array_equal(getattr(a.firms, column), getattr(b.firms, column)), column
    ea, eb = a.ledger.entries(), b.ledger.entries()
    assert ea[["date", "line", "amount"]].equals(eb[["date", "line", "amount"]])


def window(name, start="2019-01", end="2019-12", clause="x", **params):
    return {name: {"start": start, "end": end, "clause": clause, **params}}


# --- si_subsidy -----------------------------------------------------------------------------

SI = "si_subsidy"


def si(**params):
    return window(SI, clause="001 (九)", **params)


def test_si_share_of_base_paid_monthly_to_the_firm():
    # both seekers are hired in January (contributions from February); only the older woman is
    # hard to employ, so the firm gets 637.2 a month for her from February
    model = run(si(), population([10], [OLDER_WOMAN, PLAIN], posts=[2]))
    base = run(None, population([10], [OLDER_WOMAN, PLAIN], posts=[2]))
    assert list(model.workers.status[10:]) == [Status.EMPLOYED] * 2
    paid = lines(model, SI)
    assert list(paid["date"]) == ["2019-02", "2019-03", "2019-04"]
    assert list(paid["recipient_id"]) == [0, 0, 0]
    assert list(paid["fund"]) == ["employment_subsidy_fund"] * 3
    assert paid["amount"].tolist() == pytest.approx([-637.2] * 3)
    assert model.firms.cash[0] - base.firms.cash[0] == pytest.approx(3 * 637.2)  # into the firm's cash
    assert row(model, "2019-01", SI)[-1] == 1.0  # one hire admitted (entrants)
    assert row(model, "2019-02", SI) == pytest.approx((1.0, 1.0, 637.2, 0.0, 0.0, 0.0))


def test_si_hard_to_employ_is_judged_before_the_hire():
    # a young man unemployed for a year and one in a household where no one works are hard to
    # employ as job seekers; being hired ends both conditions, yet both hires are subsidised
    long_term = {"unemployed_months": 12}
    workless = {"household": 99}
    model = run(si(), population([10], [long_term, workless, PLAIN], posts=[3]), months=2)
    assert list(model.workers.status[10:]) == [Status.EMPLOYED] * 3
    assert lines(model, SI)["amount"].tolist() == pytest.approx([-637.2, -637.2])


def test_si_months_in_arrears_are_not_subsidised():
    # the firm cannot pay February's contributions (cash below zero at the bill): February is
    # not subsidised; it pays its arrears in March and the subsidy resumes
    model = Simulation(scenario(si(), 4), 1, population([10], [OLDER_WOMAN], posts=[1])).build()
    model.step()
    model.firms.cash[0] = -1e6
    for _ in range(3):
        model.step()
    assert list(lines(model, SI)["date"]) == ["2019-03", "2019-04"]


def test_si_duration_and_leaving_end_the_subsidy():
    # the older woman: 2 months (hard_to_employ_months); two men of 57 (within 5 years of 60): 60 months,
    # but one quits after March and the other moves away after April
    model = Simulation(scenario(si(hard_to_employ_months=2), 6), 1,
                       population([10], [OLDER_WOMAN, NEAR_RETIREMENT, NEAR_RETIREMENT], posts=[3])).build()
    for month in range(6):
        model.step()
        if month == 2:
            model.leave_jobs(np.array([11]), Separation.QUIT, "quits")
        if month == 3:
            model.end_participation(np.array([12]), Status.DEPARTED, "out_migrants")
        model.firms.scale[0] = model.firms.employees[0]  # no post reopens: the quitter is not hired again
    counts = lines(model, SI)["date"].value_counts().to_dict()
    # Feb: 3 (all), Mar: 3 (the woman's second and last month; the quitter's last), Apr: 1, May-Jun: 0
    assert counts == {"2019-02": 3, "2019-03": 3, "2019-04": 1}


def test_si_employer_actual_and_poverty_paid_after_twelve_months():
    # employer_actual: 0.245 x 5,000 = 1,225 a month for the hard-to-employ hire, Feb 2019 - Jan 2020;
    # the poverty-registered hire's 12 months (Feb-Jan) are paid together once 12 months at work: 14,700
    model = run(si(formula="employer_actual"), population([10], [OLDER_WOMAN, POOR], posts=[2]), months=13)
    paid = lines(model, SI)
    assert len(paid) == 13
    assert paid["amount"].tolist()[:11] == pytest.approx([-5000 * EMPLOYER_RATE] * 11)  # Feb-Dec: 1,225
    january = paid[paid["date"] == "2020-01"]["amount"].tolist()
    assert sorted(january) == pytest.approx([-12 * 5000 * EMPLOYER_RATE, -5000 * EMPLOYER_RATE])


def test_si_poverty_hire_leaving_before_twelve_months_gets_nothing():
    model = Simulation(scenario(si(), 12), 1, population([10], [POOR], posts=[1])).build()
    for month in range(12):
        model.step()
        if month == 8:
            model.leave_jobs(np.array([10]), Separation.QUIT, "quits")
    assert lines(model, SI).empty


def test_si_graduates_only_in_small_firms_and_within_two_years():
    grads = si(groups=["recent_graduates"])
    # a 2018 graduate qualifies in 2019 (within 2 years); a 2016 one does not
    model = run(grads, population([10], [GRADUATE, {"graduation_year": 2016}], posts=[2]), months=2)
    assert lines(model, SI)["amount"].tolist() == pytest.approx([-637.2])
    # a firm of 100 staff is medium-sized: not a small or micro firm (002 §7)
    medium = run(grads, population([100], [GRADUATE], posts=[1]), months=2)
    assert medium.workers.status[100] == Status.EMPLOYED
    assert lines(medium, SI).empty
    # the default groups (hard to employ, poverty-registered) leave graduates out
    assert lines(run(si(), population([10], [GRADUATE], posts=[1]), months=2), SI).empty


def test_si_rural_transfer_hires():
    model = run(si(groups=["rural_surplus"]), population([10], [RURAL, PLAIN], posts=[2]), months=2)
    assert lines(model, SI)["amount"].tolist() == pytest.approx([-637.2])
    none = run(si(groups=["rural_surplus"], rural_transfer_organised_share=0.0),
               population([10], [RURAL, PLAIN], posts=[2]), months=2)
    assert lines(none, SI).empty


def test_si_flexible_employment_paid_to_the_person():
    # every seeker starts a business in January (no capital needed, no posts); the graduate and the
    # older woman get the subsidy themselves from February; the woman gives up after February
    founders = {"startup_rate": 1.0, "startup_capital_median": 0.0, "startup_employer_share": 0.0}
    model = Simulation(scenario(si(groups=["flexibly_employed"]), 4, **founders), 1,
                       population([10], [{"graduation_year": 2019}, OLDER_WOMAN, PLAIN])).build()
    for month in range(4):
        model.step()
        if month == 1:
            model.leave_jobs(np.array([11]), Separation.BUSINESS_FAILURE, "business_failures")
            model.set_status(np.array([11]), Status.INACTIVE)  # and does not try again
    paid = lines(model, SI)
    assert list(model.workers.status[10:]) == [Status.SELF_EMPLOYED, Status.INACTIVE, Status.SELF_EMPLOYED]
    assert list(paid["recipient_kind"].unique()) == ["worker"]
    assert sorted(zip(paid["date"], paid["recipient_id"])) == [
        ("2019-02", 10), ("2019-02", 11), ("2019-03", 10), ("2019-04", 10)]
    assert paid["amount"].tolist() == pytest.approx([-637.2] * 4)
    # employer_actual for a flexible worker: the employer rate on the base floor, 0.245 x 0.6 x 6,000 = 882
    actual = run(si(groups=["flexibly_employed"], formula="employer_actual"),
                 population([10], [{"graduation_year": 2019}]), months=2, **founders)
    assert lines(actual, SI)["amount"].tolist() == pytest.approx([-EMPLOYER_RATE * 3600])


def test_si_window_take_up_and_budget():
    pop = lambda: population([10], [OLDER_WOMAN], posts=[1])  # noqa: E731
    assert lines(run(si(start="2019-02"), pop()), SI).empty  # hired in January, before the window
    # hired inside a one-month window: the subsidy keeps running after it
    assert len(lines(run(si(end="2019-01"), pop()), SI)) == 3
    nobody = run(si(take_up=0.0), pop())
    same(nobody, run(None, pop()))
    # two firms each hire a hard-to-employ person; 1,000 a year pays one 637.2 claim
    capped = run(si(budget=1000.0), population([10, 10], [OLDER_WOMAN, OLDER_WOMAN], posts=[1, 1]), months=2)
    assert row(capped, "2019-01", SI)[-1] == 2.0
    assert row(capped, "2019-02", SI) == pytest.approx((2.0, 1.0, 637.2, 1.0, 637.2, 0.0))


def test_si_neutral_amounts_leave_the_baseline():
    zero = si(pension_share=0.0, medical_share=0.0, ui_share=0.0, poverty_formula="share_of_base")
    pop = lambda: population([100], [OLDER_WOMAN, POOR] * 5, posts=[2])  # noqa: E731
    same(run(zero, pop(), labour_demand_elasticity=1.0), run(None, pop(), labour_demand_elasticity=1.0))


def test_si_cost_relief_is_the_subsidy_times_the_eligible_share():
    # graduates are half the seekers; only the small firm (10 staff) may claim for them
    model = Simulation(scenario(si(groups=["recent_graduates"])), 1,
                       population([10, 100], [GRADUATE, GRADUATE, PLAIN, PLAIN])).build()
    lever = model.policies.levers[0]
    assert lever.cost_relief() == pytest.approx([0.5 * 637.2, 0.0])
    # hard to employ (a quarter) at 637.2 plus poverty-registered (a quarter) at 0.245 x 5,000
    model = Simulation(scenario(si()), 1, population([10], [OLDER_WOMAN, POOR, PLAIN, PLAIN])).build()
    assert model.policies.levers[0].cost_relief() == pytest.approx([0.25 * 637.2 + 0.25 * 1225])


def test_si_subsidy_raises_hiring_of_the_target_group():
    # a firm of 100 at its normal cost; half the 20 seekers are hard to employ: the relief is
    # 0.5 x 637.2 = 318.6, so with elasticity 1 the target is 100 x 6,225 / 5,906.4 = 105.39: 5 or 6 posts
    def once(policies):
        w, f = population([100], [OLDER_WOMAN, PLAIN] * 10)
        f.unit_cost[:] = 5000 * (1 + EMPLOYER_RATE)
        return run(policies, (w, f), months=1, labour_demand_elasticity=1.0)

    with_, without = once(si()), once(None)
    hired = with_.workers.status[100:] == Status.EMPLOYED
    assert not (without.workers.status[100:] == Status.EMPLOYED).any()
    assert hired.sum() in (5, 6)
    assert hired[0::2].sum() >= 1  # hard-to-employ seekers among them


# --- hiring_subsidy ---------------------------------------------------------------------------

HS = "hiring_subsidy"


def hs(**params):
    return window(HS, clause="001 (九)", **params)


def test_hiring_subsidy_paid_after_a_year_of_retention():
    # three hires in January 2019; two were registered unemployed; one of those quits in July:
    # the other's 12 months of contributions (Feb 2019 - Jan 2020) earn the firm 1,000 in January 2020
    def once(policies):
        model = Simulation(scenario(policies, 13), 1, population([10], [REGISTERED, REGISTERED, PLAIN], posts=[3])).build()
        for month in range(13):
            model.step()
            if month == 6:
                model.leave_jobs(np.array([11]), Separation.QUIT, "quits")
        return model

    model, base = once(hs()), once(None)
    paid = lines(model, HS)
    assert list(zip(paid["date"], paid["recipient_id"], paid["amount"])) == [("2020-01", 0, -1000.0)]
    assert model.firms.cash[0] - base.firms.cash[0] == pytest.approx(1000.0)
    assert row(model, "2019-01", HS)[-1] == 2.0  # two claims opened


def test_hiring_subsidy_firm_size_and_labour_intensity():
    # firm 0 (10 staff) is small; firm 1 (300 staff) is large and qualifies only if labour-intensive
    def once(labour_intensive):
        w, f = population([10, 300], [REGISTERED, REGISTERED], posts=[1, 1])
        f.labour_intensive[1] = labour_intensive
        return run(hs(retention_months=2), (w, f), months=3)

    assert list(lines(once(False), HS)["recipient_id"]) == [0]  # paid in March, after Feb-Mar at work
    assert sorted(lines(once(True), HS)["recipient_id"]) == [0, 1]
    assert list(lines(once(True), HS)["date"]) == ["2019-03", "2019-03"]
    uninsured = population([10], [REGISTERED], posts=[1])
    uninsured[1].insures[:] = False
    assert lines(run(hs(retention_months=2), uninsured, months=3), HS).empty


def test_hiring_subsidy_window_take_up_budget_and_neutral_amount():
    two = lambda: population([10, 10], [REGISTERED, REGISTERED], posts=[1, 1])  # noqa: E731
    assert lines(run(hs(retention_months=2, start="2019-02"), two(), months=3), HS).empty
    assert len(lines(run(hs(retention_months=2, end="2019-01"), two(), months=3), HS)) == 2  # honoured after the window
    same(run(hs(retention_months=2, take_up=0.0), two(), months=3), run(None, two(), months=3))
    same(run(hs(amount=0.0), two(), months=3, labour_demand_elasticity=1.0),
         run(None, two(), months=3, labour_demand_elasticity=1.0))
    capped = run(hs(retention_months=2, budget=1500.0), two(), months=3)
    assert row(capped, "2019-03", HS) == (2.0, 1.0, 1000.0, 1.0, 1000.0, 0.0)


def test_hiring_subsidy_relief_and_labour_demand():
    # half the seekers are registered: 0.5 x 1,000 / 12 = 41.67 a month off a marginal hire, for the
    # small firm; the large firm that is not labour-intensive gets nothing
    model = Simulation(scenario(hs()), 1, population([10, 300], [REGISTERED, PLAIN])).build()
    assert model.policies.levers[0].cost_relief() == pytest.approx([1000 / 24, 0.0])

    # a medium firm of 200 at its normal cost, all 20 seekers registered: relief 83.33, so with
    # elasticity 1 the target is 200 x 6,225 / 6,141.67 = 202.71: 2 or 3 posts, where it had none
    def once(policies):
        w, f = population([200], [REGISTERED] * 20)
        f.unit_cost[:] = 5000 * (1 + EMPLOYER_RATE)
        return run(policies, (w, f), months=1, labour_demand_elasticity=1.0)

    assert (once(None).workers.status[200:] == Status.EMPLOYED).sum() == 0
    assert (once(hs()).workers.status[200:] == Status.EMPLOYED).sum() in (2, 3)


# --- placement_fee ----------------------------------------------------------------------------

PF = "placement_fee"


def pf(**params):
    return window(PF, **{"end": "2020-12", "clause": "001 (十九)", **params})


def test_placement_fee_paid_to_the_agency_after_six_months():
    # two poverty-registered seekers and one other are hired in January; one of the two quits in
    # May; the other's six months (Feb-Jul) earn the agency 300 in July
    def once(policies):
        model = Simulation(scenario(policies, 8), 1, population([10], [POOR, POOR, PLAIN], posts=[3])).build()
        for month in range(8):
            model.step()
            if month == 3:
                model.leave_jobs(np.array([11]), Separation.QUIT, "quits")
        return model

    model = once(pf())
    paid = lines(model, PF)
    assert list(zip(paid["date"], paid["recipient_kind"], paid["recipient_id"], paid["amount"])) == [
        ("2019-07", "agency", 10, -300.0)]
    assert row(model, "2019-01", PF)[-1] == 2.0  # two placements
    assert lines(once(pf(take_up=0.0)), PF).empty
    assert lines(once(pf(start="2019-02")), PF).empty
    same(once(pf(fee=0.0)), once(None))


def test_placement_fee_budget():
    model = run(pf(retention_months=1, budget=300.0), population([10, 10], [POOR, POOR], posts=[1, 1]), months=2)
    assert row(model, "2019-02", PF) == (2.0, 1.0, 300.0, 1.0, 300.0, 0.0)


def test_placement_fee_agencies_raise_poverty_registered_job_finding():
    # 100 poverty-registered and 100 other seekers, 100 posts, scarce meetings (A = 0.3): a seeker meets
    # a post with 0.3 x sqrt(200 x 100) / 200 = 0.21; agencies' search (x 1.3) lifts the
    # poverty-registered to 1.3 x 0.3 x sqrt(230 x 100) / 230 = 0.26 and the others fall to 0.20.
    # With the same draws, those hired without the lever are hired with it, and more besides
    def once(policies):
        return run(policies, population([1000], [POOR, PLAIN] * 100, posts=[100]), months=1, matching_efficiency=0.3)

    with_, without = once(pf()), once(None)
    poor = np.arange(1000, 1200, 2)
    hired_with = with_.workers.status[poor] == Status.EMPLOYED
    hired_without = without.workers.status[poor] == Status.EMPLOYED
    assert np.all(hired_with[hired_without]) and hired_with.sum() > hired_without.sum()
    others = poor + 1
    assert np.all(without.workers.status[others][with_.workers.status[others] == Status.EMPLOYED] == Status.EMPLOYED)
    assert 15 <= hired_without.sum() <= 30 and 18 <= hired_with.sum() <= 35  # about 21 and 26 of 100


# --- labour_export_bonus ------------------------------------------------------------------------

LE = "labour_export_bonus"


def le(**params):
    return window(LE, **{"end": "2020-12", "clause": "001 (十九)", **params})


def test_labour_export_moves_poverty_registered_and_pays_those_who_stay():
    # everyone willing moves in January and stays: 300 each, paid in July after six months away
    pop = lambda: population([10], [POOR, POOR, PLAIN, RURAL])  # noqa: E731
    model = Simulation(scenario(le(monthly_share=1.0, stay_probability=1.0, organiser_reward=50.0), 7), 1, pop()).build()
    model.step()
    w = model.workers
    assert list(w.status[10:]) == [Status.DEPARTED, Status.DEPARTED, Status.UNEMPLOYED, Status.UNEMPLOYED]
    assert list(w.programme[10:12]) == [CODES[LE]] * 2 and list(w.programme_left[10:12]) == [6, 6]
    assert model.flows["out_migrants"] == 2.0
    assert row(model, "2019-01", LE)[-1] == 2.0
    for _ in range(6):
        model.step()
    bonus, organiser = lines(model, LE), lines(model, "labour_export_organiser")
    assert list(zip(bonus["date"], bonus["recipient_id"], bonus["amount"])) == [("2019-07", 10, -300.0), ("2019-07", 11, -300.0)]
    assert list(organiser["recipient_kind"]) == ["agency"] * 2 and organiser["amount"].tolist() == [-50.0, -50.0]
    assert list(w.status[10:12]) == [Status.DEPARTED] * 2 and list(w.programme[10:12]) == [0, 0]
    # rural surplus labour moves too when included; the plain urban seeker never does
    rural = run(le(monthly_share=1.0, include_rural_surplus=True), pop(), months=1)
    assert list(rural.workers.status[10:]) == [Status.DEPARTED, Status.DEPARTED, Status.UNEMPLOYED, Status.DEPARTED]


def test_labour_export_returners_come_back_without_a_bonus():
    # nobody lasts: each comes back unemployed after 1 to 5 months, so all are back by June
    pop = population([10], [POOR, POOR, POOR])
    pop[0].programme[12] = 99  # in another programme: not eligible
    model = run(le(monthly_share=1.0, stay_probability=0.0, end="2019-01"), pop, months=6)
    assert list(model.workers.status[10:]) == [Status.UNEMPLOYED] * 3
    assert list(model.workers.programme[10:]) == [0, 0, 99]
    assert model.flows["out_migrants"] == 0.0 and lines(model, LE).empty
    assert row(model, "2019-01", LE)[-1] == 2.0


def test_labour_export_monthly_share_window_take_up_budget():
    pop = lambda: population([10], [POOR] * 40)  # noqa: E731
    model = run(le(monthly_share=0.25), pop(), months=1)
    moved = model.workers.status[10:] == Status.DEPARTED
    lever = model.policies.levers[0]
    model.month -= 1  # the draws of the month just simulated
    assert np.array_equal(moved, lever.draw(model.workers.id[10:], 0) < 0.25)
    assert 4 <= moved.sum() <= 16  # a quarter of 40
    later = Simulation(scenario(le(monthly_share=1.0, start="2019-02"), 2), 1, pop()).build()
    later.step()
    assert not (later.workers.status[10:] == Status.DEPARTED).any()  # the window opens in February
    later.step()
    assert (later.workers.status[10:] == Status.DEPARTED).all()
    same(run(le(monthly_share=1.0, take_up=0.0), pop(), months=2), run(None, pop(), months=2))
    same(run(le(monthly_share=1.0, bonus=0.0), pop(), months=2), run(None, pop(), months=2))
    capped = run(le(monthly_share=1.0, stay_probability=1.0, budget=300.0), population([10], [POOR, POOR]), months=7)
    assert row(capped, "2019-07", LE) == (2.0, 1.0, 300.0, 1.0, 300.0, 0.0)


# --- ui_refund_hardship -------------------------------------------------------------------------

UH = "ui_refund_hardship"
BENEFIT = 0.9 * 1800  # the UI benefit a month: 90 % of the minimum wage


def uh(**params):
    return window(UH, clause="001 (七)", **params)


def struggling(staff=(10,), difficult=(True,), insures=None):
    """Firms whose revenue just covers wages; the difficult ones start with negative cash."""
    w, f = firms_with_staff(list(staff), insures=insures)
    difficult = np.array(difficult)
    f.productivity[difficult] = 5000.0
    f.cash[difficult] = -1000.0
    f.difficulty_months[difficult] = 1
    return w, f


def with_shock(policies, pop, months, demand, **behaviour):
    sc = scenario(policies, months, **behaviour)
    sc.shocks = [Shock(start="2019-01", end="2019-12", demand=demand, sectors=["all"])]
    model = Simulation(sc, 1, pop).build()
    for _ in range(months):
        model.step()
    return model


def test_hardship_refund_six_months_of_benefit_per_insured_worker():
    # firm 0 is in difficulty, firm 1 is not: 6 x 1,620 x 10 insured staff = 97,200, once, in January
    model = run(uh(), struggling((10, 10), (True, False)), months=3)
    paid = lines(model, UH)
    assert list(zip(paid["date"], paid["fund"], paid["recipient_id"])) == [("2019-01", "ui_fund", 0)]
    assert paid["amount"].tolist() == pytest.approx([-6 * BENEFIT * 10])
    assert row(model, "2019-01", UH)[-1] == 1.0
    one = run(uh(), struggling(), months=1)
    assert one.firms.cash[0] == pytest.approx(-1000.0 + 97200.0)  # into its cash
    # the other formula: 50 % of 6 months of contributions, 0.5 x 6 x 0.35 x 50,000 = 52,500
    contributions = run(uh(formula="contributions"), struggling(), months=1)
    assert lines(contributions, UH)["amount"].tolist() == pytest.approx([-0.5 * 6 * TOTAL_RATE * 50000])


def test_hardship_refund_eligibility():
    assert lines(run(uh(), struggling(insures=[False]), months=2), UH).empty  # not insured
    assert lines(with_shock(uh(), struggling(), 2, -0.5), UH).empty  # demand below the recovery floor
    assert len(lines(with_shock(uh(), struggling(), 2, -0.2), UH)) == 1  # a milder fall keeps prospects
    laid_off = struggling()
    laid_off[1].layoffs_this_year[:] = 3  # 3 of 10 is beyond 20 % for a firm of at most 30
    assert lines(run(uh(), laid_off, months=2), UH).empty
    kept = struggling()
    kept[1].layoffs_this_year[:] = 2
    assert len(lines(run(uh(), kept, months=2), UH)) == 1


def test_hardship_refund_window_take_up_budget_neutral():
    assert list(lines(run(uh(start="2019-02"), struggling(), months=3), UH)["date"]) == ["2019-02"]
    assert lines(run(uh(take_up=0.0), struggling(), months=3), UH).empty
    capped = run(uh(budget=100000.0), struggling((10, 10), (True, True)), months=2)
    assert row(capped, "2019-01", UH) == pytest.approx((2.0, 1.0, 97200.0, 1.0, 97200.0, 1.0))
    assert len(lines(capped, UH)) == 1  # the refused firm does not claim again
    same(run(uh(months=0), struggling(), months=8), run(None, struggling(), months=8))


def test_hardship_refund_keeps_a_firm_from_closing():
    # without the refund the firm's cash stays negative and it closes after 6 months of it (May);
    # with 97,200 in January it pays its arrears and contributions (12,250 a month) till August
    with_, without = run(uh(), struggling(), months=8), run(None, struggling(), months=8)
    assert not without.firms.alive[0] and without.firms.employees[0] == 0
    assert (without.workers.status[:10] == Status.UNEMPLOYED).all()
    assert with_.firms.alive[0] and with_.firms.employees[0] == 10
    assert with_.firms.cash[0] == pytest.approx(-1000 + 97200 - 17500 - 7 * 12250)  # January arrears, Feb-Aug bills


def test_hardship_refund_firms_hold_layoffs_to_qualify():
    # demand falls 18 % (log -0.2): target 10 x e^-0.2 = 8.19; a firm in difficulty lays off 1 or 2.
    # With no layoffs allowed, keeping them costs at most 2 x 5,000 x 1.245 = 12,450 for the month
    # the refund is paid, less than the 97,200 refund: the applicant holds them and is paid; a
    # refund of 5 % of 6 months of contributions (0.05 x 6 x 17,500 = 5,250 yuan) is worth less
    # than one worker's 6,225 and holds nobody
    strict = {"small_firm_threshold": 0.0}
    base = with_shock(None, struggling(), 1, -0.2, layoff_speed=1.0)
    held = with_shock(uh(**strict), struggling(), 1, -0.2, layoff_speed=1.0)
    not_held = with_shock(uh(formula="contributions", contribution_share=0.05, **strict), struggling(), 1, -0.2, layoff_speed=1.0)
    assert base.firms.layoffs_this_year[0] in (1, 2)
    assert held.firms.layoffs_this_year[0] == 0 and len(lines(held, UH)) == 1
    assert not_held.firms.layoffs_this_year[0] == base.firms.layoffs_this_year[0]
    assert lines(not_held, UH).empty  # it laid off, so it did not keep staff


def test_parameters_are_checked():
    from lmsim.scenario import ScenarioError

    bad = [
        (si(groups=["everyone"]), "si_subsidy.groups"),
        (si(hard_to_employ_months=-1), "hard_to_employ_months"),
        (hs(retention_months=0), "hiring_subsidy.retention_months"),
        (pf(fee=-1.0), "placement_fee.fee"),
        (le(stay_probability=1.5), "stay_probability"),
        (uh(formula="half"), "ui_refund_hardship.formula"),
    ]
    for policies, field in bad:
        with pytest.raises(ScenarioError, match=field):
            scenario(policies)
