"""Every lever that admits people reports whom it admitted (issue 11): the persons a lever
passes to ``Lever.admit(weight, workers=rows)`` are its ``entrants`` count person for person, so
that compare's deadweight and displacement can follow them; levers admitting firms do not."""

from __future__ import annotations

import pytest

from lmsim.policies import REGISTRY
from lmsim.scenario import load_scenario
from lmsim.simulation import Simulation

PACKAGES = ["huyi-package", "anshan-package", "chengyang-package", "tacheng-package", "xiangtan-package"]
#: levers whose entrants are firms (loans, refunds, in-post training places): no worker rows
FIRM_LEVERS = {"ui_refund_hardship", "in_post_training_subsidy", "stable_post_loans"}
#: levers admitting both: founders' loans (persons) and firm loans (firms)
MIXED_LEVERS = {"guaranteed_loans"}
#: levers that admit nobody (rates, refunds to all insured firms, a controller)
NO_ENTRANTS = {"contribution_rates", "control_target", "ui_refund"}


def _admitted_and_entrants(package: str) -> dict[str, tuple[float, float]]:
    s = load_scenario(package, ["population.workers=5000", "population.firms=250"])
    r = Simulation(s, seed=2).run(progress=False)
    admitted = r.admissions.groupby("lever")["weight"].sum()
    entrants = r.policies.groupby("lever")["entrants"].sum()
    return {lever: (float(admitted.get(lever, 0.0)), float(entrants[lever])) for lever in entrants.index}


@pytest.fixture(scope="module")
def by_package() -> dict[str, dict[str, tuple[float, float]]]:
    return {package: _admitted_and_entrants(package) for package in PACKAGES}


def test_every_lever_admitting_persons_reports_them_person_for_person(by_package):
    checked = set()
    for package, levers in by_package.items():
        for lever, (admitted, entrants) in levers.items():
            if lever in FIRM_LEVERS:
                assert admitted == 0, (package, lever)
            elif lever in MIXED_LEVERS:
                assert admitted <= entrants + 1e-6, (package, lever)
            else:
                assert admitted == pytest.approx(entrants, rel=1e-6), (package, lever, admitted, entrants)  # weights are float32
                if entrants > 0:
                    checked.add(lever)
    person_levers = set(REGISTRY) - FIRM_LEVERS - MIXED_LEVERS - NO_ENTRANTS
    # the packages exercise every person-admitting lever but the ones listed (with why)
    not_exercised = {
        "ui_lump_sum_startup",  # few founders on benefit, or student founders, in a small run:
        "student_startup_grant",  # their admit calls are checked in the source below
    }
    assert person_levers - checked <= not_exercised, sorted(person_levers - checked)
    for lever in ("training_subsidy", "pes_services", "labour_export_bonus", "minimum_living_guarantee", "skill_upgrade_subsidy"):
        assert lever in checked, lever


def test_every_lever_states_its_outcome_horizon():
    horizons = {name: lever.outcome_months for name, lever in REGISTRY.items()}
    assert all(isinstance(h, int) and 0 <= h <= 24 for h in horizons.values())
    assert horizons["training_subsidy"] == 12 and horizons["pes_services"] == 6
    # levers paying for an entry into work read it in the month of entry, programme posts aside
    for name, lever in REGISTRY.items():
        if lever.enters_work and name != "internship_subsidy":
            assert lever.outcome_months == 0, name


def test_every_admit_call_of_a_person_lever_passes_the_persons_rows():
    import inspect
    import re

    for name, lever in REGISTRY.items():
        if name in FIRM_LEVERS:
            continue
        source = inspect.getsource(inspect.getmodule(lever))
        calls = re.findall(r"self\.admit\((.*)\)", source)
        if name in MIXED_LEVERS:  # guaranteed_loans: founders with rows, firm loans without
            assert sum("workers=" in c for c in calls) == 1 and len(calls) == 2, (name, calls)
            continue
        assert all("workers=" in c for c in calls), (name, calls)
