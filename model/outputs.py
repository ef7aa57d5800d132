"""Writing run outputs: ``monthly``, ``ledger``, ``balances``, ``policies`` and ``targets``, each as
Parquet and CSV; and keeping text users wrote from becoming a spreadsheet formula."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .results_folder import atomic_write
from .simulation import Results

TABLES = ("monthly", "ledger", "balances", "policies", "targets")
#: a cell starting with one of these is a formula to Excel and LibreOffice (OWASP, "CSV injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell that a spreadsheet would read as a formula prefixed by an
    apostrophe (shown as text, as OWASP advises); numbers are left as they are."""
    out = frame
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        elif not (values.dtype == object or pd.api.types.is_string_dtype(values)):
            continue
        risky = values.str.startswith(FORMULA_STARTS, na=False).to_numpy(dtype=bool)
        if risky.any():
            out = out.copy() if out is frame else out
            out[column] = values.astype(object).where(~risky, "'" + values.astype(str))
    return out


def stack(runs: list[Results]) -> dict[str, pd.DataFrame]:
    """One frame per table; with several runs, ``run`` and ``seed`` columns come first."""
    frames = {}
    for name in TABLES:
        parts = []
        for k, result in enumerate(runs):
            frame = getattr(result, name)
            if len(runs) > 1:
                frame = frame.assign(run=k, seed=result.seed)
                frame = frame[["run", "seed", *frame.columns[:-2]]]
            parts.append(frame)
        frames[name] = pd.concat(parts, ignore_index=True)
    return frames


def write(runs: list[Results], out_dir: str | Path) -> list[Path]:
    """Each table as Parquet (the values as they are) and CSV (text made formula-safe), each
    file written whole or not at all."""
    out = Path(out_dir)
    written = []
    for name, frame in stack(runs).items():
        written.append(atomic_write(out / f"{name}.parquet", lambda p, f=frame: f.to_parquet(p, index=False)))
        written.append(atomic_write(out / f"{name}.csv", lambda p, f=frame: formula_safe(f).to_csv(p, index=False)))
    return written
