"""Populations loaded from registry tables (CSV or Parquet), validated before any run.

The ``workers`` and ``firms`` tables use the column names of :class:`lmsim.population.Workers`
and :class:`lmsim.population.Firms` (see the README's file formats). Only the columns in
:data:`REQUIRED` must be present; every other column takes its documented default, and
derived firm quantities (labour cost, productivity, cash, normal staff) are computed from
the scenario. ``employer`` holds firm ids and ``owner`` worker ids; both are checked, and no
worker may work for a firm the table marks closed (``alive`` false).

Every value must be finite and within its column's range: the ranges below, else what the
column's type holds (integer columns take whole numbers only), and amounts at most
:data:`lmsim.limits.MAX_YUAN` yuan; a table has 1 to :data:`lmsim.limits.MAX_WORKERS` workers
or :data:`lmsim.limits.MAX_FIRMS` firms.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .columns import Column, Columns
from .limits import MAX_FIRMS, MAX_MONTHS, MAX_WEIGHT, MAX_WORKERS, MAX_YUAN, check_file
from .population import BAND_PREMIUM, EDUCATION, Firms, Status, Workers, draw_cash_buffers
from .rng import Purpose
from .social_insurance import employer_rate, rates_in_force
from .scenario import TABLE_FORMATS, Scenario, ScenarioError

REQUIRED = {
    "workers": ["id", "age_months", "female", "education", "status", "employer"],
    "firms": ["id", "sector", "wage"],
}
#: the most rows a table may have
MAX_ROWS = {"workers": MAX_WORKERS, "firms": MAX_FIRMS}


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV or Parquet file, or fail naming the file."""
    path = Path(path)
    if path.suffix.lower() not in TABLE_FORMATS:
        raise ScenarioError([f"{path}: unknown table format '{path.suffix}'; allowed: CSV (.csv) or Parquet (.parquet)"])
    problems = check_file(path, upper=None)  # a device or pipe would be read without end
    if problems:
        raise ScenarioError(problems)
    try:
        return pd.read_parquet(path) if path.suffix.lower() == ".parquet" else pd.read_csv(path)
    except Exception as exc:  # any parser failure is the same problem for the user: unreadable input
        raise ScenarioError([f"{path}: cannot read table ({type(exc).__name__}: {exc})"]) from None


def table_kind(frame: pd.DataFrame) -> str:
    """The kind of population a table's columns say it holds: workers when it has a column only
    workers have (``employer``, ``age_months``, ``status``...), else firms."""
    only_workers = {c.name for c in Workers.SCHEMA} - {c.name for c in Firms.SCHEMA}
    return "workers" if only_workers & set(frame.columns) else "firms"


def check_table(frame: pd.DataFrame, kind: str, path: str, n_sectors: int | None = None) -> list[str]:
    """Problems with one table: missing or unknown columns, wrong types, values out of range."""
    schema: type[Columns] = Workers if kind == "workers" else Firms
    columns = {c.name: c for c in schema.SCHEMA}
    problems = [
        f"{path}: field '{name}': required column is missing (required: {', '.join(REQUIRED[kind])})"
        for name in REQUIRED[kind]
        if name not in frame.columns
    ]
    if not 1 <= len(frame) <= MAX_ROWS[kind]:
        # an empty table has no values to check: its columns would read as text
        return [*problems, f"{path}: table has {len(frame):,} rows; allowed: 1 to {MAX_ROWS[kind]:,} rows of {kind}"]
    for name in frame.columns:
        if name not in columns:
            problems.append(f"{path}: field '{name}': unknown column; allowed: {', '.join(columns)}")
            continue
        values = frame[name]
        if values.isna().any():
            problems.append(f"{path}: field '{name}': {int(values.isna().sum())} empty value(s); allowed: {columns[name].allowed}")
            continue
        if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
            problems.append(f"{path}: field '{name}': values must be numbers; allowed: {columns[name].allowed}")
            continue
        bad = _bad_values(columns[name], values.to_numpy(), kind, n_sectors)
        if bad is not None:
            problems.append(f"{path}: field '{name}': {bad}; allowed: {columns[name].allowed}")
    if "id" in frame.columns and frame["id"].duplicated().any():
        problems.append(f"{path}: field 'id': ids must be unique (first duplicate: {frame['id'][frame['id'].duplicated()].iloc[0]})")
    return problems


_RANGES = {
    "workers": {
        "id": (0, None), "weight": (1e-9, MAX_WEIGHT), "age_months": (192, 840), "education": (0, len(EDUCATION) - 1),
        "skill": (0, 5), "status": (0, len(Status) - 1), "employer": (-1, None), "wage": (0, None),
        "ui_months": (0, None), "unemployed_months": (0, None), "benefit_months_left": (0, None),
        "last_wage": (0, None), "savings": (0, None), "separation": (0, 4), "household": (0, None),
    },
    "firms": {
        "id": (0, None), "weight": (1e-9, MAX_WEIGHT), "skill_band": (0, 2), "scale": (0, MAX_WORKERS), "wage": (1e-9, None),
        "employees": (0, MAX_WORKERS), "arrears": (0, None), "loans": (0, None), "age_months": (0, None), "owner": (-1, None),
        # log demand as a shock may move it; the months of wages a firm keeps
        "demand": (-3, 3), "cash_buffer": (0, MAX_MONTHS),
    },
}


def _bad_values(column: Column, values: np.ndarray, kind: str, n_sectors: int | None) -> str | None:
    """What is wrong with a column's values, if anything: values that are not finite, not whole
    in an integer column, or out of its range."""
    if values.dtype.kind == "f":
        infinite = ~np.isfinite(values)
        if infinite.any():
            return f"{int(infinite.sum())} value(s) not finite (first: {values[infinite][0]})"
        if np.dtype(column.dtype).kind in "iub" and (values != np.floor(values)).any():
            fractional = values[values != np.floor(values)]
            return f"{len(fractional)} value(s) not whole numbers (first: {fractional[0]})"
    return _out_of_range(column, values, kind, n_sectors)


def _range(column: Column, kind: str, n_sectors: int | None) -> tuple[float, float]:
    """The lowest and highest value a column takes: its own range where it has one, else what
    its type holds (amounts: :data:`MAX_YUAN` either side of zero)."""
    if column.name == "sector" and n_sectors is not None:
        return 0, n_sectors - 1
    dtype = np.dtype(column.dtype)
    if dtype.kind == "b":
        held = (0, 1)
    elif dtype.kind in "iu":
        held = (np.iinfo(dtype).min, np.iinfo(dtype).max)
    else:
        held = (-MAX_YUAN, MAX_YUAN)
    lo, hi = _RANGES[kind].get(column.name, (None, None))
    return (held[0] if lo is None else lo), (held[1] if hi is None else hi)


def _out_of_range(column: Column, values: np.ndarray, kind: str, n_sectors: int | None) -> str | None:
    lo, hi = _range(column, kind, n_sectors)
    if (values < lo).any():
        return f"{int((values < lo).sum())} value(s) below {_number(lo)} (first: {values[values < lo][0]})"
    if (values > hi).any():
        return f"{int((values > hi).sum())} value(s) above {_number(hi)} (first: {values[values > hi][0]})"
    return None


def _number(x: float) -> str:
    """A bound as text: whole numbers with thousands separators (1,000,000), others short (1e-09)."""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def load_population(scenario: Scenario) -> tuple[Workers, Firms]:
    """Load, check and complete the workers and firms tables a scenario names."""
    base = Path(scenario.path).parent
    w_path = base / scenario.population.workers_table
    f_path = base / scenario.population.firms_table
    w_frame, f_frame = read_table(w_path), read_table(f_path)
    n_sectors = len(scenario.region.sectors)
    problems = check_table(w_frame, "workers", str(w_path), n_sectors) + check_table(f_frame, "firms", str(f_path), n_sectors)
    if not problems:
        problems = _check_references(w_frame, f_frame, str(w_path), str(f_path))
    if problems:
        raise ScenarioError(problems)
    return _build(w_frame, f_frame, scenario)


def _check_references(w: pd.DataFrame, f: pd.DataFrame, w_path: str, f_path: str) -> list[str]:
    problems = []
    firm_ids = set(f["id"].tolist())
    employer = w["employer"]
    dangling = employer[(employer >= 0) & ~employer.isin(firm_ids)]
    if len(dangling):
        problems.append(f"{w_path}: field 'employer': {len(dangling)} worker(s) name a firm not in {f_path} (first: {dangling.iloc[0]}); allowed: a firm id or -1")
    if "alive" in f.columns:  # a closed firm takes no part in the market: its staff would work for nothing
        closed = employer[employer.isin(set(f["id"][~f["alive"].astype(bool)].tolist()))]
        if len(closed):
            problems.append(f"{w_path}: field 'employer': {len(closed)} worker(s) name a firm closed in {f_path} (alive false; "
                            f"first: {closed.iloc[0]}); allowed: the id of an operating firm or -1")
    working = w["status"].isin([Status.EMPLOYED]) & (employer < 0)
    if working.any():
        problems.append(f"{w_path}: field 'employer': {int(working.sum())} employed worker(s) without an employer; allowed: a firm id")
    if "owner" in f.columns:
        owners = f["owner"][(f["owner"] >= 0) & ~f["owner"].isin(set(w["id"].tolist()))]
        if len(owners):
            problems.append(f"{f_path}: field 'owner': {len(owners)} firm(s) name a worker not in {w_path} (first: {owners.iloc[0]}); allowed: a worker id or -1")
    return problems


def _build(w_frame: pd.DataFrame, f_frame: pd.DataFrame, sc: Scenario) -> tuple[Workers, Firms]:
    workers, firms = Workers(len(w_frame)), Firms(len(f_frame))
    for table, frame in ((workers, w_frame), (firms, f_frame)):
        for name in frame.columns:
            getattr(table, name)[:] = frame[name].to_numpy()
        if "weight" not in frame.columns:
            table.weight[:] = sc.population.weight
    firm_order = np.argsort(firms.id)
    employing = workers.employer >= 0
    workers.employer[employing] = firm_order[np.searchsorted(firms.id[firm_order], workers.employer[employing])]
    if "owner" in f_frame.columns:
        worker_order = np.argsort(workers.id)
        owned = firms.owner >= 0
        firms.owner[owned] = worker_order[np.searchsorted(workers.id[worker_order], firms.owner[owned])]
    if "household" not in w_frame.columns:
        workers.household[:] = np.arange(len(workers))
    if "last_wage" not in w_frame.columns:
        workers.last_wage[:] = workers.wage
    workers.job_start[:] = sc.scenario.start_month
    _complete_firms(firms, workers, sc, f_frame.columns)
    return workers, firms


def _complete_firms(firms: Firms, workers: Workers, sc: Scenario, given: pd.Index) -> None:
    employed = workers.status == Status.EMPLOYED
    staff = np.bincount(workers.employer[employed], minlength=len(firms))
    payroll = np.bincount(workers.employer[employed], weights=workers.wage[employed], minlength=len(firms))
    if "scale" not in given:
        firms.scale[:] = staff
    if "staff_year_start" not in given:
        firms.staff_year_start[:] = staff
    rate = employer_rate(rates_in_force(sc, sc.scenario.start_month))
    firms.unit_cost[:] = firms.wage * BAND_PREMIUM[firms.skill_band] * (1 + rate * firms.insures)
    firms.productivity[:] = sc.behaviour.markup * firms.unit_cost
    if "cash_buffer" not in given:  # drawn as synthesised firms' are, keyed by the scenario's seed
        firms.cash_buffer[:] = draw_cash_buffers(sc, firms.id, sc.scenario.seed, 0, Purpose.SYNTH_FIRM)
    if "cash" not in given:
        firms.cash[:] = firms.cash_buffer * payroll
