"""The compare and forecast reports: HTML (charts as SVG), PNG charts, CSV tables and one
Excel workbook, written to one folder, naming what it takes to reproduce them; the
calibration report's page; and the evidence report (``lmsim evidence``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lmsim import __version__
from lmsim.calibration.smm import __doc__ as CALIBRATION_METHOD
from lmsim.compare import Comparison
from lmsim.compare import __doc__ as COMPARE_METHOD
from lmsim.forecast import Forecast
from lmsim.forecast import __doc__ as FORECAST_METHOD
from lmsim.outputs import formula_safe
from lmsim.replications import scenario_hash
from lmsim.results_folder import atomic_write, file_digest
from lmsim.scenario import Scenario

from . import charts, html
from .headline import HEADLINE_CSS, headline_html
from .labels import label
from .tables import write_csv, write_excel

if TYPE_CHECKING:
    from lmsim.calibration.smm import Estimate


@dataclass
class Provenance:
    """What anyone needs to reproduce a report."""

    command: str
    scenarios: dict[str, Scenario]
    runs: int
    seed: int

    def rows(self) -> list[tuple[str, str]]:
        rows = [("command", self.command), ("lmsim", __version__), ("seed", str(self.seed)), ("runs", str(self.runs))]
        for name, scenario in self.scenarios.items():
            rows.append((f"scenario {name}", f"{scenario.path}  file sha256 {file_hash(scenario.path)}  resolved {scenario_hash(scenario)}"))
        return rows


def file_hash(path: str) -> str:
    try:
        return file_digest(path)
    except OSError:
        return "(not a file)"


def _render_all(named: list[tuple[str, charts.Chart]], folder: Path, lang: str) -> list[str]:
    png_lang = charts.png_language(lang)
    svgs = []
    for name, chart in named:
        svg, png = charts.render(chart, lang, png_lang)
        atomic_write(folder / f"{name}.png", lambda p, b=png: p.write_bytes(b))
        svgs.append(svg)
    return svgs


def write_compare(c: Comparison, provenance: Provenance, out: str | Path, lang: str = "zh") -> list[Path]:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    names = {c.baseline: label("baseline", lang), **{s: provenance.scenarios[s].scenario.name for s in c.scenarios}}
    t = c.tables
    named: list[tuple[str, charts.Chart]] = []
    for indicator in ("surveyed_unemployment_rate", "new_urban_jobs_cumulative"):
        named.append((f"paths_{indicator}", charts.paths_chart(t["paths"], indicator, _target(provenance, c, indicator), names)))
    for s in c.scenarios:
        named.append((f"outlays_{_safe(s)}", charts.stacked_outlays(t["monthly_outlays"], s)))
        named.append((f"levers_{_safe(s)}", charts.lever_bars(t.get("attribution", pd.DataFrame()), t["deadweight"], s)))
        if len(t["targets"]):
            named.append((f"targets_{_safe(s)}", charts.attainment_bars(t["targets"], s, names)))
    svgs = _render_all(named, folder, lang)
    exported = {k: v for k, v in t.items()}
    # the panel names the baseline scenario itself; the charts' legends call it "baseline"
    panel_names = {**names, c.baseline: provenance.scenarios[c.baseline].scenario.name} if c.baseline in provenance.scenarios else names
    panel = headline_html(c, panel_names, lang, provenance.scenarios)
    sections = [
        (label("reproduce", lang), html.reproduce(provenance.rows())),
        ("", html.charts(svgs)),
        (label("net_effects", lang), html.table("net_effects", t["net_effects"], lang)),
        (label("targets_table", lang), html.table("targets", t["targets"], lang)),
        (label("cost_table", lang), html.table("cost_per_job", t["cost_per_job"], lang)),
        (label("deadweight_table", lang), html.table("deadweight", t["deadweight"], lang) + html.table("displacement", t["displacement"], lang)),
        (label("outlays", lang), html.table("outlays", t["outlays"], lang)),
    ]
    if "attribution" in t:
        sections.append((label("attribution", lang), html.table("attribution", t["attribution"], lang)))
    if "parameter_uncertainty" in t:
        sections.append((label("parameter_uncertainty", lang), html.table("parameter_uncertainty", t["parameter_uncertainty"], lang)
                         + html.table("parameters_drawn", t["parameters_drawn"], lang)))
    sections.append((label("method", lang), html.paragraphs(COMPARE_METHOD or "")))
    page = html.page(f"{label('compare_title', lang)}: {' / '.join(names[s] for s in c.scenarios)}", lang, sections,
                     lead=panel, style=HEADLINE_CSS)
    report = atomic_write(folder / "report.html", lambda p: p.write_text(page, encoding="utf-8"))
    csvs = write_csv(exported, folder)
    book = write_excel(exported, folder / "tables.xlsx")
    return [report, book, *csvs, *sorted(folder.glob("*.png"))]


def write_forecast(f: Forecast, provenance: Provenance, out: str | Path, lang: str = "zh") -> list[Path]:
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    t = f.tables
    scenario = provenance.scenarios[f.scenario]
    monthly = t["monthly_outlays"]
    lines = monthly[(monthly["line"] != "*")].rename(columns={"mean": "outflow"})
    named: list[tuple[str, charts.Chart]] = [("outlays", charts.stacked_outlays(lines, f.scenario))]
    for fund in sorted(t["balances"]["fund"].unique()):
        if fund in ("pension_fund", "medical_fund"):
            continue  # their flows here are contributions only: the report is about employment funds
        named.append((f"balance_{fund}", charts.balance_fan(t["balances"], fund, scenario.funds.reserves.get(fund))))
    svgs = _render_all(named, folder, lang)
    sections = [
        (label("headline", lang), html.bullets(forecast_headline(f, lang))),
        (label("reproduce", lang), html.reproduce(provenance.rows())),
        ("", html.charts(svgs)),
        (label("depletion", lang), html.table("depletion", t["depletion"], lang)),
        (label("annual_outlays", lang), html.table("annual_outlays", t["annual_outlays"], lang)),
        (label("monthly_outlays", lang), html.table("monthly_outlays", monthly[monthly["line"] == "*"], lang)),
    ]
    if "parameter_uncertainty" in t:
        sections.append((label("parameter_uncertainty", lang), html.table("parameter_uncertainty", t["parameter_uncertainty"], lang)
                         + html.table("parameters_drawn", t["parameters_drawn"], lang)))
    sections.append((label("method", lang), html.paragraphs(FORECAST_METHOD or "")))
    page = html.page(f"{label('forecast_title', lang)}: {scenario.scenario.name}", lang, sections)
    report = atomic_write(folder / "report.html", lambda p: p.write_text(page, encoding="utf-8"))
    csvs = write_csv(dict(t), folder)
    book = write_excel(dict(t), folder / "tables.xlsx")
    return [report, book, *csvs, *sorted(folder.glob("*.png"))]


def headline(c: Comparison, names: dict[str, str], lang: str) -> list[str]:
    """One line per scenario and figure a reader wants first."""
    lines = []
    t = c.tables
    for s in c.scenarios:
        net = t["net_effects"].query("scenario == @s and period == 'horizon'").set_index("indicator")
        cost = t["cost_per_job"].query("scenario == @s").iloc[0]
        jobs, u = net.loc["new_urban_jobs"], net.loc["surveyed_unemployment_rate"]
        lines.append(f"{names[s]}: {label('new_urban_jobs', lang)} {jobs['net']:+,.0f} [{jobs['net_low']:+,.0f}, {jobs['net_high']:+,.0f}]; "
                     f"{label('surveyed_unemployment_rate', lang)} {100 * u['net']:+.2f} pp [{100 * u['net_low']:+.2f}, {100 * u['net_high']:+.2f}]")
        # work outside programme posts and the posts themselves: two lines, never added together
        for indicator in ("regular_employment", "programme_posts"):
            r = net.loc[indicator]
            lines.append(f"{names[s]}: {label(indicator, lang)} {r['net']:+,.0f} [{r['net_low']:+,.0f}, {r['net_high']:+,.0f}]")
        if "transferred_employment" in net.index and (net.loc["transferred_employment", ["net", "net_low", "net_high"]] != 0).any():
            r = net.loc["transferred_employment"]
            lines.append(f"{names[s]}: {label('transferred_employment', lang)} {r['net']:+,.0f} [{r['net_low']:+,.0f}, {r['net_high']:+,.0f}]")
        if np.isnan(cost["cost_per_job_of_means"]):  # no net regular jobs on average: a cost per job means nothing
            per_job = f"{label('cost_per_job', lang)}: {label('no_net_jobs', lang)}"
        else:
            per_job = (f"{label('cost_per_job', lang)} {cost['cost_per_job_of_means']:,.0f} {label('yuan', lang)} "
                       f"({label('ratio_of_means', lang)}; {label('per_replication', lang)} {cost['cost_per_job']:,.0f} "
                       f"[{cost['cost_per_job_low']:,.0f}, {cost['cost_per_job_high']:,.0f}], "
                       f"{cost['replications_without_net_regular_jobs']} {label('without_net_jobs', lang)})")
        lines.append(f"{names[s]}: {label('outlay_change', lang)} {cost['net_outlays']:+,.0f} {label('yuan', lang)} "
                     f"[{cost['net_outlays_low']:+,.0f}, {cost['net_outlays_high']:+,.0f}]; {per_job}")
        for r in t["targets"].query("scenario == @s").itertuples():
            lines.append(f"{names[s]}: {r.target} {r.period} ({r.label or r.op + ' ' + str(r.value)}): "
                         f"P(met) {100 * r.p_met_scenario:.0f}% ({label('baseline', lang)} {100 * r.p_met_baseline:.0f}%)")
        if "parameter_uncertainty" in t:
            u = t["parameter_uncertainty"].query("scenario == @s and measure == 'net'").set_index("indicator").loc["new_urban_jobs"]
            lines.append(f"{names[s]}: {label('new_urban_jobs', lang)}, {label('parameters_fixed', lang)}: {u['value_fixed']:+,.0f} "
                         f"[{u['low_fixed']:+,.0f}, {u['high_fixed']:+,.0f}]; {100 * u['share_from_parameters']:.0f}% "
                         f"{label('from_parameters', lang)}")
            v = t["parameter_uncertainty"].query("scenario == @s and measure == 'level'").set_index("indicator").loc["new_urban_jobs"]
            lines.append(f"{names[s]}: {label('new_urban_jobs', lang)} ({label('level', lang)}) {v['value']:,.0f} [{v['low']:,.0f}, "
                         f"{v['high']:,.0f}], {label('parameters_fixed', lang)} [{v['low_fixed']:,.0f}, {v['high_fixed']:,.0f}]; "
                         f"{100 * v['share_from_parameters']:.0f}% {label('from_parameters', lang)}")
        d = t["deadweight"].query("scenario == @s").dropna(subset=["deadweight_share"])
        if len(d):
            measured = d["admitted"] - d["beyond_horizon"]
            total = (d["deadweight_share"] * measured).sum() / measured.sum()
            lines.append(f"{names[s]}: {label('deadweight', lang)} {100 * total:.0f}%")
    return lines


def forecast_headline(f: Forecast, lang: str) -> list[str]:
    lines = []
    annual = f.tables["annual_outlays"]
    for r in annual[annual["line"] == "*"].itertuples():
        lines.append(f"{label(r.fund, lang)} {r.year}: {r.mean:,.0f} {label('yuan', lang)} (90%: {r.p05:,.0f} – {r.p95:,.0f})")
    if "parameter_uncertainty" in f.tables:
        for r in f.tables["parameter_uncertainty"].itertuples():
            lines.append(f"{label(r.fund, lang)} {r.year}, {label('parameters_fixed', lang)}: (90%: {r.low_fixed:,.0f} – "
                         f"{r.high_fixed:,.0f}); {100 * r.share_from_parameters:.0f}% {label('from_parameters', lang)}")
    for r in f.tables["depletion"].itertuples():
        if r.probability > 0:
            lines.append(f"{label(r.fund, lang)} < {r.threshold} ({r.level:,.0f}): {label('probability', lang)} {100 * r.probability:.0f}%, "
                         f"{r.median_month} (earliest {r.earliest_month})")
    return lines


def calibration_html(result: Estimate, tables: dict[str, pd.DataFrame]) -> str:
    """The calibration report: fit and identification, the loss profiles, every table, the method."""
    summary = [f"{result.j_summary}; {len(result.moments)} moments, {int(result.identified.sum())} identified parameters",
               f"Jacobian rank {result.rank} of {len(result.params)}, condition number {result.condition:.3g}",
               *[f"{p.path}: NOT IDENTIFIED (no targeted moment moves with it)" for p, ok in zip(result.params, result.identified) if not ok],
               *[f"{p.path}: AT ITS BOUND {v:.4g} (a corner solution: no standard error; the others' are computed with it held there)"
                 for p, v, ok, inside in zip(result.params, result.theta, result.identified, result.interior) if ok and not inside]]
    sections = [("Summary", html.bullets(summary)), ("Profiles", html.charts([charts.profile_svg(result.profiles)]))]
    sections += [(name, html.table(name, table, "en")) for name, table in tables.items() if name != "profiles"]
    sections.append(("Method", html.paragraphs(CALIBRATION_METHOD or "")))
    return html.page("Calibration report", "en", sections)


#: the evidence table's columns the page shows (the CSV has them all)
EVIDENCE_SHOWN = ["lever", "id", "statistic", "horizon_months", "year", "unit", "published", "published_low", "published_high",
                  "tolerance", "transfer", "simulated", "simulated_low", "simulated_high", "replications", "agree"]


def write_evidence(table: pd.DataFrame, command: str, runs: int, seed: int, out: str | Path) -> list[Path]:
    """``evidence.csv`` (every column) and ``evidence.html``: the estimates beside their
    simulated values, then each estimate's source, design and note, then the method."""
    from lmsim.calibration.evidence import __doc__ as EVIDENCE_METHOD

    agree = int(table["agree"].sum())
    summary = [f"{agree} of {len(table)} estimates agree with their simulated evaluation ({runs} replications, seed {seed})",
               *[f"{r.lever} {r.id}: DISAGREES (simulated {r.simulated:.3g} [{r.simulated_low:.3g}, {r.simulated_high:.3g}], "
                 f"published {r.published_low:.3g} to {r.published_high:.3g} ± {r.tolerance:.3g} {r.unit})"
                 for r in table.itertuples() if not r.agree]]
    sources = [f"{r.id}: {r.source}. Design: {r.design}. {r.note}" for r in table.itertuples()]
    return _write_table_page(Path(out), "evidence", "Lever effects against published evidence", table, EVIDENCE_SHOWN,
                             summary, sources, EVIDENCE_METHOD, [("command", command), ("seed", str(seed)), ("runs", str(runs))])


#: the validation table's columns the page shows (the CSV adds the sources)
VALIDATION_SHOWN = ["region", "figure", "statistic", "start", "end", "kind", "targeted", "published", "published_low",
                    "published_high", "simulated", "simulated_low", "simulated_high", "inside", "held_out", "held_out_low",
                    "held_out_high", "held_out_inside"]


def validation_summary(region: str, t: pd.DataFrame) -> str:
    """'huyi: 8 of 10 figures inside ... (5 of 6 fitting targets; held out, 3 of 6 predicted inside)'."""
    held = t["held_out_inside"].dropna() if "held_out_inside" in t else pd.Series(dtype=bool)
    held_text = f"; held out, {int(held.astype(bool).sum())} of {len(held)} predicted inside" if len(held) else ""
    return (f"{region}: {int(t['inside'].sum())} of {len(t)} figures inside their published range "
            f"({int(t.loc[t['targeted'], 'inside'].sum())} of {int(t['targeted'].sum())} fitting targets{held_text})")


def write_validation(table: pd.DataFrame, command: str, runs: int, seed: int, out: str | Path) -> list[Path]:
    """``validation.csv`` (every column) and ``validation.html``: per region, the published
    figures beside the simulated ones, then their sources and the method."""
    from lmsim.calibration.validate import __doc__ as VALIDATION_METHOD

    summary = [validation_summary(region, t) for region, t in table.groupby("region", sort=False)]
    sources = [f"{r.region} {r.figure}: {r.source}" for r in table.itertuples()]
    return _write_table_page(Path(out), "validation", "The regions' baselines against their published figures", table,
                             VALIDATION_SHOWN, summary, sources, VALIDATION_METHOD,
                             [("command", command), ("seed", str(seed)), ("runs", str(runs))])


def _write_table_page(folder: Path, stem: str, title: str, table: pd.DataFrame, shown: list[str], summary: list[str],
                      sources: list[str], method: str | None, reproduce: list[tuple[str, str]]) -> list[Path]:
    """``STEM.csv`` (every column) and ``STEM.html``: a summary, the table's shown columns, the
    sources, the method and how to reproduce it."""
    folder.mkdir(parents=True, exist_ok=True)
    csv = atomic_write(folder / f"{stem}.csv", lambda p: formula_safe(table).to_csv(p, index=False))
    sections = [("Summary", html.bullets(summary)), ("Table", html.table(stem, table[shown], "en")),
                ("Sources", html.bullets(sources)), ("Method", html.paragraphs(method or "")),
                ("Reproduce", html.reproduce([reproduce[0], ("lmsim", __version__), *reproduce[1:]]))]
    page = atomic_write(folder / f"{stem}.html", lambda p: p.write_text(html.page(title, "en", sections), encoding="utf-8"))
    return [csv, page]


def _target(provenance: Provenance, c: Comparison, indicator: str) -> float | None:
    for s in c.scenarios:
        for target in provenance.scenarios[s].targets.values():
            cumulative = indicator == "new_urban_jobs_cumulative" and target.indicator == "new_urban_jobs" and target.aggregate == "sum"
            if target.indicator == indicator or cumulative:
                return target.value
    return None


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)
