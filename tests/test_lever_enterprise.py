"""Enterprise levers on hand-built populations, against figures computed by hand:
guaranteed_loans, stable_post_loans, startup_subsidy, ui_lump_sum_startup, student_startup_grant.

Start-ups are switched on by behaviour overrides: every unemployed person tries each month
(startup_rate 1) and, with no dispersion, needs exactly startup_capital_median; savings are set
by hand. Founders are sole traders unless a test lets them open firms (startup_employer_share).
"""

import numpy as np
import pytest

from lmsim import firms as firm_rules
from lmsim import rng
from lmsim.calendar import parse_month
from lmsim.policies import POLICY_COLUMNS
from lmsim.population import Separation, Status
from lmsim.rng import Purpose
from lmsim.simulation import Simulation

from conftest import firms_with_staff, make_scenario

SEED = 5
JAN, FEB = parse_month("2019-01"), parse_month("2019-02")
YEAR = {"start": "2019-01", "end": "2019-12"}
LOANS = {**YEAR, "clause": "001 (六)", "partnership_share": 0.0, "counter_guarantee_share": 1.0}
SUBSIDY = {**YEAR, "clause": "001 (十一)"}
LUMP = {**YEAR, "clause": "001 (十一)"}
GRANT = {**YEAR, "clause": "004 §14"}
STABLE = {**YEAR, "clause": "002 §8"}
FOUNDING = {"startup_rate": 1.0, "startup_capital_dispersion": 0.0, "startup_employer_share": 0.0}


def founders(n, savings, **columns):
    """Rows 1..n: unemployed would-be founders with the given savings; row 0 works for firm 0."""
    workers, firms = firms_with_staff([1], unemployed=n)
    workers.savings[1:] = savings
    for name, value in columns.items():
        getattr(workers, name)[1:] = value
    return workers, firms


def run(population, policies=None, months=1, **behaviour):
    scenario = make_scenario(months=months, behaviour={**FOUNDING, **behaviour}, policies=policies or {})
    model = Simulation(scenario, SEED, population).build()
    for _ in range(months):
        model.step()
    return model


def entries(model, line):
    e = model.ledger.entries()
    return e[e["line"] == line].reset_index(drop=True)


def lever(model, name):
    return next(lev for lev in model.policies.levers if lev.name == name)


def self_employed(model):
    return np.flatnonzero(model.workers.status == Status.SELF_EMPLOYED).tolist()


def policy_row(model, name, date):
    return next(r for r in model.policy_rows if r[0] == date and r[1] == name)[2:8]


# --- guaranteed_loans: founders ---------------------------------------------------------------


def test_founder_loan_with_interest_subsidised_by_the_guarantee_fund():
    # rows 1-3 registered unemployed, row 4 not: savings 10,000, need 60,000
    population = founders(4, 10_000.0, registered=True)
    population[0].registered[4] = False
    model = run(population, {"guaranteed_loans": LOANS}, months=3, startup_capital_median=60_000.0)
    assert self_employed(model) == [1, 2, 3]  # row 4 is in no eligible group: 10,000 < 60,000
    loans = lever(model, "guaranteed_loans")
    assert loans.lent_in_year == {2019: pytest.approx(3 * 50_000.0)}  # each borrows 60,000 - 10,000
    row = {date: dict(zip(POLICY_COLUMNS, r)) for r in model.policy_rows if r[1] == "guaranteed_loans" for date in [r[0]]}
    assert row["2019-01"]["lent"] == pytest.approx(3 * 50_000.0)
    # jobs at the financed businesses: the three sole traders, counted at the month end after they start
    assert [row[d]["jobs"] for d in ("2019-01", "2019-02", "2019-03")] == [3.0, 3.0, 3.0]
    # a financed founder who owns a firm brings its staff: firm 0 (4 staff, standing for 2 firms)
    # made founder 1's, founder 2 back to search: 2 sole traders + 2 x 4 staff
    f, w = model.firms, model.workers
    f.owner[0], f.employees[0], f.weight[0] = 1, 4, 2.0
    w.status[2] = Status.UNEMPLOYED
    assert loans.jobs_at_financed_businesses() == 2 + 2 * 4
    paid = entries(model, "loan_interest_subsidy")
    assert list(paid["date"]) == ["2019-02"] * 3 + ["2019-03"] * 3  # from the month after the loan
    assert set(paid["recipient_kind"]) == {"bank"} and list(paid["recipient_id"]) == [1, 2, 3, 1, 2, 3]
    assert set(paid["fund"]) == {"guarantee_fund"}
    instalment = 50_000 / 24  # 2,083.33 a month over 24 months
    feb = 50_000 * 0.0435 / 12  # 181.25
    mar = (50_000 - instalment) * 0.0435 / 12  # 173.70
    assert paid["amount"].tolist() == pytest.approx([-feb] * 3 + [-mar] * 3)
    assert loans.people.outstanding.tolist() == pytest.approx([50_000 - 2 * instalment] * 3)


def test_raising_the_cap_raises_start_ups_when_needs_exceed_the_old_cap():
    # 300 registered unemployed with 20,000 of savings; needs spread around 100,000
    n, savings = 300, 20_000.0
    behaviour = {"startup_capital_median": 100_000.0, "startup_capital_dispersion": 0.5}
    ids = np.arange(1, n + 1)
    need = 100_000.0 * np.exp(0.5 * rng.normal(SEED, ids, JAN, Purpose.STARTUP_CAPITAL))  # the engine's draw
    started = {}
    for cap in (None, 100_000.0, 150_000.0):
        policies = {"guaranteed_loans": {**LOANS, "individual_cap": cap}} if cap else None
        model = run(founders(n, savings, registered=True), policies, **behaviour)
        started[cap] = self_employed(model)
        # by hand: a founder starts iff need - savings <= cap (no loan: need <= savings)
        assert started[cap] == ids[need - savings <= (cap or 0.0)].tolist()
        if cap:
            book = lever(model, "guaranteed_loans").people
            assert book.principal.tolist() == pytest.approx((need - savings)[(need > savings) & (need - savings <= cap)].tolist())
    assert len(started[None]) < len(started[100_000.0]) < len(started[150_000.0])
    assert set(started[100_000.0]) <= set(started[150_000.0])  # common random numbers: only additions


def test_counter_guarantee_and_partnership_caps():
    # need 130,000, savings 10,000: a loan of 120,000, above the 100,000 needing no counter-guarantee
    def starts(**params):
        model = run(founders(1, 10_000.0, registered=True), {"guaranteed_loans": {**LOANS, **params}},
                    startup_capital_median=130_000.0)
        return self_employed(model) == [1]

    assert starts()  # counter-guarantee given (share 1), cap 150,000
    assert not starts(counter_guarantee_share=0.0)  # without one the loan stops at 100,000
    assert not starts(individual_cap=100_000.0)  # the old cap of 001 (六)
    assert starts(partnership_share=1.0, partnership_size=6)  # min(150,000, 750,000 / 6 = 125,000) >= 120,000
    assert not starts(partnership_share=1.0, partnership_size=7)  # 750,000 / 7 = 107,142.86 < 120,000


def test_eligible_groups():
    # rows: 1 registered, 2 veteran, 3 rural hukou, 4 poverty-registered, 5 graduate of 2018,
    # 6 graduate of 2016 (more than 2 years ago), 7 none of these
    workers, firms = founders(7, 10_000.0)
    workers.registered[1] = True
    workers.veteran[2] = True
    workers.urban_hukou[3] = False
    workers.poverty_registered[4] = True
    workers.graduation_year[5:7] = [2018, 2016]
    model = run((workers, firms), {"guaranteed_loans": LOANS}, startup_capital_median=60_000.0)
    assert self_employed(model) == [1, 2, 3, 4, 5]
    workers, firms = founders(7, 10_000.0)
    workers.veteran[2] = True
    workers.registered[1] = True
    model = run((workers, firms), {"guaranteed_loans": {**LOANS, "groups": ["veterans"]}}, startup_capital_median=60_000.0)
    assert self_employed(model) == [2]


def test_window_take_up_and_repeat_limit():
    population = lambda: founders(2, 10_000.0, registered=True)  # noqa: E731
    late = run(population(), {"guaranteed_loans": {**LOANS, "start": "2019-02"}}, months=2, startup_capital_median=60_000.0)
    assert lever(late, "guaranteed_loans").people.start.tolist() == [FEB, FEB]  # January's attempts failed
    nobody = run(population(), {"guaranteed_loans": {**LOANS, "take_up": 0.0}}, startup_capital_median=60_000.0)
    assert self_employed(nobody) == [] and nobody.ledger.entries().query("fund == 'guarantee_fund'").empty
    # a person who has had max_loans subsidised loans gets no more
    scenario = make_scenario(months=1, behaviour={**FOUNDING, "startup_capital_median": 60_000.0},
                             policies={"guaranteed_loans": LOANS})
    model = Simulation(scenario, SEED, population()).build()
    lever(model, "guaranteed_loans")._taken = np.array([0, 3, 2], dtype=np.int16)  # row 1: 3 loans, row 2: 2
    model.step()
    assert self_employed(model) == [2]


def test_default_is_paid_by_the_fund_and_partly_recovered():
    # January: a loan of 50,000; February: the sole trader gives up (exit hazard 1) before any
    # instalment and, owing the loan and with no savings left, cannot start again: out of work,
    # they miss February's, March's and April's instalments, so in April (overdue_months 3) the
    # fund pays the bank 50,000; 2 months later it recovers 30 %: 15,000
    params = {**LOANS, "recovery_share": 0.3, "recovery_months": 2}
    model = run(founders(1, 10_000.0, registered=True), {"guaranteed_loans": params}, months=6,
                startup_capital_median=60_000.0, self_employment_exit_rate=1.0)
    default = entries(model, "loan_default")
    assert default[["date", "recipient_kind", "recipient_id"]].values.tolist() == [["2019-04", "bank", 1]]
    assert default["amount"].tolist() == pytest.approx([-50_000.0])
    recovery = entries(model, "loan_recovery")
    assert recovery[["date", "recipient_kind", "recipient_id"]].values.tolist() == [["2019-06", "worker", 1]]
    assert recovery["amount"].tolist() == pytest.approx([15_000.0])
    assert entries(model, "loan_interest_subsidy").empty  # no instalment was ever paid
    # a defaulter gets no new loan: without savings left (10,000 went into the business) no restart
    assert model.workers.status[1] == Status.UNEMPLOYED and len(lever(model, "guaranteed_loans").people) == 0
    closing = model.ledger.balances(JAN).query("fund == 'guarantee_fund'")["closing"].iloc[-1]
    assert closing == pytest.approx(-50_000 + 15_000)


def test_a_failed_founder_in_work_repays_and_one_out_of_work_defaults():
    # January: a loan of 50,000. Before February the founder is given 60,000 of savings: the
    # business fails in February (exit hazard 1) and they start again on their own money, so
    # they are in work at the month's end and pay February's instalment, 50,000 / 24. In March
    # it fails again; with no savings left and the loan owed they cannot restart and miss March's,
    # April's and May's instalments: in May the fund pays the bank the 50,000 - 2,083.33 owed.
    scenario = make_scenario(months=1, behaviour={**FOUNDING, "startup_capital_median": 60_000.0, "self_employment_exit_rate": 1.0},
                             policies={"guaranteed_loans": LOANS})
    model = Simulation(scenario, SEED, founders(1, 10_000.0, registered=True)).build()
    model.step()
    model.workers.savings[1] = 60_000.0
    model.step()
    book = lever(model, "guaranteed_loans").people
    assert model.workers.status[1] == Status.SELF_EMPLOYED
    assert book.outstanding.tolist() == pytest.approx([50_000 - 50_000 / 24]) and book.overdue.tolist() == [0]
    assert entries(model, "loan_default").empty
    for _ in range(2):  # March, April
        model.step()
    assert book.overdue.tolist() == [2] and book.outstanding.tolist() == pytest.approx([50_000 - 50_000 / 24])
    assert entries(model, "loan_default").empty
    model.step()  # May: the third instalment missed
    default = entries(model, "loan_default")
    assert default[["date", "recipient_id"]].values.tolist() == [["2019-05", 1]]
    assert default["amount"].tolist() == pytest.approx([-(50_000 - 50_000 / 24)])


def test_founders_firm_repays_from_its_cash_and_its_failure_leads_to_a_default():
    # the founder opens a firm whose opening cash is the need, 60,000 (10,000 savings + 50,000 loan)
    model = run(founders(1, 10_000.0, registered=True), {"guaranteed_loans": LOANS}, months=3,
                startup_capital_median=60_000.0, startup_employer_share=1.0)
    firm = model.workers.employer[1]
    assert model.firms.owner[firm] == 1
    instalment = 50_000 / 24
    assert model.firms.loans[firm] == pytest.approx(50_000 - 2 * instalment)  # the interest is subsidised
    assert model.firms.cash[firm] == pytest.approx(60_000 - 2 * instalment)  # no staff, no revenue, no costs
    # with a failure rate of 1 - 0.5 ** 12 a year (0.5 a month) the firm (row and id 1) closes in
    # the first month from February whose draw is below 0.5; its founder's loan left after the
    # instalments before is paid by the fund
    annual = 1 - 0.5**12
    assert firm_rules.startup_hazard([annual], np.array([0, 30])) == pytest.approx([0.5, 0.5])
    months = np.arange(FEB, FEB + 6)
    u = np.array([rng.uniform(SEED, np.array([1]), int(month), Purpose.FIRM_EXIT)[0] for month in months])
    closing = months[np.argmax(u < 0.5)]
    assert closing > FEB  # at least one instalment is paid first (the seed makes it so)
    failing = run(founders(1, 10_000.0, registered=True), {"guaranteed_loans": LOANS}, months=9,
                  startup_capital_median=60_000.0, startup_employer_share=1.0, startup_failure_by_year=[annual])
    assert not failing.firms.alive[1]
    default = entries(failing, "loan_default")
    assert default[["recipient_kind", "recipient_id"]].values.tolist() == [["bank", 1]]
    # the founder, out of work, misses the instalments of the closing month and the two after
    assert parse_month(default["date"].iloc[0]) == closing + 2
    assert default["amount"].iloc[0] == pytest.approx(-(50_000 - (closing - FEB) * instalment))
    assert failing.firms.loans[1] == pytest.approx(0.0)


def test_bank_reward_and_budget():
    model = run(founders(2, 10_000.0, registered=True), {"guaranteed_loans": LOANS}, months=12,
                startup_capital_median=60_000.0)
    reward = entries(model, "bank_reward")
    assert reward["date"].tolist() == ["2019-12"]
    assert reward["amount"].tolist() == pytest.approx([-0.01 * 2 * 50_000])  # 1 % of the year's new loans
    # a budget of 1.5 February interest subsidies: one of the two is paid in February, none in March
    feb = 50_000 * 0.0435 / 12  # 181.25
    capped = run(founders(2, 10_000.0, registered=True), {"guaranteed_loans": {**LOANS, "budget": 1.5 * feb}},
                 months=3, startup_capital_median=60_000.0)
    assert entries(capped, "loan_interest_subsidy")["amount"].tolist() == pytest.approx([-feb])
    assert policy_row(capped, "guaranteed_loans", "2019-02") == pytest.approx((2.0, 1.0, feb, 1.0, feb, 0.0))
    mar = (50_000 - 50_000 / 24) * 0.0435 / 12
    assert policy_row(capped, "guaranteed_loans", "2019-03") == pytest.approx((2.0, 0.0, 0.0, 2.0, 2 * mar, 0.0))


# --- guaranteed_loans: small and micro firms --------------------------------------------------


def losing_firm(hires=3, staff=10, **firm_columns):
    """One uninsured firm of ``staff`` earning nothing: it loses its payroll (50,000) every month
    from opening cash of 60,000."""
    workers, firms = firms_with_staff([staff], insures=[False])
    firms.productivity[:] = 0.0
    firms.cash[:] = 60_000.0
    firms.hires_this_year[:] = hires
    for name, value in firm_columns.items():
        getattr(firms, name)[:] = value
    return workers, firms


def test_firm_loan_keeps_a_firm_short_of_cash_from_exiting():
    # baseline: cash 10,000 after January, negative from February; the 6th month in a row
    # (July) the firm exits and its 10 staff lose their jobs
    base = run(losing_firm(), months=7, startup_rate=0.0)
    assert not base.firms.alive[0] and (base.workers.status == Status.UNEMPLOYED).sum() == 10
    model = run(losing_firm(), {"guaranteed_loans": LOANS}, months=7, startup_rate=0.0)
    assert model.firms.alive[0] and (model.workers.status == Status.EMPLOYED).sum() == 10
    book = lever(model, "guaranteed_loans").firm_loans
    # February: cash -40,000; loan = 40,000 + 3 months of payroll (150,000) = 190,000 (hires 3 >= 25 % of 10)
    first = entries(model, "firm_loan_interest_subsidy")
    assert first["date"].iloc[0] == "2019-03"
    # March: interest 190,000 x 4.35 % / 12 = 688.75, half subsidised (small and micro firms)
    assert first["amount"].iloc[0] == pytest.approx(-0.5 * 190_000 * 0.0435 / 12)
    assert len(book) >= 2 and book.start[0] == FEB  # a second loan when the cash ran out again


def test_firm_loan_amount_default_and_eligibility():
    params = {**LOANS, "max_loans": 1, "recovery_months": 0, "recovery_share": 0.5}
    model = run(losing_firm(), {"guaranteed_loans": params}, months=3, startup_rate=0.0)
    assert model.firms.loans[0] == pytest.approx(190_000 - 190_000 / 24)  # one instalment, in March
    # cash: 60,000 - 50,000 (Jan) - 50,000 (Feb) + 190,000 - 50,000 (Mar) - unsubsidised half of the
    # interest (344.375) - instalment (7,916.67)
    assert model.firms.cash[0] == pytest.approx(100_000 - 0.5 * 190_000 * 0.0435 / 12 - 190_000 / 24)
    # one loan only: the firm loses 50,000 + 8,261 a month; cash is negative from May and the firm exits
    # in the 6th month, October, owing 190,000 less 7 instalments (March-September)
    model = run(losing_firm(), {"guaranteed_loans": params}, months=10, startup_rate=0.0)
    assert not model.firms.alive[0]
    default = entries(model, "firm_loan_default")
    owed = 190_000 - 7 * 190_000 / 24
    assert default[["date", "recipient_kind", "recipient_id"]].values.tolist() == [["2019-10", "bank", 0]]
    assert default["amount"].tolist() == pytest.approx([-owed])
    assert entries(model, "firm_loan_recovery")["amount"].tolist() == pytest.approx([0.5 * owed])
    assert model.firms.loans[0] == pytest.approx(0.0)
    # not eligible: too few hires (2 < 25 % of 10), or not small (staff limit 10), or no counter-guarantee
    # for more than 100,000 (then the loan is 100,000)
    for population, extra in ((losing_firm(hires=2), {}), (losing_firm(), {"small_firm_staff": 10})):
        model = run(population, {"guaranteed_loans": {**LOANS, **extra}}, months=3, startup_rate=0.0)
        assert len(lever(model, "guaranteed_loans").firm_loans) == 0 and model.firms.loans[0] == 0
    model = run(losing_firm(), {"guaranteed_loans": {**LOANS, "counter_guarantee_share": 0.0}}, months=2, startup_rate=0.0)
    assert model.firms.loans[0] == pytest.approx(100_000.0)
    # over 100 staff a firm needs hires of 15 % of staff: 16 of 101 qualify, 15 do not
    for hires, lends in ((16, True), (15, False)):
        model = run(losing_firm(hires=hires, staff=101, cash=-1.0), {"guaranteed_loans": LOANS}, months=1, startup_rate=0.0)
        assert (len(lever(model, "guaranteed_loans").firm_loans) == 1) == lends


# --- stable_post_loans -----------------------------------------------------------------------

# the firm: 10 insured staff at 5,000, no revenue, no cash. January: wages 50,000 and employer
# contributions 50,000 x (0.16 + 0.08 + 0.007) = 12,350 leave cash at -62,350
COSTS = 50_000 + 12_350


def stable_firm(n=1, hires=2, **columns):
    workers, firms = firms_with_staff([10] * n)
    firms.productivity[:] = 0.0
    firms.cash[:] = 0.0
    firms.hires_this_year[:] = hires
    for name, value in columns.items():
        getattr(firms, name)[:] = value
    return workers, firms


def test_stable_post_loan_and_its_interest_subsidy_by_hand():
    model = run(stable_firm(), {"stable_post_loans": STABLE}, months=2, startup_rate=0.0)
    loan = COSTS + 3 * 50_000  # the shortfall plus 3 months of payroll: 212,350
    book = lever(model, "stable_post_loans").loans
    assert book.principal.tolist() == pytest.approx([loan]) and book.start.tolist() == [JAN]
    subsidy = entries(model, "stable_post_interest_subsidy")  # February: the gap of 4.75 % to 4 %
    assert subsidy[["date", "recipient_kind", "recipient_id"]].values.tolist() == [["2019-02", "bank", 0]]
    assert subsidy["amount"].tolist() == pytest.approx([-loan * 0.0075 / 12])
    # February: cash 150,000 - costs, the firm pays 4 % interest and 1/12 of the principal
    assert model.firms.cash[0] == pytest.approx(150_000 - COSTS - loan * 0.04 / 12 - loan / 12)
    assert model.firms.loans[0] == pytest.approx(loan - loan / 12)


def test_stable_post_loan_eligibility():
    def lent(population, **params):
        model = run(population, {"stable_post_loans": {**STABLE, **params}}, months=1, startup_rate=0.0)
        return len(lever(model, "stable_post_loans").loans) == 1

    assert lent(stable_firm())
    assert not lent(stable_firm(hires=0))  # no hiring record: 0 < 10 % of 10
    assert not lent(stable_firm(layoffs_this_year=1))  # 1 layoff > 5.5 % of 10
    assert lent(stable_firm(layoffs_this_year=1), max_layoff_share=0.1)
    assert not lent(stable_firm(insures=False))
    assert not lent(stable_firm(arrears=1.0))
    assert not lent(stable_firm(), small_firm_staff=10)
    assert not lent(stable_firm(cash=1e6))  # not short of cash
    assert not lent(stable_firm(), take_up=0.0)
    # cash for one month of costs: short of cash from February, in the window or not
    for window, starts in (({"end": "2019-01"}, []), ({"start": "2019-02"}, [FEB])):
        model = run(stable_firm(cash=COSTS), {"stable_post_loans": {**STABLE, **window}}, months=2, startup_rate=0.0)
        assert lever(model, "stable_post_loans").loans.start.tolist() == starts
    # a firm already in arrears when the window opens does not employ by the rules: no loan
    late = run(stable_firm(), {"stable_post_loans": {**STABLE, "start": "2019-02"}}, months=2, startup_rate=0.0)
    assert late.firms.arrears[0] > 0 and len(lever(late, "stable_post_loans").loans) == 0
    # last year's hires stand for the record early in a year: cash runs out in January 2020
    model = run(stable_firm(cash=12 * COSTS), {"stable_post_loans": {**STABLE, "end": "2020-01"}},
                months=13, startup_rate=0.0)
    assert model.firms.hires_this_year[0] == 0
    assert lever(model, "stable_post_loans").loans.start.tolist() == [parse_month("2020-01")]


def test_stable_post_loan_budget_and_survival():
    loan = COSTS + 150_000
    subsidy = loan * 0.0075 / 12  # 132.72
    model = run(stable_firm(n=2), {"stable_post_loans": {**STABLE, "budget": 200.0}}, months=2, startup_rate=0.0)
    assert policy_row(model, "stable_post_loans", "2019-02") == pytest.approx((2.0, 1.0, subsidy, 1.0, subsidy, 0.0))
    paid = entries(model, "stable_post_interest_subsidy")["recipient_id"].iloc[0]
    # the firm refused the subsidy pays the market rate: the gap more than the other
    assert model.firms.cash[1 - paid] - model.firms.cash[paid] == pytest.approx(-subsidy)
    # channel: without the loan the firm exits in its 6th month of negative cash (June)
    base = run(stable_firm(), months=6, startup_rate=0.0)
    model = run(stable_firm(), {"stable_post_loans": STABLE}, months=6, startup_rate=0.0)
    assert not base.firms.alive[0] and model.firms.alive[0]
    assert (model.workers.status == Status.EMPLOYED).sum() == 10


# --- startup_subsidy -------------------------------------------------------------------------


def test_first_time_founders_get_opening_trademark_and_rent_subsidies():
    # savings 10,000, need 12,000: only the 3,000 opening subsidy counted as credit lets them start
    base = run(founders(2, 10_000.0), months=3, startup_capital_median=12_000.0)
    model = run(founders(2, 10_000.0), {"startup_subsidy": {**SUBSIDY, "rent_months": 2}}, months=3,
                startup_capital_median=12_000.0)
    assert self_employed(base) == [] and self_employed(model) == [1, 2]
    opening, mark, rent = (entries(model, line) for line in ("opening_subsidy", "trademark_subsidy", "rent_subsidy"))
    assert opening[["date", "recipient_kind"]].values.tolist() == [["2019-01", "worker"]] * 2
    assert opening["amount"].tolist() == pytest.approx([-3000.0] * 2)
    assert mark["amount"].tolist() == pytest.approx([-500 * 0.5] * 2)  # 0.5 registrations expected
    assert rent["date"].tolist() == ["2019-01"] * 2 + ["2019-02"] * 2  # 2 months from opening
    assert rent["amount"].tolist() == pytest.approx([-800.0] * 4)
    assert set(model.ledger.entries().query("line.str.endswith('subsidy')")["fund"]) == {"employment_subsidy_fund"}


def test_firm_founder_subsidies_go_to_the_firm():
    model = run(founders(1, 10_000.0), {"startup_subsidy": SUBSIDY}, startup_capital_median=12_000.0,
                startup_employer_share=1.0)
    firm = model.workers.employer[1]
    opening = entries(model, "opening_subsidy")
    assert opening[["recipient_kind", "recipient_id"]].values.tolist() == [["firm", firm]]
    assert opening["amount"].tolist() == pytest.approx([-10_000.0])
    # opening cash 12,000 (of which the 3,000 counted), + the 7,000 beyond it, + January's rent 800
    assert model.firms.cash[firm] == pytest.approx(12_000 + 7_000 + 800)
    assert entries(model, "trademark_subsidy")["recipient_kind"].tolist() == ["worker"]


def test_only_a_first_start_is_subsidised_and_failure_ends_the_rent():
    # savings 20,000, need 5,000: the sole trader starts in January, gives up every month (hazard 1)
    # and starts again: the second business is not a first one
    model = run(founders(1, 20_000.0), {"startup_subsidy": {**SUBSIDY, "rent_exit_factor": 1.0}}, months=3,
                startup_capital_median=5_000.0, self_employment_exit_rate=1.0)
    assert model.workers.status[1] == Status.SELF_EMPLOYED and model.workers.savings[1] == pytest.approx(5_000)
    assert entries(model, "opening_subsidy")["date"].tolist() == ["2019-01"]
    assert entries(model, "rent_subsidy")["date"].tolist() == ["2019-01"]


def test_rent_subsidy_lowers_sole_traders_exit_with_common_random_numbers():
    # 200 sole traders open in January (savings suffice in both runs); in February half of them
    # would give up (hazard 0.5); the subsidised hazard is 0.5 x 0.5
    n = 200
    ids = np.arange(1, n + 1)
    behaviour = {"startup_capital_median": 5_000.0, "self_employment_exit_rate": 0.5}
    base = run(founders(n, 20_000.0), months=2, **behaviour)
    model = run(founders(n, 20_000.0), {"startup_subsidy": {**SUBSIDY, "rent_exit_factor": 0.5}}, months=2, **behaviour)
    u = rng.uniform(SEED, ids, FEB, Purpose.STARTUP_FAILURE)
    failed = lambda m: np.flatnonzero(m.workers.separation == Separation.BUSINESS_FAILURE).tolist()  # noqa: E731
    assert failed(base) == ids[u < 0.5].tolist()
    assert failed(model) == ids[u < 0.25].tolist()
    assert len(failed(model)) < len(failed(base))


def test_startup_subsidy_window_take_up_and_budget():
    # January's founders (savings suffice) opened before the window: never first-time inside it
    late = run(founders(2, 20_000.0), {"startup_subsidy": {**SUBSIDY, "start": "2019-02"}}, months=2,
               startup_capital_median=5_000.0)
    assert self_employed(late) == [1, 2] and late.ledger.entries().query("fund == 'employment_subsidy_fund'").empty
    nobody = run(founders(2, 10_000.0), {"startup_subsidy": {**SUBSIDY, "take_up": 0.0}}, startup_capital_median=12_000.0)
    assert self_employed(nobody) == []
    # budget 5,000 in January: opening 2 x 3,000 -> one paid; trademark 2 x 250 -> both (3,500);
    # rent 2 x 800 with 1,500 left -> one paid: 4,300 paid, 3,000 + 800 refused
    capped = run(founders(2, 20_000.0), {"startup_subsidy": {**SUBSIDY, "budget": 5000.0}}, startup_capital_median=5_000.0)
    assert policy_row(capped, "startup_subsidy", "2019-01") == pytest.approx((6.0, 4.0, 4300.0, 2.0, 3800.0, 2.0))


# --- ui_lump_sum_startup ---------------------------------------------------------------------

BENEFIT = 0.9 * 1800  # 1,620 a month


def test_ui_recipients_take_the_rest_of_their_benefit_to_start():
    # savings 5,000, need 12,000: row 1 has 5 months of benefit left (8,100), row 2 has 2 (3,240),
    # row 3 none
    base = run(founders_with_benefit([5, 2, 0]), months=1, startup_capital_median=12_000.0)
    model = run(founders_with_benefit([5, 2, 0]), {"ui_lump_sum_startup": LUMP}, startup_capital_median=12_000.0)
    assert self_employed(base) == [] and self_employed(model) == [1]  # 5,000 + 8,100 >= 12,000
    lump = entries(model, "ui_lump_sum")
    assert lump[["date", "fund", "recipient_kind", "recipient_id"]].values.tolist() == [["2019-01", "ui_fund", "worker", 1]]
    assert lump["amount"].tolist() == pytest.approx([-5 * BENEFIT])
    assert model.workers.benefit_months_left[1:].tolist() == [0, 1, 0]  # row 2 drew January's benefit
    assert entries(model, "ui_benefit")["recipient_id"].tolist() == [2]


def founders_with_benefit(months, savings=5_000.0):
    workers, firms = founders(len(months), savings)
    workers.benefit_months_left[1:] = months
    return workers, firms


def test_ui_lump_sum_window_take_up_and_budget():
    # from February: January's benefit is paid, 4 months are left: 5,000 + 4 x 1,620 = 11,480 >= 11,000
    late = run(founders_with_benefit([5]), {"ui_lump_sum_startup": {**LUMP, "start": "2019-02"}}, months=2,
               startup_capital_median=11_000.0)
    lump = entries(late, "ui_lump_sum")
    assert lump["date"].tolist() == ["2019-02"] and lump["amount"].tolist() == pytest.approx([-4 * BENEFIT])
    nobody = run(founders_with_benefit([5]), {"ui_lump_sum_startup": {**LUMP, "take_up": 0.0}}, startup_capital_median=12_000.0)
    assert self_employed(nobody) == [] and entries(nobody, "ui_lump_sum").empty
    capped = run(founders_with_benefit([5, 5]), {"ui_lump_sum_startup": {**LUMP, "budget": 10_000.0}},
                 startup_capital_median=12_000.0)
    assert self_employed(capped) == [1, 2]  # both counted on it; one is refused
    assert policy_row(capped, "ui_lump_sum_startup", "2019-01") == pytest.approx((2.0, 1.0, 8100.0, 1.0, 8100.0, 1.0))


# --- student_startup_grant -------------------------------------------------------------------


def graduates(years, savings=10_000.0):
    workers, firms = founders(len(years), savings)
    workers.graduation_year[1:] = years
    return workers, firms


def test_graduate_founders_get_2000_after_3_months():
    # rows: 1 left school in 2018, 2 in 2016 (more than 2 years ago), 3 unknown. Savings 10,000,
    # need 11,000: only the 2,000 grant counted as credit lets row 1 start
    base = run(graduates([2018, 2016, 0]), months=4, startup_capital_median=11_000.0)
    model = run(graduates([2018, 2016, 0]), {"student_startup_grant": GRANT}, months=4, startup_capital_median=11_000.0)
    assert self_employed(base) == [] and self_employed(model) == [1]
    grant = entries(model, "student_startup_grant")
    assert grant[["date", "fund", "recipient_kind", "recipient_id"]].values.tolist() == [
        ["2019-04", "employment_subsidy_fund", "worker", 1]
    ]  # started in January, operating 3 months later
    assert grant["amount"].tolist() == pytest.approx([-2000.0])
    reward = run(graduates([2018]), {"student_startup_grant": {**GRANT, "anticipated_share": 0.0}},
                 startup_capital_median=11_000.0)
    assert self_employed(reward) == []  # a grant not counted on changes no decision


def test_student_grant_needs_3_months_of_operation():
    # the business fails every month (hazard 1); savings of 30,000 let the founder start again
    model = run(graduates([2018], savings=30_000.0), {"student_startup_grant": GRANT}, months=6,
                startup_capital_median=5_000.0, self_employment_exit_rate=1.0)
    assert entries(model, "student_startup_grant").empty


def test_student_grant_window_take_up_and_budget():
    # a January founder is paid in April, after a window that closed in January
    short = run(graduates([2018]), {"student_startup_grant": {**GRANT, "end": "2019-01"}}, months=4,
                startup_capital_median=11_000.0)
    assert entries(short, "student_startup_grant")["date"].tolist() == ["2019-04"]
    late = run(graduates([2018], savings=20_000.0), {"student_startup_grant": {**GRANT, "start": "2019-02"}}, months=5,
               startup_capital_median=11_000.0)
    assert self_employed(late) == [1] and entries(late, "student_startup_grant").empty  # started in January
    nobody = run(graduates([2018]), {"student_startup_grant": {**GRANT, "take_up": 0.0}}, startup_capital_median=11_000.0)
    assert self_employed(nobody) == []
    capped = run(graduates([2018, 2019]), {"student_startup_grant": {**GRANT, "budget": 3000.0}}, months=4,
                 startup_capital_median=11_000.0)
    assert policy_row(capped, "student_startup_grant", "2019-04") == pytest.approx((2.0, 1.0, 2000.0, 1.0, 2000.0, 0.0))


# --- neutral parameters ----------------------------------------------------------------------

NEUTRAL = {
    "guaranteed_loans": {**LOANS, "take_up": 0.0},
    "stable_post_loans": {**STABLE, "take_up": 0.0},
    "startup_subsidy": {**SUBSIDY, "opening_subsidy": 0.0, "opening_subsidy_firm": 0.0, "rent_subsidy": 0.0,
                        "trademark_subsidy": 0.0},
    "ui_lump_sum_startup": {**LUMP, "take_up": 0.0},
    "student_startup_grant": {**GRANT, "amount": 0.0},
}


@pytest.mark.parametrize("name", sorted(NEUTRAL))
def test_neutral_parameters_leave_the_baseline(name):
    def population():
        workers, firms = firms_with_staff([10, 10], unemployed=40)
        rows = np.arange(20, 60)
        workers.savings[rows] = np.linspace(0, 80_000, 40)
        workers.registered[rows] = True
        workers.benefit_months_left[rows[::2]] = 6
        workers.graduation_year[rows[::3]] = 2018
        firms.productivity[0] = 0.0  # firm 0 runs out of cash
        firms.cash[0] = 0.0
        firms.hires_this_year[:] = 5
        return workers, firms

    behaviour = {"startup_rate": 0.3, "startup_capital_dispersion": 0.8, "startup_employer_share": 0.5,
                 "self_employment_exit_rate": 0.2, "startup_failure_by_year": [0.2]}
    base = run(population(), months=4, **behaviour)
    model = run(population(), {name: NEUTRAL[name]}, months=4, **behaviour)
    assert 0 < base.workers.status.tolist().count(Status.SELF_EMPLOYED)
    for column in ("status", "savings", "benefit_months_left", "employer"):
        assert np.array_equal(getattr(base.workers, column), getattr(model.workers, column)), column
    for column in ("cash", "loans", "alive"):
        assert np.array_equal(getattr(base.firms, column), getattr(model.firms, column)), column
    assert model.ledger.entries().equals(base.ledger.entries())


def test_a_closing_firm_repays_its_loan_from_the_cash_it_has_left_and_defaults_on_the_rest():
    # the loan of February (190,000) has 190,000 - 7,916.67 = 182,083.33 outstanding after March's
    # instalment. The firm closes holding 50,000: the bank gets 50,000 from it, the fund compensates
    # the other 132,083.33; holding 200,000, it repays all and keeps 17,916.67: no default
    params = {**LOANS, "max_loans": 1, "recovery_months": 0, "recovery_share": 0.0}
    for cash, compensated in ((50_000.0, 190_000 - 190_000 / 24 - 50_000), (200_000.0, None)):
        model = run(losing_firm(), {"guaranteed_loans": params}, months=3, startup_rate=0.0)
        model.firms.alive[0], model.firms.cash[0] = False, cash
        lever(model, "guaranteed_loans").settle_closed_firms()
        default = model.ledger.entries()
        default = default[default["line"] == "firm_loan_default"]
        if compensated is None:
            assert default.empty and model.firms.cash[0] == pytest.approx(200_000 - (190_000 - 190_000 / 24))
        else:
            assert default["amount"].tolist() == pytest.approx([-compensated]) and model.firms.cash[0] == 0.0
        assert model.firms.loans[0] == 0.0 and lever(model, "guaranteed_loans").firm_loans.outstanding.sum() == 0.0
