"""One source for each term (issue 10): every indicator, fund and ledger line item has a Chinese
and an English name, defined beside what it names and nowhere else; reports read them from there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lmsim.indicators import COLUMNS, DEFINITIONS, DERIVED, markdown_table
from lmsim.ledger import FUND_NAMES, FUND_TERMS, Fund
from lmsim.policies import line_terms
from lmsim.reports.labels import LABELS, label, line_label

ROOT = Path(__file__).parents[1]
FOLDERS = ("model", "reports", "calibration")
#: a Chinese character: a term written inside a longer one (零就业家庭 in 零就业家庭成员, members
#: of such households; 劳动力 in 农村富余劳动力) is that other term, not this one
CJK = "\u3400-\u9fff"

INDICATORS = {**DEFINITIONS, **DERIVED}
#: every Chinese name, by what it names
NAMES = {
    **{name: d.zh for name, d in INDICATORS.items()},
    **{FUND_NAMES[f]: t.zh for f, t in FUND_TERMS.items()},
    **{line: zh for line, (zh, _) in line_terms().items()},
}


def test_every_indicator_column_and_every_fund_has_a_chinese_and_an_english_name():
    assert list(DEFINITIONS) == COLUMNS
    for name, d in INDICATORS.items():
        assert d.zh.strip() and d.en.strip() and d.definition.strip(), name
        assert (label(name, "zh"), label(name, "en")) == (d.zh, d.en)
    assert set(FUND_TERMS) == set(Fund)
    for fund, t in FUND_TERMS.items():
        assert t.zh.strip() and t.en.strip(), fund
        assert (label(FUND_NAMES[fund], "zh"), label(FUND_NAMES[fund], "en")) == (t.zh, t.en)


def test_report_words_do_not_redefine_an_indicator_or_a_fund():
    assert not set(LABELS) & {*INDICATORS, *FUND_NAMES.values()}
    assert not {zh for zh, _ in LABELS.values()} & set(NAMES.values())


def _sources() -> dict[Path, str]:
    files = (p for folder in FOLDERS for p in sorted((ROOT / folder).rglob("*.py")))
    return {p: p.read_text(encoding="utf-8") for p in files}


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_each_chinese_name_is_written_in_one_source_file(name):
    alone = re.compile(f"(?<![{CJK}]){re.escape(name)}(?![{CJK}])")
    where = [str(p.relative_to(ROOT)) for p, text in _sources().items() if alone.search(text)]
    assert len(where) == 1, f"{name} is written in {where}"


def test_the_readme_table_of_monthly_columns_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, "README column table is stale: paste lmsim.indicators.markdown_table()"


def test_every_line_item_has_its_names_and_reports_read_them():
    lines = line_terms()
    assert {"ui_benefit", "contribution_ui_employer", "hiring_subsidy", "loan_interest_subsidy"} <= set(lines)
    for line, (zh, en) in lines.items():
        assert zh.strip() and en.strip(), line
        assert (line_label(line, "zh"), line_label(line, "en")) == (zh, en)
    assert line_label("public_welfare_posts", "en") != label("public_welfare_posts", "en")
