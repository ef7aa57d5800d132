"""Targets files (observed moments) and parameter specifications, validated like scenarios:
a bad file fails before any run, naming the file, the field and what is allowed.

```toml
[[moments]]
name = "surveyed_2019"
statistic = "surveyed_unemployment_rate"   # see calibration.moments.STATISTICS
value = 0.0515
range = [0.050, 0.053]                     # or se = 0.001; a 90 % range gives se = half-width / 1.645
start = "2019-01"                          # months of the run the statistic covers (optional)
end = "2019-12"
source = "NBS: 2019 monthly urban surveyed rates 5.0-5.3 %"
kind = "national"                          # national | local | derived

[[params]]                                  # in the targets file or a file of its own (--params)
path = "behaviour.matching_efficiency"
low = 0.2
high = 0.6
true = 0.35                                # optional: the value parameter recovery starts from
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from lmsim.scenario import read_toml_file, validate
from lmsim.units import Month, Section

from .moments import STATISTICS

Z90 = 1.6449  # a 90 % range is +/- 1.645 standard errors


class Moment(Section):
    name: str = Field(min_length=1)
    statistic: str = Field(description="a statistic of calibration.moments.STATISTICS")
    value: float
    se: float | None = Field(None, gt=0, description="standard error of the observed value")
    range: list[float] | None = Field(None, min_length=2, max_length=2, description="a 90 % range [low, high]")
    start: Month | None = None
    end: Month | None = None
    source: str = Field(min_length=1, description="where the figure comes from")
    kind: Literal["national", "local", "derived"] = "national"
    targeted: bool = Field(True, description="false: an untargeted moment, reported as an out-of-sample check")

    @model_validator(mode="after")
    def _checks(self) -> Moment:
        if self.statistic not in STATISTICS:
            raise ValueError(f"unknown statistic {self.statistic!r}; allowed: {', '.join(STATISTICS)}")
        if (self.se is None) == (self.range is None):
            raise ValueError("give either se or range")
        if self.range is not None:
            low, high = self.range
            if not low < high:
                raise ValueError(f"range low {low} must be below high {high}")
            if not low <= self.value <= high:
                raise ValueError(f"value {self.value} lies outside its range {self.range}")
            self.se = (high - low) / 2 / Z90
        return self


class Param(Section):
    path: str = Field(min_length=1, description="dotted path of a scenario field, e.g. behaviour.quit_rate")
    low: float
    high: float
    start: float | None = Field(None, description="starting value (default: from the global search)")
    true: float | None = Field(None, description="the value parameter recovery generates moments from")

    @model_validator(mode="after")
    def _bounds(self) -> Param:
        if not self.low < self.high:
            raise ValueError(f"low {self.low} must be below high {self.high}")
        for name in ("start", "true"):
            v = getattr(self, name)
            if v is not None and not self.low <= v <= self.high:
                raise ValueError(f"{name} {v} lies outside [{self.low}, {self.high}]")
        return self


class TargetsFile(Section):
    moments: list[Moment] = Field(min_length=1)
    params: list[Param] = Field(default_factory=list)

    @model_validator(mode="after")
    def _distinct(self) -> TargetsFile:
        names = [m.name for m in self.moments]
        if len(set(names)) != len(names):
            raise ValueError(f"moment names must be distinct, got {names}")
        return self


class ParamsFile(Section):
    params: list[Param] = Field(min_length=1)


def _read(path: str | Path) -> dict:
    return read_toml_file(Path(path))


def load_targets(path: str | Path) -> TargetsFile:
    return validate(TargetsFile, _read(path), str(path))


def load_params(path: str | Path) -> list[Param]:
    return validate(ParamsFile, _read(path), str(path)).params
