"""Validated field types shared by scenario sections and policy levers, the metadata every
parameter carries (:func:`param`), and values that change over time (:class:`Dated`)."""

from __future__ import annotations

import bisect
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, GetCoreSchemaHandler
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined, core_schema

from .calendar import format_month, parse_month


def _month(value: str) -> str:
    parse_month(value)
    return value


Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
Yuan = Annotated[float, Field(ge=0.0, description="yuan")]
Month = Annotated[str, AfterValidator(_month)]


class Section(BaseModel):
    """A table of a scenario file: unknown keys, wrong types and numbers that are not finite
    (TOML's ``inf`` and ``nan``) are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, validate_default=True, allow_inf_nan=False)


# --- parameter metadata ---------------------------------------------------------------------

#: a parameter with no neutral value (one that changes nothing) declares none
NO_NEUTRAL: Any = object()


def param(
    default: Any = PydanticUndefined,
    *,
    unit: str,
    ref: str,
    description: str,
    neutral: Any = NO_NEUTRAL,
    **constraints: Any,
) -> Any:
    """A lever or behaviour parameter: its default, unit, reference and neutral value as data.

    ``ref`` is the clause of a source document (``"001 (九)"``) or the published source of a
    behavioural value; ``neutral`` is the value at which a lever changes nothing (with it a
    scenario reproduces its baseline exactly). Bounds are pydantic's ``ge``/``gt``/``le``/``lt``
    (here or on the field's type); :func:`meta` reads all of it back.
    """
    extra: dict[str, Any] = {"unit": unit, "ref": ref}
    if neutral is not NO_NEUTRAL:
        extra["neutral"] = neutral
    return Field(default, description=description, json_schema_extra=extra, **constraints)


@dataclass(frozen=True)
class ParamMeta:
    """What a parameter declares about itself: unit, reference, bounds and neutral value."""

    unit: str
    ref: str
    description: str
    low: float | None
    high: float | None
    neutral: Any = NO_NEUTRAL

    @property
    def bounds(self) -> str:
        """The allowed range as text, e.g. ``0 ≤ x ≤ 1``; empty when unbounded."""
        low = "" if self.low is None else f"{_plain(self.low)} ≤ "
        high = "" if self.high is None else f" ≤ {_plain(self.high)}"
        return f"{low}x{high}" if low or high else ""


def meta(field: FieldInfo) -> ParamMeta | None:
    """The metadata :func:`param` stored on ``field``; None for a field declared otherwise."""
    extra = field.json_schema_extra
    if not isinstance(extra, dict) or "unit" not in extra:
        return None
    low = high = None
    for item in _constraints(field):
        low = getattr(item, "ge", getattr(item, "gt", low))
        high = getattr(item, "le", getattr(item, "lt", high))
    return ParamMeta(str(extra["unit"]), str(extra["ref"]), field.description or "", low, high, extra.get("neutral", NO_NEUTRAL))


def _constraints(field: FieldInfo) -> list[Any]:
    """Bound markers on the field and on the types inside ``X | None``, ``Dated[X]`` or
    ``list[X]`` (a list's bounds hold for each of its values)."""
    found = list(field.metadata)
    stack = [field.annotation]
    while stack:
        annotation = stack.pop()
        if typing.get_origin(annotation) is typing.Annotated:
            for item in annotation.__metadata__:
                found += item.metadata if isinstance(item, FieldInfo) else [item]
            stack.append(typing.get_args(annotation)[0])
        elif typing.get_origin(annotation) in (typing.Union, types.UnionType, Dated, list):
            stack += list(typing.get_args(annotation))
    return found


def _plain(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


# --- values that change over time -------------------------------------------------------------

T = TypeVar("T")


class Dated(Generic[T]):
    """A value that changes over time, as OpenFisca's parameters do: values by the month they
    take effect; in any month the latest not after it applies.

    In a scenario file it is a table ``{"2019-01" = 12, "2021-01" = 36}``, or a single value,
    which is in force in every month.
    """

    def __init__(self, by_start: Mapping[str, T]):
        if not by_start:
            raise ValueError("needs at least one value, e.g. {\"2019-01\" = ...}")
        ordered = sorted(by_start.items(), key=lambda item: parse_month(item[0]))
        self.by_start: dict[str, T] = dict(ordered)
        self._starts = [parse_month(start) for start in self.by_start]
        self._values = list(self.by_start.values())

    @classmethod
    def always(cls, value: T) -> Dated[T]:
        """One value in force in every month."""
        return cls({ALWAYS: value})

    def at(self, month: int) -> T:
        """The value in force in ``month`` (a month index)."""
        i = bisect.bisect_right(self._starts, month) - 1
        if i < 0:
            raise ValueError(f"no value in force in {format_month(month)}: the first starts {format_month(self._starts[0])}")
        return self._values[i]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Dated) and self.by_start == other.by_start

    def __repr__(self) -> str:
        return f"Dated({self.by_start!r})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        (value_type,) = typing.get_args(source) or (Any,)
        return core_schema.no_info_before_validator_function(
            _as_table,
            core_schema.no_info_after_validator_function(Dated, handler.generate_schema(dict[Month, value_type])),
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda d: {k: v.model_dump(mode="json") if isinstance(v, BaseModel) else v for k, v in d.by_start.items()}
            ),
        )


#: the start month of a value given without dates: before any simulated month
ALWAYS = "1900-01"


def _as_table(value: Any) -> Any:
    """A single value stands for a table with one entry in force from :data:`ALWAYS`."""
    if isinstance(value, Dated):
        return value.by_start
    return value if isinstance(value, dict) else {ALWAYS: value}
