"""Validated field types shared by scenario sections and policy levers."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from .calendar import parse_month


def _month(value: str) -> str:
    parse_month(value)
    return value


Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
Yuan = Annotated[float, Field(ge=0.0, description="yuan")]
Month = Annotated[str, AfterValidator(_month)]


class Section(BaseModel):
    """A table of a scenario file: unknown keys and wrong types are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, validate_default=True)
