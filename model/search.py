"""The search of ``lmsim design``: optuna proposes packages, the batch layer runs them with
replications under common random numbers against the baseline, and replications are spent
where the decision is.

**The optimiser.** optuna's TPE sampler (``TPESampler``, multivariate, with ``constraints_func``):
it handles mixed spaces (ranges, steps, sets, on/off switches), constraints, one objective or
several, and works from a few dozen evaluations, which is what noisy simulations afford;
NSGA-II would need generations of a population each as large. The first candidate is the
document's own package (``enqueue_trial``); the sampler's first ``startup`` proposals are random.

**Batches, and why a resumed search is the same search.** Candidates are proposed ``batch`` at
a time by a sampler seeded with (seed, batch number), from the candidates told before: the
proposals depend on the seed and the results alone, never on timing or the number of workers.
Every finished run is kept at once as ``evaluations/KEY-K.json`` (KEY the candidate's digest,
K the replication); a search started again replays the proposals from the start, finds the runs
it already has, and runs only what is missing. An interrupted search therefore continues to the
same front as an uninterrupted one.

**Replications where the decision is.** A candidate first runs ``replications`` replications;
while it is still undecided it gets twice as many, up to ``max_replications``. Undecided means:
no required target is clearly missed (the upper end of the 90 % Clopper-Pearson interval of its
probability reaches the required probability) and, for ``least_outlay``, its extra outlay is not
clearly above the cheapest package known to meet the targets (the lower end of a 90 % interval,
mean - 1.645 standard errors, is below it); for ``most_targets``, its extra outlay is not
clearly over the budget; for ``pareto``, no fully replicated candidate dominates it clearly.
Only fully replicated candidates can be recommended. The cheapest that qualify are then run
again on fresh seeds at the scenario's own scale, against the document's package, up to
``confirmations`` of them in turn: the first one the fresh seeds confirm (:func:`verdict`) is the
recommended package.

Replication k of every candidate and of the baseline runs with seed k and the fitted parameters
drawn for k (:mod:`lmsim.parameter_draws`), so a probability "across replications" is across
both the randomness of the economy and what is not known of the behavioural parameters.
"""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from threading import Event
from typing import Any

import numpy as np
import optuna
import pandas as pd
from scipy.stats import beta

from .batch import Progress, ScenarioModel, Task, dask_results, local_results
from .design import Choices, Design, Range
from .parameter_draws import drawn
from .reduce import flows_by_line
from .results_folder import atomic_write
from .rng import replication_seed
from .scenario import Scenario
from .targets import Target
from .targets import evaluate as evaluate_targets

#: two-sided level of the intervals that decide whether a candidate is still undecided
DECISION_LEVEL = 0.90
Z = 1.645  # the normal quantile of a two-sided 90 % interval
#: random proposals before TPE models the results
STARTUP = 10


# --- one run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DesignRuns:
    """The batch layer's plan for a design's runs (:class:`lmsim.batch.RunPlan`): values
    {"scenario": i} stand for the i-th scenario; a run returns what the search reads of it."""

    scenarios: list[Scenario]
    targets: dict[str, Target]

    def scenario(self, values: dict[str, Any]) -> Scenario:
        return self.scenarios[values["scenario"]]

    def outputs(self, result: Any) -> dict[str, Any]:
        return {"metrics": run_metrics(result.monthly, result.policies, flows_by_line(result.ledger), self.targets)}


def run_metrics(monthly: pd.DataFrame, policies: pd.DataFrame, flows: pd.DataFrame, targets: dict[str, Target]) -> dict[str, Any]:
    """What a run contributes to the search: its outlay over the horizon (yuan, every fund),
    regular employment in its last month, and whether it meets each target (every period of
    it; a target counting a lever the run does not have is not met)."""
    in_force = set(policies["lever"]) if "lever" in policies else set()
    met = {}
    for name, target in targets.items():
        if target.indicator.startswith("policies.") and target.indicator.split(".")[1] not in in_force:
            met[name] = False
            continue
        rows = evaluate_targets({name: target}, monthly, policies)
        met[name] = bool(len(rows)) and bool(rows["met"].all())
    return {"outlay": float(flows["outflow"].sum()), "regular_employment": float(monthly["regular_employment"].iloc[-1]), "met": met}


# --- what is known of a candidate ------------------------------------------------------------


def probability_interval(successes: int, n: int, level: float = DECISION_LEVEL) -> tuple[float, float]:
    """Clopper-Pearson interval of a probability from ``successes`` of ``n``."""
    a = (1 - level) / 2
    low = 0.0 if successes == 0 else float(beta.ppf(a, successes, n - successes + 1))
    high = 1.0 if successes == n else float(beta.ppf(1 - a, successes + 1, n - successes))
    return low, high


@dataclass
class Candidate:
    """A proposed package and its replications so far (net of the baseline, replication by
    replication)."""

    number: int
    values: dict[str, Any]
    key: str
    extra_outlay: list[float] = field(default_factory=list)
    net_jobs: list[float] = field(default_factory=list)
    met: list[dict[str, bool]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.extra_outlay)

    def mean_outlay(self) -> float:
        return float(np.mean(self.extra_outlay))

    def outlay_se(self) -> float:
        return float(np.std(self.extra_outlay, ddof=1) / np.sqrt(self.n)) if self.n > 1 else float("inf")

    def probability(self, target: str) -> float:
        return float(np.mean([m[target] for m in self.met]))

    def successes(self, target: str) -> int:
        return int(sum(m[target] for m in self.met))

    def all_met(self, targets: list[str]) -> float:
        """The probability of meeting every one of ``targets`` in the same replication."""
        return float(np.mean([all(m[t] for t in targets) for m in self.met])) if targets else 1.0


@dataclass
class Requirement:
    """The targets a package must meet and the probability each must be met with."""

    probability: dict[str, float]
    not_required: dict[str, str]  # target -> why it is not required

    @property
    def targets(self) -> list[str]:
        return list(self.probability)

    def meets(self, c: Candidate) -> bool:
        return all(c.probability(t) >= p - 1e-12 for t, p in self.probability.items())

    def clearly_missed(self, c: Candidate) -> bool:
        return any(probability_interval(c.successes(t), c.n)[1] < p - 1e-12 for t, p in self.probability.items())

    def shortfall(self, c: Candidate) -> list[float]:
        """optuna's constraint values: required minus achieved probability (<= 0 is met)."""
        return [p - c.probability(t) for t, p in self.probability.items()]

    def score(self, c: Candidate) -> float:
        """The most_targets objective: each required target counts up to one, in proportion to
        how near its probability comes to the required one."""
        return float(sum(min(c.probability(t) / p, 1.0) for t, p in self.probability.items()))

    def count_met(self, c: Candidate) -> int:
        return sum(c.probability(t) >= p - 1e-12 for t, p in self.probability.items())


def requirement(design: Design, document: Candidate) -> Requirement:
    """The design's targets; with ``as_good_as_document``, those the document's package meets
    with the confidence, each required as often as the document meets it."""
    c = design.info.confidence
    if not design.info.as_good_as_document:
        return Requirement({t: c for t in design.targets}, {})
    required, dropped = {}, {}
    for t in design.targets:
        p = document.probability(t)
        if p >= c - 1e-12:
            required[t] = p
        else:
            dropped[t] = f"the document's package meets it in {100 * p:.0f} % of replications, below {100 * c:.0f} %"
    return Requirement(required, dropped)


# --- the search ------------------------------------------------------------------------------


@dataclass
class SearchResult:
    """Every candidate with its replications, the baseline's, the requirement, the study."""

    design: Design
    candidates: list[Candidate]
    requirement: Requirement
    study: optuna.Study
    runs: int  # simulation runs the search holds (the baseline's included)


class Evaluations:
    """The runs a search keeps, one small JSON file each (``evaluations/KEY-K.json``)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder) / "evaluations"
        self.folder.mkdir(parents=True, exist_ok=True)

    def file(self, key: str, k: int) -> Path:
        return self.folder / f"{key}-{k}.json"

    def get(self, key: str, k: int) -> dict[str, Any] | None:
        file = self.file(key, k)
        return json.loads(file.read_text()) if file.exists() else None

    def put(self, key: str, k: int, metrics: dict[str, Any]) -> None:
        atomic_write(self.file(key, k), lambda p: p.write_text(json.dumps(metrics)))

    def count(self) -> int:
        return sum(1 for _ in self.folder.glob("*.json"))


class RunFailed(Exception):
    """A run of the search raised: the message names the candidate and replication."""


class Stopped(Exception):
    """The search was asked to stop (the dashboard's cancel); the runs finished are kept."""


class Runner:
    """Runs what is missing of (scenario, replication) pairs in one pool or on a cluster; once
    ``stop`` is set it starts no more runs and raises :class:`Stopped`."""

    def __init__(self, design: Design, store: Evaluations, workers: int, scheduler: str | None,
                 stop: Event | None = None, show: bool | None = None, max_attempts: int = 3):
        self.design, self.store, self.workers, self.scheduler = design, store, workers, scheduler
        self.stop, self.show, self.max_attempts = stop, show, max_attempts
        self.ran = 0

    def ensure(self, wanted: list[tuple[str, Callable[[], Scenario], int]]) -> None:
        """Run every (key, scenario maker, replication) not yet kept."""
        unique = {(key, k): (key, make, k) for key, make, k in wanted}
        todo = [item for (key, k), item in unique.items() if self.store.get(key, k) is None]
        if not todo:
            return
        seed = self.design.seed
        scenarios = [drawn(make(), seed, k) for _, make, k in todo]
        model = ScenarioModel(DesignRuns(scenarios, self.design.targets))
        tasks = (Task(i, i, k, replication_seed(seed, k), {"scenario": i}) for i, (_, _, k) in enumerate(todo))
        source = (dask_results(model, tasks, self.scheduler, self.max_attempts) if self.scheduler
                  else local_results(model, tasks, self.workers, self.max_attempts))
        bar = Progress(len(todo), 0, "runs", self.show)
        errors = []
        try:
            for record in source:
                if self.stop is not None and self.stop.is_set():
                    break
                row = record["row"]
                key, _, k = todo[row["point"]]
                if row["status"] == "ok":
                    self.store.put(key, k, row["metrics"])
                    self.ran += 1
                else:
                    errors.append(f"replication {k} of candidate {key}: {row['error']}")
                bar.update(row["status"])
        finally:
            source.close()
            bar.close()
        if self.stop is not None and self.stop.is_set():
            raise Stopped
        if errors:
            raise RunFailed("; ".join(errors[:3]))


def search(design: Design, folder: Path, workers: int = 1, scheduler: str | None = None,
           log: Callable[[str], None] | None = None, on_batch: Callable[[int, int], None] | None = None,
           stop: Event | None = None) -> SearchResult:
    """Run the design's search (resuming from what ``folder`` keeps) and return every candidate.
    ``log`` hears a line per batch (default: standard error), ``on_batch(candidates done,
    evaluations)`` the progress (the dashboard's bar); once ``stop`` is set, :class:`Stopped`."""
    say = log or (lambda text: print(f"lmsim design: {text}", file=sys.stderr, flush=True))
    info = design.info
    store = Evaluations(folder)
    runner = Runner(design, store, workers, scheduler, stop, show=None if log is None else False)
    baseline_key = "baseline"
    base_maker = design.baseline_at
    runner.ensure([(baseline_key, base_maker, k) for k in range(info.max_replications)])
    base = [store.get(baseline_key, k) for k in range(info.max_replications)]

    def fill(wanted: dict[int, int], among: list[Candidate]) -> None:
        """Run what is missing of ``wanted`` ({candidate number: replications}) in one pool, then
        read each candidate's replications net of the baseline's."""
        chosen = [c for c in among if c.number in wanted]
        runner.ensure([(c.key, lambda v=c.values: design.candidate(v), k) for c in chosen for k in range(wanted[c.number])])
        for c in chosen:
            read(c, wanted[c.number])

    def read(c: Candidate, n: int) -> None:
        c.extra_outlay, c.net_jobs, c.met = [], [], []
        for k in range(n):
            m = store.get(c.key, k)
            c.extra_outlay.append(m["outlay"] - base[k]["outlay"])
            c.net_jobs.append(m["regular_employment"] - base[k]["regular_employment"])
            c.met.append(m["met"])

    document = Candidate(0, design.document_values(), design.key(design.document_values()))
    fill({0: info.max_replications}, [document])
    need = requirement(design, document)
    say(f"the document's package: extra outlay {document.mean_outlay() / 1e4:,.0f} 万元, "
        + ", ".join(f"{t} {100 * document.probability(t):.0f} %" for t in design.targets))
    distributions = {d.name: distribution(d) for d in design.dimensions}
    directions = {"least_outlay": ["minimize"], "most_targets": ["maximize"], "pareto": ["minimize", "maximize", "maximize"]}[info.objective]
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(directions=directions)
    candidates = [document]
    _tell(study, document, distributions, design, need)
    number = 1
    batch = 0
    while number < info.evaluations:
        study.sampler = optuna.samplers.TPESampler(seed=_batch_seed(design.seed, batch), multivariate=True, n_startup_trials=STARTUP)
        size = min(info.batch, info.evaluations - number)
        trials = [study.ask(distributions) for _ in range(size)]
        points = [design.point(t.params) for t in trials]
        fresh = [Candidate(number + i, p, design.key(p)) for i, p in enumerate(points)]
        number += size
        known = {c.key: c.n for c in candidates}  # a package proposed again starts from the replications it has
        reps = {c.number: max(info.replications, known.get(c.key, 0)) for c in fresh}
        while True:
            fill(reps, fresh)
            more = [c for c in fresh if reps[c.number] < info.max_replications and undecided(c, [*candidates, *fresh], need, info)]
            if not more:
                break
            for c in more:
                reps[c.number] = min(2 * reps[c.number], info.max_replications)
        for trial, c in zip(trials, fresh, strict=True):
            _tell(study, c, distributions, design, need, trial)
        candidates += fresh
        best = recommended(candidates, need, info)
        say(f"batch {batch + 1}: {number}/{info.evaluations} candidates, {runner.ran} runs this session; "
            + (f"best so far candidate {best.number}, extra outlay {best.mean_outlay() / 1e4:,.0f} 万元" if best else "none meets the targets yet"))
        batch += 1
        if on_batch is not None:
            on_batch(number, info.evaluations)
    return SearchResult(design, candidates, need, study, store.count())


def _batch_seed(seed: int, batch: int) -> int:
    return int(replication_seed(seed, 1_000_000 + batch) % (2**32))


def distribution(d: Any) -> optuna.distributions.BaseDistribution:
    """The optuna distribution of a dimension."""
    if isinstance(d.domain, Choices):
        return optuna.distributions.CategoricalDistribution(d.domain.choices)
    r: Range = d.domain
    if d.integer:
        return optuna.distributions.IntDistribution(int(r.low), int(r.high), step=int(r.step or 1))
    return optuna.distributions.FloatDistribution(r.low, r.high, step=r.step)


def _tell(study: optuna.Study, c: Candidate, distributions: dict, design: Design, need: Requirement,
          trial: optuna.trial.Trial | None = None) -> None:
    """Tell the study a candidate's results (the document's as a trial made from its values)."""
    values = objectives(c, need, design)
    constraints = (dict(zip(need.targets, need.shortfall(c), strict=True)) if design.info.objective == "least_outlay" else
                   {"budget": c.mean_outlay() - design.info.budget} if design.info.objective == "most_targets" else {})
    attrs = {"replications": c.n, "candidate": c.number}
    if trial is None:
        study.add_trial(optuna.trial.create_trial(params=c.values, distributions=distributions, values=values, user_attrs=attrs,
                                                  constraints=constraints or None))
        return
    for k, v in attrs.items():
        trial.set_user_attr(k, v)
    for k, v in constraints.items():
        trial.set_constraint(k, v)  # <= 0 is feasible; TPE proposes near feasible candidates
    study.tell(trial, values)


def objectives(c: Candidate, need: Requirement, design: Design) -> list[float]:
    if design.info.objective == "least_outlay":
        return [c.mean_outlay()]
    if design.info.objective == "most_targets":
        return [need.score(c)]
    return [c.mean_outlay(), c.all_met(need.targets), float(np.mean(c.net_jobs))]


def undecided(c: Candidate, known: list[Candidate], need: Requirement, info: Any) -> bool:
    """Whether more replications of ``c`` could change the decision (the module's docstring)."""
    full = [k for k in known if k.n >= info.max_replications and k is not c]
    low_outlay = c.mean_outlay() - Z * c.outlay_se()
    if info.objective == "least_outlay":
        if need.clearly_missed(c):
            return False
        feasible = [k.mean_outlay() for k in full if need.meets(k)]
        return not feasible or low_outlay < min(feasible)
    if info.objective == "most_targets":
        return low_outlay <= info.budget
    optimistic = (low_outlay, probability_interval(round(c.all_met(need.targets) * c.n), c.n)[1],
                  float(np.mean(c.net_jobs)) + Z * float(np.std(c.net_jobs, ddof=1) / np.sqrt(c.n)))
    return not any(dominates(_point(k, need), optimistic) for k in full)


def _point(c: Candidate, need: Requirement) -> tuple[float, float, float]:
    return (c.mean_outlay(), c.all_met(need.targets), float(np.mean(c.net_jobs)))


def dominates(a: tuple[float, float, float], b: tuple[float, float, float]) -> bool:
    """``a`` is no worse than ``b`` in outlay (lower), probability and jobs (higher), and better in one."""
    no_worse = a[0] <= b[0] and a[1] >= b[1] and a[2] >= b[2]
    return no_worse and (a[0] < b[0] or a[1] > b[1] or a[2] > b[2])


def front(candidates: list[Candidate], need: Requirement) -> list[Candidate]:
    """The candidates no other dominates (extra outlay against the probability of meeting all
    required targets and against net regular jobs, as estimated from the replications each
    has: the table says how many), by extra outlay; of candidates with the same key, the one
    with the most replications, then the first."""
    best: dict[str, Candidate] = {}
    for c in candidates:
        if c.key not in best or c.n > best[c.key].n:
            best[c.key] = c
    full = list(best.values())
    points = {c.number: _point(c, need) for c in full}
    on = [c for c in full if not any(dominates(points[o.number], points[c.number]) for o in full if o is not c)]
    return sorted(on, key=lambda c: (c.mean_outlay(), c.number))


def ranked(candidates: list[Candidate], need: Requirement, info: Any) -> list[Candidate]:
    """The fully replicated candidates that qualify, best first (one per key). least_outlay and
    pareto: those meeting every required target, by extra outlay; most_targets: those within the
    budget, by targets met, then the probability of meeting them all, then the extra outlay."""
    full = list({c.key: c for c in reversed(candidates) if c.n >= info.max_replications}.values())
    if info.objective == "most_targets":
        within = [c for c in full if c.mean_outlay() <= info.budget]
        return sorted(within, key=lambda c: (-need.count_met(c), -c.all_met(need.targets), c.mean_outlay(), c.number))
    return sorted((c for c in full if need.meets(c)), key=lambda c: (c.mean_outlay(), c.number))


def recommended(candidates: list[Candidate], need: Requirement, info: Any) -> Candidate | None:
    """The search's best candidate (None: none qualifies); ``lmsim design`` recommends it once
    fresh seeds confirm it (:func:`verdict`)."""
    order = ranked(candidates, need, info)
    return order[0] if order else None


# --- the answer ------------------------------------------------------------------------------


def candidates_table(result: SearchResult, best: Candidate | None = None) -> pd.DataFrame:
    """One row per candidate: its values, replications, extra outlay (mean and standard error),
    net regular jobs, the probability of each design target and of all required ones, whether
    it meets the requirement, whether it lies on the front, and whether it is ``best`` (the
    package recommended; default the search's best)."""
    need, info = result.requirement, result.design.info
    on_front = {c.number for c in front(result.candidates, need)}
    best = best or recommended(result.candidates, need, info)
    rows = []
    for c in result.candidates:
        row = {"candidate": c.number, "replications": c.n, **c.values,
               "extra_outlay": c.mean_outlay(), "extra_outlay_se": c.outlay_se(), "net_regular_jobs": float(np.mean(c.net_jobs)),
               **{f"p_{t}": c.probability(t) for t in result.design.targets},
               "p_all_required": c.all_met(need.targets), "meets_requirement": need.meets(c) and c.n >= info.max_replications,
               "on_front": c.number in on_front, "recommended": best is not None and c.number == best.number,
               "document": c.number == 0}
        rows.append(row)
    return pd.DataFrame(rows)


def requirement_table(result: SearchResult) -> pd.DataFrame:
    """Each design target: required or not, the probability required and why not."""
    need, design = result.requirement, result.design
    return pd.DataFrame([{"target": t, "label": design.targets[t].label, "required": t in need.probability,
                          "probability_required": need.probability.get(t, np.nan), "why_not": need.not_required.get(t, "")}
                         for t in design.targets])


def importance(result: SearchResult) -> pd.DataFrame:
    """Which parameters matter most along the front: optuna's PED-ANOVA importance of each
    parameter for each objective, over the best-scoring candidates (its default top 10 %)
    against all, so it says what distinguishes the packages near the front."""
    study = result.study
    names = {"least_outlay": ["extra_outlay"], "most_targets": ["targets_score"],
             "pareto": ["extra_outlay", "p_all_required", "net_regular_jobs"]}[result.design.info.objective]
    rows = []
    complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    if len(complete) < 4 or not result.design.dimensions:
        return pd.DataFrame(columns=["objective", "parameter", "importance"])
    evaluator = optuna.importance.PedAnovaImportanceEvaluator()
    for i, name in enumerate(names):
        sign = 1.0 if study.directions[i] == optuna.study.StudyDirection.MINIMIZE else -1.0  # the evaluator minimises a target
        with warnings.catch_warnings():  # its reminder that it minimises: the sign above sees to it
            warnings.filterwarnings("ignore", message="PedAnovaImportanceEvaluator computes", category=UserWarning)
            scores = optuna.importance.get_param_importances(study, evaluator=evaluator, target=lambda t, i=i, s=sign: s * t.values[i])
        rows += [{"objective": name, "parameter": p, "importance": v} for p, v in scores.items()]
    return pd.DataFrame(rows)


def confirmation(design: Design, sets: list[Any], labels: dict[str, str]) -> pd.DataFrame:
    """The confirmation's figures from a compare's finished runs on fresh seeds (``sets``:
    :meth:`lmsim.compare.Plan.replications`): for each package (``labels``: compare label ->
    name in the table), each design target's probability with its 90 % Clopper-Pearson interval,
    the probability of all required targets, and the extra outlay and net regular jobs (means
    over replications, with their standard errors)."""
    reps = sets[0]
    base = [_confirmation_metrics(reps, "baseline", k, design) for k in range(reps.runs)]
    rows = []
    for label, name in labels.items():
        c = Candidate(-1, {}, label)
        for k in range(reps.runs):
            m = _confirmation_metrics(reps, label, k, design)
            c.extra_outlay.append(m["outlay"] - base[k]["outlay"])
            c.net_jobs.append(m["regular_employment"] - base[k]["regular_employment"])
            c.met.append(m["met"])
        for t in design.targets:
            low, high = probability_interval(c.successes(t), c.n)
            rows.append({"package": name, "measure": f"p_{t}", "value": c.probability(t), "low": low, "high": high})
        rows.append({"package": name, "measure": "extra_outlay", "value": c.mean_outlay(),
                     "low": c.mean_outlay() - Z * c.outlay_se(), "high": c.mean_outlay() + Z * c.outlay_se()})
        jobs, se = float(np.mean(c.net_jobs)), float(np.std(c.net_jobs, ddof=1) / np.sqrt(c.n))
        rows.append({"package": name, "measure": "net_regular_jobs", "value": jobs, "low": jobs - Z * se, "high": jobs + Z * se})
    return pd.DataFrame(rows)


def _confirmation_metrics(reps: Any, label: str, k: int, design: Design) -> dict[str, Any]:
    run = reps.load(label, k, parts=["monthly", "flows", "policies"])
    return run_metrics(run.monthly, run.policies, run.flows, design.targets)


def verdict(table: pd.DataFrame, need: Requirement, design: Design, searched: Candidate) -> tuple[bool, str]:
    """Whether a confirmation (:func:`confirmation`'s table, the candidate first and the
    document's package second) confirms ``searched``, the candidate as the search saw it.

    least_outlay and pareto: each required target met with the design's confidence and, with
    ``as_good_as_document``, at least as often as the document's package meets it on the same
    fresh seeds, at a lower extra outlay than the document's package. most_targets: within the
    budget, meeting as many required targets as the search found it to."""
    value = table.pivot(index="measure", columns="package", values="value")
    candidate, document = list(dict.fromkeys(table["package"]))[:2]
    p = {t: (value.loc[f"p_{t}", candidate], value.loc[f"p_{t}", document]) for t in need.targets}
    outlay, theirs = value.loc["extra_outlay", candidate], value.loc["extra_outlay", document]
    failures = []
    if design.info.objective == "most_targets":
        met = sum(mine >= need.probability[t] - 1e-12 for t, (mine, _) in p.items())
        if met < need.count_met(searched):
            failures.append(f"{met} required targets met as required, against {need.count_met(searched)} in the search")
        if outlay > design.info.budget:
            failures.append(f"extra outlay {outlay / 1e4:,.0f} 万元 over the budget {design.info.budget / 1e4:,.0f} 万元")
        if failures:
            return False, "not confirmed: " + "; ".join(failures)
        return True, f"confirmed: {met} of {len(p)} required targets met as required, within the budget"
    failures += [f"{t} met in {100 * mine:.0f} % of replications, below {100 * design.info.confidence:.0f} %"
                 for t, (mine, _) in p.items() if mine < design.info.confidence - 1e-12]
    if design.info.as_good_as_document:
        failures += [f"{t} met in {100 * mine:.0f} % against the document's {100 * theirs:.0f} %"
                     for t, (mine, theirs) in p.items() if mine < theirs - 1e-12]
    if outlay >= theirs:
        failures.append(f"extra outlay {outlay / 1e4:,.0f} 万元, not below the document's {theirs / 1e4:,.0f} 万元")
    if failures:
        return False, "not confirmed: " + "; ".join(failures)
    return True, f"confirmed: every required target met as required, for {(theirs - outlay) / 1e4:,.0f} 万元 less extra outlay than the document's package"
