"""The dashboard's package form: one section per lever, its fields generated from the lever's
parameter metadata (:mod:`lmsim.lever_reference`, :func:`lmsim.units.meta`), and the package
scenario built from what the form holds, checked by the same validation as ``lmsim check``.

A package is data: ``{"base": "<region>-baseline", "scenario": {...}, "policies": {...},
"targets": {...}}``, the shape of a scenario file that names a built-in baseline as its base;
:func:`package_toml` writes it as the file ``lmsim compare`` and ``lmsim run`` read.
"""

from __future__ import annotations

import tomllib
import types
import typing
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import tomli_w
from pydantic_core import to_jsonable_python

from ..lever_reference import parameters
from ..policies import REGISTRY
from ..results_folder import atomic_write, digest
from ..scenario import BUILTIN_DIR, Scenario, ScenarioError, _merge, _read_toml, load_scenario, read_toml_file, validate_scenario
from ..units import ALWAYS, Dated, meta

Kind = Literal["number", "integer", "switch", "text", "choice", "choices", "toml"]
#: how a package starts: the region's document package, no measures, or a file the user uploads
START = ("package", "none", "upload")


#: the small illustrative scenario, offered beside the regions for a quick look (it has no package)
SMALL = "small"


@cache  # the built-in scenarios do not change while lmsim runs
def regions() -> dict[str, tuple[str, str | None]]:
    """The regions the page offers, each with its baseline and its document package: the
    shipped ``<region>-baseline`` / ``<region>-package`` pairs, and the small scenario."""
    shipped = {p.name.removesuffix("-baseline.toml"): (p.stem, p.stem.replace("-baseline", "-package"))
               for p in sorted(BUILTIN_DIR.glob("*-baseline.toml")) if (BUILTIN_DIR / p.name.replace("-baseline", "-package")).exists()}
    return {**shipped, SMALL: (SMALL, None)}


@dataclass(frozen=True)
class FormField:
    """One input of a lever's section, from the parameter's declared metadata."""

    lever: str
    name: str
    kind: Kind
    unit: str
    description: str
    ref: str
    default: Any
    low: float | None = None
    high: float | None = None
    bounds: str = ""  # the allowed range as text, e.g. "3 ≤ x ≤ 12"
    choices: tuple[str, ...] = ()
    optional: bool = False  # blank means none (no cap, the documented default)

    @property
    def input_id(self) -> str:
        return f"{self.lever}__{self.name}"


def _kind(annotation: Any) -> tuple[Kind, tuple[str, ...], bool]:
    """The input kind, the allowed choices and whether blank (None) is allowed, for a field's type."""
    args = typing.get_args(annotation)
    optional = typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args
    if optional:
        rest = [a for a in args if a is not type(None)]
        annotation = rest[0] if len(rest) == 1 else annotation
        args = typing.get_args(annotation)
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
        args = typing.get_args(annotation)
    if annotation is bool:
        return "switch", (), optional
    if annotation is int:
        return "integer", (), optional
    if annotation is float:
        return "number", (), optional
    if annotation is str:
        return "text", (), optional
    if typing.get_origin(annotation) is Literal:
        return "choice", tuple(args), optional
    if typing.get_origin(annotation) is list and args and typing.get_origin(args[0]) is Literal:
        return "choices", tuple(typing.get_args(args[0])), optional
    return "toml", (), optional  # tables and lists of tables: edited as a TOML value


@cache  # a lever's fields are fixed by its class: read once
def lever_fields(name: str) -> tuple[FormField, ...]:
    """The form's fields of lever ``name``: its window, clause, budget, take-up and own
    parameters, in the order the lever declares them."""
    lever = REGISTRY[name]
    fields = []
    for p in parameters(lever, common=True):
        info = lever.Params.model_fields[p.name]
        kind, choices, optional = _kind(info.annotation)
        declared = meta(info)
        fields.append(FormField(name, p.name, kind, p.unit, p.description, p.ref, p.default,
                                declared.low if declared else None, declared.high if declared else None, p.bounds, choices, optional))
    return tuple(fields)


def start_policies(region: str, start: str, upload: Path | None = None) -> tuple[dict[str, dict], dict[str, dict]]:
    """The levers in force ({lever: its section}) and targets a package starts from: the
    region's document package, none (with the package's targets that need no lever), or an
    uploaded scenario file's own ``[policies]`` and ``[targets]``."""
    package = regions()[region][1]
    data = read_toml_file(BUILTIN_DIR / f"{package}.toml") if package else {}
    targets = data.get("targets", {})
    if start == "package":
        return dict(data.get("policies", {})), dict(targets)
    if start == "upload" and upload is not None:
        own = read_toml_file(upload)
        return dict(own.get("policies", {})), dict(own.get("targets", targets))
    return {}, {k: t for k, t in targets.items() if not str(t.get("indicator", "")).startswith("policies.")}


def section_from_inputs(name: str, values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A lever's ``[policies.NAME]`` section from the form's values by field name (what a
    browser sends: numbers, booleans, text, lists), with the problems of values the form
    cannot even read; fields left at their default are left out, as a scenario file would."""
    section: dict[str, Any] = {}
    problems = []
    for field in lever_fields(name):
        if field.name not in values:
            continue
        value = values[field.name]
        if field.kind == "toml":
            text = str(value or "").strip()
            if not text:
                continue
            try:
                value = tomllib.loads(f"v = {text}")["v"]
            except tomllib.TOMLDecodeError as exc:
                problems.append(f"policies.{name}.{field.name}: not a TOML value ({exc})")
                continue
        elif field.kind in ("number", "integer") and (value is None or value == ""):
            if field.optional:
                continue
            problems.append(f"policies.{name}.{field.name}: a number is required")
            continue
        elif field.kind == "integer" and isinstance(value, float) and value.is_integer():
            value = int(value)
        elif field.kind == "choices":
            value = list(value or [])
        if field.name in ("start", "end", "clause") or value != field.default:
            section[field.name] = value
    return section, problems


def package_data(region: str, name: str, policies: dict[str, dict], targets: dict[str, dict]) -> dict[str, Any]:
    """The package as scenario data on the region's baseline; targets that count a lever not in
    force are left out (a scenario may not name them)."""
    kept = {k: t for k, t in targets.items()
            if not str(t.get("indicator", "")).startswith("policies.") or t["indicator"].split(".")[1] in policies}
    return {"base": regions()[region][0], "scenario": {"name": name or region}, "policies": policies, "targets": kept}


def package_toml(data: dict[str, Any]) -> str:
    """The package as the text of a scenario file."""
    return tomli_w.dumps(data)


def problems(data: dict[str, Any]) -> list[str]:
    """What is wrong with a package, in the words of ``lmsim check`` (field paths and allowed
    values; no file name: the form is the source); empty when it is valid."""
    base = _read_toml(BUILTIN_DIR / f"{data['base']}.toml")
    try:
        validate_scenario(_merge(base, {k: v for k, v in data.items() if k != "base"}), "package")
    except ScenarioError as exc:
        return [p.removeprefix("package: ") for p in exc.problems]
    return []


def write_package(data: dict[str, Any], folder: Path) -> tuple[Scenario, Path]:
    """Write a valid package under ``folder`` (named by its contents) and load it, as
    ``lmsim compare`` will load the file the user downloads."""
    text = package_toml(data)
    path = Path(folder) / f"package-{digest(text)[:12]}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
    return load_scenario(path), path


def toml_value(value: Any) -> str:
    """A value as it is written after ``=`` in a TOML file (tables inline), for the fields the
    form edits as TOML; empty for none."""
    if value is None:
        return ""
    if isinstance(value, Dated):
        value = value.by_start[ALWAYS] if list(value.by_start) == [ALWAYS] else value.by_start
    plain = to_jsonable_python(value)
    if isinstance(plain, dict):  # tomli_w writes a table inline only inside an array
        return tomli_w.dumps({"v": [plain]}).strip().removeprefix("v = ")[1:-1].strip().rstrip(",")
    return tomli_w.dumps({"v": plain}).strip().removeprefix("v = ")


# --- a design built from the form ---------------------------------------------------------------

#: the values a parameter the design tab varies may take, as multiples of the form's value
DESIGN_MULTIPLES = (0.5, 0.75, 1.0, 1.25, 1.5)


def design_parameters(policies: dict[str, dict]) -> dict[str, str]:
    """The parameters of the levers in force the design tab can vary ({"lever.field": label}):
    the numbers and whole numbers the package sets above zero (or leaves at a default above zero)."""
    found = {}
    for lever, section in sorted(policies.items()):
        for f in lever_fields(lever):
            value = section.get(f.name, f.default)
            if f.kind in ("number", "integer") and isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
                found[f"{lever}.{f.name}"] = f"{lever}.{f.name} ({value:g} {f.unit})"
    return found


def design_choices(lever: str, field: str, value: float) -> list[float | int]:
    """The values a varied parameter takes: :data:`DESIGN_MULTIPLES` of the form's value, kept
    inside the parameter's declared bounds (whole numbers for a whole-number field)."""
    f = next(x for x in lever_fields(lever) if x.name == field)
    values = [m * value for m in DESIGN_MULTIPLES]
    if f.kind == "integer":
        values = [round(v) for v in values]
    inside = [v for v in values if (f.low is None or v >= f.low) and (f.high is None or v <= f.high)]
    return sorted(set(inside), key=inside.index)


def design_data(package_path: Path, region: str, varied: list[str], optional: list[str], policies: dict[str, dict],
                settings: dict[str, Any]) -> dict[str, Any]:
    """A design file's data: the package the form holds (written at ``package_path``) on its
    region's baseline, the parameters ``varied`` over :func:`design_choices`, the levers in
    ``optional`` allowed off, and the [design] ``settings`` (objective, confidence, ...)."""
    levers: dict[str, dict[str, Any]] = {}
    for name in varied:
        lever, field = name.split(".", 1)
        f = next(x for x in lever_fields(lever) if x.name == field)
        value = policies[lever].get(field, f.default)
        levers.setdefault(lever, {})[field] = {"choices": design_choices(lever, field, value)}
    for lever in optional:
        levers.setdefault(lever, {})["optional"] = True
    info = {"name": f"design of {package_path.stem}", "baseline": regions()[region][0], "package": str(package_path), **settings}
    return {"design": info, "levers": levers}


def write_design(data: dict[str, Any], folder: Path) -> Path:
    """Write a design under ``folder`` (named by its contents), as ``lmsim design`` reads it."""
    text = tomli_w.dumps(data)
    path = Path(folder) / f"design-{digest(text)[:12]}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
    return path
