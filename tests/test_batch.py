"""Batch experiments (issue 4): same results whatever the workers, resume after SIGKILL, a Dask
worker killed mid-sweep, failed runs recorded, Sobol indices checked against Ishigami, bad
experiment files refused before any run."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lmsim.batch import read_results, run_batch
from lmsim.experiment import Experiment, ExperimentFile
from lmsim.scenario import ScenarioError
from lmsim.sensitivity import ISHIGAMI_S1, ISHIGAMI_ST, analyse, ishigami

from batch_models import DiesOnce, RaisesAboveCap

HERE = Path(__file__).parent
THREE_LEVERS = HERE / "experiments" / "three-levers.toml"


@pytest.fixture(scope="module")
def three_levers() -> Experiment:
    return Experiment.from_file(THREE_LEVERS)


@pytest.fixture(scope="module")
def reference(three_levers, tmp_path_factory) -> pd.DataFrame:
    """The 200-run experiment with one worker, uninterrupted."""
    store = run_batch(three_levers, tmp_path_factory.mktemp("one-worker"), workers=1, progress=False)
    return store.frame()


@pytest.mark.long  # about 17 s
def test_two_workers_give_the_one_worker_dataset_row_for_row(three_levers, reference, tmp_path):
    assert len(reference) == 200 and (reference["status"] == "ok").all()
    assert reference["startups"].nunique() > 5 and reference["subsidies[2019]"].max() > 0  # the levers act
    two = run_batch(three_levers, tmp_path, workers=2, progress=False)
    assert two.frame().equals(reference)
    files = sorted(p.name for p in (tmp_path / "results").glob("*.parquet"))
    assert files == ["block-00000.parquet", "block-00001.parquet", "block-00002.parquet", "block-00003.parquet"]
    assert two.dataset().count_rows() == 200


def test_sigkill_at_three_random_points_then_resume_runs_only_the_rest(reference, tmp_path):
    command = [sys.executable, "-m", "lmsim.cli", "batch", str(THREE_LEVERS), "--workers", "2", "--out", str(tmp_path)]
    manifest = tmp_path / "attempts.jsonl"
    for point in sorted(random.Random(14).sample(range(20, 180), 3)):  # killed after this many runs
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and _lines(manifest) < point:
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    finished_before = len(read_results(tmp_path))
    assert 20 <= finished_before < 200, "the kills must land before the end"
    lines_before = _lines(manifest)

    subprocess.run(command, check=True, capture_output=True)
    assert _lines(manifest) - lines_before == 200 - finished_before  # only the missing runs ran
    assert read_results(tmp_path).equals(reference)
    assert not list((tmp_path / "results" / "_pending").iterdir())  # every block compacted


@pytest.mark.long  # about 30 s of a local Dask cluster
def test_dask_worker_killed_mid_sweep_loses_and_repeats_nothing(three_levers, reference, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            pids = list(client.run(os.getpid).values())
        done = {}
        thread = threading.Thread(target=lambda: done.update(
            store=run_batch(three_levers, tmp_path, scheduler=cluster.scheduler_address, progress=False)))
        thread.start()
        manifest = tmp_path / "attempts.jsonl"
        while _lines(manifest) < 60 and thread.is_alive():
            time.sleep(0.05)
        os.kill(pids[0], signal.SIGKILL)
        thread.join(timeout=300)
    frame = done["store"].frame()
    assert frame["run"].tolist() == list(range(200))  # every run once
    attempts = [json.loads(line)["run"] for line in manifest.read_text().splitlines()]
    assert sorted(attempts) == list(range(200))  # none recorded twice
    assert frame.equals(reference)


def test_a_run_that_raises_is_recorded_and_the_sweep_goes_on(three_levers, reference, tmp_path):
    limit = 250_000.0
    store = run_batch(three_levers, tmp_path, workers=2, model=RaisesAboveCap(three_levers, limit), progress=False)
    frame = store.frame()
    cap = frame["policies.guaranteed_loans.individual_cap"]
    failed = frame[frame["status"] == "failed"]
    assert len(frame) == 200 and len(failed) == (cap > limit).sum() > 0
    assert failed["error"].str.startswith("ValueError: cap ").all()
    assert failed["startups"].isna().all()
    ok = frame["status"] == "ok"
    assert frame[ok].equals(reference[ok])  # the other runs are untouched
    manifest = [json.loads(line) for line in (tmp_path / "attempts.jsonl").read_text().splitlines()]
    assert sum(m["status"] == "failed" for m in manifest) == len(failed)


def test_a_dead_worker_has_its_run_retried(tmp_path):
    spec = ExperimentFile.model_validate({
        "experiment": {"name": "dies", "scenario": "-", "design": "grid", "seed": 1},
        "factors": [{"path": "x", "values": list(range(12))}],
        "outputs": {"y": {"indicator": "hires"}},
    })
    experiment = Experiment(spec, base={}, check_points=False)
    victim = experiment.runs().iloc[5]
    store = run_batch(experiment, tmp_path / "out", workers=2, model=DiesOnce(tmp_path / "died", int(victim["seed"])), progress=False)
    frame = store.frame()
    assert (frame["status"] == "ok").all() and frame["y"].tolist() == [2.0 * x for x in range(12)]
    attempts = {json.loads(line)["run"]: json.loads(line)["attempt"] for line in (tmp_path / "out" / "attempts.jsonl").read_text().splitlines()}
    assert attempts[5] == 2


@pytest.mark.long  # 30 s of SALib's reference function through the batch layer
def test_sobol_indices_of_ishigami_match_the_analytic_values(tmp_path):
    spec = ExperimentFile.model_validate({
        "experiment": {"name": "ishigami", "scenario": "-", "design": "sobol", "samples": 512, "seed": 1},
        "factors": [{"path": f"x{i}", "range": [-np.pi, np.pi]} for i in (1, 2, 3)],
        "outputs": {"y": {"indicator": "hires"}},
    })
    experiment = Experiment(spec, base={}, check_points=False)
    store = run_batch(experiment, tmp_path, workers=2, model=ishigami, progress=False)
    indices = analyse(spec, store.frame(), seed=1).indices
    for row in indices.itertuples():
        truth = (ISHIGAMI_S1 if row.index == "S1" else ISHIGAMI_ST)[row.factor]
        assert row.low <= truth <= row.high, f"{row.index}({row.factor}) = {row.value:.3f} [{row.low:.3f}, {row.high:.3f}] misses {truth}"


@pytest.mark.long  # about 10 s
def test_loan_cap_matters_for_startups_and_an_irrelevant_factor_does_not(tmp_path):
    experiment = Experiment.from_file(HERE / "experiments" / "loan-cap-sobol.toml")
    store = run_batch(experiment, tmp_path, workers=2, progress=False)
    analysis = analyse(experiment.spec, store.frame())
    total = analysis.indices.query("index == 'ST'").set_index("factor")
    cap, irrelevant = total.loc["policies.guaranteed_loans.individual_cap"], total.loc["policies.guaranteed_loans.reward_share"]
    assert cap["low"] > irrelevant["high"]  # the cap's interval lies wholly above the other's
    assert irrelevant["value"] == 0.0  # common random numbers: no effect means exactly none
    assert any("base samples" in w for w in analysis.warnings)  # 32 base samples is small, and it says so


def test_resuming_into_another_experiments_folder_is_refused(three_levers, tmp_path):
    (tmp_path / "experiment.json").write_text(json.dumps({"fingerprint": "0000", "name": "other", "chunk": 50}))
    with pytest.raises(ScenarioError, match="holds results of another experiment"):
        run_batch(three_levers, tmp_path, workers=1, progress=False)


@pytest.mark.parametrize("change, expected", [
    ({"experiment": {"design": "cubic"}}, "field 'experiment.design'"),
    ({"experiment": {"samples": 0}}, "design latin needs samples >= 1"),
    ({"factors": [{"path": "behaviour.quit_rate", "range": [0.02, 0.01]}]}, "range low 0.02 must be below high 0.01"),
    ({"factors": [{"path": "behaviour.quit_rte", "range": [0.0, 0.1]}]}, "field 'behaviour.quit_rte': unknown field"),
    ({"factors": [{"path": "behaviour.quit_rate", "range": [0.5, 1.5]}]}, "field 'behaviour.quit_rate'"),
    ({"outputs": {"x": {"indicator": "jobs"}}}, "unknown indicator 'jobs'"),
    ({"outputs": {"x": {"outlay": "rainy_day_fund/x"}}}, "FUND one of pension_fund"),
    ({"extra": 1}, "field 'extra': unknown field; allowed here: experiment, factors, outputs"),
])
def test_bad_experiment_files_fail_before_any_run(change, expected, tmp_path):
    data = {
        "experiment": {"name": "bad", "scenario": "small", "design": "latin", "samples": 4},
        "factors": [{"path": "behaviour.quit_rate", "range": [0.0, 0.02]}],
        "outputs": {"u": {"indicator": "surveyed_unemployment_rate", "aggregate": "last"}},
    }
    for key, value in change.items():
        data[key] = {**data[key], **value} if isinstance(value, dict) and key == "experiment" else value
    path = tmp_path / "bad.toml"
    path.write_text(_toml(data))
    with pytest.raises(ScenarioError) as err:
        Experiment.from_file(path)
    assert str(path) in str(err.value) and expected in str(err.value)


def _lines(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def _toml(data: dict) -> str:
    """Just enough TOML for these tests: tables, arrays of tables, scalars and lists."""
    lines = []
    for key, value in data.items():
        if isinstance(value, list):
            for item in value:
                lines.append(f"[[{key}]]")
                lines.extend(f"{k} = {json.dumps(v)}" for k, v in item.items())
        elif isinstance(value, dict) and all(isinstance(v, dict) for v in value.values()) and key == "outputs":
            for name, table in value.items():
                lines.append(f"[{key}.{name}]")
                lines.extend(f"{k} = {json.dumps(v)}" for k, v in table.items())
        elif isinstance(value, dict):
            lines.append(f"[{key}]")
            lines.extend(f"{k} = {json.dumps(v)}" for k, v in value.items())
        else:
            lines.insert(0, f"{key} = {json.dumps(value)}")
    return "\n".join(lines) + "\n"
