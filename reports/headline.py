"""The headline panel of a compare: what a reader wants first, in their own words.

First the package's declared targets, one row each, with the probability (the share of
replications) that the baseline and each package meet it, coloured by how likely that is;
then each package's net effects and costs against the baseline over the simulated period,
with their 90 % intervals: regular employment, the surveyed unemployment rate, outlays and
the cost per net regular job.

:func:`headline` gives the figures as data (numbers left as numbers, names in the reader's
language) for any front end; :func:`headline_html` renders them as an HTML fragment, styled by
:data:`HEADLINE_CSS`; :func:`format_number` writes a number the way the reader's language
does (万 and 亿 in Chinese, thousands separators and "million" in English).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from .labels import indicator_label, label

if TYPE_CHECKING:
    from lmsim.compare import Comparison
    from lmsim.scenario import Scenario
    from lmsim.targets import Target

Kind = Literal["yuan", "persons", "count", "pp", "rate", "probability"]

#: a probability of meeting a target at least this is shown green ...
LIKELY = 0.8
#: ... at least this amber, below it red
EVEN = 0.5
MISSING = "–"

#: one row per target (and period) and scenario, the baseline's included; ``row`` numbers the
#: targets (a target two packages declare with different bounds is two)
TARGET_COLUMNS = ["row", "target", "period", "wording", "document_label", "scenario", "name", "is_baseline", "probability", "grade"]
#: one row per effect and package
EFFECT_COLUMNS = ["effect", "wording", "kind", "scenario", "name", "value", "low", "high", "low_fixed", "high_fixed",
                  "share_from_parameters", "note"]

HEADLINE_CSS = """
.headline{margin:1em 0 1.5em;padding:.6em 1em;border:1px solid #ccc;border-radius:6px;background:#fcfcfc}
.headline h2{margin-top:.3em}.headline table{border-collapse:collapse;margin:.5em 0 .3em}
.headline caption{text-align:left;font-weight:bold;padding:.3em 0}
.headline th[scope=row]{text-align:left;font-weight:normal;max-width:28em}
.headline td{text-align:right;white-space:nowrap}
.headline .p-likely{background:#d9f2d0;color:#1b5e20}.headline .p-even{background:#fdebc8;color:#7a4f00}
.headline .p-unlikely{background:#f8d3cf;color:#8b1a10}.headline .p-none{color:#888}
.headline .legend span{padding:0 .4em;border-radius:3px}
.headline .value{font-weight:bold}.headline .interval,.headline .note{display:block;font-size:.85em;color:#555}
.headline .meta,.headline .legend{font-size:.85em;color:#444;margin:.2em 0}
"""


# --- numbers -------------------------------------------------------------------------------

#: scale words by language, largest first: Chinese counts in 万 and 亿, English in millions and billions
_SCALES: dict[str, tuple[tuple[float, str], ...]] = {"zh": ((1e8, "亿"), (1e4, "万")), "en": ((1e9, " billion"), (1e6, " million"))}


def format_number(value: float | None, kind: Kind, lang: str, *, signed: bool = False, unit: bool = True) -> str:
    """``value`` as the reader's language writes it; NaN or None is "–".

    ``kind``: "yuan" and "persons" (counts rounded to whole units; in Chinese with 万 and 亿
    from ten thousand up, e.g. 1.23亿元, 4,560万元, 1.2万人; in English with thousands
    separators and "million"/"billion" from a million up), "count" (as persons, without a
    unit: households, firms), "rate" (a share, 0.0512 → 5.12%), "pp" (a change of a rate, as a
    share: -0.0012 → -0.12 percentage points) and "probability" (a share, 0.875 → 88%).
    ``signed`` writes a + before positive values; ``unit=False`` leaves the unit out (the
    ends of an interval after the figure)."""
    if value is None or not np.isfinite(value):
        return MISSING
    value = float(value)
    if kind == "probability":
        text = f"{math.floor(100 * abs(value) + 0.5 + 1e-9)}%"  # half up: 5 of 8 replications are 63%, not 62%
    elif kind == "rate":
        text = _strip_zeros(f"{100 * abs(value):,.2f}") + "%"
    elif kind == "pp":
        text = f"{100 * abs(value):.2f}" + (_pp_unit(lang) if unit else "")
    else:
        text = _large(abs(value), kind, lang, unit)
    if value < 0 and any(ch in "123456789" for ch in text):
        return "-" + text
    return ("+" + text) if signed and value > 0 and any(ch in "123456789" for ch in text) else text


def format_interval(low: float | None, high: float | None, kind: Kind, lang: str, *, signed: bool = False) -> str:
    """The interval as "[low, high]", its ends without their unit; "–" when neither end is known."""
    if all(v is None or not np.isfinite(v) for v in (low, high)):
        return MISSING
    return f"[{format_number(low, kind, lang, signed=signed, unit=False)}, {format_number(high, kind, lang, signed=signed, unit=False)}]"


def _large(x: float, kind: Kind, lang: str, unit: bool) -> str:
    """A non-negative amount of yuan or persons, or a count, with its scale word and unit."""
    unit_text = _join(_unit(kind, lang) if unit else "", lang)
    for size, word in _SCALES["zh" if lang == "zh" else "en"]:
        if _round3(x / size) >= 1:  # 9,999.6 persons are 1万人, not 10,000人
            return f"{_significant(x / size)}{word}{unit_text}"
    number = f"{round(x):,}" if kind in ("yuan", "persons") else _significant(x)
    return number + unit_text


def _unit(kind: Kind, lang: str) -> str:
    if kind == "yuan":
        return label("yuan", lang)
    # English names its unit persons in the row's wording: a column of "persons" reads badly
    return label("persons_unit", lang) if kind == "persons" and lang == "zh" else ""


def _join(unit: str, lang: str) -> str:
    return "" if not unit else unit if lang == "zh" else f" {unit}"


def _pp_unit(lang: str) -> str:
    return label("pp_unit", lang) if lang == "zh" else " pp"


def _round3(x: float) -> float:
    """``x`` rounded to three significant digits, keeping every integer digit."""
    return round(x, _decimals(x))


def _decimals(x: float) -> int:
    return max(0, 2 - math.floor(math.log10(x))) if x > 0 else 0


def _significant(x: float) -> str:
    """``x`` to three significant digits (every integer digit kept), thousands separated,
    without trailing zeros: 1.2, 12.3, 4,568."""
    return _strip_zeros(f"{x:,.{_decimals(x)}f}")


def _strip_zeros(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- the figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """The headline figures of one compare: numbers as numbers, names in the reader's language.

    ``targets`` has the columns :data:`TARGET_COLUMNS`, a row per target (and period) and
    scenario, the baseline's rows first; ``effects`` has :data:`EFFECT_COLUMNS`, a row per
    effect and package (the ``*_fixed`` and ``share_from_parameters`` columns are NaN unless
    the compare drew the fitted parameters)."""

    baseline: str
    packages: list[str]
    names: dict[str, str]
    first_month: str
    last_month: str
    runs: int
    targets: pd.DataFrame
    effects: pd.DataFrame


def headline(c: Comparison, names: Mapping[str, str], lang: str, scenarios: Mapping[str, Scenario] | None = None) -> Headline:
    """The headline of ``c`` for readers of ``lang``; ``names`` maps the baseline's and the
    packages' keys to the names shown. With ``scenarios`` (key -> scenario, e.g. a report's
    provenance) each target is worded from its declaration (indicator, aggregate, bound,
    period); without, by the document's own wording the scenario gave it."""
    shown = {key: names.get(key, key) for key in (c.baseline, *c.scenarios)}
    first, last = _months(c)
    return Headline(c.baseline, list(c.scenarios), shown, first, last, c.runs,
                    _target_rows(c, shown, lang, scenarios or {}), _effect_rows(c, shown, lang))


def grade(probability: float) -> str:
    """The colour class of a probability of meeting a target: likely, even, unlikely or none."""
    if probability is None or not np.isfinite(probability):
        return "none"
    return "likely" if probability >= LIKELY else "even" if probability >= EVEN else "unlikely"


def _months(c: Comparison) -> tuple[str, str]:
    """First and last simulated month, read off the monthly paths."""
    paths = c.tables.get("paths")
    if paths is None or paths.empty:
        return MISSING, MISSING
    dates = paths["date"].astype(str)
    return dates.min(), dates.max()


def _target_rows(c: Comparison, names: dict[str, str], lang: str, scenarios: Mapping[str, Scenario]) -> pd.DataFrame:
    """A row per declared target (and period) and scenario. The baseline's probability is the
    same whichever package declared the target (the baseline runs are the same), so it is
    read from the first package declaring it; a package not declaring it has none."""
    table = c.tables.get("targets", pd.DataFrame())
    rows: list[dict] = []
    if table is None or table.empty:
        return pd.DataFrame(rows, columns=TARGET_COLUMNS)
    keys = ["target", "period", "op", "value"]  # a target the packages declare alike is one row
    for number, (_, group) in enumerate(table.groupby(keys, sort=False)):
        first = group.iloc[0]
        declared = _declaration(scenarios, group, str(first["target"]))
        wording = target_wording(declared, str(first["period"]), str(first["label"] or ""), str(first["op"]), float(first["value"]), lang)
        common = {"row": number, "target": first["target"], "period": first["period"], "wording": wording, "document_label": first["label"]}
        by_package = dict(zip(group["scenario"], group["p_met_scenario"].astype(float)))
        for key, p, is_base in [(c.baseline, float(first["p_met_baseline"]), True),
                                *[(s, by_package.get(s, np.nan), False) for s in c.scenarios]]:
            rows.append({**common, "scenario": key, "name": names[key], "is_baseline": is_base, "probability": p, "grade": grade(p)})
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def _declaration(scenarios: Mapping[str, Scenario], group: pd.DataFrame, target: str) -> Target | None:
    for key in group["scenario"]:
        scenario = scenarios.get(key)
        if scenario is not None and target in scenario.targets:
            return scenario.targets[target]
    return None


def target_wording(declared: Target | None, period: str, document_label: str, op: str, value: float, lang: str) -> str:
    """A target as the reader says it: "surveyed unemployment rate (monthly mean) ≤ 5%, 2019"
    from its declaration; without one, the document's wording (or the bound) and the period."""
    bound = {">=": "≥", "<=": "≤"}.get(op, op)
    if declared is None:
        what = document_label or f"{bound} {value:g}"
    else:
        kind = indicator_kind(declared.indicator)
        how = label(f"aggregate_{declared.aggregate}", lang)
        what = (f"{indicator_label(declared.indicator, lang)}{'' if lang == 'zh' else ' '}({how}) {bound} "
                f"{format_number(value, kind, lang)}")
        if declared.stretch is not None:
            what += f" ({label('stretch', lang)} {format_number(declared.stretch, kind, lang)})"
    return f"{what}, {period_wording(period, lang)}"


def period_wording(period: str, lang: str) -> str:
    """A target period as the reader writes it: "2019" as 2019年 in Chinese, "2019-01..2021-12"
    as 2019-01至2021-12 or "2019-01 to 2021-12"."""
    if ".." in period:
        start, end = period.split("..", 1)
        return f"{start}{label('to', lang)}{end}"
    return f"{period}{label('year_suffix', lang)}" if period.isdigit() else period


#: monthly indicators counting households, firms or months rather than persons
_COUNTS = {"firms", "firm_entries", "firm_exits", "vacancies", "zero_employment_households", "workless_households",
           "mean_unemployment_duration"}
#: a lever's monthly figures in yuan
_POLICY_YUAN = {"paid", "refused_yuan", "lent"}


def indicator_kind(indicator: str) -> Kind:
    """How a target's indicator is written: a rate or share, yuan, persons, or a plain count."""
    if indicator.startswith("policies."):
        return "yuan" if indicator.rsplit(".", 1)[-1] in _POLICY_YUAN else "count"
    if indicator.endswith(("_rate", "_share")):
        return "rate"
    return "count" if indicator in _COUNTS else "persons"


def _effect_rows(c: Comparison, names: dict[str, str], lang: str) -> pd.DataFrame:
    """A row per package for: regular employment at the end of the period, the surveyed
    unemployment rate over it (percentage points), the outlays over it and the cost per net
    regular job; the intervals are 90 % over replications."""
    t = c.tables
    net = t["net_effects"]
    net = net[net["period"] == "horizon"]
    cost = t["cost_per_job"].set_index("scenario")
    uncertain = _parameter_share(t.get("parameter_uncertainty"))
    rows: list[dict] = []
    for s in c.scenarios:
        mine = net[net["scenario"] == s].set_index("indicator")
        figures = [
            ("regular_employment", label("net_change_at_end", lang).format(label("regular_employment", lang)), "persons",
             _band(mine, "regular_employment", "net"), ""),
            ("surveyed_unemployment_rate", label("net_change_mean", lang).format(label("surveyed_unemployment_rate", lang)), "pp",
             _band(mine, "surveyed_unemployment_rate", "net"), ""),
            ("net_outlays", label("outlay_change_total", lang), "yuan", _band(cost, s, "net_outlays"), ""),
            ("cost_per_job", label("cost_per_job", lang), "yuan", _cost_band(cost, s), _cost_note(cost, s, lang)),
        ]
        for effect, wording, kind, (value, low, high), note in figures:
            fixed = uncertain.get((s, effect), (np.nan, np.nan, np.nan))
            rows.append({"effect": effect, "wording": wording, "kind": kind, "scenario": s, "name": names[s], "value": value,
                         "low": low, "high": high, "low_fixed": fixed[0], "high_fixed": fixed[1], "share_from_parameters": fixed[2],
                         "note": note})
    return pd.DataFrame(rows, columns=EFFECT_COLUMNS)


def _band(frame: pd.DataFrame, row: str, prefix: str) -> tuple[float, float, float]:
    """(value, low, high) of columns ``prefix``, ``prefix_low``, ``prefix_high`` in ``row``; NaN if absent."""
    if row not in frame.index:
        return (np.nan, np.nan, np.nan)
    r = frame.loc[row]
    return tuple(float(r.get(col, np.nan)) for col in (prefix, f"{prefix}_low", f"{prefix}_high"))  # type: ignore[return-value]


def _cost_band(cost: pd.DataFrame, s: str) -> tuple[float, float, float]:
    """The ratio of mean outlays to mean net regular jobs (what a budget buys on average), with
    the band of the replications' own ratios."""
    if s not in cost.index:
        return (np.nan, np.nan, np.nan)
    r = cost.loc[s]
    return float(r["cost_per_job_of_means"]), float(r["cost_per_job_low"]), float(r["cost_per_job_high"])


def _cost_note(cost: pd.DataFrame, s: str, lang: str) -> str:
    if s not in cost.index:
        return ""
    r = cost.loc[s]
    if not np.isfinite(r["cost_per_job_of_means"]):  # no net regular jobs on average: a cost per job means nothing
        return label("no_net_jobs", lang)
    without = int(r.get("replications_without_net_regular_jobs", 0))
    return f"{without} {label('without_net_jobs', lang)}" if without else ""


def _parameter_share(table: pd.DataFrame | None) -> dict[tuple[str, str], tuple[float, float, float]]:
    """(scenario, effect) -> the net effect's band with the parameters fixed and the share of
    the band's width the fitted parameters account for, when the compare drew them."""
    if table is None or table.empty:
        return {}
    net = table[table["measure"] == "net"]
    return {(r.scenario, r.indicator): (float(r.low_fixed), float(r.high_fixed), float(r.share_from_parameters))
            for r in net.itertuples()}


# --- the panel -----------------------------------------------------------------------------


def headline_html(c: Comparison, names: Mapping[str, str], lang: str, scenarios: Mapping[str, Scenario] | None = None) -> str:
    """The headline panel: a ``<section class="headline">`` with the targets' table and the
    effects' table (style: :data:`HEADLINE_CSS`)."""
    h = headline(c, names, lang, scenarios)
    return (f'<section class="headline"><h2>{_e(label("headline", lang))}</h2>\n{_meta(h, lang)}\n'
            f"{_targets_table(h, lang)}\n{_effects_table(h, lang)}\n</section>")


def _e(text: object) -> str:
    return html.escape(str(text))


def _meta(h: Headline, lang: str) -> str:
    """The baseline, the period and the replications the figures come from."""
    base = h.names[h.baseline]
    baseline = base if base == label("baseline", lang) else f"{label('baseline', lang)}: {base}"
    runs = f"{h.runs}{label('replications', lang)}" if lang == "zh" else f"{h.runs} {label('replications', lang)}"
    return (f'<p class="meta">{_e(baseline)} · {_e(label("period", lang))}: {_e(h.first_month)}{_e(label("to", lang))}'
            f"{_e(h.last_month)} · {_e(runs)}</p>")


def _targets_table(h: Headline, lang: str) -> str:
    """A row per target; a column for the baseline and one per package, each cell the
    probability of meeting the target, coloured by :func:`grade`."""
    caption = f"<caption>{_e(label('attainment', lang))}</caption>"
    if h.targets.empty:
        return f'<p class="meta">{_e(label("no_targets", lang))}</p>'
    keys = [h.baseline, *h.packages]
    # the baseline's column says what it is (the line above names it): a package may share its name
    head = (f"<th>{_e(label('target', lang))}</th><th>{_e(label('baseline', lang))}</th>"
            + "".join(f"<th>{_e(h.names[k])}</th>" for k in h.packages))
    rows = []
    for _, group in h.targets.groupby("row", sort=False):
        by_key = group.set_index("scenario")
        cells = "".join(_probability_cell(by_key.loc[k], lang) if k in by_key.index else '<td class="p-none">–</td>' for k in keys)
        first = group.iloc[0]
        title = f' title="{_e(first["document_label"])}"' if first["document_label"] else ""
        rows.append(f'<tr><th scope="row"{title}>{_e(first["wording"])}</th>{cells}</tr>')
    legend = label("attainment_legend", lang).format(good=format_number(LIKELY, "probability", lang),
                                                      fair=format_number(EVEN, "probability", lang))
    return (f'<table class="headline-targets">{caption}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>\n'
            f'<p class="legend">{_legend(legend)}</p>')


def _probability_cell(row: pd.Series, lang: str) -> str:
    return f'<td class="p-{row["grade"]}">{_e(format_number(row["probability"], "probability", lang))}</td>'


def _legend(text: str) -> str:
    """The legend with a swatch of each colour class before its words."""
    return (f'<span class="p-likely">&nbsp;</span> <span class="p-even">&nbsp;</span> <span class="p-unlikely">&nbsp;</span> '
            f"{_e(text)}")


def _effects_table(h: Headline, lang: str) -> str:
    """A row per effect, a column per package: the figure, its 90 % interval, and with drawn
    parameters the interval with them fixed."""
    caption = f"<caption>{_e(label('effects_and_costs', lang))}</caption>"
    head = "<th></th>" + "".join(f"<th>{_e(h.names[k])}</th>" for k in h.packages)
    rows = []
    for _, group in h.effects.groupby("effect", sort=False):
        by_key = group.set_index("scenario")
        cells = "".join(_effect_cell(by_key.loc[k], lang) for k in h.packages)
        rows.append(f'<tr><th scope="row">{_e(_effect_wording(group.iloc[0], lang))}</th>{cells}</tr>')
    stop = "。" if lang == "zh" else ". "
    notes = f'<p class="meta">{_e(label("interval_note", lang))}{stop}{_e(label("cost_note", lang))}{stop.strip()}</p>'
    return f'<table class="headline-effects">{caption}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>\n{notes}'


def _effect_wording(row: pd.Series, lang: str) -> str:
    """The effect's words, with its unit in English (Chinese writes it after each number)."""
    if lang == "zh":
        return str(row["wording"])
    unit = {"persons": label("persons_unit", lang), "pp": label("pp_unit", lang), "yuan": label("yuan", lang)}[row["kind"]]
    return f"{row['wording']} ({unit})"


def _effect_cell(row: pd.Series, lang: str) -> str:
    kind, signed = row["kind"], row["effect"] != "cost_per_job"
    parts = [f'<span class="value">{_e(format_number(row["value"], kind, lang, signed=signed))}</span>']
    interval = format_interval(row["low"], row["high"], kind, lang, signed=signed)
    if interval != MISSING:
        parts.append(f'<span class="interval">{_e(label("interval", lang))}: {_e(interval)}</span>')
    if np.isfinite(row["share_from_parameters"]):
        fixed = format_interval(row["low_fixed"], row["high_fixed"], kind, lang, signed=signed)
        parts.append(f'<span class="interval">{_e(label("parameters_fixed", lang))}: {_e(fixed)}; '
                     f'{_e(format_number(row["share_from_parameters"], "probability", lang))} {_e(label("from_parameters", lang))}</span>')
    if row["note"]:
        parts.append(f'<span class="note">{_e(row["note"])}</span>')
    return f"<td>{''.join(parts)}</td>"
