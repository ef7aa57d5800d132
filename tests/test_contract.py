"""The lever contract: hooks declared on Lever with their combination rule, PolicySet built from
that table, a lever written outside the package and run through the public contract, parameter
metadata, dated values, and the structure rules (no lever imports another, plotting only in
reports/)."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from lmsim import policies
from lmsim.ledger import Fund, Recipient
from lmsim.policies import HOOKS, REGISTRY, Combine, Lever, LeverParams, PolicySet, register, unregister
from lmsim.population import Status
from lmsim.simulation import Simulation
from lmsim.units import Dated, Section, Share, Yuan, meta, param

from conftest import hand_built, make_scenario

ROOT = Path(__file__).parents[1]


# --- a minimal lever, one module's worth of code ------------------------------------------


class PocketMoneyParams(LeverParams):
    amount: Yuan = param(500.0, unit="yuan a month", ref="a test", neutral=0.0, description="yuan a month to each job seeker")


class PocketMoney(Lever):
    """Pays every job seeker ``amount`` a month from the employment subsidy fund, and makes
    them search twice as hard while the lever is in force."""

    name = "pocket_money"
    Params: ClassVar = PocketMoneyParams
    fund = Fund.EMPLOYMENT_SUBSIDY
    title = "pocket money for job seekers (求职零用钱)"
    catalogue = "0"
    clauses = ("test",)
    lines: ClassVar = {"pocket_money": ("求职零用钱", "pocket money")}

    def search_effort(self, seekers: np.ndarray) -> np.ndarray | float:
        return 2.0 if self.active() else 1.0

    def monthly(self) -> None:
        if self.active():
            rows = self.model.rows_in(Status.UNEMPLOYED)
            self.pay("pocket_money", self.p.amount, Recipient.WORKER, rows, self.model.workers.weight[rows].astype(np.float64))


def test_a_lever_written_outside_the_package_runs_through_the_contract():
    register(PocketMoney)
    try:
        workers, firms = hand_built([5000.0, 5000.0], [True, True], unemployed=3)
        workers.weight[:] = [1, 1, 2, 1, 1]  # the seekers stand for 2 + 1 + 1 = 4 persons
        section = {"pocket_money": {"start": "2019-02", "end": "2019-03", "clause": "test", "amount": 500.0}}
        scenario = make_scenario(months=4, policies=section)
        result = Simulation(scenario, 1, (workers, firms)).run(progress=False)
        paid = result.ledger[result.ledger["line"] == "pocket_money"].groupby("date")["amount"].sum()
        # nobody moves in the quiet hand-built market: 4 persons x 500 yuan in each month of the window
        assert paid.to_dict() == {"2019-02": -2000.0, "2019-03": -2000.0}
        rows = result.policies[result.policies["lever"] == "pocket_money"]
        assert rows["recipients"].tolist() == [0.0, 4.0, 4.0, 0.0]
        assert PocketMoney.neutral == {"amount": 0.0}
    finally:
        unregister("pocket_money")
    with pytest.raises(ValueError, match="pocket_money"):
        make_scenario(policies=section)


# --- the hook table ------------------------------------------------------------------------


def test_every_hook_is_a_documented_no_op_of_lever_with_a_rule():
    declared = {name for name, f in vars(Lever).items() if inspect.isfunction(f) and f.__doc__ and not name.startswith("_")}
    shared = {"active", "draw", "takes_up", "pay", "admit", "count_loans", "close_month", "take_admitted"}
    assert declared - shared == set(HOOKS)
    assert {rule.value for rule in HOOKS.values()} == {"notify", "sum", "product", "chain", "any"}


def test_policy_set_has_no_hand_written_hook_method():
    written = {name for name, f in vars(PolicySet).items() if inspect.isfunction(f)}
    assert not written & set(HOOKS)


class _Two(Lever):
    """Not registered: only used to build a PolicySet by hand."""

    name = "two"

    def __init__(self, factor):
        self.factor = factor

    def cost_relief(self):
        return self.factor

    def search_effort(self, seekers):
        return self.factor

    def hold_layoffs(self, layoffs, target):
        return layoffs - self.factor


def test_policy_set_combines_by_the_table():
    ps = PolicySet.__new__(PolicySet)
    ps.levers = [_Two(2.0), _Two(3.0)]
    for hook, rule in HOOKS.items():
        implemented = [getattr(lv, hook) for lv in ps.levers if getattr(type(lv), hook) is not getattr(Lever, hook)]
        setattr(ps, hook, policies._COMBINERS[rule](implemented))
    assert HOOKS["cost_relief"] is Combine.SUM and ps.cost_relief() == 5.0
    assert HOOKS["search_effort"] is Combine.PRODUCT and ps.search_effort(None) == 6.0
    assert HOOKS["hold_layoffs"] is Combine.CHAIN and ps.hold_layoffs(10.0, None) == 5.0
    assert ps.reservation_shift(None) == 0.0 and ps.leave_propensity(None) == 1.0  # no lever: the identity


# --- parameters as data ----------------------------------------------------------------------


def test_every_lever_parameter_declares_unit_reference_and_bounds():
    for name, lever in REGISTRY.items():
        for field_name, field in lever.Params.model_fields.items():
            m = meta(field)
            assert m is not None and m.unit and m.ref, f"{name}.{field_name}"


def test_bounds_read_through_optional_dated_and_list_types():
    from lmsim.scenario import Behaviour

    class S(Section):
        rates: list[Share] = param([0.1], unit="share", ref="test", description="rates")
        cap: Dated[Yuan] | None = param(None, unit="yuan", ref="test", description="cap")

    assert meta(S.model_fields["rates"]).bounds == "0 ≤ x ≤ 1"
    assert meta(S.model_fields["cap"]).bounds == "0 ≤ x"
    assert meta(Behaviour.model_fields["startup_failure_by_year"]).bounds == "0 ≤ x ≤ 1"


def test_levers_command_prints_metadata(capsys):
    from lmsim.cli import main

    assert main(["levers", "hiring_subsidy"]) == 0
    out = capsys.readouterr().out
    assert "amount (yuan) = 1000.0, neutral 0.0; 0 ≤ x; ref: 001 (九)" in out
    assert "take_up (share) = 1.0; 0 ≤ x ≤ 1; ref:" in out


def test_dated_value_latest_not_after_the_month_applies():
    class S(Section):
        months: Dated[int] = param(36, unit="months", ref="test", description="months required")

    assert S().months.at(12 * 2019) == 36
    relaxed = S(months={"1900-01": 36, "2019-01": 12, "2021-01": 36}).months
    assert [relaxed.at(12 * y) for y in (2018, 2019, 2020, 2021)] == [36, 12, 12, 36]
    assert relaxed.at(12 * 2020 + 11) == 12
    with pytest.raises(ValueError, match="no value in force in 1899-12"):
        relaxed.at(12 * 1899 + 11)
    assert S(months=relaxed).model_dump(mode="json") == {"months": {"1900-01": 36, "2019-01": 12, "2021-01": 36}}


# --- structure ---------------------------------------------------------------------------------


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found |= {f"{'.' * node.level}{node.module or ''}.{a.name}".replace("..", ".") for a in node.names}
            found.add(f"{'.' * node.level}{node.module or ''}")
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def test_no_lever_module_imports_another_lever_module():
    lever_modules = {cls.__module__.rsplit(".", 1)[1] for cls in REGISTRY.values()}
    for module in sorted(lever_modules):
        imported = _imports(ROOT / "model" / "policies" / f"{module}.py")
        others = {m for m in lever_modules - {module} if any(i.strip(".").split(".")[0] == m or f".{m}" in i for i in imported)}
        assert not others, f"{module} imports lever module(s) {others}"


def test_only_reports_import_matplotlib():
    for path in [*ROOT.glob("model/**/*.py"), *ROOT.glob("calibration/**/*.py")]:
        assert not any(i.startswith("matplotlib") for i in _imports(path)), path


def test_rules_take_the_market_not_the_simulation():
    for path in ROOT.glob("model/**/*.py"):
        if path.name in ("simulation.py", "cli.py", "batch.py", "bench.py", "replications.py", "outputs.py"):
            continue
        assert ".simulation" not in {i.rsplit(".", 1)[0] for i in _imports(path)} | _imports(path), path


def test_readme_behaviour_table_is_current():
    from lmsim.lever_reference import BEHAVIOUR_END, BEHAVIOUR_START, behaviour_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.split(BEHAVIOUR_START)[1].split(BEHAVIOUR_END)[0].strip() == behaviour_table()
