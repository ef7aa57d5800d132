"""Experiment files: a base scenario, factors, a design, replications, a master seed and the
outputs to keep. This module turns one into its list of runs (sample); :mod:`lmsim.batch`
evaluates them and :mod:`lmsim.sensitivity` analyses them (SALib's sample -> evaluate ->
analyse, as plain functions).

```toml
[experiment]
name = "loan caps"
scenario = "small"                 # a file (relative to this one) or a built-in scenario
set = ["scenario.months=12"]       # overrides on the scenario, as `lmsim run --set`
design = "latin"                   # grid | latin | sobol | morris | csv
samples = 200                      # latin: points; sobol: base samples N; morris: trajectories
replications = 1
seed = 1

[[factors]]
path = "policies.guaranteed_loans.individual_cap"
range = [50_000, 300_000]          # with distribution (default uniform)

[outputs.startups]
indicator = "startups"
aggregate = "sum"
```

A run is a pure function of (point, replication, seed): its seed comes from
``numpy.random.SeedSequence(seed, spawn_key=(point, replication))``, or with
``common_random_numbers = true`` from ``(replication,)`` alone, so that replication k of
every point shares its random draws and differences between points are the factors' alone.
"""

from __future__ import annotations

import copy
import itertools
import math
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from .calendar import format_month, parse_month
from .ledger import FUND_NAMES
from .limits import MAX_EXPERIMENT_RUNS, MAX_RUNS, Seed, check_file
from .results_folder import digest
from .reduce import Aggregate, Period, RunTables, aggregate, calendar_years, indicator_series, outlay_series
from .scenario import (Scenario, ScenarioError, _read_toml, apply_overrides, read_toml_file, resolve_path, set_path, validate,
                       validate_scenario)
from .targets import check_indicator
from .units import Month, Section

Design = Literal["grid", "latin", "sobol", "morris", "csv"]
DISTRIBUTIONS = {"uniform": "unif", "normal": "norm", "lognormal": "lognorm", "triangular": "triang"}


class Factor(Section):
    """[[factors]]: one scenario parameter the experiment varies, by its dotted path."""

    path: str = Field(min_length=1, description="dotted path of a scenario field, e.g. behaviour.quit_rate")
    name: str = Field("", description="column name in the results (default: the path)")
    values: list[Any] | None = Field(None, description="values to take (grid design)")
    range: list[float] | None = Field(
        None, min_length=2, max_length=3,
        description="uniform: [low, high]; normal: [mean, sd]; lognormal: [log mean, log sd]; triangular: [low, high, peak share]",
    )
    distribution: Literal["uniform", "normal", "lognormal", "triangular"] = "uniform"
    integer: bool = Field(False, description="round sampled values to whole numbers (counts, months)")

    @model_validator(mode="after")
    def _one_source(self) -> Factor:
        if (self.values is None) == (self.range is None):
            raise ValueError(f"factor {self.path}: give either values (grid) or range (sampled designs)")
        if self.range is not None and len(self.range) == 3 and self.distribution != "triangular":
            raise ValueError(f"factor {self.path}: a range of 3 numbers is for the triangular distribution")
        if self.distribution == "uniform" and self.range is not None and self.range[0] >= self.range[1]:
            raise ValueError(f"factor {self.path}: range low {self.range[0]} must be below high {self.range[1]}")
        self.name = self.name or self.path
        return self


class Output(Section):
    """[outputs.NAME]: a number (or one per month or year) kept from each run."""

    indicator: str | None = Field(None, description="a monthly indicator, or policies.LEVER.COLUMN")
    outlay: str | None = Field(None, description="FUND/LINE: yuan paid out on a ledger line (FUND/* for a whole fund)")
    aggregate: Aggregate = "sum"
    start: Month | None = Field(None, description="first month aggregated (default: the first simulated)")
    end: Month | None = Field(None, description="last month aggregated (default: the last simulated)")
    per_year: bool = Field(False, description="one column per calendar year: NAME[YYYY]")
    months: list[Month] = Field(default_factory=list, description="keep these months' values as NAME[YYYY-MM] instead")

    @model_validator(mode="after")
    def _one_source(self) -> Output:
        if (self.indicator is None) == (self.outlay is None):
            raise ValueError("give either indicator or outlay")
        if self.indicator is not None:
            check_indicator(self.indicator)
        if self.outlay is not None:
            fund, sep, line = self.outlay.partition("/")
            if not sep or not line or fund not in FUND_NAMES.values():
                raise ValueError(f"outlay {self.outlay!r} must read FUND/LINE (or FUND/*), FUND one of {', '.join(FUND_NAMES.values())}")
        if self.start is not None and self.end is not None and parse_month(self.end) < parse_month(self.start):
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    def months_outside(self, first: int, last: int) -> dict[str, list[str]]:
        """The months this output names outside ``first``..``last`` (month indices), by field:
        a run has no value for them."""
        named = {"start": [self.start], "end": [self.end], "months": self.months}
        outside = {field: [m for m in months if m is not None and not first <= parse_month(m) <= last]
                   for field, months in named.items()}
        return {field: months for field, months in outside.items() if months}


class ExperimentInfo(Section):
    name: str = Field(min_length=1)
    scenario: str = Field(description="base scenario: a file relative to the experiment, or a built-in name")
    set: list[str] = Field(default_factory=list, description="overrides on the base scenario, PATH=VALUE")
    design: Design = "grid"
    samples: int = Field(0, ge=0, le=MAX_EXPERIMENT_RUNS, description="latin: points; sobol: base samples; morris: trajectories")
    points_file: str | None = Field(None, description="design = csv: a CSV with one column per factor name")
    replications: int = Field(1, ge=1, le=MAX_RUNS)
    seed: Seed = Field(1, description="master seed")
    common_random_numbers: bool = Field(False, description="replication k has the same seed at every point")
    second_order: bool = Field(False, description="sobol: also sample for second-order indices")
    morris_levels: int = Field(4, ge=2, description="morris: levels of the grid")
    chunk: int = Field(100, ge=1, le=10_000, description="runs per stored block of the results")


class ExperimentFile(Section):
    experiment: ExperimentInfo
    factors: list[Factor] = Field(min_length=1)
    outputs: dict[str, Output] = Field(min_length=1)

    @model_validator(mode="after")
    def _design_fits(self) -> ExperimentFile:
        e, sampled = self.experiment, [f for f in self.factors if f.range is not None]
        if e.design == "grid" and sampled:
            raise ValueError(f"design grid takes factors with values; {sampled[0].path} has a range")
        if e.design in ("latin", "sobol", "morris"):
            if len(sampled) != len(self.factors):
                raise ValueError(f"design {e.design} takes factors with a range; {self.factors[0].path} has values")
            if e.samples < 1:
                raise ValueError(f"design {e.design} needs samples >= 1")
        if e.design == "morris" and any(f.distribution != "uniform" for f in self.factors):
            raise ValueError("design morris takes uniform factors only")
        if e.design == "csv" and not e.points_file:
            raise ValueError("design csv needs points_file")
        names = [f.name for f in self.factors]
        if len(set(names)) != len(names):
            raise ValueError(f"factor names must be distinct, got {names}")
        return self


class Experiment:
    """An experiment file, validated, with its design sampled and every point's scenario
    checked: a bad file fails here, before any run."""

    def __init__(self, spec: ExperimentFile, path: str | Path = "<experiment>", base: dict[str, Any] | None = None,
                 check_points: bool = True):
        self.spec, self.path = spec, str(path)
        e = spec.experiment
        if base is None:
            where = Path(self.path).parent / e.scenario
            base = apply_overrides(_read_toml(resolve_path(where if where.exists() else e.scenario)), list(e.set))
        self.base = base
        problems = size_problems(spec, self.path)
        if problems:  # before sampling: a design's points are allocated at once
            raise ScenarioError(problems)
        self.points = sample(spec, Path(self.path).parent)
        if check_points:  # off only for a model that is not a scenario (e.g. a test function)
            self._check_points()

    @classmethod
    def from_file(cls, path: str | Path) -> Experiment:
        path = Path(path)
        return cls(validate(ExperimentFile, read_toml_file(path), str(path)), path)

    @property
    def factors(self) -> list[Factor]:
        return self.spec.factors

    @property
    def n_runs(self) -> int:
        return len(self.points) * self.spec.experiment.replications

    def runs(self) -> pd.DataFrame:
        """One row per run: run id, point, replication, seed and the factor values."""
        reps = self.spec.experiment.replications
        frame = self.points.loc[self.points.index.repeat(reps)].reset_index(names="point")
        frame.insert(1, "replication", np.tile(np.arange(reps), len(self.points)))
        frame.insert(0, "run", np.arange(len(frame)))
        frame.insert(3, "seed", [self.seed(p, r) for p, r in zip(frame["point"], frame["replication"])])
        return frame

    def seed(self, point: int, replication: int) -> int:
        e = self.spec.experiment
        key = (replication,) if e.common_random_numbers else (point, replication)
        state = np.random.SeedSequence(e.seed, spawn_key=key).generate_state(1, np.uint64)[0]
        return int(state >> np.uint64(1))  # a non-negative int64

    def scenario_data(self, values: dict[str, Any]) -> dict[str, Any]:
        """The base scenario with one point's factor values set."""
        data = copy.deepcopy(self.base)
        for factor in self.factors:
            set_path(data, factor.path, _plain(values[factor.name]))
        return data

    def scenario(self, values: dict[str, Any]) -> Scenario:
        """One point's scenario, validated (what :class:`lmsim.batch.ScenarioModel` runs)."""
        return validate_scenario(self.scenario_data(values), self.path)

    def outputs(self, result: RunTables) -> dict[str, float]:
        """A finished run reduced to the experiment's outputs."""
        return output_values(self.spec, result.monthly, result.ledger, result.policies)

    def fingerprint(self) -> str:
        """A hash of everything that decides the runs' results: refuses to resume into the
        results of another experiment."""
        return digest([self.spec.model_dump(mode="json"), self.base])

    def _check_points(self) -> None:
        problems: list[str] = []
        for point, values in enumerate(self.points.to_dict("records")):
            try:
                scenario = validate_scenario(self.scenario_data(values), f"{self.path} (point {point})")
            except ScenarioError as exc:
                problems.extend(exc.problems)
            else:  # most points share one horizon: each problem once
                problems.extend([p for p in self._output_problems(scenario) if p not in problems])
            if len(problems) >= 10:
                problems.append("... (further points not checked)")
                break
        if problems:
            raise ScenarioError(problems)

    def _output_problems(self, scenario: Scenario) -> list[str]:
        """Outputs naming months outside a point's horizon: every run would report NaN for them."""
        first = scenario.scenario.start_month
        last = first + scenario.scenario.months - 1
        return [
            f"{self.path}: field 'outputs.{name}.{field}': {', '.join(months)} outside the scenario's horizon; "
            f"allowed: months from {format_month(first)} to {format_month(last)}"
            for name, out in self.spec.outputs.items()
            for field, months in out.months_outside(first, last).items()
        ]


def planned_points(spec: ExperimentFile) -> int | None:
    """How many points the design will sample, computed without sampling (None for a CSV of
    points, known once read)."""
    e, factors = spec.experiment, spec.factors
    if e.design == "grid":
        return math.prod(len(f.values) for f in factors)
    if e.design == "latin":
        return e.samples
    if e.design == "sobol":  # SALib's Saltelli scheme: N (D + 2), or N (2D + 2) with second order
        return e.samples * ((2 if e.second_order else 1) * len(factors) + 2)
    if e.design == "morris":
        return e.samples * (len(factors) + 1)
    return None


def size_problems(spec: ExperimentFile, path: str, points: int | None = None) -> list[str]:
    """The design's runs (points x replications) beyond :data:`MAX_EXPERIMENT_RUNS`, in one
    line naming the field that sets them; ``points`` when already known (a CSV's rows)."""
    e = spec.experiment
    points = planned_points(spec) if points is None else points
    if points is None or points * e.replications <= MAX_EXPERIMENT_RUNS:
        return []
    field = {"grid": "factors", "csv": "experiment.points_file"}.get(e.design, "experiment.samples")
    runs = f"{points:,} points x {e.replications:,} replications = {points * e.replications:,} runs"
    return [f"{path}: field '{field}': design {e.design} with {len(spec.factors)} factor(s) gives {runs}; "
            f"allowed: at most {MAX_EXPERIMENT_RUNS:,} runs"]


def sample(spec: ExperimentFile, folder: Path = Path(".")) -> pd.DataFrame:
    """The design's points: one row per point, one column per factor name."""
    e, factors = spec.experiment, spec.factors
    names = [f.name for f in factors]
    if e.design == "grid":
        points = pd.DataFrame(list(itertools.product(*(f.values for f in factors))), columns=names)
    elif e.design == "csv":
        points = _read_points(folder / e.points_file, names)
        problems = size_problems(spec, str(folder / e.points_file), len(points))
        if problems:
            raise ScenarioError(problems)
    else:
        points = pd.DataFrame(_salib_sample(spec), columns=names)
    for f in factors:
        if f.integer:
            points[f.name] = points[f.name].round().astype(np.int64)
    points.index.name = "point"
    return points


def salib_problem(spec: ExperimentFile) -> dict[str, Any]:
    """The SALib problem dictionary of a sampled design."""
    return {
        "num_vars": len(spec.factors),
        "names": [f.name for f in spec.factors],
        "bounds": [list(f.range) for f in spec.factors],
        "dists": [DISTRIBUTIONS[f.distribution] for f in spec.factors],
    }


def _salib_sample(spec: ExperimentFile) -> np.ndarray:
    from SALib.sample import latin, morris
    from SALib.sample import sobol as saltelli

    e, problem = spec.experiment, salib_problem(spec)
    if e.design == "latin":
        return latin.sample(problem, e.samples, seed=e.seed)
    if e.design == "sobol":
        return saltelli.sample(problem, e.samples, calc_second_order=e.second_order, seed=e.seed)
    return morris.sample(problem, e.samples, num_levels=e.morris_levels, seed=e.seed)


def _read_points(path: Path, names: list[str]) -> pd.DataFrame:
    problems = check_file(path, upper=None)  # a device or pipe would be read without end
    if problems:
        raise ScenarioError(problems)
    try:
        points = pd.read_csv(path)
    except OSError as exc:
        raise ScenarioError([f"{path}: cannot read points file ({exc.strerror or exc})"]) from exc
    missing = [n for n in names if n not in points.columns]
    if missing:
        raise ScenarioError([f"{path}: missing column(s) {missing}; the factors are {names}"])
    return points[names].reset_index(drop=True)


def output_values(spec: ExperimentFile, monthly: pd.DataFrame, ledger: pd.DataFrame, policies: pd.DataFrame) -> dict[str, float]:
    """The experiment's outputs of one run, as named numbers."""
    values: dict[str, float] = {}
    dates = monthly["date"]
    for name, out in spec.outputs.items():
        if out.indicator:
            series = indicator_series(monthly, policies, out.indicator)
        else:
            fund, line = out.outlay.split("/", 1)
            series = outlay_series(ledger, fund, line, dates)
        if out.months:
            for month in out.months:
                values[f"{name}[{month}]"] = float(series.get(month, np.nan))
            continue
        period = Period(name, parse_month(out.start or dates.iloc[0]), parse_month(out.end or dates.iloc[-1]))
        periods = [period]
        if out.per_year:
            periods = [Period(f"{name}[{year.label}]", year.first, year.last) for year in calendar_years(period.first, period.last)]
        for p in periods:
            values[p.label] = aggregate(series, p, out.aggregate)
    return values


def _plain(value: Any) -> Any:
    """numpy scalars as the Python numbers TOML data holds (the scenario schema is strict)."""
    return value.item() if isinstance(value, np.generic) else value
