"""The dashboard's page (Shiny for Python, Core API): a package form built from the levers'
metadata, a background compare with progress and cancel, the answer first (the headline panel
``lmsim compare``'s report leads with), packages side by side, downloads that take it away, and
a design tab that searches, from the package the form holds, for the least costly package
meeting its targets (``lmsim design``'s search).

The page keeps what a session ran in memory (packages by the name the user gives them); runs
live in the app's cache folder (:mod:`lmsim.app.jobs`). A language switch changes the words in
place: it never draws the form again, so nothing typed into it is lost.
"""

from __future__ import annotations

import base64
import io
from html import escape as html_escape
import shlex
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shiny import App, reactive, render, ui

from ..calendar import format_month, parse_month
from ..budget import budget
from ..compare import BASELINE, Comparison, Plan, side_by_side
from ..forecast import Forecast, forecast
from ..policies import REGISTRY
from ..reports import charts, html
from ..reports.budget import write_budget
from ..reports.headline import HEADLINE_CSS, headline_html
from ..reports.labels import label, lever_label
from ..reports.report import Provenance, write_compare
from ..reports.tables import write_excel
from ..scenario import Scenario, ScenarioError, load_scenario
from . import form
from .jobs import DesignJob, Job

#: the page's own words: key -> (Chinese, English)
WORDS: dict[str, tuple[str, str]] = {
    "title": ("就业政策方案模拟", "Employment policy package simulator"),
    "region": ("地区(基准情景)", "region (baseline)"),
    "start": ("起点", "start from"),
    "start_package": ("本地文件的政策包", "the region's document package"),
    "start_none": ("无措施", "no measures"),
    "start_upload": ("上传的情景文件", "an uploaded scenario file"),
    "name": ("方案名称", "package name"),
    "runs": ("模拟次数", "replications"),
    "seed": ("随机种子", "seed"),
    "fixed": ("另算参数固定时的区间(运行次数加倍)", "also the band with the parameters fixed (twice the runs)"),
    "attribution": ("分项政策贡献(逐项剔除, 每项措施多一组模拟)", "attribution by lever (the package without each lever: one more scenario per lever)"),
    "balances": ("基金余额", "fund balances"),
    "run": ("运行", "Run"),
    "cancel": ("取消", "Cancel"),
    "package_tab": ("政策措施", "Measures"),
    "answer_tab": ("结果", "Answer"),
    "problems": ("方案有误, 不能运行:", "The package has problems and cannot run:"),
    "valid": ("方案有效。", "The package is valid."),
    "runs_done": ("次模拟完成", "runs done"),
    "left": ("剩余约", "about"),
    "seconds": ("秒", "s left"),
    "cancelled": ("已取消; 已完成的模拟保留在缓存中。", "Cancelled; the runs finished are kept in the cache."),
    "failed": ("运行失败", "The run failed"),
    "nothing": ("尚无结果: 在“政策措施”中设定方案后点击运行。", "No answer yet: set up a package under Measures and press Run."),
    "kept": ("已运行的方案(选择两个以上并排比较)", "packages run (choose two or more to compare side by side)"),
    "paths": ("指标路径", "paths"),
    "outlays": ("支出", "outlays"),
    "deadweight": ("无谓损失与挤出", "deadweight and displacement"),
    "targets": ("目标", "targets"),
    "uncertainty": ("参数不确定性", "parameter uncertainty"),
    "take_away": ("下载", "take it away"),
    "toml": ("方案 TOML", "package TOML"),
    "xlsx": ("Excel 工作簿", "Excel workbook"),
    "report": ("报告(HTML, CSV, PNG)", "report (HTML, CSV, PNG)"),
    "budget": ("预算申报表(Excel)", "budget request (Excel)"),
    "command": ("复现命令", "command that reproduces these figures"),
    "design_tab": ("方案设计", "Design"),
    "design_candidates": ("个候选方案已评估", "candidates evaluated"),
    "design_none": ("尚无设计结果: 选择可变参数或可取消的措施后点击搜索。", "No design yet: choose what may vary and press Search."),
    "design_choose": ("请至少选择一个可变参数或可取消的措施。", "Choose at least one parameter to vary or measure that may be dropped."),
}
#: words inside the lever form, in both languages (the form is not drawn again on a switch)
IN_FORCE = "启用 in force"
BLANK_NONE = "留空: 无 / blank: none"
UPLOAD = "情景文件 scenario file (.toml)"
#: the design tab's words, in both languages (its inputs are not drawn again on a switch either)
DESIGN_INTRO = ("以“政策措施”中的方案为起点, 搜索以最低追加支出、按所选概率达到该方案所达目标的方案; 可变参数取表单数值的 "
                "0.5、0.75、1、1.25、1.5 倍. / Starts from the package under Measures and searches for the least extra outlay that "
                "meets the targets it meets, with the probability chosen; a parameter that varies takes 0.5, 0.75, 1, 1.25 and 1.5 "
                "times the form's value. `lmsim design` on the design file downloaded below runs the same search and confirms the "
                "answer on fresh seeds.")
DESIGN_VARY = "可变参数 parameters that vary"
DESIGN_OPTIONAL = "可取消的措施 measures that may be dropped"
DESIGN_EVALUATIONS = "候选方案数 candidates"
DESIGN_CONFIDENCE = "达标概率 probability each target is met with"
DESIGN_WEIGHT = "搜索时每个代理代表的人数 persons per agent in the search"
DESIGN_RUN = "搜索 Search"
DESIGN_CANCEL = "取消 Cancel"


def word(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


@dataclass
class Kept:
    """A package the session ran: its scenario, file text, the plan it ran and the comparison."""

    name: str
    region: str
    scenario: Scenario
    toml: str
    plan: Plan
    comparison: Comparison

    def command(self) -> str:
        """The ``lmsim compare`` that reproduces the figures, the package saved as it downloads."""
        parts = ["lmsim", "compare", form.regions()[self.region][0], f"{file_stem(self.name)}.toml",
                 "--runs", str(self.plan.runs), "--seed", str(self.plan.seed)]
        if self.plan.attribution:
            parts.append("--attribution")
        return shlex.join(parts)

    def budget_command(self) -> str:
        """The ``lmsim budget`` that reproduces the budget workbook from the package's runs."""
        return shlex.join(["lmsim", "budget", f"{file_stem(self.name)}.toml", "--runs", str(self.plan.runs),
                           "--seed", str(self.plan.seed)])


def file_stem(name: str) -> str:
    """A file name for a package name: its letters, digits and Chinese kept, the rest dashes."""
    stem = "".join(c if c.isalnum() else "-" for c in name).strip("-")
    return stem or "package"


def _field_input(f: form.FormField, value: Any) -> Any:
    """The input for one field, holding ``value``, with its unit, bounds and description."""
    text = f"{f.name} ({f.unit})"
    notes = [f.description, f.bounds, BLANK_NONE if f.optional else ""]
    help_text = ui.tags.small("; ".join(n for n in notes if n), class_="text-muted d-block")
    if f.kind == "switch":
        control = ui.input_switch(f.input_id, text, bool(value))
    elif f.kind in ("number", "integer"):
        control = ui.input_numeric(f.input_id, text, value, min=f.low, max=f.high, step=1 if f.kind == "integer" else None)
    elif f.kind == "choice":
        control = ui.input_select(f.input_id, text, list(f.choices), selected=value)
    elif f.kind == "choices":
        # the selected first, in their order: an order may matter (public-welfare posts' priority)
        chosen = list(value or [])
        control = ui.input_selectize(f.input_id, text, [*chosen, *(c for c in f.choices if c not in chosen)], selected=chosen, multiple=True)
    elif f.kind == "toml":
        control = ui.input_text_area(f.input_id, text, form.toml_value(value), rows=3)
    else:
        control = ui.input_text(f.input_id, text, "" if value is None else str(value))
    return ui.div(control, help_text, class_="mb-2")


def lever_panel(name: str, section: dict[str, Any] | None, horizon: tuple[str, str]) -> Any:
    """A lever's accordion panel: its Chinese and English names and clauses, a switch, and its
    fields holding the package's values (or the lever's defaults when it is not in force)."""
    lever = REGISTRY[name]
    values = {"start": horizon[0], "end": horizon[1], "clause": lever.clauses[0], **(section or {})}
    inputs = [_field_input(f, values.get(f.name, None if f.optional else f.default)) for f in form.lever_fields(name)]
    title = f"{lever_label(name, 'zh')} · {lever_label(name, 'en')} · {', '.join(lever.clauses)}"
    return ui.accordion_panel(title, ui.input_switch(f"{name}__on", IN_FORCE, section is not None), *inputs, value=name)


def design_panel() -> Any:
    """The design tab: what may vary (drawn from the package the form holds), the search's
    settings, its progress and its answer."""
    return ui.div(
        ui.p(DESIGN_INTRO, class_="small"),
        ui.output_ui("design_form"),
        ui.layout_columns(
            ui.input_numeric("design_evaluations", DESIGN_EVALUATIONS, 16, min=1, max=500, step=1),
            ui.input_numeric("design_confidence", DESIGN_CONFIDENCE, 0.8, min=0.05, max=0.95, step=0.05),
            ui.input_numeric("design_weight", DESIGN_WEIGHT, 4, min=1, max=100, step=1),
        ),
        ui.div(ui.input_action_button("design_run", DESIGN_RUN, class_="btn-primary"),
               ui.input_action_button("design_cancel", DESIGN_CANCEL, class_="btn-outline-secondary ms-2")),
        ui.output_ui("design_progress"),
        ui.output_ui("design_answer"),
        class_="mt-3",
    )


def make_app(cache: Path, workers: int | None = None, scheduler: str | None = None) -> App:
    """The dashboard, keeping runs in ``cache``, running them on ``workers`` local processes or
    at the Dask ``scheduler``."""
    regions = form.regions()
    baselines = {r: load_scenario(files[0]) for r, files in regions.items()}
    first = "huyi" if "huyi" in regions else next(iter(regions))

    sidebar = ui.sidebar(
        ui.input_radio_buttons("lang", None, {"zh": "中文", "en": "English"}, selected="zh", inline=True),
        ui.input_select("region", word("region", "zh"), {r: f"{r} · {b.scenario.name}" for r, b in baselines.items()}, selected=first),
        ui.input_radio_buttons("start", word("start", "zh"), {k: word(f"start_{k}", "zh") for k in form.START}, selected="package"),
        ui.input_file("upload", UPLOAD, accept=[".toml"]),
        ui.input_text("name", word("name", "zh"), "方案1"),
        ui.input_numeric("runs", word("runs", "zh"), 20, min=1, max=200, step=1),
        ui.input_numeric("seed", word("seed", "zh"), baselines[first].scenario.seed, min=0, step=1),
        ui.input_checkbox("fixed", word("fixed", "zh"), False),
        ui.input_checkbox("attribution", word("attribution", "zh"), False),
        ui.div(ui.input_action_button("run", word("run", "zh"), class_="btn-primary"),
               ui.input_action_button("cancel", word("cancel", "zh"), class_="btn-outline-secondary ms-2")),
        ui.output_ui("progress"),
        width=360,
    )
    page = ui.page_sidebar(
        sidebar,
        ui.tags.style(HEADLINE_CSS + ".accordion-button{font-size:.9rem} .problems{color:#b00020}"),
        ui.output_ui("heading"),
        ui.navset_tab(
            ui.nav_panel(ui.output_text("package_tab_label", inline=True), ui.output_ui("problems"), ui.output_ui("levers"), value="package"),
            ui.nav_panel(ui.output_text("answer_tab_label", inline=True), ui.output_ui("answer"), value="answer"),
            ui.nav_panel(ui.output_text("design_tab_label", inline=True), design_panel(), value="design"),
            id="tabs",
        ),
        lang="zh",
    )
    # (comparison, chart, language) -> (the comparison, its SVG), shared by the sessions
    drawn_charts: dict[tuple[int, str, str], tuple[Comparison, str]] = {}
    started: list[Job] = []  # every session's jobs, stopped when the app stops
    started_designs: list[DesignJob] = []

    def server(input: Any, output: Any, session: Any) -> None:
        job: reactive.Value[tuple[Job, dict[str, Any]] | None] = reactive.Value(None)
        design_job: reactive.Value[DesignJob | None] = reactive.Value(None)
        kept: reactive.Value[dict[str, Kept]] = reactive.Value({})
        shown: reactive.Value[list[str]] = reactive.Value([])
        forecasts: dict[int, tuple[Kept, Forecast]] = {}  # by the package kept

        def _stop_on_leaving() -> None:
            """A closed page starts no more runs (those finished stay cached)."""
            with reactive.isolate():
                current = job.get()
            if current is not None:
                current[0].cancel()
            with reactive.isolate():
                designing = design_job.get()
            if designing is not None:
                designing.cancel()

        session.on_ended(_stop_on_leaving)

        def lang() -> str:
            return input.lang()

        @reactive.effect
        @reactive.event(input.lang, ignore_init=True)
        def _words() -> None:
            """The sidebar's words in the language chosen (its values stay)."""
            lg = lang()
            ui.update_select("region", label=word("region", lg))
            ui.update_radio_buttons("start", label=word("start", lg), choices={k: word(f"start_{k}", lg) for k in form.START},
                                    selected=input.start())
            for key in ("name", "runs", "seed"):
                (ui.update_text if key == "name" else ui.update_numeric)(key, label=word(key, lg))
            ui.update_checkbox("fixed", label=word("fixed", lg))
            ui.update_checkbox("attribution", label=word("attribution", lg))
            ui.update_action_button("run", label=word("run", lg))
            ui.update_action_button("cancel", label=word("cancel", lg))

        @reactive.effect
        @reactive.event(input.region, ignore_init=True)
        def _region_seed() -> None:
            ui.update_numeric("seed", value=baselines[input.region()].scenario.seed)

        @render.text
        def package_tab_label() -> str:
            return word("package_tab", lang())

        @render.text
        def answer_tab_label() -> str:
            return word("answer_tab", lang())

        @render.text
        def design_tab_label() -> str:
            return word("design_tab", lang())

        @render.ui
        def heading() -> Any:
            return ui.h4(word("title", lang()))

        @reactive.calc
        def start() -> tuple[dict[str, dict], dict[str, dict]]:
            upload = input.upload()
            path = Path(upload[0]["datapath"]) if input.start() == "upload" and upload else None
            try:
                return form.start_policies(input.region(), input.start(), path)
            except ScenarioError as exc:
                ui.notification_show("; ".join(exc.problems), type="error", duration=None)
                return form.start_policies(input.region(), "none")

        @render.ui
        def levers() -> Any:
            policies, _ = start()
            b = baselines[input.region()]
            horizon = (b.scenario.start, format_month(parse_month(b.scenario.start) + b.scenario.months - 1))
            panels = [lever_panel(name, policies.get(name), horizon) for name in sorted(REGISTRY)]
            # data-for says which region and start the form was drawn for (a test waits on it)
            return ui.div(ui.accordion(*panels, open=False, multiple=True, id="levers_accordion"),
                          **{"data-for": f"{input.region()}/{input.start()}"})

        @reactive.calc
        def package() -> tuple[dict[str, Any], list[str]]:
            """The package data the form holds, and its problems (as ``lmsim check`` words them)."""
            _, targets = start()
            policies, problems = {}, []
            for name in sorted(REGISTRY):
                key = f"{name}__on"
                if key not in input or not input[key]():
                    continue
                values = {f.name: input[f.input_id]() for f in form.lever_fields(name) if f.input_id in input}
                section, bad = form.section_from_inputs(name, values)
                policies[name], problems = section, problems + bad
            data = form.package_data(input.region(), input.name(), policies, targets)
            return data, problems or form.problems(data)

        @render.ui
        def problems() -> Any:
            _, found = package()
            if not found:
                return ui.p(word("valid", lang()), class_="text-success")
            return ui.div(ui.p(word("problems", lang())), ui.tags.ul(*[ui.tags.li(p) for p in found]), class_="problems")

        @reactive.effect
        @reactive.event(input.run)
        def _run() -> None:
            data, found = package()
            current = job.get()
            if found or (current is not None and current[0].state == "running"):
                return
            scenario, _ = form.write_package(data, cache / "packages")
            plan = Plan(baselines[input.region()], {input.name(): scenario}, int(input.runs()), int(input.seed()),
                              fixed=bool(input.fixed()), attribution=bool(input.attribution()))
            about = {"name": input.name(), "region": input.region(), "toml": form.package_toml(data)}
            started[:] = [j for j in started if j.state == "running"]
            started.append(Job(plan, cache, workers, scheduler).start())
            job.set((started[-1], about))
            ui.update_navset("tabs", selected="answer")

        @reactive.effect
        @reactive.event(input.cancel)
        def _cancel() -> None:
            current = job.get()
            if current is not None:
                current[0].cancel()

        @reactive.effect
        def _finished() -> None:
            """Watch the job; once it is done, keep its package and show it."""
            current = job.get()
            if current is None:
                return
            running, about = current
            if running.state == "running":
                reactive.invalidate_later(0.4)
                return
            if running.state == "done" and running.result is not None and "taken" not in about:
                about["taken"] = True
                name = about["name"]
                with reactive.isolate():
                    new = dict(kept.get())
                new[name] = Kept(name, about["region"], running.plan.packages[name], about["toml"], running.plan, running.result)
                kept.set(new)
                shown.set([name])

        @render.ui
        def progress() -> Any:
            current = job.get()
            if current is None:
                return None
            running = current[0]
            if running.state == "running":
                reactive.invalidate_later(0.4)
            lg = lang()
            state = {"id": "progress-text", "data-state": running.state, "data-job": str(id(running))}  # tests wait on them
            if running.state == "cancelled":
                return ui.p(word("cancelled", lg), **state)
            if running.state == "failed":
                return ui.p(f"{word('failed', lg)}: {running.error}", class_="problems", **state)
            share = running.done / running.total if running.total else 0.0
            left = running.seconds_left()
            text = f"{running.done}/{running.total} {word('runs_done', lg)}"
            if running.state == "running" and left is not None:
                text += f", {word('left', lg)} {left:.0f} {word('seconds', lg)}"
            bar = ui.div(ui.div(class_="progress-bar", style=f"width:{100 * share:.0f}%", role="progressbar",
                                **{"aria-valuenow": f"{100 * share:.0f}"}), class_="progress my-2")
            return ui.div(bar, ui.tags.small(text, **state))

        @reactive.calc
        def showing() -> tuple[Comparison, dict[str, str], list[Kept]] | None:
            """The comparison of the packages shown: one package's own, or several packages' side
            by side (those run with the same baseline, replications and seed)."""
            chosen = [kept.get()[n] for n in shown.get() if n in kept.get()]
            if not chosen:
                return None
            c = chosen[0].comparison if len(chosen) == 1 else side_by_side([k.comparison for k in chosen])
            return c, {BASELINE: label("baseline", lang()), **{k.name: k.name for k in chosen}}, chosen

        @reactive.effect
        @reactive.event(input.kept)
        def _choose() -> None:
            if list(input.kept()):
                shown.set(list(input.kept()))

        @render.ui
        def answer() -> Any:
            if not kept.get():
                return ui.p(word("nothing", lang()))
            tabs = [ui.nav_panel(word(key, "zh") + " / " + word(key, "en"), ui.output_ui(f"tab_{key}"), value=key)
                    for key in ("targets", "paths", "outlays", "balances", "deadweight", "attribution", "uncertainty")]
            return ui.TagList(ui.output_ui("kept_choice"), ui.output_ui("headline"), ui.output_ui("take_away"), ui.navset_tab(*tabs))

        @render.ui
        def kept_choice() -> Any:
            view = showing()
            if view is None:
                return None
            chosen = view[2]
            comparable = [n for n, k in kept.get().items() if (k.region, k.plan.runs, k.plan.seed)
                          == (chosen[0].region, chosen[0].plan.runs, chosen[0].plan.seed)]
            return ui.input_checkbox_group("kept", word("kept", lang()), comparable, selected=[k.name for k in chosen], inline=True)

        @render.ui
        def headline() -> Any:
            view = showing()
            if view is None:
                return None
            c, names, chosen = view
            return ui.HTML(headline_html(c, {**names, BASELINE: chosen[0].plan.baseline.scenario.name}, lang(), _scenarios(chosen)))

        @render.ui
        def take_away() -> Any:
            view = showing()
            if view is None:
                return None
            lg = lang()
            return ui.div(
                ui.h6(word("take_away", lg)),
                ui.download_button("download_toml", word("toml", lg), class_="btn-sm me-2"),
                ui.download_button("download_xlsx", word("xlsx", lg), class_="btn-sm me-2"),
                ui.download_button("download_report", word("report", lg), class_="btn-sm me-2"),
                ui.download_button("download_budget", word("budget", lg), class_="btn-sm"),
                ui.p(word("command", lg), class_="mt-2 mb-0"),
                ui.tags.pre(view[2][0].command(), id="command"),
                class_="mt-3",
            )

        def _table(*names: str) -> Any:
            view = showing()
            if view is None:
                return None
            t = view[0].tables
            return ui.HTML("".join(html.table(n, t[n], lang()) for n in names if n in t))

        @render.ui
        def tab_targets() -> Any:
            return _table("targets")

        @render.ui
        def tab_deadweight() -> Any:
            return _table("deadweight", "displacement")

        @render.ui
        def tab_attribution() -> Any:
            return _table("attribution")

        @render.ui
        def tab_balances() -> Any:
            """Each employment fund's balance (median, 50 % and 90 % bands) and the probability
            of it falling below zero or its reserve, for each package shown (the forecast's
            figures, from the same runs)."""
            view = showing()
            if view is None:
                return None
            parts = []
            for k in view[2]:
                f = _forecast(k)
                reserves = k.scenario.funds.reserves
                funds = [fund for fund in sorted(f.tables["balances"]["fund"].unique()) if fund not in ("pension_fund", "medical_fund")]
                drawn = [_chart(view[0], f"balance {k.name} {fund}", lambda fund=fund: charts.balance_fan(f.tables["balances"], fund, reserves.get(fund)))
                         for fund in funds]
                parts.append(f"<h6>{html_escape(k.name)}</h6>" + html.table("depletion", f.tables["depletion"], lang()) + html.charts(drawn))
            return ui.HTML("".join(parts))

        def _forecast(k: Kept) -> Forecast:
            if id(k) not in forecasts or forecasts[id(k)][0] is not k:  # an id is only unique while k lives
                forecasts[id(k)] = (k, forecast(k.plan.replications(cache)[0], k.name))
            return forecasts[id(k)][1]

        @render.ui
        def tab_uncertainty() -> Any:
            return _table("parameter_uncertainty", "parameters_drawn")

        @render.ui
        def tab_paths() -> Any:
            view = showing()
            if view is None:
                return None
            c, names, _ = view
            drawn = [_chart(c, indicator, lambda i=indicator: charts.paths_chart(c.tables["paths"], i, None, names))
                     for indicator in ("surveyed_unemployment_rate", "registered_unemployment_rate", "new_urban_jobs_cumulative")]
            return ui.HTML(html.charts(drawn))

        @render.ui
        def tab_outlays() -> Any:
            view = showing()
            if view is None:
                return None
            c = view[0]
            drawn = [_chart(c, f"outlays {s}", lambda s=s: charts.stacked_outlays(c.tables["monthly_outlays"], s)) for s in c.scenarios]
            return ui.HTML(html.charts(drawn) + html.table("outlays", c.tables["outlays"], lang()))

        def _chart(c: Comparison, key: str, make: Any) -> str:
            """A chart's SVG, drawn once per comparison and language."""
            slot = (id(c), key, lang())
            if slot not in drawn_charts or drawn_charts[slot][0] is not c:  # an id is only unique while c lives
                if len(drawn_charts) > 500:
                    drawn_charts.clear()
                drawn_charts[slot] = (c, charts.svg(make(), lang()))
            return drawn_charts[slot][1]

        def _current() -> Kept:
            view = showing()
            assert view is not None
            return view[2][0]

        @render.download_button(filename=lambda: f"{file_stem(_current().name)}.toml", media_type="application/toml")
        def download_toml():
            yield _current().toml.encode("utf-8")

        @render.download_button(filename="tables.xlsx")
        def download_xlsx():
            view = showing()
            assert view is not None
            with tempfile.TemporaryDirectory() as tmp:
                yield write_excel(dict(view[0].tables), Path(tmp) / "tables.xlsx").read_bytes()

        @render.download_button(filename="report.zip", media_type="application/zip")
        def download_report():
            view = showing()
            assert view is not None
            c, _, chosen = view
            provenance = Provenance(chosen[0].command(), _scenarios(chosen), chosen[0].plan.runs, chosen[0].plan.seed)
            with tempfile.TemporaryDirectory() as tmp:
                buffer = io.BytesIO()
                with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                    for path in write_compare(c, provenance, Path(tmp), lang()):
                        archive.write(path, path.name)
                yield buffer.getvalue()

        @render.download_button(filename="budget.xlsx")
        def download_budget():
            k = _current()  # the package's runs, at the default confidence and over its horizon
            request = budget(k.plan.replications(cache)[0], k.name)
            provenance = Provenance(k.budget_command(), {k.name: k.scenario}, k.plan.runs, k.plan.seed).rows()
            with tempfile.TemporaryDirectory() as tmp:
                yield write_budget(request, k.scenario.scenario.name, provenance, Path(tmp) / "budget.xlsx").read_bytes()

        # --- the design tab ------------------------------------------------------------------

        @render.ui
        def design_form() -> Any:
            data, _ = package()
            policies = data["policies"]
            return ui.TagList(
                ui.input_checkbox_group("design_vary", DESIGN_VARY, form.design_parameters(policies)),
                ui.input_checkbox_group("design_optional", DESIGN_OPTIONAL, {name: name for name in sorted(policies)}, inline=True),
            )

        @reactive.effect
        @reactive.event(input.design_run)
        def _design_run() -> None:
            data, found = package()
            current = design_job.get()
            if found or (current is not None and current.state == "running"):
                return
            varied, optional = list(input.design_vary() or []), list(input.design_optional() or [])
            if not varied and not optional:
                ui.notification_show(word("design_choose", lang()), type="warning")
                return
            _, package_path = form.write_package(data, cache / "packages")
            settings = {"evaluations": int(input.design_evaluations()), "confidence": float(input.design_confidence()),
                        "weight": float(input.design_weight()), "replications": 4, "max_replications": 8, "batch": 8,
                        "seed": int(input.seed())}
            path = form.write_design(form.design_data(package_path, input.region(), varied, optional, data["policies"], settings),
                                     cache / "designs")
            started_designs[:] = [j for j in started_designs if j.state == "running"]
            started_designs.append(DesignJob(path, cache / "designs" / path.stem, workers, scheduler).start())
            design_job.set(started_designs[-1])

        @reactive.effect
        @reactive.event(input.design_cancel)
        def _design_cancel() -> None:
            current = design_job.get()
            if current is not None:
                current.cancel()

        @render.ui
        def design_progress() -> Any:
            running = design_job.get()
            if running is None:
                return None
            if running.state == "running":
                reactive.invalidate_later(0.5)
            lg = lang()
            state = {"id": "design-state", "data-state": running.state}  # tests wait on it
            if running.state == "cancelled":
                return ui.p(word("cancelled", lg), **state)
            if running.state == "failed":
                return ui.p(f"{word('failed', lg)}: {running.error}", class_="problems", **state)
            share = running.done / running.total if running.total else 0.0
            bar = ui.div(ui.div(class_="progress-bar", style=f"width:{100 * share:.0f}%", role="progressbar"), class_="progress my-2")
            last = running.lines[-1] if running.lines and running.state == "running" else ""
            return ui.div(bar, ui.tags.small(f"{running.done}/{running.total} {word('design_candidates', lg)}. {last}", **state))

        @render.ui
        def design_answer() -> Any:
            running = design_job.get()
            if running is not None and running.state == "running":
                reactive.invalidate_later(0.5)  # drawn again once the search ends
            if running is None or running.state != "done":
                return ui.p(word("design_none", lang())) if running is None else None
            columns = ["candidate", "replications", "extra_outlay", "p_all_required", "net_regular_jobs", "file"]
            front = running.front[[c for c in columns if c in running.front]].assign(extra_outlay=lambda f: (f["extra_outlay"] / 1e4).round(1))
            chart = base64.b64encode((running.folder / "front.png").read_bytes()).decode()
            downloads = [ui.download_button("download_design", "设计文件 design file (TOML)", class_="btn-sm me-2"),
                         ui.download_button("download_front", "前沿 front (CSV)", class_="btn-sm me-2")]
            if running.recommended is not None:
                downloads.insert(0, ui.download_button("download_recommended", "推荐方案 recommended package (TOML)", class_="btn-sm me-2"))
            return ui.div(
                ui.tags.pre("\n".join(running.lines), id="design-summary"),
                ui.div(*downloads, class_="mb-2"),
                ui.HTML(f'<img id="design-front" alt="front" style="max-width:100%" src="data:image/png;base64,{chart}">'),
                ui.HTML(front.rename(columns={"extra_outlay": "extra_outlay (万元)"}).to_html(index=False, classes="table table-sm", border=0)),
            )

        def _design_done() -> DesignJob:
            running = design_job.get()
            assert running is not None and running.state == "done"
            return running

        @render.download_button(filename="recommended.toml", media_type="application/toml")
        def download_recommended():
            running = _design_done()
            assert running.recommended is not None
            yield running.recommended.read_bytes()

        @render.download_button(filename="design.toml", media_type="application/toml")
        def download_design():
            yield _design_done().path.read_bytes()

        @render.download_button(filename="front.csv", media_type="text/csv")
        def download_front():
            yield (_design_done().folder / "front.csv").read_bytes()

    app = App(page, server)

    @app.on_shutdown
    def _stop_jobs() -> None:
        """Start no more runs when the app stops; wait briefly for the pool to let go."""
        for running in [*started, *started_designs]:
            running.cancel()
        for running in [*started, *started_designs]:
            running.join(timeout=10)

    return app


def _scenarios(chosen: list[Kept]) -> dict[str, Scenario]:
    """The scenarios of a comparison by label: the baseline and the packages shown."""
    return {BASELINE: chosen[0].plan.baseline, **{k.name: k.scenario for k in chosen}}
