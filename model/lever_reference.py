"""The parameter reference: each lever's title, catalogue section, clauses, fund, line items and
parameters with their units, references, bounds and neutral values, read from what the lever
classes declare as data (:class:`lmsim.policies.Lever` ClassVars and :func:`lmsim.units.param`
metadata), so the documentation cannot drift from the code.

``lmsim levers`` prints it; the README's lever table is :func:`markdown_table` and its
behaviour table :func:`behaviour_table` (a test checks that the README holds both as they are).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .ledger import FUND_NAMES
from .policies import REGISTRY
from .policies.base import AppliedLeverParams, Lever
from .units import NO_NEUTRAL, meta

COMMON = tuple(AppliedLeverParams.model_fields)  # start, end, clause, budget, take_up
TABLE_START, TABLE_END = "<!-- levers:start -->", "<!-- levers:end -->"
BEHAVIOUR_START, BEHAVIOUR_END = "<!-- behaviour:start -->", "<!-- behaviour:end -->"


class Parameter(NamedTuple):
    """One parameter of a lever as the reference shows it."""

    name: str
    unit: str
    default: Any
    neutral: Any  # "" when the parameter has no neutral value
    description: str
    ref: str
    bounds: str


def parameters(lever: type[Lever], common: bool = False) -> list[Parameter]:
    """The lever's own parameters (and, with ``common``, the fields every lever has)."""
    rows = []
    for name, field in lever.Params.model_fields.items():
        if name in COMMON and not common:
            continue
        declared = meta(field)
        if declared is None:
            raise TypeError(f"{lever.name}.{name} declares no unit and reference: use lmsim.units.param")
        neutral = "" if declared.neutral is NO_NEUTRAL else declared.neutral
        default = field.get_default(call_default_factory=True)
        rows.append(Parameter(name, declared.unit, default, neutral, declared.description, declared.ref, declared.bounds))
    return rows


def markdown_table() -> str:
    """One row per lever: name, what it is, catalogue section, clauses, fund, parameters (units)."""
    lines = [
        "| lever | what | § | clauses | fund | parameters (unit) |",
        "|---|---|---|---|---|---|",
    ]
    for name in sorted(REGISTRY):
        lever = REGISTRY[name]
        params = "; ".join(f"`{p.name}` ({p.unit})" for p in parameters(lever))
        applied = ", `take_up`" if issubclass(lever.Params, AppliedLeverParams) else ""
        lines.append(
            f"| `{name}` | {lever.title} | {lever.catalogue} | {', '.join(lever.clauses)} "
            f"| {FUND_NAMES[lever.fund]} | {params or '—'}{applied} |"
        )
    return "\n".join(lines)


def behaviour_table() -> str:
    """The README's table of behavioural parameters: default, meaning, unit, bounds, source."""
    from .scenario import Behaviour

    lines = ["| parameter | default | meaning | unit | bounds | source |", "|---|---|---|---|---|---|"]
    for name, field in Behaviour.model_fields.items():
        m = meta(field)
        lines.append(f"| `{name}` | {field.default} | {field.description} | {m.unit} | {m.bounds or '—'} | {m.ref} |")
    return "\n".join(lines)


def detail(name: str) -> str:
    """Everything about one lever: what it declares, its docstring, and a parameter table."""
    lever = REGISTRY[name]
    lines = [
        f"{name}: {lever.title}",
        f"catalogue §{lever.catalogue}; clauses {', '.join(lever.clauses)}; fund: {FUND_NAMES[lever.fund]}",
        "line items: " + ", ".join(f"{line} ({zh}, {en})" for line, (zh, en) in lever.lines.items()),
        "",
        _doc(lever).strip(),
        "",
        "parameters (name (unit) = default, neutral value; bounds; reference):",
    ]
    for p in parameters(lever, common=True):
        neutral = "" if p.neutral == "" else f", neutral {p.neutral!r}"
        bounds = f"; {p.bounds}" if p.bounds else ""
        lines.append(f"  {p.name} ({p.unit}) = {p.default!r}{neutral}{bounds}; ref: {p.ref}")
        lines.append(f"      {p.description}")
    return "\n".join(lines)


def _doc(lever: type[Lever]) -> str:
    import sys

    return sys.modules[lever.__module__].__doc__ or ""


