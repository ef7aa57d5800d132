"""Results folders (issue 14): one set of inputs, one writer, nothing executable, nothing partial.

Fault injection: jobs killed at random points and resumed, two jobs on one folder, inputs
changed between runs, a write that fails for want of room, a planted pickle. The command-line
cases run ``lmsim`` in a subprocess, as a user would."""

from __future__ import annotations

import json
import os
import pickle
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lmsim.results_folder import FolderError, atomic_write, open_folder
from lmsim.scenario import resolve_path

TINY = ["--set", "population.workers=3000", "--set", "population.firms=200", "--set", "shocks=[]", "--set", "scenario.months=12"]
COMPARE = ["compare", "--runs", "3", "--no-attribution", "--fixed-parameters", "--lang", "en", "--keep-runs", *TINY]
RUN = ["run", "small", "--set", "population.workers=2000", "--set", "population.firms=100", "--set", "scenario.months=6"]


def lmsim(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lmsim.cli", *args], capture_output=True, text=True, **kwargs)


def kill_three_times(args: list[str], draws: random.Random, earliest: float, latest: float) -> None:
    """Start ``lmsim ARGS`` three times, each killed (SIGKILL, the whole process group) after a
    random number of seconds between ``earliest`` and ``latest``, later each time."""
    for delay in sorted(draws.uniform(earliest, latest) for _ in range(3)):
        proc = subprocess.Popen([sys.executable, "-m", "lmsim.cli", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def tables(folder: Path) -> dict[str, pd.DataFrame]:
    return {p.name: pd.read_csv(p) for p in sorted(folder.glob("*.csv"))}


# --- the folder itself --------------------------------------------------------------------------


def test_a_folder_holds_one_set_of_inputs_of_one_kind(tmp_path):
    with open_folder(tmp_path / "out", "compare", {"seed": 1, "scenario baseline": "aa"}) as folder:
        folder.finish([])
    with open_folder(tmp_path / "out", "compare", {"seed": 1, "scenario baseline": "aa"}):
        pass  # the same inputs resume
    with pytest.raises(FolderError, match=r"holds results of other inputs \(scenario baseline: changed; seed 1 -> 2\); "
                                          r"resuming would mix them"):
        with open_folder(tmp_path / "out", "compare", {"seed": 2, "scenario baseline": "bb"}):
            pass
    with pytest.raises(FolderError, match="holds the results of lmsim compare, not forecast"):
        with open_folder(tmp_path / "out", "forecast", {"seed": 1}):
            pass
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("not lmsim's")
    with pytest.raises(FolderError, match=r"holds files lmsim did not write as a results folder \(thesis.docx\)"):
        with open_folder(tmp_path / "mine", "run", {}):
            pass


def test_a_job_without_resumable_work_replaces_other_inputs_whole(tmp_path):
    with open_folder(tmp_path, "run", {"seed": 5}, resumable=False) as folder:
        folder.write("monthly.csv", lambda p: p.write_text("seed 5"))
        folder.finish([tmp_path / "monthly.csv"])
    with open_folder(tmp_path, "run", {"seed": 6}, resumable=False) as folder:
        assert not (tmp_path / "monthly.csv").exists()  # seed 5's results went before seed 6 wrote
        assert json.loads((tmp_path / "manifest.json").read_text())["complete"] is False


def test_output_locations_are_checked_before_any_work(tmp_path):
    (tmp_path / "a-file").write_text("x")
    for where, message in ((tmp_path / "a-file", "exists and is not a folder"), (Path("/dev/null"), "exists and is not a folder"),
                           (Path("/proc/lmsim-results"), "cannot write there")):
        with pytest.raises(FolderError, match=message):
            with open_folder(where, "run", {}):
                pass
    with pytest.raises(FolderError, match=r"about 1,048,576 MB needed and 50 MB kept spare, [\d,]+ MB free"):
        with open_folder(tmp_path / "big", "run", {}, estimate_bytes=2**40):
            pass


def test_a_second_job_is_refused_and_a_killed_jobs_lock_is_taken_over(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from lmsim.results_folder import open_folder\n"
        f"with open_folder({str(tmp_path)!r}, 'run', {{}}):\n    print('in', flush=True); time.sleep(60)")],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "in"
    with pytest.raises(FolderError, match=rf"in use by another lmsim job \(lmsim run, process {holder.pid} on .*\)"):
        with open_folder(tmp_path, "run", {}):
            pass
    holder.kill()  # SIGKILL: no clean-up runs; the operating system drops its lock
    holder.wait()
    with open_folder(tmp_path, "run", {}):
        pass


def test_what_a_killed_job_left_half_written_is_cleared_by_the_next(tmp_path):
    with open_folder(tmp_path, "compare", {"seed": 1}):
        pass
    (tmp_path / "runs" / ".abc-1-paths.4242.tmp").mkdir(parents=True)  # a run a SIGKILL stopped mid-save
    (tmp_path / ".report.html.4242.tmp").write_text("<html><bo")
    with open_folder(tmp_path, "compare", {"seed": 1}):
        assert not list(tmp_path.rglob("*.tmp"))
        assert (tmp_path / "runs").is_dir()


def test_an_atomic_write_that_fails_leaves_no_file():
    target = Path("/tmp") / f"lmsim-atomic-{os.getpid()}.csv"

    def half_then_fail(path: Path) -> None:
        path.write_text("half a ta")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        atomic_write(target, half_then_fail)
    assert not target.exists() and not list(target.parent.glob(f".{target.name}.*"))


# --- the commands, as a user runs them -------------------------------------------------------


@pytest.fixture(scope="module")
def reference_compare(tmp_path_factory) -> dict[str, pd.DataFrame]:
    out = tmp_path_factory.mktemp("reference") / "compare"
    done = lmsim(*COMPARE, "--out", str(out))
    assert done.returncode == 0, done.stderr
    return tables(out)


@pytest.mark.slow
def test_compare_killed_at_three_random_points_resumes_to_the_same_tables(reference_compare, tmp_path):
    out = tmp_path / "compare"
    kill_three_times([*COMPARE, "--out", str(out)], random.Random(14), 2.0, 8.0)
    for run in (out / "runs").glob("[!.]*"):  # a run under its name is whole: a killed write left a .tmp at most
        assert {p.name for p in run.iterdir()} >= {"monthly.parquet", "flows.parquet", "paths.npz"}
    done = lmsim(*COMPARE, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert not list(out.rglob("*.tmp"))  # the next job cleared what the killed ones left
    assert tables(out).keys() == reference_compare.keys()
    for name, frame in tables(out).items():
        pd.testing.assert_frame_equal(frame, reference_compare[name], obj=name)
    assert json.loads((out / "manifest.json").read_text())["complete"] is True


@pytest.mark.slow
def test_a_planted_pickle_never_runs_and_the_folder_holds_none(reference_compare, tmp_path):
    out = tmp_path / "compare"
    assert lmsim(*COMPARE, "--out", str(out)).returncode == 0
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    for run in (out / "runs").iterdir():
        (run / "paths.npz").unlink(missing_ok=True)
        with open(run / "paths.npz", "wb") as fh:  # a pickle where the data should be
            pickle.dump(Payload(), fh)
        (out / "runs" / f"{run.name}.pkl").write_bytes(pickle.dumps(Payload()))
    done = lmsim(*COMPARE, "--out", str(out))
    assert not marker.exists()  # the planted code never ran
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().endswith("not a run lmsim wrote (ValueError); delete that folder and run the same command again")


@pytest.mark.slow
def test_compare_refuses_changed_inputs_and_a_forecasts_folder(reference_compare, tmp_path):
    out = tmp_path / "compare"
    assert lmsim(*COMPARE, "--out", str(out)).returncode == 0
    other = lmsim(*COMPARE, "--seed", "9", "--out", str(out))
    assert other.returncode == 2
    assert other.stderr.strip().splitlines() == [
        f"lmsim: --out {out}: holds results of other inputs (seed 1 -> 9); resuming would mix them: "
        "choose another folder, or delete this one to start afresh"]
    changed = lmsim(*COMPARE, "--set", "behaviour.quit_rate=0.01", "--out", str(out))
    assert changed.returncode == 2 and "scenario baseline: changed; scenario huyi-package: changed" in changed.stderr
    forecast = lmsim("forecast", "--runs", "2", "--fixed-parameters", *TINY, "--out", str(out))
    assert forecast.returncode == 2 and "holds the results of lmsim compare, not forecast" in forecast.stderr


def test_a_run_into_a_folder_another_run_holds_is_refused_at_once(tmp_path):
    with open_folder(tmp_path, "run", {}):
        started = time.monotonic()
        done = lmsim(*RUN, "--seed", "6", "--out", str(tmp_path))
    assert done.returncode == 2 and time.monotonic() - started < 30
    assert "in use by another lmsim job" in done.stderr and "Traceback" not in done.stderr


def test_a_run_stopped_by_a_full_disk_says_so_in_one_line_and_completes_after(tmp_path):
    def limited():  # the size-limited file: writes past 10 kB fail with EFBIG instead of a signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (10_000, 10_000))

    full = subprocess.run([sys.executable, "-m", "lmsim.cli", *RUN, "--out", str(tmp_path)], capture_output=True, text=True,
                          preexec_fn=limited)
    assert full.returncode == 1
    assert full.stderr.strip().splitlines()[-1].startswith("lmsim run: could not write ")
    assert "Traceback" not in full.stderr
    # never looks done: unclaimed when nothing was written, else claimed and marked incomplete
    manifest = tmp_path / "manifest.json"
    assert not manifest.exists() or json.loads(manifest.read_text())["complete"] is False
    assert not list(tmp_path.glob(".*.tmp")) and not (tmp_path / "targets.csv").exists()
    done = lmsim(*RUN, "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "manifest.json").read_text())["complete"] is True


def test_text_from_users_cannot_become_a_spreadsheet_formula(tmp_path):
    scenario = tmp_path / "labelled.toml"
    scenario.write_text(f'base = "{resolve_path("small")}"\n[targets.evil]\nindicator = "surveyed_unemployment_rate"\nop = "<="\n'
                        'value = 0.9\naggregate = "mean"\nstart = "2019-01"\nend = "2019-03"\nclause = "none"\n'
                        'label = "=HYPERLINK(\\"http://x\\",\\"y\\")"\n', encoding="utf-8")
    done = lmsim("run", str(scenario), "--set", "population.workers=2000", "--set", "population.firms=100",
                 "--set", "scenario.months=3", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    labels = pd.read_csv(tmp_path / "out" / "targets.csv")["label"]
    assert labels.tolist() == ["'=HYPERLINK(\"http://x\",\"y\")"]


def test_workers_with_a_scheduler_is_refused_and_an_unreachable_scheduler_is_one_line(tmp_path, monkeypatch):
    both = lmsim(*COMPARE, "--workers", "2", "--scheduler", "tcp://127.0.0.1:1", "--out", str(tmp_path / "a"))
    assert both.returncode == 2
    assert both.stderr.strip() == ("lmsim: --workers sets the local process pool; with --scheduler the cluster's workers "
                                   "run the jobs: give one of them")
    from lmsim import batch, cli

    monkeypatch.setattr(batch, "SCHEDULER_TIMEOUT", 1)
    assert cli.main([*COMPARE, "--scheduler", "tcp://127.0.0.1:1", "--out", str(tmp_path / "b")]) == 2


def test_ctrl_c_stops_with_one_line_and_the_same_command_resumes(reference_compare, tmp_path):
    command = [sys.executable, "-m", "lmsim.cli", *COMPARE, "--runs", "30", "--out", str(tmp_path)]
    # a job started in the background inherits an ignored SIGINT (as CI starts jobs): restore
    # the terminal's default, under which Python raises KeyboardInterrupt
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    runs = tmp_path / "runs"
    while proc.poll() is None and not (runs.exists() and any(p.name[0] != "." for p in runs.iterdir())):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == ("lmsim compare: interrupted; finished runs are kept in the results folder, "
                                            "and the same command resumes from them")
    kept = [p for p in runs.iterdir() if p.name[0] != "."]
    assert kept and json.loads((tmp_path / "manifest.json").read_text())["complete"] is False


def test_runs_are_kept_as_data_and_read_back_exactly(tmp_path):
    from lmsim.replications import load_run, run_output, save_run
    from lmsim.scenario import load_scenario
    from lmsim.simulation import Simulation

    scenario = load_scenario("small", ["population.workers=2000", "population.firms=100", "scenario.months=4"])
    output = run_output(Simulation(scenario, seed=3, record_paths=True).run(progress=False))
    save_run(tmp_path / "run", output)
    assert sorted(p.suffix for p in (tmp_path / "run").iterdir()) == [".npz", ".npz", *[".parquet"] * 7]
    back = load_run(tmp_path / "run")
    for name in ("monthly", "flows", "balances", "policies", "targets", "admissions", "firm_payments"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(output, name), obj=name)
    ids = np.arange(output.paths.size + 5)
    for t in range(4):
        for which in ("in_work", "unemployed"):
            assert np.array_equal(back.paths.flags(which, t, ids), output.paths.flags(which, t, ids))
        assert np.array_equal(back.firm_paths.staff_at(t, ids), output.firm_paths.staff_at(t, ids))
        assert np.array_equal(back.firm_paths.short_at(t, ids), output.firm_paths.short_at(t, ids))


CALIBRATE = ["calibrate", str(Path(__file__).parents[1] / "calibration" / "targets" / "recovery-small.toml"), "--scenario", "small",
             "--set", "population.workers=2000", "--set", "population.firms=100", "--set", "scenario.months=12", "--replications", "2",
             "--design-points", "4", "--max-evaluations", "6", "--profile-points", "0", "--workers", "1"]


@pytest.mark.slow
def test_calibrate_killed_at_three_random_points_resumes_to_the_same_estimates(tmp_path):
    reference = lmsim(*CALIBRATE, "--out", str(tmp_path / "reference"))
    assert reference.returncode == 0, reference.stderr
    out = tmp_path / "killed"
    kill_three_times([*CALIBRATE, "--out", str(out)], random.Random(141), 2.5, 7.0)
    done = lmsim(*CALIBRATE, "--out", str(out))
    assert done.returncode == 0, done.stderr
    for name in ("parameters.csv", "moments.csv", "calibrated.toml"):
        if name.endswith(".csv"):
            pd.testing.assert_frame_equal(pd.read_csv(out / name), pd.read_csv(tmp_path / "reference" / name), obj=name)
        else:  # the same estimates; the command line it names is the other folder's
            strip = lambda text: [line for line in text.splitlines() if "--out" not in line and "date" not in line]
            assert strip((out / name).read_text()) == strip((tmp_path / "reference" / name).read_text())


def test_calibrate_refuses_a_folder_fitted_to_another_scenario_setting(tmp_path):
    first = lmsim(*CALIBRATE, "--max-evaluations", "1", "--design-points", "2", "--out", str(tmp_path))
    assert first.returncode == 0, first.stderr
    other = lmsim(*CALIBRATE, "--set", "behaviour.quit_rate=0.05", "--out", str(tmp_path))
    assert other.returncode == 2
    assert "holds results of other inputs (scenario: changed); resuming would mix them" in other.stderr


def test_a_batch_on_an_edited_table_is_refused_not_resumed(tmp_path):
    from test_validation import good_tables, tables

    workers, firms = good_tables()
    tables(tmp_path, workers, firms)
    experiment = tmp_path / "sweep.toml"
    experiment.write_text('[experiment]\nname = "on tables"\nscenario = "s.toml"\nreplications = 2\n\n[[factors]]\n'
                          'path = "behaviour.quit_rate"\nvalues = [0.01, 0.02]\n\n[outputs.u]\n'
                          'indicator = "surveyed_unemployment_rate"\naggregate = "last"\n', encoding="utf-8")
    out = tmp_path / "out"
    first = lmsim("batch", str(experiment), "--workers", "1", "--out", str(out))
    assert first.returncode == 0, first.stderr
    workers.loc[0, "wage"] = 5100.0  # the same path, other contents
    workers.to_csv(tmp_path / "workers.csv", index=False)
    again = lmsim("batch", str(experiment), "--workers", "1", "--out", str(out))
    assert again.returncode == 2
    assert again.stderr.strip() == (f"lmsim: --out {out}: holds results of other inputs ("
                                    f"workers_table {tmp_path / 'workers.csv'}: changed); resuming would mix them: "
                                    "choose another folder, or delete this one to start afresh")


def test_sensitivity_tables_keep_an_output_named_like_a_formula_as_text(tmp_path):
    experiment = tmp_path / "sobol.toml"
    experiment.write_text('[experiment]\nname = "tiny sobol"\nscenario = "small"\n'
                          'set = ["population.workers=1000", "population.firms=50", "scenario.months=3"]\n'
                          'design = "sobol"\nsamples = 8\nseed = 3\n\n'
                          '[[factors]]\npath = "behaviour.quit_rate"\nrange = [0.005, 0.02]\n\n'
                          '[[factors]]\npath = "behaviour.matching_efficiency"\nrange = [0.3, 0.6]\n\n'
                          '[outputs."=evil"]\nindicator = "surveyed_unemployment_rate"\naggregate = "last"\n', encoding="utf-8")
    from lmsim import cli

    assert cli.main(["batch", str(experiment), "--workers", "1", "--out", str(tmp_path / "out")]) == 0
    assert cli.main(["sensitivity", str(tmp_path / "out")]) == 0
    folder = tmp_path / "out" / "sensitivity"
    assert sorted(p.name for p in folder.iterdir()) == ["_evil.csv", "_evil.png", "indices.csv", "warnings.txt"]
    assert set(pd.read_csv(folder / "indices.csv")["output"]) == {"'=evil"}
