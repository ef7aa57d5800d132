"""``lmsim compare``: what a policy package buys against the baseline, replication by
replication with common random numbers, each figure with its 90 % interval over replications.

Definitions (the report states them too):

- **net effect**: scenario minus baseline within a replication, then the median and the
  5-95 % range over replications;
- **target attainment**: the share of replications whose run meets the target (the
  scenario's own targets, evaluated on the baseline runs as well);
- **outlays**: yuan paid out by fund and line item, per year and in total (means over
  replications, so that lines add up to totals), and their change against the baseline;
- **regular employment and programme posts**: persons in work outside programme posts
  (employees and the self-employed) and persons in programme posts (public-welfare posts,
  work relief, subsidised internships) are reported apart, never added together: a package
  that fills posts raises programme posts, and only work outside them is a net job;
- **transferred employment**: persons organised labour export took out of the region count as
  transfer employment (the official ``transferred_employment``), not as jobs lost; regular
  employment in the region falls by them all the same, as they left;
- **cost per net regular job**: the change in outlays over the horizon divided by the change
  in regular employment at the end of the horizon (persons in programme posts are not jobs
  bought: their wages are outlays);
- **deadweight**: of the people a lever admitted, the share in work in the baseline run with
  the same random numbers, person by person, at the lever's outcome horizon
  (``outcome_months`` after the admission month: 0 for levers paying for an entry into work,
  such as hires, placements and start-ups; the horizon evaluations use for programmes, such
  as 12 months for training and 6 for employment services). People whose horizon falls after
  the last simulated month are left out of the share and counted as ``beyond_horizon``;
- **displacement**: the change in the monthly job-finding rate of unemployed people no lever
  admitted, against the same people in the baseline (percentage points);
- **attribution**: each lever's effect and cost measured by removing it from the package
  (the package minus the package without it); the parts need not add up to the whole,
  because levers interact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .calendar import parse_month
from .parameter_draws import parameters_table, widening
from .policies import REGISTRY
from .reduce import AGGREGATES, Aggregate, Period, calendar_years, outlays_by_year
from .replications import Replications, RunOutput, band
from .scenario import Scenario
from .targets import evaluate as evaluate_targets

#: indicator -> how a period aggregates it
INDICATORS: dict[str, Aggregate] = {
    "new_urban_jobs": "sum",
    "regular_employment": "last",
    "programme_posts": "last",
    "transferred_employment": "sum",
    "surveyed_unemployment_rate": "mean",
    "registered_unemployment_rate": "mean",
    "youth_unemployment_rate": "mean",
    "graduate_employment_rate": "last",
    "zero_employment_households": "last",
    "zero_employment_cleared_share": "min",
    "startups": "sum",
}
LEVEL = 0.90
#: the baseline's label among a compare's scenarios
BASELINE = "baseline"


@dataclass
class Comparison:
    """The tables of a compare, each a DataFrame; ``paths`` holds monthly bands for charts."""

    baseline: str
    scenarios: list[str]
    runs: int
    seed: int
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def compare(reps: Replications, baseline: str, packages: list[str], attribution: dict[str, dict[str, str]] | None = None) -> Comparison:
    """Tables for each package against ``baseline`` from finished replications.
    ``attribution`` maps a package to {lever: label of the package without that lever}."""
    result = Comparison(baseline, packages, reps.runs, reps.seed)
    parts: dict[str, list[pd.DataFrame]] = {}
    for label in packages:
        scenario = reps.scenarios[label]
        for k in range(reps.runs):
            base, scen = reps.load(baseline, k), reps.load(label, k)
            for name, table in replication_tables(base, scen, scenario).items():
                parts.setdefault(name, []).append(table.assign(scenario=label, replication=k))
    long = {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}
    result.tables["net_effects"] = _net_effects(long["indicators"])
    result.tables["targets"] = _targets(long["targets"])
    result.tables["outlays"] = _outlays(long["outlays"])
    result.tables["cost_per_job"] = _cost_per_job(long["totals"])
    result.tables["deadweight"] = _deadweight(long["deadweight"])
    result.tables["displacement"] = _displacement(long["displacement"])
    result.tables["paths"] = _paths(reps, [baseline, *packages])
    result.tables["monthly_outlays"] = _monthly_outlays(reps, [baseline, *packages])
    if attribution:
        result.tables["attribution"] = _attribution(reps, attribution, result.tables["deadweight"])
    return result


def side_by_side(comparisons: list[Comparison]) -> Comparison:
    """Packages compared one at a time against the same baseline runs, as one comparison: each
    table stacked, the baseline's rows (paths, outlays by month, parameters drawn) once. Every
    table is computed package by package, so this equals comparing them together."""
    first = comparisons[0]
    result = Comparison(first.baseline, [s for c in comparisons for s in c.scenarios], first.runs, first.seed)
    for name in first.tables:
        frames = [c.tables[name] for c in comparisons if name in c.tables]
        stacked = pd.concat(frames, ignore_index=True)
        if "scenario" in stacked and (stacked["scenario"] == first.baseline).any():
            base = stacked["scenario"] == first.baseline
            stacked = pd.concat([stacked[base].drop_duplicates(), stacked[~base]]).sort_index(kind="stable").reset_index(drop=True)
        result.tables[name] = stacked
    return result


@dataclass(frozen=True)
class Plan:
    """What a compare runs: a baseline against packages (by label), ``runs`` replications from
    ``seed``, the fitted parameters drawn per replication or not; with ``fixed`` the baseline and
    packages again at the fitted values (for the band beside), with ``attribution`` each package
    without each of its levers. ``lmsim compare`` and the dashboard both run a plan."""

    baseline: Scenario
    packages: dict[str, Scenario]
    runs: int
    seed: int
    draw_parameters: bool = True
    fixed: bool = False
    attribution: bool = False  # also each package without each of its levers (``--attribution``)

    def variants(self) -> dict[str, dict[str, str]]:
        """{package: {lever: the label of the package without it}} when attributing."""
        if not self.attribution:
            return {}
        return {label: {lever: f"{label} - {lever}" for lever, params in p.policies if params is not None} for label, p in self.packages.items()}

    def replications(self, folder: str | Path) -> list[Replications]:
        """The runs, as ``lmsim compare`` makes them: the baseline and packages (with paths),
        the attribution variants, and with ``fixed`` the baseline and packages again at the
        fitted values."""
        compared = {BASELINE: self.baseline, **self.packages}
        scenarios = dict(compared)
        for label, without in self.variants().items():
            variants = without_each_lever(self.packages[label])
            scenarios.update({without[lever]: variants[lever] for lever in without})
        drawn = Replications(folder, scenarios, self.runs, self.seed, record_paths=compared, draw_parameters=self.draw_parameters)
        sets = [drawn]
        if self.fixed and drawn.draw_parameters:
            sets.append(Replications(folder, compared, self.runs, self.seed, record_paths=False))
        return sets


def analyse(plan: Plan, sets: list[Replications]) -> Comparison:
    """The compare's tables from a plan's finished runs (``sets``: :meth:`Plan.replications`)."""
    packages = list(plan.packages)
    comparison = compare(sets[0], BASELINE, packages, plan.variants())
    if len(sets) > 1:
        comparison.tables["parameter_uncertainty"] = parameter_uncertainty(comparison, compare(sets[1], BASELINE, packages))
        comparison.tables["parameters_drawn"] = parameters_table(sets[0].scenarios)
    return comparison


# --- one replication ---------------------------------------------------------------------


def replication_tables(base: RunOutput, scen: RunOutput, scenario: Scenario) -> dict[str, pd.DataFrame]:
    """Everything one replication contributes, for the baseline and the scenario side by side."""
    values = pd.merge(indicator_values(base.monthly), indicator_values(scen.monthly), on=["indicator", "period"],
                      suffixes=("_baseline", "_scenario"))
    base_targets = evaluate_targets(scenario.targets, base.monthly, base.policies)
    targets = pd.merge(base_targets[["target", "period", "label", "op", "value", "achieved", "met"]],
                       scen.targets[["target", "period", "achieved", "met"]], on=["target", "period"],
                       suffixes=("_baseline", "_scenario"))
    outlays = pd.merge(outlays_by_year(base.flows), outlays_by_year(scen.flows), on=["fund", "line", "period"], how="outer",
                       suffixes=("_baseline", "_scenario")).fillna(0.0)
    horizon = values[values["period"] == "horizon"].set_index("indicator")
    totals = pd.DataFrame([{
        "outlays_baseline": base.flows["outflow"].sum(), "outlays_scenario": scen.flows["outflow"].sum(),
        **{f"{name}_{side}": horizon.loc[name, f"value_{side}"]
           for name in ("regular_employment", "programme_posts") for side in ("baseline", "scenario")},
    }])
    return {"indicators": values, "targets": targets, "outlays": outlays, "totals": totals,
            "deadweight": deadweight(base, scen), "displacement": displacement(base, scen)}


def indicator_values(monthly: pd.DataFrame) -> pd.DataFrame:
    """Each indicator of :data:`INDICATORS` per calendar year and over the horizon; months
    without a value (a graduate rate before the first cohort) are left out, and so are periods
    with none (a small run in which no graduate registered). Persons in work
    are given as regular employment and programme posts, not as their sum."""
    dates = monthly["date"].to_numpy(dtype=str)
    first, last = parse_month(dates[0]), parse_month(dates[-1])
    periods = [*calendar_years(first, last), Period("horizon", first, last)]
    columns = {indicator: monthly[indicator].to_numpy(dtype=float) for indicator in INDICATORS}
    rows = []
    for p in periods:  # a loop over periods and indicators, on arrays of months
        inside = np.isin(dates, p.dates)
        for indicator, how in INDICATORS.items():
            values = columns[indicator][inside]
            values = values[~np.isnan(values)]
            rows.append((indicator, p.label, float(AGGREGATES[how](values)) if len(values) else np.nan))
    return pd.DataFrame(rows, columns=["indicator", "period", "value"]).dropna(subset=["value"])  # a period with no value at all


DEADWEIGHT_COLUMNS = ["lever", "outcome_months", "admitted", "measured", "deadweight", "beyond_horizon"]


def deadweight(base: RunOutput, scen: RunOutput) -> pd.DataFrame:
    """Per lever that admitted persons (weighted): persons admitted; of them, those whose
    outcome horizon (the lever's ``outcome_months`` after the admission month) falls inside the
    run (``measured``) and those it falls beyond (``beyond_horizon``); and of the measured,
    persons in work at their horizon in the baseline run (``deadweight``)."""
    adm = scen.admissions
    if adm.empty or base.paths is None:
        return pd.DataFrame(columns=DEADWEIGHT_COLUMNS)
    month_index = {d: i for i, d in enumerate(base.monthly["date"])}
    last = len(base.monthly) - 1
    horizon = adm["lever"].map(lambda name: REGISTRY[name].outcome_months).to_numpy(dtype=np.int64)
    at = adm["date"].map(month_index).to_numpy(dtype=np.int64) + horizon
    inside = at <= last
    ids, weight = adm["worker_id"].to_numpy(dtype=np.int64), adm["weight"].to_numpy(dtype=np.float64)
    flags = np.zeros(len(adm), dtype=bool)
    for t in np.unique(at[inside]):
        rows = np.flatnonzero(inside & (at == t))
        flags[rows] = base.paths.flags("in_work", int(t), ids[rows])
    frame = pd.DataFrame({"lever": adm["lever"].to_numpy(), "outcome_months": horizon, "admitted": weight,
                          "measured": np.where(inside, weight, 0.0), "deadweight": np.where(flags, weight, 0.0),
                          "beyond_horizon": np.where(inside, 0.0, weight)})
    return frame.groupby(["lever", "outcome_months"], as_index=False).sum()[DEADWEIGHT_COLUMNS]


def displacement(base: RunOutput, scen: RunOutput) -> pd.DataFrame:
    """Monthly job-finding rate (unemployed at the end of one month, in work at the end of the
    next) of the people no lever admitted, in both runs."""
    if base.paths is None or scen.paths is None:
        return pd.DataFrame(columns=["finding_baseline", "finding_scenario"])
    size = max(base.paths.size, scen.paths.size)
    others = np.ones(size, dtype=bool)
    others[scen.admissions["worker_id"].to_numpy(dtype=np.int64)] = False
    return pd.DataFrame([{"finding_baseline": finding_rate(base.paths, others), "finding_scenario": finding_rate(scen.paths, others)}])


def finding_rate(paths, among: np.ndarray) -> float:  # noqa: ANN001 (a run's WorkPaths: rules do not import the simulation)
    """Pooled monthly job-finding rate, along a run's work ``paths``, of the people flagged in
    ``among`` (by worker id): finds over person-months unemployed at the end of the month before."""
    finds = exposed = 0
    for t in range(1, len(paths.in_work)):  # a loop over months, not people
        was_u = _unpack(paths.unemployed[t - 1], len(among)) & among
        exposed += int(was_u.sum())
        finds += int((was_u & _unpack(paths.in_work[t], len(among))).sum())
    return finds / exposed if exposed else np.nan


def _unpack(packed: np.ndarray, size: int) -> np.ndarray:
    flags = np.unpackbits(packed, count=min(size, 8 * len(packed))).astype(bool)
    return np.pad(flags, (0, size - len(flags)))


# --- over replications --------------------------------------------------------------------


def _bands(frame: pd.DataFrame, keys: list[str], column: str, prefix: str) -> pd.DataFrame:
    rows = []
    for key, group in frame.groupby(keys, sort=False):
        mid, lo, hi = band(group[column], LEVEL)
        rows.append((*(key if isinstance(key, tuple) else (key,)), mid, lo, hi))
    return pd.DataFrame(rows, columns=[*keys, prefix, f"{prefix}_low", f"{prefix}_high"])


def _net_effects(long: pd.DataFrame) -> pd.DataFrame:
    long = long.assign(net=long["value_scenario"] - long["value_baseline"])
    keys = ["scenario", "indicator", "period"]
    out = _bands(long, keys, "value_baseline", "baseline")
    out = out.merge(_bands(long, keys, "value_scenario", "value"), on=keys)
    return out.merge(_bands(long, keys, "net", "net"), on=keys)


def _targets(long: pd.DataFrame) -> pd.DataFrame:
    if long.empty:
        return pd.DataFrame(columns=["scenario", "target", "period", "label", "op", "value", "p_met_baseline", "p_met_scenario"])
    keys = ["scenario", "target", "period", "label", "op", "value"]
    grouped = long.groupby(keys, sort=False)
    out = grouped.agg(p_met_baseline=("met_baseline", "mean"), p_met_scenario=("met_scenario", "mean")).reset_index()
    achieved = _bands(long, ["scenario", "target", "period"], "achieved_scenario", "achieved")
    return out.merge(achieved, on=["scenario", "target", "period"])


def _outlays(long: pd.DataFrame) -> pd.DataFrame:
    """Means over replications (lines add up to totals) with the change's 90 % interval."""
    long = long.assign(change=long["outflow_scenario"] - long["outflow_baseline"])
    runs = long.groupby("scenario")["replication"].nunique()
    keys = ["scenario", "fund", "line", "period"]
    # a line a replication did not pay is a zero, not a missing value
    sums = long.groupby(keys, sort=False)[["outflow_baseline", "outflow_scenario", "change"]].sum().reset_index()
    n = sums["scenario"].map(runs)
    out = sums.assign(baseline=sums["outflow_baseline"] / n, scenario_mean=sums["outflow_scenario"] / n, change_mean=sums["change"] / n)
    full = (long.set_index([*keys, "replication"])["change"].unstack("replication").fillna(0.0))
    qs = full.quantile([(1 - LEVEL) / 2, 1 - (1 - LEVEL) / 2], axis=1).T
    qs.columns = ["change_low", "change_high"]
    out = out.merge(qs.reset_index(), on=keys)
    return out[[*keys, "baseline", "scenario_mean", "change_mean", "change_low", "change_high"]].rename(
        columns={"scenario_mean": "value", "change_mean": "change"})


def _cost_per_job(long: pd.DataFrame) -> pd.DataFrame:
    """Cost per net regular job (outside programme posts); the net change in programme posts
    is shown beside it and enters no ratio."""
    long = long.assign(net_outlays=long["outlays_scenario"] - long["outlays_baseline"],
                       net_jobs=long["regular_employment_scenario"] - long["regular_employment_baseline"],
                       net_programme_posts=long["programme_posts_scenario"] - long["programme_posts_baseline"])
    long["cost_per_job"] = np.where(long["net_jobs"] > 0, long["net_outlays"] / long["net_jobs"].where(long["net_jobs"] > 0), np.nan)
    rows = []
    for scenario, g in long.groupby("scenario", sort=False):
        rows.append({"scenario": scenario,
                     **dict(zip(("net_outlays", "net_outlays_low", "net_outlays_high"), band(g["net_outlays"], LEVEL))),
                     **dict(zip(("net_regular_jobs", "net_regular_jobs_low", "net_regular_jobs_high"), band(g["net_jobs"], LEVEL))),
                     **dict(zip(("net_programme_posts", "net_programme_posts_low", "net_programme_posts_high"),
                                band(g["net_programme_posts"], LEVEL))),
                     **dict(zip(("cost_per_job", "cost_per_job_low", "cost_per_job_high"), band(g["cost_per_job"], LEVEL))),
                     "cost_per_job_of_means": g["net_outlays"].mean() / g["net_jobs"].mean() if g["net_jobs"].mean() > 0 else np.nan,
                     "replications_without_net_regular_jobs": int((g["net_jobs"] <= 0).sum())})
    return pd.DataFrame(rows)


def _deadweight(long: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and lever: persons admitted and beyond the horizon (means over
    replications), and the deadweight share of the measured (pooled, with the 90 % interval of
    the replications' shares); no share when nobody's horizon fell inside the run."""
    columns = ["scenario", "lever", "outcome_months", "admitted", "beyond_horizon", "deadweight_share", "share_low", "share_high"]
    if long.empty:
        return pd.DataFrame(columns=columns)
    long = long.assign(share=long["deadweight"] / long["measured"].where(long["measured"] > 0))
    runs = long.groupby("scenario")["replication"].nunique()
    rows = []
    for (scenario, lever, months), g in long.groupby(["scenario", "lever", "outcome_months"], sort=False):
        _, lo, hi = band(g["share"], LEVEL)
        measured = g["measured"].sum()
        rows.append({"scenario": scenario, "lever": lever, "outcome_months": int(months), "admitted": g["admitted"].sum() / runs[scenario],
                     "beyond_horizon": g["beyond_horizon"].sum() / runs[scenario],
                     "deadweight_share": g["deadweight"].sum() / measured if measured > 0 else np.nan, "share_low": lo, "share_high": hi})
    return pd.DataFrame(rows, columns=columns)


def _displacement(long: pd.DataFrame) -> pd.DataFrame:
    long = long.assign(change=long["finding_scenario"] - long["finding_baseline"])
    out = _bands(long, ["scenario"], "finding_baseline", "finding_baseline")
    out = out.merge(_bands(long, ["scenario"], "finding_scenario", "finding_scenario"), on="scenario")
    return out.merge(_bands(long, ["scenario"], "change", "change"), on="scenario")


def _paths(reps: Replications, labels: list[str]) -> pd.DataFrame:
    """Monthly median and 90 % band of the surveyed rate and cumulative new jobs, per scenario."""
    rows = []
    for label in labels:
        frames = [r.monthly for r in reps.each(label, ["monthly"])]
        dates = frames[0]["date"]
        for column in ("surveyed_unemployment_rate", "registered_unemployment_rate", "new_urban_jobs_cumulative"):
            stack = np.vstack([f[column].to_numpy(dtype=float) for f in frames])
            lo, mid, hi = np.quantile(stack, [(1 - LEVEL) / 2, 0.5, 1 - (1 - LEVEL) / 2], axis=0)
            rows.append(pd.DataFrame({"scenario": label, "indicator": column, "date": dates, "median": mid, "low": lo, "high": hi}))
    return pd.concat(rows, ignore_index=True)


def _monthly_outlays(reps: Replications, labels: list[str]) -> pd.DataFrame:
    """Mean yuan paid out a month by fund and line, per scenario (for the stacked chart)."""
    frames = []
    for label in labels:
        flows = pd.concat([r.flows.assign(replication=k) for k, r in enumerate(reps.each(label, ["flows"]))], ignore_index=True)
        mean = flows.groupby(["date", "fund", "line"], observed=True)["outflow"].sum() / reps.runs
        frames.append(mean.reset_index().assign(scenario=label))
    out = pd.concat(frames, ignore_index=True).astype({"fund": str, "line": str})
    return out[out["outflow"] > 0]


def _attribution(reps: Replications, attribution: dict[str, dict[str, str]], dead: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for package, without in attribution.items():
        for lever, label in without.items():
            d_jobs, d_posts, d_out, d_new = [], [], [], []
            for k in range(reps.runs):
                full, less = reps.load(package, k, ["monthly", "flows"]), reps.load(label, k, ["monthly", "flows"])
                a, b = (_over_horizon(r.monthly) for r in (full, less))
                d_jobs.append(a["regular_employment"] - b["regular_employment"])
                d_posts.append(a["programme_posts"] - b["programme_posts"])
                d_new.append(a["new_urban_jobs"] - b["new_urban_jobs"])
                d_out.append(full.flows["outflow"].sum() - less.flows["outflow"].sum())
            share = dead.query("scenario == @package and lever == @lever")["deadweight_share"]
            rows.append({
                "scenario": package, "lever": lever,
                **dict(zip(("net_regular_jobs", "net_regular_jobs_low", "net_regular_jobs_high"), band(d_jobs, LEVEL))),
                **dict(zip(("net_programme_posts", "net_programme_posts_low", "net_programme_posts_high"), band(d_posts, LEVEL))),
                **dict(zip(("new_urban_jobs", "new_urban_jobs_low", "new_urban_jobs_high"), band(d_new, LEVEL))),
                **dict(zip(("outlays", "outlays_low", "outlays_high"), band(d_out, LEVEL))),
                "cost_per_job_of_means": np.mean(d_out) / np.mean(d_jobs) if np.mean(d_jobs) > 0 else np.nan,
                "deadweight_share": float(share.iloc[0]) if len(share) else np.nan,
            })
    return pd.DataFrame(rows)


def _over_horizon(monthly: pd.DataFrame) -> dict[str, float]:
    """Each indicator's value over the whole run, by name."""
    values = indicator_values(monthly)
    horizon = values[values["period"] == "horizon"]
    return dict(zip(horizon["indicator"], horizon["value"].astype(float)))


def without_each_lever(scenario: Scenario) -> dict[str, Scenario]:
    """The package with one lever removed, for each lever in force."""
    out = {}
    for name, params in scenario.policies:
        if params is None:
            continue
        variant = scenario.model_copy(deep=True)
        setattr(variant.policies, name, None)
        variant.targets = {k: t for k, t in variant.targets.items() if not t.indicator.startswith(f"policies.{name}.")}
        out[name] = variant
    return out


#: the horizon figures whose bands the parameter-uncertainty table shows
UNCERTAIN_FIGURES = ("new_urban_jobs", "surveyed_unemployment_rate", "registered_unemployment_rate", "regular_employment",
                     "programme_posts")


def parameter_uncertainty(drawn: Comparison, fixed: Comparison) -> pd.DataFrame:
    """How much of each headline band comes from the fitted parameters, with them drawn
    (``drawn``) and fixed (``fixed``): each package's level over the horizon (``measure``
    "level": what the targets are judged on), its net effect against the baseline ("net"),
    and the net outlays. Net effects move less than levels: a replication's baseline and
    package share its parameter draw."""
    keys = ["scenario", "indicator"]
    net = {name: c.tables["net_effects"].query("period == 'horizon' and indicator in @UNCERTAIN_FIGURES")
           for name, c in (("drawn", drawn), ("fixed", fixed))}
    levels = widening(net["drawn"], net["fixed"], keys, "value", "value_low", "value_high").assign(measure="level")
    effects = widening(net["drawn"], net["fixed"], keys, "net", "net_low", "net_high").assign(measure="net")
    cost = {name: c.tables["cost_per_job"].assign(indicator="net_outlays") for name, c in (("drawn", drawn), ("fixed", fixed))}
    outlays = widening(cost["drawn"], cost["fixed"], keys, "net_outlays", "net_outlays_low", "net_outlays_high").assign(measure="net")
    table = pd.concat([levels, effects, outlays], ignore_index=True)
    return table[["scenario", "indicator", "measure", *[c for c in table.columns if c not in ("scenario", "indicator", "measure")]]]
