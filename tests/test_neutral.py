"""Issue 3, item 5: every lever at its neutral values (zero subsidy, no places) reproduces the
baseline's outputs exactly with the same seed, alone and all together.

Each comparison is paired with the lever at working values, which must move the outputs: so a
lever that did nothing at all could not pass for neutral."""

from __future__ import annotations

import pytest

from lmsim.policies import REGISTRY
from lmsim.scenario import _read_toml, apply_overrides, resolve_path, validate_scenario
from lmsim.simulation import Results, Simulation

WINDOW = {"start": "2019-01", "end": "2020-12", "clause": "test"}
SMALL_HUYI = ["population.workers=8000", "population.firms=400", "scenario.months=24"]

# Where a lever's defaults leave it idle (no group named, no places), values that set it working.
WORKING = {
    "contribution_rates": {"ui_employer": 0.003},
    "job_seeking_subsidy": {"groups": ["poverty_registered", "low_income", "disabled"],
                            "education": ["primary", "junior", "senior", "vocational", "college", "university"]},
    "public_welfare_posts": {"posts": 40.0, "wage": 2000.0},
    "training_living_allowance": {"per_day": 30.0},
    "work_relief": {"jobs": 40.0, "wage": 2000.0},
}
# training_living_allowance pays people in subsidised training: it needs training_subsidy beside it.
COMPANION = {"training_living_allowance": "training_subsidy"}


def run(policies: dict) -> Results:
    data = apply_overrides(_read_toml(resolve_path("huyi-baseline.toml")), SMALL_HUYI)
    data["policies"] = {name: {**WINDOW, **values} for name, values in policies.items()}
    return Simulation(validate_scenario(data, "<test>")).run(progress=False)


@pytest.fixture(scope="module")
def baseline() -> Results:
    return run({})


def same(a: Results, b: Results) -> bool:
    return a.monthly.equals(b.monthly) and a.ledger.equals(b.ledger) and a.balances.equals(b.balances)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_neutral_lever_reproduces_baseline(name, baseline):
    companion = {COMPANION[name]: {}} if name in COMPANION else {}
    reference = run(companion) if companion else baseline
    assert same(run({**companion, name: REGISTRY[name].neutral}), reference)
    assert not same(run({**companion, name: WORKING.get(name, {})}), reference), f"{name} at working values changed nothing"


def test_every_lever_neutral_at_once_reproduces_baseline(baseline):
    assert same(run({name: cls.neutral for name, cls in REGISTRY.items()}), baseline)
