"""Fitting a lever's behavioural parameters to its published evidence (``lmsim evidence LEVER
--fit PARAMS``): the simulated method of moments of :mod:`lmsim.calibration.smm` with **effect
moments**.

Each published estimate of the lever is a moment: its value is the published estimate (the
middle of its interval when it has none) and its standard error makes the interval, widened by
the estimate's tolerance, a 90 % range. A parameter vector is set on the lever's study (the
lever alone on its baseline, :func:`lmsim.calibration.evidence.study_scenarios`); each
replication runs the study and measures the estimates' statistics against the baseline run
with the same seed (common random numbers person by person), so the moments are the same
simulated evaluations ``lmsim evidence`` judges. The search, standard errors, identification
checks and profiles are smm's; the runs are cached in ``--out``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lmsim.replications import RunOutput, run_output
from lmsim.results_folder import atomic_write
from lmsim.scenario import Scenario, ScenarioError
from lmsim.simulation import Results, Simulation

from .calibrate import check_paths
from .evidence import EVIDENCE_FILE, STATISTICS, Case, Estimate, EvidenceFile, baseline_label, shocked_sectors, study_scenarios
from .smm import Estimate as Fit
from .smm import MomentModel, Simulator, estimate
from .spec import Z90, Moment, Param


def effect_moment(e: Estimate) -> Moment:
    """A published estimate as an SMM moment: value the estimate (or its interval's middle),
    se so that the interval widened by the tolerance is a 90 % range."""
    low, high = e.low - e.tolerance, e.high + e.tolerance
    if high <= low:
        raise ScenarioError([f"estimate {e.id}: an interval of zero width (low = high, no tolerance) cannot weigh a fit"])
    value = e.estimate if e.estimate is not None else (e.low + e.high) / 2
    # evidence statistics are not calibration.moments statistics, so the moment skips that check
    return Moment.model_construct(name=e.id, statistic=e.statistic, value=value, se=(high - low) / 2 / Z90, range=None,
                                  start=None, end=None, source=e.source, kind="derived", targeted=True)


class EffectModel(MomentModel):
    """Calibration's plan (:class:`lmsim.batch.RunPlan`): parameter values {path: value} set on
    the lever's study scenario (as :class:`MomentModel` sets them on its base); a run's moments
    are the estimates' statistics, the study run against the baseline run with the same seed
    (run once per seed and kept)."""

    def __init__(self, study: Scenario, baseline: Scenario, estimates: list[Estimate], path: str):
        super().__init__(study.model_dump(mode="json"), [effect_moment(e) for e in estimates], path)
        self.baseline, self.estimates = baseline, estimates
        self._shocked = shocked_sectors(study)
        self._baselines: dict[int, RunOutput] = {}

    def baseline_run(self, seed: int) -> RunOutput:
        if seed not in self._baselines:
            self._baselines[seed] = run_output(Simulation(self.baseline, seed, record_paths=True).run(progress=False))
        return self._baselines[seed]

    def outputs(self, result: Results) -> dict[str, float]:
        base, study = self.baseline_run(result.seed), run_output(result)
        return {e.id: STATISTICS[e.statistic](Case(base, study, e.lever, e.horizon_months, e.year, self._shocked)) for e in self.estimates}


def fit(evidence: EvidenceFile, lever: str, params: list[Param], out: str | Path, replications: int = 2, seed: int = 1,
        workers: int = 1, design_points: int = 12, max_evaluations: int = 60, profile_points: int = 5,
        path: str | Path = EVIDENCE_FILE, study: str | None = None) -> Fit:
    """Fit ``params`` (paths in the lever's study scenario, e.g. ``policies.ui_refund.take_up``)
    to the lever's estimates of one study: ``study``, or the only one they come from."""
    estimates = [e for e in evidence.estimates if e.lever == lever]
    studies = sorted({e.study for e in estimates})
    if study is not None and study not in studies:
        raise ScenarioError([f"--study {study}: {lever} has no estimates from it; they come from {studies or 'none'}"])
    if study is None and len(studies) != 1:
        raise ScenarioError([f"{path}: fitting {lever} needs the study whose estimates to fit (--study); they come from {studies or 'none'}"])
    studies = [study] if study is not None else studies
    estimates = [e for e in estimates if e.study == studies[0]]
    study = evidence.studies[studies[0]]
    scenarios = study_scenarios(evidence, [lever], path)
    model = EffectModel(scenarios[f"study:{studies[0]}"], scenarios[baseline_label(study)], estimates, f"{path}: studies.{studies[0]}")
    check_paths(model.base, params, f"{path}: studies.{studies[0]}")
    sim = Simulator(model, params, replications, seed, Path(out), workers, record_paths=True)
    return estimate(sim, model.moments, design_points, seed=seed, profile_points=profile_points, max_evaluations=max_evaluations)


def write_fit(result: Fit, folder: str | Path) -> list[Path]:
    """parameters.csv, moments.csv and profiles.csv of a fit."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = {"parameters": result.parameter_table(), "moments": result.moment_table(), "profiles": result.profiles}
    written = []
    for name, table in tables.items():
        written.append(atomic_write(folder / f"{name}.csv", lambda p, t=table: t.to_csv(p, index=False)))
    return written


def summary(result: Fit) -> str:
    """The estimates with their 90 % intervals and the moments beside their targets."""
    params = result.parameter_table()
    moments = result.moment_table()
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        return "\n".join([params[["parameter", "estimate", "low_90", "high_90", "identified"]].to_string(index=False),
                          moments[["moment", "observed", "se", "simulated", "t"]].to_string(index=False), result.j_summary])
