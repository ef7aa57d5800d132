"""A design: the space of packages ``lmsim design`` searches, the targets a package must meet
and with what probability, and what it minimises.

A design file (TOML) names a baseline and the document's own package. The package is the
starting point and the fixed part: a candidate is the package with some of its levers'
parameters set to values from the space, and some optional levers switched off. Every lever
parameter in the space is a range (``{low, high, step}``) or a set (``{choices = [...]}``);
``window_months`` is the length of a lever's window (its ``end`` follows from ``start``); a
lever with ``optional = true`` may be switched off. The space must hold the document's package,
which is always the first candidate.

Example (``scenarios/designs/huyi.toml``)::

    [design]
    name = "Huyi: the least-cost package meeting the plan's targets"
    baseline = "huyi-baseline"
    package = "huyi-package"
    objective = "least_outlay"

    [levers.public_welfare_posts]
    optional = true
    posts = {low = 0, high = 600, step = 50}

The objectives (``objective``):

- ``least_outlay``: least expected extra outlay subject to each required target being met with
  its probability;
- ``most_targets``: most required targets met with their probabilities subject to the expected
  extra outlay staying within ``budget``;
- ``pareto``: the front of extra outlay against the probability of meeting all required
  targets and against net regular jobs; the recommended package is the least costly point of
  the front that meets all required targets with ``confidence``.

*Extra outlay* is the outlay of every fund over the horizon above the baseline's in the same
replication (common random numbers), as ``lmsim compare`` reports it; *net regular jobs* are
regular employment at the end of the horizon above the baseline's.
"""

from __future__ import annotations

import copy
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from .calendar import format_month, parse_month
from .limits import MAX_RUNS, MAX_WEIGHT
from .policies import REGISTRY
from .results_folder import digest
from .scenario import (BUILTIN_DIR, Scenario, ScenarioError, _read_toml, read_toml_file, resolve_path, validate,
                       validate_scenario)
from .targets import Target
from .units import Section

DESIGNS_DIR = BUILTIN_DIR / "designs"
#: the objectives a design may name (see the module's docstring)
OBJECTIVES = ("least_outlay", "most_targets", "pareto")
#: the pseudo-parameter for a lever window's length in months
WINDOW = "window_months"
#: the on/off switch of an optional lever, as a parameter name
SWITCH = "on"
#: the largest number of candidates a search may evaluate
MAX_EVALUATIONS = 5_000


class DesignInfo(Section):
    """[design]: what is searched, against what, and how hard."""

    name: str = Field(min_length=1, description="what the design is for")
    baseline: str = Field(min_length=1, description="the baseline scenario (file beside the design, or a built-in name)")
    package: str = Field(min_length=1, description="the document's own package: the fixed part and the first candidate")
    objective: Literal["least_outlay", "most_targets", "pareto"] = Field("least_outlay", description="what the search optimises")
    confidence: float = Field(0.8, gt=0.0, lt=1.0, description="probability each required target must be met with")
    as_good_as_document: bool = Field(
        True, description="require the targets the document's package meets with the confidence, each at least as often as it")
    targets: list[str] = Field(default_factory=list, description="the package's targets required (default: all of them)")
    budget: float | None = Field(None, gt=0.0, le=1e13, description="yuan of extra outlay over the horizon (most_targets)")
    evaluations: int = Field(60, ge=1, le=MAX_EVALUATIONS, description="candidates the search evaluates, the document's included")
    batch: int = Field(8, ge=1, le=256, description="candidates proposed and run together (fixed, so results never depend on workers)")
    replications: int = Field(4, ge=2, le=MAX_RUNS, description="replications of a candidate at first")
    max_replications: int = Field(16, ge=2, le=MAX_RUNS, description="replications of a candidate near the decision")
    weight: float = Field(1.0, ge=1.0, le=MAX_WEIGHT, description="persons per agent during the search (the confirmation runs at the scenario's own)")
    confirmation_runs: int = Field(20, ge=2, le=MAX_RUNS, description="replications of the confirmation on fresh seeds")
    confirmations: int = Field(3, ge=1, le=20, description="qualifying candidates confirmed in turn, cheapest first, until one is confirmed")
    seed: int | None = Field(None, ge=0, le=2**63 - 1, description="master seed (default: the baseline's)")


class Range(Section):
    """A numeric parameter's range: ``low`` to ``high``, on a grid of ``step`` when given."""

    low: float
    high: float
    step: float | None = Field(None, gt=0.0)

    @model_validator(mode="after")
    def _checks(self) -> Range:
        if not self.low < self.high:
            raise ValueError(f"low = {self.low} must be below high = {self.high}")
        if self.step is not None and abs(round((self.high - self.low) / self.step) * self.step - (self.high - self.low)) > 1e-9 * max(1.0, abs(self.high)):
            raise ValueError(f"step = {self.step} does not divide high - low = {self.high - self.low}")
        return self

    def holds(self, value: Any) -> bool:
        if not isinstance(value, (int, float)) or not self.low <= value <= self.high:
            return False
        return self.step is None or abs(round((value - self.low) / self.step) * self.step - (value - self.low)) <= 1e-9 * max(1.0, abs(value))


class Choices(Section):
    """A parameter's set of values."""

    choices: list[str | bool | int | float] = Field(min_length=1)

    def holds(self, value: Any) -> bool:
        return any(_same(value, c) for c in self.choices)


def _same(a: Any, b: Any) -> bool:
    """Equal as TOML values: true is not 1, but 300 is 300.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


@dataclass(frozen=True)
class Dimension:
    """One parameter of the space: ``lever``'s ``field`` (or :data:`WINDOW`, or :data:`SWITCH`)
    over ``domain``; ``integer`` when the lever's field is a whole number."""

    lever: str
    field: str
    domain: Range | Choices
    integer: bool = False

    @property
    def name(self) -> str:
        return f"{self.lever}.{self.field}"


@dataclass
class Design:
    """A validated design: its settings, the scenarios' data, the space and the targets."""

    info: DesignInfo
    path: str
    baseline: Scenario
    package: Scenario
    package_data: dict[str, Any]
    dimensions: list[Dimension]
    targets: dict[str, Target]

    @property
    def seed(self) -> int:
        return self.baseline.scenario.seed if self.info.seed is None else self.info.seed

    def document_values(self) -> dict[str, Any]:
        """The document's package as a point of the space."""
        return {d.name: document_value(self.package, d) for d in self.dimensions}

    def candidate(self, values: dict[str, Any], weight: float | None = None) -> Scenario:
        """The package with ``values`` (a point of the space) applied, at ``weight`` persons per
        agent (default the design's search weight)."""
        return validate_scenario(scaled(candidate_data(self.package_data, values), self.info.weight if weight is None else weight),
                                 self.package.path)

    def baseline_at(self, weight: float | None = None) -> Scenario:
        data = scaled(self.baseline.model_dump(mode="json", exclude_unset=True), self.info.weight if weight is None else weight)
        return validate_scenario(data, self.baseline.path)

    def point(self, values: dict[str, Any]) -> dict[str, Any]:
        """A proposal as a point of the space: a value on a grid exactly on it (0.6, not the
        0.6000000000000001 that 0.3 + 3 x 0.1 gives in floating point)."""
        point = dict(values)
        for d in self.dimensions:
            if isinstance(d.domain, Range) and d.domain.step is not None and not d.integer:
                steps = round((point[d.name] - d.domain.low) / d.domain.step)
                point[d.name] = round(d.domain.low + steps * d.domain.step, 10)
        return point

    def key(self, values: dict[str, Any]) -> str:
        """A candidate's identity: the digest of the levers and values it runs with (an off
        lever's other values do not matter)."""
        return digest(effective(values))


def effective(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` without the parameters of levers switched off."""
    off = {name.split(".")[0] for name, v in values.items() if name.endswith(f".{SWITCH}") and v is False}
    return {k: v for k, v in sorted(values.items()) if k.split(".")[0] not in off or k.endswith(f".{SWITCH}")}


def candidate_data(package: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The package's scenario data with a point of the space applied: optional levers off are
    removed (and the targets that count them: such a target is not met), fields set, a window's
    end moved to ``start + window_months - 1``."""
    data = copy.deepcopy(package)
    policies = data.setdefault("policies", {})
    for name, value in effective(values).items():
        lever, field = name.split(".", 1)
        if field == SWITCH:
            if value is False:
                policies.pop(lever, None)
            continue
        if field != WINDOW:
            policies[lever][field] = value
    for name, value in effective(values).items():
        lever, field = name.split(".", 1)
        if field == WINDOW and lever in policies:
            policies[lever]["end"] = format_month(parse_month(policies[lever]["start"]) + int(value) - 1)
    data["targets"] = {k: t for k, t in data.get("targets", {}).items()
                       if not str(t.get("indicator", "")).startswith("policies.") or t["indicator"].split(".")[1] in policies}
    return data


def scaled(data: dict[str, Any], weight: float) -> dict[str, Any]:
    """Scenario data at ``weight`` times the persons per agent: a ``weight``-th of the worker
    and firm agents, each standing for ``weight`` times as many (counts stay in persons)."""
    if weight == 1.0:
        return data
    pop = dict(data.get("population", {}))
    if pop.get("workers_table"):
        raise ScenarioError(["design: weight: a scenario with population tables cannot be re-weighted; set weight = 1"])
    pop["workers"] = max(1, round(pop.get("workers", 100_000) / weight))
    pop["firms"] = max(1, round(pop.get("firms", 5_000) / weight))
    pop["weight"] = float(pop.get("weight", 1.0)) * weight
    return {**data, "population": pop}


def document_value(package: Scenario, dim: Dimension) -> Any:
    """The document package's value of a dimension."""
    params = getattr(package.policies, dim.lever)
    if dim.field == SWITCH:
        return params is not None
    if dim.field == WINDOW:
        return parse_month(params.end) - parse_month(params.start) + 1
    value = getattr(params, dim.field)
    return value if not hasattr(value, "by_start") else None


# --- reading a design file ---------------------------------------------------------------------


def load_design(name: str | Path, overrides: dict[str, Any] | None = None) -> Design:
    """Read and check a design; ``overrides`` are [design] fields from the command line
    (``--budget``, ``--confidence``, ``--evaluations``), checked as the file's are and named as
    the command line's. Raises ScenarioError listing every problem before any run."""
    path = resolve_path(name, DESIGNS_DIR, "design")
    data = read_toml_file(path)
    unknown = sorted(set(data) - {"design", "levers"})
    problems = [f"{path}: unknown table [{k}]; allowed: [design], [levers.LEVER]" for k in unknown]
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    sources = {k: f"command line (--{k})" for k in given}
    try:
        info = validate(DesignInfo, {**data.get("design", {}), **given}, str(path), sources)
    except ScenarioError as exc:  # the file's fields are in its [design] table
        raise ScenarioError([p.replace(f"{path}: field '", f"{path}: field 'design.", 1) for p in exc.problems]) from None
    if info.max_replications < info.replications:
        problems.append(f"{path}: field 'design.max_replications': {info.max_replications} is below replications = {info.replications}")
    if info.objective == "most_targets" and info.budget is None:
        problems.append(f"{path}: field 'design.budget': objective 'most_targets' needs a budget (yuan of extra outlay over the horizon), "
                        "in the file or as --budget")
    here = path.parent
    baseline_path = _beside(here, info.baseline, "design.baseline", path)
    package_path = _beside(here, info.package, "design.package", path)
    baseline = _load(baseline_path, f"{path}: field 'design.baseline'")
    package_data = _read_toml(package_path)
    package = validate_scenario(copy.deepcopy(package_data), str(package_path))
    targets = dict(package.targets)
    for t in info.targets:
        if t not in targets:
            problems.append(f"{path}: field 'design.targets': {t!r} is not a target of {package_path.name}; allowed: {', '.join(targets)}")
    if info.targets:
        targets = {t: targets[t] for t in info.targets if t in targets}
    if not targets:
        problems.append(f"{path}: no targets to meet: {package_path.name} declares none")
    dimensions, space_problems = _dimensions(data.get("levers", {}), package, str(path))
    problems += space_problems
    if problems:
        raise ScenarioError(problems)
    design = Design(info, str(path), baseline, package, package_data, dimensions, targets)
    _check_corners(design)
    return design


def _beside(here: Path, name: str, field: str, design: Path) -> Path:
    """A scenario named in a design: a file beside the design, else a built-in scenario."""
    local = here / (name if name.endswith(".toml") else f"{name}.toml")
    try:
        return local if local.exists() else resolve_path(name)
    except ScenarioError as exc:
        raise ScenarioError([f"{design}: field '{field}': {p}" for p in exc.problems]) from None


def _load(path: Path, where: str) -> Scenario:
    try:
        return validate_scenario(_read_toml(path), str(path))
    except ScenarioError as exc:
        raise ScenarioError([f"{where}: {p}" for p in exc.problems]) from None


def _dimensions(levers: Any, package: Scenario, path: str) -> tuple[list[Dimension], list[str]]:
    """The space's dimensions from the [levers.LEVER] tables, with every problem found."""
    problems: list[str] = []
    if not isinstance(levers, dict) or not levers:
        return [], [f"{path}: no [levers.LEVER] table: a design needs at least one parameter to vary"]
    in_force = [name for name, params in package.policies if params is not None]
    dims: list[Dimension] = []
    for lever, table in levers.items():
        where = f"{path}: field 'levers.{lever}'"
        if lever not in REGISTRY:
            problems.append(f"{where}: unknown lever; allowed: {', '.join(sorted(REGISTRY))}")
            continue
        if lever not in in_force:
            problems.append(f"{where}: not in the package; levers in force: {', '.join(in_force)}")
            continue
        if not isinstance(table, dict):
            problems.append(f"{where}: must be a table")
            continue
        fields = REGISTRY[lever].Params.model_fields
        for field, spec in table.items():
            at = f"{path}: field 'levers.{lever}.{field}'"
            if field == "optional":
                if not isinstance(spec, bool):
                    problems.append(f"{at}: must be true or false (got {spec!r})")
                elif spec:
                    dims.append(Dimension(lever, SWITCH, Choices(choices=[True, False])))
                continue
            if field not in fields and field != WINDOW or field in ("end", "clause"):
                allowed = sorted({*fields, WINDOW, "optional"} - {"end", "clause"})
                problems.append(f"{at}: not a parameter the search may vary; allowed: {', '.join(allowed)}")
                continue
            try:
                domain = validate(Choices if isinstance(spec, dict) and "choices" in spec else Range, spec if isinstance(spec, dict) else {"choices": spec}, path)
            except ScenarioError as exc:
                problems += [f"{at}: {p.split(': ', 2)[-1]}" for p in exc.problems]
                continue
            integer = field == WINDOW or _is_int(fields[field].annotation)
            if isinstance(domain, Range) and field in fields and not _is_number(fields[field].annotation):
                problems.append(f"{at}: not a number: give a set of values, e.g. {{choices = [...]}}")
                continue
            dim = Dimension(lever, field, domain, integer)
            value = document_value(package, dim)
            if not domain.holds(value):
                problems.append(f"{at}: the space must hold the document's own value {value!r}")
                continue
            dims.append(dim)
    return dims, problems


def _is_int(annotation: Any) -> bool:
    return annotation is int


def _is_number(annotation: Any) -> bool:
    args = typing.get_args(annotation) if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union else (annotation,)
    return any(typing.get_origin(a) is typing.Annotated and typing.get_args(a)[0] in (int, float) or a in (int, float) for a in args)


def _check_corners(design: Design) -> None:
    """Every parameter at its lowest and at its highest value still makes a valid scenario, so no
    candidate fails for a bad space after the search started."""
    for end in (0, -1):
        values = design.document_values()
        for d in design.dimensions:
            if d.field != SWITCH:
                value = (d.domain.low if end == 0 else d.domain.high) if isinstance(d.domain, Range) else d.domain.choices[end]
                values[d.name] = int(value) if d.integer and isinstance(d.domain, Range) else value
        try:
            design.candidate(values)
        except ScenarioError as exc:
            side = "lowest" if end == 0 else "highest"
            raise ScenarioError([f"{design.path}: with every parameter at its {side} value the package is invalid: {p}"
                                 for p in exc.problems]) from None
