"""Internships, public-welfare posts, work relief and the graduate levers on hand-built
populations, against figures computed by hand; each channel against the same seed without
the lever (common random numbers)."""

import numpy as np
import pytest

from lmsim import labour
from lmsim.calendar import parse_month
from lmsim.firms import close_firms
from lmsim.policies import CODES, POLICY_COLUMNS
from lmsim.population import Separation, Status
from lmsim.simulation import Simulation

from conftest import firms_with_staff, make_scenario

MW = 1800.0  # make_scenario's minimum wage
RATES = {"start": "2019-01", "pension_employer": 0.16, "pension_employee": 0.08, "medical_employer": 0.08,
         "medical_employee": 0.02, "ui_employer": 0.005, "ui_employee": 0.005}
TWO_SECTORS = [{"name": "agriculture", "employment_share": 0.2, "demand_volatility": 0.0},
               {"name": "services", "employment_share": 0.8, "demand_volatility": 0.0}]
NO_MIGRATION = {"enabled": True, "cohort_share": 0.0, "out_migration_rate": 0.0, "in_migration_rate": 0.0}


def build(population, policies=None, months=6, seed=1, **sections):
    sections.setdefault("contributions", {"rates": [RATES]})
    sc = make_scenario(months=months, policies=policies or {}, **sections)
    return Simulation(sc, seed, population).build()


def run(population, policies=None, months=6, seed=1, **sections):
    model = build(population, policies, months, seed, **sections)
    for _ in range(months):
        model.step()
    return model


def paid(model, line):
    e = model.ledger.entries()
    return e[e["line"] == line]


def by_month(model, line):
    """Yuan paid on a line per month (positive), as {date: amount}."""
    e = paid(model, line)
    return {d: round(-a, 6) for d, a in e.groupby("date")["amount"].sum().items()}


def row(model, lever, date):
    """claims, recipients, paid, refused, refused yuan, entrants of one lever in one month (not lent)."""
    return [r for r in model.policy_rows if r[0] == date and r[1] == lever][0][2:8]


# --- internship_subsidy ------------------------------------------------------------------

INTERN = {"start": "2019-01", "end": "2019-01", "clause": "001 (八)", "places": 10.0, "months": 3, "keep_rate": 1.0}


def interns_population(staff=(10,), scale=None):
    """Firms with staff, plus three unemployed: a 2018 graduate aged 30 (row s), a youth aged
    20 (s + 1), and a 30-year-old who left school in 2010 (s + 2, not eligible)."""
    workers, firms = firms_with_staff(list(staff), unemployed=3)
    s = sum(staff)
    workers.graduation_year[s] = 2018
    workers.age_months[s + 1] = 20 * 12
    workers.graduation_year[s + 2] = 2010
    firms.scale[:] = np.asarray(staff) + 2 if scale is None else scale  # room for kept interns: no layoffs
    return workers, firms, s


def test_internship_host_paid_minimum_wage_and_kept_interns_hired():
    workers, firms, s = interns_population()
    model = build((workers, firms), {"internship_subsidy": INTERN}, months=5)
    model.step()  # January: the graduate and the youth start; the third is not eligible
    w = model.workers
    assert list(w.status[s: s + 3]) == [Status.INTERN, Status.INTERN, Status.UNEMPLOYED]
    assert list(w.employer[s: s + 2]) == [0, 0]
    assert list(w.programme[s: s + 3]) == [CODES["internship_subsidy"]] * 2 + [0]
    assert model.firms.employees[0] == 10  # interns are not on the payroll
    assert model.indicators["interns"] == 2 and model.indicators["employed"] == 12
    for _ in range(4):
        model.step()
    # the host gets 1 x 1,800 per intern a month for 3 months: 2 x 1,800 = 3,600 in Jan, Feb, Mar
    assert by_month(model, "internship_subsidy") == {"2019-01": 3600.0, "2019-02": 3600.0, "2019-03": 3600.0}
    assert set(paid(model, "internship_subsidy")["recipient_kind"]) == {"firm"}
    assert row(model, "internship_subsidy", "2019-01") == (1.0, 1.0, 3600.0, 0.0, 0.0, 2.0)
    assert row(model, "internship_subsidy", "2019-04") == (0.0,) * 6
    # April: both kept on (keep_rate 1), hired at the host's wage level 5,000 x 1.0 through the hire path
    assert list(w.status[s: s + 2]) == [Status.EMPLOYED] * 2
    assert list(w.wage[s: s + 2]) == [5000.0, 5000.0]
    assert list(w.programme[s: s + 2]) == [0, 0]
    assert list(w.job_start[s: s + 2]) == [parse_month("2019-05")] * 2
    assert model.firms.employees[0] == 12
    hires = [r["hires"] for r in model.datacollector.get_model_vars_dataframe().to_dict("records")]
    assert hires == [0, 0, 0, 2, 0]
    # by the end of March the host's cash holds the 10,800 subsidy beyond the baseline's
    march = run(interns_population()[:2], {"internship_subsidy": INTERN}, months=3)
    assert march.firms.cash[0] - run(interns_population()[:2], months=3).firms.cash[0] == pytest.approx(10800.0)


def test_internship_retained_rate_after_more_than_half_kept_and_commitments_after_the_window():
    # one place a month from January to April, three eligible: A starts in Jan, B in Feb, C in Mar;
    # A finishes in April and is kept (1 of 1 > 50 %): from April the host gets 1.2 x 1,800 = 2,160 an intern
    workers, firms, s = interns_population()
    workers.graduation_year[s + 2] = 2019  # the third is eligible too
    lever = {**INTERN, "end": "2019-04", "places": 1.0}
    model = run((workers, firms), {"internship_subsidy": lever}, months=7)
    # Jan A 1,800; Feb A+B 3,600; Mar A+B+C 5,400; Apr B+C 2 x 2,160 = 4,320; May C 2,160 (after the window)
    assert by_month(model, "internship_subsidy") == {
        "2019-01": 1800.0, "2019-02": 3600.0, "2019-03": 5400.0, "2019-04": 4320.0, "2019-05": 2160.0}
    assert all(model.workers.status[s: s + 3] == Status.EMPLOYED)
    internships = model.policies.levers[0]
    internships.finished[0], internships.kept[0] = 2.0, 1.0  # exactly half kept: not more than 50 %, the base rate
    assert internships.host_rate(np.array([0])).tolist() == [1800.0]
    internships.finished[0], internships.kept[0] = 3.0, 2.0
    assert internships.host_rate(np.array([0])).tolist() == [pytest.approx(2160.0)]
    entrants = [row(model, "internship_subsidy", d)[5] for d in ("2019-01", "2019-02", "2019-03", "2019-04")]
    assert entrants == [1.0, 1.0, 1.0, 0.0]
    # nobody kept: the host stays at the base rate and the interns return to search
    workers, firms, s = interns_population()
    workers.graduation_year[s + 2] = 2019
    model = run((workers, firms), {"internship_subsidy": {**lever, "keep_rate": 0.0}}, months=7)
    assert by_month(model, "internship_subsidy") == {
        "2019-01": 1800.0, "2019-02": 3600.0, "2019-03": 5400.0, "2019-04": 3600.0, "2019-05": 1800.0}
    assert all(model.workers.status[s: s + 3] == Status.UNEMPLOYED)
    assert all(model.workers.programme[s: s + 3] == 0) and all(model.workers.employer[s: s + 3] == -1)


def test_internship_window_take_up_budget_and_hosts():
    base = run(interns_population()[:2], months=3)
    # window from February: nothing in January
    workers, firms, s = interns_population()
    model = run((workers, firms), {"internship_subsidy": {**INTERN, "start": "2019-02", "end": "2019-02"}}, months=3)
    assert by_month(model, "internship_subsidy") == {"2019-02": 3600.0, "2019-03": 3600.0}
    # take-up 0: exactly the baseline, no entry
    workers, firms, s = interns_population()
    nobody = run((workers, firms), {"internship_subsidy": {**INTERN, "take_up": 0.0}}, months=3)
    assert paid(nobody, "internship_subsidy").empty
    assert np.array_equal(nobody.workers.status, base.workers.status)
    assert nobody.firms.cash[0] == base.firms.cash[0]
    # budget 5,000 a year: January's 3,600 is paid, February's 3,600 refused and the internships end
    workers, firms, s = interns_population()
    capped = run((workers, firms), {"internship_subsidy": {**INTERN, "budget": 5000.0}}, months=3)
    assert by_month(capped, "internship_subsidy") == {"2019-01": 3600.0}
    assert row(capped, "internship_subsidy", "2019-02") == (1.0, 0.0, 0.0, 1.0, 3600.0, 0.0)
    assert all(capped.workers.status[s: s + 2] == Status.UNEMPLOYED)
    assert all(capped.workers.programme[s: s + 2] == 0)
    # hosts are drawn among firms with staff: the empty firm 0 never hosts
    workers, firms, s = interns_population(staff=(0, 5), scale=[0, 7])
    model = run((workers, firms), {"internship_subsidy": INTERN}, months=1)
    assert list(model.workers.employer[s: s + 2]) == [1, 1]


def test_interns_who_move_away_leave_and_a_closing_host_sends_interns_back():
    workers, firms, s = interns_population()
    model = build((workers, firms), {"internship_subsidy": INTERN}, months=3)
    model.step()
    model.end_participation(np.array([s]), Status.DEPARTED, "out_migrants")
    model.step()  # February: only the youth is paid for
    assert model.workers.programme[s] == 0 and model.workers.programme_left[s] == 0
    assert by_month(model, "internship_subsidy")["2019-02"] == 1800.0
    close_firms(model, np.array([0]))
    model.step()  # March: the host has closed: the youth returns to search, nobody is paid
    assert model.workers.status[s + 1] == Status.UNEMPLOYED and model.workers.employer[s + 1] == -1
    assert "2019-03" not in by_month(model, "internship_subsidy")


def test_internship_takes_youth_out_of_search_then_raises_their_employment():
    # six unemployed youths; firm 1 (no staff) has 6 open posts and hires through a slow market;
    # firm 0 (the only possible host) is full. Same seed with and without internships.
    def population():
        workers, firms = firms_with_staff([10, 0], unemployed=6)
        workers.age_months[10:] = 20 * 12
        workers.education[10:] = 2  # senior school: the firms' skill band
        firms.scale[:] = [10, 6]
        return workers, firms

    sections = {"behaviour": {"matching_efficiency": 0.1, "hoarding_band": 1.0}}  # the host keeps its extra staff
    lever = {**INTERN, "places": 6.0}
    base, with_lever = build(population(), None, 6, **sections), build(population(), {"internship_subsidy": lever}, 6, **sections)
    hires = {"base": [], "lever": []}
    for _ in range(6):
        base.step()
        with_lever.step()
        hires["base"].append(base.indicators["hires"])
        hires["lever"].append(with_lever.indicators["hires"])
    assert hires["base"][0] == hires["lever"][0]  # January's market is the same: internships start after it
    # February to April: the interns are out of search, so the market hires none of them;
    # April's monthly ends the internships and the host keeps on all who were not hired in January
    january = hires["base"][0]
    assert hires["lever"][1:4] == [0, 0, 6 - january]
    assert sum(hires["base"][1:4]) > 0
    # May: the interns are kept on; by June more of the youths are in wage work than without
    youth = slice(10, 16)
    in_work_base = np.count_nonzero(base.workers.status[youth] == Status.EMPLOYED)
    in_work_lever = np.count_nonzero(with_lever.workers.status[youth] == Status.EMPLOYED)
    assert in_work_base < in_work_lever == 6


# --- public_welfare_posts ------------------------------------------------------------------

POSTS = {"start": "2019-01", "end": "2019-01", "clause": "001 (十六)", "posts": 2.0, "months": 2}


def posts_population():
    """Two employees (rows 0, 1) and four unemployed: row 2 lives with employee 0 (neither
    workless nor hard to employ), row 3 alone (a zero-employment household), row 4 with
    employee 1 but disabled, row 5 with employee 0 and low-income (both hard to employ)."""
    workers, firms = firms_with_staff([2], unemployed=4)
    workers.household[[2, 4, 5]] = [0, 1, 0]
    workers.disabled[4] = True
    workers.low_income[5] = True
    return workers, firms


def test_posts_fill_by_priority_and_pay_the_minimum_wage():
    model = run(posts_population(), {"public_welfare_posts": POSTS}, months=3)
    w = model.workers
    # 2 posts: the zero-employment household first (row 3), then one of the two hard-to-employ
    january = paid(model, "public_welfare_posts").query("date == '2019-01'")
    placed = sorted(january["recipient_id"])
    assert placed[0] == 3 and placed[1] in (4, 5) and len(placed) == 2
    # 1,800 a month each for the 2 months of the spell; back to search in March
    assert by_month(model, "public_welfare_posts") == {"2019-01": 3600.0, "2019-02": 3600.0}
    assert row(model, "public_welfare_posts", "2019-01") == (2.0, 2.0, 3600.0, 0.0, 0.0, 2.0)
    assert all(w.status[2:6] == Status.UNEMPLOYED) and all(w.programme[2:6] == 0)
    # three posts take all priority groups; row 2 is in none of them and is not placed,
    # unless 'everyone' is in the list
    model = run(posts_population(), {"public_welfare_posts": {**POSTS, "posts": 3.0}}, months=1)
    assert list(model.workers.status[2:6]) == [Status.UNEMPLOYED] + [Status.PUBLIC_WELFARE] * 3
    assert model.indicators["public_welfare_posts"] == 3 and model.indicators["employed"] == 5
    assert all(model.workers.programme[3:6] == CODES["public_welfare_posts"])
    model = run(posts_population(), {"public_welfare_posts": {**POSTS, "posts": 4.0, "priority": ["hard_to_employ", "everyone"]}}, months=1)
    assert all(model.workers.status[2:6] == Status.PUBLIC_WELFARE)


def test_posts_with_insurance_credit_the_funds_and_bank_ui_months():
    lever = {**POSTS, "posts": 1.0, "wage": 2000.0, "with_insurance": True}
    model = run(posts_population(), {"public_welfare_posts": lever}, months=1)
    # base: 2,000 is below the floor 0.6 x 6,000 = 3,600; employer rates 0.16 + 0.08 + 0.005 on it = 882
    e = paid(model, "public_welfare_posts")
    assert e["amount"].tolist() == [-(2000 + 882)]
    assert list(e["fund"]) == ["employment_subsidy_fund"]
    credits = {line: a for line, a in zip(model.ledger.entries()["line"], model.ledger.entries()["amount"])
               if line.startswith("public_welfare_posts_contribution")}
    assert credits == pytest.approx({"public_welfare_posts_contribution_pension": 576.0,
                                     "public_welfare_posts_contribution_medical": 288.0,
                                     "public_welfare_posts_contribution_ui": 18.0})
    assert model.workers.ui_months[3] == 1 and model.workers.wage[3] == 2000.0


def test_posts_window_take_up_budget_and_leavers():
    base = run(posts_population(), months=3)
    later = run(posts_population(), {"public_welfare_posts": {**POSTS, "start": "2019-02", "end": "2019-02"}}, months=3)
    assert by_month(later, "public_welfare_posts") == {"2019-02": 3600.0, "2019-03": 3600.0}
    nobody = run(posts_population(), {"public_welfare_posts": {**POSTS, "take_up": 0.0}}, months=3)
    assert paid(nobody, "public_welfare_posts").empty and np.array_equal(nobody.workers.status, base.workers.status)
    closed = run(posts_population(), {"public_welfare_posts": {**POSTS, "posts": 0.0}}, months=3)
    assert closed.ledger.entries().equals(base.ledger.entries())
    # budget 5,400 a year: January 3,600; in February one of the two 1,800 claims fits, the
    # other is refused and that post closes
    capped = run(posts_population(), {"public_welfare_posts": {**POSTS, "budget": 5400.0}}, months=2)
    assert by_month(capped, "public_welfare_posts") == {"2019-01": 3600.0, "2019-02": 1800.0}
    assert row(capped, "public_welfare_posts", "2019-02") == (2.0, 1.0, 1800.0, 1.0, 1800.0, 0.0)
    assert np.count_nonzero(capped.workers.status == Status.PUBLIC_WELFARE) == 1
    # a person who retires leaves the post; inside the window the freed post is filled again
    model = build(posts_population(), {"public_welfare_posts": {**POSTS, "end": "2019-02", "months": 6}}, months=2)
    model.step()
    model.end_participation(np.array([3]), Status.RETIRED, "retirements")
    model.step()
    w = model.workers
    assert w.programme[3] == 0 and w.programme_left[3] == 0
    assert sorted(np.flatnonzero(w.status == Status.PUBLIC_WELFARE)) == [4, 5]


def test_posts_cap_months_a_person_may_hold():
    # spells of 2 months, at most 3 months in all: placed in Jan, back to search in Mar, a
    # last month in Apr (re-placed, not in the month the spell ended), then never again
    lever = {**POSTS, "end": "2019-06", "posts": 1.0, "priority": ["zero_employment_household"], "max_total_months": 3}
    model = run(posts_population(), {"public_welfare_posts": lever}, months=6)
    e = paid(model, "public_welfare_posts")
    assert set(e["recipient_id"]) == {3}
    assert list(e["date"]) == ["2019-01", "2019-02", "2019-04"]


def test_posts_clear_zero_employment_households_while_they_last():
    lever = {**POSTS, "posts": 4.0, "priority": ["zero_employment_household", "everyone"]}
    base = build(posts_population(), None, 3)
    posts = build(posts_population(), {"public_welfare_posts": lever}, 3)
    for _ in range(3):
        base.step()
        posts.step()
        if posts.month == parse_month("2019-02"):
            # January: the workless household of row 3 is cleared, four more persons in work
            assert base.indicators["workless_households"] == 1
            assert posts.indicators["workless_households"] == 0
            assert posts.indicators["employed"] - base.indicators["employed"] == 4
            assert posts.indicators["unemployed_surveyed"] == 0 < base.indicators["unemployed_surveyed"]
    # March: the spells are over and everyone is back where the baseline is
    assert np.array_equal(posts.workers.status, base.workers.status)
    assert posts.indicators["workless_households"] == base.indicators["workless_households"] == 1


# --- work_relief ---------------------------------------------------------------------------

RELIEF = {"start": "2019-01", "end": "2019-01", "clause": "002 §6", "jobs": 5.0, "wage": 2000.0, "months": 2}


def relief_population(local=4, outsiders=3):
    workers, firms = firms_with_staff([1], unemployed=local + outsiders)
    workers.local[1 + local:] = False
    return workers, firms


def test_work_relief_keeps_jobs_for_local_labour():
    model = run(relief_population(), {"work_relief": RELIEF}, months=3)
    w = model.workers
    e = paid(model, "work_relief")
    january = e[e["date"] == "2019-01"]["recipient_id"].to_numpy()
    # 5 jobs: the 4 locals, then outsiders up to min(5 - 4, 0.3 x 5 = 1.5) = 1
    assert len(january) == 5 and set(range(1, 5)) <= set(january)
    assert by_month(model, "work_relief") == {"2019-01": 10000.0, "2019-02": 10000.0}  # 5 x 2,000
    assert all(w.status[1:] == Status.UNEMPLOYED)  # spells of 2 months are over in March
    # 10 jobs, 2 locals and 5 outsiders: outsiders hold at most 0.3 x 10 = 3, the other 5 jobs stay open
    model = run(relief_population(2, 5), {"work_relief": {**RELIEF, "jobs": 10.0}}, months=1)
    relief = model.workers.status == Status.PUBLIC_WELFARE
    assert np.count_nonzero(relief & model.workers.local) == 2
    assert np.count_nonzero(relief & ~model.workers.local) == 3
    assert row(model, "work_relief", "2019-01") == (5.0, 5.0, 10000.0, 0.0, 0.0, 5.0)
    # rural_only: only rural-hukou labour
    workers, firms = relief_population()
    workers.urban_hukou[[1, 2]] = False
    model = run((workers, firms), {"work_relief": {**RELIEF, "rural_only": True}}, months=1)
    assert sorted(np.flatnonzero(model.workers.status == Status.PUBLIC_WELFARE)) == [1, 2]


def test_work_relief_and_posts_keep_their_own_codes():
    lever_posts = {**POSTS, "posts": 1.0, "priority": ["everyone"]}
    model = run(relief_population(3, 0), {"public_welfare_posts": lever_posts, "work_relief": {**RELIEF, "jobs": 1.0}}, months=2)
    w = model.workers
    codes = sorted(w.programme[w.status == Status.PUBLIC_WELFARE])
    assert codes == sorted([CODES["public_welfare_posts"], CODES["work_relief"]])
    assert by_month(model, "public_welfare_posts") == {"2019-01": 1800.0, "2019-02": 1800.0}
    assert by_month(model, "work_relief") == {"2019-01": 2000.0, "2019-02": 2000.0}
    assert model.indicators["public_welfare_posts"] == 2


def test_work_relief_window_take_up_and_budget():
    base = run(relief_population(), months=2)
    later = run(relief_population(), {"work_relief": {**RELIEF, "start": "2019-02", "end": "2019-02"}}, months=2)
    assert by_month(later, "work_relief") == {"2019-02": 10000.0}
    nobody = run(relief_population(), {"work_relief": {**RELIEF, "take_up": 0.0}}, months=2)
    assert paid(nobody, "work_relief").empty and np.array_equal(nobody.workers.status, base.workers.status)
    # 9,000 a year: 4 of the 5 January claims of 2,000 fit; the refused one goes back to search
    capped = run(relief_population(), {"work_relief": {**RELIEF, "budget": 9000.0}}, months=1)
    assert row(capped, "work_relief", "2019-01") == (5.0, 4.0, 8000.0, 1.0, 2000.0, 5.0)
    assert np.count_nonzero(capped.workers.status == Status.PUBLIC_WELFARE) == 4


def test_work_relief_takes_people_out_of_unemployment_while_it_lasts():
    base = build(relief_population(), None, 4)
    relief = build(relief_population(), {"work_relief": {**RELIEF, "months": 3}}, 4)
    unemployed = {"base": [], "relief": []}
    for _ in range(4):
        base.step()
        relief.step()
        unemployed["base"].append(base.indicators["unemployed_surveyed"])
        unemployed["relief"].append(relief.indicators["unemployed_surveyed"])
    assert unemployed["base"] == [7.0] * 4
    assert unemployed["relief"] == [2.0, 2.0, 2.0, 7.0]


# --- job_seeking_subsidy -------------------------------------------------------------------

SEEKING = {"start": "2019-01", "end": "2019-12", "clause": "001 (十七)"}


def seekers_population():
    """One employee (row 0, an eligible profile but at work) and five unemployed: rows 1 and 2
    are 2019 university graduates from a poverty-registered and a low-income family (eligible);
    row 3 a 2019 graduate of no poor family; row 4 a poor 2018 graduate; row 5 a poor 2019
    school leaver of senior school."""
    workers, firms = firms_with_staff([1], unemployed=5)
    workers.graduation_year[:] = [2019, 2019, 2019, 2019, 2018, 2019]
    workers.education[:] = [5, 5, 4, 5, 5, 2]
    workers.poverty_registered[[0, 1, 4, 5]] = True
    workers.low_income[2] = True
    return workers, firms


def test_job_seeking_subsidy_paid_once_to_poor_graduates_looking_for_work():
    model = run(seekers_population(), {"job_seeking_subsidy": SEEKING}, months=3)
    e = paid(model, "job_seeking_subsidy")
    assert sorted(e["recipient_id"]) == [1, 2] and set(e["date"]) == {"2019-01"}
    assert e["amount"].tolist() == [-1500.0, -1500.0]
    assert row(model, "job_seeking_subsidy", "2019-01") == (2.0, 2.0, 3000.0, 0.0, 0.0, 2.0)
    assert row(model, "job_seeking_subsidy", "2019-02") == (0.0,) * 6
    # 004 §16: 800 yuan, disabled graduates too
    workers, firms = seekers_population()
    workers.disabled[3] = True
    model = run((workers, firms), {"job_seeking_subsidy": {**SEEKING, "amount": 800.0, "groups": ["poverty_registered", "disabled"]}}, months=1)
    e = paid(model, "job_seeking_subsidy")
    assert sorted(e["recipient_id"]) == [1, 3] and e["amount"].sum() == -1600.0


def test_job_seeking_subsidy_paid_in_the_graduation_season():
    workers, firms = seekers_population()
    workers.status[1] = Status.STUDENT  # leaves school in July 2019
    workers.age_months[:] = 22 * 12
    model = run((workers, firms), {"job_seeking_subsidy": SEEKING}, months=8, demography=NO_MIGRATION)
    e = paid(model, "job_seeking_subsidy")
    assert e.set_index("recipient_id")["date"].to_dict() == {2: "2019-01", 1: "2019-07"}


def test_job_seeking_subsidy_window_take_up_budget_and_registration():
    later = run(seekers_population(), {"job_seeking_subsidy": {**SEEKING, "start": "2019-03"}}, months=3)
    assert set(paid(later, "job_seeking_subsidy")["date"]) == {"2019-03"}
    nobody = run(seekers_population(), {"job_seeking_subsidy": {**SEEKING, "take_up": 0.0}}, months=3)
    assert paid(nobody, "job_seeking_subsidy").empty
    capped = run(seekers_population(), {"job_seeking_subsidy": {**SEEKING, "budget": 2000.0}}, months=3)
    assert row(capped, "job_seeking_subsidy", "2019-01") == (2.0, 1.0, 1500.0, 1.0, 1500.0, 1.0)
    assert len(paid(capped, "job_seeking_subsidy")) == 1  # the refused claim is not made again
    workers, firms = seekers_population()
    workers.registered[2] = True
    registered = run((workers, firms), {"job_seeking_subsidy": {**SEEKING, "require_registration": True}}, months=1)
    assert list(paid(registered, "job_seeking_subsidy")["recipient_id"]) == [2]


def test_job_seeking_subsidy_raises_recipients_search_for_boost_months():
    model = build(seekers_population(), {"job_seeking_subsidy": {**SEEKING, "search_boost": 0.5, "boost_months": 2}}, months=4)
    lever = model.policies.levers[0]
    seekers = np.arange(1, 6)
    effort = []
    for _ in range(4):
        model.step()
        effort.append(list(lever.search_effort(seekers)))
    # paid in January: 1.5 in February and March (as the month's matching uses it), 1 after
    assert effort[0] == [1.5, 1.5, 1.0, 1.0, 1.0]  # model.month is already February here
    assert effort[1] == [1.5, 1.5, 1.0, 1.0, 1.0]
    assert effort[2] == [1.0] * 5


def test_job_seeking_subsidy_recipients_find_work_faster():
    # 40 poor 2019 graduates look for work; a firm in their skill band has 100 open posts
    def population():
        workers, firms = firms_with_staff([100], unemployed=40)
        workers.graduation_year[100:] = 2019
        workers.education[100:] = 5
        workers.poverty_registered[100:] = True
        firms.skill_band[:] = 2
        firms.scale[:] = 200
        return workers, firms

    sections = {"behaviour": {"matching_efficiency": 0.1}}
    base = build(population(), None, 3, **sections)
    lever = build(population(), {"job_seeking_subsidy": {**SEEKING, "search_boost": 1.0}}, 3, **sections)
    hired = {}
    for name, model in (("base", base), ("lever", lever)):
        model.step()
        january = set(np.flatnonzero(model.workers.status[100:] == Status.EMPLOYED))
        model.step()
        february = set(np.flatnonzero(model.workers.status[100:] == Status.EMPLOYED)) - january
        hired[name] = (january, february)
    assert hired["base"][0] == hired["lever"][0]  # the boost starts the month after the payment
    assert hired["base"][1] < hired["lever"][1]  # the same draws: everyone the baseline hires, and more


# --- graduate_retention_bonus --------------------------------------------------------------

BONUS = {"start": "2019-01", "end": "2019-12", "clause": "001 (十七)"}


def bonus_population():
    """Five employees who started in July 2018: row 0 a 2018 university graduate (6,000), row 1
    a 2018 college graduate (3,000), row 2 a 2018 senior-school leaver (no bonus), row 3 a 2010
    university graduate (not a recent cohort); row 4 a 2018 university graduate running an own
    business since January 2019."""
    workers, firms = firms_with_staff([5])
    workers.graduation_year[:] = [2018, 2018, 2018, 2010, 2018]
    workers.education[:] = [5, 4, 2, 5, 5]
    workers.job_start[:] = parse_month("2018-07")
    workers.status[4] = Status.SELF_EMPLOYED
    workers.employer[4] = -1
    firms.scale[:] = 4
    return workers, firms


def test_retention_bonus_after_one_and_two_years_in_local_work():
    model = run(bonus_population(), {"graduate_retention_bonus": BONUS}, months=18)
    e = paid(model, "graduate_retention_bonus")
    got = sorted(zip(e["date"], e["recipient_id"], -e["amount"]))
    # rows 0, 1: 6 months served by January 2019, the 12th month is June 2019, the 24th June 2020
    # (after the window: a commitment); row 4: the 12th month of its business is December 2019
    assert got == [("2019-06", 0, 6000.0), ("2019-06", 1, 3000.0), ("2019-12", 4, 6000.0),
                   ("2020-06", 0, 6000.0), ("2020-06", 1, 3000.0)]
    assert row(model, "graduate_retention_bonus", "2019-06") == (2.0, 2.0, 9000.0, 0.0, 0.0, 2.0)
    assert row(model, "graduate_retention_bonus", "2020-06") == (2.0, 2.0, 9000.0, 0.0, 0.0, 0.0)
    # without the second payment only the first; a window that closes before the 12th month pays nothing
    once = run(bonus_population(), {"graduate_retention_bonus": {**BONUS, "second_payment": False}}, months=18)
    assert len(paid(once, "graduate_retention_bonus")) == 3
    early = run(bonus_population(), {"graduate_retention_bonus": {**BONUS, "end": "2019-05"}}, months=18)
    assert paid(early, "graduate_retention_bonus").empty


def test_retention_bonus_count_starts_again_after_a_spell_out_of_work():
    model = build(bonus_population(), {"graduate_retention_bonus": {**BONUS, "end": "2020-12"}}, months=18)
    for _ in range(3):
        model.step()
    model.leave_jobs(np.array([0]), Separation.LAYOFF, "layoffs")  # April: out of work
    model.step()
    labour.hire(model, np.array([0]), np.array([0]), np.array([5000.0]))  # back at work from May
    for _ in range(14):
        model.step()
    e = paid(model, "graduate_retention_bonus")
    # May 2019 is month 1 again, the 12th is April 2020
    assert list(e[e["recipient_id"] == 0]["date"]) == ["2020-04"]


def test_retention_bonus_take_up_and_budget():
    nobody = run(bonus_population(), {"graduate_retention_bonus": {**BONUS, "take_up": 0.0}}, months=18)
    assert paid(nobody, "graduate_retention_bonus").empty
    # 8,000 a year: of June 2019's 6,000 and 3,000 only one fits; December's 6,000 is refused
    # either way (6,000 + 6,000 or 3,000 + 6,000 > 8,000); in 2020 the budget starts afresh
    capped = run(bonus_population(), {"graduate_retention_bonus": {**BONUS, "budget": 8000.0}}, months=18)
    assert row(capped, "graduate_retention_bonus", "2019-06")[:4] == (2.0, 1.0, row(capped, "graduate_retention_bonus", "2019-06")[2], 1.0)
    assert row(capped, "graduate_retention_bonus", "2019-12") == (1.0, 0.0, 0.0, 1.0, 6000.0, 0.0)
    e = paid(capped, "graduate_retention_bonus")
    first = e[e["date"] == "2019-06"]["recipient_id"].tolist()
    # the second bonus in 2020 goes only to the one who had the first
    assert e[e["date"] == "2020-06"]["recipient_id"].tolist() == first


def test_retention_bonus_keeps_graduates_in_work_from_moving_away():
    # 200 graduates in work and 50 out of work; 5 % a month move away without the lever
    def population():
        workers, firms = firms_with_staff([200], unemployed=50)
        workers.graduation_year[:] = 2018
        workers.education[:] = 5
        workers.age_months[:] = 25 * 12
        workers.job_start[:] = parse_month("2018-07")
        firms.scale[:] = 200
        return workers, firms

    demography = {**NO_MIGRATION, "out_migration_rate": 0.05}
    base = run(population(), None, 6, demography=demography)
    lever = run(population(), {"graduate_retention_bonus": {**BONUS, "stay_effect": 0.5}}, 6, demography=demography)
    left_base = base.workers.status == Status.DEPARTED
    left_lever = lever.workers.status == Status.DEPARTED
    # the same draws: everyone who leaves with the lever leaves without it too
    assert not (left_lever & ~left_base).any()
    assert left_lever[:200].sum() < left_base[:200].sum()
    assert np.array_equal(left_lever[200:], left_base[200:])  # graduates out of work are unaffected
    assert lever.policies.levers[0].leave_propensity(np.arange(250))[200:].tolist() == [1.0] * 50


# --- rural_graduate_allowance --------------------------------------------------------------

RURAL = {"start": "2019-01", "end": "2019-01", "clause": "004 §16", "max_months": 3}


def rural_population():
    """Firm 0 is a farm (agriculture) with rows 0-3, firm 1 a service firm with row 4: row 0 a
    2018 university graduate, row 1 a 2019 college graduate (both eligible), row 2 a 2018
    senior-school leaver, row 3 a 2010 graduate, row 4 a 2018 graduate in services."""
    workers, firms = firms_with_staff([4, 1])
    firms.sector[:] = [0, 1]
    workers.sector[:] = [0, 0, 0, 0, 1]
    workers.graduation_year[:] = [2018, 2019, 2018, 2010, 2018]
    workers.education[:] = [5, 4, 2, 5, 5]
    return workers, firms


def rural_region():
    return {"region": {"sectors": TWO_SECTORS}}


def test_rural_allowance_monthly_for_at_most_max_months():
    model = run(rural_population(), {"rural_graduate_allowance": RURAL}, months=5, **rural_region())
    e = paid(model, "rural_graduate_allowance")
    # 1,800 living allowance + the employee contributions (0.08 + 0.02 + 0.005) x 5,000 = 525: 2,325 a month,
    # January (in the window) and February, March after it, then the 3 months are used up
    assert sorted(e["recipient_id"].unique()) == [0, 1]
    assert by_month(model, "rural_graduate_allowance") == {"2019-01": 4650.0, "2019-02": 4650.0, "2019-03": 4650.0}
    assert row(model, "rural_graduate_allowance", "2019-01") == (2.0, 2.0, 4650.0, 0.0, 0.0, 2.0)
    assert row(model, "rural_graduate_allowance", "2019-02") == (2.0, 2.0, 4650.0, 0.0, 0.0, 0.0)
    plain = run(rural_population(), {"rural_graduate_allowance": {**RURAL, "with_insurance": False}}, months=1, **rural_region())
    assert by_month(plain, "rural_graduate_allowance") == {"2019-01": 3600.0}


def test_rural_allowance_window_take_up_budget_and_sectors():
    # a graduate who starts a farm job after the window gets nothing
    workers, firms = rural_population()
    workers.status[1] = Status.UNEMPLOYED
    workers.employer[1] = -1
    firms.scale[0] = 4
    model = build((workers, firms), {"rural_graduate_allowance": RURAL}, months=3, **rural_region())
    model.step()
    labour.hire(model, np.array([1]), np.array([0]), np.array([5000.0]))
    model.step()
    model.step()
    assert set(paid(model, "rural_graduate_allowance")["recipient_id"]) == {0}
    nobody = run(rural_population(), {"rural_graduate_allowance": {**RURAL, "take_up": 0.0}}, months=2, **rural_region())
    assert paid(nobody, "rural_graduate_allowance").empty
    capped = run(rural_population(), {"rural_graduate_allowance": {**RURAL, "budget": 4750.0}}, months=2, **rural_region())
    assert row(capped, "rural_graduate_allowance", "2019-02") == (2.0, 0.0, 0.0, 2.0, 4650.0, 0.0)
    # the services sector named rural instead; no agriculture sector: nothing by default
    services = run(rural_population(), {"rural_graduate_allowance": {**RURAL, "sectors": ["services"]}}, months=1, **rural_region())
    assert list(paid(services, "rural_graduate_allowance")["recipient_id"]) == [4]
    workers, firms = rural_population()
    workers.sector[:] = firms.sector[:] = 0
    one_sector = run((workers, firms), {"rural_graduate_allowance": RURAL}, months=1)
    assert paid(one_sector, "rural_graduate_allowance").empty
    with pytest.raises(ValueError, match="unknown sector"):
        build(rural_population(), {"rural_graduate_allowance": {**RURAL, "sectors": ["mining"]}}, **rural_region())


def test_rural_allowance_makes_graduates_accept_farm_offers():
    # four unemployed graduates and one senior-school leaver, all with a last wage of 5,000
    # (reservation 0.7 x 5,000 = 3,500); the farm offers 2,000 x 1.35 = 2,700, the service firm
    # 2,500 x 1.35 = 3,375. With the allowance a graduate weighs 2,700 + 1,800 = 4,500 >= 3,500
    # for a farm job; the service job and the school leaver get no top-up.
    def population():
        workers, firms = firms_with_staff([0, 0], unemployed=7)
        firms.sector[:] = [0, 1]
        firms.skill_band[:] = 2
        firms.wage[:] = [2000.0, 2500.0]
        firms.scale[:] = [5, 2]
        workers.sector[:] = [0, 0, 0, 0, 0, 1, 1]
        workers.graduation_year[:] = 2019
        workers.education[:] = [5, 5, 4, 4, 2, 5, 5]
        return workers, firms

    sections = {**rural_region(), "behaviour": {"matching_efficiency": 10.0, "offer_wage_dispersion": 0.0,
                                               "segment_by_skill": False, "cross_segment_search": 0.0}}
    base = run(population(), None, 1, **sections)
    lever = run(population(), {"rural_graduate_allowance": {**RURAL, "with_insurance": False}}, 1, **sections)
    assert base.indicators["hires"] == 0
    assert lever.indicators["hires"] == 4
    assert list(np.flatnonzero(lever.workers.status == Status.EMPLOYED)) == [0, 1, 2, 3]
    assert list(lever.workers.employer[:4]) == [0, 0, 0, 0]
    # and the allowance is paid from the month of the hire: 4 x 1,800
    assert by_month(lever, "rural_graduate_allowance") == {"2019-01": 7200.0}


# --- neutral settings ----------------------------------------------------------------------

NEUTRAL = [
    ("internship_subsidy", {"clause": "001 (八)", "places": 0.0}),
    ("internship_subsidy", {"clause": "001 (八)", "take_up": 0.0}),
    ("public_welfare_posts", {"clause": "002 §11", "posts": 0.0, "priority": ["everyone"]}),
    ("public_welfare_posts", {"clause": "002 §11", "posts": 5.0, "take_up": 0.0}),
    ("work_relief", {"clause": "002 §6", "jobs": 0.0}),
    ("job_seeking_subsidy", {"clause": "001 (十七)", "amount": 0.0}),
    ("job_seeking_subsidy", {"clause": "001 (十七)", "take_up": 0.0}),
    ("graduate_retention_bonus", {"clause": "001 (十七)", "amounts": {"university": 0.0}}),
    ("graduate_retention_bonus", {"clause": "001 (十七)", "take_up": 0.0}),
    ("rural_graduate_allowance", {"clause": "004 §16", "share_of_minimum_wage": 0.0, "with_insurance": False}),
    ("rural_graduate_allowance", {"clause": "004 §16", "take_up": 0.0}),
]


@pytest.mark.parametrize("name,params", NEUTRAL, ids=[f"{n}-{sorted(p)[-1]}" for n, p in NEUTRAL])
def test_neutral_settings_leave_the_baseline_exactly(name, params):
    # a busy little market: hiring, quits, migration, poor young graduates in both sectors
    def population():
        workers, firms = firms_with_staff([20, 6], unemployed=14)
        workers.graduation_year[::2] = 2018
        workers.graduation_year[20:] = 2019
        workers.education[::3] = 5
        workers.age_months[::4] = 20 * 12
        workers.poverty_registered[::5] = True
        workers.job_start[:] = parse_month("2018-03")
        firms.sector[:] = [0, 1]
        workers.sector[:26] = [0] * 20 + [1] * 6
        workers.sector[26:] = [0, 1] * 7
        firms.scale[:] = [24, 9]
        return workers, firms

    sections = {**rural_region(), "behaviour": {"matching_efficiency": 0.4, "quit_rate": 0.02},
                "demography": {**NO_MIGRATION, "out_migration_rate": 0.02}}
    lever = {"start": "2019-01", "end": "2019-12", **params}
    base = run(population(), None, 14, **sections)
    model = run(population(), {name: lever}, 14, **sections)
    assert model.ledger.entries().equals(base.ledger.entries())
    monthly = model.datacollector.get_model_vars_dataframe()
    assert monthly.equals(base.datacollector.get_model_vars_dataframe())
    assert np.array_equal(model.workers.status, base.workers.status)
    assert all(r[2:] == (0.0,) * (len(POLICY_COLUMNS) - 2) for r in model.policy_rows)
