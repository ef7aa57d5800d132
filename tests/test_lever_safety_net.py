"""ui_benefit, minimum_living_guarantee, gig_accident_insurance and pes_services on hand-built
populations, against figures computed by hand; each behavioural channel with common random
numbers (the same seed with and without the lever)."""

import numpy as np
import pytest

from lmsim import rng
from lmsim.population import Status
from lmsim.rng import Purpose
from lmsim.simulation import Simulation

from conftest import firms_with_staff, make_scenario

BENEFIT = 0.9 * 1800  # the scenario's [ui] level: 1,620 yuan a month
# every seeker meets a post when posts and seekers are equal (A = 1), in one market segment
OPEN_MARKET = {"matching_efficiency": 1.0, "segment_by_skill": False, "cross_segment_search": 0.0}


def build(policies, workers, firms, months=3, behaviour=None, **sections):
    sc = make_scenario(months=months, behaviour=behaviour or {}, policies=policies or {}, **sections)
    return Simulation(sc, 1, (workers, firms)).build()


def steps(model, months):
    for _ in range(months):
        model.step()
    return model


def entries(model, line):
    e = model.ledger.entries()
    return e[e["line"] == line].reset_index(drop=True)


def policy_row(model, date, lever):
    return [r for r in model.policy_rows if r[0] == date and r[1] == lever][0][2:8]


def hires(model):
    """Ids of workers in wage work."""
    w = model.workers
    return set(w.id[w.status == Status.EMPLOYED].tolist())


# --- ui_benefit -----------------------------------------------------------------------

UI = {"start": "2019-01", "end": "2019-12", "clause": "004 §28"}
LAYOFFS = {"hoarding_band": 0.0, "layoff_speed": 1.0}


def layoffs(policies, months, insured=(True, True, False, True), banked=(24, 24, 24, 6), horizon=None, claim_rate=1.0):
    """One firm lays off all its staff in January 2019; every eligible loser claims; ``months``
    steps of a ``horizon`` (default: as many months)."""
    workers, firms = firms_with_staff([len(insured)])
    workers.insured[:] = insured
    workers.ui_months[:] = banked  # contribution months banked before the current job (which starts now)
    firms.scale[:] = 0  # the firm wants no one: all are laid off in the first month
    model = build(policies, workers, firms, horizon or months, LAYOFFS, ui={"claim_rate": claim_rate})
    return steps(model, months)


def on_benefit(n, months_left=6, last_wage=5000.0):
    """``n`` unemployed UI recipients and one firm without staff or posts."""
    workers, firms = firms_with_staff([0], unemployed=n)
    workers.benefit_months_left[:] = months_left
    workers.last_wage[:] = last_wage
    return workers, firms


def test_extension_is_added_to_entitlements_granted_in_the_window():
    model = layoffs({"ui_benefit": UI}, months=18)
    base = layoffs(None, months=18)
    # workers 0 and 1: insured, 2 years banked -> 12 months, + 6 -> 18; worker 2 uninsured and
    # worker 3 with 6 months banked (< 12 required) are not eligible: the lever gives them nothing
    paid, paid_base = entries(model, "ui_benefit"), entries(base, "ui_benefit")
    assert paid.groupby("recipient_id").size().to_dict() == {0: 18, 1: 18}
    assert paid_base.groupby("recipient_id").size().to_dict() == {0: 12, 1: 12}
    assert paid["amount"].unique().tolist() == [-BENEFIT]
    # the extension months (13-18, Jan-Jun 2020) are the lever's: 2 recipients x 1,620 = 3,240 a month
    # (claims, recipients, paid, refused, refused yuan, entrants): the 2 claims extended in January
    assert policy_row(model, "2019-01", "ui_benefit") == (0.0, 0.0, 0.0, 0.0, 0.0, 2.0)
    assert policy_row(model, "2019-12", "ui_benefit") == (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    for date in ("2020-01", "2020-06"):
        assert policy_row(model, date, "ui_benefit") == (2.0, 2.0, 2 * BENEFIT, 0.0, 0.0, 0.0)
    # the extension granted in 2019 is honoured in 2020, after the window


def test_claims_outside_the_window_are_not_extended():
    model = layoffs({"ui_benefit": {**UI, "start": "2019-02", "end": "2019-02"}}, months=1, horizon=2)
    assert model.workers.benefit_months_left.tolist() == [11, 11, 0, 0]  # 12 - the January payment
    model = layoffs({"ui_benefit": UI}, months=1)
    assert model.workers.benefit_months_left.tolist() == [17, 17, 0, 0]


def test_claiming_is_the_take_up():
    # the lever has no application of its own: job losers who do not claim UI get no extension
    model = layoffs({"ui_benefit": UI}, months=1, claim_rate=0.0)
    assert model.workers.benefit_months_left.tolist() == [0, 0, 0, 0]
    assert entries(model, "ui_benefit").empty
    assert policy_row(model, "2019-01", "ui_benefit") == (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def test_duration_table_of_the_lever():
    # 2 years banked: the lever's table gives 15 months (+ 1 extension) where [ui] gives 12
    table = {**UI, "duration_months": {"1": 15, "5": 20}, "extension_months": 1}
    model = layoffs({"ui_benefit": table}, months=1)
    assert model.workers.benefit_months_left.tolist() == [15, 15, 0, 0]  # 16 - 1 paid


def test_level_in_force_only_in_the_window_and_counted():
    raise_ = {**UI, "start": "2019-02", "end": "2019-02", "benefit_share_of_minimum_wage": 1.0, "extension_months": 0}
    model = steps(build({"ui_benefit": raise_}, *on_benefit(3)), 3)
    paid = entries(model, "ui_benefit").groupby("date")["amount"].sum()
    assert paid.tolist() == pytest.approx([-3 * BENEFIT, -3 * 1800.0, -3 * BENEFIT])
    # February: 3 recipients raised by 1,800 - 1,620 = 180: 540 yuan of extra benefit
    assert policy_row(model, "2019-02", "ui_benefit") == pytest.approx((3.0, 3.0, 540.0, 0.0, 0.0, 0.0))
    assert policy_row(model, "2019-03", "ui_benefit") == (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def test_ui_benefit_budget_refuses_extensions_and_raises():
    # each extension is 6 x 1,620 = 9,720; a budget of 10,000 keeps one of the two claims
    model = layoffs({"ui_benefit": {**UI, "budget": 10_000.0}}, months=1)
    assert sorted(model.workers.benefit_months_left.tolist()) == [0, 0, 11, 17]
    assert policy_row(model, "2019-01", "ui_benefit") == pytest.approx((1.0, 0.0, 0.0, 1.0, 9720.0, 1.0))
    # a raise of 180 for 3 recipients costs 540 a month: January fits 1,000, February (1,080) does not
    raise_ = {**UI, "benefit_share_of_minimum_wage": 1.0, "extension_months": 0, "budget": 1000.0}
    model = steps(build({"ui_benefit": raise_}, *on_benefit(3)), 3)
    paid = entries(model, "ui_benefit").groupby("date")["amount"].sum()
    assert paid.tolist() == pytest.approx([-3 * 1800.0, -3 * BENEFIT, -3 * BENEFIT])
    assert policy_row(model, "2019-01", "ui_benefit") == pytest.approx((3.0, 3.0, 540.0, 0.0, 0.0, 0.0))
    assert policy_row(model, "2019-02", "ui_benefit") == pytest.approx((3.0, 0.0, 0.0, 3.0, 540.0, 0.0))


def test_neutral_ui_benefit_leaves_the_baseline():
    model = layoffs({"ui_benefit": {**UI, "extension_months": 0}}, months=4)
    base = layoffs(None, months=4)
    assert model.ledger.entries().equals(base.ledger.entries())
    assert np.array_equal(model.workers.benefit_months_left, base.workers.benefit_months_left)


def test_higher_benefit_lowers_job_finding_of_recipients():
    # 20 recipients (last wage 5,000) meet 20 posts; offers are 5,000 x exp(0.12 z).
    # Reservation wage 0.7 x 5,000 + 0.6 x benefit: 3,500 + 972 = 4,472 at 1,620;
    # 3,500 + 0.6 x 3,600 = 5,660 at twice the minimum wage.
    def run(policies):
        workers, firms = on_benefit(20)
        firms.scale[:] = 20
        return steps(build(policies, workers, firms, 1, OPEN_MARKET), 1)

    raised = run({"ui_benefit": {**UI, "benefit_share_of_minimum_wage": 2.0, "extension_months": 0}})
    base = run(None)
    found, found_base = hires(raised), hires(base)
    assert found < found_base  # common random numbers: the same offers, fewer accepted
    w = base.workers
    wage = dict(zip(w.id.tolist(), w.wage.tolist()))
    assert all(wage[i] >= 5660 - 1e-3 for i in found)
    assert all(4472 - 1e-3 <= wage[i] < 5660 for i in found_base - found)
    assert len(found_base - found) > 5


# --- minimum_living_guarantee ---------------------------------------------------------

MLG = {"start": "2019-01", "end": "2019-12", "clause": "003 (九)", "threshold": 800.0, "earnings_disregard": 0.2}


def households():
    """Household 0: worker 0 earns 1,000, worker 2 unemployed; household 1: worker 1 earns 5,000;
    household 2: worker 3 unemployed."""
    workers, firms = firms_with_staff([2], unemployed=2)
    workers.wage[0] = 1000.0
    workers.household[:] = [0, 1, 0, 2]
    return workers, firms


def test_guarantee_tops_up_households_below_the_standard():
    model = steps(build({"minimum_living_guarantee": MLG}, *households()), 2)
    paid = entries(model, "minimum_living_guarantee")
    # household 0: 2 x 800 - 0.8 x 1,000 = 800, paid to worker 0; household 2: 1 x 800 - 0 = 800, to worker 3;
    # household 1: 0.8 x 5,000 = 4,000 a member is above the standard
    assert paid["recipient_id"].tolist() == [0, 3, 0, 3]
    assert paid["amount"].tolist() == pytest.approx([-800.0] * 4)
    assert paid["fund"].unique().tolist() == ["minimum_living_fund"]
    assert policy_row(model, "2019-01", "minimum_living_guarantee") == (2.0, 2.0, 1600.0, 0.0, 0.0, 2.0)
    # a larger disregard counts less of worker 0's wage: 1,600 - 0.5 x 1,000 = 1,100
    model = steps(build({"minimum_living_guarantee": {**MLG, "earnings_disregard": 0.5}}, *households()), 1)
    assert entries(model, "minimum_living_guarantee")["amount"].tolist() == pytest.approx([-1100.0, -800.0])


def test_household_income_counts_earnings_and_benefit():
    workers, firms = households()
    workers.status[2] = Status.SELF_EMPLOYED  # no wage: their last wage (5,000) is counted
    workers.benefit_months_left[3] = 3  # on UI benefit of 1,620
    model = build({"minimum_living_guarantee": MLG}, workers, firms)
    members, counted, gap = model.policies.levers[0].household_gap()
    # household 0: 0.8 x (1,000 + 5,000) = 4,800; household 1: 0.8 x 5,000; household 2: 1,620 not disregarded
    assert members[:3].tolist() == [2, 1, 1]
    assert counted[:3].tolist() == pytest.approx([4800.0, 4000.0, BENEFIT])
    assert gap[:3].tolist() == pytest.approx([1600.0 - 4800.0, 800.0 - 4000.0, 800.0 - BENEFIT])
    assert entries(steps(model, 1), "minimum_living_guarantee").empty  # no one is below the standard


def test_exit_period_continues_the_last_top_up():
    model = steps(build({"minimum_living_guarantee": {**MLG, "exit_period": 2}}, *households(), months=6), 2)
    model.workers.wage[0] = 3000.0  # household 0 now counts 0.8 x 3,000 / 2 = 1,200 a member: above
    steps(model, 4)
    paid = entries(model, "minimum_living_guarantee")
    by_month = paid[paid["recipient_id"] == 0].groupby("date")["amount"].sum()
    # January-February below; March-April the exit period pays the last 800; May on nothing
    assert by_month.to_dict() == pytest.approx({"2019-01": -800.0, "2019-02": -800.0, "2019-03": -800.0, "2019-04": -800.0})
    assert len(paid[paid["recipient_id"] == 3]) == 6


def test_guarantee_window_take_up_and_budget():
    late = steps(build({"minimum_living_guarantee": {**MLG, "start": "2019-02"}}, *households()), 2)
    assert entries(late, "minimum_living_guarantee")["date"].tolist() == ["2019-02", "2019-02"]
    # enrolled in January, households keep the guarantee after the window; newcomers do not get in
    model = steps(build({"minimum_living_guarantee": {**MLG, "end": "2019-01"}}, *households()), 1)
    model.workers.wage[1] = 500.0  # household 1 falls below the standard after the window
    steps(model, 2)
    paid = entries(model, "minimum_living_guarantee")
    assert paid["recipient_id"].tolist() == [0, 3] * 3
    nobody = steps(build({"minimum_living_guarantee": {**MLG, "take_up": 0.0}}, *households()), 2)
    assert entries(nobody, "minimum_living_guarantee").empty
    # 2 claims of 800 against 1,000: one paid in January; February has 200 left for two claims of 800
    capped = steps(build({"minimum_living_guarantee": {**MLG, "budget": 1000.0}}, *households()), 2)
    assert policy_row(capped, "2019-01", "minimum_living_guarantee") == (2.0, 1.0, 800.0, 1.0, 800.0, 1.0)
    assert policy_row(capped, "2019-02", "minimum_living_guarantee") == (2.0, 0.0, 0.0, 2.0, 1600.0, 0.0)


def test_neutral_guarantee_leaves_the_baseline():
    model = steps(build({"minimum_living_guarantee": {**MLG, "threshold": 0.0}}, *households()), 3)
    base = steps(build(None, *households()), 3)
    assert model.ledger.entries().equals(base.ledger.entries())
    assert np.array_equal(model.workers.status, base.workers.status)


def test_disregard_weakens_the_disincentive_to_work():
    # 10 households of 3 unemployed people (last wage 5,000) get 3 x 1,500 = 4,500 each; in February
    # they meet 30 posts. The top-up a member would lose by working, weighted 0.6 like benefit:
    # disregard 0: min(4,500, 5,000) x 0.6 = 2,700; disregard 0.5: min(4,500, 2,500) x 0.6 = 1,500.
    def run(policies):
        workers, firms = firms_with_staff([0], unemployed=30)
        workers.household[:] = np.arange(30) // 3
        model = steps(build(policies, workers, firms, 2, OPEN_MARKET), 1)
        model.firms.scale[:] = 30  # posts open in February
        return model

    strict, lenient = (run({"minimum_living_guarantee": {**MLG, "threshold": 1500.0, "earnings_disregard": d}}) for d in (0.0, 0.5))
    base = run(None)
    seekers = np.arange(30)
    assert strict.policies.levers[0].reservation_shift(seekers) == pytest.approx(np.full(30, 2700.0))
    assert lenient.policies.levers[0].reservation_shift(seekers) == pytest.approx(np.full(30, 1500.0))
    for model in (strict, lenient, base):
        model.step()
    # common random numbers: the same offers; a higher reservation wage accepts fewer of them
    assert hires(strict) < hires(lenient) < hires(base)


# --- gig_accident_insurance -----------------------------------------------------------

GIG = {"start": "2019-01", "end": "2020-12", "clause": "002 §3"}


def gig_workers(solo=4):
    """Rows 0..solo-1 sole traders, then a firm owner, an employee of the firm and a job seeker."""
    workers, firms = firms_with_staff([1], unemployed=solo + 2)
    rows = np.arange(1, solo + 1)
    workers.status[rows] = Status.SELF_EMPLOYED
    owner = solo + 1
    workers.status[owner] = Status.SELF_EMPLOYED
    workers.employer[owner] = 0
    firms.owner[0] = owner
    return workers, firms


def test_gig_workers_get_the_subsidy_once_a_year():
    model = steps(build({"gig_accident_insurance": GIG}, *gig_workers(), months=14), 14)
    paid = entries(model, "gig_accident_insurance")
    # sole traders (ids 1-4) at enrolment in January 2019 and again 12 months on; not the firm
    # owner (5), the employee (0) or the job seeker (6)
    assert paid["recipient_id"].tolist() == [1, 2, 3, 4] * 2
    assert paid["date"].tolist() == ["2019-01"] * 4 + ["2020-01"] * 4
    assert paid["amount"].tolist() == pytest.approx([-100.0] * 8)
    assert policy_row(model, "2019-02", "gig_accident_insurance") == (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    cheaper = steps(build({"gig_accident_insurance": {**GIG, "amount": 60.0}}, *gig_workers()), 1)
    assert entries(cheaper, "gig_accident_insurance")["amount"].sum() == pytest.approx(-240.0)


def test_gig_window_take_up_and_budget():
    late = steps(build({"gig_accident_insurance": {**GIG, "start": "2019-03"}}, *gig_workers(), months=4), 4)
    assert entries(late, "gig_accident_insurance")["date"].unique().tolist() == ["2019-03"]
    nobody = steps(build({"gig_accident_insurance": {**GIG, "take_up": 0.0}}, *gig_workers()), 2)
    assert entries(nobody, "gig_accident_insurance").empty
    # 4 claims of 100 against 250: 2 paid; in February the other 2 claim again against 50 left
    capped = steps(build({"gig_accident_insurance": {**GIG, "budget": 250.0}}, *gig_workers()), 2)
    assert policy_row(capped, "2019-01", "gig_accident_insurance") == (4.0, 2.0, 200.0, 2.0, 200.0, 2.0)
    assert policy_row(capped, "2019-02", "gig_accident_insurance") == (2.0, 0.0, 0.0, 2.0, 200.0, 0.0)


def test_neutral_gig_insurance_leaves_the_baseline():
    behaviour = {"self_employment_exit_rate": 0.3}
    model = steps(build({"gig_accident_insurance": {**GIG, "amount": 0.0}}, *gig_workers(20), months=3, behaviour=behaviour), 3)
    base = steps(build(None, *gig_workers(20), months=3, behaviour=behaviour), 3)
    assert model.ledger.entries().equals(base.ledger.entries())
    assert np.array_equal(model.workers.status, base.workers.status)


def test_insured_gig_workers_give_up_less_often():
    # exit hazard 0.5 a month; cover bought in January halves it from February: 0.25
    behaviour = {"self_employment_exit_rate": 0.5}
    lever = {"gig_accident_insurance": {**GIG, "exit_multiplier": 0.5}}
    insured = steps(build(lever, *gig_workers(40), months=2, behaviour=behaviour), 2)
    base = steps(build(None, *gig_workers(40), months=2, behaviour=behaviour), 2)
    ids = np.arange(1, 41)
    u1 = rng.uniform(1, ids, insured.month - 2, Purpose.STARTUP_FAILURE)
    u2 = rng.uniform(1, ids, insured.month - 1, Purpose.STARTUP_FAILURE)
    left_jan = set(ids[u1 < 0.5].tolist())  # the same in both runs: no one is covered yet
    stayed_base = set(ids[(u1 >= 0.5) & (u2 >= 0.5)].tolist())
    stayed_insured = set(ids[(u1 >= 0.5) & (u2 >= 0.25)].tolist())

    def solo(model):
        w = model.workers
        return set(w.id[(w.status == Status.SELF_EMPLOYED) & (w.employer < 0)].tolist())

    assert solo(base) == stayed_base
    assert solo(insured) == stayed_insured
    assert stayed_base < stayed_insured and left_jan.isdisjoint(stayed_insured)


# --- pes_services ---------------------------------------------------------------------

PES = {"start": "2019-01", "end": "2019-12", "clause": "003 (三)"}


def seekers():
    """Workers 0, 1 employed; 2 and 3 registered and living with them; 4 registered alone (a
    zero-employment household: hard to employ); 5 unregistered."""
    workers, firms = firms_with_staff([2], unemployed=4)
    workers.household[:] = [0, 1, 0, 1, 4, 5]
    workers.registered[2:5] = True
    return workers, firms


def test_service_costs_are_contacts_times_cost():
    model = steps(build({"pes_services": PES}, *seekers()), 1)
    follow_up, one_to_one, fairs = (entries(model, line) for line in ("pes_follow_up", "pes_one_to_one", "pes_job_fairs"))
    assert follow_up["recipient_id"].tolist() == [2, 3, 4]  # registered only
    assert follow_up["amount"].tolist() == pytest.approx([-30.0] * 3)  # 1 contact x 30 yuan
    assert one_to_one["recipient_id"].tolist() == [4]  # the hard-to-employ one
    assert one_to_one["amount"].tolist() == pytest.approx([-300.0])
    assert fairs["recipient_kind"].tolist() == ["aggregate"]
    assert fairs["amount"].tolist() == pytest.approx([-20_000.0])  # 1 fair x 20,000
    # 3 persons followed up + 1 assisted + 1 fair; 3 x 30 + 300 + 20,000 = 20,390
    assert policy_row(model, "2019-01", "pes_services") == pytest.approx((5.0, 5.0, 20_390.0, 0.0, 0.0, 3.0))
    busy = {**PES, "follow_ups_per_month": 2, "fairs_per_month": 4.0, "fair_cost": 5000.0}
    model = steps(build({"pes_services": busy}, *seekers()), 1)
    assert entries(model, "pes_follow_up")["amount"].sum() == pytest.approx(-3 * 2 * 30.0)
    assert entries(model, "pes_job_fairs")["amount"].sum() == pytest.approx(-4 * 5000.0)


def test_services_raise_next_months_search_effort():
    # fairs reaching everyone: x1.2 for all seekers; follow-up x1.1 for the registered; one-to-one x1.5
    model = steps(build({"pes_services": {**PES, "fair_reach": 1.0}}, *seekers()), 1)
    effort = model.policies.search_effort(np.arange(2, 6))
    assert effort == pytest.approx([1.1 * 1.2, 1.1 * 1.2, 1.1 * 1.5 * 1.2, 1.2])


def test_pes_window_take_up_and_budget():
    late = steps(build({"pes_services": {**PES, "start": "2019-02"}}, *seekers()), 2)
    assert set(late.ledger.entries()["date"][late.ledger.entries()["line"].str.startswith("pes")]) == {"2019-02"}
    # without take-up no one is followed up or assisted; fairs are held all the same
    nobody = steps(build({"pes_services": {**PES, "take_up": 0.0}}, *seekers()), 1)
    assert entries(nobody, "pes_follow_up").empty and entries(nobody, "pes_one_to_one").empty
    assert len(entries(nobody, "pes_job_fairs")) == 1
    # 400 yuan: follow-ups (90) and one-to-one (300) are paid first; the fair (20,000) is refused
    capped = steps(build({"pes_services": {**PES, "budget": 400.0, "fair_reach": 1.0}}, *seekers()), 1)
    assert policy_row(capped, "2019-01", "pes_services") == pytest.approx((5.0, 4.0, 390.0, 1.0, 20_000.0, 3.0))
    assert capped.policies.search_effort(np.array([5])) == pytest.approx([1.0])  # no fair, no reach


def test_neutral_pes_services_leave_the_baseline():
    neutral = {**PES, "follow_ups_per_month": 0, "assistance": False, "fairs_per_month": 0.0}
    model = steps(build({"pes_services": neutral}, *seekers(), behaviour=OPEN_MARKET), 3)
    base = steps(build(None, *seekers(), behaviour=OPEN_MARKET), 3)
    assert model.ledger.entries().equals(base.ledger.entries())
    assert np.array_equal(model.workers.status, base.workers.status)


def test_follow_up_raises_job_finding_of_those_reached():
    # 100 registered and 100 unregistered seekers (last wage 1,000: they accept any offer) meet
    # 200 posts in February; follow-up in January doubles the registered seekers' effort
    def run(policies):
        workers, firms = firms_with_staff([0], unemployed=200, wage=5000.0)
        workers.last_wage[:] = 1000.0
        workers.registered[:100] = True
        behaviour = {"matching_efficiency": 0.3, "segment_by_skill": False, "cross_segment_search": 0.0}
        model = steps(build(policies, workers, firms, 2, behaviour), 1)
        model.firms.scale[:] = 200
        return steps(model, 1)

    lever = {**PES, "follow_up_effort": 2.0, "fairs_per_month": 0.0, "assistance": False}
    served, base = run({"pes_services": lever}), run(None)
    registered = set(range(100))
    assert hires(base) & registered < hires(served) & registered  # more of those reached find work
    assert hires(served) - registered <= hires(base) - registered  # the others face more competition
