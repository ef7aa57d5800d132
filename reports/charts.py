"""Every chart lmsim draws, with matplotlib (the engine and the analysis of runs never import
it: they call these functions).

The compare and forecast reports' charts are drawn for a language and rendered twice: as SVG
that keeps its text as text (the browser draws the Chinese with the reader's own fonts,
nothing to install) and as PNG, which uses a CJK font when one is installed and falls back to
English labels when none is. The sensitivity and calibration charts are in English, in one
format each."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, PercentFormatter  # noqa: E402

from .labels import label  # noqa: E402

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
                "Microsoft YaHei", "PingFang SC", "SimHei", "Heiti SC", "AR PL UMing CN")
COLOURS = ("#4d4d4d", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf")
Chart = Callable[[str], Figure]  # a chart is drawn for a language


def cjk_font() -> str | None:
    """The first installed CJK font family, or None."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def png_language(lang: str) -> str:
    """The language PNG charts can be drawn in: Chinese only with a CJK font installed."""
    if lang == "zh" and cjk_font() is None:
        warnings.warn("no CJK font installed: PNG charts use English labels (the HTML report shows Chinese); "
                      "install e.g. fonts-noto-cjk for Chinese PNGs", stacklevel=2)
        return "en"
    return lang


def render(chart: Chart, lang: str, png_lang: str) -> tuple[str, bytes]:
    """(SVG text, PNG bytes) of one chart."""
    families = [f for f in (cjk_font(),) if f] + ["DejaVu Sans"]
    with plt.rc_context({"font.family": "sans-serif", "font.sans-serif": families}), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # missing-glyph warnings: the fallback is deliberate
        fig = chart(png_lang)
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=110, bbox_inches="tight")
        plt.close(fig)
    return svg(chart, lang), png.getvalue()


def svg(chart: Chart, lang: str) -> str:
    """The SVG text of one chart, to inline in a page (the text drawn by the browser)."""
    with plt.rc_context({"svg.fonttype": "none", "font.family": "sans-serif",
                         "font.sans-serif": [*CJK_FAMILIES, "DejaVu Sans", "sans-serif"]}), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # glyphs matplotlib lacks: the browser draws the text
        fig = chart(lang)
        text = io.StringIO()
        fig.savefig(text, format="svg", bbox_inches="tight")
        plt.close(fig)
    return _strip_svg_header(text.getvalue())


def _strip_svg_header(svg: str) -> str:
    """SVG to inline in HTML: without the XML declaration and DOCTYPE."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def _yuan(ax) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1e4:,.0f}万" if abs(v) >= 1e5 else f"{v:,.0f}"))


def _dates(ax, dates: list[str]) -> None:
    step = max(1, len(dates) // 8)
    ax.set_xticks(range(0, len(dates), step), dates[::step], rotation=45, ha="right")


def paths_chart(paths: pd.DataFrame, indicator: str, target: float | None, names: dict[str, str]) -> Chart:
    """Median and 90 % band of a monthly indicator per scenario, with its target."""
    def draw(lang: str) -> Figure:
        fig, ax = plt.subplots(figsize=(7, 3.4))
        part = paths[paths["indicator"] == indicator]
        dates = list(dict.fromkeys(part["date"]))
        for i, (scenario, g) in enumerate(part.groupby("scenario", sort=False)):
            x = np.arange(len(g))
            colour = COLOURS[i % len(COLOURS)]
            ax.plot(x, g["median"], color=colour, label=names.get(scenario, scenario))
            ax.fill_between(x, g["low"], g["high"], color=colour, alpha=0.18, linewidth=0)
        if target is not None:
            ax.axhline(target, color="black", linestyle="--", linewidth=1, label=f"{label('target', lang)} {_fmt(target, indicator)}")
        if indicator.endswith("_rate"):
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
        _dates(ax, dates)
        ax.set_title(f"{label(indicator, lang)}: {label('median_band', lang)}")
        ax.legend(frameon=False, fontsize=8)
        return fig
    return draw


def stacked_outlays(monthly: pd.DataFrame, scenario: str) -> Chart:
    """Mean yuan paid out a month, stacked by fund and line item."""
    def draw(lang: str) -> Figure:
        part = monthly[monthly["scenario"] == scenario] if "scenario" in monthly else monthly
        wide = part.pivot_table(index="date", columns=["fund", "line"], values="outflow", aggfunc="sum").fillna(0.0)
        wide = wide[wide.sum().sort_values(ascending=False).index]
        fig, ax = plt.subplots(figsize=(7, 3.6))
        x = np.arange(len(wide))
        bottom = np.zeros(len(wide))
        for i, column in enumerate(wide.columns):
            values = wide[column].to_numpy()
            ax.bar(x, values, bottom=bottom, width=0.85, color=plt.cm.tab20(i % 20), label=f"{label(column[0], lang)}: {column[1]}")
            bottom += values
        _dates(ax, list(wide.index))
        _yuan(ax)
        ax.set_title(label("outlays_by_line", lang))
        ax.legend(frameon=False, fontsize=6, ncol=2, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return fig
    return draw


def balance_fan(balances: pd.DataFrame, fund: str, reserve: float | None) -> Chart:
    """A fund's closing balance: median with 50 % and 90 % bands."""
    def draw(lang: str) -> Figure:
        g = balances[balances["fund"] == fund]
        x = np.arange(len(g))
        fig, ax = plt.subplots(figsize=(7, 3.2))
        ax.fill_between(x, g["p05"], g["p95"], color="#1f77b4", alpha=0.15, linewidth=0, label="90%")
        ax.fill_between(x, g["p25"], g["p75"], color="#1f77b4", alpha=0.35, linewidth=0, label="50%")
        ax.plot(x, g["median"], color="#1f77b4", label="median")
        ax.axhline(0, color="black", linewidth=0.8)
        if reserve:
            ax.axhline(reserve, color="#d62728", linestyle="--", linewidth=1, label="reserve")
        _dates(ax, list(g["date"]))
        _yuan(ax)
        ax.set_title(f"{label(fund, lang)}: {label('balance_fan', lang)}")
        ax.legend(frameon=False, fontsize=8)
        return fig
    return draw


def lever_bars(attribution: pd.DataFrame, deadweight: pd.DataFrame, scenario: str) -> Chart:
    """Cost per net job (with the attribution) and deadweight share, by lever."""
    def draw(lang: str) -> Figure:
        a = attribution[attribution["scenario"] == scenario] if len(attribution) else attribution
        if len(a):
            fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.4))
            left.barh(a["lever"], a["cost_per_job_of_means"].fillna(0.0), color="#1f77b4")
            left.set_title(f"{label('cost_per_job', lang)} ({label('yuan', lang)})", fontsize=9)
            left.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        else:  # no attribution asked for: the deadweight alone
            fig, right = plt.subplots(figsize=(6, 3.4))
        d = deadweight[deadweight["scenario"] == scenario] if len(deadweight) else deadweight
        if len(d):
            right.barh(d["lever"], d["deadweight_share"], color="#d62728")
            right.errorbar(d["deadweight_share"], d["lever"], xerr=[d["deadweight_share"] - d["share_low"], d["share_high"] - d["deadweight_share"]],
                           fmt="none", color="black", capsize=2)
        right.set_xlim(0, 1)
        right.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        right.set_title(label("deadweight", lang), fontsize=9)
        fig.tight_layout()
        return fig
    return draw


def attainment_bars(targets: pd.DataFrame, scenario: str, names: dict[str, str]) -> Chart:
    """Probability of meeting each declared target, baseline against the scenario."""
    def draw(lang: str) -> Figure:
        t = targets[targets["scenario"] == scenario]
        names_ = [f"{r.target} {r.period}" for r in t.itertuples()]
        y = np.arange(len(t))
        fig, ax = plt.subplots(figsize=(7, 0.45 * max(len(t), 2) + 1.2))
        ax.barh(y - 0.2, t["p_met_baseline"], height=0.4, color=COLOURS[0], label=label("baseline", lang))
        ax.barh(y + 0.2, t["p_met_scenario"], height=0.4, color=COLOURS[1], label=names.get(scenario, scenario))
        ax.set_yticks(y, names_, fontsize=8)
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_title(label("attainment", lang))
        ax.legend(frameon=False, fontsize=8, loc="lower right")
        return fig
    return draw


def _fmt(value: float, indicator: str) -> str:
    return f"{100 * value:.1f}%" if indicator.endswith("_rate") else f"{value:,.0f}"


# --- the analysis commands' charts (English, one format each) ---------------------------------


def sensitivity_bars(table: pd.DataFrame, output: str, path: Path) -> None:
    """A PNG of one output's sensitivity indices by factor, with their intervals."""
    shown = table[table["index"] != "sigma"]
    kinds = list(dict.fromkeys(shown["index"]))
    factors = list(dict.fromkeys(shown["factor"]))
    fig, ax = plt.subplots(figsize=(max(4.0, 1.2 * len(factors) + 2), 3.2))
    width = 0.8 / len(kinds)
    for k, kind in enumerate(kinds):
        part = shown[shown["index"] == kind].set_index("factor").reindex(factors)
        err = np.vstack([part["value"] - part["low"], part["high"] - part["value"]])
        ax.bar(np.arange(len(factors)) + k * width, part["value"], width, yerr=np.nan_to_num(err), capsize=3, label=kind)
    ax.set_xticks(np.arange(len(factors)) + width * (len(kinds) - 1) / 2, [f.split(".")[-1] for f in factors])
    ax.set_title(f"{output}: {shown['method'].iloc[0]} indices")
    ax.axhline(0, color="black", linewidth=0.5)
    ax.legend(frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=120, format="png")
    plt.close(fig)


def profile_svg(profiles: pd.DataFrame) -> str:
    """Inline SVG of a calibration's 1-D loss profiles, one panel per parameter ("" without any)."""
    params = list(dict.fromkeys(profiles["parameter"]))
    if not params:
        return ""
    fig, axes = plt.subplots(1, len(params), figsize=(3 * len(params), 2.6), squeeze=False)
    for ax, name in zip(axes[0], params):
        part = profiles[profiles["parameter"] == name]
        ax.plot(part["value"], part["loss"], marker="o")
        ax.set_title(name.split(".")[-1], fontsize=9)
    fig.tight_layout()
    buffer = io.StringIO()
    with plt.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg")
    plt.close(fig)
    return _strip_svg_header(buffer.getvalue())
