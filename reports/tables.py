"""Units of the report tables' columns, and their exports: CSV per table and one Excel
workbook (one sheet per table, units in the headers, yuan with thousands separators)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lmsim.outputs import formula_safe
from lmsim.results_folder import atomic_write

YUAN_COLUMNS = {"baseline", "value", "change", "change_low", "change_high", "net_outlays", "net_outlays_low", "net_outlays_high",
                "cost_per_job", "cost_per_job_low", "cost_per_job_high", "cost_per_job_of_means", "outlays", "outlays_low",
                "outlays_high", "mean", "p05", "p25", "median", "p75", "p95", "level", "outflow"}
SHARE_COLUMNS = {"p_met_baseline", "p_met_scenario", "deadweight_share", "share_low", "share_high", "probability",
                 "finding_baseline", "finding_baseline_low", "finding_baseline_high", "finding_scenario", "finding_scenario_low",
                 "finding_scenario_high", "share_from_parameters"}
#: tables whose value columns hold indicator values, not yuan: their unit depends on the row
MIXED = {"net_effects", "targets", "paths", "parameter_uncertainty"}


def unit(table: str, column: str) -> str | None:
    if column in SHARE_COLUMNS:
        return "share"
    if table in MIXED:
        return None
    if column in YUAN_COLUMNS:
        return "yuan"
    return None


def write_csv(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in tables.items():
        paths.append(atomic_write(folder / f"{name}.csv", lambda p, t=table: formula_safe(t).to_csv(p, index=False)))
    return paths


def write_excel(tables: dict[str, pd.DataFrame], path: Path) -> Path:
    """One sheet per table; headers carry the unit, yuan columns show thousands separators,
    shares show as percentages."""
    return atomic_write(path, lambda p: _write_book(tables, p))


def _write_book(tables: dict[str, pd.DataFrame], path: Path) -> None:
    from openpyxl.utils import get_column_letter

    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, table in tables.items():
            headers = [f"{c} ({unit(name, c)})" if unit(name, c) else c for c in table.columns]
            formula_safe(table).set_axis(headers, axis=1).to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            for i, column in enumerate(table.columns, start=1):
                kind = unit(name, column)
                letter = get_column_letter(i)
                sheet.column_dimensions[letter].width = max(12, min(40, len(headers[i - 1]) + 2))
                if kind is None:
                    continue
                fmt = "#,##0" if kind == "yuan" else "0.0%"
                for cell in sheet[letter][1:]:
                    cell.number_format = fmt
            sheet.freeze_panes = "A2"
