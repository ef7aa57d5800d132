"""Policy levers of the source documents: one module each, collected in :data:`REGISTRY`.

Every module of this package except ``base`` defines one :class:`Lever` subclass; they are
found by walking the package, so adding a lever is adding its module.

A scenario's ``[policies]`` table has one optional section per lever name; :data:`Policies`
is the validated form of that table (unknown names are errors listing the known ones).
:class:`PolicySet` holds the levers of one simulation and passes each engine hook on to them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import create_model

from ..units import Section
import importlib
import pkgutil

from .base import AppliedLeverParams, Lever, LeverParams

if TYPE_CHECKING:
    from ..simulation import LabourMarket

#: the ``policies`` output: per month and lever, persons or firms who claimed, were paid, were
#: refused for want of budget, the yuan paid and refused, and those newly admitted
POLICY_COLUMNS = ("date", "lever", "claims", "recipients", "paid", "refused", "refused_yuan", "entrants", "lent")

#: every lever, by the name its scenario section uses
def _discover() -> dict[str, type[Lever]]:
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Lever) and value is not Lever and value.__module__ == module.__name__:
                found[value.name] = value
    return found


REGISTRY: dict[str, type[Lever]] = _discover()
#: a small positive code per lever, stored in ``Workers.programme`` for people in its programme
CODES: dict[str, int] = {name: code for code, name in enumerate(sorted(REGISTRY), start=1)}

Policies = create_model(
    "Policies",
    __base__=Section,
    __doc__="[policies]: the levers in force, one section each.",
    **{name: (cls.Params | None, None) for name, cls in REGISTRY.items()},
)


class PolicySet:
    """The levers of one simulation; the engine calls its hooks at fixed points of a month."""

    def __init__(self, model: LabourMarket, policies: Section):
        self.levers: list[Lever] = [
            REGISTRY[name](model, params) for name, params in policies if params is not None
        ]

    def _each(self, hook: str):
        return [getattr(lever, hook) for lever in self.levers if hasattr(lever, hook)]

    def year_end(self) -> None:
        for hook in self._each("year_end"):
            hook()

    def contribution_rates(self, rates):
        for hook in self._each("contribution_rates"):
            rates = hook(rates)
        return rates

    def cost_relief(self) -> np.ndarray | float:
        return sum((hook() for hook in self._each("cost_relief")), 0.0)

    def hold_layoffs(self, layoffs: np.ndarray, target: np.ndarray) -> np.ndarray:
        for hook in self._each("hold_layoffs"):
            layoffs = hook(layoffs, target)
        return layoffs

    def search_effort(self, seekers: np.ndarray) -> np.ndarray | float:
        effort: np.ndarray | float = 1.0
        for hook in self._each("search_effort"):
            effort = effort * hook(seekers)
        return effort

    def reservation_shift(self, seekers: np.ndarray) -> np.ndarray | float:
        return sum((hook(seekers) for hook in self._each("reservation_shift")), 0.0)

    def offer_top_up(self, seekers: np.ndarray, employer: np.ndarray) -> np.ndarray | float:
        return sum((hook(seekers, employer) for hook in self._each("offer_top_up")), 0.0)

    def leave_propensity(self, rows: np.ndarray) -> np.ndarray | float:
        factor: np.ndarray | float = 1.0
        for hook in self._each("leave_propensity"):
            factor = factor * hook(rows)
        return factor

    def self_employment_exit(self, rows: np.ndarray) -> np.ndarray | float:
        factor: np.ndarray | float = 1.0
        for hook in self._each("self_employment_exit"):
            factor = factor * hook(rows)
        return factor

    def hired(self, rows: np.ndarray, employer: np.ndarray) -> None:
        for hook in self._each("hired"):
            hook(rows, employer)

    def separated(self, rows: np.ndarray, reason: int) -> None:
        for hook in self._each("separated"):
            hook(rows, reason)

    def startup_credit(self, rows: np.ndarray, need: np.ndarray) -> np.ndarray | float:
        return sum((hook(rows, need) for hook in self._each("startup_credit")), 0.0)

    def started(self, founders: np.ndarray, need: np.ndarray, credit: np.ndarray) -> None:
        for hook in self._each("started"):
            hook(founders, need, credit)

    def benefit_rules(self, level: float, durations: dict[int, int]) -> tuple[float, dict[int, int]]:
        for hook in self._each("benefit_rules"):
            level, durations = hook(level, durations)
        return level, durations

    def monthly(self) -> None:
        for hook in self._each("monthly"):
            hook()

    def close_month(self, date: str) -> list[tuple]:
        """One row per lever, with the columns of :data:`POLICY_COLUMNS`."""
        return [(date, lever.name, *lever.close_month().values()) for lever in self.levers]

    def take_admitted(self) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """(lever, worker ids, weights) of the people each lever admitted this month."""
        taken = [(lever.name, *lever.take_admitted()) for lever in self.levers]
        return [t for t in taken if len(t[1])]


__all__ = ["CODES", "POLICY_COLUMNS", "REGISTRY", "AppliedLeverParams", "Lever", "LeverParams", "Policies", "PolicySet"]
