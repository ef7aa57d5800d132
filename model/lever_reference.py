"""The lever reference: each lever's title, catalogue section, clauses, fund and parameters
with their units, read from the lever classes themselves so the documentation cannot drift.

``lmsim levers`` prints it; the README's lever table is :func:`markdown_table` (a test checks
that the README holds the current table).
"""

from __future__ import annotations

import re
import typing
from typing import Any, Literal

from pydantic.fields import FieldInfo

from .ledger import FUND_NAMES
from .policies import REGISTRY
from .policies.base import AppliedLeverParams, Lever

COMMON = tuple(AppliedLeverParams.model_fields)  # start, end, clause, budget, take_up
CLAUSE = re.compile(r"\b00[0-4] (?:§[^\s,;:().]+(?:\([^)]*\)\d*)?|\([^)]*\))")
TABLE_START, TABLE_END = "<!-- levers:start -->", "<!-- levers:end -->"

# Words in a parameter's name or description that say its unit.
_UNIT_WORDS = (
    (r"multiplier|factor|\beffort\b", "multiplier"),
    (r"\bmonths?\b", "months"),
    (r"\byears?\b|\bage\b", "years"),
    (r"\byuan\b", "yuan"),
    (r"\bpersons\b|\bstaff\b|\bposts\b|\bplaces\b|\bjobs\b|\bcapacity\b", "persons"),
    (r"\bshare\b|\brate\b|probability|\bchance\b", "share"),
    (r"\blog\b", "log points"),
)


def title(lever: type[Lever]) -> str:
    """What the lever is, as its docstring names it (with the Chinese term)."""
    first = _doc(lever).split("\n\n")[0]
    text = re.sub(r"^``\w+``:\s*", "", " ".join(first.split()))
    return re.split(r",\s*catalogue §", text)[0]


def catalogue_section(lever: type[Lever]) -> str:
    found = re.search(r"catalogue §([\d.]+\d)", _doc(lever))
    return found.group(1) if found else ""


def clauses(lever: type[Lever]) -> list[str]:
    """The document clauses the lever's docstring cites in its ``Clause(s):`` paragraph."""
    paragraph = next((p for p in _doc(lever).split("\n\n") if re.match(r"\s*Clauses?:", p)), "")
    seen: dict[str, None] = {}
    for match in CLAUSE.findall(" ".join(paragraph.split())):
        seen.setdefault(match, None)
    return list(seen)


def unit(name: str, field: FieldInfo) -> str:
    """The unit of a parameter: from its type where that says it, else from its name and
    description (which every lever parameter has)."""
    kind = _base_type(field.annotation)
    if kind is bool:
        return "yes/no"
    if typing.get_origin(kind) is Literal:
        return "one of " + ", ".join(map(str, typing.get_args(kind)))
    if typing.get_origin(kind) is list:
        (item,) = typing.get_args(kind)
        item = _base_type(item)
        return "list of " + ", ".join(map(str, typing.get_args(item))) if typing.get_origin(item) is Literal else "list"
    if typing.get_origin(kind) is dict:
        return "table " + unit(name, FieldInfo(annotation=typing.get_args(kind)[1], description=field.description))
    if name.endswith("_per_year"):
        return unit(name.removesuffix("_per_year"), field) + " a year"
    if name.endswith("_per_month"):
        return name.removesuffix("_per_month").replace("_", " ") + " a month"
    if name == "payment_month":
        return "month of the year, 1-12"
    for text in (name.replace("_", " "), field.description or ""):
        hits = [(m.start(), found) for pattern, found in _UNIT_WORDS if (m := re.search(pattern, text))]
        if hits:
            return min(hits)[1]  # the unit word that comes first
    return "number"


def parameters(lever: type[Lever]) -> list[tuple[str, str, Any, Any, str]]:
    """(name, unit, default, neutral value, description) of the lever's own parameters."""
    rows = []
    for name, field in lever.Params.model_fields.items():
        if name in COMMON:
            continue
        default = field.get_default(call_default_factory=True)
        rows.append((name, unit(name, field), default, lever.neutral.get(name, ""), field.description or ""))
    return rows


def markdown_table() -> str:
    """One row per lever: name, what it is, catalogue section, clauses, fund, parameters (units)."""
    lines = [
        "| lever | what | § | clauses | fund | parameters (unit) |",
        "|---|---|---|---|---|---|",
    ]
    for name in sorted(REGISTRY):
        lever = REGISTRY[name]
        params = "; ".join(f"`{p}` ({u})" for p, u, *_ in parameters(lever))
        applied = ", `take_up`" if issubclass(lever.Params, AppliedLeverParams) else ""
        lines.append(
            f"| `{name}` | {title(lever)} | {catalogue_section(lever)} | {', '.join(clauses(lever))} "
            f"| {FUND_NAMES[lever.fund]} | {params or '—'}{applied} |"
        )
    return "\n".join(lines)


def detail(name: str) -> str:
    """Everything about one lever: its docstring and a parameter table with defaults."""
    lever = REGISTRY[name]
    lines = [_doc(lever).strip(), "", f"fund: {FUND_NAMES[lever.fund]}", "", "parameters (name, unit, default, neutral value):"]
    lines.append("  start, end (YYYY-MM), clause (text), budget (yuan a year, optional)"
                 + (", take_up (share)" if issubclass(lever.Params, AppliedLeverParams) else ""))
    for pname, u, default, neutral, description in parameters(lever):
        lines.append(f"  {pname} ({u}) = {default!r}" + (f", neutral {neutral!r}" if neutral != "" else ""))
        lines.append(f"      {description}")
    return "\n".join(lines)


def _doc(lever: type[Lever]) -> str:
    import sys

    return sys.modules[lever.__module__].__doc__ or ""


def _base_type(annotation: Any) -> Any:
    """``Optional[Annotated[float, ...]]`` -> ``float``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        else:
            return annotation
