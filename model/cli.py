"""The ``lmsim`` command line: run, check, levers, bench."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .rng import replication_seed
from .scenario import ScenarioError, load_scenario, resolve_path

DEFAULT_SCENARIO = "huyi-baseline"


def _run(args: argparse.Namespace) -> int:
    from . import outputs
    from .simulation import Simulation

    scenario = load_scenario(args.scenario, args.set)
    seed = scenario.scenario.seed if args.seed is None else args.seed
    runs = []
    for k in range(args.runs):  # bad population tables fail in the first build, before any month
        runs.append(Simulation(scenario, replication_seed(seed, k)).run())
    out = Path(args.out or Path("results") / Path(scenario.path).stem)
    written = outputs.write(runs, out)
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
    scenario = load_scenario(resolve_path(args.file), args.set)
    if scenario.population.workers_table:
        from .tables import load_population

        workers, firms = load_population(scenario)
        print(f"{scenario.path}: population tables valid ({len(workers):,} workers, {len(firms):,} firms)")
    print(f"{scenario.path}: valid scenario '{scenario.scenario.name}', {scenario.scenario.start} + {scenario.scenario.months} months")
    return 0


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


def _bench(args: argparse.Namespace) -> int:
    from .bench import main

    main(args.case)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="lmsim", description="Simulate a local labour market and the funds that pay for its policies.")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a scenario and write monthly indicators, the ledger and fund balances")
    run.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO, help=f"scenario file or built-in name (default: {DEFAULT_SCENARIO})")
    run.add_argument("--seed", type=int, help="master seed (default: the scenario's)")
    run.add_argument("--runs", type=int, default=1, help="replications with seeds spawned from the master seed")
    run.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", help="override a scenario field, e.g. population.workers=50000")
    run.add_argument("--out", help="output folder (default: results/SCENARIO)")
    run.set_defaults(func=_run)
    check = sub.add_parser("check", help="validate a scenario (TOML) or a population table (CSV/Parquet)")
    check.add_argument("file")
    check.add_argument("--kind", choices=["workers", "firms"], help="table kind (default: guessed from the columns)")
    check.add_argument("--set", action="append", default=[], metavar="PATH=VALUE")
    check.set_defaults(func=_check)
    levers = sub.add_parser("levers", help="list the policy levers (a Markdown table), or describe one with its parameters")
    levers.add_argument("name", nargs="?", help="a lever name, e.g. ui_refund")
    levers.set_defaults(func=_levers)
    bench = sub.add_parser("bench", help="print worker-months per second and peak memory at 100k and 1M workers")
    bench.add_argument("--case", action="append", help="run only these cases (city-100k, city-1m, steady-state-1m)")
    bench.set_defaults(func=_bench)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "runs", 1) < 1:
        print("lmsim: --runs must be at least 1", file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except ScenarioError as exc:
        print("lmsim: invalid input, nothing was run:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
