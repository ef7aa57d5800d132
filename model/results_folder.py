"""A results folder: what it holds, who writes it, and how files get into it.

Every command that writes results (run, batch, compare, forecast, budget, design, calibrate, evidence,
validate) opens its ``--out`` folder through :func:`open_folder`, before any simulation:

- **what it holds**: ``manifest.json`` names the kind of job and the *fingerprint* of every
  input that decides its results (the resolved scenarios, the contents of every table they
  read, the seed plan, the lmsim version and the revision of its code). A folder already holding
  results of other inputs, of another kind of job, or files lmsim did not write is refused,
  with what differs and how to start afresh; a job that keeps nothing to resume (``lmsim run``)
  replaces the results of other inputs of its own kind whole instead.
- **who writes it**: an exclusive lock (``.lock``, an operating-system lock through
  ``filelock``: a killed job's lock is released with its process, so a stale lock is never
  in the way) held for the whole job; a second job on the folder is refused at once, naming
  the job that holds it.
- **how files get in**: :func:`atomic_write` writes under a temporary name and renames into
  place, so a file is whole or absent, never partial;
- **room first**: the folder is created and written to before any work, and the free space is
  checked against an estimate of what the job will write.

Nothing in a results folder executes code when loaded: tables are Parquet, CSV and JSON,
arrays ``.npz`` read without pickles.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from . import __version__

MANIFEST = "manifest.json"
LOCK = ".lock"
HOLDER = ".lock-holder.json"
#: room kept free beyond a job's estimate, for everything else on the disk
SPARE_BYTES = 50 * 2**20


class FolderError(Exception):
    """A results folder that cannot take this job; the message says why and what to do."""


@cache
def revision() -> str:
    """A hash of lmsim's installed code and shipped data: results of another revision are
    never reused (a changed rule changes the runs)."""
    digest = hashlib.sha256()
    root = resources.files("lmsim")
    for path in sorted(Path(str(root)).rglob("*")):
        if path.suffix in (".py", ".toml") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(str(root))).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def file_digest(path: str | Path) -> str:
    """sha256 of a file's contents (first 16 hex digits)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def digest(value: Any) -> str:
    """sha256 (16 hex digits) of a JSON-able value, keys sorted."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


def scenario_inputs(scenario: Any) -> dict[str, str]:
    """What a scenario's runs depend on: its resolved fields and the contents of the tables it
    reads (a table edited in place changes its digest, not its path), with lmsim's revision."""
    inputs = {"scenario": digest(scenario.model_dump(mode="json")), "revision": revision()}
    pop = scenario.population
    if pop.workers_table:
        here = Path(scenario.path).parent
        for name in ("workers_table", "firms_table"):
            path = here / getattr(pop, name)
            inputs[f"{name} {path}"] = file_digest(path) if path.is_file() else "missing"
    return inputs


@dataclass
class Folder:
    """An open results folder: its path and the job's manifest."""

    path: Path
    manifest: dict[str, Any]

    def write(self, name: str, writer: Callable[[Path], Any]) -> Path:
        """Write the file ``name`` atomically (``writer`` gets a temporary path to write to)."""
        return atomic_write(self.path / name, writer)

    def finish(self, files: list[Path]) -> None:
        """Mark the job's results complete, listing their files: until then the manifest says
        ``complete: false``, so a job stopped half-way (a kill, a full disk) never looks done."""
        self.manifest = {**self.manifest, "complete": True, "files": sorted(str(p.relative_to(self.path)) for p in files)}
        _write_manifest(self.path, self.manifest)


def atomic_write(path: Path, writer: Callable[[Path], Any]) -> Path:
    """Call ``writer`` on a temporary file beside ``path``, then rename it into place: the file
    is whole or absent. A failure (a full disk) removes the temporary file and re-raises."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        writer(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


@contextmanager
def open_folder(path: str | Path, kind: str, inputs: dict[str, Any], *, resumable: bool = True,
                estimate_bytes: int = 0, option: str = "--out") -> Iterator[Folder]:
    """Open ``path`` for a job of ``kind`` on ``inputs`` (name -> value or digest; their digest
    is the fingerprint), locked for the job's whole duration.

    ``resumable``: the folder keeps work a re-run takes up (runs, a cache), so a folder holding
    other inputs' results is refused; otherwise (``lmsim run``) such results are replaced whole.
    ``estimate_bytes``: what the job may write, checked against the free space first."""
    folder = _prepare(Path(path), option)
    lock = FileLock(str(folder / LOCK), timeout=0)
    fresh = False
    try:
        lock.acquire()
    except Timeout:
        raise FolderError(f"{option} {folder}: in use by another lmsim job ({_holder(folder)}); "
                          "wait for it to finish, or choose another folder") from None
    try:
        atomic_write(folder / HOLDER, lambda p: p.write_text(json.dumps(
            {"pid": os.getpid(), "host": socket.gethostname(), "kind": kind, "since": time.strftime("%Y-%m-%d %H:%M:%S")})))
        manifest = {"kind": kind, "fingerprint": digest(inputs), "inputs": inputs, "lmsim": __version__, "revision": revision(),
                    "complete": False}
        fresh = not (folder / MANIFEST).exists()
        _remove_leftovers(folder)
        _claim(folder, manifest, resumable, option)
        _check_space(folder, estimate_bytes, option)
        yield Folder(folder, manifest)
    except BaseException:
        # a job refused before it wrote anything (a bad input) leaves a new folder unclaimed
        if fresh and {p.name for p in folder.iterdir()} <= {MANIFEST, LOCK, HOLDER}:
            (folder / MANIFEST).unlink(missing_ok=True)
        raise
    finally:
        (folder / HOLDER).unlink(missing_ok=True)
        lock.release()


def _remove_leftovers(folder: Path) -> None:
    """Delete the temporary files and run folders a killed job left (``.NAME.PID.tmp``); only
    the lock's holder writes here, so none of them is being written."""
    for path in folder.rglob(".*.tmp"):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _prepare(folder: Path, option: str) -> Path:
    """Create the folder and prove it takes a file, before any work."""
    if folder.exists() and not folder.is_dir():
        raise FolderError(f"{option} {folder}: exists and is not a folder; name a folder (it is created if missing)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-test.{os.getpid()}.tmp"
        probe.write_bytes(b"lmsim")
        probe.unlink()
    except OSError as exc:
        raise FolderError(f"{option} {folder}: cannot write there ({exc.strerror or exc}); choose a folder you can write to") from None
    return folder


def _claim(folder: Path, manifest: dict[str, Any], resumable: bool, option: str) -> None:
    """Check what the folder holds against this job, then record the job's manifest."""
    old = _read_manifest(folder, option)
    if old is None:
        foreign = [p.name for p in folder.iterdir() if p.name not in (LOCK, HOLDER)]
        if foreign:
            raise FolderError(f"{option} {folder}: holds files lmsim did not write as a results folder "
                              f"({', '.join(sorted(foreign)[:3])}{', ...' if len(foreign) > 3 else ''}); "
                              "choose an empty or new folder")
    elif old.get("kind") != manifest["kind"]:
        raise FolderError(f"{option} {folder}: holds the results of lmsim {old.get('kind')}, not {manifest['kind']}; "
                          "choose another folder, or delete this one to start afresh")
    elif old.get("fingerprint") != manifest["fingerprint"]:
        if resumable:
            raise FolderError(f"{option} {folder}: holds results of other inputs ({differences(old.get('inputs', {}), manifest['inputs'])}); "
                              "resuming would mix them: choose another folder, or delete this one to start afresh")
        _clear(folder)
    _write_manifest(folder, manifest)


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    atomic_write(folder / MANIFEST, lambda p: p.write_text(json.dumps(manifest, indent=1, sort_keys=True, default=str)))


def _read_manifest(folder: Path, option: str) -> dict[str, Any] | None:
    path = folder / MANIFEST
    if not path.exists():
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FolderError(f"{option} {folder}: {MANIFEST} is unreadable ({exc}); delete the folder to start afresh") from None
    if not isinstance(value, dict):
        raise FolderError(f"{option} {folder}: {MANIFEST} is not a JSON object; delete the folder to start afresh")
    return value


def differences(old: dict[str, Any], new: dict[str, Any]) -> str:
    """The inputs that differ, in words: "seed 1 -> 2; workers_table a.csv: contents changed"."""
    parts = []
    for key in sorted(set(old) | set(new)):
        if key not in old:
            parts.append(f"{key}: new")
        elif key not in new:
            parts.append(f"{key}: no longer an input")
        elif old[key] != new[key]:
            parts.append(f"{key} {old[key]} -> {new[key]}" if key in ("seed", "kind", "runs") else f"{key}: changed")
    return "; ".join(parts) or "the same inputs under another fingerprint"


def _clear(folder: Path) -> None:
    """Empty a folder of a finished job's results (the lock and its holder stay)."""
    (folder / MANIFEST).unlink(missing_ok=True)  # first: a folder without it is known incomplete
    for path in folder.iterdir():
        if path.name in (LOCK, HOLDER):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _check_space(folder: Path, estimate_bytes: int, option: str) -> None:
    free = shutil.disk_usage(folder).free
    if estimate_bytes and free < estimate_bytes + SPARE_BYTES:
        raise FolderError(f"{option} {folder}: about {_mb(estimate_bytes)} needed and {_mb(SPARE_BYTES)} kept spare, "
                          f"{_mb(free)} free; free some space or choose a folder on another disk")


def _mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB"


def _holder(folder: Path) -> str:
    try:
        h = json.loads((folder / HOLDER).read_text(encoding="utf-8"))
        return f"lmsim {h['kind']}, process {h['pid']} on {h['host']}, since {h['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "a job starting or ending"
