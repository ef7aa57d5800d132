"""A self-contained HTML report: charts inline as SVG (text kept as text), tables, the
method, and what it takes to reproduce it. Opens offline; nothing is fetched."""

from __future__ import annotations

import html
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from .labels import UNITS, column_label, label, line_label, lever_label
from .tables import unit

STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;
margin:2em auto;max-width:1100px;color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
table{border-collapse:collapse;font-size:.82em;margin:.6em 0}td,th{border:1px solid #ddd;padding:.25em .5em;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}.chart svg{max-width:100%;height:auto}
.chart{margin:1em 0}.headline li{margin:.2em 0}.warn{color:#a33}.small{font-size:.85em;color:#555}
"""


def page(title: str, lang: str, sections: list[tuple[str, str]], lead: str = "", style: str = "") -> str:
    """A whole page: the title, then ``lead`` (an HTML fragment the page opens with, such as a
    headline panel), then each (heading, content) section; ``style`` is added to :data:`STYLE`."""
    body = "\n".join(f'<section><h2>{html.escape(heading)}</h2>\n{content}</section>' for heading, content in sections)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{STYLE}{style}</style></head><body>\n"
            f"<h1>{html.escape(title)}</h1><p class=\"small\">{stamp}</p>\n{lead}{chr(10) if lead else ''}{body}\n</body></html>\n")


def charts(svgs: list[str]) -> str:
    return "\n".join(f'<div class="chart">{svg}</div>' for svg in svgs)


def bullets(lines: list[str]) -> str:
    return '<ul class="headline">' + "".join(f"<li>{html.escape(x)}</li>" for x in lines) + "</ul>"


def table(name: str, frame: pd.DataFrame, lang: str, limit: int = 400) -> str:
    """A DataFrame as an HTML table, numbers formatted by the column's unit or the row's
    indicator (rates as percentages)."""
    shown = frame.head(limit)
    if {"target", "label"} <= set(shown.columns):  # the document's words name the target; its key is a field name
        shown = shown.drop(columns="target")
    head = "".join(f"<th>{html.escape(_header(name, c, lang))}</th>" for c in shown.columns)
    rows = []
    for _, row in shown.iterrows():
        rate_row = str(row.get("indicator", "")).endswith("_rate") or str(row.get("indicator", "")) == "graduate_employment_rate"
        cells = "".join(f"<td>{html.escape(_cell(name, c, v, rate_row, lang))}</td>" for c, v in row.items())
        rows.append(f"<tr>{cells}</tr>")
    more = f'<p class="small">… {len(frame) - limit} more rows in the CSV</p>' if len(frame) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


def _header(name: str, column: str, lang: str) -> str:
    u = unit(name, column)
    words = column_label(column, lang)
    return f"{words} ({UNITS[u][0 if lang == 'zh' else 1]})" if u else words


#: columns whose values are names the model defines, and how each is put in the reader's words
NAMED = {"indicator": label, "fund": label, "scenario": label, "measure": label, "lever": lever_label, "line": line_label}


def _cell(name: str, column: str, value, rate_row: bool, lang: str) -> str:
    if isinstance(value, str):
        if value == "*":
            return label("total", lang)
        return NAMED[column](value, lang) if column in NAMED else value
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    if isinstance(value, (bool, np.bool_)):
        return "✓" if value else "✗"
    if not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    kind = unit(name, column)
    if kind == "share" or (rate_row and column not in ("replication",)):
        return f"{100 * float(value):.2f}%"
    if column in ("replication", "runs", "replications", "horizon_months", "year"):
        return f"{int(value)}"
    magnitude = abs(float(value))
    if magnitude >= 100:
        return f"{float(value):,.0f}"
    # small parameters (a monthly quit rate of 0.0031) keep four significant digits
    return f"{float(value):,.2f}" if magnitude >= 1 or magnitude == 0 else f"{float(value):.4g}"


def reproduce(rows: list[tuple[str, str]]) -> str:
    return "<table>" + "".join(f"<tr><th>{html.escape(k)}</th><td style='text-align:left'>{html.escape(v)}</td></tr>" for k, v in rows) + "</table>"


def paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())
