"""Report labels in Chinese and English: the terms budget officers and policy designers use."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # titles
    "compare_title": ("政策方案比较报告", "Policy package comparison"),
    "forecast_title": ("就业资金支出预测报告", "Fund outlay forecast"),
    "reproduce": ("复现信息", "How to reproduce"),
    "headline": ("主要结论", "Headline figures"),
    "method": ("方法说明", "Method"),
    "warnings": ("提示", "Warnings"),
    # indicators
    "surveyed_unemployment_rate": ("城镇调查失业率", "surveyed unemployment rate"),
    "registered_unemployment_rate": ("城镇登记失业率", "registered unemployment rate"),
    "youth_unemployment_rate": ("16-24岁青年失业率", "youth (16-24) unemployment rate"),
    "new_urban_jobs": ("城镇新增就业", "new urban jobs"),
    "new_urban_jobs_cumulative": ("城镇新增就业(累计)", "new urban jobs, cumulative"),
    "in_work": ("就业人数(含自雇)", "persons in work (incl. self-employed)"),
    "graduate_employment_rate": ("高校毕业生就业率", "graduate employment rate"),
    "zero_employment_households": ("零就业家庭", "zero-employment households"),
    "startups": ("创业人数", "start-ups"),
    # funds
    "ui_fund": ("失业保险基金", "unemployment-insurance fund"),
    "employment_subsidy_fund": ("就业补助资金", "employment subsidy fund"),
    "guarantee_fund": ("创业担保贷款担保基金", "guarantee fund"),
    "pension_fund": ("基本养老保险基金", "pension fund"),
    "medical_fund": ("基本医疗保险基金", "medical insurance fund"),
    # chart and table words
    "baseline": ("基准情景", "baseline"),
    "target": ("目标", "target"),
    "month": ("月份", "month"),
    "yuan": ("元", "yuan"),
    "yuan_per_month": ("元/月", "yuan a month"),
    "persons": ("人", "persons"),
    "median_band": ("中位数及90%区间", "median and 90 % band"),
    "outlays_by_line": ("各支出项目月度支出(均值)", "outlays by line item a month (mean)"),
    "balance_fan": ("基金余额(中位数, 50%和90%区间)", "fund balance (median, 50 % and 90 % bands)"),
    "cost_per_job": ("每个净新增就业岗位成本", "cost per net job"),
    "deadweight": ("无谓损失(本会发生的比例)", "deadweight (share that would have happened anyway)"),
    "attainment": ("目标实现概率", "probability of meeting each target"),
    "net_effects": ("相对基准情景的净效应", "net effects against the baseline"),
    "outlays": ("各基金支出", "outlays by fund and line item"),
    "cost_table": ("成本效益", "cost per net job"),
    "deadweight_table": ("无谓损失与挤出效应", "deadweight and displacement"),
    "attribution": ("分项政策贡献(逐项剔除法)", "attribution by lever (remove one at a time)"),
    "targets_table": ("目标实现", "targets"),
    "monthly_outlays": ("月度支出预测", "monthly outlay forecast"),
    "annual_outlays": ("年度支出(预算申请)", "annual outlays (for the budget request)"),
    "balances": ("基金余额路径", "fund balance paths"),
    "depletion": ("基金穿底风险", "risk of a fund running dry"),
    "displacement": ("挤出效应(未受资助者求职成功率变化)", "displacement (change in job finding of people not subsidised)"),
    "probability": ("概率", "probability"),
    "outlay_change": ("支出变化", "change in outlays"),
    "ratio_of_means": ("均值之比", "ratio of means"),
    "per_replication": ("逐次模拟中位数", "per replication median"),
    "without_net_jobs": ("次模拟无净新增就业", "replications without net jobs"),
    "no_net_jobs": ("无净新增就业, 不适用", "not defined: no net jobs on average"),
    "share": ("比例", "share"),
}


def label(key: str, lang: str) -> str:
    """The label in ``lang`` ('zh' or 'en'); an unknown key is shown as it is."""
    zh, en = LABELS.get(key, (key, key))
    return zh if lang == "zh" else en
