"""Validation of the shipped regions (``lmsim validate``): every published figure of a region's
targets file (``calibration/targets/REGION.toml``) beside the same statistic simulated on its
shipped baseline.

Each region's baseline runs ``runs`` replications (the calibration's runs: seeds spawned from
the master seed, moments cached on disk so a re-run resumes); per figure the table gives the
published value and its 90 % range (``range``, or the value +/- 1.645 standard errors), the
simulated median and central 90 % range over replications, whether the median lies inside the
published range, and whether the figure is a fitting target (``targeted``) or an out-of-sample
check.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from lmsim.replications import band
from lmsim.scenario import _read_toml, apply_overrides, resolve_path

from .smm import MomentModel, Simulator
from .spec import Z90, Moment, load_targets

TARGETS_DIR = Path(__file__).with_name("targets")
#: the shipped regions, each with ``targets/REGION.toml`` and the built-in ``REGION-baseline``
REGIONS = ("huyi", "xiangtan", "chengyang", "anshan", "tacheng")
LEVEL = 0.90


def published_range(moment: Moment) -> tuple[float, float]:
    """The published 90 % range: the file's ``range``, or the value +/- 1.645 standard errors."""
    if moment.range is not None:
        return moment.range[0], moment.range[1]
    return moment.value - Z90 * moment.se, moment.value + Z90 * moment.se


def validate_region(region: str, runs: int, seed: int, out: str | Path, workers: int = 1,
                    targets: str | Path | None = None, overrides: list[str] | None = None) -> pd.DataFrame:
    """One region's figures beside their simulated values (``targets``: the region's file by
    default; ``overrides``: PATH=VALUE changes of its baseline, for tests)."""
    path = Path(targets) if targets is not None else TARGETS_DIR / f"{region}.toml"
    spec = load_targets(path)
    base = apply_overrides(_read_toml(resolve_path(f"{region}-baseline")), overrides or [])
    model = MomentModel(base, spec.moments, f"{region}-baseline")
    inputs = json.dumps({"scenario": base, "moments": [m.model_dump(mode="json") for m in spec.moments]}, sort_keys=True)
    folder = Path(out) / region / hashlib.sha256(inputs.encode()).hexdigest()[:12]
    simulated = Simulator(model, [], runs, seed, folder, workers).runs([np.zeros(0)])[0]
    rows = []
    for j, m in enumerate(spec.moments):
        mid, lo, hi = band(list(simulated[:, j]), LEVEL)
        low, high = published_range(m)
        rows.append({"region": region, "figure": m.name, "statistic": m.statistic, "start": m.start, "end": m.end,
                     "published": m.value, "published_low": low, "published_high": high, "kind": m.kind,
                     "targeted": m.targeted, "simulated": mid, "simulated_low": lo, "simulated_high": hi,
                     "inside": bool(low <= mid <= high), "replications": runs, "source": m.source})
    return pd.DataFrame(rows)


def run(regions: list[str], runs: int, seed: int, out: str | Path, workers: int = 1) -> pd.DataFrame:
    """Every region's table, one after another."""
    return pd.concat([validate_region(r, runs, seed, out, workers) for r in regions], ignore_index=True)
