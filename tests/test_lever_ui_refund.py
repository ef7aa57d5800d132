"""ui_refund and contribution_rates on hand-built firms, against figures computed by hand."""

import numpy as np
import pytest

from lmsim.simulation import Simulation

from conftest import firms_with_staff, make_scenario

RATES = {"start": "2019-01", "pension_employer": 0.16, "pension_employee": 0.08, "medical_employer": 0.08,
         "medical_employee": 0.02, "ui_employer": 0.005, "ui_employee": 0.005}
# the third firm's demand falls to 70 % in July 2019: with no hoarding it lays off 3 of its 10
SHOCK = [{"start": "2019-07", "end": "2020-12", "demand": float(np.log(0.7)), "sectors": ["all"]}]


def scenario(policies=None, months=15, shock=False, **behaviour):
    return make_scenario(
        months=months,
        contributions={"rates": [RATES]},
        behaviour={"hoarding_band": 0.0, "layoff_speed": 1.0, **behaviour},
        policies=policies or {},
    )


def run(policies=None, shock: bool | str = False, staff=(10, 10, 10), insures=(True, True, True), months=15, demand=0.7):
    """``shock``: True for SHOCK, or the month demand falls to ``demand`` of normal (to December 2020)."""
    sc = scenario(policies, months)
    if shock:
        spec = SHOCK[0] if shock is True else {**SHOCK[0], "start": shock, "demand": float(np.log(demand))}
        sc.shocks = [type(sc).model_fields["shocks"].annotation.__args__[0](**spec)]
    workers, firms = firms_with_staff(list(staff), insures=list(insures))
    model = Simulation(sc, 1, (workers, firms)).build()
    for _ in range(months):
        model.step()
    return model


def refunds(model):
    entries = model.ledger.entries()
    return entries[entries["line"] == "ui_refund"]


# every eligible firm applies (application_cost 0), so the rules alone decide
REFUND = {"start": "2019-01", "end": "2019-12", "clause": "001 (七)", "application_cost": 0.0}


def test_a_firm_applies_only_for_a_refund_worth_the_application():
    # each insured firm's refund is 3,000 yuan (below): worth an application costing 3,000, not 3,000.01
    applied = run({"ui_refund": {**REFUND, "application_cost": 3000.0}}, insures=(True, True, False))
    assert list(refunds(applied)["recipient_id"]) == [0, 1]
    assert refunds(run({"ui_refund": {**REFUND, "application_cost": 3000.01}}, insures=(True, True, False))).empty


def test_refund_is_half_of_last_years_premiums_paid_in_march():
    # firms 0 and 1 keep their 10 staff all year; firm 2 is not insured
    model = run({"ui_refund": REFUND}, insures=(True, True, False))
    paid = refunds(model)
    premiums_2019 = 12 * 10 * 5000 * (0.005 + 0.005)  # 6,000 yuan each
    assert list(paid["recipient_id"]) == [0, 1]
    assert list(paid["date"]) == ["2020-03", "2020-03"]
    assert paid["amount"].tolist() == pytest.approx([-0.5 * premiums_2019] * 2)  # 3,000 each
    # the refund goes into the firm's cash: firm 0 differs from the uninsured firm 2 by the refund
    # less 15 months of employer contributions (50,000 x (0.16 + 0.08 + 0.005) = 12,250 a month)
    assert model.firms.cash[0] - model.firms.cash[2] == pytest.approx(3000 - 15 * 12250)


def test_firm_over_the_threshold_gets_nothing_and_arrears_bar_it():
    model = run({"ui_refund": REFUND}, shock=True)
    # the shock made every firm (one sector) lay off 3 of 10 in July 2019: 30 % > 20 % for firms of <= 30 staff
    assert list(model.firms.layoffs_last_year) == [3, 3, 3]
    assert refunds(model).empty
    model = run({"ui_refund": {**REFUND, "small_firm_threshold": 0.3}}, shock=True)
    assert len(refunds(model)) == 3  # 3 of 10 is within a 30 % threshold


def test_firms_hold_labour_near_the_threshold_only_when_the_refund_pays_for_it_till_december():
    # Firms of 40 staff (threshold 5.5 % of 40: 2 layoffs a year) whose demand falls to 92.5 %
    # (target 37) plan 3 layoffs; keeping the third costs 5,000 x (1 + 0.16 + 0.08 + 0.005) = 6,225
    # a month until December. The refund at stake: half the year's premiums (40 x 5,000 x 1 % = 2,000
    # a month), projected from the months collected: 12,000.
    # December: 6,225 x 1 month < 12,000: held. November: 6,225 x 2 = 12,450 > 12,000: laid off.
    held = run({"ui_refund": REFUND}, shock="2019-12", staff=(40, 40, 40), demand=0.925)
    not_held = run({"ui_refund": REFUND}, shock="2019-11", staff=(40, 40, 40), demand=0.925)
    assert list(run(None, shock="2019-12", staff=(40, 40, 40), demand=0.925).firms.layoffs_last_year) == [3, 3, 3]
    assert list(held.firms.layoffs_last_year) == [2, 2, 2]
    assert list(not_held.firms.layoffs_last_year) == [3, 3, 3]
    assert refunds(not_held).empty
    # premiums: Jan-Nov 40 staff (2,000 a month), December 38 (1,900): 23,900, refund 11,950 each
    assert refunds(held)["amount"].tolist() == pytest.approx([-11950.0] * 3)
    # terms set after the year (anticipated false) hold nothing back
    unannounced = run({"ui_refund": {**REFUND, "anticipated": False}}, shock="2019-12", staff=(40, 40, 40), demand=0.925)
    assert list(unannounced.firms.layoffs_last_year) == [3, 3, 3]


def test_window_take_up_and_budget():
    outside = run({"ui_refund": {**REFUND, "start": "2020-01", "end": "2020-03"}})
    assert refunds(outside).empty  # 2020 is assessed in 2021, beyond the horizon
    nobody = run({"ui_refund": {**REFUND, "take_up": 0.0}})
    assert refunds(nobody).empty
    capped = run({"ui_refund": {**REFUND, "budget": 7000.0}})
    assert len(refunds(capped)) == 2  # 3 x 3,000 claimed, 2 fit in 7,000
    rows = capped.policy_rows
    march = [r for r in rows if r[0] == "2020-03" and r[1] == "ui_refund"][0]
    assert march[2:10] == (3.0, 2.0, 6000.0, 1.0, 3000.0, 0.0, 0.0, 0.0)  # claims, recipients, paid, refused, refused yuan, entrants, lent, jobs


def test_contribution_rates_in_force_only_in_window():
    rates = {"start": "2019-03", "end": "2019-04", "clause": "001 (九)", "ui_employer": 0.002, "pension_employer": 0.14}
    model = run({"contribution_rates": rates}, months=5, staff=(10,), insures=(True,))
    e = model.ledger.entries()
    ui = e[e["line"] == "contribution_ui_employer"].set_index("date")["amount"]
    pension = e[e["line"] == "contribution_pension_employer"].set_index("date")["amount"]
    base = 10 * 5000
    assert ui.tolist() == pytest.approx([0.005 * base, 0.005 * base, 0.002 * base, 0.002 * base, 0.005 * base])
    assert pension.tolist() == pytest.approx([0.16 * base, 0.16 * base, 0.14 * base, 0.14 * base, 0.16 * base])


def test_lower_rates_raise_labour_demand():
    # with a labour-demand elasticity, a cut in the employer rate lowers labour cost and raises targets
    from lmsim import firms as firm_rules

    rates = {"start": "2019-01", "end": "2019-12", "clause": "002 §8", "pension_employer": 0.10}
    sc = scenario({"contribution_rates": rates}, months=1, labour_demand_elasticity=0.5)
    base = scenario(None, months=1, labour_demand_elasticity=0.5)
    targets = []
    for s in (base, sc):
        workers, firms = firms_with_staff([10])
        firms.unit_cost[:] = 5000 * 1.245  # the cost at the scenario's rates
        model = Simulation(s, 1, (workers, firms)).build()
        targets.append(firm_rules.target_staff(model, firm_rules.staff_demanded(model))[0])
    assert targets[0] == pytest.approx(10.0)
    assert targets[1] == pytest.approx(10 * ((5000 * 1.185) / (5000 * 1.245)) ** -0.5)
