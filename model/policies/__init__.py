"""Policy levers of the source documents: one module each, collected in :data:`REGISTRY`.

Each lever is one module of this package defining one :class:`Lever` subclass against the
contract of :mod:`.base`; they are found by walking the package, so adding a lever is adding
its module (or calling :func:`register` with a class defined elsewhere). The other modules hold
what several levers share (the loan book, placement in programme posts) and define no lever.

A scenario's ``[policies]`` table has one optional section per lever name; :data:`Policies`
is the validated form of that table (unknown names are errors listing the known ones).
:class:`PolicySet` holds the levers of one simulation and passes each engine hook on to them.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field, create_model
from pydantic.fields import FieldInfo

from ..units import Section
from .base import HOOKS, STATS, AppliedLeverParams, Combine, Lever, LeverParams

if TYPE_CHECKING:
    from ..market import Market

#: the ``policies`` output: per month and lever, persons or firms who claimed, were paid, were
#: refused for want of budget, the yuan paid and refused, those newly admitted, yuan lent, jobs
#: at financed businesses, and the persons refused by target group (``refused_GROUP``)
POLICY_COLUMNS = ("date", "lever", *STATS)

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



def _policies_model() -> type[Section]:
    """The validated form of a scenario's ``[policies]`` table: one optional section per lever."""
    return create_model(
        "Policies",
        __base__=Section,
        __doc__="[policies]: the levers in force, one section each.",
        **{name: (cls.Params | None, None) for name, cls in REGISTRY.items()},
    )


Policies = _policies_model()


def register(lever: type[Lever]) -> None:
    """Add a lever defined outside this package (a plug-in, or a test's own lever): scenarios
    may then name it in ``[policies]``. Its code follows the codes already given."""
    REGISTRY[lever.name] = lever
    CODES.setdefault(lever.name, max(CODES.values(), default=0) + 1)
    _rebuild()


def unregister(name: str) -> None:
    """Remove a lever :func:`register` added."""
    REGISTRY.pop(name)
    CODES.pop(name)
    _rebuild()


def _rebuild() -> None:
    """Rebuild the ``[policies]`` schema, and the scenario schema that holds it, from the registry."""
    global Policies
    from ..scenario import Scenario

    Policies = _policies_model()
    Scenario.model_fields["policies"] = FieldInfo.from_annotated_attribute(Policies, Field(default_factory=Policies))
    Scenario.model_rebuild(force=True)


def line_terms() -> dict[str, tuple[str, str]]:
    """Every ledger line item with its Chinese and English name: the engine's (contributions,
    arrears, benefit, appropriations) and each lever's, each defined beside what posts it."""
    from ..agencies import LINES as BENEFIT_LINES
    from ..social_insurance import LINES as CONTRIBUTION_LINES
    from ..treasury import LINES as BUDGET_LINES

    terms = {**CONTRIBUTION_LINES, **BENEFIT_LINES, **BUDGET_LINES}
    for lever in REGISTRY.values():
        terms.update(lever.lines)
    return terms


class PolicySet:
    """The levers of one simulation. For every hook of :data:`HOOKS` it has a method of the
    same name that calls the levers implementing it, in registry order, and combines their
    results by the hook's rule."""

    def __init__(self, model: Market, policies: Section):
        self.levers: list[Lever] = [
            REGISTRY[name](model, params) for name, params in policies if params is not None
        ]
        for hook, rule in HOOKS.items():
            implemented = [getattr(lever, hook) for lever in self.levers if getattr(type(lever), hook) is not getattr(Lever, hook)]
            setattr(self, hook, _COMBINERS[rule](implemented))

    def close_month(self, date: str) -> list[tuple]:
        """One row per lever, with the columns of :data:`POLICY_COLUMNS`."""
        return [(date, lever.name, *lever.close_month().values()) for lever in self.levers]

    def take_admitted(self) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """(lever, worker ids, weights) of the people each lever admitted this month."""
        taken = [(lever.name, *lever.take_admitted()) for lever in self.levers]
        return [t for t in taken if len(t[1])]


def _notify(hooks: list[Callable]) -> Callable:
    def combined(*args: Any) -> None:
        for hook in hooks:
            hook(*args)
    return combined


def _sum(hooks: list[Callable]) -> Callable:
    def combined(*args: Any) -> Any:
        return sum((hook(*args) for hook in hooks), 0.0)
    return combined


def _product(hooks: list[Callable]) -> Callable:
    def combined(*args: Any) -> Any:
        value: Any = 1.0
        for hook in hooks:
            value = value * hook(*args)
        return value
    return combined


def _chain(hooks: list[Callable]) -> Callable:
    def combined(value: Any, *args: Any) -> Any:
        for hook in hooks:
            value = hook(value, *args)
        return value
    return combined


def _any(hooks: list[Callable]) -> Callable:
    def combined(*args: Any) -> Any:
        value: Any = False
        for hook in hooks:
            value = value | hook(*args)
        return value
    return combined


_COMBINERS: dict[Combine, Callable[[list[Callable]], Callable]] = {
    Combine.NOTIFY: _notify, Combine.SUM: _sum, Combine.PRODUCT: _product, Combine.CHAIN: _chain, Combine.ANY: _any,
}

__all__ = ["CODES", "HOOKS", "POLICY_COLUMNS", "REGISTRY", "AppliedLeverParams", "Combine", "Lever", "LeverParams", "Policies", "PolicySet", "line_terms", "register", "unregister"]
