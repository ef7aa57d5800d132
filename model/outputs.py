"""Writing run outputs: ``monthly``, ``ledger``, ``balances``, ``policies`` and ``targets``, each as Parquet and CSV."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .simulation import Results

TABLES = ("monthly", "ledger", "balances", "policies", "targets")


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
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in stack(runs).items():
        frame.to_parquet(out / f"{name}.parquet", index=False)
        frame.to_csv(out / f"{name}.csv", index=False)
        written += [out / f"{name}.parquet", out / f"{name}.csv"]
    return written
