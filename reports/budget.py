"""The budget request as a finance office files it: an Excel workbook laid out like the forms.

A social-insurance fund budget is a main table (预算主表), an income parameter table (收入参数表),
a spending parameter table (支出参数表) and a balance table (基金平衡表); the employment subsidy
fund reports its year with a performance self-evaluation (绩效自评表: 全年预算数, 全年执行数,
执行率, and indicators with their target values). Amounts are in 万元 with two decimals; every
total, balance and rate the office would compute is an Excel formula over the cells it sums, so
a figure edited by hand still adds up. Line names are the fund rules' (Chinese, English
alongside). The uncertainty (percentiles, the appropriation needed, the share overspent), the
outturn of line budgets (who goes without) and the median run's monthly ledger are sheets of
their own.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lmsim.budget import SUBJECTS, Budget
from lmsim.groups import GROUPS
from lmsim.ledger import FUND_NAMES, FUND_TERMS
from lmsim.outputs import FORMULA_STARTS
from lmsim.policies import REGISTRY, line_terms
from lmsim.policies.base import REFUSAL_GROUPS
from lmsim.results_folder import atomic_write

from .labels import label

WAN = "#,##0.00"  # 万元, as the forms print them
COUNT = "#,##0"
YUAN = "#,##0.00"
SHARE = "0.0%"
BOLD = Font(bold=True)
_FUND_TERM = {FUND_NAMES[f]: t for f, t in FUND_TERMS.items()}


def wan(yuan: float) -> float:
    """Yuan as 万元, kept to the yuan (four decimals)."""
    return round(float(yuan)) / 10_000


def write_budget(b: Budget, title: str, provenance: list[tuple[str, str]], path: Path) -> Path:
    """Write the workbook of budget request ``b`` to ``path`` (whole or absent)."""
    book = Workbook()
    main_sheet(book.active, b, title)
    income_sheet(book.create_sheet("收入参数表"), b)
    spending_sheet(book.create_sheet("支出参数表"), b)
    balance_sheet(book.create_sheet("基金平衡表"), b)
    performance_sheet(book.create_sheet("绩效自评表"), b)
    uncertainty_sheet(book.create_sheet("不确定性"), b)
    outturn_sheet(book.create_sheet("预算执行"), b)
    monthly_sheet(book.create_sheet("月度明细"), b)
    notes_sheet(book.create_sheet("说明"), b, provenance)
    return atomic_write(path, book.save)


def _head(ws: Worksheet, title: str, note: str, headers: list[str]) -> int:
    """Title, a note line (unit), and the header row; returns the first data row."""
    _put(ws, 1, 1, title).font = Font(bold=True, size=13)
    _put(ws, 2, 1, note)
    for col, header in enumerate(headers, start=1):
        _put(ws, 4, col, header, bold=True).alignment = Alignment(wrap_text=True, vertical="center")
    ws.freeze_panes = "A5"
    return 5


def _widths(ws: Worksheet, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


class Formula(str):
    """A cell's formula, as written here: the only text a cell computes."""


def _put(ws: Worksheet, row: int, column: int, value, fmt: str | None = None, bold: bool = False) -> Cell:
    """Write ``value`` in a cell; text that a spreadsheet would read as a formula (a scenario's
    name, a target's label) stays text unless it is a :class:`Formula`."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and not isinstance(value, Formula) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
    if fmt:
        cell.number_format = fmt
    if bold:
        cell.font = BOLD
    return cell


def main_sheet(ws: Worksheet, b: Budget, title: str) -> None:
    """预算主表: per fund, income and spending lines with totals (SUM) and the year's balance;
    two columns a year: the point figure and the figure at the confidence chosen."""
    ws.title = "预算主表"
    c = f"{b.confidence:.0%}"
    headers = ["科目", "Subject"]
    for year in b.years:
        headers += [f"{year} 预测数\npoint (median run)", f"{year} 需安排数 ({c})\nneeded at {c} confidence"]
    headers.append("依据 source")
    row = _head(ws, f"{title} 收支预算表 budget request: main table",
                f"单位：万元 (10,000 yuan). 预测数: the median of {b.runs} replications (run {b.median_run}); "
                f"需安排数: spending not exceeded in {c} of them (收入: income reached in {c})", headers)
    main = b.tables["main"]
    for fund in main["fund"].unique():
        term = _FUND_TERM[fund]
        _put(ws, row, 1, term.zh, bold=True)
        _put(ws, row, 2, term.en, bold=True)
        row += 1
        totals = {}
        for side, zh, en in (("income", "一、收入", "income"), ("spending", "二、支出", "spending")):
            part = main[(main["fund"] == fund) & (main["side"] == side)]
            first = row
            for subject in SUBJECTS[(fund, side)]:
                lines = part[part["subject"] == subject].set_index("year")
                _put(ws, row, 1, f"  {lines['zh'].iloc[0]}")
                _put(ws, row, 2, lines["en"].iloc[0])
                for i, year in enumerate(b.years):
                    _put(ws, row, 3 + 2 * i, wan(lines.at[year, "point"]), WAN)
                    _put(ws, row, 4 + 2 * i, wan(lines.at[year, "at_confidence"]), WAN)
                _put(ws, row, 3 + 2 * len(b.years), lines["source"].iloc[0])
                row += 1
            _put(ws, row, 1, f"{zh}合计", bold=True)
            _put(ws, row, 2, f"total {en}", bold=True)
            for col in range(3, 3 + 2 * len(b.years)):
                letter = get_column_letter(col)
                _put(ws, row, col, Formula(f"=SUM({letter}{first}:{letter}{row - 1})"), WAN, bold=True)
            totals[side] = row
            row += 1
        _put(ws, row, 1, "三、本年收支结余", bold=True)
        _put(ws, row, 2, "income less spending", bold=True)
        for col in range(3, 3 + 2 * len(b.years)):
            letter = get_column_letter(col)
            _put(ws, row, col, Formula(f"={letter}{totals['income']}-{letter}{totals['spending']}"), WAN, bold=True)
        row += 2
    _widths(ws, [30, 40, *[16] * (2 * len(b.years)), 40])


def income_sheet(ws: Worksheet, b: Budget) -> None:
    """收入参数表 of the UI fund: the drivers of contribution income, and the income computed
    from them (a formula: edit a driver and the income follows)."""
    t = b.tables["income_parameters"].set_index("year")
    years = [y for y in b.years if y in t.index]
    row = _head(ws, "失业保险基金收入参数表 unemployment-insurance fund: income parameters",
                "median run; 失业保险费收入 = 参保人数 × 月均缴费基数 × 月数 × 征缴率 × 费率", ["项目", "Item", "单位 unit", *map(str, years)])
    items = [
        ("insured_workers", f"{label('insured_workers', 'zh')}(月均)", "insured employees (monthly average)", "人 persons", COUNT),
        ("average_base", "月人均缴费工资基数", "contribution base per insured employee", "元/月 yuan a month", YUAN),
        ("months", "月数", "months", "月 months", COUNT),
        ("collection_rate", "征缴率", "collection rate (base collected / billed)", "%", "0.00%"),
        ("contribution_rate", "费率(单位+个人)", "contribution rate (employer + employee)", "%", "0.00%"),
    ]
    for key, zh, en, unit, fmt in items:
        _put(ws, row, 1, zh)
        _put(ws, row, 2, en)
        _put(ws, row, 3, unit)
        for i, year in enumerate(years):
            _put(ws, row, 4 + i, float(t.at[year, key]), fmt)
        row += 1
    first = row - len(items)
    _put(ws, row, 1, "失业保险费收入(测算)", bold=True)
    _put(ws, row, 2, "contributions, computed from the parameters", bold=True)
    _put(ws, row, 3, "万元")
    for i in range(len(years)):
        col = get_column_letter(4 + i)
        cells = "*".join(f"{col}{first + k}" for k in range(len(items)))
        _put(ws, row, 4 + i, Formula(f"={cells}/10000"), WAN, bold=True)
    computed = row
    for key, zh, en in (("arrears_recovered", "欠费补缴收入", "arrears recovered"),
                        ("posts_contributions", "公益性岗位代缴收入", "contributions paid for public-welfare posts")):
        row += 1
        for col, value in ((1, zh), (2, en), (3, "万元")):
            _put(ws, row, col, value)
        for i, year in enumerate(years):
            _put(ws, row, 4 + i, wan(t.at[year, key]), WAN)
    row += 1
    for col, value in ((1, "失业保险费收入合计"), (2, "contribution income (the main table's line)"), (3, "万元")):
        _put(ws, row, col, value, bold=True)
    for i in range(len(years)):
        col = get_column_letter(4 + i)
        _put(ws, row, 4 + i, Formula(f"=SUM({col}{computed}:{col}{row - 1})"), WAN, bold=True)
    _widths(ws, [26, 44, 18, *[16] * len(years)])


def spending_sheet(ws: Worksheet, b: Budget) -> None:
    """支出参数表: per paying item, the payments (persons or firms paid, summed over months), the
    average paid each, and the spending as their product (a formula)."""
    t = b.tables["spending_parameters"]
    years = b.years
    row = _head(ws, "支出参数表 spending parameters", "median run; 支出 = 人次(户次) × 人均(户均)标准 / 10000 (万元)",
                ["基金 fund", "项目", "Item", "指标 measure", *map(str, years)])
    terms = line_terms()
    for (fund, item), part in t.groupby(["fund", "item"], sort=False):
        part = part.set_index("year")
        zh, en = _item_terms(item, terms)
        unit = part["unit"].iloc[0]
        each = {"persons": ("人次", "人均标准(元)"), "firms": ("户次", "户均标准(元)"), "loans": ("笔次", "笔均标准(元)")}[unit]
        measures = [("payments", each[0], f"payments ({unit} paid, summed over months)", COUNT),
                    ("per_payment", each[1], "yuan per payment", YUAN)]
        for key, mzh, men, fmt in measures:
            for col, value in ((1, _FUND_TERM[fund].zh), (2, zh), (3, en), (4, f"{mzh} {men}")):
                _put(ws, row, col, value)
            for i, year in enumerate(years):
                _put(ws, row, 5 + i, float(part.at[year, key]) if year in part.index else 0.0, fmt)
            row += 1
        for col, value in ((1, _FUND_TERM[fund].zh), (2, zh), (3, en), (4, "支出(万元) spending")):
            _put(ws, row, col, value, bold=True)
        for i in range(len(years)):
            col = get_column_letter(5 + i)
            _put(ws, row, 5 + i, Formula(f"={col}{row - 2}*{col}{row - 1}/10000"), WAN, bold=True)
        row += 1
    _widths(ws, [20, 30, 40, 40, *[16] * len(years)])


def _item_terms(item: str, terms: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """A spending item's Chinese and English name: the benefit's line, or the lever's title."""
    if item in terms:
        return terms[item]
    title = REGISTRY[item].title
    return title, item


def balance_sheet(ws: Worksheet, b: Budget) -> None:
    """基金平衡表: per fund, opening balance, income, spending, the year's balance, the closing
    balance, the months of spending it covers (可支付月数) and the funding gap, as formulas over
    the simulated opening, income and spending (median run); and the probability of a gap."""
    t = b.tables["balances"]
    row = _head(ws, "基金平衡表 fund balances", "单位：万元; median run. 可支付月数 = 年末滚存结余 / (本年支出 / 月数); "
                "资金缺口 funding gap = how far the closing balance is below zero", ["基金 fund", "项目", "Item", *map(str, b.years)])
    for fund, part in t.groupby("fund", sort=False):
        part = part.set_index("year")
        years = [y for y in b.years if y in part.index]
        start = row
        labels = [("上年结余(期初)", "opening balance"), ("本年收入", "income"), ("本年支出", "spending"),
                  ("本年收支结余", "income less spending"), ("年末滚存结余", "closing balance"), ("月数", "months simulated"),
                  ("可支付月数", "months of spending covered"), ("资金缺口", "funding gap"),
                  ("出现缺口的概率", "probability of a gap at year end")]
        for k, (zh, en) in enumerate(labels):
            for col, value in ((1, _FUND_TERM[fund].zh), (2, zh), (3, en)):
                _put(ws, start + k, col, value, bold=zh in ("年末滚存结余", "资金缺口"))
        for i, year in enumerate(years):
            col = 4 + i
            c = get_column_letter(col)
            r = part.loc[year]
            _put(ws, start, col, wan(r["opening"]) if i == 0 else Formula(f"={get_column_letter(col - 1)}{start + 4}"), WAN)
            _put(ws, start + 1, col, wan(r["income"]), WAN)
            _put(ws, start + 2, col, wan(r["spending"]), WAN)
            _put(ws, start + 3, col, Formula(f"={c}{start + 1}-{c}{start + 2}"), WAN)
            _put(ws, start + 4, col, Formula(f"={c}{start}+{c}{start + 3}"), WAN, bold=True)
            _put(ws, start + 5, col, int(r["months"]), COUNT)
            _put(ws, start + 6, col, Formula(f'=IF({c}{start + 2}>0,{c}{start + 4}/({c}{start + 2}/{c}{start + 5}),"")'), "0.0")
            _put(ws, start + 7, col, Formula(f"=MAX(0,-{c}{start + 4})"), WAN, bold=True)
            _put(ws, start + 8, col, float(r["gap_probability"]), SHARE)
        row = start + len(labels) + 1
    _widths(ws, [22, 18, 34, *[16] * len(b.years)])


def performance_sheet(ws: Worksheet, b: Budget) -> None:
    """绩效自评表 of the employment subsidy fund: the year's budget and execution (执行率 a
    formula), then the indicators: output (产出指标, each lever's head counts) and outcome
    (效益指标, the scenario's targets) with the value expected and the chance of meeting it."""
    t = b.tables["performance"]
    row = _head(ws, "就业补助资金绩效自评表 employment subsidy fund: performance self-evaluation",
                "资金: 万元. 全年预算数 = the year's appropriation and transfers; 全年执行数 = the median run's spending",
                ["年度 year", "全年预算数(A) budget", "全年执行数(B) outturn", "执行率(B/A) execution rate"])
    for r in t[t["kind"] == "budget"].itertuples(index=False):
        _put(ws, row, 1, r.year)
        _put(ws, row, 2, wan(r.target), WAN)
        _put(ws, row, 3, wan(r.value), WAN)
        _put(ws, row, 4, Formula(f'=IF(B{row}>0,C{row}/B{row},"")'), SHARE)
        row += 1
    row += 1
    for col, value in enumerate(["一级指标", "二级指标", "三级指标 indicator", "年度 year", "年度指标值 target",
                                 "预计完成值 expected (median run)", "达标概率 share of runs meeting it"], start=1):
        _put(ws, row, col, value, bold=True)
    row += 1
    names = {"entrants": ("新增享受人数(户数)", "newly admitted"), "recipients": ("补贴发放人次(户次)", "payments")}
    for r in t[t["kind"] == "output"].itertuples(index=False):
        zh, en = names[r.indicator]
        for col, value in enumerate(["产出指标", "数量指标", f"{REGISTRY[r.item].title}: {zh} {en}", r.year], start=1):
            _put(ws, row, col, value)
        _put(ws, row, 6, r.value, COUNT)
        row += 1
    for r in t[t["kind"] == "target"].itertuples(index=False):
        for col, value in enumerate(["效益指标", "社会效益指标", r.indicator, r.year], start=1):
            _put(ws, row, col, value)
        _put(ws, row, 5, r.target, "General")
        _put(ws, row, 6, r.value, "General")
        _put(ws, row, 7, r.met_share, SHARE)
        row += 1
    _widths(ws, [14, 22, 70, 18, 18, 20, 20])


def uncertainty_sheet(ws: Worksheet, b: Budget) -> None:
    """不确定性: each spending line's (and fund's, line 合计) outlay over replications."""
    t = b.tables["uncertainty"]
    c = f"{b.confidence:.0%}"
    row = _head(ws, "支出的不确定性 uncertainty of spending", f"单位：万元; over {b.runs} replications. 需安排数 at {c}: "
                f"overspent in at most {1 - b.confidence:.0%} of them. A fund's own 合计 row pools its lines: it needs less "
                "than the sum of its lines' needs", ["基金 fund", "科目", "Subject", "年度 year", "平均 mean", "P5", "P25",
                                                     "中位数 median", "P75", "P95", f"需安排数 needed ({c})",
                                                     "超支比例 share overspent at it"])
    for r in t.itertuples(index=False):
        zh, en = ("合计", "whole fund") if r.subject == "*" else _subject_terms(r.fund, r.subject)
        for col, value in enumerate([_FUND_TERM[r.fund].zh, zh, en, r.year], start=1):
            _put(ws, row, col, value)
        for col, value in enumerate([r.mean, r.p05, r.p25, r.p50, r.p75, r.p95, r.needed], start=5):
            _put(ws, row, col, wan(value), WAN)
        _put(ws, row, 12, r.overspent_share, SHARE)
        row += 1
    _widths(ws, [20, 26, 36, 8, *[14] * 8])


def _subject_terms(fund: str, subject: str) -> tuple[str, str]:
    term = SUBJECTS[(fund, "spending")][subject]
    return term.zh, term.en


def outturn_sheet(ws: Worksheet, b: Budget) -> None:
    """预算执行: the lines with a budget (a lever's ``budget``): how often it binds, from which
    month, the persons or firms refused and the yuan they claimed, and who they are; then the
    chance each fund's balance falls below zero (or its reserve)."""
    t = b.tables["outturn"]
    groups = [f"{GROUPS[g][0]} {g}" for g in REFUSAL_GROUPS]
    row = _head(ws, "预算执行与拒付 outturn against the line budgets", "a line's budget (its lever's `budget`, yuan a year) "
                "refuses claims beyond it; refused: claims refused, median over replications (persons, firms or loans; a monthly "
                "payment counts each month it is refused); groups: the persons' claims refused, by group (a person may count in several)",
                ["项目 line", "年度 year", "预算(万元) budget", "超支概率 probability it binds", "首次超支月份 median first month",
                 "拒付人次(户次) claims refused", "拒付金额(万元) refused yuan", "单位 unit", *groups])
    if t.empty:
        _put(ws, row, 1, "No line has a budget: set `budget` in a lever's section, or on the command line "
                         "--set policies.LEVER.budget=YUAN")
        row += 1
    for r in t.to_dict("records"):
        values = [REGISTRY[r["lever"]].title, r["year"], wan(r["budget"]), r["binds_share"], r["median_first_month"], r["refused"],
                  wan(r["refused_yuan"]), r["unit"], *[r[f"refused_{g}"] for g in REFUSAL_GROUPS]]
        formats = [None, None, WAN, SHARE, None, COUNT, WAN, None, *[COUNT] * len(groups)]
        for col, (value, fmt) in enumerate(zip(values, formats), start=1):
            _put(ws, row, col, value, fmt)
        row += 1
    row += 1
    for col, value in enumerate(["基金 fund", "阈值 threshold", "水平(万元) level", "概率 probability",
                                 "中位月份 median month", "最早月份 earliest month"], start=1):
        _put(ws, row, col, value, bold=True)
    row += 1
    for r in b.tables["depletion"].itertuples(index=False):
        values = [_FUND_TERM[r.fund].zh, "零 zero" if r.threshold == "zero" else "储备 reserve", wan(r.level), r.probability,
                  r.median_month, r.earliest_month]
        for col, (value, fmt) in enumerate(zip(values, [None, None, WAN, SHARE, None, None]), start=1):
            _put(ws, row, col, value, fmt)
        row += 1
    _widths(ws, [40, 8, 14, 14, 14, 14, 14, 8, *[16] * len(groups)])


def monthly_sheet(ws: Worksheet, b: Budget) -> None:
    """月度明细: the median run's ledger by month and line, in yuan: the main table's point
    figures are its sums."""
    t = b.tables["monthly"]
    row = _head(ws, "月度明细 the median run's ledger by month", f"单位：元 yuan; run {b.median_run}",
                [f"{label('date', 'zh')} month", "基金 fund", "行项目 line", "中文", "收入 inflow", "支出 outflow"])
    terms = line_terms()
    for r in t.itertuples(index=False):
        for col, value in enumerate([r.date, _FUND_TERM[r.fund].zh, r.line, terms.get(r.line, (r.line,))[0]], start=1):
            _put(ws, row, col, value)
        _put(ws, row, 5, float(r.inflow), YUAN)
        _put(ws, row, 6, float(r.outflow), YUAN)
        row += 1
    _widths(ws, [10, 20, 34, 34, 16, 16])


def notes_sheet(ws: Worksheet, b: Budget, provenance: list[tuple[str, str]]) -> None:
    """说明: how to reproduce the workbook and where its line names come from."""
    _put(ws, 1, 1, "说明 notes").font = Font(bold=True, size=13)
    rows = [*provenance, ("confidence", f"{b.confidence:.0%}"), ("budget years", ", ".join(map(str, b.years))),
            ("median run", f"replication {b.median_run}: its total spending over the budget years is the median"),
            ("employment subsidy fund lines", "《就业补助资金管理办法》财社〔2017〕164号 第四条 (from 2024: 财社〔2023〕181号)"),
            ("unemployment-insurance fund rows", "《社会保险基金财务制度》财社〔2017〕144号 第二十条 and the next article"),
            ("forms", "预算主表, 收入参数表, 支出参数表, 基金平衡表 (the social-insurance fund budget's tables); "
                      "绩效自评表 (项目支出绩效自评表: 全年预算数, 全年执行数, 执行率, 产出/效益指标)"),
            ("not modelled", "interest income (利息收入), transfers between pooling areas, funeral grants (丧葬补助金)")]
    for row, (key, value) in enumerate(rows, start=2):
        _put(ws, row, 1, key)
        _put(ws, row, 2, value)
    _widths(ws, [30, 120])


def summary_text(b: Budget) -> list[str]:
    """What the terminal prints: per fund and spending line, each year's point figure and
    appropriation needed (万元), then the funding gaps and the line budgets that bind."""
    main = b.tables["main"]
    c = f"{b.confidence:.0%}"
    lines = [f"budget request, 万元: point (median run) / needed at {c} confidence"]
    header = f"{'':34}" + "".join(f"{y:>24}" for y in b.years) + "\n" + f"{'':34}" + f"{'point':>12}{'needed':>12}" * len(b.years)
    for fund in main["fund"].unique():
        lines += ["", f"{_FUND_TERM[fund].zh} {_FUND_TERM[fund].en}", header]
        part = main[(main["fund"] == fund) & (main["side"] == "spending")]
        for subject, rows in part.groupby("subject", sort=False):
            rows = rows.set_index("year")
            if (rows["at_confidence"] == 0).all():
                continue
            cells = "".join(f"{wan(rows.at[y, 'point']):>12,.2f}{wan(rows.at[y, 'at_confidence']):>12,.2f}" for y in b.years)
            lines.append(f"  {rows['zh'].iloc[0]:<{32 - _wide(rows['zh'].iloc[0])}}{cells}")
        totals = part.groupby("year")[["point", "at_confidence"]].sum()
        cells = "".join(f"{wan(totals.at[y, 'point']):>12,.2f}{wan(totals.at[y, 'at_confidence']):>12,.2f}" for y in b.years)
        lines.append(f"  {'支出合计 total':<{32 - 4}}{cells}")
    gaps = b.tables["balances"]
    for r in gaps[gaps["funding_gap"] > 0].itertuples(index=False):
        lines.append(f"funding gap: {_FUND_TERM[r.fund].en} ends {r.year} {wan(r.funding_gap):,.2f} 万元 short "
                     f"(in {r.gap_probability:.0%} of runs)")
    for r in b.tables["outturn"].to_dict("records"):
        if not r["binds_share"]:
            continue
        groups = ", ".join(f"{r[f'refused_{g}']:,.0f} {g}" for g in REFUSAL_GROUPS if r[f"refused_{g}"])
        lines.append(f"line budget: {r['lever']} {r['year']} budget {wan(r['budget']):,.2f} 万元 binds in {r['binds_share']:.0%} of runs, "
                     f"from {r['median_first_month']} (median): {r['refused']:,.0f} claims refused ({r['unit']}; a monthly payment "
                     f"counts each month), {wan(r['refused_yuan']):,.2f} 万元 (medians){f'; by group: {groups}' if groups else ''}")
    return lines


def _wide(text: str) -> int:
    """Characters of ``text`` a terminal shows two columns wide (CJK)."""
    return sum(1 for ch in text if ord(ch) > 0x2E80)
