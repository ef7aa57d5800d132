"""``lmsim forecast``: monthly outlays of each fund and line item over replications, with
median and 50 % / 90 % bands, fund balance paths, the risk that a fund runs dry, and the
annual totals a budget request needs.

A fund "runs dry" in the first month its closing balance falls below zero, or below the
reserve the scenario sets (``[funds.reserves]``). Its probability is the share of
replications in which that happens within the horizon; the month is reported as the median
first month among those replications, with the earliest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .calendar import parse_month
from .parameter_draws import widening
from .reduce import years
from .replications import Replications

QUANTILES = {"p05": 0.05, "p25": 0.25, "median": 0.5, "p75": 0.75, "p95": 0.95}


@dataclass
class Forecast:
    scenario: str
    runs: int
    seed: int
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def forecast(reps: Replications, label: str) -> Forecast:
    scenario = reps.scenarios[label]
    flows = pd.concat([r.flows.assign(replication=k) for k, r in enumerate(reps.each(label, ["flows"]))], ignore_index=True)
    balances = pd.concat([r.balances.assign(replication=k) for k, r in enumerate(reps.each(label, ["balances"]))], ignore_index=True)
    dates = sorted(balances["date"].unique())
    result = Forecast(label, reps.runs, reps.seed)
    result.tables["monthly_outlays"] = monthly_bands(flows, dates, reps.runs)
    result.tables["balances"] = balance_bands(balances)
    result.tables["depletion"] = depletion(balances, scenario.funds.reserves, reps.runs)
    result.tables["annual_outlays"] = annual_totals(flows, reps.runs)
    return result


def _complete(flows: pd.DataFrame, dates: list[str], runs: int) -> pd.DataFrame:
    """Outflows with a row for every (fund, line, month, replication): a month a line paid
    nothing is a zero in its band, not a gap."""
    paid = flows[flows["outflow"] > 0].astype({"fund": str, "line": str})
    lines = paid[["fund", "line"]].drop_duplicates()
    grid = lines.merge(pd.DataFrame({"date": dates}), how="cross").merge(pd.DataFrame({"replication": range(runs)}), how="cross")
    full = grid.merge(paid[["fund", "line", "date", "replication", "outflow"]], how="left", on=["fund", "line", "date", "replication"])
    return full.fillna({"outflow": 0.0})


def monthly_bands(flows: pd.DataFrame, dates: list[str], runs: int) -> pd.DataFrame:
    """Per fund, line and month: mean and quantiles of yuan paid out over replications, plus
    each fund's total and the grand total as lines ``*``."""
    full = _complete(flows, dates, runs)
    fund_total = full.groupby(["fund", "date", "replication"], as_index=False)["outflow"].sum().assign(line="*")
    grand = full.groupby(["date", "replication"], as_index=False)["outflow"].sum().assign(fund="*", line="*")
    every = pd.concat([full, fund_total, grand], ignore_index=True)
    grouped = every.groupby(["fund", "line", "date"])["outflow"]
    out = grouped.mean().rename("mean").to_frame()
    for name, q in QUANTILES.items():
        out[name] = grouped.quantile(q)
    return out.reset_index()


def balance_bands(balances: pd.DataFrame) -> pd.DataFrame:
    grouped = balances.groupby(["fund", "date"], observed=True)["closing"]
    out = grouped.mean().rename("mean").to_frame()
    for name, q in QUANTILES.items():
        out[name] = grouped.quantile(q)
    return out.reset_index().astype({"fund": str})


def depletion(balances: pd.DataFrame, reserves: dict[str, float], runs: int) -> pd.DataFrame:
    """Per fund and threshold (zero, and the reserve where one is set): the probability the
    closing balance falls below it within the horizon, the median and earliest first month."""
    rows = []
    for fund, part in balances.astype({"fund": str}).groupby("fund"):
        levels = {"zero": 0.0, **({"reserve": reserves[fund]} if fund in reserves else {})}
        for kind, level in levels.items():
            below = part[part["closing"] < level]
            first = below.groupby("replication")["date"].min()
            months = sorted(first, key=parse_month)
            rows.append({
                "fund": fund, "threshold": kind, "level": level,
                "probability": len(first) / runs,
                "median_month": months[(len(months) - 1) // 2] if months else "",
                "earliest_month": months[0] if months else "",
            })
    return pd.DataFrame(rows)


def annual_totals(flows: pd.DataFrame, runs: int) -> pd.DataFrame:
    """Per fund, line and calendar year: mean yuan paid out (lines add up to the fund's
    total, line ``*``) with the 5-95 % range over replications."""
    f = flows[flows["outflow"] > 0].astype({"fund": str, "line": str})
    f = f.assign(year=years(f["date"]))
    per_rep = f.groupby(["fund", "line", "year", "replication"])["outflow"].sum()
    fund_total = per_rep.groupby(["fund", "year", "replication"]).sum().reset_index().assign(line="*")
    every = pd.concat([per_rep.reset_index(), fund_total], ignore_index=True)
    wide = every.pivot_table(index=["fund", "line", "year"], columns="replication", values="outflow", aggfunc="sum").reindex(
        columns=range(runs)).fillna(0.0)
    out = pd.DataFrame({"mean": wide.mean(axis=1), "p05": wide.quantile(0.05, axis=1), "median": wide.median(axis=1),
                        "p95": wide.quantile(0.95, axis=1)})
    return out.reset_index()


def parameter_uncertainty(drawn: Forecast, fixed: Forecast) -> pd.DataFrame:
    """Each fund's annual total (and the grand total, fund ``*``) with its 90 % band with the
    fitted parameters drawn and with them fixed, and the share of the band from the parameters."""
    totals = [f.tables["annual_outlays"].query("line == '*'") for f in (drawn, fixed)]
    return widening(*totals, ["fund", "line", "year"], "mean", "p05", "p95")
