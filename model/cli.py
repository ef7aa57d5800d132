"""The ``lmsim`` command line: compare, forecast, budget, design, run, check, levers, batch, sensitivity, calibrate, evidence, validate, bench, app."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .batch import SchedulerError
from .design import MAX_EVALUATIONS
from .limits import MAX_PROCESSES, MAX_RUNS, check_count, check_seed
from .rng import replication_seed
from .calendar import year_of
from .scenario import Scenario, ScenarioError, load_scenario, resolve_path

DEFAULT_SCENARIO = "huyi-baseline"
DEFAULT_PACKAGE = "huyi-package"


def _run(args: argparse.Namespace) -> int:
    from . import outputs
    from .results_folder import open_folder, scenario_inputs
    from .simulation import Simulation

    scenario = load_scenario(args.scenario, args.set)
    seed = scenario.scenario.seed if args.seed is None else args.seed
    out = Path(args.out or Path("results") / Path(scenario.path).stem)
    inputs = {**scenario_inputs(scenario), "seed": seed, "runs": args.runs}
    # about two bytes a worker-month a run: the ledger's entries, in Parquet and CSV
    size = 2 * args.runs * scenario.population.workers * scenario.scenario.months
    with open_folder(out, "run", inputs, resumable=False, estimate_bytes=size) as folder:
        runs = []
        for k in range(args.runs):  # bad population tables fail in the first build, before any month
            runs.append(Simulation(scenario, replication_seed(seed, k)).run())
        written = outputs.write(runs, out)
        folder.finish(written)
    print(runs[0].summary())
    if args.runs > 1:
        rates = [r.monthly["surveyed_unemployment_rate"].iloc[-1] for r in runs]
        print(f"  {args.runs} runs: final surveyed unemployment {100 * min(rates):.2f}% .. {100 * max(rates):.2f}%")
    print(f"wrote {', '.join(p.name for p in written)} to {out}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from .tables import check_table, read_table, table_kind

    path = Path(args.file)
    if path.suffix.lower() in (".csv", ".parquet"):
        frame = read_table(path)
        kind = args.kind or table_kind(frame)
        problems = check_table(frame, kind, str(path))
        if problems:
            raise ScenarioError(problems)
        print(f"{path}: valid {kind} table, {len(frame):,} rows")
        return 0
    if _is_experiment(path):
        from .experiment import Experiment

        experiment = Experiment.from_file(path)
        print(f"{path}: valid experiment '{experiment.spec.experiment.name}', {len(experiment.points):,} points, "
              f"{experiment.n_runs:,} runs, every point's scenario valid")
        return 0
    scenario = load_scenario(resolve_path(args.file), args.set)
    if scenario.population.workers_table:
        from .tables import load_population

        workers, firms = load_population(scenario)
        print(f"{scenario.path}: population tables valid ({len(workers):,} workers, {len(firms):,} firms)")
    print(f"{scenario.path}: valid scenario '{scenario.scenario.name}', {scenario.scenario.start} + {scenario.scenario.months} months")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from lmsim.reports.report import Provenance, write_compare

    from .compare import BASELINE, Plan, analyse

    baseline = load_scenario(args.baseline, args.set)  # every file is checked before any run
    packages = {Path(name).stem: load_scenario(name, args.set) for name in (args.scenario or [DEFAULT_PACKAGE])}
    seed = baseline.scenario.seed if args.seed is None else args.seed
    # with the parameters drawn, the baseline and packages run again with them fixed, for the band beside
    plan = Plan(baseline, packages, args.runs, seed, draw_parameters=not args.fixed_parameters,
                fixed=not args.fixed_parameters, attribution=args.attribution)
    out = Path(args.out or Path("results") / f"compare-{'-'.join(packages)}")
    compared = {BASELINE: baseline, **packages}
    with _replications_folder(out, "compare", compared, seed, args) as folder:
        sets = plan.replications(out)
        todo = sum(len(r.missing()) for r in sets)
        print(f"compare: {len(sets[0].scenarios)} scenarios x {args.runs} runs, parameters {'drawn' if len(sets) > 1 else 'fixed'} "
              f"({todo} to run) -> {out}", file=sys.stderr)
        if not _run_all(sets, args):
            return 1
        comparison = analyse(plan, sets)
        written = write_compare(comparison, Provenance(_command_line("compare"), compared, args.runs, seed), out, args.lang)
        _finish(folder, sets[0], written, args.keep_runs)
    from lmsim.reports.report import headline

    names = {BASELINE: BASELINE, **{k: v.scenario.name for k, v in packages.items()}}
    print("\n".join(headline(comparison, names, "en")))
    print(f"wrote {written[0]} and {len(written) - 1} more files (tables.xlsx, CSV tables, PNG charts)")
    return 0


def _replications_folder(out: Path, kind: str, scenarios: dict, seed: int, args: argparse.Namespace, **more):
    """The results folder of a compare, forecast or budget: its fingerprint holds the scenarios (with
    their tables' contents and lmsim's revision), the master seed and whether parameters are
    drawn; more replications of the same inputs extend it. The space check counts the runs it
    keeps: measured, about a byte per ten worker-months for a run with paths, 200 kB without.
    ``more``: other inputs that decide the results (a budget's confidence and years)."""
    from .replications import scenario_hash
    from .results_folder import open_folder

    inputs = {**{f"scenario {label}": scenario_hash(s) for label, s in scenarios.items()}, "seed": seed,
              "parameters": "fixed" if args.fixed_parameters else "drawn", **more}
    worker_months = max(s.population.workers * s.scenario.months for s in scenarios.values())
    without_paths = len(scenarios) + sum(1 for s in scenarios.values() for _, p in s.policies if p is not None)
    size = args.runs * (len(scenarios) * worker_months // 10 + without_paths * 200_000) + 20 * 2**20
    return open_folder(out, kind, inputs, estimate_bytes=size)


def _finish(folder, reps, written: list[Path], keep_runs: bool) -> None:
    """Mark the report complete; delete the runs it was made from unless asked to keep them."""
    if not keep_runs:
        reps.clear()
    folder.finish(written)


def _run_all(replications: list, args: argparse.Namespace) -> bool:
    """Run what is missing of the sets of replications (None: none) in one pool; print the first failures."""
    from .replications import run_together

    errors = run_together([r for r in replications if r is not None], workers=args.workers, scheduler=args.scheduler)
    for error in errors[:5]:
        print(f"lmsim: run failed: {error}", file=sys.stderr)
    return not errors


def _forecast(args: argparse.Namespace) -> int:
    from lmsim.reports.report import Provenance, forecast_headline, write_forecast

    from .forecast import forecast, parameter_uncertainty
    from .parameter_draws import parameters_table
    from .replications import Replications

    scenario = load_scenario(args.scenario, args.set)
    seed = scenario.scenario.seed if args.seed is None else args.seed
    label = Path(args.scenario).stem
    out = Path(args.out or Path("results") / f"forecast-{label}")
    with _replications_folder(out, "forecast", {label: scenario}, seed, args) as folder:
        reps = Replications(out, {label: scenario}, args.runs, seed, record_paths=False, draw_parameters=not args.fixed_parameters)
        fixed = Replications(out, {label: scenario}, args.runs, seed, record_paths=False) if reps.draw_parameters else None
        if not _run_all([reps, fixed], args):
            return 1
        result = forecast(reps, label)
        if fixed:
            result.tables["parameter_uncertainty"] = parameter_uncertainty(result, forecast(fixed, label))
            result.tables["parameters_drawn"] = parameters_table({label: scenario})
        command = _command_line("forecast")
        written = write_forecast(result, Provenance(command, {label: scenario}, args.runs, seed), out, args.lang)
        _finish(folder, reps, written, args.keep_runs)
    print("\n".join(forecast_headline(result, "en")))
    print(f"wrote {written[0]} and {len(written) - 1} more files (tables.xlsx, CSV tables, PNG charts)")
    return 0


def _budget(args: argparse.Namespace) -> int:
    from lmsim.reports.budget import summary_text, write_budget
    from lmsim.reports.report import Provenance
    from lmsim.reports.tables import write_csv

    from .budget import budget
    from .replications import Replications

    scenario = load_scenario(args.scenario, args.set)
    seed = scenario.scenario.seed if args.seed is None else args.seed
    label = Path(args.scenario).stem
    years = _budget_years(args.years, scenario)
    out = Path(args.out or Path("results") / f"budget-{label}")
    with _replications_folder(out, "budget", {label: scenario}, seed, args, confidence=args.confidence, years=years) as folder:
        reps = Replications(out, {label: scenario}, args.runs, seed, record_paths=False, draw_parameters=not args.fixed_parameters)
        if not _run_all([reps], args):
            return 1
        result = budget(reps, label, args.confidence, years)
        provenance = Provenance(_command_line("budget"), {label: scenario}, args.runs, seed).rows()
        book = write_budget(result, scenario.scenario.name, provenance, out / "budget.xlsx")
        written = [book, *write_csv({f"budget_{k}": v for k, v in result.tables.items()}, out)]
        _finish(folder, reps, written, args.keep_runs)
    print("\n".join(summary_text(result)))
    print(f"wrote {book} and {len(written) - 1} CSV tables")
    return 0


def _design(args: argparse.Namespace) -> int:
    import time

    from lmsim.reports.design import summary, write_design
    from lmsim.reports.report import Provenance, write_compare

    from .compare import analyse
    from .design import load_design
    from .replications import scenario_hash
    from .results_folder import digest, open_folder
    from .search import RunFailed, importance, search

    started = time.monotonic()
    design = load_design(args.design_file, {"budget": args.budget, "confidence": args.confidence, "evaluations": args.evaluations})
    info = design.info
    out = Path(args.out or Path("results") / f"design-{Path(design.path).stem}")
    # more candidates extend a search as more replications extend a compare: the proposals so far stay the same
    inputs = {"design": digest(info.model_dump(mode="json", exclude={"evaluations"})), "space": digest([repr(d) for d in design.dimensions]),
              "baseline": scenario_hash(design.baseline), "package": scenario_hash(design.package), "seed": design.seed,
              "parameters": "fixed" if args.fixed_parameters else "drawn"}
    worker_months = design.baseline.population.workers * design.baseline.scenario.months
    size = info.evaluations * info.max_replications * 4_000 + (2 + info.confirmations) * info.confirmation_runs * worker_months // 10 + 20 * 2**20
    with open_folder(out, "design", inputs, estimate_bytes=size) as folder:
        print(f"design: {info.name}: {len(design.dimensions)} parameters, {info.evaluations} candidates in batches of "
              f"{info.batch}, {info.replications}-{info.max_replications} replications at {info.weight:g} times the "
              f"scenario's persons per agent -> {out}", file=sys.stderr)
        try:
            result = search(design, out, args.workers, args.scheduler)
        except RunFailed as exc:
            print(f"lmsim: run failed: {exc}", file=sys.stderr)
            return 1
        fresh = (design.seed + 1_000_003) % 2**63  # seeds the search never used
        try:
            confirmed, last = _confirm_in_turn(result, out, fresh, args)
        except RunFailed as exc:
            print(f"lmsim: run failed: {exc}", file=sys.stderr)
            return 1
        best = next((c for c, _, ok, _ in confirmed if ok), None)
        settings = {"name": info.name, "design": design.path, "objective": info.objective, "confidence": info.confidence,
                    "budget": info.budget, "parameters": [d.name for d in design.dimensions], "batch": info.batch,
                    "replications": info.replications, "max_replications": info.max_replications, "weight": info.weight,
                    "seed": design.seed, "candidates": len(result.candidates),
                    "distinct_candidates": len({c.key for c in result.candidates}),
                    "candidate_replications": sum(c.n for c in result.candidates), "runs": result.runs,
                    "confirmation_runs": info.confirmation_runs, "confirmation_seed": fresh,
                    "confirmed": [{"candidate": c.number, "confirmed": ok, "verdict": text} for c, _, ok, text in confirmed],
                    "recommended": None if best is None else best.number}
        written = write_design(result, out, importance(result), settings, best, [c for c, *_ in confirmed])
        if last is not None:
            plan, sets, packages = last
            scenarios = {"baseline": design.baseline, **packages}
            written += write_compare(analyse(plan, sets), Provenance(_command_line("design"), scenarios, info.confirmation_runs, fresh),
                                     out / "confirmation", args.lang)
            tables = _confirmations([t for _, t, _, _ in confirmed])
            written.append(folder.write("confirmation.csv", lambda p: tables.to_csv(p, index=False)))
            if not args.keep_runs:
                sets[0].clear()
        folder.finish(written)
    print("\n".join(summary(result, settings, confirmed)))
    print(f"wrote {out}: {'recommended.toml, ' if best else ''}front.csv, front.png, candidates.csv, importance.csv"
          f"{', the confirmation (confirmation.csv, confirmation/report.html)' if confirmed else ''} ({time.monotonic() - started:.0f} s)")
    return 0


def _confirm_in_turn(result, out: Path, fresh: int, args: argparse.Namespace) -> tuple[list, tuple | None]:
    """Run the cheapest qualifying candidates of a search again on ``fresh`` seeds at full scale,
    each against the document's package and the baseline, until one is confirmed (at most the
    design's ``confirmations``): [(candidate, its confirmation table, confirmed, verdict)], and the
    last one's (plan, runs, packages) for its compare report."""
    from lmsim.reports.design import write_package

    from .compare import Plan
    from .replications import run_together
    from .search import RunFailed, confirmation, ranked, verdict

    design, info = result.design, result.design.info
    confirmed, last = [], None
    for c in ranked(result.candidates, result.requirement, info)[:info.confirmations]:
        label = f"candidate {c.number}"
        packages = {label: load_scenario(write_package(result, c, out)), "document": design.package}
        plan = Plan(design.baseline, packages, info.confirmation_runs, fresh, draw_parameters=not args.fixed_parameters)
        sets = plan.replications(out / "confirmation")
        print(f"design: confirming candidate {c.number} against the document's package on fresh seeds "
              f"({info.confirmation_runs} replications, full population)", file=sys.stderr)
        errors = run_together(sets, workers=args.workers, scheduler=args.scheduler)
        if errors:
            raise RunFailed(errors[0])
        table = confirmation(design, sets, {label: label, "document": "document's package"})
        confirmed.append((c, table, *verdict(table, result.requirement, design, c)))
        last = (plan, sets, packages)
        if confirmed[-1][2]:
            break
    return confirmed, last


def _confirmations(tables: list):
    """The confirmations' tables as one, the document's package's rows once."""
    import pandas as pd

    return pd.concat(tables, ignore_index=True).drop_duplicates(["package", "measure"])


def _confidence(text: str) -> float:
    """``--confidence``: a share strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share; allowed: a number between 0 and 1, e.g. 0.8")
    return value


def _budget_years(text: str | None, scenario: Scenario) -> list[int] | None:
    """``--years 2019-2021`` or ``2020,2021``: budget years inside the scenario's horizon."""
    if not text:
        return None
    info = scenario.scenario
    first, last = year_of(info.start_month), year_of(info.start_month + info.months - 1)
    try:
        if "-" in text:
            low, high = (int(x) for x in text.split("-"))
            years = list(range(low, high + 1))
        else:
            years = [int(x) for x in text.split(",")]
    except ValueError:
        years = []
    if not years or any(y < first or y > last for y in years):
        raise ScenarioError([f"--years: {text!r} is not a list of budget years; allowed: years {first}-{last} "
                             "(the scenario's horizon), as 2019-2021 or 2019,2020"])
    return years


def _calibrate(args: argparse.Namespace) -> int:
    from lmsim.calibration.calibrate import calibrate

    from .results_folder import file_digest, open_folder, scenario_inputs

    out = Path(args.out or Path("results") / f"calibration-{Path(args.targets).stem}")
    scenario = load_scenario(args.scenario, args.set)  # checked, with its overrides, before any run
    files = {"targets": args.targets, **({"params": args.params} if args.params else {})}
    inputs = {**scenario_inputs(scenario), **{f"{k} file": file_digest(resolve_path(v)) for k, v in files.items()},
              "seed": args.seed, "replications": args.replications, "recover": args.recover}
    with open_folder(out, "calibrate", inputs, estimate_bytes=10 * 2**20) as folder:
        c = calibrate(args.targets, args.scenario, args.params, out, recover=args.recover, workers=args.workers,
                      replications=args.replications, design_points=args.design_points, seed=args.seed, overrides=args.set,
                      max_evaluations=args.max_evaluations, profile_points=args.profile_points, command=_command_line("calibrate"))
        folder.finish([p for p in out.iterdir() if p.is_file() and not p.name.startswith(".")])
    with pd_options():
        print(c.estimate.parameter_table().to_string(index=False, float_format=lambda v: f"{v:.4g}"))
        print(c.estimate.moment_table().drop(columns=["source"]).to_string(index=False, float_format=lambda v: f"{v:.4g}"))
        if c.recovery is not None:
            print(c.recovery[["parameter", "true", "estimate", "low_90", "high_90", "verdict"]].to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    e = c.estimate
    print(f"{e.j_summary}; Jacobian rank {e.rank} of {len(e.params)}, condition {e.condition:.3g}; "
          f"{c.simulations_run} simulations run (the rest from the cache)")
    print(f"wrote calibrated.toml, report.html and the tables to {out}")
    return 0


def _is_experiment(path: Path) -> bool:
    """An experiment file is a TOML file with an [experiment] table."""
    from .scenario import read_toml_file

    try:
        return "experiment" in read_toml_file(path)
    except (ScenarioError, ValueError):
        return False  # not a bounded regular TOML file: the scenario loader says why


def _levers(args: argparse.Namespace) -> int:
    from .lever_reference import detail, markdown_table
    from .policies import REGISTRY

    if args.name is None:
        print(markdown_table())
        return 0
    if args.name not in REGISTRY:
        raise ScenarioError([f"lever {args.name!r}: unknown; allowed: {', '.join(sorted(REGISTRY))}"])
    print(detail(args.name))
    return 0


def _batch(args: argparse.Namespace) -> int:
    from .batch import run_batch
    from .experiment import Experiment
    from .results_folder import digest, open_folder, scenario_inputs

    experiment = Experiment.from_file(args.experiment)  # a bad file fails here, before any run
    out = Path(args.out or Path("results") / Path(args.experiment).stem)
    first = experiment.scenario(experiment.points.to_dict("records")[0])
    inputs = {"experiment": experiment.fingerprint(), "points": digest(experiment.points.to_dict("list")), **scenario_inputs(first)}
    # a run's row: its outputs and factor values, a few hundred bytes in Parquet
    with open_folder(out, "batch", inputs, estimate_bytes=1_000 * experiment.n_runs) as folder:
        store = run_batch(experiment, out, workers=args.workers, scheduler=args.scheduler,
                          retry_failed=args.retry_failed, max_attempts=args.max_attempts)
        folder.finish(store.files())
    frame = store.frame()
    failed = frame[frame["status"] == "failed"]
    print(f"{experiment.spec.experiment.name}: {len(frame):,} of {experiment.n_runs:,} runs in {out / 'results'}, "
          f"{len(failed):,} failed")
    for row in failed.head(5).itertuples():
        print(f"  run {row.run} (point {row.point}, replication {row.replication}): {row.error.splitlines()[0]}")
    if len(failed) > 5:
        print(f"  ... and {len(failed) - 5} more in {out / 'attempts.jsonl'}")
    return 0


def _sensitivity(args: argparse.Namespace) -> int:
    from .sensitivity import write

    analysis = write(args.results, args.output or None, args.conf_level, args.out)
    out = Path(args.out or Path(args.results) / "sensitivity")
    with pd_options():
        print(analysis.indices.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    for warning in analysis.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"wrote indices.csv, one CSV and PNG chart per output, warnings.txt to {out}")
    return 0


def pd_options():
    import pandas as pd

    return pd.option_context("display.width", 200, "display.max_rows", 500)


def _evidence(args: argparse.Namespace) -> int:
    from lmsim.calibration import evidence
    from lmsim.reports.report import write_evidence

    from .results_folder import file_digest, open_folder, revision

    path = args.file or evidence.EVIDENCE_FILE
    file = evidence.load(path)
    levers = sorted({e.lever for e in file.estimates})
    if args.lever:
        if args.lever not in levers:
            print(f"lmsim evidence: no estimate for lever {args.lever!r} in {path}; levers with estimates: {', '.join(levers)}",
                  file=sys.stderr)
            return 2
        levers = [args.lever]
    if args.fit:
        return _fit_lever(args, file, path)
    runs = args.runs or 8
    out = Path(args.out or Path("results") / "evidence")
    print(f"evidence: {len(levers)} lever studies x {runs} runs against their baselines -> {out}", file=sys.stderr)
    # the studies' runs are keyed by their scenarios' digests: other levers' studies may share the folder
    with open_folder(out, "evidence", {"evidence file": file_digest(path), "seed": args.seed, "revision": revision()}) as folder:
        table = evidence.run(file, levers, out, runs, args.seed, args.workers, args.scheduler, path)
        written = write_evidence(table, _command_line("evidence"), runs, args.seed, out)
        folder.finish(written)
    with pd_options():
        shown = table.assign(published=[f"{lo:.3g} to {hi:.3g} ± {tol:.3g}" for lo, hi, tol in
                                        zip(table.published_low, table.published_high, table.tolerance)],
                             simulated=_median_and_range(table, "simulated"))
        print(shown[["lever", "id", "statistic", "horizon_months", "unit", "published", "simulated", "agree"]].to_string(index=False))
    print(f"{int(table['agree'].sum())} of {len(table)} estimates agree")
    for path in written:
        print(f"wrote {path}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from lmsim.calibration import validate
    from lmsim.reports.report import validation_summary, write_validation

    from .results_folder import open_folder, revision

    regions = args.regions or list(validate.REGIONS)
    unknown = [r for r in regions if r not in validate.REGIONS]
    if unknown:
        print(f"lmsim validate: unknown region {', '.join(unknown)}; allowed: {', '.join(validate.REGIONS)}", file=sys.stderr)
        return 2
    out = Path(args.out or Path("results") / "validate")
    print(f"validate: {', '.join(regions)}, {args.runs} runs of each baseline -> {out}", file=sys.stderr)
    # each region's moments are cached under the digest of its inputs: regions may share the folder
    with open_folder(out, "validate", {"seed": args.seed, "revision": revision()}) as folder:
        table = validate.run(regions, args.runs, args.seed, out, args.workers)
        written = write_validation(table, _command_line("validate"), args.runs, args.seed, out)
        folder.finish(written)
    with pd_options():
        shown = table.assign(published=_median_and_range(table, "published"), simulated=_median_and_range(table, "simulated"),
                             held_out=[s if t else "" for s, t in zip(_median_and_range(table, "held_out"), table["targeted"])])
        print(shown[["region", "figure", "statistic", "kind", "targeted", "published", "simulated", "inside", "held_out",
                     "held_out_inside"]].to_string(index=False))
    for region, t in table.groupby("region", sort=False):
        print(validation_summary(region, t))
    for path in written:
        print(f"wrote {path}")
    return 0


def _median_and_range(table, column: str) -> list[str]:
    """Each row's ``column`` with its ``column_low`` and ``column_high``, as printed: "m [lo, hi]"."""
    return [f"{m:.3g} [{lo:.3g}, {hi:.3g}]" for m, lo, hi in zip(table[column], table[f"{column}_low"], table[f"{column}_high"])]


def _command_line(name: str) -> str:
    """The command as typed, for a report's "reproduce" section (``lmsim NAME`` when called from Python)."""
    return "lmsim " + " ".join(sys.argv[1:]) if sys.argv[1:2] == [name] else f"lmsim {name}"


def _fit_lever(args: argparse.Namespace, file, path) -> int:
    from lmsim.calibration.lever_fit import fit, summary, write_fit
    from lmsim.calibration.spec import load_params

    from .results_folder import file_digest, open_folder, revision

    if not args.lever:
        print("lmsim evidence --fit: name the lever whose parameters to fit", file=sys.stderr)
        return 2
    params = load_params(args.fit)
    runs = args.runs or 2
    out = Path(args.out or Path("results") / f"evidence-fit-{args.lever}")
    print(f"evidence --fit: {', '.join(p.path for p in params)} to {args.lever}'s estimates, {runs} replications a point -> {out}",
          file=sys.stderr)
    inputs = {"evidence file": file_digest(path), "params file": file_digest(args.fit), "lever": args.lever, "study": args.study,
              "seed": args.seed, "replications": runs, "revision": revision()}
    with open_folder(out, "evidence-fit", inputs) as folder:
        result = fit(file, args.lever, params, out, runs, args.seed, args.workers, args.design, args.max_evaluations, path=path,
                     study=args.study)
        written = write_fit(result, out)
        folder.finish(written)
    print(summary(result))
    for file in written:
        print(f"wrote {file}")
    return 0


def _bench(args: argparse.Namespace) -> int:
    from .bench import batch_main, main

    if args.batch:
        batch_main()
    else:
        main(args.case)
    return 0


def _app(args: argparse.Namespace) -> int:
    import shiny

    from .app.page import make_app
    from .results_folder import open_folder

    cache = Path(args.cache)
    # runs are keyed by their own inputs' digest: the folder may hold any number of packages
    with open_folder(cache, "app", {"holds": "runs keyed by their scenario's digest and seed"}, resumable=True,
                     estimate_bytes=200 * 2**20, option="--cache"):
        print(f"lmsim app: http://{args.host}:{args.port}/ (runs cached in {cache}; Ctrl-C stops)", file=sys.stderr)
        shiny.run_app(make_app(cache, args.workers, args.scheduler), host=args.host, port=args.port, dev_mode=False,
                      launch_browser=False, log_level="warning")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="lmsim", description="Simulate a local labour market and the funds that pay for its policies.")
    sub = p.add_subparsers(dest="command", required=True)
    cmp = sub.add_parser("compare", help="a baseline against policy packages, with common random numbers: net effects, targets, outlays, deadweight; HTML, Excel, CSV, PNG")
    cmp.add_argument("baseline", nargs="?", default=DEFAULT_SCENARIO, help=f"baseline scenario (default: {DEFAULT_SCENARIO})")
    cmp.add_argument("scenario", nargs="*", help=f"policy scenarios (default: {DEFAULT_PACKAGE})")
    _replication_options(cmp)
    cmp.add_argument("--attribution", action=argparse.BooleanOptionalAction, default=False,
                     help="also attribute the effects lever by lever: the package again without each lever, one more scenario per lever (default: off)")
    cmp.set_defaults(func=_compare)
    fc = sub.add_parser("forecast", help="monthly outlays per fund and line with bands, fund balances, the risk a fund runs dry")
    fc.add_argument("scenario", nargs="?", default=DEFAULT_PACKAGE, help=f"scenario (default: {DEFAULT_PACKAGE})")
    _replication_options(fc)
    fc.set_defaults(func=_forecast)
    from .budget import CONFIDENCE

    bud = sub.add_parser("budget", help="the budget request: per year, fund and line, the outlay and the appropriation needed, "
                                        "in the finance office's workbook")
    bud.add_argument("scenario", nargs="?", default=DEFAULT_PACKAGE, help=f"scenario (default: {DEFAULT_PACKAGE})")
    _replication_options(bud)
    bud.add_argument("--confidence", type=_confidence, default=CONFIDENCE,
                     help=f"share of replications the appropriation needed covers (default {CONFIDENCE})")
    bud.add_argument("--years", help="budget years, e.g. 2019-2021 or 2020,2021 (default: every year of the horizon)")
    bud.set_defaults(func=_budget)
    des = sub.add_parser("design", help="search the least costly package that meets the targets with a stated probability: "
                                        "the recommended package, the front, a confirmation on fresh seeds")
    des.add_argument("design_file", metavar="DESIGN", nargs="?", default="huyi", help="design file (TOML) or a shipped design: huyi, xiangtan, chengyang, anshan, tacheng (default huyi)")
    des.add_argument("--budget", type=float, help="yuan of extra outlay over the horizon the package may cost (objective most_targets)")
    des.add_argument("--confidence", type=_confidence, help="probability each required target must be met with (default: the design's, 0.8)")
    des.add_argument("--evaluations", type=int, help="candidates to evaluate (default: the design's)")
    des.add_argument("--workers", type=int, help="local worker processes (default: the number of cores; not with --scheduler)")
    des.add_argument("--scheduler", help="address of a Dask scheduler (default: a local process pool)")
    des.add_argument("--out", help="results folder (default: results/design-DESIGN)")
    des.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the confirmation's compare report (default zh)")
    des.add_argument("--fixed-parameters", action="store_true", help="confirm at the fitted values instead of drawing them per replication")
    des.add_argument("--keep-runs", action="store_true", help="keep the confirmation's runs after its report is written")
    des.set_defaults(func=_design)
    run = sub.add_parser("run", help="run a scenario and write monthly indicators, the ledger and fund balances")
    run.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO, help=f"scenario file or built-in name (default: {DEFAULT_SCENARIO})")
    run.add_argument("--seed", type=int, help="master seed (default: the scenario's)")
    run.add_argument("--runs", type=int, default=1, help="replications with seeds spawned from the master seed")
    run.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", help="override a scenario field, e.g. population.workers=50000")
    run.add_argument("--out", help="output folder (default: results/SCENARIO)")
    run.set_defaults(func=_run)
    check = sub.add_parser("check", help="validate a scenario or experiment (TOML) or a population table (CSV/Parquet)")
    check.add_argument("file")
    check.add_argument("--kind", choices=["workers", "firms"], help="table kind (default: guessed from the columns)")
    check.add_argument("--set", action="append", default=[], metavar="PATH=VALUE")
    check.set_defaults(func=_check)
    levers = sub.add_parser("levers", help="list the policy levers (a Markdown table), or describe one with its parameters")
    levers.add_argument("name", nargs="?", help="a lever name, e.g. ui_refund")
    levers.set_defaults(func=_levers)
    batch = sub.add_parser("batch", help="run an experiment's runs on this machine or a Dask cluster; resumes where it stopped")
    batch.add_argument("experiment", help="experiment file (TOML)")
    batch.add_argument("--workers", type=int, help="local worker processes (default: the number of cores; not with --scheduler)")
    batch.add_argument("--scheduler", help="address of a Dask scheduler, e.g. tcp://127.0.0.1:8786 (default: a local process pool)")
    batch.add_argument("--out", help="results folder (default: results/EXPERIMENT)")
    batch.add_argument("--retry-failed", action="store_true", help="run again the runs that failed before")
    batch.add_argument("--max-attempts", type=int, default=3, help="attempts of a run whose worker dies (default 3)")
    batch.set_defaults(func=_batch)
    sens = sub.add_parser("sensitivity", help="Sobol, Morris or RBD-FAST indices of a batch's results, with tables and charts")
    sens.add_argument("results", help="a results folder written by lmsim batch")
    sens.add_argument("--output", action="append", help="outputs to analyse (default: all)")
    sens.add_argument("--conf-level", type=float, default=0.95, help="confidence level of the intervals (default 0.95)")
    sens.add_argument("--out", help="folder for the tables and charts (default: RESULTS/sensitivity)")
    sens.set_defaults(func=_sensitivity)
    cal = sub.add_parser("calibrate", help="fit behavioural parameters to observed moments (simulated method of moments), or recover known ones")
    cal.add_argument("targets", help="targets file (TOML): observed moments, optionally [[params]]")
    cal.add_argument("--scenario", default=DEFAULT_SCENARIO, help=f"scenario to calibrate (default: {DEFAULT_SCENARIO})")
    cal.add_argument("--params", help="parameters to estimate (TOML with [[params]]; default: the targets file's)")
    cal.add_argument("--recover", action="store_true", help="parameter recovery: fit moments simulated at the params' true values")
    cal.add_argument("--out", help="output folder (default: results/calibration-TARGETS)")
    cal.add_argument("--workers", type=int, help="local worker processes (default: the number of cores; not with --scheduler)")
    cal.add_argument("--replications", type=int, default=4, help="replications per parameter point, common random numbers (default 4)")
    cal.add_argument("--design-points", type=int, default=24, help="points of the global latin search (default 24)")
    cal.add_argument("--max-evaluations", type=int, default=120, help="parameter points each Levenberg-Marquardt start may run (default 120)")
    cal.add_argument("--profile-points", type=int, default=5, help="points of each 1-D loss profile; 0 for none (default 5)")
    cal.add_argument("--seed", type=int, default=1, help="master seed (default 1)")
    cal.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", help="override a scenario field")
    cal.set_defaults(func=_calibrate)
    ev = sub.add_parser("evidence", help="each lever's simulated evaluation beside the published estimates it should reproduce; HTML and CSV")
    ev.add_argument("lever", nargs="?", help="only this lever's estimates (default: every lever with one)")
    ev.add_argument("--file", help="evidence file (default: the one shipped with lmsim, calibration/evidence.toml)")
    ev.add_argument("--runs", type=int, help="replications of each study and its baseline (default 8; with --fit, 2 a point)")
    ev.add_argument("--fit", metavar="PARAMS", help="fit the lever's parameters listed in this file ([[params]]: path, low, high) to its estimates")
    ev.add_argument("--study", help="with --fit: the study whose estimates to fit (needed when the lever's estimates come from several)")
    ev.add_argument("--design", type=int, default=12, help="with --fit: points of the global search (default 12)")
    ev.add_argument("--max-evaluations", type=int, default=60, help="with --fit: most points of each local search (default 60)")
    ev.add_argument("--seed", type=int, default=1, help="master seed (default 1)")
    ev.add_argument("--out", help="output folder (default: results/evidence)")
    ev.add_argument("--workers", type=int, help="local worker processes (default: the number of cores; not with --scheduler)")
    ev.add_argument("--scheduler", help="address of a Dask scheduler (default: a local process pool)")
    ev.set_defaults(func=_evidence)
    val = sub.add_parser("validate", help="each shipped region's baseline beside its published figures (calibration/targets/REGION.toml); HTML and CSV")
    val.add_argument("regions", nargs="*", metavar="REGION", help="regions to validate (default: all five)")
    val.add_argument("--runs", type=int, default=8, help="replications of each baseline (default 8)")
    val.add_argument("--seed", type=int, default=1, help="master seed (default 1)")
    val.add_argument("--out", help="output folder (default: results/validate)")
    val.add_argument("--workers", type=int, help="local worker processes (default: the number of cores; not with --scheduler)")
    val.set_defaults(func=_validate)
    app = sub.add_parser("app", help="the dashboard in a browser: build a package, run it against its baseline, read the answer, take it away")
    app.add_argument("--port", type=int, default=8000, help="port to serve on (default 8000)")
    app.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1: this machine only)")
    app.add_argument("--workers", type=int, help="local worker processes (default: the number of cores; not with --scheduler)")
    app.add_argument("--scheduler", help="address of a Dask scheduler (default: a local process pool)")
    app.add_argument("--cache", default=str(Path("results") / "app"), help="folder of the runs the app keeps (default: results/app)")
    app.set_defaults(func=_app)
    bench = sub.add_parser("bench", help="print worker-months per second and peak memory at 100k and 1M workers")
    bench.add_argument("--case", action="append", help="run only these cases (city-100k, city-1m, steady-state-1m)")
    bench.add_argument("--batch", action="store_true", help="instead: the batch layer's peak memory (200 and 2,000 runs) and throughput (1 and 2 workers)")
    bench.set_defaults(func=_bench)
    return p


def _replication_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--runs", type=int, default=20, help="replications of each scenario (default 20)")
    p.add_argument("--seed", type=int, help="master seed (default: the scenario's)")
    p.add_argument("--out", help="output folder (default: results/compare-SCENARIO or results/forecast-SCENARIO)")
    p.add_argument("--workers", type=int, help="local worker processes (default: the number of cores; not with --scheduler)")
    p.add_argument("--scheduler", help="address of a Dask scheduler (default: a local process pool)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="report language (default zh)")
    p.add_argument("--fixed-parameters", action="store_true",
                   help="run every replication at the fitted values; by default a scenario with a [fit] draws its fitted "
                        "parameters per replication, and the report shows the bands with them fixed beside")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", help="override a field of every scenario")
    p.add_argument("--keep-runs", action="store_true",
                   help="keep the runs in OUT/runs after the report is written (default: deleted; an interrupted job keeps them and resumes)")


#: command-line counts and their upper bounds (lmsim.limits), checked like the same values in a file
COUNTS = {"evaluations": MAX_EVALUATIONS, "runs": MAX_RUNS, "workers": MAX_PROCESSES, "max_attempts": 100, "design": 10_000, "max_evaluations": 100_000,
          "replications": MAX_RUNS, "design_points": 10_000}


def _option_problems(args: argparse.Namespace) -> list[str]:
    """The command line's counts and seed, with the messages a scenario file's values get."""
    problems = []
    for option, upper in COUNTS.items():
        value = getattr(args, option, None)  # None: the option's default, chosen by its command
        if value is not None:
            problems += check_count(f"--{option.replace('_', '-')}", value, upper)
    if getattr(args, "seed", None) is not None:
        problems += check_seed("--seed", args.seed)
    if getattr(args, "port", None) is not None:
        problems += check_count("--port", args.port, 65535)
    return problems


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    problems = _option_problems(args)
    if problems:
        print("lmsim: invalid input, nothing was run:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    if getattr(args, "scheduler", None) and getattr(args, "workers", None) is not None:
        print("lmsim: --workers sets the local process pool; with --scheduler the cluster's workers run the jobs: "
              "give one of them", file=sys.stderr)
        return 2
    if getattr(args, "workers", 0) is None:
        args.workers = os.cpu_count() or 1
    from .results_folder import FolderError

    try:
        return args.func(args)
    except ScenarioError as exc:
        print("lmsim: invalid input, nothing was run:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    except FolderError as exc:
        print(f"lmsim: {exc}", file=sys.stderr)
        return 2
    except SchedulerError as exc:
        print(f"lmsim: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"lmsim {args.command}: interrupted; finished runs are kept in the results folder, "
              "and the same command resumes from them", file=sys.stderr)
        return 130
    except OSError as exc:  # a full disk, a folder removed under the job
        print(f"lmsim {args.command}: could not write {exc.filename or 'results'}: {exc.strerror or exc}; what was whole is kept, "
              "and the same command resumes once the cause is fixed", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
