"""Upper bounds on every size, count and amount lmsim accepts, checked before anything is
allocated or run, and the checks a command line uses to hold its options to the same bounds.

The bounds are the documented envelope of the model, not of the machine: a scenario or table
beyond them is refused with a message naming where it came from, the field and what is allowed,
as any other invalid input. :func:`check_count` and :func:`check_seed` validate with the same
pydantic types the scenario and experiment schemas use, so an option on the command line and
the same value in a file get the same message.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError

#: worker agents of a scenario (synthesised or in a workers table): the largest city-region
#: the model is meant for, with room for agents standing for one person each
MAX_WORKERS = 2_000_000

#: firm agents of a scenario (synthesised or in a firms table)
MAX_FIRMS = 200_000

#: months a scenario simulates: fifty years
MAX_MONTHS = 600

#: runs (replications) one command starts, and replications of an experiment's point
MAX_RUNS = 10_000

#: runs of one experiment, its points times its replications: every point's scenario is
#: validated and every run's row stored before any result comes back
MAX_EXPERIMENT_RUNS = 1_000_000

#: local worker processes one command starts
MAX_PROCESSES = 1_024

#: the largest master seed: seeds are non-negative 64-bit signed integers, the type numpy's
#: SeedSequence spawns and the results tables store
MAX_SEED = 2**63 - 1

#: bytes of a TOML file (a scenario, its base and shock files, an experiment): the largest
#: shipped file is a few dozen kilobytes, and a bound stops a device or a huge file from
#: being read without end
MAX_TOML_BYTES = 10_000_000

#: persons (or firms) one agent of a population table stands for
MAX_WEIGHT = 1e6

#: yuan of any one amount: a wage, savings, cash, loans or arrears in a population table,
#: a fund's opening balance or reserve; far above any real one, and small enough that sums
#: over every agent and month stay finite
MAX_YUAN = 1e13

#: a seed as scenario and experiment files and the command line take it
Seed = Annotated[int, Field(ge=0, le=MAX_SEED)]


def check_count(name: str, value: Any, upper: int, where: str = "command line", lower: int = 1) -> list[str]:
    """Problems with a count ``name`` (e.g. ``--runs``) given at ``where``: it must be a whole
    number from ``lower`` to ``upper``; an empty list when it is."""
    return _check(Annotated[int, Field(ge=lower, le=upper)], name, value, where)


def check_seed(name: str, value: Any, where: str = "command line") -> list[str]:
    """Problems with a master seed ``name`` (e.g. ``--seed``) given at ``where``: the message a
    scenario file's ``scenario.seed`` gets for the same value."""
    return _check(Seed, name, value, where)


def _check(kind: Any, name: str, value: Any, where: str) -> list[str]:
    try:
        TypeAdapter(kind).validate_python(value, strict=True)
    except ValidationError as exc:
        return [f"{where}: field '{name}': {err['msg']} (got {value!r})" for err in exc.errors()]
    return []


def check_file(path: Path, upper: int | None = MAX_TOML_BYTES) -> list[str]:
    """Problems with an input file before it is read: it must exist and be a regular file
    (not a device, pipe or folder), of at most ``upper`` bytes unless that is None."""
    try:
        info = path.stat()
    except OSError as exc:
        return [f"{path}: cannot read file ({exc.strerror or exc})"]
    allowed = "a regular file" if upper is None else f"a regular file of at most {upper:,} bytes"
    if not stat.S_ISREG(info.st_mode):
        return [f"{path}: not a regular file; allowed: {allowed}"]
    if upper is not None and info.st_size > upper:
        return [f"{path}: file of {info.st_size:,} bytes; allowed: {allowed}"]
    return []
