"""Published evidence on the levers' effects, and the same measurements made inside lmsim
(``lmsim evidence``).

Each ``[[estimates]]`` entry of the evidence file (``calibration/evidence.toml``) is one
published figure: its source, design, population, outcome, horizon and interval, how far it
transfers to a Chinese city (``transfer``, with a ``tolerance`` that widens the interval where
it transfers poorly), and the ``statistic`` of a simulated evaluation that measures the same
thing. A **study** (``[studies.NAME]``) is a lever as a package sets it (with the study's
changes, ``params``: the size of the programme an evaluation looked at, say), alone on that
package's baseline, run replication by replication against the baseline with common random
numbers: the people it admits are the treated, and the same people in the baseline run (same
seed, the same random numbers person by person) are their counterfactual. That is the ideal
experiment the published designs (randomised trials, matching, discontinuities) approximate;
where a study's design measured something else (a gross count, an administrative total) the
statistic measures that instead.

An estimate **agrees** when the central 90 % range of the simulated statistic over
replications meets the published interval widened by the tolerance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from lmsim.calendar import parse_month, year_of
from lmsim.compare import finding_rate
from lmsim.policies import REGISTRY
from lmsim.policies.base import takes_up
from lmsim.replications import Replications, RunOutput, band
from lmsim.scenario import Scenario, ScenarioError, load_scenario, read_toml_file, validate, validate_scenario
from lmsim.units import Section

EVIDENCE_FILE = Path(__file__).with_name("evidence.toml")
LEVEL = 0.90
#: months between the two horizons :func:`in_work_effect_growth` compares
GROWTH_MONTHS = 12


# --- the simulated statistics -------------------------------------------------------------


@dataclass
class Case:
    """One replication of a study: the baseline run, the study run, the lever and its window."""

    base: RunOutput
    study: RunOutput
    lever: str
    horizon: int  # months after admission (after the last admission, for net_jobs_per_admitted)
    year: int | None  # calendar year of statistics over a year of the lever's payments
    shocked_sectors: tuple[int, ...] = ()  # sectors a shock of the study's scenario hits
    seed: int = 0  # the replication's seed, for the lever's assignment draws
    take_up: float = 1.0  # the study's take-up of the lever: the share of eligible people assigned


def _admitted(case: Case) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ids, weights and month index at the horizon of the people the lever admitted whose
    horizon falls inside the run."""
    adm = case.study.admissions
    adm = adm[adm["lever"] == case.lever]
    months = {d: i for i, d in enumerate(case.study.monthly["date"])}
    at = adm["date"].map(months).to_numpy(dtype=np.int64) + case.horizon
    inside = at < len(case.study.monthly)
    return adm["worker_id"].to_numpy(dtype=np.int64)[inside], adm["weight"].to_numpy(dtype=np.float64)[inside], at[inside]


def _in_work(run: RunOutput, ids: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Whether each id was in work at the end of its month ``at`` of ``run``."""
    flags = np.zeros(len(ids), dtype=bool)
    for t in np.unique(at):  # a loop over months, not people
        rows = np.flatnonzero(at == t)
        flags[rows] = run.paths.flags("in_work", int(t), ids[rows])
    return flags


def in_work_effect(case: Case) -> float:
    """Percentage points: the admitted in work ``horizon`` months after admission, in the study
    run minus in the baseline run (the same people, the same random numbers)."""
    ids, weight, at = _admitted(case)
    if weight.sum() == 0:
        return np.nan
    gap = _in_work(case.study, ids, at).astype(float) - _in_work(case.base, ids, at)
    return 100 * float(np.average(gap, weights=weight))


def in_work_effect_growth(case: Case) -> float:
    """Percentage points: :func:`in_work_effect` at ``horizon`` minus at ``horizon`` less
    :data:`GROWTH_MONTHS`, over the same people (those whose later horizon falls inside the run)."""
    ids, weight, at = _admitted(case)
    if weight.sum() == 0:
        return np.nan
    gaps = [_in_work(case.study, ids, t).astype(float) - _in_work(case.base, ids, t) for t in (at, at - GROWTH_MONTHS)]
    return 100 * float(np.average(gaps[0] - gaps[1], weights=weight))


def in_work_share(case: Case) -> float:
    """Percent of the admitted in work ``horizon`` months after admission, in the study run."""
    ids, weight, at = _admitted(case)
    return 100 * float(np.average(_in_work(case.study, ids, at), weights=weight)) if weight.sum() else np.nan


def deadweight(case: Case) -> float:
    """Percent of the admitted in work ``horizon`` months after admission in the baseline run:
    those the lever paid for who would have been in work without it."""
    ids, weight, at = _admitted(case)
    return 100 * float(np.average(_in_work(case.base, ids, at), weights=weight)) if weight.sum() else np.nan


def _after_last_admission(case: Case) -> tuple[str, float] | None:
    """The month ``horizon`` months after the last month the lever admitted anyone (the run's
    last month at most) and the persons it admitted; None when it admitted nobody."""
    adm = case.study.admissions
    adm = adm[adm["lever"] == case.lever]
    if adm.empty:
        return None
    dates = list(case.study.monthly["date"])
    return dates[min(dates.index(adm["date"].max()) + case.horizon, len(dates) - 1)], float(adm["weight"].sum())


def _lever_rows(case: Case) -> pd.DataFrame:
    """The study run's monthly rows of the lever's indicators (the ``policies`` output)."""
    p = case.study.policies
    return p[p["lever"] == case.lever]


def _net_jobs(case: Case) -> tuple[float, float] | None:
    """Regular employment in the study run minus the baseline run ``horizon`` months after the
    last month the lever admitted anyone (displacement and substitution included), and the
    persons it admitted; None when it admitted nobody."""
    after = _after_last_admission(case)
    if after is None:
        return None
    at, admitted = after
    study, base = (run.monthly.set_index("date")["regular_employment"] for run in (case.study, case.base))
    return float(study[at] - base[at]), admitted


def net_jobs_per_admitted(case: Case) -> float:
    """Net jobs (:func:`_net_jobs`) per person the lever admitted: net jobs per subsidised hire."""
    net = _net_jobs(case)
    return np.nan if net is None else net[0] / net[1]


def net_jobs_per_million_yuan(case: Case) -> float:
    """Net jobs (:func:`_net_jobs`) per million yuan the lever paid over the run: an effect per
    yuan, which evidence on a programme of another size speaks to when effects grow in proportion
    to the subsidy."""
    net = _net_jobs(case)
    paid = float(_lever_rows(case)["paid"].sum())
    return np.nan if net is None or paid == 0 else net[0] / (paid / 1e6)


def jobs_per_admitted(case: Case) -> float:
    """Persons in work at the businesses the lever financed (its ``jobs`` indicator: founders and
    their staff) ``horizon`` months after the last month it admitted anyone, per person admitted."""
    after = _after_last_admission(case)
    if after is None:
        return np.nan
    at, admitted = after
    return float(_lever_rows(case).set_index("date")["jobs"][at] / admitted)


def defaulted_share_of_lent(case: Case) -> float:
    """Percent of the yuan the lever lent (to founders and firms) that its fund compensated the
    banks for over the run (lines ending ``_default``): the loans not repaid. The study's run
    should outlast the last loan's term, so that every loan is repaid or defaulted."""
    lent = float(_lever_rows(case)["lent"].sum())
    lines = [line for line in REGISTRY[case.lever].lines if line.endswith("_default")]
    flows = case.study.flows
    return 100 * float(flows.loc[flows["line"].isin(lines), "outflow"].sum()) / lent if lent else np.nan


def nonparticipant_finding_change(case: Case) -> float:
    """Percentage points: the monthly job-finding rate of the unemployed people the lever's
    take-up draw does not assign to it, study run minus baseline run (negative: displacement).

    The non-participants are chosen before anything happens to them, as an experiment's lottery
    chooses its controls (Crépon et al. 2013 assign a share of the eligible in each area): people
    not admitted by the end of the run would be a choice on the outcome (those who found work
    before the lever reached them), which makes the finding rate of that group rise with the
    lever whatever its spill-over. The study needs a take-up below one."""
    if case.study.paths is None or case.base.paths is None:
        return np.nan
    size = max(case.base.paths.size, case.study.paths.size)
    unassigned = ~takes_up(case.seed, np.arange(size), case.lever, case.take_up)
    change = finding_rate(case.study.paths, unassigned) - finding_rate(case.base.paths, unassigned)
    return 100 * float(change)


def _year_of_payments(case: Case) -> pd.DataFrame:
    p = _lever_rows(case)
    return p[p["date"].map(lambda d: year_of(parse_month(d))) == case.year]


def paid_in_year(case: Case) -> float:
    """Yuan the lever paid in the calendar ``year``."""
    return float(_year_of_payments(case)["paid"].sum())


def recipients_in_year(case: Case) -> float:
    """Recipients (persons or firms) the lever paid in the calendar ``year`` (a recipient paid in
    two months counts twice; the refund levers pay once a year)."""
    return float(_year_of_payments(case)["recipients"].sum())


def paid_per_recipient(case: Case) -> float:
    """Yuan per recipient paid in the calendar ``year``."""
    p = _year_of_payments(case)
    return float(p["paid"].sum() / p["recipients"].sum()) if p["recipients"].sum() else np.nan


def _paid_firms(case: Case) -> tuple[np.ndarray, int] | None:
    """Ids of the firms the lever paid up to ``horizon`` months after its first payment to a
    firm, and that month's index; None when it paid no firm (or the run kept no firm paths)."""
    paid = case.study.firm_payments
    if paid is None or case.study.firm_paths is None:
        return None
    paid = paid[paid["line"].isin(list(REGISTRY[case.lever].lines))]
    if paid.empty:
        return None
    dates = list(case.study.monthly["date"])
    at = min(dates.index(paid["date"].min()) + case.horizon, len(dates) - 1)
    return np.unique(paid.loc[paid["date"].map(dates.index) <= at, "recipient_id"].to_numpy(dtype=np.int64)), at


def _jobs_saved(case: Case) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Per firm the lever paid (:func:`_paid_firms`): its staff in the study run minus the
    baseline run at the horizon (the jobs the payments kept there, or lost), its sample weight,
    and whether it was short of cash in the baseline run in a month of the year to the horizon
    while in a sector a shock of the study hit."""
    paid = _paid_firms(case)
    if paid is None:
        return None
    ids, at = paid
    study, base = case.study.firm_paths, case.base.firm_paths
    saved = study.staff_at(at, ids).astype(np.float64) - base.staff_at(at, ids)
    short = np.zeros(len(ids), dtype=bool)
    for t in range(max(at - 11, 0), at + 1):  # a loop over months, not firms
        short |= base.short_at(t, ids)
    sector, weight = base.traits(ids)
    return saved, weight.astype(np.float64), short & np.isin(sector, case.shocked_sectors)


def jobs_saved_per_paid_firm(case: Case) -> float:
    """Jobs saved per firm the lever paid (:func:`_jobs_saved`), ``horizon`` months after its
    first payment: the effect evaluations of retention schemes measure per treated firm."""
    saved = _jobs_saved(case)
    if saved is None:
        return np.nan
    jobs, weight, _ = saved
    return float(np.sum(jobs * weight) / np.sum(weight))


def saved_share_short_shocked(case: Case) -> float:
    """Percent of the jobs saved at the firms the lever paid (:func:`_jobs_saved`) that were
    saved at firms short of cash in a shocked sector; undefined (nan) when it saved none."""
    saved = _jobs_saved(case)
    if saved is None:
        return np.nan
    jobs, weight, short_shocked = saved
    total = float(np.sum(jobs * weight))
    return 100 * float(np.sum((jobs * weight)[short_shocked])) / total if total > 0 else np.nan


STATISTICS: dict[str, Callable[[Case], float]] = {
    f.__name__: f for f in (in_work_effect, in_work_effect_growth, in_work_share, deadweight, net_jobs_per_admitted, net_jobs_per_million_yuan,
                            jobs_per_admitted, jobs_saved_per_paid_firm, saved_share_short_shocked,
                            defaulted_share_of_lent, nonparticipant_finding_change,
                            paid_in_year, recipients_in_year, paid_per_recipient)
}
#: the statistics measured on the year of payments named by ``year``
YEARLY = {"paid_in_year", "recipients_in_year", "paid_per_recipient"}


# --- the evidence file ----------------------------------------------------------------------


class Study(Section):
    """A lever under study: its section of ``package``, alone on ``baseline``."""

    lever: str = Field(min_length=1, description="the lever studied")
    baseline: str = Field(min_length=1, description="the baseline scenario (a built-in name or a file)")
    package: str = Field(min_length=1, description="the scenario whose [policies.LEVER] section is studied")
    set: list[str] = Field(default_factory=list, description="overrides of both runs, PATH=VALUE")
    params: dict[str, Any] = Field(default_factory=dict, description="the lever's parameters changed for the study")

    @model_validator(mode="after")
    def _known(self) -> Study:
        if self.lever not in REGISTRY:
            raise ValueError(f"unknown lever {self.lever!r}; allowed: {', '.join(sorted(REGISTRY))}")
        return self


class Estimate(Section):
    """One published figure and the simulated statistic that measures the same thing."""

    lever: str = Field(min_length=1)
    study: str = Field(min_length=1, description="the [studies.NAME] that measures it")
    id: str = Field(min_length=1)
    source: str = Field(min_length=1)
    url: str = ""
    design: str = Field(min_length=1, description="experiment, matching, difference in differences, administrative count...")
    population: str = Field(min_length=1)
    outcome: str = Field(min_length=1)
    statistic: str = Field(description="a statistic of calibration.evidence.STATISTICS")
    horizon_months: int = Field(0, ge=0, le=120, description="months after admission the outcome is measured (after the lever's first payment to a firm, for the jobs-saved statistics)")
    year: int | None = Field(None, ge=1990, le=2100, description="calendar year of the yearly statistics")
    estimate: float | None = Field(None, description="the published point estimate, if there is one")
    low: float
    high: float
    unit: str = Field(min_length=1)
    transfer: Literal["good", "moderate", "poor"] = Field(description="how far the estimate carries over to a Chinese city")
    tolerance: float = Field(0.0, ge=0, description="added on both sides of [low, high]; wider where the estimate transfers poorly")
    note: str = ""

    @model_validator(mode="after")
    def _checks(self) -> Estimate:
        if self.lever not in REGISTRY:
            raise ValueError(f"unknown lever {self.lever!r}; allowed: {', '.join(sorted(REGISTRY))}")
        if self.statistic not in STATISTICS:
            raise ValueError(f"unknown statistic {self.statistic!r}; allowed: {', '.join(STATISTICS)}")
        if (self.statistic in YEARLY) != (self.year is not None):
            raise ValueError(f"year is needed by exactly the yearly statistics ({', '.join(sorted(YEARLY))})")
        if not self.low <= self.high:
            raise ValueError(f"low {self.low} must not be above high {self.high}")
        return self


class EvidenceFile(Section):
    studies: dict[str, Study] = Field(min_length=1)
    estimates: list[Estimate] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> EvidenceFile:
        ids = [e.id for e in self.estimates]
        if len(set(ids)) != len(ids):
            raise ValueError("estimate ids must be distinct")
        for e in self.estimates:
            if e.study not in self.studies:
                raise ValueError(f"estimate {e.id}: no [studies.{e.study}] section; studies: {', '.join(self.studies)}")
            if self.studies[e.study].lever != e.lever:
                raise ValueError(f"estimate {e.id}: study {e.study} studies {self.studies[e.study].lever}, not {e.lever}")
        return self


def load(path: str | Path = EVIDENCE_FILE) -> EvidenceFile:
    """The evidence file, validated; a bad file raises ScenarioError naming file and field."""
    path = Path(path)
    return validate(EvidenceFile, read_toml_file(path), str(path))


def studies_of(evidence: EvidenceFile, levers: list[str]) -> list[str]:
    """The studies the estimates of ``levers`` need, in file order."""
    return list(dict.fromkeys(e.study for e in evidence.estimates if e.lever in levers))


def study_scenarios(evidence: EvidenceFile, levers: list[str], path: str | Path = EVIDENCE_FILE) -> dict[str, Scenario]:
    """The runs the estimates of ``levers`` need: one baseline per (baseline, overrides) and one
    scenario per study, labelled ``baseline:NAME`` and ``study:NAME``."""
    scenarios: dict[str, Scenario] = {}
    for name in studies_of(evidence, levers):
        study = evidence.studies[name]
        base = load_scenario(study.baseline, study.set)
        scenarios.setdefault(baseline_label(study), base)
        section = getattr(load_scenario(study.package, study.set).policies, study.lever)
        if section is None:
            raise ScenarioError([f"{path}: studies.{name}.package: {study.package} has no [policies.{study.lever}] section"])
        data = base.model_dump(mode="json")
        data["policies"][study.lever] = {**section.model_dump(mode="json"), **study.params}
        data["targets"] = {}
        scenarios[f"study:{name}"] = validate_scenario(data, f"{path}: studies.{name}")
    return scenarios


def baseline_label(study: Study) -> str:
    return f"baseline:{study.baseline}" + (f"[{';'.join(study.set)}]" if study.set else "")


# --- running and judging ---------------------------------------------------------------------


def evaluate(evidence: EvidenceFile, reps: Replications, levers: list[str]) -> pd.DataFrame:
    """Per estimate of ``levers``: the published value and interval beside the simulated median
    and central 90 % range over replications, and whether they agree."""
    rows = []
    for e in (e for e in evidence.estimates if e.lever in levers):
        study = evidence.studies[e.study]
        shocked = shocked_sectors(reps.scenarios[f"study:{e.study}"])
        take_up = getattr(getattr(reps.scenarios[f"study:{e.study}"].policies, e.lever), "take_up", 1.0)
        values = [STATISTICS[e.statistic](Case(reps.load(baseline_label(study), k), reps.load(f"study:{e.study}", k), e.lever,
                                                e.horizon_months, e.year, shocked, reps.seed_of(f"study:{e.study}", k), take_up))
                  for k in range(reps.runs)]
        mid, lo, hi = band(values, LEVEL)
        accept = (e.low - e.tolerance, e.high + e.tolerance)
        rows.append({"lever": e.lever, "study": e.study, "id": e.id, "statistic": e.statistic, "horizon_months": e.horizon_months, "year": e.year,
                     "unit": e.unit, "published": e.estimate, "published_low": e.low, "published_high": e.high,
                     "tolerance": e.tolerance, "transfer": e.transfer, "simulated": mid, "simulated_low": lo, "simulated_high": hi,
                     "replications": int(np.sum(~np.isnan(values))),
                     "agree": bool(not np.isnan(mid) and lo <= accept[1] and hi >= accept[0]),
                     "source": e.source, "design": e.design, "note": e.note})
    return pd.DataFrame(rows)


def shocked_sectors(scenario: Scenario) -> tuple[int, ...]:
    """Indices of the sectors a [[shocks]] entry of ``scenario`` hits (all, for one naming none)."""
    names = scenario.sector_names
    return tuple(sorted({names.index(s) for shock in scenario.shocks for s in (shock.sectors or names)}))


def run(evidence: EvidenceFile, levers: list[str], out: str | Path, runs: int, seed: int, workers: int = 1,
        scheduler: str | None = None, path: str | Path = EVIDENCE_FILE) -> pd.DataFrame:
    """Run the studies of ``levers`` (resuming what ``out`` already holds) and judge every estimate;
    ``path`` is the evidence file's, for messages."""
    reps = Replications(out, study_scenarios(evidence, levers, path), runs, seed)
    errors = reps.run(workers, scheduler)
    if errors:
        raise RuntimeError("runs failed: " + "; ".join(errors[:3]))
    return evaluate(evidence, reps, levers)
