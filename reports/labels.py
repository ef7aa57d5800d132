"""Report labels in Chinese and English: the terms budget officers and policy designers use.

Report words (titles, chart and table words) are defined here; the names of indicators and
funds and ledger lines are defined beside what they name (:data:`lmsim.indicators.DEFINITIONS`,
:data:`lmsim.ledger.FUND_TERMS`, :func:`lmsim.policies.line_terms`) and read from there."""

from __future__ import annotations

import re

from lmsim.indicators import DEFINITIONS, DERIVED
from lmsim.ledger import FUND_NAMES, FUND_TERMS
from lmsim.policies import line_terms

#: report words: key -> (Chinese, English)
LABELS: dict[str, tuple[str, str]] = {
    # titles
    "compare_title": ("政策方案比较报告", "Policy package comparison"),
    "forecast_title": ("就业资金支出预测报告", "Fund outlay forecast"),
    "reproduce": ("复现信息", "How to reproduce"),
    "headline": ("主要结论", "Headline figures"),
    "method": ("方法说明", "Method"),
    # chart and table words
    "baseline": ("基准情景", "baseline"),
    "target": ("目标", "target"),
    "yuan": ("元", "yuan"),
    "median_band": ("中位数及90%区间", "median and 90 % band"),
    "outlays_by_line": ("各支出项目月度支出(均值)", "outlays by line item a month (mean)"),
    "balance_fan": ("基金余额(中位数, 50%和90%区间)", "fund balance (median, 50 % and 90 % bands)"),
    "cost_per_job": ("每个净新增常规就业岗位成本", "cost per net regular job"),
    "deadweight": ("无谓损失(本会就业的比例)", "deadweight (share in work anyway, at each lever's horizon)"),
    "attainment": ("目标实现概率", "probability of meeting each target"),
    "net_effects": ("相对基准情景的净效应", "net effects against the baseline"),
    "outlays": ("各基金支出", "outlays by fund and line item"),
    "cost_table": ("成本效益(常规就业, 不含政策性岗位)", "cost per net regular job (programme posts apart)"),
    "deadweight_table": ("无谓损失与挤出效应", "deadweight and displacement"),
    "attribution": ("分项政策贡献(逐项剔除法)", "attribution by lever (remove one at a time)"),
    "targets_table": ("目标实现", "targets"),
    "monthly_outlays": ("月度支出预测", "monthly outlay forecast"),
    "annual_outlays": ("年度支出(预算申请)", "annual outlays (for the budget request)"),
    "depletion": ("基金穿底风险", "risk of a fund running dry"),
    "probability": ("概率", "probability"),
    "outlay_change": ("支出变化", "change in outlays"),
    "ratio_of_means": ("均值之比", "ratio of means"),
    "per_replication": ("逐次模拟中位数", "per replication median"),
    "without_net_jobs": ("次模拟无净新增常规就业", "replications without net regular jobs"),
    "no_net_jobs": ("无净新增常规就业, 不适用", "not defined: no net regular jobs on average"),
    "parameter_uncertainty": ("参数不确定性(拟合参数逐次抽样)", "parameter uncertainty (fitted parameters drawn per replication)"),
    "parameters_drawn": ("抽样的拟合参数", "fitted parameters drawn"),
    "parameters_fixed": ("参数固定时", "with the parameters fixed"),
    "from_parameters": ("区间宽度来自参数", "of the band's width from the parameters"),
    "net_outlays": ("净支出", "net outlays"),
    "level": ("水平", "level"),
    "net": ("净效应", "net effect"),
    "total": ("合计", "total"),  # a table's "*" row: every fund or line item
    # the headline panel (reports/headline.py)
    "period": ("期间", "period"),
    "to": ("至", " to "),
    "year_suffix": ("年", ""),
    "replications": ("次模拟", "replications"),
    "interval": ("90%区间", "90 % interval"),
    "effects_and_costs": ("相对基准情景的净效应与成本", "net effects and costs against the baseline"),
    "no_targets": ("方案未设定目标", "the packages declare no targets"),
    "stretch": ("力争", "stretch"),
    "net_change_at_end": ("{}净变化(期末)", "net change in {} at the end of the period"),
    "net_change_mean": ("{}净变化(期间平均)", "net change in the {}, mean over the period"),
    "outlay_change_total": ("支出变化(期间合计)", "change in outlays, total over the period"),
    "persons_unit": ("人", "persons"),
    "pp_unit": ("个百分点", "percentage points"),
    "attainment_legend": ("概率为达到目标的模拟次数占比。颜色: 绿色 ≥ {good}; 黄色 {fair} 至 {good}; 红色 < {fair}",
                          ("Probability: the share of replications meeting the target. Colours: green ≥ {good}; "
                           "amber {fair} to {good}; red < {fair}")),
    "cost_note": (("每个净新增常规就业岗位成本 = 支出变化 ÷ 期末常规就业净变化 (均值之比; 区间为逐次模拟之比, 仅含有净新增的模拟); "
                   "政策性岗位不计入"),
                  ("Cost per net regular job: the change in outlays divided by the net change in regular employment at the end "
                   "(ratio of means; its interval is over the replications' own ratios, those with net regular jobs only); "
                   "programme posts are not counted as jobs")),
    "interval_note": ("区间为逐次模拟(共同随机数)净效应的5%-95%分位",
                      "intervals: 5-95 % of the replications' net effects (common random numbers)"),
    # how a target aggregates the months of its period
    "aggregate_sum": ("累计", "total"),
    "aggregate_mean": ("月均", "monthly mean"),
    "aggregate_last": ("期末", "at the end"),
    "aggregate_min": ("月度最低", "lowest month"),
    "aggregate_max": ("月度最高", "highest month"),
    # a lever's monthly figures a target may name (policies.LEVER.COLUMN)
    "policy_claims": ("申领数", "claims"),
    "policy_recipients": ("享受人数", "recipients"),
    "policy_paid": ("支出金额", "yuan paid"),
    "policy_refused": ("因预算不足未获支付数", "claims refused for want of budget"),
    "policy_refused_yuan": ("因预算不足未支付金额", "yuan refused for want of budget"),
    "policy_entrants": ("新增人数", "newly admitted"),
    "policy_lent": ("新增贷款额", "new loans"),
    "policy_jobs": ("带动就业人数", "jobs at financed businesses"),
}


#: the columns of the report's tables: column -> (Chinese, English); a column ending in _low,
#: _high or _fixed is its base column's 90 % bound or its value with the parameters fixed
COLUMNS: dict[str, tuple[str, str]] = {
    "scenario": ("情景", "scenario"),
    "indicator": ("指标", "indicator"),
    "period": ("期间", "period"),
    "year": ("年份", "year"),
    "fund": ("基金", "fund"),
    "line": ("支出项目", "line item"),
    "lever": ("政策措施", "measure"),
    "target": ("目标", "target"),
    "label": ("目标(文件原文)", "target (as the document words it)"),
    "op": ("比较", "comparison"),
    "value": ("数值", "value"),
    "baseline": ("基准情景", "baseline"),
    "net": ("净效应", "net effect"),
    "change": ("变化", "change"),
    "outflow": ("支出", "outlays"),
    "p_met_baseline": ("基准情景实现概率", "probability met, baseline"),
    "p_met_scenario": ("方案实现概率", "probability met, package"),
    "achieved": ("实现值", "value reached"),
    "net_outlays": ("净支出", "net outlays"),
    "net_regular_jobs": ("常规就业净变化", "net regular jobs"),
    "net_programme_posts": ("政策性岗位净变化", "net programme posts"),
    "cost_per_job": ("每个净新增岗位成本", "cost per net job"),
    "cost_per_job_of_means": ("每个净新增岗位成本(均值之比)", "cost per net job (ratio of means)"),
    "replications_without_net_regular_jobs": ("无净新增常规就业的模拟次数", "replications without net regular jobs"),
    "outcome_months": ("结果观察期(月)", "outcome horizon (months)"),
    "admitted": ("受益人数", "persons admitted"),
    "beyond_horizon": ("观察期超出模拟期的人数", "persons whose horizon is past the end"),
    "deadweight_share": ("无谓损失比例", "deadweight share"),
    "share": ("比例", "share"),
    "finding_baseline": ("未受益者月求职成功率(基准)", "monthly job-finding rate of non-participants, baseline"),
    "finding_scenario": ("未受益者月求职成功率(方案)", "monthly job-finding rate of non-participants, package"),
    "measure": ("口径", "measure"),
    "width": ("区间宽度", "band width"),
    "share_from_parameters": ("区间宽度来自参数的比例", "share of the band's width from the parameters"),
    "parameter": ("参数", "parameter"),
    "estimate": ("估计值", "estimate"),
    "se": ("标准误", "standard error"),
    "fitted": ("拟合时", "fitted"),
    "targets": ("拟合目标", "fitted to"),
    "low": ("下限", "low"),
    "high": ("上限", "high"),
    "median": ("中位数", "median"),
    "mean": ("均值", "mean"),
    "p05": ("5%分位", "5th percentile"),
    "p95": ("95%分位", "95th percentile"),
    "level": ("阈值", "level"),
    "threshold": ("阈值类型", "threshold"),
    "probability": ("概率", "probability"),
    "median_month": ("中位月份", "median month"),
    "earliest_month": ("最早月份", "earliest month"),
    "closing": ("期末余额", "closing balance"),
}
_SUFFIXES = {"_low": ("90%区间下限", "90 % low"), "_high": ("90%区间上限", "90 % high"), "_fixed": ("参数固定时", "parameters fixed")}
#: units of table columns (reports.tables.unit) in the reader's words
UNITS: dict[str, tuple[str, str]] = {"yuan": ("元", "yuan"), "share": ("比例", "share")}


def column_label(column: str, lang: str) -> str:
    """The heading in ``lang`` of a table column; an unknown column is shown as it is."""
    i = 0 if lang == "zh" else 1
    if column in COLUMNS or column in TERMS:  # a column may be an indicator ("date")
        return (COLUMNS.get(column) or TERMS[column])[i]
    for suffix, words in _SUFFIXES.items():
        if column.endswith(suffix) and column.removesuffix(suffix) in COLUMNS:
            base = COLUMNS[column.removesuffix(suffix)][i]
            return f"{base} {words[i]}" if lang == "zh" else f"{base}, {words[i]}"
    return column


#: names of what the model defines: indicators (by column) and funds (by fund name)
TERMS: dict[str, tuple[str, str]] = {
    **{name: (d.zh, d.en) for name, d in {**DEFINITIONS, **DERIVED}.items()},
    **{FUND_NAMES[fund]: (t.zh, t.en) for fund, t in FUND_TERMS.items()},
}


def label(key: str, lang: str) -> str:
    """The label in ``lang`` ('zh' or 'en') of a report word, an indicator or a fund; an
    unknown key is shown as it is."""
    zh, en = TERMS.get(key) or LABELS.get(key, (key, key))
    return zh if lang == "zh" else en


def line_label(line: str, lang: str) -> str:
    """The name in ``lang`` of a ledger line item (a line may share its key with an indicator:
    ``public_welfare_posts`` is both the posts' wage line and the post holders)."""
    zh, en = line_terms().get(line, (line, line))
    return zh if lang == "zh" else en


def lever_label(lever: str, lang: str) -> str:
    """The name in ``lang`` of a policy lever, read off its declared ``title`` (English, with
    the documents' Chinese term in brackets); an unknown lever is shown as it is."""
    from lmsim.policies import REGISTRY

    cls = REGISTRY.get(lever)
    if cls is None:
        return lever
    title = cls.title
    chinese = re.search(r"\(([^()]*[\u3400-\u9fff][^()]*)\)", title)
    if lang != "zh":
        # the English is the title without the bracketed Chinese term
        return " ".join((title[:chinese.start()] + title[chinese.end():]).split()) if chinese else title
    if chinese is None:
        return title
    bracket = chinese.group(1)
    # a bracket quoting a whole clause is no name: a lever paying one line is called by the line
    if ("..." in bracket or len(bracket) > 16) and len(cls.lines) == 1:
        return next(iter(cls.lines.values()))[0]
    return bracket.split(",")[0].strip()


def indicator_label(indicator: str, lang: str) -> str:
    """The name in ``lang`` of a target's indicator: a monthly column, or
    ``policies.LEVER.COLUMN`` (a lever's monthly figure) as the lever's name and the figure's."""
    if indicator.startswith("policies."):
        _, lever, column = (indicator.split(".") + ["", ""])[:3]
        return f"{lever_label(lever, lang)}: {label(f'policy_{column}', lang)}"
    return label(indicator, lang)
